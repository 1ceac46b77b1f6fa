"""Conjunction screening end to end against a guaranteed brute-force baseline, and its memory.

    python benchmarks/bench_screen.py [--hours 2] [--subset 2000] [--subset-hours 2] [--primary-hours 24]

Prints, measured in the same run:
- all against all for the whole 2023 catalogue (26,140 objects) over ``--hours`` at 5 km, end to
  end including SGP4 on every core; the seconds it would take per day (a stated fraction of the
  24 h goal, since a whole day takes minutes on these shared cores);
- on ``--subset`` objects drawn at random over ``--subset-hours``: the brute-force baseline
  (positions every 5 s, a KD-tree pass at threshold + v_max x 2.5 s, bounded minimisation;
  tests/brute_force_conjunctions.py) and the engine on the same objects and span: their recall
  against each other and their ratio per object-pair-day, and the full run's rate per
  object-pair-day against the baseline's;
- the ISS against the whole catalogue over ``--primary-hours``;
- the peak resident memory of this process.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from brute_force_conjunctions import brute_force_minima  # noqa: E402
from orbitview.api import load_catalogs, screen  # noqa: E402

THRESHOLD_KM = 5.0


def default_catalog() -> Path:
    directory = Path(os.environ.get("ORBITVIEW_CATALOG_DIR", REPO.parent / "shared" / "data" / "catalog"))
    return directory / "full_2023-10-09.3le"


def pair_days(objects: int, seconds: float) -> float:
    return objects * (objects - 1) / 2 * seconds / 86400.0


def peak_mb() -> float:
    """VmHWM of this process, MB: the block buffers the workers fill are shared memory mapped
    here, so they count; each worker adds its own SatrecArray (about 30 MB for 26,140 objects)."""
    own = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
    return float(own.split()[1]) / 1024


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, default=default_catalog())
    parser.add_argument("--hours", type=float, default=2.0)
    parser.add_argument("--subset", type=int, default=2000)
    parser.add_argument("--subset-hours", type=float, default=2.0)
    parser.add_argument("--primary-hours", type=float, default=24.0)
    args = parser.parse_args()

    catalog = load_catalogs([args.catalog]).catalog
    start_s = float(np.median(catalog.epoch_s))
    n = len(catalog)

    full, full_s = timed(screen, catalog, start_s, args.hours * 3600.0, THRESHOLD_KM)
    per_day_s = full_s * 24.0 / args.hours
    print(f"all vs all, {n:,} objects, {args.hours:g} h at {THRESHOLD_KM:g} km: {full_s:.1f} s, "
          f"{len(full.encounters):,} encounters, {len(full.co_located):,} co-located pairs")
    print(f"  per day: {per_day_s:.0f} s (goal 60 s)")

    rows = np.sort(np.random.default_rng(0).choice(n, args.subset, replace=False))
    subset = catalog.take(rows)
    span_s = args.subset_hours * 3600.0
    expected, brute_s = timed(brute_force_minima, list(subset.satrecs), start_s, span_s, THRESHOLD_KM)
    engine, engine_s = timed(screen, subset, start_s, span_s, THRESHOLD_KM)
    brute_pairs = {(frozenset((int(subset.norad_id[i]), int(subset.norad_id[j]))), round(t, 1)) for i, j, t, _ in expected}
    engine_pairs = {(frozenset((e.a, e.b)), round(e.tca_s, 1)) for e in engine.encounters}
    print(f"subset of {args.subset:,} objects over {args.subset_hours:g} h: brute force {brute_s:.1f} s, "
          f"engine {engine_s:.1f} s; {len(expected)} and {len(engine.encounters)} encounters, "
          f"{len(brute_pairs & engine_pairs)} in common")
    brute_rate = brute_s / pair_days(args.subset, span_s)
    print(f"  engine vs brute force per object-pair-day, same objects: {brute_s / engine_s:.1f}x faster")
    full_rate = full_s / pair_days(n, args.hours * 3600.0)
    print(f"  full catalogue vs brute-force subset, per object-pair-day: {brute_rate / full_rate:.1f}x faster (goal 10x)")

    iss = np.flatnonzero(catalog.norad_id == 25544)
    primary, primary_s = timed(screen, catalog, start_s, args.primary_hours * 3600.0, THRESHOLD_KM, primaries=iss)
    print(f"ISS vs {n:,} objects over {args.primary_hours:g} h: {primary_s:.1f} s "
          f"({primary.propagated:,} objects in its band), {len(primary.encounters)} encounters, "
          f"{len(primary.co_located)} co-located; per 7 days {primary_s * 168 / args.primary_hours:.0f} s (goal 5 s)")
    print(f"peak resident memory of this process: {peak_mb():.0f} MB (goal under 2 GB)")


if __name__ == "__main__":
    main()
