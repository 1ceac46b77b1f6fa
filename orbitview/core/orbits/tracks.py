"""Orbit and ground tracks of one object over a revolution before and after a time (SGP4)."""

from __future__ import annotations

import math

import numpy as np

from orbitview.core.orbits.catalog import Catalog
from orbitview.core.orbits.frames import EARTH_EQUATORIAL_RADIUS_KM, EARTH_POLAR_RADIUS_KM
from orbitview.core.orbits.propagate import propagate
from orbitview.core.orbits.sgp4_elements import EARTH_RADIUS_WGS72_KM, MU_WGS72_KM3_S2

_E2 = 1.0 - (EARTH_POLAR_RADIUS_KM / EARTH_EQUATORIAL_RADIUS_KM) ** 2


def period_s(catalog: Catalog, row: int) -> float:
    """Orbital period from the mean motion, seconds."""
    return 86400.0 / float(catalog.mean_motion_rev_per_day[row])


def track_times(catalog: Catalog, row: int, t_s: float, samples: int = 361) -> np.ndarray:
    """(K,) POSIX seconds spanning one revolution before to one after ``t_s``."""
    half = period_s(catalog, row)
    return t_s + np.linspace(-half, half, samples)


#: Seconds either side of a track's time sampled besides its even samples. A chord between even
#: samples (a revolution / 180: 31 s in LEO) strays up to 1 km from the orbit, and a close view
#: (an encounter framed from 600 m) then shows the track beside its object, not through it; near
#: the object the chords shrink to 0.1 s (their sag, a h^2 / 8, under a millimetre), growing
#: twofold away from it, so the track meets its object and leaves it along the orbit.
NEAR_OFFSETS_S = 0.1 * 2.0 ** np.arange(9)


#: The angle, radians, by which a drawn track may miss its object as the camera sees it: about a
#: pixel of a 1920-pixel-wide view 55 degrees across.
TRACK_MISS_RAD = 5e-4
#: Bound on any SGP4 trajectory's acceleration (central gravity at the surface; the rest is 1 %).
_ACCELERATION_KM_S2 = MU_WGS72_KM3_S2 / EARTH_RADIUS_WGS72_KM**2


def track_age_limit_s(distance_km: float, longest_s: float) -> float:
    """How long an orbit track made at one time may be drawn, seconds, for a camera
    ``distance_km`` from the object: until the object, moved on by ``dt`` along chords of at
    most ``dt`` (``NEAR_OFFSETS_S``, then the even samples), may lie ``a dt^2 / 8`` from them,
    ``TRACK_MISS_RAD`` of the distance; never longer than ``longest_s``. From 600 m that is half
    a second; from the 30,000 km of a whole-globe view, minutes."""
    return min(longest_s, math.sqrt(8.0 * TRACK_MISS_RAD * distance_km / _ACCELERATION_KM_S2))


def orbit_track_gcrs_km(catalog: Catalog, row: int, t_s: float, samples: int = 361) -> np.ndarray:
    """(K, 3) GCRS km: the path through inertial space, one revolution either side of ``t_s``,
    in time order, through the object's position at ``t_s`` (``NEAR_OFFSETS_S``).

    Samples where SGP4 fails (decay) are dropped.
    """
    near = t_s + np.concatenate([-NEAR_OFFSETS_S, [0.0], NEAR_OFFSETS_S])
    states = propagate(catalog.take([row]), np.union1d(track_times(catalog, row, t_s, samples), near), "GCRS")
    ok = states.error[:, 0] == 0
    return states.position_km[ok, 0]


def ground_track_itrs_km(catalog: Catalog, row: int, t_s: float, samples: int = 361) -> np.ndarray:
    """(K, 3) ITRS km: the sub-satellite points (on the WGS84 ellipsoid, along the geodetic
    normal) one revolution either side of ``t_s``, in time order."""
    states = propagate(catalog.take([row]), track_times(catalog, row, t_s, samples), "ITRS")
    ok = states.error[:, 0] == 0
    lat, lon = geodetic_lat_lon_rad(states.position_km[ok, 0])
    return ellipsoid_point_km(lat, lon)


def geodetic_lat_lon_rad(itrs_km: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Geodetic latitude and longitude (radians, WGS84) of (K, 3) ITRS positions.

    Bowring's method with two iterations: better than a millimetre from the surface to GEO.
    """
    x, y, z = itrs_km.T
    p = np.hypot(x, y)
    lat = np.arctan2(z, p * (1.0 - _E2))
    for _ in range(3):
        n = EARTH_EQUATORIAL_RADIUS_KM / np.sqrt(1.0 - _E2 * np.sin(lat) ** 2)
        height = p / np.cos(lat) - n
        lat = np.arctan2(z, p * (1.0 - _E2 * n / (n + height)))
    return lat, np.arctan2(y, x)


def ellipsoid_point_km(lat_rad: np.ndarray, lon_rad: np.ndarray, height_km: float = 0.0) -> np.ndarray:
    """(K, 3) ITRS km of geodetic latitude/longitude at ``height_km`` above WGS84."""
    n = EARTH_EQUATORIAL_RADIUS_KM / np.sqrt(1.0 - _E2 * np.sin(lat_rad) ** 2)
    cos_lat = np.cos(lat_rad)
    return np.column_stack(
        [
            (n + height_km) * cos_lat * np.cos(lon_rad),
            (n + height_km) * cos_lat * np.sin(lon_rad),
            (n * (1.0 - _E2) + height_km) * np.sin(lat_rad),
        ]
    )


def direction_marks(track_km: np.ndarray, every: int = 24, size_km: float = 250.0) -> np.ndarray:
    """(4M, 3) end points of 2M line segments: a chevron pointing along the track (the way
    the object moves) every ``every`` samples, lying in the local horizontal plane."""
    marks = []
    for i in range(every // 2, len(track_km) - 1, every):
        point = track_km[i]
        ahead = track_km[i + 1] - point
        norm = np.linalg.norm(ahead)
        if norm == 0:
            continue
        forward = ahead / norm
        up = point / np.linalg.norm(point)
        side = np.cross(up, forward)
        back = point - forward * size_km
        marks += [point, back + side * size_km * 0.6, point, back - side * size_km * 0.6]
    return np.array(marks).reshape(-1, 3) if marks else np.zeros((0, 3))

