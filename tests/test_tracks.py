"""The orbit track drawn for a selected or highlighted object, seen from close by: it must pass
through the object and follow its orbit near it, not cut the chord of two samples half a
minute apart (a kilometre off, in a view a few hundred metres wide)."""

from __future__ import annotations

import numpy as np

from orbitview.core.orbits.propagate import propagate
from orbitview.core.orbits.times import parse_utc
from orbitview.core.orbits.tracks import orbit_track_gcrs_km
from orbitview.io.catalog_files import load_catalog

T = parse_utc("2023-10-11T19:17:21.382Z")  # the Fengyun-1C fragment and STARLINK-1155 of docs/conjunctions.md


def distance_to_polyline_km(points_km: np.ndarray, polyline_km: np.ndarray) -> np.ndarray:
    """(P,) least distance from each point to the straight segments between consecutive vertices."""
    a, b = polyline_km[:-1], polyline_km[1:]
    step = b - a
    d = points_km[:, None, :] - a[None]
    s = np.clip(np.einsum("pkj,kj->pk", d, step) / np.einsum("kj,kj->k", step, step), 0.0, 1.0)
    return np.linalg.norm(d - s[..., None] * step[None], axis=2).min(axis=1)


def test_the_orbit_track_passes_through_its_object_and_keeps_to_the_orbit_near_it(catalogs):
    catalog = load_catalog(catalogs / "full_2023-10-09.3le").catalog
    for norad in (32319, 45053, 25544):  # the fragment, the Starlink, the ISS
        row = int(np.flatnonzero(catalog.norad_id == norad)[0])
        track = orbit_track_gcrs_km(catalog, row, T)
        offsets_s = np.array([-20.0, -3.0, -1.0, -0.3, -0.05, 0.0, 0.05, 0.3, 1.0, 3.0, 20.0])
        sgp4_km = propagate(catalog.take([row]), T + offsets_s, "GCRS").position_km[:, 0]
        off_m = distance_to_polyline_km(sgp4_km, track) * 1000.0
        # Chords of h seconds sag by a h^2 / 8 (a ~ 8 m/s^2 in LEO): within 2 m out to 3 s (20 km
        # along the orbit) and 0.25 km at 20 s (150 km away: 2 mrad, where the even samples alone
        # left the track 1.2 km beside the object itself).
        assert off_m[np.abs(offsets_s) <= 3.0].max() < 2.0, (norad, off_m)
        assert off_m.max() < 250.0, (norad, off_m)
        assert np.min(np.linalg.norm(track - sgp4_km[offsets_s == 0.0], axis=1)) < 1e-6


def test_a_track_is_made_again_before_its_object_strays_a_pixel_from_it(catalogs):
    """Drawn ``track_age_limit_s`` after it was made, the track still passes within
    ``TRACK_MISS_RAD`` of the camera's distance of its object, close up and far away."""
    from orbitview.core.orbits.tracks import TRACK_MISS_RAD, track_age_limit_s

    catalog = load_catalog(catalogs / "full_2023-10-09.3le").catalog
    for norad in (32319, 25544):
        row = int(np.flatnonzero(catalog.norad_id == norad)[0])
        for distance_km in (0.6, 20.0, 1000.0, 30000.0):
            age_s = track_age_limit_s(distance_km, 600.0)
            for made_s in (T - age_s, T + age_s):
                track = orbit_track_gcrs_km(catalog, row, made_s)
                now_km = propagate(catalog.take([row]), np.array([T]), "GCRS").position_km[:, 0]
                assert distance_to_polyline_km(now_km, track)[0] <= TRACK_MISS_RAD * distance_km, (norad, distance_km)
    assert track_age_limit_s(0.6, 600.0) < 1.0 and track_age_limit_s(30000.0, 600.0) > 60.0
