"""``orbitview precompute``: propagate catalogues over a span into an HDF5 trajectory file,
or into a CCSDS OEM or CZML for other tools (docs/ephemerides.md).

SGP4 runs in worker processes on every usable core; this process converts nothing, it only
writes the blocks in time order and reports progress. The output appears at ``--out`` only when
complete (see ``TrajectoryWriter``), so Ctrl-C, SIGTERM or SIGHUP leave nothing behind (exit
130, 143, 129), and the workers end with this process however it ends (``propagate_blocks``).
OEM and CZML outputs, and OEM inputs (resampled onto the grid from their own states), are
computed in this process in float64 and written at once.
"""

from __future__ import annotations

import math
import sys
import time

import numpy as np

from orbitview.commands.common import (
    add_satcat_argument, check_trajectory_size, parse_time_option, sample_count, sample_times)
from orbitview.core.durations import parse_duration
from orbitview.core.errors import OrbitviewError
from orbitview.core.interrupts import raise_if_stopped
from orbitview.core.orbits.propagate import (DEFAULT_BLOCK_STATES, FRAMES, propagate, propagate_blocks, usable_cores,
                                      worker_context)
from orbitview.core.orbits.times import format_utc
from orbitview.io.atomic import format_bytes
from orbitview.io.oem import looks_like_oem, open_oem
from orbitview.services.cluster import add_scheduler_argument, scheduler_address

#: Outputs written as text for other tools rather than as a trajectory file.
EPHEMERIS_SUFFIXES = (".oem", ".czml")
#: The status of an object resampled from an OEM at a time none of its segments covers.
ABSENT_STATUS = 254


def add_arguments(parser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="element-set files (TLE/3LE, OMM), or OEM files resampled onto the grid")
    parser.add_argument("--start", required=True, metavar="ISO8601", help="first time, UTC")
    parser.add_argument("--span", required=True, metavar="DURATION", help="length: 90m, 24h, 7d or seconds")
    parser.add_argument("--step", required=True, metavar="SECONDS", help="time between samples (60, 2m, ...)")
    parser.add_argument("--out", required=True, metavar="FILE.h5|.oem|.czml",
                        help="trajectory file to write (.h5), or a CCSDS OEM (.oem) or CZML (.czml) for other tools")
    parser.add_argument("--frame", default="GCRS", choices=FRAMES, help="frame of the stored states (default GCRS)")
    parser.add_argument(
        "--workers", type=int, default=None, metavar="N", help="processes to use (default: every usable core)"
    )
    parser.add_argument(
        "--block-states",
        type=int,
        default=DEFAULT_BLOCK_STATES,
        metavar="N",
        help=f"object-times per work block; bounds memory (default {DEFAULT_BLOCK_STATES:,})",
    )
    add_satcat_argument(parser)
    add_scheduler_argument(parser)


def run(args) -> int:
    from orbitview.io.atomic import check_output_path
    from orbitview.io.satcat import apply_satcat, choose_satcat
    from orbitview.services.sources import TRAJECTORY_SUFFIXES

    suffix = check_output_path(args.out, args.files).suffix.lower()
    if suffix not in TRAJECTORY_SUFFIXES + EPHEMERIS_SUFFIXES:
        raise OrbitviewError(f"--out {args.out}: precompute writes HDF5 trajectory files, CCSDS OEM or CZML; "
                             f"end the name in {', '.join(TRAJECTORY_SUFFIXES + EPHEMERIS_SUFFIXES)}")
    if suffix in EPHEMERIS_SUFFIXES and args.frame != "GCRS":
        raise OrbitviewError(f"{args.out}: OEM and CZML are written in the inertial frame: leave out --frame {args.frame}")
    start_s = parse_time_option("--start", args.start)
    span_s, step_s = parse_duration(args.span), parse_duration(args.step)
    count = sample_count(start_s, span_s, step_s)  # checked before the files load
    if args.workers is not None and args.workers < 1:
        raise OrbitviewError("--workers must be at least 1")
    if args.block_states < 1:
        raise OrbitviewError("--block-states must be at least 1")
    address = scheduler_address(args.scheduler)
    if address is not None and args.workers is not None:
        raise OrbitviewError("--workers counts this machine's processes: leave it out with --scheduler "
                             "(the cluster's workers are its own)")
    workers = args.workers or usable_cores()
    if address is None and workers > 1 and suffix not in EPHEMERIS_SUFFIXES:
        worker_context()  # the worker server boots while the catalogue loads
    ephemeris_files = [f for f in args.files if looks_like_oem(f)]
    if ephemeris_files and len(ephemeris_files) < len(args.files):
        raise OrbitviewError("precompute takes element sets or OEM files, not both at once")
    if address is not None and (ephemeris_files or suffix in EPHEMERIS_SUFFIXES):
        raise OrbitviewError("--scheduler runs SGP4 blocks into a trajectory file (.h5) from element sets; "
                             "OEM inputs and .oem/.czml outputs are computed here")
    catalog, ephemerides, problems = _inputs(args.files, bool(ephemeris_files))
    satcat = choose_satcat(args.satcat)
    if satcat is not None:
        catalog = apply_satcat(catalog, satcat.classes)
    if problems:
        print(f"orbitview: skipped {len(problems)} damaged records; first: {problems[0]}", file=sys.stderr)
    size = check_trajectory_size(args.out, count, len(catalog)) if suffix not in EPHEMERIS_SUFFIXES else 0
    times_s = sample_times(start_s, span_s, step_s)
    total = len(times_s) * len(catalog)
    if ephemerides is not None or suffix in EPHEMERIS_SUFFIXES:
        how = "resampled from the OEM" if ephemerides is not None else "in float64"
        progress = Progress(total, f"{len(catalog):,} objects x {len(times_s):,} times {how}")
        if ephemerides is not None:
            states = ephemerides.sample(times_s, args.frame)
        else:
            sgp4 = propagate(catalog, times_s, args.frame)
            states = sgp4.position_km, sgp4.velocity_km_s, sgp4.error == 0
        progress.update(total)
        raise_if_stopped()
        _write_states(args.out, suffix, catalog, times_s, args.frame, states)
    elif address is not None:
        from orbitview.services.cluster import connect

        with connect(address) as client:
            progress = _write_trajectories(args, catalog, times_s, total, size, client=client)
    else:
        progress = _write_trajectories(args, catalog, times_s, total, size, workers=workers)
    progress.finish()
    print(
        f"wrote {args.out}: {len(catalog):,} objects, {format_utc(times_s[0])} to {format_utc(times_s[-1])} "
        f"every {times_s[1] - times_s[0]:g} s, {args.frame}, "
        f"classes from the {satcat.label if satcat else 'names (no SATCAT)'}",
        file=sys.stderr,
    )
    return 0


class Progress:
    """States done, rate and ETA on stderr: a live bar on a terminal, else a line every 10 s."""

    def __init__(self, total: int, what: str, stream=None) -> None:
        self.total = total
        self.done = 0
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self.started = self.last = time.monotonic()
        print(f"propagating {what}", file=self.stream)

    def update(self, states: int) -> None:
        self.done += states
        now = time.monotonic()
        if self.live or now - self.last >= 10.0:
            self.last = now
            self._show(now)

    def _show(self, now: float) -> None:
        elapsed = max(now - self.started, 1e-9)
        rate = self.done / elapsed
        eta = (self.total - self.done) / rate if rate > 0 else float("inf")
        fraction = self.done / self.total if self.total else 1.0
        text = (
            f"{fraction:6.1%} {self.done:,}/{self.total:,} states  {rate / 1e6:.2f}M states/s  "
            f"ETA {_clock(eta)}"
        )
        if self.live:
            bar = "#" * int(30 * fraction)
            self.stream.write(f"\r[{bar:<30}] {text}\x1b[K")
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def finish(self) -> None:
        now = time.monotonic()
        self._show(now)
        if self.live:
            self.stream.write("\n")
        print(f"done in {_clock(now - self.started)}", file=self.stream)


def _write_trajectories(args, catalog, times_s: np.ndarray, total: int, size: int, *, workers: int = 1,
                        client=None) -> "Progress":
    """Propagate in worker processes, or on the Dask cluster of ``client``, writing each
    float32 block as it comes."""
    from orbitview.io.trajectories import TrajectoryWriter, chunk_times

    # The workers start first, so they build their satrecs while the file is laid out.
    where = {"block_states": args.block_states, "align": chunk_times(len(catalog))}
    if client is None:
        blocks = propagate_blocks(catalog.sgp4_elements, times_s, args.frame, workers=workers, **where)
        on = f"{workers} cores"
    else:
        from orbitview.services.cluster import describe, propagate_blocks_on

        blocks = propagate_blocks_on(client, catalog.sgp4_elements, times_s, args.frame, **where)
        on = describe(client)
    try:
        with TrajectoryWriter(args.out, catalog, times_s, args.frame) as writer:
            progress = Progress(total, f"{len(catalog):,} objects x {len(times_s):,} times on {on} "
                                       f"into {args.out} (about {format_bytes(size)})")
            for start, position, velocity, status in blocks:
                writer.write(start, position, velocity, status)
                progress.update(position.shape[0] * position.shape[1])
                # A stop signal can land in a weakref callback, where Python prints nothing
                # and goes on: it is raised again here, so the run still stops.
                raise_if_stopped()
            raise_if_stopped()  # the file is renamed into place when this block ends
    finally:
        blocks.close()
    return progress


def _inputs(files: list[str], ephemerides: bool):
    """``(catalog, Ephemerides or None, problems)`` of the input files: element sets, or OEM
    files whose objects keep their own states (their elements fitted, see ``open_oem``)."""
    from orbitview.io.catalog_files import load_catalogs

    if not ephemerides:
        loaded = load_catalogs(files)
        return loaded.catalog, None, loaded.problems
    from orbitview.core.orbits.catalog import Catalog
    from orbitview.core.orbits.ephemeris import Ephemerides

    opened = [open_oem(f) for f in files]
    segments = [object_segments for e, _, _ in opened for object_segments in e.segments]
    catalog = Catalog.concatenate([c for _, c, _ in opened])
    return catalog, Ephemerides(segments, ", ".join(files)), [p for _, _, found in opened for p in found]


def _write_states(path: str, suffix: str, catalog, times_s: np.ndarray, frame: str, states) -> None:
    """Write (T, N, 3) float64 positions and velocities and (T, N) validity as a trajectory
    file, an OEM (KVN) or CZML; the text outputs in one atomic write, from float64 (float32
    would round positions by up to 0.25 m, which the readers' interpolation amplifies)."""
    from orbitview.io.atomic import write_atomically

    position, velocity, valid = states
    if suffix not in EPHEMERIS_SUFFIXES:
        from orbitview.io.trajectories import TrajectoryWriter

        status = np.where(valid, 0, ABSENT_STATUS).astype(np.uint8)
        with TrajectoryWriter(path, catalog, times_s, frame) as writer:
            writer.write(0, position.astype(np.float32), velocity.astype(np.float32), status)
            raise_if_stopped()
        return
    if suffix == ".oem":
        from orbitview.io.oem import format_oem

        ids = [d or str(number) for d, number in zip(catalog.intl_designator, catalog.norad_id)]
        text = format_oem(catalog.name, ids, times_s, position, velocity, valid)
    else:
        from orbitview.io.czml import format_czml
        from orbitview.render.adapters.colors import class_colors

        text = format_czml(catalog.name, catalog.norad_id, class_colors(catalog.object_class), times_s, position, valid)
    raise_if_stopped()
    write_atomically(path, text)


def _clock(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "--:--"
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes // 60}:{minutes % 60:02d}:{secs:02d}" if minutes >= 60 else f"{minutes}:{secs:02d}"
