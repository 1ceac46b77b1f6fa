"""The Events menu: presets and a custom event modelled in a worker and shown in the window (tier 3)."""

from __future__ import annotations

import numpy as np
import pytest
from qt_windows import grab

from orbitview.core.breakup.breakup_scene import CLOCK_BEFORE_S, LEAD_S, SPAN_S
from orbitview.core.breakup.presets import PRESETS
from orbitview.core.model.origin import CustomEventOrigin, EventOrigin, FileOrigin, InterceptorOrigin
from orbitview.core.orbits.times import parse_utc
from orbitview.io.scenario_file import parse_scenario, scenario_from_scene, scenario_to_toml
from orbitview.services.scenario import build_scene

pytestmark = pytest.mark.qt

T = parse_utc("2025-02-15T06:00:00Z")
FY1C = PRESETS["fengyun-1c-2007"]


@pytest.fixture
def window_time_s() -> float:
    return T


def debris_pixels(image: np.ndarray, legend_bottom_px: int) -> int:
    """Pixels of the debris colour (1.0, 0.3, 0.4), as test_window counts them, below the
    legend (whose debris entry comes and goes with the layer; it ends at ``legend_bottom_px``)."""
    below = image[legend_bottom_px:]
    return int(((below[..., 0] > 180) & (below[..., 1] < 110)).sum())


def action(window, name: str):
    from PyQt6.QtGui import QAction

    found = window.menuBar().findChild(QAction, name)
    assert found is not None, name
    return found


def test_menu_lists_the_presets_with_their_citations(make_window):
    window = make_window()
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Events")
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts == [e.title for e in PRESETS.values()] + ["Custom event...", "Interceptor..."]
    for key, event in PRESETS.items():
        assert action(window, f"event-{key}").toolTip() == event.citation
        assert action(window, f"event-{key}").statusTip() == event.citation


def test_fengyun_preset_adds_the_layers_and_they_render_after_the_event_only(make_window, qtbot, artefacts):
    window = make_window()
    scene = window.scene
    end = scene.clock.span_end_s
    action(window, "event-fengyun-1c-2007").trigger()
    assert window.breakup_runner.progress is not None and window.breakup_runner.progress.isVisible()
    qtbot.waitUntil(lambda: len(scene.layers) == 3, timeout=20000)
    assert window.breakup_runner.progress is None
    parent, fragments, missile = scene.layers
    # A direct-ascent test: its missile flies from its site to the satellite.
    assert missile.name == "SC-19 interceptor" and missile.arc.intercept_s == FY1C.time_s
    assert missile.arc.target.norad_id[0] == 25730
    assert missile.origin == InterceptorOrigin("SC-19", preset="fengyun-1c-2007")
    assert (parent.name, fragments.name) == ("Fengyun 1C", "Fengyun 1C fragments (model)")
    assert len(parent) == 1 and len(fragments) > 500
    assert scene.title.startswith("MODEL - Fengyun-1C anti-satellite test")
    event_s = FY1C.time_s
    assert scene.clock.span_start_s == event_s - LEAD_S and scene.clock.span_end_s == end > event_s + SPAN_S
    assert scene.clock.time_s == event_s - CLOCK_BEFORE_S
    assert fragments.origin == EventOrigin("fengyun-1c-2007", 1, 0.1, "fragments")

    # Debris-coloured pixels the fragments add, against the same frame without them (the
    # globe's own colours have a few such pixels).
    def added_by_fragments():
        qtbot.waitUntil(window.view.settled, timeout=20000)
        qtbot.wait(100)
        shown = grab(window)
        fragments.visible = False
        qtbot.wait(100)
        hidden = grab(window)
        fragments.visible = True
        # Under the legend as laid out with the fragments shown (it is the taller then).
        legend_bottom_px = window.view.overlay.annotator.boxes["legend"][3]
        return debris_pixels(shown, legend_bottom_px) - debris_pixels(hidden, legend_bottom_px), shown

    before, image_before = added_by_fragments()
    scene.clock.time_s = event_s + 86400.0  # a day on: the cloud has spread along the orbit
    after, image_after = added_by_fragments()
    _save(image_before, artefacts / "ui_events_before.png")
    _save(image_after, artefacts / "ui_events_after.png")
    assert before == 0
    assert after > 300


def test_cancel_drops_the_result(make_window, qtbot):
    window = make_window()
    action(window, "event-shakti-2019").trigger()
    from PyQt6.QtWidgets import QPushButton

    # Before the worker's result can arrive: it is queued behind this test's code.
    window.breakup_runner.progress.findChild(QPushButton).click()
    qtbot.wait(1500)
    assert window.scene.layers == ()
    assert window.breakup_runner.progress is None
    assert "cancelled" in window.statusBar().currentMessage()


@pytest.fixture
def loaded(make_window, catalogs):
    window = make_window()
    window.open_file(str(catalogs / "debris_2025-02-15_tle" / "fengyun-1c-debris.txt"))
    return window


@pytest.fixture
def made_dialogs(loaded):
    """Dialogs a test makes, deleted before its window is checked for leaks."""
    dialogs = []
    yield dialogs
    for dialog in dialogs:
        dialog.deleteLater()


@pytest.fixture
def canvases_must_die() -> bool:
    # The ``loaded`` fixture hands out its window: pytest holds it until the test item ends.
    return False


def fill(dialog, text="", mass="", projectile="", speed="", size="0.1", seed="1", kind="collision"):
    dialog.object_box.setEditText(text)
    dialog.kind_box.setCurrentText(kind)
    for edit, value in ((dialog.mass_edit, mass), (dialog.projectile_edit, projectile),
                        (dialog.speed_edit, speed), (dialog.size_edit, size), (dialog.seed_edit, seed)):
        edit.setText(value)


def test_custom_dialog_rejects_bad_input_with_messages(loaded, qtbot, artefacts, made_dialogs):
    from orbitview.ui.events_menu import CustomEventDialog

    dialog = CustomEventDialog(loaded)
    made_dialogs.append(dialog)
    dialog.show()
    fill(dialog, text="NO SUCH THING", mass="-3", projectile="abc", speed="", size="5", seed="x")
    dialog.accept()
    assert dialog.isVisible() and dialog.request is None
    message = dialog.error_label.text()
    for expected in ("Object: choose one of the loaded objects", "Target mass: a number of kilograms",
                     "Projectile mass: a number of kilograms", "Relative speed: a number of km/s",
                     "Smallest fragment: between 0.001 and 1 m", "Random seed: a whole number"):
        assert expected in message
    dialog.grab().save(str(artefacts / "ui_custom_event_errors.png"))

    fill(dialog, text=dialog.object_box.itemText(0), mass="100", projectile="50", speed="10", size="0.001")
    dialog.accept()
    assert dialog.request is None and "would make about" in dialog.error_label.text()


def test_custom_dialog_accepts_good_input_and_the_event_is_modelled(loaded, qtbot, made_dialogs):
    from PyQt6.QtWidgets import QDialog

    from orbitview.ui.events_menu import CustomEventDialog

    catalog = loaded.scene.layers[0].catalog
    dialog = CustomEventDialog(loaded)
    made_dialogs.append(dialog)
    dialog.show()
    label = f"{catalog.name[5]} ({catalog.norad_id[5]})"
    fill(dialog, text=label.lower(), mass="50", kind="explosion", projectile="ignored", size="0.05", seed="7")
    assert not dialog.speed_edit.isEnabled()  # an explosion has no projectile
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.error_label.text() == ""
    request = dialog.request
    assert request.norad_id == catalog.norad_id[5] and request.seed == 7 and request.min_size_m == 0.05
    assert request.time_s == loaded.scene.clock.time_s

    loaded.breakup_runner.run_custom(request)
    qtbot.waitUntil(lambda: len(loaded.scene.layers) == 3, timeout=20000)
    parent, fragments = loaded.scene.layers[1:]
    assert list(parent.catalog.norad_id) == [catalog.norad_id[5]]
    assert len(fragments) > 10
    assert "loaded element set" in loaded.scene.title and "seed 7" in loaded.scene.title
    # A scenario remakes it from the loaded file's object with the dialog's parameters.
    assert fragments.origin == CustomEventOrigin(
        request.kind.value, loaded.scene.layers[0].origin, request.norad_id, request.time_s, request.mass_kg,
        request.projectile_mass_kg, request.speed_km_s, request.body_kind.value, 7, 0.05, "fragments")
    again, _ = build_scene(parse_scenario(scenario_to_toml(scenario_from_scene(loaded.scene))))
    remade = again.layers[2]
    assert remade.origin == fragments.origin and remade.name == fragments.name
    np.testing.assert_array_equal(remade.catalog.norad_id, fragments.catalog.norad_id)
    np.testing.assert_allclose(remade.catalog.mean_motion_rev_per_day, fragments.catalog.mean_motion_rev_per_day,
                               rtol=1e-12)


def test_the_object_list_is_searchable(loaded, qtbot, made_dialogs):
    from orbitview.ui.events_menu import CustomEventDialog

    dialog = CustomEventDialog(loaded)
    made_dialogs.append(dialog)
    completer = dialog.object_box.completer()
    number = str(loaded.scene.layers[0].catalog.norad_id[0])
    completer.setCompletionPrefix(number[-3:])  # part of a number, anywhere in the label
    assert 1 <= completer.completionCount() < 20
    assert number in completer.currentCompletion()
    completer.setCompletionPrefix("1c deb")  # any case
    assert completer.completionCount() == len(loaded.scene.layers[0]) - 1  # all but the parent


def _save(image: np.ndarray, path) -> None:
    from PIL import Image

    Image.fromarray(image).save(path)


def overhead_target(layer, site, t_s):
    """The row of ``layer``'s object nearest the zenith of ``site`` at ``t_s``."""
    from orbitview.core.orbits.propagate import propagate

    position = propagate(layer.catalog, np.array([t_s]), "GCRS").position_km[0]
    up = site.state_gcrs(t_s)[0]
    cosine = position @ up / np.linalg.norm(position, axis=1) / np.linalg.norm(up)
    return int(np.nanargmax(cosine))


def test_interceptor_dialog_refuses_what_cannot_be_flown_with_reasons(loaded, qtbot, made_dialogs, artefacts):
    from orbitview.ui.events_menu import _loaded_objects
    from orbitview.ui.interceptor_dialog import OTHER_SITE, InterceptorDialog

    dialog = InterceptorDialog(loaded, _loaded_objects(loaded.scene.layers))
    made_dialogs.append(dialog)
    dialog.show()
    dialog.target_box.setEditText("NO SUCH THING")
    dialog.site_box.setCurrentText(OTHER_SITE)
    dialog.latitude_edit.setText("north")
    dialog.flight_edit.setText("soon")
    dialog.accept()
    assert dialog.isVisible() and dialog.arc is None
    for expected in ("Target: choose one of the loaded objects", "Latitude: a number", "Flight time: a number"):
        assert expected in dialog.error_label.text()
    dialog.grab().save(str(artefacts / "ui_interceptor_errors.png"))
    dialog.target_box.setEditText(dialog.target_box.itemText(0))
    dialog.latitude_edit.setText("28.2")
    dialog.longitude_edit.setText("102.0")
    dialog.flight_edit.setText("5")
    dialog.accept()
    assert dialog.arc is None and "Cannot fly: a flight time of 5 s is outside 10 s .. 6 h" in dialog.error_label.text()


def test_interceptor_dialog_flies_to_a_loaded_object_and_a_saved_scenario_flies_it_again(
        loaded, qtbot, made_dialogs, tmp_path, catalogs):
    from PyQt6.QtWidgets import QDialog

    from orbitview.core.breakup.launch_sites import XICHANG
    from orbitview.core.orbits.propagate import propagate
    from orbitview.io.scenario_file import read_scenario, scenario_from_scene, write_scenario
    from orbitview.services.scenario import build_scene
    from orbitview.ui.events_menu import _loaded_objects
    from orbitview.ui.interceptor_dialog import InterceptorDialog, show_interceptor

    scene = loaded.scene
    debris = scene.layers[0]
    debris.origin = FileOrigin(str(catalogs / "debris_2025-02-15_tle" / "fengyun-1c-debris.txt"))
    row = overhead_target(debris, XICHANG, T)
    dialog = InterceptorDialog(loaded, _loaded_objects(scene.layers))
    made_dialogs.append(dialog)
    dialog.show()
    dialog.target_box.setEditText(dialog.target_box.itemText(row))
    dialog.site_box.setCurrentText("Xichang")
    dialog.flight_edit.setText("400")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.error_label.text()
    arc = dialog.arc
    assert arc.site is XICHANG and arc.intercept_s == T and arc.flight_s == 400.0
    target = propagate(debris.catalog.take([row]), np.array([T]), "GCRS").position_km[0, 0]
    assert np.linalg.norm(arc.states_gcrs(T)[0][0] - target) < 1.0
    assert dialog.origin.target == debris.origin and dialog.origin.norad == debris.catalog.norad_id[row]
    missile = show_interceptor(loaded, arc, dialog.origin)
    assert scene.layers[-1] is missile and scene.clock.time_s == arc.launch_s - 10.0
    assert "burnout speed" in loaded.statusBar().currentMessage()
    qtbot.waitUntil(lambda: id(missile) in loaded.view.interceptors, timeout=20000)  # its site, trail and label

    path = tmp_path / "saved.toml"
    write_scenario(scenario_from_scene(scene), path)
    again = build_scene(read_scenario(path), satcat=None)[0]
    flown = again.layers[-1].arc
    assert flown.site.key == "xichang" and flown.intercept_s == T and flown.flight_s == 400.0
    assert np.linalg.norm(flown.intercept_position_km - arc.intercept_position_km) < 1e-6
