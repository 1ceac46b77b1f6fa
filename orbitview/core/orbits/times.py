"""Time in orbitview: float64 seconds since 1970-01-01T00:00:00 UTC (POSIX, no leap seconds).

Conversions to the forms SGP4 (two-part Julian date, UTC) and skyfield (``Time``) want.
"""

from __future__ import annotations

import datetime as dt
import warnings
from functools import lru_cache

import numpy as np

from orbitview.core.errors import OrbitviewError

JD_UNIX_EPOCH = 2440587.5
SECONDS_PER_DAY = 86400.0
#: 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the first and last times ISO 8601 (and
#: Python's datetime) can write.
FIRST_TIME_S, LAST_TIME_S = -62135596800.0, 253402300799.0


def parse_utc(text: str) -> float:
    """POSIX seconds for an ISO 8601 time such as ``2023-10-09T12:00:00Z``.

    A time without a zone is taken as UTC; an explicit offset is honoured.
    """
    cleaned = text.strip()
    if cleaned.endswith(("Z", "z")):
        cleaned = cleaned[:-1] + "+00:00"
    try:
        value = dt.datetime.fromisoformat(cleaned)
    except ValueError:
        raise OrbitviewError(
            f"bad time {text!r}: expected ISO 8601 UTC such as 2023-10-09T12:00:00Z"
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.timestamp()


def format_utc(t_s: float, *, seconds: bool = True) -> str:
    """``2023-10-09T12:00:00Z`` for POSIX seconds ``t_s`` (``seconds=False`` drops them)."""
    value = dt.datetime.fromtimestamp(round(float(t_s), 3), dt.timezone.utc)
    pattern = "%Y-%m-%dT%H:%M:%SZ" if seconds else "%Y-%m-%dT%H:%MZ"
    return value.strftime(pattern)


def now_utc() -> float:
    return dt.datetime.now(dt.timezone.utc).timestamp()


def posix_to_jd(t_s: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Two-part UTC Julian date ``(jd, fr)`` as SGP4 wants it, C-contiguous float64.

    ``jd`` holds whole days (ending in .5) and ``fr`` the fraction, so no precision is lost.
    """
    t = np.ascontiguousarray(np.atleast_1d(np.asarray(t_s, dtype=np.float64)))
    days = np.floor(t / SECONDS_PER_DAY)
    jd = np.ascontiguousarray(JD_UNIX_EPOCH + days)
    fr = np.ascontiguousarray((t - days * SECONDS_PER_DAY) / SECONDS_PER_DAY)
    return jd, fr


def jd_to_posix(jd: np.ndarray | float, fr: np.ndarray | float = 0.0) -> np.ndarray:
    """POSIX seconds for a two-part UTC Julian date."""
    return ((np.asarray(jd, dtype=np.float64) - JD_UNIX_EPOCH) + np.asarray(fr)) * SECONDS_PER_DAY


@lru_cache(maxsize=1)
def timescale():
    """skyfield's timescale from the files skyfield ships (no download)."""
    from skyfield.api import load

    with warnings.catch_warnings():
        # skyfield-data's Earth orientation table expired on 2026-10-18 (docs/frames.md);
        # positions stay usable, so the warning is not shown to users.
        warnings.simplefilter("ignore")
        return load.timescale(builtin=True)


def skyfield_time(t_s: np.ndarray | float):
    """skyfield ``Time`` (scalar or array, as ``t_s``) for POSIX seconds.

    POSIX days are exactly 86,400 s, so the day count and the second of day go to skyfield
    separately; passing all seconds at once would make skyfield count the leap seconds.
    """
    t = np.asarray(t_s, dtype=np.float64)
    days = np.floor(t / SECONDS_PER_DAY)
    second_of_day = t - days * SECONDS_PER_DAY
    return timescale().utc(1970, 1, 1 + days.astype(np.int64), 0, 0, second_of_day)
