"""Sessions: the window layout and the whole scene, kept in QSettings between runs, and the
recent files.

The scene is stored as the text of a scenario (``io.scenario_file``: every saved field of the scene's
models and layers), so a session restores exactly what File > Open Scenario would open from a
file saved at the same moment. Layers with no origin to make them again from are left out,
and said so on stderr.

Settings live in ``$ORBITVIEW_SETTINGS_DIR/orbitview.ini`` when that is set (tests point it at
a temporary directory so they never touch the user's settings), else in Qt's per-user place.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PyQt6.QtCore import QSettings

from orbitview.io.scenario_file import parse_scenario, scenario_from_scene, scenario_to_toml, unsaved_layers
from orbitview.services.scenario import build_scene
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


# --- the session ---------------------------------------------------------------------------------


def session_text(scene) -> str:
    """The scenario text a session stores of ``scene``; "" when no layer can be written."""
    left_out = unsaved_layers(scene)
    if left_out:
        print(f"orbitview: the session leaves out layers that cannot be made again: {', '.join(left_out)}",
              file=sys.stderr)
    scenario = scenario_from_scene(scene)
    return scenario_to_toml(scenario) if scenario.sources else ""


def save_session(window) -> None:
    s = settings()
    s.setValue("window/geometry", window.saveGeometry())
    s.setValue("window/state", window.saveState())
    s.setValue("session/scenario", session_text(window.scene))
    s.remove("session/view")  # orbitview 0.1 kept the view beside the scenario
    s.sync()


def restore_layout(window) -> None:
    s = settings()
    geometry, state = s.value("window/geometry"), s.value("window/state")
    if geometry is not None:
        window.restoreGeometry(geometry)
    if state is not None:
        window.restoreState(state)


def saved_session() -> str | None:
    """The last session's scenario text, None when there is none."""
    text = settings().value("session/scenario")
    return str(text) if text else None


def session_step(text: str) -> Step:
    """Build the saved session's scene in the worker: ``(scene, problems)``."""

    def work():
        scene, problems = build_scene(parse_scenario(text, "<session>"))
        for layer in scene.layers:
            layer.keyframes.at(scene.clock.time_s)
        return scene, problems

    return Step("the last session", work)
