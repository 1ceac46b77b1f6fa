"""Pairs that may come within the threshold during a segment, from its end points alone.

Per segment: each object's bounding sphere (chord midpoint, half the chord plus the chord sag,
see ``bounds``, plus the positions' own error where they are interpolated) goes into a KD-tree;
pairs whose spheres come within the threshold, and whose distances from the Earth's centre can
too, are then tested exactly on the straight line between their relative positions, widened by
the pair's sag and error. What survives is a superset of the segments where the SGP4 range dips
below the threshold.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from orbitview.core.conjunctions.bounds import chord_sag_km, segment_min_distance_km

#: Up to this many primaries are compared with every sphere directly, not through a KD-tree.
DIRECT_PRIMARIES = 16
#: Spheres larger than this times the median radius (eccentric orbits near perigee) are paired
#: separately, not through the tree's single reach.
LARGE_RATIO = 1.05


def candidate_rows(position_km: np.ndarray, usable: np.ndarray, step_s: float, threshold_km: float,
                   primaries: np.ndarray | None, error_km: float) -> np.ndarray:
    """``(M, 3)`` int64 rows ``(i, j, m)``: objects ``i``, ``j`` may meet during segment ``m``.

    ``position_km``: (B + 1, N, 3) float64 positions at the ends of B segments of at most
    ``step_s`` seconds, within ``error_km`` of SGP4's (``sampling``); ``usable``: (B, N) bool,
    objects whose positions are known at both ends of a segment and whose motion there is
    physical (the others are left out of it). ``primaries``: sorted indices screened against all
    (``i`` is then the primary), or None for all against all.
    """
    stray = chord_sag_km(step_s) + error_km  # how far an object may be from its chord
    a, b = position_km[:-1], position_km[1:]
    # Per object and segment, for the whole block at once: its sphere, and the least and greatest
    # distance from the Earth's centre it can have (below).
    with np.errstate(invalid="ignore", over="ignore"):
        centre = 0.5 * (a + b)
        chord = b - a
        radius = 0.5 * np.sqrt(np.einsum("...j,...j->...", chord, chord)) + stray
        low = segment_min_distance_km(a, b) - stray - threshold_km
        distance = np.sqrt(np.einsum("...j,...j->...", position_km, position_km))
        high = np.maximum(distance[:-1], distance[1:]) + stray
    found = [np.empty((0, 3), np.int64)]
    for m in range(len(usable)):
        valid = np.flatnonzero(usable[m])
        if len(valid) < 2:
            continue
        i, j = _sphere_pairs(centre[m, valid], radius[m, valid], threshold_km, primaries, valid)
        i, j = valid[i], valid[j]
        # Two objects within the threshold have radii within the threshold, and each stays
        # between its chord's least and greatest (at an end), widened by the stray. Most pairs of
        # spheres are too far apart in height: this cut costs a fraction of the exact one below,
        # and leaves it a tenth of the pairs.
        keep = (low[m, i] <= high[m, j]) & (low[m, j] <= high[m, i])
        i, j = i[keep], j[keep]
        closest = segment_min_distance_km(a[m, i] - a[m, j], b[m, i] - b[m, j])
        keep = closest <= threshold_km + 2.0 * stray
        found.append(np.column_stack([i[keep], j[keep], np.full(int(keep.sum()), m, np.int64)]))
    return np.concatenate(found)


def _sphere_pairs(centre, radius, gap_km, primaries, valid):
    """``(i, j)`` local indices of spheres that may come within ``gap_km`` of each other.

    A KD-tree query takes one reach for all, so the few spheres far larger than the rest
    (fast orbits near perigee) would make it large for all: spheres over ``LARGE_RATIO`` times
    the median go in a tree of their own, paired with the others at their own largest reach.
    """
    if primaries is not None:
        local = np.searchsorted(valid, primaries)
        local = local[(local < len(valid)) & (valid[np.minimum(local, len(valid) - 1)] == primaries)]
        if len(local) <= DIRECT_PRIMARIES:
            return _few_primaries_pairs(centre, radius, gap_km, local)
    cap = LARGE_RATIO * float(np.median(radius))
    small = np.flatnonzero(radius <= cap)
    large = np.flatnonzero(radius > cap)
    small_tree = _tree(centre[small])
    if primaries is None:
        pairs = small_tree.query_pairs(2.0 * cap + gap_km, output_type="ndarray")
        i, j = [small[pairs[:, 0]]], [small[pairs[:, 1]]]
        sources = large
    else:
        i, j = [], []
        sources = local
    if len(sources):
        # Sources (large spheres, or primaries) against the small ones and the large ones.
        source_tree, reach = _tree(centre[sources]), float(radius[sources].max())
        large_tree, large_reach = _tree(centre[large]), float(radius[large].max(initial=0.0))
        for others, tree, most in ((small, small_tree, cap), (large, large_tree, large_reach)):
            found = source_tree.sparse_distance_matrix(tree, reach + most + gap_km, output_type="ndarray")
            i.append(sources[found["i"]])
            j.append(others[found["j"]])
    i, j = np.concatenate(i).astype(np.int64), np.concatenate(j).astype(np.int64)
    # All against all: large against small appear once, large against large both ways.
    keep = (i < j) | ~np.isin(j, large) if primaries is None else _once(i, j, sources)
    return i[keep], j[keep]


def _tree(points_km):
    # Unbalanced, uncompacted nodes: the same pairs from a tree built in a third of the time
    # (measured on the 2023 catalogue), which matters when one is built per segment.
    return cKDTree(points_km, balanced_tree=False, compact_nodes=False)


def _few_primaries_pairs(centre, radius, gap_km, primaries):
    """``_sphere_pairs`` for a few primaries: every sphere against each, without a tree (whose
    build would cost more than the distances)."""
    gap = (np.linalg.norm(centre[None, :, :] - centre[primaries, None, :], axis=2)
           - radius[None, :] - radius[primaries, None])
    rows, j = np.nonzero(gap <= gap_km)
    i = primaries[rows]
    keep = _once(i, j, primaries)
    return i[keep], j[keep]


def _once(i, j, primaries):
    """Mask keeping a pair of two primaries once, and never an object with itself."""
    return (i != j) & ~(np.isin(j, primaries) & (j < i))
