"""OMM JSON, CSV and XML readers, the writers, and every format's round trip against sgp4."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from mounts import listing, tmpfs
from sgp4 import omm as sgp4_omm
from sgp4.api import Satrec

from orbitview.core.errors import OrbitviewError
from orbitview.io.catalog_files import load_catalog
from orbitview.io.omm import parse_epoch, read_omm_csv, read_omm_json, read_omm_xml
from orbitview.io.tle import tle_checksum
from orbitview.io.writers import format_catalog, tle_lines, write_catalog

pytestmark = pytest.mark.core

ONE_DAY_MIN = 1440.0
MM_KM = 1e-6


def test_every_real_omm_file_loads_with_the_counts_of_a_reference_parse(catalogs):
    expected = {"gp-debris-fengyun1c.json": 1938, "gp-debris-cosmos2251.json": 595,
                "gp-debris-iridium33.json": 111, "gp-debris-cosmos1408.json": 3}
    for path in sorted((catalogs / "debris_2026-08-11_omm").glob("*.json")):
        records = json.loads(path.read_text(encoding="utf-8"))
        result = load_catalog(path)
        assert result.problems == []
        assert len(result.catalog) == len(records) == expected[path.name]
        assert list(result.catalog.norad_id) == [r["NORAD_CAT_ID"] for r in records]


def _sgp4_reference(fmt: str, text: str) -> list[Satrec]:
    """sgp4's own parser of the same text."""
    if fmt in ("tle", "3le"):
        lines = text.splitlines()
        return [Satrec.twoline2rv(lines[i], lines[i + 1]) for i in range(len(lines) - 1)
                if lines[i].startswith("1 ") and lines[i + 1].startswith("2 ")]
    if fmt == "omm.json":
        records = json.loads(text)
    elif fmt == "omm.csv":
        records = list(sgp4_omm.parse_csv(io.StringIO(text)))
    else:
        records = list(sgp4_omm.parse_xml(io.StringIO(text)))
    sats = []
    for fields in records:
        sat = Satrec()
        sgp4_omm.initialize(sat, fields)
        sats.append(sat)
    return sats


@pytest.mark.parametrize("fmt", ["tle", "3le", "omm.json", "omm.csv", "omm.xml"])
def test_position_a_day_after_epoch_matches_sgp4s_own_parser_within_1_mm(catalogs, tmp_path, fmt):
    source = load_catalog(catalogs / "debris_2026-08-11_omm" / "gp-debris-fengyun1c.json").catalog
    path = tmp_path / f"fy1c.{fmt}"
    write_catalog(source, path, fmt)
    ours = load_catalog(path).catalog
    theirs = _sgp4_reference(fmt, path.read_text(encoding="utf-8"))
    assert len(ours) == len(theirs) == len(source)
    worst_km = 0.0
    for a, b in zip(ours.satrecs, theirs):
        ea, ra, _ = a.sgp4_tsince(ONE_DAY_MIN)
        eb, rb, _ = b.sgp4_tsince(ONE_DAY_MIN)
        assert ea == eb
        if ea == 0:
            worst_km = max(worst_km, float(np.max(np.abs(np.subtract(ra, rb)))))
    assert worst_km < MM_KM
    # The epoch is kept exactly as written, not through sgp4init's single float.
    epochs = np.array([s.jdsatepochF for s in ours.satrecs])
    assert np.array_equal(epochs, ours.epoch_fr)


def test_omm_round_trip_keeps_every_column(catalogs, tmp_path):
    source = load_catalog(catalogs / "debris_2026-08-11_omm" / "gp-debris-cosmos2251.json").catalog
    for fmt in ("omm.json", "omm.csv", "omm.xml"):
        path = tmp_path / f"c.{fmt}"
        write_catalog(source, path, fmt)
        back = load_catalog(path).catalog
        for column in ("norad_id", "name", "intl_designator", "mean_motion_rev_per_day", "eccentricity",
                       "inclination_deg", "raan_deg", "arg_perigee_deg", "mean_anomaly_deg", "bstar",
                       "mean_motion_dot", "mean_motion_ddot", "element_set_no", "rev_at_epoch", "epoch_jd"):
            assert np.array_equal(getattr(back, column), getattr(source, column)), (fmt, column)
        # Microseconds in the file: the fraction of day agrees to better than 1 us.
        assert np.max(np.abs(back.epoch_fr - source.epoch_fr)) * 86400 < 1e-6


def _omm(**changes) -> dict:
    record = {"OBJECT_NAME": "FENGYUN 1C DEB", "OBJECT_ID": "1999-025AB", "EPOCH": "2026-08-11T07:19:41.935008",
              "MEAN_MOTION": 14.5, "ECCENTRICITY": 0.01, "INCLINATION": 98.6, "RA_OF_ASC_NODE": 10.0,
              "ARG_OF_PERICENTER": 20.0, "MEAN_ANOMALY": 30.0, "EPHEMERIS_TYPE": 0, "CLASSIFICATION_TYPE": "U",
              "NORAD_CAT_ID": 31000, "ELEMENT_SET_NO": 999, "REV_AT_EPOCH": 1000, "BSTAR": 3.6e-4,
              "MEAN_MOTION_DOT": 1e-5, "MEAN_MOTION_DDOT": 0}
    record.update(changes)
    return record


def test_large_catalogue_numbers_load_from_omm():
    parsed = read_omm_json(json.dumps([_omm(NORAD_CAT_ID=400001), _omm(NORAD_CAT_ID=12345678901)]), "x")
    assert parsed.problems == []
    assert list(parsed.catalog.norad_id) == [400001, 12345678901]
    assert parsed.catalog.satrecs[0].sgp4_tsince(0.0)[0] == 0


def test_damaged_json_records_are_reported_at_their_lines_and_the_rest_load():
    records = [_omm(), _omm(ECCENTRICITY=1.5), _omm(EPOCH="yesterday"), _omm(MEAN_MOTION="fast"),
               _omm(NORAD_CAT_ID=None), _omm(INCLINATION=200), _omm(NORAD_CAT_ID=31001)]
    text = "[\n" + ",\n".join(json.dumps(r) for r in records) + "\n]\n"
    parsed = read_omm_json(text, "d.json")
    assert [(p.line, p.kind) for p in parsed.problems] == [(3, "range"), (4, "epoch"), (5, "format"),
                                                            (6, "format"), (7, "range")]
    assert list(parsed.catalog.norad_id) == [31000, 31001]


def test_truncated_json_keeps_the_records_before_the_break():
    text = "[\n" + ",\n".join(json.dumps(_omm(NORAD_CAT_ID=n)) for n in (1, 2, 3)) + "\n]"
    parsed = read_omm_json(text[: text.rindex("NORAD_CAT_ID")], "t.json")
    assert list(parsed.catalog.norad_id) == [1, 2]
    assert [p.kind for p in parsed.problems] == ["format"] and parsed.problems[0].line == 4


def test_csv_and_xml_report_lines(catalogs):
    source = load_catalog(catalogs / "debris_2026-08-11_omm" / "gp-debris-iridium33.json").catalog.take(np.arange(3))
    csv_text = format_catalog(source, "omm.csv").splitlines()
    csv_text[2] = csv_text[2].replace(",U,", ",U,notanumber", 1)  # row 2 (line 3): a bad NORAD_CAT_ID
    parsed = read_omm_csv("\n".join(csv_text), "c.csv")
    assert [(p.line, p.kind) for p in parsed.problems] == [(3, "format")]
    assert len(parsed.catalog) == 2
    xml = format_catalog(source, "omm.xml")
    second = xml.index("<segment>", xml.index("<segment>") + 1)
    line = xml[:second].count("\n") + 1
    xml = xml[:second] + xml[second:].replace("<ECCENTRICITY>", "<ECCENTRICITY>-", 1)
    parsed = read_omm_xml(xml, "c.xml")
    assert [(p.line, p.kind) for p in parsed.problems] == [(line, "range")]
    assert len(parsed.catalog) == 2


def test_xml_with_namespaces_and_a_single_omm():
    xml = format_catalog(load_catalog_from_records([_omm()]), "omm.xml")
    single = xml.replace("<ndm>\n", "").replace("</ndm>\n", "").replace("<omm ", '<n:omm xmlns:n="urn:x" ').replace("</omm>", "</n:omm>")
    assert len(read_omm_xml(single, "s.xml").catalog) == 1


def load_catalog_from_records(records):
    return read_omm_json(json.dumps(records), "r").catalog


def test_epoch_parsing_is_exact():
    assert parse_epoch("2000-01-01T12:00:00") == (2451544.5, 0.5)
    assert parse_epoch("2000-001T06:00:00Z") == (2451544.5, 0.25)
    jd, fr = parse_epoch("2026-08-11T07:19:41.935008123")
    assert fr == (7 * 3600 + 19 * 60 + 41.935008123) / 86400  # one rounding only
    assert parse_epoch("2026-02-30T00:00:00") is None and parse_epoch(12) is None


def test_tle_writer_checksums_alpha5_and_limits():
    catalog = load_catalog_from_records([_omm(NORAD_CAT_ID=100001), _omm(NORAD_CAT_ID=339999), _omm(NORAD_CAT_ID=5)])
    lines = [line for pair in tle_lines(catalog) for line in pair]
    assert all(len(line) == 69 and int(line[68]) == tle_checksum(line) for line in lines)
    assert [line[2:7] for line in lines[::2]] == ["A0001", "Z9999", "00005"]
    assert Satrec.twoline2rv(lines[0], lines[1]).satnum == 100001
    with pytest.raises(OrbitviewError, match="339999"):
        format_catalog(load_catalog_from_records([_omm(NORAD_CAT_ID=340000)]), "tle")
    with pytest.raises(OrbitviewError, match="unknown output format"):
        format_catalog(catalog, "kml")


def test_write_is_atomic(tmp_path):
    path = tmp_path / "out.tle"
    path.write_text("old contents\n")
    bad = load_catalog_from_records([_omm(NORAD_CAT_ID=500000)])
    with pytest.raises(OrbitviewError):
        write_catalog(bad, path, "tle")
    assert path.read_text() == "old contents\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.tle"]


def test_a_write_onto_a_full_disk_leaves_the_old_file(tmp_path):
    with tmpfs(tmp_path / "disk", keep=["out.json"], full=True) as disk:
        before = listing(disk)
        with pytest.raises(OrbitviewError, match="No space left on device"):
            write_catalog(load_catalog_from_records([_omm()]), disk / "out.json", "omm.json")
        assert listing(disk) == before
