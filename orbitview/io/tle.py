"""TLE and 3LE text: two 69-column lines per object, optionally after a name line."""

from __future__ import annotations

import numpy as np
from sgp4.api import Satrec

from orbitview.core.catalog import Catalog
from orbitview.core.classify import classify_many
from orbitview.io.problems import Problem


def tle_checksum(line: str) -> int:
    """Modulo-10 sum of the first 68 columns: digits count their value, ``-`` counts 1."""
    total = 0
    for char in line[:68]:
        if char.isdigit():
            total += ord(char) - 48
        elif char == "-":
            total += 1
    return total % 10


def _record_problem(name_line: str | None, line1: str, line2: str) -> tuple[str, str] | None:
    if len(line1) < 69 or len(line2) < 69:
        return "truncated", "element lines must be 69 columns"
    for line in (line1, line2):
        if not line[68].isdigit() or int(line[68]) != tle_checksum(line):
            return "checksum", f"line {line[0]} checksum is {line[68]!r}, computed {tle_checksum(line)}"
    if line1[2:7] != line2[2:7]:
        return "format", f"catalogue numbers differ: {line1[2:7]!r} and {line2[2:7]!r}"
    return None


def read_tle_text(text: str, source: str) -> tuple[Catalog, list[Problem]]:
    """Parse TLE/3LE ``text``; damaged records are reported and skipped."""
    lines = text.splitlines()
    problems: list[Problem] = []
    rows: list[tuple[str, Satrec, str]] = []
    pending_name: str | None = None
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        if not line:
            i += 1
            continue
        if line.startswith("1 ") and i + 1 < len(lines) and lines[i + 1].startswith("2 "):
            line2 = lines[i + 1].rstrip()
            trouble = _record_problem(pending_name, line, line2)
            if trouble is None:
                satrec = Satrec.twoline2rv(line, line2)
                if satrec.error:
                    trouble = ("sgp4", f"SGP4 initialisation error {satrec.error}")
            if trouble:
                problems.append(Problem(source, i + 1, *trouble))
            else:
                rows.append((pending_name or "", satrec, line[9:17].strip()))
            pending_name = None
            i += 2
            continue
        if line.startswith(("1 ", "2 ")):
            problems.append(Problem(source, i + 1, "order", "element line without its partner"))
            pending_name = None
        else:
            pending_name = line[2:].strip() if line.startswith("0 ") else line.strip()
        i += 1
    return _catalog_from_rows(rows, source), problems


def _designator(packed: str) -> str:
    """``99025A`` -> ``1999-025A`` (two-digit years 57-99 are 19xx)."""
    if len(packed) < 5 or not packed[:5].isdigit():
        return packed
    year = int(packed[:2])
    return f"{1900 + year if year >= 57 else 2000 + year}-{packed[2:5]}{packed[5:]}"


def _catalog_from_rows(rows: list[tuple[str, Satrec, str]], source: str) -> Catalog:
    if not rows:
        return Catalog.empty()
    names = [r[0] for r in rows]
    satrecs = tuple(r[1] for r in rows)
    designators = [_designator(r[2]) for r in rows]
    deg = np.degrees

    def col(attr):
        return np.array([getattr(s, attr) for s in satrecs])

    return Catalog(
        norad_id=col("satnum"),
        name=np.array(names, dtype=object),
        intl_designator=np.array(designators, dtype=object),
        object_class=classify_many(names, designators),
        epoch_jd=col("jdsatepoch"),
        epoch_fr=col("jdsatepochF"),
        mean_motion_rev_per_day=col("no_kozai") * 1440.0 / (2 * np.pi),
        eccentricity=col("ecco"),
        inclination_deg=deg(col("inclo")),
        raan_deg=deg(col("nodeo")),
        arg_perigee_deg=deg(col("argpo")),
        mean_anomaly_deg=deg(col("mo")),
        bstar=col("bstar"),
        mean_motion_dot=col("ndot") * 1440.0**2 / (2 * np.pi),
        mean_motion_ddot=col("nddot") * 1440.0**3 / (2 * np.pi),
        element_set_no=col("elnum"),
        rev_at_epoch=col("revnum"),
        classification=np.array([s.classification for s in satrecs], dtype=object),
        source=np.full(len(rows), source, dtype=object),
        satrecs=satrecs,
    )
