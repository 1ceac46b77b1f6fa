"""The Conjunctions panel (tier 3): Screen... a real set in the window's worker, sort the table,
choose a row, and the view shows the pair at its encounter; the scenario keeps what was screened
and the highlighted encounter. Encounters are checked against an independent brute force."""

from __future__ import annotations

import numpy as np
import pytest
from brute_force_conjunctions import brute_force_minima
from qt_windows import grab

from orbitview.core.model.camera import project_to_pixels
from orbitview.core.model.screening import Highlight, encounter_place_gcrs_km
from orbitview.core.orbits.classify import ObjectClass
from orbitview.io.catalog_files import load_catalogs
from orbitview.io.writers import write_catalog
from orbitview.io.scenario_file import parse_scenario, scenario_from_scene, scenario_to_toml
from orbitview.services.scenario import build_scene

pytestmark = pytest.mark.qt

SPAN_S, THRESHOLD_KM = 3 * 3600.0, 10.0
MISS_LINE = np.array([255, 51, 255])
OBJECT_COLOR = np.array([0, 255, 0])
MARKER = np.array([51, 255, 255])


@pytest.fixture(scope="module")
def screened_file(full_catalog_path, tmp_path_factory):
    """600 Fengyun-1C fragments and 200 payloads at their heights (test_conjunctions' set), as a
    3LE file; its start time (the epochs' median) and the brute-force minima over 3 h at 10 km."""
    full = load_catalogs([full_catalog_path]).catalog
    fengyun = np.flatnonzero(full.name == "FENGYUN 1C DEB")[:600]
    payloads = np.flatnonzero((full.object_class == ObjectClass.PAYLOAD)
                              & (full.mean_motion_rev_per_day > 13.8) & (full.mean_motion_rev_per_day < 14.4))[:200]
    path = tmp_path_factory.mktemp("conjunctions") / "fengyun-and-payloads.3le"
    write_catalog(full.take(np.r_[fengyun, payloads]), path, "3le")
    catalog = load_catalogs([path]).catalog
    start_s = float(np.median(catalog.epoch_s))
    minima = [(int(catalog.norad_id[i]), int(catalog.norad_id[j]), tca, miss)
              for i, j, tca, miss in brute_force_minima(list(catalog.satrecs), start_s, SPAN_S, THRESHOLD_KM)]
    return path, start_s, minima


@pytest.fixture
def window_time_s(screened_file) -> float:
    return screened_file[1]


def near(image: np.ndarray, xy: np.ndarray, radius_px: int) -> np.ndarray:
    x, y = (int(round(v)) for v in xy)
    return image[max(0, y - radius_px): y + radius_px + 1, max(0, x - radius_px): x + radius_px + 1]


def test_screen_sort_choose_and_the_view_shows_the_pair_at_its_encounter(make_window, qtbot, screened_file,
                                                                         artefacts):
    path, start_s, minima = screened_file
    window = make_window()
    scene, panel = window.scene, window.conjunctions_panel
    layer = window.open_file(str(path))
    layer.color_by, layer.color = "source", (*OBJECT_COLOR / 255, 1.0)
    scene.clock.time_s = start_s
    panel.run((), SPAN_S, THRESHOLD_KM)
    assert panel.progress is not None
    qtbot.waitUntil(lambda: len(scene.conjunctions.encounters) > 0, timeout=90_000)
    assert panel.progress is None

    # Every brute-force minimum is a row (same pair, TCA within 10 ms, miss within 1 m), and no other.
    found = list(scene.conjunctions.encounters)
    assert len(minima) >= 20 and len(found) == len(minima) == panel.table.rowCount()
    for a, b, tca_s, miss_km in minima:
        match = [e for e in found if {e.a, e.b} == {a, b} and abs(e.tca_s - tca_s) < 0.010]
        assert len(match) == 1 and abs(match[0].miss_km - miss_km) < 1e-3, (a, b, tca_s)

    # Sorted by miss distance (a click on its header), the closest first.
    header = panel.table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), qtbot_left(), pos=header_center(header, 2))
    misses = [float(panel.table.item(row, 2).text()) for row in range(panel.table.rowCount())]
    assert misses == sorted(misses) or misses == sorted(misses, reverse=True)
    if misses != sorted(misses):
        qtbot.mouseClick(header.viewport(), qtbot_left(), pos=header_center(header, 2))
    closest = min(found, key=lambda e: e.miss_km)
    assert float(panel.table.item(0, 2).text()) == pytest.approx(closest.miss_km, abs=5e-4)

    # Choose the first row with a click.
    rect = panel.table.visualItemRect(panel.table.item(0, 1))
    qtbot.mouseClick(panel.table.viewport(), qtbot_left(), pos=rect.center())
    assert abs(scene.clock.time_s - closest.tca_s) < 1e-3
    assert scene.conjunctions.highlighted == (Highlight.of(closest),)
    refs = [next(r for r in scene.find(n) if r.layer is layer) for n in (closest.a, closest.b)]
    assert scene.selected == refs[0] and set(refs) <= set(scene.pinned)
    # The range dock plots the pair around the TCA: its exact minima hold the encounter.
    ranges = window.range_dock
    assert ranges.isVisible() and (ranges.a, ranges.b) == tuple(refs)
    qtbot.waitUntil(lambda: ranges.data is not None, timeout=30_000)
    assert any(abs(t - closest.tca_s) < 0.010 and abs(m - closest.miss_km) < 1e-3 for t, m in ranges.data.minima)

    image = settled_grab(window, qtbot)

    # The camera frames the pair: centred between them, both in the image and apart.
    height, width = image.shape[:2]
    positions = np.array([scene.position_gcrs_km(r) for r in refs])
    assert np.linalg.norm(positions[1] - positions[0]) == pytest.approx(closest.miss_km, abs=0.05)
    view = window.view.view_from_gcrs()
    assert np.allclose(scene.camera.center_km, view @ positions.mean(axis=0), atol=1e-6)
    xy, in_front = project_to_pixels(positions, scene.camera, (width, height), view)
    assert in_front.all() and np.all((xy > 10) & (xy < [width - 10, height - 10]))
    assert np.linalg.norm(xy[1] - xy[0]) > 20
    from PIL import Image

    Image.fromarray(image).save(artefacts / "conjunction_chosen.png")

    # Both objects' pixels (the layer's own colour) where their projections say.
    objects = np.all(np.abs(image.astype(int) - OBJECT_COLOR) < 60, axis=2)
    for point in xy:
        assert near(objects, point, 3).any(), point
    assert not objects[np.hypot(*np.indices(objects.shape)[::-1] - xy[0][:, None, None]) > 12].all()
    # The miss line between them: its colour along the middle of the segment.
    for s in np.linspace(0.3, 0.7, 5):
        patch = near(image, xy[0] + s * (xy[1] - xy[0]), 2).reshape(-1, 3).astype(int)
        assert np.any(np.abs(patch - MISS_LINE).max(axis=1) < 60), s

    # Markers at every encounter found, as the model says (the check box sets it).
    def marker_pixels(image):
        return np.all(np.abs(image.astype(int) - MARKER) < 60, axis=2)

    assert not marker_pixels(image).any()
    panel.markers.click()
    assert scene.conjunctions.show_markers
    marked = settled_grab(window, qtbot)
    Image.fromarray(marked).save(artefacts / "conjunction_markers.png")
    place_xy, _ = project_to_pixels(encounter_place_gcrs_km(closest)[None], scene.camera, marked.shape[1::-1], view)
    assert near(marker_pixels(marked), place_xy[0], 6).any()

    # The scenario keeps what was screened and the highlighted encounter.
    text = scenario_to_toml(scenario_from_scene(scene))
    again, _ = build_scene(parse_scenario(text, "saved.toml"))
    # Times to the microsecond, as the file writes them.
    saved, kept = scene.conjunctions, again.conjunctions
    assert (kept.primaries, kept.span_s, kept.threshold_km, kept.show_markers) == (
        (), SPAN_S, THRESHOLD_KM, saved.show_markers)
    assert kept.start_s == pytest.approx(start_s, abs=1e-6)
    (highlight,) = kept.highlighted
    assert (highlight.a, highlight.b, highlight.miss_km) == (closest.a, closest.b, closest.miss_km)
    assert highlight.tca_s == pytest.approx(closest.tca_s, abs=1e-6)
    assert "[conjunctions]" in text

    # Another pair chosen: its pins replace the first pair's.
    other = next(e for e in found if not {e.a, e.b} & {closest.a, closest.b})
    panel.choose(other)
    assert {r.norad_id for r in scene.pinned} == {other.a, other.b}
    assert abs(scene.clock.time_s - other.tca_s) < 1e-3


def test_cancel_drops_the_screening(make_window, qtbot, screened_file):
    path, start_s, _ = screened_file
    window = make_window()
    window.open_file(str(path))
    window.scene.clock.time_s = start_s
    panel = window.conjunctions_panel
    panel.run((), 7 * 86400.0, THRESHOLD_KM)
    from PyQt6.QtWidgets import QPushButton

    qtbot.mouseClick(panel.progress.findChild(QPushButton), qtbot_left())
    assert panel.progress is None
    qtbot.waitUntil(lambda: window.loader.pending() == 0, timeout=60_000)
    qtbot.wait(200)
    assert window.scene.conjunctions.encounters == ()
    assert panel.table.rowCount() == 0


def settled_grab(window, qtbot):
    """The view once the window's layout has stopped changing its size."""
    size = None
    while size != tuple(window.canvas.size):
        size = tuple(window.canvas.size)
        qtbot.wait(300)
    return grab(window)


def qtbot_left():
    from PyQt6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def header_center(header, section: int):
    from PyQt6.QtCore import QPoint

    return QPoint(header.sectionViewportPosition(section) + header.sectionSize(section) // 2, header.height() // 2)


def test_the_selection_against_all_from_the_menu(make_window, qtbot, screened_file):
    from PyQt6.QtCore import QTimer
    from PyQt6.QtGui import QAction
    from PyQt6.QtWidgets import QApplication

    from orbitview.ui.conjunctions_panel import ScreenDialog

    path, start_s, minima = screened_file
    window = make_window()
    scene = window.scene
    layer = window.open_file(str(path))
    scene.clock.time_s = start_s
    # The object in the most brute-force encounters.
    numbers = [n for a, b, _, _ in minima for n in (a, b)]
    primary = max(set(numbers), key=numbers.count)
    scene.selected = next(r for r in scene.find(primary) if r.layer is layer)

    def fill_in():
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ScreenDialog) and w.isVisible())
        dialog.what.setCurrentIndex(1)
        dialog.span_h.setValue(SPAN_S / 3600)
        dialog.threshold_km.setValue(THRESHOLD_KM)
        dialog.accept()

    QTimer.singleShot(300, fill_in)
    window.menuBar().findChild(QAction, "conjunctions-screen").trigger()
    qtbot.waitUntil(lambda: len(scene.conjunctions.encounters) > 0, timeout=90_000)
    assert scene.conjunctions.primaries == (primary,)
    expected = sorted((tca, {a, b}) for a, b, tca, _ in minima if primary in (a, b))
    found = sorted((e.tca_s, {e.a, e.b}) for e in scene.conjunctions.encounters)
    assert len(found) == len(expected) >= 2
    for (tca, pair), (expected_tca, expected_pair) in zip(found, expected):
        assert pair == expected_pair and abs(tca - expected_tca) < 0.010
    assert all(e.a == primary for e in scene.conjunctions.encounters)
