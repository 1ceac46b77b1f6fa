"""Gabbard diagrams: arrays from element sets and from states, and the model's X (the plots: test_plots.py)."""

from __future__ import annotations

import numpy as np
import pytest

from orbitview.core import gabbard
from orbitview.core.propagate import propagate

pytestmark = pytest.mark.core


def test_parent_orbit_matches_the_published_figures(fy1c_model):
    g = gabbard.from_catalog(fy1c_model.parents)
    assert g.period_min[0] == pytest.approx(102.0, abs=0.1)
    assert g.perigee_km[0] == pytest.approx(843.0, abs=1.0)
    assert g.apogee_km[0] == pytest.approx(862.0, abs=1.0)


def test_model_shows_the_x_about_the_parent_period(fy1c_model):
    """Fragments thrown forward rise at the far side (period up, perigee stays at the event
    altitude); thrown back they sink (period down, apogee stays): the two arms of the X."""
    g = gabbard.from_catalog(fy1c_model.element_sets.catalog)
    parent = gabbard.from_catalog(fy1c_model.parents).period_min[0]
    longer, shorter = g.period_min > parent + 1.0, g.period_min < parent - 1.0
    assert longer.sum() > 50 and shorter.sum() > 50
    assert np.median(np.abs(g.perigee_km[longer] - 860.0)) < 15.0
    assert np.median(np.abs(g.apogee_km[shorter] - 860.0)) < 15.0


def test_states_and_elements_agree(fy1c_tracked_2025):
    """Osculating (from states) and mean (from elements) differ by the short-period terms only."""
    states = propagate(fy1c_tracked_2025, fy1c_tracked_2025.epoch_s[:1], frame="TEME")
    ok = states.error[0] == 0
    osc = gabbard.from_states(states.position_km[0][ok], states.velocity_km_s[0][ok])
    mean = gabbard.from_catalog(fy1c_tracked_2025.take(ok))
    assert np.median(np.abs(osc.period_min - mean.period_min)) < 0.3
    assert np.median(np.abs(osc.perigee_km - mean.perigee_km)) < 20.0


def test_histogram_counts_everything_in_range(fy1c_tracked_2025):
    g = gabbard.from_catalog(fy1c_tracked_2025)
    edges, apogee, perigee = gabbard.altitude_histogram(g, 50.0, 40000.0)
    assert apogee.sum() == perigee.sum() == len(fy1c_tracked_2025)
    assert edges[1] - edges[0] == 50.0


def test_unbound_states_are_nan():
    g = gabbard.from_states(np.array([[7000.0, 0, 0]]), np.array([[0, 20.0, 0]]))
    assert np.isnan(g.period_min[0]) and len(g.finite()) == 0
