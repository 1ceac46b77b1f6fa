"""Loading the whole catalogue: orbitview's readers beside sgp4's own ``twoline2rv`` loop.

    python benchmarks/bench_catalog_load.py [PATH.3le] [--repeat N]

The 26,140-object 3LE file is read from ../shared/data/catalog (or ORBITVIEW_CATALOG_DIR); the
same catalogue is written as OMM JSON, CSV and XML into a temporary directory for the run.
Every figure is the best of N interleaved runs in this process, so ratios compare like with like.
Ours includes reading the file, format detection, every check (SGP4's initialisation errors
too) and classification; the baseline reads the file, splits lines and calls ``twoline2rv``.
Catalogues make their ``Satrec`` objects when something first propagates in this process: the
row "3le + all satrecs" shows a load followed by that.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sgp4 import omm as sgp4_omm  # noqa: E402
from sgp4.api import Satrec  # noqa: E402

from orbitview.api import load_catalog, write_catalog  # noqa: E402


def best_of_interleaved(repeat: int, work: dict) -> dict:
    """``label -> (best seconds, objects)``. Rounds run every candidate once in turn, so a
    machine whose load drifts during the run slows all of them alike."""
    best = {label: (float("inf"), 0) for label in work}
    for _ in range(repeat):
        for label, job in work.items():
            start = time.perf_counter()
            count = job()
            elapsed = time.perf_counter() - start
            best[label] = (min(best[label][0], elapsed), count)
    return best


def sgp4_tle_loop(path: Path) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    sats = [Satrec.twoline2rv(lines[i], lines[i + 1]) for i in range(len(lines) - 1)
            if lines[i].startswith("1 ") and lines[i + 1].startswith("2 ")]
    return len(sats)


def sgp4_omm_loop(path: Path) -> int:
    sats = []
    for fields in json.loads(path.read_text(encoding="utf-8")):
        sat = Satrec()
        sgp4_omm.initialize(sat, fields)
        sats.append(sat)
    return len(sats)


def main() -> None:
    default_dir = Path(os.environ.get("ORBITVIEW_CATALOG_DIR", Path(__file__).resolve().parents[2] / "shared" / "data" / "catalog"))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=default_dir / "full_2023-10-09.3le")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    source = load_catalog(args.path).catalog
    with tempfile.TemporaryDirectory() as tmp:
        files = {"3le": args.path}
        for fmt in ("omm.json", "omm.csv", "omm.xml"):
            files[fmt] = Path(tmp) / f"full.{fmt.split('.')[1]}"
            write_catalog(source, files[fmt], fmt)

        work = {"sgp4 twoline2rv loop (baseline)": lambda: sgp4_tle_loop(args.path)}
        for fmt, path in files.items():
            work[f"orbitview load_catalog {fmt}"] = lambda p=path: len(load_catalog(p).catalog)
        work["orbitview load 3le + all satrecs"] = lambda: len(load_catalog(args.path).catalog.satrecs[:])
        work["sgp4 json.load + omm.initialize loop"] = lambda: sgp4_omm_loop(files["omm.json"])
        best = best_of_interleaved(args.repeat, work)

    baseline = best["sgp4 twoline2rv loop (baseline)"][0]
    print(f"{args.path.name}: {len(source)} objects, best of {args.repeat}, Python {sys.version.split()[0]}")
    print(f"{'':40s} {'seconds':>8s} {'objects/s':>11s} {'vs baseline':>12s}")
    for label, (seconds, count) in best.items():
        print(f"{label:40s} {seconds:8.3f} {count / seconds:11,.0f} {baseline / seconds:11.2f}x")


if __name__ == "__main__":
    main()
