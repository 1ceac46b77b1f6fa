"""The briefing window driven as an analyst would (tier 3, Xvfb): open, search and select,
play and scrub, filter, toggle a layer, sessions, a damaged file dropped on the window.

Each test asserts on the model and on the rendered image (the canvas framebuffer)."""

from __future__ import annotations

import weakref

import numpy as np
import pytest
from qt_windows import assert_no_windows_left, grab

from orbitview.core.model.clock import Clock
from orbitview.core.model.filters import LayerFilter
from orbitview.core.model.object_ref import ObjectRef
from orbitview.core.model.scene import Layer, Scene
from orbitview.core.orbits.classify import ObjectClass
from orbitview.core.orbits.times import parse_utc
from orbitview.io.catalog_files import load_catalog

pytestmark = pytest.mark.qt

T_FULL = parse_utc("2023-10-09T12:00:00Z")
T_DEBRIS = parse_utc("2025-02-15T00:00:00Z")


@pytest.fixture(scope="module")
def full(full_catalog_path):
    """The 26k catalogue, read once for the module (each test makes its own layer of it)."""
    return load_catalog(full_catalog_path).catalog


@pytest.fixture
def window_time_s() -> float:
    return T_DEBRIS


def redraw(window, qtbot) -> np.ndarray:
    """The image after the next frame is drawn, once every layer is drawn at the clock's time
    (the window prefetches keyframe pairs in a worker)."""
    qtbot.waitUntil(window.view.settled, timeout=20000)
    drawn = window.frames_drawn
    window.canvas.update()
    qtbot.waitUntil(lambda: window.frames_drawn > drawn, timeout=20000)
    return grab(window)


def red(image) -> int:  # debris
    return int(((image[..., 0] > 180) & (image[..., 1] < 110) & (image[..., 2] < 140)).sum())


def blue(image) -> int:  # payloads
    return int(((image[..., 2] > 200) & (image[..., 0] < 120) & (image[..., 1] > 140)).sum())


def yellow(image) -> int:  # the selection ring
    return int(((image[..., 0] > 230) & (image[..., 1] > 230) & (image[..., 2] < 130)).sum())


def track_colored(image) -> int:  # the ring, orbit and ground tracks
    return int(((image[..., 0] > 200) & (image[..., 1] > 170) & (image[..., 2] < 170)).sum())


def full_scene(full) -> Scene:
    scene = Scene(clock=Clock(time_s=T_FULL))
    scene.add_layer(Layer("full", full))
    return scene


def drop_file(window, path) -> None:
    """Drag ``path`` over the window and drop it there. Qt delivers a drop only during a real
    drag (none can be made under Xvfb without a window manager), so the events go to the
    window's handlers as Qt would send them."""
    from PyQt6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
    from PyQt6.QtGui import QDragEnterEvent, QDropEvent

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(QPoint(700, 400), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(700, 400), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    window.dropEvent(drop)
    assert drop.isAccepted()


def wait_loaded(window, qtbot, timeout=60000) -> None:
    qtbot.waitUntil(lambda: window.loader.pending() == 0, timeout=timeout)


def test_open_files_in_the_worker_with_progress(make_window, catalogs, qtbot):
    window = make_window()
    before = redraw(window, qtbot)
    folder = catalogs / "debris_2025-02-15_tle"
    window.open_files([str(folder / "fengyun-1c-debris.txt"), str(folder / "cosmos-2251-debris.txt")])
    assert window.load_progress.isVisible()
    wait_loaded(window, qtbot)
    assert [layer.name for layer in window.scene.layers] == ["fengyun-1c-debris.txt", "cosmos-2251-debris.txt"]
    assert not window.load_progress.isVisible()
    total = sum(len(layer) for layer in window.scene.layers)
    assert window.count_label.text() == f"{total:,} / {total:,} objects"
    assert window.layers_panel.tree.topLevelItemCount() == 2
    from orbitview.ui.session import recent_files

    assert recent_files()[0].endswith("cosmos-2251-debris.txt")
    assert red(redraw(window, qtbot)) > red(before) + 500


def test_a_cancelled_load_adds_nothing(make_window, full_catalog_path, qtbot):
    window = make_window()
    window.open_files([str(full_catalog_path)])
    window.load_progress.cancel_button.click()
    assert window.loader.pending() == 0 and not window.load_progress.isVisible()
    window.loader.pool.waitForDone(60000)
    qtbot.wait(100)
    assert window.scene.layers == ()
    assert red(redraw(window, qtbot)) < 50


def test_an_unreadable_file_gives_a_dialog_from_the_worker(make_window, qtbot, monkeypatch, tmp_path):
    from PyQt6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *args: shown.append(args[2]))
    window = make_window()
    garbage = tmp_path / "garbage.tle"
    garbage.write_bytes(b"\x00\x01 not an element set\n" * 10)
    window.open_files([str(tmp_path / "nope.tle"), str(garbage)])
    wait_loaded(window, qtbot)
    assert len(shown) == 2 and "nope.tle" in shown[0]
    assert window.scene.layers == ()


def test_a_trajectory_file_opens_as_a_layer_and_the_time_bar_spans_it(make_window, catalogs, qtbot, tmp_path):
    from orbitview.core.orbits.propagate import propagate_blocks
    from orbitview.io.trajectories import TrajectoryWriter

    fengyun = load_catalog(catalogs / "debris_2025-02-15_tle" / "fengyun-1c-debris.txt").catalog
    times_s = T_DEBRIS + 3600.0 + 60.0 * np.arange(121)  # 01:00 to 03:00
    path = tmp_path / "fy.h5"
    with TrajectoryWriter(path, fengyun, times_s, "GCRS") as writer:
        for block in propagate_blocks(writer.elements, times_s, "GCRS", workers=1, align=writer.chunk_times):
            writer.write(*block)
    window = make_window()  # at 00:00, before the file's span
    before = redraw(window, qtbot)
    window.open_files([str(path)])
    wait_loaded(window, qtbot)
    assert [(layer.name, len(layer)) for layer in window.scene.layers] == [("fy.h5", len(fengyun))]
    clock = window.scene.clock
    assert (clock.span_start_s, clock.span_end_s) == (times_s[0], times_s[-1])
    assert times_s[0] <= clock.time_s <= times_s[-1]
    # Opened before its span, the clock moves to the span's first sample: the objects are drawn
    # there, not only from the next sample on.
    assert red(redraw(window, qtbot)) > red(before) + 300
    window.time_bar.slider.setValue(window.time_bar.slider.maximum())
    assert clock.time_s == pytest.approx(times_s[-1])
    assert window.utc_label.text().startswith("2025-02-15T03:00:00Z")


def test_a_truncated_trajectory_file_gives_a_dialog(make_window, catalogs, qtbot, monkeypatch, tmp_path):
    from PyQt6.QtWidgets import QMessageBox

    from orbitview.core.orbits.propagate import propagate_blocks
    from orbitview.io.trajectories import TrajectoryWriter

    fengyun = load_catalog(catalogs / "debris_2025-02-15_tle" / "fengyun-1c-debris.txt").catalog
    times_s = T_DEBRIS + 60.0 * np.arange(31)
    whole = tmp_path / "whole.h5"
    with TrajectoryWriter(whole, fengyun, times_s, "GCRS") as writer:
        for block in propagate_blocks(writer.elements, times_s, "GCRS", workers=1, align=writer.chunk_times):
            writer.write(*block)
    cut = tmp_path / "cut.h5"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *args: shown.append(args[2]))
    window = make_window()
    window.open_files([str(cut)])
    wait_loaded(window, qtbot)
    assert len(shown) == 1 and "cut.h5" in shown[0] and "truncated or corrupted" in shown[0]
    assert window.scene.layers == ()


def test_search_selects_and_flies_to_the_object(make_window, full, qtbot):
    window = make_window(full_scene(full))
    completions = window.search.entries.stringList()
    assert len(completions) == len(full) and any(row.startswith("ISS (ZARYA)  25544") for row in completions)
    window.search.setFocus()
    qtbot.keyClicks(window.search, "1998-067A")
    qtbot.keyClick(window.search, "\r")
    assert window.scene.selected.norad_id == 25544
    qtbot.waitUntil(lambda: window.camera_move is None, timeout=20000)
    camera = window.scene.camera
    iss = window.scene.position_gcrs_km(window.scene.selected)
    # The eye is above the object, a few thousand km out, looking at the Earth's centre.
    assert camera.distance_km == pytest.approx(np.linalg.norm(iss) + 4000.0, rel=0.01)
    direction = camera.eye_km() / np.linalg.norm(camera.eye_km())
    assert direction @ (iss / np.linalg.norm(iss)) > 0.999
    assert window.info_panel.values["name"].text() == "ISS (ZARYA)"
    assert window.info_panel.values["norad_id"].text() == "25544"
    image = redraw(window, qtbot)
    h, w, _ = image.shape
    assert yellow(image[h // 2 - 25: h // 2 + 25, w // 2 - 25: w // 2 + 25]) > 20


def test_clicking_an_object_selects_it_and_empty_space_clears(make_window, catalogs, qtbot):
    from PyQt6.QtCore import QPoint, Qt

    from orbitview.core.model.camera import project_to_pixels

    window = make_window()
    window.open_file(str(catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt"))
    qtbot.wait(300)  # the docks may take a new width for the new layer's name
    redraw(window, qtbot)
    scene = window.scene
    layer = scene.layers[0]
    positions = layer.keyframes.at(scene.clock.time_s).interpolate(scene.clock.time_s)
    size = tuple(window.canvas.size)
    xy, front = project_to_pixels(positions, scene.camera, size, window.view.view_from_gcrs())
    eye = scene.camera.eye_km()
    # An object on the near side of the Earth, well inside the view.
    near = [i for i in np.flatnonzero(front) if np.linalg.norm(positions[i] - eye) < np.linalg.norm(eye)
            and 50 < xy[i, 0] < size[0] - 50 and 50 < xy[i, 1] < size[1] - 50]
    row = near[0]
    qtbot.mouseClick(window.canvas.native, Qt.MouseButton.LeftButton, pos=QPoint(*np.round(xy[row]).astype(int)))
    qtbot.waitUntil(lambda: scene.selected is not None, timeout=20000)
    # Another object may be drawn over it within the pick radius: the pick is the nearest.
    picked = scene.selected.row
    assert np.hypot(*(xy[picked] - xy[row])) <= 6.0
    ring = redraw(window, qtbot)
    x, y = np.round(xy[picked]).astype(int)
    assert yellow(ring[y - 12: y + 12, x - 12: x + 12]) > 10
    qtbot.mouseClick(window.canvas.native, Qt.MouseButton.LeftButton, pos=QPoint(5, size[1] - 5))
    qtbot.waitUntil(lambda: scene.selected is None, timeout=20000)
    assert yellow(redraw(window, qtbot)[y - 12: y + 12, x - 12: x + 12]) < 5


def test_a_click_on_the_second_layers_object_shows_it_not_its_namesake(make_window, catalogs, qtbot, capfd):
    """Two snapshots of the Fengyun-1C cloud hold the same numbers: a click on an object of
    the second shows the second's element set; the search and a saved session keep the layer."""
    from PyQt6.QtCore import QPoint, Qt

    from orbitview.core.model.camera import project_to_pixels
    from orbitview.core.model.picking import PICK_RADIUS_PX
    from orbitview.core.orbits.times import format_utc
    from orbitview.ui import session

    t = parse_utc("2026-08-11T00:00:00Z")
    window = make_window(Scene(clock=Clock(time_s=t)))
    window.open_file(str(catalogs / "debris_2025-02-15_tle" / "fengyun-1c-debris.txt"))
    window.open_file(str(catalogs / "debris_2026-08-11_omm" / "gp-debris-fengyun1c.json"))
    scene = window.scene
    first, second = scene.layers
    assert window.status.shared_label.text() and "share" in window.status.shared_label.toolTip()
    warned = [line for line in capfd.readouterr().err.splitlines() if "catalogue numbers shared" in line]
    assert len(warned) == 1 and "'fengyun-1c-debris.txt' and 'gp-debris-fengyun1c.json'" in warned[0]
    qtbot.wait(300)  # the docks may take a new width for the new layers' names
    redraw(window, qtbot)
    size = tuple(window.canvas.size)
    eye = scene.camera.eye_km()
    drawn = []  # (layer, row, xy) of every object drawn in front of the Earth
    for layer in (first, second):
        keyframes = layer.keyframes.at(t)
        rows = np.flatnonzero(keyframes.valid)
        positions = keyframes.interpolate(t, rows)
        xy, front = project_to_pixels(positions, scene.camera, size, window.view.view_from_gcrs())
        near = front & (np.linalg.norm(positions - eye, axis=1) < np.linalg.norm(eye))
        drawn += [(layer, int(r), p) for r, p, ok in zip(rows, xy, near) if ok]
    points = np.array([p for _, _, p in drawn])
    shared = set(np.intersect1d(first.catalog.norad_id, second.catalog.norad_id).tolist())
    # An object of the second layer whose number the first holds too, alone within two pick radii.
    row, xy = next((row, p) for layer, row, p in drawn
                   if layer is second and int(second.catalog.norad_id[row]) in shared
                   and 50 < p[0] < size[0] - 50 and 50 < p[1] < size[1] - 50
                   and np.sum(np.hypot(*(points - p).T) < 2 * PICK_RADIUS_PX) == 1)
    qtbot.mouseClick(window.canvas.native, Qt.MouseButton.LeftButton, pos=QPoint(*np.round(xy).astype(int)))
    qtbot.waitUntil(lambda: scene.selected is not None, timeout=20000)
    assert scene.selected == ObjectRef(second, row)
    panel = window.info_panel
    assert panel.values["source"].text() == "gp-debris-fengyun1c.json"
    assert panel.values["epoch"].text() == format_utc(float(second.catalog.epoch_s[row]))
    namesake = ObjectRef(first, int(np.flatnonzero(first.catalog.norad_id == scene.selected.norad_id)[0]))
    assert first.catalog.epoch_s[namesake.row] < parse_utc("2025-03-01T00:00:00Z") < second.catalog.epoch_s[row]

    # The search's rows name the layer: the 2025 row selects the 2025 object.
    completion = next(text for text in window.search.entries.stringList()
                      if text.endswith("[fengyun-1c-debris.txt]") and f"  {namesake.norad_id}  " in text)
    window.search.setText(completion)
    window.search.submit()
    assert scene.selected == namesake
    assert panel.values["source"].text() == "fengyun-1c-debris.txt"
    assert panel.values["epoch"].text() == format_utc(float(first.catalog.epoch_s[namesake.row]))
    # A bare number picks the first layer's object and says which other layers hold it.
    scene.selected = None
    window.search.setText(str(namesake.norad_id))
    window.search.submit()
    assert scene.selected == namesake
    assert window.statusBar().currentMessage().endswith(
        "also in gp-debris-fengyun1c.json (pick that layer's row in the search list)")

    scene.selected = ObjectRef(second, row)
    scene.toggle_pin(namesake)
    session.save_session(window)
    again = make_window(remember=True)
    assert again.restore_session()
    wait_loaded(again, qtbot)
    old, new = again.scene.layers
    assert (old.name, new.name) == (first.name, second.name)
    assert again.scene.selected == ObjectRef(new, row) and again.scene.pinned == (ObjectRef(old, namesake.row),)


def test_play_pause_step_and_scrub(make_window, catalogs, qtbot):
    window = make_window()
    window.open_file(str(catalogs / "debris_2025-02-15_tle" / "cosmos-2251-debris.txt"))
    clock, bar = window.scene.clock, window.time_bar
    start = redraw(window, qtbot)
    bar.speed.setCurrentIndex(bar.speed.findData(1000.0))
    qtbot.keyClick(window.canvas.native, " ")
    assert clock.playing and bar.play.text() == "Pause"
    qtbot.waitUntil(lambda: clock.time_s > T_DEBRIS + 100, timeout=20000)
    qtbot.keyClick(window.canvas.native, " ")
    assert not clock.playing
    stopped = clock.time_s
    qtbot.wait(100)
    assert clock.time_s == stopped
    bar.forward.click()
    assert clock.time_s == pytest.approx(stopped + 1000.0)
    bar.back.click()
    assert clock.time_s == pytest.approx(stopped)
    bar.slider.setValue(bar.slider.maximum())
    assert clock.time_s == pytest.approx(clock.span_end_s)
    assert window.utc_label.text().startswith(bar.time_field.text())
    scrubbed = redraw(window, qtbot)
    # Twelve hours later every debris object is elsewhere.
    moved = np.abs(scrubbed.astype(int) - start.astype(int)).sum(axis=2) > 60
    assert moved.sum() > 500
    assert red(scrubbed) > 300


def test_filter_by_class(make_window, full, qtbot):
    window = make_window(full_scene(full))
    layer = window.scene.layers[0]
    before = redraw(window, qtbot)
    panel = window.layers_panel
    for object_class, box in panel.class_boxes.items():
        box.setChecked(object_class == ObjectClass.PAYLOAD)
    assert panel.filter_of(layer).classes == {ObjectClass.PAYLOAD}
    payloads = int((full.object_class == ObjectClass.PAYLOAD).sum())
    assert int(layer.shown.sum()) == payloads
    assert panel.tree.topLevelItem(0).text(1) == f"{payloads:,} / {len(full):,}"
    assert window.count_label.text() == f"{payloads:,} / {len(full):,} objects"
    after = redraw(window, qtbot)
    assert red(before) > 1000 and red(after) < red(before) / 20
    assert blue(after) > blue(before) * 0.7
    panel.text_filter.setText("NOAA")
    noaa_payloads = LayerFilter(classes=frozenset({ObjectClass.PAYLOAD}), text="NOAA").mask(full)
    assert 5 < int(layer.shown.sum()) == int(noaa_payloads.sum()) < payloads
    panel.clear_filters.click()
    assert int(layer.shown.sum()) == len(full) and panel.text_filter.text() == ""


def test_toggle_a_layer(make_window, catalogs, qtbot):
    from PyQt6.QtCore import Qt

    window = make_window()
    window.open_file(str(catalogs / "debris_2025-02-15_tle" / "fengyun-1c-debris.txt"))
    shown = redraw(window, qtbot)
    item = window.layers_panel.tree.topLevelItem(0)
    item.setCheckState(0, Qt.CheckState.Unchecked)
    assert not window.scene.layers[0].visible
    assert window.count_label.text() == "0 / 1,918 objects"
    hidden = redraw(window, qtbot)
    assert red(shown) > 500 and red(hidden) < 20
    window.scene.layers[0].visible = True
    assert item.checkState(0) == Qt.CheckState.Checked


def test_colour_by_and_point_size_reach_the_layer(make_window, catalogs, qtbot):
    window = make_window()
    window.open_file(str(catalogs / "debris_2025-02-15_tle" / "fengyun-1c-debris.txt"))
    layer, panel = window.scene.layers[0], window.layers_panel
    before = redraw(window, qtbot)
    panel.set_color(layer, (0.2, 1.0, 0.2, 1.0))
    assert layer.color_by == "source" and panel.color_by.currentData() == "source"
    panel.point_size.setValue(6.0)
    assert layer.point_size == 6.0
    layer.color_by = "altitude"  # from elsewhere: the panel shows it
    assert panel.color_by.currentData() == "altitude"
    layer.color_by = "source"
    after = redraw(window, qtbot)
    green = lambda img: int(((img[..., 1] > 200) & (img[..., 0] < 120) & (img[..., 2] < 120)).sum())  # noqa: E731
    assert red(after) < red(before) / 10 and green(after) > red(before)


def test_info_panel_follow_pin_tracks_and_copy(make_window, full, qtbot):
    from PyQt6.QtWidgets import QApplication

    window = make_window(full_scene(full))
    scene, panel = window.scene, window.info_panel
    iss = scene.selected = scene.find(25544)[0]
    assert panel.values["intl_designator"].text() == "1998-067A"
    altitude = panel.values["altitude"].text()
    assert altitude.endswith(" km") and 380 < float(altitude[:-3].replace(",", "")) < 450
    scene.clock.time_s += 600
    qtbot.waitUntil(lambda: panel.values["altitude"].text() != altitude, timeout=20000)
    panel.follow.click()
    assert scene.camera.follow == iss
    qtbot.keyClick(window.canvas.native, "f")
    assert scene.camera.follow is None and not panel.follow.isChecked()
    panel.pin.click()
    assert scene.pinned == (iss,)
    with_tracks = redraw(window, qtbot)
    panel.tracks.click()
    assert scene.show_tracks is False
    without = redraw(window, qtbot)
    assert track_colored(with_tracks) > track_colored(without) + 300
    panel.copy_tle.click()
    text = QApplication.clipboard().text().splitlines()
    assert text[0].startswith("0 ISS (ZARYA)") and text[1].startswith("1 25544U") and text[2].startswith("2 25544")
    panel.copy_omm.click()
    assert '"NORAD_CAT_ID":25544' in QApplication.clipboard().text()


def test_keyboard_camera(make_window, qtbot):
    from PyQt6.QtCore import Qt

    window = make_window()
    camera, canvas = window.scene.camera, window.canvas.native
    canvas.setFocus()
    qtbot.waitUntil(canvas.hasFocus, timeout=20000)
    azimuth, distance = camera.azimuth_deg, camera.distance_km
    qtbot.keyClick(canvas, Qt.Key.Key_Left)
    assert camera.azimuth_deg == pytest.approx(azimuth - 5.0)
    qtbot.keyClick(canvas, Qt.Key.Key_Minus)
    assert camera.distance_km == pytest.approx(distance * 1.25)
    qtbot.keyClick(canvas, "e")
    assert camera.view_frame == "earth-fixed"
    qtbot.keyClick(canvas, "e")
    assert camera.view_frame == "inertial"
    qtbot.keyClick(canvas, "r")
    assert camera.distance_km == 45000.0 and camera.azimuth_deg == 0.0
    # Typing in the search box is typing, not camera keys.
    window.search.setFocus()
    qtbot.keyClicks(window.search, "re")
    assert window.search.text() == "re" and camera.view_frame == "inertial"


def test_session_is_saved_and_restored(make_window, catalogs, qtbot, settings_dir):
    from orbitview.ui import session

    first = make_window()
    path = catalogs / "debris_2025-02-15_tle" / "cosmos-2251-debris.txt"
    first.open_file(str(path))
    layer = first.scene.layers[0]
    first.layers_panel.set_filter(layer, LayerFilter(perigee_km=(700.0, None)))
    layer.color_by = "altitude"
    first.scene.clock.time_s = T_DEBRIS + 3600.0
    first.scene.clock.speed = 100.0
    first.scene.camera.restore({"azimuth_deg": 40.0, "elevation_deg": -10.0, "distance_km": 30000.0})
    selected = ObjectRef(layer, int(np.flatnonzero(layer.shown)[0]))
    first.scene.selected = selected
    first.scene.toggle_pin(selected)
    first.scene.show_grid = True
    first.layers_dock.hide()
    qtbot.wait(50)
    saved_image = redraw(first, qtbot)
    session.save_session(first)
    # The session is a scenario's text, the filter in it.
    from orbitview.io.scenario_file import parse_scenario

    (saved,) = parse_scenario(session.saved_session()).sources
    assert saved.values["filter"] == LayerFilter(perigee_km=(700.0, None)) and saved.values["color_by"] == "altitude"
    shown = int(layer.shown.sum())
    first.close()
    assert (settings_dir / "orbitview.ini").is_file()

    second = make_window(remember=True)
    assert second.restore_session()
    wait_loaded(second, qtbot)
    scene = second.scene
    assert [layer.name for layer in scene.layers] == ["cosmos-2251-debris.txt"]
    restored = scene.layers[0]
    assert int(restored.shown.sum()) == shown and restored.color_by == "altitude"
    assert second.layers_panel.filter_of(restored) == LayerFilter(perigee_km=(700.0, None))
    assert second.layers_panel.range_fields[("perigee_km", 0)].text() == "700"
    assert scene.clock.time_s == T_DEBRIS + 3600.0 and scene.clock.speed == 100.0
    assert scene.camera.azimuth_deg == pytest.approx(40.0) and scene.camera.distance_km == pytest.approx(30000.0)
    assert scene.selected == ObjectRef(restored, selected.row) and scene.pinned == (scene.selected,) and scene.show_grid
    assert not second.layers_dock.isVisible()
    restored_image = redraw(second, qtbot)
    assert saved_image.shape == restored_image.shape
    differs = np.abs(saved_image.astype(int) - restored_image.astype(int)).sum(axis=2) > 60
    assert differs.mean() < 0.01


def test_a_damaged_file_dropped_on_the_window_loads_what_it_can(make_window, catalogs, qtbot, tmp_path):
    lines = (catalogs / "debris_2025-02-15_tle" / "fengyun-1c-debris.txt").read_text().splitlines()
    lines[4] = lines[4][:-1] + str((int(lines[4][-1]) + 1) % 10)  # a bad checksum on line 5
    lines[10] = lines[10][:40]  # a truncated line 11
    damaged = tmp_path / "damaged.txt"
    damaged.write_text("\n".join(lines) + "\n")
    window = make_window()
    before = redraw(window, qtbot)
    drop_file(window, damaged)
    wait_loaded(window, qtbot)
    assert len(window.scene.layers) == 1 and len(window.scene.layers[0]) == 1916
    report = window.problem_report
    assert report.isVisible()
    text = report.text.toPlainText()
    assert f"{damaged}:5:" in text or "damaged.txt:5:" in text
    assert "damaged.txt:11:" in text or f"{damaged}:11:" in text
    assert "2 records skipped" in report.summary.text()
    assert red(redraw(window, qtbot)) > red(before) + 500
    report.dismiss.click()
    assert not report.isVisible() and report.text.toPlainText() == ""


def test_help_lists_the_shortcuts_and_about_names_the_data(make_window):
    from orbitview.ui.help import ShortcutsDialog, about_text

    window = make_window()
    dialog = ShortcutsDialog(window)
    keys = {dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())}
    assert {"Space", "R", "F", "E", "+ / -", "Page Down / Page Up"} <= keys
    dialog.deleteLater()
    assert "Natural Earth" in about_text() and "CelesTrak" in about_text() and "Blue Marble" in about_text()
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus[:6] == ["&File", "&View", "&Events", "&Chapters", "C&onjunctions", "&Help"]
    file_actions = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    for wanted in ("Open Re&cent", "&Fetch from CelesTrak...", "Sa&ve Scenario...", "Export &Video..."):
        assert wanted.replace("&", "") in [t.replace("&", "") for t in file_actions]


def test_windows_opened_and_closed_leak_no_widgets_or_canvases(qtbot, settings_dir, catalogs):
    from orbitview.render.backend import use_qt

    use_qt()
    from PyQt6.QtWidgets import QApplication

    from orbitview.ui.main_window import MainWindow

    path = str(catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt")
    widgets_before = len(QApplication.allWidgets())
    canvases = []
    for _ in range(10):
        window = MainWindow(Scene(clock=Clock(time_s=T_DEBRIS)))
        window.show()
        qtbot.waitUntil(lambda w=window: w.frames_drawn > 0, timeout=20000)
        window.open_file(path)
        canvases.append(weakref.ref(window.canvas))
        window.close()
        window.deleteLater()
        del window
        assert_no_windows_left(qtbot)
    assert all(ref() is None for ref in canvases), "vispy canvases outlive their windows"
    assert len(QApplication.allWidgets()) <= widgets_before + 5


def test_info_panel_heights_say_what_they_are(make_window, full, qtbot):
    from orbitview.core.model.object_info import object_state

    window = make_window(full_scene(full))
    iss = window.scene.find(25544)[0]
    window.scene.selected = iss
    info = object_state(window.scene, iss)
    values = window.info_panel.values
    qtbot.waitUntil(lambda: values["heights"].text() != "", timeout=20000)
    # The ISS's altitude above the ellipsoid lies between its highest and lowest heights of the
    # revolution; the mean apogee, above the equatorial radius, is lower than the highest.
    highest, lowest = (float(v) for v in values["heights"].text().split(" km")[0].split(" / "))
    assert (highest, lowest) == (round(info.highest_km, 1), round(info.lowest_km, 1))
    assert lowest <= float(values["altitude"].text()[:-3]) <= highest
    assert values["apsides"].text().endswith("km above the equator's radius")
    assert float(values["apsides"].text().split(" / ")[0]) < highest - 10
