"""Frames, time and the Sun against skyfield, in metres."""

import numpy as np
import pytest
from skyfield.api import wgs84

from orbitview.core.errors import OrbitviewError
from orbitview.core.orbits.frames import (
    EARTH_EQUATORIAL_RADIUS_KM,
    ephemeris,
    gcrs_from_itrs,
    sun_direction_gcrs,
)
from orbitview.core.orbits.times import format_utc, parse_utc, posix_to_jd, skyfield_time

pytestmark = pytest.mark.core

TIMES = np.array([parse_utc(t) for t in ("2007-01-11T22:26:00Z", "2023-10-09T12:00:00Z", "2026-08-11T03:17:41.5Z")])


def test_parse_and_format_round_trip_and_zone():
    t = parse_utc("2023-10-09T12:00:00Z")
    assert t == 1696852800.0
    assert parse_utc("2023-10-09T14:00:00+02:00") == t
    assert parse_utc("2023-10-09T12:00:00") == t
    assert format_utc(t) == "2023-10-09T12:00:00Z"


@pytest.mark.parametrize("text", ["yesterday", "2023-13-01T00:00:00Z", ""])
def test_bad_times_are_user_errors(text):
    with pytest.raises(OrbitviewError, match="bad time"):
        parse_utc(text)


def test_skyfield_time_counts_posix_days_not_leap_seconds():
    t = skyfield_time(TIMES)
    back = np.array([d.timestamp() for d in t.utc_datetime()])
    assert np.abs(back - TIMES).max() < 1e-4
    jd, fr = posix_to_jd(TIMES)
    assert np.allclose((jd - 2440587.5 + fr) * 86400.0, TIMES, atol=1e-6, rtol=0)


@pytest.mark.parametrize("lat, lon", [(0.0, 0.0), (45.0, 90.0), (-33.9, 18.4)])
def test_earth_orientation_puts_places_where_skyfield_does(lat, lon):
    """A point fixed on the ground, turned into the inertial frame by our rotation, lands
    within a metre of skyfield's GCRS position of the same place."""
    place = wgs84.latlon(lat, lon)
    t = skyfield_time(TIMES)
    expected_km = place.at(t).position.km.T
    itrs_km = place.itrs_xyz.km
    ours_km = np.einsum("tij,j->ti", gcrs_from_itrs(TIMES), itrs_km)
    assert np.abs(ours_km - expected_km).max() * 1000 < 1.0


def test_prime_meridian_on_equator_is_one_earth_radius_along_the_rotated_x_axis():
    ours = gcrs_from_itrs(TIMES[1]) @ np.array([EARTH_EQUATORIAL_RADIUS_KM, 0, 0])
    expected = wgs84.latlon(0.0, 0.0).at(skyfield_time(TIMES[1])).position.km
    assert np.linalg.norm(ours - expected) * 1000 < 1.0


def test_sub_solar_point_matches_skyfield():
    """The ground point under our Sun direction is the one skyfield gives (within 0.01 deg,
    about 1 km: light-time and aberration are left out on purpose)."""
    t = skyfield_time(TIMES)
    eph = ephemeris()
    sun = eph["earth"].at(t).observe(eph["sun"]).apparent()
    expected = wgs84.subpoint_of(sun)
    direction = sun_direction_gcrs(TIMES)
    itrs = np.einsum("tji,tj->ti", gcrs_from_itrs(TIMES), direction)
    lat = np.degrees(np.arcsin(itrs[:, 2]))
    lon = np.degrees(np.arctan2(itrs[:, 1], itrs[:, 0]))
    # geocentric vs geodetic latitude of a direction differ by at most 0.2 deg; compare the
    # direction to skyfield's sub-solar ground point seen from the centre instead.
    ground = wgs84.latlon(expected.latitude.degrees, expected.longitude.degrees).itrs_xyz.km
    ground_dir = ground / np.linalg.norm(ground, axis=0)
    angle = np.degrees(np.arccos(np.clip(np.einsum("ti,it->t", itrs, ground_dir), -1, 1)))
    assert np.all(angle < 0.25)
    assert np.allclose(lon, expected.longitude.degrees, atol=0.01)
    assert np.all(np.abs(lat - expected.latitude.degrees) < 0.25)
