"""Regimes and layer filters over the real 2023 catalogue."""

import numpy as np
import pytest

from orbitview.core.model.filters import LayerFilter, Regime, regimes, text_matches
from orbitview.core.orbits.classify import ObjectClass
from orbitview.io.catalog_files import load_catalog

pytestmark = pytest.mark.core


@pytest.fixture(scope="module")
def full(full_catalog_path):
    return load_catalog(full_catalog_path).catalog


def named(catalog, name):
    return int(np.flatnonzero(catalog.name == name)[0])


def test_regimes_of_known_objects(full):
    codes = regimes(full)
    assert codes[named(full, "ISS (ZARYA)")] == Regime.LEO
    assert codes[named(full, "NAVSTAR 70 (USA 251)")] == Regime.MEO
    assert codes[named(full, "MOLNIYA 1-29")] == Regime.HEO
    geo = codes == Regime.GEO
    # Hundreds of active and dead geostationary satellites, all near 35,786 km.
    assert 500 < geo.sum() < 2000
    mean_altitude_km = (42241.0 / full.mean_motion_rev_per_day[geo] ** (2 / 3)) - 6378.0
    assert np.all((mean_altitude_km > 30000) & (mean_altitude_km < 42000))


def test_filters_combine(full):
    debris_leo = LayerFilter(classes=frozenset({ObjectClass.DEBRIS}), regimes=frozenset({Regime.LEO}))
    mask = debris_leo.mask(full)
    assert 0 < mask.sum() < (full.object_class == ObjectClass.DEBRIS).sum()
    assert np.all(full.object_class[mask] == ObjectClass.DEBRIS)
    polar = LayerFilter(inclination_deg=(97.0, 99.0))
    inc = full.inclination_deg[polar.mask(full)]
    assert inc.min() >= 97.0 and inc.max() <= 99.0
    # The catalogue's README counts the FY-1C cloud as 2,326: the pieces of launch 1999-025.
    assert LayerFilter(text="1999-025").mask(full).sum() == 2326
    named_fy1c = LayerFilter(launch_year=(1999, 1999), text="FENGYUN 1C").mask(full)
    assert 2200 < named_fy1c.sum() < 2326
    assert LayerFilter().mask(full).all()


def test_text_matches_name_number_and_designator(full):
    assert text_matches(full, "25544").sum() == 1
    assert text_matches(full, "iss (zarya)")[named(full, "ISS (ZARYA)")]
    assert text_matches(full, "1998-067A")[named(full, "ISS (ZARYA)")]
