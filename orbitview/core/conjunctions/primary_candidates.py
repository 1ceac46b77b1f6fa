"""Candidate segments of a few primaries against every object, propagating each object only in
the segments where it can be near a primary.

1. Near-Earth objects whose mean perigee/apogee band (``bands``) cannot meet a primary's path
   are dropped; the rest keep only the time windows around the nodes of their orbits on the
   primary's (``crossings``).
2. Deep-space objects whose mean perigee, widely padded, is above the primaries' paths are
   dropped (``bands.deep_space_perigees_km``); the rest keep only the segments in which their
   radius can come within the threshold of the primary's radius range (``bands.radius_segments``).
3. In the kept segments each object is propagated at the segment's ends alone (SGP4, float64
   TEME), and the pair's relative chord is tested as ``candidates`` does: what survives is a
   superset of the segments where the range dips below the threshold.

A primary whose path is not known this way (a deep-space primary, or one SGP4 fails for within
the span) leaves the screening to the general path (``primary_candidates`` returns None).
"""

from __future__ import annotations

import numpy as np

from orbitview.core.conjunctions.bands import (BAND_PAD_KM, deep_space_perigees_km, mean_element_bands_km,
                                                radius_segments)
from orbitview.core.conjunctions.bounds import chord_sag_km, physical_motion, segment_min_distance_km
from orbitview.core.conjunctions.crossings import crossing_windows, mean_elements, primary_path, snapshot_times
from orbitview.core.orbits.times import posix_to_jd

#: Up to this many primaries are screened this way; more go through the tree of ``candidates``.
FEW_PRIMARIES = 8


def primary_candidates(satrecs, times_s: np.ndarray, threshold_km: float,
                       primaries: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """``(rows, segments)``: the rows of ``satrecs`` screened (sorted; the primaries among them)
    and the candidate rows ``(a, b, k)`` int64 (``a`` a primary, ``a``/``b`` indices into ``rows``,
    ``k`` the segment ``[times_s[k], times_s[k + 1]]``), or None where a primary's path is unknown."""
    times_s = np.asarray(times_s, np.float64)
    start_s, span_s = float(times_s[0]), float(times_s[-1] - times_s[0])
    deep = np.array([satrec.method == "d" for satrec in satrecs], bool)
    if deep[primaries].any():
        return None
    snapshots = snapshot_times(start_s, span_s)
    paths = []
    for p in primaries:
        own = mean_elements([satrecs[p]], snapshots)
        path = primary_path(satrecs[p], own)
        if path is None:
            return None
        paths.append((p, own, path))
    near = np.flatnonzero(~deep)
    r_min, r_max = mean_element_bands_km([satrecs[k] for k in near], start_s, span_s)
    reach_lo = min(path.r_min_km.min() for _, _, path in paths) - threshold_km
    reach_hi = max(path.r_max_km.max() for _, _, path in paths) + threshold_km
    near = near[(r_min - BAND_PAD_KM <= reach_hi) & (r_max + BAND_PAD_KM >= reach_lo)]
    elements = mean_elements([satrecs[k] for k in near], snapshots)
    far = np.flatnonzero(deep)
    far = far[deep_space_perigees_km([satrecs[k] for k in far], start_s, span_s) <= reach_hi]
    step_s = float(times_s[1] - times_s[0])
    found = []
    for p, own, path in paths:
        row, t_from, t_to = crossing_windows(elements, own, path, threshold_km)
        found.append(_covering_segments(p, near[row], t_from, t_to, times_s))
        if len(far):
            row, k = radius_segments([satrecs[j] for j in far], times_s, path.r_min_km.min() - threshold_km,
                                     path.r_max_km.max() + threshold_km)
            found.append(np.column_stack([np.full(len(row), p), far[row], k]))
    found = _valid_segments(satrecs, times_s, np.concatenate(found), near[np.isnan(elements.a_km).any(axis=1)])
    # Two primaries are one pair, whichever's windows found it (the lower row first); an object
    # with itself is none. Unique rows by one key (far faster than rows of three).
    a, b, k = found.T
    swap = np.isin(b, primaries) & (b < a)
    a, b = np.where(swap, b, a), np.where(swap, a, b)
    count, steps = len(satrecs), len(times_s) - 1
    key = _distinct(((a * count + b) * steps + k)[a != b])
    triples = np.column_stack([key // steps // count, key // steps % count, key % steps])
    segments = _pair_segments(satrecs, times_s, triples, primaries, threshold_km, step_s)
    rows = np.union1d(np.unique(segments[:, :2]), primaries)
    return rows, np.column_stack([np.searchsorted(rows, segments[:, 0]), np.searchsorted(rows, segments[:, 1]),
                                  segments[:, 2]])


def _covering_segments(primary, rows, t_from_s, t_to_s, times_s) -> np.ndarray:
    """``(primary, row, k)`` for every segment ``k`` of the uniform grid ``times_s`` that meets
    the interval ``[t_from_s, t_to_s]`` of ``row``."""
    step_s = times_s[1] - times_s[0]
    last = len(times_s) - 2
    first_k = np.clip(np.floor((t_from_s - times_s[0]) / step_s), 0, last).astype(np.int64)
    last_k = np.clip(np.floor((t_to_s - times_s[0]) / step_s), 0, last).astype(np.int64)
    inside = (t_to_s >= times_s[0]) & (t_from_s <= times_s[-1])
    first_k, last_k, rows = first_k[inside], last_k[inside], rows[inside]
    counts = last_k - first_k + 1
    k = np.repeat(first_k, counts) + np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return np.column_stack([np.full(len(k), primary), np.repeat(rows, counts), k])


def _valid_segments(satrecs, times_s, triples, shaky) -> np.ndarray:
    """The triples without the segments of ``shaky`` objects (SGP4 failed at some snapshot, so
    the crossings keep their windows whole) that have an end where SGP4 fails: no candidate has."""
    of_shaky = np.isin(triples[:, 1], shaky)
    if not of_shaky.any():
        return triples
    jd, fr = posix_to_jd(times_s)
    shaky = np.sort(shaky)
    valid = np.array([satrecs[int(j)].sgp4_array(jd, fr)[0] == 0 for j in shaky], bool)
    checked = triples[of_shaky]
    place = np.searchsorted(shaky, checked[:, 1])
    ok = valid[place, checked[:, 2]] & valid[place, checked[:, 2] + 1]
    return np.concatenate([triples[~of_shaky], checked[ok]])


def _pair_segments(satrecs, times_s, triples, primaries, threshold_km, step_s) -> np.ndarray:
    """The triples ``(a, b, k)`` whose relative chord over segment ``k``, widened by both objects'
    chord sag, comes within ``threshold_km`` (both motions physical, as ``candidates`` requires)."""
    # States wanted: each kept segment's two ends, of each object; every grid time of a primary.
    ends = triples[:, 1] * len(times_s) + triples[:, 2]
    wanted = _distinct(np.r_[ends, ends + 1])
    states = _States(satrecs, wanted, len(times_s), times_s)
    primary_states = _States(satrecs, (primaries[:, None] * len(times_s) + np.arange(len(times_s))).ravel(),
                             len(times_s), times_s)
    a, b, k = triples.T
    p0, v0 = primary_states.at(a, k)
    p1, v1 = primary_states.at(a, k + 1)
    q0, w0 = states.at(b, k)
    q1, w1 = states.at(b, k + 1)
    with np.errstate(invalid="ignore", over="ignore"):
        usable = physical_motion(p0, p1, v0, v1, step_s) & physical_motion(q0, q1, w0, w1, step_s)
        closest = segment_min_distance_km(q0 - p0, q1 - p1)
        keep = usable & (closest <= threshold_km + 2.0 * chord_sag_km(step_s))
    return triples[keep]


def _distinct(keys: np.ndarray) -> np.ndarray:
    """The distinct values of ``keys``, sorted (a sort and a comparison: for millions of int64,
    faster than ``np.unique``'s hashing)."""
    keys = np.sort(keys)
    return keys[np.r_[True, keys[1:] != keys[:-1]]]


class _States:
    """SGP4 states (TEME, float64) at the keys ``row * times + k`` (sorted), one ``sgp4_array``
    call per object; NaN where SGP4 failed."""

    def __init__(self, satrecs, keys: np.ndarray, times: int, times_s: np.ndarray) -> None:
        self.keys, self.times = keys, times
        self.position, self.velocity = np.empty((len(keys), 3)), np.empty((len(keys), 3))
        rows, k = keys // times, keys % times
        jd, fr = posix_to_jd(times_s[k])
        starts = np.flatnonzero(np.r_[True, np.diff(rows) != 0]) if len(keys) else np.empty(0, np.int64)
        for first, last in zip(starts, np.r_[starts[1:], len(keys)]):
            error, r, v = satrecs[int(rows[first])].sgp4_array(jd[first:last], fr[first:last])
            failed = error != 0
            r[failed], v[failed] = np.nan, np.nan
            self.position[first:last], self.velocity[first:last] = r, v

    def at(self, rows: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        place = np.searchsorted(self.keys, rows * self.times + k)
        return self.position[place], self.velocity[place]
