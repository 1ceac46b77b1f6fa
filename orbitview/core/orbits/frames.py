"""Rotations between TEME, GCRS and ITRS, and the Sun's direction, from skyfield.

Matrices act on column vectors: ``r_gcrs = M @ r_teme``. Vectorised over times, the shape is
``(T, 3, 3)`` for ``T`` times and ``(3, 3)`` for a scalar time.
"""

from __future__ import annotations

import math
import warnings
from functools import lru_cache

import numpy as np

from orbitview.core.errors import OrbitviewError
from orbitview.core.orbits.times import format_utc, skyfield_time, timescale

EARTH_EQUATORIAL_RADIUS_KM = 6378.137  # WGS84
EARTH_POLAR_RADIUS_KM = 6356.752314245


def _stack(matrix: np.ndarray) -> np.ndarray:
    """skyfield gives ``(3, 3)`` or ``(3, 3, T)``; orbitview uses ``(3, 3)`` or ``(T, 3, 3)``."""
    return matrix if matrix.ndim == 2 else np.moveaxis(matrix, -1, 0)


def _transpose(matrix: np.ndarray) -> np.ndarray:
    return np.swapaxes(matrix, -1, -2)


def gcrs_from_teme(t_s: np.ndarray | float) -> np.ndarray:
    """Rotation taking TEME vectors to GCRS at POSIX seconds ``t_s``.

    skyfield's ``TEME.rotation_at`` rotates GCRS into TEME, so this is its transpose.
    """
    from skyfield.sgp4lib import TEME

    return _transpose(_stack(TEME.rotation_at(skyfield_time(t_s))))


def gcrs_from_itrs(t_s: np.ndarray | float) -> np.ndarray:
    """Rotation taking Earth-fixed ITRS vectors to GCRS (the Earth's orientation for drawing)."""
    from skyfield.framelib import itrs

    return _transpose(_stack(itrs.rotation_at(skyfield_time(t_s))))


def view_from_gcrs(view_frame: str, t_s: float, earth_rotation: np.ndarray | None = None) -> np.ndarray:
    """(3, 3) rotation from GCRS into a camera's view frame at ``t_s`` (POSIX s): ITRS for
    ``"earth-fixed"`` (the ground stands still), the identity for ``"inertial"``. The one
    Earth-fixed rotation of the window, exports, picking and camera playback.
    ``earth_rotation``: ``gcrs_from_itrs(t_s)``, where the caller has it already.
    """
    if view_frame != "earth-fixed":
        return np.eye(3)
    return (gcrs_from_itrs(t_s) if earth_rotation is None else earth_rotation).T


@lru_cache(maxsize=1)
def ephemeris():
    """JPL DE421 from the skyfield-data package: the Sun and Earth with no download."""
    import skyfield_data
    from skyfield.api import Loader

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Loader(skyfield_data.get_skyfield_data_path(), verbose=False)("de421.bsp")


@lru_cache(maxsize=1)
def ephemeris_span_s() -> tuple[float, float]:
    """(first, last) POSIX seconds at which the ephemeris gives the Sun and the Earth: the
    overlap of its segments (DE421: 1899-07-29 to 2053-10-09), read from the file itself."""
    segments = [s.spk_segment for s in ephemeris().segments]
    ts = timescale()
    first = ts.tdb_jd(max(s.start_jd for s in segments)).utc_datetime().timestamp()
    last = ts.tdb_jd(min(s.end_jd for s in segments)).utc_datetime().timestamp()
    # A second inside each end, so that skyfield's own check (TDB from UTC) agrees there.
    return math.ceil(first) + 1.0, math.floor(last) - 1.0


def sun_known(t_s: np.ndarray | float) -> bool | np.ndarray:
    """Whether the ephemeris covers ``t_s`` (POSIX seconds), elementwise for an array.

    Element sets are valid past DE421's end (the catalogue holds epochs up to 2056): outside it,
    orbitview draws without Sun shading and says so, rather than fail.
    """
    first, last = ephemeris_span_s()
    inside = (first <= np.asarray(t_s)) & (np.asarray(t_s) <= last)
    return bool(inside) if inside.ndim == 0 else inside


def sun_range_text() -> str:
    """The ephemeris' span for messages: ``1899-07-28T23:59:19Z .. 2053-10-08T23:58:49Z (JPL DE421)``."""
    first, last = ephemeris_span_s()
    return f"{format_utc(first)} .. {format_utc(last)} (JPL DE421)"


def sun_direction_gcrs(t_s: np.ndarray | float) -> np.ndarray:
    """Unit vector from the Earth's centre to the Sun, GCRS: ``(3,)`` or ``(T, 3)``.

    Geometric position (no light time), which differs from the apparent one by about 20
    arcseconds: far below a pixel of any globe view. Raises ``OrbitviewError`` for a time
    the ephemeris does not cover (see ``sun_known``).
    """
    outside = np.atleast_1d(t_s)[~np.atleast_1d(sun_known(t_s))]
    if outside.size:
        raise OrbitviewError(f"no Sun position at {format_utc(outside[0])}: the ephemeris covers "
                             f"{sun_range_text()} only")
    eph = ephemeris()
    vector = (eph["sun"] - eph["earth"]).at(skyfield_time(t_s)).position.km
    vector = np.moveaxis(vector, 0, -1)
    return vector / np.linalg.norm(vector, axis=-1, keepdims=True)
