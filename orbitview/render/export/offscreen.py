"""Rendering the scene without a window (vispy EGL, surfaceless): images, PNGs and videos."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from orbitview import __version__
from orbitview.core.model.scenario import OverlayText
from orbitview.core.model.scene import Scene
from orbitview.core.orbits.times import format_utc
from orbitview.io.atomic import open_atomically


def render_image(scene: Scene, size: tuple[int, int], overlay: OverlayText | None = None) -> np.ndarray:
    """(H, W, 3) uint8 image of ``scene`` at its clock's time, ``size`` = (width, height).

    ``overlay``: the text drawn over it (default: the UTC clock and the legend).
    """
    from orbitview.render.export.exporter import FrameRenderer

    renderer = FrameRenderer(scene, size, overlay if overlay is not None else OverlayText())
    try:
        return renderer.render(scene.clock.time_s)
    finally:
        renderer.close()


def render_video(scene: Scene, path: str | Path, times_s: np.ndarray, size: tuple[int, int], fps: float,
                 overlay: OverlayText | None = None, *, renderer=None, metadata: dict[str, str] | None = None,
                 preset: str | None = None, on_frame=None) -> Path:
    """Write the frames of ``scene`` at ``times_s`` (POSIX s UTC) as an MP4 or GIF (by the
    suffix of ``path``), atomically: a failed or cancelled export leaves nothing at ``path``.

    ``renderer``: a ``FrameRenderer`` already set up (a scenario's camera timeline and labels);
    by default one of ``scene`` with ``overlay``. It is closed here either way. ``on_frame(n)``
    is called after each frame written (progress).
    """
    from orbitview.render.export.exporter import FrameRenderer
    from orbitview.render.export.video import DEFAULT_PRESET, VideoWriter

    if renderer is None:
        renderer = FrameRenderer(scene, size, overlay if overlay is not None else OverlayText())
    try:
        with VideoWriter(path, size, fps, metadata, preset or DEFAULT_PRESET) as writer:
            for i, t_s in enumerate(times_s):
                writer.write(renderer.render(float(t_s)))
                if on_frame is not None:
                    on_frame(i + 1)
            return writer.finish()
    finally:
        renderer.close()


def write_png(image: np.ndarray, path: str | Path, metadata: dict[str, str]) -> None:
    """Write ``image`` as a PNG with text chunks, atomically (``orbitview.io.atomic``)."""
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    for key, value in metadata.items():
        info.add_itxt(key, value)
    with open_atomically(path) as handle:
        Image.fromarray(image).save(handle, format="PNG", pnginfo=info)


def scene_metadata(scene: Scene) -> dict[str, str]:
    """What a PNG of the scene records: the time shown, the sources, the software."""
    sources = sorted({str(s) for layer in scene.layers for s in set(layer.catalog.source)})
    return {
        "Title": scene.title or "orbitview",
        "orbitview:time_utc": format_utc(scene.clock.time_s),
        "Source": "; ".join(sources) or "(no objects)",
        "Software": f"orbitview {__version__}",
        "Copyright": "Earth imagery: NASA Blue Marble. Stars: ESA Hipparcos.",
    }
