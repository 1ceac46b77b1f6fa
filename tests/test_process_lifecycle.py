"""However a precompute, a breakup or a video export ends (SIGKILL of the parent, SIGTERM,
SIGHUP, Ctrl-C to it or to its whole process group), no process it started outlives it by
more than a few seconds, no partial file is left, and a signal's stop is one line with exit
128 + the signal. Real processes, watched through /proc (``processes.py``)."""

from __future__ import annotations

import logging
import os
import signal
import time

import pytest
from processes import alive, descendants, once, signalled_run, start, stderr_of, survivors, working

from orbitview.cli import main

pytestmark = pytest.mark.core

EXAMPLE = "datasets/scenarios/example.toml"


def precompute(catalogs, out, span="12h"):
    return ["precompute", catalogs / "full_2023-10-09.3le", "--start", "2023-10-09T00:00:00Z", "--span", span,
            "--step", "60", "--workers", "2", "--out", out]


def test_sigkill_of_the_parent_leaves_no_worker_alive_and_the_next_run_clears_its_partial(catalogs, tmp_path):
    work = tmp_path / "out"
    work.mkdir()
    out = work / "full.h5"
    process = start(precompute(catalogs, out), work)
    ready = working(work, workers=2, then_s=1.0)
    helpers = set()
    deadline = time.monotonic() + 60
    while not ready(process, helpers) and time.monotonic() < deadline:
        helpers = descendants(process.pid, helpers)
        time.sleep(0.02)
    assert process.poll() is None, f"the run ended before it could be killed: {stderr_of(work)}"
    assert len(helpers) >= 4, helpers  # forkserver, resource tracker, two workers
    process.kill()
    process.wait()
    assert survivors(helpers, 10.0) == set()
    assert not out.exists()
    (stale,) = work.iterdir()  # a killed process cannot delete its partial file ...
    assert stale.name == f".full.h5.partial-{process.pid}"
    debris = catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt"
    # ... the next write of the same name does.
    assert main(["precompute", str(debris), "--start", "2025-02-15T00:00:00Z", "--span", "10m", "--step", "60",
                 "--workers", "1", "--out", str(out)]) == 0
    assert [p.name for p in work.iterdir()] == ["full.h5"]


# SIGINT alone: test_precompute.py, and the group Ctrl-C below.
@pytest.mark.parametrize("signum, repeat", [(signal.SIGTERM, 1), (signal.SIGHUP, 1), (signal.SIGTERM, 3)])
def test_a_stop_signal_to_precompute_is_one_line_and_leaves_nothing(signum, repeat, catalogs, tmp_path):
    work = tmp_path / "out"
    outcome = signalled_run(precompute(catalogs, work / "full.h5"), work, signum, working(work, 2, 0.5),
                            repeat=repeat)
    assert outcome.code == 128 + signum
    assert outcome.problems(signum, "full.h5") == []


# A terminal sends Ctrl-C, and its hangup when closed, to the whole foreground process group.
@pytest.mark.parametrize("signum, moment_s", [(signal.SIGINT, 0.3), (signal.SIGINT, 1.0), (signal.SIGINT, "working"),
                                              (signal.SIGHUP, "working")])
def test_a_signal_to_the_whole_process_group_prints_no_childs_traceback(signum, moment_s, catalogs, tmp_path):
    work = tmp_path / "out"
    after = working(work, 2, 0.3) if moment_s == "working" else once(moment_s)
    outcome = signalled_run(precompute(catalogs, work / "full.h5"), work, signum, after, group=True)
    assert outcome.code == 128 + signum
    assert outcome.problems(signum, "full.h5") == []


def test_sigterm_to_breakup_writing_trajectories_leaves_nothing(tmp_path):
    work = tmp_path / "out"
    argv = ["breakup", "fengyun-1c-2007", "--days", "30", "--step", "30", "--out", work / "cloud.h5"]
    outcome = signalled_run(argv, work, signal.SIGTERM, working(work, 2, 0.5))
    assert outcome.code == 143
    assert outcome.problems(signal.SIGTERM, "cloud.h5") == []


def test_ctrl_c_early_in_a_render_is_the_ctrl_c_not_a_missing_egl(tmp_path):
    work = tmp_path / "out"
    argv = ["render", EXAMPLE, "--size", "320x180", "--out", work / "x.mp4", "--progress", "none"]
    outcome = signalled_run(argv, work, signal.SIGINT, once(0.4))
    assert outcome.code == 130 and "EGL" not in outcome.stderr
    assert outcome.problems(signal.SIGINT, "x.mp4") == []
    assert not any(alive(p) for p in outcome.helpers)


class Records(logging.Handler):
    """What a logger passed on to its handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_a_stop_raised_in_a_vispy_callback_is_not_logged_as_a_traceback():
    # vispy catches what its event callbacks raise, logs it with a long traceback and goes
    # on; a stop signal landing there was 2 of 30 interrupted exports' stderr.
    from vispy.util.event import EventEmitter

    from orbitview.core.interrupts import raise_if_stopped
    from orbitview.render.backend import use_headless
    from orbitview.render.export.video import ExportCancelled, signals_cancel

    use_headless()
    records = Records()
    logging.getLogger("vispy").addHandler(records)
    try:
        emitter = EventEmitter(type="draw")
        emitter.connect(lambda event: (os.kill(os.getpid(), signal.SIGTERM), time.sleep(1)))
        with pytest.raises(ExportCancelled, match="SIGTERM"):
            with signals_cancel():
                emitter()
                raise_if_stopped()
        assert records.messages == []
        emitter.disconnect()
        emitter.connect(lambda event: 1 / 0)
        emitter()  # other errors are still vispy's to report
        assert any("ZeroDivisionError" in m for m in records.messages)
    finally:
        logging.getLogger("vispy").removeHandler(records)
