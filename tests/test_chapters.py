"""Chapters: which one runs when, how a scenario names them (read, checked, written back), the
camera arriving at a chapter's view, and each caption shown for its chapter's time range in a
video made by ``orbitview render`` and decoded by ffmpeg."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from orbitview.core.model.chapters import Chapter, chapter_at, next_chapter, previous_chapter
from orbitview.core.model.scene import Scene
from orbitview.core.orbits.propagate import propagate
from orbitview.core.orbits.times import parse_utc
from orbitview.io.scenario_file import ScenarioError, parse_scenario, scenario_from_scene, scenario_to_toml
from orbitview.core.model.scenario import camera_timeline
from orbitview.services.scenario import build_scene

REPO = Path(__file__).resolve().parents[1]

SCENARIO = """version = 1
[time]
start = "2007-01-11T22:10:00Z"
end = "2007-01-11T22:40:00Z"
speed = 120

[output]
size = "640x360"
fps = 1

[[sources]]
event = "fengyun-1c-2007"

[[chapters]]
time = "2007-01-11T22:16:00Z"
title = "Before the test"
caption = "MMMMMMMM WWWWWWWW"
follow = 25730
distance_km = 200000

[[chapters]]
time = "2007-01-11T22:28:00Z"
title = "After the test"
caption = "iiii llll iiii llll"
azimuth_deg = 40
"""


def chapters_of(text: str) -> tuple[Chapter, ...]:
    return parse_scenario(text, "s.toml").chapters


def problems_of(text: str) -> str:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "s.toml")
    return str(caught.value)


@pytest.mark.core
def test_the_running_chapter_is_the_last_started_and_next_and_previous_step_through_them():
    chapters = tuple(Chapter(time_s=t, title=str(t)) for t in (100.0, 200.0, 300.0))
    assert chapter_at(chapters, 99.0) is None
    assert [chapter_at(chapters, t).time_s for t in (100.0, 199.9, 200.0, 1e9)] == [100.0, 100.0, 200.0, 300.0]
    assert next_chapter(chapters, 50.0).time_s == 100.0
    assert next_chapter(chapters, 200.0).time_s == 300.0
    assert next_chapter(chapters, 300.0) is None
    assert previous_chapter(chapters, 250.0).time_s == 100.0
    assert previous_chapter(chapters, 50.0).time_s == 100.0
    assert previous_chapter((), 50.0) is None
    # A scene keeps them in time order, whatever order they were given in.
    scene = Scene(chapters=chapters[::-1])
    assert [c.time_s for c in scene.chapters] == [100.0, 200.0, 300.0]


@pytest.mark.core
def test_chapters_read_with_their_cameras_and_write_back_the_same():
    chapters = chapters_of(SCENARIO)
    assert [c.title for c in chapters] == ["Before the test", "After the test"]
    assert chapters[0].time_s == parse_utc("2007-01-11T22:16:00Z")
    first, second = (c.camera for c in chapters)
    assert first["follow"].norad_id == 25730 and first["distance_km"] == 200000.0
    # Camera keys a chapter leaves out keep the previous chapter camera's values.
    assert second["azimuth_deg"] == 40.0 and second["distance_km"] == 200000.0
    again = chapters_of(scenario_to_toml(parse_scenario(SCENARIO, "s.toml")))
    assert again == chapters
    # A chapter without camera keys leaves the camera to the keyframes.
    assert chapters_of(SCENARIO + '[[chapters]]\ntime = "2007-01-11T22:35:00Z"\ntitle = "Later"\n')[-1].camera is None


@pytest.mark.core
@pytest.mark.parametrize("extra, line, key, words", [
    ('[[chapters]]\ntime = "2007-01-12T00:00:00Z"\ntitle = "x"\n', 27, "chapters[2].time", "outside time.start"),
    ('[[chapters]]\ntime = "2007-01-11T22:20:00Z"\ntitle = "x"\n', 27, "chapters[2].time", "must increase"),
    ('[[chapters]]\ntime = "2007-01-11T22:35:00Z"\n', 26, "chapters[2]", "missing key 'title'"),
    ('[[chapters]]\ntime = "2007-01-11T22:35:00Z"\ntitle = "x"\nzoom = 2\n', 29, "chapters[2].zoom", "unknown key"),
    ('[[chapters]]\ntime = "2007-01-11T22:35:00Z"\ntitle = "x"\ncaption = "a\\u0007b"\n', 29,
     "chapters[2].caption", "control character"),
    ('[[chapters]]\ntime = "2007-01-11T22:35:00Z"\ntitle = "x"\nease = "bounce"\n', 29, "chapters[2].ease",
     "expected one of"),
])
def test_bad_chapters_name_the_key_and_line(extra, line, key, words):
    message = problems_of(SCENARIO + extra)
    assert f"s.toml:{line}: key '{key}'" in message and words in message, message


@pytest.mark.core
def test_a_chapter_camera_is_a_keyframe_that_follows_its_object(tmp_path):
    scenario = parse_scenario(SCENARIO, str(tmp_path / "s.toml"))
    scene, _ = build_scene(scenario)
    first, second = scene.chapters
    assert first.camera["follow"].layer is scene.layers[0]
    camera = camera_timeline(scene)
    view = camera.view_at(first.time_s)
    assert view["distance_km"] == 200000.0 and view["follow"] is first.camera["follow"]
    # Centred on the satellite where SGP4 puts it then (the follow's lookup is the one that
    # draws it: within the float32 keyframes' metres).
    where = propagate(scene.layers[0].catalog, np.array([first.time_s]), "GCRS").position_km[0, 0]
    assert np.linalg.norm(np.asarray(view["center_km"]) - where) < 0.01
    assert camera.view_at(second.time_s)["azimuth_deg"] == pytest.approx(40.0)
    # Saved from the scene, the chapters name the followed object by layer and number.
    saved = parse_scenario(scenario_to_toml(scenario_from_scene(scene)), "again.toml")
    assert [c.title for c in saved.chapters] == ["Before the test", "After the test"]
    follow = saved.chapters[0].camera["follow"]
    assert (follow.layer, follow.norad_id) == (0, 25730)


def _glyph_mask(annotator, chapter) -> np.ndarray:
    """(H, W) bool: where the cores of ``chapter``'s title and caption glyphs are drawn."""
    mask = np.zeros(annotator.size[::-1], bool)
    for stamp in annotator.caption(chapter.title, chapter.caption):
        h, w = stamp.rgba.shape[:2]
        core = (stamp.rgba[..., 3] == 255) & (stamp.rgba[..., :3].min(axis=2) > 150)
        mask[stamp.y:stamp.y + h, stamp.x:stamp.x + w] |= core
    return mask


@pytest.mark.pixels
def test_a_video_shows_each_caption_for_its_chapter(tmp_path):
    from orbitview.render.export.annotations import Annotator
    from orbitview.render.export.video import ffmpeg_exe

    path = tmp_path / "chapters.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    out = tmp_path / "chapters.mp4"
    done = subprocess.run([sys.executable, "-m", "orbitview", "render", str(path), "--out", str(out),
                           "--progress", "none"], capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(REPO), "EGL_PLATFORM": "surfaceless",
                               **{k: v for k, v in __import__("os").environ.items() if k != "PYTHONPATH"}})
    assert done.returncode == 0, done.stderr
    width, height = 640, 360
    raw = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(out), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         capture_output=True, check=True).stdout
    frames = np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3)
    scenario = parse_scenario(SCENARIO, str(path))
    times_s = scenario.frame_times_s()
    assert len(frames) == len(times_s) == 16  # 30 minutes at 120 s per second, 1 fps
    annotator = Annotator((width, height), scenario.overlay, [])
    masks = [_glyph_mask(annotator, chapter) for chapter in scenario.chapters]
    for frame, t_s in zip(frames, times_s):
        brightness = frame.min(axis=2)
        lit = [float(brightness[mask].mean()) for mask in masks]
        running = chapter_at(scenario.chapters, t_s)
        for chapter, value in zip(scenario.chapters, lit):
            # White text where the running chapter's glyphs are; dark space (the globe is far
            # off in the middle) or other glyphs' gaps where the others' would be.
            if chapter is running:
                assert value > 180, (t_s, chapter.title, lit)
            else:
                assert value < 120, (t_s, chapter.title, lit)
