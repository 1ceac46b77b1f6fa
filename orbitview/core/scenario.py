"""A briefing scenario as a model: sources, time span, camera keyframes, selection, overlay text.

``io/scenario.py`` reads and writes it as TOML (docs/scenarios.md); the exporters and the window
play it. Everything here is plain data plus two pieces of arithmetic that must agree wherever a
scenario is played: which simulated time each video frame shows (``frame_times_s``), and where
the camera is at a simulated time (``CameraTimeline.view_at``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from orbitview.core.camera import HOME, blend_views, ease_in_out
from orbitview.core.errors import OrbitviewError
from orbitview.core.object_ref import ObjectRef
from orbitview.core.scene import COLOR_MODES

#: How the camera gets from the previous keyframe to this one.
EASINGS = ("in-out", "linear", "cut")
#: What objects can be coloured by: the layer's colour-by modes.
COLOR_BY = COLOR_MODES
#: Image sides, pixels: the overlay's clock, legend and banner need at least 16; 8K UHD is what
#: GPU framebuffers and the video encoders reliably take.
MIN_IMAGE_SIDE, MAX_IMAGE_SIZE = 16, (7680, 4320)
#: The most frames a video may have: 2 h 19 min at 24 fps. Checked before any frame time is
#: made, so that a slow speed over a long span is refused at once instead of filling memory.
MAX_VIDEO_FRAMES = 200_000


def image_size_problem(width: int, height: int) -> str:
    """What is wrong with an image of ``width`` x ``height`` pixels; "" when nothing is."""
    (max_w, max_h), low = MAX_IMAGE_SIZE, MIN_IMAGE_SIDE
    if low <= width <= max_w and low <= height <= max_h:
        return ""
    return f"{width}x{height} is outside {low}x{low} .. {max_w}x{max_h} pixels"


@dataclass(frozen=True)
class Source:
    """One thing to load: exactly one of ``file`` (a path), ``celestrak`` (a group or query) or
    ``event`` (a breakup preset key), with how to draw it."""

    file: str | None = None
    celestrak: str | None = None
    event: str | None = None
    name: str | None = None
    visible: bool = True
    point_size: float = 3.0
    color_by: str = "class"
    seed: int = 1
    min_size_m: float = 0.1

    @property
    def kind(self) -> str:
        return "file" if self.file is not None else "celestrak" if self.celestrak is not None else "event"

    @property
    def value(self) -> str:
        return self.file or self.celestrak or self.event or ""


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
    ``ObjectKey``, and, in a timeline made for a scene, the ``ObjectRef`` it resolves to.
    ``ease``: one of ``EASINGS``, for the move from the previous keyframe."""

    time_s: float
    view: dict
    ease: str = "in-out"


@dataclass(frozen=True)
class OverlayText:
    """What is written over the image. ``banner``: the classification/handling line drawn in a
    band across the top and bottom (empty: no band); ``banner_color``: "#RRGGBB"."""

    title: str = ""
    subtitle: str = ""
    banner: str = ""
    banner_color: str = "#007a33"
    legend: bool = True
    clock: bool = True
    attribution: str = ""


def headed_overlay(title: str, **values) -> OverlayText:
    """``OverlayText`` of a scene's ``title``: its first sentence the title, the rest (after
    ". ") the smaller subtitle under it, as the window and the image export both draw it."""
    head, _, rest = title.partition(". ")
    return OverlayText(title=head, subtitle=rest, **values)


@dataclass(frozen=True)
class Scenario:
    """A whole briefing. Times are POSIX seconds UTC; ``speed`` is simulated seconds per video
    second; ``size`` is (width, height) pixels. ``path`` is where it was read from (relative
    source files are found next to it), ``lines`` maps dotted keys to line numbers there."""

    sources: tuple[Source, ...]
    start_s: float
    end_s: float
    speed: float = 60.0
    fps: int = 24
    size: tuple[int, int] = (1920, 1080)
    keyframes: tuple[CameraKey, ...] = ()
    selected: ObjectKey | None = None
    pinned: tuple[ObjectKey, ...] = ()
    labels: bool = True
    overlay: OverlayText = OverlayText()
    path: str | None = None
    lines: dict = field(default_factory=dict, compare=False, repr=False)

    def where(self, key: str) -> str:
        """``FILE:LINE`` of ``key`` (or of its nearest enclosing table) for messages."""
        parts = key.split(".")
        while parts:
            line = self.lines.get(".".join(parts))
            if line:
                return f"{self.path}:{line}"
            parts.pop()
        return str(self.path or "<scenario>")

    def frame_times_s(self, fps: float | None = None) -> np.ndarray:
        return frame_times_s(self.start_s, self.end_s, self.speed, fps or self.fps)


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


def object_locator() -> Locator:
    """A ``Locator`` of ``ObjectRef``s: SGP4 of the object's elements at the asked time, GCRS,
    or ITRS for an Earth-fixed view. Failed propagations give None."""
    from orbitview.core.frames import view_from_gcrs
    from orbitview.core.propagate import propagate

    def locate(ref: ObjectRef, t_s: float, view_frame: str):
        states = propagate(ref.layer.catalog.take([ref.row]), np.array([t_s]), "GCRS")
        if states.error[0, 0]:
            return None
        position = states.position_km[0, 0]
        return view_from_gcrs(view_frame, t_s) @ position

    return locate


def default_view() -> dict:
    """The fields a keyframe does not give: the home view, inertial, following nothing."""
    return {**HOME, "view_frame": "inertial", "follow": None}
