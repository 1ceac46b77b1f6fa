"""What the window and the headless renderer share: turning files and a time into a Scene."""

from __future__ import annotations

import math
import shutil
import sys
from pathlib import Path

import numpy as np

from orbitview.core.errors import OrbitviewError
from orbitview.core.model.clock import Clock
from orbitview.core.model.scene import Scene, data_span_s, shared_numbers_warning
from orbitview.core.orbits.frames import sun_direction_gcrs, sun_known
from orbitview.core.orbits.times import format_utc, now_utc, parse_utc
from orbitview.io.atomic import no_room
from orbitview.io.satcat import CACHED, NONE, choose_satcat
from orbitview.services.sources import open_source

SATCAT_HELP = ("SATCAT CSV (CelesTrak or Space-Track layout) giving object classes; "
               f"'{NONE}' for classes from the names (default: the SATCAT 'orbitview fetch satcat' cached, if any)")


def report_problems(problems, stream=sys.stderr, limit: int = 20) -> None:
    """Print skipped records as ``FILE:LINE: kind: message``, at most ``limit`` of them."""
    for problem in problems[:limit]:
        print(f"orbitview: warning: {problem}", file=stream)
    if len(problems) > limit:
        print(f"orbitview: warning: ... and {len(problems) - limit} more problems", file=stream)


def add_satcat_argument(parser) -> None:
    parser.add_argument("--satcat", metavar="CSV|none", default=CACHED, help=SATCAT_HELP)


def scene_from_files(paths: list[str], time_text: str | None, satcat=CACHED) -> Scene:
    """A scene with one layer per file, the clock at ``time_text`` (ISO 8601) or now, the
    classes from ``satcat`` (``io.satcat.choose_satcat``).

    Raises ``OrbitviewError`` for a bad time or an unreadable file; damaged records are
    reported on stderr and skipped.
    """
    if not paths:
        return default_briefing_scene(time_text)
    satcat = choose_satcat(satcat)
    sources = [open_source(path, satcat) for path in paths]
    for source in sources:
        report_problems(source.problems)
    span = data_span_s([source.layer for source in sources])
    if time_text is not None:
        t_s = parse_time_option("--time", time_text)
        if span is not None and not span[0] <= t_s <= span[1]:
            raise OrbitviewError(f"--time {time_text} is outside the trajectory files' span "
                                 f"{format_utc(span[0])} .. {format_utc(span[1])}")
    else:
        t_s = span[0] if span is not None else now_utc()
    scene = Scene(clock=Clock(time_s=t_s))
    for source in sources:
        scene.add_layer(source.layer)
    scene.fit_span_to_data()
    if sun_known(t_s):
        scene.camera.face_sun(sun_direction_gcrs(t_s))
    return scene


#: Simulated seconds per second of the default briefing: an orbit (about 102 minutes) in
#: six seconds, so the first orbits of the cloud play in under a minute.
BRIEFING_SPEED = 1000.0
#: From this far (centre of the Earth to the camera) the whole globe and the first orbits'
#: cloud are in view around the intercept.
BRIEFING_DISTANCE_KM = 26000.0


def default_briefing_scene(time_text: str | None) -> Scene:
    """The embedded Fengyun-1C briefing: the satellite until the intercept, the modelled cloud
    after it, told in chapters from before the test to years later, the clock a few minutes
    before the event (or at ``time_text``)."""
    from orbitview.core.breakup.breakup_scene import CLOCK_BEFORE_S, LEAD_S, event_layers, face_event
    from orbitview.core.breakup.interceptor_scene import preset_interceptor_layer
    from orbitview.services.default_briefing import (
        BRIEFING_SPAN_S, DEFAULT_DATASET, briefing_chapters, briefing_origins, load_default_briefing)

    briefing = load_default_briefing()
    event_s = briefing.event_time_s
    start_s, end_s = event_s - LEAD_S, event_s + BRIEFING_SPAN_S
    t_s = parse_time_option("--time", time_text) if time_text is not None else event_s - CLOCK_BEFORE_S
    clock = Clock(time_s=t_s, span_start_s=min(start_s, t_s), span_end_s=max(end_s, t_s),
                  speed=BRIEFING_SPEED)
    scene = Scene(clock=clock, title=briefing.heading, chapters=briefing_chapters(briefing))
    parent, fragments = event_layers(briefing.parent, briefing.fragments, event_s,
                                     ("Fengyun-1C", "Fragments (model)"))
    parent.origin, fragments.origin = briefing_origins()
    scene.add_layer(parent)
    scene.add_layer(fragments)
    # Its dataset is named after its breakup preset, whose missile flies to the satellite.
    scene.add_layer(preset_interceptor_layer(DEFAULT_DATASET, briefing.parent))
    # The satellite is selected and labelled before the intercept; its remnant (the same
    # catalogue number in the fragment layer) keeps the label after it.
    satellite, remnant = (ref for ref in scene.find(int(briefing.parent.norad_id[0])))
    scene.selected = satellite
    scene.pinned = (remnant,)
    # Straight down on the satellite's last minutes: the intercept was before dawn (05:15
    # local time at Xichang), so leaning to the Sun would push both to the limb.
    face_event(scene, briefing.parent, event_s, distance_km=BRIEFING_DISTANCE_KM, from_s=t_s, sun_lean=0.0)
    return scene


def report_shared_numbers(scene: Scene, stream=sys.stderr) -> None:
    """One line on ``stream`` when layers of ``scene`` share catalogue numbers."""
    warning = shared_numbers_warning(scene.layers)
    if warning:
        print(f"orbitview: warning: {warning}", file=stream)


def parse_time_option(option: str, text: str) -> float:
    """POSIX seconds of an ISO 8601 option value; an empty value is a mistake, not "now"."""
    if not text.strip():
        raise OrbitviewError(f"{option} is empty: give a time such as 2023-10-09T12:00:00Z "
                             "(leave the option out for the default)")
    return parse_utc(text)


def number_in(option: str, value: float, low: float, high: float, *, above_low: bool = False,
              unit: str = "") -> float:
    """``value`` when it is a finite number in ``low .. high`` (above ``low`` with ``above_low``;
    ``high`` may be ``math.inf``); else an ``OrbitviewError`` naming ``option`` and the range."""
    inside = low < value <= high if above_low else low <= value <= high
    if not (math.isfinite(value) and inside):
        unit = f" {unit}" if unit else ""
        bound = f"above {low:g}" if above_low else f"from {low:g}"
        upper = f" up to {high:g}" if math.isfinite(high) else ""
        raise OrbitviewError(f"{option} {value:g}: expected a finite number {bound}{upper}{unit}")
    return value


#: Times closer than this are not resolved everywhere: the interpolating shader works in float32
#: seconds from a keyframe (7 digits), and float64 POSIX seconds step by 1e-6 s near 2200.
MIN_STEP_S = 0.001


def sample_times(start_s: float, span_s: float, step_s: float) -> np.ndarray:
    """(T,) POSIX seconds from ``start_s`` every ``step_s`` up to and including ``start_s + span_s``.

    The end is included when the span is a whole number of steps, so "24h at 60 s" covers the
    whole day (1,441 samples) and can be interpolated up to its last second.
    """
    return start_s + step_s * np.arange(sample_count(start_s, span_s, step_s), dtype=np.float64)


def sample_count(start_s: float, span_s: float, step_s: float) -> int:
    """How many times ``sample_times`` gives, without making them: refuses (``OrbitviewError``)
    a step under ``MIN_STEP_S``, a span under one step, and times outside the years that
    trajectory files hold (``io.trajectories.TIME_RANGE_S``: their reader refuses others)."""
    from orbitview.io.trajectories import TIME_RANGE_S

    if step_s <= 0:
        raise OrbitviewError("--step must be positive")
    if step_s < MIN_STEP_S:
        raise OrbitviewError(f"--step {step_s:g} s: the smallest step is {MIN_STEP_S:g} s")
    if span_s < step_s:
        raise OrbitviewError(f"--span ({span_s:g} s) must be at least one --step ({step_s:g} s)")
    (low, high), end_s = TIME_RANGE_S, start_s + span_s
    if not low <= start_s <= end_s <= high:
        until = "beyond the year 2200" if end_s > high else f"to {format_utc(end_s)}"
        raise OrbitviewError(f"times from {format_utc(start_s)} {until}: trajectory files hold the years "
                             "1900-2200 only")
    return math.floor(span_s / step_s + 1e-9) + 1


#: Bytes a trajectory file stores per object and time: position and velocity as float32 x 3,
#: and a uint8 status (io/trajectories.py); per time, the float64 time itself.
STATE_BYTES, TIME_BYTES = 25, 8


def check_trajectory_size(out: str, times: int, objects: int) -> int:
    """The bytes a trajectory file of ``times`` x ``objects`` takes; refuses (``OrbitviewError``)
    a file larger than the free space of ``out``'s file system, before anything is written."""
    size = times * (objects * STATE_BYTES + TIME_BYTES)
    try:
        free = shutil.disk_usage(Path(out).resolve().parent).free
    except OSError:
        return size  # a folder that is not there is reported by the writer, naming it
    if size > free:
        raise no_room(Path(out), size, free, f": {times:,} times x {objects:,} objects; shorten the span or "
                                             "take a longer step")
    return size
