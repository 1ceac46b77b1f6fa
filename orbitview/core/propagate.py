"""Vectorised SGP4: N objects x T times, in TEME, GCRS or ITRS."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orbitview.core.catalog import Catalog
from orbitview.core.frames import gcrs_from_itrs, gcrs_from_teme
from orbitview.core.times import posix_to_jd

FRAMES = ("TEME", "GCRS", "ITRS")
EARTH_ROTATION_RAD_S = 7.292115146706979e-5


@dataclass(frozen=True)
class States:
    """Positions and velocities of N objects at T times.

    ``times_s``: (T,) float64 POSIX seconds UTC. ``position_km``: (T, N, 3) float64, km.
    ``velocity_km_s``: (T, N, 3) float64, km/s. ``error``: (T, N) uint8, 0 = valid, else the
    SGP4 error code (positions there are NaN). ``frame``: one of ``FRAMES``.
    """

    times_s: np.ndarray
    position_km: np.ndarray
    velocity_km_s: np.ndarray
    error: np.ndarray
    frame: str


def propagate(catalog: Catalog, times_s: np.ndarray, frame: str = "GCRS") -> States:
    """SGP4 states of every object of ``catalog`` at every time of ``times_s``."""
    if frame not in FRAMES:
        raise ValueError(f"frame must be one of {FRAMES}, not {frame!r}")
    times_s = np.atleast_1d(np.asarray(times_s, dtype=np.float64))
    n = len(catalog)
    if n == 0:
        empty = np.empty((len(times_s), 0, 3))
        return States(times_s, empty, empty.copy(), np.empty((len(times_s), 0), np.uint8), frame)
    jd, fr = posix_to_jd(times_s)
    error, r, v = catalog.satrec_array.sgp4(jd, fr)
    # SatrecArray gives (N, T, ...); orbitview's convention is time first.
    position = np.ascontiguousarray(r.transpose(1, 0, 2))
    velocity = np.ascontiguousarray(v.transpose(1, 0, 2))
    error = np.ascontiguousarray(error.T.astype(np.uint8))
    position, velocity = teme_to(frame, times_s, position, velocity)
    return States(times_s, position, velocity, error, frame)


def teme_to(frame: str, times_s: np.ndarray, position_km: np.ndarray, velocity_km_s: np.ndarray):
    """Rotate (T, N, 3) TEME states into ``frame``; ITRS velocities include the Earth's spin."""
    if frame == "TEME":
        return position_km, velocity_km_s
    to_gcrs = gcrs_from_teme(times_s).reshape(-1, 3, 3)
    if frame == "GCRS":
        rotation = to_gcrs
    else:
        rotation = np.einsum("tji,tjk->tik", gcrs_from_itrs(times_s).reshape(-1, 3, 3), to_gcrs)
    position = np.einsum("tij,tnj->tni", rotation, position_km)
    velocity = np.einsum("tij,tnj->tni", rotation, velocity_km_s)
    if frame == "ITRS":
        omega = np.array([0.0, 0.0, EARTH_ROTATION_RAD_S])
        velocity = velocity - np.cross(omega, position)
    return position, velocity
