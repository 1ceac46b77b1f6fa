"""Issue 15's acceptance: a scenario with coastlines and grid on, a debris-only filter and a red
layer renders with the lines drawn, only the filtered objects shown, all of them red, from the
command line and from File > Export Image; the window shows the same 3D view; a scenario saved
from the window opens in a new window as the same model and the same picture."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from pictures import (
    acceptance_text,
    assert_lines_drawn,
    assert_only_the_filtered_objects_in_red,
    assert_same_model,
    red,
)

from orbitview.cli import main
from orbitview.io.scenario_file import parse_scenario, read_scenario, scenario_from_scene
from orbitview.services.scenario import build_scene

SIZE = (960, 540)


def cli_render(catalogs, folder, lines: bool) -> np.ndarray:
    path = folder / f"acceptance_{lines}.toml"
    path.write_text(acceptance_text(catalogs, SIZE, lines), encoding="utf-8")
    out = folder / f"acceptance_{lines}.png"
    assert main(["render", str(path), "--out", str(out)]) == 0
    return np.asarray(Image.open(out).convert("RGB"))


@pytest.mark.pixels
def test_the_command_line_draws_the_lines_only_the_filtered_objects_and_in_red(catalogs, tmp_path, artefacts):
    with_lines = cli_render(catalogs, tmp_path, True)
    without = cli_render(catalogs, tmp_path, False)
    Image.fromarray(with_lines).save(artefacts / "acceptance_cli.png")
    scene, _ = build_scene(parse_scenario(acceptance_text(catalogs, SIZE)))
    layer = scene.layers[0]
    assert 0 < layer.shown.sum() == 209 < len(layer)
    assert assert_only_the_filtered_objects_in_red(with_lines, scene) > 30
    assert_lines_drawn(with_lines, without, scene)


# --- the window -----------------------------------------------------------------------------------


def view_of(window, qtbot) -> np.ndarray:
    """The window's own 3D view after its next frame, without its 2D overlay (title, legend,
    clock: the export draws its own)."""
    from qt_windows import grab

    window.view.overlay.hide()
    drawn = window.frames_drawn
    window.canvas.update()
    qtbot.waitUntil(lambda: window.frames_drawn > drawn, timeout=20000)
    return grab(window)


def opened(make_window, path):
    from orbitview.ui import export_dialogs

    window = make_window()
    assert export_dialogs.open_scenario_dialog(window, str(path)) is not None
    return window


def export_image(window, qtbot, out, size) -> np.ndarray:
    """File > Export Image of the window at ``size``, past its dialog: the job it starts."""
    from orbitview.ui import export_dialogs

    job = export_dialogs._start(window, scenario_from_scene(window.scene), f"{size[0]}x{size[1]}",
                                str(out), [], "image")
    qtbot.waitUntil(lambda: job not in export_dialogs._running, timeout=120_000)
    assert out.is_file(), job.errors
    return np.asarray(Image.open(out).convert("RGB"))


def earth_disc(image: np.ndarray) -> tuple[np.ndarray, float]:
    """Centre (x, y) and radius, pixels, of the lit or dark Earth: the bright region of the
    view that is not a star or a dot (filled rows between the limbs)."""
    lit = image.astype(int).sum(axis=2) > 60
    rows = np.flatnonzero(lit.sum(axis=1) > 20)
    ys, xs = np.nonzero(lit[rows.min(): rows.max() + 1])
    return np.array([xs.mean(), ys.mean() + rows.min()]), np.sqrt(lit[rows.min(): rows.max() + 1].sum() / np.pi)


@pytest.mark.qt
def test_export_image_shows_the_windows_3d_view(make_window, catalogs, qtbot, tmp_path, artefacts):
    path = tmp_path / "acceptance.toml"
    path.write_text(acceptance_text(catalogs, SIZE), encoding="utf-8")
    window = opened(make_window, path)
    scene = window.scene
    assert scene.show_coastlines and scene.show_grid and scene.layers[0].color == (1.0, 0.0, 0.0, 1.0)
    # The widgets show the opened model: View's switches, the layer's filter.
    switches = window.overlay_actions
    assert switches["show_coastlines"].isChecked() and switches["show_grid"].isChecked()
    assert not switches["show_borders"].isChecked()
    assert window.layers_panel.text_filter.text() == "IRIDIUM 33"
    seen = view_of(window, qtbot)
    size = (seen.shape[1], seen.shape[0])
    assert tuple(window.canvas.size) == size
    exported = export_image(window, qtbot, tmp_path / "export.png", size)
    Image.fromarray(seen).save(artefacts / "acceptance_window.png")
    Image.fromarray(exported).save(artefacts / "acceptance_export.png")
    # Each is what the projection of the model says...
    assert assert_only_the_filtered_objects_in_red(seen, scene) > 30
    assert assert_only_the_filtered_objects_in_red(exported, scene) > 30
    # ... so the two agree: the Earth's disc and the dots in the same places.
    (centre_a, radius_a), (centre_b, radius_b) = earth_disc(seen), earth_disc(exported)
    assert np.linalg.norm(centre_a - centre_b) < 2.0 and abs(radius_a - radius_b) < 2.0
    ys, xs = np.nonzero(red(exported))
    window_red = red(seen)
    near = [window_red[y - 2: y + 3, x - 2: x + 3].any() for x, y in zip(xs, ys)]
    assert np.mean(near) > 0.95


@pytest.mark.qt
def test_a_scenario_saved_from_the_window_opens_as_the_same_model_and_picture(make_window, catalogs, qtbot,
                                                                              tmp_path):
    from orbitview.io.scenario_file import write_scenario

    path = tmp_path / "acceptance.toml"
    path.write_text(acceptance_text(catalogs, SIZE), encoding="utf-8")
    first = opened(make_window, path)
    # Changed in the window's widgets and menus, as a user would.
    panel = first.layers_panel
    panel.range_fields[("perigee_km", 0)].setText("700")
    panel.set_color(first.scene.layers[0], (0.0, 1.0, 0.0, 1.0))
    first.scene.show_borders = True
    first.scene.camera.distance_km = 25000.0
    first.time_bar.step_forward()
    assert 0 < first.scene.layers[0].shown.sum() < 209
    saved = tmp_path / "saved.toml"
    write_scenario(scenario_from_scene(first.scene), saved)
    second = opened(make_window, saved)
    assert_same_model(first.scene, second.scene)
    assert read_scenario(saved) == read_scenario(saved)
    a, b = view_of(first, qtbot), view_of(second, qtbot)
    assert a.shape == b.shape
    differs = np.abs(a.astype(int) - b.astype(int)).sum(axis=2) > 60
    assert differs.mean() < 0.002
