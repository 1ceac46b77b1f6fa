"""The interceptor drawn and exported like any layer: scenarios, the trail, and the picture
``orbitview render`` makes two minutes before the Fengyun-1C intercept (tiers 1 and 4)."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skyfield.api import EarthSatellite, wgs84

from orbitview.core.breakup.interceptor_scene import INTERCEPTOR_COLOR, TRAIL_AFTER_S, InterceptorLayer
from orbitview.core.breakup.presets import PRESETS
from orbitview.core.model.camera import project_to_pixels
from orbitview.core.orbits.classify import ObjectClass
from orbitview.core.orbits.times import format_utc, skyfield_time, timescale
from orbitview.io.scenario_file import (
    ScenarioError,
    parse_scenario,
    read_scenario,
    scenario_from_scene,
    scenario_to_toml,
)
from orbitview.core.model.scenario import camera_timeline
from orbitview.services.scenario import build_scene
from orbitview.core.model.legend import CLASS_COLORS
from orbitview.render.adapters.interceptor import SITE_COLOR
from orbitview.render.adapters.selection import GROUND_LIFT

REPO = Path(__file__).resolve().parents[1]
SCENARIO = REPO / "datasets" / "scenarios" / "interceptor.toml"
FY1C = PRESETS["fengyun-1c-2007"]
SIZE = (1280, 720)

PRESET = '[[sources]]\ninterceptor = "SC-19"\npreset = "fengyun-1c-2007"\n'
HEAD = """version = 1
[time]
start = "2007-01-11T22:17:00Z"
end = "2007-01-11T22:40:00Z"
[[sources]]
event = "fengyun-1c-2007"
"""


def scene_of(text: str):
    return build_scene(parse_scenario(text, "test.toml"), satcat=None)[0]


@pytest.mark.core
def test_a_preset_interceptor_source_flies_the_presets_missile_to_its_target():
    scene = scene_of(HEAD + PRESET)
    parent, _, missile = scene.layers
    assert isinstance(missile, InterceptorLayer) and missile.name == "SC-19 interceptor"
    arc = missile.arc
    assert arc.site is FY1C.interceptor.site and arc.intercept_s == FY1C.time_s
    assert arc.target.norad_id[0] == parent.catalog.norad_id[0] == 25730
    # Drawn from the arc, launch to intercept; it exists nowhere else.
    assert missile.shown_span_s() == (arc.launch_s, arc.intercept_s)
    for t in (arc.launch_s, arc.launch_s + 123.4, arc.intercept_s):
        drawn = scene.position_gcrs_km(_ref(missile), t)
        assert np.linalg.norm(drawn - arc.states_gcrs(t)[0][0]) < 0.005  # 5 m, float32 keyframes
    assert scene.position_gcrs_km(_ref(missile), arc.intercept_s + 1.0) is None


def _ref(layer):
    from orbitview.core.model.object_ref import ObjectRef

    return ObjectRef(layer, 0)


EXPLICIT = HEAD + """[[sources]]
name = "Test missile"
interceptor = "KKV"
target = { event = "fengyun-1c-2007", part = "parent" }
norad = 25730
latitude_deg = 30.5
longitude_deg = 100.25
height_km = 0.5
site_name = "Somewhere"
flight_s = 520
launch_s = "2007-01-11T22:17:20Z"
"""


@pytest.mark.core
def test_an_explicit_interceptor_round_trips_through_a_scenario_file():
    scene = scene_of(EXPLICIT)
    missile = scene.layers[2]
    assert missile.name == "Test missile" and missile.arc.vehicle == "KKV"
    assert missile.arc.site.name == "Somewhere" and missile.arc.site.latitude_deg == 30.5
    assert format_utc(missile.arc.intercept_s) == "2007-01-11T22:26:00Z"
    again = parse_scenario(scenario_to_toml(scenario_from_scene(scene)))
    assert again.sources[2].origin == parse_scenario(EXPLICIT).sources[1].origin == missile.origin
    assert scene_of(scenario_to_toml(again)).layers[2].arc.launch_s == missile.arc.launch_s


def with_interceptor(lines: str) -> str:
    return HEAD + "[[sources]]\n" + lines + "\n"


@pytest.mark.core
@pytest.mark.parametrize("lines, line, words", [
    ('interceptor = "X"\npreset = "iridium-cosmos-2009"', 9, "has no interceptor; presets with one: fengyun-1c-2007"),
    ('interceptor = "X"\npreset = "fengyun-1c-2007"\nsite = "area-51"', 10, "unknown site 'area-51'; sites: xichang"),
    ('interceptor = "X"\nsite = "xichang"\nflight_s = 470\nintercept_s = "2007-01-11T22:26:00Z"', 8,
     "missing target"),
    ('interceptor = "X"\npreset = "fengyun-1c-2007"\nflight_s = 1', 10, "1 is outside 10 .. 21600"),
    ('interceptor = "X"\npreset = "fengyun-1c-2007"\nintercept_s = "2007-01-11T22:26:00Z"\n'
     'launch_s = "2007-01-11T22:18:00Z"', 11, "not both"),
])
def test_bad_interceptor_keys_are_named_with_their_line(lines, line, words):
    with pytest.raises(ScenarioError, match=words) as caught:
        parse_scenario(with_interceptor(lines), "bad.toml")
    assert str(caught.value).startswith(f"bad.toml:{line}: key 'sources[1]"), str(caught.value)


@pytest.mark.core
@pytest.mark.parametrize("lines, words", [
    ('interceptor = "X"\npreset = "fengyun-1c-2007"\nflight_s = 30', "too short for this distance"),
    ('interceptor = "X"\npreset = "fengyun-1c-2007"\nlatitude_deg = -30\nlongitude_deg = -60\nflight_s = 1500',
     "through the Earth|below the Earth's surface"),
    ('interceptor = "X"\npreset = "fengyun-1c-2007"\nnorad = 12345', "object 12345 is in none of the sources"),
])
def test_an_interceptor_that_cannot_fly_is_one_line_exit_2(tmp_path, lines, words):
    path = tmp_path / "cannot.toml"
    path.write_text(with_interceptor(lines), encoding="utf-8")
    with pytest.raises(ScenarioError, match=words):
        build_scene(read_scenario(path), satcat=None)
    out = tmp_path / "never.png"
    done = subprocess.run([sys.executable, "-m", "orbitview", "render", str(path), "--out", str(out),
                           "--satcat", "none"], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "EGL_PLATFORM": "surfaceless"})
    assert done.returncode == 2 and not out.exists()
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{path}:8: key 'sources[1].interceptor'" in lines[0], done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.core
def test_the_trail_is_the_path_flown_fading_to_the_launch_and_away_after_the_intercept():
    scene = scene_of(HEAD + PRESET)
    missile = scene.layers[2]
    arc = missile.arc
    assert len(missile.trail_gcrs_km(arc.launch_s - 1.0)[0]) == 0
    t = arc.launch_s + 200.0
    points, brightness = missile.trail_gcrs_km(t)
    # From the site at launch to the missile now, every point on the arc.
    assert np.linalg.norm(points[0] - arc.launch_position_km) < 1e-6
    assert np.linalg.norm(points[-1] - arc.states_gcrs(t)[0][0]) < 1e-3
    assert np.all(np.diff(brightness) > 0) and brightness[-1] == 1.0
    after, faded = missile.trail_gcrs_km(arc.intercept_s + TRAIL_AFTER_S / 2)
    assert np.linalg.norm(after[-1] - arc.intercept_position_km) < 1e-3
    assert faded.max() == pytest.approx(0.5)
    assert len(missile.trail_gcrs_km(arc.intercept_s + TRAIL_AFTER_S)[0]) == 0
    assert missile.label_at(arc.launch_s + 187.0) == "SC-19 T+3:07"


def colour_centroid(image, xy, rgba, window=7, tolerance=12, core=1):
    """Centroid (pixel centres at +0.5) of pixels near ``xy`` whose whole (2 core + 1)-square
    neighbourhood has colour ``rgba``: the inside of a drawn point, not a line through it."""
    x0, y0 = int(xy[0]), int(xy[1])
    patch = image[y0 - window: y0 + window + 1, x0 - window: x0 + window + 1, :3].astype(int)
    match = np.all(np.abs(patch - np.round(np.asarray(rgba[:3]) * 255)) <= tolerance, axis=2)
    inside = match.copy()
    for dy in range(-core, core + 1):
        for dx in range(-core, core + 1):
            inside &= np.roll(np.roll(match, dy, axis=0), dx, axis=1)
    ys, xs = np.nonzero(inside)
    assert len(xs), f"no {rgba} point within {window} px of {xy}"
    return x0 - window + xs.mean() + 0.5, y0 - window + ys.mean() + 0.5


@pytest.mark.pixels
def test_two_minutes_before_the_intercept_the_missile_is_between_xichang_and_the_satellite(artefacts):
    t = FY1C.time_s - 120.0
    out = artefacts / "interceptor_t_minus_2min.png"
    done = subprocess.run([sys.executable, "-m", "orbitview", "render", str(SCENARIO), "--time", format_utc(t),
                           "--size", f"{SIZE[0]}x{SIZE[1]}", "--satcat", "none", "--out", str(out)],
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "EGL_PLATFORM": "surfaceless"})
    assert done.returncode == 0, done.stderr
    image = np.asarray(Image.open(out))
    # Where things are, from the authorities: the arc (Lambert, checked against integration
    # in test_interceptor.py), skyfield's SGP4 for the satellite, skyfield's WGS84 for the site.
    scenario = read_scenario(SCENARIO)
    scene = build_scene(scenario, satcat=None)[0]
    scene.camera.restore(camera_timeline(scene).view_at(t))
    scene.camera.keep_outside_earth()
    parent, missile = scene.layers[0], scene.layers[2]
    satellite = EarthSatellite.from_satrec(parent.catalog.satrecs[0], timescale()).at(skyfield_time(t)).position.km
    site = wgs84.latlon(missile.arc.site.latitude_deg, missile.arc.site.longitude_deg,
                        elevation_m=missile.arc.site.height_km * 1000).at(skyfield_time(t)).position.km
    points = np.array([missile.arc.states_gcrs(t)[0][0], satellite, site * GROUND_LIFT])
    (at_missile, at_satellite, at_site), in_front = project_to_pixels(points, scene.camera, SIZE)
    assert in_front.all()
    assert math.dist(colour_centroid(image, at_missile, INTERCEPTOR_COLOR), at_missile) < 1.0
    assert math.dist(colour_centroid(image, at_satellite, CLASS_COLORS[ObjectClass.PAYLOAD]), at_satellite) < 1.0
    # The site's triangle: its centroid sits a little below the marker's centre.
    assert math.dist(colour_centroid(image, at_site, SITE_COLOR, core=0), at_site) < 2.5
    # Between: nearer to each of the two than they are to one another, in the picture and in space.
    span = math.dist(at_site, at_satellite)
    assert math.dist(at_missile, at_site) < span and math.dist(at_missile, at_satellite) < span
    assert span > 200.0  # apart enough to tell: the view is side-on, not from overhead
    gap = np.linalg.norm(satellite - site)
    assert np.linalg.norm(points[0] - site) < gap and np.linalg.norm(points[0] - satellite) < gap
