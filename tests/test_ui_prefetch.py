"""The real window plays fast without SGP4 on the GUI thread: its keyframe pairs come from the
prefetch worker, and once paused the dots are the exact pair at the clock's time (tier 3)."""

import threading

import numpy as np
import pytest

from orbitview.core.model.scene import Layer
from orbitview.core.orbits.keyframes import LiveKeyframes
from orbitview.io.catalog_files import load_catalog

pytestmark = pytest.mark.qt


class ThreadRecordingKeyframes(LiveKeyframes):
    def __init__(self, catalog):
        super().__init__(catalog)
        self.threads = []

    def at(self, t_s, step_s=None):
        self.threads.append(threading.current_thread())
        return super().at(t_s, step_s)


def test_playing_at_x10000_computes_every_pair_after_the_first_in_the_worker(make_window, qtbot, catalogs):
    catalog = load_catalog(catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt").catalog
    window = make_window()
    source = ThreadRecordingKeyframes(catalog)
    layer = window.scene.add_layer(Layer("iridium", catalog, source))
    clock = window.scene.clock
    clock.set_span(clock.time_s, clock.time_s + 30 * 86400.0)
    start = clock.time_s
    clock.speed, clock.playing = 10000.0, True
    # Playing until the worker has made several pairs (its SGP4 process starts first) and
    # three simulated hours (180 pairs) have gone by.
    qtbot.waitUntil(lambda: len(source.threads) > 3 and clock.time_s > start + 3 * 3600.0, timeout=60000)
    clock.playing = False
    qtbot.waitUntil(window.view.settled, timeout=20000)
    main = threading.main_thread()
    assert source.threads[0] is main  # the new layer's first pair
    assert len(source.threads) > 3 and main not in source.threads[1:]
    drawn = window.view.layers[id(layer)].node
    assert drawn.keyframes.contains(clock.time_s) and drawn.drawn_time_s == clock.time_s
    exact = LiveKeyframes(catalog).at(clock.time_s)
    assert np.allclose(drawn.keyframes.position0_km, exact.position0_km, atol=1e-3)  # km: a metre


def test_playing_fast_no_sgp4_runs_on_the_gui_thread_following_showing_the_info_and_the_gabbard_dock(
        make_window, qtbot, catalogs, monkeypatch):
    """The camera follows the selection, the info panel and the Gabbard dock show it live and
    the overlay counts the objects in orbit: while the clock plays, none of them runs SGP4 on
    the GUI thread. SGP4 of this process is counted where ``propagate`` calls it."""
    from orbitview.core.model.object_ref import ObjectRef
    from orbitview.core.orbits import propagate as propagate_module

    threads = []
    states_block = propagate_module.states_block

    def counted(*args, **kwargs):
        threads.append(threading.current_thread())
        return states_block(*args, **kwargs)

    monkeypatch.setattr(propagate_module, "states_block", counted)
    catalog = load_catalog(catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt").catalog
    window = make_window()
    scene = window.scene
    layer = scene.add_layer(Layer("iridium", catalog))
    scene.overlay.in_orbit = True
    scene.selected = ObjectRef(layer, int(np.flatnonzero(layer.keyframes.at(scene.clock.time_s).valid)[0]))
    scene.camera.follow = scene.selected
    window.gabbard_dock.show()
    qtbot.waitUntil(lambda: window.gabbard_dock.data is not None and window.info_panel.info is not None,
                    timeout=20000)
    clock = scene.clock
    clock.set_span(clock.time_s, clock.time_s + 30 * 86400.0)
    start, center, shown = clock.time_s, scene.camera.center_km, window.info_panel.info
    plotted = window.gabbard_dock.data
    clock.speed, clock.playing = 10000.0, True
    main = threading.main_thread()
    threads.clear()
    qtbot.waitUntil(lambda: clock.time_s > start + 6 * 3600.0, timeout=60000)
    # What the panels show came from the worker while playing: newer than before it.
    qtbot.waitUntil(lambda: window.info_panel.info is not shown and window.gabbard_dock.data is not plotted,
                    timeout=20000)
    clock.playing = False
    assert threads and main not in threads
    assert window.info_panel.info.t_s > start and scene.camera.center_km != center


def settled_view(window, qtbot) -> np.ndarray:
    """The view after its next frame, once every layer is drawn at the clock's time."""
    from qt_windows import grab

    qtbot.waitUntil(window.view.settled, timeout=20000)
    drawn = window.frames_drawn
    window.canvas.update()
    qtbot.waitUntil(lambda: window.frames_drawn > drawn, timeout=20000)
    return grab(window)


def pure(image: np.ndarray, channel: int) -> np.ndarray:
    """(H, W) bool: a layer's pure red (0) or green (1), also dimmed (a dot's rim, the Earth's
    shadow), not a class colour nor the Earth's."""
    own = image[..., channel].astype(int)
    others = image.astype(int).sum(axis=2) - own
    return (own >= 60) & (others <= 80) & (own >= 2 * others)


def test_removing_a_layer_stops_its_catalogues_sgp4_process_and_adding_it_again_starts_another(
        make_window, qtbot, catalogs, full_catalog_path):
    """26,140 objects removed from the window: their SGP4 process ends; the other layer is still
    drawn, its pairs still made in its own process; the catalogue added again gets a new one."""
    import os

    from pictures import drawn_at
    from processes import alive, descendants

    from orbitview.core.orbits.propagate import worker_context
    from orbitview.core.orbits.times import parse_utc

    worker_context()  # the forkserver they are forked from: the processes that start are SGP4's
    window = make_window()
    scene, clock = window.scene, window.scene.clock
    # Once every object is launched: before, those launched are propagated on the worker's thread.
    clock.time_s = parse_utc("2023-10-10T00:00:00Z")
    full_catalog = load_catalog(full_catalog_path).catalog

    def add_and_step(layer: Layer) -> set:
        """Add ``layer`` and step the clock a minute at a time until a new process runs it."""
        before = descendants(os.getpid())
        scene.add_layer(layer)
        started = set()

        def started_one() -> bool:
            started.update(p for p in descendants(os.getpid(), before) - before if alive(p))
            if not started:
                clock.time_s += 60.0
            return bool(started)

        qtbot.waitUntil(started_one, timeout=20000)
        return started

    debris = Layer("iridium", load_catalog(catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt").catalog,
                   color_by="source", color=(0.0, 1.0, 0.0, 1.0))
    debris_process = add_and_step(debris)
    full = Layer("full", full_catalog, color_by="source", color=(1.0, 0.0, 0.0, 1.0))
    full_process = add_and_step(full)
    assert len(debris_process) == len(full_process) == 1
    assert pure(settled_view(window, qtbot), 0).sum() > 1000

    scene.remove_layer(full)
    qtbot.waitUntil(lambda: not any(alive(p) for p in full_process), timeout=20000)
    assert all(alive(p) for p in debris_process)
    # The other layer is drawn, at a time its worker's process computed, every dot where it is.
    clock.time_s += 3600.0
    image = settled_view(window, qtbot)
    assert not pure(image, 0).any()
    xy = np.round(drawn_at(scene, np.arange(len(debris)), tuple(window.canvas.size))).astype(int)
    green = pure(image, 1)
    hits = [green[y - 1: y + 2, x - 1: x + 2].any() for x, y in xy]
    assert len(hits) > 30 and np.mean(hits) >= 0.95, (len(hits), np.mean(hits))

    again = add_and_step(Layer("full again", full_catalog, color_by="source", color=(1.0, 0.0, 0.0, 1.0)))
    assert len(again) == 1 and not again & full_process
    assert pure(settled_view(window, qtbot), 0).sum() > 1000
