"""Rotations between TEME, GCRS and ITRS, and the Sun's direction, from skyfield.

Matrices act on column vectors: ``r_gcrs = M @ r_teme``. Vectorised over times, the shape is
``(T, 3, 3)`` for ``T`` times and ``(3, 3)`` for a scalar time.
"""

from __future__ import annotations

import warnings
from functools import lru_cache

import numpy as np

from orbitview.core.times import skyfield_time

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


@lru_cache(maxsize=1)
def ephemeris():
    """JPL DE421 from the skyfield-data package: the Sun and Earth with no download."""
    import skyfield_data
    from skyfield.api import Loader

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Loader(skyfield_data.get_skyfield_data_path(), verbose=False)("de421.bsp")


def sun_direction_gcrs(t_s: np.ndarray | float) -> np.ndarray:
    """Unit vector from the Earth's centre to the Sun, GCRS: ``(3,)`` or ``(T, 3)``.

    Geometric position (no light time), which differs from the apparent one by about 20
    arcseconds: far below a pixel of any globe view.
    """
    eph = ephemeris()
    vector = (eph["sun"] - eph["earth"]).at(skyfield_time(t_s)).position.km
    vector = np.moveaxis(vector, 0, -1)
    return vector / np.linalg.norm(vector, axis=-1, keepdims=True)
