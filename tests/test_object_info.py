"""The object info panel's numbers against skyfield (tier 1)."""

from __future__ import annotations

import numpy as np
import pytest

from orbitview.core.clock import Clock
from orbitview.core.frames import ephemeris
from orbitview.core.object_info import object_state
from orbitview.core.object_ref import ObjectRef
from orbitview.core.scene import Layer, Scene
from orbitview.core.times import parse_utc, skyfield_time
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

    from orbitview.core.times import timescale

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


def test_identity_elements_and_age(scene):
    info = object_state(scene, scene.find(25544)[0])
    assert info.name.startswith("ISS")
    assert info.intl_designator.startswith("1998-067A")
    assert info.object_class == "payload"
    assert 90.0 < info.period_min < 94.0
    assert info.inclination_deg == pytest.approx(51.64, abs=0.05)
    assert 380.0 < info.perigee_km <= info.apogee_km < 450.0
    # The 3LE file's epochs are within a few days of its date.
    assert -86400.0 < info.element_age_s < 7 * 86400.0


def test_unknown_object_and_object_not_there_yet(scene):
    from orbitview.core.keyframes import LiveKeyframes, WindowedKeyframes

    catalog = scene.layers[0].catalog
    later = Scene(clock=Clock(time_s=T))
    assert object_state(later, scene.find(25544)[0]) is None  # its layer is not in this scene
    layer = later.add_layer(Layer("later", catalog.take([0]),
                                  WindowedKeyframes(LiveKeyframes(catalog.take([0])), start_s=T + 60)))
    info = object_state(later, ObjectRef(layer, 0))
    assert info is not None and info.altitude_km is None and info.sunlit is None
