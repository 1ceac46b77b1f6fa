"""Plots a briefing slide can use, drawn with matplotlib: the Gabbard diagram, the altitude
histogram, and the range of a pair of objects over time.

Each ``draw_*`` function draws into a ``matplotlib.figure.Figure`` it is handed: the window's
docks hand the figure their Qt canvas shows, ``new_figure`` makes one for a file, so a dock
and its export are one drawing. ``write_figure`` writes PNG (Agg), SVG or PDF by the path's
suffix; text stays text in SVG and PDF (editable on a slide, searchable), not outlines.
No pyplot: it keeps global state and picks a GUI backend of its own.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from orbitview.core.conjunctions.pair_range import PairRange
from orbitview.core.errors import OrbitviewError
from orbitview.core.gabbard import Gabbard, altitude_histogram
from orbitview.core.times import format_utc
from orbitview.io.atomic import write_atomically

PLOT_KINDS = ("gabbard", "altitude", "range")
PLOT_FORMATS = ("png", "svg", "pdf")
APOGEE_RGB = (200, 40, 40)
PERIGEE_RGB = (30, 90, 200)
RANGE_RGB = (20, 20, 20)
PARENT_RGB = (90, 90, 90)
#: A file's size: a 16:9 slide, 1920 x 1080 pixels in PNG.
SLIDE_SIZE_IN = (12.8, 7.2)
PNG_DPI = 150
BIN_KM = 50.0


def _rgb(rgb: tuple[int, int, int]) -> tuple[float, float, float]:
    return tuple(c / 255.0 for c in rgb)


@dataclass(frozen=True)
class Panel:
    """One cloud to draw: a title, its Gabbard arrays, and the parent's period (min) if known."""

    title: str
    gabbard: Gabbard
    parent_period_min: float | None = None


def new_figure(size_in: tuple[float, float] = SLIDE_SIZE_IN) -> Figure:
    """A figure for a file (``write_figure``), laid out so labels never leave it."""
    return Figure(figsize=size_in, dpi=PNG_DPI, layout="constrained")


def _limits(panels: list[Panel]) -> tuple[tuple[float, float], tuple[float, float]]:
    """Shared axis limits: 0.5th-99.5th percentiles of all clouds, so a few outliers do not
    squash the X (points beyond fall outside the axes)."""
    g = [p.gabbard.finite() for p in panels]
    periods = np.concatenate([x.period_min for x in g])
    heights = np.concatenate([np.concatenate([x.apogee_km, x.perigee_km]) for x in g])
    if periods.size == 0:
        return (90.0, 110.0), (0.0, 2000.0)
    p_lo, p_hi = np.percentile(periods, [0.5, 99.5])
    pad = max(0.5, 0.05 * (p_hi - p_lo))
    return (p_lo - pad, p_hi + pad), (0.0, np.percentile(heights, 99.5) * 1.05 + 50.0)


def _within(values: np.ndarray, limits: tuple[float, float]) -> np.ndarray:
    return (values >= limits[0]) & (values <= limits[1])


def _heading(figure: Figure, title: str) -> None:
    if title:
        figure.suptitle(title, fontsize="x-large")


def draw_gabbard(figure: Figure, panels: list[Panel], title: str = "") -> None:
    """Apogee (red) and perigee (blue) altitude against period, one axes per panel, same limits;
    a dashed line at the parent's period where known. SVG ids: ``apogee-K``, ``perigee-K``."""
    figure.clear()
    _heading(figure, title)
    xlim, ylim = _limits(panels) if panels else ((90.0, 110.0), (0.0, 2000.0))
    axes = figure.subplots(1, max(1, len(panels)), sharex=True, sharey=True, squeeze=False)[0]
    for k, (ax, panel) in enumerate(zip(axes, panels)):
        g = panel.gabbard.finite()
        beyond = 0
        for name, altitude_km, rgb in (("apogee", g.apogee_km, APOGEE_RGB), ("perigee", g.perigee_km, PERIGEE_RGB)):
            # Points beyond the axes are left out, not drawn off the canvas, and counted in the title.
            inside = _within(g.period_min, xlim) & _within(altitude_km, ylim)
            beyond += int((~inside).sum())
            ax.scatter(g.period_min[inside], altitude_km[inside], s=4, color=_rgb(rgb), linewidths=0,
                       label=name, gid=f"{name}-{k}")
        if panel.parent_period_min is not None:
            ax.axvline(panel.parent_period_min, color=_rgb(PARENT_RGB), linestyle="--", linewidth=1,
                       label=f"parent period {panel.parent_period_min:.1f} min")
        note = f"; {beyond:,} points beyond the axes" if beyond else ""
        ax.set_title(f"{panel.title} ({len(g):,} objects{note})", fontsize="medium", wrap=True)
        ax.set_xlabel("Period (min)")
        ax.grid(True, color="0.9")
        ax.legend(loc="upper left", markerscale=3, fontsize="small")
    axes[0].set_xlim(*xlim)
    axes[0].set_ylim(*ylim)
    axes[0].set_ylabel("Altitude (km)")


def draw_altitude_histogram(figure: Figure, panels: list[Panel], title: str = "",
                            bin_km: float = BIN_KM) -> None:
    """Counts of apogee and perigee altitudes per ``bin_km``, as step outlines, one axes per
    panel over the same altitudes. SVG ids: ``apogee-hist-K``, ``perigee-hist-K``."""
    figure.clear()
    _heading(figure, title)
    top_km = _limits(panels)[1][1] if panels else 2000.0
    # Counts are not shared: a cloud of a hundred beside one of thousands stays readable.
    axes = figure.subplots(1, max(1, len(panels)), sharex=True, squeeze=False)[0]
    for k, (ax, panel) in enumerate(zip(axes, panels)):
        edges, apogee, perigee = altitude_histogram(panel.gabbard, bin_km, top_km)
        ax.stairs(apogee, edges, color=_rgb(APOGEE_RGB), linewidth=1.5, label="apogee", gid=f"apogee-hist-{k}")
        ax.stairs(perigee, edges, color=_rgb(PERIGEE_RGB), linewidth=1.5, label="perigee",
                  gid=f"perigee-hist-{k}")
        ax.set_title(f"{panel.title} ({len(panel.gabbard.finite()):,} objects)", fontsize="medium", wrap=True)
        ax.set_xlabel("Altitude (km)")
        ax.grid(True, color="0.9")
        ax.legend(loc="upper right", fontsize="small")
    axes[0].set_xlim(0.0, top_km)
    for ax in axes:
        ax.set_ylim(bottom=0.0)
    axes[0].set_ylabel(f"Objects per {bin_km:g} km")


def draw_range(figure: Figure, pair: PairRange, title: str = "", now_s: float | None = None) -> None:
    """Range against time (hours from the span's start, which the axis label names), each
    closest approach marked with its time and miss distance; ``now_s`` as a vertical line.
    SVG ids: ``range``, ``minima``."""
    figure.clear()
    _heading(figure, title or f"Range {pair.name_a} to {pair.name_b}")
    ax = figure.subplots()
    t0 = float(pair.times_s[0])
    hours = (pair.times_s - t0) / 3600.0
    ax.plot(hours, pair.range_km, color=_rgb(RANGE_RGB), linewidth=1.2, gid="range")
    if pair.minima:
        tca_h = [(t - t0) / 3600.0 for t, _ in pair.minima]
        miss = [m for _, m in pair.minima]
        ax.plot(tca_h, miss, linestyle="none", marker="o", markersize=5, color=_rgb(APOGEE_RGB),
                gid="minima", label="closest approaches")
        closest = int(np.argmin(miss))
        tca_s, miss_km = pair.minima[closest]
        ax.annotate(f"{format_utc(tca_s)}\n{_distance(miss_km)}", (tca_h[closest], miss_km),
                    xytext=(12, 18), textcoords="offset points", fontsize="small",
                    arrowprops={"arrowstyle": "-", "color": "0.4"})
        ax.legend(loc="upper right", fontsize="small")
    if now_s is not None and pair.times_s[0] <= now_s <= pair.times_s[-1]:
        ax.axvline((now_s - t0) / 3600.0, color=_rgb(PERIGEE_RGB), linewidth=1)
    ax.set_xlim(hours[0], hours[-1])
    ax.set_ylim(bottom=0.0)
    ax.set_xlabel(f"Hours from {format_utc(t0, seconds=False)}")
    ax.set_ylabel("Range (km)")
    ax.grid(True, color="0.9")


def _distance(km: float) -> str:
    return f"{km * 1000.0:,.0f} m" if km < 1.0 else f"{km:,.2f} km"


def plot_format(path: str | Path) -> str:
    """The format a path's suffix names: png, svg or pdf; ``OrbitviewError`` for anything else."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in PLOT_FORMATS:
        raise OrbitviewError(f"{path}: a plot is written as PNG, SVG or PDF (.png, .svg, .pdf)")
    return suffix


def figure_bytes(figure: Figure, fmt: str) -> bytes:
    """The figure encoded as ``fmt`` (png, svg, pdf) at ``PNG_DPI`` for PNG."""
    buffer = io.BytesIO()
    # svg.fonttype "none" and pdf.fonttype 42 keep text as text (TrueType in the PDF); the
    # default metadata's creation date would make two runs' files differ.
    with matplotlib.rc_context({"svg.fonttype": "none", "pdf.fonttype": 42, "svg.hashsalt": "orbitview"}):
        figure.savefig(buffer, format=fmt, dpi=PNG_DPI, facecolor="white",
                       metadata={"Date": None} if fmt in ("svg", "pdf") else None)
    return buffer.getvalue()


def write_figure(figure: Figure, path: str | Path) -> Path:
    """Write ``figure`` to ``path`` (PNG, SVG or PDF by its suffix), atomically."""
    return write_atomically(path, figure_bytes(figure, plot_format(path)))
