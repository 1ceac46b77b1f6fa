"""Sessions: the window layout, loaded sources, filters, selection, camera and time, kept in
QSettings between runs, and the recent files.

The sources are stored as a scenario (``io.scenario``, the shareable view-file format), so a
session loads exactly as File > Open Scenario would; what a scenario cannot say (filters,
colours, the selection, the displayed time, trajectory files) is kept beside it as JSON.

Settings live in ``$ORBITVIEW_SETTINGS_DIR/orbitview.ini`` when that is set (tests point it at
a temporary directory so they never touch the user's settings), else in Qt's per-user place.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, replace
from pathlib import Path

from PyQt6.QtCore import QSettings

from orbitview.core.classify import ObjectClass
from orbitview.core.filters import LayerFilter, Regime
from orbitview.core.object_ref import ObjectRef
from orbitview.core.scenario import ObjectKey
from orbitview.core.scene import Layer
from orbitview.io.scenario import (
    build_scene,
    layer_source,
    parse_scenario,
    saved_layer_indices,
    scenario_from_scene,
    scenario_to_toml,
    source_layer_count,
)
from orbitview.io.sources import TRAJECTORY_SUFFIXES, open_source
from orbitview.ui.file_loading import Step

SETTINGS_DIR_ENV = "ORBITVIEW_SETTINGS_DIR"
MAX_RECENT = 10


def settings() -> QSettings:
    folder = os.environ.get(SETTINGS_DIR_ENV)
    if folder:
        return QSettings(str(Path(folder) / "orbitview.ini"), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "orbitview", "orbitview")


# --- recent files -------------------------------------------------------------------------------


def recent_files() -> list[str]:
    value = settings().value("recent/files", [])
    return [value] if isinstance(value, str) else list(value or [])


def add_recent(path: str) -> list[str]:
    path = str(Path(path).resolve())
    files = [path, *(p for p in recent_files() if p != path)][:MAX_RECENT]
    settings().setValue("recent/files", files)
    return files


# --- filters as JSON ----------------------------------------------------------------------------


def filter_to_json(layer_filter: LayerFilter) -> dict:
    values = asdict(layer_filter)
    values["classes"] = sorted(int(c) for c in layer_filter.classes)
    values["regimes"] = sorted(int(r) for r in layer_filter.regimes)
    return values


def filter_from_json(values: dict) -> LayerFilter:
    values = dict(values)
    values["classes"] = frozenset(ObjectClass(c) for c in values.get("classes", ()))
    values["regimes"] = frozenset(Regime(r) for r in values.get("regimes", ()))
    return LayerFilter(**values)


# --- objects as JSON ----------------------------------------------------------------------------


def restored_layer_indices(scene, scenario) -> dict[int, int]:
    """For each layer of ``scene`` a session keeps (by ``id``), its index among the layers the
    session restores: ``scenario``'s (the sources saved), then the trajectory files."""
    index = saved_layer_indices(scene)
    count = sum(source_layer_count(source) for source in scenario.sources)
    for layer in scene.layers:
        if id(layer) not in index and trajectory_file(layer):
            index[id(layer)] = count
            count += 1
    return index


def object_to_json(ref: ObjectRef | None, index: dict[int, int]) -> dict | None:
    if ref is None or id(ref.layer) not in index:
        return None
    return {"layer": index[id(ref.layer)], "norad": ref.norad_id}


def object_from_json(value, layers) -> ObjectRef | None:
    """The object a saved ``{"layer", "norad"}`` (or, from sessions of orbitview 0.1, a bare
    catalogue number) names among the restored ``layers``; None when it names none."""
    if value is None:
        return None
    key = ObjectKey(value) if isinstance(value, int) else ObjectKey(value["norad"], value["layer"])
    try:
        return key.resolve(tuple(layers))
    except ValueError:
        return None


# --- the session ---------------------------------------------------------------------------------


def trajectory_file(layer: Layer) -> str | None:
    """The trajectory file a layer was opened from (scenarios hold element sets only)."""
    files = {str(s) for s in layer.catalog.source}
    if len(files) == 1:
        (path,) = files
        if Path(path).suffix.lower() in TRAJECTORY_SUFFIXES and Path(path).is_file():
            return str(Path(path).resolve())
    return None


def session_state(window) -> tuple[str, dict]:
    """(scenario TOML of the sources, or "" when none can be saved; the view as JSON-able dict)."""
    scene = window.scene
    scenario = scenario_from_scene(scene)
    toml = scenario_to_toml(replace(scenario, keyframes=())) if scenario.sources else ""
    layers = [{"name": layer.name, "visible": layer.visible, "point_size": layer.point_size,
               "color_by": layer.color_by, "color": list(layer.color),
               "filter": filter_to_json(window.layers_panel.filter_of(layer))} for layer in scene.layers]
    trajectories = [path for layer in scene.layers if layer_source(layer) is None
                    for path in [trajectory_file(layer)] if path]
    clock = scene.clock
    index = restored_layer_indices(scene, scenario)
    camera = scene.camera.snapshot()
    camera["follow"] = object_to_json(camera["follow"], index)
    pinned = [saved for saved in (object_to_json(ref, index) for ref in scene.pinned) if saved]
    view = {
        "time_s": clock.time_s, "speed": clock.speed, "span_s": [clock.span_start_s, clock.span_end_s],
        "camera": camera, "selected": object_to_json(scene.selected, index), "pinned": pinned,
        "show_tracks": scene.show_tracks, "show_coastlines": scene.show_coastlines,
        "show_borders": scene.show_borders, "show_grid": scene.show_grid, "title": scene.title,
        "layers": layers, "trajectory_files": trajectories,
    }
    return toml, view


def save_session(window) -> None:
    s = settings()
    s.setValue("window/geometry", window.saveGeometry())
    s.setValue("window/state", window.saveState())
    toml, view = session_state(window)
    s.setValue("session/scenario", toml)
    s.setValue("session/view", json.dumps(view))
    s.sync()


def restore_layout(window) -> None:
    s = settings()
    geometry, state = s.value("window/geometry"), s.value("window/state")
    if geometry is not None:
        window.restoreGeometry(geometry)
    if state is not None:
        window.restoreState(state)


def session_step(toml: str, view: dict) -> Step:
    """Load a saved session's layers in the worker: ``(layers, problems, view)``."""

    def work():
        layers, problems = [], []
        if toml:
            built, problems = build_scene(parse_scenario(toml, "<session>"))
            layers += built.layers
        for path in view.get("trajectory_files", []):
            layers.append(open_source(path).layer)
        for layer in layers:
            layer.keyframes.at(view["time_s"])
        return layers, problems, view

    return Step("the last session", work)


def saved_session() -> tuple[str, dict] | None:
    s = settings()
    text = s.value("session/view")
    if not text:
        return None
    return str(s.value("session/scenario") or ""), json.loads(text)


def apply_view(window, layers: list[Layer], view: dict) -> None:
    """Show a restored session: its layers with their styles and filters, time, camera, selection."""
    scene = window.scene
    scene.clock.playing = False
    scene.selected = None
    scene.camera.follow = None
    scene.layers = tuple(layers)
    scene.title = view.get("title", scene.title)
    styles = {style["name"]: style for style in view.get("layers", [])}
    for layer in layers:
        style = styles.get(layer.name)
        if style is None:
            continue
        layer.visible, layer.point_size = style["visible"], style["point_size"]
        layer.color, layer.color_by = style["color"], style["color_by"]
        window.layers_panel.set_filter(layer, filter_from_json(style["filter"]))
    window.layers_panel.refresh_current()
    clock = scene.clock
    clock.set_span(*view["span_s"])
    clock.speed = view["speed"]
    clock.time_s = view["time_s"]
    window.time_bar.span_locked = any(trajectory_file(layer) for layer in layers)
    for name in ("show_tracks", "show_coastlines", "show_borders", "show_grid"):
        setattr(scene, name, view.get(name, getattr(scene, name)))
    scene.pinned = [object_from_json(value, layers) for value in view.get("pinned", [])]
    camera = dict(view["camera"])
    legacy = camera.pop("follow_id", None)  # the key of orbitview 0.1's sessions
    camera["follow"] = object_from_json(camera.pop("follow", legacy), layers)
    scene.camera.restore(camera)
    scene.selected = object_from_json(view.get("selected"), layers)
