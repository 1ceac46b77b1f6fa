"""The filters that let a screening against a few primaries propagate each object only where it
can be near them, measured against direct SGP4 on the real 2023 catalogue."""

from __future__ import annotations

import numpy as np
import pytest
from sgp4.api import SatrecArray

from brute_force_conjunctions import brute_force_primary_minima
from orbitview.core.conjunctions import screen
from orbitview.core.conjunctions.bands import (DEEP_SPACE_PERIGEE_PAD, deep_space_perigees_km, mean_element_bands_km,
                                              radius_segments)
from orbitview.core.conjunctions.bounds import physical_motion
from orbitview.core.conjunctions.crossings import (ANGLE_PAD_RAD, PLANE_PAD_KM, RADIUS_PAD_KM, mean_elements,
                                                   plane_axes, snapshot_times, true_anomaly)
from orbitview.core.conjunctions.screen import PRIMARY_STEP_S, screening_times
from orbitview.core.orbits.times import posix_to_jd
from orbitview.io.catalog_files import load_catalogs

pytestmark = pytest.mark.core

WEEK_S = 7 * 86400.0


@pytest.fixture(scope="module")
def full(full_catalog_path):
    return load_catalogs([full_catalog_path]).catalog


def test_sgp4_positions_stay_within_the_padded_mean_orbit_over_a_week(full):
    # Every 8th near-Earth object of the 2023 catalogue every 2 minutes for 7 days: out of its
    # interpolated mean plane, along it and radially off its mean ellipse, SGP4's positions stay
    # within half of each pad (where their motion is physical: the screening ignores the rest).
    rows = [k for k in range(0, len(full), 8) if full.satrecs[k].method == "n"]
    satrecs = [full.satrecs[k] for k in rows]
    start_s = float(np.median(full.epoch_s))
    elements = mean_elements(satrecs, snapshot_times(start_s, WEEK_S))
    times_s = start_s + np.arange(0.0, WEEK_S + 1.0, 120.0)
    window = np.clip(np.searchsorted(elements.times_s, times_s, side="right") - 1, 0, len(elements.times_s) - 2)
    worst = np.zeros(3)
    checked = 0
    for lo in range(0, len(satrecs), 400):
        chunk = np.arange(lo, min(lo + 400, len(satrecs)))
        error, r, v = SatrecArray([satrecs[k] for k in chunk]).sgp4(*posix_to_jd(times_s))
        with np.errstate(invalid="ignore", over="ignore"):
            moving = physical_motion(r[:, :-1], r[:, 1:], v[:, :-1], v[:, 1:], 120.0)
        usable = (error == 0)
        usable[:, :-1] &= moving
        usable[:, 1:] &= moving
        row, k = np.nonzero(usable)
        mean = elements.windows(chunk[row], window[k])
        a, e, inclination, node, perigee, anomaly = mean.at(times_s[k])
        keep = ~mean.failed
        p, q, normal = plane_axes(node, inclination)
        position = r[row, k]
        out_of_plane = np.abs(np.einsum("ij,ij->i", position, normal))
        u = np.arctan2(np.einsum("ij,ij->i", position, q), np.einsum("ij,ij->i", position, p))
        along = np.abs((u - perigee - true_anomaly(anomaly, e) + np.pi) % (2 * np.pi) - np.pi)
        radial = np.abs(np.linalg.norm(position, axis=1) - a * (1 - e**2) / (1 + e * np.cos(u - perigee)))
        worst = np.fmax(worst, [x[keep].max() for x in (out_of_plane, along, radial)])
        checked += keep.sum()
    assert checked > 0.9 * len(satrecs) * len(times_s)
    assert worst[0] < PLANE_PAD_KM / 2 and worst[1] < ANGLE_PAD_RAD / 2 and worst[2] < RADIUS_PAD_KM / 2, worst


def test_deep_space_radii_stay_above_their_padded_mean_perigees_over_a_week(full):
    # Every 2nd deep-space object every 2 minutes for 7 days: SGP4's radius stays above the
    # bound, with half the pad to spare.
    satrecs = [s for s in full.satrecs if s.method == "d"][::2]
    start_s = float(np.median(full.epoch_s))
    r_min, r_max = mean_element_bands_km(satrecs, start_s, WEEK_S)
    lowest = deep_space_perigees_km(satrecs, start_s, WEEK_S)
    half_pad = 0.5 * DEEP_SPACE_PERIGEE_PAD * 0.5 * (r_min + r_max)
    jd, fr = posix_to_jd(start_s + np.arange(0.0, WEEK_S + 1.0, 120.0))
    checked = 0
    for lo in range(0, len(satrecs), 500):
        error, r, _ = SatrecArray(satrecs[lo:lo + 500]).sgp4(jd, fr)
        radius = np.where(error == 0, np.linalg.norm(r, axis=2), np.inf)
        assert (radius.min(axis=1) > lowest[lo:lo + 500] + half_pad[lo:lo + 500]).all()
        checked += np.isfinite(radius).sum()
    assert checked > 0.9 * len(satrecs) * len(jd)
    assert (lowest > 7000.0).mean() > 0.5  # most are left out against low orbits


def test_radius_segments_hold_every_deep_space_radius_in_range(full):
    # Every 4th deep-space object, 7 days, every 30 s: each position whose radius is within
    # 6,700 to 6,900 km lies in one of the segments kept for that range.
    rows = [k for k in range(0, len(full), 4) if full.satrecs[k].method == "d"]
    satrecs = [full.satrecs[k] for k in rows]
    start_s = float(np.median(full.epoch_s))
    grid_s = screening_times(start_s, WEEK_S, PRIMARY_STEP_S)
    row, k = radius_segments(satrecs, grid_s, 6700.0, 6900.0)
    kept = np.zeros((len(satrecs), len(grid_s) - 1), bool)
    kept[row, k] = True
    times_s = start_s + np.arange(0.0, WEEK_S, 30.0)
    segment = np.minimum(np.searchsorted(grid_s, times_s, side="right") - 1, len(grid_s) - 2)
    error, r, _ = SatrecArray(satrecs).sgp4(*posix_to_jd(times_s))
    radius = np.linalg.norm(r, axis=2)
    inside = (error == 0) & (radius >= 6700.0) & (radius <= 6900.0)
    assert inside.sum() > 1000  # transfer orbits do pass
    assert kept[:, segment][inside].all()
    assert kept.mean() < 0.05  # and the rest is left out


def test_a_few_primaries_against_the_catalogue_find_what_brute_force_finds(full):
    # The ISS, a Fengyun-1C fragment and a Starlink against all 26,140 objects for 12 hours at
    # 5 km: the engine's filters (bands, node crossings, deep-space radius segments) against
    # positions every 60 s with a proven margin, then minimisation, written with sgp4 alone.
    primaries = np.sort([int(np.flatnonzero(full.norad_id == n)[0]) for n in (25544, 33640, 57642)])
    start_s, span_s, threshold_km = float(np.median(full.epoch_s)), 12 * 3600.0, 5.0
    expected = brute_force_primary_minima(list(full.satrecs), list(primaries), start_s, span_s, threshold_km)
    found = screen(full, start_s, span_s, threshold_km, primaries=primaries, workers=2)
    # Pairs within the threshold throughout (the ISS's docked vehicles) are co-located entries.
    times_jd = posix_to_jd(start_s + np.linspace(0.0, span_s, 721))
    for pair in found.co_located:
        _, r, _ = SatrecArray([full.satrecs[int(np.flatnonzero(full.norad_id == n)[0])] for n in (pair.a, pair.b)]).sgp4(*times_jd)
        assert np.linalg.norm(r[1] - r[0], axis=1).max() <= threshold_km
    co_located = {(pair.a, pair.b) for pair in found.co_located}
    expected = [m for m in expected if (int(full.norad_id[m[0]]), int(full.norad_id[m[1]])) not in co_located]
    assert len(co_located) >= 4 and len(expected) >= 5 and len({m[1] for m in expected}) >= 5
    unmatched = list(found.encounters)
    for p, j, tca_s, miss_km in expected:
        pair = (int(full.norad_id[p]), int(full.norad_id[j]))
        match = [e for e in unmatched if (e.a, e.b) == pair and abs(e.tca_s - tca_s) < 0.010]
        assert match, f"missed {pair} at {tca_s} ({miss_km:.3f} km)"
        assert abs(match[0].miss_km - miss_km) < 1e-3
        unmatched.remove(match[0])
    assert unmatched == []
