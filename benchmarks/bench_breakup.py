"""Cost of modelling a breakup of 100,000 fragments, beside the random draws alone.

    python benchmarks/bench_breakup.py [--fragments 100000] [--repeat 5]

An explosion of a 1,000 kg spacecraft down to the size that gives ``--fragments`` pieces
(N(Lc) = 6 Lc^-1.6), without mass conservation, against a baseline of as many standard normal
draws as the model makes per fragment (size, area-to-mass, speed, direction: 8 per fragment).
Best of ``--repeat`` interleaved runs in this process. Goal: about a second for 100,000.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from orbitview.api import Body, BodyKind, explosion  # noqa: E402

DRAWS_PER_FRAGMENT = 8


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fragments", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    parent = Body(1000.0, BodyKind.SPACECRAFT, np.array([7230.0, 0.0, 0.0]), np.array([0.0, 7.42, 0.0]))
    lc_min_m = (args.fragments / 6.0) ** (-1 / 1.6)
    best = {"model": float("inf"), "draws": float("inf")}
    count = 0
    for k in range(args.repeat):
        rng = np.random.default_rng(k)
        started = time.perf_counter()
        count = len(explosion(parent, lc_min_m, rng, conserve_mass=False))
        best["model"] = min(best["model"], time.perf_counter() - started)
        started = time.perf_counter()
        rng.standard_normal((count, DRAWS_PER_FRAGMENT))
        best["draws"] = min(best["draws"], time.perf_counter() - started)
    print(f"{count:,} fragments: model {best['model']:.3f} s, {DRAWS_PER_FRAGMENT} normal draws each "
          f"{best['draws']:.4f} s, ratio {best['model'] / best['draws']:.0f}x (goal: about 1 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
