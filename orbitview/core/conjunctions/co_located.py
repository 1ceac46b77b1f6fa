"""Co-located pairs: stretches of the span in which two objects stay within the threshold.

Docked vehicles and formation flyers stay within a few km for hours or for the whole span;
every local minimum of their range is below the threshold, and listing each as an encounter
(the ISS against all over 7 days met its docked vehicles 462 times) says nothing an analyst
can use. A *stretch* is a maximal interval in which the pair's range stays within the
threshold; one that lasts at least ``MIN_STRETCH_S`` (or the whole span, if shorter) is one
``CoLocated`` entry, and the minima inside it are not encounters. Minima outside it are.

Stretches are found on the screening's own samples, in the runs of consecutive candidate
segments of a pair (a stretch lies inside such a run: the candidates are a superset of where
the pair can be within the threshold); the range is taken with SGP4 in float64 at those
samples and the stretch's ends are solved to ``END_TOLERANCE_S`` where it crosses the
threshold. Between two samples within the threshold the range is not looked at again: such
pairs move apart at metres per second, not the kilometres a sample step would hide.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orbitview.core.conjunctions.refine import pair_states

#: The shortest stretch reported as co-located: 2 h, longer than any LEO orbit (127 min at
#: 2,000 km), so a pair counts as flying together only when it does so for a whole orbit and
#: more; two objects passing each other, however slowly, are encounters.
MIN_STRETCH_S = 7200.0
#: A stretch's start and end are known to this, seconds.
END_TOLERANCE_S = 1e-3


@dataclass(frozen=True)
class CoLocated:
    """A pair within the threshold from ``start_s`` to ``end_s`` (POSIX s UTC; the span's ends
    where it is within throughout), and its range there, km (at the samples and the ends)."""

    a: int
    b: int
    name_a: str
    name_b: str
    start_s: float
    end_s: float
    min_range_km: float
    max_range_km: float


def co_located(catalog, times_s: np.ndarray, segments: np.ndarray, threshold_km: float, primaries):
    """Candidate rows ``(i, j, k)`` (objects i, j of ``catalog``, segment k of ``times_s``) as
    ``(a, b, k)`` sorted by pair and segment (``a`` the primary or the lower catalogue number),
    without those of one object listed twice or lying wholly inside a co-located stretch; and
    the ``CoLocated`` stretches, in pair then time order. ``primaries``: row indices, or None."""
    same = catalog.norad_id[segments[:, 0]] == catalog.norad_id[segments[:, 1]]
    segments = segments[~same]  # one object listed twice is no conjunction
    a, b = ordered_pairs(catalog, segments[:, 0], segments[:, 1], primaries)
    segments = np.column_stack([a, b, segments[:, 2]])
    segments = segments[np.lexsort((segments[:, 2], segments[:, 1], segments[:, 0]))]
    shortest_s = min(MIN_STRETCH_S, float(times_s[-1] - times_s[0]))
    inside = np.zeros(len(segments), bool)
    found = []
    for first, last in _runs(segments, times_s, shortest_s):
        i, j = (int(x) for x in segments[first, :2])
        for stretch in _stretches(catalog.satrecs[i], catalog.satrecs[j], times_s, int(segments[first, 2]),
                                  int(segments[last, 2]), threshold_km, shortest_s):
            start_s, end_s = stretch[:2]
            k = segments[first:last + 1, 2]
            inside[first:last + 1] |= (times_s[k] >= start_s) & (times_s[k + 1] <= end_s)
            found.append(CoLocated(int(catalog.norad_id[i]), int(catalog.norad_id[j]), str(catalog.name[i]),
                                   str(catalog.name[j]), *stretch))
    return segments[~inside], found


def outside_stretches(encounters, stretches) -> list:
    """The encounters whose TCA lies in no co-located stretch of their pair."""
    by_pair: dict = {}
    for s in stretches:
        by_pair.setdefault((s.a, s.b), []).append((s.start_s, s.end_s))
    return [e for e in encounters if not any(lo <= e.tca_s <= hi for lo, hi in by_pair.get((e.a, e.b), ()))]


def ordered_pairs(catalog, i, j, primaries):
    """The pairs as (primary, other), or by catalogue number when neither or both are primaries."""
    swap = catalog.norad_id[i] > catalog.norad_id[j]
    if primaries is not None:
        i_primary, j_primary = np.isin(i, primaries), np.isin(j, primaries)
        swap = np.where(i_primary != j_primary, j_primary, swap)
    return np.where(swap, j, i), np.where(swap, i, j)


def _runs(segments, times_s, shortest_s):
    """``(first, last)`` rows of each run of one pair's consecutive segments lasting at least
    ``shortest_s``: the only places a stretch that long can be."""
    if not len(segments):
        return []
    breaks = np.flatnonzero((np.diff(segments[:, 0]) != 0) | (np.diff(segments[:, 1]) != 0)
                            | (np.diff(segments[:, 2]) != 1)) + 1
    firsts = np.r_[0, breaks]
    lasts = np.r_[breaks - 1, len(segments) - 1]
    lasting = times_s[segments[lasts, 2] + 1] - times_s[segments[firsts, 2]] >= shortest_s
    return list(zip(firsts[lasting].tolist(), lasts[lasting].tolist()))


def _stretches(sat_a, sat_b, times_s, k_first, k_last, threshold_km, shortest_s):
    """``(start_s, end_s, min_km, max_km)`` of each stretch of at least ``shortest_s`` in
    segments ``k_first .. k_last`` of the pair, from the samples one beyond them either side."""
    lo, hi = max(k_first - 1, 0), min(k_last + 2, len(times_s) - 1)
    times = times_s[lo:hi + 1]
    r_a, _, r_b, _, ok = pair_states(sat_a, sat_b, times)
    ranges = np.linalg.norm(r_b - r_a, axis=1)
    within = ok & (ranges <= threshold_km)
    edges = np.diff(np.r_[0, within.astype(np.int8), 0])
    out = []
    for first, stop in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)):
        last = stop - 1
        start_s = times[0] if first == 0 else _crossing(sat_a, sat_b, times[first - 1], times[first], threshold_km)
        end_s = times[-1] if stop == len(times) else _crossing(sat_a, sat_b, times[stop], times[last], threshold_km)
        if end_s - start_s < shortest_s:
            continue
        # Where it ends on a crossing, the range there is the threshold.
        crossed = first > 0 or stop < len(times)
        highest = threshold_km if crossed else ranges[first:stop].max()
        out.append((float(start_s), float(end_s), float(ranges[first:stop].min()), float(highest)))
    return out


def _crossing(sat_a, sat_b, outside_s, inside_s, threshold_km) -> float:
    """Where the range crosses ``threshold_km`` between a time beyond it and one within it
    (bisection, to ``END_TOLERANCE_S``): the time within it."""
    while abs(inside_s - outside_s) > END_TOLERANCE_S:
        middle = 0.5 * (outside_s + inside_s)
        r_a, _, r_b, _, ok = pair_states(sat_a, sat_b, np.array([middle]))
        if ok[0] and np.linalg.norm(r_b[0] - r_a[0]) <= threshold_km:
            inside_s = middle
        else:
            outside_s = middle
    return float(inside_s)
