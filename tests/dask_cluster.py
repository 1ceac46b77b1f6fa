"""A real dask.distributed cluster on 127.0.0.1 for tests and benchmarks: one ``dask scheduler``
and ``dask worker`` processes (no nanny, so killing one is a machine lost), on free ports the
scheduler picks itself, every one of them ended by ``stop()`` (also on an error)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: How long the scheduler and workers may take to come up on a loaded 2-core machine.
START_TIMEOUT_S = 60.0


class LocalDaskCluster:
    """``workers`` worker processes of ``threads`` threads each; ``address`` is the scheduler's."""

    def __init__(self, folder: Path, workers: int = 2, threads: int = 1) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.scheduler_file = self.folder / "scheduler.json"
        self.scheduler_file.unlink(missing_ok=True)  # one a cluster started here before left
        self.processes: list[subprocess.Popen] = []
        self.workers: list[subprocess.Popen] = []
        self.env = {**os.environ, "PYTHONPATH": str(REPO)}
        try:
            self.scheduler = self._start("scheduler", ["scheduler", "--host", "127.0.0.1", "--port", "0",
                                                       "--no-dashboard", "--scheduler-file", str(self.scheduler_file)])
            self.address = self._wait_for_address()
            for k in range(workers):
                self.add_worker(threads, f"worker-{k}")
            self.wait_for_workers(workers)
        except BaseException:
            self.stop()
            raise

    def _start(self, name: str, arguments: list[str]) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "w")
        process = subprocess.Popen([sys.executable, "-m", "dask", *arguments], cwd=self.folder, env=self.env,
                                   stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self.processes.append(process)
        return process

    def add_worker(self, threads: int = 1, name: str | None = None) -> subprocess.Popen:
        name = name or f"worker-{len(self.workers)}"
        worker = self._start(name, [
            "worker", self.address, "--nthreads", str(threads), "--no-nanny", "--no-dashboard",
            "--host", "127.0.0.1", "--name", name, "--local-directory", str(self.folder / name),
            # A worker whose scheduler is gone ends by itself after this long.
            "--death-timeout", "60",
        ])
        self.workers.append(worker)
        return worker

    def _wait_for_address(self) -> str:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.scheduler.poll() is not None:
                raise RuntimeError(f"dask scheduler exited: {self.log('scheduler')}")
            try:
                return json.loads(self.scheduler_file.read_text())["address"]
            except (OSError, ValueError, KeyError):
                time.sleep(0.1)
        raise RuntimeError(f"dask scheduler did not start within {START_TIMEOUT_S:g} s")

    def wait_for_workers(self, count: int) -> None:
        """Until the scheduler knows ``count`` workers."""
        from distributed import Client

        with Client(self.address, timeout=START_TIMEOUT_S, set_as_default=False) as client:
            client.wait_for_workers(count, timeout=START_TIMEOUT_S)

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text()

    def tasks_on_scheduler(self) -> int:
        """How many tasks the scheduler holds (queued, running or kept in memory)."""
        from distributed import Client

        with Client(self.address, timeout=START_TIMEOUT_S, set_as_default=False) as client:
            return client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks))

    def workers_holding(self, key_prefix: str) -> list[subprocess.Popen]:
        """The worker processes holding a result whose task key starts with ``key_prefix``."""
        from distributed import Client

        def holders(dask_scheduler, prefix):
            return sorted({ws.name for ts in dask_scheduler.tasks.values() if str(ts.key).startswith(prefix)
                           for ws in ts.who_has or ()})

        with Client(self.address, timeout=START_TIMEOUT_S, set_as_default=False) as client:
            names = client.run_on_scheduler(holders, prefix=key_prefix)
        return [self.workers[int(name.rsplit("-", 1)[1])] for name in names]

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL, as a machine lost: it can say goodbye to no one."""
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

    def stop(self) -> None:
        """End every process started here: workers first, then the scheduler."""
        for process in reversed(self.processes):
            self.kill(process)

    def __enter__(self) -> "LocalDaskCluster":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
