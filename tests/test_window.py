"""The real PyQt6 window with its vispy canvas, under Xvfb (tier 3)."""

import subprocess
import sys

import numpy as np
import pytest
from qt_windows import grab

from orbitview.core.orbits.times import parse_utc

pytestmark = pytest.mark.qt

T = parse_utc("2023-10-09T12:00:00Z")


def test_opening_a_file_adds_a_layer_and_draws_its_objects(make_window, catalogs, qtbot):
    window = make_window()
    before = grab(window)
    layer = window.open_file(str(catalogs / "debris_2025-02-15_tle" / "fengyun-1c-debris.txt"))
    assert layer is not None and len(layer) == 1918
    assert window.count_label.text() == "1,918 / 1,918 objects"
    qtbot.waitUntil(window.view.settled, timeout=20000)
    after = grab(window)
    red = lambda img: ((img[..., 0] > 180) & (img[..., 1] < 110)).sum()  # noqa: E731 - debris colour
    assert red(after) > red(before) + 300


def test_a_missing_file_gives_a_dialog_not_a_crash(make_window, qtbot, monkeypatch, tmp_path):
    from PyQt6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *args: shown.append(args[2]))
    window = make_window()
    assert window.open_file(str(tmp_path / "nope.tle")) is None
    assert shown and "no such file" in shown[0]
    assert window.scene.layers == ()


def test_play_moves_the_clock_and_pause_stops_it(make_window, qtbot):
    window = make_window()
    window.time_bar.speed.setCurrentIndex(window.time_bar.speed.findData(1000.0))
    window.time_bar.play.click()
    assert window.scene.clock.playing
    qtbot.waitUntil(lambda: window.scene.clock.time_s > T + 50, timeout=20000)
    window.time_bar.play.click()
    stopped = window.scene.clock.time_s
    qtbot.wait(100)
    assert window.scene.clock.time_s == stopped
    assert window.time_bar.time_field.text() != "2023-10-09T12:00:00Z"


def test_the_slider_scrubs_over_the_span(make_window):
    window = make_window()
    clock = window.scene.clock
    window.time_bar.slider.setValue(window.time_bar.slider.maximum())
    assert clock.time_s == pytest.approx(clock.span_end_s)
    assert window.utc_label.text().startswith("2023-10-10T00:00:00Z")


def test_screenshot_command_saves_the_whole_window(catalogs, tmp_path):
    out = tmp_path / "w.png"
    result = subprocess.run(
        [sys.executable, "-m", "orbitview", str(catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt"),
         "--time", "2025-02-15T00:00:00Z", "--screenshot", str(out)],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    from PIL import Image

    image = np.asarray(Image.open(out).convert("RGB"))
    # The whole window: Qt's light menu bar across the top, the dark 3D view in the middle.
    assert image.shape[0] >= 600 and image.shape[1] >= 1000
    assert image[:8].mean() > 150
    # The dark 3D view across the middle, between the layer list and the object panel.
    middle = image[image.shape[0] // 2, image.shape[1] * 2 // 5: image.shape[1] * 3 // 5]
    assert middle.mean() < 120
