"""The time bar: play/pause, steps, speed, a scrub slider over the clock's span, the span's
window for live catalogues, a UTC field, "Now"."""

from __future__ import annotations

from PyQt6.QtCore import QSignalBlocker, Qt
from PyQt6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPushButton, QSlider, QWidget

from orbitview.core.errors import OrbitviewError
from orbitview.core.model.clock import SPEED_PRESETS, Clock
from orbitview.core.model.events import disconnect_events
from orbitview.core.orbits.times import FIRST_TIME_S, LAST_TIME_S, format_utc, now_utc, parse_utc

SLIDER_STEPS = 10_000
#: A step moves the clock by what one second of play moves it, but never less than this.
MIN_STEP_S = 60.0
#: Scrub windows offered for live catalogues (element sets propagate to any time): label, half-width.
WINDOWS = (("±3 h", 3 * 3600.0), ("±12 h", 43200.0), ("±1 day", 86400.0), ("±3 days", 3 * 86400.0),
           ("±7 days", 7 * 86400.0), ("±30 days", 30 * 86400.0))


def speed_label(speed: float) -> str:
    return f"x{speed:,.0f}" if speed > 0 else f"x{speed:,.0f} (reverse)"


def span_label(span_s: float) -> str:
    """The length of a span for the window box: ``6 h``, ``60 days``."""
    if span_s < 2 * 86400.0:
        return f"{span_s / 3600.0:,.0f} h"
    return f"{span_s / 86400.0:,.0f} days"


class TimeBar(QWidget):
    """Shows and sets ``clock``; each widget blocks its own signal while it writes back."""

    def __init__(self, clock: Clock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clock = clock
        self.play = QPushButton("Play")
        self.play.setCheckable(True)
        self.play.setToolTip("Play / pause (Space)")
        self.back = QPushButton("◀◀")
        self.back.setToolTip("Step back (Ctrl+Left): one second of play, at least a minute")
        self.forward = QPushButton("▶▶")
        self.forward.setToolTip("Step forward (Ctrl+Right): one second of play, at least a minute")
        for button in (self.back, self.forward):
            button.setMaximumWidth(44)
        self.speed = QComboBox()
        for value in SPEED_PRESETS:
            self.speed.addItem(speed_label(value), value)
        self.speed.setToolTip("Simulated seconds per second")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, SLIDER_STEPS)
        self.slider.setToolTip("Scrub over the loaded span")
        self.window_box = QComboBox()
        for label, half in WINDOWS:
            self.window_box.addItem(label, half)
        self.window_box.setToolTip("Scrub window around the displayed time (element sets only: a "
                                   "trajectory file's span is fixed)")
        self.time_field = QLineEdit()
        self.time_field.setToolTip("Displayed time, UTC (ISO 8601); Enter to jump")
        self.time_field.setMinimumWidth(170)
        self.now = QPushButton("Now")
        self.now.setToolTip("Jump to the current time")

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        for widget in (self.back, self.play, self.forward, self.speed, self.slider, self.window_box,
                       self.time_field, self.now):
            layout.addWidget(widget, stretch=1 if widget is self.slider else 0)

        self.play.toggled.connect(self._on_play)
        self.back.clicked.connect(self.step_back)
        self.forward.clicked.connect(self.step_forward)
        self.window_box.activated.connect(self._on_window)
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
        self._show_span()
        self._show_playing(clock.playing)

    def disconnect_model(self) -> None:
        disconnect_events(self.clock.events, self)

    # model -> widgets
    def _show_time(self, t_s: float) -> None:
        with QSignalBlocker(self.slider):
            span = self.clock.span_end_s - self.clock.span_start_s
            fraction = (t_s - self.clock.span_start_s) / span if span > 0 else 0.0
            # While a jump moves the span (one end, then the other, then the time), the time
            # can lie far outside it: a slider value past the ends would overflow Qt's int.
            self.slider.setValue(round(min(max(fraction, 0.0), 1.0) * SLIDER_STEPS))
        if not self.time_field.hasFocus():
            self.time_field.setText(format_utc(t_s))

    def _show_span(self, _value=None) -> None:
        self._show_time(self.clock.time_s)
        self._show_window()

    def _show_window(self) -> None:
        """The window box says the clock's span: one of ``WINDOWS``, else an extra last item
        naming its length (a briefing's weeks, a trajectory file's span)."""
        span_s = self.clock.span_end_s - self.clock.span_start_s
        index = next((i for i, (_, half) in enumerate(WINDOWS) if abs(2 * half - span_s) < 1.0), -1)
        with QSignalBlocker(self.window_box):
            if self.window_box.count() > len(WINDOWS):
                self.window_box.removeItem(len(WINDOWS))
            if index < 0:
                self.window_box.addItem(span_label(span_s), None)
                index = len(WINDOWS)
            self.window_box.setCurrentIndex(index)

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

    def step_s(self) -> float:
        return max(MIN_STEP_S, abs(self.clock.speed))

    def step_back(self) -> None:
        self.jump_to(self.clock.time_s - self.step_s())

    def step_forward(self) -> None:
        self.jump_to(self.clock.time_s + self.step_s())

    def jump_to(self, t_s: float) -> None:
        """Show ``t_s``: inside a locked span (``clock.span_locked``) it is clamped; otherwise
        the span moves with it."""
        clock = self.clock
        if clock.span_locked:
            t_s = min(max(t_s, clock.span_start_s), clock.span_end_s)
        elif not clock.span_start_s <= t_s <= clock.span_end_s:
            t_s = min(max(t_s, FIRST_TIME_S), LAST_TIME_S)
            _set_span_around(clock, t_s, (clock.span_end_s - clock.span_start_s) / 2)
        clock.time_s = t_s

    def _on_window(self, index: int) -> None:
        if self.clock.span_locked or self.window_box.itemData(index) is None:
            return
        _set_span_around(self.clock, self.clock.time_s, self.window_box.itemData(index))

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
        self.jump_to(t_s)
        self.time_field.clearFocus()

    def _on_now(self) -> None:
        self.jump_to(now_utc())


def _set_span_around(clock: Clock, t_s: float, half_s: float) -> None:
    """Span ``t_s`` +- ``half_s``, cut to the times a clock can show (years 1 to 9999): played
    beyond them, every UTC display would fail."""
    clock.set_span(max(t_s - half_s, FIRST_TIME_S), min(t_s + half_s, LAST_TIME_S))
