"""An OEM ephemeris in the real window (tier 3): dropped on it, drawn, moving, and the info
panel saying which file the object came from."""

from __future__ import annotations

import numpy as np
import pytest
from test_ui_window import T_DEBRIS, drop_file, red, redraw, wait_loaded, yellow

from orbitview.core.model.object_ref import ObjectRef

pytestmark = pytest.mark.qt


@pytest.fixture
def window_time_s() -> float:
    return T_DEBRIS


@pytest.fixture
def oem_path(catalogs, tmp_path):
    from orbitview.cli import main

    path = tmp_path / "iridium-33.oem"
    tle = catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt"
    assert main(["precompute", str(tle), "--start", "2025-02-15T00:00:00Z", "--span", "1h", "--step", "60",
                 "--out", str(path), "--workers", "1", "--satcat", "none"]) == 0
    return path


def test_a_dropped_oem_is_drawn_moving_and_the_info_panel_names_its_file(make_window, oem_path, qtbot):
    from orbitview.core.model.camera import project_to_pixels

    window = make_window()
    before = redraw(window, qtbot)
    drop_file(window, oem_path)
    wait_loaded(window, qtbot)
    scene = window.scene
    (layer,) = scene.layers
    assert layer.name == "iridium-33.oem" and len(layer) == 119
    assert (scene.clock.span_start_s, scene.clock.span_end_s) == (T_DEBRIS, T_DEBRIS + 3600.0)
    assert red(redraw(window, qtbot)) > red(before) + 100

    size = tuple(window.canvas.size)
    scene.clock.time_s = T_DEBRIS + 600.0
    first = layer.keyframes.positions_at(scene.clock.time_s)
    xy, front = project_to_pixels(first, scene.camera, size, window.view.view_from_gcrs())
    row = next(i for i in np.flatnonzero(front) if 60 < xy[i, 0] < size[0] - 60 and 60 < xy[i, 1] < size[1] - 60)
    scene.selected = ObjectRef(layer, row)
    qtbot.waitUntil(lambda: window.info_panel.values["name"].text() == str(layer.catalog.name[row]), timeout=20000)
    assert "iridium-33.oem" in window.info_panel.values["source"].text()

    # Two minutes on, the object (and its selection ring) is elsewhere on the screen.
    positions = {}
    for t in (T_DEBRIS + 600.0, T_DEBRIS + 720.0):
        scene.clock.time_s = t
        image = redraw(window, qtbot)
        x, y = np.round(project_to_pixels(layer.keyframes.positions_at(t)[[row]], scene.camera, size,
                                          window.view.view_from_gcrs())[0][0]).astype(int)
        assert yellow(image[y - 12: y + 12, x - 12: x + 12]) > 10
        positions[t] = (x, y)
    assert np.hypot(*np.subtract(*positions.values())) > 20
