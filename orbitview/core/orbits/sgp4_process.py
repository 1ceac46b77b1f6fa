"""SGP4 of one catalogue in a child process, for the window's prefetch worker.

sgp4's ``SatrecArray`` holds the GIL for a whole call. On a thread of the window's process
that stalls the GUI thread at each step it takes (every GL call through ctypes gives the GIL
up and takes it back): measured here, a 1 ms sleep on the main thread woke 5.5 ms late
(median) while another thread made keyframe pairs of the 26,140-object catalogue. In a child
process SGP4 shares no GIL with the window; the prefetch thread only waits for its answer.

Once it holds the satellites the child runs at a lower CPU priority than the window
(``NICENESS``): the window draws the frames, the child keeps the next keyframe pairs coming
with the CPU left over. On a busy machine (the software renderer, llvmpipe, draws on every core)
the frames keep their pace and a pair may come late, when the dots wait at the end of the pair
drawn. ``benchmarks/bench_ui_latency.py`` at x10,000 on a loaded 2-core machine (load average
6): frame interval p95 playing / paused 1.09 niced, 1.27 at full priority; the dots were drawn
a median 1,900-3,600 s (simulated) behind the clock niced, 600-850 s at full priority.

The child is forked from ``propagate``'s forkserver and dies with its parent (its lifeline,
``propagate.exit_with_parent``), however the parent ends.
"""

from __future__ import annotations

import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from orbitview.core.orbits.catalog import Catalog
from orbitview.core.orbits.propagate import exit_with_parent, rotations_from_teme, states_block, worker_context
from orbitview.core.orbits.sgp4_elements import satrecs_from_elements

#: The catalogue's satellites (a list and its ``SatrecArray``), and the last subset asked for.
_satrec_list: list = []
_satrecs = None
_subset: tuple[bytes, object] | None = None
#: How much lower the child's CPU priority is than its parent's (``os.nice``).
NICENESS = 10


def _start(elements: dict[str, np.ndarray], lifeline) -> None:
    from sgp4.api import SatrecArray

    global _satrec_list, _satrecs
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops it, on its own Ctrl-C
    threading.Thread(target=exit_with_parent, args=(lifeline,), name="lifeline", daemon=True).start()
    _satrec_list = satrecs_from_elements(elements)
    _satrecs = SatrecArray(_satrec_list)
    os.nice(NICENESS)  # after the satellites are made: the first pairs are not kept waiting


def _satrecs_of(rows: np.ndarray | None):
    """The ``SatrecArray`` of ``rows`` (None: all). The last subset is kept: the objects
    launched by the clock's time change a few times a day, not with every pair."""
    global _subset
    if rows is None:
        return _satrecs
    key = rows.tobytes()
    if _subset is None or _subset[0] != key:
        from sgp4.api import SatrecArray

        _subset = (key, SatrecArray([_satrec_list[i] for i in rows]))
    return _subset[1]


def _states_gcrs(times_s: np.ndarray, rows: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return states_block(_satrecs_of(rows), times_s, rotations_from_teme("GCRS", times_s), "GCRS")


class Sgp4Process:
    """One child process holding ``catalog``'s satellites; ``states_gcrs`` asks it for states."""

    def __init__(self, catalog: Catalog) -> None:
        context = worker_context()
        worker_end, self._lifeline = context.Pipe(duplex=False)
        self._executor = ProcessPoolExecutor(1, mp_context=context, initializer=_start,
                                             initargs=(catalog.sgp4_elements, worker_end))

    def states_gcrs(self, times_s: np.ndarray, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """SGP4 at (T,) ``times_s`` of the catalogue's ``rows`` ((N,) int indices; None: all),
        GCRS: position (T, N, 3) km, velocity km/s float64 (NaN where it failed), error (T, N)
        uint8 (``propagate.states_block``)."""
        rows = None if rows is None else np.asarray(rows, np.int64)
        return self._executor.submit(_states_gcrs, np.asarray(times_s, np.float64), rows).result()

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._lifeline.close()
