"""The window's overlay: UTC clock, legend, title, chapter caption and hint, drawn at the
screen's resolution.

It is laid out and drawn by ``annotations.Annotator``, the code that writes the overlay of
exported images, so the window shows what an export will carry. One stamp visual draws it all
(each visual costs the CPU renderer its own draw); a tick redraws only the clock's text, then
packs it with the others' kept stamps.
"""

from __future__ import annotations

from vispy import scene as vscene

from orbitview.core.model.scenario import headed_overlay
from orbitview.render.adapters.canvas_events import disconnect_canvas_events
from orbitview.render.export.annotations import Annotator, clock_text
from orbitview.render.visuals.stamps import Stamps

LEGEND_ROWS = 12


class Overlay:
    """Owns the overlay visual; ``update_*`` set what it says, ``layout`` redraws it."""

    def __init__(self, canvas: vscene.SceneCanvas) -> None:
        self.canvas = canvas
        self.stamps = Stamps(parent=canvas.scene)
        self.stamps.order = 10
        self._static: list = []
        self._clock = None
        self._legend: list[tuple[str, tuple, int]] = []
        self._title = ""
        self.caption: tuple[str, str] | None = None
        self.panes: tuple[str, str] | None = None
        self._message = ""
        self._clock_text = ""
        self._clock_time_s = 0.0
        self._in_orbit: int | None = None
        self._in_orbit_stamp = None
        self._hidden = False
        canvas.events.resize.connect(self.layout)
        self.layout()

    def hide(self) -> None:
        """Draw none of it from now on (exports draw their own annotations)."""
        self._hidden = True
        self.stamps.visible = False

    def update_clock(self, t_s: float, in_orbit: int | None = None) -> None:
        """The clock at ``t_s``; ``in_orbit``: the objects-in-orbit count to show over it (None: none)."""
        text = clock_text(t_s)
        if text != self._clock_text or in_orbit != self._in_orbit:
            self._clock_text, self._clock_time_s, self._in_orbit = text, t_s, in_orbit
            self._clock = self.annotator.clock(t_s)
            self._in_orbit_stamp = None if in_orbit is None else self.annotator.in_orbit(in_orbit)
            self._show()

    @property
    def in_orbit(self) -> int | None:
        """The objects-in-orbit count drawn now (None: no counter)."""
        return self._in_orbit

    def update_title(self, text: str) -> None:
        self._title = text
        self.layout()

    def update_caption(self, caption: tuple[str, str] | None) -> None:
        """The running chapter's (title, caption); None: no chapter runs."""
        if caption != self.caption:
            self.caption = caption
            self.layout()

    def update_panes(self, titles: tuple[str, str] | None) -> None:
        """The (left, right) titles of a split view; None: one view."""
        if titles != self.panes:
            self.panes = titles
            self.layout()

    def update_message(self, text: str) -> None:
        self._message = text
        self.layout()

    def update_legend(self, rows: list[tuple[str, tuple, int]]) -> None:
        """``(label, rgba, count)`` rows (count -1: shown without a number)."""
        self._legend = rows[:LEGEND_ROWS]
        self.layout()

    def _annotator(self) -> Annotator:
        overlay = headed_overlay(self._title, legend=bool(self._legend), clock=True)
        return Annotator(tuple(self.canvas.physical_size), overlay, self._legend, self.panes)

    def layout(self, event=None) -> None:
        self.annotator = self._annotator()
        self._static = list(self.annotator.static)
        if self.caption is not None:
            self._static += self.annotator.caption(*self.caption)
        if self._message:
            self._static.append(self.annotator.centred(self._message))
        if self._clock is not None:
            # Sizes follow the canvas height: the clock is drawn again at the new one.
            self._clock = self.annotator.clock(self._clock_time_s)
        if self._in_orbit is not None:
            self._in_orbit_stamp = self.annotator.in_orbit(self._in_orbit)
        self._show()

    def _show(self) -> None:
        stamps = self._static + [s for s in (self._clock, self._in_orbit_stamp) if s is not None]
        self.stamps.set_stamps(stamps, self.canvas.pixel_scale)
        self.stamps.visible = bool(stamps) and not self._hidden

    def close(self) -> None:
        disconnect_canvas_events(self.canvas, self)
