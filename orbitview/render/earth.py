"""The Earth: a textured WGS84 ellipsoid turned to the displayed time, lit by the true Sun.

Vertices are Earth-fixed (ITRS) points; the uniform ``u_gcrs_from_itrs`` turns them into the
inertial scene, so the Earth's rotation is one 3x3 uniform per frame. The fragment shader looks
up the day image (per-vertex coordinates: no trigonometry per pixel), darkens the night side with a soft
terminator from the Sun's direction, and adds a thin blue rim of atmosphere towards the limb.
"""

from __future__ import annotations

import numpy as np
from vispy import gloo
from vispy.scene.visuals import create_visual_node
from vispy.visuals import Visual

from orbitview.core.frames import EARTH_EQUATORIAL_RADIUS_KM
from orbitview.core.tracks import ellipsoid_point_km

VERTEX_SHADER = """
attribute vec3 a_itrs;            // point on the ellipsoid, Earth-fixed, km
attribute vec2 a_uv;              // its place in the day image
uniform mat3 u_gcrs_from_itrs;
varying vec2 v_uv;
varying vec3 v_gcrs;

void main() {
    v_uv = a_uv;
    v_gcrs = u_gcrs_from_itrs * a_itrs;
    gl_Position = $transform(vec4(v_gcrs, 1.0));
}
"""

FRAGMENT_SHADER = """
uniform sampler2D u_day;
uniform vec3 u_sun;               // unit vector to the Sun, GCRS
uniform vec3 u_eye;               // eye position, GCRS km
uniform float u_night;            // brightness of the night side
varying vec2 v_uv;
varying vec3 v_gcrs;

void main() {
    vec3 day = texture2D(u_day, v_uv).rgb;

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


def ellipsoid_mesh(rows: int, cols: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A latitude/longitude grid on the WGS84 ellipsoid.

    Returns ``itrs_km`` (V, 3) float32, ``uv`` (V, 2) float32 (the equirectangular image's
    coordinates, by geodetic latitude: what the image is mapped in) and ``faces`` (F, 3)
    uint32, counter-clockwise seen from outside. The 180th meridian is two columns of
    vertices, one at each edge of the image, so no triangle spans the seam.
    """
    lat = np.linspace(np.pi / 2, -np.pi / 2, rows + 1)
    lon = np.linspace(-np.pi, np.pi, cols + 1)
    lat_grid, lon_grid = np.meshgrid(lat, lon, indexing="ij")
    itrs_km = ellipsoid_point_km(lat_grid.ravel(), lon_grid.ravel()).astype(np.float32)
    uv = np.column_stack([(lon_grid.ravel() + np.pi) / (2 * np.pi), (np.pi / 2 - lat_grid.ravel()) / np.pi])
    i, j = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
    a = (i * (cols + 1) + j).ravel()
    b, c, d = a + cols + 1, a + 1, a + cols + 2
    faces = np.concatenate([np.column_stack([a, b, c]), np.column_stack([c, b, d])]).astype(np.uint32)
    return itrs_km, uv.astype(np.float32), faces


class EarthVisual(Visual):
    """The Earth. ``set_orientation`` and ``set_sun_direction`` follow the displayed time."""

    def __init__(self, day_image: np.ndarray, rows: int = 90, cols: int = 180) -> None:
        super().__init__(vcode=VERTEX_SHADER, fcode=FRAGMENT_SHADER)
        itrs_km, uv, faces = ellipsoid_mesh(rows, cols)
        self._index_buffer = gloo.IndexBuffer(faces)
        texture = gloo.Texture2D(day_image, interpolation="linear", wrapping="clamp_to_edge")
        self.shared_program["a_itrs"] = gloo.VertexBuffer(itrs_km)
        self.shared_program["a_uv"] = gloo.VertexBuffer(uv)
        self.shared_program["u_day"] = texture
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
