"""``orbitview inspect FILE... [--json] [--strict] [--satcat CSV|none]``: what would load, and
what is wrong. Exit 0 when something loaded (1 with ``--strict`` and any problem), 1 when
nothing could be loaded."""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from orbitview.commands.common import add_satcat_argument
from orbitview.core.orbits.classify import CLASS_LABELS, ObjectClass
from orbitview.core.orbits.times import format_utc, jd_to_posix
from orbitview.io.catalog_files import merge, parse_file
from orbitview.io.element_columns import Parsed
from orbitview.io.oem import looks_like_oem, open_oem
from orbitview.io.problems import CatalogError, Problem
from orbitview.io.satcat import CACHED, apply_satcat, choose_satcat

#: Problems printed in the human summary; --json lists them all.
_SHOWN = 20


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="TLE/3LE, OMM JSON/CSV/XML or OEM files")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a summary")
    parser.add_argument("--strict", action="store_true", help="exit non-zero on any problem")
    add_satcat_argument(parser)


def summarise(paths: list[str], satcat=CACHED) -> dict:
    """The summary ``inspect`` prints: counts, classes (from ``satcat``, see
    ``io.satcat.choose_satcat``), epoch range, files and problems (``Problem`` objects, made
    into JSON one by one as they are printed)."""
    satcat = choose_satcat(satcat)
    parts, problems, files = [], [], []
    for path in paths:
        try:
            fmt, parsed = ("oem", _parsed_oem(path)) if looks_like_oem(path) else parse_file(path)
        except CatalogError as exc:
            problems.extend(exc.problems or [Problem(str(path), 0, "file", str(exc))])
            files.append({"file": str(path), "format": None, "objects": 0})
            continue
        parts.append(parsed)
        problems.extend(parsed.problems)
        files.append({"file": str(path), "format": fmt, "objects": len(parsed.catalog)})
    catalog, duplicates = merge(parts)
    problems.extend(duplicates)
    if satcat is not None and len(catalog):
        catalog = apply_satcat(catalog, satcat.classes)
    counts = np.bincount(catalog.object_class, minlength=len(ObjectClass))
    epochs = jd_to_posix(catalog.epoch_jd, catalog.epoch_fr)
    return {
        "objects": len(catalog),
        "by_class": {CLASS_LABELS[c]: int(counts[c]) for c in ObjectClass},
        "classes_from": satcat.label if satcat is not None else "names",
        "epoch_min": format_utc(float(epochs.min())) if len(epochs) else None,
        "epoch_max": format_utc(float(epochs.max())) if len(epochs) else None,
        "files": files,
        "problems": problems,
    }


def _parsed_oem(path) -> Parsed:
    """An OEM's objects as a reader's result (their elements fitted, see ``open_oem``); the
    objects are not records of lines, so a duplicate among them is reported at line 0."""
    _, catalog, problems = open_oem(path)
    return Parsed(catalog, problems, np.zeros(len(catalog), np.int64))


def run(args: argparse.Namespace) -> int:
    summary = summarise(args.files, args.satcat)
    if args.json:
        _print_json(summary, sys.stdout)
    else:
        _print(summary)
    if summary["objects"] == 0:
        return 1
    return 1 if args.strict and summary["problems"] else 0


def _print_json(summary: dict, stream) -> None:
    """One JSON object, the problems last. A damaged file can have one problem per line:
    each is made into JSON as it is written, so the output is never all in memory at once."""
    rest = {key: value for key, value in summary.items() if key != "problems"}
    stream.write(json.dumps(rest, indent=1, ensure_ascii=False)[: -len("\n}")] + ',\n "problems": [')
    encode = json.JSONEncoder(ensure_ascii=False).encode  # one encoder: json.dumps makes one a call
    for k, p in enumerate(summary["problems"]):
        record = {"file": p.file, "line": p.line, "kind": p.kind, "message": p.message}
        stream.write(("\n  " if k == 0 else ",\n  ") + encode(record))
    stream.write("\n ]\n}\n" if summary["problems"] else "]\n}\n")


def _print(summary: dict) -> None:
    for f in summary["files"]:
        print(f"{f['file']}: {f['format'] or 'unreadable'}, {f['objects']} objects")
    classes = ", ".join(f"{n} {label}" for label, n in summary["by_class"].items() if n)
    print(f"{summary['objects']} objects would load" + (f" ({classes})" if classes else ""))
    print(f"classes from the {summary['classes_from']}" if summary["classes_from"] != "names"
          else "classes from the names (no SATCAT: 'orbitview fetch satcat' or --satcat CSV)")
    if summary["epoch_min"]:
        print(f"epochs {summary['epoch_min']} to {summary['epoch_max']}")
    problems = summary["problems"]
    if problems:
        print(f"{len(problems)} problems:", file=sys.stderr)
        for p in problems[:_SHOWN]:
            print(f"  {p}", file=sys.stderr)
        if len(problems) > _SHOWN:
            print(f"  ... and {len(problems) - _SHOWN} more (--json lists all)", file=sys.stderr)
