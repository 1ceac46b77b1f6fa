"""``--scheduler``: precompute and screen on a real dask.distributed cluster of processes on
127.0.0.1 (``dask_cluster``), against the same commands on this machine's pool, byte for byte;
a worker killed, the scheduler stopped, Ctrl-C."""

from __future__ import annotations

import filecmp
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dask_cluster import LocalDaskCluster
from processes import alive, descendants

pytestmark = pytest.mark.core

REPO = Path(__file__).resolve().parents[1]
START = "2025-02-15T00:00:00Z"


def orbitview(*args, env=None, stderr=subprocess.PIPE) -> subprocess.Popen:
    """``orbitview ARGS`` with ``env`` added to an environment that names no scheduler."""
    environment = {k: v for k, v in os.environ.items() if k != "ORBITVIEW_SCHEDULER"}
    environment.update(PYTHONPATH=str(REPO), **(env or {}))
    return subprocess.Popen([sys.executable, "-m", "orbitview", *map(str, args)], cwd=REPO, env=environment,
                            stdout=subprocess.DEVNULL, stderr=stderr, text=True)


def finished(process: subprocess.Popen, timeout: float = 180) -> tuple[int, str]:
    _, stderr = process.communicate(timeout=timeout)
    return process.returncode, stderr


@pytest.fixture(scope="module")
def debris(catalogs) -> list[Path]:
    """651 objects: the Cosmos 1408 and Cosmos 2251 debris of 2025-02-15."""
    folder = catalogs / "debris_2025-02-15_tle"
    return [folder / "cosmos-1408-debris.txt", folder / "cosmos-2251-debris.txt"]


def _no_survivors(cluster: LocalDaskCluster) -> None:
    cluster.stop()
    assert all(p.poll() is not None for p in cluster.processes), "a Dask process outlived its test"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A scheduler and two single-threaded workers, shared by the tests that harm none of them."""
    started = LocalDaskCluster(tmp_path_factory.mktemp("dask"))
    yield started
    _no_survivors(started)


@pytest.fixture
def own_cluster(tmp_path):
    """A cluster of its own for a test that kills part of it."""
    started = LocalDaskCluster(tmp_path / "dask")
    yield started
    _no_survivors(started)


def precompute(files, out: Path, span: str, step: str, *extra, env=None) -> subprocess.Popen:
    return orbitview("precompute", *files, "--start", START, "--span", span, "--step", step, "--out", out,
                     "--block-states", "20000", *extra, env=env)


def local_file(files, folder: Path, span: str, step: str, *extra) -> Path:
    out = folder / "local.h5"
    code, stderr = finished(precompute(files, out, span, step, "--workers", "2", *extra))
    assert code == 0, stderr
    return out


def wait_for_partial(folder: Path, process: subprocess.Popen, timeout: float = 60) -> None:
    """Until the writer has its partial file (every task submitted), while the run goes on."""
    deadline = time.monotonic() + timeout
    while not any(p.name.startswith(".") for p in folder.iterdir()):
        assert process.poll() is None, f"the run ended first: {process.communicate()[1]}"
        assert time.monotonic() < deadline, "precompute never started writing"
        time.sleep(0.01)


def test_precompute_on_the_cluster_writes_the_local_file_byte_for_byte(cluster, debris, tmp_path):
    expected = local_file(debris, tmp_path, "3h", "60", "--frame", "ITRS")
    (tmp_path / "dask").mkdir()
    out = tmp_path / "dask" / "cluster.h5"
    code, stderr = finished(precompute(debris, out, "3h", "60", "--frame", "ITRS", "--scheduler", cluster.address))
    assert code == 0, stderr
    assert f"on the Dask cluster at {cluster.address} (2 workers, 2 threads)" in stderr
    assert filecmp.cmp(expected, out, shallow=False), "the cluster's file differs from the local one"
    # $ORBITVIEW_SCHEDULER names the cluster when --scheduler is not given.
    again = tmp_path / "dask" / "from-variable.h5"
    code, stderr = finished(precompute(debris, again, "3h", "60", "--frame", "ITRS",
                                       env={"ORBITVIEW_SCHEDULER": cluster.address}))
    assert code == 0 and "on the Dask cluster" in stderr, stderr
    assert filecmp.cmp(expected, again, shallow=False)
    assert cluster.tasks_on_scheduler() == 0, "the cluster kept tasks of a finished run"


def test_a_worker_killed_mid_run_is_replaced_by_the_other_and_the_file_is_the_same(own_cluster, debris, tmp_path):
    expected = local_file(debris, tmp_path, "6h", "10")
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "cluster.h5"
    process = precompute(debris, out, "6h", "10", "--scheduler", own_cluster.address)
    wait_for_partial(folder, process)
    # The worst worker to lose: one holding the catalogue's elements, which Dask's memory
    # manager may have left on that worker alone (they must be made again, not lost).
    # The writer can open its file before a worker has computed the elements: wait for one.
    deadline = time.monotonic() + 60
    while not (holders := own_cluster.workers_holding("_shared_value")):
        assert process.poll() is None, f"the run ended first: {process.communicate()[1]}"
        assert time.monotonic() < deadline, "no worker ever held the elements"
        time.sleep(0.05)
    own_cluster.kill(holders[0])
    assert process.poll() is None and not out.exists(), "the kill came after the run"
    code, stderr = finished(process)
    assert code == 0, stderr
    assert "Traceback" not in stderr
    assert filecmp.cmp(expected, out, shallow=False)


def test_a_scheduler_gone_mid_run_is_one_line_exit_2_and_no_file(own_cluster, debris, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    process = precompute(debris, folder / "cluster.h5", "6h", "10", "--scheduler", own_cluster.address)
    wait_for_partial(folder, process)
    own_cluster.kill(own_cluster.scheduler)
    code, stderr = finished(process)
    assert code == 2
    lines = stderr.strip().splitlines()
    assert lines[-1].startswith(f"orbitview: error: the Dask scheduler at {own_cluster.address} went away"), stderr
    assert "Traceback" not in stderr and len([line for line in lines if "error" in line.lower()]) == 1, stderr
    assert list(folder.iterdir()) == []


def test_no_scheduler_at_the_address_is_one_line_exit_2_and_no_file(debris, tmp_path):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    code, stderr = finished(precompute(debris, tmp_path / "cluster.h5", "1h", "60", "--scheduler", address))
    assert code == 2
    assert stderr.strip().splitlines() == [
        f"orbitview: error: --scheduler {address}: no Dask scheduler answered within 10 s "
        f"(Timed out trying to connect to {address} after 10 s)"]
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_cancels_the_tasks_on_the_cluster_and_exits_130(cluster, debris, tmp_path):
    process = precompute(debris, tmp_path / "cluster.h5", "6h", "10", "--scheduler", cluster.address)
    wait_for_partial(tmp_path, process)
    helpers = descendants(process.pid)
    process.send_signal(signal.SIGINT)
    code, stderr = finished(process)
    assert code == 130
    assert stderr.strip().splitlines()[-1] == "orbitview: interrupted by SIGINT"
    assert "Traceback" not in stderr
    assert list(tmp_path.iterdir()) == []
    assert not any(alive(p) for p in helpers)
    deadline = time.monotonic() + 30
    while cluster.tasks_on_scheduler() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert cluster.tasks_on_scheduler() == 0, "tasks of the stopped run stayed on the cluster"
    assert all(w.poll() is None for w in cluster.workers), "a worker died of the stop"


def test_screen_on_the_cluster_finds_the_local_conjunctions_byte_for_byte(cluster, debris, tmp_path):
    def screen(out: Path, *where: str) -> str:
        code, stderr = finished(orbitview("screen", *debris, "--start", START, "--span", "1h", "--threshold", "20",
                                          "--out", out, *where))
        assert code == 0, stderr
        return stderr

    local = tmp_path / "local.json"
    screen(local, "--workers", "2")
    events = json.loads(local.read_text())["events"]
    assert len(events) >= 10, "too few encounters to compare"
    on_cluster = tmp_path / "cluster.json"
    stderr = screen(on_cluster, "--scheduler", cluster.address)
    assert f"on the Dask cluster at {cluster.address}" in stderr
    assert on_cluster.read_bytes() == local.read_bytes()
    assert cluster.tasks_on_scheduler() == 0
