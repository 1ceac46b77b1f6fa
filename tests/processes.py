"""Running ``orbitview`` as a user does and stopping it with a signal: which processes it made,
which outlived it, what it printed and what it left on disk (Linux ``/proc``).

Used by the signal tests and by ``benchmarks/soak_signals.py``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parents[1]


class Proc(NamedTuple):
    """A process: its pid and its start time (clock ticks after boot), since pids come round
    again within seconds on a busy machine (pid_max is often 32768)."""

    pid: int
    started: int


def _stat(pid: int) -> tuple[int, str, int] | None:
    """``(parent pid, state, start time)`` from /proc, or None when there is no such pid."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), fields[0], int(fields[19])


def alive(proc: Proc) -> bool:
    """Running or sleeping (a zombie has ended: only its exit status is left)."""
    found = _stat(proc.pid)
    return found is not None and found[2] == proc.started and found[1] != "Z"


def descendants(pid: int, known: set[Proc] = frozenset()) -> set[Proc]:
    """Every process below ``pid`` now, plus those below the ``known`` ones (already orphaned
    processes are found again through them)."""
    found = set(known)
    parents = {pid} | {p.pid for p in found if alive(p)}
    while True:
        children = set()
        for entry in os.listdir("/proc"):
            if entry.isdigit() and int(entry) not in parents:
                stat = _stat(int(entry))
                if stat is not None and stat[0] in parents:
                    children.add(Proc(int(entry), stat[2]))
        if not children - found:
            return found
        found |= children
        parents |= {p.pid for p in children}


def survivors(procs: set[Proc], within_s: float) -> set[Proc]:
    """Those of ``procs`` still alive after waiting up to ``within_s`` for them all to end."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if not any(alive(p) for p in procs):
            return set()
        time.sleep(0.05)
    return {p for p in procs if alive(p)}


def start(argv: list[str], workdir: Path, *, new_session: bool = False) -> subprocess.Popen:
    """``orbitview ARGV`` with stdout and stderr in files of ``workdir``/../logs (not pipes:
    a child that keeps them open cannot hang the test)."""
    logs = workdir.parent / f"{workdir.name}-logs"
    logs.mkdir(exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(REPO), "EGL_PLATFORM": "surfaceless"}
    return subprocess.Popen(
        [sys.executable, "-m", "orbitview", *map(str, argv)], cwd=REPO, env=env,
        stdout=open(logs / "stdout", "w"), stderr=open(logs / "stderr", "w"), start_new_session=new_session,
    )


def stderr_of(workdir: Path) -> str:
    return (workdir.parent / f"{workdir.name}-logs" / "stderr").read_text()


@dataclass
class Outcome:
    """What one signalled run did."""

    code: int
    stderr: str
    left: list[str]
    orphans: set[Proc]
    helpers: set[Proc] = field(default_factory=set)
    #: Seconds from the (first) signal to the exit; None when it ended before any was sent.
    stop_s: float | None = None

    def problems(self, signum: int, out_name: str) -> list[str]:
        """What is wrong with it: an empty list for a clean stop, or a run the signal came too
        late for that wrote its whole file."""
        wrong = []
        if self.code == 0:
            if self.left != [out_name]:
                wrong.append(f"finished but left {self.left}")
        else:
            if self.code != 128 + signum:
                wrong.append(f"exit {self.code}, expected {128 + signum}")
            if self.left:
                wrong.append(f"left {self.left}")
            lines = self.stderr.strip().splitlines()
            if not lines or not lines[-1].startswith(f"orbitview: interrupted by {signal.Signals(signum).name}"):
                wrong.append(f"last line {lines[-1:]}")
        if "Traceback" in self.stderr or "KeyboardInterrupt" in self.stderr or "leaked" in self.stderr:
            wrong.append("noise on stderr: " + self.stderr[-300:])
        if self.orphans:
            wrong.append(f"processes alive 5 s after the exit: {sorted(self.orphans)}")
        return wrong


def signalled_run(argv: list[str], workdir: Path, signum: int, after, *, group: bool = False,
                  repeat: int = 1) -> Outcome:
    """Run ``orbitview ARGV`` (writing into ``workdir``), send ``signum`` when ``after(process,
    helpers)`` says so (``repeat`` times, 50 ms apart; to the whole process group when
    ``group``, as a terminal's Ctrl-C is), and report."""
    workdir.mkdir(exist_ok=True)
    process = start(argv, workdir, new_session=group)
    helpers: set[Proc] = set()
    while process.poll() is None and not after(process, helpers):
        helpers = descendants(process.pid, helpers)
        time.sleep(0.02)
    sent = None
    for _ in range(repeat):
        if process.poll() is None:
            (os.killpg if group else os.kill)(process.pid, signum)
            sent = sent or time.monotonic()
        time.sleep(0.05)
    helpers = descendants(process.pid, helpers) if process.poll() is None else helpers
    code = process.wait(timeout=60)
    stop_s = None if sent is None else time.monotonic() - sent
    return Outcome(code, stderr_of(workdir), sorted(p.name for p in workdir.iterdir()),
                   survivors(helpers, 5.0), helpers, stop_s)


def once(seconds: float):
    """An ``after`` that fires ``seconds`` after the start."""
    deadline = time.monotonic() + seconds

    def ready(process, helpers) -> bool:
        return time.monotonic() >= deadline

    return ready


def working(workdir: Path, workers: int, then_s: float = 0.0):
    """An ``after`` that fires ``then_s`` after the partial file and ``workers`` processes
    besides the forkserver and resource tracker are there."""
    since = []

    def ready(process, helpers) -> bool:
        if not since and len(helpers) >= workers + 2 and any(workdir.iterdir()):
            since.append(time.monotonic())
        return bool(since) and time.monotonic() >= since[0] + then_s

    return ready
