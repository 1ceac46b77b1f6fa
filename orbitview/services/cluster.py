"""A command's blocks as tasks on a dask.distributed cluster (docs/distributed.md).

``connect`` reaches the scheduler the user named (``--scheduler ADDRESS`` or
``$ORBITVIEW_SCHEDULER``) within ``CONNECT_TIMEOUT_S``, or says in one line that none answered.
``OrderedTasks`` sends what every task shares (the catalogue's elements) to the cluster once,
submits one task per block (the same top-level core functions the local pool runs, so the
results are the same bits), keeps a bounded number in flight, and hands the results back in
order to the one writer here. Closing it, at the end, on an error or on Ctrl-C, cancels what is
still queued or running on the cluster.

A worker lost mid-run is Dask's to handle: the scheduler runs its tasks again on the others
(up to ``distributed.scheduler.allowed-failures`` losses per task). A scheduler lost mid-run
cancels every future; that is one ``OrbitviewError`` line, and the writer, which has not
finished, leaves nothing at ``--out``.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Callable, Iterable

import numpy as np

from orbitview.core.errors import OrbitviewError
from orbitview.core.ordered_tasks import OrderedResults
from orbitview.core.orbits.propagate import (DEFAULT_BLOCK_STATES, FRAMES, block_grid, block_ranges, padded_grid,
                                      propagate_block)

#: Where a run's scheduler is named when ``--scheduler`` is not given.
SCHEDULER_VARIABLE = "ORBITVIEW_SCHEDULER"
#: How long to wait for the scheduler to answer: a scheduler across a WAN or an SSH tunnel
#: answers within a second or two; one that is not there never does.
CONNECT_TIMEOUT_S = 10.0
#: Tasks in flight per worker thread: one running, one queued, so no worker waits for the
#: writer to hand out its next block, and memory stays bounded by a few blocks per thread.
TASKS_PER_THREAD = 2


class ClusterError(OrbitviewError):
    """The cluster could not be reached, or went away during the run."""


def scheduler_address(option: str | None) -> str | None:
    """The scheduler a command runs on: ``--scheduler``, else ``$ORBITVIEW_SCHEDULER``, else None
    (this machine's own pool)."""
    return option or os.environ.get(SCHEDULER_VARIABLE) or None


def add_scheduler_argument(parser) -> None:
    parser.add_argument(
        "--scheduler", metavar="ADDRESS",
        help=f"run the blocks on the dask.distributed cluster of this scheduler (tcp://HOST:8786; "
             f"default ${SCHEDULER_VARIABLE}, else this machine's cores; docs/distributed.md)")


def connect(address: str):
    """A ``distributed.Client`` of the scheduler at ``address``; ``ClusterError`` when none answers
    within ``CONNECT_TIMEOUT_S``."""
    from distributed import Client

    # The command speaks for itself in one line; distributed's own log lines (a lost
    # connection, retries) would bury it. Its modules' loggers have levels of their own.
    for name in ["distributed", *logging.root.manager.loggerDict]:
        if name.split(".")[0] == "distributed":
            logging.getLogger(name).setLevel(logging.CRITICAL)
    try:
        # Results come straight from the workers, not relayed through the scheduler
        # (which would carry every byte twice).
        return Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False, direct_to_workers=True)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"--scheduler {address}: no Dask scheduler answered within "
                           f"{CONNECT_TIMEOUT_S:g} s ({_first_line(exc)})") from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def describe(client) -> str:
    """``"the Dask cluster at ADDRESS (W workers, T threads)"`` for progress lines."""
    threads = client.nthreads()
    return (f"the Dask cluster at {client.scheduler.address} "
            f"({len(threads)} workers, {sum(threads.values())} threads)")


class OrderedTasks(OrderedResults):
    """``function(shared, *arguments)`` on the cluster for each ``(label, arguments)`` of
    ``tasks``, yielded as ``(label, result)`` in the order given; ``close()`` (also as a context
    manager) cancels the rest.

    ``shared`` travels to the cluster once (``share``; pass its future to share it between
    several ``OrderedTasks``: ``ClusterRunner``). At most
    ``TASKS_PER_THREAD`` tasks per worker thread are in flight, so the cluster never holds more
    than that many results the writer has not taken.
    """

    def __init__(self, client, function: Callable, shared, tasks: Iterable[tuple[object, tuple]]) -> None:
        super().__init__(tasks)
        self.client = client
        self.function = function
        try:
            self.shared = shared if _is_future(shared) else share(client, shared)
            threads = sum(client.nthreads().values())
        except BaseException as exc:
            self._failed(exc)
            raise
        self._fill(max(TASKS_PER_THREAD, TASKS_PER_THREAD * threads))

    def _submit(self, arguments: tuple):
        # pure=False: every task runs, even two with equal arguments (no result is shared).
        return self.client.submit(self.function, self.shared, *arguments, pure=False)

    def _result(self, future):
        result = future.result()
        future.release()  # the cluster forgets the block once it is here
        return result

    def _failed(self, exc: BaseException) -> None:
        self.close()
        if _is_cluster_failure(exc):
            raise _lost(self.client, exc) from None

    def _drop(self) -> None:
        """Cancel the tasks still queued or running and let the cluster drop their data."""
        pending = [future for _, future in self.pending]
        self.pending.clear()
        if pending and self.client.status == "running":
            self.client.cancel(pending, force=True)


def share(client, shared):
    """A future of ``shared`` (a dict of catalogue columns: about 90 B an object) for the tasks
    of ``client``: it travels once to the cluster, then from worker to worker as tasks need it.

    Not ``client.scatter``: Dask's active memory manager drops the replicas of scattered data that
    no waiting task needs, and scattered data lost with its last worker cannot be made again, so
    one worker killed would fail the run. A task's result is made again wherever it is needed.
    """
    with warnings.catch_warnings():
        # Dask warns of task graphs above 10 MB; the catalogue is sent on purpose, once.
        warnings.simplefilter("ignore", UserWarning)
        return client.submit(_shared_value, shared, pure=False)


def _shared_value(value):
    return value


def _is_future(value) -> bool:
    from distributed import Future

    return isinstance(value, Future)


class ClusterRunner:
    """``runner(function, shared, tasks)`` for a job of several passes over one ``shared``
    (screening: the candidate search, then the refinement): ``OrderedTasks`` on ``client``,
    ``shared`` sent to the cluster once for all passes."""

    def __init__(self, client) -> None:
        self.client = client
        self._shared: tuple[object, object] | None = None

    def __call__(self, function: Callable, shared, tasks: Iterable[tuple[object, tuple]]) -> OrderedTasks:
        if self._shared is None or self._shared[0] is not shared:
            try:
                self._shared = (shared, share(self.client, shared))
            except BaseException as exc:
                raise _lost(self.client, exc) if _is_cluster_failure(exc) else exc from None
        return OrderedTasks(self.client, function, self._shared[1], tasks)


def _is_cluster_failure(exc: BaseException) -> bool:
    """Whether ``exc`` is the cluster failing (not the task's own error, nor a stop signal)."""
    from distributed.comm.core import CommClosedError
    from distributed.scheduler import KilledWorker

    cancelled = type(exc).__name__ in ("CancelledError", "FutureCancelledError")
    return cancelled or isinstance(exc, (CommClosedError, KilledWorker, OSError, TimeoutError))


def _lost(client, exc: BaseException) -> ClusterError:
    from distributed.scheduler import KilledWorker

    address = getattr(client.scheduler, "address", "?")
    if isinstance(exc, KilledWorker):
        return ClusterError(f"the Dask cluster at {address} lost every worker that tried one block "
                            f"({exc}); see the workers' logs")
    return ClusterError(f"the Dask scheduler at {address} went away during the run "
                        f"({_first_line(exc)}); nothing was written")


def propagate_blocks_on(
    client,
    elements: dict[str, np.ndarray],
    times_s: np.ndarray,
    frame: str = "GCRS",
    *,
    block_states: int = DEFAULT_BLOCK_STATES,
    align: int = 1,
) -> "ClusterBlocks":
    """``propagate_blocks`` on the cluster of ``client``: blocks ``(start, position_km,
    velocity_km_s, error)`` in time order, float32, the same bits as the local pool's (each is
    ``propagate_block``'s result). The tasks are submitted at once; ``close()`` the result when
    stopping early."""
    if frame not in FRAMES:
        raise ValueError(f"frame must be one of {FRAMES}, not {frame!r}")
    padded_s, spacing_s = padded_grid(times_s)
    ranges = block_ranges(len(times_s), len(elements["epoch_jd"]), block_states, align)
    # Each block's rotations are made here, where skyfield is, as the block is handed out.
    tasks = ((start, (*block_grid(padded_s, frame, start, stop), frame, spacing_s)) for start, stop in ranges)
    return ClusterBlocks(OrderedTasks(client, propagate_block, elements, tasks))


class ClusterBlocks:
    """The ``(start, (position, velocity, error))`` of block tasks as ``(start, position,
    velocity, error)``, as ``propagate_blocks`` yields them."""

    def __init__(self, tasks: OrderedTasks) -> None:
        self.tasks = tasks

    def __iter__(self) -> "ClusterBlocks":
        return self

    def __next__(self) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
        start, states = next(self.tasks)
        return (start, *states)

    def close(self) -> None:
        self.tasks.close()
