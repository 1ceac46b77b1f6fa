"""Text over exported images, drawn with Pillow at the output resolution.

Sizes are fractions of the image height, so an 8K export has the same layout as a 720p one with
crisp glyphs. Each element is drawn once into a small RGBA *stamp* and alpha-blended onto the
frame where it goes; only the clock and object labels change from frame to frame.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from orbitview.core.model.panes import PANES, pane_box
from orbitview.core.model.scenario import OverlayText
from orbitview.core.orbits.frames import sun_known
from orbitview.core.orbits.times import LAST_TIME_S, format_utc

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
FONTS = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf", "mono": "DejaVuSansMono.ttf"}
#: Text heights as fractions of the image height.
SIZES = {"banner": 0.021, "title": 0.030, "subtitle": 0.021, "legend": 0.018, "clock": 0.024,
         "attribution": 0.014, "label": 0.017, "chapter": 0.024, "caption": 0.020, "pane": 0.022}
MARGIN = 0.018
#: Below this text is unreadable: the floor of every size, however small the image.
MIN_TEXT_PX = 9
#: Most lines the title, subtitle and attribution wrap to before they shrink to fit.
TITLE_LINES, SUBTITLE_LINES, ATTRIBUTION_LINES = 2, 1, 2
#: Lines of a chapter's title and of its caption before they shrink to fit.
CHAPTER_LINES, CAPTION_LINES = 1, 2
WHITE = (255, 255, 255, 255)
GREY = (200, 200, 210, 255)


@lru_cache(maxsize=64)
def font(style: str, size_px: int) -> ImageFont.FreeTypeFont:
    """DejaVu (Debian fonts-dejavu-core); Pillow's own scalable font where it is missing."""
    try:
        return ImageFont.truetype(FONT_DIR + FONTS[style], size_px)
    except OSError:
        return ImageFont.load_default(size=size_px)


@dataclass(frozen=True)
class Stamp:
    """``rgba``: (h, w, 4) uint8 drawn with its top-left corner at pixel (``x``, ``y``);
    ``opaque`` ones (alpha 255 everywhere) are copied rather than blended."""

    x: int
    y: int
    rgba: np.ndarray
    opaque: bool = False


def text_stamp(text: str, style: str, size_px: int, fill=WHITE, align: str = "left") -> np.ndarray:
    """(h, w, 4) uint8: ``text`` with a dark outline, so it reads on stars and on the lit Earth."""
    face = font(style, size_px)
    stroke = _stroke(size_px)
    probe = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
    left, top, right, bottom = (math.floor(v) for v in probe.multiline_textbbox((0, 0), text, font=face, stroke_width=stroke, align=align))
    image = Image.new("RGBA", (max(1, right - left), max(1, bottom - top)), (0, 0, 0, 0))
    ImageDraw.Draw(image).multiline_text((-left, -top), text, font=face, fill=fill, align=align,
                                         stroke_width=stroke, stroke_fill=(0, 0, 0, 200))
    return np.asarray(image)


def fitted_stamp(text: str, style: str, size_px: int, max_width_px: int, max_lines: int,
                 fill=WHITE, align: str = "left") -> np.ndarray:
    """``text_stamp`` of ``text`` wrapped at words to at most ``max_lines`` lines no wider than
    ``max_width_px``, shrunk from ``size_px`` until it is; at ``MIN_TEXT_PX`` it takes the
    lines it needs (a word wider than the line is cut at the frame by ``composite``)."""
    size = size_px
    while True:
        lines = wrapped_lines(text, font(style, size), max_width_px - 2 * _stroke(size))
        if len(lines) <= max_lines or size <= MIN_TEXT_PX:
            return text_stamp("\n".join(lines), style, size, fill, align)
        size = max(MIN_TEXT_PX, math.floor(size * 0.9))


def wrapped_lines(text: str, face: ImageFont.FreeTypeFont, max_width_px: float) -> list[str]:
    """``text`` broken at spaces into lines each no wider than ``max_width_px`` in ``face``
    (a single longer word stays whole on its own line)."""
    lines: list[str] = []
    for word in text.split():
        joined = f"{lines[-1]} {word}" if lines else word
        if lines and face.getlength(joined) <= max_width_px:
            lines[-1] = joined
        else:
            lines.append(word)
    return lines or [""]


def _stroke(size_px: int) -> int:
    return max(1, round(size_px / 14))


def _bounds(stamps: list[Stamp]) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1): the box around ``stamps``, in pixels."""
    return (min(s.x for s in stamps), min(s.y for s in stamps),
            max(s.x + s.rgba.shape[1] for s in stamps), max(s.y + s.rgba.shape[0] for s in stamps))


@lru_cache(maxsize=256)
def mono_cell(char: str, size_px: int) -> np.ndarray:
    """(h, advance, 4) uint8: one character of the monospaced font with its outline, in a cell
    one advance wide (the outline reaches into the margins of the cell, not beyond)."""
    face = font("mono", size_px)
    stroke = _stroke(size_px)
    ascent, descent = face.getmetrics()
    width = max(1, round(face.getlength("0")))
    image = Image.new("RGBA", (width, ascent + descent + 2 * stroke), (0, 0, 0, 0))
    ImageDraw.Draw(image).text((0, stroke), char, font=face, fill=WHITE, stroke_width=stroke,
                               stroke_fill=(0, 0, 0, 200))
    return np.asarray(image)


def composite(image: np.ndarray, stamps: list[Stamp]) -> np.ndarray:
    """Blend ``stamps`` onto ``image`` ((H, W, 3) uint8, modified in place and returned);
    parts falling outside the image are cut off."""
    height, width = image.shape[:2]
    for stamp in stamps:
        h, w = stamp.rgba.shape[:2]
        x0, y0 = max(stamp.x, 0), max(stamp.y, 0)
        x1, y1 = min(stamp.x + w, width), min(stamp.y + h, height)
        if x1 <= x0 or y1 <= y0:
            continue
        src = stamp.rgba[y0 - stamp.y : y1 - stamp.y, x0 - stamp.x : x1 - stamp.x]
        dst = image[y0:y1, x0:x1]
        if stamp.opaque:
            dst[...] = src[..., :3]
            continue
        src = src.astype(np.uint16)
        alpha = src[..., 3:4]
        dst[...] = ((src[..., :3] * alpha + dst * (255 - alpha) + 127) // 255).astype(np.uint8)
    return image


def _hex_rgba(color: str) -> tuple[int, int, int, int]:
    return (int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16), 255)


class Annotator:
    """The overlay of one export: ``overlay`` text and the ``legend`` rows (label, RGBA 0..1,
    count or -1), laid out for ``size`` = (width, height) pixels; ``pane_titles``: (left, right)
    titles of a split view (``core.model.panes``), each centred over its half, or None."""

    def __init__(self, size: tuple[int, int], overlay: OverlayText,
                 legend: list[tuple[str, tuple, int]], pane_titles: tuple[str, str] | None = None) -> None:
        self.size = size
        self.overlay = overlay
        self.pane_titles = pane_titles
        self.legend = legend
        width, height = size
        self.px = {name: max(MIN_TEXT_PX, round(fraction * height)) for name, fraction in SIZES.items()}
        self.margin = round(MARGIN * height)
        self.band = round(self.px["banner"] * 1.6) if overlay.banner else 0
        # The clock's size, cut so that its longest line fits between the margins.
        advance = max(1, round(font("mono", self.px["clock"]).getlength("0")))
        room = (width - 2 * self.margin) / (len(LONGEST_CLOCK) * advance)
        self.clock_px = max(MIN_TEXT_PX, math.floor(self.px["clock"] * min(1.0, room)))
        #: (x0, y0, x1, y1) pixels of the ``heading`` (title and subtitle), ``legend`` and
        #: ``attribution``, where drawn.
        self.boxes: dict[str, tuple[int, int, int, int]] = {}
        self.static = self._static(legend)
        self._captions: dict[tuple[str, str], list[Stamp]] = {}

    def _static(self, legend) -> list[Stamp]:
        width, height = self.size
        o, m, stamps = self.overlay, self.margin, []
        if o.banner:
            band = np.zeros((self.band, width, 4), np.uint8)
            band[...] = _hex_rgba(o.banner_color)
            text = fitted_stamp(o.banner, "bold", self.px["banner"], width - 2 * m, 1)
            for y in (0, height - self.band):
                stamps.append(Stamp(0, y, band, opaque=True))
                stamps.append(Stamp((width - text.shape[1]) // 2, y + (self.band - text.shape[0]) // 2, text))
        top = self.band + m
        heading, lines = top, []
        for text, style, lines_at_most, fill in ((o.title, "bold", TITLE_LINES, WHITE),
                                                 (o.subtitle, "regular", SUBTITLE_LINES, GREY)):
            if not text:
                continue
            size = self.px["title" if style == "bold" else "subtitle"]
            line = fitted_stamp(text, style, size, width - 2 * m, lines_at_most, fill, align="center")
            lines.append(Stamp((width - line.shape[1]) // 2, heading, line))
            heading += line.shape[0] + m // 2
        if lines:
            self.boxes["heading"] = _bounds(lines)
            stamps += lines
        panes = self._pane_titles(heading)
        if panes:
            self.boxes["panes"] = _bounds(panes)
            stamps += panes
            heading = self.boxes["panes"][3] + m // 2
        if o.legend and legend:
            rows = self._legend(legend, m, top)
            if any(_bounds(rows)[2] > self.boxes[name][0] for name in ("heading", "panes") if name in self.boxes):
                # Beside a heading as wide as the legend's corner, the legend goes under it.
                rows = self._legend(legend, m, heading)
            self.boxes["legend"] = _bounds(rows)
            stamps += rows
        if o.attribution:
            stamps.append(self._attribution(o.attribution))
            self.boxes["attribution"] = _bounds(stamps[-1:])
        return stamps

    def _pane_titles(self, y: int) -> list[Stamp]:
        """The split view's titles from ``y`` down, each centred over its half."""
        if self.pane_titles is None:
            return []
        stamps = []
        for name, title in zip(PANES, self.pane_titles):
            x0, _, width, _ = pane_box(name, self.size, True)
            if title:
                line = fitted_stamp(title, "bold", self.px["pane"], width - 2 * self.margin, 1, align="center")
                stamps.append(Stamp(x0 + (width - line.shape[1]) // 2, y, line))
        return stamps

    def _attribution(self, text: str) -> Stamp:
        """Bottom right, beside the clock when both fit on the line (at the widest the clock
        gets), else on its own line above it."""
        width, height = self.size
        m = self.margin
        bottom = height - self.band - m
        clock_width = self._clock_width(LONGEST_CLOCK)
        beside = width - 3 * m - clock_width
        line = text_stamp(text, "regular", self.px["attribution"], fill=GREY)
        if line.shape[1] <= beside:
            return Stamp(width - m - line.shape[1], bottom - line.shape[0], line)
        line = fitted_stamp(text, "regular", self.px["attribution"], width - 2 * m, ATTRIBUTION_LINES,
                            fill=GREY, align="right")
        above = bottom - self._clock_cell_height() - m // 2
        return Stamp(width - m - line.shape[1], above - line.shape[0], line)

    def _clock_width(self, text: str) -> int:
        return len(text) * mono_cell("0", self.clock_px).shape[1]

    def _clock_cell_height(self) -> int:
        return mono_cell("0", self.clock_px).shape[0]

    def _legend(self, rows, x: int, y: int) -> list[Stamp]:
        stamps, size = [], self.px["legend"]
        radius = max(2, size // 3)
        for text, rgba, count in rows:
            label = text_stamp(text if count < 0 else f"{text}  {count:,}", "regular", size)
            dot = Image.new("RGBA", (2 * radius + 2, 2 * radius + 2), (0, 0, 0, 0))
            color = tuple(round(255 * c) for c in rgba)
            ImageDraw.Draw(dot).ellipse((1, 1, 2 * radius, 2 * radius), fill=color)
            line = max(label.shape[0], 2 * radius)
            stamps.append(Stamp(x, y + (line - 2 * radius) // 2, np.asarray(dot)))
            stamps.append(Stamp(x + 3 * radius, y + (line - label.shape[0]) // 2, label))
            y += round(line * 1.35)
        return stamps

    def caption(self, title: str, text: str) -> list[Stamp]:
        """A chapter's ``title`` (bold) over its caption ``text``, centred above the bottom row
        (clock, attribution), wrapped and shrunk to fit between the margins: the lower third
        of a broadcast, below the globe's centre at every aspect ratio."""
        if not self.overlay.captions:
            return []
        if (title, text) not in self._captions:
            self._captions[title, text] = self._caption(title, text)
        return self._captions[title, text]

    def _caption(self, title: str, text: str) -> list[Stamp]:
        width, height = self.size
        m = self.margin
        bottom = height - self.band - m
        if self.overlay.clock:
            bottom -= self._clock_cell_height() + m // 2
        if "attribution" in self.boxes:
            bottom = min(bottom, self.boxes["attribution"][1] - m // 2)
        lines = [fitted_stamp(line, style, self.px[size], width - 2 * m, most, fill, align="center")
                 for line, style, size, most, fill in ((title, "bold", "chapter", CHAPTER_LINES, WHITE),
                                                       (text, "regular", "caption", CAPTION_LINES, GREY))
                 if line]
        stamps = []
        for line in reversed(lines):
            bottom -= line.shape[0]
            stamps.append(Stamp((width - line.shape[1]) // 2, bottom, line))
            bottom -= m // 3
        return stamps[::-1]

    def stamps(self, t_s: float, labels=(), ring=None, caption: tuple[str, str] | None = None,
               in_orbit: int | None = None) -> list[Stamp]:
        """Everything drawn over the frame at ``t_s``. ``labels``: (x_px, y_px, text) of named
        objects; ``ring``: (x_px, y_px) of the selected object, or None; ``caption``: the running
        chapter's (title, caption), or None; ``in_orbit``: the count of objects in orbit, or None
        for no counter."""
        stamps = list(self.static)
        if caption is not None:
            stamps += self.caption(*caption)
        width, height = self.size
        m = self.margin
        for x, y, text in labels:
            stamp = text_stamp(text, "regular", self.px["label"])
            offset = round(self.px["label"] * 0.6)
            h, w = stamp.shape[:2]
            # Up and right of the object, but kept inside the margins near the edges.
            left = min(max(round(x) + offset, m), width - m - w)
            top = min(max(round(y) - offset - h, m), height - m - h)
            stamps.append(Stamp(left, top, stamp))
        if ring is not None:
            stamps.append(self._ring(ring))
        if self.overlay.clock:
            stamps.append(self.clock(t_s))
        if in_orbit is not None:
            stamps.append(self.in_orbit(in_orbit))
        return stamps

    def clock(self, t_s: float) -> Stamp:
        """The UTC clock at ``t_s``, bottom left.

        Set from one cell per character of the monospaced font, drawn once: the clock changes
        with every tick, and Pillow takes ~1.5 ms to draw the whole line.
        """
        clock = np.hstack([mono_cell(ch, self.clock_px) for ch in clock_text(t_s)])
        return Stamp(self.margin, self.size[1] - self.band - self.margin - clock.shape[0], clock)

    def in_orbit(self, count: int) -> Stamp:
        """"12,345 objects in orbit", bottom left over the clock (and over an attribution that
        sits above the clock), in the clock's monospaced cells: the digits do not jitter."""
        line = np.hstack([mono_cell(ch, self.clock_px) for ch in f"{count:,} objects in orbit"])
        bottom = self.size[1] - self.band - self.margin - self._clock_cell_height() - self.margin // 2
        if "attribution" in self.boxes:
            bottom = min(bottom, self.boxes["attribution"][1] - self.margin // 2)
        return Stamp(self.margin, bottom - line.shape[0], line)

    def centred(self, text: str) -> Stamp:
        """``text`` in the middle of the image (the window's hints)."""
        stamp = text_stamp(text, "regular", self.px["title"], align="center")
        return Stamp((self.size[0] - stamp.shape[1]) // 2, (self.size[1] - stamp.shape[0]) // 2, stamp)

    def _ring(self, xy) -> Stamp:
        radius = max(4, round(0.012 * self.size[1]))
        thickness = max(1, radius // 5)
        image = Image.new("RGBA", (2 * radius + 2, 2 * radius + 2), (0, 0, 0, 0))
        ImageDraw.Draw(image).ellipse((1, 1, 2 * radius, 2 * radius), outline=(255, 235, 90, 255), width=thickness)
        return Stamp(round(xy[0]) - radius - 1, round(xy[1]) - radius - 1, np.asarray(image))

    def apply(self, image: np.ndarray, t_s: float, labels=(), ring=None,
              caption: tuple[str, str] | None = None, in_orbit: int | None = None) -> np.ndarray:
        """``image`` ((H, W, 3) uint8, the rendered frame) with the overlay, in place."""
        return composite(image, self.stamps(t_s, labels, ring, caption, in_orbit))


def clock_text(t_s: float) -> str:
    """The clock line: ``2007-01-11 22:21:00 UTC``, and a note when the Sun is not known then
    (outside the ephemeris the Earth is drawn lit all round)."""
    text = format_utc(t_s).replace("T", " ").replace("Z", " UTC")
    return text if sun_known(t_s) else f"{text}  no Sun shading (beyond JPL DE421)"


#: The clock's widest line (outside the ephemeris), for laying out what sits beside it.
LONGEST_CLOCK = clock_text(LAST_TIME_S)
