"""``orbitview breakup EVENT --out FILE``: model a breakup into fragment element sets.

EVENT is a preset (``orbitview breakup --list``) or ``custom`` (an object of a loaded file at a
chosen time). Output by the name's ending: ``.tle``, ``.3le``, ``.omm.json``, ``.omm.csv``,
``.omm.xml`` (element sets, via ``orbitview.io.writers``) or ``.h5`` (trajectories, via
``orbitview.io.trajectories``). ``--gabbard PNG`` draws the fragments' Gabbard diagram, next to
a loaded cloud with ``--compare FILE``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from orbitview.core.errors import OrbitviewError

FORMATS = {".omm.json": "omm.json", ".omm.csv": "omm.csv", ".omm.xml": "omm.xml",
           ".tle": "tle", ".3le": "3le"}
DEFAULT_MIN_SIZE_M = 0.1
DEFAULT_SEED = 1
BEFORE_EVENT_S = 600.0  # .h5 output starts this long before the event, to show the parent


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
                        help="first synthetic catalogue number (default 270000, see docs/breakup.md)")
    parser.add_argument("--gabbard", metavar="PATH.png", help="draw the fragments' Gabbard diagram")
    parser.add_argument("--compare", metavar="FILE",
                        help="with --gabbard: a real (loaded) cloud drawn beside the model")
    parser.add_argument("--days", type=float, default=60.0,
                        help="with .h5 output: days after the event to cover (default 60)")
    parser.add_argument("--step", type=float, default=300.0, metavar="SECONDS",
                        help="with .h5 output: time between samples (default 300)")
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
    from orbitview.commands.common import report_problems
    from orbitview.io.catalog_files import load_catalog

    loaded = load_catalog(args.catalog)
    report_problems(loaded.problems)
    return custom_event(
        loaded.catalog, args.object, args.time, EventKind(args.kind), mass_kg=args.mass,
        projectile_mass_kg=args.projectile_mass, closing_speed_km_s=args.speed,
        body_kind=BodyKind.ROCKET_BODY if args.rocket_body else BodyKind.SPACECRAFT)


def _write_elements(catalog, path: str, fmt: str) -> None:
    from orbitview.io.writers import write_catalog

    write_catalog(catalog, path, fmt)


def _write_trajectories(result, path: str, days: float, step_s: float) -> None:
    """Parents and fragments from ``BEFORE_EVENT_S`` before the event to ``days`` after it, GCRS.

    All objects are stored at all times; a viewer shows parents before the event time and
    fragments after it (the file's objects say which is which by name and class).
    """
    from orbitview.core.catalog import Catalog
    from orbitview.core.interrupts import raise_if_stopped
    from orbitview.core.propagate import propagate_blocks
    from orbitview.io.trajectories import TrajectoryWriter

    if days <= 0 or step_s <= 0:
        raise OrbitviewError("--days and --step must be positive")
    catalog = Catalog.concatenate([result.parents, result.element_sets.catalog])
    t0 = result.event.time_s - BEFORE_EVENT_S
    times_s = t0 + step_s * np.arange(int((BEFORE_EVENT_S + days * 86400.0) // step_s) + 1)
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
    if args.gabbard and not args.gabbard.lower().endswith(".png"):
        raise OrbitviewError(f"--gabbard {args.gabbard}: the diagram is written as PNG (.png)")
    out_format = _format(args.out) if args.out else None
    parent_format = _format(args.parent_out) if args.parent_out else None
    if parent_format == "h5":
        raise OrbitviewError("--parent-out takes an element-set format, not .h5")
    _check_outputs(args)

    from orbitview.core.breakup_presets import run_event
    from orbitview.core.fragment_sets import SYNTHETIC_ID_FIRST

    event, parents = _event_and_parents(args)
    first_id = SYNTHETIC_ID_FIRST if args.first_id is None else args.first_id
    result = run_event(event, args.min_size, args.seed, first_id=first_id, parents=parents)
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
    from orbitview.render.gabbard_image import Panel, write_gabbard_png

    parent_period = float(gabbard.from_catalog(result.parents.take([0])).period_min[0])
    panels = [Panel(f"Model, {format_utc(result.event.time_s, seconds=False)}",
                    gabbard.from_catalog(result.element_sets.catalog), parent_period)]
    if compare:
        from orbitview.io.catalog_files import load_catalog

        real = load_catalog(compare).catalog
        epoch = format_utc(float(np.median(real.epoch_s)), seconds=False)[:10]
        panels.append(Panel(f"{Path(compare).name}, {epoch}", gabbard.from_catalog(real),
                            parent_period))
    write_gabbard_png(path, panels, title=f"{result.event.title}: Gabbard diagram")
