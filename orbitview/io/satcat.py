"""CelesTrak SATCAT CSV: the authoritative object class of each catalogue number.

With a SATCAT, ``OBJECT_TYPE`` (``PAY``, ``R/B``, ``DEB``, ``UNK``) replaces the class
inferred from names (see ``orbitview.core.classify``); objects the SATCAT lacks keep theirs.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import numpy as np

from orbitview.core.catalog import Catalog
from orbitview.core.classify import ObjectClass
from orbitview.io.problems import CatalogError

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
    from orbitview.io.catalog_files import read_text

    path = Path(path)
    return read_satcat_text(read_text(path), str(path))


def apply_satcat(catalog: Catalog, classes: dict[int, ObjectClass]) -> Catalog:
    """``catalog`` with ``object_class`` taken from ``classes`` where it has the number."""
    if not classes or len(catalog) == 0:
        return catalog
    known = np.fromiter((classes.get(n, 255) for n in catalog.norad_id.tolist()), dtype=np.int64,
                        count=len(catalog))
    object_class = np.where(known != 255, known, catalog.object_class).astype(np.uint8)
    return replace(catalog, object_class=object_class)
