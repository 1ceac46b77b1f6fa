"""The one path from element columns to a ``Catalog`` that every element-set reader shares.

The OMM readers (JSON, CSV, XML) and the TLE reader each parse their records into the same
columns; here rows are rejected with a reason (:class:`Rejects`), text columns are made safe
to write again (:func:`clean_text`), and :func:`build_catalog` range-checks the elements,
checks that SGP4 can initialise them and classifies the objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from orbitview.core.orbits.catalog import Catalog
from orbitview.core.orbits.classify import classify_many
from orbitview.core.orbits.sgp4_elements import SGP4_ERRORS, elements_from_columns, init_errors
from orbitview.io.problems import Problem


@dataclass
class Parsed:
    """A reader's result: the catalogue, the problems met, and where each row came from.

    ``records : (N,) int64`` identifies each row's record in the file and ``line_of(record)``
    gives its 1-based line (JSON computes lines only when a report needs one).
    """

    catalog: Catalog
    problems: list[Problem]
    records: np.ndarray
    line_of: object = int


class Rejects:
    """Rows rejected so far (first problem per row wins) and their problems."""

    def __init__(self, n: int, source: str, lines: np.ndarray, line_of=int) -> None:
        self.ok = np.ones(n, dtype=bool)
        self.source = source
        self.lines = lines
        self.line_of = line_of
        self.problems: list[Problem] = []

    def add(self, mask: np.ndarray, kind: str, message) -> None:
        """Reject the still-good rows in ``mask``; ``message(i)`` words row ``i``'s problem."""
        for i in np.flatnonzero(mask & self.ok):
            self.problems.append(Problem(self.source, self.line_of(int(self.lines[i])), kind, message(i)))
        self.ok &= ~mask


def build_catalog(columns: dict[str, np.ndarray], lines: np.ndarray, source: str,
                  problems: list[Problem], line_of=int) -> Parsed:
    """Range-check element columns, check that SGP4 can initialise the good rows, classify them.

    ``columns`` holds every ``Catalog`` column except ``object_class`` and ``source``, each
    ``(N,)``; ``lines : (N,) int64`` the records' lines, or keys that ``line_of`` maps to
    lines. Problems are appended to ``problems``, which ends sorted by line.
    """
    n = len(lines)
    rejects = Rejects(n, source, lines, line_of)
    finite = np.ones(n, dtype=bool)
    for name in ("epoch_jd", "epoch_fr", "mean_motion_rev_per_day", "eccentricity",
                 "inclination_deg", "raan_deg", "arg_perigee_deg", "mean_anomaly_deg",
                 "bstar", "mean_motion_dot", "mean_motion_ddot"):
        finite &= np.isfinite(columns[name])
    rejects.add(~finite, "range", lambda i: "an element is not a finite number")
    ecc = columns["eccentricity"]
    rejects.add((ecc < 0) | (ecc >= 1), "range", lambda i: f"eccentricity {ecc[i]} outside [0, 1)")
    inc = columns["inclination_deg"]
    rejects.add((inc < 0) | (inc > 180), "range", lambda i: f"inclination {inc[i]} deg outside [0, 180]")
    mm = columns["mean_motion_rev_per_day"]
    rejects.add(mm <= 0, "range", lambda i: f"mean motion {mm[i]} rev/day is not positive")
    jd = columns["epoch_jd"]
    # SGP4's epoch arithmetic (two-digit TLE years) covers 1957-2056; OMM years beyond it are typos.
    rejects.add(finite & ((jd < 2435839.5) | (jd > 2488069.5)), "epoch",
                lambda i: f"epoch Julian date {jd[i] + columns['epoch_fr'][i]:.5f} outside 1957-2100")

    good = np.flatnonzero(rejects.ok)
    kept = {k: v[good] for k, v in columns.items()}
    errors = init_errors(elements_from_columns(*(kept[name] for name in _ELEMENT_COLUMNS)), kept["norad_id"])
    failed = np.zeros(n, dtype=bool)
    failed[good[errors != 0]] = True
    code = dict(zip(good, errors))
    rejects.add(failed, "sgp4", lambda i: f"SGP4 initialisation error {code[i]}: {SGP4_ERRORS.get(code[i], '')}")
    keep = np.flatnonzero(rejects.ok)

    problems.extend(rejects.problems)
    problems.sort(key=lambda p: p.line)
    out = {k: v[keep] for k, v in columns.items()}
    catalog = Catalog(
        **out,
        object_class=classify_many(out["name"], out["intl_designator"]),
        source=np.full(len(keep), source, dtype=object),
    )
    return Parsed(catalog, problems, lines[keep], line_of)


#: ``elements_from_columns``'s arguments, in order.
_ELEMENT_COLUMNS = (
    "epoch_jd", "epoch_fr", "mean_motion_rev_per_day", "eccentricity", "inclination_deg", "raan_deg",
    "arg_perigee_deg", "mean_anomaly_deg", "bstar", "mean_motion_dot", "mean_motion_ddot",
)


#: What no text column may hold: controls (C0, DEL, C1), unpaired surrogates, and the two
#: noncharacters XML 1.0 forbids. Each breaks a writer (HDF5 strings end at NUL, UTF-8 has
#: no surrogates, XML refuses them) or a one-line report, so readers replace them.
_UNSAFE_TEXT = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"


def clean_text(column: np.ndarray) -> np.ndarray:
    """``(N,) bool``: rows of the ``(N,) object`` str ``column`` that held unsafe characters,
    which are replaced in place by U+FFFD (every writer then writes what it read)."""
    dirty = np.zeros(len(column), dtype=bool)
    if len(column) and _UNSAFE_TEXT.search("".join(column)):  # one scan in C when all is well
        for i, text in enumerate(column):
            cleaned = _UNSAFE_TEXT.sub(REPLACEMENT, text)
            if cleaned != text:
                column[i], dirty[i] = cleaned, True
    return dirty


def report_unsafe_text(columns: dict[str, np.ndarray], keys: dict[str, str], lines: np.ndarray, source: str,
                       problems: list[Problem], line_of=int) -> None:
    """Clean the text ``columns`` named by ``keys`` (column -> what to call it) and report
    each row that held unsafe characters, as a ``text`` problem; the row still loads."""
    for name, called in keys.items():
        for i in np.flatnonzero(clean_text(columns[name])):
            problems.append(Problem(source, line_of(int(lines[i])), "text",
                                    f"{called} holds control characters or unpaired surrogates; "
                                    f"each is shown as U+FFFD: {columns[name][i][:40]!r}"))
