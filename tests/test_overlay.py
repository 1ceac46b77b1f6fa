"""The window's overlay, drawn by GL from the export annotator's stamps, against the same
stamps composited by the export path: the clock and the legend land on the same pixels with
the same colours, so the window shows what an export writes."""

import numpy as np
import pytest
from PIL import Image

from orbitview.core.orbits.times import parse_utc
from orbitview.render.backend import use_headless
from orbitview.render.export.annotations import composite

pytestmark = pytest.mark.pixels

SIZE = (800, 450)
T = parse_utc("2007-01-11T22:26:00Z")
LEGEND = [("debris", (1.0, 0.3, 0.4, 1.0), 3421), ("payload", (0.3, 0.7, 1.0, 1.0), 1)]


def test_window_overlay_draws_the_export_stamps_where_the_export_puts_them(artefacts):
    use_headless()
    from vispy import scene as vscene

    from orbitview.render.adapters.overlay import Overlay

    canvas = vscene.SceneCanvas(size=SIZE, show=False, dpi=96, bgcolor="black")
    try:
        overlay = Overlay(canvas)
        overlay.update_legend(LEGEND)
        overlay.update_clock(T)
        drawn = canvas.render()[..., :3]
        expected = composite(np.zeros((SIZE[1], SIZE[0], 3), np.uint8),
                             [*overlay.annotator.static, overlay.annotator.clock(T)])
        overlay.close()
    finally:
        canvas.close()
    Image.fromarray(np.hstack([drawn, expected])).save(artefacts / "overlay_window_vs_export.png")

    # Something is drawn in the clock's corner and in the legend's, and nowhere else.
    ink = expected.max(axis=2) > 40
    assert ink[-60:, :300].sum() > 200 and ink[:60, :200].sum() > 200
    assert not ink[100:-80, 250:].any()
    # The same pixels, within rounding of the blend: the GL texture is sampled texel for pixel.
    difference = np.abs(drawn.astype(int) - expected.astype(int)).max(axis=2)
    assert (difference > 12).mean() < 0.001, np.argwhere(difference > 12)[:5]
    # The legend's debris dot has the debris colour.
    debris = (drawn[..., 0] > 200) & (drawn[..., 1] < 110) & (drawn[..., 2] < 140)
    assert debris[:60, :60].sum() > 10
