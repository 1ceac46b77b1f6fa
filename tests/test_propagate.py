"""Vectorised SGP4 in blocks and processes, checked against skyfield's EarthSatellite."""

from __future__ import annotations

import numpy as np
import pytest
from skyfield.api import EarthSatellite
from skyfield.framelib import itrs

from orbitview.core.durations import parse_duration
from orbitview.core.errors import OrbitviewError
from orbitview.core.orbits import propagate as propagate_module
from orbitview.core.orbits.propagate import block_ranges, padded_grid, propagate, propagate_blocks
from orbitview.core.orbits.sgp4_elements import satrecs_from_elements
from orbitview.core.orbits.times import parse_utc, skyfield_time, timescale
from orbitview.io.catalog_files import load_catalogs

pytestmark = pytest.mark.core


@pytest.fixture(scope="module")
def full(full_catalog_path):
    return load_catalogs([full_catalog_path]).catalog


@pytest.fixture(scope="module")
def sample(full):
    """Every 150th object of the 2023 catalogue: LEO, MEO, GEO and deep-space orbits."""
    return full.take(np.arange(0, len(full), 150))


def skyfield_states(catalog, times_s, frame):
    """(T, N, 3) km and km/s from skyfield, one EarthSatellite per object (the slow reference)."""
    t = skyfield_time(times_s)
    positions, velocities = [], []
    for satrec in catalog.satrecs:
        at = EarthSatellite.from_satrec(satrec, timescale()).at(t)
        if frame == "GCRS":
            r, v = at.position.km, at.velocity.km_per_s
        else:
            r, v = (vector.km_per_s if hasattr(vector, "km_per_s") else vector.km for vector in at.frame_xyz_and_velocity(itrs))
        positions.append(r.T)
        velocities.append(v.T)
    return np.stack(positions, axis=1), np.stack(velocities, axis=1)


@pytest.mark.parametrize("frame", ["GCRS", "ITRS"])
def test_positions_match_skyfield_within_a_metre(sample, frame, monkeypatch):
    # Tiles of 64 objects, the last one partial: every object must land in its own column.
    monkeypatch.setattr(propagate_module, "ROTATION_TILE", 64)
    times_s = parse_utc("2023-10-09T06:00:00Z") + np.array([0.0, 1234.5, 43200.0, 86400.0])
    states = propagate(sample, times_s, frame, block_states=len(sample) + 1)  # several blocks
    position, velocity = skyfield_states(sample, times_s, frame)
    valid = states.error == 0
    assert valid.mean() > 0.95
    distance_m = 1e3 * np.linalg.norm(states.position_km - position, axis=-1)
    assert distance_m[valid].max() < 1.0
    speed_error_mm_s = 1e6 * np.linalg.norm(states.velocity_km_s - velocity, axis=-1)
    assert speed_error_mm_s[valid].max() < 1.0


def test_decayed_objects_are_masked_not_fatal(full):
    # Ten years after the epochs many low objects have decayed: SGP4 reports them per time.
    times_s = parse_utc("2033-10-09T00:00:00Z") + np.array([0.0, 60.0])
    states = propagate(full.take(np.arange(0, len(full), 10)), times_s, "GCRS")
    failed = states.error != 0
    assert failed.any() and not failed.all()
    assert np.isnan(states.position_km[failed]).all()
    assert np.isfinite(states.position_km[~failed]).all()


def test_blocks_do_not_change_results(sample):
    times_s = parse_utc("2023-10-09T00:00:00Z") + 60.0 * np.arange(17)
    whole = propagate(sample, times_s, "ITRS", block_states=10**9)
    pieces = propagate(sample, times_s, "ITRS", block_states=3 * len(sample))
    np.testing.assert_array_equal(whole.position_km, pieces.position_km)
    np.testing.assert_array_equal(whole.error, pieces.error)


def test_rebuilt_satrecs_propagate_bit_for_bit(sample):
    rebuilt = satrecs_from_elements(sample.sgp4_elements, sample.norad_id)
    for original, copy in zip(sample.satrecs[:40], rebuilt[:40]):
        assert copy.jdsatepoch == original.jdsatepoch and copy.jdsatepochF == original.jdsatepochF
        assert original.sgp4(original.jdsatepoch + 1.5, 0.123) == copy.sgp4(original.jdsatepoch + 1.5, 0.123)


def test_worker_processes_give_the_same_blocks_in_time_order(sample):
    times_s = parse_utc("2023-10-09T00:00:00Z") + 60.0 * np.arange(25)
    direct = propagate(sample, times_s, "GCRS")
    here = list(propagate_blocks(sample.sgp4_elements, times_s, "GCRS", workers=1, block_states=4 * len(sample)))
    starts = []
    for (start, position, velocity, error), expected in zip(propagate_blocks(
        sample.sgp4_elements, times_s, "GCRS", workers=2, block_states=4 * len(sample)
    ), here):
        starts.append(start)
        rows = slice(start, start + len(position))
        assert position.dtype == np.float32 and position.shape[1:] == (len(sample), 3)
        for got, want in zip((start, position, velocity, error), expected):
            np.testing.assert_array_equal(got, want)
        # The positions of direct SGP4, rounded to float32 (half a unit in the last place).
        np.testing.assert_allclose(position, direct.position_km[rows], rtol=2.0**-24, atol=0)
        np.testing.assert_array_equal(error, direct.error[rows])
    assert starts == list(range(0, 25, 4))


def blocks_in_one(catalog, times_s, frame):
    """Positions, velocities (float32) and errors of ``times_s`` as trajectory files get them."""
    [(_, position, velocity, error)] = propagate_blocks(catalog.sgp4_elements, times_s, frame, workers=1,
                                                        block_states=10**9)
    return position, velocity, error


@pytest.mark.parametrize("frame", ["GCRS", "ITRS"])
def test_grid_velocities_are_the_derivative_of_the_positions(sample, frame):
    # Hermite interpolation needs dr/dt of the positions in the stored frame (Earth-fixed in
    # ITRS). The reference: a central difference of direct SGP4 positions 0.5 s either side,
    # good to 1 mm/s; SGP4's own velocity is metres per second away in eccentric orbits.
    times_s = parse_utc("2023-10-09T00:00:00Z") + 60.0 * np.arange(5)
    position, velocity, error = blocks_in_one(sample, times_s, frame)
    direct = propagate(sample, times_s, frame)
    after, before = (propagate(sample, times_s + offset, frame).position_km for offset in (0.5, -0.5))
    dr_dt = (after - before) / (2 * 0.5)
    valid = error == 0
    assert valid.mean() > 0.95
    np.testing.assert_allclose(position[valid], direct.position_km[valid], rtol=2.0**-24, atol=1e-9)
    grid_m_s = 1e3 * np.linalg.norm(velocity - dr_dt, axis=-1)[valid]
    sgp4_m_s = 1e3 * np.linalg.norm(direct.velocity_km_s - dr_dt, axis=-1)[valid]
    assert grid_m_s.max() < 0.02
    assert sgp4_m_s.max() > 2.0


def test_grid_velocities_next_to_a_failure_are_sgp4s_own(full):
    # Months after the epochs decaying objects fail at some samples: a difference reaching one
    # would be garbage, so valid samples there keep SGP4's velocity; failed ones are NaN.
    catalog = full.take(np.arange(0, len(full), 4))
    times_s = parse_utc("2024-06-01T00:00:00Z") + 60.0 * np.arange(120)
    _, velocity, error = blocks_in_one(catalog, times_s, "GCRS")
    direct = propagate(catalog, times_s, "GCRS")
    failed = propagate(catalog, padded_grid(times_s)[0], "GCRS").error != 0
    valid = error == 0
    reached = np.zeros_like(valid)
    for k in range(5):
        reached |= failed[k:k + len(times_s)]
    near = valid & reached
    assert near.sum() >= 10
    np.testing.assert_allclose(velocity[near], direct.velocity_km_s[near], rtol=2.0**-24, atol=1e-12)
    assert np.isfinite(velocity[valid]).all() and np.isnan(velocity[~valid]).all()


def test_block_ranges_cover_the_span_on_chunk_boundaries():
    ranges = block_ranges(1441, 26140, 1_000_000, align=3)
    assert ranges[0] == (0, 36) and ranges[-1][1] == 1441
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))
    assert block_ranges(5, 10**7, 1000) == [(i, i + 1) for i in range(5)]


@pytest.mark.parametrize(
    "text, seconds", [("90m", 5400), ("24h", 86400), ("7d", 604800), ("3600", 3600), ("30s", 30), ("1.5h", 5400)]
)
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "h", "-5m", "5 weeks", "1e999"])
def test_bad_durations_are_user_errors(text):
    with pytest.raises(OrbitviewError):
        parse_duration(text)
