"""Vectorised SGP4: N objects x T times, in TEME, GCRS or ITRS, in blocks that bound memory.

Shapes follow one convention: times ``(T,)`` float64 POSIX seconds UTC, states ``(T, N, 3)``
(time first) in km and km/s, error codes ``(T, N)`` uint8. SGP4 works in TEME; the rotations
to GCRS and ITRS come from skyfield (``core.orbits.frames``), one 3x3 matrix per time, applied to all
objects at once.

Work is cut into blocks of consecutive times for all objects, so the temporaries never exceed
``block_states`` object-times however long the span. ``propagate`` runs the blocks here;
``propagate_blocks`` runs them in worker processes (SGP4 holds the GIL, so threads would not
help) and yields them in time order. Workers receive the elements once and the rotation
matrices with each block: they never import skyfield.

Two velocities: ``propagate`` gives SGP4's own, which is not the time derivative of SGP4's
positions (it leaves out the rates of some periodic terms: up to 6 m/s apart in a Molniya
orbit). What is interpolated between samples (keyframes, trajectory files:
``LiveKeyframes``, ``propagate_blocks``) needs the derivative of the positions, so there the
velocity is a five-point central difference of the positions on the sample grid, in the output
frame, for which SGP4 also runs ``HALO`` samples beyond each end of the span.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

import numpy as np

from orbitview.core.interrupts import raise_if_stopped, stops_deferred
from orbitview.core.orbits.catalog import Catalog
from orbitview.core.orbits.sgp4_elements import satrecs_from_elements
from orbitview.core.orbits.times import posix_to_jd

FRAMES = ("TEME", "GCRS", "ITRS")
EARTH_ROTATION_RAD_S = 7.292115146706979e-5

#: Object-times per block: SGP4's float64 output for a block is about 50 MB.
DEFAULT_BLOCK_STATES = 1_000_000
#: Objects per tile when rotating SGP4's output into the time-first layout.
ROTATION_TILE = 1024
#: How long the parent and its workers wait for each other to start.
STARTUP_TIMEOUT_S = 60.0
#: Samples each side of a time whose positions its interpolation velocity is differenced from.
HALO = 2

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
    from orbitview.core.orbits.frames import gcrs_from_itrs, gcrs_from_teme

    if frame not in FRAMES:
        raise ValueError(f"frame must be one of {FRAMES}, not {frame!r}")
    if frame == "TEME":
        return None
    to_gcrs = gcrs_from_teme(times_s).reshape(-1, 3, 3)
    if frame == "GCRS":
        return np.ascontiguousarray(to_gcrs)
    return np.ascontiguousarray(np.einsum("tji,tjk->tik", gcrs_from_itrs(times_s).reshape(-1, 3, 3), to_gcrs))


def states_block(satrec_array, times_s: np.ndarray, rotation: np.ndarray | None, frame: str, dtype=np.float64,
                 out: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None, *, spacing_s: float | None = None):
    """SGP4 for all objects of ``satrec_array`` at ``times_s`` (T,), rotated by ``rotation``.

    Returns ``position_km``, ``velocity_km_s`` (T, N, 3) of ``dtype``, NaN where SGP4 failed,
    and ``error`` (T, N) uint8, the SGP4 error code (0 = valid); written into ``out``'s three
    arrays when given (the same values: everything is computed in float64 and rounded once).

    With ``spacing_s``, ``times_s`` and ``rotation`` are a grid padded by ``HALO`` samples each
    side (``padded_grid``); the states are those of the T - 2 HALO inner times, their velocity
    the derivative of the positions in ``frame`` (``position_derivative``), or SGP4's own where
    the difference would reach a sample at which SGP4 failed (an object decaying).
    """
    jd, fr = posix_to_jd(times_s)
    error, r, v = satrec_array.sgp4(jd, fr)
    halo = 0 if spacing_s is None else HALO
    t, n = len(times_s) - 2 * halo, len(r)
    inner = slice(halo, halo + t)
    if out is None:
        out = (np.empty((t, n, 3), dtype), np.empty((t, n, 3), dtype), np.empty((t, n), np.uint8))
    position, velocity, status = out
    turn = None if rotation is None else rotation.transpose(0, 2, 1)
    # SatrecArray gives (N, T, 3); the output is time first. Objects go in tiles whose float64
    # results stay in the cache until they are rounded into the output: rotating, reordering,
    # rounding and masking whole blocks cost ~6% of the SGP4 time, tile by tile ~4%.
    for lo in range(0, n, ROTATION_TILE):
        hi = min(n, lo + ROTATION_TILE)
        p = _scratch(0, (t + 2 * halo, ROTATION_TILE, 3))[:, :hi - lo]
        w = _scratch(1, (t, ROTATION_TILE, 3))[:, :hi - lo]
        _rotate(r[lo:hi], turn, p)
        if halo:
            position_derivative(p, spacing_s, out=w)
        else:
            _frame_velocity(v[lo:hi], turn, frame, p, w)
        position[:, lo:hi] = p[inner]
        velocity[:, lo:hi] = w
    status[...] = error.T[inner]
    failing = np.flatnonzero(error.any(axis=1))
    if len(failing):
        if halo:
            _sgp4_velocity_where_differences_fail(error[failing], r[failing], v[failing], turn, frame,
                                                  inner, failing, velocity)
        # SGP4 still returns numbers with some error codes (6, decayed): never let them be drawn.
        failed = status[:, failing] != 0
        for states in (position, velocity):
            part = states[:, failing]
            part[failed] = np.nan
            states[:, failing] = part
    return position, velocity, status


def _rotate(vectors: np.ndarray, turn: np.ndarray | None, out: np.ndarray) -> None:
    """(K, T, 3) TEME vectors into ``out`` (T, K, 3), by the transposed matrices ``turn``."""
    if turn is None:
        out[...] = vectors.transpose(1, 0, 2)
    else:
        # matmul against the transposed matrices rotates and reorders in one pass.
        np.matmul(vectors.transpose(1, 0, 2), turn, out=out)


def _frame_velocity(v_teme: np.ndarray, turn, frame: str, position: np.ndarray, out: np.ndarray) -> None:
    """SGP4's (K, T, 3) TEME velocities into ``out`` (T, K, 3) in ``frame``; ``position`` (T, K, 3)
    are the positions there (ITRS velocities are Earth-fixed)."""
    _rotate(v_teme, turn, out)
    if frame == "ITRS":
        # Earth-fixed velocity: subtract omega x r, omega along the ITRS z axis.
        out[..., 0] += EARTH_ROTATION_RAD_S * position[..., 1]
        out[..., 1] -= EARTH_ROTATION_RAD_S * position[..., 0]


def _sgp4_velocity_where_differences_fail(error, r, v, turn, frame, inner, columns, velocity) -> None:
    """Put SGP4's velocity (of ``r``, ``v``, (K, T, 3) TEME at the padded times) into the rows of
    ``velocity`` (T - 2 HALO, N, 3), at ``columns``, whose five-point difference reaches a failed
    sample; samples that failed themselves are masked by the caller."""
    reached = failures_reached(error.T)
    if not reached.any():
        return
    position = np.empty((len(reached), len(columns), 3))
    own = np.empty_like(position)
    _rotate(r[:, inner], None if turn is None else turn[inner], position)
    _frame_velocity(v[:, inner], None if turn is None else turn[inner], frame, position, own)
    part = velocity[:, columns]
    part[reached] = own[reached]
    velocity[:, columns] = part


def failures_reached(error: np.ndarray) -> np.ndarray:
    """(T - 2 HALO, ...) bool: the samples whose five-point difference (``position_derivative``)
    reaches one at which SGP4 failed, from the (T, ...) error codes of a padded grid."""
    failed = error != 0
    reached = np.zeros_like(failed[2 * HALO:])
    for k in range(2 * HALO + 1):
        reached |= failed[k:k + len(reached)]
    return reached


def position_derivative(position_km: np.ndarray, spacing_s: float, out: np.ndarray | None = None) -> np.ndarray:
    """(T - 4, ...) km/s: the time derivative of (T, ...) positions ``spacing_s`` apart, float64.

    Five-point central difference, error ``spacing**4 / 30`` times the fifth derivative: at a
    60 s spacing at most about 12 mm/s, where SGP4's own velocity is up to 6 m/s away from the
    derivative. Only additions, products and one division: the same on every CPU.
    """
    out = np.subtract(position_km[3:-1], position_km[1:-3], out=out)
    out *= 8.0
    out += position_km[:-4]
    out -= position_km[4:]
    out /= 12.0 * spacing_s
    return out


def padded_grid(times_s: np.ndarray, spacing_s: float | None = None) -> tuple[np.ndarray, float]:
    """``times_s`` (T,) with ``HALO`` more times each side, and their spacing in seconds.

    ``times_s`` must be evenly spaced (within a microsecond), ``spacing_s`` apart when given
    (needed for a single time). Interpolation velocities are differenced on this grid.
    """
    times_s = np.asarray(times_s, np.float64)
    if spacing_s is None:
        if len(times_s) < 2:
            raise ValueError("a single time needs spacing_s")
        spacing_s = (times_s[-1] - times_s[0]) / (len(times_s) - 1)
    if not spacing_s > 0 or np.any(np.abs(np.diff(times_s) - spacing_s) > 1e-6):
        raise ValueError(f"times must be evenly spaced, {spacing_s:g} s apart, to difference positions")
    before = times_s[0] - spacing_s * np.arange(HALO, 0, -1)
    after = times_s[-1] + spacing_s * np.arange(1, HALO + 1)
    return np.concatenate([before, times_s, after]), float(spacing_s)


#: Scratch arrays of each thread: a Dask worker may run blocks in several threads at once,
#: and the window's prefetch worker and the GUI thread may propagate at once.
_scratch_arrays = threading.local()


def _scratch(key: int, shape: tuple[int, int, int]) -> np.ndarray:
    """A float64 array of ``shape`` kept for reuse under ``key`` by this thread (fresh arrays
    cost page faults)."""
    arrays = _scratch_arrays.__dict__
    kept = arrays.get(key)
    if kept is None or kept.shape != shape:
        kept = arrays[key] = np.empty(shape)
    return kept


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


# --- block tasks: the same functions in this process, the pool's workers and a Dask cluster ---

#: ``[(elements, SatrecArray)]``: the satrecs of the last elements propagated in this process.
_satrecs_built: list[tuple[dict, object]] = []


def satrec_array_of(elements: dict[str, np.ndarray]):
    """The ``SatrecArray`` of ``catalog.sgp4_elements``, built once for the same dict: a worker
    propagates many blocks of one catalogue (for 26k objects building it takes ~0.1 s)."""
    from sgp4.api import SatrecArray

    if _satrecs_built and _satrecs_built[0][0] is elements:
        return _satrecs_built[0][1]
    satrec_array = SatrecArray(satrecs_from_elements(elements))
    _satrecs_built[:] = [(elements, satrec_array)]  # holding the dict keeps its id from being reused
    return satrec_array


def block_grid(padded_s: np.ndarray, frame: str, start: int, stop: int) -> tuple[np.ndarray, np.ndarray | None]:
    """What a block task needs besides the elements: the padded times of the sample times
    ``start:stop`` (``padded_grid``) and their ``(T + 2 HALO, 3, 3)`` rotations from TEME to
    ``frame`` (None for TEME), made where the blocks are handed out, so workers never load
    skyfield."""
    block = padded_s[start:stop + 2 * HALO]
    return block, rotations_from_teme(frame, block)


def propagate_block(elements: dict[str, np.ndarray], padded_s: np.ndarray, rotation: np.ndarray | None,
                    frame: str, spacing_s: float, out=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One block task: ``(position_km, velocity_km_s, error)`` of every object of ``elements``
    at the inner times of ``padded_s`` (``block_grid``), (T, N, 3) float32 in ``frame`` and
    (T, N) uint8, as ``propagate_blocks`` yields them; into ``out``'s arrays when given.
    Numpy in, numpy out: what runs it (this process, a pool worker, a Dask worker) cannot
    change a bit of the result."""
    return states_block(satrec_array_of(elements), padded_s, rotation, frame, np.float32, out=out,
                        spacing_s=spacing_s)


# --- worker processes -------------------------------------------------------------------------

_worker_elements = None
_worker_slots = None


def _worker_init(elements: dict[str, np.ndarray], started, pids, slots, slot_shape: tuple[int, int],
                 lifeline) -> None:
    global _worker_elements, _worker_slots
    # Forkserver workers block Ctrl-C from birth (``worker_context``); spawned ones from here.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=exit_with_parent, args=(lifeline,), name="lifeline", daemon=True).start()
    with started.get_lock():
        pids[started.value] = os.getpid()
        started.value += 1
    _worker_slots = _slot_views(slots, slot_shape)
    _worker_elements = elements
    satrec_array_of(elements)  # built before the first block arrives


def exit_with_parent(lifeline) -> None:
    """Block until the parent's end of ``lifeline`` closes, then end this worker at once.

    Only the parent holds the writing end, and the kernel closes it however the parent ends
    (SIGKILL included): a worker never outlives it by more than the block in hand (SGP4 holds
    the GIL). Nothing arrives on the pipe; it only ever ends.
    """
    try:
        lifeline.recv_bytes()
    except (EOFError, OSError):
        pass
    os._exit(1)


def _slot_views(slots, slot_shape: tuple[int, int]) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """``(position, velocity, error)`` arrays of each result slot of a shared ``RawArray``:
    (T, N, 3) float32, (T, N, 3) float32 and (T, N) uint8 for ``slot_shape`` = (T, N)."""
    t, n = slot_shape
    states = t * n * 3 * 4
    size = 2 * states + t * n
    raw = np.frombuffer(slots, dtype=np.uint8)
    views = []
    for k in range(len(raw) // size):
        slot = raw[k * size:(k + 1) * size]
        views.append((
            slot[:states].view(np.float32).reshape(t, n, 3),
            slot[states:2 * states].view(np.float32).reshape(t, n, 3),
            slot[2 * states:].reshape(t, n),
        ))
    return views


def _wait_for_workers(started, processes: int) -> None:
    """Poll (an interrupt cannot lose a count) until ``processes`` workers have started."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while started.value < processes and time.monotonic() < deadline:
        time.sleep(0.02)


def _worker_block(slot: int, padded_s: np.ndarray, rotation: np.ndarray | None, frame: str, spacing_s: float) -> int:
    """Propagate one block (its times padded, ``padded_grid``) into result slot ``slot``; only
    the slot's number travels back."""
    position, velocity, error = _worker_slots[slot]
    t = len(padded_s) - 2 * HALO
    propagate_block(_worker_elements, padded_s, rotation, frame, spacing_s, out=(position[:t], velocity[:t], error[:t]))
    return slot


def usable_cores() -> int:
    """CPUs this process may run on (the affinity mask, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def worker_context():
    """The multiprocessing context of propagation workers, its server started.

    forkserver starts workers from a clean interpreter (no inherited file handles or big
    parent arrays) far faster than spawn does; they fork from a server that has imported
    numpy, sgp4 and this module once (not ``__main__``). Call this early, and the server
    boots while the caller loads its catalogue.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    from multiprocessing import forkserver, resource_tracker

    # The resource tracker, the server and every worker forked from it inherit this signal
    # mask: a Ctrl-C or hangup sent to the whole process group (the terminal does) reaches
    # the parent alone, which stops them itself, instead of raising KeyboardInterrupt in a
    # child still importing numpy, or killing the tracker (the parent would start another,
    # which reports the first one's semaphores as unknown). The parent's own mask comes back
    # at once. Starting the tracker unblocks SIGINT (it ignores SIGINT and SIGTERM itself),
    # so the mask is set again for the server.
    blocked = {signal.SIGINT, signal.SIGHUP} if hasattr(signal, "SIGHUP") else {signal.SIGINT}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        resource_tracker.ensure_running()
        signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
        forkserver.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    return context


def propagate_blocks(
    elements: dict[str, np.ndarray],
    times_s: np.ndarray,
    frame: str = "GCRS",
    *,
    workers: int | None = None,
    block_states: int = DEFAULT_BLOCK_STATES,
    align: int = 1,
) -> Iterator[tuple[int, np.ndarray, np.ndarray, np.ndarray]]:
    """Blocks ``(start, position_km, velocity_km_s, error)`` in time order, float32.

    ``elements``: ``catalog.sgp4_elements``. Each block covers ``times_s[start:start + len]`` for
    all N objects: positions and velocities (len, N, 3) float32 in ``frame``, error (len, N)
    uint8. ``times_s`` are evenly spaced; the velocities are the time derivative of the
    positions (``padded_grid``). ``workers`` processes (default: every usable core; 1 runs
    here, in this process) start at once, before the first block is asked for, so a caller can
    prepare its output meanwhile; each has at most two blocks in hand, so memory stays bounded by
    ``block_states`` whatever the span. A block's arrays are valid until the next block is
    asked for (workers write straight into a few shared buffers): copy what must outlive it.
    ``close()`` the result when stopping early.
    """
    if frame not in FRAMES:
        raise ValueError(f"frame must be one of {FRAMES}, not {frame!r}")
    padded_s, spacing_s = padded_grid(times_s)
    n = len(elements["epoch_jd"])
    ranges = block_ranges(len(times_s), n, block_states, align)
    workers = usable_cores() if workers is None else max(1, int(workers))
    if workers == 1 or len(ranges) == 1:
        return _blocks_here(elements, padded_s, spacing_s, frame, ranges)
    return _WorkerBlocks(elements, padded_s, spacing_s, frame, ranges, min(workers, len(ranges)))


def _blocks_here(elements, padded_s, spacing_s, frame, ranges):
    for start, stop in ranges:
        yield (start, *propagate_block(elements, *block_grid(padded_s, frame, start, stop), frame, spacing_s))


class _WorkerBlocks:
    """``propagate_blocks`` in worker processes, results passed through shared memory.

    Passing a block back pickled cost its worker ~5% of the SGP4 time and the consumer as
    much again; here a worker writes into one of ``2 x processes + 1`` slots of a shared
    buffer (two in hand per worker, one with the consumer) and returns the slot's number.
    """

    def __init__(self, elements, padded_s: np.ndarray, spacing_s: float, frame: str, ranges, processes: int) -> None:
        self.padded_s, self.spacing_s, self.frame = padded_s, spacing_s, frame
        n = len(elements["epoch_jd"])
        slot_shape = (max(stop - start for start, stop in ranges), n)
        self.in_flight = 2 * processes
        context = worker_context()
        slot_bytes = slot_shape[0] * slot_shape[1] * (2 * 3 * 4 + 1)
        slots = context.RawArray("B", (self.in_flight + 1) * slot_bytes)
        self.slots = _slot_views(slots, slot_shape)
        self.free = deque(range(len(self.slots)))
        # Each worker counts itself in once it has unpickled its start-up data: one still
        # doing so when an interrupted parent cleans up dies loudly on the vanished
        # semaphores, so the parent waits for the count before it shuts the pool down.
        self.started = context.Value("i", 0)
        #: Each started worker's pid, so that a stop need not wait for the blocks in hand.
        self.pids = context.RawArray("i", processes)
        # The workers' lifeline (``exit_with_parent``): this process keeps the writing end.
        worker_end, self.lifeline = context.Pipe(duplex=False)
        self.executor = ProcessPoolExecutor(
            max_workers=processes,
            mp_context=context,
            initializer=_worker_init,
            initargs=(elements, self.started, self.pids, slots, slot_shape, worker_end),
        )
        self.processes = processes
        self.pending: deque = deque()
        self.todo = iter(ranges)
        self.submitted = 0
        self.with_consumer: int | None = None
        self.closed = False
        try:
            for _ in range(self.in_flight):
                self._submit_next()
        except BaseException:
            self.close()
            raise

    def _submit_next(self) -> None:
        block_range = next(self.todo, None)
        if block_range is None:
            return
        start, stop = block_range
        slot = self.free.popleft()
        # Each block's rotations are made as it is handed out, so the workers start without
        # waiting for the whole span's.
        block, rotation = block_grid(self.padded_s, self.frame, start, stop)
        # A submission may start a worker process, whose start-up data must arrive whole.
        with stops_deferred():
            future = self.executor.submit(_worker_block, slot, block, rotation, self.frame, self.spacing_s)
        self.pending.append((start, stop, future))
        self.submitted += 1

    def __iter__(self):
        return self

    def __next__(self) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
        if self.with_consumer is not None:
            self.free.append(self.with_consumer)
            self.with_consumer = None
        if self.closed or not self.pending:
            self.close()
            raise StopIteration
        try:
            start, stop, future = self.pending.popleft()
            slot = future.result()
            self._submit_next()
        except BrokenProcessPool:
            self.close(kill=False)  # the workers are gone already; their pids may be reused
            raise_if_stopped()  # they went with the signal that stops this process too
            raise
        except BaseException:
            self.close()
            raise
        self.with_consumer = slot
        position, velocity, error = self.slots[slot]
        t = stop - start
        return start, position[:t], velocity[:t], error[:t]

    def close(self, kill: bool = True) -> None:
        """Stop the workers, dropping blocks not yet handed out (also after Ctrl-C). Before the
        last block they are killed rather than waited for (``kill``): a block in hand can take
        seconds, and its result would be dropped."""
        if self.closed:
            return
        self.closed = True
        # Until a worker is idle each submission starts one, so no more than that many can
        # be starting (none when the interrupt came before the first).
        _wait_for_workers(self.started, min(self.processes, self.submitted))
        if kill and self.pending:
            for pid in self.pids[:self.started.value]:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.executor.shutdown(wait=True, cancel_futures=True)
        self.lifeline.close()
