"""RGBA stamps (``annotations.Stamp``) drawn over the view at canvas pixels, all from one texture.

The window's overlay is made of the same stamps that exports composite with Pillow, so what the
window shows is what an export writes. On the CPU renderer a textured quad costs a fraction of
what vispy's signed-distance text costs per frame (about 2 ms per text visual).
"""

from __future__ import annotations

import numpy as np
from vispy import gloo
from vispy.scene.visuals import create_visual_node

from orbitview.render.export.annotations import Stamp
from orbitview.render.visuals.transforms import MatrixVisual

VERTEX_SHADER = """
attribute vec2 a_position;   // canvas pixels, y down
attribute vec2 a_texcoord;
uniform mat4 u_mvp;
varying vec2 v_texcoord;

void main() {
    v_texcoord = a_texcoord;
    gl_Position = u_mvp * vec4(a_position, 0.0, 1.0);
}
"""

FRAGMENT_SHADER = """
uniform sampler2D u_atlas;
varying vec2 v_texcoord;

void main() {
    gl_FragColor = texture2D(u_atlas, v_texcoord);
}
"""


def atlas_of(stamps: list[Stamp], pixel_scale: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The stamps stacked into one ``(H, W, 4) uint8`` image, and two triangles per stamp:
    ``position`` (6 S, 2) float32 canvas pixels and ``texcoord`` (6 S, 2) float32.

    Stamps are drawn in framebuffer pixels, ``pixel_scale`` of them to a canvas pixel, so
    text stays sharp on high-density screens."""
    width = max(s.rgba.shape[1] for s in stamps)
    height = sum(s.rgba.shape[0] + 1 for s in stamps)
    atlas = np.zeros((height, width, 4), np.uint8)
    position, texcoord, row = [], [], 0
    for stamp in stamps:
        h, w = stamp.rgba.shape[:2]
        atlas[row:row + h, :w] = stamp.rgba
        x0, y0, x1, y1 = stamp.x, stamp.y, stamp.x + w, stamp.y + h
        u0, v0, u1, v1 = 0.0, row / height, w / width, (row + h) / height
        position += [(x0, y0), (x1, y0), (x1, y1), (x0, y0), (x1, y1), (x0, y1)]
        texcoord += [(u0, v0), (u1, v0), (u1, v1), (u0, v0), (u1, v1), (u0, v1)]
        row += h + 1  # a clear row between stamps, so none samples its neighbour
    return atlas, np.array(position, np.float32) / pixel_scale, np.array(texcoord, np.float32)


class StampsVisual(MatrixVisual):
    """``set_stamps`` replaces what is drawn; an empty list draws nothing."""

    def __init__(self) -> None:
        super().__init__(vcode=VERTEX_SHADER, fcode=FRAGMENT_SHADER)
        self._atlas = gloo.Texture2D(np.zeros((1, 1, 4), np.uint8), interpolation="nearest")
        self._position = gloo.VertexBuffer(np.zeros((0, 2), np.float32))
        self._texcoord = gloo.VertexBuffer(np.zeros((0, 2), np.float32))
        self.shared_program["u_atlas"] = self._atlas
        self.shared_program["a_position"] = self._position
        self.shared_program["a_texcoord"] = self._texcoord
        self._count = 0
        self._draw_mode = "triangles"
        self.set_gl_state("translucent", depth_test=False, depth_mask=False)
        self.freeze()

    def set_stamps(self, stamps: list[Stamp], pixel_scale: float = 1.0) -> None:
        """Stamps placed in framebuffer pixels (``pixel_scale`` per canvas pixel)."""
        stamps = [s for s in stamps if s.rgba.size]
        self._count = 6 * len(stamps)
        if stamps:
            atlas, position, texcoord = atlas_of(stamps, pixel_scale)
            self._atlas.set_data(atlas)
            self._position.set_data(position)
            self._texcoord.set_data(texcoord)
        self.update()

    def _before_draw(self, view) -> bool:
        return self._count > 0

    def _compute_bounds(self, axis, view):
        return None


Stamps = create_visual_node(StampsVisual)
