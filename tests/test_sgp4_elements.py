"""The vectorised SGP4 initialisation check against ``sgp4init`` itself, row by row."""

from __future__ import annotations

import math

import numpy as np
import pytest

from orbitview.core.orbits.sgp4_elements import _clearly_fine, elements_from_columns, init_errors, satrecs_from_elements

pytestmark = pytest.mark.core

EARTH_RADIUS_KM = 6378.135
MU_KM3_S2 = 398600.8


def random_elements(n: int, seed: int) -> dict[str, np.ndarray]:
    """Element sets crowding every border SGP4 can fail on: perigees from 1,300 km below the
    surface to 3 Earth radii up, eccentricities up to 0.999, deep-space and near-Earth
    periods, any inclination and angle, drag terms of either sign."""
    rng = np.random.default_rng(seed)
    perigee_er = rng.uniform(0.8, 4.0, n) ** np.where(rng.random(n) < 0.7, 1.0, 0.2)
    ecc = np.where(rng.random(n) < 0.3, rng.uniform(0.0, 0.02, n), rng.uniform(0.0, 0.999, n))
    semi_major_km = perigee_er / (1.0 - ecc) * EARTH_RADIUS_KM
    mean_motion = np.sqrt(MU_KM3_S2 / semi_major_km**3) * 86400.0 / (2 * math.pi)
    return elements_from_columns(
        epoch_jd=np.full(n, 2460226.5), epoch_fr=rng.random(n),
        mean_motion_rev_per_day=mean_motion, eccentricity=ecc,
        inclination_deg=rng.uniform(0.0, 180.0, n), raan_deg=rng.uniform(0.0, 360.0, n),
        arg_perigee_deg=rng.uniform(0.0, 360.0, n), mean_anomaly_deg=rng.uniform(0.0, 360.0, n),
        bstar=rng.normal(0.0, 1e-3, n), mean_motion_dot=rng.normal(0.0, 1e-4, n),
        mean_motion_ddot=np.zeros(n),
    )


def test_screen_agrees_with_sgp4init_on_every_row_near_every_border():
    elements = random_elements(60_000, seed=7)
    exact = np.array([s.error for s in satrecs_from_elements(elements)])
    # The sample must exercise the check: failures of several kinds and both screen outcomes.
    assert {3, 4, 6} <= set(np.unique(exact).tolist())
    cleared = _clearly_fine(elements)
    assert 0.3 < cleared.mean() < 0.95
    assert not exact[cleared].any()
    np.testing.assert_array_equal(init_errors(elements), exact)


def test_every_real_catalogue_row_passes(full_catalog_path):
    from orbitview.io.catalog_files import load_catalog

    catalog = load_catalog(full_catalog_path).catalog
    exact = np.array([s.error for s in catalog.satrecs])
    np.testing.assert_array_equal(init_errors(catalog.sgp4_elements, catalog.norad_id), exact)
    assert _clearly_fine(catalog.sgp4_elements).mean() > 0.9
