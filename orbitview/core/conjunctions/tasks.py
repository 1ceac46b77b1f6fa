"""The screening's work as plain functions, numpy in and numpy out, for any task runner.

Each takes ``elements`` first (``Catalog.sgp4_elements`` of the screened objects: what travels
to each worker once) and its task's own small arguments after; the results are small. Run by
``core.local_tasks.LocalPool`` on this machine, or by a cluster's runner of the same shape:

* ``block_candidates``: one block of consecutive sample times: every object's position there (``sampling``), and
  the candidate rows ``(i, j, k)`` of its segments (``candidates``).
* ``refine_segments``: a chunk of candidate segments: every range minimum in them below the
  threshold, with both states at its TCA (``refine``).
"""

from __future__ import annotations

import numpy as np

from orbitview.core.conjunctions.candidates import candidate_rows
from orbitview.core.conjunctions.refine import segment_minima, states_km
from orbitview.core.conjunctions.sampling import sample_positions
from orbitview.core.orbits.sgp4_elements import satrecs_from_elements

#: ``(elements, satrecs, SatrecArray)`` of the last elements screened in this process: a worker
#: runs many tasks on one catalogue, and building 26k satrecs costs ~0.1 s. Holding the dict
#: keeps its id from being reused.
_built: tuple = (None, None, None)


def _satrecs(elements: dict[str, np.ndarray]):
    from sgp4.api import SatrecArray

    global _built
    if _built[0] is not elements:
        satrecs = satrecs_from_elements(elements)
        _built = (elements, satrecs, SatrecArray(satrecs))
    return _built[1], _built[2]


def prepare(elements: dict[str, np.ndarray]) -> None:
    """Build this process's satrecs of ``elements`` ahead of its tasks (a pool's workers start
    and build them while the parent is busy)."""
    _satrecs(elements)


def block_candidates(elements: dict[str, np.ndarray], times_s: np.ndarray, first_segment: int, threshold_km: float,
                     primaries: np.ndarray | None) -> np.ndarray:
    """``(M, 3)`` int64 rows ``(i, j, k)``: objects ``i``, ``j`` may be within ``threshold_km`` in
    segment ``k`` (``first_segment`` + its place in the block).

    ``times_s``: (B + 1,) POSIX seconds bounding the block's B segments (the first is the last of
    the block before). ``primaries``: sorted rows screened against all, or None for all against
    all. Positions are TEME, float64, SGP4's own or interpolated between them (``sampling``).
    """
    position, usable, error_km = sample_positions(*_satrecs(elements), times_s)
    rows = candidate_rows(position, usable, float(np.max(np.diff(times_s))), threshold_km, primaries, error_km)
    rows[:, 2] += first_segment
    return rows


def refine_segments(elements: dict[str, np.ndarray], pairs: np.ndarray, bounds_s: np.ndarray,
                    threshold_km: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Range minima below ``threshold_km`` of ``pairs`` (M, 2) int64 rows in the segments
    ``bounds_s`` (M, 2) POSIX seconds: ``(m, tca_s, state_a, state_b)``, the segment's place
    (R,) int64, the TCA (R,) float64 and both TEME states there (R, 6) float64 (km, km/s)."""
    satrecs, _ = _satrecs(elements)
    a, b = pairs[:, 0], pairs[:, 1]
    m, tca_s = segment_minima(satrecs, a, b, bounds_s[:, 0], bounds_s[:, 1])
    state_a, ok_a = states_km(satrecs, a[m], tca_s)
    state_b, ok_b = states_km(satrecs, b[m], tca_s)
    keep = ok_a & ok_b & (np.linalg.norm(state_b[:, :3] - state_a[:, :3], axis=1) <= threshold_km)
    return m[keep], tca_s[keep], state_a[keep], state_b[keep]
