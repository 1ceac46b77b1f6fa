"""The selection, the pins and the followed object are a layer and a row, never a catalogue
number alone (tier 1): two real snapshots of the Fengyun-1C cloud hold the same numbers."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from orbitview.core.clock import Clock
from orbitview.core.scene import Layer, Scene, shared_numbers_warning
from orbitview.core.times import parse_utc
from orbitview.io.catalog_files import load_catalog

pytestmark = pytest.mark.core

#: On the keyframe grid (a whole minute), so what is drawn there is SGP4 itself.
T = parse_utc("2026-08-11T00:00:00Z")


@pytest.fixture(scope="module")
def paths(catalogs):
    return (catalogs / "debris_2025-02-15_tle" / "fengyun-1c-debris.txt",
            catalogs / "debris_2026-08-11_omm" / "gp-debris-fengyun1c.json")


@pytest.fixture(scope="module")
def snapshots(paths):
    return [load_catalog(path).catalog for path in paths]


def two_snapshot_scene(snapshots) -> Scene:
    scene = Scene(clock=Clock(time_s=T))
    scene.add_layer(Layer("FY-1C 2025-02-15", snapshots[0]))
    scene.add_layer(Layer("FY-1C 2026-08-11", snapshots[1]))
    return scene


def test_the_warning_names_the_layers_and_counts_the_shared_numbers(snapshots, paths):
    scene = two_snapshot_scene(snapshots)
    # Counted here from the files' own lines, independently of the catalogue arrays.
    in_2025 = {int(line[2:7]) for line in paths[0].read_text().splitlines() if line.startswith("1 ")}
    in_2026 = {r["NORAD_CAT_ID"] for r in json.loads(paths[1].read_text())}
    warning = shared_numbers_warning(scene.layers)
    assert "'FY-1C 2025-02-15' and 'FY-1C 2026-08-11'" in warning
    assert f"share {len(in_2025 & in_2026):,} " in warning
    assert shared_numbers_warning(scene.layers[:1]) is None


def test_render_says_once_on_stderr_that_layers_share_numbers(paths, tmp_path):
    out = tmp_path / "two.png"
    run = subprocess.run([sys.executable, "-m", "orbitview", "render", *map(str, paths), "--time",
                          "2026-08-11T00:00:00Z", "--size", "64x48", "--out", str(out)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    lines = [line for line in run.stderr.splitlines() if "share" in line]
    assert len(lines) == 1 and lines[0].startswith("orbitview: warning: catalogue numbers shared by layers: "
                                                   "'fengyun-1c-debris.txt' and 'gp-debris-fengyun1c.json'")
    assert out.is_file()


def test_layers_never_drawn_together_share_numbers_without_a_warning(snapshots):
    """A catalogue update shown as the old snapshot until T and the new one from T (as a
    breakup's parent and its remnant are)."""
    from orbitview.core.keyframes import LiveKeyframes, WindowedKeyframes

    old, new = snapshots
    before = Layer("until T", old, WindowedKeyframes(LiveKeyframes(old), end_s=T))
    after = Layer("from T", new, WindowedKeyframes(LiveKeyframes(new), start_s=T))
    assert shared_numbers_warning((before, after)) is None
    always = Layer("always", new)
    assert shared_numbers_warning((before, after, always)).count(" share ") == 2
