"""The model beside the record: two views side by side in one canvas, one clock, one camera,
each layer drawn in its own pane where the projection of that pane says (positions from
skyfield), titled; chosen in scenarios ([split], per-source pane) and in the View menu."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PIL import Image
from skyfield.api import EarthSatellite

from orbitview.core.model.camera import CameraState, project_to_pixels
from orbitview.core.model.clock import Clock
from orbitview.core.model.panes import pane_box
from orbitview.core.model.scene import Layer, Scene
from orbitview.core.orbits.times import parse_utc, skyfield_time, timescale
from orbitview.io.catalog_files import load_catalog
from orbitview.io.scenario_file import ScenarioError, parse_scenario, scenario_from_scene, scenario_to_toml
from orbitview.services.scenario import build_scene

T = parse_utc("2023-10-09T12:00:00Z")
SIZE = (1280, 480)
#: Two GPS satellites of the 2023 catalogue, one per pane.
LEFT_NAME, RIGHT_NAME = "NAVSTAR 70 (USA 251)", "NAVSTAR 71 (USA 256)"

SCENARIO = """version = 1
[time]
start = "2007-01-11T22:10:00Z"
end = "2007-01-11T22:40:00Z"

[view]
split = true
left_title = "Model"
right_title = "Record, February 2025"

[[sources]]
event = "fengyun-1c-2007"

[[sources]]
file = "{catalog}"
name = "FY-1C 2025 (tracked)"
pane = "right"
"""


@pytest.fixture(scope="module")
def full(full_catalog_path):
    return load_catalog(full_catalog_path).catalog


def _one(full, name):
    return full.take([int(np.flatnonzero([n == name for n in full.name])[0])])


def _split_scene(full) -> tuple[Scene, dict]:
    """A split scene, one GPS satellite a layer, the left one left, the right one right."""
    camera = CameraState(distance_km=90000, fov_deg=45)
    scene = Scene(clock=Clock(time_s=T), camera=camera, split=True)
    positions = {}
    for pane, name in (("left", LEFT_NAME), ("right", RIGHT_NAME)):
        one = _one(full, name)
        scene.add_layer(Layer(name, one, point_size=5.0, pane=pane))
        positions[pane] = EarthSatellite.from_satrec(one.satrecs[0], timescale()).at(skyfield_time(T)).position.km
    camera.look_from(np.cross(positions["left"] + positions["right"], [0, 0, 1.0]) + [0, 0, 20000.0])
    return scene, positions


def _bright_centroid(image, xy, window=6, threshold=120):
    x0, y0 = int(xy[0]), int(xy[1])
    patch = image[y0 - window:y0 + window + 1, x0 - window:x0 + window + 1].max(axis=2)
    ys, xs = np.nonzero(patch > threshold)
    if not len(xs):
        return None
    weights = patch[ys, xs]
    return (x0 - window + np.average(xs, weights=weights) + 0.5, y0 - window + np.average(ys, weights=weights) + 0.5)


@pytest.mark.pixels
def test_each_half_shows_its_own_layers_object_where_its_projection_says(full, artefacts):
    from orbitview.render.export.offscreen import render_image

    scene, positions = _split_scene(full)
    image = render_image(scene, SIZE).astype(np.float64)
    Image.fromarray(image.astype(np.uint8)).save(artefacts / "split_two_gps.png")
    for pane, other in (("left", "right"), ("right", "left")):
        x0, y0, width, height = pane_box(pane, SIZE, True)
        assert (width, height) == (640, 480)
        (own,), front = project_to_pixels(positions[pane][None], scene.camera, (width, height))
        (theirs,), _ = project_to_pixels(positions[other][None], scene.camera, (width, height))
        assert front[0] and 20 < own[0] < width - 20 and 20 < own[1] < height - 20
        assert math.dist(own, theirs) > 40  # far enough apart to tell which is drawn
        found = _bright_centroid(image, own + (x0, y0))
        assert found is not None and math.dist(found, own + (x0, y0)) < 1.0, (pane, found, own)
        # The other pane's satellite is not drawn in this one.
        assert _bright_centroid(image, theirs + (x0, y0)) is None, (pane, theirs)
    # Both halves show the Earth (and the stars around it), the same size in the same place:
    # one camera.
    middle = image[140:340, 220:420].max(axis=2), image[140:340, 860:1060].max(axis=2)
    left, right = (part > 8 for part in middle)
    assert left.sum() > 3000 and (left & right).sum() / (left | right).sum() > 0.97


@pytest.mark.core
def test_a_scenario_splits_the_view_and_names_each_sources_pane(tmp_path, catalogs):
    text = SCENARIO.format(catalog=catalogs / "debris_2025-02-15_tle" / "fengyun-1c-debris.txt")
    scenario = parse_scenario(text, str(tmp_path / "s.toml"))
    assert [scenario.value("scene", name) for name in ("split", "left_title", "right_title")] == [
        True, "Model", "Record, February 2025"]
    assert [s.values.get("pane") for s in scenario.sources] == [None, "right"]
    scene, _ = build_scene(scenario)
    assert scene.split and (scene.left_title, scene.right_title) == ("Model", "Record, February 2025")
    # The event's parent and fragments on the left, the tracked cloud on the right.
    assert [layer.pane for layer in scene.layers] == ["left", "left", "right"]
    again = parse_scenario(scenario_to_toml(scenario_from_scene(scene)), str(tmp_path / "again.toml"))
    assert again.value("scene", "split") and again.value("scene", "right_title") == "Record, February 2025"
    assert [s.values["pane"] for s in again.sources] == ["left", "left", "right"]
    one_view = parse_scenario(text.replace("split = true\n", ""), str(tmp_path / "one.toml"))
    assert not build_scene(one_view)[0].split
    with pytest.raises(ScenarioError, match=r"s.toml:17: key 'sources\[1\].pane': pane must be one of"):
        parse_scenario(text.replace('pane = "right"', 'pane = "top"'), "s.toml")
    with pytest.raises(ScenarioError, match=r"s.toml:7: key 'view.middle_title': unknown key"):
        parse_scenario(text.replace("[view]\n", '[view]\nmiddle_title = "x"\n'), "s.toml")


@pytest.mark.pixels
def test_an_exported_split_frame_titles_each_half(tmp_path, catalogs):
    from orbitview.render.export.exporter import FrameRenderer
    from orbitview.core.model.scenario import camera_timeline

    text = SCENARIO.format(catalog=catalogs / "debris_2025-02-15_tle" / "fengyun-1c-debris.txt")
    scenario = parse_scenario(text, str(tmp_path / "s.toml"))
    scene, _ = build_scene(scenario)
    renderer = FrameRenderer(scene, (960, 540), scenario.overlay, camera_timeline(scene))
    try:
        renderer.render(scenario.start_s)
    finally:
        renderer.close()
    x0, y0, _, _ = renderer.annotator.boxes["panes"]
    titles = [s for s in renderer.annotator.static if s.y == y0 and s.x >= x0]
    # One title centred over each half.
    assert len(titles) == 2
    centres = sorted(s.x + s.rgba.shape[1] / 2 for s in titles)
    assert abs(centres[0] - 240) <= 1 and abs(centres[1] - 720) <= 1


@pytest.mark.qt
def test_the_view_menu_splits_the_window_and_a_click_picks_in_its_own_half(make_window, full):
    scene, positions = _split_scene(full)
    scene.split = False
    window = make_window(scene)
    window.split_action.trigger()
    assert scene.split and window.view.panes["right"].view.visible
    window.right_view_menu.aboutToShow.emit()
    ticked = {a.text(): a.isChecked() for a in window.right_view_menu.actions()}
    assert ticked == {LEFT_NAME: False, RIGHT_NAME: True}
    size = tuple(window.canvas.size)
    x0, y0, width, height = pane_box("right", size, True)
    (xy,), _ = project_to_pixels(positions["right"][None], scene.camera, (width, height))
    picked = window.pick_at((xy[0] + x0, xy[1] + y0))
    assert picked is not None and picked.layer is scene.layers[1]
    # The same point in the left half is empty space there.
    assert window.pick_at((xy[0], xy[1])) is None
    # Moving the right layer back to the left (the menu's tick) puts it in the left pane.
    next(a for a in window.right_view_menu.actions() if a.text() == RIGHT_NAME).trigger()
    assert scene.layers[1].pane == "left"
    window.split_action.trigger()
    assert not scene.split and not window.view.panes["right"].view.visible
