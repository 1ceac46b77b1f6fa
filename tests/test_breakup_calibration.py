"""The calibrated Fengyun-1C model against the record: B* and decay against the tracked cloud
and the SATCAT, SGP4's decay against the standard atmosphere, counts and delta-v against the
published figures (docs/DOMAIN.md), the parent's remnant."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from sgp4.api import WGS72, Satrec

from orbitview.core.breakup.drag_calibration import standard_density_kg_m3
from orbitview.core.breakup.fragment_sets import DRAG_COEFFICIENT, bstar_from_area_to_mass, sgp4_bstar
from orbitview.core.breakup.presets import PRESETS, run_event
from orbitview.core.orbits import gabbard
from orbitview.core.orbits.classify import ObjectClass
from orbitview.core.orbits.propagate import propagate

pytestmark = pytest.mark.core

FY1C = PRESETS["fengyun-1c-2007"]
MU_KM3_S2, RADIUS_KM = 398600.8, 6378.135  # WGS72, SGP4's constants
YEAR_S = 365.25 * 86400.0


def test_median_bstar_within_a_factor_two_of_the_tracked_cloud(fy1c_model, fy1c_tracked_2025):
    """Like for like: the pieces whose perigee lies 800-850 km up, the band of the parent's
    orbit and the most populated band of both clouds."""
    def band_median(catalog):
        perigee = gabbard.from_catalog(catalog).perigee_km
        in_band = (perigee >= 800.0) & (perigee < 850.0)
        assert in_band.sum() > 300
        return np.median(catalog.bstar[in_band])

    ratio = band_median(fy1c_model.element_sets.catalog) / band_median(fy1c_tracked_2025)
    assert 0.5 < ratio < 2.0


def _mean_semi_major_axis_km(satrec: Satrec, t_min: float, period_min: float) -> float:
    """Osculating a (vis-viva) averaged over one revolution from ``t_min``."""
    total = 0.0
    times = t_min + np.linspace(0.0, period_min, 100, endpoint=False)
    for t in times:
        error, r, v = satrec.sgp4_tsince(float(t))
        assert error == 0
        total += 1.0 / (2.0 / np.linalg.norm(r) - np.dot(v, v) / MU_KM3_S2)
    return total / times.size


@pytest.mark.parametrize("altitude_km", [400.0, 600.0, 850.0])
def test_sgp4_with_the_calibrated_bstar_decays_as_the_standard_atmosphere(altitude_km):
    """A circular orbit loses a at da/dt = -rho Cd (A/m) sqrt(mu a) (King-Hele). With the
    calibrated B*, SGP4's decay over 10 days matches it for the USSA 1976 density within 20 %;
    with the physical B* it would be 1.6 (400 km) to 27 (850 km) times too fast."""
    area_to_mass = 0.1
    a_km = RADIUS_KM + altitude_km
    n_rad_min = np.sqrt(MU_KM3_S2 / a_km**3) * 60.0
    bstar = float(sgp4_bstar(np.array([area_to_mass]), np.array([altitude_km]))[0])
    satrec = Satrec()
    satrec.sgp4init(WGS72, "i", 1, 20000.0, bstar, 0.0, 0.0, 1e-4, 0.0, np.radians(98.0), 0.0,
                    n_rad_min, 0.0)
    span_min = 10 * 1440.0
    period_min = 2 * np.pi / n_rad_min
    decay_km_s = (_mean_semi_major_axis_km(satrec, span_min, period_min)
                  - _mean_semi_major_axis_km(satrec, 0.0, period_min)) / (span_min * 60.0)
    rho_kg_m3 = float(standard_density_kg_m3(altitude_km))
    expected_km_s = -rho_kg_m3 * DRAG_COEFFICIENT * area_to_mass * np.sqrt(MU_KM3_S2 * 1e9 * a_km * 1e3) / 1e3
    assert 0.8 < decay_km_s / expected_km_s < 1.25
    assert bstar < bstar_from_area_to_mass(area_to_mass)


def _satcat_surviving_fraction(catalogs, years: float) -> float:
    """Of the Fengyun-1C pieces the SATCAT lists (1999-025*), the fraction not decayed
    ``years`` after the test (decay dates are ISO strings, so they compare as text)."""
    with open(catalogs / "satcat_2025-05-24.csv", newline="", encoding="utf-8") as handle:
        decay = [row["DECAY"] for row in csv.DictReader(handle) if row["INTLDES"].startswith("1999-025")]
    assert len(decay) > 3000
    cutoff = f"{2007 + int(years)}-01-11"
    return float(np.mean([not d or d > cutoff for d in decay]))


@pytest.mark.parametrize("years", [5, 18])
def test_surviving_fraction_under_sgp4_is_near_the_tracked_one(fy1c_model, catalogs, years):
    """docs/breakup.md tables both. The physical B* left 42 % after 5 years; the SATCAT says
    94 % (5 years) and 69 % (18 years) of the catalogued pieces stayed up."""
    cloud = fy1c_model.element_sets.catalog
    states = propagate(cloud, np.array([FY1C.time_s + years * YEAR_S]), "TEME")
    modelled = float(np.mean(states.error[0] == 0))
    tracked = _satcat_surviving_fraction(catalogs, years)
    assert abs(modelled - tracked) < 0.15


def test_counts_in_orbit_match_the_pieces_tracked_within_months():
    """2,087 pieces tracked within months (DOMAIN.md); the count barely depends on the seed."""
    counts = [len(run_event(FY1C, 0.1, seed).element_sets.catalog) for seed in (1, 2, 3, 4)]
    assert abs(np.mean(counts) - 2087) < 0.05 * 2087
    assert max(counts) - min(counts) < 0.1 * np.mean(counts)


def test_along_track_delta_v_within_the_published_span(fy1c_model):
    """Published for the first fragments: about -190 to +550 m/s along track. The positive end
    is the truncation's; the negative end is where fragments start to re-enter at once."""
    f, sets = fy1c_model.fragments, fy1c_model.element_sets
    parent_velocity = f.velocity_km_s - f.delta_v_km_s
    along = np.sum(f.delta_v_km_s * parent_velocity, axis=1) / np.linalg.norm(parent_velocity, axis=1)
    in_orbit_m_s = along[sets.fragment_index] * 1e3
    assert 450.0 < in_orbit_m_s.max() <= 550.0
    assert -240.0 < in_orbit_m_s.min() < -170.0
    assert np.linalg.norm(f.delta_v_km_s, axis=1).max() <= 0.55


def test_the_parent_remnant_stays_catalogued(fy1c_model):
    """25730 is still tracked: the model keeps it as the target's largest piece, under its
    number and name, classed as the parent is; no other fragment is larger."""
    f, cloud = fy1c_model.fragments, fy1c_model.element_sets.catalog
    assert f.has_remnant and f.mass_kg[0] == FY1C.calibration.remnant_mass_kg
    assert np.all(f.characteristic_length_m[1:] <= f.characteristic_length_m[0])
    rows = np.flatnonzero(cloud.norad_id == 25730)
    assert rows.tolist() == [0] and cloud.name[0] == "FENGYUN 1C"
    assert cloud.object_class[0] == fy1c_model.parents.object_class[0] != ObjectClass.DEBRIS
    assert np.all(cloud.object_class[1:] == ObjectClass.DEBRIS)
    remnant, parent = gabbard.from_catalog(cloud.take([0])), gabbard.from_catalog(fy1c_model.parents)
    assert abs(remnant.period_min[0] - parent.period_min[0]) < 1.0
