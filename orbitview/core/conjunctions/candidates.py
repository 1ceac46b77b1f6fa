"""Pairs that may come within the threshold during a segment, from its end points alone.

Per segment: each object's bounding sphere (chord midpoint, half the chord plus the chord sag,
see ``bounds``) goes into a KD-tree; pairs whose spheres come within the threshold are then
tested exactly on the straight line between their relative positions, widened by the pair's
sag. What survives is a superset of the segments where the SGP4 range dips below the threshold.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from orbitview.core.conjunctions.bounds import chord_sag_km, physical_motion, segment_min_distance_km

#: Up to this many primaries are compared with every sphere directly, not through a KD-tree.
DIRECT_PRIMARIES = 16
#: Spheres larger than this times the median radius (eccentric orbits near perigee) are paired
#: separately, not through the tree's single reach.
LARGE_RATIO = 1.25


def segment_candidates(p0_km: np.ndarray, p1_km: np.ndarray, v0_km_s: np.ndarray, v1_km_s: np.ndarray,
                       step_s: float, threshold_km: float, primaries: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """``(i, j)`` int64 arrays of object indices that may meet during one segment.

    ``p0_km``, ``p1_km``, ``v0_km_s``, ``v1_km_s``: (N, 3) float64 states at the segment's ends
    (NaN where SGP4 failed). Objects that failed, or whose motion is not physical
    (``bounds.physical_motion``), are left out. ``primaries``: sorted indices screened against
    all (``i`` is then the primary), or None for all against all (``i < j``).
    """
    with np.errstate(invalid="ignore", over="ignore"):
        usable = physical_motion(p0_km, p1_km, v0_km_s, v1_km_s, step_s)
    valid = np.flatnonzero(usable & np.isfinite(p0_km).all(axis=1) & np.isfinite(p1_km).all(axis=1))
    if len(valid) < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    a, b = p0_km[valid], p1_km[valid]
    sag = chord_sag_km(step_s)
    centre = 0.5 * (a + b)
    radius = 0.5 * np.linalg.norm(b - a, axis=1) + sag
    i, j = _sphere_pairs(centre, radius, threshold_km, primaries, valid)
    if not len(i):
        return np.empty(0, np.int64), np.empty(0, np.int64)
    # Spheres: |c_i - c_j| must allow the threshold (a cheap cut before the exact one; squared,
    # without a root per pair).
    apart = centre[i] - centre[j]
    reach = threshold_km + radius[i] + radius[j]
    keep = np.einsum("ij,ij->i", apart, apart) <= reach * reach
    i, j = i[keep], j[keep]
    closest = segment_min_distance_km(a[i] - a[j], b[i] - b[j])
    keep = closest <= threshold_km + 2.0 * sag
    return valid[i[keep]], valid[j[keep]]


def _sphere_pairs(centre, radius, gap_km, primaries, valid):
    """``(i, j)`` local indices of spheres that may come within ``gap_km`` of each other.

    A KD-tree query takes one reach for all, so the few spheres far larger than the rest
    (fast orbits near perigee) would make it large for all: spheres over ``LARGE_RATIO`` times
    the median are queried one by one with their own reach instead.
    """
    if primaries is not None:
        local = np.searchsorted(valid, primaries)
        local = local[(local < len(valid)) & (valid[np.minimum(local, len(valid) - 1)] == primaries)]
        if len(local) <= DIRECT_PRIMARIES:
            return _few_primaries_pairs(centre, radius, gap_km, local)
    cap = LARGE_RATIO * float(np.median(radius))
    small = np.flatnonzero(radius <= cap)
    large = np.flatnonzero(radius > cap)
    # Unbalanced, uncompacted nodes: the same pairs from a tree built in a third of the time
    # (measured on the 2023 catalogue), which matters when one is built per segment.
    tree = cKDTree(centre[small], balanced_tree=False, compact_nodes=False)
    if primaries is None:
        pairs = tree.query_pairs(2.0 * cap + gap_km, output_type="ndarray")
        i, j = [small[pairs[:, 0]]], [small[pairs[:, 1]]]
        sources = large
    else:
        i, j = [], []
        sources = local
    # Sources (large spheres, or primaries) against the small ones by the tree ...
    found = tree.query_ball_point(centre[sources], radius[sources] + cap + gap_km) if len(sources) else []
    i.append(np.repeat(sources, [len(f) for f in found]).astype(np.int64))
    j.append(small[np.fromiter((k for f in found for k in f), np.int64, len(i[-1]))])
    # ... and against the large ones directly.
    si, lj = (x.ravel() for x in np.meshgrid(sources, large, indexing="ij"))
    i.append(si)
    j.append(lj)
    if primaries is None:
        # Sources (large) against small ones appear once; large against large both ways.
        keep = si < lj
        i[-1], j[-1] = si[keep], lj[keep]
        return np.concatenate(i).astype(np.int64), np.concatenate(j).astype(np.int64)
    i, j = np.concatenate(i).astype(np.int64), np.concatenate(j).astype(np.int64)
    keep = _once(i, j, sources)
    return i[keep], j[keep]


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
