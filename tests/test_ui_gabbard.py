"""The Gabbard dock: what it plots, when it redraws, and its PNG export (tier 3)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from orbitview.core import gabbard
from orbitview.core.breakup_scene import show_breakup
from orbitview.core.propagate import propagate
from orbitview.core.scene import Layer
from orbitview.core.times import format_utc, parse_utc

pytestmark = pytest.mark.qt

T = parse_utc("2025-02-15T06:00:00Z")


@pytest.fixture
def window_time_s() -> float:
    return T


def shown_dock(window, qtbot):
    toggle = next(a for a in window.menuBar().actions() if a.text() == "&View").menu().actions()
    toggle = next(a for a in toggle if a.text() == "Gabbard diagram")
    assert not window.gabbard_dock.isVisible() and not toggle.isChecked()
    toggle.trigger()
    qtbot.waitUntil(lambda: bool(window.gabbard_dock.panels), timeout=5000)
    return window.gabbard_dock


def test_dock_is_hidden_until_view_menu_shows_it(make_window, qtbot, fy1c_tracked_2025):
    window = make_window()
    window.scene.add_layer(Layer("fengyun-1c-debris", fy1c_tracked_2025))
    dock = shown_dock(window, qtbot)
    assert dock.isVisible()
    assert dock.image_label.pixmap().width() > 0


def test_points_are_the_osculating_values_of_sgp4_states(make_window, qtbot, fy1c_tracked_2025, tmp_path, artefacts):
    window = make_window()
    layer = window.scene.add_layer(Layer("fengyun-1c-debris", fy1c_tracked_2025))
    dock = shown_dock(window, qtbot)
    window.resize(1600, 950)
    qtbot.wait(200)
    window.grab().save(str(artefacts / "ui_gabbard_dock.png"))

    def expected(t_s):
        states = propagate(fy1c_tracked_2025, np.array([t_s]), "GCRS")
        ok = (states.error[0] == 0) & layer.keyframes.at(t_s).valid
        return gabbard.from_states(states.position_km[0][ok], states.velocity_km_s[0][ok])

    def check(t_s):
        (panel,) = dock.panels
        want = expected(t_s)
        assert len(panel.gabbard) == len(want) > 1800
        for name in ("period_min", "apogee_km", "perigee_km"):
            # GCRS float32 reference states against the dock's TEME float64 ones: metres.
            assert np.allclose(getattr(panel.gabbard, name), getattr(want, name), atol=0.02, rtol=0)

    check(T)
    window.scene.clock.time_s = T + 3 * 3600.0
    qtbot.waitUntil(lambda: "09:00" in dock.panels[0].title, timeout=5000)
    check(T + 3 * 3600.0)

    path = tmp_path / "gabbard.png"
    dock.export(str(path))
    assert Image.open(path).size == (720, 900)


def test_a_second_layer_is_drawn_beside_and_exported(make_window, qtbot, fy1c_tracked_2025, fy1c_model, tmp_path, artefacts):
    window = make_window()
    show_breakup(window.scene, fy1c_model)
    window.scene.add_layer(Layer("fengyun-1c-debris (tracked)", fy1c_tracked_2025))
    dock = shown_dock(window, qtbot)
    assert dock.layer_box.currentText() == "Fengyun 1C fragments (model)"  # the largest layer
    dock.layer_box.setCurrentText("Fengyun 1C fragments (model)")
    dock.compare_box.setCurrentText("fengyun-1c-debris (tracked)")
    dock.source_box.setCurrentIndex(1)  # element sets: the tracked cloud is 18 years later
    qtbot.waitUntil(lambda: len(dock.panels) == 2, timeout=5000)
    assert len(dock.panels[0].gabbard) == len(fy1c_model.element_sets.catalog)
    assert np.array_equal(dock.panels[1].gabbard.period_min, gabbard.from_catalog(fy1c_tracked_2025).period_min)
    window.resize(1800, 950)
    qtbot.wait(200)
    window.grab().save(str(artefacts / "ui_gabbard_compare.png"))
    path = tmp_path / "compare.png"
    dock.export(str(path))
    assert Image.open(path).size == (2 * 720, 900)
    path.replace(artefacts / "ui_gabbard_compare_export.png")


def test_the_modelled_fengyun_cloud_makes_an_x(make_window, qtbot, fy1c_model):
    window = make_window()
    show_breakup(window.scene, fy1c_model)
    window.scene.clock.time_s = fy1c_model.event.time_s + 86400.0
    dock = shown_dock(window, qtbot)
    (panel,) = dock.panels
    assert panel.title.startswith("Fengyun 1C fragments (model)")
    g = panel.gabbard.finite()
    parent = gabbard.from_catalog(fy1c_model.parents)
    period, apogee, perigee = parent.period_min[0], parent.apogee_km[0], parent.perigee_km[0]
    # Thrown forward: longer period, apogee raised; thrown back: shorter, perigee lowered.
    assert ((g.period_min > period + 1.0) & (g.apogee_km > apogee + 50.0)).sum() > 100
    assert ((g.period_min < period - 1.0) & (g.perigee_km < perigee - 50.0)).sum() > 100


def test_updates_are_throttled_while_playing(make_window, qtbot, fy1c_tracked_2025, monkeypatch):
    from orbitview.ui import gabbard_panel

    window = make_window()
    window.scene.add_layer(Layer("fengyun-1c-debris", fy1c_tracked_2025))
    dock = shown_dock(window, qtbot)
    drawn = []
    real_image = gabbard_panel.gabbard_image
    monkeypatch.setattr(gabbard_panel, "gabbard_image",
                        lambda panels, **k: drawn.append(panels[0].title) or real_image(panels, **k))
    qtbot.waitUntil(lambda: not dock.timer.isActive(), timeout=5000)
    window.scene.clock.playing = True
    # Forty ticks while a redraw is pending: one redraw, PLAYING_INTERVAL_MS after the first.
    for step in range(40):
        window.scene.clock.time_s = T + 10.0 * step
    assert drawn == []
    assert dock.timer.isActive() and dock.timer.interval() == gabbard_panel.PLAYING_INTERVAL_MS
    qtbot.waitUntil(lambda: bool(drawn), timeout=5000)
    window.scene.clock.playing = False
    # The one redraw shows the last of the forty ticks (later redraws, if a loaded machine let
    # the window's own playing ticks schedule more, come from later times). Titles are UTC to
    # the minute, so they sort as times do.
    assert drawn[0].rsplit(", ", 1)[1] >= format_utc(T + 360.0, seconds=False)
    # Paused, a tick (a scrub) redraws at once.
    qtbot.waitUntil(lambda: not dock.timer.isActive(), timeout=5000)
    window.scene.clock.time_s = T
    assert dock.timer.isActive() and dock.timer.interval() == 0


def test_nothing_is_computed_while_hidden(make_window, qtbot, fy1c_tracked_2025, monkeypatch):
    from orbitview.ui import gabbard_panel

    window = make_window()
    window.scene.add_layer(Layer("fengyun-1c-debris", fy1c_tracked_2025))
    calls = []
    monkeypatch.setattr(gabbard_panel.gabbard, "at_time", lambda *a: calls.append(a))
    window.scene.clock.time_s = T + 60.0
    qtbot.wait(100)
    assert calls == [] and window.gabbard_dock.panels == []
