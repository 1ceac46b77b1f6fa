"""One model, one truth: every saved field of every model class reaches the scenario file and
comes back, whatever its source; one span rule for trajectory files; what cannot be written is
named. Real catalogues, a real trajectory file, the shipped Fengyun-1C dataset."""

from __future__ import annotations

import numpy as np
import pytest

from pictures import assert_same_model, saved_fields

from orbitview.core.model.filters import LayerFilter, Regime
from orbitview.core.model.object_ref import ObjectRef
from orbitview.core.model.scenario import CameraKey, camera_timeline
from orbitview.core.model.origin import EventOrigin, FileOrigin, InterceptorOrigin
from orbitview.core.model.scene import Layer, Scene
from orbitview.core.model.screening import Highlight
from orbitview.core.orbits.classify import ObjectClass
from orbitview.core.orbits.propagate import propagate_blocks
from orbitview.core.orbits.times import parse_utc
from orbitview.io.catalog_files import load_catalog
from orbitview.io.scenario_file import parse_scenario, scenario_from_scene, scenario_to_toml, unsaved_layers
from orbitview.services.scenario import build_scene
from orbitview.io.trajectories import TrajectoryWriter
from orbitview.services.sources import open_source

pytestmark = pytest.mark.core

T0 = parse_utc("2025-02-15T00:00:00Z")
#: A time in the span of the ``scene`` fixture.
T_PATH = parse_utc("2007-01-11T23:00:00Z")


def write_trajectories(path, catalog, times_s):
    with TrajectoryWriter(path, catalog, times_s, "GCRS") as writer:
        for block in propagate_blocks(writer.elements, times_s, "GCRS", workers=1, align=writer.chunk_times):
            writer.write(*block)
    return path


@pytest.fixture(scope="module")
def trajectory_files(catalogs, tmp_path_factory):
    """Two trajectory files of the Iridium 33 cloud over different hours (2 h, then 3 h from +1 h)."""
    catalog = load_catalog(catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt").catalog.take(np.arange(40))
    folder = tmp_path_factory.mktemp("trajectories")
    return (write_trajectories(folder / "first.h5", catalog, T0 + np.arange(0.0, 7201.0, 600.0)),
            write_trajectories(folder / "second.h5", catalog, T0 + 3600.0 + np.arange(0.0, 10801.0, 600.0)))


def sample_values(scene: Scene) -> dict[tuple[str, str], object]:
    """A value other than the default for every saved field of every model class, by (model,
    field): what the round trip must bring back."""
    first, second = scene.layers[0], scene.layers[-1]
    return {
        ("layer", "name"): "renamed layer",
        ("layer", "visible"): False,
        ("layer", "point_size"): 6.5,
        ("layer", "color_by"): "source",
        ("layer", "color"): (1.0, 0.0, 0.0, 1.0),
        ("layer", "filter"): LayerFilter(classes={ObjectClass.DEBRIS, ObjectClass.UNKNOWN}, regimes={Regime.LEO},
                                         perigee_km=(300.0, None), apogee_km=(None, 1500.0),
                                         inclination_deg=(60.0, 110.0), launch_year=(1990, 2010), text="FENGYUN"),
        ("scene", "title"): "A round trip. Every field, every model",
        ("scene", "show_coastlines"): True,
        ("scene", "show_borders"): True,
        ("scene", "show_grid"): True,
        ("scene", "show_tracks"): False,
        ("scene", "show_labels"): False,
        ("scene", "selected"): ObjectRef(second, 3),
        ("scene", "pinned"): (ObjectRef(first, 0), ObjectRef(second, 5)),
        ("clock", "time_s"): parse_utc("2007-01-13T01:02:03Z") + 0.123456,
        ("clock", "speed"): 123.5,
        ("clock", "span_start_s"): parse_utc("2007-01-11T00:00:00Z"),
        ("clock", "span_end_s"): parse_utc("2007-02-11T00:00:00Z"),
        ("camera", "azimuth_deg"): 33.25,
        ("camera", "elevation_deg"): -12.5,
        ("camera", "distance_km"): 31234.5,
        ("camera", "fov_deg"): 40.0,
        ("camera", "center_km"): (100.5, -200.25, 300.0),
        ("camera", "view_frame"): "earth-fixed",
        ("camera", "follow"): ObjectRef(second, 2),
        ("overlay", "banner"): "UNCLASSIFIED — TEST",
        ("overlay", "banner_color"): "#aa0000",
        ("overlay", "legend"): False,
        ("overlay", "clock"): False,
        ("overlay", "attribution"): "a test",
        ("overlay", "captions"): False,
        ("overlay", "in_orbit"): True,
        ("layer", "pane"): "right",
        ("scene", "split"): True,
        ("scene", "left_title"): "Model",
        ("scene", "right_title"): "Record",
        ("conjunctions", "primaries"): (25544, 48274),
        ("conjunctions", "start_s"): parse_utc("2007-01-12T00:00:00Z") + 0.25,
        ("conjunctions", "span_s"): 7 * 86400.0,
        ("conjunctions", "threshold_km"): 2.5,
        ("conjunctions", "highlighted"): (Highlight(25544, 31234, parse_utc("2007-01-12T03:04:05Z") + 0.0125, 0.8765),
                                          Highlight(48274, 29000, parse_utc("2007-01-12T07:00:00Z"), 4.25)),
        ("conjunctions", "show_markers"): True,
        ("output", "fps"): 30,
        ("output", "size"): (1280, 720),
    }


@pytest.fixture
def scene(catalogs):
    """An element-set file, an OMM file and the modelled Fengyun-1C event's two layers."""
    scenario = parse_scenario(f"""
version = 1
[time]
start = "2007-01-11T22:21:00Z"
end = "2007-01-12T22:26:00Z"
[[sources]]
file = "{catalogs / 'debris_2025-02-15_tle' / 'fengyun-1c-debris.txt'}"
[[sources]]
file = "{catalogs / 'debris_2026-08-11_omm' / 'gp-debris-iridium33.json'}"
[[sources]]
event = "fengyun-1c-2007"
""")
    return build_scene(scenario)[0]


def test_every_field_of_every_model_class_round_trips(scene):
    samples = sample_values(scene)
    # The walk: a field added to a model class fails here until it has a sample.
    assert set(samples) == saved_fields()
    for (model, name), value in samples.items():
        if model == "layer":
            continue
        setattr(scene.models()[model], name, value)
    # Different values per layer, so a mix-up of layers shows.
    for i, layer in enumerate(scene.layers):
        for (model, name), value in samples.items():
            if model == "layer" and (i % 2 == 0 or name != "visible"):
                setattr(layer, name, f"{value} {i}" if name == "name" else value)
    assert scene.camera.follow == samples[("camera", "follow")]
    text = scenario_to_toml(scenario_from_scene(scene))
    again, problems = build_scene(parse_scenario(text, "saved.toml"))
    assert problems == []
    assert_same_model(scene, again)
    # The filter was applied, not just carried: the debris-only, LEO, named FENGYUN objects.
    fy = again.layers[0]
    assert 0 < fy.shown.sum() < len(fy) and np.all(fy.catalog.object_class[fy.shown] == ObjectClass.DEBRIS)
    assert scenario_to_toml(scenario_from_scene(again)) == text


def test_the_camera_path_round_trips_with_its_follows_and_eases(scene):
    """``Scene.camera_path`` is written as [[camera.keyframes]] and read back into the model:
    times, views, eases, and follows naming the same object of the same layer."""
    fragments = scene.layers[-1]
    base = {**scene.camera.snapshot(), "follow": None}
    path = (
        CameraKey(T_PATH, {**base, "azimuth_deg": 10.0, "distance_km": 30000.0}, "cut"),
        CameraKey(T_PATH + 600.25, {**base, "azimuth_deg": -40.5, "elevation_deg": 60.0, "fov_deg": 45.0,
                                    "view_frame": "earth-fixed", "center_km": (10.0, 20.0, 30.0)}, "linear"),
        CameraKey(T_PATH + 3600.0, {**base, "view_frame": "earth-fixed", "distance_km": 900.0,
                                    "follow": ObjectRef(fragments, 7)}, "in-out"),
    )
    scene.camera_path = tuple(reversed(path))  # the field keeps them in time order
    assert scene.camera_path == path
    text = scenario_to_toml(scenario_from_scene(scene))
    again, _ = build_scene(parse_scenario(text, "saved.toml"))

    def comparable(s: Scene):
        # A followed key's centre is the object's, wherever it is: not compared.
        return [(k.time_s, k.ease, {name: (s.layers.index(v.layer), v.row) if isinstance(v, ObjectRef) else v
                                    for name, v in k.view.items()
                                    if not (name == "center_km" and k.view["follow"] is not None)})
                for k in s.camera_path]

    assert comparable(again) == comparable(scene)
    assert again.camera_path[-1].view["follow"] == ObjectRef(again.layers[-1], 7)
    assert scenario_to_toml(scenario_from_scene(again)) == text
    # The camera was off the path (facing the day side): its view is written too, and comes back.
    assert "\n[camera]\n" in text
    assert_same_model(scene, again)
    # On the path at the displayed time, the keyframes say it all.
    scene.camera.restore(camera_timeline(scene).view_at(scene.clock.time_s))
    assert "\n[camera]\n" not in scenario_to_toml(scenario_from_scene(scene))
    # A path whose followed layer is removed follows nothing there, and keeps its other keys.
    scene.remove_layer(fragments)
    assert [k.view["follow"] for k in scene.camera_path] == [None, None, None]
    assert [k.time_s for k in scene.camera_path] == [k.time_s for k in path]


def test_new_scenario_keys_read_as_docs_scenarios_md_says(catalogs):
    path = catalogs / "debris_2025-02-15_tle" / "cosmos-2251-debris.txt"
    scene, _ = build_scene(parse_scenario(f"""
version = 1
[time]
start = "2025-02-15T00:00:00Z"
end = "2025-02-15T06:00:00Z"
[view]
coastlines = true
grid = true
[[sources]]
file = "{path}"
color = "#ff0000"
color_by = "source"
[sources.filter]
classes = ["debris"]
regimes = ["LEO"]
perigee_km = [700, inf]
launch_year = [1993, 1993]
"""))
    (layer,) = scene.layers
    assert scene.show_coastlines and scene.show_grid and not scene.show_borders and scene.show_tracks
    assert layer.color == (1.0, 0.0, 0.0, 1.0) and layer.origin == FileOrigin(str(path))
    assert layer.filter == LayerFilter(classes={ObjectClass.DEBRIS}, regimes={Regime.LEO},
                                       perigee_km=(700.0, None), launch_year=(1993.0, 1993.0))
    assert 0 < layer.shown.sum() < len(layer)


@pytest.mark.parametrize("text, key, words", [
    ('[sources.filter]\nclasses = ["junk"]', "sources[0].filter.classes", "'junk' is none of"),
    ("[sources.filter]\nperigee_km = [900, 700]", "sources[0].filter.perigee_km", "above the maximum"),
    ("[sources.filter]\nperigee_km = 700", "sources[0].filter.perigee_km", "expected [min, max]"),
    ("[sources.filter]\ncolour = 1", "sources[0].filter.colour", "unknown key"),
    ('color = "red"', "sources[0].color", "expected a colour"),
    ("point_size = 80", "sources[0].point_size", "outside 0.5 .. 50"),
])
def test_bad_new_keys_name_their_line(catalogs, text, key, words):
    from orbitview.io.scenario_file import ScenarioError

    path = catalogs / "debris_2025-02-15_tle" / "cosmos-2251-debris.txt"
    body = f'version = 1\n[time]\nstart = "2025-02-15T00:00:00Z"\nend = "2025-02-15T06:00:00Z"\n' \
           f'[[sources]]\nfile = "{path}"\n{text}\n'
    with pytest.raises(ScenarioError) as info:
        parse_scenario(body, "s.toml")
    assert f"key '{key}'" in str(info.value) and words in str(info.value)
    assert str(info.value).startswith("s.toml:")


def test_trajectory_files_are_file_sources_and_one_span_rule_holds(trajectory_files, catalogs):
    """The union of the files' spans, in the CLI's scene, the window's (layers added one by
    one) and a saved scenario's."""
    from orbitview.commands.common import scene_from_files

    first, second = trajectory_files
    union = (T0, T0 + 3600.0 + 10800.0)
    cli = scene_from_files([str(first), str(second)], None)
    assert (cli.clock.span_start_s, cli.clock.span_end_s) == union and cli.clock.span_locked
    window = Scene()
    for path in (first, second):
        window.add_layer(open_source(path).layer)
        window.fit_span_to_data()
    assert (window.clock.span_start_s, window.clock.span_end_s) == union
    again, _ = build_scene(parse_scenario(scenario_to_toml(scenario_from_scene(window))))
    assert [layer.origin for layer in again.layers] == [FileOrigin(str(first)), FileOrigin(str(second))]
    assert (again.clock.span_start_s, again.clock.span_end_s) == union and again.clock.span_locked
    assert_same_model(window, again)
    # The lock is the layers': element sets alone propagate to any time.
    window.layers = (window.layers[0],)
    assert window.clock.span_locked
    window.layers = (open_source(catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt").layer,)
    assert not window.clock.span_locked


def test_one_file_twice_in_two_colours_stays_two_layers(catalogs):
    path = catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt"
    scene = Scene()
    for rgba in ((1.0, 0.0, 0.0, 1.0), (0.0, 0.0, 1.0, 1.0)):
        scene.add_layer(open_source(path).layer).color = rgba
    again, _ = build_scene(parse_scenario(scenario_to_toml(scenario_from_scene(scene))))
    assert [layer.color for layer in again.layers] == [(1.0, 0.0, 0.0, 1.0), (0.0, 0.0, 1.0, 1.0)]
    assert [len(layer) for layer in again.layers] == [len(scene.layers[0])] * 2


def test_a_layer_with_no_origin_is_named_not_silently_dropped(catalogs):
    catalog = load_catalog(catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt").catalog
    scene = Scene()
    scene.add_layer(Layer("made in memory", catalog))
    kept = scene.add_layer(open_source(catalogs / "debris_2025-02-15_tle" / "cosmos-2251-debris.txt").layer)
    scene.selected = ObjectRef(scene.layers[0], 1)
    assert unsaved_layers(scene) == ["made in memory"]
    scenario = scenario_from_scene(scene)
    assert [source.origin for source in scenario.sources] == [kept.origin]
    assert scenario.selected is None


def test_the_briefing_saves_its_event_and_remakes_it_from_the_dataset():
    from orbitview.commands.common import default_briefing_scene

    briefing = default_briefing_scene(None)
    assert [layer.origin for layer in briefing.layers] == [EventOrigin("fengyun-1c-2007", 1, 0.1, part)
                                                            for part in ("parent", "fragments")] + [
        InterceptorOrigin("SC-19", preset="fengyun-1c-2007")]
    again, _ = build_scene(parse_scenario(scenario_to_toml(scenario_from_scene(briefing))))
    assert_same_model(briefing, again)
    np.testing.assert_array_equal(again.layers[1].catalog.norad_id, briefing.layers[1].catalog.norad_id)


def test_a_custom_event_source_remakes_the_breakup_of_a_files_object(catalogs):
    from orbitview.core.model.origin import CustomEventOrigin

    path = catalogs / "debris_2025-02-15_tle" / "fengyun-1c-debris.txt"
    scene, _ = build_scene(parse_scenario(f"""
version = 1
[time]
start = "2025-02-15T00:00:00Z"
end = "2025-02-16T00:00:00Z"
[[sources]]
file = "{path}"
[[sources]]
custom_event = "explosion"
parent = {{ file = "{path}" }}
norad = 29737
time_s = "2025-02-15T06:00:00Z"
mass_kg = 50.0
seed = 7
min_size_m = 0.05
"""))
    _, parent, fragments = scene.layers
    assert list(parent.catalog.norad_id) == [29737] and len(fragments) > 10
    assert fragments.origin == CustomEventOrigin("explosion", FileOrigin(str(path)), 29737,
                                                 parse_utc("2025-02-15T06:00:00Z"), 50.0, seed=7, min_size_m=0.05,
                                                 part="fragments")
    # The parent is shown until the event, its fragments from it.
    assert parent.shown_span_s()[1] == fragments.shown_span_s()[0] == parse_utc("2025-02-15T06:00:00Z")
    text = scenario_to_toml(scenario_from_scene(scene))
    again, _ = build_scene(parse_scenario(text))
    assert_same_model(scene, again)
    np.testing.assert_array_equal(again.layers[2].catalog.norad_id, fragments.catalog.norad_id)
    assert scenario_to_toml(scenario_from_scene(again)) == text
