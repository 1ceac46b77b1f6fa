"""The Conjunctions panel: Screen... the loaded layers (all against all, or the selection against
all) off the GUI thread, list the encounters in a sortable table, and go to the one chosen.

The screening runs as one step of the window's loader (``ui.file_loading``) on a snapshot of
the layers' element sets; its progress comes back through a queued Qt signal. Cancel stops the
engine at its next block (``on_block`` raises) and drops the request by id, as a newer request
does. Choosing a row sets the model: the clock to the TCA, the pair selected and pinned, the
camera framing both, the encounter highlighted (``render.adapters.conjunction_lines`` draws it); and the
range dock (``ui.range_panel``) plots the pair's range around it. "Add chapter for this
encounter" adds a briefing chapter that flies to the chosen one (``core.model.fly_to``). The
co-located stretches are listed in a second table.
"""

from __future__ import annotations

import threading

import numpy as np
from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from orbitview.core.conjunctions import screen
from orbitview.core.errors import OrbitviewError
from orbitview.core.model.events import disconnect_events
from orbitview.core.model.fly_to import add_encounter_chapter
from orbitview.core.model.screening import Highlight, frame_pair, pair_refs
from orbitview.core.orbits.catalog import Catalog
from orbitview.core.orbits.times import format_utc
from orbitview.io.conjunction_files import format_tca
from orbitview.ui.dialog_parts import close_job_progress, job_progress
from orbitview.ui.file_loading import Step
from orbitview.ui.menus import menu_before_help

COLUMNS = ("TCA (UTC)", "Objects", "Miss (km)", "Rel. speed (km/s)", "Pc max (indicative)")
#: The co-located stretches' table: pairs that stay within the threshold for hours.
CO_LOCATED_COLUMNS = ("Co-located objects", "From (UTC)", "To (UTC)", "Min range (km)", "Max range (km)")
MAX_SPAN_H = 24.0 * 30


class ScreeningCancelled(OrbitviewError):
    """Raised from the engine's progress callback when the user cancels."""


def screened_layers(layers) -> list:
    """The layers that can be screened: element sets (SGP4), not trajectory files or ephemerides."""
    return [layer for layer in layers if len(layer) and bool(np.all(layer.catalog.mean_motion_rev_per_day > 0))]


class _Sorted(QTableWidgetItem):
    """A cell shown as text and sorted by ``key`` (a number)."""

    def __init__(self, text: str, key: float) -> None:
        super().__init__(text)
        self.key = key

    def __lt__(self, other) -> bool:
        return self.key < getattr(other, "key", 0.0)


def _table(columns: tuple[str, ...]) -> QTableWidget:
    """A sortable, read-only table choosing whole rows."""
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.setSortingEnabled(True)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    return table


class ScreenDialog(QDialog):
    """What to screen: all loaded layers, or the selected object against them; span, threshold."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.setWindowTitle("Screen for conjunctions")
        conjunctions, selected = window.scene.conjunctions, window.scene.selected
        self.what = QComboBox()
        self.what.addItem("All loaded layers against each other")
        if selected is not None:
            self.what.addItem(f"{selected.name or selected.norad_id} ({selected.norad_id}) against all")
            self.what.setCurrentIndex(1 if conjunctions.primaries == (selected.norad_id,) else 0)
        self.span_h = QDoubleSpinBox()
        self.span_h.setRange(0.1, MAX_SPAN_H)
        self.span_h.setDecimals(1)
        self.span_h.setSuffix(" h")
        self.span_h.setValue(conjunctions.span_s / 3600)
        self.threshold_km = QDoubleSpinBox()
        self.threshold_km.setRange(0.01, 100.0)
        self.threshold_km.setDecimals(2)
        self.threshold_km.setSuffix(" km")
        self.threshold_km.setValue(conjunctions.threshold_km)
        form = QFormLayout(self)
        form.addRow("Screen", self.what)
        form.addRow("From", QLabel(format_utc(window.scene.clock.time_s) + " (the displayed time)"))
        form.addRow("Span", self.span_h)
        form.addRow("Threshold", self.threshold_km)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.selected = selected

    def primaries(self) -> tuple[int, ...]:
        return (self.selected.norad_id,) if self.what.currentIndex() == 1 else ()


class ConjunctionsPanel(QWidget):
    """The encounters of ``window.scene.conjunctions`` and the screening that finds them."""

    #: (request id, done, total) from the worker thread.
    progressed = pyqtSignal(int, int, int)

    def __init__(self, window) -> None:
        super().__init__()
        self.window = window
        self.conjunctions = window.scene.conjunctions
        self.request = 0
        self.cancelled = threading.Event()
        self.progress: QProgressDialog | None = None
        self.table = _table(COLUMNS)
        self.table.cellClicked.connect(lambda row, _column: self.choose_row(row))
        self.table.cellActivated.connect(lambda row, _column: self.choose_row(row))
        self.co_located_table = _table(CO_LOCATED_COLUMNS)
        self.co_located_table.hide()
        self.screen_button = QPushButton("Screen...")
        self.screen_button.clicked.connect(self.screen_dialog)
        self.markers = QCheckBox("Markers in the view")
        self.markers.setToolTip("Mark every encounter found where it happens, at its TCA")
        self.markers.setChecked(self.conjunctions.show_markers)
        self.markers.toggled.connect(lambda on: setattr(self.conjunctions, "show_markers", on))
        #: The encounter chosen last (a row of the table), which a briefing chapter can fly to.
        self.chosen = None
        self.chapter_button = QPushButton("Add chapter for this encounter")
        self.chapter_button.setToolTip("A briefing chapter at the TCA whose camera flies to the pair: "
                                       "playback and exports move there from the view before it")
        self.chapter_button.setEnabled(False)
        self.chapter_button.clicked.connect(self.add_chapter)
        self.summary = QLabel("Not screened yet")
        self.summary.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.screen_button)
        row.addWidget(self.markers)
        row.addWidget(self.chapter_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addWidget(self.co_located_table)
        self.setMinimumWidth(420)
        self.progressed.connect(self._on_progress)
        self.conjunctions.events.encounters.connect(self.refresh)
        self.conjunctions.events.show_markers.connect(self._show_markers)

    # --- screening ---------------------------------------------------------------------------

    def screen_dialog(self) -> None:
        if len(screened_layers(self.window.scene.layers)) == 0:
            QMessageBox.information(self.window, "Screen", "Load element sets first: screening propagates them with SGP4.")
            return
        dialog = ScreenDialog(self.window)
        asked = dialog.exec() == QDialog.DialogCode.Accepted
        request = dialog.primaries(), dialog.span_h.value() * 3600, dialog.threshold_km.value()
        # A child of the window: without this, every dialog opened would live as long as it.
        dialog.deleteLater()
        if asked:
            self.run(*request)

    def run(self, primaries: tuple[int, ...], span_s: float, threshold_km: float) -> int:
        """Screen the loaded element sets from the displayed time (the model says what was
        asked); returns the request id. A running screening is cancelled first."""
        self.cancel()
        self.window.conjunctions_dock.show()
        conjunctions, scene = self.conjunctions, self.window.scene
        conjunctions.primaries, conjunctions.span_s, conjunctions.threshold_km = primaries, span_s, threshold_km
        conjunctions.start_s = scene.clock.time_s
        layers = screened_layers(scene.layers)
        catalog = Catalog.concatenate([layer.catalog for layer in layers])
        rows = None if not primaries else np.flatnonzero(np.isin(catalog.norad_id, primaries))
        self.request += 1
        request, cancelled = self.request, threading.Event()
        self.cancelled = cancelled
        start_s = conjunctions.start_s

        def on_block(done: int, total: int) -> None:
            if cancelled.is_set():
                raise ScreeningCancelled("screening cancelled")
            self.progressed.emit(request, done, total)

        def work():
            return screen(catalog, start_s, span_s, threshold_km, primaries=rows, on_block=on_block)

        self.progress = job_progress(self.window, f"Screening {len(catalog):,} objects over {span_s / 3600:g} h...",
                                     "Conjunctions", 1000, self.cancel)
        self.window.loader.submit([Step("conjunction screening", work)],
                                  lambda _label, screening: self._on_done(request, screening),
                                  lambda _label, message: self._on_failed(request, message))
        return request

    def cancel(self) -> None:
        """Stop the running screening: the engine stops at its next block, its result is dropped."""
        self.cancelled.set()
        self.request += 1
        self._close_progress()

    def _on_progress(self, request: int, done: int, total: int) -> None:
        if request == self.request and self.progress is not None and total:
            self.progress.setValue(int(1000 * done / total))

    def _on_done(self, request: int, screening) -> None:
        if request != self.request:
            return
        self._close_progress()
        self.conjunctions.co_located = tuple(screening.co_located)
        self.conjunctions.encounters = tuple(screening.encounters)
        co_located = (f"; {len(screening.co_located)} stretches in which a pair stays within it for hours "
                      "(co-located, listed below)" if screening.co_located else "")
        self.summary.setText(
            f"{len(screening.encounters)} encounters under {screening.threshold_km:g} km among "
            f"{screening.objects:,} objects, {format_utc(screening.start_s)} + {screening.span_s / 3600:g} h"
            f"{co_located}. Pc is indicative (Alfano's maximum, hard-body radius "
            f"{screening.hard_body_radius_km * 1000:g} m): element sets carry no covariance.")

    def _on_failed(self, request: int, message: str) -> None:
        if request != self.request:
            return
        self._close_progress()
        QMessageBox.warning(self.window, "Conjunctions", message)

    def _close_progress(self) -> None:
        close_job_progress(self.progress, self.cancel)
        self.progress = None

    # --- the table ---------------------------------------------------------------------------

    def refresh(self, _value=None) -> None:
        table = self.table
        table.setSortingEnabled(False)
        table.setRowCount(len(self.conjunctions.encounters))
        for row, e in enumerate(self.conjunctions.encounters):
            cells = (
                _Sorted(format_tca(e.tca_s), e.tca_s),
                _Sorted(f"{e.name_a or e.a} ({e.a}) – {e.name_b or e.b} ({e.b})", float(e.a * 10**9 + e.b)),
                _Sorted(f"{e.miss_km:.3f}", e.miss_km),
                _Sorted(f"{e.relative_speed_km_s:.3f}", e.relative_speed_km_s),
                _Sorted(f"{e.pc_max:.2e}", e.pc_max),
            )
            for column, cell in enumerate(cells):
                cell.setData(Qt.ItemDataRole.UserRole, row)
                table.setItem(row, column, cell)
        table.setSortingEnabled(True)
        self._refresh_co_located()

    def _refresh_co_located(self) -> None:
        table, stretches = self.co_located_table, self.conjunctions.co_located
        table.setVisible(bool(stretches))
        table.setSortingEnabled(False)
        table.setRowCount(len(stretches))
        for row, c in enumerate(stretches):
            cells = (
                _Sorted(f"{c.name_a or c.a} ({c.a}) – {c.name_b or c.b} ({c.b})", float(c.a * 10**9 + c.b)),
                _Sorted(format_tca(c.start_s), c.start_s),
                _Sorted(format_tca(c.end_s), c.end_s),
                _Sorted(f"{c.min_range_km:.3f}", c.min_range_km),
                _Sorted(f"{c.max_range_km:.3f}", c.max_range_km),
            )
            for column, cell in enumerate(cells):
                table.setItem(row, column, cell)
        table.setSortingEnabled(True)

    def choose_row(self, table_row: int) -> None:
        """Go to the encounter shown in ``table_row`` (as the table is sorted now)."""
        index = self.table.item(table_row, 0).data(Qt.ItemDataRole.UserRole)
        self.choose(self.conjunctions.encounters[index])

    def choose(self, encounter) -> None:
        """The clock at the TCA, the pair selected and pinned and framed, its miss line drawn."""
        self.chosen = encounter
        self.chapter_button.setEnabled(True)
        scene = self.window.scene
        clock = scene.clock
        clock.playing = False
        if not clock.span_start_s <= encounter.tca_s <= clock.span_end_s:
            clock.set_span(min(clock.span_start_s, encounter.tca_s), max(clock.span_end_s, encounter.tca_s))
        clock.time_s = encounter.tca_s
        # The pins of the pair chosen before go with it; the user's own stay.
        before = {ref for h in self.conjunctions.highlighted for ref in (pair_refs(scene, h) or ())}
        highlight = Highlight.of(encounter)
        self.conjunctions.highlighted = (highlight,)
        refs = pair_refs(scene, highlight)
        if refs is None:
            self.window.statusBar().showMessage("The pair is no longer loaded", 5000)
            return
        scene.selected = refs[0]
        scene.pinned = (*(ref for ref in scene.pinned if ref not in before), *refs)
        # The range of the pair around the TCA, beside the view.
        self.window.range_dock.show()
        self.window.range_dock.set_pair(*refs)
        positions = [scene.position_gcrs_km(ref) for ref in refs]
        if any(p is None for p in positions):
            return
        view = scene.view_from_gcrs()
        self.window.camera_move = None
        frame_pair(scene.camera, view @ positions[0], view @ positions[1])

    def add_chapter(self) -> None:
        """Add a briefing chapter that flies to the chosen encounter (``core.model.fly_to``):
        it is part of the model, so Save Scenario and the exports include it."""
        chapter = None if self.chosen is None else add_encounter_chapter(self.window.scene, self.chosen)
        if chapter is not None:
            message = f"Chapter added at {format_tca(chapter.time_s)}: {chapter.title}"
        else:
            message = "Choose an encounter first" if self.chosen is None else "The pair is no longer loaded"
        self.window.statusBar().showMessage(message, 5000)

    def _show_markers(self, on: bool) -> None:
        self.markers.setChecked(on)

    def disconnect_model(self) -> None:
        self.cancel()
        disconnect_events(self.conjunctions.events, self)


def install_conjunctions(window) -> ConjunctionsPanel:
    """The Conjunctions dock of ``window`` (a ``MainWindow``, below the view; hidden until a
    screening starts, so the view keeps its height) and its menu (before Help): Screen... and
    the dock's toggle."""
    panel = ConjunctionsPanel(window)
    dock = QDockWidget("Conjunctions", window)
    dock.setObjectName("conjunctions-dock")
    dock.setWidget(panel)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    dock.hide()
    menu = menu_before_help(window, "C&onjunctions")
    screen_action = menu.addAction("&Screen...")
    screen_action.setObjectName("conjunctions-screen")
    screen_action.triggered.connect(panel.screen_dialog)
    chapter_action = menu.addAction("Add &chapter for the chosen encounter")
    chapter_action.setObjectName("conjunctions-add-chapter")
    chapter_action.triggered.connect(panel.add_chapter)
    menu.addSeparator()
    toggle = dock.toggleViewAction()
    toggle.setText("Conjunctions panel")
    menu.addAction(toggle)
    window.conjunctions_dock = dock
    return panel
