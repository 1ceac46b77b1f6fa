"""SATCAT CSV: the authoritative object class of each catalogue number.

With a SATCAT, ``OBJECT_TYPE`` replaces the class inferred from names (see
``orbitview.core.classify``); objects the SATCAT lacks keep theirs. Both layouts are read, by
their header names: CelesTrak's (``OBJECT_NAME,OBJECT_ID,NORAD_CAT_ID,OBJECT_TYPE,...``, types
``PAY``, ``R/B``, ``DEB``, ``UNK``) and Space-Track's (``INTLDES,NORAD_CAT_ID,OBJECT_TYPE,
SATNAME,...``, types ``PAYLOAD``, ``ROCKET BODY``, ``DEBRIS``, ``UNKNOWN``).

``orbitview fetch satcat`` keeps CelesTrak's in the fetch cache; every command that loads
element sets (and the window) applies that cached copy unless told otherwise (``choose_satcat``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from orbitview.core.catalog import Catalog
from orbitview.core.classify import ObjectClass
from orbitview.core.times import format_utc
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
    """Classes by catalogue number, and ``label``: where they came from, as legends say it."""

    classes: dict[int, ObjectClass]
    label: str


def is_satcat_header(first_line: str) -> bool:
    """Whether a CSV header row is a SATCAT's (it has OBJECT_TYPE and no elements)."""
    keys = {k.strip().upper() for k in first_line.split(",")}
    return "OBJECT_TYPE" in keys and "NORAD_CAT_ID" in keys and "MEAN_MOTION" not in keys


def read_satcat_text(text: str, source: str = "SATCAT") -> dict[int, ObjectClass]:
    """Catalogue number -> class from SATCAT CSV text; rows it cannot read are ignored."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    fields = {k.strip().upper(): k for k in (reader.fieldnames or [])}
    if "NORAD_CAT_ID" not in fields or "OBJECT_TYPE" not in fields:
        raise CatalogError(f"{source}: not a SATCAT CSV (needs NORAD_CAT_ID and OBJECT_TYPE columns)")
    number_key, type_key = fields["NORAD_CAT_ID"], fields["OBJECT_TYPE"]
    classes: dict[int, ObjectClass] = {}
    try:
        for row in reader:
            kind = _TYPES.get((row.get(type_key) or "").strip().upper())
            number = (row.get(number_key) or "").strip()
            if kind is not None and number.isdigit():
                classes[int(number)] = kind
    except csv.Error as exc:
        raise CatalogError(f"{source}:{reader.line_num}: format: {exc}") from None
    return classes


def read_satcat(path: str | Path) -> dict[int, ObjectClass]:
    """Catalogue number -> class from a SATCAT CSV file."""
    path = Path(path)
    return read_satcat_text(read_text(path), str(path))


def open_satcat(path: str | Path) -> Satcat:
    """A SATCAT CSV file the user names; ``CatalogError`` when it cannot be read as one."""
    return Satcat(read_satcat(path), f"SATCAT {Path(path).name}")


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
            classes = read_satcat(path)
        except (CatalogError, OSError):
            return None
        day = format_utc(fetched_at_s(path))[:10]
        _memo.clear()  # one cached file: only its newest version is worth keeping
        _memo[key] = Satcat(classes, f"CelesTrak SATCAT fetched {day}")
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
