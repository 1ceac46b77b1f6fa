"""Durations written the way people type them: ``90m``, ``24h``, ``7d``, ``30s`` or plain seconds."""

from __future__ import annotations

import math
import re

from orbitview.core.errors import OrbitviewError

_UNIT_SECONDS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_PATTERN = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*([smhd]?)\s*$", re.IGNORECASE)


def parse_duration(text: str) -> float:
    """Seconds in ``text``: a non-negative number with an optional unit ``s``, ``m``, ``h`` or ``d``."""
    match = _PATTERN.match(str(text))
    if not match:
        raise OrbitviewError(
            f"bad duration {text!r}: expected seconds or a number with s, m, h or d (90m, 24h, 7d)"
        )
    seconds = float(match.group(1)) * _UNIT_SECONDS[(match.group(2) or "s").lower()]
    if not math.isfinite(seconds):
        raise OrbitviewError(f"bad duration {text!r}: too large")
    return seconds
