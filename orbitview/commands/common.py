"""What the window and the headless renderer share: turning files and a time into a Scene."""

from __future__ import annotations

import sys

from orbitview.core.clock import Clock
from orbitview.core.errors import OrbitviewError
from orbitview.core.frames import sun_direction_gcrs
from orbitview.core.scene import Scene, shared_numbers_warning
from orbitview.core.times import format_utc, now_utc, parse_utc
from orbitview.io.satcat import CACHED, NONE, choose_satcat
from orbitview.io.sources import open_source

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
    spans = [s.span_s for s in sources if s.span_s is not None]
    if time_text:
        t_s = parse_utc(time_text)
    else:
        t_s = spans[0][0] if spans else now_utc()
    clock = Clock(time_s=t_s)
    if spans:
        # The time bar spans the trajectory files' times.
        clock.set_span(min(s[0] for s in spans), max(s[1] for s in spans))
        if not clock.span_start_s <= t_s <= clock.span_end_s:
            raise OrbitviewError(
                f"--time {time_text} is outside the trajectory files' span "
                f"{format_utc(clock.span_start_s)} .. {format_utc(clock.span_end_s)}"
            )
    scene = Scene(clock=clock)
    for source in sources:
        scene.add_layer(source.layer)
    scene.camera.face_sun(sun_direction_gcrs(t_s))
    return scene


def default_briefing_scene(time_text: str | None) -> Scene:
    """The embedded Fengyun-1C briefing: the satellite until the intercept, the modelled cloud
    after it, the clock a few minutes before the event (or at ``time_text``)."""
    from orbitview.core.breakup_scene import CLOCK_BEFORE_S, LEAD_S, SPAN_S, event_layers, face_event
    from orbitview.io.default_briefing import load_default_briefing

    briefing = load_default_briefing()
    event_s = briefing.event_time_s
    start_s, end_s = event_s - LEAD_S, event_s + SPAN_S
    t_s = parse_utc(time_text) if time_text else event_s - CLOCK_BEFORE_S
    clock = Clock(time_s=t_s, span_start_s=min(start_s, t_s), span_end_s=max(end_s, t_s), speed=60.0)
    scene = Scene(clock=clock, title=briefing.title)
    for layer in event_layers(briefing.parent, briefing.fragments, event_s,
                              ("Fengyun-1C", "Fragments (model)")):
        scene.add_layer(layer)
    face_event(scene, briefing.parent, event_s)
    return scene


def parse_size(text: str) -> tuple[int, int]:
    """``1600x900`` -> (1600, 900)."""
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise OrbitviewError(f"bad size {text!r}: expected WIDTHxHEIGHT such as 1600x900") from None
    if width <= 0 or height <= 0:
        raise OrbitviewError(f"bad size {text!r}: both sides must be positive")
    return width, height


def report_shared_numbers(scene: Scene, stream=sys.stderr) -> None:
    """One line on ``stream`` when layers of ``scene`` share catalogue numbers."""
    warning = shared_numbers_warning(scene.layers)
    if warning:
        print(f"orbitview: warning: {warning}", file=stream)
