"""What is shown: layers of objects, the clock, the camera, and the text on the globe."""

from __future__ import annotations

import math

import numpy as np

from orbitview.core.camera import CameraState
from orbitview.core.catalog import Catalog
from orbitview.core.clock import Clock
from orbitview.core.events import EventedModel, Field
from orbitview.core.frames import view_from_gcrs
from orbitview.core.keyframes import LiveKeyframes
from orbitview.core.object_ref import ObjectRef, optional_ref


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

    def shown_span_s(self) -> tuple[float, float]:
        """When the layer's objects can be drawn, POSIX seconds: its keyframes' window (a parent
        until its breakup, the fragments from it, a trajectory file's span), else always."""
        return getattr(self.keyframes, "start_s", -math.inf), getattr(self.keyframes, "end_s", math.inf)

    def coexists_with(self, other: Layer) -> bool:
        """Whether the two layers are ever drawn at the same time."""
        (a0, a1), (b0, b1) = self.shown_span_s(), other.shown_span_s()
        return a0 < b1 and b0 < a1


def _refs(values) -> tuple[ObjectRef, ...]:
    return tuple(dict.fromkeys(optional_ref(v) for v in values if v is not None))


class Scene(EventedModel):
    """The single source of truth for what the view shows.

    ``layers`` is a tuple: assigning a new one (``add_layer``) emits ``events.layers``.
    ``message`` (derived) is the hint shown across the globe while no layer is loaded;
    ``title`` is the line across the top. ``show_*`` switch the globe's line overlays. ``selected`` is
    the selected object (an ``ObjectRef``: layer and row; None: none), ``pinned`` those labelled,
    ``show_tracks`` whether the selection's orbit and ground track are drawn. Removing a layer
    drops its objects from the selection, the pins and the camera's ``follow``.
    """

    layers = Field((), tuple)
    title = Field("", str)
    show_coastlines = Field(False, bool)
    show_borders = Field(False, bool)
    show_grid = Field(False, bool)
    selected = Field(None, optional_ref)
    pinned = Field((), _refs)
    #: Draw the selected object's orbit and ground track.
    show_tracks = Field(True, bool)

    def __init__(self, clock: Clock | None = None, camera: CameraState | None = None, **values):
        super().__init__(**values)
        self.clock = clock if clock is not None else Clock()
        self.camera = camera if camera is not None else CameraState()
        # Connected before any view, so the centre has moved when the view draws the new time.
        self.clock.events.time_s.connect(self._follow)
        self.camera.events.follow.connect(self._follow)
        self.camera.events.view_frame.connect(self._follow)
        # Connected before any view, so no adapter is handed an object of a removed layer.
        self.events.layers.connect(self._forget_removed)

    def view_from_gcrs(self, t_s: float | None = None) -> np.ndarray:
        """(3, 3) rotation from GCRS into the camera's view frame (ITRS when Earth-fixed) at
        ``t_s`` (default: the clock's time)."""
        return view_from_gcrs(self.camera.view_frame, self.clock.time_s if t_s is None else t_s)

    def _follow(self, _value=None) -> None:
        """Keep the camera centred on the followed object (view-frame km)."""
        if self.camera.follow is None:
            return
        position = self.position_gcrs_km(self.camera.follow)
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

    def find(self, norad_id: int) -> list[ObjectRef]:
        """Every object with catalogue number ``norad_id``, in layer order (the first row of
        each layer holding it)."""
        found = []
        for layer in self.layers:
            rows = np.flatnonzero(layer.catalog.norad_id == norad_id)
            if len(rows):
                found.append(ObjectRef(layer, int(rows[0])))
        return found

    def position_gcrs_km(self, ref: ObjectRef, t_s: float | None = None) -> np.ndarray | None:
        """(3,) float64 GCRS km of an object at ``t_s`` (default: the clock's time), as drawn:
        from its layer's keyframes. None when its layer is not in the scene or it is not
        valid then."""
        if ref.layer not in self.layers:
            return None
        t = self.clock.time_s if t_s is None else t_s
        keyframes = ref.layer.keyframes.at(t)
        if not keyframes.valid[ref.row]:
            return None
        return keyframes.interpolate(t, ref.row)

    def toggle_pin(self, ref: ObjectRef) -> None:
        pinned = self.pinned
        self.pinned = tuple(p for p in pinned if p != ref) if ref in pinned else (*pinned, ref)

    def _forget_removed(self, layers: tuple[Layer, ...]) -> None:
        kept = {id(layer) for layer in layers}
        if self.camera.follow is not None and id(self.camera.follow.layer) not in kept:
            self.camera.follow = None
        if self.selected is not None and id(self.selected.layer) not in kept:
            self.selected = None
        self.pinned = tuple(p for p in self.pinned if id(p.layer) in kept)


def shared_numbers(layers) -> list[tuple[Layer, Layer, np.ndarray]]:
    """``(first, second, numbers)`` for each pair of ``layers`` that are drawn at the same time
    and hold objects with the same catalogue numbers (``numbers``: sorted int64). A breakup's
    parent, shown until the event, and its remnant, shown from it, are no such pair."""
    out = []
    for i, first in enumerate(layers):
        for second in layers[i + 1:]:
            if not first.coexists_with(second):
                continue
            common = np.intersect1d(first.catalog.norad_id, second.catalog.norad_id)
            if len(common):
                out.append((first, second, common))
    return out


def shared_numbers_warning(layers) -> str | None:
    """One line saying which layers share catalogue numbers (None when none do): such numbers
    name no single object, so scenario keys need a layer for them."""
    pairs = shared_numbers(tuple(layers))
    if not pairs:
        return None
    parts = [f"{first.name!r} and {second.name!r} share {len(numbers):,} "
             f"(e.g. {', '.join(str(n) for n in numbers[:3])})" for first, second, numbers in pairs]
    return "catalogue numbers shared by layers: " + "; ".join(parts) + "; objects are told apart by layer"
