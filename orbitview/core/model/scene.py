"""What is shown: layers of objects, the clock, the camera, and the text on the globe."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from orbitview.core.model.camera import CameraState
from orbitview.core.model.chapters import in_time_order
from orbitview.core.model.clock import Clock
from orbitview.core.model.events import EventedModel, Field, model_fields
from orbitview.core.model.filters import LayerFilter
from orbitview.core.model.object_ref import ObjectRef, optional_ref
from orbitview.core.model.output import Output
from orbitview.core.model.panes import pane_name
from orbitview.core.model.scenario import in_key_order
from orbitview.core.model.screening import Conjunctions
from orbitview.core.orbits.catalog import Catalog
from orbitview.core.orbits.frames import view_from_gcrs
from orbitview.core.orbits.keyframes import LiveKeyframes
from orbitview.core.orbits.launch_dates import appear_times_s


NO_DATA_MESSAGE = (
    "Nothing loaded.\n"
    "Open element sets or a trajectory file with File > Open (or drop them here),\n"
    "fetch a CelesTrak group with File > Fetch, or model an event from the Events menu."
)
COLOR_MODES = ("class", "source", "altitude", "age", "sunlit")


#: Point diameters a layer may have, pixels at 1080 rows.
POINT_SIZE_RANGE = (0.5, 50.0)


def _color_mode(value) -> str:
    if value not in COLOR_MODES:
        raise ValueError(f"colour-by must be one of {COLOR_MODES}, not {value!r}")
    return value


def _point_size(value) -> float:
    low, high = POINT_SIZE_RANGE
    if not low <= float(value) <= high:
        raise ValueError(f"point size {float(value):g} is outside {low:g} .. {high:g}")
    return float(value)


def _rgba(value) -> tuple[float, float, float, float]:
    """RGBA 0..1 in steps of 1/255, what a colour file, Qt and the GPU hold exactly."""
    rgba = tuple(float(v) for v in value)
    if len(rgba) != 4 or not all(0.0 <= v <= 1.0 for v in rgba):
        raise ValueError(f"expected four numbers 0..1 (RGBA), got {value!r}")
    return tuple(round(v * 255) / 255 for v in rgba)


def _filter(value) -> LayerFilter:
    if not isinstance(value, LayerFilter):
        raise ValueError(f"expected a LayerFilter, got {type(value).__name__}")
    return value


class Layer(EventedModel):
    """One loaded source (a file, a fetched group, a modelled event) drawn as one population.

    ``keyframes`` is anything with ``at(t_s, step_s=None) -> Keyframes``, ``nearest_kept(t_s)``
    and ``len()``: SGP4 on demand for a catalogue, or a precomputed trajectory file. ``origin`` (``core.model.origin``) says how to make the
    layer again (None: it cannot be). ``shown`` follows ``filter``: set the filter, never the mask.
    """

    name = Field("", str)
    origin = Field(None)
    visible = Field(True, bool)
    point_size = Field(3.0, _point_size)
    color_by = Field("class", _color_mode)
    #: RGBA 0..1, the layer's own colour (colour-by "source").
    color = Field((1.0, 1.0, 1.0, 1.0), _rgba)
    filter = Field(LayerFilter(), _filter)
    #: (N,) bool: objects that pass ``filter``.
    shown = Field(None, lambda mask: np.asarray(mask, bool), saved=False)
    #: Which of two views side by side draws the layer (``core.model.panes``) when the scene is split.
    pane = Field("left", pane_name)

    def __init__(self, name: str, catalog: Catalog, keyframes=None, **values) -> None:
        self.catalog = catalog
        super().__init__(**values)
        self.name = name
        # Element sets propagate to any time: each object is drawn from its launch on.
        self.keyframes = keyframes if keyframes is not None else LiveKeyframes(catalog, appear_s=appear_times_s(catalog))
        #: Where the object classes come from: a SATCAT's label, "" for the name rules of
        #: ``core.orbits.classify``, None where no SATCAT applies (modelled objects).
        self.classes_from: str | None = None
        self.apply_filter()
        self.events.filter.connect(self.apply_filter)

    def apply_filter(self, _value=None) -> None:
        """``shown`` from ``filter`` (also after the catalogue's classes change)."""
        self.shown = self.filter.mask(self.catalog)

    def __len__(self) -> int:
        return len(self.catalog)

    def drawn_pair(self, t_s: float, playing: bool):
        """The keyframe pair the window draws the objects from at ``t_s``: paused, the exact
        pair (``keyframes.at``); playing, the pair computed nearest to ``t_s`` (the window's
        worker computes them ahead of the clock), so that asking runs no SGP4. A time outside
        the pair is drawn at its nearer end (``Keyframes.clamp``)."""
        return self.keyframes.nearest_kept(t_s) if playing else self.keyframes.at(t_s)

    def shown_span_s(self) -> tuple[float, float]:
        """When the layer's objects can be drawn, POSIX seconds: its keyframes' window (a parent
        until its breakup, the fragments from it, a trajectory file's span), else always."""
        return getattr(self.keyframes, "start_s", -math.inf), getattr(self.keyframes, "end_s", math.inf)

    def coexists_with(self, other: Layer) -> bool:
        """Whether the two layers are ever drawn at the same time."""
        (a0, a1), (b0, b1) = self.shown_span_s(), other.shown_span_s()
        return a0 < b1 and b0 < a1


def _hex_color(value) -> str:
    if not isinstance(value, str) or len(value) != 7 or value[0] != "#" or not all(
            c in "0123456789abcdefABCDEF" for c in value[1:]):
        raise ValueError(f"expected a colour such as \"#007a33\", got {value!r}")
    return value


class Overlay(EventedModel):
    """What exports write over the image besides the scene's title: ``banner``, the
    classification/handling line in a band across the top and bottom (empty: no band) of
    ``banner_color`` "#RRGGBB"; the class ``legend``; the UTC ``clock``; a small ``attribution``;
    the running chapter's title and caption (``captions``); the ``in_orbit`` counter."""

    banner = Field("", str)
    banner_color = Field("#007a33", _hex_color)
    legend = Field(True, bool)
    clock = Field(True, bool)
    attribution = Field("", str)
    captions = Field(True, bool)
    #: A counter of the objects in orbit at the clock's time, over the clock (``launch_dates``).
    in_orbit = Field(False, bool)


def data_span_s(layers) -> tuple[float, float] | None:
    """The one span rule: the union of the times the layers' data cover (trajectory files and
    ephemerides, whose keyframes end on both sides), POSIX s; None when every layer propagates
    to any time (element sets; a breakup's parent or fragments, open on one side)."""
    spans = [layer.shown_span_s() for layer in layers]
    bounded = [(a, b) for a, b in spans if math.isfinite(a) and math.isfinite(b)]
    if not bounded:
        return None
    return min(a for a, _ in bounded), max(b for _, b in bounded)


def _refs(values) -> tuple[ObjectRef, ...]:
    return tuple(dict.fromkeys(optional_ref(v) for v in values if v is not None))


class Scene(EventedModel):
    """The single source of truth for what the view shows.

    ``layers`` is a tuple: assigning a new one (``add_layer``) emits ``events.layers``.
    ``message`` (derived) is the hint shown across the globe while no layer is loaded;
    ``title`` is the line across the top. ``show_*`` switch the globe's line overlays. ``selected`` is
    the selected object (an ``ObjectRef``: layer and row; None: none), ``pinned`` those labelled,
    ``show_tracks`` whether the selection's orbit and ground track are drawn, ``show_labels``
    whether exports label the pinned and selected objects. ``camera_path``: the camera's
    keyframes (``CameraKey``s in time order, each ``follow`` an ``ObjectRef`` or None), which
    the camera follows while the clock plays and in video exports. Removing a layer drops its
    objects from the selection, the pins, the camera's ``follow`` and the path's. ``clock``,
    ``camera``, ``overlay``, ``output`` (an export's fps and size) and ``conjunctions`` (the
    screening and its highlighted encounters) are the scene's other models.
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
    show_labels = Field(True, bool)
    #: The briefing's named moments (``core.model.chapters.Chapter``), in time order.
    chapters = Field((), in_time_order)
    #: The camera's keyframes (``core.model.scenario.CameraKey``), in time order.
    camera_path = Field((), in_key_order)
    #: Two views side by side (``core.model.panes``), same clock and camera, each layer in its pane;
    #: ``left_title``, ``right_title`` over them ("": the names of their layers).
    split = Field(False, bool)
    left_title = Field("", str)
    right_title = Field("", str)

    def __init__(self, clock: Clock | None = None, camera: CameraState | None = None,
                 overlay: Overlay | None = None, conjunctions: Conjunctions | None = None,
                 output: Output | None = None, **values):
        super().__init__(**values)
        self.output = output if output is not None else Output()
        self.conjunctions = conjunctions if conjunctions is not None else Conjunctions()
        self.clock = clock if clock is not None else Clock()
        self.camera = camera if camera is not None else CameraState()
        self.overlay = overlay if overlay is not None else Overlay()
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

    def fit_span_to_data(self) -> bool:
        """Bind the clock to ``data_span_s`` of the layers (``clock.span_locked`` follows the
        layers), the time moved inside it; False, and the clock left alone, when no layer's
        data end on both sides."""
        span = data_span_s(self.layers)
        if span is None:
            return False
        self.clock.set_span(*span)
        return True

    def models(self) -> dict[str, EventedModel]:
        """The scene and its parts by name: what a scenario writes and ``adopt`` copies."""
        return {"scene": self, "clock": self.clock, "camera": self.camera, "overlay": self.overlay,
                "output": self.output, "conjunctions": self.conjunctions}

    def adopt(self, other: Scene) -> None:
        """Take every saved field of ``other`` (a scene built from a scenario) into this scene
        and its parts, which keep their listeners (the window's adapters and widgets): its
        layers first, so that the selection and the camera's ``follow`` name them."""
        self.clock.playing = False
        self.selected = None
        self.camera.follow = None
        mine = self.models()
        for name, model in other.models().items():
            for field_name, field in model_fields(type(model)).items():
                if field.saved:
                    setattr(mine[name], field_name, getattr(model, field_name))

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
        from its layer's ``drawn_pair`` (no SGP4 while the clock plays). None when its layer is
        not in the scene or it is not valid then."""
        if ref.layer not in self.layers:
            return None
        t = self.clock.time_s if t_s is None else t_s
        keyframes = ref.layer.drawn_pair(t, self.clock.playing)
        if not keyframes.valid[ref.row]:
            return None
        return keyframes.interpolate(keyframes.clamp(t), ref.row)

    def toggle_pin(self, ref: ObjectRef) -> None:
        pinned = self.pinned
        self.pinned = tuple(p for p in pinned if p != ref) if ref in pinned else (*pinned, ref)

    def _forget_removed(self, layers: tuple[Layer, ...]) -> None:
        self.clock.span_locked = data_span_s(layers) is not None
        kept = {id(layer) for layer in layers}
        if self.camera.follow is not None and id(self.camera.follow.layer) not in kept:
            self.camera.follow = None
        if self.selected is not None and id(self.selected.layer) not in kept:
            self.selected = None
        self.pinned = tuple(p for p in self.pinned if id(p.layer) in kept)
        self.camera_path = tuple(key if key.view.get("follow") is None or id(key.view["follow"].layer) in kept
                                 else replace(key, view={**key.view, "follow": None}) for key in self.camera_path)


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
