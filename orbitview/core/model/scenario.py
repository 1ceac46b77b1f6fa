"""A briefing scenario as a model: sources, time span, camera keyframes, selection, overlay text.

``io/scenario_file.py`` reads and writes it as TOML (docs/scenarios.md), ``services/scenario.py``
builds its scene; the exporters and the window play it. Everything here is plain data plus two pieces of arithmetic that must agree wherever a
scenario is played: which simulated time each video frame shows (``frame_times_s``), and where
the camera is at a simulated time (``CameraTimeline.view_at``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from orbitview.core.errors import OrbitviewError
from orbitview.core.model.camera import CameraState, blend_views, ease_in_out
from orbitview.core.model.events import model_fields
from orbitview.core.model.object_ref import ObjectRef
from orbitview.core.model.origin import origin_kind
from orbitview.core.model.output import Output

#: How the camera gets from the previous keyframe to this one.
EASINGS = ("in-out", "linear", "cut")
#: The most frames a video may have: 2 h 19 min at 24 fps. Checked before any frame time is
#: made, so that a slow speed over a long span is refused at once instead of filling memory.
MAX_VIDEO_FRAMES = 200_000


@dataclass(frozen=True)
class Source:
    """One thing to load: ``origin`` (``core.model.origin``: a file, a CelesTrak query, an event...),
    and ``values``, the ``Layer`` fields the scenario gives its layer(s) by field name
    (``name``, ``visible``, ``color``, ``filter``...); the rest keep the loader's defaults."""

    origin: object
    values: dict = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return origin_kind(self.origin)


@dataclass(frozen=True)
class ObjectKey:
    """An object as a scenario names it: catalogue number ``norad_id`` in the layer at index
    ``layer`` of those the sources make, in source order (an event source makes two: its
    parent(s), then its fragments). ``layer`` None: the layer holding the number; of several,
    the first when no two of them are drawn at the same time (a breakup's parent until the
    event, its remnant after it), else none: the key is ambiguous."""

    norad_id: int
    layer: int | None = None

    def resolve(self, layers) -> ObjectRef:
        """The object (layer and first row holding the number) among ``layers``, those the
        scenario's sources made. Raises ValueError saying what is wrong: no such layer, no
        such object, or a number that layers drawn at the same time hold and no layer to choose."""
        n = self.norad_id
        if self.layer is not None:
            if not 0 <= self.layer < len(layers):
                raise ValueError(f"layer {self.layer} does not exist: the sources make {len(layers)} "
                                 f"layer{'s' if len(layers) != 1 else ''} (0 .. {len(layers) - 1})")
            layer = layers[self.layer]
            rows = np.flatnonzero(layer.catalog.norad_id == n)
            if not len(rows):
                raise ValueError(f"object {n} is not in layer {self.layer} ({layer.name!r})")
            return ObjectRef(layer, int(rows[0]))
        holding = [(i, layer) for i, layer in enumerate(layers) if np.any(layer.catalog.norad_id == n)]
        if not holding:
            raise ValueError(f"object {n} is in none of the sources")
        if any(a.coexists_with(b) for k, (_, a) in enumerate(holding) for _, b in holding[k + 1:]):
            where = " and ".join(f"{i} ({layer.name!r})" for i, layer in holding)
            raise ValueError(f"object {n} is in layers {where}: say which, "
                             f"e.g. {{ layer = {holding[-1][0]}, norad = {n} }}")
        i, layer = holding[0]
        return ObjectKey(n, i).resolve(layers)


@dataclass(frozen=True)
class CameraKey:
    """The camera's view at ``time_s`` (POSIX s). ``view``: the fields of
    ``CameraState.snapshot()``; its ``follow`` is None or, as read from a file, an
    ``ObjectKey``, and, in a scene's ``camera_path``, the ``ObjectRef`` it resolves to.
    ``ease``: one of ``EASINGS``, for the move from the previous keyframe."""

    time_s: float
    view: dict
    ease: str = "in-out"


def in_key_order(keys) -> tuple[CameraKey, ...]:
    """Field coercion (``Scene.camera_path``): ``keys`` as a tuple of ``CameraKey`` sorted by
    time (ties keep their order)."""
    items = tuple(keys)
    for item in items:
        if not isinstance(item, CameraKey):
            raise TypeError(f"expected CameraKey items, not {item!r}")
    return tuple(sorted(items, key=lambda key: key.time_s))


@dataclass(frozen=True)
class OverlayText:
    """What an export writes over the image (``overlay_text`` of a scene): ``title`` and the
    smaller ``subtitle`` under it, the ``banner`` band of ``banner_color`` ("#RRGGBB"; empty: no
    band), the ``legend``, the ``clock``, the ``attribution`` line, the running chapter's
    ``captions``."""

    title: str = ""
    subtitle: str = ""
    banner: str = ""
    banner_color: str = "#007a33"
    legend: bool = True
    clock: bool = True
    attribution: str = ""
    captions: bool = True
    #: A counter of the objects in orbit at the frame's time, over the clock.
    in_orbit: bool = False


def headed_overlay(title: str, **values) -> OverlayText:
    """``OverlayText`` of a scene's ``title``: its first sentence the title, the rest (after
    ". ") the smaller subtitle under it, as the window and the image export both draw it."""
    head, _, rest = title.partition(". ")
    return OverlayText(title=head, subtitle=rest, **values)


def overlay_text(scene) -> OverlayText:
    """The overlay an export of ``scene`` draws: its title and its ``Overlay`` model's fields."""
    overlay = scene.overlay
    # Every field of the model, by name: a field added to ``Overlay`` reaches exports as it is.
    return headed_overlay(scene.title, **{name: getattr(overlay, name) for name in model_fields(type(overlay))})


@dataclass(frozen=True)
class Scenario:
    """A whole briefing: the layers' ``sources`` (in order, each making one layer, an event
    given without its part two), ``values``, the fields the file gives the scene's models by
    model and field name (``{"clock": {"span_start_s": ...}, "scene": {"show_grid": True},
    "overlay": {...}, "output": {"fps": 24, "size": (1920, 1080)}}``, objects as ``ObjectKey``s),
    the camera ``keyframes`` and ``view``, the camera's view at the displayed time where it is
    not the keyframes' (the window's, moved while paused; None: the keyframes' view then).
    Times are POSIX seconds UTC. ``path`` is where
    it was read from (relative source files are found next to it), ``lines`` maps dotted keys to
    line numbers there."""

    sources: tuple[Source, ...]
    values: dict = field(default_factory=dict)
    keyframes: tuple[CameraKey, ...] = ()
    view: dict | None = None
    path: str | None = None
    lines: dict = field(default_factory=dict, compare=False, repr=False)

    def value(self, model: str, name: str, default=None):
        return self.values.get(model, {}).get(name, default)

    @property
    def fps(self) -> int:
        """Video frames per second (``[output]``)."""
        return self.value("output", "fps", Output.fps.default)

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) pixels of images and videos (``[output]``)."""
        return self.value("output", "size", Output.size.default)

    @property
    def start_s(self) -> float:
        return self.value("clock", "span_start_s", 0.0)

    @property
    def end_s(self) -> float:
        return self.value("clock", "span_end_s", self.start_s)

    @property
    def speed(self) -> float:
        """Simulated seconds per second of video (of play in the window)."""
        return self.value("clock", "speed", 60.0)

    @property
    def time_s(self) -> float:
        """The displayed time: what an image shows by default; the span's start if not given."""
        return self.value("clock", "time_s", self.start_s)

    @property
    def selected(self) -> "ObjectKey | None":
        return self.value("scene", "selected")

    @property
    def pinned(self) -> "tuple[ObjectKey, ...]":
        return self.value("scene", "pinned", ())

    @property
    def labels(self) -> bool:
        return self.value("scene", "show_labels", True)

    @property
    def chapters(self) -> tuple:
        """The ``core.model.chapters.Chapter``s, their cameras following ``ObjectKey``s."""
        return self.value("scene", "chapters", ())

    @property
    def overlay(self) -> OverlayText:
        """The overlay the file gives (its title as written; a scene built from it may take an
        event's title where it gives none)."""
        values = {k: v for k, v in self.values.get("overlay", {}).items() if k in OverlayText.__dataclass_fields__}
        return headed_overlay(self.value("scene", "title", ""), **values)

    def where(self, key: str) -> str:
        """``FILE:LINE`` of ``key`` (or of its nearest enclosing table) for messages."""
        return where(self.path, self.lines, key)

    def frame_times_s(self, fps: float | None = None) -> np.ndarray:
        return frame_times_s(self.start_s, self.end_s, self.speed, fps or self.fps)


def where(path: str | None, lines: dict, key: str) -> str:
    """``FILE:LINE`` of ``key`` in a file whose keys are on ``lines`` (or of its nearest
    enclosing table)."""
    parts = key.split(".")
    while parts:
        line = lines.get(".".join(parts))
        if line:
            return f"{path}:{line}"
        parts.pop()
    return str(path or "<scenario>")


def held_view(scene) -> CameraKey:
    """``scene``'s current view as a keyframe at its displayed time: the path of a camera
    that holds it."""
    return CameraKey(scene.clock.time_s, scene.camera.snapshot(), "cut")


def chapter_keys(chapters) -> tuple[CameraKey, ...]:
    """The camera keyframes of ``chapters`` that carry a camera view, at their start times."""
    return tuple(CameraKey(c.time_s, c.camera, c.ease) for c in chapters if c.camera is not None)


def frame_times_s(start_s: float, end_s: float, speed: float, fps: float) -> np.ndarray:
    """(N,) float64 simulated times of a video's frames: frame i shows ``start_s + i * speed / fps``
    for every i whose time is not after ``end_s`` (a span that is a whole number of frames ends
    on ``end_s`` exactly). Never depends on how fast frames are rendered."""
    return start_s + np.arange(frame_count(start_s, end_s, speed, fps), dtype=np.float64) * speed / fps


def frame_count(start_s: float, end_s: float, speed: float, fps: float) -> int:
    """How many frames ``frame_times_s`` gives; ``OrbitviewError`` beyond ``MAX_VIDEO_FRAMES``."""
    frames = (end_s - start_s) * fps / speed
    if not frames < MAX_VIDEO_FRAMES:  # also inf and nan, from a speed such as 1e-300
        raise OrbitviewError(
            f"{frames:.3g} frames ({end_s - start_s:g} simulated s at {speed:g} s per video second, "
            f"{fps:g} fps): a video has at most {MAX_VIDEO_FRAMES:,}; raise time.speed or shorten the span")
    return math.floor(frames + 1e-9) + 1


#: ``locate(ref, t_s, view_frame) -> (3,) km`` in the view frame, or None when unknown.
Locator = Callable[[ObjectRef, float, str], "np.ndarray | None"]


class CameraTimeline:
    """The camera view at any simulated time from keyframes, eased between them.

    Before the first keyframe the first view holds, after the last the last. Between two, the
    view moves from one to the next over the whole interval (``ease`` of the later keyframe;
    ``cut`` jumps at its time). A followed object's position is looked up at the time being
    drawn, so a move from or to a moving object stays on it. The view frame changes at the
    later keyframe's time (views in different frames cannot be blended).
    """

    def __init__(self, keys: tuple[CameraKey, ...], locate: Locator | None = None) -> None:
        self.keys = tuple(sorted(keys, key=lambda k: k.time_s))
        self.locate = locate

    def view_at(self, t_s: float) -> dict | None:
        """A dict for ``CameraState.restore`` at ``t_s``; None without keyframes."""
        if not self.keys:
            return None
        times = [k.time_s for k in self.keys]
        later = int(np.searchsorted(times, t_s, side="right"))
        if later == 0:
            return self._resolved(self.keys[0].view, t_s)
        if later == len(self.keys):
            return self._resolved(self.keys[-1].view, t_s)
        a, b = self.keys[later - 1], self.keys[later]
        fraction = (t_s - a.time_s) / (b.time_s - a.time_s)
        if b.ease == "cut" or a.view["view_frame"] != b.view["view_frame"]:
            return self._resolved(a.view, t_s)
        s = ease_in_out(fraction) if b.ease == "in-out" else fraction
        blended = blend_views(self._resolved(a.view, t_s), self._resolved(b.view, t_s), s)
        follow = b.view["follow"] if s >= 0.5 else a.view["follow"]
        return {**blended, "view_frame": a.view["view_frame"], "follow": follow}

    def _resolved(self, view: dict, t_s: float) -> dict:
        """``view`` with a followed object's current position as its centre."""
        if view.get("follow") is None or self.locate is None:
            return dict(view)
        where = self.locate(view["follow"], t_s, view["view_frame"])
        return dict(view) if where is None else {**view, "center_km": tuple(float(x) for x in where)}


def camera_timeline(scene, locate: Locator | None = None) -> CameraTimeline:
    """The camera at any time of ``scene``: its ``camera_path`` and its chapters' views, a
    followed object found by ``locate`` (default ``object_locator``: SGP4 at the exact time,
    as exports draw)."""
    return CameraTimeline(scene.camera_path + chapter_keys(scene.chapters), locate or object_locator())


def off_path(scene) -> bool:
    """Whether ``scene``'s camera is not where its camera path (and chapters) put it at the
    displayed time: the mouse moved it while the clock was paused. A followed object's centre
    is the object's, and not compared."""
    view = camera_timeline(scene).view_at(scene.clock.time_s)
    if view is None:
        return True
    now = scene.camera.snapshot()
    return any(now[name] != view[name] for name in now if not (name == "center_km" and now["follow"] is not None))


def drawn_locator(scene) -> Locator:
    """A ``Locator`` of where ``scene`` draws its objects (``Scene.position_gcrs_km``: from the
    pairs the window's worker computed while the clock plays, so that it runs no SGP4 then)."""
    from orbitview.core.orbits.frames import view_from_gcrs

    def locate(ref: ObjectRef, t_s: float, view_frame: str):
        position = scene.position_gcrs_km(ref, t_s)
        return None if position is None else view_from_gcrs(view_frame, t_s) @ position

    return locate


def object_locator() -> Locator:
    """A ``Locator`` of ``ObjectRef``s: SGP4 of the object's elements at the asked time, GCRS,
    or ITRS for an Earth-fixed view. Failed propagations give None."""
    from orbitview.core.orbits.frames import view_from_gcrs
    from orbitview.core.orbits.propagate import propagate

    def locate(ref: ObjectRef, t_s: float, view_frame: str):
        states = propagate(ref.layer.catalog.take([ref.row]), np.array([t_s]), "GCRS")
        if states.error[0, 0]:
            return None
        position = states.position_km[0, 0]
        return view_from_gcrs(view_frame, t_s) @ position

    return locate


def default_view() -> dict:
    """The fields a keyframe does not give: the camera's defaults (the home view, inertial,
    following nothing)."""
    return {name: field.default for name, field in model_fields(CameraState).items() if field.saved}
