"""Vectorised SGP4: N objects x T times, in TEME, GCRS or ITRS, in blocks that bound memory.

Shapes follow one convention: times ``(T,)`` float64 POSIX seconds UTC, states ``(T, N, 3)``
(time first) in km and km/s, error codes ``(T, N)`` uint8. SGP4 works in TEME; the rotations
to GCRS and ITRS come from skyfield (``core.frames``), one 3x3 matrix per time, applied to all
objects at once.

Work is cut into blocks of consecutive times for all objects, so the temporaries never exceed
``block_states`` object-times however long the span. ``propagate`` runs the blocks here;
``propagate_blocks`` runs them in worker processes (SGP4 holds the GIL, so threads would not
help) and yields them in time order. Workers receive the elements once and the rotation
matrices with each block: they never import skyfield.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice

import numpy as np

from orbitview.core.catalog import Catalog
from orbitview.core.sgp4_elements import satrecs_from_elements
from orbitview.core.times import posix_to_jd

FRAMES = ("TEME", "GCRS", "ITRS")
EARTH_ROTATION_RAD_S = 7.292115146706979e-5

#: Object-times per block: about 150 MB of float64 temporaries at the peak of a block.
DEFAULT_BLOCK_STATES = 1_000_000
#: How long the parent and its workers wait for each other to start.
STARTUP_TIMEOUT_S = 60.0

@dataclass(frozen=True)
class States:
    """Positions and velocities of N objects at T times.

    ``times_s``: (T,) float64 POSIX seconds UTC. ``position_km``: (T, N, 3) float64, km.
    ``velocity_km_s``: (T, N, 3) float64, km/s. ``error``: (T, N) uint8, 0 = valid, else the
    SGP4 error code (positions there are NaN). ``frame``: one of ``FRAMES``.
    """

    times_s: np.ndarray
    position_km: np.ndarray
    velocity_km_s: np.ndarray
    error: np.ndarray
    frame: str


def rotations_from_teme(frame: str, times_s: np.ndarray) -> np.ndarray | None:
    """``(T, 3, 3)`` matrices taking TEME vectors into ``frame`` at each time; None for TEME."""
    from orbitview.core.frames import gcrs_from_itrs, gcrs_from_teme

    if frame not in FRAMES:
        raise ValueError(f"frame must be one of {FRAMES}, not {frame!r}")
    if frame == "TEME":
        return None
    to_gcrs = gcrs_from_teme(times_s).reshape(-1, 3, 3)
    if frame == "GCRS":
        return np.ascontiguousarray(to_gcrs)
    return np.ascontiguousarray(np.einsum("tji,tjk->tik", gcrs_from_itrs(times_s).reshape(-1, 3, 3), to_gcrs))


def states_block(satrec_array, times_s: np.ndarray, rotation: np.ndarray | None, frame: str, dtype=np.float64):
    """SGP4 for all objects of ``satrec_array`` at ``times_s`` (T,), rotated by ``rotation``.

    Returns ``position_km``, ``velocity_km_s`` (T, N, 3) of ``dtype``, NaN where SGP4 failed,
    and ``error`` (T, N) uint8, the SGP4 error code (0 = valid).
    """
    jd, fr = posix_to_jd(times_s)
    error, r, v = satrec_array.sgp4(jd, fr)
    # SatrecArray gives (N, T, 3). matmul against the transposed matrices both rotates and
    # reorders to time first in one pass; it is about 3x faster than the equivalent einsum.
    if rotation is None:
        position = np.ascontiguousarray(r.transpose(1, 0, 2))
        velocity = np.ascontiguousarray(v.transpose(1, 0, 2))
    else:
        turn = rotation.transpose(0, 2, 1)
        position = np.matmul(r.transpose(1, 0, 2), turn)
        velocity = np.matmul(v.transpose(1, 0, 2), turn)
    del r, v
    if frame == "ITRS":
        # Earth-fixed velocity: subtract omega x r, omega along the ITRS z axis.
        velocity[..., 0] += EARTH_ROTATION_RAD_S * position[..., 1]
        velocity[..., 1] -= EARTH_ROTATION_RAD_S * position[..., 0]
    error = np.ascontiguousarray(error.T, dtype=np.uint8)
    failed = error != 0
    if failed.any():
        # SGP4 still returns numbers with some error codes (6, decayed): never let them be drawn.
        position[failed] = np.nan
        velocity[failed] = np.nan
    if dtype != np.float64:
        position = position.astype(dtype)
        velocity = velocity.astype(dtype)
    return position, velocity, error


def block_ranges(n_times: int, n_objects: int, block_states: int, align: int = 1) -> list[tuple[int, int]]:
    """``[(start, stop), ...]`` time ranges of about ``block_states`` object-times each.

    A block holds at least one time (so at least ``n_objects`` states), and a multiple of
    ``align`` times, so blocks fall on the storage chunks of a trajectory file.
    """
    per_block = max(1, block_states // max(1, n_objects))
    per_block = max(align, per_block - per_block % align)
    return [(start, min(start + per_block, n_times)) for start in range(0, n_times, per_block)]


def propagate(
    catalog: Catalog, times_s: np.ndarray, frame: str = "GCRS", *, block_states: int = DEFAULT_BLOCK_STATES
) -> States:
    """SGP4 states of every object of ``catalog`` at every time of ``times_s``, float64."""
    if frame not in FRAMES:
        raise ValueError(f"frame must be one of {FRAMES}, not {frame!r}")
    times_s = np.atleast_1d(np.asarray(times_s, dtype=np.float64))
    t, n = len(times_s), len(catalog)
    position = np.empty((t, n, 3))
    velocity = np.empty((t, n, 3))
    error = np.empty((t, n), np.uint8)
    if n:
        rotation = rotations_from_teme(frame, times_s)
        for start, stop in block_ranges(t, n, block_states):
            block = slice(start, stop)
            turn = None if rotation is None else rotation[block]
            position[block], velocity[block], error[block] = states_block(
                catalog.satrec_array, times_s[block], turn, frame
            )
    return States(times_s, position, velocity, error, frame)


def teme_to(frame: str, times_s: np.ndarray, position_km: np.ndarray, velocity_km_s: np.ndarray):
    """Rotate (T, N, 3) TEME states into ``frame``; ITRS velocities include the Earth's spin."""
    rotation = rotations_from_teme(frame, np.atleast_1d(times_s))
    if rotation is None:
        return position_km, velocity_km_s
    position = np.matmul(position_km, rotation.transpose(0, 2, 1))
    velocity = np.matmul(velocity_km_s, rotation.transpose(0, 2, 1))
    if frame == "ITRS":
        omega = np.array([0.0, 0.0, EARTH_ROTATION_RAD_S])
        velocity = velocity - np.cross(omega, position)
    return position, velocity


# --- worker processes -------------------------------------------------------------------------

_worker_satrecs = None


def _worker_init(elements: dict[str, np.ndarray], started) -> None:
    from sgp4.api import SatrecArray

    global _worker_satrecs
    # Ctrl-C reaches the whole process group; the parent alone decides what to clean up.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with started.get_lock():
        started.value += 1
    _worker_satrecs = SatrecArray(satrecs_from_elements(elements))


def _wait_for_workers(started, processes: int) -> None:
    """Poll (an interrupt cannot lose a count) until ``processes`` workers have started."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while started.value < processes and time.monotonic() < deadline:
        time.sleep(0.02)


def _worker_block(times_s: np.ndarray, rotation: np.ndarray | None, frame: str):
    return states_block(_worker_satrecs, times_s, rotation, frame, np.float32)


def usable_cores() -> int:
    """CPUs this process may run on (the affinity mask, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def propagate_blocks(
    elements: dict[str, np.ndarray],
    times_s: np.ndarray,
    frame: str = "GCRS",
    *,
    workers: int | None = None,
    block_states: int = DEFAULT_BLOCK_STATES,
    align: int = 1,
) -> Iterator[tuple[int, np.ndarray, np.ndarray, np.ndarray]]:
    """Yield ``(start, position_km, velocity_km_s, error)`` blocks in time order, float32.

    ``elements``: ``catalog.sgp4_elements``. Each block covers ``times_s[start:start + len]`` for
    all N objects: positions and velocities (len, N, 3) float32 in ``frame``, error (len, N)
    uint8. ``workers`` processes (default: every usable core; 1 runs here, in this process)
    each hold a few blocks at most, and at most two blocks per worker wait for the consumer,
    so memory stays bounded by ``block_states`` whatever the span.
    """
    times_s = np.ascontiguousarray(times_s, dtype=np.float64)
    n = len(elements["epoch_jd"])
    rotation = rotations_from_teme(frame, times_s)
    ranges = block_ranges(len(times_s), n, block_states, align)
    workers = usable_cores() if workers is None else max(1, int(workers))

    def task(start: int, stop: int):
        return times_s[start:stop], None if rotation is None else rotation[start:stop], frame

    if workers == 1 or len(ranges) == 1:
        from sgp4.api import SatrecArray

        satrec_array = SatrecArray(satrecs_from_elements(elements))
        for start, stop in ranges:
            yield (start, *states_block(satrec_array, *task(start, stop), np.float32))
        return

    # forkserver starts workers from a clean interpreter (no inherited file handles or big
    # parent arrays) far faster than spawn does.
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        # Workers fork from a server that has imported numpy and sgp4 once, and not __main__.
        context.set_forkserver_preload([__name__])
    else:
        context = multiprocessing.get_context("spawn")
    processes = min(workers, len(ranges))
    # Each worker counts itself in once it has unpickled its start-up data: one still doing so
    # when an interrupted parent cleans up dies loudly on the vanished semaphores, so the
    # parent waits for the count before it shuts the pool down.
    started = context.Value("i", 0)
    executor = ProcessPoolExecutor(
        max_workers=processes,
        mp_context=context,
        initializer=_worker_init,
        initargs=(elements, started),
    )
    pending: deque = deque()
    todo = iter(ranges)
    submitted = 0

    def submit(start: int, stop: int) -> None:
        nonlocal submitted
        pending.append((start, executor.submit(_worker_block, *task(start, stop))))
        submitted += 1

    try:
        for block_range in islice(todo, 2 * workers):
            submit(*block_range)
        while pending:
            start, future = pending.popleft()
            block = future.result()
            block_range = next(todo, None)
            if block_range is not None:
                submit(*block_range)
            yield (start, *block)
    finally:
        # Also reached on Ctrl-C or when the consumer stops early: drop the queued blocks.
        # Until a worker is idle each submission starts one, so no more than that many can be
        # starting (none when the interrupt came before the first).
        _wait_for_workers(started, min(processes, submitted))
        executor.shutdown(wait=True, cancel_futures=True)
