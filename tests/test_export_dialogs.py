"""The window's exports: a child ``orbitview render`` with progress, a result at the chosen
path, and nothing there after Cancel. A plain QMainWindow stands in for the main window: the
export needs only its scene and status bar."""

from pathlib import Path

import pytest
from PIL import Image
from PyQt6.QtWidgets import QMainWindow, QPushButton

from orbitview.core.orbits.times import format_utc
from orbitview.io.scenario_file import read_scenario, scenario_from_scene
from orbitview.services.scenario import build_scene
from orbitview.ui import export_dialogs

pytestmark = pytest.mark.qt

EXAMPLE = Path(__file__).resolve().parents[1] / "datasets" / "scenarios" / "example.toml"


@pytest.fixture
def window(qtbot):
    scenario = read_scenario(EXAMPLE)
    scene, _ = build_scene(scenario)
    win = QMainWindow()
    win.scene = scene
    qtbot.addWidget(win)
    return win


def test_export_image_of_the_current_view(window, qtbot, tmp_path):
    window.scene.clock.time_s = window.scene.clock.span_start_s + 3600
    out = tmp_path / "view.png"
    scenario = scenario_from_scene(window.scene)
    export_dialogs._start(window, scenario, "320x180", str(out), ["--time", format_utc(window.scene.clock.time_s)], "image")
    (job,) = export_dialogs._running  # kept alive by the module, as when a menu action drops it
    qtbot.waitUntil(lambda: not export_dialogs._running, timeout=120_000)
    assert out.is_file(), job.errors
    image = Image.open(out)
    assert image.size == (320, 180)
    assert image.text["orbitview:time_utc"] == format_utc(window.scene.clock.time_s)
    assert not job.scenario_path.exists()


def test_cancelled_video_export_leaves_no_file(window, qtbot, tmp_path):
    out = tmp_path / "video.mp4"
    clock = window.scene.clock
    keys = export_dialogs.video_keyframes(window.scene, clock.span_start_s, clock.span_end_s)
    scenario = scenario_from_scene(window.scene, keyframes=keys)
    # 721 frames: Cancel after the third comes long before the last.
    job = export_dialogs._start(window, scenario, "320x180", str(out), ["--fps", "120"], "video")
    qtbot.waitUntil(lambda: job.dialog.value() >= 3, timeout=120_000)
    job.dialog.findChild(QPushButton).click()  # the dialog's Cancel button
    qtbot.waitUntil(lambda: job.process.state() == job.process.ProcessState.NotRunning, timeout=60_000)
    assert job.cancelled
    assert list(tmp_path.iterdir()) == []
    assert "nothing written" in window.statusBar().currentMessage()


def test_saved_scenario_opens_with_the_same_sources_span_and_camera(window, tmp_path):
    from orbitview.io.scenario_file import write_scenario

    path = tmp_path / "saved.toml"
    write_scenario(scenario_from_scene(window.scene), path)
    other = QMainWindow()
    other.scene = build_scene(read_scenario(EXAMPLE))[0]
    other.scene.layers = ()
    scenario = export_dialogs.open_scenario_dialog(other, str(path))
    assert scenario is not None and scenario.sources[0].origin.event == "fengyun-1c-2007"
    assert [layer.name for layer in other.scene.layers] == [layer.name for layer in window.scene.layers]
    assert other.scene.clock.span_start_s == window.scene.clock.span_start_s
    # The example's two keyframes, not the view of the moment.
    assert other.scene.camera_path == window.scene.camera_path and len(other.scene.camera_path) == 2
    # A scene with no camera path saves the current view.
    window.scene.camera_path = ()
    window.scene.camera.distance_km = 33333.0
    write_scenario(scenario_from_scene(window.scene), path)
    export_dialogs.open_scenario_dialog(other, str(path))
    assert other.scene.camera.distance_km == pytest.approx(33333.0)
    assert [k.ease for k in other.scene.camera_path] == ["cut"]
    other.close()


def test_export_dialog_offers_the_clock_span_and_the_output_fields(window):
    window.scene.output.fps = 12
    dialog = export_dialogs.ExportDialog(window, video=True)
    assert dialog.start.dateTime().toMSecsSinceEpoch() / 1000 == window.scene.clock.span_start_s
    # The scene's output fields: the example's size, the fps just set.
    assert dialog.fps.value() == 12 and dialog.size_box.currentText() == "1280x720"
    dialog.close()


def test_a_layer_that_cannot_be_written_is_named_before_a_save_or_export(window, qtbot):
    from PyQt6.QtCore import QTimer
    from PyQt6.QtWidgets import QApplication, QMessageBox

    from orbitview.core.model.scene import Layer

    assert export_dialogs.left_out_agreed(window, "Export image")  # every layer has an origin: no dialog
    window.scene.add_layer(Layer("made in memory", window.scene.layers[1].catalog))
    said = []

    def answer(button):
        box = QApplication.activeModalWidget()
        said.append(box.text())
        box.button(button).click()

    QTimer.singleShot(300, lambda: answer(QMessageBox.StandardButton.Cancel))
    assert not export_dialogs.left_out_agreed(window, "Export image")
    QTimer.singleShot(300, lambda: answer(QMessageBox.StandardButton.Ok))
    assert export_dialogs.left_out_agreed(window, "Save scenario")
    assert len(said) == 2 and all("made in memory" in text for text in said)
    # What goes ahead leaves it out, and only it.
    scenario = scenario_from_scene(window.scene)
    assert [getattr(source.origin, "part", source.kind) for source in scenario.sources] == [
        "parent", "fragments", "interceptor"]


def test_a_video_of_part_of_the_span_keeps_the_chapters_in_it(window):
    """The example's chapters start at 22:21, 22:26, 00:08 and 12:00: a video from 23:21 to
    01:21 shows the intercept's caption from its first frame, then the first orbit's."""
    from orbitview.io.scenario_file import parse_scenario, scenario_to_toml

    scene = window.scene
    start_s, end_s = scene.clock.span_start_s + 3600, scene.clock.span_start_s + 3 * 3600
    keys = export_dialogs.video_keyframes(scene, start_s, end_s)
    scenario = export_dialogs.video_scenario(scenario_from_scene(window.scene, keyframes=keys), start_s, end_s,
                                             600.0)
    child = parse_scenario(scenario_to_toml(scenario))  # what the child reads: no chapter outside its span
    assert [(c.time_s, c.title) for c in child.chapters] == [(start_s, "The intercept"),
                                                             (scene.chapters[2].time_s, "The first orbit")]
    assert (child.start_s, child.end_s, child.speed) == (start_s, end_s, 600.0)

