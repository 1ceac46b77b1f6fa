"""Render adapters without a window: what the visuals are handed, and how often."""

import numpy as np
import pytest

from orbitview.core.keyframes import LiveKeyframes
from orbitview.core.scene import Layer
from orbitview.core.times import parse_utc
from orbitview.io.catalog_files import load_catalog
from orbitview.render.view import LayerAdapter

pytestmark = pytest.mark.adapter

T0 = parse_utc("2023-10-09T12:00:00Z")
SUN = np.array([1.0, 0.0, 0.0])


@pytest.fixture(scope="module")
def debris(catalogs):
    return load_catalog(catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt").catalog


class CountingKeyframes(LiveKeyframes):
    def __init__(self, catalog):
        super().__init__(catalog, step_s=60.0)
        self.calls = 0

    def at(self, t_s):
        self.calls += 1
        return super().at(t_s)


def test_ticks_inside_a_keyframe_interval_upload_nothing(debris):
    source = CountingKeyframes(debris)
    adapter = LayerAdapter(Layer("iridium", debris, source), parent=None, legend_changed=lambda *_: None)
    adapter.set_time(T0 + 1.0, SUN)
    assert adapter.node.upload_count == 1 and source.calls == 1
    for dt in (2.0, 10.0, 30.5, 59.0):
        adapter.set_time(T0 + dt, SUN)
    assert adapter.node.upload_count == 1 and source.calls == 1
    assert adapter.node.shared_program["u_dt"] == pytest.approx(59.0)


def test_crossing_a_keyframe_uploads_once(debris):
    source = CountingKeyframes(debris)
    adapter = LayerAdapter(Layer("iridium", debris, source), parent=None, legend_changed=lambda *_: None)
    adapter.set_time(T0 + 30.0, SUN)
    adapter.set_time(T0 + 61.0, SUN)
    adapter.set_time(T0 + 75.0, SUN)
    assert adapter.node.upload_count == 2 and source.calls == 2
    assert adapter.node.keyframes.t0_s == T0 + 60.0


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
    from orbitview.core.propagate import propagate

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

    from orbitview.render.selection import SelectionAdapter

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
