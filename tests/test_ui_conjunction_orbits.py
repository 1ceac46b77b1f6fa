"""A highlighted encounter in the real window (tier 3): its two orbits are made in the prefetch
worker, never on the GUI thread, also while the clock plays a few kilometres from the pair (they
are made again every half simulated second there); once the view is settled they are drawn
through the pair."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from qt_windows import grab

from orbitview.core.conjunctions.screen import screen
from orbitview.core.model.camera import project_to_pixels
from orbitview.core.model.scene import Layer
from orbitview.io.catalog_files import load_catalog

pytestmark = pytest.mark.qt

OBJECT_COLOR = (0.0, 1.0, 0.0, 1.0)


@pytest.fixture(scope="module")
def encounter_set(catalogs):
    """The Iridium 33 debris, and its closest encounter over 6 h from its epochs' median."""
    catalog = load_catalog(catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt").catalog
    encounters = screen(catalog, float(np.median(catalog.epoch_s)), 6 * 3600.0, 10.0, workers=1).encounters
    return catalog, min(encounters, key=lambda e: e.miss_km)


@pytest.fixture
def window_time_s(encounter_set) -> float:
    return encounter_set[1].tca_s


def orange(image: np.ndarray) -> np.ndarray:
    """(H, W) bool: the pair orbits' colour (1.0, 0.65, 0.2) at 80 %, over space or the Earth."""
    r, g, b = (image[..., i].astype(int) for i in range(3))
    return (r >= 120) & (g >= 0.45 * r) & (g <= 0.8 * r) & (b <= 0.5 * g)


def test_the_pairs_orbits_are_made_in_the_worker_while_it_plays_and_drawn_through_it_once_settled(
        make_window, qtbot, encounter_set, monkeypatch, artefacts):
    from orbitview.core.orbits import propagate as propagate_module
    from orbitview.render.adapters import conjunction_lines

    catalog, encounter = encounter_set
    orbit_threads, sgp4_threads = [], []
    orbit_track, states_block = conjunction_lines.orbit_track_gcrs_km, propagate_module.states_block

    def counted_orbit(*args, **kwargs):
        orbit_threads.append(threading.current_thread())
        return orbit_track(*args, **kwargs)

    def counted_sgp4(*args, **kwargs):
        sgp4_threads.append(threading.current_thread())
        return states_block(*args, **kwargs)

    monkeypatch.setattr(conjunction_lines, "orbit_track_gcrs_km", counted_orbit)
    monkeypatch.setattr(propagate_module, "states_block", counted_sgp4)
    window = make_window()
    scene, clock, main = window.scene, window.scene.clock, threading.main_thread()
    layer = scene.add_layer(Layer("iridium", catalog, color_by="source", color=OBJECT_COLOR))
    # The panel's choice: the clock at the TCA, the pair highlighted, pinned and framed.
    window.conjunctions_panel.choose(encounter)
    qtbot.waitUntil(window.view.settled, timeout=20000)
    assert len(orbit_threads) >= 2 and main not in orbit_threads  # both objects, in the worker
    assert scene.camera.distance_km < 50.0

    # Playing through the encounter at x1, the orbits made again every half simulated second.
    clock.set_span(encounter.tca_s - 60.0, encounter.tca_s + 60.0)
    clock.time_s = encounter.tca_s - 2.0
    qtbot.waitUntil(window.view.settled, timeout=20000)
    orbit_threads.clear()
    sgp4_threads.clear()
    clock.speed, clock.playing = 1.0, True
    qtbot.waitUntil(lambda: clock.time_s > encounter.tca_s + 1.0 and len(orbit_threads) >= 6, timeout=20000)
    clock.playing = False
    assert main not in orbit_threads and sgp4_threads and main not in sgp4_threads

    # Settled at the TCA: the orbit of the pair's second object runs through it along its way.
    clock.time_s = encounter.tca_s
    qtbot.waitUntil(window.view.settled, timeout=20000)
    drawn = window.frames_drawn
    window.canvas.update()
    qtbot.waitUntil(lambda: window.frames_drawn > drawn, timeout=20000)
    image = grab(window)
    from PIL import Image

    Image.fromarray(image).save(artefacts / "conjunction_orbits_settled.png")
    view, size = window.view.view_from_gcrs(), image.shape[1::-1]

    def orbit_line_px(norad: int) -> tuple[np.ndarray, np.ndarray]:
        """Where the object is drawn, pixels, and the unit direction of its way on the image."""
        ref = next(r for r in scene.find(norad) if r.layer is layer)
        ends = np.array([scene.position_gcrs_km(ref, encounter.tca_s + dt) for dt in (0.0, 0.1)])
        (here, ahead), in_front = project_to_pixels(ends, scene.camera, size, view)
        assert in_front.all()
        return here, (ahead - here) / np.linalg.norm(ahead - here)

    lines = [orbit_line_px(encounter.a), orbit_line_px(encounter.b)]
    mask = orange(image)
    # Along the second object's way (the first's orbit lies under its own selected track).
    here, along = lines[1]
    found = []
    for distance_px in (-120, -80, -40, 40, 80, 120):
        x, y = np.round(here + distance_px * along).astype(int)
        if 2 <= x < size[0] - 2 and 2 <= y < size[1] - 2:
            found.append(mask[y - 2: y + 3, x - 2: x + 3].any())
    assert len(found) >= 3 and all(found), found
    # And the orange is theirs: on one of the two orbits (straight lines over these few km).
    ys, xs = np.nonzero(mask)
    pixels = np.column_stack([xs, ys]).astype(float)
    off = np.min([np.abs(along[0] * (pixels[:, 1] - here[1]) - along[1] * (pixels[:, 0] - here[0]))
                  for here, along in lines], axis=0)
    assert len(pixels) > 300 and np.mean(off <= 3.0) > 0.95, (len(pixels), np.mean(off <= 3.0))
