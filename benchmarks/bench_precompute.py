"""End-to-end ``orbitview precompute`` against bare SGP4, and its peak memory.

    python benchmarks/bench_precompute.py [--span 24h] [--step 60] [--repeat 3] [--catalog PATH]

Prints, measured in the same run:
- bare ``SatrecArray`` throughput on one core (object-times per second, SGP4 only), measured
  before and after the end-to-end run and averaged, since other work on a shared machine
  moves both figures;
- bare ``SatrecArray`` on every core at once: one process per core, each running that same
  loop at the same time, their rates summed (what "bare x cores" is when the cores share the
  machine's caches, memory and clock, as the workers of the end-to-end run do);
- end-to-end ``precompute`` throughput (load, SGP4, frame conversion, writing) of the whole
  command, and its ratio to bare x cores used, both ways (goal >= 0.8);
- the peak resident memory of the command with its worker processes, summed over the process
  tree (RSS, which counts pages shared by forked workers twice, and PSS, which does not);
- a read-back check from this process against direct SGP4.
With ``--repeat N`` the end-to-end run is made N times, each between two baseline measurements,
and the median ratio is printed: on these shared machines one run's ratio moves by +-0.05.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from orbitview.api import (  # noqa: E402
    Trajectories,
    load_catalogs,
    parse_duration,
    parse_utc,
    posix_to_jd,
    propagate,
    usable_cores,
)


def default_catalog() -> Path:
    directory = Path(os.environ.get("ORBITVIEW_CATALOG_DIR", REPO.parent / "shared" / "data" / "catalog"))
    return directory / "full_2023-10-09.3le"


def bare_states_per_s(catalog, times_s: np.ndarray, seconds: float = 4.0) -> tuple[float, float]:
    """SatrecArray.sgp4 alone on this core, over blocks spread across the span.

    Returns states per wall second and per CPU second of this process.
    """
    array = catalog.satrec_array
    blocks = np.array_split(times_s, max(1, len(times_s) // 38))
    order = np.random.default_rng(0).permutation(len(blocks))
    done, started, cpu = 0, time.perf_counter(), time.process_time()
    for i in order:
        jd, fr = posix_to_jd(blocks[i])
        array.sgp4(jd, fr)
        done += len(blocks[i]) * len(catalog)
        if time.perf_counter() - started > seconds:
            break
    return done / (time.perf_counter() - started), done / (time.process_time() - cpu)


def _bare_in_process(elements, times_s, barrier, seconds, rates) -> None:
    from sgp4.api import SatrecArray

    from orbitview.api import satrecs_from_elements

    array = SatrecArray(satrecs_from_elements(elements))
    n = len(elements["epoch_jd"])
    blocks = np.array_split(times_s, max(1, len(times_s) // 38))
    order = np.random.default_rng(0).permutation(len(blocks))
    barrier.wait()
    done, started = 0, time.perf_counter()
    for i in order:
        jd, fr = posix_to_jd(blocks[i])
        array.sgp4(jd, fr)
        done += len(blocks[i]) * n
        if time.perf_counter() - started > seconds:
            break
    rates.put(done / (time.perf_counter() - started))


def bare_all_cores(catalog, times_s: np.ndarray, cores: int, seconds: float = 4.0) -> float:
    """States per second of ``cores`` processes running the bare loop at the same time, summed."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    barrier, rates = context.Barrier(cores), context.Queue()
    processes = [context.Process(target=_bare_in_process, args=(catalog.sgp4_elements, times_s, barrier, seconds, rates))
                 for _ in range(cores)]
    for process in processes:
        process.start()
    total = sum(rates.get() for _ in processes)
    for process in processes:
        process.join()
    return total


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(ppid, []).append(int(entry))
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(children.get(pid, []))
    return pids


def _cpu_ticks(pid: int) -> int:
    """User + system clock ticks of ``pid`` so far (0 once it has gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except OSError:
        return 0


def _memory_kb(pids: list[int]) -> tuple[int, int]:
    rss = pss = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            pass
    return rss, pss


def run_precompute(command: list[str]) -> tuple[float, float, int, int, int]:
    """Wall seconds, CPU seconds, exit status, peak summed RSS and PSS (KiB) of the command's
    process tree. CPU time is sampled every 0.1 s (the last tenth of a second of each process
    may be missed); the tree and its memory every 0.5 s, since reading them costs a few
    milliseconds of this process's CPU, taken from the run it measures."""
    peak = [0, 0]
    ticks: dict[int, int] = {}
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})

    def sample():
        pids, rescan = [process.pid], 0.0
        while process.poll() is None:
            if time.perf_counter() >= rescan:
                rescan = time.perf_counter() + 0.5
                pids = _tree(process.pid)
                rss, pss = _memory_kb(pids)
                peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            for pid in pids:
                ticks[pid] = max(ticks.get(pid, 0), _cpu_ticks(pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = process.wait()
    wall = time.perf_counter() - started
    sampler.join()
    return wall, sum(ticks.values()) / os.sysconf("SC_CLK_TCK"), code, peak[0], peak[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, default=default_catalog())
    parser.add_argument("--start", default="2023-10-09T00:00:00Z")
    parser.add_argument("--span", default="24h")
    parser.add_argument("--step", default="60")
    parser.add_argument("--repeat", type=int, default=1, help="end-to-end runs, each between two baselines")
    args = parser.parse_args()

    catalog = load_catalogs([args.catalog]).catalog
    start, span, step = parse_utc(args.start), parse_duration(args.span), parse_duration(args.step)
    times_s = start + step * np.arange(int(span // step) + 1)
    cores = usable_cores()
    states = len(catalog) * len(times_s)
    print(f"catalogue {args.catalog.name}: {len(catalog):,} objects x {len(times_s):,} times = {states:,} states")

    # Baselines before, between and after the runs: each run is compared with the two around it.
    baselines = [(bare_states_per_s(catalog, times_s), bare_all_cores(catalog, times_s, cores))]
    ratios, peak_rss_kb, peak_pss_kb = [], 0, 0
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(1, args.repeat + 1):
            out = Path(tmp) / f"run{run}.h5"
            command = [
                sys.executable, "-m", "orbitview", "precompute", str(args.catalog),
                "--start", args.start, "--span", args.span, "--step", args.step, "--out", str(out),
            ]
            wall, cpu, code, rss_kb, pss_kb = run_precompute(command)
            if code != 0:
                print(f"precompute failed with exit status {code}")
                return 1
            if run == args.repeat:
                size = out.stat().st_size
                worst = read_back_error_m(out, catalog, times_s)
            # Deleted before the next measurement: the kernel drops its unwritten pages instead
            # of writing them back to disk during the next run.
            out.unlink()
            baselines.append((bare_states_per_s(catalog, times_s), bare_all_cores(catalog, times_s, cores)))
            peak_rss_kb, peak_pss_kb = max(peak_rss_kb, rss_kb), max(peak_pss_kb, pss_kb)
            ratios.append(report(run, states, cores, wall, cpu, baselines[-2], baselines[-1]))

    if args.repeat > 1:
        one, every = np.median(ratios, axis=0)
        print(f"median of {args.repeat} runs: end-to-end / (bare one core x {cores}) {one:.2f}; "
              f"/ (bare on all {cores} cores at once) {every:.2f} (goal >= 0.8)")
    print(f"peak memory of the process tree: RSS {peak_rss_kb / 2**20:.2f} GiB, PSS {peak_pss_kb / 2**20:.2f} GiB "
          f"(goal < 1.5 GB)")
    print(f"file: {size / 1e9:.2f} GB; read back in this process: worst position difference {worst:.2f} m")
    return 0


def report(run: int, states: int, cores: int, wall: float, cpu: float, before, after) -> tuple[float, float]:
    """Print one end-to-end run against the baselines measured around it; return its two ratios."""
    (bare_before, bare_cpu_before), all_before = before
    (bare_after, bare_cpu_after), all_after = after
    bare, bare_cpu = (bare_before + bare_after) / 2, (bare_cpu_before + bare_cpu_after) / 2
    all_cores = (all_before + all_after) / 2
    end_to_end = states / wall
    print(f"run {run}:")
    print(
        f"  bare SatrecArray, one core: {bare / 1e6:.2f}M states/s "
        f"(before {bare_before / 1e6:.2f}, after {bare_after / 1e6:.2f}); {bare_cpu / 1e6:.2f}M states per CPU second"
    )
    print(f"  bare SatrecArray on all {cores} cores at once: {all_cores / 1e6:.2f}M states/s "
          f"(before {all_before / 1e6:.2f}, after {all_after / 1e6:.2f})")
    print(f"  precompute end to end on {cores} cores: {wall:.1f} s, {end_to_end / 1e6:.2f}M states/s")
    ratios = end_to_end / (bare * cores), end_to_end / all_cores
    print(f"  ratio end-to-end / (bare one core x {cores}): {ratios[0]:.2f}; "
          f"/ (bare on all {cores} cores at once): {ratios[1]:.2f} (goal >= 0.8)")
    print(
        f"  CPU: {cpu:.1f} CPU s in the process tree, {states / cpu / 1e6:.2f}M states per CPU second, "
        f"{states / cpu / bare_cpu:.2f} of bare SGP4's (the share of work that is SGP4; not moved by other "
        f"processes, but the CPU's own speed moves on these shared machines)"
    )
    print(f"  load average after the run: {os.getloadavg()[0]:.2f} (1 min)")
    return ratios


def read_back_error_m(path: Path, catalog, times_s: np.ndarray) -> float:
    """Largest distance between stored and directly propagated positions at a few sample times."""
    picks = np.unique(np.linspace(0, len(times_s) - 1, 7).astype(int))
    direct = propagate(catalog, times_s[picks], "GCRS").position_km
    with Trajectories.open(path) as trajectories:
        worst = 0.0
        for row, k in enumerate(picks):
            stored = trajectories.positions_at(float(times_s[k]))
            both = np.isfinite(stored[:, 0]) & np.isfinite(direct[row, :, 0])
            if both.sum() != np.isfinite(direct[row, :, 0]).sum():
                raise SystemExit("stored file masks objects that SGP4 propagates")
            # LEO only: float32 storage rounds GEO positions by up to 2 m by itself.
            leo = both & (np.linalg.norm(direct[row], axis=1) < 8192)
            worst = max(worst, 1e3 * np.abs(stored[leo] - direct[row, leo]).max())
    return worst


if __name__ == "__main__":
    sys.exit(main())
