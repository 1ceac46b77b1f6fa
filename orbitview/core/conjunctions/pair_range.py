"""The range between two objects over a span of time: what the conjunction range plot draws.

Sampled with SGP4 in float64 (``refine.pair_states``), with every local minimum solved exactly
(``refine.segment_minima``) and inserted among the samples, so the curve reaches the true
miss distance at each closest approach instead of the nearest sample's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orbitview.core.conjunctions.refine import pair_states, segment_minima

#: Samples across the span: a curve smooth at a slide's width (about 2,000 pixels at most).
SAMPLES = 2001


@dataclass(frozen=True)
class PairRange:
    """``times_s`` (K,) POSIX s UTC, increasing; ``range_km`` (K,) float64, NaN where SGP4 fails
    for either object; ``minima`` ((tca_s, miss_km), ...) every local minimum inside the span."""

    name_a: str
    name_b: str
    times_s: np.ndarray
    range_km: np.ndarray
    minima: tuple[tuple[float, float], ...]


def pair_range(sat_a, sat_b, start_s: float, end_s: float, *, names=("A", "B"),
               samples: int = SAMPLES) -> PairRange:
    """The range of ``sat_b`` from ``sat_a`` (``sgp4.api.Satrec``) from ``start_s`` to ``end_s``."""
    grid = np.linspace(start_s, end_s, samples)
    # The grid's segments as pairs of rows 0 and 1 of (sat_a, sat_b), for the engine's solver.
    rows = np.zeros(samples - 1, np.int64)
    _, tcas = segment_minima((sat_a, sat_b), rows, rows + 1, grid[:-1], grid[1:])
    times = np.union1d(grid, tcas)
    r_a, _, r_b, _, ok = pair_states(sat_a, sat_b, times)
    range_km = np.where(ok, np.linalg.norm(r_b - r_a, axis=1), np.nan)
    minima = tuple((float(t), float(range_km[np.searchsorted(times, t)])) for t in tcas)
    return PairRange(names[0], names[1], times, range_km, minima)
