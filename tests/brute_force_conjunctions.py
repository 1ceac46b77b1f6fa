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
