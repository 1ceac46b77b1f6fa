"""What is shown: layers of objects, the clock, the camera, and the text on the globe."""

from __future__ import annotations

import numpy as np

from orbitview.core.camera import CameraState
from orbitview.core.catalog import Catalog
from orbitview.core.clock import Clock
from orbitview.core.events import EventedModel, Field
from orbitview.core.keyframes import LiveKeyframes


class Layer(EventedModel):
    """One loaded source (a file, a fetched group, a modelled event) drawn as one population.

    ``keyframes`` is anything with ``at(t_s) -> Keyframes`` and ``len()``: SGP4 on demand for a
    catalogue, or a precomputed trajectory file.
    """

    visible = Field(True, bool)
    point_size = Field(3.0, float)

    def __init__(self, name: str, catalog: Catalog, keyframes=None, **values) -> None:
        super().__init__(**values)
        self.name = name
        self.catalog = catalog
        self.keyframes = keyframes if keyframes is not None else LiveKeyframes(catalog)

    def __len__(self) -> int:
        return len(self.catalog)

    def epoch_span_s(self) -> tuple[float, float]:
        """Oldest and newest element epochs, POSIX seconds."""
        return float(np.min(self.catalog.epoch_s)), float(np.max(self.catalog.epoch_s))


class Scene(EventedModel):
    """The single source of truth for what the view shows.

    ``layers`` is a tuple: assigning a new one (``add_layer``) emits ``events.layers``.
    ``message`` is text shown across the globe when there is nothing to show; ``title`` is
    the line across the top. ``show_*`` switch the globe's line overlays.
    """

    layers = Field((), tuple)
    message = Field("", str)
    title = Field("", str)
    show_coastlines = Field(True, bool)
    show_borders = Field(False, bool)
    show_grid = Field(False, bool)

    def __init__(self, clock: Clock | None = None, camera: CameraState | None = None, **values):
        super().__init__(**values)
        self.clock = clock if clock is not None else Clock()
        self.camera = camera if camera is not None else CameraState()

    def add_layer(self, layer: Layer) -> Layer:
        self.layers = (*self.layers, layer)
        return layer

    def remove_layer(self, layer: Layer) -> None:
        self.layers = tuple(item for item in self.layers if item is not layer)

    def object_count(self) -> tuple[int, int]:
        """(visible, total) number of objects over all layers."""
        total = sum(len(layer) for layer in self.layers)
        visible = sum(len(layer) for layer in self.layers if layer.visible)
        return visible, total
