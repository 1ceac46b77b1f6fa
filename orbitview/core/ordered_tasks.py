"""Tasks kept a few ahead of their results, which come back in the order given.

The loop both task runners share: the local worker processes (``core.local_tasks.LocalTasks``)
and a Dask cluster (``services.cluster.OrderedTasks``). A runner says how one task is submitted
(``_submit``) and waited for (``_result``), what a failure does (``_failed``: it may raise a
clearer error in its place) and how the tasks still in hand are dropped when the results are
no longer wanted (``_drop``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable


class OrderedResults:
    """``(label, result)`` of each ``(label, arguments)`` of ``tasks``, in their order; closing
    it (also as a context manager, on an error or Ctrl-C) drops the tasks still in hand."""

    def __init__(self, tasks: Iterable[tuple[object, tuple]]) -> None:
        self.todo = iter(tasks)
        #: (label, future) of the tasks submitted whose results are not handed back yet, in order.
        self.pending: deque = deque()
        self.closed = False

    def _fill(self, count: int) -> None:
        """Submit the first ``count`` tasks."""
        try:
            for _ in range(count):
                self._submit_next()
        except BaseException as exc:
            self._failed(exc)
            raise

    def _submit_next(self) -> None:
        task = next(self.todo, None)
        if task is not None:
            label, arguments = task
            self.pending.append((label, self._submit(arguments)))

    def __iter__(self) -> OrderedResults:
        return self

    def __next__(self):
        if self.closed or not self.pending:
            self.close()
            raise StopIteration
        label, future = self.pending.popleft()
        try:
            result = self._result(future)
            self._submit_next()
        except BaseException as exc:
            self._failed(exc)
            raise
        return label, result

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self._drop()

    def __enter__(self) -> OrderedResults:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _submit(self, arguments: tuple):
        """Start one task; returns its future."""
        raise NotImplementedError

    def _result(self, future):
        return future.result()

    def _failed(self, exc: BaseException) -> None:
        """A task or a submission raised ``exc``: by default, close (the caller re-raises)."""
        self.close()

    def _drop(self) -> None:
        """Let go of the tasks in ``pending``, which will never be asked for."""
        raise NotImplementedError
