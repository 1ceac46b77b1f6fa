"""Structurally wrong trajectory files: each is one ``TrajectoryFileError`` line (exit 2 from
the command line, no traceback, nothing written), or, for states the file calls valid but
that are not numbers, the object is invalid at those times and the others are drawn."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from orbitview.cli import main
from orbitview.core.orbits.propagate import propagate_blocks
from orbitview.core.orbits.times import parse_utc
from orbitview.io.catalog_files import load_catalog
from orbitview.io.trajectories import NOT_FINITE_STATUS, Trajectories, TrajectoryFileError, TrajectoryWriter

pytestmark = pytest.mark.core

START_S = parse_utc("2025-02-15T00:00:00Z")


@pytest.fixture(scope="module")
def good_file(catalogs, tmp_path_factory):
    """Five Cosmos 1408 debris, sampled every 10 minutes for an hour."""
    catalog = load_catalog(catalogs / "debris_2025-02-15_tle" / "cosmos-1408-debris.txt").catalog.take(np.arange(5))
    path = tmp_path_factory.mktemp("good") / "good.h5"
    times = START_S + np.arange(0.0, 3601.0, 600.0)
    with TrajectoryWriter(path, catalog, times, "TEME") as writer:
        for block in propagate_blocks(writer.elements, times, "TEME", workers=1, align=writer.chunk_times):
            writer.write(*block)
    return path


def _replace(f, name, data):
    del f[name]
    f[name] = data


# name -> (damage done to a good file with h5py, words the error must hold)
DAMAGE = {
    "times decreasing": (lambda f: _replace(f, "times", f["times"][...][::-1]), "times must increase"),
    "times repeated": (lambda f: _replace(f, "times", np.r_[f["times"][:3], f["times"][2:6]]), "times must increase"),
    "a time NaN": (lambda f: _replace(f, "times", np.r_[f["times"][:4], np.nan, f["times"][5:]]), r"times\[4\] is nan"),
    "times 2-D": (lambda f: _replace(f, "times", np.stack([f["times"][...]] * 2, axis=1)), "one-dimensional"),
    "times absurd": (lambda f: _replace(f, "times", f["times"][...] * 1e200), "outside the years 1900-2200"),
    "times as text": (lambda f: _replace(f, "times", np.array([b"x"] * 7)), "times holds"),
    "object names shorter than N": (lambda f: _replace(f, "objects/name", f["objects/name"][:3]),
                                    r"objects/name has shape \(3,\), expected \(5,\)"),
    "norad ids shorter than N": (lambda f: _replace(f, "objects/norad_id", f["objects/norad_id"][:4]), "expected"),
    "names as numbers": (lambda f: _replace(f, "objects/name", np.arange(5)), "objects/name holds int64, expected text"),
    "epochs as text": (lambda f: _replace(f, "objects/epoch_jd", np.array([b"2025"] * 5)), "expected numbers"),
    "a group for positions": (lambda f: (f.__delitem__("position_km"), f.create_group("position_km")),
                              "position_km is a group, expected a dataset"),
    "a group for names": (lambda f: (f.__delitem__("objects/name"), f.create_group("objects/name")),
                          "objects/name is a group"),
    "no status": (lambda f: f.__delitem__("status"), "status is missing"),
    "status as floats": (lambda f: _replace(f, "status", f["status"][...].astype(float)), "status holds float64, expected integers"),
    "array-valued schema_version": (lambda f: f.attrs.__setitem__("schema_version", [1, 1]), "schema_version is"),
    "non-integer schema_version": (lambda f: f.attrs.__setitem__("schema_version", 1.5), "schema_version is '1.5'"),
    "text schema_version": (lambda f: f.attrs.__setitem__("schema_version", "1"), "schema_version is '1'"),
    "array-valued frame": (lambda f: f.attrs.__setitem__("frame", ["TEME", "GCRS"]), "unknown frame"),
}


@pytest.fixture(params=sorted(DAMAGE), ids=str)
def damaged(request, good_file, tmp_path):
    damage, words = DAMAGE[request.param]
    path = tmp_path / "damaged.h5"
    path.write_bytes(good_file.read_bytes())
    with h5py.File(path, "r+") as f:
        damage(f)
    return path, words


def test_each_structural_damage_is_one_clear_error(damaged):
    path, words = damaged
    with pytest.raises(TrajectoryFileError, match=words) as caught:
        with Trajectories.open(path) as trajectories:
            trajectories.catalog()
    assert "\n" not in str(caught.value) and str(caught.value).startswith(f"{path}: ")


def test_the_command_line_says_it_in_one_line_and_writes_nothing(damaged, tmp_path, capsys):
    path, words = damaged
    before = path.read_bytes()
    out = tmp_path / "picture.png"
    assert main(["render", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"orbitview: error: {path}: ") and "Traceback" not in err
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["damaged.h5"]
    assert path.read_bytes() == before


def test_a_directory_named_like_a_trajectory_file_says_so(tmp_path):
    (tmp_path / "run.h5").mkdir()
    with pytest.raises(TrajectoryFileError, match="is a directory"):
        Trajectories.open(tmp_path / "run.h5")


def test_states_stored_as_valid_but_not_finite_are_invalid(good_file, tmp_path):
    path = tmp_path / "nan.h5"
    path.write_bytes(good_file.read_bytes())
    with h5py.File(path, "r+") as f:
        position, velocity, status = f["position_km"][...], f["velocity_km_s"][...], f["status"][...]
        assert (status == 0).all()
        position[2:4, 1] = np.nan  # object 1 at samples 2 and 3, status still 0
        velocity[5, 3, 0] = np.inf  # object 3 at sample 5
        f["position_km"][...], f["velocity_km_s"][...] = position, velocity
    with Trajectories.open(path) as trajectories:
        times = trajectories.times_s
        keyframes = trajectories.at(0.5 * (times[2] + times[3]))
        assert keyframes.valid.tolist() == [True, False, True, True, True]
        gpu = (keyframes.position0_km, keyframes.velocity0_km_s, keyframes.position1_km, keyframes.velocity1_km_s)
        assert all(np.isfinite(a).all() for a in gpu)  # the GPU takes no NaN
        assert trajectories.at(0.5 * (times[4] + times[5])).valid.tolist() == [True, True, True, False, True]
        assert trajectories.at(0.5 * (times[0] + times[1])).valid.all()
        sample = trajectories.positions_at(times[3])
        assert np.isnan(sample[1]).all() and np.isfinite(np.delete(sample, 1, axis=0)).all()
        assert trajectories._pair(2)[0].status[1] == NOT_FINITE_STATUS
