"""The main window: the 3D view in the centre, the time bar and search above it, the layer
list on the left, the selected object on the right, the status bar below; File, View, Help."""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
from PyQt6.QtCore import QSignalBlocker, Qt, QTimer
from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import QDockWidget, QFileDialog, QMainWindow, QMessageBox, QScrollArea, QWidget

from orbitview import __version__
from orbitview.core.errors import OrbitviewError
from orbitview.core.model.camera import CameraMove, CameraState
from orbitview.core.model.events import disconnect_models
from orbitview.core.model.object_ref import ObjectRef
from orbitview.core.model.panes import drawn_in, pane_at, pane_box
from orbitview.core.model.picking import pick
from orbitview.core.model.scene import Layer, Scene
from orbitview.core.orbits.prefetch import Prefetcher
from orbitview.io.satcat import Satcat
from orbitview.render.adapters.canvas_events import disconnect_canvas_events
from orbitview.services.sources import Source, classify_layer, open_source
from orbitview.ui import help as help_
from orbitview.ui import session
from orbitview.ui.camera_playback import CameraPlayback
from orbitview.ui.chapters_panel import install_chapters
from orbitview.ui.events_menu import install_events_menu
from orbitview.ui.conjunctions_panel import install_conjunctions
from orbitview.ui.fetch_dialog import FetchDialog, fetch_step
from orbitview.ui.file_loading import Loader, LoadProgress
from orbitview.ui.gabbard_panel import install_altitude_panel, install_gabbard_panel
from orbitview.ui.handback import GuiHandback
from orbitview.ui.info_panel import InfoPanel
from orbitview.ui.layers_panel import LayersPanel
from orbitview.ui.problem_report import ProblemReport
from orbitview.ui.range_panel import install_range_panel
from orbitview.ui.search import SearchBox
from orbitview.ui.split_menu import install_split_menu
from orbitview.ui.status import StatusFields
from orbitview.ui.time_bar import TimeBar

TICK_MS = 16
CATALOG_FILTER = (
    "Element sets, trajectories and ephemerides (*.tle *.3le *.txt *.json *.csv *.xml *.h5 *.hdf5 *.oem);;All files (*)"
)
#: A press and release closer than this (logical pixels) is a click, not a drag.
CLICK_SLOP_PX = 4.0
#: Flying to an object puts the eye this far beyond it, on the line from the Earth's centre.
FLY_BEYOND_KM = 4000.0
FLY_DURATION_S = 1.2
ORBIT_STEP_DEG = 5.0
ZOOM_STEP = 1.25


class MainWindow(QMainWindow):
    """Hosts one long-lived vispy canvas bound to ``scene`` (never recreated: GL contexts leak).

    ``remember``: save the session to QSettings on close (the app does; tests ask for it).
    """

    def __init__(self, scene: Scene, parent: QWidget | None = None, remember: bool = False) -> None:
        super().__init__(parent)
        from vispy import scene as vscene

        from orbitview.render.adapters.view import OrbitView

        self.scene = scene
        # Keyframe pairs and tracks are computed in this worker, never on the draw path.
        self.handback = GuiHandback(self)
        self.prefetcher = Prefetcher(self.handback.post)
        self.remember = remember
        self.setWindowTitle(f"orbitview {__version__}")
        # Wide enough that the view between the docks stays landscape (vispy turns the field of
        # view horizontal in a portrait view, which core.model.camera's projection does not follow).
        self.resize(1640, 920)
        self.setAcceptDrops(True)
        self.canvas = vscene.SceneCanvas(keys=None, show=False, parent=self)
        # Before the view: the camera is on the path when the view draws a new time.
        self.camera_playback = CameraPlayback(scene)
        self.view = OrbitView(scene, self.canvas, self.prefetcher)
        scene.events.layers.connect(self._keep_sgp4_processes)
        self.canvas.native.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCentralWidget(self.canvas.native)

        self.time_bar = TimeBar(scene.clock)
        self.search = SearchBox(scene)
        # The time bar runs the width of the window below the view: the slider needs the room.
        for name, widget, area in (("Search", self.search, Qt.ToolBarArea.TopToolBarArea),
                                   ("Time", self.time_bar, Qt.ToolBarArea.BottomToolBarArea)):
            toolbar = self.addToolBar(name)
            toolbar.setObjectName(f"{name.lower()}-bar")
            toolbar.addWidget(widget)
            self.addToolBar(area, toolbar)
        self.layers_panel = LayersPanel(scene)
        self.info_panel = InfoPanel(scene, prefetcher=self.prefetcher)
        self.layers_dock = self._dock("Layers", self.layers_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.info_dock = self._dock("Object", self.info_panel, Qt.DockWidgetArea.RightDockWidgetArea)

        self.loader = Loader(self)
        self.problem_report = ProblemReport(self)
        self.status = StatusFields(scene, self.statusBar())
        self.load_progress = LoadProgress(self.loader)
        self.statusBar().insertPermanentWidget(0, self.load_progress)
        # Kept as attributes: tests and scripts read them.
        self.count_label, self.utc_label, self.fps_label = (
            self.status.count_label, self.status.utc_label, self.status.fps_label)
        self._build_menus()
        self.breakup_runner = install_events_menu(self)
        self.gabbard_dock = install_gabbard_panel(self)
        self.chapters_panel = install_chapters(self)
        self.conjunctions_panel = install_conjunctions(self)
        install_split_menu(self)
        self.altitude_dock = install_altitude_panel(self)
        self.range_dock = install_range_panel(self)

        self.frames_drawn = 0
        self.camera_move: CameraMove | None = None
        self._press_px: tuple[float, float] | None = None
        self.canvas.events.draw.connect(self._on_draw)
        self.canvas.events.mouse_press.connect(self._on_mouse_press)
        self.canvas.events.mouse_release.connect(self._on_mouse_release)
        self.search.found.connect(self.select_and_fly)
        self.search.missing.connect(lambda text: self.statusBar().showMessage(f"No object matches {text!r}", 5000))

        self._last_tick = time.perf_counter()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self.timer.start(TICK_MS)
        if remember:
            session.restore_layout(self)

    def _dock(self, title: str, widget: QWidget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{title.lower()}-dock")
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(widget)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(max(widget.minimumWidth(), widget.minimumSizeHint().width()) + 20)
        dock.setWidget(scroll)
        self.addDockWidget(area, dock)
        return dock

    # --- menus and shortcuts ---------------------------------------------------------------------

    def _action(self, menu, text: str, slot, shortcut=None, checkable: bool = False, context=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if context is not None:
            action.setShortcutContext(context)
        action.setCheckable(checkable)
        (action.toggled if checkable else action.triggered).connect(slot)
        (menu or self).addAction(action)
        return action

    def _build_menus(self) -> None:
        from orbitview.ui import export_dialogs

        bar = self.menuBar()
        # The window owns its menus; what installs itself later (Events, the Gabbard dock)
        # is handed the menu it belongs in, never finds one by its label.
        self.file_menu = file_menu = bar.addMenu("&File")
        self._action(file_menu, "&Open...", self.open_dialog, QKeySequence.StandardKey.Open)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self._action(file_menu, "&Fetch from CelesTrak...", self.fetch_dialog)
        file_menu.addSeparator()
        self._action(file_menu, "Open &Scenario...", lambda: export_dialogs.open_scenario_dialog(self))
        self._action(file_menu, "Sa&ve Scenario...", lambda: export_dialogs.save_scenario_dialog(self),
                     QKeySequence.StandardKey.Save)
        self._action(file_menu, "Export &Image...", lambda: export_dialogs.export_image_dialog(self))
        self._action(file_menu, "Export &Video...", lambda: export_dialogs.export_video_dialog(self))
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        self.view_menu = view_menu = bar.addMenu("&View")
        self._action(view_menu, "&Reset view", self.reset_view, "R")
        self._action(view_menu, "&Follow selection", self.toggle_follow, "F")
        self._action(view_menu, "&Earth-fixed / inertial", self.toggle_view_frame, "E")
        self._action(view_menu, "Clear selection", self.clear_selection, "Escape")
        view_menu.addSeparator()
        #: The globe's overlay switches by scene field; they show the field as a scenario or
        #: session sets it (``_show_switch``).
        self.overlay_actions = {}
        for attr, text in (("show_coastlines", "Coastlines"), ("show_borders", "Borders"), ("show_grid", "Grid")):
            action = self._action(view_menu, text, lambda on, a=attr: setattr(self.scene, a, on), checkable=True)
            action.setChecked(getattr(self.scene, attr))
            self.overlay_actions[attr] = action
            getattr(self.scene.events, attr).connect(self._show_switch)
        # The overlay's counter of objects in orbit is a field of the scene's overlay model.
        overlay = self.scene.overlay
        self.in_orbit_action = self._action(view_menu, "Objects in orbit counter",
                                            lambda on: setattr(overlay, "in_orbit", on), checkable=True)
        self.in_orbit_action.setChecked(overlay.in_orbit)
        overlay.events.in_orbit.connect(self._show_switch)
        view_menu.addSeparator()
        view_menu.addAction(self.layers_dock.toggleViewAction())
        view_menu.addAction(self.info_dock.toggleViewAction())

        self.events_menu = bar.addMenu("&Events")  # filled by install_events_menu
        self.help_menu = help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard shortcuts", lambda: help_.ShortcutsDialog(self).exec(), "F1")
        self._action(help_menu, "&About orbitview", lambda: help_.show_about(self))

        window_wide = Qt.ShortcutContext.WindowShortcut
        self._action(None, "Play / pause", self.time_bar.toggle_play, "Space", context=window_wide)
        self._action(None, "Step back", self.time_bar.step_back, "Ctrl+Left", context=window_wide)
        self._action(None, "Step forward", self.time_bar.step_forward, "Ctrl+Right", context=window_wide)
        self._action(None, "Search", self._focus_search, "Ctrl+F", context=window_wide)
        # Arrows and +/- belong to whatever has the keyboard (lists, sliders, text); they move
        # the camera only while the 3D view has it.
        canvas_only = Qt.ShortcutContext.WidgetShortcut
        for key, slot in (("Left", lambda: self.orbit(-ORBIT_STEP_DEG, 0)), ("Right", lambda: self.orbit(ORBIT_STEP_DEG, 0)),
                          ("Up", lambda: self.orbit(0, ORBIT_STEP_DEG)), ("Down", lambda: self.orbit(0, -ORBIT_STEP_DEG)),
                          ("+", lambda: self.zoom(1 / ZOOM_STEP)), ("=", lambda: self.zoom(1 / ZOOM_STEP)),
                          ("-", lambda: self.zoom(ZOOM_STEP))):
            action = QAction(self.canvas.native)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(canvas_only)
            action.triggered.connect(slot)
            self.canvas.native.addAction(action)

    def _show_switch(self, _value=None) -> None:
        for attr, action in self.overlay_actions.items():
            with QSignalBlocker(action):
                action.setChecked(getattr(self.scene, attr))
        with QSignalBlocker(self.in_orbit_action):
            self.in_orbit_action.setChecked(self.scene.overlay.in_orbit)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        files = session.recent_files()
        for path in files:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open_files([p]))
        self.recent_menu.setEnabled(bool(files))

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # --- the camera ------------------------------------------------------------------------------

    def reset_view(self) -> None:
        self.camera_move = None
        self.scene.camera.reset()

    def toggle_follow(self) -> None:
        camera = self.scene.camera
        camera.follow = None if camera.follow is not None else self.scene.selected

    def toggle_view_frame(self) -> None:
        camera = self.scene.camera
        camera.view_frame = "inertial" if camera.view_frame == "earth-fixed" else "earth-fixed"

    def orbit(self, d_azimuth: float, d_elevation: float) -> None:
        camera = self.scene.camera
        camera.azimuth_deg += d_azimuth
        camera.elevation_deg += d_elevation

    def zoom(self, factor: float) -> None:
        self.scene.camera.distance_km *= factor
        self.scene.camera.keep_outside_earth()

    def clear_selection(self) -> None:
        self.scene.selected = None

    def select_and_fly(self, ref: ObjectRef) -> None:
        """Select ``ref`` (layer and row) and move the camera smoothly to look at it from above."""
        scene = self.scene
        if ref.layer not in scene.layers:
            return
        if not ref.layer.visible:
            ref.layer.visible = True
        scene.selected = ref
        others = [other.layer.name for other in scene.find(ref.norad_id) if other != ref]
        also = f"; also in {', '.join(others)} (pick that layer's row in the search list)" if others else ""
        position = scene.position_gcrs_km(ref)
        if position is None:
            self.statusBar().showMessage(f"{ref.norad_id} in {ref.layer.name} is not in orbit at the "
                                         f"displayed time{also}", 10000)
            return
        if others:
            self.statusBar().showMessage(f"{ref.norad_id} in {ref.layer.name}{also}", 10000)
        if scene.camera.follow not in (None, ref):
            scene.camera.follow = None
        in_view = scene.view_from_gcrs() @ position
        target = CameraState()
        target.look_from(in_view)
        self.camera_move = CameraMove(scene.camera, {
            "azimuth_deg": target.azimuth_deg, "elevation_deg": target.elevation_deg,
            "distance_km": float(np.linalg.norm(in_view)) + FLY_BEYOND_KM,
            "center_km": (0.0, 0.0, 0.0) if scene.camera.follow is None else scene.camera.center_km,
        }, FLY_DURATION_S)

    # --- mouse: a click without a drag picks ----------------------------------------------------

    def _on_mouse_press(self, event) -> None:
        if event.button == 1:
            self._press_px = tuple(event.pos[:2])
            self.camera_move = None  # the user takes the camera

    def _on_mouse_release(self, event) -> None:
        if event.button != 1 or self._press_px is None:
            return
        moved = math.dist(self._press_px, tuple(event.pos[:2]))
        self._press_px = None
        if moved <= CLICK_SLOP_PX:
            self.pick_at(tuple(event.pos[:2]))

    def pick_at(self, xy_px: tuple[float, float]) -> ObjectRef | None:
        """Select what is drawn at ``xy_px`` (logical pixels); empty space clears the selection.
        In a split view, only the objects of the pane under it."""
        size, split = tuple(self.canvas.size), self.scene.split
        pane = pane_at(xy_px[0], size, split)
        x0, y0, width, height = pane_box(pane, size, split)
        layers = [layer for layer in self.scene.layers if drawn_in(self.scene, layer) == pane]
        ref = pick(self.scene, (xy_px[0] - x0, xy_px[1] - y0), (width, height), self.view.view_from_gcrs(),
                   layers=layers)
        self.scene.selected = ref
        return ref

    # --- the clock and frames --------------------------------------------------------------------

    def _tick(self) -> None:
        now = time.perf_counter()
        dt = now - self._last_tick
        self._last_tick = now
        self.scene.clock.advance(dt)
        if self.camera_move is not None and not self.camera_move.step(dt):
            self.camera_move = None

    def _on_draw(self, event=None) -> None:
        self.frames_drawn += 1
        self.status.frame_drawn()

    # --- files ------------------------------------------------------------------------------------

    def open_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Open element sets or trajectories", "", CATALOG_FILTER)
        if paths:
            self.open_files(paths)

    def _keep_sgp4_processes(self, layers: tuple[Layer, ...]) -> None:
        """A catalogue no layer draws any more has its SGP4 process stopped, its satellites'
        memory with it (the info panel or a plot asking again starts another)."""
        self.prefetcher.keep_sgp4_of(layer.catalog for layer in layers)

    def open_files(self, paths: list[str]) -> int:
        """Load ``paths`` in the worker; each becomes a layer when it arrives. Returns the request id."""
        paths = [str(Path(p).resolve()) for p in paths]
        return self.loader.open_files(paths, self.scene.clock.time_s, self._on_source, self._on_load_failed)

    def open_file(self, path: str) -> Layer | None:
        """Load ``path`` now, on this thread (scripts and tests); a file that cannot be read
        gives a dialog, not a crash."""
        try:
            source = open_source(Path(path).resolve())
        except OrbitviewError as exc:
            QMessageBox.critical(self, "Cannot open file", str(exc))
            return None
        return self.add_source(str(path), source)

    def add_source(self, path: str, source: Source) -> Layer:
        """Show a loaded source: a new layer, the clock bound to the span the layers' data
        cover (``Scene.fit_span_to_data``), the skipped records reported, the file remembered
        among the recent ones."""
        layer = self.scene.add_layer(source.layer)
        self.scene.fit_span_to_data()
        if source.problems:
            self.problem_report.add(path, len(layer), source.problems)
        if Path(path).is_file():
            session.add_recent(path)
        self.layers_panel.select_layer(layer)
        self.statusBar().showMessage(f"Loaded {len(layer):,} objects from {Path(path).name}", 5000)
        return layer

    def _on_source(self, path: str, source: Source) -> None:
        self.add_source(path, source)

    def _on_load_failed(self, label: str, message: str) -> None:
        QMessageBox.critical(self, "Cannot open file", message)

    def fetch_dialog(self) -> None:
        dialog = FetchDialog(self)
        if dialog.exec() == FetchDialog.DialogCode.Accepted and dialog.query():
            self.loader.submit([fetch_step(dialog.query(), dialog.force.isChecked())],
                               self._on_fetched, self._on_fetch_failed)

    def _on_fetched(self, label: str, result) -> None:
        from orbitview.io.fetch import format_age

        source, fetched = result
        note = {"downloaded": "downloaded now", "not-modified": "unchanged on the server",
                "fresh": f"cached copy {format_age(fetched.age_s)} old",
                "offline": f"offline ({fetched.reason}): cached copy {format_age(fetched.age_s)} old"}[fetched.status]
        if isinstance(source, Satcat):
            self.apply_satcat(source)
            self.statusBar().showMessage(f"{source.label}: classes of {len(source.classes):,} objects, {note}", 10000)
            return
        self.add_source(str(fetched.path), source)
        self.statusBar().showMessage(f"{label}: {len(source.layer):,} objects, {note}", 10000)

    def apply_satcat(self, satcat: Satcat) -> None:
        """Re-class the layers loaded from files (not modelled ones) by ``satcat``; files
        opened later take the cached SATCAT themselves."""
        for layer in self.scene.layers:
            if layer.classes_from is not None:
                classify_layer(layer, satcat)

    def _on_fetch_failed(self, label: str, message: str) -> None:
        QMessageBox.warning(self, "Fetch from CelesTrak", message)

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.open_files(paths)

    # --- sessions ---------------------------------------------------------------------------------

    def restore_session(self) -> bool:
        """Load the last session's sources and view in the worker; False when there is none."""
        text = session.saved_session()
        if text is None:
            return False
        self.loader.submit([session.session_step(text)], self._on_session, self._on_session_failed)
        return True

    def _on_session(self, label: str, result) -> None:
        built, problems = result
        self.scene.adopt(built)
        if problems:
            self.problem_report.add("the last session", sum(len(layer) for layer in built.layers), problems)

    def _on_session_failed(self, label: str, message: str) -> None:
        self.statusBar().showMessage(f"The last session could not be restored: {message}", 15000)

    def closeEvent(self, event) -> None:
        if self.remember:
            session.save_session(self)
        self.timer.stop()
        # Before the loader waits for its step: a screening stops at its next block.
        self.conjunctions_panel.cancel()
        self.loader.shutdown()
        disconnect_models(self, self.scene, self.scene.overlay)
        disconnect_canvas_events(self.canvas, self)
        for part in (self.time_bar, self.search, self.layers_panel, self.info_panel, self.status,
                     self.gabbard_dock, self.altitude_dock, self.range_dock, self.chapters_panel,
                     self.conjunctions_panel):
            part.disconnect_model()
        self.problem_report.close()
        self.camera_playback.close()
        self.view.close()
        self.prefetcher.close()
        self.canvas.close()
        super().closeEvent(event)
