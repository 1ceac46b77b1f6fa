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
    """``(N,) uint8`` class codes for parallel sequences of names and designators.

    The same rules as ``classify``, fast enough for a 30,000-object catalogue: each distinct
    name is looked at once, and substring tests skip the regexes for names that cannot match
    (Python's ``re`` tries every alternative at every position, ~1.5 us a name).
    """
    names = list(names)
    designators = list(intl_designators)
    by_name: dict[str, int] = {}
    for name in set(names):
        upper = str(name).upper()
        if ("DEB" in upper or "COOLANT" in upper or "SHROUD" in upper or "FRAG" in upper) and _DEBRIS.search(upper):
            by_name[name] = int(ObjectClass.DEBRIS)  # plain ints: numpy converts an IntEnum slowly
        elif ("R/B" in upper or "KM" in upper or "ROCKET BODY" in upper) and _ROCKET.search(upper):
            by_name[name] = int(ObjectClass.ROCKET_BODY)
        else:
            by_name[name] = int(ObjectClass.UNKNOWN) if upper.strip() else _NAMELESS
    codes = np.fromiter(map(by_name.__getitem__, names), dtype=np.uint8, count=len(names))
    for i in np.flatnonzero(codes == ObjectClass.UNKNOWN).tolist():
        designator = str(designators[i]).upper()
        # The cheap test first: most designators do not end in A.
        if designator.rstrip().endswith("A"):
            piece = _PIECE.match(designator)
            if piece and piece.group(1) == "A":
                codes[i] = ObjectClass.PAYLOAD
    codes[codes == _NAMELESS] = ObjectClass.UNKNOWN
    return codes


#: Marks a blank name while rule 3 runs: such an object is never a payload by that rule.
_NAMELESS = 255
