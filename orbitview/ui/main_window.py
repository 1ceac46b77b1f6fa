"""The main window: the 3D view in the centre, the time bar below, a status bar, File menu."""

from __future__ import annotations

import time
from pathlib import Path

from PyQt6.QtCore import QTimer
from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import QFileDialog, QLabel, QMainWindow, QMessageBox, QWidget

from orbitview import __version__
from orbitview.core.errors import OrbitviewError
from orbitview.core.scene import Layer, Scene
from orbitview.core.times import format_utc
from orbitview.io.sources import open_source
from orbitview.ui.time_bar import TimeBar

TICK_MS = 16
CATALOG_FILTER = (
    "Element sets and trajectories (*.tle *.3le *.txt *.json *.csv *.xml *.h5 *.hdf5);;All files (*)"
)


class MainWindow(QMainWindow):
    """Hosts one long-lived vispy canvas bound to ``scene`` (never recreated: GL contexts leak)."""

    def __init__(self, scene: Scene, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from vispy import scene as vscene

        from orbitview.render.view import OrbitView

        self.scene = scene
        self.setWindowTitle(f"orbitview {__version__}")
        self.resize(1400, 860)
        self.canvas = vscene.SceneCanvas(keys=None, show=False, parent=self)
        self.view = OrbitView(scene, self.canvas)
        self.setCentralWidget(self.canvas.native)

        self.time_bar = TimeBar(scene.clock)
        toolbar = self.addToolBar("Time")
        toolbar.setObjectName("time-bar")
        toolbar.setMovable(False)
        toolbar.addWidget(self.time_bar)
        self.addToolBarBreak()
        self._build_menus()

        self.count_label = QLabel()
        self.utc_label = QLabel()
        self.fps_label = QLabel("-- fps")
        for label in (self.count_label, self.utc_label, self.fps_label):
            self.statusBar().addPermanentWidget(label)
        self.frames_drawn = 0
        self._fps_frames = 0
        self._fps_since = time.perf_counter()
        self.canvas.events.draw.connect(self._on_draw)
        scene.events.layers.connect(self._show_count)
        scene.clock.events.time_s.connect(self._show_utc)
        self._show_count()
        self._show_utc(scene.clock.time_s)

        self._last_tick = time.perf_counter()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self.timer.start(TICK_MS)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        open_action = QAction("&Open...", self)
        open_action.setShortcut(QKeySequence.StandardKey.Open)
        open_action.triggered.connect(self.open_dialog)
        file_menu.addAction(open_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        play_action = QAction("Play / pause", self)
        play_action.setShortcut(QKeySequence("Space"))
        play_action.triggered.connect(self.time_bar.toggle_play)
        self.addAction(play_action)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.scene.clock.advance(now - self._last_tick)
        self._last_tick = now

    def _on_draw(self, event=None) -> None:
        self.frames_drawn += 1
        self._fps_frames += 1
        elapsed = time.perf_counter() - self._fps_since
        if elapsed >= 1.0:
            self.fps_label.setText(f"{self._fps_frames / elapsed:.0f} fps")
            self._fps_frames = 0
            self._fps_since = time.perf_counter()

    def _show_count(self, _layers=None) -> None:
        visible, total = self.scene.object_count()
        self.count_label.setText(f"{visible:,} / {total:,} objects")

    def _show_utc(self, t_s: float) -> None:
        self.utc_label.setText(f"{format_utc(t_s)} UTC")

    def open_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Open element sets", "", CATALOG_FILTER)
        for path in paths:
            self.open_file(path)

    def open_file(self, path: str) -> Layer | None:
        """Load ``path`` as a new layer; a file that cannot be read gives a dialog, not a crash."""
        try:
            source = open_source(path)
        except OrbitviewError as exc:
            QMessageBox.critical(self, "Cannot open file", str(exc))
            return None
        layer = self.scene.add_layer(source.layer)
        self.scene.message = ""
        if source.span_s is not None:
            self.scene.clock.set_span(*source.span_s)
        if source.problems:
            shown = "\n".join(str(p) for p in source.problems[:30])
            more = len(source.problems) - 30
            box = QMessageBox(self)
            box.setIcon(QMessageBox.Icon.Warning)
            box.setWindowTitle("Some records were skipped")
            box.setText(f"{len(layer):,} objects loaded from {Path(path).name}; "
                        f"{len(source.problems)} damaged records were skipped.")
            box.setDetailedText(shown + (f"\n... and {more} more" if more > 0 else ""))
            box.open()
        return layer

    def closeEvent(self, event) -> None:
        self.timer.stop()
        self.canvas.events.draw.disconnect(self._on_draw)
        self.scene.events.layers.disconnect(self._show_count)
        self.scene.clock.events.time_s.disconnect(self._show_utc)
        self.time_bar.disconnect_model()
        self.view.close()
        self.canvas.close()
        super().closeEvent(event)
