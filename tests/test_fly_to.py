"""A briefing chapter that flies to an encounter: Meteor 2-3 and a Fengyun-1C fragment, head on at
14.8 km/s, 492 m apart (the 2023-10-09 catalogue). The scenario key reads, frames the pair and
writes back; ``orbitview render --video`` of it moves from the wide view to the pair, which is
where SGP4 (skyfield) puts it, at the image centre, in the frame at the TCA."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from skyfield.api import EarthSatellite

from orbitview.core.conjunctions import screen
from orbitview.core.model.camera import project_to_pixels
from orbitview.core.model.scenario import camera_timeline
from orbitview.core.model.screening import Highlight
from orbitview.core.orbits.catalog import Catalog
from orbitview.core.orbits.frames import EARTH_EQUATORIAL_RADIUS_KM, sun_direction_gcrs
from orbitview.core.orbits.times import parse_utc, skyfield_time, timescale
from orbitview.io.catalog_files import load_catalog
from orbitview.io import scenario_file
from orbitview.services import scenario as scenarios

REPO = Path(__file__).resolve().parents[1]
METEOR, FRAGMENT = 10514, 29924
SIZE = (480, 270)
#: 10 s of simulated time per frame: the TCA is frame 60, 600 s after the start.
SPEED, FPS, LEAD_S = 120.0, 12, 600.0
WIDE_KM = 30000.0


@pytest.fixture(scope="module")
def encounter(full_catalog_path, tmp_path_factory):
    """The pair's encounter as the engine finds it, and each object's 3LE record in its own file
    (two layers, two colours)."""
    lines = full_catalog_path.read_text().splitlines()
    records = {lines[k + 1][2:7].strip(): lines[k:k + 3] for k in range(0, len(lines) - 2, 3)}
    folder = tmp_path_factory.mktemp("fly_to")
    for number in (METEOR, FRAGMENT):
        (folder / f"{number}.3le").write_text("\n".join(records[str(number)]) + "\n")
    pair = Catalog.concatenate([load_catalog(folder / f"{n}.3le").catalog for n in (METEOR, FRAGMENT)])
    (found,) = screen(pair, parse_utc("2023-10-09T15:53:00Z"), 1200.0, 5.0, workers=1).encounters
    return found, folder


def _time(t_s: float) -> str:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(t_s, timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def scenario_text(encounter, folder) -> str:
    """The pair from the wide view of the day side (the eye towards the Sun) at the start, the
    chapter at the TCA."""
    tca = _time(encounter.tca_s)
    sun = sun_direction_gcrs(encounter.tca_s - LEAD_S)
    return f"""version = 1
[time]
start = "{_time(encounter.tca_s - LEAD_S)}"
end = "{_time(encounter.tca_s + 20.0)}"
speed = {SPEED}
[output]
size = "{SIZE[0]}x{SIZE[1]}"
fps = {FPS}
[[sources]]
file = "{folder / f'{METEOR}.3le'}"
color = "#ff0000"
color_by = "source"
point_size = 8
[[sources]]
file = "{folder / f'{FRAGMENT}.3le'}"
color = "#00ff00"
color_by = "source"
point_size = 8
[[camera.keyframes]]
time = "{_time(encounter.tca_s - LEAD_S)}"
distance_km = {WIDE_KM}
azimuth_deg = {math.degrees(math.atan2(sun[0], -sun[1]))}
elevation_deg = {math.degrees(math.asin(sun[2]))}
[[chapters]]
time = "{tca}"
title = "Meteor 2-3 and a Fengyun-1C fragment"
caption = "492 m apart, head on at 14.8 km/s"
encounter = {{ a = {METEOR}, b = {FRAGMENT}, tca = "{tca}", miss_km = {encounter.miss_km!r} }}
[overlay]
legend = false
clock = false
"""


def gcrs_km(layer, t_s: float) -> np.ndarray:
    """(3,) GCRS km of a layer's one object at ``t_s``: skyfield's SGP4, not orbitview's."""
    satellite = EarthSatellite.from_satrec(layer.catalog.satrecs[0], timescale())
    return satellite.at(skyfield_time(t_s)).position.km


def same_encounter(highlight: Highlight, encounter) -> bool:
    """The highlight names the encounter: its pair, TCA (to the microsecond a file holds), miss."""
    return ((highlight.a, highlight.b, highlight.miss_km) == (encounter.a, encounter.b, encounter.miss_km)
            and abs(highlight.tca_s - encounter.tca_s) < 1e-6)


def test_an_encounter_chapter_frames_the_pair_shows_it_and_writes_back(encounter):
    found, folder = encounter
    scenario = scenario_file.parse_scenario(scenario_text(found, folder), "fly.toml")
    (chapter,) = scenario.chapters
    assert chapter.camera is None and same_encounter(chapter.encounter, found)
    scene, _ = scenarios.build_scene(scenario)
    (chapter,) = scene.chapters
    meteor, fragment = (ref for number in (METEOR, FRAGMENT) for ref in scene.find(number))
    # The camera at the TCA follows Meteor 2-3 from 10 km, the fragment in the view.
    view = camera_timeline(scene).view_at(found.tca_s)
    assert view["follow"] == meteor and view["distance_km"] == pytest.approx(10.0)
    positions = np.array([gcrs_km(ref.layer, found.tca_s) for ref in (meteor, fragment)])
    assert np.linalg.norm(np.asarray(view["center_km"]) - positions[0]) < 0.01
    assert np.linalg.norm(positions[1] - positions[0]) == pytest.approx(found.miss_km, abs=0.002)
    # Labelled, its miss line drawn.
    assert {meteor, fragment} <= set(scene.pinned)
    (highlight,) = scene.conjunctions.highlighted
    assert highlight == chapter.encounter and same_encounter(highlight, found)
    # Saved, it reads back as it was: the encounter, and the camera it was given.
    text = scenario_file.scenario_to_toml(scenario_file.scenario_from_scene(scene))
    assert "encounter = { a = 10514, b = 29924" in text
    again, _ = scenarios.build_scene(scenario_file.parse_scenario(text, "again.toml"))
    (kept,) = again.chapters
    assert (kept.time_s, kept.title, kept.caption, kept.encounter) == (
        chapter.time_s, chapter.title, chapter.caption, chapter.encounter)
    assert kept.camera["follow"].layer is again.layers[0] and kept.camera["follow"].row == meteor.row
    for name in ("azimuth_deg", "elevation_deg", "distance_km", "fov_deg"):
        assert kept.camera[name] == pytest.approx(chapter.camera[name], abs=1e-9), name
    assert again.conjunctions.highlighted == scene.conjunctions.highlighted
    assert scenario_file.scenario_to_toml(scenario_file.scenario_from_scene(again)) == text


@pytest.mark.parametrize("change, words", [
    (lambda t: t.replace(", miss_km = ", ", distance = "), "chapters[0].encounter"),
    (lambda t: t.replace(f"b = {FRAGMENT}", "b = 25544"), "not both in the sources"),
])
def test_a_bad_encounter_names_its_key_and_line(encounter, change, words):
    found, folder = encounter
    text = change(scenario_text(found, folder))
    with pytest.raises(scenario_file.ScenarioError) as caught:
        scenarios.build_scene(scenario_file.parse_scenario(text, "bad.toml"))
    message = str(caught.value)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("encounter = "))
    assert message.startswith(f"bad.toml:{line}: key 'chapters[0].encounter") and words in message, message


@pytest.mark.pixels
def test_the_video_flies_from_the_wide_view_to_the_pair_at_its_tca(encounter, tmp_path):
    from orbitview.render.export.video import ffmpeg_exe

    found, folder = encounter
    path = tmp_path / "fly.toml"
    path.write_text(scenario_text(found, folder), encoding="utf-8")
    out = tmp_path / "fly.mp4"
    done = subprocess.run([sys.executable, "-m", "orbitview", "render", str(path), "--out", str(out),
                           "--progress", "none"], capture_output=True, text=True, timeout=300,
                          env={**{k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
                               "PYTHONPATH": str(REPO), "EGL_PLATFORM": "surfaceless"})
    assert done.returncode == 0, done.stderr
    width, height = SIZE
    raw = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(out), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         capture_output=True, check=True).stdout
    frames = np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3).astype(int)
    scenario = scenario_file.parse_scenario(path.read_text(), str(path))
    times_s = scenario.frame_times_s()
    assert len(frames) == len(times_s) == 63
    at_tca = int(np.argmin(np.abs(times_s - found.tca_s)))
    assert at_tca == 60 and abs(times_s[at_tca] - found.tca_s) < 1e-5

    scene, _ = scenarios.build_scene(scenario)
    camera = camera_timeline(scene)
    # The first frame is the wide view: the whole day side, as large as 30,000 km away makes it.
    scene.camera.restore(camera.view_at(times_s[0]))
    assert scene.camera.distance_km == WIDE_KM
    (centre,), _ = project_to_pixels(np.zeros((1, 3)), scene.camera, SIZE)
    radius_px = math.tan(math.asin(EARTH_EQUATORIAL_RADIUS_KM / WIDE_KM)) / math.tan(math.radians(15)) * height / 2
    dark = np.flatnonzero(frames[0][int(centre[1])].max(axis=1) <= 8)  # space along the middle row
    left, right = dark[dark < centre[0]].max() + 1, dark[dark > centre[0]].min()
    assert abs(left - (centre[0] - radius_px)) < 3 and abs(right - (centre[0] + radius_px)) < 3

    # At the TCA: each object's colour where skyfield's SGP4 position projects, both near the centre.
    scene.clock.time_s = times_s[at_tca]  # a followed centre is where the object is at the clock's time
    scene.camera.restore(camera.view_at(times_s[at_tca]))
    frame = frames[at_tca]
    for layer, colour in zip(scene.layers, ([255, 0, 0], [0, 255, 0])):
        (xy,), in_front = project_to_pixels(gcrs_km(layer, times_s[at_tca])[None], scene.camera, SIZE)
        assert in_front[0]
        assert math.dist(xy, (width / 2, height / 2)) < 0.15 * height, xy
        ys, xs = np.nonzero(np.all(np.abs(frame - colour) < 90, axis=2))
        near = np.hypot(xs + 0.5 - xy[0], ys + 0.5 - xy[1]) < 8
        assert near.sum() >= 4, (layer.name, xy)
        found_xy = (np.mean(xs[near]) + 0.5, np.mean(ys[near]) + 0.5)
        assert math.dist(found_xy, xy) < 2.0, (layer.name, found_xy, xy)


def test_a_zoom_onto_a_satellite_keeps_it_in_view_on_the_way_in():
    """From 30,000 km around the Earth's centre to 10 km from a point 7,000 km out: at every
    step the target is inside the view (within the half-height the distance spans); a zoom
    out keeps the start in view as it widens; with no change of distance, an even pace. (An even
    pace for the centre left it kilometres off the target in the last frames.)"""
    from orbitview.core.model.camera import blend_views, ease_in_out

    wide = {"azimuth_deg": 0.0, "elevation_deg": 20.0, "distance_km": WIDE_KM, "fov_deg": 30.0,
            "center_km": (0.0, 0.0, 0.0)}
    close = {**wide, "distance_km": 10.0, "center_km": (7000.0, 0.0, 0.0)}
    for f in np.linspace(0.0, 1.0, 201):
        view = blend_views(wide, close, ease_in_out(f))
        assert math.dist(view["center_km"], close["center_km"]) < view["distance_km"] * math.tan(math.radians(15.0)), f
        back = blend_views(close, wide, ease_in_out(f))
        assert math.dist(back["center_km"], close["center_km"]) < back["distance_km"] * math.tan(math.radians(15.0))
    level = blend_views(close, {**close, "center_km": (7100.0, 0.0, 0.0)}, 0.25)
    assert level["center_km"] == pytest.approx((7025.0, 0.0, 0.0))
