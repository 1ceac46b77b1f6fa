"""Fitting SGP4 mean elements: SGP4 at the epoch must reproduce the fitted state."""

from __future__ import annotations

import numpy as np
import pytest

from orbitview.core.breakup.presets import PRESETS, run_event
from orbitview.core.orbits.mean_elements import fit_mean_elements, osculating_elements
from orbitview.io.catalog_files import load_catalog

pytestmark = pytest.mark.core


def test_osculating_elements_of_a_circular_orbit():
    mu = 398600.8
    r = 7000.0
    v = np.sqrt(mu / r)
    inc = np.radians(51.6)
    x = osculating_elements(np.array([[r, 0, 0]]), np.array([[0, v * np.cos(inc), v * np.sin(inc)]]))
    a, ex, ey, i, node, u = x[0]
    assert a == pytest.approx(r)
    assert np.hypot(ex, ey) < 1e-12
    assert i == pytest.approx(inc)
    assert node == pytest.approx(0.0, abs=1e-12) and u == pytest.approx(0.0, abs=1e-12)


@pytest.fixture(scope="module")
def fengyun_fit():
    """1,000+ fragments of the Fengyun-1C model (Lc >= 5 cm) fitted at the event time."""
    result = run_event(PRESETS["fengyun-1c-2007"], 0.05, seed=1)
    return result


def test_thousand_fragments_fit_within_a_kilometre(fengyun_fit):
    sets = fengyun_fit.element_sets
    residual_m = sets.residual_position_km[:1000] * 1e3
    assert residual_m.size == 1000
    q = np.percentile(residual_m, [50, 90, 99, 100])
    print(f"\nfit residual over {residual_m.size} fragments, m: median {q[0]:.2g}, 90% {q[1]:.2g}, "
          f"99% {q[2]:.2g}, max {q[3]:.2g}; velocity max "
          f"{np.max(sets.residual_velocity_km_s[:1000]) * 1e3:.2g} m/s; SGP4 refused {sets.failed}")
    assert residual_m.max() < 1000.0
    assert np.median(residual_m) < 1.0  # the fit converges far below the acceptance bound
    assert sets.failed == 0


def test_osculating_elements_alone_are_kilometres_off(fengyun_fit):
    """Why the fit exists: SGP4 fed osculating elements misplaces the object at its own epoch."""
    f = fengyun_fit.fragments
    idx = fengyun_fit.element_sets.fragment_index[:200]
    one_shot = fit_mean_elements(f.position_km[idx], f.velocity_km_s[idx], *_epoch(fengyun_fit),
                                 max_iterations=0)  # the osculating elements, uncorrected
    assert np.median(one_shot.residual_position_km) > 1.0


def _epoch(result):
    s = result.parents.satrecs[0]
    return s.jdsatepoch, s.jdsatepochF


def test_fit_recovers_real_element_sets(catalogs):
    """States from real TLEs, fitted back, give the TLEs' own elements (a round trip through SGP4)."""
    real = load_catalog(catalogs / "debris_2025-02-15_tle" / "fengyun-1c-debris.txt").catalog
    sample = real.take(np.arange(0, len(real), 10))
    # One epoch for all: the first object's; each state comes from its own TLE at that time.
    s0 = sample.satrecs[0]
    jd, fr = np.array([s0.jdsatepoch]), np.array([s0.jdsatepochF])
    error, r, v = sample.satrec_array.sgp4(jd, fr)
    assert not error.any()
    fit = fit_mean_elements(r[:, 0], v[:, 0], s0.jdsatepoch, s0.jdsatepochF, sample.bstar)
    assert np.nanmax(fit.residual_position_km) < 1e-3
    # Elements propagated to a common epoch are not the TLE's, so compare states a day later.
    later = np.array([s0.jdsatepochF + 1.0])
    _, r_tle, _ = sample.satrec_array.sgp4(jd, later)
    from sgp4.api import SatrecArray

    _, r_fit, _ = SatrecArray(list(fit.satrecs)).sgp4(jd, later)
    drift = np.linalg.norm(r_fit - r_tle, axis=-1)
    # Drag terms (ndot, nddot) and the epoch shift are not carried: metres to a few km a day.
    assert np.median(drift) < 1.0
