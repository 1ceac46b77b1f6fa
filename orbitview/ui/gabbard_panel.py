"""The Gabbard dock: apogee and perigee altitude against period, and the altitude histogram, of
one debris layer (and optionally a second beside it), following the clock.

Values come from ``core.gabbard``: osculating from SGP4 states at the clock's time
(``at_time``) of the objects the view draws then, or the layers' element sets (``from_catalog``, fixed in time: the way
a tracked cloud's diagram is usually drawn). The picture is ``render.gabbard_image``'s Pillow
drawing, the same one "Export image..." writes, so the dock and the file always agree.
"""

from __future__ import annotations

import numpy as np
from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtGui import QImage, QPixmap
from PyQt6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from orbitview.core import gabbard
from orbitview.core.errors import OrbitviewError
from orbitview.core.events import disconnect_events
from orbitview.core.times import format_utc
from orbitview.render.gabbard_image import (
    MIN_HEIGHT,
    MIN_PANEL_WIDTH,
    Panel,
    gabbard_image,
    write_gabbard_png,
)

#: While the clock plays, redraw at most this often (the drawing costs ~10-30 ms).
PLAYING_INTERVAL_MS = 250
STATES, ELEMENTS = "States at the clock time", "Element sets (at their epochs)"
NONE = "(none)"


def install_gabbard_panel(window) -> GabbardDock:
    """Add the dock to ``window`` (hidden) and a toggle for it to ``window.view_menu``."""
    dock = GabbardDock(window)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    dock.hide()
    action = dock.toggleViewAction()
    action.setText("Gabbard diagram")
    action.setStatusTip("Apogee and perigee against period of a debris layer, at the clock's time")
    window.view_menu.addAction(action)
    return dock


class GabbardDock(QDockWidget):
    """``panels``: what is drawn now (one ``Panel`` per chosen layer), for tests and export."""

    def __init__(self, window) -> None:
        super().__init__("Gabbard diagram", window)
        self.setObjectName("gabbard-dock")
        self.scene = window.scene
        self.panels: list[Panel] = []

        self.layer_box, self.compare_box = QComboBox(), QComboBox()
        self.source_box = QComboBox()
        self.source_box.addItems([STATES, ELEMENTS])
        for box in (self.layer_box, self.compare_box, self.source_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(12)
            box.currentIndexChanged.connect(self.schedule)
        # Until the user picks a layer, follow the largest one as layers come and go.
        self.follow_largest = True
        self.layer_box.activated.connect(self._picked)
        export = QPushButton("Export image...")
        export.clicked.connect(self.export_dialog)
        self.image_label = QLabel()
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.image_label.setMinimumSize(240, 320)

        body = QWidget()
        layout = QVBoxLayout(body)
        row = QHBoxLayout()
        row.addWidget(QLabel("Layer"))
        row.addWidget(self.layer_box, 1)
        row.addWidget(QLabel("beside"))
        row.addWidget(self.compare_box, 1)
        layout.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(self.source_box, 1)
        row.addWidget(export)
        layout.addLayout(row)
        layout.addWidget(self.image_label, 1)
        self.setWidget(body)

        # One timer coalesces clock ticks, layer changes and resizes into one redraw.
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.refresh)
        self.scene.events.layers.connect(self._fill_layers)
        self.scene.clock.events.time_s.connect(self._on_time)
        self.visibilityChanged.connect(self.schedule)
        self._fill_layers()

    # --- choosing layers ----------------------------------------------------------------------

    def _fill_layers(self, _layers=None) -> None:
        """List the scene's layers, keeping the user's choices."""
        layers = self.scene.layers
        names = [layer.name for layer in layers]
        current, compare = self.layer_box.currentText(), self.compare_box.currentText()
        for box in (self.layer_box, self.compare_box):
            box.blockSignals(True)
            box.clear()
        self.layer_box.addItems(names)
        self.compare_box.addItems([NONE, *names])
        if current in names and not self.follow_largest:
            self.layer_box.setCurrentIndex(names.index(current))
        elif layers:
            self.layer_box.setCurrentIndex(_largest(layers))
        self.compare_box.setCurrentIndex(names.index(compare) + 1 if compare in names else 0)
        for box in (self.layer_box, self.compare_box):
            box.blockSignals(False)
        self.schedule()

    def _picked(self, _index: int) -> None:
        self.follow_largest = False

    def chosen_layers(self) -> list:
        layers = self.scene.layers
        chosen = [layers[i] for i in (self.layer_box.currentIndex(), self.compare_box.currentIndex() - 1)
                  if 0 <= i < len(layers)]
        return list(dict.fromkeys(chosen))  # the same layer twice is drawn once

    # --- redrawing ----------------------------------------------------------------------------

    def _on_time(self, _t_s: float) -> None:
        if self.source_box.currentText() == STATES:
            self.schedule()

    def schedule(self, *_args) -> None:
        """Redraw soon: at once when scrubbing or choosing, at most ``PLAYING_INTERVAL_MS``
        apart while the clock plays; nothing while the dock is hidden."""
        if not self.isVisible() or self.timer.isActive():
            return
        self.timer.start(PLAYING_INTERVAL_MS if self.scene.clock.playing else 0)

    def refresh(self) -> None:
        """Recompute the chosen layers' diagrams and redraw them at the dock's size."""
        t_s = self.scene.clock.time_s
        at_time = self.source_box.currentText() == STATES
        self.panels = [_panel(layer, t_s, at_time) for layer in self.chosen_layers()]
        if not self.panels:
            self.image_label.setPixmap(QPixmap())
            self.image_label.setText("No layers loaded")
            return
        width = max(MIN_PANEL_WIDTH, self.image_label.width() // len(self.panels))
        height = max(MIN_HEIGHT, self.image_label.height())
        image = gabbard_image(self.panels, panel_width=width, height=height)
        pixmap = QPixmap.fromImage(_qimage(image))
        if pixmap.width() > self.image_label.width() or pixmap.height() > self.image_label.height():
            pixmap = pixmap.scaled(self.image_label.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation)
        self.image_label.setPixmap(pixmap)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.schedule()

    # --- export -------------------------------------------------------------------------------

    def export_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export Gabbard diagram", "gabbard.png",
                                              "PNG images (*.png)")
        if path:
            self.export(path if path.lower().endswith(".png") else path + ".png")

    def export(self, path: str) -> None:
        """Write the diagrams as drawn now, at the command line's size (720 x 900 per panel)."""
        self.refresh()
        if not self.panels:
            QMessageBox.information(self, "Export Gabbard diagram", "Load a layer first.")
            return
        try:
            # Each panel's title says its time (or "element sets").
            write_gabbard_png(path, self.panels, title="Gabbard diagram")
        except OrbitviewError as exc:
            QMessageBox.warning(self, "Export Gabbard diagram", str(exc))

    def disconnect_model(self) -> None:
        """Stop listening to the scene, which may outlive the window (its closeEvent calls
        this: an event filter on the window would run Python while Qt tears it down)."""
        self.timer.stop()
        for model in (self.scene, self.scene.clock):
            disconnect_events(model.events, self)


def _largest(layers) -> int:
    """The layer to show first: the one with the most objects (a cloud, not its parent)."""
    return int(np.argmax([len(layer) for layer in layers]))


def _panel(layer, t_s: float, at_time: bool) -> Panel:
    """One layer's diagram: of the objects shown (its filters) that exist at ``t_s``."""
    if at_time:
        # The view's keyframes say which objects exist now (a parent before its breakup, the
        # fragments after it); core gives their elements.
        rows = np.flatnonzero(layer.keyframes.at(t_s).valid & layer.shown)
        return Panel(f"{layer.name}, {format_utc(t_s, seconds=False)}",
                     gabbard.at_time(layer.catalog.take(rows), t_s))
    catalog = layer.catalog.take(np.flatnonzero(layer.shown))
    return Panel(f"{layer.name}, element sets", gabbard.from_catalog(catalog))


def _qimage(image) -> QImage:
    """A QImage holding its own copy of a Pillow RGB image."""
    data = np.ascontiguousarray(np.asarray(image.convert("RGB")))
    height, width, _ = data.shape
    return QImage(data.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()
