"""The object info panel's numbers against skyfield (tier 1)."""

from __future__ import annotations

import numpy as np
import pytest

from orbitview.core.model.clock import Clock
from orbitview.core.model.object_info import object_state
from orbitview.core.model.object_ref import ObjectRef
from orbitview.core.model.scene import Layer, Scene
from orbitview.core.orbits.frames import EARTH_EQUATORIAL_RADIUS_KM as EARTH_RADIUS_KM
from orbitview.core.orbits.frames import ephemeris
from orbitview.core.orbits.times import parse_utc, skyfield_time
from orbitview.io.catalog_files import load_catalog

pytestmark = pytest.mark.core

T = parse_utc("2023-10-09T12:00:00Z")


@pytest.fixture(scope="module")
def scene(full_catalog_path):
    catalog = load_catalog(full_catalog_path).catalog
    scene = Scene(clock=Clock(time_s=T))
    scene.add_layer(Layer("full", catalog))
    return scene


def lines_of(path, norad_ids):
    """{norad_id: (name, line1, line2)} from a 3LE file."""
    wanted = {f"{n:05d}" for n in norad_ids}
    lines = path.read_text().splitlines()
    found = {}
    for i in range(0, len(lines) - 2, 3):
        if lines[i + 1][2:7] in wanted:
            found[int(lines[i + 1][2:7])] = (lines[i][2:], lines[i + 1], lines[i + 2])
    return found


def test_state_matches_skyfield(scene, full_catalog_path):
    from skyfield.api import EarthSatellite, wgs84

    from orbitview.core.orbits.times import timescale

    catalog = scene.layers[0].catalog
    # A spread of orbits: ISS, low debris, GPS (MEO), a GEO and a Molniya-type if present.
    picks = [25544, *catalog.norad_id[:: max(1, len(catalog) // 60)][:60].tolist()]
    eph = ephemeris()
    t = skyfield_time(T)
    checked = sunlit_agree = 0
    for norad_id, (name, l1, l2) in lines_of(full_catalog_path, picks).items():
        info = object_state(scene, scene.find(norad_id)[0])
        satellite = EarthSatellite(l1, l2, name, timescale())
        geocentric = satellite.at(t)
        if not np.all(np.isfinite(geocentric.position.km)) or info.altitude_km is None:
            continue
        position = wgs84.geographic_position_of(geocentric)
        assert info.latitude_deg == pytest.approx(position.latitude.degrees, abs=1e-5)
        # Longitude wraps at 180 degrees.
        dlon = (info.longitude_deg - position.longitude.degrees + 180.0) % 360.0 - 180.0
        assert abs(dlon) < 1e-5
        assert info.altitude_km == pytest.approx(position.elevation.km, abs=0.01)
        assert info.speed_km_s == pytest.approx(np.linalg.norm(geocentric.velocity.km_per_s), abs=1e-6)
        # skyfield's shadow is a cone, ours (like the shader's) a cylinder: they differ only
        # in a thin band at the shadow's edge.
        sunlit_agree += info.sunlit == bool(geocentric.is_sunlit(eph))
        checked += 1
    assert checked >= 40
    assert sunlit_agree >= checked - 2


MU_KM3_S2 = 398600.4418


def pick_regimes(catalog) -> dict[str, int]:
    """Rows of the 2023 catalogue in each regime: LEO (the ISS, and eccentric), MEO, GEO, HEO."""
    n, e, inc = catalog.mean_motion_rev_per_day, catalog.eccentricity, catalog.inclination_deg
    a_km = (MU_KM3_S2 / (n * 2 * np.pi / 86400.0) ** 2) ** (1 / 3)
    first = lambda mask: int(np.flatnonzero(mask)[0])  # noqa: E731
    return {"ISS": first(catalog.norad_id == 25544),
            "eccentric LEO": first((e > 0.05) & (a_km * (1 - e) < 7378.0) & (n > 11)),
            "MEO": first((abs(a_km - 26560) < 50) & (e < 0.02)),
            "GEO": first((abs(n - 1.0027) < 0.001) & (e < 0.001)),
            "Molniya": first((e > 0.6) & (abs(inc - 63.4) < 1.5) & (abs(n - 2.006) < 0.05))}


def test_highest_and_lowest_are_the_geodetic_extremes_skyfield_finds(scene, full_catalog_path):
    """Against every height skyfield gives at a fine grid over the revolution (WGS84, ITRS)."""
    from skyfield.api import EarthSatellite, wgs84

    from orbitview.core.orbits.times import timescale

    catalog = scene.layers[0].catalog
    picks = pick_regimes(catalog)
    elements = lines_of(full_catalog_path, [int(catalog.norad_id[i]) for i in picks.values()])
    ts = timescale()
    for regime, row in picks.items():
        info = object_state(scene, ObjectRef(scene.layers[0], int(row)))
        name, l1, l2 = elements[info.norad_id]
        period_s = 60.0 * info.period_min
        samples = 32_000 if regime == "Molniya" else 16_000
        offsets_s = np.linspace(0.0, period_s, samples + 1)
        dt = skyfield_time(T)
        height_km = wgs84.geographic_position_of(EarthSatellite(l1, l2, name, ts).at(
            ts.tt_jd(dt.tt + offsets_s / 86400.0))).elevation.km
        # A grid misses an extreme by at most |d2h/dt2| (step/2)^2 / 2, and |d2h/dt2| is below
        # 2 mu / r^2 at the perigee radius (gravity plus the centripetal term).
        perigee_km = EARTH_RADIUS_KM + info.mean_perigee_km
        grid_km = 0.5 * (2 * MU_KM3_S2 / perigee_km**2) * (0.5 * period_s / samples) ** 2 + 1e-5
        assert 0.0 <= info.highest_km - height_km.max() + 1e-5 <= grid_km, regime
        assert 0.0 <= height_km.min() - info.lowest_km + 1e-5 <= grid_km, regime
        assert info.lowest_km - 1e-5 <= info.altitude_km <= info.highest_km + 1e-5  # altitude: from ITRS
    assert grid_km < 0.003  # metres, for the Molniya orbit too


def test_identity_elements_and_age(scene):
    info = object_state(scene, scene.find(25544)[0])
    assert info.name.startswith("ISS")
    assert info.intl_designator.startswith("1998-067A")
    assert info.object_class == "payload"
    assert 90.0 < info.period_min < 94.0
    assert info.inclination_deg == pytest.approx(51.64, abs=0.05)
    assert 380.0 < info.mean_perigee_km <= info.mean_apogee_km < 450.0
    # Heights above the ellipsoid reach well above the mean apogee above the equatorial radius
    # (the polar radius is 21 km shorter), as the altitude shown does.
    assert info.mean_apogee_km + 10.0 < info.highest_km < 450.0 and 405.0 < info.lowest_km < info.highest_km
    # The 3LE file's epochs are within a few days of its date.
    assert -86400.0 < info.element_age_s < 7 * 86400.0


def test_unknown_object_and_object_not_there_yet(scene):
    from orbitview.core.orbits.keyframes import LiveKeyframes, WindowedKeyframes

    catalog = scene.layers[0].catalog
    later = Scene(clock=Clock(time_s=T))
    assert object_state(later, scene.find(25544)[0]) is None  # its layer is not in this scene
    layer = later.add_layer(Layer("later", catalog.take([0]),
                                  WindowedKeyframes(LiveKeyframes(catalog.take([0])), start_s=T + 60)))
    info = object_state(later, ObjectRef(layer, 0))
    assert info is not None and info.altitude_km is None and info.sunlit is None
