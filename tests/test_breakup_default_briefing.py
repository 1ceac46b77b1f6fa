"""The embedded default briefing: the modelled Fengyun-1C test in datasets/, reproducible."""

from __future__ import annotations

import numpy as np
import pytest

from orbitview.core.breakup.presets import PRESETS, run_event
from orbitview.core.orbits.propagate import propagate
from orbitview.services.default_briefing import datasets_dir, load_default_briefing

pytestmark = pytest.mark.core


@pytest.fixture(scope="module")
def briefing():
    return load_default_briefing()


def test_briefing_holds_parent_fragments_time_and_title(briefing):
    parent, fragments, event_time_s, title = briefing
    assert list(parent.norad_id) == [25730]
    assert len(fragments) > 500
    assert event_time_s == PRESETS["fengyun-1c-2007"].time_s
    assert title.startswith("MODEL") and "published figures" in title and "seed 1" in title
    assert np.all(fragments.epoch_s == pytest.approx(event_time_s, abs=1e-3))


def test_small_enough_for_the_repository():
    """About 2,100 calibrated fragments of 162 bytes of 3LE each."""
    total = sum(p.stat().st_size for p in (datasets_dir() / "fengyun-1c-2007").iterdir())
    assert total < 400_000


def test_committed_fragments_are_what_the_stated_seed_makes(briefing):
    """README's command remakes the file: same numbers, elements equal to TLE precision."""
    fresh = run_event(PRESETS["fengyun-1c-2007"], 0.1, seed=1).element_sets.catalog
    stored = briefing.fragments
    np.testing.assert_array_equal(stored.norad_id, fresh.norad_id)
    np.testing.assert_allclose(stored.mean_motion_rev_per_day, fresh.mean_motion_rev_per_day, atol=1e-8)
    np.testing.assert_allclose(stored.inclination_deg, fresh.inclination_deg, atol=1e-4)
    np.testing.assert_allclose(stored.eccentricity, fresh.eccentricity, atol=1e-7)


def test_tle_rounding_keeps_the_fragments_within_a_kilometre(briefing):
    fresh = run_event(PRESETS["fengyun-1c-2007"], 0.1, seed=1)
    t = np.array([briefing.event_time_s])
    stored = propagate(briefing.fragments, t, frame="TEME").position_km[0]
    fitted = propagate(fresh.element_sets.catalog, t, frame="TEME").position_km[0]
    miss = np.linalg.norm(stored - fitted, axis=1)
    assert miss.max() < 1.0


def test_debris_all_around_the_earth_after_thirty_days(briefing):
    """At +30 days the fragments have spread all along the orbit: every band of latitude holds
    some, between about 100 and 3,000 km up. (Their planes have fanned out by about 12 degrees of
    node by then; the closed shell of later years needs years of differential precession.)"""
    states = propagate(briefing.fragments, np.array([briefing.event_time_s + 30 * 86400.0]))
    ok = states.error[0] == 0
    r = states.position_km[0][ok]
    assert ok.sum() > 0.9 * len(briefing.fragments)
    altitude = np.linalg.norm(r, axis=1) - 6378.0
    assert np.percentile(altitude, 5) > 100 and np.percentile(altitude, 95) < 3000
    latitude = np.degrees(np.arcsin(r[:, 2] / np.linalg.norm(r, axis=1)))
    counts = np.histogram(latitude, bins=np.arange(-90, 91, 30))[0]
    assert np.all(counts > 0.05 * ok.sum())
