"""Proven bounds on how far an SGP4 trajectory can stray between two samples.

Screening samples every object at times ``t_k`` and reasons about each segment
``[t_k, t_k + h]`` from its two end points alone, so no encounter can hide between samples:

* **Chord bound.** For a curve with ``|r''| <= a``, the distance to the straight line through
  its end points is at most ``a h^2 / 8`` (the error of linear interpolation). So object ``i``
  stays inside the sphere about its chord's midpoint of radius ``|r_i(t_k + h) - r_i(t_k)| / 2
  + a h^2 / 8``, and the relative position ``d = r_i - r_j`` of a pair stays within
  ``2 a h^2 / 8`` of the straight line between its end values.
* **Acceleration bound.** An SGP4 trajectory accelerates as central gravity plus perturbations:
  ``|r''| <= mu / r^2 + P``. SGP4 flags positions below one Earth radius as decayed (error 6),
  so ``r >= EARTH_RADIUS_KM`` wherever a position is valid. ``P`` bounds everything that is not
  the central term: J2 is at most ``3 J2 mu / R^2`` = 3.2e-5 km/s^2 at the surface, but SGP4's
  drag terms for high-B* objects (rocket stages in transfer orbits, decaying fragments) reach
  2.4e-4 km/s^2 in the 2023 catalogue; ``P`` is 1e-3, and a test measures the largest
  non-central acceleration of that catalogue against it.
* **Convexity.** ``range^2`` has derivative ``2 d.v`` and second derivative ``2 (|v|^2 + d.a)``
  (relative position, velocity, acceleration). Where ``|v|^2 > |d| |a|`` over a segment, range
  has at most one minimum there, found exactly where ``d.v`` changes sign from - to +. For two
  nearby objects the relative acceleration is the gravity gradient, ``|a| <= 2 mu / r^3 |d| + 2 P``.
"""

from __future__ import annotations

import numpy as np

MU_KM3_S2 = 398600.8  # WGS72, as SGP4 element sets assume
EARTH_RADIUS_KM = 6378.135  # WGS72: SGP4 reports error 6 below it
#: Bound on the non-central part of an SGP4 trajectory's acceleration, km/s^2.
PERTURBATION_KM_S2 = 1.0e-3
#: Bound on any valid SGP4 trajectory's acceleration, km/s^2.
ACCELERATION_KM_S2 = MU_KM3_S2 / EARTH_RADIUS_KM**2 + PERTURBATION_KM_S2
#: Bound on the gravity gradient's norm (2 mu / r^3), 1/s^2.
GRADIENT_1_S2 = 2.0 * MU_KM3_S2 / EARTH_RADIUS_KM**3


def chord_sag_km(step_s: np.ndarray | float) -> np.ndarray | float:
    """How far one object can stray from its chord over a segment of ``step_s`` seconds."""
    return ACCELERATION_KM_S2 * np.square(step_s) / 8.0


def physical_motion(p0_km, p1_km, v0_km_s, v1_km_s, step_s) -> np.ndarray:
    """``(N,)`` bool: each object's motion over a segment is consistent with ``ACCELERATION_KM_S2``.

    With ``|r''| <= a``, ``|r(t + h) - r(t) - h v(t)| <= a h^2 / 2`` from either end, so the
    trapezoid ``h (v0 + v1) / 2`` is as close. SGP4's own velocity is within about 6 m/s of the
    derivative of its positions (``core.propagate``), 0.7 km over 120 s, while a valid object's
    trapezoid is off by ``h^3 |r'''| / 12`` (about 2 km) of the ``a h^2 / 2`` allowed (78 km):
    either velocity serves. SGP4 keeps returning numbers without an error
    code for some objects past their decay (accelerations of 1e3 km/s^2 and more): they fail
    this test and are left out of the segment, as positions with an error code are.
    """
    miss = np.asarray(p1_km, np.float64) - p0_km - 0.5 * step_s * (np.asarray(v0_km_s, np.float64) + v1_km_s)
    return np.linalg.norm(miss, axis=-1) <= ACCELERATION_KM_S2 * step_s * step_s / 2.0


def segment_min_distance_km(d0_km: np.ndarray, d1_km: np.ndarray) -> np.ndarray:
    """``(M,)`` least distance from the origin to the straight segments ``d0 -> d1`` (M, 3)."""
    step = d1_km - d0_km
    length2 = np.einsum("ij,ij->i", step, step)
    s = np.clip(-np.einsum("ij,ij->i", d0_km, step) / np.where(length2 > 0, length2, 1.0), 0.0, 1.0)
    return np.linalg.norm(d0_km + s[:, None] * step, axis=1)


def range_is_convex(d0_km, d1_km, v0_km_s, v1_km_s, step_s) -> np.ndarray:
    """``(M,)`` bool: proven that range^2 is strictly convex over each segment (one minimum at most).

    ``d``/``v``: relative positions and velocities (M, 3) at the segment's two ends, float64.
    """
    sag = 2.0 * chord_sag_km(step_s)
    d_max = np.maximum(np.linalg.norm(d0_km, axis=-1), np.linalg.norm(d1_km, axis=-1)) + sag
    a_max = GRADIENT_1_S2 * d_max + 2.0 * PERTURBATION_KM_S2
    # The relative velocity is within a_max * h / 2 of the nearer end's.
    v_min = np.minimum(np.linalg.norm(v0_km_s, axis=-1), np.linalg.norm(v1_km_s, axis=-1)) - a_max * step_s / 2.0
    return (v_min > 0) & (v_min * v_min > d_max * a_max)
