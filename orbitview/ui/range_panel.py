"""The conjunction range dock: the range between two chosen objects over a span around the
clock's time, every closest approach marked, the clock as a line; it follows the clock.

Pick the objects by selecting one in the view and pressing "A = selected", then another and
"B = selected". Values come from ``core.conjunctions.pair_range`` (SGP4 in float64, minima
solved exactly), not from the view's keyframes.
"""

from __future__ import annotations

from PyQt6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from orbitview.core.conjunctions.pair_range import PairRange, pair_range
from orbitview.core.model.events import disconnect_events
from orbitview.render.export.plots import draw_range
from orbitview.ui.plot_dock import PlotDock, install_dock

#: Half-spans offered, hours either side of the clock's time.
HALF_SPANS_H = (1.0, 3.0, 12.0, 48.0)


def install_range_panel(window) -> "RangeDock":
    """Add the range dock to ``window`` (hidden) and a View > "Conjunction range" toggle."""
    dock = RangeDock(window)
    install_dock(window, dock, "Conjunction range",
                 "The range between two objects around the clock's time, closest approaches marked")
    return dock


class RangeDock(PlotDock):
    """``a``, ``b``: the two objects (``ObjectRef``, None until chosen); ``data``: the
    ``PairRange`` drawn now."""

    export_name = "range.png"

    def __init__(self, window) -> None:
        super().__init__("Conjunction range", "range-dock", window)
        self.a = self.b = None
        self.a_label, self.b_label = QLabel("A: -"), QLabel("B: -")
        pick_a, pick_b = QPushButton("A = selected"), QPushButton("B = selected")
        pick_a.clicked.connect(lambda: self.set_pair(self.scene.selected, self.b))
        pick_b.clicked.connect(lambda: self.set_pair(self.a, self.scene.selected))
        self.span_box = QComboBox()
        self.span_box.addItems([f"±{h:g} h" for h in HALF_SPANS_H])
        self.span_box.setCurrentIndex(1)
        self.span_box.currentIndexChanged.connect(self.schedule)

        body = QWidget()
        layout = QVBoxLayout(body)
        for label, button in ((self.a_label, pick_a), (self.b_label, pick_b)):
            row = QHBoxLayout()
            row.addWidget(label, 1)
            row.addWidget(button)
            layout.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(self.span_box, 1)
        row.addWidget(self.export_button)
        layout.addLayout(row)
        layout.addWidget(self.canvas, 1)
        self.setWidget(body)
        self.scene.events.layers.connect(self._forget_removed)

    def set_pair(self, a, b) -> None:
        """Plot the range between ``a`` and ``b`` (``ObjectRef`` or None)."""
        self.a, self.b = a, b
        for label, letter, ref in ((self.a_label, "A", a), (self.b_label, "B", b)):
            label.setText(f"{letter}: {_name(ref)}" if ref is not None else f"{letter}: -")
        self.schedule()

    def _forget_removed(self, layers) -> None:
        kept = {id(layer) for layer in layers}
        if any(ref is not None and id(ref.layer) not in kept for ref in (self.a, self.b)):
            self.set_pair(*(ref if ref is not None and id(ref.layer) in kept else None for ref in (self.a, self.b)))

    def empty_text(self) -> str:
        return "Select an object and press \"A = selected\", then another and \"B = selected\""

    def compute_job(self):
        a, b = self.a, self.b
        if a is None or b is None or a == b:
            return lambda: None
        t_s = self.scene.clock.time_s
        half_s = HALF_SPANS_H[self.span_box.currentIndex()] * 3600.0
        return lambda: pair_range(a.layer.catalog.satrecs[a.row], b.layer.catalog.satrecs[b.row],
                                  t_s - half_s, t_s + half_s, names=(_name(a), _name(b)))

    def draw(self, figure, data: PairRange) -> None:
        draw_range(figure, data, now_s=self.scene.clock.time_s)

    def disconnect_model(self) -> None:
        super().disconnect_model()
        disconnect_events(self.scene.events, self)


def _name(ref) -> str:
    return f"{ref.name or 'object'} ({ref.norad_id})"
