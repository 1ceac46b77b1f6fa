"""Open any supported element-set file into a ``Catalog``, reporting what was skipped.

Formats (detected from the content; the extension only breaks ties): TLE/3LE, OMM JSON,
OMM CSV, OMM XML. Text is UTF-8 with or without BOM (UTF-16 with BOM too), any line ends.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from orbitview.core.orbits.catalog import Catalog
from orbitview.core.orbits.times import format_utc, jd_to_posix
from orbitview.io.element_columns import Parsed
from orbitview.io.omm import read_omm_csv, read_omm_json, read_omm_xml
from orbitview.io.problems import CatalogError, LoadResult, Problem
from orbitview.io.satcat import apply_satcat, is_satcat_header, read_satcat
from orbitview.io.text_files import decode, read_bytes
from orbitview.io.tle import parse_tle

FORMATS = ("tle", "omm.json", "omm.csv", "omm.xml")
_READERS = {"omm.json": read_omm_json, "omm.csv": read_omm_csv, "omm.xml": read_omm_xml}
_BY_EXTENSION = {".json": "omm.json", ".csv": "omm.csv", ".xml": "omm.xml",
                 ".tle": "tle", ".3le": "tle", ".2le": "tle", ".txt": "tle"}
_HTML = re.compile(r"<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE)
_ELEMENT_LINES = re.compile(r"^1 .{30,}\r?\n(?:[ \t]*\r?\n)*2 ", re.MULTILINE)


def detect_format(text: str, name: str = "") -> str:
    """One of ``FORMATS`` for the start of a file's text; ``CatalogError`` when it is none."""
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith(("[", "{")):
        return "omm.json"
    if head.startswith("<"):
        if _HTML.match(head):
            message = "an HTML page (a web server's error page?), not element sets"
            raise CatalogError(f"{name}: {message}", [Problem(name, 1, "format", message)])
        return "omm.xml"
    first_line = head.split("\n", 1)[0]
    if "NORAD_CAT_ID" in first_line.upper() and "," not in first_line:
        for delimiter, called in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
            if delimiter in first_line:
                message = f"a CSV with {called} between fields; OMM CSV separates fields with commas: export it so"
                raise CatalogError(f"{name}: {message}", [Problem(name, 1, "format", message)])
    if "," in first_line and "NORAD_CAT_ID" in first_line.upper():
        if is_satcat_header(first_line):
            raise CatalogError(f"{name}: this is a SATCAT (object types), not element sets; pass it with --satcat",
                               [Problem(name, 1, "format", "a SATCAT, not element sets")])
        return "omm.csv"
    if _ELEMENT_LINES.search(head) or re.search(r"^[12] \S", head, re.MULTILINE):
        return "tle"
    guess = _BY_EXTENSION.get(Path(name).suffix.lower())
    if guess:
        return guess
    raise CatalogError(f"{name}: not an element-set file (expected TLE/3LE or OMM JSON, CSV or XML)",
                       [Problem(name, 0, "format", "not an element-set file")])


def parse_file(path: str | Path) -> tuple[str, Parsed]:
    """``(format, Parsed)`` for one file. Raises ``CatalogError`` only when the file as a whole
    is unusable (missing, binary, empty, of no known format); damaged records are problems."""
    path = Path(path)
    source = str(path)
    data = read_bytes(path)
    text = decode(data, source)
    if not text.strip():
        raise CatalogError(f"{source}: empty file", [Problem(source, 0, "empty", "empty file")])
    head = text[:8192] if isinstance(text, str) else text[:8192].decode("utf-8", "replace")
    fmt = detect_format(head, source)
    if fmt == "tle":
        return fmt, parse_tle(text, source)
    if not isinstance(text, str):
        text = text.decode("utf-8", "replace")
    return fmt, _READERS[fmt](text, source)


def load_catalog(path: str | Path, *, strict: bool = False, satcat=None) -> LoadResult:
    """Read one element-set file. Raises ``CatalogError`` when nothing could be read, or with
    ``strict`` when anything was wrong. ``satcat``: a SATCAT CSV path or a number->class map."""
    return load_catalogs([path], strict=strict, satcat=satcat)


def load_catalogs(paths, *, strict: bool = False, satcat=None) -> LoadResult:
    """Read several files into one catalogue (problems of all files together).

    A catalogue number seen more than once keeps its newest epoch (the first read among
    equal epochs); the others are reported as ``duplicate`` problems. Raises ``CatalogError``
    when a file is unusable or nothing loads; with ``strict`` at the first problem of any kind.
    """
    parts, problems = [], []
    for path in paths:
        _, parsed = parse_file(path)
        problems.extend(parsed.problems)
        if strict and parsed.problems:
            raise _strict_error(parsed.problems)
        parts.append(parsed)
    catalog, duplicates = merge(parts)
    problems.extend(duplicates)
    if strict and duplicates:
        raise _strict_error(duplicates)
    if len(catalog) == 0:
        where = ", ".join(str(p) for p in paths)
        detail = f"; first problem: {problems[0]}" if problems else ""
        raise CatalogError(f"{where}: no element sets found{detail}", problems)
    if satcat is not None:
        catalog = apply_satcat(catalog, satcat if isinstance(satcat, dict) else read_satcat(satcat))
    return LoadResult(catalog, problems)


def _strict_error(problems: list[Problem]) -> CatalogError:
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return CatalogError(f"{problems[0]}{more}", problems)


def merge(parts: list[Parsed]) -> tuple[Catalog, list[Problem]]:
    """One catalogue of all parts, each catalogue number once (newest epoch), and the
    ``duplicate`` problems of the rows dropped, at their own file and line."""
    catalog = Catalog.concatenate([p.catalog for p in parts])
    if len(catalog) == 0:
        return catalog, []
    part = np.concatenate([np.full(len(p.catalog), k) for k, p in enumerate(parts)])
    record = np.concatenate([p.records for p in parts])
    # Newest first within each number; a stable sort keeps file order among equal epochs.
    order = np.lexsort((-catalog.epoch_fr, -catalog.epoch_jd, catalog.norad_id))
    ids = catalog.norad_id[order]
    repeat = np.r_[False, ids[1:] == ids[:-1]]
    if not repeat.any():
        return catalog, []
    keeper = order[np.maximum.accumulate(np.where(~repeat, np.arange(len(order)), 0))]

    def where(row: int) -> tuple[str, int]:
        parsed = parts[part[row]]
        return str(catalog.source[row]), parsed.line_of(int(record[row]))

    problems = []
    for row, kept in zip(order[repeat], keeper[repeat]):
        file, line = where(row)
        kept_file, kept_line = where(kept)
        epoch = format_utc(float(jd_to_posix(catalog.epoch_jd[kept], catalog.epoch_fr[kept])))
        problems.append(Problem(file, line, "duplicate",
                                f"catalogue number {catalog.norad_id[row]} again; kept {kept_file}:{kept_line} (epoch {epoch})"))
    return catalog.take(np.sort(order[~repeat])), problems
