"""``orbitview breakup --population N``: a synthetic population for scale work, as OMM that the
readers load back and SGP4 propagates, its rounds' planes spread round the globe."""

from __future__ import annotations

import numpy as np
import pytest
from sgp4.api import SatrecArray

from orbitview.cli import main
from orbitview.core.breakup.population import GOLDEN_ANGLE_DEG, MAX_AGE_DAYS, POPULATION_ID_FIRST
from orbitview.core.orbits.times import parse_utc, posix_to_jd
from orbitview.io.catalog_files import load_catalogs

pytestmark = pytest.mark.core

TIME = "2025-01-01T00:00:00Z"


@pytest.fixture(scope="module")
def population_file(tmp_path_factory):
    out = tmp_path_factory.mktemp("population") / "population.omm.csv"
    assert main(["breakup", "--population", "3000", "--min-size", "0.3", "--time", TIME, "--out", str(out)]) == 0
    return out


def test_the_population_loads_with_n_distinct_numbers_and_has_spread_round_its_orbits(population_file):
    loaded = load_catalogs([population_file])
    catalog = loaded.catalog
    assert loaded.problems == [] and len(catalog) == 3000
    np.testing.assert_array_equal(catalog.norad_id, POPULATION_ID_FIRST + np.arange(3000))
    age_days = (parse_utc(TIME) - catalog.epoch_s) / 86400.0
    assert age_days.min() >= 0 and age_days.max() <= MAX_AGE_DAYS and np.ptp(age_days) > MAX_AGE_DAYS / 2
    # Every preset takes part, round after round.
    parents = {name.split(" R")[0] for name in catalog.name}
    assert parents == {"FENGYUN 1C", "COSMOS 2251", "COSMOS 1408", "MICROSAT-R"}
    jd, fr = posix_to_jd(np.array([parse_utc(TIME)]))
    error, r, _ = SatrecArray(list(catalog.satrecs)).sgp4(jd, fr)
    valid = error[:, 0] == 0
    assert valid.all()  # fragments that decayed since their round are left out
    position = r[valid, 0]
    altitude_km = np.linalg.norm(position, axis=1) - 6378.135
    assert altitude_km.min() > 100 and np.median(altitude_km) < 1500  # LEO debris
    # By TIME the oldest clouds have drawn out round their orbits: the fragments of one round's
    # Fengyun-1C, seen from the Earth's centre, spread over much more than a compact cloud's few degrees.
    oldest = max(range(6), key=lambda k: age_days[catalog.name == f"FENGYUN 1C R{k}"].max(initial=0))
    cloud = np.array([name.startswith(f"FENGYUN 1C R{oldest}-DEB") for name in catalog.name])[valid]
    directions = position[cloud] / np.linalg.norm(position[cloud], axis=1, keepdims=True)
    mean = directions.mean(axis=0)
    spread_deg = np.degrees(np.arccos(np.clip(directions @ (mean / np.linalg.norm(mean)), -1, 1)))
    assert np.percentile(spread_deg, 90) > 60


def test_each_round_turns_the_planes_by_the_golden_angle(population_file):
    catalog = load_catalogs([population_file]).catalog
    # Fengyun-1C's remnant keeps the parent's plane: each round turns it east by the golden
    # angle, though the rounds happen days apart (the Earth turns beneath in between).
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
