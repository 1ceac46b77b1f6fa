"""Object classes, and how orbitview infers one when no SATCAT is given.

Rules (in order, first match wins), applied to the upper-cased name:

1. ``DEB`` as a word (``FENGYUN 1C DEB``), ``DEBRIS``, ``COOLANT``, ``SHROUD``, ``FRAG`` -> debris.
2. ``R/B``, ``AKM``, ``PKM`` or ``ROCKET BODY`` -> rocket body.
3. A placeholder name, ``OBJECT`` and piece letters (``OBJECT A``: what the catalogue calls a
   piece not yet identified) -> unknown; the SATCAT agrees for 36 of the 37 such ``A`` pieces
   of the 2023 catalogue.
4. A name given and the piece letter of the international designator is ``A``
   (``1999-025A``: usually the primary payload) -> payload.
5. Everything else -> unknown. Later pieces (B, C, ...) of a launch are often payloads too,
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

# ``D(?<!\wD)`` is ``\bD`` written with the letter first: a pattern that starts with a literal
# lets ``re`` skip ahead to candidates, ten times faster over a whole catalogue's names.
_DEBRIS = re.compile(r"D(?<!\wD)EB\b|DEBRIS|COOLANT|SHROUD|F(?<!\wF)RAG")
_ROCKET = re.compile(r"R/B|A(?<!\wA)KM\b|P(?<!\wP)KM\b|ROCKET BODY")
_PIECE = re.compile(r"^\s*\d{2,4}-?\d{3}\s*([A-Z]{1,3})\s*$")
_PLACEHOLDER = re.compile(r"\s*OBJECT\s+[A-Z]{1,3}\s*\Z")


def classify(name: str, intl_designator: str = "") -> ObjectClass:
    """The class of one object from its name and international designator (rules above)."""
    upper = name.upper()
    if _DEBRIS.search(upper):
        return ObjectClass.DEBRIS
    if _ROCKET.search(upper):
        return ObjectClass.ROCKET_BODY
    piece = _PIECE.match(intl_designator.upper())
    if _PLACEHOLDER.match(upper):
        return ObjectClass.UNKNOWN
    if upper.strip() and piece and piece.group(1) == "A":
        return ObjectClass.PAYLOAD
    return ObjectClass.UNKNOWN


def classify_many(names, intl_designators) -> np.ndarray:
    """``(N,) uint8`` class codes for parallel sequences of names and designators.

    The same rules as ``classify``, fast enough for a 100,000-object catalogue: the names are
    joined into one text and each rule's regex runs once over it (a regex call per name costs
    more than the rest of loading a TLE); matches are mapped back to names by position.
    """
    names = _Lines(names)
    designators = _Lines(intl_designators)
    if not (names.ok and designators.ok):
        return np.array([classify(n, d) for n, d in zip(names.items, designators.items)], dtype=np.uint8)
    codes = np.full(len(names.items), ObjectClass.UNKNOWN, dtype=np.uint8)
    # Rocket bodies first, so a name matching both rules ends as debris (rule 1 wins).
    codes[names.matching(_ROCKET)] = ObjectClass.ROCKET_BODY
    codes[names.matching(_DEBRIS)] = ObjectClass.DEBRIS
    candidates = designators.matching(_ENDS_IN_A)
    candidates = candidates[codes[candidates] == ObjectClass.UNKNOWN].tolist()
    piece_a = [i for i in candidates if (m := _PIECE.match(designators.upper_item(i))) and m.group(1) == "A"]
    codes[piece_a] = ObjectClass.PAYLOAD
    candidates = names.matching(_ENDS_IN_OBJECT_PIECE)
    candidates = candidates[codes[candidates] == ObjectClass.PAYLOAD].tolist()
    codes[[i for i in candidates if _PLACEHOLDER.match(names.upper_item(i))]] = ObjectClass.UNKNOWN
    codes[names.matching(_BLANK)] = ObjectClass.UNKNOWN
    return codes


class _Lines:
    """Strings joined into one upper-case text, one per line, to run a regex over them all."""

    def __init__(self, items) -> None:
        self.items = list(map(str, items))
        text = "\n".join(self.items)
        # Start with a line break, so every line, the first too, follows one (see _BLANK).
        self.upper = "\n" + text.upper()
        # Usable unless a string holds a line break or changes length in upper case (ß -> SS).
        self.ok = len(self.upper) == len(text) + 1 and self.upper.count("\n") == len(self.items)
        lengths = np.fromiter(map(len, self.items), np.int64, len(self.items))
        #: ``(N,) int64``: where each string begins in ``upper``.
        self.starts = 1 + np.concatenate(([0], np.cumsum(lengths + 1)[:-1])).astype(np.int64)

    def matching(self, pattern: re.Pattern) -> np.ndarray:
        """``(K,) int64`` indices of the lines in which ``pattern`` matches (by where each match
        ends: at the latest on the line break after its line)."""
        hits = np.fromiter((m.end() for m in pattern.finditer(self.upper)), dtype=np.int64)
        return np.unique(np.searchsorted(self.starts, hits, side="right") - 1)

    def upper_item(self, i: int) -> str:
        return self.upper[self.starts[i]:self.starts[i] + len(self.items[i])]


_ENDS_IN_A = re.compile(r"A[^\S\n]*$", re.MULTILINE)
_ENDS_IN_OBJECT_PIECE = re.compile(r"OBJECT[^\S\n]+[A-Z]{1,3}[^\S\n]*$", re.MULTILINE)
#: An empty or all-blank line, from the line break before it (a literal start is fast).
_BLANK = re.compile(r"\n[^\S\n]*(?=\n|\Z)")


