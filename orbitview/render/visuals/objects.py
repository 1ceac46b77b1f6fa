"""One population of objects as one vispy visual, interpolated on the GPU.

Each object's two keyframes (position and velocity at ``t0`` and ``t1``, GCRS km and km/s) sit
in one vertex buffer, its colour in another: a keyframe crossing uploads only the first, a new
colour only the second. The vertex shader evaluates the cubic Hermite polynomial for the current
time, a uniform, so between keyframes a clock tick costs one uniform and no upload. The index
buffer (the objects drawn) is uploaded only when which objects are drawn changes.
Objects in the Earth's cylindrical shadow are dimmed in the shader from the Sun's direction.
"""

from __future__ import annotations

import numpy as np
from vispy import gloo
from vispy.scene.visuals import create_visual_node

from orbitview.core.model.legend import ECLIPSED_COLOR, SUNLIT_COLOR
from orbitview.core.orbits.frames import EARTH_EQUATORIAL_RADIUS_KM
from orbitview.core.orbits.keyframes import Keyframes
from orbitview.render.visuals.transforms import MatrixVisual

VERTEX_SHADER = """
attribute vec3 a_p0;
attribute vec3 a_v0;
attribute vec3 a_p1;
attribute vec3 a_v1;
attribute vec4 a_color;

uniform float u_dt;        // seconds since the first keyframe
uniform float u_h;         // seconds between the keyframes
uniform float u_size;      // point diameter, logical pixels
uniform float u_px_scale;  // framebuffer pixels per logical pixel
uniform vec3 u_sun;        // unit vector to the Sun, GCRS
uniform float u_shadow_dim;
uniform float u_earth_radius;
uniform float u_sunlit_mode;  // 1: colour by sunlit/eclipsed instead of a_color
uniform vec4 u_sunlit_color;
uniform vec4 u_eclipsed_color;
uniform mat4 u_mvp;        // the whole visual-to-render transform, one matrix (MatrixVisual)

varying vec4 v_color;

void main() {
    float s = u_dt / u_h;
    float s2 = s * s;
    float s3 = s2 * s;
    vec3 p = (2.0 * s3 - 3.0 * s2 + 1.0) * a_p0
           + (s3 - 2.0 * s2 + s) * u_h * a_v0
           + (-2.0 * s3 + 3.0 * s2) * a_p1
           + (s3 - s2) * u_h * a_v1;
    float along_sun = dot(p, u_sun);
    float off_axis = length(p - along_sun * u_sun);
    bool shadowed = along_sun < 0.0 && off_axis < u_earth_radius;
    if (u_sunlit_mode > 0.5) {
        v_color = shadowed ? u_eclipsed_color : u_sunlit_color;
    } else {
        v_color = vec4(a_color.rgb * (shadowed ? u_shadow_dim : 1.0), a_color.a);
    }
    gl_Position = u_mvp * vec4(p, 1.0);
    gl_PointSize = u_size * u_px_scale;
}
"""

#: Points wider than this (framebuffer pixels) are drawn as antialiased discs, smaller ones as
#: opaque squares: at 3 px a disc is a square with faint corners, and the square, which needs
#: no blending and lets points behind points be skipped, costs a quarter less to draw.
ROUND_ABOVE_PX = 3.5

FRAGMENT_SHADERS = {
    "round": """
varying vec4 v_color;

void main() {
    float r = length(gl_PointCoord - vec2(0.5)) * 2.0;
    if (r > 1.0) discard;
    gl_FragColor = vec4(v_color.rgb, v_color.a * (1.0 - smoothstep(0.55, 1.0, r)));
}
""",
    "square": """
varying vec4 v_color;

void main() {
    gl_FragColor = v_color;
}
""",
}
#: vispy GL state of each point style: discs blend, squares write depth.
GL_STATES = {
    "round": dict(preset="translucent", depth_test=True, depth_mask=False),
    "square": dict(preset="opaque", depth_test=True, depth_mask=True),
}


#: What changes at every keyframe crossing.
MOTION_DTYPE = np.dtype([("a_p0", np.float32, 3), ("a_v0", np.float32, 3),
                         ("a_p1", np.float32, 3), ("a_v1", np.float32, 3)])
#: What changes only when the layer's style does.
STYLE_DTYPE = np.dtype([("a_color", np.float32, 4)])


class ObjectsVisual(MatrixVisual):
    """Points for N objects. ``set_keyframes`` and ``set_colors`` upload; ``set_time`` only
    sets a uniform.

    Objects that are not valid (decayed) or hidden by ``set_shown`` are left out of the index
    buffer, so they cost nothing to draw. ``motion_buffer``, ``style_buffer`` and
    ``index_buffer`` are the three GPU buffers (tests count their uploads).
    """

    def __init__(self, point_size: float = 3.0, shadow_dim: float = 0.35) -> None:
        super().__init__(vcode=VERTEX_SHADER, fcode=FRAGMENT_SHADERS["round"])
        self._style = "round"
        self.motion_buffer = gloo.VertexBuffer(np.zeros(0, MOTION_DTYPE))
        self.style_buffer = gloo.VertexBuffer(np.zeros(0, STYLE_DTYPE))
        self.index_buffer = gloo.IndexBuffer(np.zeros(0, np.uint32))
        self._count = 0
        self._t0_s = 0.0
        self._h_s = 1.0
        self._dt_s = 0.0
        self._keyframes: Keyframes | None = None
        self._shown: np.ndarray | None = None
        #: (N,) bool of the objects in the index buffer, None before the first keyframes.
        self._drawn: np.ndarray | None = None
        self.shared_program["u_dt"] = 0.0
        self.shared_program["u_h"] = 1.0
        self.shared_program["u_size"] = point_size
        self.shared_program["u_sun"] = (1.0, 0.0, 0.0)
        self.shared_program["u_shadow_dim"] = shadow_dim
        self.shared_program["u_earth_radius"] = EARTH_EQUATORIAL_RADIUS_KM
        self.shared_program["u_sunlit_mode"] = 0.0
        self.shared_program["u_sunlit_color"] = SUNLIT_COLOR
        self.shared_program["u_eclipsed_color"] = ECLIPSED_COLOR
        self._draw_mode = "points"
        self._index_buffer = self.index_buffer
        self.set_gl_state(**GL_STATES["round"])
        self.freeze()

    @property
    def keyframes(self) -> Keyframes | None:
        return self._keyframes

    @property
    def drawn(self) -> np.ndarray | None:
        """(N,) bool: the objects drawn (shown and valid in the keyframes); None before any.
        A new array whenever it changes, the same one while it does not."""
        return self._drawn

    def set_keyframes(self, keyframes: Keyframes) -> None:
        """Upload both keyframes of every object (the motion buffer only)."""
        data = np.empty(len(keyframes.valid), MOTION_DTYPE)
        data["a_p0"] = keyframes.position0_km
        data["a_v0"] = keyframes.velocity0_km_s
        data["a_p1"] = keyframes.position1_km
        data["a_v1"] = keyframes.velocity1_km_s
        self.motion_buffer.set_data(data)
        # Rebinding after set_data keeps vispy's per-attribute views in step with the buffer.
        self.shared_program.bind(self.motion_buffer)
        self._keyframes = keyframes
        self._t0_s = keyframes.t0_s
        self._h_s = float(keyframes.t1_s - keyframes.t0_s)
        self.shared_program["u_h"] = self._h_s
        self._update_index()
        self.update()

    def set_colors(self, colors_rgba: np.ndarray) -> None:
        """Upload each object's colour, (N, 4) float32 RGBA 0..1 (the style buffer only)."""
        data = np.empty(len(colors_rgba), STYLE_DTYPE)
        data["a_color"] = colors_rgba
        self.style_buffer.set_data(data)
        self.shared_program.bind(self.style_buffer)
        self.update()

    def set_shown(self, shown: np.ndarray) -> None:
        """Which objects to draw, (N,) bool (filters); valid-ness still applies."""
        self._shown = np.asarray(shown, bool)
        self._update_index()
        self.update()

    def _update_index(self) -> None:
        """Upload the indices of the objects drawn, when they are not those uploaded last."""
        if self._keyframes is None:
            return
        drawn = self._keyframes.valid if self._shown is None else self._shown & self._keyframes.valid
        if self._drawn is not None and np.array_equal(drawn, self._drawn):
            return
        self._drawn = drawn
        rows = np.flatnonzero(drawn).astype(np.uint32)
        self._count = len(rows)
        if self._count:
            self.index_buffer.set_data(rows)

    def set_time(self, t_s: float) -> None:
        """The displayed time, POSIX seconds: a uniform relative to the first keyframe.

        A time outside the keyframes' interval (the next pair is still being computed) draws
        the objects where they are at its nearer end: a cubic is not extrapolated.
        """
        self._dt_s = min(max(t_s - self._t0_s, 0.0), self._h_s)
        self.shared_program["u_dt"] = float(self._dt_s)
        self.update()

    @property
    def drawn_time_s(self) -> float:
        """The time the objects are drawn at, POSIX seconds (``set_time``'s, within the keyframes)."""
        return self._t0_s + self._dt_s

    def set_sun_direction(self, sun_gcrs: np.ndarray | None) -> None:
        """The Sun's unit vector, GCRS; None (no ephemeris then): no object is in shadow."""
        # A zero vector puts every object on the Sun's side of the Earth (along_sun = 0).
        self.shared_program["u_sun"] = (0.0, 0.0, 0.0) if sun_gcrs is None else tuple(float(x) for x in sun_gcrs)

    def set_sunlit_mode(self, on: bool) -> None:
        """Colour every object by whether it is in sunlight or in the Earth's shadow."""
        self.shared_program["u_sunlit_mode"] = 1.0 if on else 0.0
        self.update()

    def set_point_size(self, size_px: float) -> None:
        self.shared_program["u_size"] = float(size_px)
        self.update()

    def _before_draw(self, view) -> bool:
        if self._count == 0:
            return False
        px_scale = view.transforms.pixel_scale
        style = "round" if self.shared_program["u_size"] * px_scale > ROUND_ABOVE_PX else "square"
        if style != self._style:
            self._style = style
            self.shared_program.frag = FRAGMENT_SHADERS[style]
            self.set_gl_state(**GL_STATES[style])
        view.view_program["u_px_scale"] = px_scale
        return True

    def _compute_bounds(self, axis, view):
        return (-EARTH_EQUATORIAL_RADIUS_KM, EARTH_EQUATORIAL_RADIUS_KM)


Objects = create_visual_node(ObjectsVisual)
