"""The globe's line overlays drawn offscreen (vispy EGL) and checked against the camera
projection: a coastline vertex lands where the projection says, the far side stays hidden.
Each check compares a render with the lines against one without, so the Earth's own pixels
cannot pass for a line. The images are kept in tests/artefacts for a person to look at."""

import math

import numpy as np
import pytest
from PIL import Image

from orbitview.core.model.camera import CameraState, project_to_pixels
from orbitview.core.orbits.frames import gcrs_from_itrs, sun_direction_gcrs
from orbitview.core.orbits.times import parse_utc
from orbitview.render.assets import earth_day_image, globe_polylines
from orbitview.render.backend import use_headless
from orbitview.render.visuals.globe_lines import HEIGHT_KM, itrs_from_geodetic

pytestmark = pytest.mark.pixels

T = parse_utc("2023-10-09T12:00:00Z")
SIZE = (640, 480)
CAPE_AGULHAS = (20.012, -34.833)  # lon, lat degrees: Africa's southern tip, in daylight at T
CAPE_SABLE = (-81.09, 25.12)  # the tip of mainland Florida: 112 degrees away, on the far side


def nearest_vertex(lon_lat_deg, lon_lat):
    """The asset's vertex nearest a published coordinate (by chord on the unit sphere)."""
    unit = itrs_from_geodetic(*lon_lat_deg.T.astype(np.float64)) / 6378.0
    target = itrs_from_geodetic(np.array([lon_lat[0]]), np.array([lon_lat[1]]))[0] / 6378.0
    return lon_lat_deg[np.argmin(np.linalg.norm(unit - target, axis=1))].astype(np.float64)


@pytest.fixture(scope="module")
def globe():
    """One long-lived canvas with the Earth and the lines, turned to ``T``; a camera 20,000 km
    from the centre, 15 degrees off Cape Agulhas."""
    use_headless()
    from vispy import scene as vscene

    from orbitview.render.visuals.earth import Earth
    from orbitview.render.visuals.globe_lines import GlobeLines

    rotation = gcrs_from_itrs(T)
    agulhas = rotation @ itrs_from_geodetic(np.array([CAPE_AGULHAS[0]]), np.array([CAPE_AGULHAS[1]]))[0]
    aside = np.cross(agulhas, [0.0, 0.0, 1.0])
    camera = CameraState(distance_km=20000, fov_deg=40)
    camera.look_from(agulhas / np.linalg.norm(agulhas) + math.tan(math.radians(15)) * aside / np.linalg.norm(aside))

    canvas = vscene.SceneCanvas(size=SIZE, show=False, dpi=96, bgcolor="black")
    view = canvas.central_widget.add_view()
    # The mapping OrbitView's camera adapter uses: vispy's turntable, scale = the view height in km.
    view.camera = vscene.cameras.TurntableCamera(
        up="+z", fov=camera.fov_deg, azimuth=camera.azimuth_deg, elevation=camera.elevation_deg,
        scale_factor=2.0 * camera.distance_km * math.tan(math.radians(camera.fov_deg) / 2),
    )
    earth = Earth(earth_day_image(), parent=view.scene)
    earth.order = 1
    earth.set_orientation(rotation)
    earth.set_sun_direction(sun_direction_gcrs(T))
    earth.set_eye(camera.eye_km())
    lines = GlobeLines(parent=view.scene, width_px=1.0)
    lines.order = 1.5
    lines.set_orientation(rotation)
    yield canvas, lines, camera, rotation
    canvas.close()


def render_pair(globe, name, artefacts, coastlines=True, borders=False, grid=False):
    """(with, without) float images, the overlays chosen by the flags, then all switched off."""
    canvas, lines, _, _ = globe
    lines.set_visible_sets(coastlines, borders, grid)
    with_lines = canvas.render(alpha=False)
    lines.set_visible_sets(False, False, False)
    without = canvas.render(alpha=False)
    Image.fromarray(with_lines).save(artefacts / f"{name}.png")
    Image.fromarray(without).save(artefacts / f"{name}_off.png")
    return with_lines.astype(np.float64), without.astype(np.float64)


def project(globe, lon_lat_deg):
    """Pixel positions (N, 2) and in-front flags of line points at the lines' height."""
    _, _, camera, rotation = globe
    itrs = itrs_from_geodetic(lon_lat_deg[:, 0], lon_lat_deg[:, 1], HEIGHT_KM)
    return project_to_pixels(itrs @ rotation.T, camera, SIZE)


def facing_eye(globe, lon_lat_deg):
    """(N,) bool: the eye is above the local horizon of each point (near side)."""
    _, _, camera, rotation = globe
    itrs = itrs_from_geodetic(lon_lat_deg[:, 0], lon_lat_deg[:, 1])
    eye_itrs = rotation.T @ camera.eye_km()
    return np.einsum("ij,ij->i", itrs / np.linalg.norm(itrs, axis=1, keepdims=True), eye_itrs - itrs) > 0


def window(image, xy, half=2):
    x, y = int(xy[0]), int(xy[1])
    return image[y - half : y + half + 1, x - half : x + half + 1]


def test_a_near_side_coastline_vertex_is_drawn_where_the_projection_says(globe, artefacts):
    lon_lat, _ = globe_polylines("coastlines")
    vertex = nearest_vertex(lon_lat, CAPE_AGULHAS)
    (xy,), (in_front,) = project(globe, vertex[None])
    assert in_front and facing_eye(globe, vertex[None])[0]
    with_lines, without = render_pair(globe, "globe_lines_coastlines", artefacts)
    change = np.abs(with_lines - without).max(axis=2)
    # Within 2 px of the predicted pixel the coastline replaced the ocean with its near-white.
    near = window(change, xy)
    assert near.max() > 60, near
    brightest = window(with_lines, xy).reshape(-1, 3)[np.argmax(near)]
    assert brightest.min() > 150 and brightest.max() - brightest.min() < 70, brightest
    # ... and lines are drawn over the whole near side, not only there.
    assert (change > 40).sum() > 2000


def test_a_far_side_coastline_is_not_drawn(globe, artefacts):
    lon_lat, _ = globe_polylines("coastlines")
    vertex = nearest_vertex(lon_lat, CAPE_SABLE)
    (xy,), (in_front,) = project(globe, vertex[None])
    assert in_front and not facing_eye(globe, vertex[None])[0]
    # The check is only fair where no near-side coastline projects nearby.
    near_side = facing_eye(globe, lon_lat)
    pixels, _ = project(globe, lon_lat[near_side].astype(np.float64))
    assert np.linalg.norm(pixels - xy, axis=1).min() > 6
    with_lines, without = render_pair(globe, "globe_lines_far_side", artefacts)
    assert np.abs(window(with_lines, xy, half=3) - window(without, xy, half=3)).max() < 3


def test_borders_and_grid_draw_fainter_than_coastlines(globe, artefacts):
    def strength(change):
        """How strongly the drawn lines change their pixels (99th percentile of the change)."""
        return np.percentile(change[change > 4], 99)

    coast, coast_off = render_pair(globe, "globe_lines_coastlines_only", artefacts)
    faint, faint_off = render_pair(globe, "globe_lines_borders_grid", artefacts, coastlines=False, borders=True, grid=True)
    coast_change = np.abs(coast - coast_off).max(axis=2)
    faint_change = np.abs(faint - faint_off).max(axis=2)
    assert (faint_change > 4).sum() > 2000
    assert strength(faint_change) < 0.75 * strength(coast_change)
