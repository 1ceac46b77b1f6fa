"""What is shown: layers of objects, the clock, the camera, and the text on the globe."""

from __future__ import annotations

import numpy as np

from orbitview.core.camera import CameraState
from orbitview.core.catalog import Catalog
from orbitview.core.clock import Clock
from orbitview.core.events import EventedModel, Field
from orbitview.core.frames import gcrs_from_itrs
from orbitview.core.keyframes import LiveKeyframes


NO_DATA_MESSAGE = (
    "Nothing loaded.\n"
    "Open element sets or a trajectory file with File > Open (or drop them here),\n"
    "fetch a CelesTrak group with File > Fetch, or model an event from the Events menu."
)
COLOR_MODES = ("class", "source", "altitude", "age", "sunlit")


def _color_mode(value) -> str:
    if value not in COLOR_MODES:
        raise ValueError(f"colour-by must be one of {COLOR_MODES}, not {value!r}")
    return value


class Layer(EventedModel):
    """One loaded source (a file, a fetched group, a modelled event) drawn as one population.

    ``keyframes`` is anything with ``at(t_s) -> Keyframes`` and ``len()``: SGP4 on demand for a
    catalogue, or a precomputed trajectory file.
    """

    visible = Field(True, bool)
    point_size = Field(3.0, float)
    color_by = Field("class", _color_mode)
    #: RGBA 0..1, the layer's own colour (colour-by "source").
    color = Field((1.0, 1.0, 1.0, 1.0), lambda rgba: tuple(float(v) for v in rgba))
    #: (N,) bool: objects that pass the layer's filters (all, until filters are set).
    shown = Field(None, lambda mask: np.asarray(mask, bool))

    def __init__(self, name: str, catalog: Catalog, keyframes=None, **values) -> None:
        super().__init__(**values)
        self.name = name
        self.catalog = catalog
        self.keyframes = keyframes if keyframes is not None else LiveKeyframes(catalog)
        #: Where the object classes come from: a SATCAT's label, "" for the name rules of
        #: ``core.classify``, None where no SATCAT applies (modelled objects).
        self.classes_from: str | None = None
        if "shown" not in values:
            self.shown = np.ones(len(catalog), bool)

    def __len__(self) -> int:
        return len(self.catalog)

    def epoch_span_s(self) -> tuple[float, float]:
        """Oldest and newest element epochs, POSIX seconds."""
        return float(np.min(self.catalog.epoch_s)), float(np.max(self.catalog.epoch_s))


def _optional_id(value) -> int | None:
    return None if value is None else int(value)


def _ids(values) -> tuple[int, ...]:
    return tuple(dict.fromkeys(int(v) for v in values))


class Scene(EventedModel):
    """The single source of truth for what the view shows.

    ``layers`` is a tuple: assigning a new one (``add_layer``) emits ``events.layers``.
    ``message`` (derived) is the hint shown across the globe while no layer is loaded;
    ``title`` is the line across the top. ``show_*`` switch the globe's line overlays. ``selected_id`` is
    the catalogue number of the selected object (None: none), ``pinned_ids`` those labelled,
    ``show_tracks`` whether the selection's orbit and ground track are drawn.
    """

    layers = Field((), tuple)
    title = Field("", str)
    show_coastlines = Field(False, bool)
    show_borders = Field(False, bool)
    show_grid = Field(False, bool)
    selected_id = Field(None, _optional_id)
    pinned_ids = Field((), _ids)
    #: Draw the selected object's orbit and ground track.
    show_tracks = Field(True, bool)

    def __init__(self, clock: Clock | None = None, camera: CameraState | None = None, **values):
        super().__init__(**values)
        self.clock = clock if clock is not None else Clock()
        self.camera = camera if camera is not None else CameraState()
        # Connected before any view, so the centre has moved when the view draws the new time.
        self.clock.events.time_s.connect(self._follow)
        self.camera.events.follow_id.connect(self._follow)
        self.camera.events.view_frame.connect(self._follow)

    def view_from_gcrs(self, t_s: float | None = None) -> np.ndarray:
        """(3, 3) rotation from GCRS into the camera's view frame (ITRS when Earth-fixed)."""
        if self.camera.view_frame == "earth-fixed":
            return gcrs_from_itrs(self.clock.time_s if t_s is None else t_s).T
        return np.eye(3)

    def _follow(self, _value=None) -> None:
        """Keep the camera centred on the followed object (view-frame km)."""
        if self.camera.follow_id is None:
            return
        position = self.position_gcrs_km(self.camera.follow_id)
        if position is not None:
            self.camera.center_km = self.view_from_gcrs() @ position

    @property
    def message(self) -> str:
        return "" if self.layers else NO_DATA_MESSAGE

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

    def locate(self, norad_id: int) -> tuple[Layer, int] | None:
        """The first layer holding catalogue number ``norad_id``, and its row there."""
        for layer in self.layers:
            rows = np.flatnonzero(layer.catalog.norad_id == norad_id)
            if len(rows):
                return layer, int(rows[0])
        return None

    def position_gcrs_km(self, norad_id: int, t_s: float | None = None) -> np.ndarray | None:
        """(3,) float64 GCRS km of an object at ``t_s`` (default: the clock's time), as drawn:
        from the layer's keyframes. None when unknown or not valid then."""
        found = self.locate(norad_id)
        if found is None:
            return None
        layer, row = found
        t = self.clock.time_s if t_s is None else t_s
        keyframes = layer.keyframes.at(t)
        if not keyframes.valid[row]:
            return None
        return keyframes.interpolate(t, row)

    def toggle_pin(self, norad_id: int) -> None:
        pinned = self.pinned_ids
        self.pinned_ids = tuple(i for i in pinned if i != norad_id) if norad_id in pinned else (*pinned, norad_id)
