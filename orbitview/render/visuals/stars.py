"""The bright stars, fixed to the inertial (GCRS ~ ICRS) axes and drawn behind everything.

Each star is drawn at a fixed, large distance from the eye along its direction, so moving the
camera never shifts it against the sky: only turning does.
Size and brightness follow the visual magnitude, the tint follows the B-V colour index.
"""

from __future__ import annotations

import numpy as np
from vispy import gloo
from vispy.scene.visuals import create_visual_node

from orbitview.render.adapters.camera_adapter import DEPTH_RANGE
from orbitview.render.visuals.transforms import MatrixVisual

VERTEX_SHADER = """
attribute vec3 a_direction;
attribute vec4 a_color;
attribute float a_size;
uniform float u_px_scale;
uniform vec3 u_eye;        // eye position, GCRS km
uniform float u_radius;    // km: inside the far clipping plane
varying vec4 v_color;

uniform mat4 u_mvp;  // visual to render coordinates, one matrix

void main() {
    gl_Position = u_mvp * vec4(u_eye + a_direction * u_radius, 1.0);
    gl_PointSize = a_size * u_px_scale;
    v_color = a_color;
}
"""

FRAGMENT_SHADER = """
varying vec4 v_color;

void main() {
    float r = length(gl_PointCoord - vec2(0.5)) * 2.0;
    if (r > 1.0) discard;
    gl_FragColor = vec4(v_color.rgb, v_color.a * (1.0 - smoothstep(0.3, 1.0, r)));
}
"""


def star_directions(ra_deg: np.ndarray, dec_deg: np.ndarray) -> np.ndarray:
    """(S, 3) unit vectors, ICRS (the GCRS axes) from right ascension and declination."""
    ra, dec = np.radians(ra_deg), np.radians(dec_deg)
    return np.column_stack([np.cos(dec) * np.cos(ra), np.cos(dec) * np.sin(ra), np.sin(dec)])


def star_colors(vmag: np.ndarray, b_minus_v: np.ndarray) -> np.ndarray:
    """(S, 4) RGBA: blue-white for hot stars (B-V < 0) to orange (B-V > 1.4), fainter when dim."""
    t = np.clip((b_minus_v + 0.3) / 1.9, 0.0, 1.0)[:, None]
    hot = np.array([0.70, 0.80, 1.00])
    mid = np.array([1.00, 0.97, 0.92])
    cool = np.array([1.00, 0.72, 0.45])
    rgb = np.where(t < 0.5, hot + (mid - hot) * (t / 0.5), mid + (cool - mid) * ((t - 0.5) / 0.5))
    alpha = np.clip(1.05 - 0.13 * (vmag + 1.5), 0.25, 1.0)
    return np.column_stack([rgb, alpha]).astype(np.float32)


def star_sizes_px(vmag: np.ndarray) -> np.ndarray:
    """Point diameters in logical pixels: about 6 px for Sirius, 1.2 px at magnitude 6."""
    return np.clip(4.6 - 0.6 * vmag, 1.2, 6.5).astype(np.float32)


class StarsVisual(MatrixVisual):
    def __init__(self, ra_deg, dec_deg, vmag, b_minus_v) -> None:
        super().__init__(vcode=VERTEX_SHADER, fcode=FRAGMENT_SHADER)
        data = np.zeros(
            len(ra_deg), [("a_direction", np.float32, 3), ("a_color", np.float32, 4), ("a_size", np.float32)]
        )
        data["a_direction"] = star_directions(ra_deg, dec_deg)
        data["a_color"] = star_colors(vmag, b_minus_v)
        data["a_size"] = star_sizes_px(vmag)
        self.shared_program.bind(gloo.VertexBuffer(data))
        self.shared_program["u_eye"] = (0.0, 0.0, 0.0)
        self.shared_program["u_radius"] = 1.0e5
        self._draw_mode = "points"
        # Drawn first and without depth, so the Earth and every object cover the sky.
        self.set_gl_state("translucent", depth_test=False, depth_mask=False)
        self.freeze()

    def set_eye(self, eye_gcrs_km: np.ndarray, distance_km: float) -> None:
        """Centre the sky on the eye, inside the far plane (``DEPTH_RANGE`` x distance)."""
        self.shared_program["u_eye"] = tuple(float(x) for x in eye_gcrs_km)
        self.shared_program["u_radius"] = float(distance_km) * DEPTH_RANGE / 2

    def _before_draw(self, view) -> bool:
        view.view_program["u_px_scale"] = view.transforms.pixel_scale
        return True


Stars = create_visual_node(StarsVisual)
