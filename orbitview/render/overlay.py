"""Text drawn over the 3D view in pixel coordinates: UTC clock, legend, title, message."""

from __future__ import annotations

import textwrap

import numpy as np
from vispy import scene as vscene

from orbitview.core.times import format_utc

MARGIN_PX = 14
LINE_PX = 20
LEGEND_WIDTH_PX = 190
LEGEND_ROWS = 12


class Overlay:
    """Owns the overlay visuals; ``update_*`` methods set their text, ``layout`` places them.

    The legend (coloured dots and labels) is one text visual: on the CPU renderer every
    visual costs about 2 ms a frame. The clock, which changes every frame, has its own, so
    a tick lays out its few glyphs only.
    """

    def __init__(self, canvas: vscene.SceneCanvas) -> None:
        self.canvas = canvas
        root = canvas.scene
        text = dict(parent=root, color="white", font_size=11, face="DejaVu Sans")
        # vispy's anchor_y names the text's edge in y-up terms, and canvas y points down:
        # "bottom" puts the text below its position, "top" above it.
        self.clock = vscene.visuals.Text("", anchor_x="left", anchor_y="top", **text)
        self.legend = vscene.visuals.Text("", anchor_x="left", anchor_y="center", **text)
        self.title = vscene.visuals.Text("", anchor_x="center", anchor_y="bottom", bold=True, **{**text, "font_size": 14})
        self.subtitle = vscene.visuals.Text("", anchor_x="center", anchor_y="bottom", **{**text, "font_size": 10})
        self.message = vscene.visuals.Text("", anchor_x="center", anchor_y="center", **{**text, "font_size": 13})
        for node in self.nodes:
            node.order = 10
        self._legend: list[tuple[str, tuple, int]] = []
        self._title = ""
        self._message = ""
        self._hidden = False
        canvas.events.resize.connect(self.layout)
        self.layout()

    @property
    def nodes(self) -> tuple:
        return (self.clock, self.legend, self.title, self.subtitle, self.message)

    def hide(self) -> None:
        """Draw none of it from now on (exports draw their own annotations)."""
        self._hidden = True
        self.layout()

    def update_clock(self, t_s: float) -> None:
        self.clock.text = f"{format_utc(t_s)}  UTC"
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

    def layout(self, event=None) -> None:
        width, height = self.canvas.size
        # The first sentence is the title; the rest a smaller subtitle under it. Both are
        # wrapped to the width left between the legend and its mirror image on the right.
        head, _, rest = self._title.partition(". ")
        free_px = max(width - 2 * LEGEND_WIDTH_PX, 200)
        self.title.text = self._wrap(head, free_px, self.title.font_size)
        self.subtitle.text = self._wrap(rest, free_px, self.subtitle.font_size)
        self.title.pos = (width / 2, MARGIN_PX)
        self.subtitle.pos = (width / 2, MARGIN_PX + self._line_px(self.title.font_size) * (head.count("\n") + 1.3))
        self.message.text = self._message
        self.message.pos = (width / 2, height / 2)
        self.clock.pos = (MARGIN_PX, height - MARGIN_PX)

        strings, positions, colors = [], [], []
        for i, (name, rgba, count) in enumerate(self._legend):
            y = MARGIN_PX + 8 + i * LINE_PX
            strings += ["\u25cf", f"{name}  {count:,}" if count >= 0 else name]
            positions += [(MARGIN_PX, y), (MARGIN_PX + 16, y)]
            colors += [rgba, (1.0, 1.0, 1.0, 1.0)]
        if strings:
            self.legend.text = strings
            self.legend.pos = np.array(positions, np.float32)
            self.legend.color = np.array(colors, np.float32)
        # An empty text visual still costs a draw call per frame.
        shown = (self.clock.text, strings, self.title.text, self.subtitle.text, self._message)
        for node, content in zip(self.nodes, shown):
            node.visible = bool(content) and not self._hidden

    def _line_px(self, font_size_pt: float) -> float:
        return font_size_pt * self.canvas.dpi / 72 * 1.5

    def _wrap(self, text: str, width_px: float, font_size_pt: float) -> str:
        """``text`` in lines that fit ``width_px`` (a character is about 0.6 em wide)."""
        chars = int(width_px / (font_size_pt * self.canvas.dpi / 72 * 0.6))
        return textwrap.fill(text, width=max(20, chars)) if text else ""

    def close(self) -> None:
        self.canvas.events.resize.disconnect(self.layout)
