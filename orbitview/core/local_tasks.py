"""Tasks on this machine's worker processes, handed back in order.

``LocalPool(workers)`` is a task runner: ``pool(function, shared, tasks)`` runs
``function(shared, *arguments)`` for each ``(label, arguments)`` of ``tasks`` and yields
``(label, result)`` in the order given: the shape of ``services.cluster.OrderedTasks``, so a job
written against one runs on the other with the same top-level functions (numpy in, numpy out)
and the same results. ``shared`` (a catalogue's elements) reaches each worker once, when it
starts; the processes are kept for the next call with the same ``shared`` (a job's second
phase), so they start and import once. Each task's own arguments and its result are pickled,
so both should be small. Workers are forked from ``propagate.worker_context``'s server: they
ignore Ctrl-C (this process stops them), and die with this process however it ends.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from orbitview.core.interrupts import raise_if_stopped, stops_deferred
from orbitview.core.ordered_tasks import OrderedResults
from orbitview.core.orbits.propagate import exit_with_parent, _wait_for_workers, usable_cores, worker_context

#: Tasks in flight per worker: one running, one queued, so no worker waits for this process.
TASKS_PER_WORKER = 2

_shared = None


def _init(shared, started, pids, lifeline) -> None:
    global _shared
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=exit_with_parent, args=(lifeline,), name="lifeline", daemon=True).start()
    with started.get_lock():
        pids[started.value] = os.getpid()
        started.value += 1
    _shared = shared


def _call(function: Callable, arguments: tuple):
    return function(_shared, *arguments)


class LocalPool:
    """``workers`` processes (default: every usable core; 1 runs the tasks here, one by one),
    started at the first call and kept while ``shared`` stays the same object; ``close()``
    (also as a context manager) stops them."""

    def __init__(self, workers: int | None = None) -> None:
        self.processes = usable_cores() if workers is None else max(1, int(workers))
        self.executor = None
        self.shared = None

    def __call__(self, function: Callable, shared, tasks: Iterable[tuple[object, tuple]]) -> "LocalTasks":
        if self.processes > 1 and (self.executor is None or self.shared is not shared):
            self.close()
            self._start(shared)
        self.shared = shared
        return LocalTasks(self, function, tasks)

    def _start(self, shared) -> None:
        context = worker_context()
        self.started = context.Value("i", 0)
        self.pids = context.RawArray("i", self.processes)
        worker_end, self.lifeline = context.Pipe(duplex=False)
        self.executor = ProcessPoolExecutor(max_workers=self.processes, mp_context=context, initializer=_init,
                                            initargs=(shared, self.started, self.pids, worker_end))

    def submit(self, function: Callable, arguments: tuple):
        # A submission may start a worker process, whose start-up data must arrive whole.
        with stops_deferred():
            return self.executor.submit(_call, function, arguments)

    def close(self, kill: bool = False) -> None:
        """Stop the workers; ``kill``: at once, not waiting for the tasks they have in hand."""
        if self.executor is None:
            return
        executor, self.executor = self.executor, None
        # A worker still unpickling its start-up data when the pool goes dies loudly, so wait
        # for every process the executor has made (an idle worker takes the next task, so
        # there may be fewer than the tasks submitted) to count itself in.
        _wait_for_workers(self.started, len(executor._processes or ()))
        if kill:
            for pid in self.pids[:self.started.value]:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        executor.shutdown(wait=True, cancel_futures=True)
        self.lifeline.close()

    def __enter__(self) -> "LocalPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close(kill=exc[0] is not None)


class LocalTasks(OrderedResults):
    """One call's results, ``(label, result)`` in order; closing it with tasks still in hand
    (an error, Ctrl-C) kills its pool's workers. A pool of one worker runs each task here
    when its result is asked for."""

    def __init__(self, pool: LocalPool, function: Callable, tasks: Iterable[tuple[object, tuple]]) -> None:
        super().__init__(tasks)
        self.pool, self.function = pool, function
        if pool.executor is not None:
            self._fill(TASKS_PER_WORKER * pool.processes)

    def _submit(self, arguments: tuple):
        return self.pool.submit(self.function, arguments)

    def __next__(self):
        if self.closed or self.pool.executor is not None:
            return super().__next__()
        task = next(self.todo, None)
        if task is None:
            self.close()
            raise StopIteration
        return task[0], self.function(self.pool.shared, *task[1])

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, BrokenProcessPool):
            self.pending.clear()
            self.close()
            self.pool.close()  # the workers are gone already; their pids may be reused
            raise_if_stopped()  # they went with the signal that stops this process too
        else:
            self.close()

    def _drop(self) -> None:
        if self.pending:
            self.pool.close(kill=True)
