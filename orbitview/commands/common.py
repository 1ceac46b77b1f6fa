"""What the window and the headless renderer share: turning files and a time into a Scene."""

from __future__ import annotations

import sys
from pathlib import Path


from orbitview.core.clock import Clock
from orbitview.core.frames import sun_direction_gcrs
from orbitview.core.scene import Layer, Scene
from orbitview.core.times import now_utc, parse_utc
from orbitview.io.catalog_files import load_catalog

NO_DATA_MESSAGE = (
    "No catalogue loaded.\n"
    "Open a TLE/3LE file with File > Open, or start orbitview FILE.tle"
)


def report_problems(problems, stream=sys.stderr, limit: int = 20) -> None:
    """Print skipped records as ``FILE:LINE: kind: message``, at most ``limit`` of them."""
    for problem in problems[:limit]:
        print(f"orbitview: warning: {problem}", file=stream)
    if len(problems) > limit:
        print(f"orbitview: warning: ... and {len(problems) - limit} more problems", file=stream)


def scene_from_files(paths: list[str], time_text: str | None) -> Scene:
    """A scene with one layer per file, the clock at ``time_text`` (ISO 8601) or now.

    Raises ``OrbitviewError`` for a bad time or an unreadable file; damaged records are
    reported on stderr and skipped.
    """
    t_s = parse_utc(time_text) if time_text else now_utc()
    layers = []
    for path in paths:
        result = load_catalog(path)
        report_problems(result.problems)
        layers.append(Layer(Path(path).name, result.catalog))
    scene = Scene(clock=Clock(time_s=t_s))
    for layer in layers:
        scene.add_layer(layer)
    if not layers:
        scene.message = NO_DATA_MESSAGE
    scene.camera.face_sun(sun_direction_gcrs(t_s))
    return scene


def parse_size(text: str) -> tuple[int, int]:
    """``1600x900`` -> (1600, 900)."""
    from orbitview.core.errors import OrbitviewError

    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise OrbitviewError(f"bad size {text!r}: expected WIDTHxHEIGHT such as 1600x900") from None
    if width <= 0 or height <= 0:
        raise OrbitviewError(f"bad size {text!r}: both sides must be positive")
    return width, height


