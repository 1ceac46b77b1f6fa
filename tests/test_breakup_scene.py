"""A modelled breakup in a scene, and Gabbard values from what the view draws (tier 1)."""

from __future__ import annotations

import numpy as np
import pytest

from orbitview.core.breakup.breakup_scene import CLOCK_BEFORE_S, LEAD_S, SPAN_S, show_breakup
from orbitview.core.breakup.presets import custom_event, title_text
from orbitview.core.breakup.standard_model import EventKind
from orbitview.core.model.clock import Clock
from orbitview.core.model.scene import Scene
from orbitview.core.orbits import gabbard
from orbitview.core.orbits.propagate import propagate
from orbitview.core.orbits.sgp4_elements import EARTH_RADIUS_WGS72_KM, MU_WGS72_KM3_S2
from orbitview.core.orbits.times import parse_utc

pytestmark = pytest.mark.core

T = parse_utc("2025-02-15T06:00:00Z")


def test_gabbard_at_time_is_the_osculating_orbit_of_sgp4_states(fy1c_tracked_2025):
    """The vis-viva equation on SGP4's GCRS state (a and e do not depend on the frame)."""
    t = T + 27.0
    g = gabbard.at_time(fy1c_tracked_2025, t)
    exact = propagate(fy1c_tracked_2025, np.array([t]), "GCRS")
    ok = exact.error[0] == 0
    assert ok.sum() > 1800 and np.isnan(g.period_min[~ok]).all()
    r = np.linalg.norm(exact.position_km[0][ok], axis=1)
    v2 = np.sum(exact.velocity_km_s[0][ok] ** 2, axis=1)
    a_km = 1.0 / (2.0 / r - v2 / MU_WGS72_KM3_S2)
    period_min = 2 * np.pi * np.sqrt(a_km**3 / MU_WGS72_KM3_S2) / 60.0
    assert np.max(np.abs(g.period_min[ok] - period_min)) < 1e-6 * 60  # float32 GCRS storage
    # Perigee and apogee bracket the radius of the moment.
    assert np.all(g.perigee_km[ok] <= r - EARTH_RADIUS_WGS72_KM + 0.01)
    assert np.all(g.apogee_km[ok] >= r - EARTH_RADIUS_WGS72_KM - 0.01)


def test_the_modelled_cloud_shows_the_x_a_day_later(fy1c_model):
    """Osculating, a day after the intercept: both arms about the parent's period."""
    t = fy1c_model.event.time_s + 86400.0
    parent = gabbard.from_catalog(fy1c_model.parents)
    cloud = gabbard.at_time(fy1c_model.element_sets.catalog, t).finite()
    longer = cloud.period_min > parent.period_min[0] + 1.0
    shorter = cloud.period_min < parent.period_min[0] - 1.0
    assert longer.sum() > 50 and shorter.sum() > 50
    assert np.median(cloud.apogee_km[longer]) > parent.apogee_km[0] + 100.0
    assert np.median(cloud.perigee_km[shorter]) < parent.perigee_km[0] - 100.0


def test_show_breakup_adds_layers_title_span_and_time(fy1c_model):
    scene = Scene(clock=Clock(time_s=T, span_s=3600.0))
    start, end = scene.clock.span_start_s, scene.clock.span_end_s
    parent_layer, fragment_layer = show_breakup(scene, fy1c_model)
    event_s = fy1c_model.event.time_s
    assert scene.layers == (parent_layer, fragment_layer)
    assert parent_layer.name == "Fengyun 1C" and fragment_layer.name == "Fengyun 1C fragments (model)"
    assert len(fragment_layer) == len(fy1c_model.element_sets.catalog)
    assert scene.title.startswith("MODEL - Fengyun-1C") and "published figures" in scene.title
    # Widened: the old span is kept and the event's is added.
    assert scene.clock.span_start_s == event_s - LEAD_S and scene.clock.span_end_s == end
    assert start > event_s + SPAN_S
    assert scene.clock.time_s == event_s - CLOCK_BEFORE_S
    before, after = event_s - 1.0, event_s + 1.0
    assert parent_layer.keyframes.at(before).valid.all() and not parent_layer.keyframes.at(after).valid.any()
    assert not fragment_layer.keyframes.at(before).valid.any() and fragment_layer.keyframes.at(after).valid.all()


def test_custom_title_says_the_parent_is_a_loaded_element_set(fy1c_tracked_2025):
    event, _ = custom_event(fy1c_tracked_2025, int(fy1c_tracked_2025.norad_id[0]), "2025-02-15T06:00:00Z", EventKind.EXPLOSION,
                                 mass_kg=10.0)
    text = title_text(event, 3, 0.05, 12)
    assert text.startswith("MODEL - Explosion of") and "loaded element set" in text
    assert "published figures" not in text and "seed 3" in text and ">= 5 cm" in text


def test_title_says_how_the_model_is_calibrated(fy1c_model):
    from dataclasses import replace

    event = fy1c_model.event
    assert "(calibrated to the record)" in title_text(event, 1, 0.1, 10)
    own = replace(event.calibration, count_scale=2.0)
    assert "(counts x2, ejection speeds below 550 m/s, a 94 kg remnant)" in title_text(event, 1, 0.1, 10, own)
    plain = replace(event.calibration, count_scale=1.0, max_delta_v_km_s=None, remnant_mass_kg=0.0)
    assert "NASA standard breakup model, 10 fragments" in title_text(event, 1, 0.1, 10, plain)
