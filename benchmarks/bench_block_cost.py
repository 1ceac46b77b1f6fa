"""What differencing the positions costs a precompute worker, block by block.

    python benchmarks/bench_block_cost.py [--repeat 15] [--catalog PATH]

One worker's block of the 24 h, 60 s precompute of the 2023 catalogue (26,140 objects x 36
times, GCRS, float32 out), made both ways in alternation, in this process, CPU time of each:
- SGP4's own velocities (``states_block`` without ``spacing_s``, as orbitview 0.1 stored);
- velocities differenced from the positions (``spacing_s``: SGP4 also at two times before and
  two after the block), what trajectory files hold now.
Prints the medians and their ratio; alternating the two keeps a shared machine's changing
speed out of the ratio. Then the same for the window's live keyframe pairs of the whole
catalogue: SGP4 at a pair's two times (what 0.1 did for every pair) against ``LiveKeyframes``
playing on to the next pair and jumping to a new one.
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

from orbitview.api import (  # noqa: E402
    LiveKeyframes,
    load_catalogs,
    padded_grid,
    parse_utc,
    propagate,
    rotations_from_teme,
    states_block,
)

BLOCK_TIMES = 36
STEP_S = 60.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(os.environ.get("ORBITVIEW_CATALOG_DIR", REPO.parent / "shared" / "data" / "catalog"))
    parser.add_argument("--catalog", type=Path, default=default / "full_2023-10-09.3le")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    catalog = load_catalogs([args.catalog]).catalog
    satrec_array = catalog.satrec_array
    times_s = parse_utc("2023-10-09T06:00:00Z") + STEP_S * np.arange(BLOCK_TIMES)
    padded_s, _ = padded_grid(times_s)
    own, differenced = "SGP4's velocities", "differenced velocities"
    ways = {
        own: lambda: states_block(satrec_array, times_s, rotations_from_teme("GCRS", times_s),
                                                  "GCRS", np.float32),
        differenced: lambda: states_block(satrec_array, padded_s, rotations_from_teme("GCRS", padded_s),
                                                       "GCRS", np.float32, spacing_s=STEP_S),
    }
    print(f"{len(catalog):,} objects x {BLOCK_TIMES} times, GCRS, CPU seconds per block, median of {args.repeat}:")
    medians = median_cpu_s(ways, args.repeat)
    for name, median in medians.items():
        print(f"  {name}: {median:.3f} s")
    print(f"ratio differenced / SGP4's own: {medians[differenced] / medians[own]:.3f} "
          f"(the SGP4 calls alone: {len(padded_s) / BLOCK_TIMES:.3f})")

    playing = LiveKeyframes(catalog, STEP_S)
    clock = iter(times_s[0] + STEP_S * np.arange(10 * args.repeat))
    jumps = iter(times_s[0] + 86400.0 * np.arange(1, 10 * args.repeat))
    pairs = {
        "SGP4 at the pair's two times": lambda: propagate(catalog, times_s[:2], "GCRS"),
        "LiveKeyframes, the next pair": lambda: playing.at(float(next(clock))),
        "LiveKeyframes, a jump": lambda: LiveKeyframes(catalog, STEP_S).at(float(next(jumps))),
    }
    playing.at(times_s[0])
    print(f"keyframe pairs of {len(catalog):,} objects, CPU ms per pair, median of {args.repeat}:")
    for name, median in median_cpu_s(pairs, args.repeat).items():
        print(f"  {name}: {1e3 * median:.0f} ms")
    return 0


def median_cpu_s(ways: dict, repeat: int) -> dict[str, float]:
    """Median CPU seconds of each of ``ways`` (name: callable), run ``repeat`` times in turn."""
    seconds = {name: [] for name in ways}
    for _ in range(repeat):
        for name, make in ways.items():
            started = time.process_time()
            make()
            seconds[name].append(time.process_time() - started)
    return {name: float(np.median(values)) for name, values in seconds.items()}


if __name__ == "__main__":
    sys.exit(main())
