"""Property tests: corrupted, truncated, shuffled and random input to every reader.

Only ``CatalogError`` (the documented error) may escape, and every good record in a file
mixed with damaged ones still loads.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orbitview.io.catalog_files import load_catalog
from orbitview.io.omm import read_omm_csv, read_omm_json, read_omm_xml
from orbitview.io.problems import CatalogError
from orbitview.io.tle import parse_tle
from orbitview.io.writers import format_catalog

pytestmark = pytest.mark.core

FORMATS = ["3le", "tle", "omm.json", "omm.csv", "omm.xml"]
READERS = {"3le": parse_tle, "tle": parse_tle, "omm.json": read_omm_json, "omm.csv": read_omm_csv, "omm.xml": read_omm_xml}
SETTINGS = settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def base(catalogs):
    """30 real debris element sets (distinct catalogue numbers)."""
    return load_catalog(catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt").catalog.take(np.arange(30))


def _records(catalog, fmt: str) -> tuple[str, list[str], str]:
    """(header, one text per record, footer) of ``catalog`` written in ``fmt``."""
    text = format_catalog(catalog, fmt)
    if fmt in ("3le", "tle"):
        lines = text.splitlines(keepends=True)
        size = 3 if fmt == "3le" else 2
        return "", ["".join(lines[i:i + size]) for i in range(0, len(lines), size)], ""
    if fmt == "omm.csv":
        lines = text.splitlines(keepends=True)
        return lines[0], lines[1:], ""
    if fmt == "omm.json":
        return "[\n", [json.dumps(r, ensure_ascii=False) for r in json.loads(text)], "\n]\n"
    head, _, rest = text.partition("<omm ")
    blocks = ["<omm " + b for b in rest.split("<omm ")]
    blocks[-1] = blocks[-1].replace("</ndm>\n", "")
    return head, blocks, "</ndm>\n"


def _join(fmt: str, header: str, records: list[str], footer: str) -> str:
    return header + (",\n".join(records) if fmt == "omm.json" else "".join(records)) + footer


_damage = st.lists(
    st.tuples(st.sampled_from(["replace", "delete", "insert", "truncate"]), st.integers(0, 10_000),
              st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=3)),
    min_size=1, max_size=4,
)


def _corrupt(record: str, damage, fmt: str) -> str:
    """``record`` with some characters replaced, deleted, inserted or cut off. The record's own
    end (its last newline, a JSON object's closing brace) is left alone so that the damage
    stays inside it, as a damaged record in a real file would."""
    keep_tail = 1 if record.endswith("\n") else 0
    body, tail = record[: len(record) - keep_tail], record[len(record) - keep_tail:]
    if fmt == "omm.json":
        body = json.dumps({k: v for k, v in json.loads(record).items()})
    for op, at, text in damage:
        if not body:
            break
        at %= len(body)
        if op == "replace":
            body = body[:at] + text + body[at + len(text):]
        elif op == "delete":
            body = body[:at] + body[at + len(text):]
        elif op == "insert":
            body = body[:at] + text + body[at:]
        else:
            body = body[:at]
    if fmt == "omm.json":
        try:
            value = json.loads(body)
        except ValueError:
            value = body  # a string item: still one syntactically valid array item
        return json.dumps(value)
    if fmt in ("3le", "tle", "omm.csv"):
        body = body.replace("\r", " ")
        if fmt == "omm.csv":
            body = body.replace("\n", " ").replace('"', "'")
    if fmt == "omm.xml":
        body = body.replace("<", "&lt;").replace(">", "&gt;").replace("&", "&amp;")
        body = f"<omm><body><segment><metadata><OBJECT_NAME>{body}</OBJECT_NAME></metadata></segment></body></omm>\n"
    return body + tail


@pytest.mark.parametrize("fmt", FORMATS)
@SETTINGS
@given(data=st.data())
def test_good_records_in_a_damaged_file_all_load(base, fmt, data):
    header, records, footer = _records(base, fmt)
    bad = data.draw(st.lists(st.integers(0, len(records) - 1), min_size=1, max_size=6, unique=True))
    mixed = [(_corrupt(r, data.draw(_damage), fmt) if i in bad else r) for i, r in enumerate(records)]
    order = data.draw(st.permutations(range(len(records))))
    text = _join(fmt, header, [mixed[i] for i in order], footer)
    parsed = READERS[fmt](text, "mixed")
    good = {int(base.norad_id[i]) for i in range(len(records)) if i not in bad}
    assert good <= set(parsed.catalog.norad_id.tolist())
    assert len(parsed.catalog) + len(parsed.problems) >= len(good)


@pytest.mark.parametrize("fmt", FORMATS)
@SETTINGS
@given(data=st.data())
def test_truncated_files_keep_the_records_before_the_cut(base, fmt, data):
    header, records, footer = _records(base, fmt)
    text = _join(fmt, header, records, footer)
    cut = data.draw(st.integers(0, len(text)))
    parsed = READERS[fmt](text[:cut], "cut")
    # Records that end well before the cut (two records' room for JSON separators) load.
    complete = 0
    while complete < len(records) and len(_join(fmt, header, records[: complete + 2], "")) <= cut:
        complete += 1
    assert set(base.norad_id[:complete].tolist()) <= set(parsed.catalog.norad_id.tolist())


@pytest.mark.parametrize("fmt", FORMATS)
@SETTINGS
@given(text=st.text(max_size=400))
def test_random_text_never_escapes_the_documented_error(fmt, text):
    parsed = READERS[fmt](text, "random")
    assert len(parsed.catalog) == len(parsed.records)


@SETTINGS
@given(data=st.binary(max_size=600), suffix=st.sampled_from([".tle", ".json", ".csv", ".xml", ""]))
def test_random_bytes_in_a_file_raise_only_catalog_error(data, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"f{suffix}"
        path.write_bytes(data)
        try:
            result = load_catalog(path)
        except CatalogError as exc:
            assert str(exc)
        else:
            assert len(result.catalog) > 0


@SETTINGS
@given(data=st.data())
def test_shuffled_lines_never_escape_and_report_every_orphan(base, data):
    lines = format_catalog(base, "3le").splitlines()
    shuffled = data.draw(st.permutations(lines))
    parsed = parse_tle("\n".join(shuffled), "shuffled")
    used = 2 * len(parsed.catalog) + sum(p.kind in ("order", "truncated") for p in parsed.problems)
    assert used <= len([l for l in lines if l[:2] in ("1 ", "2 ")]) + len(parsed.problems)
