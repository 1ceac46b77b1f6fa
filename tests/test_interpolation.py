"""Interpolation within 5 m of direct SGP4 at a 60 s step, in every orbit regime, and the
keyframes drawn while playing fast within ``PLAYING_BOUND_KM``.

Forty real element sets per regime of the 2023 catalogue (``orbit_regimes``), spread over each
regime's eccentricities up to its most eccentric orbit, through the two paths the app
draws from: a trajectory file read back (float32 storage included) and the renderer's keyframe
pair with the CPU copy of the vertex shader's formula.
"""

from __future__ import annotations

import numpy as np
import pytest

from orbitview.core.orbits.keyframes import MAX_PLAYING_STEP_S, PLAYING_BOUND_KM, LiveKeyframes
from orbitview.core.orbits.propagate import propagate, propagate_blocks
from orbitview.core.orbits.times import parse_utc
from orbitview.io.catalog_files import load_catalogs
from orbitview.io.trajectories import Trajectories, TrajectoryWriter
from orbit_regimes import SPAN_S, regime_sample

pytestmark = pytest.mark.core

START_S = parse_utc("2023-10-09T00:00:00Z")
STEP_S = 60.0
BOUND_M = 5.0
#: Where between two samples the error is checked, as fractions of the step.
FRACTIONS = np.arange(1, 6) / 6


@pytest.fixture(scope="module")
def full(full_catalog_path):
    return load_catalogs([full_catalog_path]).catalog


def between_samples(times_s):
    """(K,) times at ``FRACTIONS`` of every interval of ``times_s``."""
    return (times_s[:-1, None] + STEP_S * FRACTIONS[None, :]).ravel()


@pytest.mark.parametrize("select", SPAN_S, ids=lambda select: select.__name__)
def test_a_trajectory_file_is_within_5_m_of_sgp4(full, select, tmp_path):
    catalog = regime_sample(full, select, 40)
    times_s = START_S + np.arange(0.0, SPAN_S[select] + 1, STEP_S)
    path = tmp_path / "regime.h5"
    with TrajectoryWriter(path, catalog, times_s, "GCRS") as writer:
        for block in propagate_blocks(writer.elements, times_s, "GCRS", workers=1, align=writer.chunk_times):
            writer.write(*block)
    offsets = between_samples(times_s)
    direct = propagate(catalog, offsets, "GCRS").position_km
    with Trajectories.open(path) as trajectories:
        interpolated = np.stack([trajectories.positions_at(t) for t in offsets])
    error_m = 1e3 * np.linalg.norm(interpolated - direct, axis=-1)
    assert np.isfinite(error_m).all()
    assert error_m.max() <= BOUND_M


@pytest.mark.parametrize("select", SPAN_S, ids=lambda select: select.__name__)
def test_the_renderers_keyframes_are_within_5_m_of_sgp4(full, select):
    catalog = regime_sample(full, select, 40)
    keyframes = LiveKeyframes(catalog, STEP_S)
    # Every 7th interval of the span (a pair costs one SGP4 call): perigee passes included.
    starts = START_S + np.arange(0.0, SPAN_S[select], 7 * STEP_S)
    worst_m = 0.0
    for t0 in starts:
        offsets = t0 + STEP_S * FRACTIONS
        direct = propagate(catalog, offsets, "GCRS").position_km
        pair = keyframes.at(float(offsets[0]))
        assert pair.valid.all()
        for t, expected in zip(offsets, direct):
            worst_m = max(worst_m, 1e3 * np.linalg.norm(pair.interpolate(float(t)) - expected, axis=-1).max())
    assert worst_m <= BOUND_M


@pytest.mark.parametrize("select", SPAN_S, ids=lambda select: select.__name__)
def test_the_pairs_drawn_while_playing_fast_are_within_their_bound_of_sgp4(full, select):
    """Coarse pairs at the longest playing step (SGP4's own velocities), every interval of a
    revolution or more."""
    catalog = regime_sample(full, select, 40)
    keyframes = LiveKeyframes(catalog, STEP_S)
    starts = START_S + np.arange(0.0, SPAN_S[select], MAX_PLAYING_STEP_S)
    worst_km = 0.0
    for t0 in starts:
        offsets = t0 + MAX_PLAYING_STEP_S * FRACTIONS
        direct = propagate(catalog, offsets, "GCRS").position_km
        pair = keyframes.at(float(offsets[0]), MAX_PLAYING_STEP_S)
        assert pair.coarse and pair.valid.all() and pair.t1_s - pair.t0_s == MAX_PLAYING_STEP_S
        for t, expected in zip(offsets, direct):
            worst_km = max(worst_km, np.linalg.norm(pair.interpolate(float(t)) - expected, axis=-1).max())
    assert worst_km <= PLAYING_BOUND_KM
