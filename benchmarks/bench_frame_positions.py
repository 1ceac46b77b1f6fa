"""Cost of one frame's positions for 100k objects from an open trajectory file.

    python benchmarks/bench_frame_positions.py [--objects 100000] [--catalog PATH]

Writes a file of ``--objects`` objects (the 2023 catalogue repeated) over 30 minutes at 60 s,
then times, with the file in the page cache as it is while the app plays:
- ``positions_at(t)`` at a new keyframe interval every frame (keyframe fetch + interpolation:
  the worst case, when the clock jumps);
- ``positions_at(t)`` one interval further every frame (fast playback: one new row to read);
- ``positions_at(t)`` within the current interval (interpolation only: playback);
- ``at(t)`` on a new interval (the renderer's keyframe pair, GCRS);
- ``Trajectories.open`` and ``close`` (lazy: the times and layout only; goal under 50 ms).
Goal: under 5 ms per frame on the CPU. Minimum, median and 95th percentile of 200 frames
(the minimum is the figure for an idle core; the others show what sharing the machine costs).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench_precompute import default_catalog  # noqa: E402

from orbitview.api import Trajectories, TrajectoryWriter, load_catalogs, parse_utc, propagate_blocks  # noqa: E402


def timings_ms(call, times) -> str:
    """Minimum (the cost on an idle core), median and 95th percentile, in ms."""
    samples = []
    for t in times:
        started = time.perf_counter()
        call(t)
        samples.append(1e3 * (time.perf_counter() - started))
    return f"min {min(samples):.2f} ms, median {np.median(samples):.2f} ms, p95 {np.percentile(samples, 95):.2f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, default=default_catalog())
    parser.add_argument("--objects", type=int, default=100_000)
    args = parser.parse_args()

    source = load_catalogs([args.catalog]).catalog
    catalog = source.take(np.resize(np.arange(len(source)), args.objects))
    start = parse_utc("2023-10-09T00:00:00Z")
    times_s = start + 60.0 * np.arange(31)
    rng = np.random.default_rng(1)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "frames.h5"
        with TrajectoryWriter(path, catalog, times_s, "GCRS") as writer:
            for block in propagate_blocks(writer.elements, times_s, "GCRS", align=writer.chunk_times):
                writer.write(*block)
        with Trajectories.open(path) as trajectories:
            # Each frame 7 intervals away from the last (mod 29): it shares no row with it, so
            # both keyframes are read from the file.
            jumps = start + 60.0 * ((7 * np.arange(200)) % 29 + rng.uniform(0.01, 0.99, 200))
            fetch = timings_ms(trajectories.positions_at, jumps)
            forward = timings_ms(trajectories.positions_at, start + 60.0 * np.arange(30) + 30.0)
            within = start + 600.0 + np.sort(rng.uniform(1, 59, 200))
            trajectories.positions_at(within[0])
            play = timings_ms(trajectories.positions_at, within)
            keyframes = timings_ms(trajectories.at, jumps)
        opening = timings_ms(lambda _t: Trajectories.open(path).close(), range(50))
    print(f"{args.objects:,} objects, chunk of {writer.chunk_times} time(s) per read")
    print(f"positions_at, random interval each frame (keyframe fetch + interpolation): {fetch} (goal < 5 ms)")
    print(f"positions_at, next interval each frame (one row fetched + interpolation): {forward}")
    print(f"positions_at, same interval (interpolation only): {play}")
    print(f"at(t), random interval each frame (GCRS keyframe pair for the GPU): {keyframes}")
    print(f"Trajectories.open + close: {opening} (goal < 50 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
