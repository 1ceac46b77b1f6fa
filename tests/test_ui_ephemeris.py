"""The window driven across the end of the Sun's ephemeris (JPL DE421, 2053-10-09): the time
bar keeps playing, the clock says the Sun is not known, the info panel says illumination is
unknown, and the Earth is drawn lit all round (tier 3, Xvfb)."""

from __future__ import annotations

import numpy as np
import pytest
from qt_windows import grab

from orbitview.core.model.clock import Clock
from orbitview.core.model.scene import Layer, Scene
from orbitview.core.orbits.times import parse_utc
from orbitview.io.catalog_files import load_catalog

pytestmark = pytest.mark.qt

INSIDE = parse_utc("2053-10-08T12:00:00Z")
BEYOND = parse_utc("2054-03-01T12:00:00Z")


def test_the_window_plays_past_the_ephemeris(make_window, full_catalog_path, qtbot):
    catalog = load_catalog(full_catalog_path).catalog
    scene = Scene(clock=Clock(time_s=INSIDE, span_start_s=INSIDE - 86400.0, span_end_s=BEYOND + 86400.0))
    scene.add_layer(Layer("full", catalog))
    window = make_window(scene)
    (scene.selected,) = scene.find(5)  # Vanguard 1
    light = window.info_panel.values["light"]
    qtbot.waitUntil(lambda: light.text() in ("sunlit", "in Earth's shadow"), timeout=20000)
    dark_before = _night_fraction(_redraw(window, qtbot))

    window.time_bar.jump_to(BEYOND)
    qtbot.waitUntil(lambda: "unknown" in light.text(), timeout=20000)
    assert window.view.overlay._clock_text.endswith("no Sun shading (beyond JPL DE421)")
    assert window.utc_label.text() == "2054-03-01T12:00:00Z UTC"
    dark_after = _night_fraction(_redraw(window, qtbot))
    # Inside DE421 part of the disc is night; beyond it none of it is.
    assert dark_before > 0.05 and dark_after < dark_before / 10, (dark_before, dark_after)


def _redraw(window, qtbot) -> np.ndarray:
    drawn = window.frames_drawn
    window.canvas.update()
    qtbot.waitUntil(lambda: window.frames_drawn > drawn, timeout=20000)
    return grab(window)


def _night_fraction(image: np.ndarray) -> float:
    """Of the Earth's disc (the middle quarter of the view), the share of near-black pixels."""
    h, w = image.shape[:2]
    middle = image[3 * h // 8: 5 * h // 8, 3 * w // 8: 5 * w // 8].max(axis=2)
    return float((middle < 12).mean())


def test_the_time_bar_stops_at_the_last_time_a_clock_can_show(make_window, qtbot):
    from orbitview.core.orbits.times import LAST_TIME_S

    window = make_window()
    window.time_bar.time_field.setText("9999-12-31T23:58:30Z")
    window.time_bar._on_time_field()
    assert window.scene.clock.span_end_s == LAST_TIME_S
    for _ in range(2):
        window.time_bar.step_forward()  # 60 s each: the second would pass the year 9999
    qtbot.waitUntil(lambda: window.utc_label.text() == "9999-12-31T23:59:59Z UTC", timeout=20000)
    drawn = window.frames_drawn
    window.canvas.update()
    qtbot.waitUntil(lambda: window.frames_drawn > drawn, timeout=20000)
