"""Render adapters without a window: what the visuals are handed, and how often.

Uploads are counted on the visuals' real vispy buffers (their ``set_data`` wrapped), keyframe
computations on the real sources, redraw requests on a real EGL canvas.
"""

import math
import threading
from collections import Counter

import numpy as np
import pytest

from orbitview.core.model.scene import Layer
from orbitview.core.orbits.keyframes import MAX_PLAYING_STEP_S, PLAYING_BOUND_KM, LiveKeyframes, playing_step_s
from orbitview.core.orbits.prefetch import Prefetcher
from orbitview.core.orbits.propagate import propagate
from orbitview.core.orbits.times import parse_utc
from orbitview.io.catalog_files import load_catalog
from orbitview.render.adapters.view import LayerAdapter

pytestmark = pytest.mark.adapter

T0 = parse_utc("2023-10-09T12:00:00Z")
SUN = np.array([1.0, 0.0, 0.0])
BUFFERS = ("motion_buffer", "style_buffer", "index_buffer")


@pytest.fixture(scope="module")
def debris(catalogs):
    return load_catalog(catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt").catalog


class CountingKeyframes(LiveKeyframes):
    """SGP4 keyframes that remember on which threads they were computed."""

    def __init__(self, catalog):
        super().__init__(catalog, step_s=60.0)
        self.threads = []

    @property
    def calls(self) -> int:
        return len(self.threads)

    def at(self, t_s, step_s=None):
        self.threads.append(threading.current_thread())
        return super().at(t_s, step_s)


class Uploads(Counter):
    """Counts of ``set_data`` calls on a visual's three GPU buffers by buffer name, from now;
    ``last[name]``: the data the buffer was handed last."""

    def __init__(self, node):
        super().__init__()
        self.last = {}
        for name in BUFFERS:
            buffer = getattr(node, name)
            original = buffer.set_data

            def counted(data, *args, _name=name, _original=original, **kwargs):
                self[_name] += 1
                self.last[_name] = np.copy(data)
                return _original(data, *args, **kwargs)

            buffer.set_data = counted


class Deliveries:
    """A ``Prefetcher``'s ``deliver`` for tests: results wait until ``run`` takes them on the
    test's thread, as the window's event loop would."""

    def __init__(self):
        self.calls = []
        self.prefetcher = Prefetcher(self.calls.append)

    def run(self) -> int:
        assert self.prefetcher.wait_idle(60.0)
        calls, self.calls[:] = list(self.calls), []
        for call in calls:
            call()
        return len(calls)

    def run_until(self, done) -> None:
        """Hand results back until ``done()`` (each may ask for more), as the event loop does."""
        for _ in range(10):
            if done():
                return
            self.run()
        assert done()


@pytest.fixture
def deliveries():
    made = Deliveries()
    yield made
    made.prefetcher.close()


def main_thread_calls(source) -> int:
    return sum(thread is threading.main_thread() for thread in source.threads)


def adapter_for(layer, prefetcher=None, arrived=None, legend_changed=None):
    return LayerAdapter(layer, parent=None, legend_changed=legend_changed or (lambda *_: None),
                        prefetcher=prefetcher, arrived=arrived)


def test_ticks_inside_a_keyframe_interval_upload_nothing(debris):
    source = CountingKeyframes(debris)
    adapter = adapter_for(Layer("iridium", debris, source))
    adapter.set_time(T0 + 1.0, SUN)
    uploads = Uploads(adapter.node)
    for dt in (2.0, 10.0, 30.5, 59.0):
        adapter.set_time(T0 + dt, SUN)
    assert uploads == Counter() and source.calls == 1
    assert adapter.node.shared_program["u_dt"] == pytest.approx(59.0)


def test_crossing_a_keyframe_uploads_the_motion_buffer_once_and_nothing_else(debris):
    """Colours and the index stay on the GPU across a crossing where no object comes or goes."""
    source = CountingKeyframes(debris)
    adapter = adapter_for(Layer("iridium", debris, source))
    adapter.set_time(T0 + 30.0, SUN)
    uploads = Uploads(adapter.node)
    adapter.set_time(T0 + 61.0, SUN)
    adapter.set_time(T0 + 75.0, SUN)
    assert uploads == Counter(motion_buffer=1) and source.calls == 2
    assert adapter.node.keyframes.t0_s == T0 + 60.0


def test_a_colour_change_uploads_colours_only_and_a_filter_the_index_only(debris):
    layer = Layer("iridium", debris, CountingKeyframes(debris), color_by="source")
    adapter = adapter_for(layer)
    adapter.set_time(T0 + 5.0, SUN)
    uploads = Uploads(adapter.node)
    layer.color = (1.0, 0.0, 0.0, 1.0)
    assert uploads == Counter(style_buffer=1)
    assert (uploads.last["style_buffer"]["a_color"] == (1.0, 0.0, 0.0, 1.0)).all()
    layer.color_by = "class"
    assert uploads == Counter(style_buffer=2)
    shown = np.zeros(len(debris), bool)
    shown[::3] = True
    layer.shown = shown
    assert uploads == Counter(style_buffer=2, index_buffer=1)
    valid = adapter.node.keyframes.valid
    assert np.array_equal(adapter.node.drawn, shown & valid)
    layer.shown = shown.copy()  # the same objects: nothing to upload
    assert uploads == Counter(style_buffer=2, index_buffer=1)


def test_layer_visibility_and_size_reach_the_visual(debris):
    layer = Layer("iridium", debris)
    adapter = LayerAdapter(layer, parent=None, legend_changed=lambda *_: None)
    layer.visible = False
    assert adapter.node.visible is False
    layer.point_size = 7.0
    assert adapter.node.shared_program["u_size"] == 7.0
    adapter.close()
    layer.visible = True
    assert adapter.node.visible is False  # disconnected: the closed adapter no longer listens


def test_keyframes_interpolate_to_sgp4_within_metres(debris):
    """The CPU twin of the shader formula reproduces SGP4 between keyframes (GCRS, metres)."""
    keyframes = LiveKeyframes(debris, step_s=60.0).at(T0)
    middle = propagate(debris, np.array([T0 + 30.0]), "GCRS").position_km[0]
    error_m = np.linalg.norm(keyframes.interpolate(T0 + 30.0) - middle, axis=1)[keyframes.valid] * 1000
    # float32 keyframes hold about 1 m at 7,000 km; the Hermite error at 60 s is below that
    # except for the few fragments near a low perigee, where the path bends fastest.
    assert np.median(error_m) < 1.0 and np.percentile(error_m, 90) < 5.0 and error_m.max() < 25.0


def test_pinned_labels_sit_on_the_pinned_layers_object_not_its_namesake(catalogs):
    """Two snapshots of the Fengyun-1C cloud share numbers: the label of an object pinned in
    the second is drawn where the second's elements put it."""
    from namesakes import load_snapshots, namesake_scene

    from orbitview.render.adapters.selection import SelectionAdapter

    scene, pinned, namesake = namesake_scene(*load_snapshots(catalogs))
    n, where = pinned.norad_id, scene.position_gcrs_km(pinned)
    adapter = SelectionAdapter(scene, parent=None)
    scene.toggle_pin(pinned)
    assert adapter.labels.visible and list(adapter.labels.text) == [f"  {pinned.name} ({n})"]
    assert np.allclose(adapter.labels.pos[0], where, atol=0.01)
    assert not adapter.ring.visible
    scene.selected = pinned
    # The orbit track is the second layer's: its middle sample is the object at the clock's time.
    orbit = adapter.orbit.pos
    assert np.allclose(orbit[len(orbit) // 2], where, atol=0.01)
    scene.selected = namesake
    assert np.allclose(adapter.labels.pos[0], scene.position_gcrs_km(namesake), atol=0.01)
    assert np.allclose(adapter.labels.pos[1], where, atol=0.01)
    orbit = adapter.orbit.pos
    assert np.allclose(orbit[len(orbit) // 2], scene.position_gcrs_km(namesake), atol=0.01)
    adapter.close()


def test_with_a_prefetcher_the_next_pair_is_computed_in_the_worker_before_the_clock_reaches_it(debris, deliveries):
    source = CountingKeyframes(debris)
    adapter = adapter_for(Layer("iridium", debris, source), deliveries.prefetcher)
    main = threading.current_thread()
    adapter.set_time(T0 + 30.0, SUN, speed=10.0)  # a new layer's first pair is computed at once
    assert source.threads == [main]
    assert deliveries.run() == 1  # the pair after it, asked for ahead of the clock
    assert source.calls == 2 and source.threads[1] is not main
    uploads = Uploads(adapter.node)
    adapter.set_time(T0 + 61.0, SUN, speed=10.0)
    assert uploads == Counter(motion_buffer=1) and adapter.node.keyframes.t0_s == T0 + 60.0
    assert adapter.settled()
    deliveries.run()
    assert main not in source.threads[1:]
    # Played backwards, the pair before is asked for.
    adapter.set_time(T0 + 70.0, SUN, speed=-10.0)
    deliveries.run()
    uploads = Uploads(adapter.node)
    adapter.set_time(T0 + 59.0, SUN, speed=-10.0)
    assert uploads == Counter(motion_buffer=1) and adapter.node.keyframes.t0_s == T0
    assert main not in source.threads[1:]


def test_while_the_pair_is_computed_the_dots_wait_at_the_end_of_the_pair_held(debris, deliveries):
    """The clock jumps two hours: nothing is computed on this thread, the dots stay where the
    pair held ends (no cubic extrapolated), and the pair of the new time arrives exact."""
    source = CountingKeyframes(debris)
    arrived = []
    adapter = adapter_for(Layer("iridium", debris, source), deliveries.prefetcher, arrived=lambda: arrived.append(1))
    adapter.set_time(T0 + 30.0, SUN)
    held = adapter.node.keyframes
    row = int(np.flatnonzero(held.valid)[0])
    adapter.set_time(T0 + 7230.0, SUN)
    assert source.calls == 1 and not adapter.settled()
    assert adapter.node.drawn_time_s == held.t1_s
    assert np.allclose(adapter.position_km(row), held.position1_km[row], atol=1e-3)
    deliveries.run_until(adapter.settled)
    assert arrived and source.calls > 1 and main_thread_calls(source) == 1
    assert adapter.node.keyframes.t0_s == T0 + 7200.0 and adapter.node.drawn_time_s == T0 + 7230.0
    sgp4 = propagate(debris.take([row]), np.array([T0 + 7230.0]), "GCRS").position_km[0, 0]
    assert np.linalg.norm(adapter.position_km(row) - sgp4) * 1000 < 25.0


def test_a_pair_overtaken_by_a_later_request_is_dropped(debris, deliveries):
    adapter = adapter_for(Layer("iridium", debris, CountingKeyframes(debris)), deliveries.prefetcher)
    adapter.set_time(T0 + 30.0, SUN)
    assert deliveries.prefetcher.wait_idle()
    deliveries.calls.clear()  # the pair after the first, asked for ahead
    adapter.set_time(T0 + 5000.0, SUN)
    assert deliveries.prefetcher.wait_idle()
    adapter.set_time(T0 + 9000.0, SUN)
    assert deliveries.prefetcher.wait_idle()
    first, second = deliveries.calls
    deliveries.calls.clear()
    uploads = Uploads(adapter.node)
    second()
    first()  # asked for earlier: it must not replace the pair of the later request
    assert uploads == Counter(motion_buffer=1)
    assert adapter.node.keyframes.contains(T0 + 9000.0)


def test_playing_fast_the_pairs_grow_to_the_playing_step_within_its_bound_and_paused_are_exact(debris, deliveries):
    """At x10,000 a 60 s pair would last 6 ms of wall time: the worker makes pairs
    ``playing_step_s`` long, drawn within ``PLAYING_BOUND_KM`` of direct SGP4, and once the
    clock stops the exact pair of its time replaces the coarse one."""
    source = CountingKeyframes(debris)
    adapter = adapter_for(Layer("iridium", debris, source), deliveries.prefetcher)
    t = T0 + 30.0
    adapter.set_time(t, SUN)
    held = adapter.node.keyframes
    assert not held.coarse and held.t1_s - held.t0_s == 60.0
    steps, worst_km = set(), 0.0
    for _ in range(40):
        t += 200.0  # a frame of 20 ms at x10,000
        adapter.set_time(t, SUN, speed=10000.0)
        deliveries.run()
        held = adapter.node.keyframes
        if held.coarse:
            steps.add(held.t1_s - held.t0_s)
            drawn_s = adapter.node.drawn_time_s
            rows = np.flatnonzero(held.valid)
            sgp4 = propagate(debris, np.array([drawn_s]), "GCRS").position_km[0, rows]
            drawn = np.array([adapter.position_km(int(row)) for row in rows])
            worst_km = max(worst_km, float(np.linalg.norm(drawn - sgp4, axis=1).max()))
    assert steps == {playing_step_s(10000.0)} == {MAX_PLAYING_STEP_S}
    assert 0.0 < worst_km <= PLAYING_BOUND_KM
    adapter.set_time(t, SUN, speed=0.0)
    assert not adapter.settled()  # a coarse pair holds the clock's time, not the exact one
    deliveries.run_until(adapter.settled)
    held, exact = adapter.node.keyframes, LiveKeyframes(debris).at(t)
    assert not held.coarse and (held.t0_s, held.t1_s) == (exact.t0_s, exact.t1_s)
    assert np.allclose(held.position0_km, exact.position0_km, atol=1e-3)  # km: a metre
    assert adapter.node.drawn_time_s == t and main_thread_calls(source) == 1


def test_one_clock_tick_asks_for_one_redraw_and_uploads_at_most_once(debris, canvas):
    from orbitview.core.model.clock import Clock
    from orbitview.core.model.scene import Scene
    from orbitview.render.adapters.view import OrbitView

    scene = Scene(clock=Clock(time_s=T0 + 1.0))
    scene.add_layer(Layer("iridium", debris))
    view = OrbitView(scene, canvas)
    node = next(iter(view.layers.values())).node
    redraws = []
    backend = canvas._backend
    request = backend._vispy_update
    backend._vispy_update = lambda: (redraws.append(1), request())
    try:
        canvas.events.draw(region=None)
        for dt, motion in ((2.0, 0), (30.0, 0), (61.0, 1), (62.0, 0), (200.0, 1)):
            redraws.clear()
            uploads = Uploads(node)
            scene.clock.time_s = T0 + dt
            assert len(redraws) == 1, dt
            assert uploads == Counter(motion_buffer=motion), dt
            canvas.events.draw(region=None)  # the frame it asked for
    finally:
        del backend._vispy_update
        view.close()


def test_camera_model_and_vispy_camera_follow_each_other_both_ways(canvas):
    from orbitview.core.model.camera import CameraState
    from orbitview.render.adapters.camera_adapter import CameraAdapter

    state = CameraState()
    adapter = CameraAdapter(state, canvas.central_widget.add_view())
    camera = adapter.camera
    state.azimuth_deg, state.elevation_deg, state.distance_km = 40.0, 10.0, 30000.0
    half_fov = math.radians(state.fov_deg) / 2
    assert (camera.azimuth, camera.elevation) == (40.0, 10.0)
    assert camera.scale_factor == pytest.approx(2 * 30000.0 * math.tan(half_fov))
    # A mouse drag turns and zooms vispy's camera; the next frame copies it into the model,
    # which does not write back what it was handed.
    camera.azimuth, camera.elevation, camera.scale_factor = 75.0, 20.0, 2 * 50000.0 * math.tan(half_fov)
    written = []
    state.events.azimuth_deg.connect(written.append)
    camera.azimuth = 75.0
    adapter.from_vispy()
    assert (state.azimuth_deg, state.elevation_deg) == (75.0, 20.0)
    assert state.distance_km == pytest.approx(50000.0)
    assert written == [75.0] and camera.azimuth == 75.0
    # Zoomed into the ground: the model keeps the eye outside the Earth, and vispy follows.
    camera.scale_factor = 2 * 100.0 * math.tan(half_fov)
    adapter.from_vispy()
    assert state.distance_km > 6378.0
    assert camera.scale_factor == pytest.approx(2 * state.distance_km * math.tan(half_fov))
    adapter.close()
    state.azimuth_deg = 10.0
    assert camera.azimuth == 75.0  # closed: no longer listening


def test_the_legend_counts_what_is_drawn_and_the_export_shows_the_same_rows(canvas):
    """The Fengyun-1C briefing: before the intercept one payload (the satellite) and the
    missile flying to it, after it the fragments and the remnant, never the satellite as well
    (the window said "payload 2"), nor the missile."""
    from orbitview.commands.common import default_briefing_scene
    from orbitview.core.model.legend import CLASS_COLORS
    from orbitview.core.model.scenario import OverlayText
    from orbitview.core.orbits.classify import ObjectClass
    from orbitview.render.adapters.view import OrbitView
    from orbitview.render.export.exporter import FrameRenderer

    scene = default_briefing_scene(None)
    event_s = scene.layers[1].keyframes.start_s
    fragments = scene.layers[1].catalog.object_class
    missile = scene.layers[2]
    before = [("payload", CLASS_COLORS[ObjectClass.PAYLOAD], 1), (missile.name, missile.color, 1)]
    view = OrbitView(scene, canvas)
    try:
        scene.clock.time_s = event_s - 60.0
        assert view.overlay.annotator.legend == before
        scene.clock.time_s = event_s + 60.0
        expected = [(label, CLASS_COLORS[code], int((fragments == code).sum()))
                    for label, code in (("payload", ObjectClass.PAYLOAD), ("debris", ObjectClass.DEBRIS))]
        assert view.overlay.annotator.legend == expected
        assert expected[0][2] == 1 and expected[1][2] > 1000
    finally:
        view.close()
    renderer = FrameRenderer(scene, (320, 180), OverlayText())
    try:
        renderer.render(event_s - 60.0)
        assert renderer.annotator.legend == before
        renderer.render(event_s + 60.0)
        assert renderer.annotator.legend == expected
    finally:
        renderer.close()


def test_tracks_are_computed_in_the_worker_and_an_overtaken_selection_is_dropped(catalogs, deliveries):
    from namesakes import load_snapshots, namesake_scene

    from orbitview.render.adapters.selection import SelectionAdapter

    scene, pinned, namesake = namesake_scene(*load_snapshots(catalogs))
    adapter = SelectionAdapter(scene, parent=None, prefetcher=deliveries.prefetcher)
    scene.selected = namesake
    assert not adapter.orbit.visible  # nothing drawn until the worker has it
    scene.selected = pinned  # before the first one's tracks came back
    assert not adapter.settled()
    deliveries.run()
    orbit = adapter.orbit.pos
    assert adapter.orbit.visible and adapter.settled()
    assert np.allclose(orbit[len(orbit) // 2], scene.position_gcrs_km(pinned), atol=0.01)
    adapter.close()


def test_a_result_newer_than_the_one_drawn_is_drawn_while_newer_ones_are_still_made(deliveries):
    """Asked for faster than the worker makes them (playing close to an object), each result
    that comes back newer than the one drawn is drawn; one for an object no longer asked for
    is not."""
    from orbitview.render.adapters.worker_results import WorkerResults

    drawn, running = [], threading.Event()
    release = threading.Event()

    def slow(value):
        running.set()
        release.wait(10)
        return value

    results = WorkerResults(deliveries.prefetcher, "tracks", lambda of, result: drawn.append((of, result)))
    assert results.ask("iss", lambda: slow(1)) is None
    assert running.wait(10)  # the first is being made when the next two are asked for
    results.ask("iss", lambda: 2)
    release.set()
    deliveries.run_until(lambda: len(drawn) == 2)
    assert drawn == [("iss", 1), ("iss", 2)] and results.settled()
    running.clear()
    release.clear()
    results.ask("iss", lambda: slow(3))
    assert running.wait(10)
    results.ask("hubble", lambda: 4)  # another object: the first result is for nothing asked now
    assert not results.settled()
    release.set()
    deliveries.run_until(results.settled)
    assert drawn[2:] == [("hubble", 4)]
    results.close()


def test_labels_sit_on_the_dots_while_a_pair_is_still_computed(debris, canvas, deliveries):
    from orbitview.core.model.clock import Clock
    from orbitview.core.model.object_ref import ObjectRef
    from orbitview.core.model.scene import Scene
    from orbitview.render.adapters.view import OrbitView

    scene = Scene(clock=Clock(time_s=T0 + 1.0))
    layer = scene.add_layer(Layer("iridium", debris))
    view = OrbitView(scene, canvas, deliveries.prefetcher)
    try:
        ref = ObjectRef(layer, int(np.flatnonzero(layer.keyframes.at(T0).valid)[0]))
        scene.toggle_pin(ref)
        scene.clock.time_s = T0 + 3601.0
        dots = view.layers[id(layer)].node.keyframes
        assert dots.t1_s == T0 + 60.0
        assert np.allclose(view.selection.labels.pos[0], dots.position1_km[ref.row], atol=0.01)
        deliveries.run_until(view.settled)
        assert np.allclose(view.selection.labels.pos[0], scene.position_gcrs_km(ref), atol=0.01)
    finally:
        view.close()


@pytest.mark.parametrize("some_not_launched", [False, True])
def test_the_workers_sgp4_runs_in_a_child_process_and_gives_the_pairs_computed_here(debris, monkeypatch,
                                                                                   some_not_launched):
    """On the prefetch thread SGP4 runs in a child process (it would hold this process's GIL),
    also when some objects are not launched yet (only the launched ones are asked for); its
    pairs are those SGP4 gives here, to the metre."""
    from orbitview.core.orbits import keyframes as keyframes_module
    from orbitview.core.orbits.prefetch import sgp4_process_for

    appear_s = np.where(np.arange(len(debris)) % 3 == 0, T0 + 3600.0, -np.inf) if some_not_launched else None
    here = LiveKeyframes(debris, appear_s=appear_s).at(T0 + 30.0)
    threads = []
    monkeypatch.setattr(keyframes_module, "propagate",
                        lambda *args: (threads.append(threading.current_thread()), propagate(*args))[1])
    delivered = []
    prefetcher = Prefetcher(delivered.append)
    try:
        assert sgp4_process_for(debris) is None  # not on the worker: SGP4 runs here
        source = LiveKeyframes(debris, appear_s=appear_s)
        prefetcher.submit("pair", lambda: (sgp4_process_for(debris) is not None, source.at(T0 + 30.0)),
                          lambda request_id, result: delivered.append(result))
        assert prefetcher.wait_idle()
        delivered.pop()()
        in_child, remote = delivered.pop()
    finally:
        prefetcher.close()
    assert in_child and threads == [] and np.array_equal(remote.valid, here.valid)
    if some_not_launched:
        launched = appear_s <= T0
        assert not remote.valid[~launched].any() and remote.valid[launched].mean() > 0.9
    for name in ("position0_km", "position1_km"):
        assert np.abs(getattr(remote, name) - getattr(here, name)).max() < 1e-3  # km
    for name in ("velocity0_km_s", "velocity1_km_s"):
        assert np.abs(getattr(remote, name) - getattr(here, name)).max() < 1e-6  # km/s
