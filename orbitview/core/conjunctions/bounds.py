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
* **Interpolation bound.** Between SGP4 samples ``H`` apart, the cubic through four consecutive
  samples ``t_-1 .. t_2`` strays from the trajectory on ``[t_0, t_1]`` by at most
  ``|w(t)| M4 / 4!``, ``w = (t - t_-1) (t - t_0) (t - t_1) (t - t_2)`` (the error is a divided
  difference times ``w``, and a divided difference is ``r''''`` against a non-negative kernel of
  unit mass, so the bound holds for the vector, not only per axis): ``|w| <= 9 H^4 / 16``, so
  ``3 M4 H^4 / 128``, where ``|r''''| <= M4``. Differentiating central gravity ``g(r) = -mu r / r^3``
  twice along the motion, ``r'''' = D2g[v, v] + Dg[r''] + p''`` (``p`` the non-central part):
  ``|D2g[v, v]| <= 6 mu |v|^2 / r^4`` (largest for a radial ``v``), ``|Dg| = 2 mu / r^3``, and a
  bound orbit has ``|v|^2 <= 2 mu / r``; with ``r >= EARTH_RADIUS_KM``, ``M4 = 14 mu^2 / R^5 + 2 mu
  P / R^3 + P4``. ``P4`` bounds ``|p''|``: J2's short-period terms (3.2e-5 km/s^2) turn at twice
  the orbital rate (2.5e-3 rad/s), 2e-10 km/s^4, and SGP4's drag is secular, smoother still;
  ``P4`` is 1e-8, and a test measures the 2023 catalogue's interpolation error against direct
  SGP4 below the bound. SGP4's own velocity would not help (a Hermite cubic): it is up to 0.1
  km/s away from the derivative of its positions for decaying high-drag objects of that
  catalogue, which costs up to ``H / 4`` times that.
* **Convexity.** ``range^2`` has derivative ``2 d.v`` and second derivative ``2 (|v|^2 + d.a)``
  (relative position, velocity, acceleration). Where ``|v|^2 > |d| |a|`` over a segment, range
  has at most one minimum there, found exactly where ``d.v`` changes sign from - to +. For two
  nearby objects the relative acceleration is the gravity gradient, ``|a| <= 2 mu / r^3 |d| + 2 P``.
"""

from __future__ import annotations

import numpy as np

# WGS72, as SGP4 element sets assume: SGP4 reports error 6 below that radius.
from orbitview.core.orbits.sgp4_elements import EARTH_RADIUS_WGS72_KM as EARTH_RADIUS_KM
from orbitview.core.orbits.sgp4_elements import MU_WGS72_KM3_S2 as MU_KM3_S2
#: Bound on the non-central part of an SGP4 trajectory's acceleration, km/s^2.
PERTURBATION_KM_S2 = 1.0e-3
#: Bound on any valid SGP4 trajectory's acceleration, km/s^2.
ACCELERATION_KM_S2 = MU_KM3_S2 / EARTH_RADIUS_KM**2 + PERTURBATION_KM_S2
#: Bound on the second derivative of the non-central acceleration, km/s^4.
FOURTH_DERIVATIVE_PERTURBATION_KM_S4 = 1.0e-8
#: Bound on the fourth derivative of any valid SGP4 trajectory, km/s^4.
FOURTH_DERIVATIVE_KM_S4 = (14.0 * MU_KM3_S2**2 / EARTH_RADIUS_KM**5
                           + 2.0 * MU_KM3_S2 * PERTURBATION_KM_S2 / EARTH_RADIUS_KM**3
                           + FOURTH_DERIVATIVE_PERTURBATION_KM_S4)
#: Bound on the gravity gradient's norm (2 mu / r^3), 1/s^2.
GRADIENT_1_S2 = 2.0 * MU_KM3_S2 / EARTH_RADIUS_KM**3


def chord_sag_km(step_s: np.ndarray | float) -> np.ndarray | float:
    """How far one object can stray from its chord over a segment of ``step_s`` seconds."""
    return ACCELERATION_KM_S2 * np.square(step_s) / 8.0


def interpolation_error_km(node_step_s: float) -> float:
    """How far the cubic through four SGP4 samples ``node_step_s`` apart can stray from the
    trajectory between the middle two."""
    return 3.0 * FOURTH_DERIVATIVE_KM_S4 * node_step_s**4 / 128.0


def physical_motion(p0_km, p1_km, v0_km_s, v1_km_s, step_s) -> np.ndarray:
    """``(N,)`` bool: each object's motion over a segment is consistent with ``ACCELERATION_KM_S2``.

    With ``|r''| <= a``, ``|r(t + h) - r(t) - h v(t)| <= a h^2 / 2`` from either end, so the
    trapezoid ``h (v0 + v1) / 2`` is as close. SGP4's own velocity is within about 0.1 km/s of the
    derivative of its positions (measured on the 2023 catalogue: decaying high-drag objects; a
    few m/s for the rest), 12 km over 120 s, while a valid object's trapezoid is off by
    ``h^3 |r'''| / 12`` (about 2 km) of the ``a h^2 / 2`` allowed (71 km): either velocity serves.
    SGP4 keeps returning numbers without an error code for some objects past their decay
    (accelerations of 1e3 km/s^2 and more): they fail this test and are left out of the segment, as
    positions with an error code are.
    """
    miss = np.asarray(p1_km, np.float64) - p0_km - 0.5 * step_s * (np.asarray(v0_km_s, np.float64) + v1_km_s)
    return np.linalg.norm(miss, axis=-1) <= ACCELERATION_KM_S2 * step_s * step_s / 2.0


def segment_min_distance_km(d0_km: np.ndarray, d1_km: np.ndarray) -> np.ndarray:
    """``(...)`` least distance from the origin to the straight segments ``d0 -> d1`` (..., 3)."""
    step = d1_km - d0_km
    length2 = np.einsum("...j,...j->...", step, step)
    s = np.clip(-np.einsum("...j,...j->...", d0_km, step) / np.where(length2 > 0, length2, 1.0), 0.0, 1.0)
    closest = d0_km + s[..., None] * step
    return np.sqrt(np.einsum("...j,...j->...", closest, closest))


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
