"""SATCAT CSV: the authoritative object class of each catalogue number.

With a SATCAT, ``OBJECT_TYPE`` replaces the class inferred from names (see
``orbitview.core.orbits.classify``); objects the SATCAT lacks keep theirs. Both layouts are read, by
their header names: CelesTrak's (``OBJECT_NAME,OBJECT_ID,NORAD_CAT_ID,OBJECT_TYPE,...``, types
``PAY``, ``R/B``, ``DEB``, ``UNK``) and Space-Track's (``INTLDES,NORAD_CAT_ID,OBJECT_TYPE,
SATNAME,...``, types ``PAYLOAD``, ``ROCKET BODY``, ``DEBRIS``, ``UNKNOWN``).

``orbitview fetch satcat`` keeps CelesTrak's in the fetch cache; every command that loads
element sets (and the window) applies that cached copy unless told otherwise (``choose_satcat``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from orbitview.core.orbits.catalog import Catalog
from orbitview.core.orbits.classify import ObjectClass
from orbitview.core.orbits.times import format_utc
from orbitview.io.cache import SATCAT_QUERY, cached_path, fetched_at_s
from orbitview.io.problems import CatalogError
from orbitview.io.text_files import read_text

_TYPES = {
    "PAY": ObjectClass.PAYLOAD,
    "PAYLOAD": ObjectClass.PAYLOAD,
    "R/B": ObjectClass.ROCKET_BODY,
    "ROCKET BODY": ObjectClass.ROCKET_BODY,
    "DEB": ObjectClass.DEBRIS,
    "DEBRIS": ObjectClass.DEBRIS,
    "UNK": ObjectClass.UNKNOWN,
    "UNKNOWN": ObjectClass.UNKNOWN,
}


#: ``choose_satcat``'s default: the SATCAT in the fetch cache, when there is one.
CACHED = "cached"
#: ``--satcat none``: classes from the names only.
NONE = "none"


@dataclass(frozen=True)
class Satcat:
    """Classes by catalogue number, and ``label``: where they came from, as legends say it;
    ``launch_s``: launch times (POSIX s, the day's start UTC) by catalogue number."""

    classes: dict[int, ObjectClass]
    label: str
    launch_s: dict[int, float] = field(default_factory=dict)


def is_satcat_header(first_line: str) -> bool:
    """Whether a CSV header row is a SATCAT's (it has OBJECT_TYPE and no elements)."""
    keys = {k.strip().upper() for k in first_line.split(",")}
    return "OBJECT_TYPE" in keys and "NORAD_CAT_ID" in keys and "MEAN_MOTION" not in keys


def read_satcat_text(text: str, source: str = "SATCAT") -> dict[int, ObjectClass]:
    """Catalogue number -> class from SATCAT CSV text; rows it cannot read are ignored."""
    return _read_rows(text, source)[0]


def _read_rows(text: str, source: str) -> tuple[dict[int, ObjectClass], dict[int, float]]:
    """Classes and launch times (``LAUNCH`` in Space-Track's layout, ``LAUNCH_DATE`` in
    CelesTrak's; POSIX s of the day's start) by catalogue number."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    fields = {k.strip().upper(): k for k in (reader.fieldnames or [])}
    if "NORAD_CAT_ID" not in fields or "OBJECT_TYPE" not in fields:
        raise CatalogError(f"{source}: not a SATCAT CSV (needs NORAD_CAT_ID and OBJECT_TYPE columns)")
    number_key, type_key = fields["NORAD_CAT_ID"], fields["OBJECT_TYPE"]
    launch_key = fields.get("LAUNCH_DATE", fields.get("LAUNCH"))
    classes: dict[int, ObjectClass] = {}
    launches: dict[int, float] = {}
    try:
        for row in reader:
            kind = _TYPES.get((row.get(type_key) or "").strip().upper())
            number = (row.get(number_key) or "").strip()
            if not number.isdigit():
                continue
            if kind is not None:
                classes[int(number)] = kind
            launch = _day_s((row.get(launch_key) or "") if launch_key else "")
            if launch is not None:
                launches[int(number)] = launch
    except csv.Error as exc:
        raise CatalogError(f"{source}:{reader.line_num}: format: {exc}") from None
    return classes, launches


def _day_s(text: str) -> float | None:
    """POSIX s of a ``YYYY-MM-DD`` day's start, UTC; None for anything else."""
    try:
        return dt.datetime.strptime(text.strip()[:10], "%Y-%m-%d").replace(tzinfo=dt.timezone.utc).timestamp()
    except ValueError:
        return None


def read_satcat(path: str | Path) -> dict[int, ObjectClass]:
    """Catalogue number -> class from a SATCAT CSV file."""
    path = Path(path)
    return read_satcat_text(read_text(path), str(path))


def _satcat_file(path: Path, label: str) -> Satcat:
    classes, launches = _read_rows(read_text(path), str(path))
    return Satcat(classes, label, launches)


def open_satcat(path: str | Path) -> Satcat:
    """A SATCAT CSV file the user names; ``CatalogError`` when it cannot be read as one."""
    return _satcat_file(Path(path), f"SATCAT {Path(path).name}")


_memo: dict[tuple, Satcat] = {}


def cached_satcat() -> Satcat | None:
    """The SATCAT ``orbitview fetch satcat`` left in the cache, or None when there is none
    (or it cannot be read: it was checked when fetched, so that is a damaged cache)."""
    path = cached_path(SATCAT_QUERY)
    try:
        stat = path.stat()
    except OSError:
        return None
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _memo:
        try:
            satcat = _satcat_file(path, f"CelesTrak SATCAT fetched {format_utc(fetched_at_s(path))[:10]}")
        except (CatalogError, OSError):
            return None
        _memo.clear()  # one cached file: only its newest version is worth keeping
        _memo[key] = satcat
    return _memo[key]


def choose_satcat(choice: "str | Path | Satcat | None" = CACHED) -> Satcat | None:
    """What ``--satcat`` names: ``CACHED`` (the default) the cached SATCAT if any, ``NONE``
    (or None) no SATCAT, a path that file, a ``Satcat`` itself."""
    if isinstance(choice, Satcat) or choice is None:
        return choice
    if str(choice) == CACHED:
        return cached_satcat()
    if str(choice).lower() == NONE:
        return None
    return open_satcat(choice)


def apply_satcat(catalog: Catalog, classes: dict[int, ObjectClass]) -> Catalog:
    """``catalog`` with ``object_class`` taken from ``classes`` where it has the number."""
    if not classes or len(catalog) == 0:
        return catalog
    known = np.fromiter((classes.get(n, 255) for n in catalog.norad_id.tolist()), dtype=np.int64,
                        count=len(catalog))
    object_class = np.where(known != 255, known, catalog.object_class).astype(np.uint8)
    return replace(catalog, object_class=object_class)
