"""``orbitview screen``: close approaches between element sets over a span, as JSON or CSV.

SGP4, the KD-tree filter and the exact refinement run as tasks in worker processes on every
usable core (``core.conjunctions.tasks``). Outputs appear only when complete, so Ctrl-C leaves
nothing.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from orbitview.commands.common import parse_time_option, report_problems
from orbitview.commands.precompute import Progress
from orbitview.core.durations import parse_duration
from orbitview.core.errors import OrbitviewError
from orbitview.core.interrupts import raise_if_stopped
from orbitview.core.orbits.times import format_utc, now_utc
from orbitview.services.cluster import add_scheduler_argument, scheduler_address

OUTPUT_SUFFIXES = (".json", ".csv")


def add_arguments(parser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="element-set files (TLE/3LE, OMM)")
    parser.add_argument("--primary", metavar="ID[,ID...]",
                        help="catalogue numbers screened against everything (default: all against all)")
    parser.add_argument("--start", metavar="ISO8601", help="first time, UTC (default: the median element epoch)")
    parser.add_argument("--span", required=True, metavar="DURATION", help="length: 90m, 24h, 7d or seconds")
    parser.add_argument("--threshold", type=float, default=5.0, metavar="KM", help="miss distance screened for (default 5)")
    parser.add_argument("--out", required=True, metavar="X.json|X.csv", help="table of the encounters")
    parser.add_argument("--cdm", metavar="DIR", help="also write one CCSDS CDM (KVN) per encounter into DIR")
    parser.add_argument("--hard-body-radius", type=float, default=20.0, metavar="M",
                        help="combined hard-body radius for the indicative Pc max, metres (default 20)")
    parser.add_argument("--step", metavar="SECONDS",
                        help="sampling step of the filter (default 40 s, with --primary 120 s)")
    parser.add_argument("--workers", type=int, default=None, metavar="N",
                        help="processes to use (default: every usable core)")
    add_scheduler_argument(parser)


def run(args) -> int:
    from orbitview.core.orbits.propagate import usable_cores, worker_context
    from orbitview.io.atomic import check_output_path, write_atomically
    from orbitview.io.catalog_files import load_catalogs
    from orbitview.io.conjunction_files import cdm_kvn, screening_csv, screening_json

    out = Path(args.out)
    if out.suffix.lower() not in OUTPUT_SUFFIXES:
        raise OrbitviewError(f"--out must end in .json or .csv, not {out.name!r}")
    check_output_path(out, args.files)
    if args.cdm is not None and not Path(args.cdm).is_dir():
        raise OrbitviewError(f"--cdm: no folder {args.cdm!r}")
    span_s = parse_duration(args.span)
    step_s = parse_duration(args.step) if args.step is not None else None
    if span_s <= 0 or (step_s is not None and step_s <= 0):
        raise OrbitviewError("--span and --step must be positive")
    if not args.threshold > 0:
        raise OrbitviewError("--threshold must be a positive number of km")
    if not args.hard_body_radius > 0:
        raise OrbitviewError("--hard-body-radius must be a positive number of metres")
    if args.workers is not None and args.workers < 1:
        raise OrbitviewError("--workers must be at least 1")
    start_s = parse_time_option("--start", args.start) if args.start is not None else None
    address = scheduler_address(args.scheduler)
    if address is not None and args.workers is not None:
        raise OrbitviewError("--workers counts this machine's processes: leave it out with --scheduler "
                             "(the cluster's workers are its own)")
    workers = args.workers or usable_cores()
    if address is None and workers > 1:
        worker_context()  # the worker server boots while the catalogue loads
    loaded = load_catalogs(args.files)
    report_problems(loaded.problems)
    catalog = loaded.catalog
    if len(catalog) < 2:
        raise OrbitviewError(f"{len(catalog)} objects loaded: screening needs at least two")
    primaries = None if args.primary is None else _primary_rows(catalog.norad_id, args.primary)
    if start_s is None:
        start_s = float(np.median(catalog.epoch_s))
    settings = dict(primaries=primaries, step_s=step_s, hard_body_radius_km=args.hard_body_radius / 1000.0)
    if address is None:
        screening = _screen(catalog, start_s, span_s, args.threshold, f"{workers} cores", workers=workers, **settings)
    else:
        from orbitview.services.cluster import ClusterRunner, connect, describe

        with connect(address) as client:
            screening = _screen(catalog, start_s, span_s, args.threshold, describe(client),
                                runner=ClusterRunner(client), **settings)
    raise_if_stopped()
    text = screening_json(screening) if out.suffix.lower() == ".json" else screening_csv(screening)
    write_atomically(out, text)
    if args.cdm is not None:
        created = now_utc()
        for k, event in enumerate(screening.encounters):
            raise_if_stopped()
            name = f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime(event.tca_s))}_{event.a}_{event.b}_{k:04d}"
            stretches = tuple(c for c in screening.co_located if (c.a, c.b) == (event.a, event.b))
            write_atomically(Path(args.cdm) / f"{name}.cdm", cdm_kvn(event, created, name, stretches))
    print(
        f"wrote {out}: {len(screening.encounters):,} encounters under {args.threshold:g} km and "
        f"{len(screening.co_located):,} co-located stretches, {format_utc(start_s)} + {span_s / 3600:g} h",
        file=sys.stderr,
    )
    return 0


def _screen(catalog, start_s: float, span_s: float, threshold_km: float, on: str, **settings):
    """``screen`` with progress on stderr, which says where the work runs (``on``)."""
    from orbitview.core.conjunctions import screen
    from orbitview.core.conjunctions.screen import DEFAULT_STEP_S, screening_times

    times_s = screening_times(start_s, span_s, settings["step_s"] or DEFAULT_STEP_S)
    progress = Progress(len(times_s) * len(catalog), f"{len(catalog):,} objects over {span_s / 3600:g} h on {on}")
    done = [0]

    def on_block(states: int, total: int) -> None:
        progress.total = total  # with primaries, only the objects in their bands
        progress.update(states - done[0])
        done[0] = states
        raise_if_stopped()

    screening = screen(catalog, start_s, span_s, threshold_km, on_block=on_block, **settings)
    progress.finish()
    return screening


def _primary_rows(norad_id: np.ndarray, text: str) -> np.ndarray:
    """Rows of the catalogue numbers in ``text`` (comma-separated)."""
    try:
        wanted = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise OrbitviewError(f"--primary: expected catalogue numbers such as 25544,48274, not {text!r}") from None
    missing = [n for n in wanted if n not in set(norad_id.tolist())]
    if not wanted or missing:
        raise OrbitviewError(f"--primary: {', '.join(map(str, missing)) or 'nothing'} not in the loaded catalogue")
    return np.flatnonzero(np.isin(norad_id, wanted))
