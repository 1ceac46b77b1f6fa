"""TLE and 3LE text: two 69-column element lines per object, optionally after a name line
(``NAME`` as CelesTrak writes it, ``0 NAME`` as Space-Track does).

All records of a file are checked and decoded at once as an ``(N, 69)`` byte array: the
checksum, every column against the layout below, matching catalogue numbers, then the values.
Decimal fields are read as integers and divided by a power of ten, which rounds exactly like
sgp4's own ``strtod``-based parser; exponents scale by C's ``pow(10.0, exp)`` from a table, as
``twoline2rv`` does. So elements (and hence SGP4 states) are bit-identical on every CPU, which
numpy's vectorised ``power`` is not: its SIMD loops differ from C's ``pow`` in the last bit on
some CPUs.
"""

from __future__ import annotations

import math

import numpy as np

from orbitview.io.element_columns import Parsed, Rejects, build_catalog, report_unsafe_text
from orbitview.io.problems import Problem

# Column layout, one character per column. d: digit; D: digit or a leading space; s: sign
# (space, + or -); a: Alpha-5 lead (digit, space or a letter other than I and O);
# x: any printable ASCII; c: the checksum digit; others stand for themselves.
_LINE1 = "1 aDDDDx xxxxxxxx ddDDD.dddddddd s.dddddddd sdddddsd sdddddsd D DDDDc"
_LINE2 = "2 aDDDD DDD.dddd DDD.dddd ddddddd DDD.dddd DDD.dddd DD.ddddddddDDDDDc"
assert len(_LINE1) == len(_LINE2) == 69

_ALPHA5 = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # A=10 ... Z=33; I and O are skipped (look like 1 and 0)


def _allowed_table(layout: str) -> np.ndarray:
    """``(69, 256) bool``: which byte each column may hold."""
    digits = set(range(48, 58))
    classes = {
        "d": digits, "c": digits, "D": digits | {32}, "s": {32, 43, 45},
        "a": digits | {32} | {ord(ch) for ch in _ALPHA5}, "x": set(range(32, 127)),
    }
    table = np.zeros((69, 256), dtype=bool)
    for col, code in enumerate(layout):
        table[col, list(classes.get(code, {ord(code)}))] = True
    return table


_ALLOWED = (_allowed_table(_LINE1), _allowed_table(_LINE2))
# Columns where a space may not follow a digit inside a right-justified number.
_INNER = tuple(
    np.array([j for j in range(1, 69) if layout[j] == "D" and layout[j - 1] in "Da"])
    for layout in (_LINE1, _LINE2)
)
_EXPECT = {"d": "a digit", "c": "a checksum digit", "D": "a digit or space", "s": "a sign",
           "a": "a digit or Alpha-5 letter", "x": "printable ASCII", " ": "a space", ".": "'.'"}


def tle_checksum(line: str) -> int:
    """Modulo-10 sum of the first 68 columns: digits count their value, ``-`` counts 1."""
    total = 0
    for char in line[:68]:
        if char.isdigit():
            total += ord(char) - 48
        elif char == "-":
            total += 1
    return total % 10


def parse_tle(text: str | bytes, source: str) -> Parsed:
    """Parse TLE/3LE text (``str``, or UTF-8 ``bytes`` without BOM) into a ``Parsed``.

    A fault is reported at the line that holds it; a record as a whole at its line 1.
    """
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
    lines = _Lines(data)
    problems: list[Problem] = []
    first, second, names, name_lines = _pair_records(lines, source, problems)
    rejects = Rejects(len(first), source, first + 1)
    at = (lambda i: int(first[i]) + 1, lambda i: int(second[i]) + 1)
    b1 = _byte_matrix(lines, first, rejects, at[0], 0)
    b2 = _byte_matrix(lines, second, rejects, at[1], 1)
    d1, d2 = _Digits(b1), _Digits(b2)
    _check_layout(b1, b2, d1, d2, rejects, at)
    columns = _decode(b1, b2, d1, d2, rejects, names, at[1])
    problems.extend(rejects.problems)
    keep = np.flatnonzero(rejects.ok)
    kept = {k: v[keep] for k, v in columns.items()}
    report_unsafe_text(kept, {"name": "the name"}, name_lines[keep] + 1, source, problems)
    return build_catalog(kept, first[keep] + 1, source, problems)


class _Lines:
    """The lines of a byte buffer as ``(L,)`` start and end offsets (end excludes CR/LF).

    Only LF, CRLF and a lone CR end a line (``str.splitlines`` would also split on form feeds
    and vertical tabs, and miscount lines).
    """

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.buf = np.frombuffer(data, dtype=np.uint8)
        newline = 13 if b"\n" not in data and b"\r" in data else 10
        breaks = np.flatnonzero(self.buf == newline)
        self.starts = np.concatenate(([0], breaks + 1)).astype(np.int64)
        self.ends = np.concatenate((breaks, [len(data)])).astype(np.int64)
        if newline == 10:
            cr = np.zeros(len(self.ends), dtype=bool)
            has = self.ends > self.starts
            cr[has] = self.buf[self.ends[has] - 1] == 13
            self.ends -= cr

    def __len__(self) -> int:
        return len(self.starts)

    def byte(self, offset: int) -> np.ndarray:
        """``(L,) uint8``: each line's byte at ``offset`` (0 where the line is shorter)."""
        out = np.zeros(len(self.starts), dtype=np.uint8)
        has = self.ends - self.starts > offset
        out[has] = self.buf[self.starts[has] + offset]
        return out

    def text(self, i: int) -> bytes:
        """Line ``i`` without trailing blanks."""
        return self.data[self.starts[i]:self.ends[i]].rstrip()


def _pair_records(lines: _Lines, source: str, problems: list[Problem]):
    """Find records: a ``1 `` line directly followed (blank lines aside) by a ``2 `` line,
    named by the text line before it if there is one.

    Returns ``first, second : (N,) int64``, 0-based indices of lines 1 and 2,
    ``names : (N,) object`` and ``name_lines : (N,) int64``, the 0-based index of each name
    line (of line 1 where there is none).
    """
    b0, b1 = lines.byte(0), lines.byte(1)
    blank = lines.ends == lines.starts
    # A line that starts with a blank may be all blanks: look at those few one by one.
    for i in np.flatnonzero((b0 == 32) | (b0 == 9)):
        blank[i] = not lines.text(i)
    nonblank = np.flatnonzero(~blank)
    kind = np.zeros(len(nonblank), dtype=np.int8)  # 0 text, 1 line 1, 2 line 2
    spaced = b1[nonblank] == 32
    kind[spaced & (b0[nonblank] == 49)] = 1
    kind[spaced & (b0[nonblank] == 50)] = 2
    first = np.flatnonzero((kind[:-1] == 1) & (kind[1:] == 2))
    used = np.zeros(len(kind), dtype=bool)
    used[first] = used[first + 1] = True
    has_name = np.zeros(len(first), dtype=bool)
    has_name[first > 0] = kind[first[first > 0] - 1] == 0
    used[first[has_name] - 1] = True

    for j in np.flatnonzero(~used):
        at = int(nonblank[j]) + 1
        if kind[j] == 1:
            problems.append(Problem(source, at, "truncated", "element line 1 without line 2 after it"))
        elif kind[j] == 2:
            problems.append(Problem(source, at, "order", "element line 2 without line 1 before it"))
        elif j + 1 == len(kind):
            problems.append(Problem(source, at, "truncated", "name line without element lines after it"))
        elif kind[j + 1] == 0:
            problems.append(Problem(source, at, "format", "text that is neither a name nor an element line"))
        # else: a name before an orphan element line, which is reported itself

    names = np.full(len(first), "", dtype=object)
    name_lines = nonblank[first[has_name] - 1]
    start = lines.starts[name_lines]
    # Space-Track's "0 " prefix is not part of the name.
    start = start + 2 * ((lines.byte(0)[name_lines] == 48) & (lines.byte(1)[name_lines] == 32))
    data = lines.data
    # One decode for all names: per-name decodes cost more than the rest of the parse of a name.
    joined = b"\n".join([data[s:e] for s, e in zip(start.tolist(), lines.ends[name_lines].tolist())])
    names[has_name] = [n.strip() for n in joined.decode("utf-8", "replace").split("\n")] if len(name_lines) else []
    at = nonblank[first].astype(np.int64)
    named = at.copy()
    named[has_name] = name_lines
    return at, nonblank[first + 1].astype(np.int64), names, named


def _byte_matrix(lines: _Lines, index: np.ndarray, rejects: Rejects, at, which: int) -> np.ndarray:
    """``(N, 69) uint8``: the lines at ``index``; too short or too long lines are rejected
    (``at(i)`` is the file line of row ``i``)."""
    n = len(index)
    starts = lines.starts[index]
    lengths = lines.ends[index] - starts
    if len(lines.buf) >= 69:
        # Rows of a strided view of the buffer: a copy of 69 bytes per line, no index matrix.
        matrix = np.lib.stride_tricks.sliding_window_view(lines.buf, 69)[np.minimum(starts, len(lines.buf) - 69)]
    else:
        matrix = np.zeros((n, 69), dtype=np.uint8)
    # Lines not exactly 69 bytes long (trailing blanks, damage) are redone one by one.
    for i in np.flatnonzero(lengths != 69):
        line = lines.text(int(index[i]))
        row = np.frombuffer(line[:69].ljust(69), dtype=np.uint8)
        matrix[i] = row
        if not line.isascii():
            _reject_at(rejects, _one(n, i), at, "format", lambda i: f"element line {which + 1} holds non-ASCII text")
        elif len(line) < 69:
            _reject_at(rejects, _one(n, i), at, "truncated",
                       lambda i, k=len(line): f"element line {which + 1} has {k} columns, needs 69")
        elif len(line) > 69:
            _reject_at(rejects, _one(n, i), at, "format",
                       lambda i, k=len(line): f"element line {which + 1} has {k} columns, expected 69")
    return matrix


def _one(n: int, i: int) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    mask[i] = True
    return mask


def _reject_at(rejects: Rejects, mask, at, kind, message) -> None:
    """Like ``rejects.add`` but reporting the line ``at(i)`` (the element line at fault)."""
    for i in np.flatnonzero(mask & rejects.ok):
        rejects.problems.append(Problem(rejects.source, at(i), kind, message(i)))
    rejects.ok &= ~mask


def _check_layout(b1: np.ndarray, b2: np.ndarray, d1: "_Digits", d2: "_Digits", rejects: Rejects, lines_at) -> None:
    """Checksums, then the layout of every column, then matching catalogue numbers."""
    for which, (b, d) in enumerate(((b1, d1), (b2, d2))):
        at = lines_at[which]
        computed = (d.value[:, :68].sum(axis=1, dtype=np.int32) + (b[:, :68] == 45).sum(axis=1, dtype=np.int32)) % 10
        stated = b[:, 68].astype(np.int32) - 48
        _reject_at(rejects, computed != stated, at, "checksum",
                   lambda i, b=b, c=computed, w=which: f"line {w + 1} checksum is {chr(b[i, 68])!r}, computed {c[i]}")
        _reject_at(rejects, _bad_layout(b, d, which), at, "format",
                   lambda i, b=b, w=which: _layout_message(b[i], w))
    differ = (b1[:, 2:7] != b2[:, 2:7]).any(axis=1)
    _reject_at(rejects, differ, lines_at[1], "mismatch",
               lambda i: f"catalogue numbers differ: {b1[i, 2:7].tobytes().decode()!r} on line 1, "
               f"{b2[i, 2:7].tobytes().decode()!r} on line 2")


def _bad_layout(b: np.ndarray, d: "_Digits", which: int) -> np.ndarray:
    """``(N,) bool``: rows with a byte their column does not allow (``_LINE1``/``_LINE2``).

    Whole column groups at once (digits, digits or spaces, ...); the one Alpha-5 column and the
    few literal columns by table.
    """
    groups = _GROUPS[which]
    space = b == 32
    bad = ~d.is_digit[:, groups["d"]].all(axis=1)
    bad |= ~(d.is_digit[:, groups["D"]] | space[:, groups["D"]]).all(axis=1)
    signs = b[:, groups["s"]]
    bad |= ~((signs == 32) | (signs == 43) | (signs == 45)).all(axis=1)
    printable = b[:, groups["x"]]
    bad |= ~((printable >= 32) & (printable < 127)).all(axis=1)
    bad |= (b[:, groups["literal"]] != groups["literal_bytes"]).any(axis=1)
    bad |= ~_ALLOWED[which][2, b[:, 2]]
    inner = _INNER[which]
    bad |= (space[:, inner] & d.is_digit[:, inner - 1]).any(axis=1)
    return bad


def _layout_message(row: np.ndarray, which: int) -> str:
    """Where one ``(69,) uint8`` row first breaks the layout."""
    ok = _ALLOWED[which][np.arange(69), row]
    inner = _INNER[which]
    ok[inner] &= ~((row[inner] == 32) & (_DIGIT[row[inner - 1]] < 10))
    col = int(np.argmin(ok))
    layout = (_LINE1, _LINE2)[which]
    return (f"line {which + 1} column {col + 1}: {chr(row[col])!r} where "
            f"{_EXPECT.get(layout[col], repr(layout[col]))} belongs")


def _column_groups(layout: str) -> dict[str, np.ndarray]:
    """The columns of each layout code (``d`` takes the checksum column ``c`` too); the
    literal columns with the bytes they must hold."""
    of = lambda codes: np.array([j for j, code in enumerate(layout) if code in codes], dtype=np.int64)  # noqa: E731
    literal = of(" .12")
    return {"d": of("dc"), "D": of("D"), "s": of("s"), "x": of("x"), "literal": literal,
            "literal_bytes": np.frombuffer(layout.encode(), dtype=np.uint8)[literal]}


_GROUPS = (_column_groups(_LINE1), _column_groups(_LINE2))
assert all(sorted(np.concatenate([g[k] for k in ("d", "D", "s", "x", "literal")]).tolist() + [2]) == list(range(69))
           for g in _GROUPS)

_DIGIT = np.full(256, 10, dtype=np.uint8)
_DIGIT[48:58] = np.arange(10)


class _Digits:
    """A ``(N, 69) uint8`` byte matrix read as digits."""

    def __init__(self, b: np.ndarray) -> None:
        value = b - np.uint8(48)  # wraps round: below 10 for digits only
        #: ``(N, 69) bool``
        self.is_digit = value < 10
        value[~self.is_digit] = 0
        #: ``(N, 69) uint8``: each digit's value, 0 for any other byte.
        self.value = value

    def fields(self, fields: dict[str, tuple[int, ...]]) -> dict[str, np.ndarray]:
        """``name -> (N,) int64``: the number the digits in each field's columns (0-based, in
        order) spell; other bytes count as 0.

        One float matrix product for all fields: exact for up to 15 digits, and on BLAS,
        which an integer product is not.
        """
        weights = np.zeros((69, len(fields)))
        for k, columns in enumerate(fields.values()):
            weights[list(columns), k] = [10**p for p in range(len(columns) - 1, -1, -1)]  # exact ints
        values = (self.value.astype(np.float64) @ weights).astype(np.int64)
        return dict(zip(fields, values.T))


def _span(start: int, stop: int) -> tuple[int, ...]:
    return tuple(range(start, stop))


# Integer fields (0-based columns); a decimal point is skipped by joining the digits either side.
_LINE1_FIELDS = {
    "norad": _span(2, 7), "norad_alpha5": _span(3, 7), "year": _span(18, 20), "day": _span(20, 23),
    "day_fraction": _span(24, 32), "ndot": _span(35, 43), "nddot": _span(45, 50), "nddot_exp": _span(51, 52),
    "bstar": _span(54, 59), "bstar_exp": _span(60, 61), "element_set_no": _span(64, 68),
}
_LINE2_FIELDS = {
    "inclination": _span(8, 11) + _span(12, 16), "raan": _span(17, 20) + _span(21, 25),
    "eccentricity": _span(26, 33), "arg_perigee": _span(34, 37) + _span(38, 42),
    "mean_anomaly": _span(43, 46) + _span(47, 51), "mean_motion": _span(52, 54) + _span(55, 63),
    "rev_at_epoch": _span(63, 68),
}


def _sign(b: np.ndarray, col: int) -> np.ndarray:
    return np.where(b[:, col] == 45, -1.0, 1.0)


# C's pow(10.0, e) for every exponent a TLE can hold, as twoline2rv scales B* and nddot with it.
_POW10_MIN_EXP = -9
_POW10 = np.array([math.pow(10.0, e) for e in range(_POW10_MIN_EXP, 10)])


def _scaled(b: np.ndarray, mantissa: np.ndarray, mantissa_col: int, exponent: np.ndarray, exponent_col: int):
    """``(N,) float64``: the signed 5-digit mantissa ``.ddddd`` times ten to the signed
    exponent, in twoline2rv's order: ``(mantissa / 1e5) * pow(10.0, exp)``."""
    signed_exp = np.where(b[:, exponent_col] == 45, -exponent, exponent)
    return _sign(b, mantissa_col) * (mantissa / 1e5) * _POW10[signed_exp - _POW10_MIN_EXP]


def _decode(b1, b2, d1: _Digits, d2: _Digits, rejects: Rejects, names, at2) -> dict[str, np.ndarray]:
    """Element columns from the byte matrices (rows already rejected hold harmless zeros)."""
    f1, f2 = d1.fields(_LINE1_FIELDS), d2.fields(_LINE2_FIELDS)
    # Rejected rows may hold non-ASCII bytes, which numpy's text conversion refuses.
    b1 = np.where(b1 < 128, b1, 63).astype(np.uint8)
    lead = b1[:, 2]
    alpha = np.zeros(256, dtype=np.int64)
    alpha[[ord(ch) for ch in _ALPHA5]] = np.arange(10, 34)
    is_alpha = alpha[lead] > 0
    norad = np.where(is_alpha, alpha[lead] * 10000 + f1["norad_alpha5"], f1["norad"])

    yy = f1["year"]
    year = np.where(yy < 57, 2000 + yy, 1900 + yy)
    day = f1["day"]
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    rejects.add((day < 1) | (day > 365 + leap), "epoch",
                lambda i: f"day of year {day[i]} does not exist in {year[i]}")
    # Julian date of 1 January 0h (valid 1901-2099, as in SGP4's jday) plus whole days.
    jan1 = 367 * year - (7 * year) // 4 + 31 + 1721013.5
    inc = f2["inclination"] / 1e4
    classification = b1[:, 7:8].copy()
    classification[classification == 32] = ord("U")
    # Decimal fields are integers divided by a power of ten: rounded as strtod rounds.
    columns = {
        "norad_id": norad,
        "name": names,
        "intl_designator": _designators(b1[:, 9:17]),
        "classification": classification.view("S1").ravel().astype("U1").astype(object),
        "epoch_jd": jan1 + (day - 1),
        "epoch_fr": f1["day_fraction"] / 1e8,
        "mean_motion_dot": _sign(b1, 33) * (f1["ndot"] / 1e8),
        "mean_motion_ddot": _scaled(b1, f1["nddot"], 44, f1["nddot_exp"], 50),
        "bstar": _scaled(b1, f1["bstar"], 53, f1["bstar_exp"], 59),
        "element_set_no": f1["element_set_no"],
        "inclination_deg": inc,
        "raan_deg": f2["raan"] / 1e4,
        "eccentricity": f2["eccentricity"] / 1e7,
        "arg_perigee_deg": f2["arg_perigee"] / 1e4,
        "mean_anomaly_deg": f2["mean_anomaly"] / 1e4,
        "mean_motion_rev_per_day": f2["mean_motion"] / 1e8,
        "rev_at_epoch": f2["rev_at_epoch"],
    }
    # Line 2's ranges here, so reports point at line 2 (eccentricity cannot leave [0, 1)).
    _reject_at(rejects, inc > 180, at2, "range", lambda i: f"inclination {inc[i]} deg above 180")
    for name in ("raan_deg", "arg_perigee_deg", "mean_anomaly_deg"):
        col = columns[name]
        _reject_at(rejects, col > 360, at2, "range", lambda i, c=col, n=name: f"{n[:-4]} {c[i]} deg above 360")
    mm = columns["mean_motion_rev_per_day"]
    _reject_at(rejects, mm <= 0, at2, "range", lambda i: "mean motion is zero")
    return columns


def _designators(packed: np.ndarray) -> np.ndarray:
    """``(N, 8) uint8`` TLE columns 10-17 (``99025A  ``) -> ``(N,) object`` ``1999-025A``.

    Two-digit years 57-99 are 19xx. Fields that are not ``YYNNN...`` are kept as written.
    """
    n = len(packed)
    out = np.zeros((n, 12), dtype=np.uint8)
    yy = packed[:, 0:2].astype(np.int64) - 48
    century = np.where(yy[:, 0] * 10 + yy[:, 1] >= 57, 19, 20)
    out[:, 0] = 48 + century // 10
    out[:, 1] = 48 + century % 10
    out[:, 2:4] = packed[:, 0:2]
    out[:, 4] = ord("-")
    out[:, 5:8] = packed[:, 2:5]
    out[:, 8:11] = np.where(packed[:, 5:8] == 32, 0, packed[:, 5:8])  # NUL ends a numpy bytes string
    result = out.view("S12").ravel().astype("U12").astype(object)
    odd = ~(_DIGIT[packed[:, :5]] < 10).all(axis=1)
    for i in np.flatnonzero(odd):
        result[i] = packed[i].tobytes().decode("ascii", "replace").strip()
    return result
