"""What every plot dock shares: a matplotlib Qt canvas, an Export button (PNG, SVG, PDF), a
View menu toggle, and redraws coalesced and throttled while the clock plays.

While the clock plays, a dock's data are computed on the draw path's worker (SGP4 of a whole
layer would stall the frames) and drawn when they come back, unless a newer request overtook
them; paused, they are computed at once.

A dock draws with ``render.export.plots``' functions twice: into its canvas' figure at the dock's size,
and for "Export plot..." into a slide-sized figure, so the file shows what the dock shows.
"""

from __future__ import annotations

import matplotlib
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtWidgets import QDockWidget, QFileDialog, QMessageBox, QPushButton, QSizePolicy

from orbitview.core.errors import OrbitviewError
from orbitview.core.model.events import disconnect_events
from orbitview.render.export.plots import new_figure, plot_format, write_figure

#: While the clock plays, redraw at most this often (a redraw costs ~20-60 ms).
PLAYING_INTERVAL_MS = 250
DOCK_FONT_PT = 7.0
EXPORT_FILTERS = "PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"


def install_dock(window, dock: "PlotDock", menu_text: str, tip: str) -> None:
    """Add ``dock`` to ``window`` (hidden) and a View menu toggle for it."""
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    dock.hide()
    action = dock.toggleViewAction()
    action.setText(menu_text)
    action.setStatusTip(tip)
    window.view_menu.addAction(action)


class PlotDock(QDockWidget):
    """A subclass says what it draws: ``compute_job()`` (a callable, its inputs read when it is
    made, that returns the data at the clock's time, or None when there is nothing to draw) and
    ``draw(figure, data)``; ``export_name`` is the file name offered."""

    export_name = "plot.png"

    def __init__(self, title: str, object_name: str, window) -> None:
        super().__init__(title, window)
        self.setObjectName(object_name)
        self.scene = window.scene
        self._prefetcher = window.prefetcher
        self._key = ("plot", id(self))
        #: The request id of the data being computed on the worker (None: none).
        self._request: int | None = None
        #: What is drawn now (``compute()``'s result), for tests and export.
        self.data = None
        self.figure = Figure(layout="constrained")
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.canvas.setMinimumSize(240, 240)
        self.export_button = QPushButton("Export plot...")
        self.export_button.clicked.connect(self.export_dialog)
        # One timer coalesces clock ticks, choices and resizes into one redraw.
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.refresh)
        self.scene.clock.events.time_s.connect(self._on_time)
        self.visibilityChanged.connect(self.schedule)

    def follows_clock(self) -> bool:
        """Whether a clock tick changes the plot (a subclass showing fixed data says no)."""
        return True

    def _on_time(self, _t_s: float) -> None:
        if self.follows_clock():
            self.schedule()

    def schedule(self, *_args) -> None:
        """Redraw soon: at once when scrubbing or choosing, at most ``PLAYING_INTERVAL_MS``
        apart while the clock plays; nothing while the dock is hidden."""
        if not self.isVisible() or self.timer.isActive():
            return
        self.timer.start(PLAYING_INTERVAL_MS if self.scene.clock.playing else 0)

    def refresh(self) -> None:
        """Recompute the data and redraw the canvas: on the worker while the clock plays."""
        job = self.compute_job()
        if self.scene.clock.playing:
            # Wrapped: a worker's result of None is not handed back, and None is "nothing to draw".
            self._request = self._prefetcher.submit(self._key, lambda: (job(),), self._on_data)
            return
        self._request = None
        self._show(job())

    def _on_data(self, request_id: int, data: tuple) -> None:
        if request_id == self._request:
            self._request = None
            self._show(data[0])

    def _show(self, data) -> None:
        self.data = data
        if self.data is None:
            self.figure.clear()
            self.figure.text(0.5, 0.5, self.empty_text(), ha="center", va="center")
        else:
            # A dock is a fraction of a slide: smaller type keeps titles and ticks apart.
            with matplotlib.rc_context({"font.size": DOCK_FONT_PT}):
                self.draw(self.figure, self.data)
        self.canvas.draw_idle()

    def empty_text(self) -> str:
        return "No layers loaded"

    def compute_job(self):
        raise NotImplementedError

    def compute(self):
        """The data at the clock's time, computed here."""
        return self.compute_job()()

    def draw(self, figure: Figure, data) -> None:
        raise NotImplementedError

    # --- export -------------------------------------------------------------------------------

    def export_dialog(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(self, f"Export {self.windowTitle()}", self.export_name,
                                                   EXPORT_FILTERS)
        if path:
            if "." not in path.rsplit("/", 1)[-1]:
                path += "." + chosen.split("(*.")[1].rstrip(")")
            self.export(path)

    def export(self, path: str) -> None:
        """Write the plot as drawn now, slide-sized (1920 x 1080 in PNG), as PNG, SVG or PDF."""
        self._show(self.compute())
        if self.data is None:
            QMessageBox.information(self, f"Export {self.windowTitle()}", self.empty_text())
            return
        try:
            plot_format(path)
            figure = new_figure()
            self.draw(figure, self.data)
            write_figure(figure, path)
        except OrbitviewError as exc:
            QMessageBox.warning(self, f"Export {self.windowTitle()}", str(exc))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.schedule()

    def disconnect_model(self) -> None:
        """Stop listening to the scene, which may outlive the window (its closeEvent calls
        this: an event filter on the window would run Python while Qt tears it down)."""
        self.timer.stop()
        self._request = None
        self._prefetcher.forget(self._key)
        disconnect_events(self.scene.clock.events, self)
