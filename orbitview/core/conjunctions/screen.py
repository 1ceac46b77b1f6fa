"""Screen element sets for close approaches over a span: every SGP4 range minimum below a threshold.

1. Every object's position is known at sample times ``step_s`` apart, in TEME (SGP4 at some,
   cubics between with a proven bound: ``sampling``), block by block, each
   block a task (``tasks.block_candidates``) on the worker processes: memory is bounded by the
   blocks in flight, not the span.
   TEME is fine for ranges: the rotation to GCRS is the same for both objects at a time, so the
   range (and so the TCA and miss) is identical in either frame; relative velocities differ by
   the frame's own rotation times the range (precession, ~1e-11 rad/s x 5 km: nothing).
2. Each segment between samples yields candidate pairs (``candidates``), in the same task:
   proven supersets. Only these small ``(i, j, segment)`` rows come back.
3. The candidate segments are refined with SGP4 in float64 (``refine``), in chunks that are
   tasks too (``tasks.refine_segments``): every local minimum below
   the threshold becomes an ``Encounter``. A pair that stays within the threshold for hours
   (docked, formation flying) is one ``CoLocated`` entry per stretch instead (``co_located``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field

import numpy as np

from orbitview.core.conjunctions.bands import near_primaries, radius_bands_km
from orbitview.core.conjunctions.co_located import CoLocated, co_located, outside_stretches
from orbitview.core.conjunctions.primary_candidates import FEW_PRIMARIES, primary_candidates
from orbitview.core.conjunctions.probability import DEFAULT_HARD_BODY_RADIUS_KM, max_probability
from orbitview.core.conjunctions.refine import ric_km
from orbitview.core.conjunctions.tasks import block_candidates, prepare, refine_segments
from orbitview.core.local_tasks import LocalPool
from orbitview.core.orbits.catalog import Catalog
from orbitview.core.orbits.propagate import DEFAULT_BLOCK_STATES, block_ranges

#: Seconds between samples, all against all. Larger steps mean fewer KD-trees but bigger
#: bounding spheres, whose pairs grow as the cube of the step, and wider bounds, which leave
#: more segments to refine (SGP4 runs every ``sampling.NODE_STEP_S`` whatever the step). CPU
#: seconds for the 2023 catalogue per simulated hour, sampling and candidates in one process:
#: 4.1-4.5 at 30 s, 3.5-3.7 at 40 s, 3.2 at 60 s, which leaves 19,600 segments to refine
#: instead of 12,000 (40 s).
DEFAULT_STEP_S = 40.0
#: With primaries each segment's pairs are a primary against every object, found directly
#: (no tree), so what counts is the number of samples: 6x fewer SGP4 calls, and a bound (twice
#: the chord sag, 39 km) that still leaves few segments to refine.
PRIMARY_STEP_S = 120.0
#: Candidate segments per refinement task.
REFINE_CHUNK = 2000


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
    step_s: float | None = None,
    hard_body_radius_km: float = DEFAULT_HARD_BODY_RADIUS_KM,
    workers: int | None = None,
    block_states: int = DEFAULT_BLOCK_STATES,
    on_block: Callable[[int, int], None] | None = None,
    runner: Callable | None = None,
) -> Screening:
    """Every local minimum of the SGP4 range below ``threshold_km`` over the span.

    ``primaries``: row indices of ``catalog`` screened against every object (None: all against
    all). ``on_block(done, total)`` is called after each block of object-times and each
    refinement chunk (progress, and a place to raise on Ctrl-C). With primaries, objects whose
    perigee/apogee band cannot meet a primary's (``bands``) are not propagated; with up to
    ``FEW_PRIMARIES``, each object only in the segments where it can be near one
    (``primary_candidates``). ``step_s``:
    seconds between samples (default ``DEFAULT_STEP_S``, with primaries ``PRIMARY_STEP_S``).

    ``runner(function, shared, tasks)`` runs the tasks (default: a ``LocalPool`` of ``workers``
    processes): it yields ``(label, function(shared, *arguments))`` for each ``(label,
    arguments)`` of ``tasks`` in order, and closes as a context manager.
    """
    if step_s is None:
        step_s = DEFAULT_STEP_S if primaries is None else PRIMARY_STEP_S
    if span_s <= 0 or step_s <= 0 or threshold_km <= 0:
        raise ValueError("span, step and threshold must be positive")
    times_s = screening_times(start_s, span_s, step_s)
    chosen = None if primaries is None else np.unique(np.asarray(primaries, np.int64))
    screened, prim, segments = catalog, chosen, None
    with LocalPool(workers) if runner is None else nullcontext(runner) as run:
        if chosen is not None and len(chosen) <= FEW_PRIMARIES:
            segments = _few_primaries_segments(run, catalog, times_s, threshold_km, chosen, runner is None)
        if segments is not None:
            propagated = len(np.union1d(np.unique(segments[:, :2]), chosen))
            if on_block is not None:
                on_block(1, 1)
        elif chosen is not None:
            # Only objects whose radius band meets a primary's are propagated at all.
            r_min, r_max = radius_bands_km(catalog.satrecs, start_s, span_s)
            rows = np.union1d(np.flatnonzero(near_primaries(r_min, r_max, chosen, threshold_km)), chosen)
            screened, prim = catalog.take(rows), np.searchsorted(rows, chosen)
        elements = screened.sgp4_elements
        if segments is None:
            segments = _candidate_segments(run, elements, times_s, threshold_km, prim, block_states, on_block)
            propagated = len(screened)
        segments, stretches = co_located(screened, times_s, segments, threshold_km, prim)
        encounters = outside_stretches(_refine(run, screened, elements, times_s, segments, threshold_km,
                                               hard_body_radius_km, on_block), stretches)
    return Screening(start_s, span_s, threshold_km, float(np.max(np.diff(times_s))), hard_body_radius_km,
                     len(catalog), tuple(int(screened.norad_id[p]) for p in (prim if prim is not None else ())),
                     propagated, encounters, stretches)


def _few_primaries_segments(runner, catalog, times_s, threshold_km, primaries, warm_up):
    """The candidate rows ``(a, b, k)`` (catalogue rows) of a few primaries against all
    (``primary_candidates``), or None. With ``warm_up``, the runner's workers start and build the
    catalogue's satrecs meanwhile, for the refinement that follows."""
    elements = catalog.sgp4_elements
    warm_up = warm_up and runner.processes > 1
    started = runner(prepare, elements, ((None, ()) for _ in range(runner.processes))) if warm_up else nullcontext(())
    with started as ready:
        found = primary_candidates(catalog.satrecs, times_s, threshold_km, primaries)
        for _ in ready:
            pass
    if found is None:
        return None
    rows, segments = found
    return np.column_stack([rows[segments[:, 0]], rows[segments[:, 1]], segments[:, 2]])


def _candidate_segments(runner, elements, times_s, threshold_km, primaries, block_states, on_block):
    """(M, 3) int64 rows ``(a, b, k)``: objects a, b may be within the threshold in segment k."""
    n = len(elements["epoch_jd"])
    ranges = block_ranges(len(times_s) - 1, n, block_states)
    tasks = ((stop - start, (times_s[start:stop + 1], start, threshold_km, primaries)) for start, stop in ranges)
    found = [np.empty((0, 3), np.int64)]
    done, total = 0, (len(times_s) - 1) * n
    with runner(block_candidates, elements, tasks) as results:
        for segments, rows in results:
            found.append(rows)
            done += segments * n
            if on_block is not None:
                on_block(done, total)
    return np.concatenate(found)


def _refine(runner, catalog, elements, times_s, segments, threshold_km, hard_body_radius_km, on_block):
    """The encounters in the candidate rows ``(a, b, k)``, refined in chunks of ``REFINE_CHUNK``."""
    k = segments[:, 2]
    bounds_s = np.column_stack([times_s[k], times_s[k + 1]])
    tasks = ((lo, (segments[lo:lo + REFINE_CHUNK, :2], bounds_s[lo:lo + REFINE_CHUNK], threshold_km))
             for lo in range(0, len(segments), REFINE_CHUNK))
    encounters = []
    total = (len(times_s) - 1) * len(catalog)
    with runner(refine_segments, elements, tasks) as results:
        for lo, (m, tca_s, state_a, state_b) in results:
            # Each chunk's frames and probabilities at once, while the workers refine the next.
            miss = state_b[:, :3] - state_a[:, :3]
            ric = ric_km(state_a[:, :3], state_a[:, 3:], miss)
            pc_max = max_probability(np.linalg.norm(miss, axis=1), hard_body_radius_km)
            for row, tca, s_a, s_b, r, p in zip(lo + m, tca_s, state_a, state_b, ric, pc_max):
                a, b = int(segments[row, 0]), int(segments[row, 1])
                encounters.append(_encounter(catalog, a, b, tca, s_a, s_b, r, p))
            if on_block is not None:
                on_block(total, total)
    encounters.sort(key=lambda e: (e.tca_s, e.a, e.b))
    return encounters


def _encounter(catalog, a, b, tca_s, state_a, state_b, ric, pc_max) -> Encounter:
    """The encounter at ``tca_s`` from both TEME states there, the miss in ``a``'s radial /
    in-track / cross-track frame ``ric`` (3,) and its probability."""
    radial, in_track, cross = ric.tolist()
    return Encounter(
        int(catalog.norad_id[a]), int(catalog.norad_id[b]), str(catalog.name[a]), str(catalog.name[b]), float(tca_s),
        float(np.linalg.norm(state_b[:3] - state_a[:3])), float(np.linalg.norm(state_b[3:] - state_a[3:])), radial,
        in_track, cross, float(pc_max), tuple(state_a.tolist()), tuple(state_b.tolist()),
    )
