"""The camera path is a field of the scene model: a scenario's keyframes survive File > Save
Scenario and a session, the window's one camera playback follows them and the chapters' views
while the clock plays, and File > Export Video hands them to the child's scenario (Export
Image the view the window shows). A real window under Xvfb, a real catalogue, a real
``orbitview render`` child."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QApplication, QFileDialog

from orbitview.core.model.chapters import Chapter
from orbitview.core.model.object_ref import ObjectRef
from orbitview.core.model.scenario import ObjectKey
from orbitview.core.orbits.times import format_utc, parse_utc
from orbitview.io.scenario_file import parse_scenario, read_scenario
from orbitview.ui import export_dialogs, session

pytestmark = pytest.mark.qt

T0 = parse_utc("2025-02-15T00:00:00Z")
#: IRIDIUM 33 itself, in the file of its debris.
FOLLOWED = 24946
#: (time from T0 s, ease, azimuth, distance km); the last key follows ``FOLLOWED``.
PATH = ((0.0, "cut", 10.0, 30000.0), (3600.0, "linear", 50.0, 30000.0), (7200.0, "in-out", 50.0, 20000.0))


@pytest.fixture
def scenario_path(catalogs, tmp_path):
    """A scenario of the Iridium 33 debris with a three-keyframe camera path, the last one
    following Iridium 33."""
    source = catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt"
    (first_t, first_ease, first_az, first_d), (mid_t, mid_ease, mid_az, mid_d), (last_t, last_ease, _, last_d) = PATH
    path = tmp_path / "path.toml"
    path.write_text(f"""version = 1
[time]
start = "2025-02-15T00:00:00Z"
end = "2025-02-15T03:00:00Z"
speed = 60.0
[[sources]]
file = "{source}"
[[camera.keyframes]]
time = "2025-02-15T00:00:00Z"
ease = "{first_ease}"
view = "inertial"
azimuth_deg = {first_az}
elevation_deg = 20.0
distance_km = {first_d}
[[camera.keyframes]]
time = "2025-02-15T01:00:00Z"
ease = "{mid_ease}"
azimuth_deg = {mid_az}
distance_km = {mid_d}
[[camera.keyframes]]
time = "2025-02-15T02:00:00Z"
ease = "{last_ease}"
follow = {FOLLOWED}
distance_km = {last_d}
""")
    assert (first_t, mid_t, last_t) == (0.0, 3600.0, 7200.0)  # the times written above
    return path


def opened(make_window, scenario_path):
    window = make_window()
    assert export_dialogs.open_scenario_dialog(window, str(scenario_path)) is not None
    return window


def play_at(window, t_s: float) -> None:
    """The clock playing from ``t_s`` at x1 (what is asserted right after it is at ``t_s``:
    no event runs in between). Not slower: at 1e9 s a step of a microsecond or less is lost
    to rounding, the time would stay put and the camera, placed only when the time moves,
    would keep where it was put before the worker's positions of that time came."""
    clock = window.scene.clock
    clock.speed = 1.0
    clock.playing = True
    clock.time_s = t_s


def followed_ref(scene) -> ObjectRef:
    (layer,) = scene.layers
    return ObjectRef(layer, int(np.flatnonzero(layer.catalog.norad_id == FOLLOWED)[0]))


def assert_on_the_path(window, qtbot) -> None:
    """Playing, the camera is where PATH puts it: halfway between the first two keys (linear)
    and on the followed object at the last (once the worker has the positions of that time)."""
    scene, camera = window.scene, window.scene.camera
    play_at(window, T0 + 1800.0)
    assert camera.azimuth_deg == pytest.approx(30.0) and camera.distance_km == pytest.approx(30000.0)
    assert camera.follow is None
    play_at(window, T0 + 7200.0)
    ref = followed_ref(scene)
    assert camera.follow == ref and camera.distance_km == pytest.approx(20000.0)
    qtbot.waitUntil(window.view.settled, timeout=20000)

    def on_the_object() -> bool:
        drawn = scene.view_from_gcrs() @ scene.position_gcrs_km(ref)
        return bool(np.linalg.norm(np.subtract(camera.center_km, drawn)) < 1.0)

    qtbot.waitUntil(on_the_object, timeout=20000)


def test_save_scenario_keeps_the_camera_path(make_window, scenario_path, tmp_path, monkeypatch):
    window = opened(make_window, scenario_path)
    saved = tmp_path / "saved.toml"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(saved), ""))
    assert export_dialogs.save_scenario_dialog(window) == saved
    keys = read_scenario(saved).keyframes
    assert [k.time_s - T0 for k in keys] == [t for t, _, _, _ in PATH]
    assert [(k.ease, k.view["azimuth_deg"], k.view["distance_km"]) for k in keys] == [p[1:] for p in PATH]
    assert [k.view["follow"] for k in keys] == [None, None, ObjectKey(FOLLOWED, 0)]
    assert {k.view["view_frame"] for k in keys} == {"inertial"}


def test_a_restored_session_plays_the_same_path(make_window, scenario_path, qtbot):
    window = opened(make_window, scenario_path)
    assert_on_the_path(window, qtbot)
    window.scene.clock.playing = False
    session.save_session(window)
    again = make_window(remember=True)
    assert again.restore_session()
    qtbot.waitUntil(lambda: len(again.scene.layers) == 1, timeout=20000)
    assert_on_the_path(again, qtbot)
    assert len(again.scene.camera_path) == 3


def test_a_chapter_added_after_opening_is_on_the_one_camera_path(make_window, scenario_path):
    window = opened(make_window, scenario_path)
    scene, camera = window.scene, window.scene.camera
    view = {**camera.snapshot(), "azimuth_deg": 90.0, "distance_km": 20000.0, "follow": None}
    scene.chapters = (*scene.chapters, Chapter(time_s=T0 + 5400.0, title="Added", camera=view, ease="linear"))
    play_at(window, T0 + 5400.0)
    assert camera.azimuth_deg == pytest.approx(90.0) and camera.distance_km == pytest.approx(20000.0)
    # Halfway from the second keyframe to the chapter (linear): azimuth halfway, distance
    # geometrically, as an export moves it.
    play_at(window, T0 + 4500.0)
    assert camera.azimuth_deg == pytest.approx(70.0)
    assert camera.distance_km == pytest.approx(np.sqrt(30000.0 * 20000.0))
    # Paused, the mouse has the camera: a new time leaves it where it is.
    scene.clock.playing = False
    camera.azimuth_deg = 123.0
    scene.clock.time_s = T0 + 1800.0
    assert camera.azimuth_deg == 123.0


def accept_export_dialog(out, video: bool, size: str = "320x180") -> None:
    """Fill in the Export dialog once it is up (a tiny picture; a short video) and press OK."""

    def fill():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, export_dialogs.ExportDialog):
            QTimer.singleShot(100, fill)
            return
        dialog.size_box.setCurrentText(size)
        if video:
            dialog.fps.setValue(1)
            dialog.speed.setValue(3600.0)  # 3 h at 1 frame per simulated hour: 4 frames
        dialog.path.setText(str(out))
        dialog.accept()

    QTimer.singleShot(100, fill)


def test_export_image_renders_the_current_view_at_the_displayed_time(make_window, scenario_path, qtbot, tmp_path):
    window = opened(make_window, scenario_path)
    scene = window.scene
    scene.clock.time_s = T0 + 1800.0
    scene.camera.azimuth_deg, scene.camera.distance_km = 77.0, 33333.0  # paused, moved off the path
    out = tmp_path / "view.png"
    accept_export_dialog(out, video=False)
    job = export_dialogs.export_image_dialog(window)
    child = read_scenario(job.scenario_path)
    (key,) = child.keyframes
    qtbot.waitUntil(lambda: job not in export_dialogs._running, timeout=120_000)
    assert out.is_file(), job.errors
    assert Image.open(out).text["orbitview:time_utc"] == format_utc(T0 + 1800.0)
    assert (key.time_s, key.view["azimuth_deg"], key.view["distance_km"]) == (T0 + 1800.0, 77.0, 33333.0)
    # The size chosen is the scene's now: the next dialog, a save and the session have it.
    assert scene.output.size == (320, 180) and child.size == (320, 180)


def test_an_export_of_a_size_that_is_none_says_why_and_starts_nothing(make_window, scenario_path, tmp_path,
                                                                       monkeypatch):
    window = opened(make_window, scenario_path)
    size = window.scene.output.size
    warnings = []
    monkeypatch.setattr(export_dialogs.QMessageBox, "warning", lambda parent, title, text: warnings.append(text))
    out = tmp_path / "clip.mp4"
    accept_export_dialog(out, video=True, size="1920x10800")
    assert export_dialogs.export_video_dialog(window) is None
    assert warnings == ["bad size '1920x10800': 1920x10800 is outside 16x16 .. 7680x4320 pixels"]
    assert window.scene.output.size == size and not export_dialogs._running
    assert not out.exists()


def test_export_video_of_a_restored_session_writes_its_camera_path(make_window, scenario_path, qtbot, tmp_path):
    window = opened(make_window, scenario_path)
    session.save_session(window)
    again = make_window(remember=True)
    assert again.restore_session()
    qtbot.waitUntil(lambda: len(again.scene.layers) == 1, timeout=20000)
    out = tmp_path / "clip.mp4"
    accept_export_dialog(out, video=True)
    job = export_dialogs.export_video_dialog(again)
    assert job is not None
    child = parse_scenario(job.scenario_path.read_text(encoding="utf-8"))
    # The child renders the scenario it was handed: a video appears.
    qtbot.waitUntil(lambda: job not in export_dialogs._running, timeout=120_000)
    assert out.is_file() and out.stat().st_size > 0, job.errors
    assert [(k.time_s - T0, k.ease, k.view["azimuth_deg"], k.view["distance_km"]) for k in child.keyframes] == \
        list(PATH)
    assert child.keyframes[-1].view["follow"] == ObjectKey(FOLLOWED, 0)
    assert (again.scene.output.fps, again.scene.output.size) == (1, (320, 180)) == (child.fps, child.size)
