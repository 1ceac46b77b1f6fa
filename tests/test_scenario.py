"""Scenario files: the schema, messages naming key and line, exact frame times, the camera
timeline, and writing a scenario back."""

import math
from pathlib import Path

import numpy as np
import pytest

from orbitview.core.model.scenario import CameraKey, CameraTimeline, default_view, frame_times_s
from orbitview.core.orbits.times import parse_utc
from orbitview.io.scenario_file import (
    ScenarioError,
    key_lines,
    parse_scenario,
    read_scenario,
    scenario_to_toml,
)

pytestmark = pytest.mark.core

EXAMPLE = Path(__file__).resolve().parents[1] / "datasets" / "scenarios" / "example.toml"

GOOD = """\
version = 1
[time]
start = "2007-01-11T22:21:00Z"
end = 2007-01-11T23:21:00Z
speed = 600

[[sources]]
event = "fengyun-1c-2007"

[[camera.keyframes]]
time = "2007-01-11T22:21:00Z"
distance_km = 30000

[[camera.keyframes]]
time = "2007-01-11T23:21:00Z"
distance_km = 60000
azimuth_deg = 90
"""


def problems_of(text: str) -> str:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "s.toml")
    return str(info.value)


def test_the_example_reads_and_spans_whole_frames():
    scenario = read_scenario(EXAMPLE)
    times = scenario.frame_times_s()
    assert scenario.overlay.banner == "UNCLASSIFIED — MODEL FOR ILLUSTRATION"
    assert scenario.sources[0].origin.event == "fengyun-1c-2007"
    assert len(scenario.keyframes) == 2
    assert times[0] == scenario.start_s and times[-1] == scenario.end_s
    assert len(times) == round((scenario.end_s - scenario.start_s) / scenario.speed * scenario.fps) + 1


def test_frame_i_is_at_start_plus_i_speed_over_fps_exactly():
    times = frame_times_s(1000.0, 1000.0 + 86700.0, 14450.0, 24)
    assert len(times) == 145
    np.testing.assert_array_equal(times, 1000.0 + np.arange(145) * 14450.0 / 24)
    # A span that is not whole frames stops at the last frame before the end.
    assert frame_times_s(0.0, 10.0, 1.0, 3)[-1] == pytest.approx(10.0)
    assert frame_times_s(0.0, 10.1, 1.0, 1)[-1] == 10.0


@pytest.mark.parametrize("text, line, key, words", [
    (GOOD.replace("speed = 600", "speed = 600\ncolour = 3"), 6, "time.colour", "unknown key"),
    (GOOD.replace("distance_km = 60000", 'distance_km = "far"'), 16, "camera.keyframes[1].distance_km",
     "expected a number"),
    (GOOD.replace('event = "fengyun-1c-2007"', 'file = "missing.tle"'), 8, "sources[0].file", "no such file"),
    (GOOD.replace('time = "2007-01-11T23:21:00Z"', 'time = "2007-01-12T23:21:00Z"'), 15,
     "camera.keyframes[1].time", "outside time.start"),
    (GOOD.replace("end = 2007-01-11T23:21:00Z", 'end = "2007-01-10T00:00:00Z"'), 4, "time.end", "is not after"),
    (GOOD.replace('event = "fengyun-1c-2007"', 'event = "nope"'), 8, "sources[0].event", "unknown event"),
    (GOOD.replace("[[sources]]\nevent = \"fengyun-1c-2007\"\n", ""), None, "sources", "missing"),
    (GOOD + "[overlay]\nlegend = \"yes\"\n", 19, "overlay.legend", "expected true or false"),
    (GOOD + "[overlay]\nbanner_color = \"green\"\n", 19, "overlay.banner_color", "colour"),
    (GOOD.replace("speed = 600", "speed = -5"), 5, "time.speed", "> 0"),
])
def test_bad_scenarios_name_the_key_and_line(text, line, key, words):
    message = problems_of(text)
    assert f"key '{key}'" in message
    assert words in message
    if line is not None:
        assert f"s.toml:{line}: key '{key}'" in message


def test_every_problem_is_reported_at_once():
    text = GOOD.replace("speed = 600", 'speed = "x"').replace("azimuth_deg = 90", "azimuth_deg = 90\nzoom = 2")
    lines = problems_of(text).splitlines()
    assert any("time.speed" in line for line in lines)
    assert any("camera.keyframes[1].zoom" in line and "s.toml:18:" in line for line in lines)


def test_bad_toml_gives_the_line():
    assert problems_of(GOOD.replace("speed = 600", "speed = = 600")).startswith("s.toml:5: not valid TOML")


def test_key_lines_count_arrays_of_tables_and_skip_multiline_values():
    text = '[[a.b]]\nx = 1\n[[a.b]]\nx = [\n  "y = 2",\n]\nz = """\nw = 3\n"""\nv = 4\n'
    lines = key_lines(text)
    assert lines["a.b[0].x"] == 2 and lines["a.b[1].x"] == 4 and lines["a.b[1].v"] == 10
    assert "a.b[1].y" not in lines and "a.b[1].w" not in lines


def test_written_scenario_reads_back_the_same(tmp_path):
    scenario = parse_scenario(GOOD.replace('event = "fengyun-1c-2007"', 'event = "fengyun-1c-2007"\nname = "FY"')
                              + '[overlay]\nbanner = "UNCLASSIFIED — TEST"\ntitle = "say \\"hi\\""\n', "s.toml")
    again = parse_scenario(scenario_to_toml(scenario), str(tmp_path / "again.toml"))
    for name in ("sources", "start_s", "end_s", "speed", "fps", "size", "keyframes", "pinned", "overlay"):
        assert getattr(again, name) == getattr(scenario, name), name


def test_camera_timeline_holds_eases_and_follows():
    a = {**default_view(), "distance_km": 20000.0, "azimuth_deg": 350.0}
    b = {**default_view(), "distance_km": 80000.0, "azimuth_deg": 10.0}
    timeline = CameraTimeline((CameraKey(100.0, a), CameraKey(200.0, b, "in-out")))
    assert timeline.view_at(50.0)["distance_km"] == 20000.0
    assert timeline.view_at(300.0)["distance_km"] == 80000.0
    middle = timeline.view_at(150.0)
    assert middle["distance_km"] == pytest.approx(40000.0)  # geometric halfway
    assert middle["azimuth_deg"] % 360 == pytest.approx(0.0)  # the short way round
    # Eased: a tenth of the way in time is less than a tenth of the way in distance ratio.
    assert math.log(timeline.view_at(110.0)["distance_km"] / 20000.0) < 0.1 * math.log(4.0)
    assert CameraTimeline((CameraKey(100.0, a), CameraKey(200.0, b, "cut"))).view_at(199.0)["distance_km"] == 20000.0

    followed = {**a, "follow": "an object"}
    moving = CameraTimeline((CameraKey(0.0, followed),), lambda ref, t, frame: np.array([t, 0.0, 0.0]))
    assert moving.view_at(42.0)["center_km"] == (42.0, 0.0, 0.0)


def test_scenario_time_parsing_accepts_toml_datetimes():
    scenario = parse_scenario(GOOD, "s.toml")
    assert scenario.end_s == parse_utc("2007-01-11T23:21:00Z")
