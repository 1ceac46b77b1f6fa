"""The Conjunctions panel's "Add chapter for this encounter" (tier 3): screen a real pair in the
window, choose the encounter, add its chapter, and it is in the model: saved and opened again,
the window has the same chapter, camera and highlight."""

from __future__ import annotations

import numpy as np
import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QAction

from orbitview.core.model.screening import Highlight
from orbitview.io.scenario_file import scenario_from_scene, write_scenario

pytestmark = pytest.mark.qt

METEOR, FRAGMENT = 10514, 29924  # 492 m apart, head on, 2023-10-09 16:03:17.529 UTC
START = 1696866797.0  # 2023-10-09T15:53:17Z, ten minutes before


@pytest.fixture
def window_time_s() -> float:
    return START


@pytest.fixture(scope="module")
def pair_files(full_catalog_path, tmp_path_factory):
    lines = full_catalog_path.read_text().splitlines()
    records = {lines[k + 1][2:7].strip(): lines[k:k + 3] for k in range(0, len(lines) - 2, 3)}
    folder = tmp_path_factory.mktemp("ui_fly_to")
    paths = []
    for number in (METEOR, FRAGMENT):
        paths.append(folder / f"{number}.3le")
        paths[-1].write_text("\n".join(records[str(number)]) + "\n")
    return paths


def test_add_chapter_for_this_encounter_puts_it_in_the_model_and_a_save_keeps_it(make_window, qtbot, pair_files,
                                                                               tmp_path):
    from orbitview.ui.export_dialogs import open_scenario_dialog

    window = make_window()
    scene, panel = window.scene, window.conjunctions_panel
    for path in pair_files:
        window.open_file(str(path))
    assert not panel.chapter_button.isEnabled()
    panel.run((), 1200.0, 5.0)
    qtbot.waitUntil(lambda: len(scene.conjunctions.encounters) == 1, timeout=60_000)
    (encounter,) = scene.conjunctions.encounters
    rect = panel.table.visualItemRect(panel.table.item(0, 1))
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert panel.chapter_button.isEnabled()
    qtbot.mouseClick(panel.chapter_button, Qt.MouseButton.LeftButton)

    (chapter,) = scene.chapters
    assert chapter.time_s == encounter.tca_s and chapter.encounter == Highlight.of(encounter)
    assert "METEOR 2-3" in chapter.title and "492 m" in chapter.caption
    meteor, fragment = scene.find(METEOR)[0], scene.find(FRAGMENT)[0]
    assert chapter.camera["follow"] == meteor and chapter.camera["distance_km"] == pytest.approx(10.0)
    assert {meteor, fragment} <= set(scene.pinned)
    assert scene.conjunctions.highlighted == (Highlight.of(encounter),)
    # The chapter list shows it; the menu has the same action.
    assert window.chapters_panel.count() == 1
    assert window.findChild(QAction, "conjunctions-add-chapter") is not None

    # Saved and opened again: the same chapter, its camera following the same object.
    path = tmp_path / "briefing.toml"
    write_scenario(scenario_from_scene(window.scene), path)
    assert "encounter = { a = 10514, b = 29924" in path.read_text()
    scene.chapters = ()
    open_scenario_dialog(window, str(path))
    (kept,) = scene.chapters
    assert (kept.title, kept.caption) == (chapter.title, chapter.caption)
    assert kept.time_s == pytest.approx(chapter.time_s, abs=1e-6)
    assert (kept.encounter.a, kept.encounter.b, kept.encounter.miss_km) == (METEOR, FRAGMENT, encounter.miss_km)
    follow = kept.camera["follow"]
    assert (follow.layer.catalog.norad_id[follow.row], scene.layers.index(follow.layer)) == (METEOR, 0)
    for name in ("azimuth_deg", "elevation_deg", "distance_km"):
        assert kept.camera[name] == pytest.approx(chapter.camera[name], abs=1e-9), name
    assert len(scene.conjunctions.highlighted) == 1
    assert np.isclose(scene.conjunctions.highlighted[0].tca_s, encounter.tca_s, atol=1e-6)

