"""``orbitview breakup EVENT --out FILE``: model a breakup into fragment element sets.

EVENT is a preset (``orbitview breakup --list``) or ``custom`` (an object of a loaded file at a
chosen time). Output by the name's ending: ``.tle``, ``.3le``, ``.omm.json``, ``.omm.csv``,
``.omm.xml`` (element sets, via ``orbitview.io.writers``) or ``.h5`` (trajectories, via
``orbitview.io.trajectories``). ``--gabbard PATH`` (PNG, SVG or PDF) draws the fragments' Gabbard diagram, next to
a loaded cloud with ``--compare FILE``.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np

from orbitview.commands.common import check_trajectory_size, number_in, sample_count, sample_times
from orbitview.core.errors import OrbitviewError

FORMATS = {".omm.json": "omm.json", ".omm.csv": "omm.csv", ".omm.xml": "omm.xml",
           ".tle": "tle", ".3le": "3le"}
DEFAULT_MIN_SIZE_M = 0.1
DEFAULT_SEED = 1
BEFORE_EVENT_S = 600.0  # .h5 output starts this long before the event, to show the parent
#: .h5 sample step: interpolation stays within 5 m of SGP4 in orbit (docs/trajectories.md).
DEFAULT_STEP_S = 60.0
#: Custom events: heavier than any object in orbit (the ISS is about 420,000 kg).
MAX_MASS_KG = 1.0e6
#: Custom collisions: above the fastest meteoroids (about 72 km/s), far above orbital closings.
MAX_CLOSING_SPEED_KM_S = 80.0


def add_arguments(parser) -> None:
    parser.add_argument("event", nargs="?", metavar="EVENT",
                        help="a preset name (see --list) or 'custom'")
    parser.add_argument("--list", action="store_true", help="name the presets and exit")
    parser.add_argument("--out", metavar="FILE",
                        help="fragments file: .omm.json, .omm.csv, .omm.xml, .tle, .3le or .h5")
    parser.add_argument("--parent-out", metavar="FILE", help="also write the parent element set(s)")
    parser.add_argument("--min-size", type=float, default=DEFAULT_MIN_SIZE_M, metavar="METRES",
                        help=f"smallest fragment modelled, m (default {DEFAULT_MIN_SIZE_M})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="N",
                        help=f"random seed; the same seed gives the same fragments (default {DEFAULT_SEED})")
    parser.add_argument("--first-id", type=int, default=None, metavar="NORAD",
                        help="first synthetic catalogue number (default 200000, see docs/breakup.md)")
    parser.add_argument("--count-scale", type=float, default=None, metavar="FACTOR",
                        help="multiply the model's fragment counts (default: the preset's, 1 for "
                        "custom events; see docs/breakup.md)")
    parser.add_argument("--max-delta-v", type=float, default=None, metavar="M_S",
                        help="truncate ejection speeds at this many m/s, 0 for no truncation "
                        "(default: the preset's, none for custom events)")
    parser.add_argument("--remnant-mass", type=float, default=None, metavar="KG",
                        help="keep the target's largest remnant intact with this mass, 0 for none "
                        "(default: the preset's, none for custom events)")
    parser.add_argument("--gabbard", metavar="PATH.png|svg|pdf", help="draw the fragments' Gabbard diagram")
    parser.add_argument("--compare", metavar="FILE",
                        help="with --gabbard: a real (loaded) cloud drawn beside the model")
    parser.add_argument("--days", type=float, default=60.0,
                        help="with .h5 output: days after the event to cover (default 60)")
    parser.add_argument("--step", type=float, default=DEFAULT_STEP_S, metavar="SECONDS",
                        help=f"with .h5 output: time between samples (default {DEFAULT_STEP_S:g})")
    custom = parser.add_argument_group("custom event")
    custom.add_argument("--catalog", metavar="FILE", help="element-set file holding the object")
    custom.add_argument("--object", type=int, metavar="NORAD", help="catalogue number of the parent")
    custom.add_argument("--time", metavar="ISO8601", help="event time, UTC")
    custom.add_argument("--kind", choices=("collision", "explosion"), default="explosion")
    custom.add_argument("--mass", type=float, metavar="KG", help="parent mass, kg")
    custom.add_argument("--rocket-body", action="store_true",
                        help="use the rocket-body area-to-mass law")
    custom.add_argument("--projectile-mass", type=float, default=0.0, metavar="KG")
    custom.add_argument("--speed", type=float, default=0.0, metavar="KM_S",
                        help="collision: closing speed, km/s (the projectile comes head-on)")


def _format(path: str) -> str:
    lower = path.lower()
    for ending, fmt in FORMATS.items():
        if lower.endswith(ending):
            return fmt
    if lower.endswith(".h5"):
        return "h5"
    raise OrbitviewError(
        f"{path}: unknown output format; end the name in {', '.join(FORMATS)} or .h5")


def _check_outputs(args) -> None:
    """Each output can be written, names no input, and no two outputs name the same file."""
    from orbitview.io.atomic import check_output_path

    inputs = [p for p in (args.catalog, args.compare) if p]
    outputs = [(option, p) for option, p in (("--out", args.out), ("--parent-out", args.parent_out),
                                             ("--gabbard", args.gabbard)) if p]
    for option, path in outputs:
        check_output_path(path, inputs)
    for k, (option, path) in enumerate(outputs):
        for other, other_path in outputs[k + 1:]:
            if Path(path).resolve() == Path(other_path).resolve():
                raise OrbitviewError(f"{option} and {other} both name {path}")


def _list_presets() -> int:
    from orbitview.core.breakup_presets import PRESETS

    for key, event in PRESETS.items():
        print(f"{key:22s} {event.title}")
        print(f"{'':22s} source: {event.citation}")
    return 0


def _event_and_parents(args):
    from orbitview.core.breakup import BodyKind, EventKind
    from orbitview.core.breakup_presets import custom_event, preset

    if args.event != "custom":
        return preset(args.event), None
    missing = [o for o, v in (("--catalog", args.catalog), ("--object", args.object),
                              ("--time", args.time), ("--mass", args.mass)) if v is None]
    if missing:
        raise OrbitviewError(f"a custom event needs {', '.join(missing)}")
    number_in("--mass", args.mass, 0.0, MAX_MASS_KG, above_low=True, unit="kg")
    number_in("--projectile-mass", args.projectile_mass, 0.0, MAX_MASS_KG, unit="kg")
    number_in("--speed", args.speed, 0.0, MAX_CLOSING_SPEED_KM_S, unit="km/s")
    from orbitview.commands.common import report_problems
    from orbitview.io.catalog_files import load_catalog

    loaded = load_catalog(args.catalog)
    report_problems(loaded.problems)
    return custom_event(
        loaded.catalog, args.object, args.time, EventKind(args.kind), mass_kg=args.mass,
        projectile_mass_kg=args.projectile_mass, closing_speed_km_s=args.speed,
        body_kind=BodyKind.ROCKET_BODY if args.rocket_body else BodyKind.SPACECRAFT)


def _calibration(event, args):
    """The event's calibration with ``--count-scale``, ``--max-delta-v`` and ``--remnant-mass``
    put in."""
    from dataclasses import replace

    calibration = event.calibration
    if args.count_scale is not None:
        if not 0 < args.count_scale <= 100:
            raise OrbitviewError(f"--count-scale must be above 0 and at most 100, not {args.count_scale:g}")
        calibration = replace(calibration, count_scale=args.count_scale)
    if args.max_delta_v is not None:
        if not (args.max_delta_v == 0 or args.max_delta_v >= 1.0):
            raise OrbitviewError(
                f"--max-delta-v must be 0 (none) or at least 1 m/s, not {args.max_delta_v:g}")
        calibration = replace(calibration, max_delta_v_km_s=args.max_delta_v / 1e3 or None)
    if args.remnant_mass is not None:
        if not 0 <= args.remnant_mass <= event.target.mass_kg:
            raise OrbitviewError(f"--remnant-mass must be between 0 (none) and the target's "
                                 f"{event.target.mass_kg:g} kg, not {args.remnant_mass:g}")
        calibration = replace(calibration, remnant_mass_kg=args.remnant_mass)
    return calibration


def _check_ids_fit(norad_id: np.ndarray, out_format: str | None, first_id: int | None) -> None:
    """TLE and 3LE hold catalogue numbers up to 339999 (Alpha-5); OMM and .h5 up to ``ID_LAST``."""
    from orbitview.core.fragment_sets import ID_LAST
    from orbitview.core.sgp4_elements import MAX_SGP4_SATNUM

    tle = out_format in ("tle", "3le")
    last, holder = (MAX_SGP4_SATNUM, "a TLE holds (Alpha-5)") if tle else (ID_LAST, "orbitview writes")
    if norad_id.size and norad_id.max() > last:
        raise OrbitviewError(
            f"--first-id {first_id}: fragment numbers would reach {norad_id.max()}, past what "
            f"{holder}, {last}")


def _write_elements(catalog, path: str, fmt: str) -> None:
    from orbitview.io.writers import write_catalog

    write_catalog(catalog, path, fmt)


def _trajectory_span(event, days: float, step_s: float) -> tuple[float, float]:
    """(first time, span) of the .h5 output, POSIX s; refuses what ``sample_count`` refuses."""
    number_in("--days", days, 0.0, math.inf, above_low=True)
    number_in("--step", step_s, 0.0, math.inf, above_low=True, unit="s")
    span = (event.time_s - BEFORE_EVENT_S, BEFORE_EVENT_S + days * 86400.0)
    sample_count(*span, step_s)
    return span


def _write_trajectories(result, path: str, days: float, step_s: float) -> None:
    """Parents and fragments from ``BEFORE_EVENT_S`` before the event to ``days`` after it, GCRS.

    All objects are stored at all times; a viewer shows parents before the event time and
    fragments after it (the file's objects say which is which by name and class).
    """
    from orbitview.core.catalog import Catalog
    from orbitview.core.interrupts import raise_if_stopped
    from orbitview.core.propagate import propagate_blocks
    from orbitview.io.atomic import format_bytes
    from orbitview.io.trajectories import TrajectoryWriter

    catalog = Catalog.concatenate([result.parents, result.element_sets.catalog])
    span = _trajectory_span(result.event, days, step_s)
    size = check_trajectory_size(path, sample_count(*span, step_s), len(catalog))
    times_s = sample_times(*span, step_s)
    print(f"writing {path}: {len(catalog):,} objects x {len(times_s):,} times, about {format_bytes(size)}",
          file=sys.stderr)
    with TrajectoryWriter(path, catalog, times_s, "GCRS") as writer:
        blocks = propagate_blocks(catalog.sgp4_elements, times_s, "GCRS", align=writer.chunk_times)
        try:
            for start, position, velocity, status in blocks:
                writer.write(start, position, velocity, status)
                raise_if_stopped()  # a stop signal Python dropped in a callback
            raise_if_stopped()
        finally:
            blocks.close()


def _report(result) -> None:
    f, sets = result.fragments, result.element_sets
    residual_m = sets.residual_position_km * 1e3
    print(f"{result.event.title}: {len(f):,} fragments >= {f.lc_min_m:g} m "
          f"({'catastrophic ' if f.catastrophic else ''}{f.kind.value}, seed {result.seed})")
    tuned = result.calibration.describe()
    if tuned:
        print(f"  calibrated: {tuned} (docs/breakup.md); the mass budget is M times the count scale")
    print(f"  mass: budget {f.mass_budget_kg:,.0f} kg, in fragments {f.mass_kg.sum():,.0f} kg, "
          f"below {f.lc_min_m:g} m {f.unmodelled_mass_kg:,.0f} kg; {f.dropped:,} sampled fragments "
          "dropped to keep within the budget")
    print(f"  in orbit: {len(sets.catalog):,} element sets; {sets.reentered:,} re-enter at once "
          f"(perigee below 100 km or unbound); {sets.failed} refused by SGP4")
    if residual_m.size:
        print(f"  fit: SGP4 at the epoch reproduces the modelled position to "
              f"median {np.median(residual_m):.2g} m, max {residual_m.max():.2g} m")
    print(f"  source: {result.event.citation}")


def run(args) -> int:
    if args.list:
        return _list_presets()
    if not args.event:
        raise OrbitviewError("name an event (orbitview breakup --list shows the presets)")
    if not (args.out or args.gabbard):
        raise OrbitviewError("say where the result goes: --out FILE and/or --gabbard PATH.png")
    if args.compare and not args.gabbard:
        raise OrbitviewError("--compare draws beside the model's Gabbard diagram: add --gabbard PATH.png")
    if args.gabbard:
        from orbitview.render.plots import plot_format

        plot_format(f"--gabbard {args.gabbard}")
    out_format = _format(args.out) if args.out else None
    parent_format = _format(args.parent_out) if args.parent_out else None
    if parent_format == "h5":
        raise OrbitviewError("--parent-out takes an element-set format, not .h5")
    _check_outputs(args)

    from orbitview.core.breakup import FragmentCountError
    from orbitview.core.breakup_presets import run_event
    from orbitview.core.fragment_sets import ID_LAST, SYNTHETIC_ID_FIRST

    if args.seed < 0:
        raise OrbitviewError(f"--seed {args.seed}: expected 0 or more")
    event, parents = _event_and_parents(args)
    if out_format == "h5":
        _trajectory_span(event, args.days, args.step)  # before the model runs
    first_id = SYNTHETIC_ID_FIRST if args.first_id is None else args.first_id
    if not 0 <= first_id <= ID_LAST:
        raise OrbitviewError(f"--first-id must be between 0 and {ID_LAST}, not {first_id}")
    try:
        result = run_event(event, args.min_size, args.seed, first_id=first_id, parents=parents,
                           calibration=_calibration(event, args))
    except FragmentCountError as exc:
        raise OrbitviewError(f"--min-size {args.min_size:g} m: {exc}") from None
    _check_ids_fit(result.element_sets.catalog.norad_id, out_format, args.first_id)
    _report(result)
    if out_format == "h5":
        _write_trajectories(result, args.out, args.days, args.step)
    elif out_format:
        _write_elements(result.element_sets.catalog, args.out, out_format)
    if args.out:
        print(f"wrote {args.out}")
    if parent_format:
        _write_elements(result.parents, args.parent_out, parent_format)
        print(f"wrote {args.parent_out}")
    if args.gabbard:
        _write_gabbard(result, args.gabbard, args.compare)
        print(f"wrote {args.gabbard}")
    return 0


def _write_gabbard(result, path: str, compare: str | None) -> None:
    from orbitview.core import gabbard
    from orbitview.core.times import format_utc
    from orbitview.render.plots import Panel, draw_gabbard, new_figure, write_figure

    parent_period = float(gabbard.from_catalog(result.parents.take([0])).period_min[0])
    panels = [Panel(f"Model, {format_utc(result.event.time_s, seconds=False)}",
                    gabbard.from_catalog(result.element_sets.catalog), parent_period)]
    if compare:
        from orbitview.io.catalog_files import load_catalog

        real = load_catalog(compare).catalog
        epoch = format_utc(float(np.median(real.epoch_s)), seconds=False)[:10]
        panels.append(Panel(f"{Path(compare).name}, {epoch}", gabbard.from_catalog(real),
                            parent_period))
    figure = new_figure()
    draw_gabbard(figure, panels, title=f"{result.event.title}: Gabbard diagram")
    write_figure(figure, path)
