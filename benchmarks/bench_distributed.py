"""``orbitview precompute --scheduler`` on local Dask workers against the one-machine pool.

    python benchmarks/bench_distributed.py [--span 24h] [--step 60] [--catalog PATH] [--repeat 1]

Everything measured in the same run, on the 26k catalogue by default (docs/distributed.md):
- end-to-end ``precompute`` (load, SGP4, frames, the one writer) with the local pool on every
  usable core, and with ``--scheduler`` on a cluster of as many single-threaded ``dask worker``
  processes on 127.0.0.1, then with one worker: the ratio of the cluster's throughput to the
  pool's (goal >= 0.85), and the throughput per worker with 1 and 2 workers (scaling);
- the cost of one block task (``propagate_block``) in this process, and what travels: the
  elements sent once, each task's arguments, each block's result;
- the alternative layout: each worker writes its blocks into part files, joined by an HDF5
  virtual dataset (VDS) made here, against the one writer on the same cluster; the joined
  datasets are checked equal to the one writer's file.
With ``--repeat N`` each end-to-end run is made N times and the medians are printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from dask_cluster import LocalDaskCluster  # noqa: E402

from orbitview.core.durations import parse_duration  # noqa: E402
from orbitview.core.orbits.propagate import (block_grid, block_ranges, padded_grid, propagate_block,  # noqa: E402
                                      usable_cores)
from orbitview.core.orbits.times import parse_utc  # noqa: E402
from orbitview.io.catalog_files import load_catalogs  # noqa: E402
from orbitview.io.trajectories import chunk_times  # noqa: E402

START = "2023-10-09T00:00:00Z"
BLOCK_STATES = 1_000_000  # precompute's default


def default_catalog() -> Path:
    directory = Path(os.environ.get("ORBITVIEW_CATALOG_DIR", REPO.parent / "shared" / "data" / "catalog"))
    return directory / "full_2023-10-09.3le"


def precompute_s(catalog: Path, out: Path, span: str, step: str, *where: str) -> float:
    """Wall seconds of one ``orbitview precompute`` run (its file removed after)."""
    env = {k: v for k, v in os.environ.items() if k != "ORBITVIEW_SCHEDULER"}
    env["PYTHONPATH"] = str(REPO)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "orbitview", "precompute", str(catalog), "--start", START, "--span", span,
                    "--step", step, "--out", str(out), *where], cwd=REPO, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    out.unlink()
    return wall


def write_part(elements, folder: str, start: int, padded_s, rotation, frame: str, spacing_s: float) -> str:
    """A VDS layout's worker task: the block computed and written by the worker into its own
    part file (chunked and checksummed as the one writer's file is); only the name comes back."""
    import h5py

    position, velocity, status = propagate_block(elements, padded_s, rotation, frame, spacing_s)
    path = os.path.join(folder, f"part-{start:08d}.h5")
    t, n = status.shape
    tc = min(chunk_times(n), t)
    with h5py.File(path, "w") as part:
        part.create_dataset("position_km", data=position, chunks=(tc, n, 3), fletcher32=True)
        part.create_dataset("velocity_km_s", data=velocity, chunks=(tc, n, 3), fletcher32=True)
        part.create_dataset("status", data=status, chunks=(tc, n), fletcher32=True)
    return path


def vds_run_s(client, catalog, times_s: np.ndarray, folder: Path) -> tuple[float, Path]:
    """Wall seconds of the VDS layout on ``client``: workers write parts, this process joins
    them (the loading and layout of the catalogue are not counted: the one-writer runs count them)."""
    import h5py

    from orbitview.services.cluster import OrderedTasks

    started = time.perf_counter()
    padded_s, spacing_s = padded_grid(times_s)
    n = len(catalog)
    ranges = block_ranges(len(times_s), n, BLOCK_STATES, chunk_times(n))
    tasks = ((start, (str(folder), start, *block_grid(padded_s, "GCRS", start, stop), "GCRS", spacing_s))
             for start, stop in ranges)
    parts = [(start, path) for start, path in OrderedTasks(client, write_part, catalog.sgp4_elements, tasks)]
    joined = folder / "joined.h5"
    with h5py.File(joined, "w") as f:
        f["times"] = times_s
        for name, shape, dtype in (("position_km", (len(times_s), n, 3), np.float32),
                                   ("velocity_km_s", (len(times_s), n, 3), np.float32),
                                   ("status", (len(times_s), n), np.uint8)):
            layout = h5py.VirtualLayout(shape=shape, dtype=dtype)
            for (start, path), (_, stop) in zip(parts, ranges):
                layout[start:stop] = h5py.VirtualSource(path, name, shape=(stop - start, *shape[1:]))
            f.create_virtual_dataset(name, layout)
    return time.perf_counter() - started, joined


def one_writer_s(client, catalog, times_s: np.ndarray, path: Path) -> float:
    """Wall seconds of precompute's own layout on ``client``, the catalogue loaded (as for
    ``vds_run_s``): every block back to this process, written into one file."""
    from orbitview.io.trajectories import TrajectoryWriter
    from orbitview.services.cluster import propagate_blocks_on

    started = time.perf_counter()
    blocks = propagate_blocks_on(client, catalog.sgp4_elements, times_s, "GCRS", align=chunk_times(len(catalog)))
    with TrajectoryWriter(path, catalog, times_s, "GCRS") as writer:
        for first, position, velocity, status in blocks:
            writer.write(first, position, velocity, status)
    return time.perf_counter() - started


def same_datasets(vds: Path, written: Path) -> bool:
    import h5py

    with h5py.File(vds, "r") as a, h5py.File(written, "r") as b:
        return all(np.array_equal(a[name][...], b[name][...], equal_nan=True)
                   for name in ("position_km", "velocity_km_s", "status"))


def task_cost(catalog, times_s: np.ndarray) -> tuple[float, int, int, int, int]:
    """(seconds of one block task here, states in it, bytes of its arguments, of its result,
    of the elements sent once)."""
    import pickle

    padded_s, spacing_s = padded_grid(times_s)
    n = len(catalog)
    ranges = block_ranges(len(times_s), n, BLOCK_STATES, chunk_times(n))
    start, stop = ranges[len(ranges) // 2]
    grid = block_grid(padded_s, "GCRS", start, stop)
    elements = catalog.sgp4_elements
    propagate_block(elements, *grid, "GCRS", spacing_s)  # builds the satrecs, as a worker does once
    seconds = []
    for _ in range(5):
        started = time.perf_counter()
        result = propagate_block(elements, *grid, "GCRS", spacing_s)
        seconds.append(time.perf_counter() - started)
    arguments = len(pickle.dumps((start, *grid, "GCRS", spacing_s), protocol=5))
    result_bytes = sum(a.nbytes for a in result)
    elements_bytes = len(pickle.dumps(elements, protocol=5))
    return statistics.median(seconds), (stop - start) * n, arguments, result_bytes, elements_bytes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, default=default_catalog())
    parser.add_argument("--span", default="24h")
    parser.add_argument("--step", default="60")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()

    cores = usable_cores()
    catalog = load_catalogs([args.catalog]).catalog
    start_s = parse_utc(START)
    span_s, step_s = parse_duration(args.span), parse_duration(args.step)
    times_s = start_s + np.arange(0.0, span_s + step_s / 2, step_s)
    states = len(times_s) * len(catalog)
    print(f"{len(catalog):,} objects x {len(times_s):,} times = {states / 1e6:.1f}M states; {cores} cores")

    seconds, block, arguments, result_bytes, elements_bytes = task_cost(catalog, times_s)
    tasks = len(block_ranges(len(times_s), len(catalog), BLOCK_STATES, chunk_times(len(catalog))))
    print(f"one block task here: {block:,} states in {seconds * 1e3:.0f} ms = {block / seconds / 1e6:.2f}M states/s "
          f"per core; {tasks} tasks")
    print(f"travels: elements sent once {elements_bytes / 1e6:.2f} MB ({elements_bytes / len(catalog):.0f} B "
          f"an object); per task {arguments / 1e3:.1f} kB of arguments out, {result_bytes / 1e6:.1f} MB of "
          f"states back ({result_bytes / block:.0f} B a state)")

    with tempfile.TemporaryDirectory(prefix="bench-distributed-") as tmp:
        tmp = Path(tmp)
        out = tmp / "out.h5"
        pool, two, one, vds, writer = [], [], [], [], []
        # Two clusters side by side (an idle one costs next to nothing), so that every figure
        # is measured between the others, round after round, on a machine whose load moves.
        with LocalDaskCluster(tmp / "cluster", workers=cores) as cluster, \
                LocalDaskCluster(tmp / "single", workers=1) as single:
            from distributed import Client

            with Client(cluster.address, set_as_default=False, direct_to_workers=True) as client:
                for k in range(args.repeat):
                    pool.append(precompute_s(args.catalog, out, args.span, args.step, "--workers", str(cores)))
                    two.append(precompute_s(args.catalog, out, args.span, args.step, "--scheduler", cluster.address))
                    one.append(precompute_s(args.catalog, out, args.span, args.step, "--scheduler", single.address))
                    parts = tmp / f"parts-{k}"
                    parts.mkdir()
                    wall, joined = vds_run_s(client, catalog, times_s, parts)
                    vds.append(wall)
                    written = tmp / "written.h5"
                    written.unlink(missing_ok=True)
                    writer.append(one_writer_s(client, catalog, times_s, written))
                    equal = same_datasets(joined, written)
                    for path in parts.iterdir():
                        path.unlink()

    def rate(walls: list[float]) -> float:
        return states / statistics.median(walls)

    print(f"local pool, {cores} processes: {statistics.median(pool):.1f} s, {rate(pool) / 1e6:.2f}M states/s")
    print(f"Dask, {cores} workers x 1 thread: {statistics.median(two):.1f} s, {rate(two) / 1e6:.2f}M states/s; "
          f"ratio to the pool {rate(two) / rate(pool):.2f} (goal >= 0.85)")
    print(f"Dask, 1 worker: {statistics.median(one):.1f} s, {rate(one) / 1e6:.2f}M states/s")
    print(f"per worker: 1 worker {rate(one) / 1e6:.2f}M states/s, {cores} workers {rate(two) / cores / 1e6:.2f}M "
          f"states/s each; scaling efficiency {rate(two) / cores / rate(one):.2f}")
    print(f"same cluster, catalogue loaded: one writer {statistics.median(writer):.1f} s, workers' parts + VDS "
          f"{statistics.median(vds):.1f} s (ratio {statistics.median(writer) / statistics.median(vds):.2f}); "
          f"VDS datasets equal to the writer's: {equal}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
