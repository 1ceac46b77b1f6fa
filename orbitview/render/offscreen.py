"""Rendering the scene without a window (vispy EGL, surfaceless) and writing PNGs."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

from orbitview import __version__
from orbitview.core.errors import OrbitviewError
from orbitview.core.scene import Scene
from orbitview.core.times import format_utc

MAX_SIZE = (7680, 4320)
GL_DEPTH_COMPONENT24 = 0x81A6


def render_image(scene: Scene, size: tuple[int, int]) -> np.ndarray:
    """(H, W, 3) uint8 image of ``scene`` at ``size`` = (width, height) pixels."""
    width, height = size
    if not (1 <= width <= MAX_SIZE[0] and 1 <= height <= MAX_SIZE[1]):
        raise OrbitviewError(f"image size {width}x{height} is outside 1x1 .. {MAX_SIZE[0]}x{MAX_SIZE[1]}")
    from orbitview.render.backend import use_headless

    use_headless()
    from vispy import gloo
    from vispy import scene as vscene

    from orbitview.render.view import OrbitView

    canvas = vscene.SceneCanvas(size=size, show=False, dpi=96)
    view = OrbitView(scene, canvas)
    # vispy's canvas.render() gives a 16-bit depth buffer: too coarse to hide objects just
    # behind the Earth's limb. This framebuffer has 24 bits.
    fbo = gloo.FrameBuffer(
        color=gloo.RenderBuffer(size[::-1]), depth=gloo.RenderBuffer(size[::-1], format=GL_DEPTH_COMPONENT24)
    )
    try:
        canvas.set_current()
        canvas.push_fbo(fbo, (0, 0), size)
        try:
            view.sync_camera()
            canvas.context.clear(color=canvas.bgcolor, depth=True)
            canvas.draw_visual(canvas.scene)
            return np.ascontiguousarray(fbo.read(alpha=False))
        finally:
            canvas.pop_fbo()
    finally:
        view.close()
        canvas.close()


def write_png(image: np.ndarray, path: str | Path, metadata: dict[str, str]) -> None:
    """Write ``image`` as a PNG with text chunks, atomically (temporary file, then rename)."""
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    path = Path(path)
    info = PngInfo()
    for key, value in metadata.items():
        info.add_itxt(key, value)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=directory)
    except OSError as exc:
        raise OrbitviewError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            Image.fromarray(image).save(handle, format="PNG", pnginfo=info)
        # mkstemp made it private; the finished image gets the usual permissions.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


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
