"""The selection, the pins and the followed object are a layer and a row, never a catalogue
number alone (tier 1): two real snapshots of the Fengyun-1C cloud hold the same numbers."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from orbitview.core.model.camera import CameraState
from orbitview.core.model.clock import Clock
from orbitview.core.model.object_info import object_state
from orbitview.core.model.object_ref import ObjectRef
from orbitview.core.model.picking import pick
from orbitview.core.model.scene import Layer, Scene, shared_numbers_warning
from orbitview.core.orbits.times import parse_utc, skyfield_time, timescale
from orbitview.io.catalog_files import load_catalog

pytestmark = pytest.mark.core

#: On the keyframe grid (a whole minute), so what is drawn there is SGP4 itself.
T = parse_utc("2026-08-11T00:00:00Z")
SIZE = (800, 600)


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


def skyfield_gcrs_km(path, norad_id: int) -> np.ndarray:
    """The authority: skyfield's SGP4 and GCRS for the 2026 OMM record of ``norad_id``."""
    from skyfield.api import EarthSatellite

    record = next(r for r in json.loads(path.read_text()) if r["NORAD_CAT_ID"] == norad_id)
    return EarthSatellite.from_omm(timescale(), record).at(skyfield_time(T)).position.km


def shared_object(scene: Scene) -> tuple[ObjectRef, ObjectRef]:
    """A number both layers hold whose two objects are drawn far apart at ``T`` (the 2025
    elements, 18 months old, put it elsewhere): ``(in the first layer, in the second)``."""
    first, second = scene.layers
    for n in np.intersect1d(first.catalog.norad_id, second.catalog.norad_id):
        a, b = ObjectRef(first, int(np.flatnonzero(first.catalog.norad_id == n)[0])), \
            ObjectRef(second, int(np.flatnonzero(second.catalog.norad_id == n)[0]))
        pa, pb = scene.position_gcrs_km(a), scene.position_gcrs_km(b)
        if pa is not None and pb is not None and np.linalg.norm(pa - pb) > 1000.0:
            return a, b
    raise AssertionError("no shared number drawn apart")


def test_an_object_of_the_second_layer_is_selected_pinned_and_followed(snapshots, paths):
    scene = two_snapshot_scene(snapshots)
    older, newer = shared_object(scene)
    assert older.norad_id == newer.norad_id and older != newer
    truth = skyfield_gcrs_km(paths[1], newer.norad_id)
    assert np.linalg.norm(scene.position_gcrs_km(newer) - truth) < 0.005
    assert np.linalg.norm(scene.position_gcrs_km(older) - truth) > 1000.0

    scene.selected = newer
    info = object_state(scene, scene.selected)
    assert info.layer_name == "FY-1C 2026-08-11"
    assert info.epoch_s == pytest.approx(float(snapshots[1].epoch_s[newer.row]))
    scene.toggle_pin(newer)
    assert scene.pinned == (newer,) and older not in scene.pinned
    scene.camera.follow = newer
    # The camera centres on the 2026 object, metres from skyfield's position of it.
    assert np.linalg.norm(np.asarray(scene.camera.center_km) - truth) < 0.005
    scene.clock.time_s = T + 60.0
    assert np.linalg.norm(np.asarray(scene.camera.center_km) - scene.position_gcrs_km(newer)) < 1e-9


def test_a_click_on_the_second_layers_object_picks_it(snapshots):
    scene = two_snapshot_scene(snapshots)
    older, newer = shared_object(scene)
    scene.camera.restore({"distance_km": 300.0, "fov_deg": 30.0})
    scene.camera.follow = newer
    assert pick(scene, (SIZE[0] / 2, SIZE[1] / 2), SIZE) == newer
    scene.camera.follow = older
    assert pick(scene, (SIZE[0] / 2, SIZE[1] / 2), SIZE) == older


def test_removing_a_layer_forgets_its_objects(snapshots):
    scene = two_snapshot_scene(snapshots)
    older, newer = shared_object(scene)
    scene.selected, scene.pinned, scene.camera.follow = newer, (older, newer), newer
    scene.remove_layer(newer.layer)
    assert scene.selected is None and scene.pinned == (older,) and scene.camera.follow is None
    assert scene.position_gcrs_km(newer) is None and object_state(scene, newer) is None


def test_a_bare_number_is_not_an_object():
    with pytest.raises(TypeError):
        Scene().selected = 25544
    with pytest.raises(TypeError):
        CameraState().follow = 25544


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


SCENARIO = """\
version = 1
[time]
start = "2026-08-11T00:00:00Z"
end = "2026-08-11T01:00:00Z"

[[sources]]
file = "{old}"
name = "FY-1C 2025"

[[sources]]
file = "{new}"
name = "FY-1C 2026"

[[camera.keyframes]]
time = "2026-08-11T00:00:00Z"
distance_km = 3000
follow = {follow}

[selection]
selected = {selected}
pinned = [{pinned}]
"""


def scenario_text(paths, follow, selected, pinned="") -> str:
    return SCENARIO.format(old=paths[0], new=paths[1], follow=follow, selected=selected, pinned=pinned)


def test_a_selection_in_the_second_layer_round_trips_through_a_scenario(paths, snapshots, tmp_path):
    from orbitview.io.scenario_file import parse_scenario, scenario_from_scene, scenario_to_toml
    from orbitview.services.scenario import build_scene

    n = int(np.intersect1d(snapshots[0].norad_id, snapshots[1].norad_id)[5])
    key = f"{{ layer = 1, norad = {n} }}"
    scene, _ = build_scene(parse_scenario(scenario_text(paths, key, key, f"{{ layer = 0, norad = {n} }}, {key}"),
                                          str(tmp_path / "a.toml")))
    first, second = scene.layers
    newer = ObjectRef(second, int(np.flatnonzero(snapshots[1].norad_id == n)[0]))
    older = ObjectRef(first, int(np.flatnonzero(snapshots[0].norad_id == n)[0]))
    assert scene.selected == newer and scene.camera.follow == newer and scene.pinned == (older, newer)
    assert np.linalg.norm(np.asarray(scene.camera.center_km) - skyfield_gcrs_km(paths[1], n)) < 0.005

    text = scenario_to_toml(scenario_from_scene(scene))
    assert f"selected = {key}" in text and f"follow = {key}" in text
    again, _ = build_scene(parse_scenario(text, str(tmp_path / "b.toml")))
    assert [layer.name for layer in again.layers] == ["FY-1C 2025", "FY-1C 2026"]
    assert again.selected == ObjectRef(again.layers[1], newer.row)
    assert again.camera.follow == again.selected
    assert again.pinned == (ObjectRef(again.layers[0], older.row), again.selected)


def test_a_number_of_one_layer_only_still_names_it(paths, snapshots, tmp_path):
    from orbitview.io.scenario_file import parse_scenario
    from orbitview.services.scenario import build_scene

    only_2026 = int(np.setdiff1d(snapshots[1].norad_id, snapshots[0].norad_id)[0])
    only_2025 = int(np.setdiff1d(snapshots[0].norad_id, snapshots[1].norad_id)[0])
    scene, _ = build_scene(parse_scenario(scenario_text(paths, only_2026, only_2026, str(only_2025)), "s.toml"))
    assert scene.selected.layer is scene.layers[1] and scene.selected.norad_id == only_2026
    assert scene.pinned[0].layer is scene.layers[0] and scene.pinned[0].norad_id == only_2025


def test_a_shared_number_without_a_layer_is_an_error_naming_both(paths, snapshots, tmp_path):
    from orbitview.io.scenario_file import ScenarioError, parse_scenario
    from orbitview.services.scenario import build_scene

    n = int(np.intersect1d(snapshots[0].norad_id, snapshots[1].norad_id)[5])
    text = scenario_text(paths, f"{{ layer = 1, norad = {n} }}", n, f"{{ layer = 2, norad = {n} }}")
    with pytest.raises(ScenarioError) as error:
        build_scene(parse_scenario(text, "s.toml"))
    lines = str(error.value).splitlines()
    selected_line = text.splitlines().index(f"selected = {n}") + 1
    assert lines[0] == (f"s.toml:{selected_line}: key 'selection.selected': object {n} is in layers "
                        f"0 ('FY-1C 2025') and 1 ('FY-1C 2026'): say which, e.g. {{ layer = 1, norad = {n} }}")
    assert lines[1].endswith("key 'selection.pinned': layer 2 does not exist: the sources make 2 layers (0 .. 1)")


@pytest.mark.parametrize("value", ['"ISS"', "{ layer = 1 }", "{ layer = 1, norad = 5, row = 3 }", "true"])
def test_an_object_of_the_wrong_form_is_an_error(paths, value):
    from orbitview.io.scenario_file import ScenarioError, parse_scenario

    text = scenario_text(paths, 5, value)
    with pytest.raises(ScenarioError) as error:
        parse_scenario(text, "s.toml")
    line = text.splitlines().index(f"selected = {value}") + 1
    assert str(error.value) == (f"s.toml:{line}: key 'selection.selected': expected a catalogue number, "
                                "or { layer = N, norad = NUMBER } naming the layer too")


def test_the_briefing_saves_a_selected_fragment_in_its_fragment_layer(tmp_path):
    from orbitview.commands.common import default_briefing_scene
    from orbitview.io.scenario_file import parse_scenario, scenario_from_scene, scenario_to_toml
    from orbitview.services.scenario import build_scene

    scene = default_briefing_scene(None)
    parent, fragments, _missile = scene.layers
    scene.selected = ObjectRef(fragments, 7)
    scene.pinned = (ObjectRef(parent, 0),)
    scenario = scenario_from_scene(scene)
    # One source per layer: the event's two parts, each naming its part, and its missile.
    assert [(source.kind, getattr(source.origin, "part", None)) for source in scenario.sources] == [
        ("event", "parent"), ("event", "fragments"), ("interceptor", None)]
    again, _ = build_scene(parse_scenario(scenario_to_toml(scenario), str(tmp_path / "b.toml")))
    assert again.selected.layer is again.layers[1] and again.selected.row == 7
    assert again.selected.norad_id == int(fragments.catalog.norad_id[7])
    assert again.pinned == (ObjectRef(again.layers[0], 0),)
    # Layers an event source made are saved with the same layer indices.
    text = scenario_to_toml(scenario_from_scene(again))
    assert f"selected = {{ layer = 1, norad = {again.selected.norad_id} }}" in text
    assert f"pinned = [{{ layer = 0, norad = {again.pinned[0].norad_id} }}]" in text


def test_layers_never_drawn_together_share_numbers_without_ambiguity(snapshots):
    """A catalogue update shown as the old snapshot until T and the new one from T (as a
    breakup's parent and its remnant are): no warning; a bare number names the first layer."""
    from orbitview.core.model.scenario import ObjectKey
    from orbitview.core.orbits.keyframes import LiveKeyframes, WindowedKeyframes

    old, new = snapshots
    before = Layer("until T", old, WindowedKeyframes(LiveKeyframes(old), end_s=T))
    after = Layer("from T", new, WindowedKeyframes(LiveKeyframes(new), start_s=T))
    assert shared_numbers_warning((before, after)) is None
    n = int(np.intersect1d(old.norad_id, new.norad_id)[0])
    assert ObjectKey(n).resolve((before, after)).layer is before
    assert ObjectKey(n, 1).resolve((before, after)) == ObjectRef(after, int(np.flatnonzero(new.norad_id == n)[0]))
    always = Layer("always", new)
    assert shared_numbers_warning((before, after, always)).count(" share ") == 2
    with pytest.raises(ValueError, match="is in layers 0 .'until T'. and 1 .'from T'. and 2 .'always'."):
        ObjectKey(n).resolve((before, after, always))
