"""``orbitview plot gabbard|altitude|range FILE... --out PATH.png|svg|pdf``: a plot for a slide.

- ``gabbard``: apogee and perigee altitude against period, one panel per file (side by side,
  same axes); ``altitude``: the histogram of the same altitudes. From the element sets (mean
  elements, at their epochs), or with ``--time`` osculating from SGP4 states at that time.
- ``range``: the range between two objects (``--pair A B``) from ``--start`` to ``--end``,
  SGP4 in float64, each closest approach solved and marked.

The format follows the name's ending; the drawing is the window's plot docks' (``render.plots``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from orbitview.commands.common import add_satcat_argument, parse_time_option, report_problems
from orbitview.core.errors import OrbitviewError

#: The range plot's span when ``--end`` is left out: a few orbits either side of a TCA.
DEFAULT_RANGE_SPAN_S = 6 * 3600.0
#: The longest range plot: SAMPLES points over a week are still a minute and a half apart.
MAX_RANGE_SPAN_S = 7 * 86400.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=("gabbard", "altitude", "range"), help="which plot")
    parser.add_argument("files", nargs="+", metavar="FILE", help="TLE/3LE or OMM element-set files")
    parser.add_argument("--out", required=True, metavar="PATH", help="the plot: .png, .svg or .pdf")
    parser.add_argument("--time", metavar="ISO8601",
                        help="gabbard/altitude: osculating values at this time (default: the element sets)")
    parser.add_argument("--pair", nargs=2, metavar="OBJECT",
                        help="range: two catalogue numbers, each NORAD or FILE:NORAD (FILE counts from 1)")
    parser.add_argument("--start", metavar="ISO8601", help="range: the span's start")
    parser.add_argument("--end", metavar="ISO8601", help="range: the span's end (default: 6 hours on)")
    parser.add_argument("--title", default="", help="the heading over the plot")
    add_satcat_argument(parser)


def run(args) -> int:
    from orbitview.io.atomic import check_output_path
    from orbitview.render.plots import plot_format

    plot_format(args.out)
    check_output_path(args.out, args.files)
    if args.kind == "range":
        if args.time is not None:
            raise OrbitviewError("--time is for gabbard and altitude; a range plot takes --start and --end")
        figure = _range_figure(args)
    else:
        if args.pair or args.start or args.end:
            raise OrbitviewError(f"--pair, --start and --end are for the range plot, not {args.kind}")
        figure = _cloud_figure(args)
    from orbitview.render.plots import write_figure

    write_figure(figure, args.out)
    print(f"wrote {args.out}")
    return 0


def _layers(args) -> list:
    from orbitview.io.sources import open_source

    layers = []
    for path in args.files:
        source = open_source(path, args.satcat)
        report_problems(source.problems)
        layers.append(source.layer)
    return layers


def _cloud_figure(args):
    from orbitview.core import gabbard
    from orbitview.core.times import format_utc
    from orbitview.render.plots import Panel, draw_altitude_histogram, draw_gabbard, new_figure

    t_s = parse_time_option("--time", args.time) if args.time is not None else None
    panels = []
    for layer in _layers(args):
        if t_s is None:
            panels.append(Panel(f"{layer.name}, element sets", gabbard.from_catalog(layer.catalog)))
        else:
            panels.append(Panel(f"{layer.name}, {format_utc(t_s, seconds=False)}",
                                gabbard.at_time(layer.catalog, t_s)))
    figure = new_figure((6.4 * len(panels), 7.2))
    draw = draw_gabbard if args.kind == "gabbard" else draw_altitude_histogram
    title = args.title or ("Gabbard diagram" if args.kind == "gabbard" else "Apogee and perigee altitudes")
    draw(figure, panels, title=title)
    return figure


def _range_figure(args):
    from orbitview.core.conjunctions.pair_range import pair_range
    from orbitview.render.plots import draw_range, new_figure

    if not args.pair or not args.start:
        raise OrbitviewError("a range plot needs --pair A B and --start (and optionally --end)")
    start_s = parse_time_option("--start", args.start)
    end_s = parse_time_option("--end", args.end) if args.end else start_s + DEFAULT_RANGE_SPAN_S
    if not start_s < end_s <= start_s + MAX_RANGE_SPAN_S:
        raise OrbitviewError("--end must be after --start, by at most 7 days")
    layers = _layers(args)
    (cat_a, row_a), (cat_b, row_b) = (_find(layers, args.files, text) for text in args.pair)
    names = (f"{cat_a.name[row_a]} ({cat_a.norad_id[row_a]})", f"{cat_b.name[row_b]} ({cat_b.norad_id[row_b]})")
    pair = pair_range(cat_a.satrecs[row_a], cat_b.satrecs[row_b], start_s, end_s, names=names)
    figure = new_figure()
    draw_range(figure, pair, title=args.title)
    return figure


def _find(layers, files, text: str):
    """``(catalog, row)`` of ``NORAD`` (held by one file only) or ``FILE:NORAD``."""
    file_text, _, number_text = text.rpartition(":")
    try:
        number = int(number_text)
        chosen = [int(file_text) - 1] if file_text else range(len(layers))
    except ValueError:
        raise OrbitviewError(f"--pair {text}: expected NORAD or FILE:NORAD, e.g. 25730 or 2:25730") from None
    if any(not 0 <= k < len(layers) for k in chosen):
        raise OrbitviewError(f"--pair {text}: there are {len(layers)} files, counted from 1")
    found = [(k, int(rows[0])) for k in chosen
             for rows in [(layers[k].catalog.norad_id == number).nonzero()[0]] if len(rows)]
    if not found:
        raise OrbitviewError(f"--pair {text}: no object {number} in {', '.join(files[k] for k in chosen)}")
    if len(found) > 1:
        holders = ", ".join(f"{k + 1}:{number} ({Path(files[k]).name})" for k, _ in found)
        raise OrbitviewError(f"--pair {text}: object {number} is in several files; say which: {holders}")
    k, row = found[0]
    return layers[k].catalog, row
