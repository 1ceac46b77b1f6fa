"""Tasks on this machine's worker processes, handed back in order.

``LocalTasks(function, shared, tasks)`` runs ``function(shared, *arguments)`` for each
``(label, arguments)`` of ``tasks`` and yields ``(label, result)`` in the order given: the shape
of ``services.cluster.OrderedTasks``, so a job written against one runs on the other with the
same top-level functions (numpy in, numpy out) and the same results. ``shared`` (a catalogue's
elements) reaches each worker once, when it starts; each task's own arguments and its result
are pickled, so both should be small. Workers are forked from ``propagate.worker_context``'s
server: they ignore Ctrl-C (this process stops them), and die with this process however it ends.
"""

from __future__ import annotations

import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from orbitview.core.interrupts import raise_if_stopped, stops_deferred
from orbitview.core.propagate import _exit_with_parent, _wait_for_workers, usable_cores, worker_context

#: Tasks in flight per worker: one running, one queued, so no worker waits for this process.
TASKS_PER_WORKER = 2

_shared = None


def _init(shared, started, pids, lifeline) -> None:
    global _shared
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(lifeline,), name="lifeline", daemon=True).start()
    with started.get_lock():
        pids[started.value] = os.getpid()
        started.value += 1
    _shared = shared


def _call(function: Callable, arguments: tuple):
    return function(_shared, *arguments)


class LocalTasks:
    """``function(shared, *arguments)`` for each ``(label, arguments)`` of ``tasks``, yielded as
    ``(label, result)`` in order, on ``workers`` processes (default: every usable core; 1 runs
    them here, one by one); ``close()`` (also as a context manager) stops the workers, killing
    them when tasks are still in hand."""

    def __init__(self, function: Callable, shared, tasks: Iterable[tuple[object, tuple]], *,
                 workers: int | None = None) -> None:
        self.function, self.shared = function, shared
        self.todo = iter(tasks)
        self.pending: deque = deque()
        self.closed = False
        self.executor = None
        self.processes = usable_cores() if workers is None else max(1, int(workers))
        if self.processes == 1:
            return
        context = worker_context()
        self.started = context.Value("i", 0)
        self.pids = context.RawArray("i", self.processes)
        worker_end, self.lifeline = context.Pipe(duplex=False)
        self.submitted = 0
        self.executor = ProcessPoolExecutor(max_workers=self.processes, mp_context=context, initializer=_init,
                                            initargs=(shared, self.started, self.pids, worker_end))
        try:
            for _ in range(TASKS_PER_WORKER * self.processes):
                self._submit_next()
        except BaseException:
            self.close()
            raise

    def _submit_next(self) -> None:
        task = next(self.todo, None)
        if task is None:
            return
        label, arguments = task
        # A submission may start a worker process, whose start-up data must arrive whole.
        with stops_deferred():
            self.pending.append((label, self.executor.submit(_call, self.function, arguments)))
        self.submitted += 1

    def __iter__(self) -> "LocalTasks":
        return self

    def __next__(self):
        if self.closed:
            raise StopIteration
        if self.executor is None:
            task = next(self.todo, None)
            if task is None:
                self.close()
                raise StopIteration
            return task[0], self.function(self.shared, *task[1])
        if not self.pending:
            self.close()
            raise StopIteration
        label, future = self.pending.popleft()
        try:
            result = future.result()
            self._submit_next()
        except BrokenProcessPool:
            self.close(kill=False)  # the workers are gone already; their pids may be reused
            raise_if_stopped()  # they went with the signal that stops this process too
            raise
        except BaseException:
            self.close()
            raise
        return label, result

    def close(self, kill: bool = True) -> None:
        if self.closed:
            return
        self.closed = True
        if self.executor is None:
            return
        # A worker still unpickling its start-up data when the pool goes dies loudly.
        _wait_for_workers(self.started, min(self.processes, self.submitted))
        if kill and self.pending:
            for pid in self.pids[:self.started.value]:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.executor.shutdown(wait=True, cancel_futures=True)
        self.lifeline.close()

    def __enter__(self) -> "LocalTasks":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
