"""The time bar: play/pause, speed, a scrub slider over the clock's span, a UTC field, "Now"."""

from __future__ import annotations

from PyQt6.QtCore import QSignalBlocker, Qt
from PyQt6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPushButton, QSlider, QWidget

from orbitview.core.clock import SPEED_PRESETS, Clock
from orbitview.core.errors import OrbitviewError
from orbitview.core.times import format_utc, now_utc, parse_utc

SLIDER_STEPS = 10_000


def speed_label(speed: float) -> str:
    return f"x{speed:,.0f}" if speed > 0 else f"x{speed:,.0f} (reverse)"


class TimeBar(QWidget):
    """Shows and sets ``clock``; each widget blocks its own signal while it writes back."""

    def __init__(self, clock: Clock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clock = clock
        self.play = QPushButton("Play")
        self.play.setCheckable(True)
        self.play.setToolTip("Play / pause (Space)")
        self.speed = QComboBox()
        for value in SPEED_PRESETS:
            self.speed.addItem(speed_label(value), value)
        self.speed.setToolTip("Simulated seconds per second")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, SLIDER_STEPS)
        self.time_field = QLineEdit()
        self.time_field.setToolTip("Displayed time, UTC (ISO 8601); Enter to jump")
        self.time_field.setMinimumWidth(170)
        self.now = QPushButton("Now")
        self.now.setToolTip("Jump to the current time")

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        for widget in (self.play, self.speed, self.slider, self.time_field, self.now):
            layout.addWidget(widget, stretch=1 if widget is self.slider else 0)

        self.play.toggled.connect(self._on_play)
        self.speed.currentIndexChanged.connect(self._on_speed)
        self.slider.valueChanged.connect(self._on_slider)
        self.time_field.returnPressed.connect(self._on_time_field)
        self.now.clicked.connect(self._on_now)
        clock.events.time_s.connect(self._show_time)
        clock.events.playing.connect(self._show_playing)
        clock.events.speed.connect(self._show_speed)
        clock.events.span_start_s.connect(self._show_span)
        clock.events.span_end_s.connect(self._show_span)
        self._show_speed(clock.speed)
        self._show_time(clock.time_s)
        self._show_playing(clock.playing)

    def disconnect_model(self) -> None:
        self.clock.events.time_s.disconnect(self._show_time)
        self.clock.events.playing.disconnect(self._show_playing)
        self.clock.events.speed.disconnect(self._show_speed)
        self.clock.events.span_start_s.disconnect(self._show_span)
        self.clock.events.span_end_s.disconnect(self._show_span)

    # model -> widgets
    def _show_time(self, t_s: float) -> None:
        with QSignalBlocker(self.slider):
            span = self.clock.span_end_s - self.clock.span_start_s
            fraction = (t_s - self.clock.span_start_s) / span if span > 0 else 0.0
            self.slider.setValue(round(fraction * SLIDER_STEPS))
        if not self.time_field.hasFocus():
            self.time_field.setText(format_utc(t_s))

    def _show_span(self, _value=None) -> None:
        self._show_time(self.clock.time_s)

    def _show_playing(self, playing: bool) -> None:
        with QSignalBlocker(self.play):
            self.play.setChecked(playing)
        self.play.setText("Pause" if playing else "Play")

    def _show_speed(self, speed: float) -> None:
        index = self.speed.findData(speed)
        if index < 0:
            self.speed.addItem(speed_label(speed), speed)
            index = self.speed.count() - 1
        with QSignalBlocker(self.speed):
            self.speed.setCurrentIndex(index)

    # widgets -> model
    def _on_play(self, checked: bool) -> None:
        self.clock.playing = checked

    def toggle_play(self) -> None:
        self.clock.playing = not self.clock.playing

    def _on_speed(self, index: int) -> None:
        self.clock.speed = self.speed.itemData(index)

    def _on_slider(self, value: int) -> None:
        span = self.clock.span_end_s - self.clock.span_start_s
        self.clock.time_s = self.clock.span_start_s + span * value / SLIDER_STEPS

    def _on_time_field(self) -> None:
        try:
            t_s = parse_utc(self.time_field.text())
        except OrbitviewError:
            self.time_field.setStyleSheet("color: #e04040")
            return
        self.time_field.setStyleSheet("")
        if not self.clock.span_start_s <= t_s <= self.clock.span_end_s:
            half = (self.clock.span_end_s - self.clock.span_start_s) / 2
            self.clock.set_span(t_s - half, t_s + half)
        self.clock.time_s = t_s
        self.time_field.clearFocus()

    def _on_now(self) -> None:
        t_s = now_utc()
        if not self.clock.span_start_s <= t_s <= self.clock.span_end_s:
            half = (self.clock.span_end_s - self.clock.span_start_s) / 2
            self.clock.set_span(t_s - half, t_s + half)
        self.clock.time_s = t_s
