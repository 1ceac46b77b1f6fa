"""Object classes against the SATCAT: the name rules, both SATCAT layouts, fetching CelesTrak's
SATCAT into the cache and applying a cached one wherever catalogues load."""

from __future__ import annotations

import re

import numpy as np
import pytest

from orbitview.core.classify import ObjectClass
from orbitview.io.catalog_files import load_catalog
from orbitview.io.satcat import read_satcat

pytestmark = pytest.mark.core


@pytest.fixture(scope="module")
def satcat_path(catalogs):
    return catalogs / "satcat_2025-05-24.csv"


@pytest.fixture(scope="module")
def full_2023(full_catalog_path):
    return load_catalog(full_catalog_path).catalog


def test_placeholder_names_are_unknown_as_the_satcat_says(full_2023, satcat_path):
    truth = read_satcat(satcat_path)
    by_name = full_2023.object_class
    satcat = np.array([truth.get(n, -1) for n in full_2023.norad_id.tolist()])  # -1: not in it
    placeholder = np.array([re.fullmatch(r"OBJECT [A-Z]{1,3}", n) is not None for n in full_2023.name])
    assert placeholder.sum() == 496
    assert not (by_name[placeholder] == ObjectClass.PAYLOAD).any()
    # Every object the names call a payload is one in the SATCAT (all are in it).
    assert (satcat[by_name == ObjectClass.PAYLOAD] == ObjectClass.PAYLOAD).all()
