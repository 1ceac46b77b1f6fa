"""``orbitview precompute`` as a user runs it: in a subprocess, interrupted, given bad input."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from orbitview.cli import main
from orbitview.commands.precompute import sample_times
from orbitview.core.errors import OrbitviewError
from orbitview.core.orbits.propagate import propagate
from orbitview.core.orbits.times import parse_utc
from orbitview.io.catalog_files import load_catalogs
from orbitview.io.trajectories import Trajectories

pytestmark = pytest.mark.core

REPO = Path(__file__).resolve().parents[1]


def orbitview(*args, **popen):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "orbitview", *map(str, args)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen,
    )


@pytest.fixture(scope="module")
def debris(catalogs):
    return sorted((catalogs / "debris_2025-02-15_tle").glob("*.txt"))


def test_precompute_writes_a_file_that_reads_back(debris, tmp_path):
    out = tmp_path / "debris.h5"
    process = orbitview(
        "precompute", *debris, "--start", "2025-02-15T00:00:00Z", "--span", "90m", "--step", "120",
        "--out", out, "--frame", "ITRS", "--workers", "2", "--block-states", "20000",
    )
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert "states/s" in stderr and "\r" not in stderr  # plain lines, not a bar, off a terminal
    catalog = load_catalogs(debris).catalog
    times_s = parse_utc("2025-02-15T00:00:00Z") + np.arange(0.0, 5401.0, 120.0)
    direct = propagate(catalog, times_s, "ITRS")
    with Trajectories.open(out) as trajectories:
        assert trajectories.frame == "ITRS" and len(trajectories) == len(catalog)
        np.testing.assert_array_equal(trajectories.times_s, times_s)
        for k in (0, 17, 45):
            stored = trajectories.positions_at(times_s[k])
            np.testing.assert_array_equal(np.isnan(stored[:, 0]), direct.error[k] != 0)
            assert 1e3 * np.nanmax(np.abs(stored - direct.position_km[k])) < 0.5


def test_ctrl_c_leaves_no_file_and_fails(full_catalog_path, tmp_path):
    out = tmp_path / "full.h5"
    process = orbitview(
        "precompute", full_catalog_path, "--start", "2023-10-09T00:00:00Z", "--span", "12h", "--step", "60",
        "--out", out, "--workers", "2",
    )
    deadline = time.monotonic() + 30
    while not any(tmp_path.iterdir()) and time.monotonic() < deadline:  # the partial file
        time.sleep(0.05)
    assert any(tmp_path.iterdir()), "precompute never started writing"
    time.sleep(1.0)
    assert process.poll() is None, "the run ended before it could be interrupted"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode != 0
    assert "Traceback" not in stderr
    assert list(tmp_path.iterdir()) == []


def test_a_damaged_h5_given_as_input_is_one_clear_line(tmp_path, capsys):
    damaged = tmp_path / "damaged.h5"
    damaged.write_bytes(b"\x89HDF\r\n\x1a\n" + b"\x00" * 100)
    code = main(["precompute", str(damaged), "--start", "2025-02-15T00:00:00Z", "--span", "1h", "--step", "60",
                 "--out", str(tmp_path / "out.h5")])
    assert code == 2
    assert capsys.readouterr().err.count("\n") == 1


@pytest.mark.parametrize(
    "option, value, message",
    [("--span", "forever", "bad duration"), ("--step", "0", "positive"), ("--start", "yesterday", "bad time"),
     ("--out", "/no/such/dir/out.h5", "does not exist")],
)
def test_user_mistakes_are_one_clear_line(debris, tmp_path, capsys, option, value, message):
    options = {"--start": "2025-02-15T00:00:00Z", "--span": "1h", "--step": "60", "--out": str(tmp_path / "o.h5")}
    options[option] = value
    code = main(["precompute", str(debris[0]), *[item for pair in options.items() for item in pair]])
    err = capsys.readouterr().err
    assert code == 2 and message in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_sample_times_include_the_end():
    assert len(sample_times(0.0, 86400.0, 60.0)) == 1441
    assert sample_times(0.0, 100.0, 30.0).tolist() == [0.0, 30.0, 60.0, 90.0]
    with pytest.raises(OrbitviewError):
        sample_times(0.0, 10.0, 60.0)
