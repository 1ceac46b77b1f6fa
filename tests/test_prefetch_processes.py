"""The prefetch worker's SGP4 processes (tier 1): one per catalogue, started when a job first
asks for it, stopped once the catalogue is no longer kept (its catalogue let go), started
again when asked for again, and all stopped by ``close``. Real processes, watched through
/proc (``processes.py``)."""

from __future__ import annotations

import gc
import os
import weakref
from functools import partial

import numpy as np
import pytest
from processes import alive, descendants, survivors

from orbitview.core.orbits.prefetch import Prefetcher, sgp4_states_gcrs
from orbitview.core.orbits.propagate import worker_context
from orbitview.core.orbits.times import parse_utc
from orbitview.io.catalog_files import load_catalog

pytestmark = pytest.mark.core

T0 = parse_utc("2023-10-09T12:00:00Z")


def states_in_worker(prefetcher: Prefetcher, catalog) -> np.ndarray:
    """(1, N, 3) SGP4 positions of ``catalog`` at T0, km, computed by a job on ``prefetcher``'s
    thread (whose results are handed on where they are made)."""
    delivered = []
    prefetcher.submit(("states", id(catalog)), lambda: sgp4_states_gcrs(catalog, np.array([T0]))[0],
                      lambda request_id, position: delivered.append(position))
    assert prefetcher.wait_idle(60.0)
    (position,) = delivered
    return position


def started_by(job) -> set:
    """The processes below this one that ``job()`` left running (the forkserver, which SGP4
    processes are forked from, is started before)."""
    worker_context()
    before = descendants(os.getpid())
    job()
    return {p for p in descendants(os.getpid(), before) - before if alive(p)}


def test_a_catalogue_no_longer_kept_has_its_process_stopped_and_is_let_go(catalogs):
    path = catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt"
    kept, dropped = load_catalog(path).catalog, load_catalog(path).catalog
    prefetcher = Prefetcher(lambda call: call())
    try:
        kept_process = started_by(partial(states_in_worker, prefetcher, kept))
        dropped_process = started_by(partial(states_in_worker, prefetcher, dropped))
        assert len(kept_process) == len(dropped_process) == 1 and not dropped_process & kept_process

        prefetcher.keep_sgp4_of([kept])
        assert survivors(dropped_process, 30.0) == set()
        assert all(alive(p) for p in kept_process)
        gone = weakref.ref(dropped)
        del dropped
        gc.collect()
        assert gone() is None  # the prefetcher holds the catalogue no longer

        # Asked for again, a catalogue gets a process again, and the same states as here.
        again = load_catalog(path).catalog
        remote = []
        started = started_by(lambda: remote.append(states_in_worker(prefetcher, again)))
        assert len(started) == 1 and not started & dropped_process
        here = sgp4_states_gcrs(again, np.array([T0]))[0]
        assert np.allclose(remote[0], here, atol=1e-6, equal_nan=True)
    finally:
        prefetcher.close()
    assert survivors(kept_process | started, 30.0) == set()
