"""When a near-Earth object can be near a primary: time windows around the nodes of its orbit on
the primary's, from SGP4's mean elements, so that a screening propagates it only there.

A position within ``T`` of the primary's is within ``T`` of its radius and within ``T`` of its
distance from any plane. Take the primary's mean orbit plane (its SGP4 mean inclination and node
at the time, normal ``n_p``): the primary's own positions stay within ``h_p`` of it (measured per
window from its positions every ``PATH_STEP_S``, with the chord bound of ``bounds`` between
them), so an object can be within ``T`` only while it is within ``T + h_p`` of that plane. On
its own mean orbit an object at argument of latitude ``u`` lies ``rho sin(u - u_N) sin I`` from
it (``u_N`` the argument of latitude of the mutual node, ``I`` the mutual inclination): it is
near only in two short arcs an orbit, around ``u_N`` and ``u_N + pi``, and only where its radius
there meets the primary's radius range.

SGP4 keeps mean elements that it updates as it propagates (``Satrec.am``, ``em``, ``im``, ``Om``,
``om``, ``mm``, ``nm``: secular J2 and drag terms) and adds short-period terms to them. They are
read every ``SNAPSHOT_STEP_S`` and interpolated in between (linearly; the mean anomaly by cubic
Hermite with its secular rate). How far SGP4's positions stray from that mean orbit was measured
on the whole real 2023 catalogue over 7 days, every 2 minutes, and is padded about twice over:
out of the mean plane at most 3.0 km (``PLANE_PAD_KM`` 6), along it at most 0.040 rad
(``ANGLE_PAD_RAD`` 0.09; a decaying object with B* 0.24, and high-drag fits with negative B*:
99.9% of objects stay within 0.019), and radially from the mean ellipse, at the position's own
argument of latitude, at most 14.2 km (``RADIUS_PAD_KM`` 30; SGP4's short-period radial term,
about 10 km for most). tests/test_crossings.py checks every 8th object against half the pads.

Where the mean planes are within ``asin(MIN_SIN_MUTUAL)`` of each other (co-orbiting objects,
docked vehicles) or the node moves too fast to follow, the whole window is kept wherever the
radius bands meet. Deep-space objects (lunar-solar terms move them far from their mean elements)
are not handled here (``bands.radius_segments``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orbitview.core.conjunctions.bounds import chord_sag_km, segment_min_distance_km
from orbitview.core.orbits.times import posix_to_jd

#: Seconds between the mean-element snapshots that are interpolated.
SNAPSHOT_STEP_S = 6 * 3600.0
PLANE_PAD_KM = 6.0
ANGLE_PAD_RAD = 0.09
RADIUS_PAD_KM = 30.0
#: Below this sine of the mutual inclination the two planes are treated as one.
MIN_SIN_MUTUAL = 0.1
#: Largest change of the mutual node's argument of latitude within a window that is followed.
MAX_NODE_TURN_RAD = 0.5
#: Seconds between the primary's own samples that bound its path.
PATH_STEP_S = 10.0
#: Newton steps solving for the time of a given argument of latitude.
TIME_SOLVER_STEPS = 4


@dataclass(frozen=True)
class MeanElements:
    """SGP4's mean elements of N objects at S snapshot times: (N, S) arrays, NaN where SGP4 failed.

    Angles in radians as SGP4 holds them; ``anomaly_rate`` rad/s, the mean anomaly's secular rate
    (J2's ``mdot`` and drag's change of the mean motion).
    """

    times_s: np.ndarray
    a_km: np.ndarray
    e: np.ndarray
    inclination: np.ndarray
    node: np.ndarray
    perigee: np.ndarray
    anomaly: np.ndarray
    anomaly_rate: np.ndarray

    def windows(self, rows: np.ndarray, window: np.ndarray) -> "WindowElements":
        """The elements of objects ``rows`` across snapshot windows ``window`` (between snapshots
        ``window`` and ``window + 1``), one entry each."""
        start = [x[rows, window] for x in (self.a_km, self.e, self.inclination, self.node, self.perigee,
                                            self.anomaly, self.anomaly_rate)]
        end = [x[rows, window + 1] for x in (self.a_km, self.e, self.inclination, self.node, self.perigee,
                                              self.anomaly, self.anomaly_rate)]
        t0, t1 = self.times_s[window], self.times_s[window + 1]
        for angle in (3, 4):  # node and perigee move far less than half a turn in a window
            end[angle] = start[angle] + _wrap(end[angle] - start[angle])
        # Whole revolutions of the mean anomaly, from its rate (known far better than half a turn).
        step = end[5] - start[5]
        end[5] = start[5] + step + 2 * np.pi * np.round((0.5 * (start[6] + end[6]) * (t1 - t0) - step) / (2 * np.pi))
        return WindowElements(t0, t1 - t0, np.stack(start), np.stack(end))


@dataclass(frozen=True)
class WindowElements:
    """Mean elements at both ends of M windows (``start``, ``end``: (7, M), the rows of
    ``MeanElements``' fields, unwrapped across each window), interpolated in between: linearly,
    the mean anomaly by cubic Hermite with its rates."""

    t0_s: np.ndarray
    width_s: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def subset(self, keep) -> "WindowElements":
        """The windows picked by ``keep`` (a mask or indices, repeats allowed)."""
        return WindowElements(self.t0_s[keep], self.width_s[keep], self.start[:, keep], self.end[:, keep])

    @property
    def failed(self) -> np.ndarray:
        return ~np.isfinite(self.start.sum(axis=0) + self.end.sum(axis=0))

    def at(self, t_s: np.ndarray) -> tuple[np.ndarray, ...]:
        """``(a_km, e, inclination, node, perigee, anomaly)`` at ``t_s`` (times outside extrapolate)."""
        s = (t_s - self.t0_s) / self.width_s
        return (*(self.linear(k, s) for k in range(5)), self.anomaly(s))

    def linear(self, field: int, s: np.ndarray) -> np.ndarray:
        """Field ``field`` (0 to 4: a, e, inclination, node, perigee) at window fractions ``s``."""
        return self.start[field] + (self.end[field] - self.start[field]) * s

    def anomaly(self, s: np.ndarray) -> np.ndarray:
        """The mean anomaly at window fractions ``s``."""
        h00, h10, h01, h11 = 2 * s**3 - 3 * s**2 + 1, s**3 - 2 * s**2 + s, -2 * s**3 + 3 * s**2, s**3 - s**2
        w = self.width_s
        return h00 * self.start[5] + h10 * w * self.start[6] + h01 * self.end[5] + h11 * w * self.end[6]

    def anomaly_rate(self, s: np.ndarray) -> np.ndarray:
        """The derivative of the interpolated mean anomaly at window fractions ``s``, rad/s."""
        d00, d10, d01, d11 = 6 * s**2 - 6 * s, 3 * s**2 - 4 * s + 1, -6 * s**2 + 6 * s, 3 * s**2 - 2 * s
        return (d00 * self.start[5] + d01 * self.end[5]) / self.width_s + d10 * self.start[6] + d11 * self.end[6]


def snapshot_times(start_s: float, span_s: float) -> np.ndarray:
    """(S,) times from ``start_s`` to ``start_s + span_s``, ``SNAPSHOT_STEP_S`` apart at most."""
    count = max(1, int(np.ceil(span_s / SNAPSHOT_STEP_S - 1e-9)))
    return start_s + np.linspace(0.0, span_s, count + 1)


def mean_elements(satrecs, times_s: np.ndarray) -> MeanElements:
    """SGP4's mean elements of near-Earth ``satrecs`` at ``times_s`` (one ``sgp4`` call each)."""
    n, count = len(satrecs), len(times_s)
    values = np.full((7, n, count), np.nan)
    days, fractions = (x.tolist() for x in posix_to_jd(np.asarray(times_s, np.float64)))
    for k, satrec in enumerate(satrecs):
        # The un-Kozai'd mean motion at epoch: drag's change of the mean motion is measured from it.
        if satrec.sgp4_tsince(0.0)[0] != 0:
            continue
        epoch_motion = satrec.nm
        for m, (day, fraction) in enumerate(zip(days, fractions)):
            if satrec.sgp4(day, fraction)[0] != 0:
                continue  # this snapshot's windows are kept whole
            values[:, k, m] = (satrec.am * satrec.radiusearthkm, satrec.em, satrec.im, satrec.Om, satrec.om,
                               satrec.mm, (satrec.mdot + satrec.nm - epoch_motion) / 60.0)
    return MeanElements(np.asarray(times_s, np.float64), *values)


def plane_axes(node: np.ndarray, inclination: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(P, Q, normal)`` (..., 3): unit vectors to the ascending node, 90 degrees on in the plane,
    and the orbit normal, TEME."""
    sin_n, cos_n, sin_i, cos_i = np.sin(node), np.cos(node), np.sin(inclination), np.cos(inclination)
    p = np.stack([cos_n, sin_n, np.zeros_like(node)], axis=-1)
    q = np.stack([-cos_i * sin_n, cos_i * cos_n, sin_i], axis=-1)
    normal = np.stack([sin_i * sin_n, -sin_i * cos_n, cos_i], axis=-1)
    return p, q, normal


def true_anomaly(anomaly: np.ndarray, e: np.ndarray) -> np.ndarray:
    """True anomaly from the mean anomaly, unwrapped as the mean anomaly is (Kepler's equation)."""
    eccentric = anomaly + e * np.sin(anomaly)
    for _ in range(12):
        eccentric = eccentric - (eccentric - e * np.sin(eccentric) - anomaly) / (1.0 - e * np.cos(eccentric))
    nu = 2.0 * np.arctan2(np.sqrt(1.0 + e) * np.sin(eccentric / 2), np.sqrt(1.0 - e) * np.cos(eccentric / 2))
    return anomaly + _wrap(nu - anomaly)


def _mean_anomaly(nu: np.ndarray, e: np.ndarray) -> np.ndarray:
    eccentric = 2.0 * np.arctan2(np.sqrt(1.0 - e) * np.sin(nu / 2), np.sqrt(1.0 + e) * np.cos(nu / 2))
    return eccentric - e * np.sin(eccentric)


def _wrap(angle: np.ndarray) -> np.ndarray:
    return (angle + np.pi) % (2 * np.pi) - np.pi


@dataclass(frozen=True)
class PrimaryPath:
    """Where a primary is in each snapshot window: its radius range and how far it strays from its
    mean plane, km, (S - 1,) each; None if SGP4 fails for it within the span."""

    r_min_km: np.ndarray
    r_max_km: np.ndarray
    off_plane_km: np.ndarray


def primary_path(satrec, elements: MeanElements) -> PrimaryPath | None:
    """The path of one primary (``elements`` its own, one row) from its positions every ``PATH_STEP_S``."""
    times = elements.times_s
    windows = len(times) - 1
    r_min, r_max, off = np.empty(windows), np.empty(windows), np.empty(windows)
    sag = chord_sag_km(PATH_STEP_S)
    own = elements.windows(np.zeros(windows, np.int64), np.arange(windows))
    if own.failed.any():
        return None
    for w in range(windows):
        count = max(1, int(np.ceil((times[w + 1] - times[w]) / PATH_STEP_S - 1e-9)))
        t = np.linspace(times[w], times[w + 1], count + 1)
        error, r, _ = satrec.sgp4_array(*posix_to_jd(t))
        if (error != 0).any():
            return None
        _, _, inclination, node, _, _ = own.subset(np.full(len(t), w)).at(t)
        _, _, normal = plane_axes(node, inclination)
        # Between samples the plane turns by less than from one sample to the next, at any radius.
        turn = np.linalg.norm(normal[1:] - normal[:-1], axis=1).max()
        r_min[w] = segment_min_distance_km(r[:-1], r[1:]).min() - sag
        r_max[w] = np.linalg.norm(r, axis=1).max() + sag
        off[w] = np.abs(np.einsum("ij,ij->i", r, normal)).max() + sag + turn * r_max[w]
    return PrimaryPath(r_min, r_max, off)


def crossing_windows(elements: MeanElements, primary: MeanElements, path: PrimaryPath,
                     threshold_km: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(row, t_from_s, t_to_s)``: the intervals in which object ``row`` of ``elements`` may be
    within ``threshold_km`` of the primary (``primary``: its mean elements, one row, at the same
    snapshots; ``path`` its path). Windows where an object's elements failed are kept whole."""
    n, windows = elements.a_km.shape[0], len(elements.times_s) - 1
    row, window = (x.ravel() for x in np.meshgrid(np.arange(n), np.arange(windows), indexing="ij"))
    own = elements.windows(row, window)
    reach_lo = path.r_min_km[window] - threshold_km
    reach_hi = path.r_max_km[window] + threshold_km
    (a0, e0), (a1, e1) = own.start[:2], own.end[:2]
    failed = own.failed
    # The window's radius band: the mean perigee and apogee at its ends (they drift monotonically).
    low = np.fmin(a0 * (1 - e0), a1 * (1 - e1)) - RADIUS_PAD_KM
    high = np.fmax(a0 * (1 + e0), a1 * (1 + e1)) + RADIUS_PAD_KM
    meets = failed | ((low <= reach_hi) & (high >= reach_lo))
    row, window, failed, low = row[meets], window[meets], failed[meets], low[meets]
    reach_lo, reach_hi, own = reach_lo[meets], reach_hi[meets], own.subset(meets)
    theirs = primary.windows(np.zeros(len(row), np.int64), window)
    t_a, t_b = own.t0_s, own.t0_s + own.width_s

    (u_node_a, sin_a, psi_a), (u_node_m, sin_m, _), (u_node_b, sin_b, psi_b) = (
        _node_geometry(own, theirs, t) for t in (t_a, 0.5 * (t_a + t_b), t_b))
    u_node_m = u_node_a + _wrap(u_node_m - u_node_a)
    unwrapped = u_node_a + _wrap(u_node_b - u_node_a)
    psi_b = psi_b + u_node_b - unwrapped  # psi with the node unwrapped as well
    u_node_b = unwrapped
    bend = np.abs(u_node_m - 0.5 * (u_node_a + u_node_b))
    sin_mutual = np.fmin(np.fmin(sin_a, sin_m), sin_b)
    off_plane = threshold_km + path.off_plane_km[window] + PLANE_PAD_KM
    with np.errstate(invalid="ignore", divide="ignore"):
        reach = off_plane / (np.fmax(low, 1.0) * sin_mutual)
    whole = (failed | ~np.isfinite(psi_a + psi_b + reach) | (sin_mutual < MIN_SIN_MUTUAL) | (reach >= 1.0)
             | (np.abs(u_node_b - u_node_a) > MAX_NODE_TURN_RAD))
    rows, starts, stops = [row[whole]], [t_a[whole]], [t_b[whole]]

    c = ~whole
    half = np.arcsin(reach[c]) + ANGLE_PAD_RAD + 2.0 * bend[c]
    first = np.ceil((psi_a[c] - half) / np.pi).astype(np.int64)
    last = np.floor((psi_b[c] + half) / np.pi).astype(np.int64)
    counts = np.maximum(last - first + 1, 0)
    pick = np.flatnonzero(c)[np.repeat(np.arange(len(first)), counts)]
    target = (np.repeat(first, counts) + np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)) * np.pi
    arc = np.repeat(half, counts)
    solve = _TimeSolver(own.subset(pick), u_node_a[pick], u_node_b[pick], psi_a[pick], psi_b[pick])
    centre = solve(target)
    # The radius there: the mean ellipse over the arc's true anomalies, padded.
    mean = solve.elements
    a, e, perigee = mean.linear(0, centre), mean.linear(1, centre), mean.linear(4, centre)
    nu = target + solve.node_at(centre) - perigee
    rho = a * (1 - e**2) / (1 + e * np.cos(nu))
    spread = arc * a * e * (1 + e) / np.fmax(1 - e, 1e-3) + RADIUS_PAD_KM
    near = (rho - spread <= reach_hi[pick]) & (rho + spread >= reach_lo[pick])
    # The arc lasts at most its width over psi's slowest rate in it: the true anomaly's, whose
    # (1 + e cos nu)^2 moves by at most e times the arc, and the node's and perigee's drift.
    drift = np.abs(solve.u_node_b - solve.u_node_a - (mean.end[4] - mean.start[4])) / mean.width_s
    slowest = (mean.anomaly_rate(centre) * np.fmax(1 + e * (np.cos(nu) - arc), 1 - e)**2 / (1 - e**2)**1.5 - drift)
    half_s = np.where(slowest > 0, arc / np.fmax(slowest, 1e-12), np.inf)[near]
    centre_s = (mean.t0_s + centre * mean.width_s)[near]
    rows.append(row[pick[near]])
    starts.append(np.fmax(centre_s - half_s, mean.t0_s[near] - mean.width_s[near]))
    stops.append(np.fmin(centre_s + half_s, mean.t0_s[near] + 2 * mean.width_s[near]))
    return np.concatenate(rows), np.concatenate(starts), np.concatenate(stops)


def _node_geometry(own: WindowElements, primary: WindowElements, t_s):
    """At ``t_s``: the object's argument of latitude of the mutual node, the sine of the mutual
    inclination, and ``psi``, the object's mean argument of latitude less the node's."""
    _, e, inclination, node, perigee, anomaly = own.at(t_s)
    _, _, i_p, node_p, _, _ = primary.at(t_s)
    p, q, normal = plane_axes(node, inclination)
    _, _, normal_p = plane_axes(node_p, i_p)
    mutual = np.cross(normal_p, normal)
    sin_mutual = np.linalg.norm(mutual, axis=1)
    u_node = np.arctan2(np.einsum("ij,ij->i", mutual, q), np.einsum("ij,ij->i", mutual, p))
    return u_node, sin_mutual, perigee + true_anomaly(anomaly, e) - u_node


class _TimeSolver:
    """Times at which ``psi`` (the mean argument of latitude less the mutual node's) reaches given
    values, each near its window: Newton's method on the mean anomaly, the node's argument of
    latitude moving linearly across the window."""

    def __init__(self, elements: WindowElements, u_node_a, u_node_b, psi_a, psi_b):
        self.elements = elements
        self.u_node_a, self.u_node_b, self.psi_a, self.psi_b = u_node_a, u_node_b, psi_a, psi_b

    def subset(self, keep) -> "_TimeSolver":
        return _TimeSolver(self.elements.subset(keep), self.u_node_a[keep], self.u_node_b[keep], self.psi_a[keep],
                           self.psi_b[keep])

    def __call__(self, target: np.ndarray) -> np.ndarray:
        """Window fractions (0 to 1 inside the window) at which ``psi`` reaches ``target``."""
        e = self.elements
        s = (target - self.psi_a) / (self.psi_b - self.psi_a)
        for _ in range(TIME_SOLVER_STEPS):
            s = np.clip(s, -1.0, 2.0)
            anomaly = e.anomaly(s)
            wanted = _mean_anomaly(target + self.node_at(s) - e.linear(4, s), e.linear(1, s))
            wanted = wanted + 2 * np.pi * np.round((anomaly - wanted) / (2 * np.pi))
            s = s + (wanted - anomaly) / (e.anomaly_rate(s) * e.width_s)
        return s

    def node_at(self, s):
        return self.u_node_a + (self.u_node_b - self.u_node_a) * s
