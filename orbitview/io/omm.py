"""OMM element sets (CCSDS 502.0, CelesTrak GP keys) as JSON, CSV or XML.

OMM is the format-neutral form of SGP4 mean elements: a TLE is a packed OMM, so the TLE reader
parses its fixed columns into the same columns, and both end in
:func:`orbitview.io.element_columns.build_catalog`.
"""

from __future__ import annotations

import calendar
import csv
import io
import json
import operator
import re
from xml.parsers import expat

import numpy as np

from orbitview.core.orbits.catalog import Catalog
from orbitview.core.orbits.times import JD_UNIX_EPOCH
from orbitview.io.element_columns import Parsed, Rejects, build_catalog, report_unsafe_text
from orbitview.io.problems import Problem

#: CelesTrak GP keys, in CelesTrak's order (the order writers use).
OMM_KEYS = (
    "OBJECT_NAME", "OBJECT_ID", "EPOCH", "MEAN_MOTION", "ECCENTRICITY", "INCLINATION",
    "RA_OF_ASC_NODE", "ARG_OF_PERICENTER", "MEAN_ANOMALY", "EPHEMERIS_TYPE",
    "CLASSIFICATION_TYPE", "NORAD_CAT_ID", "ELEMENT_SET_NO", "REV_AT_EPOCH", "BSTAR",
    "MEAN_MOTION_DOT", "MEAN_MOTION_DDOT",
)

#: OMM key -> float column; a record without one of these is skipped.
_REQUIRED_FLOATS = {
    "MEAN_MOTION": "mean_motion_rev_per_day",
    "ECCENTRICITY": "eccentricity",
    "INCLINATION": "inclination_deg",
    "RA_OF_ASC_NODE": "raan_deg",
    "ARG_OF_PERICENTER": "arg_perigee_deg",
    "MEAN_ANOMALY": "mean_anomaly_deg",
    "BSTAR": "bstar",
}
#: Missing drag terms mean zero (some producers leave them out for deep-space objects).
_OPTIONAL_FLOATS = {"MEAN_MOTION_DOT": "mean_motion_dot", "MEAN_MOTION_DDOT": "mean_motion_ddot"}
_OPTIONAL_INTS = {"ELEMENT_SET_NO": "element_set_no", "REV_AT_EPOCH": "rev_at_epoch"}

_US_PER_DAY = 86_400_000_000


# ---------------------------------------------------------------------------------------------
# OMM records -> columns


def _epochs(values: list, rejects: Rejects) -> tuple[np.ndarray, np.ndarray]:
    """``(jd, fr)`` two-part UTC Julian dates of ISO 8601 epochs, exact to the digits given."""
    n = len(values)
    jd = np.full(n, np.nan)
    fr = np.full(n, np.nan)
    fast = np.array([isinstance(v, str) and _ISO_FAST.match(v) is not None for v in values], dtype=bool)
    idx = np.flatnonzero(fast)
    for block in np.array_split(idx, max(1, len(idx) // _EPOCH_BLOCK)) if len(idx) else ():
        try:
            # numpy parses ISO strings in C; microseconds since 1970 split exactly into day and fraction.
            us = np.array([values[i] for i in block], dtype="datetime64[us]").astype(np.int64)
        except ValueError:
            # A month 13 or a 30 February somewhere in the block: the block goes one by one.
            fast[block] = False
            continue
        days, rem = np.divmod(us, _US_PER_DAY)
        jd[block] = JD_UNIX_EPOCH + days
        fr[block] = rem / _US_PER_DAY
    reasons = {}
    for i in np.flatnonzero(~fast):
        parsed = _parse_epoch(values[i])
        if isinstance(parsed, str):
            reasons[i] = parsed
        else:
            jd[i], fr[i] = parsed
    bad = np.zeros(n, dtype=bool)
    bad[list(reasons)] = True
    rejects.add(bad, "epoch", lambda i: f"EPOCH {str(values[i])[:40]!r} {reasons[i]}")
    return jd, fr


#: Epochs numpy parses at once; a block holding an impossible date is parsed one by one.
_EPOCH_BLOCK = 4096
# What numpy parses exactly: calendar dates with at most microseconds and no zone.
_ISO_FAST = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?\Z")
_ISO = re.compile(
    r"\s*(\d{4})-(?:(\d\d)-(\d\d)|(\d{3}))(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:\.(\d+))?)?)?\s*(Z|z|\+00:?00)?\s*\Z"
)


def parse_epoch(text) -> tuple[float, float] | None:
    """``(jd, fr)`` for ``YYYY-MM-DDThh:mm:ss.fff...`` or ``YYYY-DDDThh:mm:ss`` (UTC), else None.

    The fraction of day is one correctly rounded division of integers, whatever the digits.
    """
    parsed = _parse_epoch(text)
    return None if isinstance(parsed, str) else parsed


def _parse_epoch(text) -> tuple[float, float] | str:
    """``(jd, fr)`` as ``parse_epoch``, or what is wrong with ``text`` (words after the value).

    Second 60 is refused as numpy refuses it: an SGP4 epoch is a count of days that has no
    place for a leap second, and no element-set producer writes one.
    """
    import datetime as dt

    if not isinstance(text, str):
        return "is not an ISO 8601 UTC time"
    m = _ISO.match(text)
    if not m:
        return "is not an ISO 8601 UTC time"
    year, month, day, doy, hh, mm, ss, frac, _ = m.groups()
    try:
        if doy is not None:
            if not 1 <= int(doy) <= (366 if calendar.isleap(int(year)) else 365):
                return f"has day of year {doy}, which {year} does not have"
            date = dt.date(int(year), 1, 1) + dt.timedelta(days=int(doy) - 1)
        else:
            date = dt.date(int(year), int(month), int(day))
    except (ValueError, OverflowError) as exc:
        return f"is not a date: {exc}"
    h, mi, s = int(hh or 0), int(mm or 0), int(ss or 0)
    for value, unit, top in ((h, "hour", 23), (mi, "minute", 59), (s, "second", 59)):
        if value > top:
            return f"has {unit} {value}, above {top}"
    digits = frac or ""
    scale = 10 ** len(digits)
    ticks = ((h * 60 + mi) * 60 + s) * scale + int(digits or 0)
    jd = date.toordinal() + 1721424.5
    return jd, ticks / (86400 * scale)


def _floats(values: list, key: str, rejects: Rejects, *, default: float | None) -> np.ndarray:
    """``(N,) float64`` of numbers or numeric strings; others are rejected (or ``default``
    where a value is missing and a default is allowed)."""
    if _plain_numbers(values):
        try:
            # float() on every value in C: strings, ints and floats alike (~5x np.array on strings).
            return np.fromiter(map(float, values), dtype=np.float64, count=len(values))
        except (ValueError, TypeError, OverflowError):
            pass
    out = np.full(len(values), np.nan)
    bad = np.zeros(len(values), dtype=bool)
    for i, v in enumerate(values):
        if (v is None or v == "") and default is not None:
            out[i] = default
            continue
        try:
            if isinstance(v, bool) or not _plain_numbers([v]):
                raise TypeError
            out[i] = float(v)
        except (ValueError, TypeError, OverflowError):
            bad[i] = True
    rejects.add(bad, "format", lambda i: _bad_value(key, values[i], "a number"))
    return out


def _ints(values: list, key: str, rejects: Rejects, *, default: int | None) -> np.ndarray:
    """``(N,) int64`` of whole numbers (ints or digit strings of any length up to 2**63)."""
    if float not in set(map(type, values)) and _plain_numbers(values):  # int() would truncate a float silently
        try:
            out = np.fromiter(map(int, values), dtype=np.int64, count=len(values))
            if (out >= 0).all():
                return out
        except (ValueError, TypeError, OverflowError):
            pass
    out = np.zeros(len(values), dtype=np.int64)
    bad = np.zeros(len(values), dtype=bool)
    for i, v in enumerate(values):
        if (v is None or v == "") and default is not None:
            out[i] = default
            continue
        try:
            if isinstance(v, (bool, float)) or v is None or not _plain_numbers([v]):
                raise TypeError
            number = int(v)  # ints and digit strings of any length
            if not 0 <= number < 2**63:
                raise OverflowError
            out[i] = number
        except (ValueError, TypeError, OverflowError):
            bad[i] = True
    rejects.add(bad, "format", lambda i: _bad_value(key, values[i], "a non-negative whole number"))
    return out


def _plain_numbers(values: list) -> bool:
    """Whether the strings among ``values`` are free of what Python's ``int()`` and ``float()``
    accept but no element-set file means: digit-group underscores (``2_4_9_4_6``) and
    non-ASCII digits (``٣``)."""
    types = set(map(type, values))  # in C: JSON numbers are seldom strings
    if str not in types:
        return True
    text = "".join(values) if types == {str} else "".join(v for v in values if type(v) is str)
    return "_" not in text and text.isascii()


def _bad_value(key: str, value, expected: str) -> str:
    if value is None or value == "":
        return f"{key} missing"
    return f"{key} is {str(value)[:40]!r}, not {expected}"


def _text(values: list) -> np.ndarray:
    return np.array([("" if v is None else str(v)).strip() for v in values], dtype=object)


def columns_from_omm(fields: dict[str, list], lines: np.ndarray, source: str,
                     problems: list[Problem], line_of=int) -> Parsed:
    """The catalogue of OMM records given as ``key -> (N,) list of values`` (str or number)."""
    n = len(lines)
    rejects = Rejects(n, source, lines, line_of)
    get = lambda key: fields.get(key) or [None] * n  # noqa: E731
    norad = _ints(get("NORAD_CAT_ID"), "NORAD_CAT_ID", rejects, default=None)
    jd, fr = _epochs(get("EPOCH"), rejects)
    columns = {
        "norad_id": norad,
        "name": _text(get("OBJECT_NAME")),
        "intl_designator": _text(get("OBJECT_ID")),
        "epoch_jd": jd,
        "epoch_fr": fr,
        "classification": np.array([(str(v).strip() or "U") if v is not None else "U" for v in get("CLASSIFICATION_TYPE")], dtype=object),
    }
    for key, name in _REQUIRED_FLOATS.items():
        columns[name] = _floats(get(key), key, rejects, default=None)
    for key, name in _OPTIONAL_FLOATS.items():
        columns[name] = _floats(get(key), key, rejects, default=0.0)
    for key, name in _OPTIONAL_INTS.items():
        columns[name] = _ints(get(key), key, rejects, default=0)
    keep = np.flatnonzero(rejects.ok)
    problems.extend(rejects.problems)
    kept = {k: v[keep] for k, v in columns.items()}
    report_unsafe_text(kept, _TEXT_KEYS, lines[keep], source, problems, line_of)
    return build_catalog(kept, lines[keep], source, problems, line_of)


#: Text columns -> the OMM key a report names.
_TEXT_KEYS = {"name": "OBJECT_NAME", "intl_designator": "OBJECT_ID", "classification": "CLASSIFICATION_TYPE"}


# ---------------------------------------------------------------------------------------------
# The three OMM encodings


def read_omm_json(text: str, source: str) -> Parsed:
    """CelesTrak GP JSON: an array of objects with ``OMM_KEYS`` (or one such object).

    A syntax error ends the file there: the records before it still load. Record lines are
    the line of each object's opening brace.
    """
    problems: list[Problem] = []
    try:
        data = json.loads(text, strict=False)  # a raw control character in a name is that name's problem
        records = data if isinstance(data, list) else [data]
        starts = None
    except json.JSONDecodeError as exc:
        records, starts = _json_prefix(text)
        problems.append(Problem(source, exc.lineno, "format", f"invalid JSON: {exc.msg} (column {exc.colno})"))
    except RecursionError:
        return _nothing(source, [Problem(source, 1, "format", "JSON nested too deeply")])
    if starts is None:
        starts = _JsonLines(text)
    keep, rows = [], []
    for i, record in enumerate(records):
        if isinstance(record, dict):
            keep.append(record)
            rows.append(i)
        else:
            problems.append(Problem(source, starts[i], "format", "array item is not an object"))
    return columns_from_omm(_transpose(keep), np.array(rows, dtype=np.int64), source, problems, starts.__getitem__)


class _JsonLines:
    """Line of the i-th top-level array item, scanned for only when a report needs one."""

    def __init__(self, text: str) -> None:
        self._text, self._lines = text, None

    def __getitem__(self, i: int) -> int:
        if self._lines is None:
            self._lines = _json_prefix(self._text)[1]
        return self._lines[i] if i < len(self._lines) else 1


def _transpose(records: list[dict]) -> dict[str, list]:
    """``OMM_KEYS`` -> column of values (None where a record lacks the key)."""
    try:
        # One C-level lookup of all keys per record, then a C-level transpose.
        columns = zip(*map(operator.itemgetter(*OMM_KEYS), records))
        return dict(zip(OMM_KEYS, map(list, columns))) if records else {}
    except KeyError:
        return {key: [r.get(key) for r in records] for key in OMM_KEYS}


def _json_prefix(text: str) -> tuple[list, list[int]]:
    """The top-level array items that decode before the first syntax error, and their lines."""
    decoder = json.JSONDecoder(strict=False)
    items, lines = [], []
    pos = _skip_ws(text, 0)
    if text[pos:pos + 1] != "[":
        return items, lines
    pos = _skip_ws(text, pos + 1)
    line, counted = 1, 0
    while pos < len(text) and text[pos] != "]":
        try:
            item, end = decoder.raw_decode(text, pos)
        except (json.JSONDecodeError, RecursionError):
            break
        line += text.count("\n", counted, pos)
        counted = pos
        items.append(item)
        lines.append(line)
        pos = _skip_ws(text, end)
        if text[pos:pos + 1] == ",":
            pos = _skip_ws(text, pos + 1)
    return items, lines


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def read_omm_csv(text: str, source: str) -> Parsed:
    """CelesTrak GP CSV: a header row of ``OMM_KEYS`` (any order), then one record a row."""
    problems: list[Problem] = []
    if '"' in text or "\r" in text.replace("\r\n", "\n"):
        numbered = _csv_rows(text, source, problems)
    else:
        # Without quotes a row is its line split at commas: twice as fast as the csv module.
        numbered = ((n, line.rstrip("\r").split(",")) for n, line in enumerate(text.split("\n"), 1))
    header, rows, lines = None, [], []
    for line_no, row in numbered:
        if not any(row):
            continue
        if header is None:
            header = [cell.strip().upper() for cell in row]
            width = len(header)
            continue
        if len(row) != width:
            problems.append(Problem(source, line_no, "format", f"{len(row)} fields, the header has {width}"))
            continue
        rows.append(row)
        lines.append(line_no)
    if header is None:
        return _nothing(source, problems)
    cols = list(zip(*rows)) if rows else [()] * width
    fields = {key: list(cols[header.index(key)]) for key in OMM_KEYS if key in header}
    missing = [k for k in ("NORAD_CAT_ID", "EPOCH", "MEAN_MOTION") if k not in header]
    if missing:
        problems.append(Problem(source, 1, "format", f"CSV header lacks {', '.join(missing)}"))
        return _nothing(source, problems)
    return columns_from_omm(fields, np.array(lines, dtype=np.int64), source, problems)


def _csv_rows(text: str, source: str, problems: list[Problem]):
    """``(line, row)`` pairs by the csv module (quoted fields); a syntax error ends the file."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as exc:
        problems.append(Problem(source, reader.line_num, "format", f"CSV: {exc}"))


def read_omm_xml(text: str, source: str) -> Parsed:
    """CCSDS NDM/OMM XML: one ``<omm>`` or many inside ``<ndm>``; namespaces are ignored.

    Each ``<segment>`` is a record, reported at the line of its ``<segment>`` tag. When the
    document is not well-formed, each segment is parsed on its own, so damage stays local.
    """
    problems: list[Problem] = []
    records, lines, error = _xml_segments(text)
    if error is not None:
        records, lines = _segments_one_by_one(text, source, problems)
        if not records and not problems:
            problems.append(Problem(source, error[0], "format", f"invalid XML: {error[1]}"))
    return columns_from_omm(_transpose(records), np.array(lines, dtype=np.int64), source, problems)


_SEGMENT_OPEN = re.compile(r"<(?:[\w.-]+:)?segment\b")
_SEGMENT_CLOSE = re.compile(r"</(?:[\w.-]+:)?segment\s*>")


def _segments_one_by_one(text: str, source: str, problems: list[Problem]) -> tuple[list[dict], list[int]]:
    """The records of a document that is not well-formed, each ``<segment>`` parsed alone.

    A segment runs from its opening tag to its closing tag or, where that is missing or
    misspelt, to the next opening tag: one damaged segment costs one record, and each
    character is read by one segment only, so the time is linear in the text.
    """
    records, lines = [], []
    starts = [m.start() for m in _SEGMENT_OPEN.finditer(text)]
    line, counted = 1, 0
    for start, stop in zip(starts, starts[1:] + [len(text)]):
        line += text.count("\n", counted, start)
        counted = start
        close = _SEGMENT_CLOSE.search(text, start, stop)
        found, _, bad = _xml_segments(text[start:close.end() if close else stop])
        if bad is not None:
            problems.append(Problem(source, line + bad[0] - 1, "format", f"invalid XML: {bad[1]}"))
        elif found:
            records.append(found[0])
            lines.append(line)
    return records, lines


def _xml_segments(text: str) -> tuple[list[dict], list[int], tuple[int, str] | None]:
    """Leaf values of each ``<segment>`` (local names), their lines, and the first syntax
    error as ``(line, message)`` (records before it are kept)."""
    records: list[dict] = []
    lines: list[int] = []
    stack: list[list] = []  # per open element: [local name, child count, text parts]
    current: dict | None = None
    parser = expat.ParserCreate()

    def start(tag, attrs):
        nonlocal current
        if stack:
            stack[-1][1] += 1
        name = tag.rsplit(":", 1)[-1]
        stack.append([name, 0, []])
        if name == "segment":
            current = {}
            lines.append(parser.CurrentLineNumber)

    def end(tag):
        nonlocal current
        name, children, parts = stack.pop()
        if name == "segment" and current is not None:
            records.append(current)
            current = None
        elif children == 0 and current is not None:
            current[name] = "".join(parts).strip()

    def chars(data):
        if stack:
            stack[-1][2].append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    error = parse_xml(parser, text)
    return records, lines[: len(records)], error


def parse_xml(parser, text: str) -> tuple[int, str] | None:
    """Run an expat ``parser`` (its handlers set) over ``text``, refusing entity declarations;
    the first syntax error as ``(line, message)``, None when there was none."""

    def no_entities(*args):
        # Entities could expand without bound or reach outside the file: refuse them.
        raise ValueError("entity declarations are not accepted")

    parser.EntityDeclHandler = no_entities
    try:
        parser.Parse(text, True)
    except expat.ExpatError as exc:
        return exc.lineno, expat.ErrorString(exc.code)
    except ValueError as exc:
        return parser.CurrentLineNumber, str(exc)
    return None


def _nothing(source: str, problems: list[Problem]) -> Parsed:
    return Parsed(Catalog.empty(), problems, np.empty(0, dtype=np.int64))
