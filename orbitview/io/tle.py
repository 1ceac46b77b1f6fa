"""TLE and 3LE text: two 69-column element lines per object, optionally after a name line
(``NAME`` as CelesTrak writes it, ``0 NAME`` as Space-Track does).

All records of a file are checked and decoded at once as an ``(N, 69)`` byte array: the
checksum, every column against the layout below, matching catalogue numbers, then the values.
Decimal fields are read as integers and divided by a power of ten, which rounds exactly like
sgp4's own ``strtod``-based parser, so elements (and hence SGP4 states) are bit-identical.
"""

from __future__ import annotations

import numpy as np

from orbitview.core.catalog import Catalog
from orbitview.io.omm import Parsed, _Rejects, build_catalog
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


def read_tle_text(text: str | bytes, source: str) -> tuple[Catalog, list[Problem]]:
    """Parse TLE/3LE ``text``; damaged records are reported and skipped."""
    parsed = parse_tle(text, source)
    return parsed.catalog, parsed.problems


def parse_tle(text: str | bytes, source: str) -> Parsed:
    """Parse TLE/3LE text (``str``, or UTF-8 ``bytes`` without BOM) into a ``Parsed``.

    A fault is reported at the line that holds it; a record as a whole at its line 1.
    """
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
    lines = _Lines(data)
    problems: list[Problem] = []
    first, second, names = _pair_records(lines, source, problems)
    rejects = _Rejects(len(first), source, first + 1)
    at = (lambda i: int(first[i]) + 1, lambda i: int(second[i]) + 1)
    b1 = _byte_matrix(lines, first, rejects, at[0], 0)
    b2 = _byte_matrix(lines, second, rejects, at[1], 1)
    _check_layout(b1, b2, rejects, at)
    columns = _decode(b1, b2, rejects, names, at[1])
    problems.extend(rejects.problems)
    keep = np.flatnonzero(rejects.ok)
    return build_catalog({k: v[keep] for k, v in columns.items()}, first[keep] + 1, source, problems)


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

    Returns ``first, second : (N,) int64``, 0-based indices of lines 1 and 2, and
    ``names : (N,) object``.
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
    return nonblank[first].astype(np.int64), nonblank[first + 1].astype(np.int64), names


def _byte_matrix(lines: _Lines, index: np.ndarray, rejects: _Rejects, at, which: int) -> np.ndarray:
    """``(N, 69) uint8``: the lines at ``index``; too short or too long lines are rejected
    (``at(i)`` is the file line of row ``i``)."""
    n = len(index)
    starts = lines.starts[index]
    lengths = lines.ends[index] - starts
    columns = np.minimum(starts[:, None] + np.arange(69), max(len(lines.buf) - 1, 0))
    matrix = lines.buf[columns] if len(lines.buf) else np.zeros((n, 69), dtype=np.uint8)
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


def _reject_at(rejects: _Rejects, mask, at, kind, message) -> None:
    """Like ``rejects.add`` but reporting the line ``at(i)`` (the element line at fault)."""
    for i in np.flatnonzero(mask & rejects.ok):
        rejects.problems.append(Problem(rejects.source, at(i), kind, message(i)))
    rejects.ok &= ~mask


def _check_layout(b1: np.ndarray, b2: np.ndarray, rejects: _Rejects, lines_at) -> None:
    """Checksums, then the layout of every column, then matching catalogue numbers."""
    for which, (b, layout) in enumerate(((b1, _LINE1), (b2, _LINE2))):
        at = lines_at[which]
        computed = _CHECKSUM_WEIGHT[b[:, :68]].sum(axis=1, dtype=np.int32) % 10
        stated = b[:, 68].astype(np.int32) - 48
        _reject_at(rejects, computed != stated, at, "checksum",
                   lambda i, b=b, c=computed, w=which: f"line {w + 1} checksum is {chr(b[i, 68])!r}, computed {c[i]}")
        ok = _ALLOWED[which].ravel()[_COLUMN_BASE + b]
        inner = _INNER[which]
        ok[:, inner] &= ~((b[:, inner] == 32) & (_DIGIT[b[:, inner - 1]] < 10))
        bad = ~ok.all(axis=1)

        def message(i, ok=ok, b=b, layout=layout, w=which):
            col = int(np.argmin(ok[i]))
            return (f"line {w + 1} column {col + 1}: {chr(b[i, col])!r} where "
                    f"{_EXPECT.get(layout[col], repr(layout[col]))} belongs")

        _reject_at(rejects, bad, at, "format", message)
    differ = (b1[:, 2:7] != b2[:, 2:7]).any(axis=1)
    _reject_at(rejects, differ, lines_at[1], "mismatch",
               lambda i: f"catalogue numbers differ: {b1[i, 2:7].tobytes().decode()!r} on line 1, "
               f"{b2[i, 2:7].tobytes().decode()!r} on line 2")


# Byte lookup tables: a digit's value (10 for anything else), the checksum weight of a byte,
# and each column's offset into a flattened (69, 256) table.
_DIGIT = np.full(256, 10, dtype=np.uint8)
_DIGIT[48:58] = np.arange(10)
_CHECKSUM_WEIGHT = np.where(_DIGIT < 10, _DIGIT, 0).astype(np.uint8)
_CHECKSUM_WEIGHT[ord("-")] = 1
_COLUMN_BASE = np.arange(69) * 256


def _int(b: np.ndarray, start: int, stop: int) -> np.ndarray:
    """Digits in columns ``[start, stop)`` (0-based) as ``(N,) int64``; spaces count as 0.

    A float matrix product (exact below 2**53, i.e. for up to 15 digits) runs on BLAS,
    an integer one does not.
    """
    digits = _CHECKSUM_WEIGHT[b[:, start:stop]].astype(np.float64)
    digits[b[:, start:stop] == 45] = 0
    return (digits @ (10.0 ** np.arange(stop - start - 1, -1, -1))).astype(np.int64)


def _sign(b: np.ndarray, col: int) -> np.ndarray:
    return np.where(b[:, col] == 45, -1.0, 1.0)


def _exp_field(b: np.ndarray, col: int) -> np.ndarray:
    """``s.ddddd`` times ten to ``sd``: the packed nddot and B* fields (sign at ``col``)."""
    mantissa = _sign(b, col) * (_int(b, col + 1, col + 6) / 1e5)
    exponent = _sign(b, col + 6) * _int(b, col + 7, col + 8)
    return mantissa * np.power(10.0, exponent)


def _decode(b1, b2, rejects: _Rejects, names, at2) -> dict[str, np.ndarray]:
    """Element columns from the byte matrices (rows already rejected hold harmless zeros)."""
    # Rejected rows may hold non-ASCII bytes, which numpy's text conversion refuses.
    b1 = np.where(b1 < 128, b1, 63).astype(np.uint8)
    lead = b1[:, 2]
    alpha = np.zeros(256, dtype=np.int64)
    alpha[[ord(ch) for ch in _ALPHA5]] = np.arange(10, 34)
    is_alpha = alpha[lead] > 0
    norad = np.where(is_alpha, alpha[lead] * 10000 + _int(b1, 3, 7), _int(b1, 2, 7))

    yy = _int(b1, 18, 20)
    year = np.where(yy < 57, 2000 + yy, 1900 + yy)
    day = _int(b1, 20, 23)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    rejects.add((day < 1) | (day > 365 + leap), "epoch",
                lambda i: f"day of year {day[i]} does not exist in {year[i]}")
    # Julian date of 1 January 0h (valid 1901-2099, as in SGP4's jday) plus whole days.
    jan1 = 367 * year - (7 * year) // 4 + 31 + 1721013.5
    inc = _deg(b2, 8, 11, 12, 16)
    classification = b1[:, 7:8].copy()
    classification[classification == 32] = ord("U")
    columns = {
        "norad_id": norad,
        "name": names,
        "intl_designator": _designators(b1[:, 9:17]),
        "classification": classification.view("S1").ravel().astype("U1").astype(object),
        "epoch_jd": jan1 + (day - 1),
        "epoch_fr": _int(b1, 24, 32) / 1e8,
        "mean_motion_dot": _sign(b1, 33) * (_int(b1, 35, 43) / 1e8),
        "mean_motion_ddot": _exp_field(b1, 44),
        "bstar": _exp_field(b1, 53),
        "element_set_no": _int(b1, 64, 68),
        "inclination_deg": inc,
        "raan_deg": _deg(b2, 17, 20, 21, 25),
        "eccentricity": _int(b2, 26, 33) / 1e7,
        "arg_perigee_deg": _deg(b2, 34, 37, 38, 42),
        "mean_anomaly_deg": _deg(b2, 43, 46, 47, 51),
        "mean_motion_rev_per_day": (_int(b2, 52, 54) * 10**8 + _int(b2, 55, 63)) / 1e8,
        "rev_at_epoch": _int(b2, 63, 68),
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


def _deg(b: np.ndarray, i0: int, i1: int, f0: int, f1: int) -> np.ndarray:
    """``DDD.dddd`` angles: integer part in ``[i0, i1)``, fraction in ``[f0, f1)``."""
    return (_int(b, i0, i1) * 10 ** (f1 - f0) + _int(b, f0, f1)) / 10.0 ** (f1 - f0)
