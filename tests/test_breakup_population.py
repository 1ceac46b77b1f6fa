"""``orbitview breakup --population N``: a synthetic population for scale work, as OMM that the
readers load back and SGP4 propagates, its rounds' planes spread round the globe."""

from __future__ import annotations

import numpy as np
import pytest
from sgp4.api import SatrecArray

from orbitview.cli import main
from orbitview.core.breakup_population import GOLDEN_ANGLE_DEG, POPULATION_ID_FIRST
from orbitview.core.times import parse_utc, posix_to_jd
from orbitview.io.catalog_files import load_catalogs

pytestmark = pytest.mark.core

TIME = "2025-01-01T00:00:00Z"


@pytest.fixture(scope="module")
def population_file(tmp_path_factory):
    out = tmp_path_factory.mktemp("population") / "population.omm.csv"
    assert main(["breakup", "--population", "3000", "--min-size", "0.3", "--time", TIME, "--out", str(out)]) == 0
    return out


def test_the_population_loads_with_n_distinct_numbers_all_at_the_epoch(population_file):
    loaded = load_catalogs([population_file])
    catalog = loaded.catalog
    assert loaded.problems == [] and len(catalog) == 3000
    np.testing.assert_array_equal(catalog.norad_id, POPULATION_ID_FIRST + np.arange(3000))
    assert np.all(np.abs(catalog.epoch_s - parse_utc(TIME)) < 1e-3)
    # Every preset takes part, round after round.
    parents = {name.split(" R")[0] for name in catalog.name}
    assert parents == {"FENGYUN 1C", "COSMOS 2251", "COSMOS 1408", "MICROSAT-R"}
    jd, fr = posix_to_jd(np.array([parse_utc(TIME)]))
    error, r, _ = SatrecArray(list(catalog.satrecs)).sgp4(jd, fr)
    assert not error.any()
    altitude_km = np.linalg.norm(r[:, 0], axis=1) - 6378.135
    assert altitude_km.min() > 100 and np.median(altitude_km) < 1500  # LEO debris, none below re-entry


def test_each_round_turns_the_planes_by_the_golden_angle(population_file):
    catalog = load_catalogs([population_file]).catalog
    # Fengyun-1C's remnant keeps the parent's plane: its node moves east with each round's place.
    remnants = {name: raan for name, raan in zip(catalog.name, catalog.raan_deg) if name.startswith("FENGYUN 1C R")
                and "DEB" not in name}
    assert len(remnants) >= 3
    for k in range(len(remnants) - 1):
        turn = (remnants[f"FENGYUN 1C R{k + 1}"] - remnants[f"FENGYUN 1C R{k}"]) % 360.0
        assert abs(turn - GOLDEN_ANGLE_DEG) < 0.5, (k, turn)


def test_the_same_seed_gives_the_same_file_and_mistakes_are_one_line(population_file, tmp_path, capsys):
    again = tmp_path / "again.omm.csv"
    assert main(["breakup", "--population", "3000", "--min-size", "0.3", "--time", TIME, "--out", str(again)]) == 0
    assert again.read_bytes() == population_file.read_bytes()
    capsys.readouterr()
    assert main(["breakup", "--population", "100", "--out", str(tmp_path / "x.omm.csv")]) == 2
    assert main(["breakup", "fengyun-1c-2007", "--population", "100", "--time", TIME,
                 "--out", str(tmp_path / "x.omm.csv")]) == 2
    assert main(["breakup", "--population", "100", "--time", TIME, "--out", str(tmp_path / "x.tle")]) == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 3 and all(line.startswith("orbitview: error: ") for line in errors)
    assert "--time" in errors[0] and "leave out" in errors[1] and "339999" in errors[2]
    assert not (tmp_path / "x.omm.csv").exists() and not (tmp_path / "x.tle").exists()
