"""What an adapter asks the window's prefetch worker to make (the selection's tracks, the
highlighted pairs' orbits), and which of the results that come back it draws.

A result is drawn when it is newer than the one drawn and was made for what was last asked
for (the same object or pair): while the clock plays close to an object, new results are asked
for faster than the worker makes them, so waiting for the latest alone would draw none.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from orbitview.core.orbits.prefetch import Prefetcher


class WorkerResults:
    """One consumer's jobs under ``key`` on ``prefetcher`` (None: made when asked, as exports
    draw). ``arrived(of, result)`` draws a result that came back from the worker."""

    def __init__(self, prefetcher: Prefetcher | None, key: Hashable, arrived: Callable) -> None:
        self._prefetcher, self._key, self._arrived = prefetcher, key, arrived
        #: The request id last asked for, 0 once it is drawn (or made here).
        self._asked_id = 0
        self._drawn_id = 0
        self._asked_of = None
        self._closed = False

    def ask(self, of, work: Callable[[], object], here: bool = False):
        """Have ``work()``, a result for ``of``, made: returned at once when there is no
        prefetcher or ``here`` (work too small to send), else None and handed to ``arrived``
        when it comes back."""
        self._asked_of = of
        if here or self._prefetcher is None:
            self._asked_id = 0
            return work()
        self._asked_id = self._prefetcher.submit(
            self._key, work, lambda request_id, result: self._came_back(request_id, of, result))
        return None

    def _came_back(self, request_id: int, of, result) -> None:
        if self._closed or request_id <= self._drawn_id or of != self._asked_of:
            return
        self._drawn_id = request_id
        if request_id == self._asked_id:
            self._asked_id = 0
        self._arrived(of, result)

    def settled(self) -> bool:
        """Whether the result drawn is the one last asked for (none is still being made)."""
        return self._asked_id == 0

    def close(self) -> None:
        self._closed = True
        if self._prefetcher is not None:
            self._prefetcher.forget(self._key)
