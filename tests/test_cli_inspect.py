"""``orbitview inspect``: the JSON summary, line numbers of damaged records, exit codes."""

from __future__ import annotations

import json

import pytest

from orbitview.cli import main
from orbitview.io.tle import tle_checksum

pytestmark = pytest.mark.core


def _inspect(capsys, *args) -> tuple[int, dict]:
    code = main(["inspect", "--json", *map(str, args)])
    return code, json.loads(capsys.readouterr().out)


def test_json_summary_of_real_files(capsys, catalogs):
    code, summary = _inspect(capsys, catalogs / "debris_2026-08-11_omm" / "gp-debris-fengyun1c.json",
                             catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt")
    assert code == 0
    assert summary["objects"] == 1938 + 119
    assert sum(summary["by_class"].values()) == summary["objects"]
    assert summary["by_class"]["debris"] > 0.95 * summary["objects"]
    assert summary["epoch_min"].startswith("2025-") and summary["epoch_max"].startswith("2026-08-11T")
    assert summary["epoch_min"].endswith("Z") and summary["problems"] == []


def test_each_damaged_record_is_listed_with_its_line(capsys, full_catalog_path, tmp_path):
    lines = full_catalog_path.read_text(encoding="utf-8").splitlines()[:30]  # 10 records
    damaged = {}
    # Record 3 (lines 7-9): checksum of line 2; record 6 (lines 16-18): truncated line 1;
    # record 9 (lines 25-27): a letter where a digit belongs in line 1, checksum fixed.
    lines[8] = lines[8][:68] + str((int(lines[8][68]) + 1) % 10)
    damaged[9] = "checksum"
    lines[16] = lines[16][:40]
    damaged[17] = "truncated"
    bad = lines[25][:30] + "X" + lines[25][31:68]
    lines[25] = bad + str(tle_checksum(bad))
    damaged[26] = "format"
    path = tmp_path / "damaged.3le"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    code, summary = _inspect(capsys, path)
    assert code == 0 and summary["objects"] == 7
    assert {p["line"]: p["kind"] for p in summary["problems"]} == damaged
    assert all(p["file"] == str(path) and p["message"] for p in summary["problems"])


def test_nothing_loadable_exits_non_zero(capsys, tmp_path):
    empty = tmp_path / "empty.tle"
    empty.write_text("")
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(bytes(range(256)) * 4)
    code, summary = _inspect(capsys, empty, garbage, tmp_path / "missing.json")
    assert code != 0 and summary["objects"] == 0
    assert [p["kind"] for p in summary["problems"]] == ["empty", "binary", "file"]


def test_strict_and_human_output(capsys, tmp_path, full_catalog_path):
    lines = full_catalog_path.read_text(encoding="utf-8").splitlines()[:6]
    lines[2] = lines[2][:68] + str((int(lines[2][68]) + 1) % 10)
    path = tmp_path / "one_bad.3le"
    path.write_text("\n".join(lines) + "\n")
    assert main(["inspect", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "1 objects would load" in out and f"{path}:3: checksum:" in err
    assert main(["inspect", "--strict", str(path)]) == 1
