"""Gabbard diagrams as a PNG, drawn with Pillow: one panel per cloud, side by side, same axes.

Each panel: apogee (red) and perigee (blue) altitude against period, a dashed line at the
parent's period when given, and under it the altitude histogram of the same cloud. Plain on
purpose: axes, ticks, labels and a legend, readable in a briefing slide.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from orbitview.core.gabbard import Gabbard, altitude_histogram
from orbitview.io.atomic import open_atomically

APOGEE_RGB = (200, 40, 40)
PERIGEE_RGB = (30, 90, 200)
AXIS_RGB = (40, 40, 40)
GRID_RGB = (225, 225, 225)
#: Below these the margins, labels and histogram no longer fit (the axes' boxes would invert).
MIN_PANEL_WIDTH = 320
MIN_HEIGHT = 560


@dataclass(frozen=True)
class Panel:
    """One cloud to draw: a title, its Gabbard arrays, and the parent's period (min) if known."""

    title: str
    gabbard: Gabbard
    parent_period_min: float | None = None


def nice_ticks(low: float, high: float, count: int = 6) -> np.ndarray:
    """Round tick values (1, 2 or 5 times a power of ten apart) covering [low, high]."""
    raw = (high - low) / max(count, 1)
    power = 10.0 ** np.floor(np.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return np.arange(np.ceil(low / step) * step, high + step * 1e-9, step)


def _limits(panels: list[Panel]) -> tuple[tuple[float, float], tuple[float, float]]:
    """Shared axis limits: 0.5th-99.5th percentiles of all clouds, so a few outliers do not
    squash the X; points beyond are clipped to the frame."""
    g = [p.gabbard.finite() for p in panels]
    periods = np.concatenate([x.period_min for x in g])
    heights = np.concatenate([np.concatenate([x.apogee_km, x.perigee_km]) for x in g])
    if periods.size == 0:
        return (90.0, 110.0), (0.0, 2000.0)
    p_lo, p_hi = np.percentile(periods, [0.5, 99.5])
    pad = max(0.5, 0.05 * (p_hi - p_lo))
    h_hi = np.percentile(heights, 99.5)
    return (p_lo - pad, p_hi + pad), (0.0, h_hi * 1.05 + 50.0)


def _font(size: int):
    return ImageFont.load_default(size=size)


def _draw_axes(draw, box, xlim, ylim, xlabel, ylabel, fonts):
    left, top, right, bottom = box
    tick_font, label_font = fonts

    def sx(x):
        return left + (x - xlim[0]) / (xlim[1] - xlim[0]) * (right - left)

    def sy(y):
        return bottom - (y - ylim[0]) / (ylim[1] - ylim[0]) * (bottom - top)

    for x in nice_ticks(*xlim):
        draw.line([(sx(x), top), (sx(x), bottom)], fill=GRID_RGB)
        draw.line([(sx(x), bottom), (sx(x), bottom + 6)], fill=AXIS_RGB, width=2)
        draw.text((sx(x), bottom + 9), f"{x:g}", fill=AXIS_RGB, font=tick_font, anchor="mt")
    for y in nice_ticks(*ylim, count=5):
        draw.line([(left, sy(y)), (right, sy(y))], fill=GRID_RGB)
        draw.line([(left - 6, sy(y)), (left, sy(y))], fill=AXIS_RGB, width=2)
        draw.text((left - 9, sy(y)), f"{y:g}", fill=AXIS_RGB, font=tick_font, anchor="rm")
    draw.rectangle(box, outline=AXIS_RGB, width=2)
    draw.text(((left + right) / 2, bottom + 34), xlabel, fill=AXIS_RGB, font=label_font, anchor="mt")
    label = Image.new("RGBA", (int(draw.textlength(ylabel, font=label_font)) + 4, 30), (0, 0, 0, 0))
    ImageDraw.Draw(label).text((2, 2), ylabel, fill=AXIS_RGB, font=label_font)
    return sx, sy, label.rotate(90, expand=True)


def _scatter(draw, sx, sy, box, x, y, rgb, radius=1.6):
    left, top, right, bottom = box
    px, py = sx(x), sy(y)
    inside = (px >= left) & (px <= right) & (py >= top) & (py <= bottom)
    for u, v in zip(px[inside], py[inside]):
        draw.ellipse([u - radius, v - radius, u + radius, v + radius], fill=rgb)


def write_gabbard_png(path: str | Path, panels: list[Panel], *, panel_width: int = 720,
                      height: int = 900, title: str = "") -> Path:
    """Draw ``panels`` side by side (Gabbard diagram above, altitude histogram below); write PNG."""
    image = gabbard_image(panels, panel_width=panel_width, height=height, title=title)
    with open_atomically(path) as handle:
        image.save(handle, format="PNG")
    return Path(path)


def gabbard_image(panels: list[Panel], *, panel_width: int = 720, height: int = 900,
                  title: str = "") -> Image.Image:
    """The RGB image ``write_gabbard_png`` writes: the window shows this same drawing."""
    if panel_width < MIN_PANEL_WIDTH or height < MIN_HEIGHT:
        raise ValueError(f"a Gabbard panel needs at least {MIN_PANEL_WIDTH} x {MIN_HEIGHT} pixels")
    width = panel_width * len(panels)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    fonts = (_font(15), _font(17))
    title_font, legend_font = _font(20), _font(15)
    xlim, ylim = _limits(panels)
    top_margin = 40 if title else 0
    if title:
        draw.text((width / 2, 12), title, fill=AXIS_RGB, font=title_font, anchor="mt")
    for k, panel in enumerate(panels):
        x0 = k * panel_width
        g = panel.gabbard.finite()
        box = (x0 + 95, top_margin + 50, x0 + panel_width - 25, top_margin + int(0.62 * height) - 60)
        heading = _elided(draw, panel.title, f" ({len(g):,} objects)", fonts[1], panel_width - 20)
        draw.text((x0 + panel_width / 2, top_margin + 14), heading, fill=AXIS_RGB, font=fonts[1], anchor="mt")
        sx, sy, ylabel = _draw_axes(draw, box, xlim, ylim, "Period (min)", "Altitude (km)", fonts)
        image.paste(ylabel, (x0 + 8, int((box[1] + box[3]) / 2 - ylabel.height / 2)), ylabel)
        if panel.parent_period_min is not None:
            xp = sx(panel.parent_period_min)
            for y in range(box[1], box[3], 12):
                draw.line([(xp, y), (xp, min(y + 6, box[3]))], fill=(90, 90, 90), width=1)
        _scatter(draw, sx, sy, box, g.period_min, g.apogee_km, APOGEE_RGB)
        _scatter(draw, sx, sy, box, g.period_min, g.perigee_km, PERIGEE_RGB)
        legend = [("apogee", APOGEE_RGB), ("perigee", PERIGEE_RGB)]
        if panel.parent_period_min is not None:
            legend.append((f"parent period {panel.parent_period_min:.1f} min", (90, 90, 90)))
        for j, (text, rgb) in enumerate(legend):
            lx, ly = box[0] + 12, box[1] + 10 + 22 * j
            draw.rectangle([lx, ly + 3, lx + 12, ly + 15], fill=rgb)
            draw.text((lx + 18, ly), text, fill=AXIS_RGB, font=legend_font)
        _draw_histogram(draw, image, g, (x0 + 95, box[3] + 110, box[2], height - 70), ylim, fonts)
    return image


def _elided(draw, text: str, suffix: str, font, width: int) -> str:
    """``text + suffix``, with ``text`` cut short ("...") so it fits ``width`` pixels: a narrow
    panel keeps its object count rather than running into its neighbour."""
    cut = len(text)
    while cut > 0 and draw.textlength(text[:cut] + ("..." if cut < len(text) else "") + suffix, font=font) > width:
        cut -= 1
    return text[:cut] + ("..." if cut < len(text) else "") + suffix


def _draw_histogram(draw, image, gabbard: Gabbard, box, ylim, fonts):
    """Apogee and perigee counts per 50 km of altitude, as step outlines over the same altitudes."""
    edges, apogee, perigee = altitude_histogram(gabbard, 50.0, ylim[1])
    top = max(int(apogee.max(initial=0)), int(perigee.max(initial=0)), 1)
    sx, sy, ylabel = _draw_axes(draw, box, (0.0, ylim[1]), (0.0, top * 1.1), "Altitude (km)",
                                "Objects per 50 km", fonts)
    image.paste(ylabel, (box[0] - 87, int((box[1] + box[3]) / 2 - ylabel.height / 2)), ylabel)
    for counts, rgb in ((apogee, APOGEE_RGB), (perigee, PERIGEE_RGB)):
        points = []
        for lo, hi, c in zip(edges[:-1], edges[1:], counts):
            points += [(sx(lo), sy(c)), (sx(hi), sy(c))]
        draw.line(points, fill=rgb, width=2)
