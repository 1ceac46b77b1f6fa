"""Perigee/apogee bands: which objects can come near a primary at all, before the screening proper.

Near-Earth objects: SGP4 keeps mean elements that it updates as it propagates (``Satrec.am``,
``Satrec.em``: semi-major axis in Earth radii, eccentricity; drag and lunar-solar terms move
them). An object's radius stays within its mean perigee and apogee, sampled at ``BAND_SAMPLES``
times over the span, widened by ``BAND_PAD_KM`` for the short-period terms SGP4 adds and the
drift between samples. A test measures the osculating radii of the real 2023 catalogue over 7
days against these bands.

Deep-space objects (periods over 225 minutes): SGP4's lunar-solar periodic terms move their
radius by up to thousands of km beyond their mean elements, so their bands come from their
positions instead, every ``DEEP_SPACE_STEP_S`` over the span, and the chord bound of ``bounds``:
between two samples an object stays within ``a h^2 / 8`` of its chord, ``a`` its largest
acceleration. Far from the Earth gravity is weaker, so ``a`` is tightened in turn from the
lowest radius proven so far (``mu / r^2`` plus the perturbation bound): a geostationary object's
band is then proven to within about 2,000 km, far above any low orbit.

Two objects whose bands are further apart than the threshold never meet.
"""

from __future__ import annotations

import numpy as np

from orbitview.core.conjunctions.bounds import (ACCELERATION_KM_S2, EARTH_RADIUS_KM, MU_KM3_S2, PERTURBATION_KM_S2,
                                                segment_min_distance_km)
from orbitview.core.orbits.times import posix_to_jd

BAND_SAMPLES = 3
BAND_PAD_KM = 50.0
#: Seconds between the samples of a deep-space object's radius band.
DEEP_SPACE_STEP_S = 3600.0
#: Rounds of tightening the acceleration bound from the lowest radius proven so far.
TIGHTENINGS = 4
#: How far below its mean perigee a deep-space object's radius goes over a week, as a fraction
#: of its mean semi-major axis: at most 1.7% in the 2023 catalogue (lunar-solar periodic terms;
#: radii every 10 minutes), padded three times over.
DEEP_SPACE_PERIGEE_PAD = 0.05
#: Steps of the screening grid in the top-level segments of ``radius_segments``.
TOP_SEGMENTS = 32


def radius_bands_km(satrecs, start_s: float, span_s: float) -> tuple[np.ndarray, np.ndarray]:
    """``(r_min, r_max)`` (N,) km: padded bounds on each object's radius over the span.

    An object SGP4 cannot propagate at some sample gets ``(0, inf)``: never filtered out.
    """
    deep = np.array([satrec.method == "d" for satrec in satrecs], bool)
    r_min, r_max = np.zeros(len(satrecs)), np.full(len(satrecs), np.inf)
    near = np.flatnonzero(~deep)
    r_min[near], r_max[near] = mean_element_bands_km([satrecs[k] for k in near], start_s, span_s)
    far = np.flatnonzero(deep)
    if len(far):
        r_min[far], r_max[far] = _sampled_bands([satrecs[k] for k in far], start_s, span_s)
    return r_min - BAND_PAD_KM, r_max + BAND_PAD_KM


def mean_element_bands_km(satrecs, start_s: float, span_s: float) -> tuple[np.ndarray, np.ndarray]:
    """``(r_min, r_max)`` (N,) km of near-Earth ``satrecs``: their mean perigee and apogee at
    ``BAND_SAMPLES`` times over the span, not yet padded (``(0, inf)`` where SGP4 fails)."""
    jd, fr = posix_to_jd(np.linspace(start_s, start_s + span_s, BAND_SAMPLES))
    a_km = np.full((len(satrecs), BAND_SAMPLES), np.nan)
    e = np.full((len(satrecs), BAND_SAMPLES), np.nan)
    for k, satrec in enumerate(satrecs):
        for m, (day, fraction) in enumerate(zip(jd, fr)):
            if satrec.sgp4(day, fraction)[0] != 0:
                a_km[k] = np.nan  # no band
                break
            a_km[k, m], e[k, m] = satrec.am * satrec.radiusearthkm, satrec.em
    failed = np.isnan(a_km).any(axis=1)
    r_min = np.where(failed, 0.0, np.min(a_km * (1.0 - e), axis=1, initial=np.inf, where=~np.isnan(a_km)))
    r_max = np.where(failed, np.inf, np.max(a_km * (1.0 + e), axis=1, initial=0.0, where=~np.isnan(a_km)))
    return r_min, r_max


def deep_space_perigees_km(satrecs, start_s: float, span_s: float) -> np.ndarray:
    """``(N,)`` km: below each deep-space object's radius over the span: its lowest mean perigee
    at ``BAND_SAMPLES`` times less ``DEEP_SPACE_PERIGEE_PAD`` of its mean semi-major axis
    (``-inf`` where SGP4 fails). Far looser than the sampled bands, but a few SGP4 calls each."""
    r_min, r_max = mean_element_bands_km(satrecs, start_s, span_s)
    return r_min - DEEP_SPACE_PERIGEE_PAD * 0.5 * (r_min + r_max)


def _sampled_bands(satrecs, start_s, span_s):
    from sgp4.api import SatrecArray

    count = max(1, int(np.ceil(span_s / DEEP_SPACE_STEP_S - 1e-9)))
    times_s = np.linspace(start_s, start_s + span_s, count + 1)
    step_s = span_s / count
    error, r, _ = SatrecArray(satrecs).sgp4(*posix_to_jd(times_s))
    n, t = error.shape
    lower, upper = chord_radius_bounds_km(r[:, :-1].reshape(-1, 3), r[:, 1:].reshape(-1, 3), step_s)
    r_min, r_max = lower.reshape(n, t - 1).min(axis=1), upper.reshape(n, t - 1).max(axis=1)
    failed = (error != 0).any(axis=1)
    return np.where(failed, 0.0, np.maximum(r_min, 0.0)), np.where(failed, np.inf, r_max)


def chord_radius_bounds_km(r0_km: np.ndarray, r1_km: np.ndarray, step_s) -> tuple[np.ndarray, np.ndarray]:
    """``(lower, upper)`` (M,) km: bounds on the radius of valid SGP4 trajectories over segments
    of ``step_s`` seconds from their end positions ``r0_km``, ``r1_km`` (M, 3): the chord bound,
    its acceleration tightened from the lowest radius proven so far."""
    chord_km = segment_min_distance_km(r0_km, r1_km)
    square = np.square(step_s) / 8.0
    acceleration = np.full(chord_km.shape, ACCELERATION_KM_S2)
    for _ in range(TIGHTENINGS):
        lowest_km = np.maximum(chord_km - acceleration * square, EARTH_RADIUS_KM)
        acceleration = MU_KM3_S2 / lowest_km**2 + PERTURBATION_KM_S2
    # A segment's chord lies within the larger of its end radii.
    upper = np.maximum(np.linalg.norm(r0_km, axis=-1), np.linalg.norm(r1_km, axis=-1)) + ACCELERATION_KM_S2 * square
    return chord_km - acceleration * square, upper


def radius_segments(satrecs, times_s: np.ndarray, r_lo_km: float, r_hi_km: float) -> tuple[np.ndarray, np.ndarray]:
    """``(row, k)`` int64: the segments ``[times_s[k], times_s[k + 1]]`` in which the radius of
    ``satrecs[row]`` may be within ``[r_lo_km, r_hi_km]`` (or SGP4 fails at an end).

    Segments of ``TOP_SEGMENTS`` steps are bounded from their end positions (the chord bound, as
    for the deep-space bands), those that may meet the range are halved, and so on down to single
    steps: a deep-space object is propagated only around the times its radius can be there.
    """
    from sgp4.api import SatrecArray

    times_s = np.asarray(times_s, np.float64)
    steps = len(times_s) - 1
    top = np.unique(np.r_[np.arange(0, steps, TOP_SEGMENTS), steps])
    error, r, _ = SatrecArray(list(satrecs)).sgp4(*posix_to_jd(times_s[top]))
    n, m = len(satrecs), len(top) - 1
    row = np.repeat(np.arange(n), m)
    lo, hi = np.tile(top[:-1], n), np.tile(top[1:], n)
    r0, r1 = r[:, :-1].reshape(-1, 3), r[:, 1:].reshape(-1, 3)
    bad0, bad1 = (error[:, :-1] != 0).ravel(), (error[:, 1:] != 0).ravel()
    found_row, found_k = [], []
    while len(row):
        with np.errstate(invalid="ignore"):
            lower, upper = chord_radius_bounds_km(r0, r1, times_s[hi] - times_s[lo])
        keep = bad0 | bad1 | ~((lower > r_hi_km) | (upper < r_lo_km))
        row, lo, hi, r0, r1, bad0, bad1 = (x[keep] for x in (row, lo, hi, r0, r1, bad0, bad1))
        single = hi - lo == 1
        found_row.append(row[single])
        found_k.append(lo[single])
        row, lo, hi, r0, r1, bad0, bad1 = (x[~single] for x in (row, lo, hi, r0, r1, bad0, bad1))
        mid = (lo + hi) // 2
        r_mid, bad_mid = _positions(satrecs, row, times_s[mid])
        row, lo, hi = np.r_[row, row], np.r_[lo, mid], np.r_[mid, hi]
        r0, r1 = np.concatenate([r0, r_mid]), np.concatenate([r_mid, r1])
        bad0, bad1 = np.r_[bad0, bad_mid], np.r_[bad_mid, bad1]
    return np.concatenate(found_row).astype(np.int64), np.concatenate(found_k).astype(np.int64)


def _positions(satrecs, rows: np.ndarray, times_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """TEME positions (M, 3) of ``satrecs[rows[m]]`` at ``times_s[m]`` and (M,) bool, SGP4 failed:
    one ``sgp4_array`` call per object."""
    r, bad = np.empty((len(rows), 3)), np.empty(len(rows), bool)
    order = np.argsort(rows, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(rows[order]) != 0]) if len(rows) else np.empty(0, np.int64)
    jd, fr = posix_to_jd(times_s[order])
    for first, last in zip(starts, np.r_[starts[1:], len(rows)]):
        error, r_k, _ = satrecs[int(rows[order[first]])].sgp4_array(jd[first:last], fr[first:last])
        r[order[first:last]] = r_k
        bad[order[first:last]] = error != 0
    return r, bad


def near_primaries(r_min: np.ndarray, r_max: np.ndarray, primaries: np.ndarray, threshold_km: float) -> np.ndarray:
    """``(N,)`` bool: objects whose band comes within ``threshold_km`` of some primary's band."""
    near = np.zeros(len(r_min), bool)
    for p in primaries:
        near |= (r_min <= r_max[p] + threshold_km) & (r_max >= r_min[p] - threshold_km)
    return near
