"""SGP4 mean elements that reproduce given state vectors at their epoch.

Osculating elements are not SGP4 mean elements: SGP4 adds J2 short-period terms, so an element set
made from osculating elements misplaces the object by kilometres at its own epoch. ``fit_mean_elements``
starts from the osculating elements and corrects them by fixed-point iteration: propagate the
current guess to the epoch with SGP4, take the osculating elements of that state, and move the guess
by the difference from the target's osculating elements, until SGP4 reproduces the position.

The iteration runs on non-singular elements (a, e cos w, e sin w, i, node, w + M), so nearly
circular orbits converge; equatorial orbits (i near 0, node undefined) are out of scope.

States are TEME (SGP4's frame), km and km/s; constants WGS72, as SGP4 element sets assume.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sgp4.api import WGS72, Satrec, SatrecArray

from orbitview.core.orbits.sgp4_elements import MU_WGS72_KM3_S2, SGP4_EPOCH_JD
TWO_PI = 2.0 * np.pi


def osculating_elements(position_km: np.ndarray, velocity_km_s: np.ndarray,
                        mu: float = MU_WGS72_KM3_S2) -> np.ndarray:
    """``(N, 6)`` non-singular osculating elements of ``(N, 3)`` states:
    a (km), e cos w, e sin w, i (rad), node (rad), u = w + M (rad)."""
    r = np.asarray(position_km, np.float64)
    v = np.asarray(velocity_km_s, np.float64)
    rn = np.linalg.norm(r, axis=1)
    h = np.cross(r, v)
    hn = np.linalg.norm(h, axis=1)
    node_vec = np.column_stack([-h[:, 1], h[:, 0], np.zeros(len(r))])
    e_vec = np.cross(v, h) / mu - r / rn[:, None]
    a = 1.0 / (2.0 / rn - np.einsum("ij,ij->i", v, v) / mu)
    inc = np.arccos(np.clip(h[:, 2] / hn, -1.0, 1.0))
    node = np.arctan2(node_vec[:, 1], node_vec[:, 0])
    # Perifocal directions in the orbit plane: p towards the node, q 90 degrees ahead.
    p_hat = node_vec / np.linalg.norm(node_vec, axis=1)[:, None]
    q_hat = np.cross(h / hn[:, None], p_hat)
    ex = np.einsum("ij,ij->i", e_vec, p_hat)
    ey = np.einsum("ij,ij->i", e_vec, q_hat)
    u_true = np.arctan2(np.einsum("ij,ij->i", r, q_hat), np.einsum("ij,ij->i", r, p_hat))
    e = np.hypot(ex, ey)
    w = np.arctan2(ey, ex)
    nu = u_true - w
    big_e = 2.0 * np.arctan2(np.sqrt(1.0 - e) * np.sin(nu / 2), np.sqrt(1.0 + e) * np.cos(nu / 2))
    mean_anomaly = big_e - e * np.sin(big_e)
    return np.column_stack([a, ex, ey, inc, node, w + mean_anomaly])


def _wrap(angle: np.ndarray) -> np.ndarray:
    """Angles to (-pi, pi]."""
    return np.angle(np.exp(1j * angle))


@dataclass(frozen=True)
class MeanElementFit:
    """The result for N states. Angles in degrees, mean motion (Kozai) in rev/day.

    ``residual_position_km`` / ``residual_velocity_km_s``: ``(N,)`` distance between SGP4 at the
    epoch and the target state. ``error``: ``(N,)`` SGP4 error code at the epoch (0 = fine).
    ``iterations``: how many corrections were made.
    """

    mean_motion_rev_per_day: np.ndarray
    eccentricity: np.ndarray
    inclination_deg: np.ndarray
    raan_deg: np.ndarray
    arg_perigee_deg: np.ndarray
    mean_anomaly_deg: np.ndarray
    bstar: np.ndarray
    residual_position_km: np.ndarray
    residual_velocity_km_s: np.ndarray
    error: np.ndarray
    iterations: int
    satrecs: tuple


def _classical(x: np.ndarray):
    """(n_kozai rad/min, e, i, node, argp, M) from non-singular elements, for sgp4init."""
    a, ex, ey, inc, node, u = x.T
    e = np.hypot(ex, ey)
    argp = np.arctan2(ey, ex)
    n_rad_min = np.sqrt(MU_WGS72_KM3_S2 / np.abs(a) ** 3) * 60.0
    return n_rad_min, e, inc, np.mod(node, TWO_PI), np.mod(argp, TWO_PI), np.mod(u - argp, TWO_PI)


def _satrecs(x: np.ndarray, epoch_days: float, bstar: np.ndarray, satnums) -> list[Satrec]:
    n, e, inc, node, argp, m = _classical(x)
    satrecs = []
    for k in range(x.shape[0]):
        s = Satrec()
        s.sgp4init(WGS72, "i", int(satnums[k]), epoch_days, float(bstar[k]), 0.0, 0.0,
                   float(e[k]), float(argp[k]), float(inc[k]), float(m[k]), float(n[k]), float(node[k]))
        satrecs.append(s)
    return satrecs


def _states_at_epoch(satrecs: list[Satrec]):
    jd = np.array([satrecs[0].jdsatepoch])
    fr = np.array([satrecs[0].jdsatepochF])
    error, r, v = SatrecArray(satrecs).sgp4(jd, fr)
    return error[:, 0], r[:, 0], v[:, 0]


def fit_mean_elements(position_km: np.ndarray, velocity_km_s: np.ndarray, epoch_jd: float,
                      epoch_fr: float, bstar: np.ndarray | None = None, satnums=None, *,
                      tolerance_km: float = 1e-5, max_iterations: int = 40) -> MeanElementFit:
    """Fit SGP4 mean elements to ``(N, 3)`` TEME states at one epoch (two-part UTC Julian date).

    ``bstar`` (``(N,)``, 1/earth radii) is kept fixed: it does not change the state at epoch.
    ``satnums`` label the Satrec objects (default 0..N-1). Stops when every position residual is
    below ``tolerance_km`` or after ``max_iterations``; states SGP4 cannot take (decaying, or
    hyperbolic) end with a nonzero ``error`` and NaN residuals.
    """
    r = np.asarray(position_km, np.float64).reshape(-1, 3)
    v = np.asarray(velocity_km_s, np.float64).reshape(-1, 3)
    n = r.shape[0]
    bstar = np.zeros(n) if bstar is None else np.asarray(bstar, np.float64)
    satnums = np.arange(n) if satnums is None else np.asarray(satnums)
    epoch_days = (epoch_jd - SGP4_EPOCH_JD) + epoch_fr
    target = osculating_elements(r, v)
    guess = target.copy()
    active = np.ones(n, bool)
    iterations = 0
    for iterations in range(1, max_iterations + 1):
        satrecs = _satrecs(guess[active], epoch_days, bstar[active], satnums[active])
        error, r_fit, v_fit = _states_at_epoch(satrecs)
        ok = error == 0
        miss = np.linalg.norm(r_fit - r[active], axis=1)
        idx = np.flatnonzero(active)
        # Objects SGP4 refuses, or already fitted, leave the iteration.
        done = ~ok | (miss < tolerance_km)
        step = target[idx[ok]] - osculating_elements(r_fit[ok], v_fit[ok])
        step[:, 3:] = _wrap(step[:, 3:])
        guess[idx[ok]] += step
        active[idx[done]] = False
        if not active.any():
            break
    satrecs = _satrecs(guess, epoch_days, bstar, satnums)
    error, r_fit, v_fit = _states_at_epoch(satrecs)
    n_rad_min, e, inc, node, argp, m = _classical(guess)
    bad = error != 0
    res_r = np.where(bad, np.nan, np.linalg.norm(r_fit - r, axis=1))
    res_v = np.where(bad, np.nan, np.linalg.norm(v_fit - v, axis=1))
    return MeanElementFit(
        mean_motion_rev_per_day=n_rad_min * 1440.0 / TWO_PI,
        eccentricity=e,
        inclination_deg=np.degrees(inc),
        raan_deg=np.degrees(node),
        arg_perigee_deg=np.degrees(argp),
        mean_anomaly_deg=np.degrees(m),
        bstar=bstar,
        residual_position_km=res_r,
        residual_velocity_km_s=res_v,
        error=error.astype(np.uint8),
        iterations=iterations,
        satrecs=tuple(satrecs),
    )
