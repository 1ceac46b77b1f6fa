"""Screen element sets for close approaches over a span: every SGP4 range minimum below a threshold.

1. Every object is propagated (worker processes, ``propagate_blocks``) to sample times
   ``step_s`` apart, in TEME, block by block: memory is bounded by the block, not the span.
   TEME is fine for ranges: the rotation to GCRS is the same for both objects at a time, so the
   range (and so the TCA and miss) is identical in either frame; relative velocities differ by
   the frame's own rotation times the range (precession, ~1e-11 rad/s x 5 km: nothing).
2. Each segment between samples yields candidate pairs (``candidates``): proven supersets.
3. Each candidate pair is refined with SGP4 in float64 (``refine``): every local minimum below
   the threshold becomes an ``Encounter``. A pair that is within the threshold at every sample of
   the span (docked, formation flying) is one ``CoLocated`` entry instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from orbitview.core.catalog import Catalog
from orbitview.core.conjunctions.bands import near_primaries, radius_bands_km
from orbitview.core.conjunctions.candidates import segment_candidates
from orbitview.core.conjunctions.probability import DEFAULT_HARD_BODY_RADIUS_KM, max_probability
from orbitview.core.conjunctions.refine import minima_in_window, pair_states, ric_km
from orbitview.core.propagate import DEFAULT_BLOCK_STATES, propagate_blocks

#: Seconds between samples. Larger steps mean fewer SGP4 calls but bigger bounding spheres.
DEFAULT_STEP_S = 20.0


@dataclass(frozen=True)
class Encounter:
    """One local minimum of the range. ``a`` is the primary (or the lower catalogue number)."""

    a: int
    b: int
    name_a: str
    name_b: str
    tca_s: float  # POSIX seconds UTC
    miss_km: float
    relative_speed_km_s: float
    radial_km: float  # miss vector b - a in a's radial / in-track / cross-track frame
    in_track_km: float
    cross_track_km: float
    pc_max: float  # indicative: Alfano's maximum probability, see ``probability``
    state_a: tuple = field(repr=False, default=())  # TEME (x, y, z, vx, vy, vz) at TCA, km, km/s
    state_b: tuple = field(repr=False, default=())


@dataclass(frozen=True)
class CoLocated:
    """A pair within the threshold at every sample of the span: its range over the span, km."""

    a: int
    b: int
    name_a: str
    name_b: str
    min_range_km: float
    max_range_km: float


@dataclass(frozen=True)
class Screening:
    start_s: float
    span_s: float
    threshold_km: float
    step_s: float
    hard_body_radius_km: float
    objects: int
    primaries: tuple[int, ...]
    propagated: int  # objects propagated: with primaries, those whose radius band meets theirs
    encounters: list[Encounter]
    co_located: list[CoLocated]


def screening_times(start_s: float, span_s: float, step_s: float) -> np.ndarray:
    """(T,) sample times covering ``[start_s, start_s + span_s]`` exactly, ``step_s`` apart at most."""
    count = max(1, math.ceil(span_s / step_s - 1e-9))
    return start_s + np.linspace(0.0, span_s, count + 1)


def screen(
    catalog: Catalog,
    start_s: float,
    span_s: float,
    threshold_km: float = 5.0,
    *,
    primaries: np.ndarray | None = None,
    step_s: float = DEFAULT_STEP_S,
    hard_body_radius_km: float = DEFAULT_HARD_BODY_RADIUS_KM,
    workers: int | None = None,
    block_states: int = DEFAULT_BLOCK_STATES,
    on_block: Callable[[int, int], None] | None = None,
) -> Screening:
    """Every local minimum of the SGP4 range below ``threshold_km`` over the span.

    ``primaries``: row indices of ``catalog`` screened against every object (None: all against
    all). ``on_block(done, total)`` is called after each block of object-times (progress, and a
    place to raise on Ctrl-C). With primaries, objects whose perigee/apogee band cannot meet a
    primary's (``bands``) are not propagated.
    """
    if span_s <= 0 or step_s <= 0 or threshold_km <= 0:
        raise ValueError("span, step and threshold must be positive")
    times_s = screening_times(start_s, span_s, step_s)
    screened, prim = catalog, None
    if primaries is not None:
        # Only objects whose radius band meets a primary's are propagated at all.
        chosen = np.unique(np.asarray(primaries, np.int64))
        r_min, r_max = radius_bands_km(catalog.satrecs, start_s, span_s)
        rows = np.union1d(np.flatnonzero(near_primaries(r_min, r_max, chosen, threshold_km)), chosen)
        screened, prim = catalog.take(rows), np.searchsorted(rows, chosen)
    segments = _candidate_segments(screened, times_s, threshold_km, prim, workers, block_states, on_block)
    encounters, co_located = _refine(screened, times_s, segments, threshold_km, hard_body_radius_km, prim)
    return Screening(start_s, span_s, threshold_km, float(np.max(np.diff(times_s))), hard_body_radius_km,
                     len(catalog), tuple(int(screened.norad_id[p]) for p in (prim if prim is not None else ())),
                     len(screened), encounters, co_located)


def _candidate_segments(catalog, times_s, threshold_km, primaries, workers, block_states, on_block):
    """(M, 3) int64 rows ``(i, j, k)``: objects i, j may be within the threshold in segment k."""
    found = [np.empty((0, 3), np.int64)]
    total = len(times_s) * len(catalog)
    done = 0
    previous = None  # the last sample of the block before: its segment to this block's first
    blocks = propagate_blocks(catalog.sgp4_elements, times_s, "TEME", workers=workers, block_states=block_states)
    try:
        for start, position, velocity, _error in blocks:
            rows = [previous] if previous is not None else []
            for m in range(len(position)):
                rows.append((position[m], velocity[m]))
                if len(rows) == 2:
                    k = start + m - 1
                    (p0, v0), (p1, v1) = rows
                    i, j = segment_candidates(p0, p1, v0, v1, times_s[k + 1] - times_s[k], threshold_km, primaries)
                    found.append(np.column_stack([i, j, np.full(len(i), k, np.int64)]))
                    rows = [rows[1]]
            # The block's arrays are reused by the workers: keep a copy of its last state.
            previous = (rows[0][0].copy(), rows[0][1].copy())
            done += position.shape[0] * position.shape[1]
            if on_block is not None:
                on_block(done, total)
    finally:
        blocks.close()
    return np.concatenate(found)


def _refine(catalog, times_s, segments, threshold_km, hard_body_radius_km, primaries):
    n_segments = len(times_s) - 1
    same = catalog.norad_id[segments[:, 0]] == catalog.norad_id[segments[:, 1]]
    segments = segments[~same]  # one object listed twice is no conjunction
    order = np.lexsort((segments[:, 2], segments[:, 1], segments[:, 0]))
    segments = segments[order]
    pair_key = segments[:, 0] * len(catalog) + segments[:, 1]
    starts = np.flatnonzero(np.r_[True, pair_key[1:] != pair_key[:-1]]) if len(segments) else np.empty(0, int)
    bounds = np.r_[starts, len(segments)]
    encounters, co_located = [], []
    satrecs = catalog.satrecs
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        i, j = (int(x) for x in segments[lo, :2])
        a, b = _ordered(catalog, i, j, primaries)
        ks = segments[lo:hi, 2]
        if len(ks) == n_segments:
            r_a, _, r_b, _, ok = pair_states(satrecs[a], satrecs[b], times_s)
            ranges = np.linalg.norm(r_b - r_a, axis=1)
            if ok.all() and ranges.max() <= threshold_km:
                co_located.append(CoLocated(int(catalog.norad_id[a]), int(catalog.norad_id[b]), str(catalog.name[a]),
                                            str(catalog.name[b]), float(ranges.min()), float(ranges.max())))
                continue
        # Runs of consecutive candidate segments form windows searched as one.
        breaks = np.flatnonzero(np.diff(ks) != 1)
        for run in np.split(ks, breaks + 1):
            window = times_s[run[0]:run[-1] + 2]
            for tca in minima_in_window(satrecs[a], satrecs[b], window):
                event = _encounter(catalog, a, b, tca)
                if event.miss_km <= threshold_km:
                    encounters.append(event)
    encounters.sort(key=lambda e: (e.tca_s, e.a, e.b))
    if encounters:
        pc_max = max_probability(np.array([e.miss_km for e in encounters]), hard_body_radius_km)
        encounters = [replace(e, pc_max=float(p)) for e, p in zip(encounters, pc_max)]
    return encounters, co_located


def _ordered(catalog, i, j, primaries):
    """The pair as (primary, other), or by catalogue number when neither or both are primaries."""
    if primaries is not None:
        i_primary, j_primary = (np.isin(x, primaries) for x in (i, j))
        if i_primary != j_primary:
            return (i, j) if i_primary else (j, i)
    return (i, j) if catalog.norad_id[i] <= catalog.norad_id[j] else (j, i)


def _encounter(catalog, a, b, tca_s) -> Encounter:
    """The encounter at ``tca_s``, its probability still to be computed (for all at once)."""
    r_a, v_a, r_b, v_b, _ = pair_states(catalog.satrecs[a], catalog.satrecs[b], np.array([tca_s]))
    miss = r_b[0] - r_a[0]
    miss_km = float(np.linalg.norm(miss))
    radial, in_track, cross = ric_km(r_a[0], v_a[0], miss)
    return Encounter(
        int(catalog.norad_id[a]), int(catalog.norad_id[b]), str(catalog.name[a]), str(catalog.name[b]), float(tca_s),
        miss_km, float(np.linalg.norm(v_b[0] - v_a[0])), float(radial), float(in_track), float(cross),
        float("nan"),
        tuple(np.r_[r_a[0], v_a[0]].tolist()), tuple(np.r_[r_b[0], v_b[0]].tolist()),
    )
