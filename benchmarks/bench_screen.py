"""Conjunction screening end to end against a guaranteed brute-force baseline, and its memory.

    python benchmarks/bench_screen.py [--hours 2] [--subset 2000] [--subset-hours 2] [--primary-hours 168]

Prints, measured in the same run:
- all against all for the whole 2023 catalogue (26,140 objects) over ``--hours`` at 5 km, end to
  end including SGP4 on every core; the seconds it would take per day (a stated fraction of the
  24 h goal, since a whole day takes minutes on these shared cores);
- on ``--subset`` objects drawn at random over ``--subset-hours``: the brute-force baseline
  (positions every 5 s, a KD-tree pass at threshold + v_max x 2.5 s, bounded minimisation;
  tests/brute_force_conjunctions.py) and the engine on the same objects and span: their recall
  against each other and their ratio per object-pair-day, and the full run's rate per
  object-pair-day against the baseline's;
- the ISS against the whole catalogue over ``--primary-hours`` (default the goal's 7 days);
- for each: wall seconds, and the CPU seconds and peak resident memory of this process and its
  worker processes together (sampled every 0.2 s from /proc), and the load average after it.

The machine is shared: CPU seconds show what a run costs when others load the cores, and the
ratios against the baseline, measured in the same run, are the figures to compare.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
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


def _family() -> list[int]:
    """This process and every process below it (the forkserver and the workers forked from it)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as file:
                    parents[int(entry)] = int(file.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    family, grew = {os.getpid()}, True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if pid not in family and parent in family:
                family.add(pid)
                grew = True
    return sorted(family)


def _usage(pid: int) -> tuple[float, float]:
    """``(CPU seconds, resident MB)`` of one process now."""
    with open(f"/proc/{pid}/stat") as file:
        fields = file.read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return cpu, int(fields[21]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class Usage:
    """CPU seconds and peak total resident memory of this process and its descendants while in
    the ``with`` block, sampled every ``interval_s`` (a worker's last fraction of a sample is lost)."""

    def __init__(self, interval_s: float = 0.2) -> None:
        self.interval_s, self.peak_mb, self.cpu = interval_s, 0.0, {}
        self._stop = threading.Event()

    def _sample(self) -> None:
        while True:
            total_mb = 0.0
            for pid in _family():
                try:
                    cpu, resident_mb = _usage(pid)
                except (OSError, IndexError):
                    continue
                self.cpu[pid] = (self.cpu.get(pid, (cpu, cpu))[0], cpu)
                total_mb += resident_mb
            self.peak_mb = max(self.peak_mb, total_mb)
            if self._stop.wait(self.interval_s):
                return

    @property
    def cpu_s(self) -> float:
        return sum(last - first for first, last in self.cpu.values())

    def __enter__(self) -> "Usage":
        for pid in _family():  # what the processes alive now had spent before
            self.cpu[pid] = (_usage(pid)[0],) * 2
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def timed(function, *args, **kwargs):
    """``(result, wall seconds, Usage)`` of one call."""
    with Usage() as usage:
        started = time.perf_counter()
        result = function(*args, **kwargs)
        wall_s = time.perf_counter() - started
    return result, wall_s, usage


def report(usage: Usage) -> str:
    return f"CPU {usage.cpu_s:.1f} s, peak memory {usage.peak_mb:.0f} MB, load average {load_average()}"


def load_average() -> str:
    """The machine's 1-minute load average now: how many others shared the cores."""
    with open("/proc/loadavg") as file:
        return file.read().split()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, default=default_catalog())
    parser.add_argument("--hours", type=float, default=2.0)
    parser.add_argument("--subset", type=int, default=2000)
    parser.add_argument("--subset-hours", type=float, default=2.0)
    parser.add_argument("--primary-hours", type=float, default=168.0)
    args = parser.parse_args()

    catalog = load_catalogs([args.catalog]).catalog
    start_s = float(np.median(catalog.epoch_s))
    n = len(catalog)

    full, full_s, full_use = timed(screen, catalog, start_s, args.hours * 3600.0, THRESHOLD_KM)
    print(f"all vs all, {n:,} objects, {args.hours:g} h at {THRESHOLD_KM:g} km: {full_s:.1f} s ({report(full_use)}), "
          f"{len(full.encounters):,} encounters, {len(full.co_located):,} co-located pairs")
    print(f"  per day: {full_s * 24.0 / args.hours:.0f} s wall, {full_use.cpu_s * 24.0 / args.hours:.0f} CPU s "
          f"(goal 60 s on 2 cores)")

    rows = np.sort(np.random.default_rng(0).choice(n, args.subset, replace=False))
    subset = catalog.take(rows)
    span_s = args.subset_hours * 3600.0
    expected, brute_s, brute_use = timed(brute_force_minima, list(subset.satrecs), start_s, span_s, THRESHOLD_KM)
    engine, engine_s, engine_use = timed(screen, subset, start_s, span_s, THRESHOLD_KM)
    brute_pairs = {(frozenset((int(subset.norad_id[i]), int(subset.norad_id[j]))), round(t, 1)) for i, j, t, _ in expected}
    engine_pairs = {(frozenset((e.a, e.b)), round(e.tca_s, 1)) for e in engine.encounters}
    print(f"subset of {args.subset:,} objects over {args.subset_hours:g} h: brute force {brute_s:.1f} s "
          f"({report(brute_use)}), engine {engine_s:.1f} s ({report(engine_use)}); {len(expected)} and "
          f"{len(engine.encounters)} encounters, {len(brute_pairs & engine_pairs)} in common")
    print(f"  engine vs brute force per object-pair-day, same objects: {brute_s / engine_s:.1f}x faster "
          f"({brute_use.cpu_s / engine_use.cpu_s:.1f}x in CPU s)")
    brute_rate = brute_s / pair_days(args.subset, span_s)
    full_rate = full_s / pair_days(n, args.hours * 3600.0)
    brute_cpu_rate = brute_use.cpu_s / pair_days(args.subset, span_s)
    full_cpu_rate = full_use.cpu_s / pair_days(n, args.hours * 3600.0)
    print(f"  full catalogue vs brute-force subset, per object-pair-day: {brute_rate / full_rate:.1f}x faster "
          f"({brute_cpu_rate / full_cpu_rate:.1f}x in CPU s; goal 10x)")

    iss = np.flatnonzero(catalog.norad_id == 25544)
    primary, primary_s, primary_use = timed(screen, catalog, start_s, args.primary_hours * 3600.0, THRESHOLD_KM,
                                            primaries=iss)
    print(f"ISS vs {n:,} objects over {args.primary_hours:g} h: {primary_s:.1f} s ({report(primary_use)}; "
          f"{primary.propagated:,} objects in its band), {len(primary.encounters)} encounters, "
          f"{len(primary.co_located)} co-located; per 7 days {primary_s * 168 / args.primary_hours:.0f} s wall, "
          f"{primary_use.cpu_s * 168 / args.primary_hours:.0f} CPU s (goal 5 s)")


if __name__ == "__main__":
    main()
