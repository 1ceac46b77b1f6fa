"""The Earth: a textured WGS84 ellipsoid turned to the displayed time, lit by the true Sun.

Vertices are Earth-fixed (ITRS) points; the uniform ``u_gcrs_from_itrs`` turns them into the
inertial scene, so the Earth's rotation is one 3x3 uniform per frame. The fragment shader looks
up the day image by geodetic latitude and longitude, darkens the night side with a soft
terminator from the Sun's direction, and adds a thin blue rim of atmosphere towards the limb.
"""

from __future__ import annotations

import numpy as np
from vispy import gloo
from vispy.geometry import create_sphere
from vispy.scene.visuals import create_visual_node
from vispy.visuals import Visual

from orbitview.core.frames import EARTH_EQUATORIAL_RADIUS_KM, EARTH_POLAR_RADIUS_KM

VERTEX_SHADER = """
attribute vec3 a_itrs;            // point on the ellipsoid, Earth-fixed, km
uniform mat3 u_gcrs_from_itrs;
varying vec3 v_itrs;
varying vec3 v_gcrs;

void main() {
    v_itrs = a_itrs;
    v_gcrs = u_gcrs_from_itrs * a_itrs;
    gl_Position = $transform(vec4(v_gcrs, 1.0));
}
"""

FRAGMENT_SHADER = """
const float PI = 3.141592653589793;
uniform sampler2D u_day;
uniform vec3 u_sun;               // unit vector to the Sun, GCRS
uniform vec3 u_eye;               // eye position, GCRS km
uniform float u_e2;               // WGS84 first eccentricity squared
uniform float u_night;            // brightness of the night side
varying vec3 v_itrs;
varying vec3 v_gcrs;

void main() {
    float rxy = length(v_itrs.xy);
    float lat = atan(v_itrs.z, (1.0 - u_e2) * rxy);
    float lon = atan(v_itrs.y, v_itrs.x);
    vec2 uv = vec2(lon / (2.0 * PI) + 0.5, 0.5 - lat / PI);
    vec3 day = texture2D(u_day, uv).rgb;

    vec3 normal = normalize(v_gcrs);
    float cos_sun = dot(normal, u_sun);
    float lit = smoothstep(-0.10, 0.12, cos_sun);
    vec3 night = day * u_night + vec3(0.004, 0.008, 0.02);
    vec3 color = mix(night, day * (0.55 + 0.45 * clamp(cos_sun * 1.4, 0.0, 1.0)), lit);

    vec3 to_eye = normalize(u_eye - v_gcrs);
    float limb = 1.0 - clamp(dot(normal, to_eye), 0.0, 1.0);
    float rim = pow(limb, 3.0) * (0.25 + 0.75 * smoothstep(-0.25, 0.3, cos_sun));
    color += vec3(0.30, 0.55, 1.00) * rim * 0.8;
    gl_FragColor = vec4(color, 1.0);
}
"""


class EarthVisual(Visual):
    """The Earth. ``set_orientation`` and ``set_sun_direction`` follow the displayed time."""

    def __init__(self, day_image: np.ndarray, rows: int = 90, cols: int = 180) -> None:
        super().__init__(vcode=VERTEX_SHADER, fcode=FRAGMENT_SHADER)
        mesh = create_sphere(rows, cols, radius=1.0)
        unit = mesh.get_vertices().astype(np.float64)
        itrs = unit * [EARTH_EQUATORIAL_RADIUS_KM, EARTH_EQUATORIAL_RADIUS_KM, EARTH_POLAR_RADIUS_KM]
        self._vertices = gloo.VertexBuffer(itrs.astype(np.float32))
        self._index_buffer = gloo.IndexBuffer(mesh.get_faces().astype(np.uint32))
        texture = gloo.Texture2D(day_image, interpolation="linear", wrapping="clamp_to_edge")
        flattening = 1.0 - EARTH_POLAR_RADIUS_KM / EARTH_EQUATORIAL_RADIUS_KM
        self.shared_program["a_itrs"] = self._vertices
        self.shared_program["u_day"] = texture
        self.shared_program["u_e2"] = flattening * (2.0 - flattening)
        self.shared_program["u_night"] = 0.07
        self.shared_program["u_sun"] = (1.0, 0.0, 0.0)
        self.shared_program["u_eye"] = (0.0, -1e5, 0.0)
        self.shared_program["u_gcrs_from_itrs"] = np.eye(3, dtype=np.float32)
        self._draw_mode = "triangles"
        # The mask must be set explicitly: vispy keeps the last visual's (the stars' "off").
        self.set_gl_state("opaque", depth_test=True, depth_mask=True, cull_face=True)
        self.freeze()

    def set_orientation(self, gcrs_from_itrs: np.ndarray) -> None:
        """The (3, 3) rotation from Earth-fixed to inertial axes at the displayed time."""
        # GLSL reads matrices column by column: hand it the transpose of the row-major array.
        self.shared_program["u_gcrs_from_itrs"] = np.asarray(gcrs_from_itrs, np.float32).T.copy()
        self.update()

    def set_sun_direction(self, sun_gcrs: np.ndarray) -> None:
        self.shared_program["u_sun"] = tuple(float(x) for x in sun_gcrs)
        self.update()

    def set_eye(self, eye_gcrs_km: np.ndarray) -> None:
        self.shared_program["u_eye"] = tuple(float(x) for x in eye_gcrs_km)

    def _prepare_transforms(self, view) -> None:
        view.view_program.vert["transform"] = view.get_transform()

    def _compute_bounds(self, axis, view):
        return (-EARTH_EQUATORIAL_RADIUS_KM, EARTH_EQUATORIAL_RADIUS_KM)


Earth = create_visual_node(EarthVisual)
