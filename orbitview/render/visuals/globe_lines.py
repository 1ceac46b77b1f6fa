"""Line overlays on the globe: coastlines, land borders and a latitude/longitude grid.

Vertices are Earth-fixed (ITRS) points a little above the WGS84 ellipsoid, turned into the
inertial scene by the same ``u_gcrs_from_itrs`` uniform as the Earth, so following the Earth's
rotation costs one 3x3 uniform per frame. Switching a set on or off rewrites only the small
index buffer.

The far side is hidden by a horizon test in the shaders, not by the depth buffer: a line point
is drawn when the eye is above the plane tangent to the ellipsoid there. The depth buffer
cannot do it reliably here: ``canvas.render()`` draws into a 16-bit depth buffer, whose steps
at 20,000 km from the eye are about 200 km, far coarser than the lines' 8 km lift, so depth
testing against the Earth hid the near side too (measured). The eye comes from the view's
own transform, so the node needs nothing from the camera model.
"""

from __future__ import annotations

import numpy as np
from vispy import gloo
from vispy.scene.visuals import create_visual_node

from orbitview.core.orbits.frames import EARTH_EQUATORIAL_RADIUS_KM, EARTH_POLAR_RADIUS_KM
from orbitview.render.visuals.transforms import MatrixVisual

#: Height of the lines above the ellipsoid. The Earth mesh (2 degree facets) lies up to about
#: 2 km inside the true ellipsoid, so 8 km keeps the lines clear of it (no z-fighting) while
#: staying far below a pixel's worth of parallax in any globe view.
HEIGHT_KM = 8.0
GRID_STEP_DEG = 15.0
#: Grid lines are polylines sampled this finely: a 1 degree chord sags 0.24 km, under HEIGHT_KM.
GRID_SAMPLE_DEG = 1.0

COASTLINE_RGBA = (0.92, 0.95, 1.00, 0.80)
BORDER_RGBA = (0.95, 0.90, 0.75, 0.45)
GRID_RGBA = (0.60, 0.75, 1.00, 0.22)
#: The equator and the prime meridian stand out from the rest of the grid.
GRID_MAIN_RGBA = (0.70, 0.85, 1.00, 0.45)

VERTEX_SHADER = """
attribute vec3 a_itrs;            // km, Earth-fixed
attribute vec3 a_normal;          // unit ellipsoid normal, Earth-fixed
attribute vec4 a_color;
uniform mat3 u_gcrs_from_itrs;
uniform vec3 u_eye_itrs;          // eye position, Earth-fixed km
varying vec4 v_color;
varying float v_above_horizon;    // km: height of the eye over the tangent plane

uniform mat4 u_mvp;  // visual to render coordinates, one matrix

void main() {
    v_color = a_color;
    v_above_horizon = dot(a_normal, u_eye_itrs - a_itrs);
    gl_Position = u_mvp * vec4(u_gcrs_from_itrs * a_itrs, 1.0);
}
"""

FRAGMENT_SHADER = """
varying vec4 v_color;
varying float v_above_horizon;

void main() {
    // Linear along a segment, so a segment that crosses the horizon is cut where it does.
    if (v_above_horizon < 0.0) discard;
    gl_FragColor = v_color;
}
"""


def itrs_from_geodetic(lon_deg: np.ndarray, lat_deg: np.ndarray, height_km: float = 0.0) -> np.ndarray:
    """(N, 3) float64 ITRS km of WGS84 geodetic longitude, latitude (degrees) and height."""
    a, b = EARTH_EQUATORIAL_RADIUS_KM, EARTH_POLAR_RADIUS_KM
    e2 = 1.0 - (b / a) ** 2
    lon, lat = np.radians(lon_deg), np.radians(lat_deg)
    sin_lat, cos_lat = np.sin(lat), np.cos(lat)
    n = a / np.sqrt(1.0 - e2 * sin_lat**2)  # prime vertical radius of curvature
    return np.column_stack(
        [(n + height_km) * cos_lat * np.cos(lon), (n + height_km) * cos_lat * np.sin(lon),
         (n * (1.0 - e2) + height_km) * sin_lat]
    )


def ellipsoid_normals(lon_deg: np.ndarray, lat_deg: np.ndarray) -> np.ndarray:
    """(N, 3) float64 unit normals of the WGS84 ellipsoid, ITRS, at geodetic longitude and
    latitude (degrees): the geodetic latitude is the normal's elevation by definition."""
    lon, lat = np.radians(lon_deg), np.radians(lat_deg)
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def segment_indices(part_start: np.ndarray, vertex_count: int) -> np.ndarray:
    """(S, 2) int64: each pair of consecutive vertices within a part (parts never join)."""
    first = np.arange(vertex_count - 1)
    part_end = np.append(np.asarray(part_start)[1:], vertex_count) - 1
    # A pair that starts on a part's last vertex would bridge two parts.
    last = np.zeros(vertex_count, bool)
    last[part_end[part_end >= 0]] = True
    first = first[~last[:-1]]
    return np.column_stack([first, first + 1])


def graticule(step_deg: float = GRID_STEP_DEG, sample_deg: float = GRID_SAMPLE_DEG):
    """Parallels and meridians every ``step_deg``: ``(lon_lat_deg (P, 2), part_start (K,),
    main (K,) bool)``, ``main`` True for the equator and the prime meridian. Meridians stop
    short of the poles, where they would all meet in a bright knot."""
    parts, main = [], []
    lon = np.arange(-180.0, 180.0 + sample_deg / 2, sample_deg)
    for lat in np.arange(-90.0 + step_deg, 90.0 - step_deg / 2, step_deg):
        parts.append(np.column_stack([lon, np.full_like(lon, lat)]))
        main.append(lat == 0.0)
    polar_gap = step_deg / 3
    lat = np.arange(-90.0 + polar_gap, 90.0 - polar_gap + sample_deg / 2, sample_deg)
    for lon_deg in np.arange(-180.0, 180.0, step_deg):
        parts.append(np.column_stack([np.full_like(lat, lon_deg), lat]))
        main.append(lon_deg == 0.0)
    sizes = [len(p) for p in parts]
    return np.concatenate(parts), np.cumsum([0, *sizes[:-1]]), np.array(main)


class GlobeLinesVisual(MatrixVisual):
    """Coastlines, borders and grid in one vertex buffer, shown in any combination.

    ``coastlines`` and ``borders``: ``(lon_lat_deg (P, 2), part_start (K,))`` polylines in
    WGS84 degrees, by default the shipped Natural Earth 1:50m assets. ``width_px``: line width
    in logical pixels (llvmpipe draws up to 255; some drivers only 1).
    """

    def __init__(self, coastlines=None, borders=None, width_px: float = 1.0) -> None:
        super().__init__(vcode=VERTEX_SHADER, fcode=FRAGMENT_SHADER)
        if coastlines is None or borders is None:
            from orbitview.render.assets import globe_polylines

            coastlines = coastlines if coastlines is not None else globe_polylines("coastlines")
            borders = borders if borders is not None else globe_polylines("borders")
        grid_lon_lat, grid_start, grid_main = graticule()
        sets = {
            "coastlines": (*coastlines, np.zeros(len(coastlines[1]), bool), COASTLINE_RGBA, COASTLINE_RGBA),
            "borders": (*borders, np.zeros(len(borders[1]), bool), BORDER_RGBA, BORDER_RGBA),
            "grid": (grid_lon_lat, grid_start, grid_main, GRID_RGBA, GRID_MAIN_RGBA),
        }
        vertices, normals, colors, self._segments, offset = [], [], [], {}, 0
        for name, (lon_lat, part_start, main, rgba, main_rgba) in sets.items():
            lon_lat = np.asarray(lon_lat, np.float64)
            n = len(lon_lat)
            vertices.append(itrs_from_geodetic(lon_lat[:, 0], lon_lat[:, 1], HEIGHT_KM))
            normals.append(ellipsoid_normals(lon_lat[:, 0], lon_lat[:, 1]))
            part_of_vertex = np.repeat(np.arange(len(part_start)), np.diff(np.append(part_start, n)))
            colors.append(np.where(main[part_of_vertex, None], main_rgba, rgba))
            self._segments[name] = (segment_indices(part_start, n) + offset).astype(np.uint32).ravel()
            offset += n
        data = np.zeros(offset, [("a_itrs", np.float32, 3), ("a_normal", np.float32, 3), ("a_color", np.float32, 4)])
        data["a_itrs"] = np.concatenate(vertices)
        data["a_normal"] = np.concatenate(normals)
        data["a_color"] = np.concatenate(colors)
        self.shared_program.bind(gloo.VertexBuffer(data))
        self._gcrs_from_itrs = np.eye(3)
        self.shared_program["u_gcrs_from_itrs"] = np.eye(3, dtype=np.float32)
        self._index = gloo.IndexBuffer(np.zeros(0, np.uint32))
        self._index_buffer = self._index
        self._draw_mode = "lines"
        self._count = 0
        self._width_px = float(width_px)
        self._shown = {"coastlines": True, "borders": False, "grid": False}
        # Drawn after the opaque Earth, before the objects, which then cover the lines. With
        # the depth test off GL writes no depth whatever the mask; the mask stays on because
        # glClear honours it, and a mask left off by the last visual of a frame would keep the
        # next frame's depth buffer from being cleared (seen: the Earth vanished).
        self.set_gl_state("translucent", depth_test=False, depth_mask=True, line_width=1.0)
        self.freeze()
        self.set_visible_sets(**self._shown)

    def set_orientation(self, gcrs_from_itrs: np.ndarray) -> None:
        """The (3, 3) rotation from Earth-fixed to inertial axes at the displayed time."""
        self._gcrs_from_itrs = np.asarray(gcrs_from_itrs, np.float64)
        # GLSL reads matrices column by column: hand it the transpose of the row-major array.
        self.shared_program["u_gcrs_from_itrs"] = np.asarray(gcrs_from_itrs, np.float32).T.copy()
        self.update()

    def set_visible_sets(self, coastlines: bool, borders: bool, grid: bool) -> None:
        """Which overlays to draw (the Scene's ``show_coastlines``, ``show_borders``, ``show_grid``)."""
        self._shown = {"coastlines": bool(coastlines), "borders": bool(borders), "grid": bool(grid)}
        # Borders over the grid, coastlines over both: later segments blend on top.
        order = [name for name in ("grid", "borders", "coastlines") if self._shown[name]]
        index = np.concatenate([self._segments[name] for name in order]) if order else np.zeros(0, np.uint32)
        self._count = len(index)
        if self._count:
            self._index.set_data(index)
        self.update()

    def _before_draw(self, view) -> bool:
        if self._count == 0:
            return False
        self.update_gl_state(line_width=max(self._width_px * view.transforms.pixel_scale, 1.0))
        # The eye is where every line of sight meets: the homogeneous point that the full
        # scene-to-pixels transform sends to (0, 0, z, 0). Exact for a perspective camera.
        eye = np.asarray(view.get_transform("visual", "render").imap(np.array([[0.0, 0.0, -1.0, 0.0]])))[0]
        eye_gcrs = eye[:3] / eye[3]
        view.view_program["u_eye_itrs"] = tuple(self._gcrs_from_itrs.T @ eye_gcrs)
        return True

    def _compute_bounds(self, axis, view):
        return (-EARTH_EQUATORIAL_RADIUS_KM, EARTH_EQUATORIAL_RADIUS_KM)


GlobeLines = create_visual_node(GlobeLinesVisual)
