"""The Gabbard and altitude docks: apogee and perigee altitude against period, and their
histogram, of one debris layer (and optionally a second beside it), following the clock.

Values come from ``core.orbits.gabbard``: osculating from SGP4 states at the clock's time
(``at_time``) of the objects the view draws then, or the layers' element sets
(``from_catalog``, fixed in time: the way a tracked cloud's diagram is usually drawn). The
drawing is ``render.export.plots``', the same one "Export plot..." and ``orbitview plot`` write.
"""

from __future__ import annotations

import numpy as np
from PyQt6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from orbitview.core.model.events import disconnect_events
from orbitview.core.orbits import gabbard
from orbitview.core.orbits.times import format_utc
from orbitview.render.export.plots import Panel, draw_altitude_histogram, draw_gabbard
from orbitview.ui.plot_dock import PlotDock, install_dock

STATES, ELEMENTS = "States at the clock time", "Element sets (at their epochs)"
NONE = "(none)"


def install_gabbard_panel(window) -> "GabbardDock":
    """Add the Gabbard dock to ``window`` (hidden) and a View > "Gabbard diagram" toggle for it."""
    dock = GabbardDock(window)
    install_dock(window, dock, "Gabbard diagram",
                 "Apogee and perigee against period of a debris layer, at the clock's time")
    return dock


def install_altitude_panel(window) -> "AltitudeDock":
    """Add the altitude histogram dock to ``window`` (hidden), toggled from the View menu."""
    dock = AltitudeDock(window)
    install_dock(window, dock, "Altitude histogram",
                 "How many apogees and perigees of a debris layer lie at each altitude")
    return dock


class CloudPlotDock(PlotDock):
    """A plot of one or two layers' ``Panel``s (``data``: the list drawn now)."""

    def __init__(self, title: str, object_name: str, window) -> None:
        super().__init__(title, object_name, window)
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
        row.addWidget(self.export_button)
        layout.addLayout(row)
        layout.addWidget(self.canvas, 1)
        self.setWidget(body)

        self.scene.events.layers.connect(self._fill_layers)
        self._fill_layers()

    @property
    def panels(self) -> list[Panel]:
        return self.data or []

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

    def follows_clock(self) -> bool:
        return self.source_box.currentText() == STATES

    def compute_job(self):
        t_s, playing, at_time, layers = self.scene.clock.time_s, self.scene.clock.playing, self.follows_clock(), \
            self.chosen_layers()
        return lambda: [_panel(layer, t_s, at_time, playing) for layer in layers] or None

    def disconnect_model(self) -> None:
        super().disconnect_model()
        disconnect_events(self.scene.events, self)


class GabbardDock(CloudPlotDock):
    export_name = "gabbard.png"

    def __init__(self, window) -> None:
        super().__init__("Gabbard diagram", "gabbard-dock", window)

    def draw(self, figure, panels: list[Panel]) -> None:
        draw_gabbard(figure, panels)


class AltitudeDock(CloudPlotDock):
    export_name = "altitudes.png"

    def __init__(self, window) -> None:
        super().__init__("Altitude histogram", "altitude-dock", window)

    def draw(self, figure, panels: list[Panel]) -> None:
        draw_altitude_histogram(figure, panels)


def _largest(layers) -> int:
    """The layer to show first: the one with the most objects (a cloud, not its parent)."""
    return int(np.argmax([len(layer) for layer in layers]))


def _panel(layer, t_s: float, at_time: bool, playing: bool) -> Panel:
    """One layer's diagram: of the objects shown (its filters) that exist at ``t_s``."""
    if at_time:
        # The view's keyframes say which objects exist now (a parent before its breakup, the
        # fragments after it); core gives their elements.
        rows = np.flatnonzero(layer.drawn_pair(t_s, playing).valid & layer.shown)
        return Panel(f"{layer.name}, {format_utc(t_s, seconds=False)}", gabbard.at_time(layer.catalog, t_s, rows))
    catalog = layer.catalog.take(np.flatnonzero(layer.shown))
    return Panel(f"{layer.name}, element sets", gabbard.from_catalog(catalog))
