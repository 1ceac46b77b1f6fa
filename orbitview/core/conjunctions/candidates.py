"""Pairs that may come within the threshold during a segment, from its end points alone.

Per segment: each object's bounding sphere (chord midpoint, half the chord plus the chord sag,
see ``bounds``, plus the positions' own error where they are interpolated) goes into a KD-tree;
pairs whose spheres come within the threshold are then tested exactly on the straight line
between their relative positions, widened by the pair's sag and error. What survives is a
superset of the segments where the SGP4 range dips below the threshold.
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


def segment_candidates(p0_km: np.ndarray, p1_km: np.ndarray, usable: np.ndarray, step_s: float, threshold_km: float,
                       primaries: np.ndarray | None, error_km: float) -> tuple[np.ndarray, np.ndarray]:
    """``(i, j)`` int64 arrays of object indices that may meet during one segment.

    ``p0_km``, ``p1_km``: (N, 3) float64 positions at the segment's ends, within ``error_km`` of
    SGP4's (``sampling``); ``usable``: (N,) bool, objects whose positions are known there and
    whose motion is physical (the others are left out). ``primaries``: sorted indices screened
    against all (``i`` is then the primary), or None for all against all (``i < j``).
    """
    valid = np.flatnonzero(usable)
    if len(valid) < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    a, b = p0_km[valid], p1_km[valid]
    stray = chord_sag_km(step_s) + error_km  # how far an object may be from its chord
    centre = 0.5 * (a + b)
    radius = 0.5 * np.linalg.norm(b - a, axis=1) + stray
    i, j = _sphere_pairs(centre, radius, threshold_km, primaries, valid)
    # Radii: an object's distance from the Earth's centre stays between its chord's least and
    # greatest (at an end), widened by the stray, and two objects within the threshold have
    # radii within the threshold. Most pairs of spheres are too far apart in height: this cut
    # costs a fraction of the exact one, which it leaves a tenth of the pairs.
    low = segment_min_distance_km(a, b) - stray - threshold_km
    high = np.maximum(np.linalg.norm(a, axis=1), np.linalg.norm(b, axis=1)) + stray
    keep = (low[i] <= high[j]) & (low[j] <= high[i])
    i, j = i[keep], j[keep]
    closest = segment_min_distance_km(a[i] - a[j], b[i] - b[j])
    keep = closest <= threshold_km + 2.0 * stray
    return valid[i[keep]], valid[j[keep]]


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
        for others, tree, most in ((small, small_tree, cap), (large, _tree(centre[large]), radius[large].max(initial=0))):
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
