"""Exports checked end to end: MP4 frame count, duration and size through ffmpeg, the clock in the
first and last frames, pixel-identical re-renders, PNG metadata, and no file at --out after a
failure, a cancel, SIGINT or SIGTERM."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from orbitview.core.orbits.times import format_utc
from orbitview.render.export.exporter import FrameRenderer
from orbitview.render.export.video import ExportCancelled, VideoWriter, ffmpeg_exe, signals_cancel
from orbitview.io.scenario_file import read_scenario
from orbitview.core.model.scenario import camera_timeline
from orbitview.services.scenario import build_scene

pytestmark = pytest.mark.pixels

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "datasets" / "scenarios" / "example.toml"
SIZE = (480, 270)
FPS = 4  # 6 s of the example at 4 fps: 25 frames


def orbitview(*args, **kwargs):
    env = {**os.environ, "PYTHONPATH": str(REPO), "EGL_PLATFORM": "surfaceless"}
    return subprocess.Popen([sys.executable, "-m", "orbitview", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def probe(path: Path) -> dict:
    """Duration, size and fps from ``ffmpeg -i``; frame count by decoding to the null muxer."""
    info = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True).stderr
    h, m, s = re.search(r"Duration: (\d+):(\d+):([\d.]+)", info).groups()
    width, height = re.search(r"Video: .*?, (\d{2,5})x(\d{2,5})", info).groups()
    decoded = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path), "-f", "null", "-"],
                             capture_output=True, text=True).stderr
    frames = int(re.findall(r"frame=\s*(\d+)", decoded)[-1])
    return {"duration_s": int(h) * 3600 + int(m) * 60 + float(s), "size": (int(width), int(height)),
            "frames": frames, "pix_fmt": "yuv420p" in info, "fps": re.search(r"([\d.]+) fps", info).group(1)}


def decoded_frame(path: Path, index: int) -> np.ndarray:
    """(H, W, 3) uint8 frame ``index`` of a video, decoded by ffmpeg."""
    raw = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(path), "-vf", f"select=eq(n\\,{index})",
                          "-fps_mode", "passthrough", "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(SIZE[1], SIZE[0], 3)


@pytest.fixture(scope="module")
def example():
    scenario = read_scenario(EXAMPLE)
    scene, _ = build_scene(scenario)
    return scenario, scene


def renderer_for(scenario, scene):
    return FrameRenderer(scene, SIZE, scenario.overlay, camera_timeline(scene), pinned=scene.pinned,
                         selected=scene.selected, labels=scenario.labels)


@pytest.fixture(scope="module")
def mp4(tmp_path_factory):
    out = tmp_path_factory.mktemp("video") / "example.mp4"
    process = orbitview("render", str(EXAMPLE), "--size", f"{SIZE[0]}x{SIZE[1]}", "--fps", str(FPS),
                        "--out", str(out), "--progress", "none")
    stdout, stderr = process.communicate(timeout=180)
    assert process.returncode == 0, stderr
    return out, stdout


def test_mp4_frame_count_duration_and_size_match_the_scenario(mp4, example):
    out, stdout = mp4
    scenario, _ = example
    frames = len(scenario.frame_times_s(FPS))
    assert frames == 25
    info = probe(out)
    assert info["frames"] == frames
    assert info["size"] == SIZE
    assert info["pix_fmt"] and info["fps"] == str(FPS)
    assert info["duration_s"] == pytest.approx(frames / FPS, abs=0.02)
    assert f"{format_utc(scenario.start_s)} .. {format_utc(scenario.end_s)}" in stdout
    assert [p.name for p in out.parent.iterdir()] == ["example.mp4"]


def test_first_and_last_frames_show_the_start_and_end_times(mp4, example, artefacts):
    """The clock corner of the decoded first/last frames matches a fresh render at the
    scenario's start/end time, and not the other one."""
    out, _ = mp4
    scenario, scene = example
    renderer = renderer_for(scenario, scene)
    try:
        start, end = renderer.render(scenario.start_s), renderer.render(scenario.end_s)
    finally:
        renderer.close()
    stamp = renderer.annotator.stamps(scenario.start_s)[-1]  # the clock, drawn last
    h, w = stamp.rgba.shape[:2]
    clock = (slice(stamp.y, stamp.y + h), slice(stamp.x, stamp.x + w))
    first, last = decoded_frame(out, 0), decoded_frame(out, 24)
    Image.fromarray(np.vstack([first, last])).save(artefacts / "export_first_last.png")

    # Compare only where the two clocks' glyphs differ (the day and the minutes).
    differ = np.abs(start[clock].astype(int) - end[clock].astype(int)).max(axis=2) > 40
    assert differ.sum() > 20

    def distance(a, b):
        return np.abs(a[clock].astype(int) - b[clock].astype(int)).max(axis=2)[differ].mean()

    assert distance(first, start) < distance(first, end) / 3
    assert distance(last, end) < distance(last, start) / 3


def test_the_same_scenario_renders_pixel_identical_frames(example):
    scenario, scene = example
    times = scenario.frame_times_s(FPS)[[0, 1, 12, 24]]
    runs = []
    for _ in range(2):
        renderer = renderer_for(scenario, scene)
        try:
            runs.append([renderer.render(float(t)) for t in times])
        finally:
            renderer.close()
    for a, b in zip(*runs):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(runs[0][0], runs[0][-1])


def test_png_of_a_scenario_has_its_time_and_attribution(tmp_path, example):
    scenario, _ = example
    out = tmp_path / "still.png"
    process = orbitview("render", str(EXAMPLE), "--size", "333x201", "--time", "2007-01-12T10:00:00Z", "--out", str(out))
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    image = Image.open(out)
    assert image.size == (333, 201)
    assert image.text["orbitview:time_utc"] == "2007-01-12T10:00:00Z"
    assert image.text["orbitview:attribution"] == scenario.overlay.attribution
    assert image.text["orbitview:banner"] == scenario.overlay.banner
    assert "fragments.3le" in image.text["Source"]


def test_a_bad_scenario_stops_before_rendering(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE.read_text().replace("distance_km = 42000.0", 'distance_km = "far"'))
    out = tmp_path / "x.mp4"
    process = orbitview("render", str(bad), "--out", str(out))
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 2
    line = next(n for n, text in enumerate(bad.read_text().splitlines(), 1) if '"far"' in text)
    assert f"bad.toml:{line}: key 'camera.keyframes[1].distance_km': expected a number" in stderr
    assert not out.exists()


@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_signal_midway_leaves_no_file(tmp_path, signum, code):
    out = tmp_path / "killed.mp4"
    process = orbitview("render", str(EXAMPLE), "--size", f"{SIZE[0]}x{SIZE[1]}", "--out", str(out),
                        "--progress", "lines")
    for line in process.stderr:
        if line.startswith("progress ") and int(line.split()[1]) >= 3:
            break
    else:
        pytest.fail("no progress reported")
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == code
    assert f"interrupted by {signal.Signals(signum).name}; nothing written to {out}" in stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("then", ["write", "finish"])
def test_a_signal_swallowed_by_a_draw_callback_still_stops_the_video(tmp_path, then):
    # vispy logs an exception raised in its draw callbacks and may go on: the Cancel that
    # reached the window's export as SIGTERM once let the whole video be written.
    out = tmp_path / "x.mp4"
    frame = np.zeros((48, 64, 3), np.uint8)
    with pytest.raises(ExportCancelled, match="SIGTERM"):
        with signals_cancel(), VideoWriter(out, (64, 48), 10) as writer:
            writer.write(frame)
            try:
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(1)  # the handler raises at once
            except ExportCancelled:
                pass  # what a callback that logs and goes on does with it
            writer.write(frame) if then == "write" else writer.finish()
    assert list(tmp_path.iterdir()) == []


def test_a_failed_or_cancelled_video_leaves_no_file(tmp_path):
    out = tmp_path / "x.gif"
    with pytest.raises(ValueError):
        with VideoWriter(out, (64, 48), 10) as writer:
            writer.write(np.zeros((48, 64, 3), np.uint8))
            writer.write(np.zeros((10, 10, 3), np.uint8))
    assert list(tmp_path.iterdir()) == []
    with VideoWriter(out, (64, 48), 10) as writer:
        for value in (0, 128, 255):
            writer.write(np.full((48, 64, 3), value, np.uint8))
        writer.finish()
    assert probe(out)["frames"] == 3
    assert [p.name for p in tmp_path.iterdir()] == ["x.gif"]


def test_images_taller_than_1080_show_the_same_picture_scaled(example):
    """Above 1080 rows the canvas keeps 1080 logical rows and the framebuffer is scaled: the
    Earth fills the same part of the image at twice the size."""
    scenario, scene = example
    masks = []
    for size in ((200, 1080), (400, 2160)):
        renderer = FrameRenderer(scene, size, type(scenario.overlay)(legend=False, clock=False, captions=False),
                                 camera_timeline(scene))
        try:
            image = renderer.render(scenario.start_s).astype(float)
        finally:
            renderer.close()
        if size[1] == 2160:
            image = image.reshape(1080, 2, 200, 2, 3).mean(axis=(1, 3))
        masks.append(image.max(axis=2) > 8)
    overlap = (masks[0] & masks[1]).sum() / (masks[0] | masks[1]).sum()
    assert masks[0].sum() > 10000 and overlap > 0.95


def test_an_exported_label_sits_on_the_pinned_layers_object(catalogs, artefacts):
    """Two snapshots of the Fengyun-1C cloud share numbers: pinning the 2026 object labels it
    where the 2026 elements put it (the middle of the view, which follows it); pinning its
    2025 namesake, more than 1,000 km away, leaves the middle as it is with nothing pinned."""
    from namesakes import T_2026, load_snapshots, namesake_scene

    from orbitview.core.model.scenario import OverlayText

    scene, newer, namesake = namesake_scene(*load_snapshots(catalogs))
    where = scene.position_gcrs_km(newer)
    scene.camera.restore({"distance_km": 2000.0, "fov_deg": 30.0, "follow": newer})
    scene.camera.look_from(where)  # from above it, the eye outside the Earth
    images = {}
    for name, pinned in (("none", ()), ("2026", (newer,)), ("2025", (namesake,))):
        renderer = FrameRenderer(scene, SIZE, OverlayText(legend=False, clock=False, captions=False), pinned=pinned)
        try:
            images[name] = renderer.render(T_2026)
        finally:
            renderer.close()
        Image.fromarray(images[name]).save(artefacts / f"export_label_{name}.png")
    # The label is drawn up and to the right of the object: only the 2026 pin puts one there.
    box = (slice(SIZE[1] // 2 - 40, SIZE[1] // 2), slice(SIZE[0] // 2, SIZE[0] // 2 + 160))
    changed = np.abs(images["2026"][box].astype(int) - images["none"][box]).sum(axis=2) > 60
    assert changed.sum() > 50
    np.testing.assert_array_equal(images["2025"][box], images["none"][box])
