"""An independent conjunction finder for tests and benchmarks: sgp4, dense sampling, minimisation.

Positions every ``step_s``; a pair whose range at a true minimum is at most T is at most
T + v_rel * step / 2 apart at the nearest sample, with ``v_rel`` at most twice the largest speed
(plus what the speed can grow by within a step), so a KD-tree pass at that reach misses no pair.
Each discrete local minimum of a candidate's sampled range is then minimised with SGP4 in float64
(bounded Brent minimisation of the range itself, not the engine's root of d.v).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.spatial import cKDTree
from sgp4.api import SatrecArray

SECONDS_PER_DAY = 86400.0
JD_UNIX_EPOCH = 2440587.5
#: Acceleration bound, km/s^2 (central gravity at the Earth's surface plus J2 with margin).
ACCELERATION_KM_S2 = 0.0099


def _jd(times_s):
    days = np.floor(np.asarray(times_s) / SECONDS_PER_DAY)
    return JD_UNIX_EPOCH + days, (np.asarray(times_s) - days * SECONDS_PER_DAY) / SECONDS_PER_DAY


def _range_km(sat_a, sat_b, t_s: float) -> float:
    jd, fr = _jd(t_s)
    _, r_a, _ = sat_a.sgp4(float(jd), float(fr))
    _, r_b, _ = sat_b.sgp4(float(jd), float(fr))
    return float(np.linalg.norm(np.subtract(r_b, r_a)))


def brute_force_minima(satrecs, start_s: float, span_s: float, threshold_km: float, step_s: float = 5.0):
    """``[(i, j, tca_s, miss_km)]`` (i < j, row indices) of every interior range minimum below ``threshold_km``."""
    times = start_s + np.arange(0.0, span_s + step_s / 2, step_s)
    times[-1] = start_s + span_s
    jd, fr = _jd(times)
    error, r, v = SatrecArray(list(satrecs)).sgp4(np.ascontiguousarray(jd), np.ascontiguousarray(fr))
    valid = (error == 0).all(axis=1)
    speed = np.linalg.norm(v[valid], axis=2).max()
    reach = threshold_km + 2.0 * (speed + ACCELERATION_KM_S2 * step_s) * step_s / 2.0
    index = np.flatnonzero(valid)
    pairs = set()
    for k in range(len(times)):
        found = cKDTree(r[index, k]).query_pairs(reach, output_type="ndarray")
        pairs.update(zip(index[found[:, 0]].tolist(), index[found[:, 1]].tolist()))
    minima = []
    for i, j in sorted(pairs):
        ranges = np.linalg.norm(r[j] - r[i], axis=1)
        interior = np.arange(1, len(times) - 1)
        local = interior[(ranges[interior] <= ranges[interior - 1]) & (ranges[interior] <= ranges[interior + 1])
                         & (ranges[interior] <= reach)]
        for k in local:
            # Offsets from the bracket's start: the method's tolerance is relative to |x|.
            lo = times[k - 1]
            result = minimize_scalar(lambda dt: _range_km(satrecs[i], satrecs[j], lo + dt),
                                     bounds=(0.0, times[k + 1] - lo), method="bounded", options={"xatol": 1e-6})
            tca = lo + float(result.x)
            if result.fun <= threshold_km and times[0] < tca < times[-1]:
                minima.append((i, j, tca, float(result.fun)))
    return minima


#: Bound on any physical SGP4 trajectory's acceleration, km/s^2: central gravity at the Earth's
#: surface (9.80e-3) and the largest non-central acceleration measured in the 2023 catalogue
#: (2.4e-4, tests/test_conjunctions.py), with margin.
PRIMARY_ACCELERATION_KM_S2 = 0.011


def brute_force_primary_minima(satrecs, primaries, start_s: float, span_s: float, threshold_km: float,
                               step_s: float = 60.0, chunk: int = 2000):
    """``[(p, j, tca_s, miss_km)]``: every interior minimum below ``threshold_km`` of the range
    between each primary ``satrecs[p]`` and each other object ``satrecs[j]`` (rows).

    Positions every ``step_s``; over a step each object stays within ``A h^2 / 8`` of its chord,
    so the range can dip below T only in steps whose relative chord comes within ``T + 2 A h^2 / 8``.
    Those steps (and their neighbours) are sampled every second and each discrete minimum of the
    range minimised (bounded Brent). Steps where an object's motion is not physical (SGP4 past
    a decay) are left out, as the engine leaves them; a pair of primaries is listed once.
    """
    times = start_s + np.arange(0.0, span_s + step_s / 2, step_s)
    times[-1] = start_s + span_s
    jd, fr = (np.ascontiguousarray(x) for x in _jd(times))
    error, p_all, w_all = SatrecArray([satrecs[p] for p in primaries]).sgp4(jd, fr)
    p_fine = (error == 0)[:, :-1] & (error == 0)[:, 1:] & _physical(p_all, w_all, step_s)
    sag = PRIMARY_ACCELERATION_KM_S2 * step_s**2 / 8.0
    minima = []
    for lo in range(0, len(satrecs), chunk):
        rows = np.arange(lo, min(lo + chunk, len(satrecs)))
        error, r, v = SatrecArray([satrecs[k] for k in rows]).sgp4(jd, fr)
        with np.errstate(invalid="ignore", over="ignore"):
            fine = (error[:, :-1] == 0) & (error[:, 1:] == 0) & _physical(r, v, step_s)
        for n, primary in enumerate(primaries):
            p = p_all[n]
            with np.errstate(invalid="ignore", over="ignore"):
                d0, d1 = r[:, :-1] - p[:-1], r[:, 1:] - p[1:]
                step = d1 - d0
                s = np.clip(-np.einsum("ntk,ntk->nt", d0, step) / np.maximum(np.einsum("ntk,ntk->nt", step, step), 1e-12), 0, 1)
                closest = np.linalg.norm(d0 + s[..., None] * step, axis=2)
            for m, k in zip(*np.nonzero(fine & p_fine[n] & (closest <= threshold_km + 2 * sag))):
                j = int(rows[m])
                if satrecs[j].satnum == satrecs[primary].satnum or (j in primaries and j < primary):
                    continue
                window = times[max(k - 1, 0)], times[min(k + 2, len(times) - 1)]
                minima.extend((primary, j, tca, miss) for tca, miss in
                              _dense_minima(satrecs[primary], satrecs[j], *window, threshold_km))
    # A minimum near a step's end is found from both neighbouring steps: once each.
    minima.sort()
    unique = [m for n, m in enumerate(minima) if n == 0 or m[:2] != minima[n - 1][:2] or m[2] - minima[n - 1][2] > 0.01]
    return [m for m in unique if times[0] < m[2] < times[-1]]


def _physical(r, v, step_s):
    """(N, T - 1) bool: each step's motion consistent with the acceleration bound (the trapezoid rule)."""
    miss = r[:, 1:] - r[:, :-1] - 0.5 * step_s * (v[:, 1:] + v[:, :-1])
    return np.linalg.norm(miss, axis=2) <= PRIMARY_ACCELERATION_KM_S2 * step_s**2 / 2


def _dense_minima(sat_a, sat_b, lo_s, hi_s, threshold_km):
    """``[(tca_s, miss_km)]`` of the discrete minima of the range sampled every second in ``[lo_s, hi_s]``, minimised."""
    times = np.arange(lo_s, hi_s + 0.5, 1.0)
    jd, fr = _jd(times)
    error_a, r_a, _ = sat_a.sgp4_array(jd, fr)
    error_b, r_b, _ = sat_b.sgp4_array(jd, fr)
    ranges = np.where((error_a == 0) & (error_b == 0), np.linalg.norm(r_b - r_a, axis=1), np.inf)
    found = []
    for k in range(1, len(times) - 1):
        if ranges[k] <= ranges[k - 1] and ranges[k] <= ranges[k + 1] and ranges[k] <= threshold_km + 8.0:  # 15 km/s for half a second
            result = minimize_scalar(lambda dt: _range_km(sat_a, sat_b, times[k - 1] + dt), bounds=(0.0, 2.0),
                                     method="bounded", options={"xatol": 1e-6})
            if result.fun <= threshold_km:
                found.append((times[k - 1] + float(result.x), float(result.fun)))
    return found
