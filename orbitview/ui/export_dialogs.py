"""File menu actions for briefings: Export Image, Export Video, Save Scenario, Open Scenario.

Each takes the ``MainWindow`` (its ``scene``). Exports write the whole scene as a temporary
scenario (``io.scenario_file.scenario_from_scene``: every saved field of its models and layers, the
text a session stores) and render it with ``orbitview render`` in a child process (QProcess):
the model the window draws, through the same renderer, so the window, the CLI and the export
show the same picture at any size up to 8K whatever the window's size; GL stays on that
process's main thread, and the window stays responsive. Layers that cannot be written (no
origin) are named before a save or an export starts. The child reports ``progress DONE TOTAL ETA_S`` lines, shown in a progress
dialog; Cancel sends it SIGTERM, on which it deletes its temporary file: nothing appears at
the chosen path unless the export completes. Export Image renders the current view at the
displayed time; Export Video the scene's camera path within the chosen span (the current view
held where the path has no keyframe in it). The dialogs start from the scene's ``output``
fields (fps, size).
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from PyQt6.QtCore import QDateTime, QProcess, QProcessEnvironment, Qt, QTimeZone
from PyQt6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSpinBox,
)

from orbitview.core.errors import OrbitviewError
from orbitview.core.model.chapters import chapter_at
from orbitview.core.model.output import MAX_FPS, format_image_size, parse_image_size
from orbitview.core.model.scenario import CameraKey, Scenario, held_view
from orbitview.io.scenario_file import (
    read_scenario,
    scenario_from_scene,
    unsaved_layers,
    write_scenario,
)
from orbitview.services.scenario import build_scene

SIZES = ("1280x720", "1920x1080", "2560x1440", "3840x2160", "7680x4320")
SCENARIO_FILTER = "orbitview scenarios (*.toml);;All files (*)"


# --- scenarios ----------------------------------------------------------------------------------


def left_out_agreed(window, what: str) -> bool:
    """Whether to go on with a save or export that leaves out layers with no origin: True when
    there are none, else the user's answer to a dialog naming them."""
    left_out = unsaved_layers(window.scene)
    if not left_out:
        return True
    answer = QMessageBox.warning(
        window, what, f"These layers cannot be written, as nothing records how to make them again "
        f"(merged or modelled in memory): {', '.join(left_out)}.\n\n{what} without them?",
        QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
    return answer == QMessageBox.StandardButton.Ok


def save_scenario_dialog(window) -> Path | None:
    """Ask where, and save the whole scene there (its camera path; with none, the current view)."""
    path, _ = QFileDialog.getSaveFileName(window, "Save scenario", "briefing.toml", SCENARIO_FILTER)
    if not path or not left_out_agreed(window, "Save scenario"):
        return None
    try:
        write_scenario(scenario_from_scene(window.scene), path)
    except OrbitviewError as exc:
        QMessageBox.warning(window, "Save scenario", str(exc))
        return None
    return Path(path)


def open_scenario_dialog(window, path: str | None = None) -> Scenario | None:
    """Ask for a scenario (or open ``path``), check it, load its sources and show it: the
    window's scene takes every field the scenario gives (``Scene.adopt``)."""
    if path is None:
        path, _ = QFileDialog.getOpenFileName(window, "Open scenario", "", SCENARIO_FILTER)
        if not path:
            return None
    try:
        scenario = read_scenario(path)
        built, problems = build_scene(scenario)
    except OrbitviewError as exc:
        QMessageBox.warning(window, "Open scenario", str(exc))
        return None
    window.scene.adopt(built)
    if problems:
        window.statusBar().showMessage(f"{len(problems)} damaged records skipped; first: {problems[0]}", 10000)
    return scenario


# --- exports ------------------------------------------------------------------------------------


class ExportDialog(QDialog):
    """Size, output path and (for video) fps, time span and speed of an export."""

    def __init__(self, window, video: bool) -> None:
        super().__init__(window)
        self.setWindowTitle("Export video" if video else "Export image")
        self.video = video
        clock, output = window.scene.clock, window.scene.output
        form = QFormLayout(self)
        self.size_box = QComboBox()
        self.size_box.setEditable(True)
        self.size_box.addItems(SIZES)
        self.size_box.setCurrentText(format_image_size(output.size))
        form.addRow("Size (pixels)", self.size_box)
        if video:
            self.fps = QSpinBox()
            self.fps.setRange(1, MAX_FPS)
            self.fps.setValue(output.fps)
            self.start = _utc_edit(clock.span_start_s)
            self.end = _utc_edit(clock.span_end_s)
            self.speed = QDoubleSpinBox()
            self.speed.setRange(0.001, 1e7)
            self.speed.setDecimals(3)
            self.speed.setValue(abs(clock.speed) or 60.0)
            form.addRow("Frames per second", self.fps)
            form.addRow("Start (UTC)", self.start)
            form.addRow("End (UTC)", self.end)
            form.addRow("Speed (simulated s per s)", self.speed)
        self.path = QLineEdit(str(Path.cwd() / ("briefing.mp4" if video else "briefing.png")))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path)
        row.addWidget(browse)
        form.addRow("Save as", row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def chosen_into(self, output) -> bool:
        """Put the size (and fps) chosen into ``output``, the scene's: the next export, a save
        and the session keep them. False, after saying why, for a size that is not one."""
        try:
            size = parse_image_size(self.size_box.currentText())
        except OrbitviewError as exc:
            QMessageBox.warning(self, self.windowTitle(), str(exc))
            return False
        output.size = size
        if self.video:
            output.fps = self.fps.value()
        return True

    def _browse(self) -> None:
        kinds = "MP4 video (*.mp4);;GIF (*.gif)" if self.video else "PNG image (*.png)"
        path, _ = QFileDialog.getSaveFileName(self, self.windowTitle(), self.path.text(), kinds)
        if path:
            self.path.setText(path)


def _utc_edit(t_s: float) -> QDateTimeEdit:
    edit = QDateTimeEdit(QDateTime.fromMSecsSinceEpoch(round(t_s * 1000), QTimeZone.utc()))
    edit.setTimeZone(QTimeZone.utc())
    edit.setDisplayFormat("yyyy-MM-dd HH:mm:ss 'UTC'")
    return edit


def export_image_dialog(window) -> "RenderJob | None":
    """Ask for a size and a path, then render the whole scene at the displayed time from the
    current view (what the window shows)."""
    dialog = ExportDialog(window, video=False)
    if (dialog.exec() != QDialog.DialogCode.Accepted or not dialog.chosen_into(window.scene.output)
            or not left_out_agreed(window, "Export image")):
        return None
    scenario = scenario_from_scene(window.scene, keyframes=(held_view(window.scene),))
    return _start(window, scenario, format_image_size(window.scene.output.size), dialog.path.text(), [], "image")


def export_video_dialog(window) -> "RenderJob | None":
    """Ask for size, fps, span, speed and path, then render the video in a child process."""
    dialog = ExportDialog(window, video=True)
    if (dialog.exec() != QDialog.DialogCode.Accepted or not dialog.chosen_into(window.scene.output)
            or not left_out_agreed(window, "Export video")):
        return None
    start_s = dialog.start.dateTime().toMSecsSinceEpoch() / 1000
    end_s = dialog.end.dateTime().toMSecsSinceEpoch() / 1000
    keys = video_keyframes(window.scene, start_s, end_s)
    scenario = video_scenario(scenario_from_scene(window.scene, keyframes=keys), start_s, end_s, dialog.speed.value())
    output = window.scene.output
    return _start(window, scenario, format_image_size(output.size), dialog.path.text(), ["--fps", str(output.fps)],
                  "video")



def video_scenario(scenario: Scenario, start_s: float, end_s: float, speed: float) -> Scenario:
    """``scenario`` played from ``start_s`` to ``end_s`` (POSIX s) at ``speed``, with the
    chapters in that span (a scenario's lie in its span): the one running at ``start_s``
    starts there, its caption only (its camera is the path's before the span)."""
    clock = {**scenario.values["clock"], "span_start_s": start_s, "span_end_s": end_s, "speed": speed,
             "time_s": start_s}
    running = chapter_at(scenario.chapters, start_s)
    chapters = tuple(c for c in scenario.chapters if start_s <= c.time_s <= end_s)
    if running is not None and running.time_s < start_s:
        chapters = (running.replaced(time_s=start_s, camera=None, encounter=None), *chapters)
    return replace(scenario, values={**scenario.values, "clock": clock,
                                     "scene": {**scenario.values["scene"], "chapters": chapters}})


def video_keyframes(scene, start_s: float, end_s: float) -> tuple[CameraKey, ...]:
    """The keyframes of ``scene``'s camera path within the span (POSIX s), else the current
    view held from the start."""
    keys = tuple(k for k in scene.camera_path if start_s <= k.time_s <= end_s)
    return keys or (replace(held_view(scene), time_s=start_s),)


#: Jobs running: PyQt holds bound-method slots weakly, so a job must be kept until it ends.
_running: set = set()


class RenderJob:
    """One ``orbitview render`` child process with its progress dialog."""

    def __init__(self, window, scenario_path: Path, args: list[str], out: str, what: str) -> None:
        _running.add(self)
        self.window, self.scenario_path, self.out, self.what = window, scenario_path, out, what
        self.cancelled = False
        self.errors: list[str] = []
        self.dialog = QProgressDialog(f"Rendering the {what}…", "Cancel", 0, 0, window)
        self.dialog.setWindowTitle(f"Export {what}")
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(0)
        self.dialog.canceled.connect(self.cancel)
        self.process = QProcess(window)
        env = QProcessEnvironment.systemEnvironment()
        env.insert("EGL_PLATFORM", "surfaceless")
        env.insert("PYTHONPATH", os.pathsep.join(filter(None, [str(Path(__file__).resolve().parents[2]),
                                                               env.value("PYTHONPATH")])))
        self.process.setProcessEnvironment(env)
        self.process.readyReadStandardError.connect(self._read_progress)
        self.process.finished.connect(self._finished)
        self.process.start(sys.executable, ["-m", "orbitview", "render", str(scenario_path), *args,
                                            "--progress", "lines"])

    def _read_progress(self) -> None:
        text = bytes(self.process.readAllStandardError()).decode("utf-8", "replace")
        for line in text.splitlines():
            parts = line.split()
            if len(parts) == 4 and parts[0] == "progress":
                done, total, eta = int(parts[1]), int(parts[2]), float(parts[3])
                self.dialog.setMaximum(total)
                self.dialog.setValue(done)
                left = "" if eta < 0 else f" — about {int(eta) // 60}:{int(eta) % 60:02d} left"
                self.dialog.setLabelText(f"Frame {done} of {total}{left}")
            elif line.strip():
                self.errors.append(line.strip())

    def cancel(self) -> None:
        """SIGTERM: the child stops ffmpeg and deletes its temporary file."""
        self.cancelled = True
        if self.process.state() != QProcess.ProcessState.NotRunning:
            self.process.terminate()

    def _finished(self, code: int, status) -> None:
        self._read_progress()
        self.dialog.reset()
        self.scenario_path.unlink(missing_ok=True)
        _running.discard(self)
        completed = status == QProcess.ExitStatus.NormalExit and code == 0
        if self.cancelled and not completed:
            self.window.statusBar().showMessage(f"Export cancelled; nothing written to {self.out}", 10000)
        elif completed:
            # Also when Cancel came after the last frame: the file is there, whole.
            self.window.statusBar().showMessage(f"Wrote {self.out}", 10000)
        else:
            reason = next((e for e in reversed(self.errors) if "error" in e), "\n".join(self.errors[-3:]))
            QMessageBox.warning(self.window, f"Export {self.what}",
                                f"The export failed; nothing was written to {self.out}.\n\n{reason}")


def _start(window, scenario: Scenario, size_text: str, out: str, args: list[str], what: str) -> RenderJob | None:
    if not scenario.sources:
        QMessageBox.warning(window, f"Export {what}", "Nothing to export: no layer can be written to a scenario.")
        return None
    fd, name = tempfile.mkstemp(prefix="orbitview-export-", suffix=".toml")
    os.close(fd)
    write_scenario(scenario, name)
    return RenderJob(window, Path(name), ["--size", size_text.strip(), "--out", out, *args], out, what)
