"""Partly co-located pairs: the ISS and a vehicle docked to it in the 2023-10-09 catalogue, whose
element sets drift more than 5 km apart within a week. The stretch they stay within the
threshold is one co-located entry, its end checked against ranges computed here with sgp4
alone; the minima inside it are no encounters, those after it are."""

from __future__ import annotations

import numpy as np
import pytest
from sgp4.api import Satrec

from orbitview.core.conjunctions import screen
from orbitview.core.orbits.times import parse_utc
from orbitview.io.catalog_files import load_catalogs

pytestmark = pytest.mark.core

ISS, DRAGON = 25544, 57697  # DRAGON ENDURANCE 3, docked on 2023-10-09
#: From 100 h after the catalogue's noon, for 30 h: the element sets are within 5 km of each
#: other for the first 10.5 h, then in and out of it every orbit.
START_S = parse_utc("2023-10-09T12:00:00Z") + 100 * 3600.0
SPAN_S = 30 * 3600.0
THRESHOLD_KM = 5.0


@pytest.fixture(scope="module")
def pair(full_catalog_path):
    catalog = load_catalogs([full_catalog_path]).catalog
    return catalog.take([int(np.flatnonzero(catalog.norad_id == n)[0]) for n in (ISS, DRAGON)])


def _range_km(lines, times_s: np.ndarray) -> np.ndarray:
    """The pair's SGP4 range at ``times_s``, from the element-set lines with sgp4 alone."""
    jd = 2440587.5 + np.floor(times_s / 86400.0)
    fr = (times_s - np.floor(times_s / 86400.0) * 86400.0) / 86400.0
    (error_a, r_a, _), (error_b, r_b, _) = (Satrec.twoline2rv(*two).sgp4_array(jd, fr) for two in lines)
    assert not error_a.any() and not error_b.any()
    return np.linalg.norm(r_b - r_a, axis=1)


def _lines(catalog_path, numbers):
    lines = catalog_path.read_text().splitlines()
    found = {lines[k + 1][2:7].strip(): (lines[k + 1], lines[k + 2]) for k in range(0, len(lines) - 2, 3)}
    return [found[str(n)] for n in numbers]


@pytest.mark.parametrize("primaries", [None, [0]], ids=["all-vs-all", "iss-primary"])
def test_a_docked_pair_drifting_apart_is_one_stretch_and_the_minima_after_it(pair, full_catalog_path, primaries):
    lines = _lines(full_catalog_path, (ISS, DRAGON))
    found = screen(pair, START_S, SPAN_S, THRESHOLD_KM, primaries=primaries, workers=1)
    (stretch,) = found.co_located
    assert (stretch.a, stretch.b) == (ISS, DRAGON)
    # Within the threshold from the start: the stretch starts with the span.
    assert stretch.start_s == START_S
    # Its end: the last moment within 5 km, within 2 ms of where the direct ranges cross it.
    second = np.arange(START_S, START_S + SPAN_S, 1.0)
    ranges = _range_km(lines, second)
    outside = int(np.flatnonzero(ranges > THRESHOLD_KM)[0])
    assert 10 * 3600 < second[outside] - START_S < 11 * 3600
    fine = second[outside - 1] + np.arange(0.0, 1.0005, 0.001)
    crossing = fine[int(np.flatnonzero(_range_km(lines, fine) > THRESHOLD_KM)[0]) - 1]
    assert abs(stretch.end_s - crossing) <= 0.002
    # Its range, from every second of it.
    inside = ranges[: outside]
    assert abs(stretch.min_range_km - inside.min()) < 0.005
    assert inside.max() <= stretch.max_range_km <= THRESHOLD_KM
    # The range has minima inside the stretch (one an orbit): none is an encounter.
    minima = np.flatnonzero((inside[1:-1] < inside[:-2]) & (inside[1:-1] <= inside[2:])) + 1
    assert len(minima) >= 5
    assert not [e for e in found.encounters if stretch.start_s <= e.tca_s <= stretch.end_s]
    # After it, each orbit's dip below 5 km is an encounter: the minima of the direct ranges.
    after = ranges[outside:]
    dips = np.flatnonzero((after[1:-1] < after[:-2]) & (after[1:-1] <= after[2:]) & (after[1:-1] <= THRESHOLD_KM))
    expected = second[outside + 1 + dips]
    assert len(expected) >= 3
    tcas = np.array([e.tca_s for e in found.encounters])
    assert len(tcas) == len(expected)
    # These minima are shallow (metres per second apart): the second of the direct samples
    # nearest each is a few seconds off, its range within a metre.
    assert np.all(np.abs(tcas - expected) <= 5.0)
    misses = np.array([e.miss_km for e in found.encounters])
    assert np.all(np.abs(misses - after[1 + dips]) < 1e-3)
