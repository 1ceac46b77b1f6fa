"""The window's overlay: UTC clock, legend, title and hint, in canvas pixels.

It is laid out and drawn by ``annotations.Annotator``, the code that writes the overlay of
exported images, so the window shows what an export will carry. Two stamp visuals draw it: one
for what changes with the scene (legend, title, hint), one for the clock, which changes with
every tick and is the only text redrawn then.
"""

from __future__ import annotations

from vispy import scene as vscene

from orbitview.core.scenario import OverlayText
from orbitview.render.annotations import Annotator, clock_text
from orbitview.render.stamps import Stamps

LEGEND_ROWS = 12


class Overlay:
    """Owns the overlay visuals; ``update_*`` set what they say, ``layout`` redraws them."""

    def __init__(self, canvas: vscene.SceneCanvas) -> None:
        self.canvas = canvas
        self.static = Stamps(parent=canvas.scene)
        self.clock = Stamps(parent=canvas.scene)
        for node in self.nodes:
            node.order = 10
        self._legend: list[tuple[str, tuple, int]] = []
        self._title = ""
        self._message = ""
        self._t_s: float | None = None
        self._clock_text = ""
        self._hidden = False
        self.annotator = self._annotator()
        canvas.events.resize.connect(self.layout)
        self.layout()

    @property
    def nodes(self) -> tuple:
        return (self.static, self.clock)

    def hide(self) -> None:
        """Draw none of it from now on (exports draw their own annotations)."""
        self._hidden = True
        for node in self.nodes:
            node.visible = False

    def update_clock(self, t_s: float) -> None:
        self._t_s = t_s
        text = clock_text(t_s)
        if text != self._clock_text:
            self._clock_text = text
            self.clock.set_stamps([self.annotator.clock(t_s)])
        self.clock.visible = not self._hidden

    def update_title(self, text: str) -> None:
        self._title = text
        self.layout()

    def update_message(self, text: str) -> None:
        self._message = text
        self.layout()

    def update_legend(self, rows: list[tuple[str, tuple, int]]) -> None:
        """``(label, rgba, count)`` rows (count -1: shown without a number)."""
        self._legend = rows[:LEGEND_ROWS]
        self.layout()

    def _annotator(self) -> Annotator:
        # The first sentence of the title is the title; the rest the subtitle under it.
        head, _, rest = self._title.partition(". ")
        overlay = OverlayText(title=head, subtitle=rest, legend=bool(self._legend), clock=True)
        return Annotator(tuple(self.canvas.size), overlay, self._legend)

    def layout(self, event=None) -> None:
        self.annotator = self._annotator()
        stamps = list(self.annotator.static)
        if self._message:
            stamps.append(self.annotator.centred(self._message))
        self.static.set_stamps(stamps)
        self.static.visible = bool(stamps) and not self._hidden
        self._clock_text = ""
        if self._t_s is not None:
            self.update_clock(self._t_s)
        else:
            self.clock.visible = False

    def close(self) -> None:
        self.canvas.events.resize.disconnect(self.layout)
