"""Offscreen rendering (vispy EGL, surfaceless) checked pixel by pixel against the camera
projection and skyfield. The images are kept in tests/artefacts for a person to look at."""

import math

import numpy as np
import pytest
from PIL import Image
from skyfield.api import EarthSatellite, wgs84

from orbitview.core.model.camera import CameraState, project_to_pixels
from orbitview.core.model.clock import Clock
from orbitview.core.model.object_ref import ObjectRef
from orbitview.core.model.scene import Layer, Scene
from orbitview.core.orbits.frames import EARTH_EQUATORIAL_RADIUS_KM, ephemeris
from orbitview.core.orbits.times import parse_utc, skyfield_time, timescale
from orbitview.io.catalog_files import load_catalog
from orbitview.render.export.offscreen import render_image
from orbitview.render.visuals.stars import star_directions

pytestmark = pytest.mark.pixels

T = parse_utc("2023-10-09T12:00:00Z")
SIZE = (640, 480)


def render(scene, name, artefacts, size=SIZE):
    image = render_image(scene, size)
    Image.fromarray(image).save(artefacts / f"{name}.png")
    return image.astype(np.float64)


def bright_centroid(image, xy, window=6, threshold=120):
    """Centroid (pixel-centre convention, (0,0) = top-left corner) of bright pixels near xy."""
    x0, y0 = int(xy[0]), int(xy[1])
    patch = image[y0 - window : y0 + window + 1, x0 - window : x0 + window + 1].max(axis=2)
    ys, xs = np.nonzero(patch > threshold)
    assert len(xs), f"nothing bright within {window} px of {xy}"
    weights = patch[ys, xs]
    return (
        x0 - window + np.average(xs, weights=weights) + 0.5,
        y0 - window + np.average(ys, weights=weights) + 0.5,
    )


@pytest.fixture(scope="module")
def full(full_catalog_path):
    return load_catalog(full_catalog_path).catalog


def test_earth_disc_is_where_and_as_large_as_the_camera_says(artefacts):
    scene = Scene(clock=Clock(time_s=T), camera=CameraState(azimuth_deg=0, elevation_deg=0, distance_km=40000, fov_deg=30))
    image = render(scene, "earth_disc", artefacts)
    width, height = SIZE
    angular_radius = math.asin(EARTH_EQUATORIAL_RADIUS_KM / 40000)
    radius_px = math.tan(angular_radius) / math.tan(math.radians(15)) * height / 2
    brightness = image.max(axis=2)
    row = brightness[height // 2]
    inside = np.nonzero(row > 8)[0]
    # The disc spans the predicted diameter along the middle row (limb within 2 px).
    assert abs(inside.min() - (width / 2 - radius_px)) < 2.5
    assert abs(inside.max() + 1 - (width / 2 + radius_px)) < 2.5


def test_the_sub_solar_point_is_lit_and_its_antipode_dark(artefacts):
    """Look straight down at skyfield's sub-solar point, then at its antipode."""
    t = skyfield_time(T)
    eph = ephemeris()
    subsolar = wgs84.subpoint_of(eph["earth"].at(t).observe(eph["sun"]).apparent())
    direction = wgs84.latlon(subsolar.latitude.degrees, subsolar.longitude.degrees).at(t).position.km
    centre = {}
    for side, look in (("sub-solar", direction), ("antipode", -direction)):
        camera = CameraState(distance_km=30000, fov_deg=20)
        camera.look_from(look)
        image = render(Scene(clock=Clock(time_s=T), camera=camera), f"looking_at_{side}", artefacts)
        h, w = image.shape[:2]
        centre[side] = image[h // 2 - 20 : h // 2 + 20, w // 2 - 20 : w // 2 + 20].mean()
    # Both centres are open ocean (Gulf of Guinea; central Pacific): lit, it reads as blue;
    # at night it is near black.
    assert centre["sub-solar"] > 12
    assert centre["antipode"] < 4
    assert centre["sub-solar"] > 5 * centre["antipode"]


@pytest.mark.parametrize("size", [SIZE, (480, 640)], ids=["landscape", "portrait"])
def test_an_object_lands_on_the_pixel_the_projection_predicts(full, artefacts, size):
    """A GPS satellite, placed by SGP4 (skyfield's EarthSatellite), drawn against space."""
    index = int(np.flatnonzero([n == "NAVSTAR 70 (USA 251)" for n in full.name])[0])
    one = full.take([index])
    position = EarthSatellite.from_satrec(one.satrecs[0], timescale()).at(skyfield_time(T)).position.km
    camera = CameraState(distance_km=90000, fov_deg=45)
    camera.look_from(np.cross(position, [0, 0, 1.0]) + [0, 0, 20000.0])
    scene = Scene(clock=Clock(time_s=T), camera=camera)
    scene.add_layer(Layer("gps", one, point_size=5.0))
    image = render(scene, f"one_object_{size[0]}x{size[1]}", artefacts, size=size)
    (predicted,), _ = project_to_pixels(position[None], camera, size)
    found = bright_centroid(image, predicted)
    assert math.dist(found, predicted) < 1.0, (found, predicted)


def test_sirius_is_where_its_right_ascension_and_declination_say(artefacts):
    sirius = star_directions(np.array([101.2872]), np.array([-16.7161]))[0]
    camera = CameraState(distance_km=150000, fov_deg=30)
    # Eye placed so that Sirius lies 8 deg off the view axis, well clear of the Earth's disc.
    away = np.cross(sirius, [0, 0, 1.0])
    camera.look_from(-(sirius * math.cos(math.radians(8)) + away / np.linalg.norm(away) * math.sin(math.radians(8))))
    image = render(Scene(clock=Clock(time_s=T), camera=camera), "sirius", artefacts)
    eye = camera.eye_km()
    (predicted,), front = project_to_pixels((eye + sirius * 1e9)[None], camera, SIZE)
    assert front[0]
    found = bright_centroid(image, predicted, threshold=150)
    assert math.dist(found, predicted) < 1.0, (found, predicted)


def test_full_catalogue_render_shows_the_earth_and_thousands_of_points(full, artefacts):
    scene = Scene(clock=Clock(time_s=T))
    scene.add_layer(Layer("full", full))
    scene.camera.distance_km = 60000
    image = render(scene, "full_catalogue", artefacts, size=(960, 540))
    # Debris is drawn in its class colour (1.0, 0.3, 0.4): count strongly red pixels.
    red = (image[..., 0] > 180) & (image[..., 1] < 110) & (image[..., 2] < 140)
    assert red.sum() > 2000


@pytest.fixture(scope="module")
def fy1c(catalogs):
    return load_catalog(catalogs / "debris_2025-02-15_tle" / "fengyun-1c-debris.txt").catalog


T_2025 = parse_utc("2025-02-15T06:00:00Z")


def test_picking_a_drawn_object_at_its_pixel_returns_it(fy1c, artefacts):
    """Find an object drawn alone in the image, click its drawn centre, get its number."""
    from orbitview.core.model.picking import pick

    scene = Scene(clock=Clock(time_s=T_2025), camera=CameraState(distance_km=25000, fov_deg=40))
    layer = scene.add_layer(Layer("fy1c", fy1c, point_size=4.0))
    image = render(scene, "picking", artefacts)
    keyframes = layer.keyframes.at(T_2025)
    positions = keyframes.interpolate(T_2025)
    xy, front = project_to_pixels(positions, scene.camera, SIZE)
    from orbitview.core.model.picking import hidden_by_earth

    usable = keyframes.valid & front & ~hidden_by_earth(scene.camera.eye_km(), positions)
    inside = usable & (xy[:, 0] > 20) & (xy[:, 0] < SIZE[0] - 20) & (xy[:, 1] > 20) & (xy[:, 1] < SIZE[1] - 20)
    gaps = np.linalg.norm(xy[:, None] - xy[None], axis=2)
    gaps[np.diag_indices(len(xy))] = np.inf
    alone = np.flatnonzero(inside & (gaps[:, usable].min(axis=1) > 12))
    assert len(alone) > 5
    for row in alone[:5]:
        # Objects in the Earth's shadow are drawn at a third of their brightness.
        drawn = bright_centroid(image, xy[row], window=4, threshold=60)
        assert pick(scene, drawn, SIZE) == ObjectRef(scene.layers[0], row)
    assert pick(scene, (2.0, 2.0), SIZE) is None


def test_a_followed_object_stays_in_the_centre(fy1c, artefacts):
    scene = Scene(clock=Clock(time_s=T_2025), camera=CameraState(distance_km=3000, fov_deg=30))
    target = ObjectRef(scene.add_layer(Layer("fy1c", fy1c, point_size=6.0)), 10)
    scene.camera.follow = target
    centres = []
    for minutes in (0, 7, 23):
        scene.clock.time_s = T_2025 + minutes * 60
        position = scene.position_gcrs_km(target)
        (xy,), _ = project_to_pixels(position[None], scene.camera, SIZE)
        assert np.allclose(xy, (SIZE[0] / 2, SIZE[1] / 2), atol=0.01)
        image = render(scene, f"follow_{minutes:02d}min", artefacts)
        if minutes == 7:
            scene.selected = target  # the look of a followed, selected object, for people
            render(scene, "follow_selected", artefacts)
            scene.selected = None
        centres.append(bright_centroid(image, xy, window=3, threshold=60))
    for found in centres:
        assert math.dist(found, (SIZE[0] / 2, SIZE[1] / 2)) < 1.0


def test_earth_fixed_view_keeps_the_ground_still(artefacts):
    """An hour later the inertial view shows the Earth turned by 15 deg; the Earth-fixed view
    shows the same ground at the same pixels."""
    change = {}
    for frame in ("inertial", "earth-fixed"):
        camera = CameraState(distance_km=20000, fov_deg=30, view_frame=frame)
        camera.look_from([1.0, 0.2, 0.3] if frame == "earth-fixed" else gcrs_from_itrs_at(T) @ [1.0, 0.2, 0.3])
        scene = Scene(clock=Clock(time_s=T), camera=camera)
        first = render(scene, f"{frame}_t0", artefacts)
        scene.clock.time_s = T + 3600
        later = render(scene, f"{frame}_t1h", artefacts)
        h, w = first.shape[:2]
        box = (slice(h // 2 - 60, h // 2 + 60), slice(w // 2 - 60, w // 2 + 60))
        change[frame] = np.abs(first[box] - later[box]).mean()
    assert change["earth-fixed"] < 0.35 * change["inertial"]


def gcrs_from_itrs_at(t_s):
    from orbitview.core.orbits.frames import gcrs_from_itrs

    return gcrs_from_itrs(t_s)


def test_selected_object_gets_its_orbit_track_and_ground_track(full, artefacts):
    """The orbit track passes through the pixels where SGP4 puts the object one quarter
    revolution ahead; the ground track through the projection of its sub-satellite point."""
    from orbitview.core.orbits.frames import gcrs_from_itrs
    from orbitview.core.orbits.tracks import ground_track_itrs_km, orbit_track_gcrs_km
    from orbitview.render.adapters.selection import GROUND_COLOR, GROUND_LIFT, TRACK_COLOR

    row = int(np.flatnonzero(full.name == "ISS (ZARYA)")[0])
    scene = Scene(clock=Clock(time_s=T), camera=CameraState(distance_km=30000, fov_deg=40))
    iss = ObjectRef(scene.add_layer(Layer("iss", full.take([row]))), 0)
    position = scene.position_gcrs_km(iss)
    scene.camera.look_from(position)
    scene.selected = iss
    image = render(scene, "selected_tracks", artefacts)
    track = orbit_track_gcrs_km(full, row, T)
    ground = ground_track_itrs_km(full, row, T) * GROUND_LIFT @ gcrs_from_itrs(T).T
    eye = scene.camera.eye_km()
    from orbitview.core.model.picking import hidden_by_earth

    def matches(points, rgba):
        xy, front = project_to_pixels(points, scene.camera, SIZE)
        seen = front & ~hidden_by_earth(eye, points * 0.999)
        inside = seen & (xy[:, 0] > 5) & (xy[:, 0] < SIZE[0] - 5) & (xy[:, 1] > 5) & (xy[:, 1] < SIZE[1] - 5)
        target = np.array(rgba[:3]) * 255
        hits = 0
        for x, y in xy[inside][::10]:
            patch = image[int(y) - 2 : int(y) + 3, int(x) - 2 : int(x) + 3]
            hits += np.linalg.norm(patch - target, axis=2).min() < 80
        return hits, inside[::10].sum()

    hits, tried = matches(track, TRACK_COLOR)
    assert tried > 10 and hits >= 0.8 * tried
    hits, tried = matches(ground, GROUND_COLOR)
    assert tried > 5 and hits >= 0.7 * tried


def test_the_terminator_follows_the_ellipsoids_normal(artefacts, monkeypatch):
    """At the December solstice, two points the Sun grazes (its direction square to their
    ellipsoid normal): one at 60 deg geodetic latitude, one on the equator. Lit as the
    ellipsoid is, both are equally bright; lit by the direction from the centre instead, the
    one at 60 deg is 0.17 deg off, 0.13 deg of it towards the Sun, which changes its
    brightness by 2 of 255 levels. The Earth is drawn with a uniform day image, so brightness
    is lighting alone."""
    from orbitview.core.orbits.frames import gcrs_from_itrs, sun_direction_gcrs
    from orbitview.core.orbits.tracks import ellipsoid_point_km
    from orbitview.render.adapters import panes

    monkeypatch.setattr(panes, "earth_day_image", lambda: np.full((512, 1024, 3), 255, np.uint8))
    t_s = parse_utc("2023-12-22T03:27:00Z")
    rotation = gcrs_from_itrs(t_s)
    sun_itrs = rotation.T @ sun_direction_gcrs(t_s)
    alpha = math.atan2(sun_itrs[1], sun_itrs[0])
    # At geodetic latitude phi the normal is (cos phi cos L, cos phi sin L, sin phi): square to
    # the Sun where cos(L - alpha) = -tan(phi) s_z / hypot(s_x, s_y).
    phi = math.radians(60.0)
    lon_60 = alpha + math.acos(-math.tan(phi) * sun_itrs[2] / math.hypot(sun_itrs[0], sun_itrs[1]))
    points = {"60N": (phi, lon_60), "equator": (0.0, alpha + math.pi / 2)}
    brightness = {}
    for name, (lat, lon) in points.items():
        normal = np.array([math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat)])
        assert abs(normal @ sun_itrs) < 1e-12
        camera = CameraState(distance_km=12000, fov_deg=10)
        camera.look_from(rotation @ ellipsoid_point_km(np.array([lat]), np.array([lon]))[0])  # the centre pixel
        image = render(Scene(clock=Clock(time_s=t_s), camera=camera), f"terminator_{name}", artefacts)
        h, w = image.shape[:2]
        brightness[name] = image[h // 2 - 5 : h // 2 + 6, w // 2 - 5 : w // 2 + 6].mean()
    assert 20 < brightness["equator"] < 200  # on the soft terminator, neither day nor night
    assert abs(brightness["60N"] - brightness["equator"]) < 0.8, brightness


def test_a_camera_a_kilometre_from_an_object_shows_the_earth_behind_it(full, artefacts):
    """The eye 1 km from the ISS, looking down 30 deg past it towards the day side: every pixel
    whose ray meets the globe shows the Earth (vispy's own far plane, 316 km away, cut it
    off), and the sky above the horizon stays dark. The rays are cast here from the camera
    model, against spheres of the polar radius (surely the Earth) and the equatorial radius
    plus 50 km (surely not)."""
    from orbitview.core.orbits.frames import sun_direction_gcrs

    iss = full.take(np.flatnonzero(full.norad_id == 25544))
    position = EarthSatellite.from_satrec(iss.satrecs[0], timescale()).at(skyfield_time(T)).position.km
    up = position / np.linalg.norm(position)
    # Looking towards the Sun's side of the local horizon, so the ground below is lit.
    sun = sun_direction_gcrs(T)
    towards_sun = sun - (sun @ up) * up
    towards_sun /= np.linalg.norm(towards_sun)
    camera = CameraState(distance_km=1.0, fov_deg=60, center_km=tuple(position))
    camera.look_from(up * math.sin(math.radians(30)) - towards_sun * math.cos(math.radians(30)))
    scene = Scene(clock=Clock(time_s=T), camera=camera)
    scene.add_layer(Layer("iss", iss, point_size=6.0))
    image = render(scene, "one_km_from_the_iss", artefacts)
    width, height = SIZE
    eye = camera.eye_km()
    forward = (np.asarray(camera.center_km) - eye) / camera.distance_km
    right = np.cross(forward, [0.0, 0.0, 1.0])
    right /= np.linalg.norm(right)
    upward = np.cross(right, forward)
    focal = 1.0 / math.tan(math.radians(camera.fov_deg) / 2)
    x = ((np.arange(width) + 0.5) / width * 2 - 1) * width / height / focal
    y = (1 - (np.arange(height) + 0.5) / height * 2) / focal
    rays = forward + x[None, :, None] * right + y[:, None, None] * upward
    rays /= np.linalg.norm(rays, axis=2, keepdims=True)
    along = rays @ -eye  # distance along each ray to the point nearest the Earth's centre

    def meets(radius_km):
        return (along > 0) & (eye @ eye - along**2 < radius_km**2)

    earth, sky = meets(6356.75), ~meets(EARTH_EQUATORIAL_RADIUS_KM + 50.0)
    assert earth.mean() > 0.3 and sky.mean() > 0.2  # the horizon crosses the view
    brightness = image.max(axis=2)
    assert (brightness[earth] > 20).mean() > 0.99
    assert (brightness[sky] > 20).mean() < 0.01
