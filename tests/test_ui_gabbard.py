"""The plot docks (Gabbard, altitude histogram, conjunction range): what they plot, when they
redraw, and their PNG, SVG and PDF exports (tier 3)."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from orbitview.core.breakup.breakup_scene import show_breakup
from orbitview.core.model.scene import Layer
from orbitview.core.orbits import gabbard
from orbitview.core.orbits.propagate import propagate
from orbitview.core.orbits.times import format_utc, parse_utc
from orbitview.render.export.plots import APOGEE_RGB, PERIGEE_RGB
from orbitview.ui.gabbard_panel import ELEMENTS
from orbitview.ui.plot_dock import PLAYING_INTERVAL_MS

pytestmark = pytest.mark.qt

T = parse_utc("2025-02-15T06:00:00Z")


@pytest.fixture
def window_time_s() -> float:
    return T


def shown_dock(window, qtbot, text="Gabbard diagram", dock=None):
    dock = dock or window.gabbard_dock
    toggle = next(a for a in window.menuBar().actions() if a.text() == "&View").menu().actions()
    toggle = next(a for a in toggle if a.text() == text)
    assert not dock.isVisible() and not toggle.isChecked()
    toggle.trigger()
    qtbot.waitUntil(lambda: dock.data is not None, timeout=20000)
    return dock


def test_dock_is_hidden_until_view_menu_shows_it(make_window, qtbot, fy1c_tracked_2025):
    window = make_window()
    window.scene.add_layer(Layer("fengyun-1c-debris", fy1c_tracked_2025))
    dock = shown_dock(window, qtbot)
    assert dock.isVisible()
    # The canvas shows the drawing: apogee red and perigee blue in its pixels.
    qtbot.waitUntil(lambda: _has_colours(dock.canvas.grab().toImage()), timeout=20000)


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
    qtbot.waitUntil(lambda: "09:00" in dock.panels[0].title, timeout=20000)
    check(T + 3 * 3600.0)

    path = tmp_path / "gabbard.png"
    dock.export(str(path))
    assert Image.open(path).size == (1920, 1080)


def test_a_second_layer_is_drawn_beside_and_exported(make_window, qtbot, fy1c_tracked_2025, fy1c_model, tmp_path, artefacts):
    window = make_window()
    show_breakup(window.scene, fy1c_model)
    window.scene.add_layer(Layer("fengyun-1c-debris (tracked)", fy1c_tracked_2025))
    dock = shown_dock(window, qtbot)
    assert dock.layer_box.currentText() == "Fengyun 1C fragments (model)"  # the largest layer
    dock.layer_box.setCurrentText("Fengyun 1C fragments (model)")
    dock.compare_box.setCurrentText("fengyun-1c-debris (tracked)")
    dock.source_box.setCurrentIndex(1)  # element sets: the tracked cloud is 18 years later
    qtbot.waitUntil(lambda: len(dock.panels) == 2, timeout=20000)
    assert len(dock.panels[0].gabbard) == len(fy1c_model.element_sets.catalog)
    assert np.array_equal(dock.panels[1].gabbard.period_min, gabbard.from_catalog(fy1c_tracked_2025).period_min)
    window.resize(1800, 950)
    qtbot.wait(200)
    window.grab().save(str(artefacts / "ui_gabbard_compare.png"))
    path = tmp_path / "compare.svg"
    dock.export(str(path))
    texts = [e.text or "" for e in ET.parse(path).getroot().iter("{http://www.w3.org/2000/svg}text")]
    assert sum(t.startswith(("Fengyun 1C fragments (model), element sets", "fengyun-1c-debris (tracked), element sets"))
               for t in texts) == 2


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
    real_draw = gabbard_panel.draw_gabbard
    monkeypatch.setattr(gabbard_panel, "draw_gabbard",
                        lambda figure, panels: drawn.append(panels[0].title) or real_draw(figure, panels))
    qtbot.waitUntil(lambda: not dock.timer.isActive(), timeout=20000)
    window.scene.clock.playing = True
    # Forty ticks while a redraw is pending: one redraw, PLAYING_INTERVAL_MS after the first.
    for step in range(40):
        window.scene.clock.time_s = T + 10.0 * step
    assert drawn == []
    assert dock.timer.isActive() and dock.timer.interval() == PLAYING_INTERVAL_MS
    qtbot.waitUntil(lambda: bool(drawn), timeout=20000)
    window.scene.clock.playing = False
    # The one redraw shows the last of the forty ticks (later redraws, if a loaded machine let
    # the window's own playing ticks schedule more, come from later times). Titles are UTC to
    # the minute, so they sort as times do.
    assert drawn[0].rsplit(", ", 1)[1] >= format_utc(T + 360.0, seconds=False)
    # Paused, a tick (a scrub) redraws at once.
    qtbot.waitUntil(lambda: not dock.timer.isActive(), timeout=20000)
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
    assert calls == [] and window.gabbard_dock.panels == [] and window.altitude_dock.data is None


def _has_colours(qimage) -> bool:
    """Whether a QImage holds many apogee-red and perigee-blue pixels."""
    image = qimage.convertToFormat(qimage.Format.Format_RGB888)
    data = np.frombuffer(image.constBits().asstring(image.sizeInBytes()), np.uint8)
    pixels = data.reshape(image.height(), image.bytesPerLine())[:, :3 * image.width()].reshape(
        image.height(), image.width(), 3).astype(int)
    return all((np.abs(pixels - rgb).sum(axis=-1) < 40).sum() > 100 for rgb in (APOGEE_RGB, PERIGEE_RGB))


def test_altitude_dock_counts_the_layer_and_exports_pdf(make_window, qtbot, fy1c_tracked_2025, tmp_path):
    window = make_window()
    window.scene.add_layer(Layer("fengyun-1c-debris", fy1c_tracked_2025))
    dock = shown_dock(window, qtbot, "Altitude histogram", window.altitude_dock)
    dock.source_box.setCurrentText(ELEMENTS)
    qtbot.waitUntil(lambda: dock.data[0].title.endswith("element sets"), timeout=20000)
    (ax,) = dock.figure.axes
    apogee_steps = next(p for p in ax.patches if p.get_gid() == "apogee-hist-0")
    want = gabbard.altitude_histogram(gabbard.from_catalog(fy1c_tracked_2025), 50.0, ax.get_xlim()[1])[1]
    np.testing.assert_array_equal(apogee_steps.get_data().values, want)
    path = tmp_path / "altitudes.pdf"
    dock.export(str(path))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Objects per 50 km" in text and "1,918 objects" in text


def test_range_dock_plots_the_chosen_pair_around_the_clock(make_window, qtbot, fy1c_tracked_2025, tmp_path):
    from orbitview.core.conjunctions.pair_range import pair_range
    from orbitview.core.model.object_ref import ObjectRef

    window = make_window()
    layer = window.scene.add_layer(Layer("fengyun-1c-debris", fy1c_tracked_2025))
    rows = [int(np.flatnonzero(fy1c_tracked_2025.norad_id == n)[0]) for n in (25730, 29733)]
    toggle = next(a for a in window.menuBar().actions() if a.text() == "&View").menu().actions()
    next(a for a in toggle if a.text() == "Conjunction range").trigger()
    dock = window.range_dock
    qtbot.waitUntil(dock.isVisible, timeout=20000)
    assert dock.data is None  # nothing chosen yet
    for row, button in zip(rows, ("A = selected", "B = selected")):
        window.scene.selected = ObjectRef(layer, row)
        next(b for b in dock.findChildren(type(dock.export_button)) if b.text() == button).click()
    qtbot.waitUntil(lambda: dock.data is not None, timeout=20000)
    assert "25730" in dock.a_label.text() and "29733" in dock.b_label.text()
    want = pair_range(fy1c_tracked_2025.satrecs[rows[0]], fy1c_tracked_2025.satrecs[rows[1]],
                      T - 3 * 3600.0, T + 3 * 3600.0)
    np.testing.assert_array_equal(dock.data.times_s, want.times_s)
    np.testing.assert_allclose(dock.data.range_km, want.range_km, rtol=0, atol=1e-9)
    # The clock moves the span with it.
    window.scene.clock.time_s = T + 3600.0
    qtbot.waitUntil(lambda: dock.data.times_s[0] == T - 2 * 3600.0, timeout=20000)
    path = tmp_path / "range.svg"
    dock.export(str(path))
    root = ET.parse(path).getroot()
    texts = [e.text or "" for e in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Range (km)" in texts and any("FENGYUN 1C (25730)" in t for t in texts)
    # Removing the layer forgets the pair.
    window.scene.remove_layer(layer)
    assert dock.a is None and dock.b is None
