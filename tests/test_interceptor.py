"""Direct-ascent interceptor arcs against physics (tier 1).

Authorities: skyfield for the launch site on the turning Earth (``wgs84.latlon(...).at(t)``)
and for the target's SGP4 position (``EarthSatellite``), and a numerical integration of the
two-body equations (scipy's DOP853 at 1e-12) for where the burnout state really goes.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp
from skyfield.api import EarthSatellite, wgs84

from orbitview.core.breakup.interceptor import MAX_FLIGHT_S, LaunchSite, solve_interceptor
from orbitview.core.breakup.launch_sites import SITES, XICHANG
from orbitview.core.breakup.presets import PRESETS, interceptor_arc, published_parents
from orbitview.core.orbits.lambert import MU_EARTH_KM3_S2, LambertArc
from orbitview.core.orbits.propagate import propagate
from orbitview.core.orbits.times import parse_utc, skyfield_time, timescale

pytestmark = pytest.mark.core

DIRECT_ASCENT = [key for key, event in PRESETS.items() if event.interceptor is not None]


def integrated_end(r0_km, v0_km_s, flight_s):
    """Where the two-body equations carry a state after ``flight_s``: (3,) km, (3,) km/s."""
    def two_body(_t, y):
        r = y[:3]
        return np.concatenate([y[3:], -MU_EARTH_KM3_S2 * r / np.linalg.norm(r) ** 3])

    solution = solve_ivp(two_body, (0.0, flight_s), np.concatenate([r0_km, v0_km_s]), method="DOP853",
                         rtol=1e-12, atol=1e-9)
    return solution.y[:3, -1], solution.y[3:, -1]


def skyfield_target_km(catalog, t_s):
    """The target's GCRS position by skyfield's own SGP4 path (not orbitview's propagate)."""
    satellite = EarthSatellite.from_satrec(catalog.satrecs[0], timescale())
    return satellite.at(skyfield_time(t_s)).position.km


def parabolic_flight_s(r1_km, r2_km):
    """The flight time of the parabola between two points the short way: Euler's equation,
    t = sqrt(2/mu) / 3 (s^1.5 - (s - c)^1.5), s the semi-perimeter and c the chord."""
    r1, r2, c = np.linalg.norm(r1_km), np.linalg.norm(r2_km), np.linalg.norm(r2_km - r1_km)
    s = (r1 + r2 + c) / 2
    return np.sqrt(2 / MU_EARTH_KM3_S2) / 3 * (s**1.5 - (s - c) ** 1.5)


def lowest_height_km(r0_km, v0_km_s, launch_s, flight_s):
    """Least height above the WGS84 ellipsoid (skyfield's) of the integrated two-body path."""
    from skyfield.positionlib import Geocentric
    from skyfield.units import AU_KM

    times = launch_s + np.linspace(0.0, flight_s, 301)[1:]
    positions = np.array([integrated_end(r0_km, v0_km_s, t - launch_s)[0] for t in times[::10]])
    where = Geocentric(positions.T / AU_KM, t=skyfield_time(times[::10]))
    return float(np.min(wgs84.height_of(where).km))


def skyfield_site(site: LaunchSite, t_s):
    where = wgs84.latlon(site.latitude_deg, site.longitude_deg, elevation_m=site.height_km * 1000.0)
    at = where.at(skyfield_time(t_s))
    return at.position.km, at.velocity.km_per_s


def skyfield_up(site: LaunchSite, t_s) -> np.ndarray:
    """The site's local vertical (the WGS84 normal) in GCRS at ``t_s``: where a metre higher lies."""
    above = LaunchSite(site.key, site.name, site.latitude_deg, site.longitude_deg, site.height_km + 1e-3)
    up = skyfield_site(above, t_s)[0] - skyfield_site(site, t_s)[0]
    return up / np.linalg.norm(up)


def test_the_three_direct_ascent_presets_carry_their_interceptor():
    assert sorted(DIRECT_ASCENT) == ["cosmos-1408-2021", "fengyun-1c-2007", "shakti-2019"]
    assert PRESETS["fengyun-1c-2007"].interceptor.site is XICHANG
    assert PRESETS["iridium-cosmos-2009"].interceptor is None
    for key in DIRECT_ASCENT:
        plan = PRESETS[key].interceptor
        assert plan.site in SITES.values() and plan.citation and plan.site.citation


@pytest.mark.parametrize("key", DIRECT_ASCENT)
def test_preset_arc_meets_the_target_and_leaves_the_turning_site(key):
    event = PRESETS[key]
    parents = published_parents(event, "test")
    arc = interceptor_arc(event, parents)
    assert arc.intercept_s == event.time_s and arc.flight_s == event.interceptor.flight_s
    # The end: the burnout state, integrated numerically, meets skyfield's SGP4 position.
    end_km, end_km_s = integrated_end(arc.launch_position_km, arc.launch_velocity_km_s, arc.flight_s)
    target_km = skyfield_target_km(parents, event.time_s)
    assert np.linalg.norm(end_km - target_km) < 1.0
    assert np.linalg.norm(arc.states_gcrs(arc.intercept_s)[0][0] - target_km) < 1.0
    assert np.linalg.norm(end_km_s - arc.intercept_velocity_km_s) < 1e-3  # 1 m/s
    # The start: on the site at launch, moving with the Earth.
    site_km, site_km_s = skyfield_site(arc.site, arc.launch_s)
    start_km, start_km_s = (a[0] for a in arc.states_gcrs(arc.launch_s))
    assert np.linalg.norm(start_km - site_km) < 1e-3  # 1 m
    assert np.linalg.norm(arc.site_velocity_km_s - site_km_s) < 1e-5  # 1 cm/s
    relative = np.linalg.norm(start_km_s - site_km_s)
    assert abs(arc.burnout_speed_relative_km_s - relative) < 1e-5
    assert abs(arc.burnout_speed_km_s - np.linalg.norm(start_km_s)) < 1e-9
    # What is reported is what the states say.
    closing = arc.intercept_velocity_km_s - arc.target_velocity_km_s
    assert abs(arc.closing_speed_km_s - np.linalg.norm(closing)) < 1e-9
    assert 0.0 < arc.launch_elevation_deg <= 90.0 and 0.0 < arc.closing_angle_deg < 180.0
    # A direct ascent: above the target's altitude at most briefly, never below the ground.
    assert arc.apex_height_km >= arc.heights_km(np.array([arc.intercept_s]))[0] - 1e-3
    assert arc.lowest_height_km > 0.0


def test_fengyun_1c_interceptor_flies_from_xichang_to_the_intercept_at_22_26():
    event = PRESETS["fengyun-1c-2007"]
    arc = interceptor_arc(event, published_parents(event, "test"))
    assert arc.intercept_s == parse_utc("2007-01-11T22:26:00Z")
    assert arc.launch_s == parse_utc("2007-01-11T22:18:10Z")
    # A DF-21-class burnout speed, reaching the satellite's 865 km or so.
    assert 3.5 < arc.burnout_speed_relative_km_s < 4.2
    assert 850.0 < arc.apex_height_km < 900.0
    assert "T+7:50" == arc.time_since_launch_text(arc.intercept_s)


@pytest.mark.parametrize("key", DIRECT_ASCENT)
def test_energy_and_angular_momentum_are_conserved_along_the_arc(key):
    event = PRESETS[key]
    arc = interceptor_arc(event, published_parents(event, "test"))
    times = np.linspace(arc.launch_s, arc.intercept_s, 400)
    r, v = arc.states_gcrs(times)
    energy = 0.5 * np.sum(v * v, axis=1) - MU_EARTH_KM3_S2 / np.linalg.norm(r, axis=1)
    momentum = np.cross(r, v)
    assert np.ptp(energy) < 1e-6  # km^2/s^2: 1 m^2/s^2 of about 3e7
    assert np.max(np.linalg.norm(momentum - momentum[0], axis=1)) < 1e-6  # km^2/s
    # And the Lagrange-coefficient states are the integrated ones all the way.
    middle = len(times) // 2
    integrated, _ = integrated_end(r[0], v[0], times[middle] - times[0])
    assert np.linalg.norm(integrated - r[middle]) < 1e-3


@lru_cache(maxsize=1)
def leo_catalogue():
    """Objects of the real 2023 catalogue in low orbits (200-2,000 km), the targets of
    direct-ascent tests."""
    from conftest import catalog_dir

    from orbitview.io.catalog_files import load_catalog

    catalog = load_catalog(catalog_dir() / "full_2023-10-09.3le").catalog
    a_km = (MU_EARTH_KM3_S2 / (catalog.mean_motion_rev_per_day * 2 * np.pi / 86400.0) ** 2) ** (1 / 3)
    perigee, apogee = a_km * (1 - catalog.eccentricity) - 6378.0, a_km * (1 + catalog.eccentricity) - 6378.0
    return catalog.take(np.flatnonzero((perigee > 250.0) & (apogee < 2000.0)))


@settings(max_examples=40)
@given(row=st.integers(0, 10_000), latitude=st.floats(-80.0, 80.0), longitude=st.floats(-180.0, 180.0),
       height=st.floats(0.0, 3.0), flight=st.floats(60.0, 3000.0), offset=st.floats(0.0, 86400.0))
def test_random_geometry_meets_the_target_or_is_refused_for_a_reason(row, latitude, longitude, height,
                                                                     flight, offset):
    catalog = leo_catalogue()
    target = catalog.take([row % len(catalog)])
    site = LaunchSite("random", "random site", latitude, longitude, height)
    intercept_s = parse_utc("2023-10-09T00:00:00Z") + offset
    try:
        arc = solve_interceptor(site, target, flight, intercept_s=intercept_s)
    except ValueError as exc:
        # Refused: it must be for one of the stated reasons, and truly so.
        site_km, site_km_s = skyfield_site(site, intercept_s - flight)
        target_km = skyfield_target_km(target, intercept_s)
        if "too short" in str(exc):
            assert flight < parabolic_flight_s(site_km, target_km)
            return
        v1 = LambertArc(site_km, target_km, flight).v1_km_s
        if "below the horizon" in str(exc):
            # A launch downwards is refused even from a height it would clear the ground from.
            relative = v1 - site_km_s
            elevation_deg = np.degrees(np.arcsin(relative @ skyfield_up(site, intercept_s - flight)
                                                 / np.linalg.norm(relative)))
            assert elevation_deg < 1e-4
        else:
            assert "below the Earth's surface" in str(exc), str(exc)
            assert lowest_height_km(site_km, v1, intercept_s - flight, flight) < 0.0
        return
    end_km, _ = integrated_end(arc.launch_position_km, arc.launch_velocity_km_s, flight)
    assert np.linalg.norm(end_km - skyfield_target_km(target, intercept_s)) < 1.0
    site_km, site_km_s = skyfield_site(site, arc.launch_s)
    assert np.linalg.norm(arc.launch_position_km - site_km) < 1e-3
    assert np.linalg.norm(arc.site_velocity_km_s - site_km_s) < 1e-5
    # Bound (no faster than escape), above the ground all the way.
    assert 0.5 * arc.burnout_speed_km_s**2 < MU_EARTH_KM3_S2 / np.linalg.norm(site_km)
    times = np.linspace(arc.launch_s, arc.intercept_s, 301)[1:]
    assert np.all(arc.heights_km(times) > 0.0)


def fy1c_target():
    event = PRESETS["fengyun-1c-2007"]
    return event, published_parents(event, "test")


@pytest.mark.parametrize("flight_s, words", [
    (5.0, "outside 10 s .. 6 h"),
    (MAX_FLIGHT_S + 1.0, "outside 10 s .. 6 h"),
    (60.0, "too short for this distance: even an escape-speed"),
])
def test_impossible_flight_times_are_refused(flight_s, words):
    event, parents = fy1c_target()
    with pytest.raises(ValueError, match=words):
        solve_interceptor(XICHANG, parents, flight_s, intercept_s=event.time_s)


def test_a_path_through_the_earth_is_refused():
    """From the far side of the globe the short way round in half an hour would run through
    the Earth: refused, not drawn."""
    event, parents = fy1c_target()
    far_side = LaunchSite("far", "far side", -20.0, -60.0, 0.0)
    with pytest.raises(ValueError, match="through the Earth|below the Earth's surface"):
        solve_interceptor(far_side, parents, 1800.0, intercept_s=event.time_s)


def test_a_target_sgp4_cannot_place_is_refused():
    when = parse_utc("2035-01-01T00:00:00Z")
    catalog = leo_catalogue()
    failed = np.flatnonzero(propagate(catalog, np.array([when])).error[0])
    assert len(failed)
    with pytest.raises(ValueError, match="no SGP4 position"):
        solve_interceptor(XICHANG, catalog.take(failed[:1]), 600.0, intercept_s=when)


def test_exactly_one_of_launch_and_intercept_time():
    event, parents = fy1c_target()
    with pytest.raises(ValueError, match="one of the two"):
        solve_interceptor(XICHANG, parents, 470.0)
    arc = solve_interceptor(XICHANG, parents, 470.0, launch_s=event.time_s - 470.0)
    assert arc.intercept_s == event.time_s


@pytest.mark.parametrize("key", ["fengyun-1c-2007", "cosmos-1408-2021"])
def test_unpublished_flight_times_are_the_least_burnout_ones_as_the_presets_say(key):
    """Where no flight time is public the preset takes the flight needing the least burnout
    speed to its intercept point, rounded to 10 s (docs/breakup.md, "The interceptor")."""
    from scipy.optimize import minimize_scalar

    event = PRESETS[key]
    parents = published_parents(event, "test")

    def burnout_km_s(flight_s):
        arc = solve_interceptor(event.interceptor.site, parents, flight_s, intercept_s=event.time_s)
        return arc.burnout_speed_relative_km_s

    least = minimize_scalar(burnout_km_s, bounds=(150.0, 900.0), method="bounded", options={"xatol": 0.5})
    assert abs(event.interceptor.flight_s - least.x) <= 5.0
    assert "assumed" in event.interceptor.citation and "least burnout speed" in event.interceptor.citation
