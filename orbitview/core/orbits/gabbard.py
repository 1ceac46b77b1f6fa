"""Gabbard diagrams (apogee and perigee altitude against period) and altitude histograms.

Two sources: a ``Catalog``'s mean elements (``from_catalog``: what the element sets say, the usual
way Gabbard diagrams of tracked debris are drawn) and states at a time (``from_states``:
osculating, so it moves with the propagated time for modelled and loaded clouds alike;
``at_time`` runs SGP4 for them).
Altitudes are km above the equatorial radius (WGS72, as SGP4 element sets), periods minutes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orbitview.core.orbits.catalog import Catalog
from orbitview.core.orbits.prefetch import sgp4_states_gcrs
from orbitview.core.orbits.sgp4_elements import EARTH_RADIUS_WGS72_KM, MU_WGS72_KM3_S2


@dataclass(frozen=True)
class Gabbard:
    """``(N,)`` arrays: ``period_min``, ``apogee_km``, ``perigee_km`` (NaN where unknown)."""

    period_min: np.ndarray
    apogee_km: np.ndarray
    perigee_km: np.ndarray

    def __len__(self) -> int:
        return self.period_min.shape[0]

    def finite(self) -> "Gabbard":
        keep = np.isfinite(self.period_min) & np.isfinite(self.apogee_km) & np.isfinite(self.perigee_km)
        return Gabbard(self.period_min[keep], self.apogee_km[keep], self.perigee_km[keep])


def _from_a_e(a_km: np.ndarray, e: np.ndarray) -> Gabbard:
    period_min = 2.0 * np.pi * np.sqrt(a_km**3 / MU_WGS72_KM3_S2) / 60.0
    return Gabbard(period_min, a_km * (1.0 + e) - EARTH_RADIUS_WGS72_KM,
                   a_km * (1.0 - e) - EARTH_RADIUS_WGS72_KM)


def from_catalog(catalog: Catalog) -> Gabbard:
    """From the element sets: period from the mean motion (rev/day), a from Kepler's third law."""
    n_rad_s = catalog.mean_motion_rev_per_day * 2.0 * np.pi / 86400.0
    a_km = (MU_WGS72_KM3_S2 / n_rad_s**2) ** (1.0 / 3.0)
    return _from_a_e(a_km, catalog.eccentricity)


def from_states(position_km: np.ndarray, velocity_km_s: np.ndarray) -> Gabbard:
    """From ``(N, 3)`` inertial states (km, km/s), osculating; NaN rows for unbound or NaN states."""
    r = np.linalg.norm(position_km, axis=1)
    v2 = np.einsum("ij,ij->i", velocity_km_s, velocity_km_s)
    energy = v2 / 2.0 - MU_WGS72_KM3_S2 / r
    with np.errstate(invalid="ignore", divide="ignore"):
        a_km = np.where(energy < 0, -MU_WGS72_KM3_S2 / (2.0 * energy), np.nan)
        h = np.linalg.norm(np.cross(position_km, velocity_km_s), axis=1)
        e = np.sqrt(np.maximum(0.0, 1.0 + 2.0 * energy * h * h / MU_WGS72_KM3_S2**2))
    return _from_a_e(a_km, e)


def at_time(catalog: Catalog, t_s: float, rows: np.ndarray | None = None) -> Gabbard:
    """Osculating at ``t_s`` (POSIX s) from SGP4 states of ``catalog`` (of its ``rows`` only,
    when given); NaN rows where SGP4 fails.

    Not from the view's Hermite keyframes: their velocity between samples is off by up to about
    1 m/s at a 60 s step, a few km in semi-major axis. GCRS, as the draw path's SGP4 (on its
    worker's thread in that worker's process, ``sgp4_states_gcrs``): a and e do not depend on
    the inertial frame's orientation.
    """
    position_km, velocity_km_s, error = (column[0] for column in sgp4_states_gcrs(catalog, np.array([t_s]), rows))
    ok = error == 0
    return from_states(np.where(ok[:, None], position_km, np.nan), np.where(ok[:, None], velocity_km_s, np.nan))


def altitude_histogram(gabbard: Gabbard, bin_km: float = 50.0, top_km: float = 4000.0):
    """Counts of apogee and perigee altitudes in ``bin_km`` bins from 0 to ``top_km``.

    Returns ``(edges_km (B+1,), apogee_counts (B,), perigee_counts (B,))``; values outside the
    range are not counted.
    """
    edges = np.arange(0.0, top_km + bin_km, bin_km)
    g = gabbard.finite()
    return edges, np.histogram(g.apogee_km, edges)[0], np.histogram(g.perigee_km, edges)[0]


def summary(gabbard: Gabbard) -> dict[str, float]:
    """Count and 5/50/95th percentiles of period (min), apogee and perigee (km), for reports."""
    g = gabbard.finite()
    out: dict[str, float] = {"count": float(len(g))}
    for name, values in (("period_min", g.period_min), ("apogee_km", g.apogee_km),
                         ("perigee_km", g.perigee_km)):
        for q in (5, 50, 95):
            out[f"{name}_p{q}"] = float(np.percentile(values, q)) if len(g) else float("nan")
    return out
