"""Ephemerides: objects given as sampled states (CCSDS OEM segments), interpolated as their
producer says, and served to the renderer like a trajectory file.

A ``Segment`` holds one object's states over one span in the frame they were given in
(GCRS, TEME or ITRS) and the interpolation its metadata names (Lagrange or Hermite of a
degree). Interpolation runs in that frame, in float64, over the samples nearest the time; the
result is then rotated to GCRS. ``Ephemerides`` gathers the segments of N objects: an object
exists only within its segments' useable spans.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from orbitview.core.orbits.keyframes import Keyframes
from orbitview.core.orbits.propagate import EARTH_ROTATION_RAD_S

INTERPOLATIONS = ("LAGRANGE", "HERMITE")
#: Seconds between the keyframes handed to the renderer (which interpolates between them by
#: cubic Hermite: under a centimetre for LEO at this step). Span ends are keyframes too.
KEYFRAME_STEP_S = 60.0


@dataclass(frozen=True)
class Segment:
    """One object's states over one span.

    ``times_s``: (T,) float64 POSIX seconds UTC, increasing. ``position_km``: (T, 3) float64,
    ``velocity_km_s``: (T, 3) float64, in ``frame`` (GCRS, TEME or ITRS). ``interpolation``:
    one of ``INTERPOLATIONS``, of ``degree``. ``useable_s``: (start, stop) POSIX seconds within
    which the segment may be used (the sample span when the file gives none).
    """

    times_s: np.ndarray
    position_km: np.ndarray
    velocity_km_s: np.ndarray
    frame: str
    interpolation: str = "LAGRANGE"
    degree: int = 7
    useable_s: tuple[float, float] | None = None

    @property
    def span_s(self) -> tuple[float, float]:
        if self.useable_s is not None:
            return self.useable_s
        return float(self.times_s[0]), float(self.times_s[-1])

    def covers(self, t_s: float) -> bool:
        start, stop = self.span_s
        return start <= t_s <= stop

    def state_at(self, t_s: float) -> tuple[np.ndarray, np.ndarray]:
        """Position (3,) km and velocity (3,) km/s float64 in ``frame`` at ``t_s``: Hermite gives
        both from one polynomial; Lagrange interpolates positions and velocities alike."""
        window = self._window(t_s)
        t = self.times_s[window]
        if self.interpolation == "HERMITE":
            return hermite_interpolate(t, self.position_km[window], self.velocity_km_s[window], t_s)
        # Lagrange velocities: the same polynomial over the same samples' velocities.
        return lagrange_interpolate(t, self.position_km[window], t_s), lagrange_interpolate(
            t, self.velocity_km_s[window], t_s)

    def _window(self, t_s: float) -> slice:
        """The samples the interpolation uses: degree + 1 for Lagrange, (degree + 1) / 2 for
        Hermite (each sample gives two conditions), nearest ``t_s``, within the segment."""
        n = len(self.times_s)
        count = self.degree + 1 if self.interpolation == "LAGRANGE" else (self.degree + 2) // 2
        count = max(2, min(count, n))
        k = int(np.searchsorted(self.times_s, t_s))
        first = min(max(k - count // 2, 0), n - count)
        return slice(first, first + count)


def lagrange_interpolate(times_s: np.ndarray, values: np.ndarray, t_s: float) -> np.ndarray:
    """The Lagrange polynomial through (K,) ``times_s`` and (K, 3) ``values`` at ``t_s``.

    Times are taken relative to the first and scaled to the window, so float64 keeps its
    digits whatever the epoch.
    """
    scale = max(float(times_s[-1] - times_s[0]), 1.0)
    x = (times_s - times_s[0]) / scale
    u = (t_s - times_s[0]) / scale
    exact = np.flatnonzero(x == u)
    if len(exact):
        return np.array(values[exact[0]], np.float64)
    gaps = x[:, None] - x[None, :]
    np.fill_diagonal(gaps, 1.0)
    offsets = u - x  # none zero: an exact hit returned above
    weights = np.prod(offsets) / offsets / np.prod(gaps, axis=1)
    return weights @ np.asarray(values, np.float64)


def hermite_interpolate(times_s: np.ndarray, position_km: np.ndarray, velocity_km_s: np.ndarray,
                        t_s: float) -> tuple[np.ndarray, np.ndarray]:
    """The Hermite polynomial matching (K, 3) positions and their derivatives, velocities,
    at (K,) ``times_s``: degree 2K - 1 (Newton divided differences over the doubled nodes).
    Returns its value (3,) km and its derivative (3,) km/s at ``t_s``."""
    scale = max(float(times_s[-1] - times_s[0]), 1.0)
    x = (times_s - times_s[0]) / scale
    u = (t_s - times_s[0]) / scale
    z = np.repeat(x, 2)
    table = np.repeat(np.asarray(position_km, np.float64), 2, axis=0)
    derivative = np.asarray(velocity_km_s, np.float64) * scale  # d/du = scale * d/dt
    coefficients = [table[0].copy()]
    # First differences: the derivative where a node repeats, the slope elsewhere.
    level = np.empty((len(z) - 1, table.shape[1]))
    for i in range(len(z) - 1):
        level[i] = derivative[i // 2] if i % 2 == 0 else (table[i + 1] - table[i]) / (z[i + 1] - z[i])
    coefficients.append(level[0].copy())
    for order in range(2, len(z)):
        level = (level[1:] - level[:-1]) / (z[order:] - z[:-order])[:, None]
        coefficients.append(level[0].copy())
    result = coefficients[-1].copy()
    slope = np.zeros_like(result)
    for k in range(len(z) - 2, -1, -1):
        slope = slope * (u - z[k]) + result
        result = result * (u - z[k]) + coefficients[k]
    return result, slope / scale


def to_gcrs(frame: str, t_s: float, position_km: np.ndarray, velocity_km_s: np.ndarray):
    """(..., 3) positions and velocities in ``frame`` at ``t_s`` rotated to GCRS, float64."""
    from orbitview.core.orbits.frames import gcrs_from_itrs, gcrs_from_teme

    if frame == "GCRS":
        return position_km, velocity_km_s
    if frame == "TEME":
        rotation = gcrs_from_teme(t_s)
        return position_km @ rotation.T, velocity_km_s @ rotation.T
    rotation = gcrs_from_itrs(t_s)
    # An Earth-fixed velocity lacks the Earth's spin: v_inertial = v + omega x r.
    spun = np.array(velocity_km_s, np.float64)
    spun[..., 0] -= EARTH_ROTATION_RAD_S * position_km[..., 1]
    spun[..., 1] += EARTH_ROTATION_RAD_S * position_km[..., 0]
    return position_km @ rotation.T, spun @ rotation.T


class Ephemerides:
    """N objects given by segments of states; serves the renderer as ``Trajectories`` does.

    ``segments``: per object, its segments in time order. ``times_s``: (K,) float64 POSIX
    seconds, the keyframe grid (every ``KEYFRAME_STEP_S`` and every span end). ``frame`` is
    ``"GCRS"``: what ``positions_at`` and ``at`` give. ``source``: where they came from.
    """

    frame = "GCRS"

    def __init__(self, segments: list[list[Segment]], source: str = "") -> None:
        if not segments or not all(segments):
            raise ValueError("every object needs at least one segment")
        self.segments = segments
        self.source = source
        ends = sorted({t for object_segments in segments for s in object_segments for t in s.span_s})
        self.start_s, self.end_s = ends[0], ends[-1]
        count = max(1, math.ceil((self.end_s - self.start_s) / KEYFRAME_STEP_S))
        grid = np.minimum(self.start_s + KEYFRAME_STEP_S * np.arange(count + 1), self.end_s)
        self.times_s = np.unique(np.concatenate([grid, ends]))
        self._last: Keyframes | None = None

    def __len__(self) -> int:
        return len(self.segments)

    def _segment(self, row: int, t_s: float) -> Segment | None:
        return next((s for s in self.segments[row] if s.covers(t_s)), None)

    def state_of(self, row: int, t_s: float) -> tuple[np.ndarray, np.ndarray] | None:
        """(3,) GCRS position km and velocity km/s float64 of object ``row`` at ``t_s``; None
        when it does not exist then."""
        segment = self._segment(row, t_s)
        if segment is None:
            return None
        return to_gcrs(segment.frame, t_s, *segment.state_at(t_s))

    def states_at(self, t_s: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(N, 3) GCRS position km, (N, 3) velocity km/s float64, and (N,) bool: whether each
        object exists at ``t_s`` (elsewhere the states are NaN)."""
        n = len(self)
        position, velocity = np.full((n, 3), np.nan), np.full((n, 3), np.nan)
        exists = np.zeros(n, bool)
        frames = np.full(n, "", dtype=object)
        for row in range(n):
            segment = self._segment(row, t_s)
            if segment is None:
                continue
            position[row], velocity[row] = segment.state_at(t_s)
            exists[row], frames[row] = True, segment.frame
        # One rotation per frame and time, for all the objects given in that frame.
        for frame in set(frames[exists]):
            rows = np.flatnonzero(frames == frame)
            position[rows], velocity[rows] = to_gcrs(frame, t_s, position[rows], velocity[rows])
        return position, velocity, exists

    def sample(self, times_s: np.ndarray, frame: str = "GCRS") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """States at (T,) ``times_s`` in ``frame`` (GCRS, TEME or ITRS): position (T, N, 3) km,
        velocity (T, N, 3) km/s float64 (NaN where absent) and (T, N) bool, where they exist."""
        from orbitview.core.orbits.frames import gcrs_from_itrs, gcrs_from_teme

        times_s = np.asarray(times_s, np.float64)
        position, velocity, exists = (np.array(a) for a in zip(*(self.states_at(t) for t in times_s)))
        if frame == "GCRS":
            return position, velocity, exists
        to_gcrs = gcrs_from_teme(times_s) if frame == "TEME" else gcrs_from_itrs(times_s)
        to_gcrs = to_gcrs.reshape(-1, 3, 3)
        # Row vectors times M is M^T times column vectors: GCRS into the frame.
        position = np.einsum("tnj,tjk->tnk", position, to_gcrs)
        velocity = np.einsum("tnj,tjk->tnk", velocity, to_gcrs)
        if frame == "ITRS":
            # An Earth-fixed velocity leaves out the Earth's spin: v = v_inertial - omega x r.
            velocity[..., 0] += EARTH_ROTATION_RAD_S * position[..., 1]
            velocity[..., 1] -= EARTH_ROTATION_RAD_S * position[..., 0]
        return position, velocity, exists

    def positions_at(self, t_s: float) -> np.ndarray:
        """(N, 3) float64 GCRS km at ``t_s``; NaN for objects that do not exist then."""
        return self.states_at(t_s)[0]

    def nearest_kept(self, t_s: float) -> Keyframes:
        """The pair around ``t_s`` (``at``): reading the ephemeris' samples runs no SGP4."""
        return self.at(t_s)

    def at(self, t_s: float, step_s: float | None = None) -> Keyframes:
        """The GCRS keyframe pair around ``t_s`` (on the ephemeris' own grid: ``step_s``, a
        playing step, is not used). An object is valid when both keyframes lie
        in one of its spans; outside the whole span nothing exists (as for trajectory files)."""
        if t_s < self.start_s:
            return Keyframes.absent(len(self), t_s - 1e9, math.nextafter(self.start_s, -math.inf))
        if t_s > self.end_s:
            return Keyframes.absent(len(self), math.nextafter(self.end_s, math.inf), t_s + 1e9)
        if self._last is not None and self._last.contains(t_s):
            return self._last
        k = min(max(int(np.searchsorted(self.times_s, t_s, side="right")) - 1, 0), len(self.times_s) - 2)
        t0, t1 = float(self.times_s[k]), float(self.times_s[k + 1])
        p0, v0, ok0 = self.states_at(t0)
        p1, v1, ok1 = self.states_at(t1)
        # Both ends in the same object's span: span ends are keyframes, so no interval straddles one.
        middle = np.array([self._segment(row, 0.5 * (t0 + t1)) is not None for row in range(len(self))])
        valid = ok0 & ok1 & middle
        arrays = [np.where(valid[:, None], a, 0.0).astype(np.float32) for a in (p0, v0, p1, v1)]
        self._last = Keyframes(t0, t1, *arrays, valid)
        return self._last


def fitted_catalog(ephemerides: Ephemerides, names, designators, norad_id: np.ndarray, source: str):
    """A ``Catalog`` for the objects of ``ephemerides``: names, designators and numbers as
    given, and SGP4 mean elements fitted to each object's first state (``fit_mean_elements``).

    The ephemeris is what is drawn; the elements serve what needs an orbit rather than a state
    (period, inclination and apsides in the info panel, the orbit and ground track), and are
    only as close to the ephemeris as SGP4 stays to it away from that first state.
    """
    from orbitview.core.orbits.catalog import Catalog
    from orbitview.core.orbits.classify import classify_many
    from orbitview.core.orbits.frames import gcrs_from_teme
    from orbitview.core.orbits.mean_elements import fit_mean_elements
    from orbitview.core.orbits.times import posix_to_jd

    n = len(ephemerides)
    columns = {key: np.zeros(n) for key in ("mean_motion_rev_per_day", "eccentricity", "inclination_deg",
                                           "raan_deg", "arg_perigee_deg", "mean_anomaly_deg")}
    epoch_jd, epoch_fr = np.zeros(n), np.zeros(n)
    for row, segments in enumerate(ephemerides.segments):
        t_s = segments[0].span_s[0]
        p, v = to_gcrs(segments[0].frame, t_s, *segments[0].state_at(t_s))
        teme_from_gcrs = gcrs_from_teme(t_s).T
        jd, fr = posix_to_jd(t_s)
        fit = fit_mean_elements((teme_from_gcrs @ p)[None], (teme_from_gcrs @ v)[None], float(jd[0]), float(fr[0]))
        for key, column in columns.items():
            column[row] = getattr(fit, key)[0]
        epoch_jd[row], epoch_fr[row] = jd[0], fr[0]
    names = np.array([str(v) for v in names], dtype=object)
    designators = np.array([str(v) for v in designators], dtype=object)
    zeros = np.zeros(n)
    return Catalog(
        norad_id=norad_id, name=names, intl_designator=designators,
        object_class=classify_many(names, designators), epoch_jd=epoch_jd, epoch_fr=epoch_fr,
        bstar=zeros, mean_motion_dot=zeros, mean_motion_ddot=zeros,
        element_set_no=np.zeros(n, np.int64), rev_at_epoch=np.zeros(n, np.int64),
        classification=np.full(n, "U", dtype=object), source=np.full(n, source, dtype=object), **columns,
    )
