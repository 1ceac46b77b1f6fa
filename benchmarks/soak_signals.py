"""Soak: SIGINT, SIGTERM and SIGHUP at random moments of a precompute and of a video export.

    python benchmarks/soak_signals.py [--runs 20] [--seed 1] [--catalog-dir DIR]

Each run starts ``orbitview precompute`` (the 2023 catalogue, 6 h at 60 s, two workers) or
``orbitview render`` of the example scenario to MP4, sends one of the three signals, chosen at
random, to the process or (every other run) to its whole process group as a terminal does,
at a moment drawn uniformly over the job's length (from ``STARTUP_S`` on: before that the
interpreter is still starting, and a signal gets Python's default, not orbitview's), and
checks what a user would: exit 128 + signal with one last line saying so (or, for a signal that came after the end, exit 0
and the complete file), no partial file, no process alive 5 s after the exit, no traceback.
The job's length is measured first by one run without a signal, on the same machine in the
same session. Prints each failure, and per job the count of clean stops, of runs the signal
came too late for, and the median time from the signal to the exit.

``tests/test_soak.py`` runs the same soak with 5 runs of each job in CI.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from processes import once, signalled_run, start  # noqa: E402

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
#: Seconds of Python's own start-up (site, encodings) before ``orbitview.__main__`` runs, with
#: margin: `python -c pass` took 0.07-0.17 s on two cores under a load average of 9.
STARTUP_S = 0.25


def jobs(catalog_dir: Path) -> dict[str, tuple[list, str]]:
    """job name -> (orbitview arguments writing ``{out}``, output file name)."""
    return {
        "precompute": (["precompute", catalog_dir / "full_2023-10-09.3le", "--start", "2023-10-09T00:00:00Z",
                        "--span", "6h", "--step", "60", "--workers", "2", "--out", "{out}"], "full.h5"),
        "video export": (["render", REPO / "datasets" / "scenarios" / "example.toml", "--size", "320x180",
                          "--fps", "4", "--progress", "none", "--out", "{out}"], "example.mp4"),
    }


def _argv(template: list, out: Path) -> list[str]:
    return [str(out) if a == "{out}" else str(a) for a in template]


def job_length_s(template: list, out_name: str, root: Path) -> float:
    """Seconds one run of the job takes here, now."""
    work = root / "baseline"
    work.mkdir()
    began = time.monotonic()
    process = start(_argv(template, work / out_name), work)
    if process.wait(timeout=600) != 0:
        raise SystemExit(f"the job fails without a signal: {(root / 'baseline-logs' / 'stderr').read_text()}")
    return time.monotonic() - began


def soak(name: str, runs: int, rng: random.Random, catalog_dir: Path, root: Path,
         length_s: float | None = None) -> dict:
    """``runs`` signalled runs of job ``name``; returns counts, stop times and failures."""
    template, out_name = jobs(catalog_dir)[name]
    root = Path(tempfile.mkdtemp(prefix=name.replace(" ", "-") + "-", dir=root))
    length_s = length_s or job_length_s(template, out_name, root)
    report = {"job": name, "length_s": length_s, "stopped": 0, "too_late": 0, "stop_s": [], "failures": []}
    for k in range(runs):
        signum = rng.choice(SIGNALS)
        moment_s = rng.uniform(STARTUP_S, length_s)
        work = root / f"run-{k}"
        group = k % 2 == 1
        outcome = signalled_run(_argv(template, work / out_name), work, signum, once(moment_s), group=group)
        problems = outcome.problems(signum, out_name)
        if problems:
            report["failures"].append(f"{name} run {k}: {signal.Signals(signum).name} "
                                      f"{'to the group ' if group else ''}at {moment_s:.2f} s: "
                                      + "; ".join(problems))
        elif outcome.code == 0:
            report["too_late"] += 1
        else:
            report["stopped"] += 1
            report["stop_s"].append(outcome.stop_s)
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="signalled runs of each job (default 20)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--catalog-dir", type=Path,
                        default=Path(os.environ.get("ORBITVIEW_CATALOG_DIR", REPO.parent / "shared" / "data" / "catalog")))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    failed = 0
    with tempfile.TemporaryDirectory(prefix="orbitview-soak-") as root:
        for name in jobs(args.catalog_dir):
            report = soak(name, args.runs, rng, args.catalog_dir, Path(root))
            for line in report["failures"]:
                print("FAIL", line)
            failed += len(report["failures"])
            stops = report["stop_s"]
            median = f"{statistics.median(stops):.2f} s" if stops else "-"
            print(f"{name}: {args.runs} runs over a {report['length_s']:.1f} s job: {report['stopped']} stopped cleanly, "
                  f"{report['too_late']} finished before the signal, {len(report['failures'])} failed; "
                  f"signal to exit: median {median}, max {max(stops, default=0):.2f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
