"""Exact closest approaches of one pair, with SGP4 called directly in float64.

The range's minima are where ``f(t) = d . v`` (half the derivative of range^2; ``d``, ``v`` the
relative position and velocity) changes sign from - to +. On a candidate segment where range^2
is proven convex (``bounds.range_is_convex``) there is at most one, found from the signs of ``f``
at the ends; elsewhere (slow, nearly co-orbital pairs) ``f`` is sampled every
``SLOW_PAIR_STEP_S`` seconds first. Each sign change is solved by Brent's method to
``TCA_TOLERANCE_S``.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from orbitview.core.conjunctions.bounds import range_is_convex
from orbitview.core.times import posix_to_jd

#: Brent's method stops when the TCA is known to this, seconds (the goal is 1 ms).
TCA_TOLERANCE_S = 1e-4
#: Sampling of d.v where convexity is not proven: there the relative speed is below about
#: 0.1 km/s (|v|^2 <= |d| |a_rel|), and d.v of such a pair turns over on the scale of the orbit
#: (minutes), not within a second. This is the one step that rests on a sampling argument.
SLOW_PAIR_STEP_S = 1.0


def pair_states(sat_a, sat_b, times_s: np.ndarray):
    """Float64 TEME states of two ``Satrec`` at ``times_s`` (K,): ``r_a, v_a, r_b, v_b`` (K, 3), and ``ok`` (K,)."""
    jd, fr = posix_to_jd(times_s)
    error_a, r_a, v_a = sat_a.sgp4_array(jd, fr)
    error_b, r_b, v_b = sat_b.sgp4_array(jd, fr)
    return r_a, v_a, r_b, v_b, (error_a == 0) & (error_b == 0)


def _f(sat_a, sat_b, t_s: float) -> float:
    r_a, v_a, r_b, v_b, _ = pair_states(sat_a, sat_b, np.array([t_s]))
    return float(np.dot(r_b[0] - r_a[0], v_b[0] - v_a[0]))


def minima_in_window(sat_a, sat_b, times_s: np.ndarray) -> list[float]:
    """TCAs (POSIX s) of every local minimum of the pair's range inside ``times_s[0], times_s[-1]``.

    ``times_s``: the sample times bounding consecutive candidate segments.
    """
    r_a, v_a, r_b, v_b, ok = pair_states(sat_a, sat_b, times_s)
    d, v = r_b - r_a, v_b - v_a
    f = np.einsum("ij,ij->i", d, v)
    steps = np.diff(times_s)
    convex = range_is_convex(d[:-1], d[1:], v[:-1], v[1:], steps) & ok[:-1] & ok[1:]
    roots = []
    for k in range(len(steps)):
        if convex[k]:
            brackets = [(times_s[k], times_s[k + 1], f[k], f[k + 1])]
        else:
            brackets = _sampled_brackets(sat_a, sat_b, times_s[k], times_s[k + 1])
        for lo, hi, f_lo, f_hi in brackets:
            if f_lo < 0.0 <= f_hi:
                roots.append(hi if f_hi == 0.0 else brentq(
                    lambda t: _f(sat_a, sat_b, t), lo, hi, xtol=TCA_TOLERANCE_S, rtol=4 * np.finfo(float).eps))
    return roots


def _sampled_brackets(sat_a, sat_b, lo: float, hi: float):
    count = max(2, int(np.ceil((hi - lo) / SLOW_PAIR_STEP_S)) + 1)
    times = np.linspace(lo, hi, count)
    r_a, v_a, r_b, v_b, ok = pair_states(sat_a, sat_b, times)
    f = np.einsum("ij,ij->i", r_b - r_a, v_b - v_a)
    f[~ok] = np.nan
    return [(times[m], times[m + 1], f[m], f[m + 1]) for m in range(count - 1)]


def ric_km(r_a: np.ndarray, v_a: np.ndarray, miss_km: np.ndarray) -> np.ndarray:
    """``miss_km`` (3,) in the radial / in-track / cross-track frame of the object at ``r_a``, ``v_a``."""
    radial = r_a / np.linalg.norm(r_a)
    cross = np.cross(r_a, v_a)
    cross /= np.linalg.norm(cross)
    in_track = np.cross(cross, radial)
    return np.array([miss_km @ radial, miss_km @ in_track, miss_km @ cross])
