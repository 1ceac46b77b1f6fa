"""Write a ``Catalog`` as TLE, 3LE or OMM (JSON, CSV, XML), from its columns.

TLE lines carry valid checksums and Alpha-5 numbers for 100000-339999; larger numbers,
and values the fixed columns cannot hold, raise ``OrbitviewError`` (write OMM instead).
Files are written atomically (``orbitview.io.atomic``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from pathlib import Path
from xml.sax.saxutils import escape

from orbitview.core.errors import OrbitviewError
from orbitview.core.orbits.catalog import Catalog
from orbitview.io.atomic import write_atomically
from orbitview.io.omm import OMM_KEYS
from orbitview.io.tle import _ALPHA5, tle_checksum

WRITE_FORMATS = ("tle", "3le", "omm.json", "omm.csv", "omm.xml")
_JD_ORDINAL = 1721424.5  # Julian date of 0h on proleptic Gregorian ordinal 0


def write_catalog(catalog: Catalog, path: str | Path, fmt: str) -> None:
    """Write ``catalog`` to ``path`` in ``fmt``; an interrupted write leaves ``path`` as it was."""
    write_atomically(path, format_catalog(catalog, fmt))


def format_catalog(catalog: Catalog, fmt: str) -> str:
    """The text of ``catalog`` in ``fmt`` (one of ``WRITE_FORMATS``)."""
    if fmt == "tle":
        return "".join(f"{a}\n{b}\n" for a, b in tle_lines(catalog))
    if fmt == "3le":
        names = [_one_line(n) for n in catalog.name]
        return "".join(f"0 {n}\n{a}\n{b}\n" for n, (a, b) in zip(names, tle_lines(catalog)))
    if fmt == "omm.json":
        # Compact like CelesTrak's, but one record a line, so problem reports have useful lines.
        rows = (json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in omm_records(catalog))
        return "[\n" + ",\n".join(rows) + "\n]\n"
    if fmt == "omm.csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(OMM_KEYS)
        writer.writerows([r[k] for k in OMM_KEYS] for r in omm_records(catalog))
        return out.getvalue()
    if fmt == "omm.xml":
        return _xml(omm_records(catalog))
    raise OrbitviewError(f"unknown output format {fmt!r}: use one of {', '.join(WRITE_FORMATS)}")


def _one_line(name) -> str:
    return " ".join(str(name).split())


def alpha5(number: int) -> str:
    """The five TLE columns of a catalogue number: ``25730``, ``A0001`` (100001) ... ``Z9999``."""
    if 0 <= number < 100_000:
        return f"{number:05d}"
    if number <= 339_999:
        return _ALPHA5[number // 10_000 - 10] + f"{number % 10_000:04d}"
    raise OrbitviewError(f"catalogue number {number} does not fit a TLE (Alpha-5 ends at 339999); write OMM instead")


def tle_lines(catalog: Catalog) -> list[tuple[str, str]]:
    """``(line1, line2)`` of every row, each 69 columns with its checksum."""
    out = []
    for i in range(len(catalog)):
        number = alpha5(int(catalog.norad_id[i]))
        year, doy = _epoch_year_day(catalog.epoch_jd[i], catalog.epoch_fr[i])
        cls = (str(catalog.classification[i]) or "U")[:1]
        line1 = (f"1 {number}{cls} {_packed_designator(catalog.intl_designator[i]):<8} "
                 f"{year % 100:02d}{doy} {_ndot(catalog.mean_motion_dot[i])} "
                 f"{_exp(catalog.mean_motion_ddot[i], 'MEAN_MOTION_DDOT')} {_exp(catalog.bstar[i], 'BSTAR')} "
                 f"0 {int(catalog.element_set_no[i]) % 10_000:4d}")
        ecc = round(float(catalog.eccentricity[i]) * 1e7)
        if not 0 <= ecc < 10**7:
            raise OrbitviewError(f"catalogue number {catalog.norad_id[i]}: eccentricity {catalog.eccentricity[i]} does not fit a TLE")
        line2 = (f"2 {number} {_angle(catalog.inclination_deg[i])} {_angle(catalog.raan_deg[i])} "
                 f"{ecc:07d} {_angle(catalog.arg_perigee_deg[i])} {_angle(catalog.mean_anomaly_deg[i])} "
                 f"{_mean_motion(catalog.mean_motion_rev_per_day[i])}{int(catalog.rev_at_epoch[i]) % 100_000:5d}")
        out.append((line1 + str(tle_checksum(line1)), line2 + str(tle_checksum(line2))))
    return out


def _epoch_year_day(jd: float, fr: float) -> tuple[int, str]:
    """Year and ``DDD.dddddddd`` day of year, rounded to the TLE's 1e-8 day with carries."""
    ticks = round(float(fr) * 1e8)
    day = int(round(float(jd) - _JD_ORDINAL)) + ticks // 10**8
    ticks %= 10**8
    date = dt.date.fromordinal(day)
    doy = date.timetuple().tm_yday
    if not 1957 <= date.year <= 2056:
        raise OrbitviewError(f"epoch year {date.year} does not fit a TLE (1957-2056)")
    return date.year, f"{doy:03d}.{ticks:08d}"


def _packed_designator(designator) -> str:
    """``1999-025A`` -> ``99025A``; anything else that fits 8 columns as written. The columns
    hold ASCII only: other designators are left blank."""
    text = str(designator).strip()
    if len(text) >= 8 and text[4] == "-" and text[:4].isdigit() and text[5:8].isdigit():
        text = text[2:4] + text[5:]
    return text[:8] if text.isascii() else ""


def _ndot(value: float) -> str:
    """`` .00000274`` / ``-.00000274``: ten columns, sign then eight decimals."""
    text = f"{abs(float(value)):.8f}"
    if not text.startswith("0."):
        raise OrbitviewError(f"MEAN_MOTION_DOT {value} does not fit a TLE")
    return ("-" if value < 0 and text != "0.00000000" else " ") + text[1:]


def _exp(value: float, key: str) -> str:
    """`` 12345-3`` = 0.12345e-3: sign, five mantissa digits, exponent sign and digit."""
    value = float(value)
    if value == 0 or abs(value) < 1e-10:
        return " 00000+0"
    mantissa, exponent = f"{abs(value):.4e}".split("e")  # 5 significant digits, rounded once
    digits, power = mantissa.replace(".", ""), int(exponent) + 1
    if power > 9:
        raise OrbitviewError(f"{key} {value} does not fit a TLE")
    if power < -9:
        return " 00000+0"
    return f"{'-' if value < 0 else ' '}{digits}{'-' if power < 0 else '+'}{abs(power)}"


def _angle(value: float) -> str:
    return f"{float(value):8.4f}"


def _mean_motion(value: float) -> str:
    text = f"{float(value):11.8f}"
    if len(text) != 11:
        raise OrbitviewError(f"MEAN_MOTION {value} does not fit a TLE")
    return text


def omm_records(catalog: Catalog) -> list[dict]:
    """One dict of ``OMM_KEYS`` per row, values as CelesTrak's JSON has them."""
    records = []
    for i in range(len(catalog)):
        records.append({
            "OBJECT_NAME": str(catalog.name[i]),
            "OBJECT_ID": str(catalog.intl_designator[i]),
            "EPOCH": format_epoch(catalog.epoch_jd[i], catalog.epoch_fr[i]),
            "MEAN_MOTION": float(catalog.mean_motion_rev_per_day[i]),
            "ECCENTRICITY": float(catalog.eccentricity[i]),
            "INCLINATION": float(catalog.inclination_deg[i]),
            "RA_OF_ASC_NODE": float(catalog.raan_deg[i]),
            "ARG_OF_PERICENTER": float(catalog.arg_perigee_deg[i]),
            "MEAN_ANOMALY": float(catalog.mean_anomaly_deg[i]),
            "EPHEMERIS_TYPE": 0,
            "CLASSIFICATION_TYPE": str(catalog.classification[i]) or "U",
            "NORAD_CAT_ID": int(catalog.norad_id[i]),
            "ELEMENT_SET_NO": int(catalog.element_set_no[i]),
            "REV_AT_EPOCH": int(catalog.rev_at_epoch[i]),
            "BSTAR": float(catalog.bstar[i]),
            "MEAN_MOTION_DOT": float(catalog.mean_motion_dot[i]),
            "MEAN_MOTION_DDOT": float(catalog.mean_motion_ddot[i]),
        })
    return records


def format_epoch(jd: float, fr: float) -> str:
    """``2026-08-11T07:19:41.935008``: UTC to the microsecond, as CelesTrak writes OMM epochs
    (sgp4's own OMM reader accepts at most six decimals)."""
    us = round(float(fr) * 86_400_000_000)
    day = int(round(float(jd) - _JD_ORDINAL)) + us // 86_400_000_000
    us %= 86_400_000_000
    moment = dt.datetime.fromordinal(day) + dt.timedelta(microseconds=us)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")


def _xml(records: list[dict]) -> str:
    """CCSDS NDM XML with one ``<omm>`` per record, laid out as CelesTrak's GP XML."""
    meta = ("OBJECT_NAME", "OBJECT_ID")
    mean = ("EPOCH", "MEAN_MOTION", "ECCENTRICITY", "INCLINATION", "RA_OF_ASC_NODE", "ARG_OF_PERICENTER", "MEAN_ANOMALY")
    tle = ("EPHEMERIS_TYPE", "CLASSIFICATION_TYPE", "NORAD_CAT_ID", "ELEMENT_SET_NO", "REV_AT_EPOCH",
           "BSTAR", "MEAN_MOTION_DOT", "MEAN_MOTION_DDOT")

    def tags(record, keys, indent):
        return "".join(f"{indent}<{k}>{escape(_xml_value(record[k]))}</{k}>\n" for k in keys)

    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<ndm>\n']
    for r in records:
        parts.append(
            '<omm id="CCSDS_OMM_VERS" version="2.0">\n<header><CREATION_DATE/><ORIGINATOR/></header>\n'
            "<body>\n<segment>\n<metadata>\n" + tags(r, meta, " ")
            + " <CENTER_NAME>EARTH</CENTER_NAME>\n <REF_FRAME>TEME</REF_FRAME>\n"
            " <TIME_SYSTEM>UTC</TIME_SYSTEM>\n <MEAN_ELEMENT_THEORY>SGP4</MEAN_ELEMENT_THEORY>\n</metadata>\n"
            "<data>\n<meanElements>\n" + tags(r, mean, " ") + "</meanElements>\n<tleParameters>\n"
            + tags(r, tle, " ") + "</tleParameters>\n</data>\n</segment>\n</body>\n</omm>\n"
        )
    parts.append("</ndm>\n")
    return "".join(parts)


def _xml_value(value) -> str:
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else "NaN"
    return str(value)


__all__ = ["WRITE_FORMATS", "format_catalog", "write_catalog", "tle_lines", "omm_records", "alpha5"]
