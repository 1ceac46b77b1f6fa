"""Opening files: format detection, whole-file errors, strict mode, duplicates, SATCAT."""

from __future__ import annotations

import json

import numpy as np
import pytest

from orbitview.core.orbits.classify import ObjectClass
from orbitview.io.catalog_files import load_catalog, load_catalogs
from orbitview.io.problems import CatalogError
from orbitview.io.writers import write_catalog

pytestmark = pytest.mark.core


@pytest.fixture(scope="module")
def sample(catalogs):
    return load_catalog(catalogs / "debris_2025-02-15_tle" / "cosmos-1408-debris.txt").catalog


@pytest.mark.parametrize("fmt", ["tle", "3le", "omm.json", "omm.csv", "omm.xml"])
def test_format_is_detected_from_content_not_extension(sample, tmp_path, fmt):
    path = tmp_path / "elements.dat"
    write_catalog(sample, path, fmt)
    result = load_catalog(path)
    assert np.array_equal(result.catalog.norad_id, sample.norad_id)


@pytest.mark.parametrize("data, words", [
    (b"", "empty file"), (b"\n \r\n\t\n", "empty file"), (b"\x00\x01\x02binary\xff" * 50, "binary data"),
    (b"hello world\n", "not an element-set file"), (b"[]", "no element sets found"),
])
def test_unusable_files_give_one_clear_error(tmp_path, data, words):
    path = tmp_path / "f"
    path.write_bytes(data)
    with pytest.raises(CatalogError, match=words):
        load_catalog(path)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(CatalogError, match="no such file"):
        load_catalog(tmp_path / "absent.tle")
    with pytest.raises(CatalogError, match="is a directory"):
        load_catalog(tmp_path)


def test_strict_makes_any_problem_fatal(sample, tmp_path):
    path = tmp_path / "x.tle"
    write_catalog(sample, path, "3le")
    text = path.read_text().splitlines()
    text[1] = text[1][:68] + str((int(text[1][68]) + 1) % 10)
    path.write_text("\n".join(text) + "\n")
    assert len(load_catalog(path).catalog) == len(sample) - 1
    with pytest.raises(CatalogError, match=r"x.tle:2: checksum"):
        load_catalog(path, strict=True)


def test_duplicates_keep_the_newest_epoch_and_are_reported(catalogs):
    tle = catalogs / "debris_2025-02-15_tle" / "cosmos-1408-debris.txt"
    omm = catalogs / "debris_2026-08-11_omm" / "gp-debris-cosmos1408.json"
    older, newer = load_catalog(tle).catalog, load_catalog(omm).catalog
    both = set(older.norad_id) & set(newer.norad_id)
    assert both
    result = load_catalogs([tle, omm])
    assert len(result.catalog) == len(set(older.norad_id) | set(newer.norad_id))
    dupes = [p for p in result.problems if p.kind == "duplicate"]
    assert len(dupes) == len(both) and all(p.file == str(tle) for p in dupes)
    for n in both:
        row = int(np.flatnonzero(result.catalog.norad_id == n)[0])
        assert result.catalog.source[row] == str(omm)
    with pytest.raises(CatalogError, match="duplicate"):
        load_catalogs([tle, omm], strict=True)


def test_duplicates_within_one_file(sample, tmp_path):
    path = tmp_path / "d.tle"
    write_catalog(sample.take(np.array([0, 1, 0])), path, "3le")
    result = load_catalog(path)
    assert len(result.catalog) == 2
    assert [(p.line, p.kind) for p in result.problems] == [(8, "duplicate")]


def test_satcat_classes_override_names(sample, tmp_path):
    satcat = tmp_path / "satcat.csv"
    first, second = (int(n) for n in sample.norad_id[:2])
    satcat.write_text("OBJECT_NAME,OBJECT_ID,NORAD_CAT_ID,OBJECT_TYPE,OPS_STATUS_CODE\n"
                      f"X,1982-092A,{first},PAY,\nY,1982-092B,{second},R/B,\n")
    path = tmp_path / "e.json"
    write_catalog(sample, path, "omm.json")
    plain = load_catalog(path).catalog
    assert plain.object_class[0] == ObjectClass.DEBRIS
    classed = load_catalog(path, satcat=satcat).catalog
    assert list(classed.object_class[:3]) == [ObjectClass.PAYLOAD, ObjectClass.ROCKET_BODY, plain.object_class[2]]
    with pytest.raises(CatalogError, match="SATCAT"):
        load_catalog(satcat)


def test_utf16_with_bom(sample, tmp_path):
    path = tmp_path / "u.json"
    write_catalog(sample, path, "omm.json")
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    assert len(load_catalog(path).catalog) == len(sample)
    assert json.loads(path.read_text(encoding="utf-16"))
