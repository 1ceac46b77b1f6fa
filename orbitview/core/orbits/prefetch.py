"""One background thread for the draw path: keyframe pairs and tracks computed before they are
drawn, handed back to the thread that draws by a plain callback.

The renderer never waits for it. A job is submitted under a key (one per consumer: a layer's
keyframes, the selection's tracks); a job still waiting is replaced by a newer one of the same
key, so a clock moving faster than SGP4 costs no backlog. Every job has a request id, rising
with each submission: a consumer drops a result whose id says it was overtaken.

``deliver(call)`` takes a finished job's ``call`` (no arguments) to the thread that owns the
results. The window posts it to the GUI thread through a Qt signal (``ui``); a test keeps the
calls and runs them when it likes. sgp4's ``SatrecArray`` holds the GIL while it runs (measured
here: a busy Python loop on another thread slows to a tenth), so SGP4 asked for on this thread
runs in a child process per catalogue (``sgp4_process_for``, ``core.orbits.sgp4_process``), started
on first use and stopped by ``keep_sgp4_of`` (once no layer draws the catalogue) or ``close``.
"""

from __future__ import annotations

import itertools
import sys
import threading
import time
import traceback
from collections.abc import Callable, Hashable, Iterable
from concurrent.futures.process import BrokenProcessPool
from functools import partial

import numpy as np

from orbitview.core.orbits.propagate import propagate
from orbitview.core.orbits.sgp4_process import Sgp4Process

_worker = threading.local()


def sgp4_process_for(catalog) -> Sgp4Process | None:
    """The child process that runs SGP4 for ``catalog`` when called on a ``Prefetcher``'s
    thread (started on first use); None on any other thread: SGP4 runs there."""
    prefetcher = getattr(_worker, "prefetcher", None)
    return None if prefetcher is None else prefetcher._sgp4_process(catalog)


def sgp4_states_gcrs(catalog, times_s: np.ndarray, rows: np.ndarray | None = None):
    """SGP4 of the objects of ``catalog`` (its ``rows`` only, when given) at (T,) ``times_s``,
    GCRS: position (T, N, 3) km, velocity km/s (SGP4's own) float64, NaN where it failed, error
    (T, N) uint8; in the catalogue's child process when called on a ``Prefetcher``'s thread
    (it holds the whole catalogue and runs the rows asked for), here otherwise."""
    remote = sgp4_process_for(catalog)
    if remote is not None:
        return remote.states_gcrs(times_s, rows)
    states = propagate(catalog if rows is None else catalog.take(rows), np.asarray(times_s, np.float64), "GCRS")
    return states.position_km, states.velocity_km_s, states.error


class Prefetcher:
    """Runs ``work()`` jobs in one daemon thread, newest per key, and hands
    ``done(request_id, result)`` to ``deliver``.

    ``latency_s``: how long the last job took from submission to result, seconds (what the
    renderer looks ahead by while the clock plays).
    """

    def __init__(self, deliver: Callable[[Callable[[], None]], None]) -> None:
        self._deliver = deliver
        self._ids = itertools.count(1)
        self._condition = threading.Condition()
        self._waiting: dict[Hashable, tuple[int, float, Callable, Callable]] = {}
        self._running: Hashable | None = None
        self._closed = False
        self.latency_s = 0.0
        #: id(catalog) -> (catalog, its SGP4 process); None once processes cannot be started.
        self._processes: dict[int, tuple[object, Sgp4Process]] | None = {}
        #: ids of the catalogues whose processes are kept, until this thread has stopped the others.
        self._keep: set[int] | None = None
        self._thread = threading.Thread(target=self._run, name="orbitview-prefetch", daemon=True)
        self._thread.start()

    def submit(self, key: Hashable, work: Callable[[], object], done: Callable[[int, object], None]) -> int:
        """Queue ``work`` under ``key`` (replacing that key's job still waiting); returns its
        request id."""
        with self._condition:
            request_id = next(self._ids)
            self._waiting.pop(key, None)  # re-inserted last: jobs run in the order asked
            self._waiting[key] = (request_id, time.perf_counter(), work, done)
            self._condition.notify()
        return request_id

    def running(self, key: Hashable) -> bool:
        """Whether a job of ``key`` is running now (one waiting is replaced by the next submitted)."""
        with self._condition:
            return self._running == key

    def forget(self, key: Hashable) -> None:
        """Drop ``key``'s waiting job (its consumer is gone; a running one is dropped by id)."""
        with self._condition:
            self._waiting.pop(key, None)

    def keep_sgp4_of(self, catalogs: Iterable) -> None:
        """Keep only ``catalogs``' SGP4 processes: the others are stopped on this worker's
        thread before its next job (the job running may be using one), and their catalogues
        let go. A catalogue asked for again later gets a process again."""
        with self._condition:
            self._keep = {id(catalog) for catalog in catalogs}
            self._condition.notify()

    def wait_idle(self, timeout_s: float = 60.0) -> bool:
        """Block until no job waits or runs (exports, tests); False on timeout. The results'
        calls have been handed to ``deliver`` by then."""
        end = time.monotonic() + timeout_s
        with self._condition:
            while self._waiting or self._running is not None:
                left = end - time.monotonic()
                if left <= 0 or not self._condition.wait(left):
                    return False
        return True

    def _sgp4_process(self, catalog) -> Sgp4Process | None:
        if self._processes is None:
            return None
        kept = self._processes.get(id(catalog))
        if kept is None:
            try:
                kept = self._processes[id(catalog)] = (catalog, Sgp4Process(catalog))
            except Exception as exc:  # noqa: BLE001 - e.g. a script that starts processes on import
                print(f"orbitview: warning: no SGP4 process ({exc!r}); propagating in a thread", file=sys.stderr)
                self._processes = None
                return None
        return kept[1]

    def _run(self) -> None:
        _worker.prefetcher = self
        while True:
            with self._condition:
                while not self._waiting and self._keep is None and not self._closed:
                    self._condition.wait()
                if self._closed:
                    return
                keep, self._keep = self._keep, None
                job = None
                if self._waiting:
                    key = next(iter(self._waiting))
                    job = self._waiting.pop(key)
                    self._running = key
            if keep is not None:
                self._stop_processes_except(keep)
            if job is not None:
                self._run_job(*job)

    def _run_job(self, request_id: int, submitted: float, work: Callable, done: Callable) -> None:
        try:
            result = work()
        except BrokenProcessPool:
            # A child killed from outside: SGP4 runs on this thread from now on.
            print("orbitview: warning: the SGP4 process ended; propagating in a thread", file=sys.stderr)
            self._stop_processes_except(set())
            self._processes = None
            result = None
        except Exception:  # noqa: BLE001 - a failed job must not end the thread for the others
            traceback.print_exc()
            result = None
        with self._condition:
            # Not busy any more before the result is handed on: its consumer may ask again.
            self._running = None
            if result is not None:
                self.latency_s = time.perf_counter() - submitted
                self._deliver(partial(done, request_id, result))
            self._condition.notify_all()

    def _stop_processes_except(self, keep: set[int]) -> None:
        """Stop the processes of the catalogues whose ids are not in ``keep``, and let them go."""
        for key in [key for key in (self._processes or {}) if key not in keep]:
            self._processes.pop(key)[1].close()

    def close(self) -> None:
        """Stop the thread after the job it is running (waiting ones are dropped), then the
        SGP4 processes."""
        with self._condition:
            self._closed = True
            self._waiting.clear()
            self._condition.notify_all()
        self._thread.join(timeout=60.0)
        self._stop_processes_except(set())
        self._processes = None
