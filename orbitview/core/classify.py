"""Object classes, and how orbitview infers one when no SATCAT is given.

Rules (in order, first match wins), applied to the upper-cased name:

1. ``DEB`` as a word (``FENGYUN 1C DEB``), ``DEBRIS``, ``COOLANT``, ``SHROUD``, ``FRAG`` -> debris.
2. ``R/B``, ``AKM``, ``PKM`` or ``ROCKET BODY`` -> rocket body.
3. A name given and the piece letter of the international designator is ``A``
   (``1999-025A``: usually the primary payload) -> payload.
4. Everything else -> unknown. Later pieces (B, C, ...) of a launch are often payloads too,
   but a name alone cannot tell, and a viewer that guesses wrongly misleads a briefing.
"""

from __future__ import annotations

import enum
import re

import numpy as np


class ObjectClass(enum.IntEnum):
    PAYLOAD = 0
    ROCKET_BODY = 1
    DEBRIS = 2
    UNKNOWN = 3

    @property
    def label(self) -> str:
        return CLASS_LABELS[self]


CLASS_LABELS = {
    ObjectClass.PAYLOAD: "payload",
    ObjectClass.ROCKET_BODY: "rocket body",
    ObjectClass.DEBRIS: "debris",
    ObjectClass.UNKNOWN: "unknown",
}

_DEBRIS = re.compile(r"\bDEB\b|DEBRIS|COOLANT|SHROUD|\bFRAG")
_ROCKET = re.compile(r"R/B|\bAKM\b|\bPKM\b|ROCKET BODY")
_PIECE = re.compile(r"^\s*\d{2,4}-?\d{3}\s*([A-Z]{1,3})\s*$")


def classify(name: str, intl_designator: str = "") -> ObjectClass:
    """The class of one object from its name and international designator (rules above)."""
    upper = name.upper()
    if _DEBRIS.search(upper):
        return ObjectClass.DEBRIS
    if _ROCKET.search(upper):
        return ObjectClass.ROCKET_BODY
    piece = _PIECE.match(intl_designator.upper())
    if upper.strip() and piece and piece.group(1) == "A":
        return ObjectClass.PAYLOAD
    return ObjectClass.UNKNOWN


def classify_many(names, intl_designators) -> np.ndarray:
    """``(N,) uint8`` class codes for parallel sequences of names and designators."""
    return np.fromiter(
        (classify(n, d) for n, d in zip(names, intl_designators)), dtype=np.uint8, count=len(names)
    )
