"""CCSDS Orbit Ephemeris Messages (OEM, CCSDS 502.0-B-3) in KVN and XML: read and write.

Read: any number of segments (each a metadata block and its states), of one object or several.
``REF_FRAME`` GCRF and ICRF are read as GCRS (the same axes), and so is EME2000, which differs
from them by the frame bias (1.1e-7 rad, skyfield's ``framelib.ICRS_to_J2000``: 0.8 m in LEO,
4.7 m at GEO), not applied; ITRF* is read as ITRS and TEME as TEME. ``TIME_SYSTEM``
UTC, TAI, TT, TDB and GPS are converted to UTC with skyfield's timescale (its leap-second
table). Only ``CENTER_NAME = EARTH`` is drawn. Accelerations are read and not used;
covariance blocks are skipped. Damaged lines are ``FILE:LINE: kind: message`` problems and
the rest loads; a segment that cannot be used at all (its metadata damaged) is one problem.

Write: KVN, one segment per object, states in EME2000 taken as GCRS (header comments say so).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

import numpy as np

from orbitview import __version__
from orbitview.core.orbits.ephemeris import INTERPOLATIONS, Segment
from orbitview.core.orbits.times import JD_UNIX_EPOCH, SECONDS_PER_DAY, timescale
from orbitview.io.omm import parse_xml
from orbitview.io.problems import CatalogError, Problem
from orbitview.io.text_files import read_text

SUFFIXES = (".oem",)
#: OEM REF_FRAME -> orbitview frame.
_FRAMES = {"EME2000": "GCRS", "GCRF": "GCRS", "ICRF": "GCRS", "TEME": "TEME"}
TIME_SYSTEMS = ("UTC", "TAI", "TT", "TDB", "GPS")
#: GPS time runs a constant 19 s behind TAI.
_GPS_BEHIND_TAI_S = 19.0
_EPOCH = re.compile(r"^(\d{4})-(?:(\d{2})-(\d{2})|(\d{3}))T(\d{2}):(\d{2}):(\d{2}(?:\.\d*)?)Z?$")
_KEY_VALUE = re.compile(r"^([A-Z0-9_]+)\s*=\s*(.*?)\s*$")
_REQUIRED = ("OBJECT_NAME", "OBJECT_ID", "CENTER_NAME", "REF_FRAME", "TIME_SYSTEM", "START_TIME", "STOP_TIME")


@dataclass
class OemObject:
    """One object of a message: ``name`` (OBJECT_NAME), ``object_id`` (OBJECT_ID, often a
    COSPAR designator) and its segments in file order."""

    name: str
    object_id: str
    segments: list[Segment] = field(default_factory=list)


@dataclass
class ParsedOem:
    objects: list[OemObject]
    problems: list[Problem]


def is_oem(head: str) -> bool:
    """Whether the start of a file's text is an OEM (KVN or XML)."""
    text = head.lstrip("\ufeff \t\r\n")
    return text.startswith("CCSDS_OEM_VERS") or re.search(r"<oem[\s>]", text[:4096]) is not None


def read_oem(path: str | Path) -> ParsedOem:
    """Read an OEM file; ``CatalogError`` when it cannot be read or holds no usable segment."""
    source = str(path)
    text = read_text(Path(path))
    parsed = parse_oem(text, source)
    if not parsed.objects:
        first = f"; first problem: {parsed.problems[0]}" if parsed.problems else ""
        raise CatalogError(f"{source}: no usable OEM segment{first}", parsed.problems)
    return parsed


def parse_oem(text: str, source: str) -> ParsedOem:
    """The objects of an OEM's text, KVN or XML (told apart by the first character)."""
    builder = _Builder(source)
    if text.lstrip("\ufeff \t\r\n").startswith("<"):
        _xml_tokens(text, builder)
    else:
        _kvn_tokens(text, builder)
    builder.finish()
    return ParsedOem(builder.objects, builder.problems)


# --- tokens: what KVN and XML both say ------------------------------------------------------------


def _kvn_tokens(text: str, builder: "_Builder") -> None:
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("COMMENT"):
            continue
        if line in ("META_START", "META_STOP", "COVARIANCE_START", "COVARIANCE_STOP"):
            builder.mark(line, number)
            continue
        match = _KEY_VALUE.match(line)
        if match:
            builder.key(match.group(1), match.group(2), number)
        else:
            builder.state(line.split(), number)


def _xml_tokens(text: str, builder: "_Builder") -> None:
    """The XML form (NDM/XML): ``segment/metadata`` leaves as keys, each ``stateVector`` as
    one state line, ``covarianceMatrix`` skipped."""
    parser = expat.ParserCreate()
    stack: list[list] = []  # per open element: [local name, text parts]
    vector: dict[str, str] = {}
    vector_line = [0]

    def start(tag, attrs):
        name = tag.rsplit(":", 1)[-1]
        stack.append([name, []])
        if name == "metadata":
            builder.mark("META_START", parser.CurrentLineNumber)
        elif name == "covarianceMatrix":
            builder.mark("COVARIANCE_START", parser.CurrentLineNumber)
        elif name == "stateVector":
            vector.clear()
            vector_line[0] = parser.CurrentLineNumber

    def end(tag):
        name, parts = stack.pop()
        value = "".join(parts).strip()
        parent = stack[-1][0] if stack else ""
        line = parser.CurrentLineNumber
        if name == "metadata":
            builder.mark("META_STOP", line)
        elif name == "covarianceMatrix":
            builder.mark("COVARIANCE_STOP", line)
        elif name == "stateVector":
            keys = ("EPOCH", "X", "Y", "Z", "X_DOT", "Y_DOT", "Z_DOT")
            missing = [k for k in keys if k not in vector]
            if missing:
                builder.problem(vector_line[0], "state", f"stateVector without {', '.join(missing)}")
            else:
                builder.state([vector[k] for k in keys], vector_line[0])
        elif parent == "stateVector":
            vector[name] = value
        elif parent == "metadata" and name != "COMMENT":
            builder.key(name, value, line)

    def chars(data):
        if stack:
            stack[-1][1].append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    error = parse_xml(parser, text)
    if error is not None:
        builder.problem(error[0], "xml", f"{error[1]}; the rest of the file is not read")


# --- segments from tokens -------------------------------------------------------------------------


class _Builder:
    """Gathers metadata and states into segments, grouped by object, and the problems met."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.objects: list[OemObject] = []
        self._by_key: dict[tuple[str, str], OemObject] = {}
        self._where = "header"  # header, meta, data, covariance
        self._meta: dict[str, tuple[str, int]] = {}
        self._meta_line = 0
        self._states: list[tuple[list[str], int]] = []

    def problem(self, line: int, kind: str, message: str) -> None:
        self.problems.append(Problem(self.source, line, kind, message))

    def mark(self, word: str, line: int) -> None:
        if word == "META_START":
            self._close_segment()
            self._where, self._meta, self._meta_line = "meta", {}, line
        elif word == "META_STOP":
            if self._where != "meta":
                self.problem(line, "structure", "META_STOP without META_START")
            self._where = "data"
        elif word == "COVARIANCE_START":
            self._where = "covariance"
        elif word == "COVARIANCE_STOP":
            self._where = "data"

    def key(self, key: str, value: str, line: int) -> None:
        if self._where == "meta":
            self._meta[key] = (value, line)
        elif self._where == "header" or self._where == "covariance":
            return  # header keys (version, creation date, originator) and covariance epochs
        else:
            self.problem(line, "structure", f"{key} outside a metadata block")

    def state(self, fields: list[str], line: int) -> None:
        if self._where == "covariance":
            return
        if self._where != "data":
            self.problem(line, "structure", "a line that is neither KEY = VALUE nor a state within a segment")
            return
        self._states.append((fields, line))

    def finish(self) -> None:
        self._close_segment()

    def _close_segment(self) -> None:
        if self._where == "header":
            return
        meta, states = self._meta, self._states
        self._states = []
        self._where = "header"
        try:
            segment = self._segment(meta, states)
        except _BadMetadata as exc:
            self.problem(exc.line, "metadata", f"{exc}; segment skipped")
            return
        if segment is None:
            return
        name, object_id = meta["OBJECT_NAME"][0], meta["OBJECT_ID"][0]
        found = self._by_key.get((name, object_id))
        if found is None:
            found = self._by_key[(name, object_id)] = OemObject(name, object_id)
            self.objects.append(found)
        found.segments.append(segment)

    def _segment(self, meta: dict, states: list) -> Segment | None:
        line = self._meta_line
        missing = [k for k in _REQUIRED if k not in meta]
        if missing:
            raise _BadMetadata(line, f"metadata without {', '.join(missing)}")
        center, at = meta["CENTER_NAME"]
        if center.upper() != "EARTH":
            raise _BadMetadata(at, f"CENTER_NAME {center[:40]!r}: only Earth-centred ephemerides are drawn")
        frame = _frame(*meta["REF_FRAME"])
        scale, at = meta["TIME_SYSTEM"]
        if scale.upper() not in TIME_SYSTEMS:
            raise _BadMetadata(at, f"TIME_SYSTEM {scale[:40]!r} (orbitview reads {', '.join(TIME_SYSTEMS)})")
        scale = scale.upper()
        interpolation, degree = _interpolation(meta)
        bounds = {key: _epoch_value(*meta[key], scale) for key in
                  ("START_TIME", "STOP_TIME", "USEABLE_START_TIME", "USEABLE_STOP_TIME") if key in meta}
        epochs, values, lines = [], [], []
        for fields, at in states:
            parsed = self._state(fields, at)
            if parsed is not None:
                epochs.append(parsed[0])
                values.append(parsed[1])
                lines.append(at)
        if not epochs:
            self.problem(line, "segment", "no usable states; segment skipped")
            return None
        times_s = _to_utc(np.array(epochs), scale)
        values = np.array(values)
        keep = self._increasing(times_s, lines)
        times_s, values = times_s[keep], values[keep]
        if len(times_s) < 2:
            self.problem(line, "segment", "fewer than two usable states; segment skipped")
            return None
        start = bounds.get("USEABLE_START_TIME", bounds["START_TIME"])
        stop = bounds.get("USEABLE_STOP_TIME", bounds["STOP_TIME"])
        # A span the states do not cover cannot be interpolated: clip it to them.
        useable = (max(start, float(times_s[0])), min(stop, float(times_s[-1])))
        if useable[0] >= useable[1]:
            self.problem(line, "segment", "useable span holds no states; segment skipped")
            return None
        return Segment(times_s, values[:, :3], values[:, 3:6], frame, interpolation, degree, useable)

    def _state(self, fields: list[str], line: int) -> tuple[float, np.ndarray] | None:
        if len(fields) not in (7, 10):
            self.problem(line, "state", f"{len(fields)} fields, expected an epoch and 6 (or 9) numbers")
            return None
        try:
            epoch = _calendar_seconds(fields[0])
        except ValueError as exc:
            self.problem(line, "time", str(exc))
            return None
        try:
            numbers = np.array([float(v) for v in fields[1:7]])
        except ValueError:
            self.problem(line, "state", f"not a number in {' '.join(fields[1:7])[:80]!r}")
            return None
        if not np.isfinite(numbers).all():
            self.problem(line, "state", "a position or velocity that is not finite")
            return None
        return epoch, numbers

    def _increasing(self, times_s: np.ndarray, lines: list[int]) -> np.ndarray:
        """Rows kept: each later than every kept one before it (the others are problems)."""
        keep = np.ones(len(times_s), bool)
        latest = -math.inf
        for i, t in enumerate(times_s):
            if t <= latest:
                keep[i] = False
                self.problem(lines[i], "time", "epoch not after the previous state's; state skipped")
            else:
                latest = t
        return keep


class _BadMetadata(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def _frame(value: str, line: int) -> str:
    name = value.upper()
    if name in _FRAMES:
        return _FRAMES[name]
    if name.startswith("ITRF"):
        return "ITRS"
    raise _BadMetadata(line, f"REF_FRAME {value[:40]!r} (orbitview reads EME2000, GCRF, ICRF, ITRF*, TEME)")


def _interpolation(meta: dict) -> tuple[str, int]:
    value, line = meta.get("INTERPOLATION", ("LAGRANGE", 0))
    kind = value.upper()
    if kind not in INTERPOLATIONS:
        raise _BadMetadata(line, f"INTERPOLATION {value[:40]!r} (orbitview reads LAGRANGE, HERMITE)")
    text, line = meta.get("INTERPOLATION_DEGREE", ("7" if kind == "HERMITE" else "5", line))
    if not text.isdigit() or not 1 <= int(text) <= 31:
        raise _BadMetadata(line, f"INTERPOLATION_DEGREE {text[:40]!r}, expected a whole number 1-31")
    return kind, int(text)


def _calendar_seconds(text: str) -> float:
    """Seconds from 1970-01-01 of ``text`` counted as days of 86,400 s in its own time scale."""
    match = _EPOCH.match(text)
    if not match:
        raise ValueError(f"bad epoch {text[:40]!r}, expected YYYY-MM-DDThh:mm:ss[.d] or YYYY-DDDThh:mm:ss")
    year, month, day, doy, hour, minute, second = match.groups()
    try:
        date = (dt.date(int(year), int(month), int(day)) if doy is None
                else dt.date(int(year), 1, 1) + dt.timedelta(days=int(doy) - 1))
    except ValueError:
        raise ValueError(f"bad epoch {text[:40]!r}: no such date") from None
    if doy is not None and date.year != int(year) or int(hour) > 23 or int(minute) > 59 or float(second) >= 61:
        raise ValueError(f"bad epoch {text[:40]!r}: out of range")
    days = date.toordinal() - dt.date(1970, 1, 1).toordinal()
    return days * SECONDS_PER_DAY + int(hour) * 3600 + int(minute) * 60 + float(second)


def _epoch_value(text: str, line: int, scale: str) -> float:
    try:
        return float(_to_utc(np.array([_calendar_seconds(text)]), scale)[0])
    except ValueError as exc:
        raise _BadMetadata(line, str(exc)) from None


def _to_utc(calendar_s: np.ndarray, scale: str) -> np.ndarray:
    """POSIX seconds UTC of (T,) calendar seconds of ``scale`` (see ``_calendar_seconds``)."""
    if scale == "UTC":
        return calendar_s
    ts = timescale()
    days = np.floor(calendar_s / SECONDS_PER_DAY)
    second = calendar_s - days * SECONDS_PER_DAY
    if scale == "GPS":
        scale, second = "TAI", second + _GPS_BEHIND_TAI_S
    make = {"TAI": ts.tai_jd, "TT": ts.tt_jd, "TDB": ts.tdb_jd}[scale]
    t = make(JD_UNIX_EPOCH + days, second / SECONDS_PER_DAY)
    year, month, day, hour, minute, sec = (np.atleast_1d(v) for v in t.utc)
    ordinal = np.array([dt.date(int(y), int(m), 1).toordinal() for y, m in zip(year, month)])
    utc_days = ordinal - dt.date(1970, 1, 1).toordinal() + day.astype(np.int64) - 1
    return utc_days * SECONDS_PER_DAY + hour * 3600.0 + minute * 60.0 + sec


# --- writing --------------------------------------------------------------------------------------


def format_epoch(t_s: float) -> str:
    """``YYYY-MM-DDThh:mm:ss.ffffff`` UTC for POSIX seconds (microseconds: about 7 mm in LEO)."""
    whole = math.floor(t_s)
    micro = round((t_s - whole) * 1e6)
    if micro == 1_000_000:
        whole, micro = whole + 1, 0
    value = dt.datetime(1970, 1, 1) + dt.timedelta(seconds=whole, microseconds=micro)
    return value.strftime("%Y-%m-%dT%H:%M:%S.%f")


def format_oem(names, object_ids, times_s: np.ndarray, position_km: np.ndarray, velocity_km_s: np.ndarray,
               valid: np.ndarray) -> str:
    """KVN text of N objects sampled at (T,) ``times_s`` (POSIX UTC): ``position_km`` and
    ``velocity_km_s`` (T, N, 3) GCRS, written as EME2000; ``valid`` (T, N) bool. One segment per
    object, over the span where it is valid (an object never valid is left out), Lagrange of
    degree 7 over positions: SGP4's velocities are not exactly its positions' derivatives
    (by mm/s to cm/s), which Hermite interpolation over 60 s would turn into metres."""
    created = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    out = [
        "CCSDS_OEM_VERS = 2.0",
        f"COMMENT Written by orbitview {__version__}: SGP4 states rotated from TEME with skyfield.",
        "COMMENT REF_FRAME EME2000 holds GCRS states: the two differ by the frame bias",
        "COMMENT (1.1e-7 rad: 0.8 m in LEO, 4.7 m at GEO), which orbitview does not apply.",
        f"CREATION_DATE = {created}",
        "ORIGINATOR = ORBITVIEW",
    ]
    for k in range(position_km.shape[1]):
        rows = np.flatnonzero(valid[:, k])
        if len(rows) < 2:
            continue
        first, last = format_epoch(times_s[rows[0]]), format_epoch(times_s[rows[-1]])
        out += ["", "META_START", f"OBJECT_NAME = {_one_line(names[k])}", f"OBJECT_ID = {_one_line(object_ids[k])}",
                "CENTER_NAME = EARTH", "REF_FRAME = EME2000", "TIME_SYSTEM = UTC",
                f"START_TIME = {first}", f"USEABLE_START_TIME = {first}",
                f"USEABLE_STOP_TIME = {last}", f"STOP_TIME = {last}",
                "INTERPOLATION = LAGRANGE", "INTERPOLATION_DEGREE = 7", "META_STOP", ""]
        for i in rows:
            (x, y, z), (u, v, w) = position_km[i, k], velocity_km_s[i, k]
            out.append(f"{format_epoch(times_s[i])} {x:.6f} {y:.6f} {z:.6f} {u:.9f} {v:.9f} {w:.9f}")
    return "\n".join(out) + "\n"


def _one_line(text) -> str:
    """A value fit for a KVN line: no line breaks, no surrounding spaces, never empty."""
    cleaned = " ".join(str(text or "").split())
    return cleaned or "UNKNOWN"



#: Objects whose OBJECT_ID is not a catalogue number are numbered from here: past every
#: Alpha-5 number (339999), so never a real object's, nor a synthetic fragment's (200000-269999).
FIRST_UNNUMBERED_ID = 900000


def open_oem(path: str | Path):
    """``(Ephemerides, Catalog, problems)`` of an OEM file (see ``fitted_catalog``).

    Numbers: an OBJECT_ID that is a whole number is the catalogue number; any other (a COSPAR
    designator such as 1998-067A, an operator's name) is the designator, and the object is
    numbered ``FIRST_UNNUMBERED_ID`` plus its place in the file.
    """
    from orbitview.core.orbits.ephemeris import Ephemerides, fitted_catalog

    parsed = read_oem(path)
    objects = parsed.objects
    ephemerides = Ephemerides([o.segments for o in objects], str(path))
    norad_id = np.array([int(o.object_id) if o.object_id.isdigit() and 0 < int(o.object_id) < 10**9
                         else FIRST_UNNUMBERED_ID + k for k, o in enumerate(objects)], np.int64)
    designators = ["" if o.object_id.isdigit() else o.object_id for o in objects]
    catalog = fitted_catalog(ephemerides, [o.name for o in objects], designators, norad_id, str(path))
    return ephemerides, catalog, parsed.problems


def looks_like_oem(path: str | Path) -> bool:
    """Whether ``path`` is named ``.oem`` or starts as an OEM does (KVN or XML)."""
    path = Path(path)
    if path.suffix.lower() in SUFFIXES:
        return True
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False  # the element-set readers word the error
    return is_oem(head.decode("utf-8", "replace"))
