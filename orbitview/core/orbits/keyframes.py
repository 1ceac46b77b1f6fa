"""Keyframe pairs: what the GPU holds to interpolate every object between two sample times."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np

from orbitview.core.orbits.catalog import Catalog
from orbitview.core.orbits.prefetch import sgp4_process_for, sgp4_states_gcrs
from orbitview.core.orbits.propagate import HALO, failures_reached, padded_grid, position_derivative, propagate

MAX_RADIUS_KM = 1.0e6
#: Pairs a ``LiveKeyframes`` keeps: the one drawn, the one prefetched after it, and a spare.
KEPT_PAIRS = 3
#: While the clock plays, a keyframe pair should last at least this long on the wall, seconds:
#: at x10,000 a 60 s pair lasted 6 ms, less than a frame, and SGP4 ran for every frame.
PAIR_WALL_S = 0.5
#: The longest step between keyframes while playing, s. Cubic Hermite between SGP4's states
#: (its own velocities) 480 s apart stays within ``PLAYING_BOUND_KM`` of direct SGP4 in every
#: orbit regime (docs/trajectories.md, "Keyframes while playing"; tests/test_interpolation.py):
#: 5.3 km at worst (GTO), 74 km at 960 s.
MAX_PLAYING_STEP_S = 480.0
#: What the pairs of ``playing_step_s`` are within of direct SGP4, km.
PLAYING_BOUND_KM = 6.0


def playing_step_s(speed: float, exact_step_s: float = 60.0) -> float:
    """The keyframe step to play at ``speed`` (simulated s per wall s; 0 paused), s:
    ``exact_step_s`` times a power of two, the shortest that lasts ``PAIR_WALL_S`` on the wall,
    at most ``MAX_PLAYING_STEP_S``. Powers of two keep every step's grid on the exact one."""
    step = exact_step_s
    while step < abs(speed) * PAIR_WALL_S and 2 * step <= MAX_PLAYING_STEP_S:
        step *= 2
    return step


@dataclass(frozen=True)
class Keyframes:
    """States of N objects at ``t0_s`` and ``t1_s`` (POSIX seconds), GCRS, float32.

    ``position0_km``, ``velocity0_km_s``, ``position1_km``, ``velocity1_km_s``: (N, 3) float32;
    the velocities are the time derivative of SGP4's positions (``padded_grid``), not SGP4's
    own velocities, so that the Hermite cubic between them follows the positions.
    ``valid``: (N,) bool, False where SGP4 failed at either end (decayed objects).
    ``coarse``: a pair for playing (``LiveKeyframes.at`` with a longer ``step_s``), with SGP4's
    own velocities, within ``PLAYING_BOUND_KM`` of SGP4; False: the exact pair of its time.
    """

    t0_s: float
    t1_s: float
    position0_km: np.ndarray
    velocity0_km_s: np.ndarray
    position1_km: np.ndarray
    velocity1_km_s: np.ndarray
    valid: np.ndarray
    coarse: bool = False

    @classmethod
    def absent(cls, n: int, t0_s: float, t1_s: float) -> "Keyframes":
        """N objects that do not exist from ``t0_s`` to ``t1_s``: none valid, all zero."""
        zeros = np.zeros((n, 3), np.float32)
        return cls(t0_s, t1_s, zeros, zeros, zeros, zeros, np.zeros(n, bool))

    def contains(self, t_s: float) -> bool:
        return self.t0_s <= t_s <= self.t1_s

    def clamp(self, t_s: float) -> float:
        """``t_s`` moved into the interval: where the renderer draws a time outside it."""
        return min(max(t_s, self.t0_s), self.t1_s)

    def distance_s(self, t_s: float) -> float:
        """How far ``t_s`` lies outside the interval, seconds (0 inside)."""
        return max(self.t0_s - t_s, t_s - self.t1_s, 0.0)

    def interpolate(self, t_s: float, rows=slice(None)) -> np.ndarray:
        """(N, 3) float64 GCRS km at ``t_s`` by cubic Hermite: the formula of the vertex shader.

        ``rows`` (an index or index array) restricts it to some objects.
        """
        h = self.t1_s - self.t0_s
        return hermite(
            self.position0_km[rows], self.velocity0_km_s[rows],
            self.position1_km[rows], self.velocity1_km_s[rows],
            h, (t_s - self.t0_s) / h,
        )


def hermite(p0, v0, p1, v1, h: float, s: float) -> np.ndarray:
    """Cubic Hermite between (N, 3) float32 states ``h`` seconds apart at fraction ``s``.

    Returns (N, 3) float64 km. The change from ``p0`` (at most a few hundred km) is summed in
    float32, which costs under a millimetre and half the time; only the final sum with ``p0``,
    where float32 would round by up to 0.25 m, is float64.
    """
    s2, s3 = s * s, s * s * s
    change = np.subtract(p1, p0, dtype=np.float32)
    change *= np.float32(-2 * s3 + 3 * s2)
    change += np.float32((s3 - 2 * s2 + s) * h) * v0
    change += np.float32((s3 - s2) * h) * v1
    result = p0.astype(np.float64)
    result += change
    return result


class LiveKeyframes:
    """Keyframes for a catalogue from SGP4 on demand, on a grid of ``step_s`` seconds.

    ``appear_s``: (N,) POSIX s from which each object exists (``core.orbits.launch_dates``; None: always).
    An object is valid in the pairs that start at or after it, so it appears within ``step_s``.

    Safe to call from several threads (the window's prefetch worker and the GUI thread):
    one pair is computed at a time, and the last ``KEPT_PAIRS`` are kept, so the GUI thread
    asking for the pair drawn (picking, following) gets the one the worker made before it, and
    ``nearest_kept`` answers without computing one.
    """

    def __init__(self, catalog: Catalog, step_s: float = 60.0, appear_s: np.ndarray | None = None) -> None:
        self.catalog = catalog
        self.step_s = float(step_s)
        #: The last pairs computed, by (t0_s, t1_s, coarse), oldest first.
        self._pairs: dict[tuple[float, float, bool], Keyframes] = {}
        #: SGP4's GCRS (position, velocity, error) of the last pair's padded grid, by time.
        self._sgp4: dict[float, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        #: The same at the ends of the last coarse pair (playing).
        self._coarse: dict[float, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._lock = threading.Lock()
        self.set_appear_s(appear_s)

    def __len__(self) -> int:
        return len(self.catalog)

    def set_appear_s(self, appear_s: np.ndarray | None) -> None:
        """Change when objects appear (a SATCAT's launch dates arrived); pairs are made again."""
        with self._lock:
            self.appear_s = None if appear_s is None else np.asarray(appear_s, np.float64)
            self._pairs.clear()
            self._sgp4, self._coarse = {}, {}
        #: (rows, catalog.take(rows)) of the objects that existed at the last times propagated.
        self._launched: tuple[np.ndarray, Catalog] | None = None

    def at(self, t_s: float, step_s: float | None = None) -> Keyframes:
        """The pair around ``t_s``: exact, on the grid of ``self.step_s``; with a longer
        ``step_s`` (``playing_step_s``) a coarse one on that grid, made from one SGP4 time per
        new end."""
        step = self.step_s if step_s is None or step_s <= self.step_s else float(step_s)
        t0 = math.floor(t_s / step) * step
        return self.between(t0, t0 + step, coarse=step != self.step_s)

    def nearest_kept(self, t_s: float) -> Keyframes:
        """The kept pair nearest to ``t_s`` (one containing it if any), computing none: what
        the window draws while the clock plays. Only before any pair is kept is one computed."""
        with self._lock:
            kept = list(self._pairs.values())
        if not kept:
            return self.at(t_s)
        return min(reversed(kept), key=lambda keyframes: keyframes.distance_s(t_s))

    def between(self, t0_s: float, t1_s: float, coarse: bool = False) -> Keyframes:
        """Keyframes at exactly ``t0_s`` and ``t1_s`` (used to break the grid at an event);
        ``coarse``: from SGP4's own velocities (see ``at``).

        The last pairs are kept: the renderer, picking and the info panel ask for the same ones.
        """
        key = (t0_s, t1_s, coarse)
        with self._lock:
            kept = self._pairs.get(key)
            if kept is None:
                kept = self._coarse_pair(t0_s, t1_s) if coarse else self._propagate(t0_s, t1_s)
                if len(self._pairs) >= KEPT_PAIRS:
                    del self._pairs[next(iter(self._pairs))]
            else:
                del self._pairs[key]  # re-inserted last: the most recently asked
            self._pairs[key] = kept
            return kept

    def _propagate(self, t0_s: float, t1_s: float) -> Keyframes:
        # Velocities are differenced step_s apart whatever the pair's length: a pair cut short
        # at an event has each end differenced on its own.
        grids = [[t0_s, t1_s]] if t1_s - t0_s == self.step_s else [[t0_s], [t1_s]]
        kept, self._sgp4 = self._sgp4, {}  # _grid_states refills it with this pair's times
        parts = [self._grid_states(np.array(times), kept) for times in grids]
        position_km, velocity_km_s, error = (np.concatenate(column) for column in zip(*parts))
        return self._keyframes(t0_s, t1_s, position_km, velocity_km_s, error)

    def _keyframes(self, t0_s: float, t1_s: float, position_km: np.ndarray, velocity_km_s: np.ndarray,
                   error: np.ndarray, coarse: bool = False) -> Keyframes:
        """The pair of (2, N, 3) GCRS states at ``t0_s`` and ``t1_s`` and their (2, N) error codes."""
        # SGP4 far outside its elements' useful span can return finite nonsense (1e10 km)
        # without an error code: such objects are not drawn.
        radius = np.linalg.norm(np.nan_to_num(position_km), axis=-1)
        valid = (error == 0).all(axis=0) & (radius < MAX_RADIUS_KM).all(axis=0)
        if self.appear_s is not None:
            valid &= self.appear_s <= t0_s
        position = np.where(valid[None, :, None], np.nan_to_num(position_km), 0.0).astype(np.float32)
        velocity = np.where(valid[None, :, None], np.nan_to_num(velocity_km_s), 0.0).astype(np.float32)
        return Keyframes(t0_s, t1_s, position[0], velocity[0], position[1], velocity[1], valid, coarse)

    def _coarse_pair(self, t0_s: float, t1_s: float) -> Keyframes:
        """SGP4's positions and own velocities at both ends: no padded grid (differences over
        steps of minutes are worse than SGP4's velocity), the end shared with the last pair reused."""
        kept, self._coarse = self._coarse, {}
        missing = [t for t in (t0_s, t1_s) if t not in kept]
        if missing:
            position, velocity, error = self._launched_states(np.array(missing))
            kept = {**kept, **{t: (position[k], velocity[k], error[k]) for k, t in enumerate(missing)}}
        self._coarse = {t: kept[t] for t in (t0_s, t1_s)}
        position_km, velocity_km_s, error = (np.stack([kept[t][j] for t in (t0_s, t1_s)]) for j in range(3))
        return self._keyframes(t0_s, t1_s, position_km, velocity_km_s, error, coarse=True)

    def _launched_states(self, times_s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """SGP4's GCRS states at ``times_s`` of the objects that exist by the last of them; the
        others are left out (error code 1): SGP4 decades before an element set's epoch is slow
        (deep-space resonance is integrated from the epoch) as well as meaningless."""
        rows = None if self.appear_s is None else np.flatnonzero(self.appear_s <= times_s.max())
        if rows is None or len(rows) == len(self):
            return self._sgp4_gcrs(times_s)
        position = np.zeros((len(times_s), len(self), 3))
        velocity = np.zeros((len(times_s), len(self), 3))
        error = np.ones((len(times_s), len(self)), np.uint8)
        if not len(rows):
            return position, velocity, error
        remote = sgp4_process_for(self.catalog)
        if remote is not None:  # the window's worker: in the catalogue's child, off this GIL
            position[:, rows], velocity[:, rows], error[:, rows] = remote.states_gcrs(times_s, rows)
            return position, velocity, error
        if self._launched is None or not np.array_equal(self._launched[0], rows):
            self._launched = (rows, self.catalog.take(rows))
        states = propagate(self._launched[1], times_s, "GCRS")
        position[:, rows], velocity[:, rows], error[:, rows] = states.position_km, states.velocity_km_s, states.error
        return position, velocity, error

    def _grid_states(self, times_s: np.ndarray, kept: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """GCRS positions, their derivative and SGP4's error codes at ``times_s`` (step_s apart).

        SGP4 runs only at the padded grid's times that ``kept`` (the previous pair's, by time)
        lacks: playing on to the next pair takes one new time, not six.
        """
        padded = padded_grid(times_s, self.step_s)[0].tolist()
        missing = [t for t in padded if t not in kept]
        if missing:
            position, velocity, error = self._launched_states(np.array(missing))
            kept = {**kept, **{t: (position[k], velocity[k], error[k]) for k, t in enumerate(missing)}}
        self._sgp4.update((t, kept[t]) for t in padded)
        position, sgp4_velocity, error = (np.stack([kept[t][j] for t in padded]) for j in range(3))
        inner = slice(HALO, len(padded) - HALO)
        velocity = position_derivative(position, self.step_s)
        # Next to a sample where SGP4 failed (an object decaying), SGP4's own velocity.
        reached = failures_reached(error)
        velocity[reached] = sgp4_velocity[inner][reached]
        return position[inner], velocity, error[inner]

    def _sgp4_gcrs(self, times_s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """SGP4 of the whole catalogue (``core.orbits.prefetch.sgp4_states_gcrs``)."""
        return sgp4_states_gcrs(self.catalog, times_s)


class WindowedKeyframes:
    """Objects that exist only from ``start_s`` until ``end_s``: a satellite until its breakup,
    the fragments after it. Keyframe intervals are cut at both times, so objects appear and
    vanish exactly then, not at the next grid step."""

    def __init__(self, inner: LiveKeyframes, start_s: float = -math.inf, end_s: float = math.inf):
        self.inner = inner
        self.start_s = start_s
        self.end_s = end_s

    def __len__(self) -> int:
        return len(self.inner)

    def at(self, t_s: float, step_s: float | None = None) -> Keyframes:
        """The pair around ``t_s`` (``LiveKeyframes.at``), cut at the window's ends."""
        return self._cut(t_s, lambda: self.inner.at(t_s, step_s))

    def nearest_kept(self, t_s: float) -> Keyframes:
        """``LiveKeyframes.nearest_kept``: outside the window the absent pair, inside it the
        inner kept pair nearest to ``t_s``, cut at the window's ends."""
        return self._cut(t_s, lambda: self.inner.nearest_kept(t_s))

    def _cut(self, t_s: float, inner_pair) -> Keyframes:
        """``inner_pair()`` (asked only inside the window) cut at the window's ends."""
        # ``contains`` is inclusive at both ends, and the renderer keeps the pair it holds while
        # it contains the clock: a pair stops one representable instant short of an edge it is
        # not on, or what is drawn exactly at ``start_s`` or ``end_s`` would depend on where the
        # clock came from.
        if t_s < self.start_s:
            return Keyframes.absent(len(self), t_s - 1e9, math.nextafter(self.start_s, -math.inf))
        if t_s >= self.end_s:
            return Keyframes.absent(len(self), self.end_s, t_s + 1e9)
        keyframes = inner_pair()
        t0 = max(keyframes.t0_s, self.start_s)
        t1 = min(keyframes.t1_s, math.nextafter(self.end_s, -math.inf))
        if (t0, t1) == (keyframes.t0_s, keyframes.t1_s):
            return keyframes
        return self.inner.between(t0, t1, keyframes.coarse)
