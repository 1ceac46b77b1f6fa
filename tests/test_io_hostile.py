"""Hostile but realistic element-set input, by class: impossible ISO epochs, numbers that
Python's int()/float() accept but no file means, unsafe characters in names (and every
writer reading back what the readers gave), misleading whole-file messages, damaged XML
segments, and files of junk lines (linear in the input)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import tempfile
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from peak_memory import run_orbitview

from orbitview.cli import main
from orbitview.io.catalog_files import load_catalog, parse_file
from orbitview.io.omm import OMM_KEYS, read_omm_json, read_omm_xml
from orbitview.io.trajectories import Trajectories, TrajectoryWriter
from orbitview.io.writers import format_catalog, omm_records

pytestmark = pytest.mark.core

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def iridium(catalogs):
    """The 111 Iridium 33 debris element sets of 2026-08-11 (OMM JSON from CelesTrak)."""
    return load_catalog(catalogs / "debris_2026-08-11_omm" / "gp-debris-iridium33.json").catalog


def _with_epoch(catalog, fmt: str, k: int, epoch: str) -> tuple[str, int]:
    """``catalog`` written in ``fmt`` with record ``k``'s EPOCH text replaced, and that record's line."""
    text = format_catalog(catalog, fmt)
    if fmt == "omm.json":  # "[" then one record a line
        lines = text.split("\n")
        lines[k + 1] = re.sub(r'"EPOCH":"[^"]*"', f'"EPOCH":{json.dumps(epoch)}', lines[k + 1])
        return "\n".join(lines), k + 2
    if fmt == "omm.csv":  # a header, then one row a line
        rows = list(csv.reader(io.StringIO(text)))
        rows[k + 1][OMM_KEYS.index("EPOCH")] = epoch
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(rows)
        return out.getvalue(), k + 2
    starts = [m.start() for m in re.finditer("<EPOCH>", text)]
    end = text.index("</EPOCH>", starts[k])
    segment_at = text.rfind("<segment>", 0, starts[k])
    return text[: starts[k]] + f"<EPOCH>{epoch}" + text[end:], text.count("\n", 0, segment_at) + 1


IMPOSSIBLE_EPOCHS = [
    ("2026-13-01T00:00:00", "month"), ("2026-00-10T00:00:00.5", "month"), ("2026-02-30T00:00:00", "day"),
    ("2025-02-29T12:00:00.000001", "day"), ("2026-08-11T25:00:00", "hour 25"), ("2026-08-11T24:00:00", "hour 24"),
    ("2026-08-11T12:61:00", "minute 61"), ("2026-08-11T12:30:60", "second 60"), ("2016-12-31T23:59:60Z", "second 60"),
    ("2025-366T00:00:00", "day of year 366"), ("2026-08-11T12:30:00.1234567+02:00", "ISO 8601 UTC"),
]


@pytest.mark.parametrize("fmt", ["omm.json", "omm.csv", "omm.xml"])
@pytest.mark.parametrize("epoch, words", IMPOSSIBLE_EPOCHS)
def test_an_impossible_epoch_costs_its_record_only(iridium, tmp_path, fmt, epoch, words):
    k = 40
    text, line = _with_epoch(iridium, fmt, k, epoch)
    path = tmp_path / f"bad.{fmt.split('.')[1]}"
    path.write_text(text, encoding="utf-8")
    result = load_catalog(path)
    assert len(result.catalog) == 110 and iridium.norad_id[k] not in result.catalog.norad_id
    [problem] = result.problems
    assert (problem.file, problem.line, problem.kind) == (str(path), line, "epoch")
    assert epoch.strip()[:19] in problem.message and words in problem.message


def test_the_command_line_reports_an_impossible_epoch_in_one_line_and_goes_on(iridium, tmp_path, capsys):
    text, line = _with_epoch(iridium, "omm.json", 7, "2026-02-30T06:00:00")
    path = tmp_path / "feb30.json"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out.h5"
    args = ["precompute", str(path), "--start", "2026-08-11T12:00:00Z", "--span", "4m", "--step", "60",
            "--out", str(out), "--workers", "1"]
    assert main(args) == 0
    err = capsys.readouterr().err
    report = f"{path}:{line}: epoch: EPOCH '2026-02-30T06:00:00' is not a date: day is out of range for month"
    assert [line_ for line_ in err.splitlines() if str(path) in line_] == [
        f"orbitview: skipped 1 damaged records; first: {report}"]
    assert "Traceback" not in err
    with Trajectories.open(out) as trajectories:
        assert len(trajectories) == 110


@SETTINGS
@given(st.integers(1960, 2090), st.integers(-1, 14), st.integers(-1, 33), st.integers(0, 26), st.integers(0, 62),
       st.integers(0, 62), st.sampled_from(["", ".5", ".123456", ".1234567", "Z"]))
def test_epoch_fields_load_exactly_when_the_calendar_has_them(iridium, year, month, day, hour, minute, second, tail):
    epoch = f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}{tail}"
    text, _ = _with_epoch(iridium.take(np.arange(3)), "omm.json", 1, epoch)
    parsed = read_omm_json(text, "e.json")
    try:
        moment = dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.timezone.utc)
    except ValueError:
        moment = None
    assert len(parsed.catalog) == (2 if moment is None else 3)
    if moment is not None:
        fraction = float("0" + tail) if tail[:1] == "." else 0.0
        seconds = (moment - dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)).total_seconds() + fraction
        got = (parsed.catalog.epoch_jd[1] - 2440587.5) * 86400 + parsed.catalog.epoch_fr[1] * 86400
        assert abs(got - seconds) < 1e-6
    else:
        assert [p.kind for p in parsed.problems] == ["epoch"]


@pytest.mark.parametrize("key, value", [
    ("NORAD_CAT_ID", " 2_4_9_4_6 "), ("NORAD_CAT_ID", "2_5544"), ("NORAD_CAT_ID", "\u0662\u0665\u0665\u0664\u0664"),
    ("NORAD_CAT_ID", "\uff12\uff15"), ("MEAN_MOTION", "1_5.48"), ("ECCENTRICITY", "0.00_1"),
    ("ELEMENT_SET_NO", "9_9_9"), ("BSTAR", "\u0661e-4"),
])
@pytest.mark.parametrize("fmt", ["omm.json", "omm.csv"])
def test_numbers_python_accepts_but_no_file_means_are_refused(iridium, tmp_path, fmt, key, value):
    records = omm_records(iridium.take(np.arange(5)))
    records[2][key] = value
    if fmt == "omm.json":
        text = "[\n" + ",\n".join(json.dumps(r) for r in records) + "\n]\n"
    else:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(OMM_KEYS)
        writer.writerows([r[k] for k in OMM_KEYS] for r in records)
        text = out.getvalue()
    path = tmp_path / f"n.{fmt.split('.')[1]}"
    path.write_text(text, encoding="utf-8")
    result = load_catalog(path)
    assert sorted(result.catalog.norad_id) == sorted(np.delete(iridium.norad_id[:5], 2))
    [problem] = result.problems
    assert (problem.line, problem.kind) == (4 if fmt == "omm.json" else 4, "format") and key in problem.message


# ---------------------------------------------------------------------------------------------
# Names: what readers accept, every writer writes and reads back

_UNSAFE = {"Cc", "Cs"}
_anything = st.characters(codec=None, exclude_categories=())


def _as_read(raw: str) -> str:
    """The name a reader gives for ``raw``: stripped, then each control character, unpaired
    surrogate or XML-forbidden noncharacter shown as U+FFFD (docs/catalogues.md)."""
    return "".join("\ufffd" if unicodedata.category(c) in _UNSAFE or c in "\ufffe\uffff" else c for c in raw.strip())


def _read_back(path: Path):
    if path.suffix == ".h5":
        with Trajectories.open(path) as trajectories:
            return trajectories.catalog()
    return parse_file(path)[1].catalog


@SETTINGS
@given(st.lists(st.text(_anything, min_size=1, max_size=12), min_size=3, max_size=3),
       st.text(_anything, max_size=10))
def test_names_round_trip_through_every_writer(iridium, names, designator):
    assume(all(_as_read(n) for n in names))
    records = omm_records(iridium.take(np.arange(3)))
    for record, name in zip(records, names):
        record["OBJECT_NAME"] = name
    records[0]["OBJECT_ID"] = designator
    # ensure_ascii: unpaired surrogates travel as \ud800 escapes, as another program may write them.
    parsed = read_omm_json(json.dumps(records, ensure_ascii=True), "names.json")
    assert list(parsed.catalog.name) == [_as_read(n) for n in names]
    assert parsed.catalog.intl_designator[0] == _as_read(designator)
    dirty = sum(_as_read(n) != n.strip() for n in [*names, designator])
    assert [p.kind for p in parsed.problems] == ["text"] * dirty  # reported, and the records load
    catalog = parsed.catalog
    with tempfile.TemporaryDirectory() as directory:
        for fmt in ("omm.json", "omm.csv", "omm.xml", "3le"):
            path = Path(directory) / f"names.{fmt.split('.')[-1]}"
            path.write_text(format_catalog(catalog, fmt), encoding="utf-8")
            again = _read_back(path)
            expected = [" ".join(n.split()) for n in catalog.name] if fmt == "3le" else list(catalog.name)
            assert list(again.name) == expected, fmt
            if fmt != "3le":
                assert list(again.intl_designator) == list(catalog.intl_designator), fmt
        path = Path(directory) / "names.h5"
        times = np.array([1.7e9, 1.7e9 + 60])
        with TrajectoryWriter(path, catalog, times, "GCRS") as writer:
            zeros = np.zeros((2, 3, 3), np.float32)
            writer.write(0, zeros, zeros, np.zeros((2, 3), np.uint8))
        again = _read_back(path)
        assert list(again.name) == list(catalog.name) and list(again.intl_designator) == list(catalog.intl_designator)
        print(*again.name, file=open(os.devnull, "w", encoding="utf-8"))  # printable: no surrogates


def test_a_nul_in_a_3le_name_costs_nothing_but_the_name(catalogs, tmp_path):
    source = (catalogs / "debris_2025-02-15_tle" / "cosmos-1408-debris.txt").read_bytes()
    path = tmp_path / "nul.3le"
    path.write_bytes(source.replace(b"COSMOS 1408 DEB", b"COSMOS\x001408 DEB", 1))
    result = load_catalog(path)
    assert len(result.catalog) == 10 and result.catalog.name[0] == "COSMOS\ufffd1408 DEB"
    assert [(p.line, p.kind) for p in result.problems] == [(1, "text")]  # at the name line


def test_a_nul_in_a_quoted_csv_name_costs_nothing_but_the_name(iridium, tmp_path):
    lines = format_catalog(iridium.take(np.arange(4)), "omm.csv").split("\r\n")
    lines[2] = lines[2].replace(iridium.name[1], f'"{iridium.name[1]},\x00"', 1)  # record 2, line 3
    path = tmp_path / "nul.csv"
    path.write_text("\r\n".join(lines), encoding="utf-8")
    result = load_catalog(path)
    assert len(result.catalog) == 4 and result.catalog.name[1] == f"{iridium.name[1]},\ufffd"
    assert [(p.line, p.kind) for p in result.problems] == [(3, "text")]


# ---------------------------------------------------------------------------------------------
# Whole-file messages that say what the file is


@pytest.fixture()
def trajectory_file(iridium, tmp_path):
    path = tmp_path / "run.h5"
    with TrajectoryWriter(path, iridium.take(np.arange(2)), np.array([1.7e9, 1.7e9 + 60]), "GCRS") as writer:
        zeros = np.zeros((2, 2, 3), np.float32)
        writer.write(0, zeros, zeros, np.zeros((2, 2), np.uint8))
    return path


MISLEADING = {
    "a directory": (lambda d, h5: (d / "cat.3le").mkdir() or d / "cat.3le", "is a directory"),
    "a trajectory file": (lambda d, h5: h5, "an HDF5 trajectory file, not element sets (the window and render open"),
    "a semicolon CSV": (lambda d, h5: _write(d / "gp.csv", "NORAD_CAT_ID;EPOCH;MEAN_MOTION\n25544;2026-08-11T00:00:00;15.5\n"),
                        "semicolons between fields; OMM CSV separates fields with commas"),
    "a tab-separated CSV": (lambda d, h5: _write(d / "gp.tsv", "OBJECT_NAME\tNORAD_CAT_ID\nISS\t25544\n"), "tabs between"),
    "an HTML error page": (lambda d, h5: _write(d / "gp.json", "\n<!DOCTYPE html>\n<html><body>502 Bad Gateway</body></html>\n"),
                           "an HTML page (a web server's error page?)"),
    "an HTML page in .txt": (lambda d, h5: _write(d / "gp.txt", "<html>\n<head><title>Error</title></head></html>"), "an HTML page"),
}


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("case", sorted(MISLEADING), ids=str)
def test_whole_file_messages_say_what_the_file_is(case, tmp_path, trajectory_file, capsys):
    make, words = MISLEADING[case]
    source = make(tmp_path, trajectory_file)
    before = {p.name: (p.read_bytes() if p.is_file() else None) for p in tmp_path.iterdir()}
    out = tmp_path / "out.h5"
    code = main(["precompute", str(source), "--start", "2026-08-11T00:00:00Z", "--span", "2m", "--step", "60",
                 "--out", str(out), "--workers", "1"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and err.startswith(f"orbitview: error: {source}: ") and words in err
    assert {p.name: (p.read_bytes() if p.is_file() else None) for p in tmp_path.iterdir()} == before  # nothing left, nothing changed
    assert main(["inspect", "--json", str(source)]) == 1
    [problem] = json.loads(capsys.readouterr().out)["problems"]
    assert words in problem["message"] or words in problem["message"] + " (" or case == "a directory"


# ---------------------------------------------------------------------------------------------
# Damaged XML segments, and time and memory in proportion to the input


def _segment_lines(text: str) -> list[int]:
    return [text.count("\n", 0, m.start()) + 1 for m in re.finditer("<segment>", text)]


@SETTINGS
@given(st.dictionaries(st.integers(0, 110), st.sampled_from(["misspelt", "missing", "broken tag"]), max_size=6))
def test_each_damaged_xml_segment_costs_its_own_record(iridium, damage):
    text = format_catalog(iridium, "omm.xml")
    lines = _segment_lines(text) + [text.count("\n") + 2]
    pieces = text.split("</segment>")  # 112 pieces: a closing tag after each of the 111 records
    for k, how in damage.items():
        if how == "broken tag":
            pieces[k] = pieces[k].replace("<MEAN_MOTION>", "<MEAN_MOTION", 1)
    joined = pieces[0]
    for k, piece in enumerate(pieces[1:]):
        joined += {"misspelt": "</segmnt>", "missing": ""}.get(damage.get(k), "</segment>") + piece
    parsed = read_omm_xml(joined, "d.xml")
    assert sorted(parsed.catalog.norad_id) == sorted(np.delete(iridium.norad_id, list(damage)))
    assert len(parsed.problems) == len(damage) and all(p.kind == "format" for p in parsed.problems)
    for problem, k in zip(parsed.problems, sorted(damage)):
        assert lines[k] <= problem.line < lines[k + 1]  # reported within its own segment


def test_unclosed_segments_cost_one_problem_each_in_proportion(iridium):
    unclosed = format_catalog(iridium, "omm.xml").replace("</segment>", "")
    small, large = read_omm_xml(unclosed * 4, "u.xml"), read_omm_xml(unclosed * 8, "u.xml")
    assert (len(small.catalog), len(large.catalog)) == (0, 0)
    assert (len(small.problems), len(large.problems)) == (4 * 111, 8 * 111)


def test_junk_lines_cost_one_problem_each_and_bounded_memory(tmp_path):
    rng = np.random.default_rng(5)
    junk = ["1 " + "".join(rng.choice(list("0123456789 .-+"), rng.integers(0, 4))) for _ in range(20_000)]
    for copies in (1, 2):
        path = tmp_path / f"junk{copies}.txt"
        path.write_text("\n".join(junk * copies))
        assert len(parse_file(path)[1].problems) == copies * len(junk)
    big = tmp_path / "junk.txt"
    big.write_text("\n".join(junk * 15))  # 300,000 lines, 1.4 MB
    code, out, err, peak = run_orbitview(["inspect", "--json", str(big)], tmp_path)
    assert code == 1 and err == ""
    summary = json.loads(out)
    assert summary["objects"] == 0 and len(summary["problems"]) == 300_000
    assert peak < 200e6  # 75 MB; it was 410 MB before (2.3 GB for 8 MB)
