"""One primary against the whole catalogue: the node-crossing filters against the general path,
measured in the same run.

    python benchmarks/bench_screen_primary.py [--primary 25544] [--hours 168] [--workers N]

Prints, for the primary (default the ISS) against the 2023 catalogue (26,140 objects) at 5 km:
- the screening as ``screen`` runs it (bands, node crossings, deep-space radius segments, SGP4 at
  the kept segments' ends only, refinement), end to end, and the seconds of each stage of
  ``primary_candidates`` in this process;
- the general path on the same objects and span (radius bands, then SGP4 for every object in
  them at every sample, the candidates on worker processes: 0.1's way), and the ratio;
- wall seconds, CPU seconds of this process and its workers (sampled from /proc), peak memory,
  and the load average: the machine is shared, so the ratio is the figure to compare.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import pstats
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_screen import THRESHOLD_KM, default_catalog, report, timed  # noqa: E402
from orbitview.api import load_catalogs, screen  # noqa: E402

screen_module = importlib.import_module("orbitview.core.conjunctions.screen")
STAGES = ("mean_element_bands_km", "mean_elements", "primary_path", "crossing_windows", "radius_segments",
          "_valid_segments", "_pair_segments", "_refine")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, default=default_catalog())
    parser.add_argument("--primary", type=int, default=25544)
    parser.add_argument("--hours", type=float, default=168.0)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()

    catalog = load_catalogs([args.catalog]).catalog
    start_s, span_s = float(np.median(catalog.epoch_s)), args.hours * 3600.0
    primary = np.flatnonzero(catalog.norad_id == args.primary)
    fast, fast_s, fast_use = timed(screen, catalog, start_s, span_s, THRESHOLD_KM, primaries=primary,
                                   workers=args.workers)
    print(f"{args.primary} vs {len(catalog):,} objects over {args.hours:g} h at {THRESHOLD_KM:g} km: "
          f"{fast_s:.1f} s ({report(fast_use)}); {fast.propagated:,} objects with kept segments, "
          f"{len(fast.encounters)} encounters, {len(fast.co_located)} co-located (goal 5 s over 7 days)")
    profile = cProfile.Profile()
    profile.enable()
    screen(catalog, start_s, span_s, THRESHOLD_KM, primaries=primary, workers=args.workers)
    profile.disable()
    stats = pstats.Stats(profile).stats
    seconds = {name: sum(v[3] for (_, _, function), v in stats.items() if function == name) for name in STAGES}
    print("  stages in this process (a second run, profiled; refine includes waiting for workers), s: "
          + ", ".join(f"{name.strip('_')} {s:.2f}" for name, s in seconds.items()))

    # The general path: as 0.1 screened any primaries (no node crossings, every band object at every sample).
    few, screen_module.FEW_PRIMARIES = screen_module.FEW_PRIMARIES, 0
    try:
        general, general_s, general_use = timed(screen, catalog, start_s, span_s, THRESHOLD_KM, primaries=primary,
                                                workers=args.workers)
    finally:
        screen_module.FEW_PRIMARIES = few
    same = {(e.b, round(e.tca_s, 2)) for e in fast.encounters} == {(e.b, round(e.tca_s, 2)) for e in general.encounters}
    print(f"  general path: {general_s:.1f} s ({report(general_use)}); {general.propagated:,} objects propagated, "
          f"{len(general.encounters)} encounters ({'the same' if same else 'NOT the same'})")
    print(f"  node crossings vs general path: {general_s / fast_s:.1f}x faster wall, "
          f"{general_use.cpu_s / fast_use.cpu_s:.1f}x in CPU s; load average {Path('/proc/loadavg').read_text().split()[0]}")


if __name__ == "__main__":
    main()
