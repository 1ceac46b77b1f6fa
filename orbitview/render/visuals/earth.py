"""The Earth: a textured WGS84 ellipsoid turned to the displayed time, lit by the true Sun.

Vertices are Earth-fixed (ITRS) points; the uniform ``u_gcrs_from_itrs`` turns them into the
inertial scene, so the Earth's rotation is one 3x3 uniform per frame. The fragment shader looks
up the day image (per-vertex coordinates: no trigonometry per pixel), darkens the night side with a soft
terminator from the Sun's direction, and adds a thin blue rim of atmosphere towards the limb.
Both use the ellipsoid's own (geodetic) normal, (x, y, z a^2/b^2) at an ITRS point: the
direction from the centre is up to 0.19 deg off it at 45 deg latitude, which would move the
terminator by as much.

The mesh and the image come in levels of detail, chosen each frame from the Earth's size on
screen: enough facets that the limb is round to a third of a pixel, and about one texel per
pixel (vispy has no mipmaps: a 4096-texel image drawn 300 pixels wide shimmers, and its scattered
reads cost the CPU renderer more than the shading).
"""

from __future__ import annotations

import numpy as np
from vispy import gloo
from vispy.scene.visuals import create_visual_node

from orbitview.core.orbits.frames import EARTH_EQUATORIAL_RADIUS_KM, EARTH_POLAR_RADIUS_KM
from orbitview.core.orbits.tracks import ellipsoid_point_km
from orbitview.render.visuals.transforms import MatrixVisual, chain_matrix

VERTEX_SHADER = """
attribute vec3 a_itrs;            // point on the ellipsoid, Earth-fixed, km
attribute vec2 a_uv;              // its place in the day image
uniform mat3 u_gcrs_from_itrs;
uniform mat4 u_mvp;               // visual to render coordinates, one matrix
uniform float u_axes_ratio2;      // (equatorial / polar radius)^2
varying vec2 v_uv;
varying vec3 v_gcrs;
varying vec3 v_normal;            // the ellipsoid's outward normal, GCRS, not unit length

void main() {
    v_uv = a_uv;
    v_gcrs = u_gcrs_from_itrs * a_itrs;
    // Linear in the position, so interpolating it is the normal of the interpolated point.
    v_normal = u_gcrs_from_itrs * vec3(a_itrs.xy, a_itrs.z * u_axes_ratio2);
    gl_Position = u_mvp * vec4(v_gcrs, 1.0);
}
"""

FRAGMENT_SHADER = """
uniform sampler2D u_day;
uniform vec3 u_sun;               // unit vector to the Sun, GCRS
uniform float u_sun_known;        // 0: outside the ephemeris, the Earth is lit all round
uniform vec3 u_eye;               // eye position, GCRS km
uniform float u_night;            // brightness of the night side
varying vec2 v_uv;
varying vec3 v_gcrs;
varying vec3 v_normal;

void main() {
    vec3 day = texture2D(u_day, v_uv).rgb;

    vec3 normal = normalize(v_normal);
    float cos_sun = u_sun_known > 0.5 ? dot(normal, u_sun) : 1.0;
    float lit = smoothstep(-0.10, 0.12, cos_sun);
    vec3 night = day * u_night + vec3(0.004, 0.008, 0.02);
    vec3 color = mix(night, day * (0.55 + 0.45 * clamp(cos_sun * 1.4, 0.0, 1.0)), lit);

    vec3 to_eye = normalize(u_eye - v_gcrs);
    float limb = 1.0 - clamp(dot(normal, to_eye), 0.0, 1.0);
    float rim = limb * limb * limb * (0.25 + 0.75 * smoothstep(-0.25, 0.3, cos_sun));
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


#: Levels of detail: (mesh columns, rows being half as many; image width in texels).
LEVELS = ((64, 1024), (128, 2048), (256, 4096), (512, 4096))
#: Largest distance between the true limb and the mesh's, pixels.
LIMB_ERROR_PX = 0.3


def level_for(radius_px: float) -> int:
    """Index into ``LEVELS`` for an Earth ``radius_px`` framebuffer pixels across."""
    if not np.isfinite(radius_px):
        return len(LEVELS) - 1
    # A polygon of n sides is inside its circle by R (1 - cos(pi / n)) at the middle of a side.
    columns = np.pi / np.arccos(max(1.0 - LIMB_ERROR_PX / max(radius_px, 1.0), -1.0))
    texels = 2.0 * np.pi * radius_px
    for k, (cols, width) in enumerate(LEVELS):
        if cols >= columns and (width >= texels or width == LEVELS[-1][1]):
            return k
    return len(LEVELS) - 1


def image_levels(day_image: np.ndarray) -> dict[int, np.ndarray]:
    """The day image at each width of ``LEVELS`` (box-filtered; never wider than given)."""
    from PIL import Image

    source = Image.fromarray(day_image)
    out = {}
    for width in sorted({w for _, w in LEVELS}):
        width = min(width, day_image.shape[1])
        out[width] = day_image if width == day_image.shape[1] else np.asarray(
            source.resize((width, width * day_image.shape[0] // day_image.shape[1]), Image.BOX))
    return out


class EarthVisual(MatrixVisual):
    """The Earth. ``set_orientation`` and ``set_sun_direction`` follow the displayed time."""

    def __init__(self, day_image: np.ndarray) -> None:
        super().__init__(vcode=VERTEX_SHADER, fcode=FRAGMENT_SHADER)
        images = image_levels(day_image)
        textures = {width: gloo.Texture2D(image, interpolation="linear", wrapping="clamp_to_edge")
                    for width, image in images.items()}
        self._levels = []
        for cols, width in LEVELS:
            itrs_km, uv, faces = ellipsoid_mesh(cols // 2, cols)
            self._levels.append((gloo.VertexBuffer(itrs_km), gloo.VertexBuffer(uv), gloo.IndexBuffer(faces),
                                 textures[min(width, day_image.shape[1])]))
        self.level = -1
        self._use_level(2)
        self.shared_program["u_night"] = 0.07
        self.shared_program["u_axes_ratio2"] = (EARTH_EQUATORIAL_RADIUS_KM / EARTH_POLAR_RADIUS_KM) ** 2
        self.shared_program["u_sun"] = (1.0, 0.0, 0.0)
        self.shared_program["u_sun_known"] = 1.0
        self.shared_program["u_eye"] = (0.0, -1e5, 0.0)
        self.shared_program["u_gcrs_from_itrs"] = np.eye(3, dtype=np.float32)
        self._draw_mode = "triangles"
        # The mask must be set explicitly: vispy keeps the last visual's (the stars' "off").
        self.set_gl_state("opaque", depth_test=True, depth_mask=True, cull_face=True)
        self.freeze()

    def _use_level(self, level: int) -> None:
        if level == self.level:
            return
        self.level = level
        itrs_km, uv, faces, texture = self._levels[level]
        self.shared_program["a_itrs"] = itrs_km
        self.shared_program["a_uv"] = uv
        self.shared_program["u_day"] = texture
        self._index_buffer = faces

    def set_orientation(self, gcrs_from_itrs: np.ndarray) -> None:
        """The (3, 3) rotation from Earth-fixed to inertial axes at the displayed time."""
        # GLSL reads matrices column by column: hand it the transpose of the row-major array.
        self.shared_program["u_gcrs_from_itrs"] = np.asarray(gcrs_from_itrs, np.float32).T.copy()
        self.update()

    def set_sun_direction(self, sun_gcrs: np.ndarray | None) -> None:
        """The Sun's unit vector, GCRS; None (no ephemeris then) lights the whole globe."""
        self.shared_program["u_sun_known"] = 0.0 if sun_gcrs is None else 1.0
        if sun_gcrs is not None:
            self.shared_program["u_sun"] = tuple(float(x) for x in sun_gcrs)
        self.update()

    def set_eye(self, eye_gcrs_km: np.ndarray) -> None:
        self.shared_program["u_eye"] = tuple(float(x) for x in eye_gcrs_km)

    def _before_draw(self, view) -> bool:
        self._use_level(level_for(radius_px(chain_matrix(view.get_transform("visual", "framebuffer")))))
        return True

    def _compute_bounds(self, axis, view):
        return (-EARTH_EQUATORIAL_RADIUS_KM, EARTH_EQUATORIAL_RADIUS_KM)


def radius_px(matrix: np.ndarray) -> float:
    """The Earth's radius on screen, framebuffer pixels, for a visual-to-framebuffer
    ``matrix`` (row vectors): how far radii square to the line of sight land from the centre's pixel.
    Infinite when the camera is so close that one of them is behind it.
    """
    # Clip w grows along the line of sight: its gradient, the matrix's last column, points
    # along it (zero for an orthographic camera, when any two axes will do).
    sight = matrix[:3, 3].astype(np.float64)
    if np.linalg.norm(sight) > 0:
        sight /= np.linalg.norm(sight)
        across = np.cross(sight, np.eye(3)[int(np.argmin(np.abs(sight)))])
        across /= np.linalg.norm(across)
        radii = np.array([across, np.cross(sight, across)])
    else:
        radii = np.eye(3)[:2]
    ends = np.vstack([np.zeros(3), EARTH_EQUATORIAL_RADIUS_KM * radii])
    clip = np.column_stack([ends, np.ones(len(ends))]) @ matrix
    if (clip[:, 3] <= 0).any():
        return float("inf")
    xy = clip[:, :2] / clip[:, 3:]
    return float(np.linalg.norm(xy[1:] - xy[0], axis=1).max())


Earth = create_visual_node(EarthVisual)
