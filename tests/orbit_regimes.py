"""Real element sets by orbit regime, for the interpolation tests and docs/measure_interpolation.py.

Regimes refine ``filters.regimes``: LEO split by eccentricity, HEO into Molniya and GTO, MEO
kept to periods over 4 h. Each selector takes the catalogue and its ``regimes`` codes and
gives an (N,) bool mask; ``SPAN_S`` is how long each is checked: at least one revolution.
"""

from __future__ import annotations

import numpy as np

from orbitview.core.model.filters import Regime, regimes


def leo_circular(catalog, codes):
    return (codes == Regime.LEO) & (catalog.eccentricity < 0.01)


def leo_eccentric(catalog, codes):
    return (codes == Regime.LEO) & (catalog.eccentricity >= 0.01)


def meo(catalog, codes):
    # Periods of 4 to 16 h (the navigation constellations and their like): not eccentric LEO
    # debris whose apogee passes 2,000 km, nor objects beyond GEO, where float32 storage
    # alone rounds positions by more than 5 m.
    return (codes == Regime.MEO) & (catalog.mean_motion_rev_per_day > 1.5) & (catalog.mean_motion_rev_per_day < 6.0)


def molniya(catalog, codes):
    # Twelve-hour orbits at the critical inclination.
    return (codes == Regime.HEO) & (np.abs(catalog.inclination_deg - 63.4) < 2.0) & (
        np.abs(catalog.mean_motion_rev_per_day - 2.0) < 0.1)


def gto(catalog, codes):
    return (codes == Regime.HEO) & (catalog.inclination_deg < 30.0) & (catalog.mean_motion_rev_per_day > 2.0)


def geo(catalog, codes):
    return codes == Regime.GEO


SPAN_S = {leo_circular: 2 * 3600.0, leo_eccentric: 2 * 3600.0, meo: 13 * 3600.0,
          molniya: 12 * 3600.0, gto: 11 * 3600.0, geo: 24 * 3600.0}


def regime_sample(catalog, select, count: int):
    """``count`` objects of a regime (all of them if it has fewer), evenly spread from its least
    to its most eccentric orbit."""
    rows = np.flatnonzero(select(catalog, regimes(catalog)))
    by_eccentricity = rows[np.argsort(catalog.eccentricity[rows], kind="stable")]
    return catalog.take(np.unique(by_eccentricity[np.linspace(0, len(rows) - 1, count).round().astype(int)]))
