"""The status bar's permanent fields: objects shown, UTC, speed, frames per second, data age."""

from __future__ import annotations

import sys
import time

import numpy as np
from PyQt6.QtWidgets import QLabel, QStatusBar

from orbitview.core.model.events import disconnect_events
from orbitview.core.model.scene import Layer, Scene, shared_numbers_warning
from orbitview.core.orbits.times import format_utc
from orbitview.ui.time_bar import speed_label

#: Elements older than this at the displayed time draw a warning (positions drift by
#: kilometres a day in low orbit once elements are a couple of weeks old).
STALE_AFTER_S = 14 * 86400.0


def shown_and_total(scene: Scene) -> tuple[int, int]:
    """(objects drawn: in visible layers and passing their filters, all objects)."""
    total = sum(len(layer) for layer in scene.layers)
    shown = sum(int(layer.shown.sum()) for layer in scene.layers if layer.visible)
    return shown, total


def stale_layers(scene: Scene, t_s: float, limit_s: float = STALE_AFTER_S) -> list[tuple[str, float]]:
    """(name, median element age in s) of the visible layers whose median age at ``t_s``
    exceeds ``limit_s`` (either way: elements far in the future of ``t_s`` are as wrong)."""
    out = []
    for layer in scene.layers:
        if layer.visible and len(layer):
            age = float(np.median(t_s - layer.catalog.epoch_s))
            if abs(age) > limit_s:
                out.append((layer.name, age))
    return out


class StatusFields:
    """Adds its labels to ``bar`` and keeps them in step with ``scene``."""

    def __init__(self, scene: Scene, bar: QStatusBar) -> None:
        self.scene = scene
        self.age_label = QLabel()
        self.age_label.setStyleSheet("color: #d08000")
        self.count_label = QLabel()
        self.utc_label = QLabel()
        self.speed_label = QLabel()
        self.fps_label = QLabel("-- fps")
        self.shared_label = QLabel()
        self.shared_label.setStyleSheet("color: #d08000")
        self._shared_warning: str | None = None
        for label in (self.shared_label, self.age_label, self.count_label, self.utc_label, self.speed_label, self.fps_label):
            bar.addPermanentWidget(label)
        self._layers: tuple[Layer, ...] = ()
        self._last_age_check = -1e30
        self._age_checked_at = -1e30
        self._fps_frames = 0
        self._fps_since = time.perf_counter()
        scene.events.layers.connect(self._on_layers)
        scene.clock.events.time_s.connect(self._show_time)
        scene.clock.events.speed.connect(self._show_speed)
        self._on_layers(scene.layers)
        self._show_time(scene.clock.time_s)
        self._show_speed(scene.clock.speed)

    def _on_layers(self, layers) -> None:
        for layer in self._layers:
            disconnect_events(layer.events, self)
        self._layers = tuple(layers)
        for layer in self._layers:
            layer.events.visible.connect(self._show_count)
            layer.events.shown.connect(self._show_count)
        self._show_count()
        self._show_shared_numbers()

    def _show_shared_numbers(self) -> None:
        """Say when layers share catalogue numbers: in the bar, and once as a log line on stderr."""
        warning = shared_numbers_warning(self.scene.layers)
        self.shared_label.setText("⚠ layers share catalogue numbers" if warning else "")
        self.shared_label.setToolTip(warning or "")
        if warning and warning != self._shared_warning:
            print(f"orbitview: warning: {warning}", file=sys.stderr)
        self._shared_warning = warning

    def _show_count(self, _value=None) -> None:
        shown, total = shown_and_total(self.scene)
        self.count_label.setText(f"{shown:,} / {total:,} objects")
        self._show_age(self.scene.clock.time_s)

    def _show_time(self, t_s: float) -> None:
        self.utc_label.setText(f"{format_utc(t_s)} UTC")
        # Ages change slowly: checking once per simulated hour is plenty, and at most once a
        # second (at x10,000 an hour passes at every frame, and the check takes a median).
        if abs(t_s - self._last_age_check) > 3600.0 and time.perf_counter() - self._age_checked_at > 1.0:
            self._show_age(t_s)

    def _show_age(self, t_s: float) -> None:
        self._last_age_check, self._age_checked_at = t_s, time.perf_counter()
        stale = stale_layers(self.scene, t_s)
        if not stale:
            self.age_label.setText("")
            self.age_label.setToolTip("")
            return
        days = max(abs(age) for _, age in stale) / 86400.0
        self.age_label.setText(f"⚠ elements {days:,.0f} days from the displayed time")
        self.age_label.setToolTip("Positions from element sets this far from their epoch are unreliable:\n"
                                  + "\n".join(f"{name}: median {age / 86400:+,.1f} days" for name, age in stale))

    def _show_speed(self, speed: float) -> None:
        self.speed_label.setText(speed_label(speed))

    def frame_drawn(self) -> None:
        self._fps_frames += 1
        elapsed = time.perf_counter() - self._fps_since
        if elapsed >= 1.0:
            self.fps_label.setText(f"{self._fps_frames / elapsed:.0f} fps")
            self._fps_frames = 0
            self._fps_since = time.perf_counter()

    def disconnect_model(self) -> None:
        for model in (self.scene, self.scene.clock, *self._layers):
            disconnect_events(model.events, self)
        self._layers = ()
