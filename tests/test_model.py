"""The evented model: clock, scene, classes, camera maths."""

import math

import numpy as np
import pytest

from orbitview.core.model.camera import CameraState, project_to_pixels
from orbitview.core.model.clock import Clock
from orbitview.core.orbits.classify import ObjectClass, classify
from orbitview.io.catalog_files import load_catalog

pytestmark = pytest.mark.core


def test_field_emits_once_per_change_and_not_for_same_value():
    clock = Clock(time_s=100.0)
    seen = []
    clock.events.time_s.connect(seen.append)
    clock.time_s = 160.0
    clock.time_s = 160.0
    assert seen == [160.0]


def test_clock_plays_at_speed_and_stops_at_the_span_end():
    clock = Clock(time_s=0.0, span_s=200.0)  # span -100 .. 100
    clock.speed = 60.0
    clock.advance(1.0)
    assert clock.time_s == 0.0  # paused: nothing moves
    clock.playing = True
    clock.advance(1.0)
    assert clock.time_s == 60.0
    clock.advance(1.0)
    assert clock.time_s == 100.0 and clock.playing is False
    clock.speed = -10.0
    clock.playing = True
    clock.advance(2.0)
    assert clock.time_s == 80.0


def test_camera_never_goes_inside_the_earth():
    from orbitview.core.orbits.frames import EARTH_EQUATORIAL_RADIUS_KM

    camera = CameraState(azimuth_deg=40.0, elevation_deg=-30.0)
    camera.distance_km = 10.0
    camera.keep_outside_earth()
    assert np.linalg.norm(camera.eye_km()) == pytest.approx(EARTH_EQUATORIAL_RADIUS_KM + 100.0)
    # Following an object in low orbit, the eye may come close to it, but not under the ground.
    camera.center_km = (0.0, -7000.0, 0.0)
    camera.look_from([0.0, 1.0, 0.0])
    camera.distance_km = 5000.0
    camera.keep_outside_earth()
    assert camera.distance_km == pytest.approx(7000.0 + EARTH_EQUATORIAL_RADIUS_KM + 100.0)


def test_smooth_move_eases_and_takes_the_short_way_round():
    from orbitview.core.model.camera import CameraMove

    camera = CameraState(azimuth_deg=170.0, distance_km=40000.0)
    move = CameraMove(camera, {"azimuth_deg": -170.0, "distance_km": 10000.0}, duration_s=2.0)
    seen = []
    while move.step(0.25):
        seen.append((camera.azimuth_deg, camera.distance_km))
    assert camera.azimuth_deg % 360 == pytest.approx(190.0) and camera.distance_km == pytest.approx(10000.0)
    azimuths = np.array([a for a, _ in seen])
    assert np.all(np.diff(azimuths) > 0) and azimuths.max() < 190.0  # through 180, not back via 0
    steps = np.diff(np.log([d for _, d in seen]))
    assert abs(steps[0]) < abs(steps[len(steps) // 2])  # eased: slow start


def test_projection_centre_and_edges():
    camera = CameraState(azimuth_deg=30.0, elevation_deg=10.0, distance_km=50000.0, fov_deg=30.0)
    xy, front = project_to_pixels(np.zeros((1, 3)), camera, (800, 600))
    assert np.allclose(xy, [[400, 300]]) and front.all()
    # A point a quarter of the vertical half-field above the centre, in the image plane.
    eye = camera.eye_km()
    forward = -eye / np.linalg.norm(eye)
    right = np.cross(forward, [0, 0, 1.0])
    up = np.cross(right / np.linalg.norm(right), forward)
    offset = 50000.0 * math.tan(math.radians(15.0))
    xy, _ = project_to_pixels(np.array([up * offset]), camera, (800, 600))
    assert np.allclose(xy, [[400, 0]], atol=1e-6)
    _, front = project_to_pixels(np.array([eye * 2]), camera, (800, 600))
    assert not front[0]


@pytest.mark.parametrize(
    "name, designator, expected",
    [
        ("FENGYUN 1C DEB", "1999-025AAA", ObjectClass.DEBRIS),
        ("SL-16 R/B", "1992-093B", ObjectClass.ROCKET_BODY),
        ("ISS (ZARYA)", "1998-067A", ObjectClass.PAYLOAD),
        ("STARLINK-1007", "2019-074B", ObjectClass.UNKNOWN),
        ("", "1999-025A", ObjectClass.UNKNOWN),
    ],
)
def test_class_rules(name, designator, expected):
    assert classify(name, designator) is expected


def test_class_counts_of_the_full_catalogue_match_its_documented_debris_and_rocket_bodies(full_catalog_path):
    """The catalogue's README (an outside count) gives 11,619 debris and 2,162 rocket bodies."""
    catalog = load_catalog(full_catalog_path).catalog
    counts = np.bincount(catalog.object_class, minlength=4)
    assert len(catalog) == 26140
    assert counts[ObjectClass.DEBRIS] == 11619
    assert counts[ObjectClass.ROCKET_BODY] == 2162
    assert counts[ObjectClass.PAYLOAD] + counts[ObjectClass.UNKNOWN] == 12359
