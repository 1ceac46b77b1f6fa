"""The simulation clock: the displayed time, how fast it runs, and the span it may cover."""

from __future__ import annotations

from orbitview.core.model.events import EventedModel, Field
from orbitview.core.orbits.times import now_utc

#: Speed presets offered by the time bar, simulated seconds per wall-clock second.
SPEED_PRESETS = (-10000.0, -1000.0, -100.0, -10.0, -1.0, 1.0, 10.0, 60.0, 100.0, 1000.0, 10000.0)


class Clock(EventedModel):
    """``time_s``: the displayed time, POSIX seconds UTC. ``speed``: simulated seconds per second.

    ``span_start_s``/``span_end_s`` bound what the time bar can scrub; playing stops at either end.
    ``span_locked``: the span is the data's (``scene.data_span_s``: trajectory files, ephemerides),
    so jumps stay inside it instead of moving it.
    """

    time_s = Field(0.0, float)
    speed = Field(1.0, float)
    playing = Field(False, bool, saved=False)
    span_start_s = Field(0.0, float)
    span_end_s = Field(0.0, float)
    #: Derived from a scene's layers (``Scene``: whether ``data_span_s`` has a span).
    span_locked = Field(False, bool, saved=False)

    def __init__(self, time_s: float | None = None, span_s: float = 86400.0, **values) -> None:
        start = now_utc() if time_s is None else time_s
        values.setdefault("span_start_s", start - span_s / 2)
        values.setdefault("span_end_s", start + span_s / 2)
        super().__init__(time_s=start, **values)

    def set_span(self, start_s: float, end_s: float) -> None:
        """Bound the clock to ``[start_s, end_s]``, moving the time inside if needed."""
        if end_s < start_s:
            raise ValueError("span end precedes its start")
        self.span_start_s, self.span_end_s = start_s, end_s
        self.time_s = min(max(self.time_s, start_s), end_s)

    def advance(self, wall_seconds: float) -> None:
        """Move the time by ``wall_seconds * speed`` when playing, stopping at the span's ends."""
        if not self.playing or wall_seconds <= 0:
            return
        target = self.time_s + wall_seconds * self.speed
        clamped = min(max(target, self.span_start_s), self.span_end_s)
        self.time_s = clamped
        if clamped != target:
            self.playing = False
