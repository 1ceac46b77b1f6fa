"""Orbit regimes and the filters of a layer, as boolean masks over its catalogue."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

import numpy as np

from orbitview.core.catalog import Catalog
from orbitview.core.classify import ObjectClass
from orbitview.core.gabbard import from_catalog


class Regime(enum.IntEnum):
    """LEO: apogee below 2,000 km. GEO: period within 1,300..1,600 min and e < 0.05.
    HEO: e >= 0.25 (Molniya, GTO). MEO: everything else bound (navigation, 2,000 km to GEO)."""

    LEO = 0
    MEO = 1
    GEO = 2
    HEO = 3


def regimes(catalog: Catalog) -> np.ndarray:
    """(N,) uint8 ``Regime`` codes from the mean elements."""
    orbit = from_catalog(catalog)
    e = catalog.eccentricity
    codes = np.full(len(catalog), Regime.MEO, np.uint8)
    codes[orbit.apogee_km < 2000.0] = Regime.LEO
    codes[(orbit.period_min > 1300.0) & (orbit.period_min < 1600.0) & (e < 0.05)] = Regime.GEO
    codes[(e >= 0.25) & (orbit.apogee_km >= 2000.0)] = Regime.HEO
    return codes


def launch_years(catalog: Catalog) -> np.ndarray:
    """(N,) int: the year of the international designator (``1999-025A`` -> 1999), 0 if none."""
    return np.array(
        [int(d[:4]) if len(d) >= 4 and d[:4].isdigit() else 0 for d in catalog.intl_designator], np.int64
    )


@dataclass(frozen=True)
class LayerFilter:
    """What a layer shows. Empty sets and None bounds mean "no restriction".

    ``text`` matches names (case-insensitive substring), catalogue numbers (exact) and
    international designators (prefix).
    """

    classes: frozenset[ObjectClass] = field(default_factory=frozenset)
    regimes: frozenset[Regime] = field(default_factory=frozenset)
    perigee_min_km: float | None = None
    apogee_max_km: float | None = None
    inclination_min_deg: float | None = None
    inclination_max_deg: float | None = None
    launch_year_min: int | None = None
    launch_year_max: int | None = None
    text: str = ""

    def mask(self, catalog: Catalog) -> np.ndarray:
        """(N,) bool: the objects that pass every criterion."""
        keep = np.ones(len(catalog), bool)
        if self.classes:
            keep &= np.isin(catalog.object_class, [int(c) for c in self.classes])
        if self.regimes:
            keep &= np.isin(regimes(catalog), [int(r) for r in self.regimes])
        if self.perigee_min_km is not None or self.apogee_max_km is not None:
            orbit = from_catalog(catalog)
            if self.perigee_min_km is not None:
                keep &= orbit.perigee_km >= self.perigee_min_km
            if self.apogee_max_km is not None:
                keep &= orbit.apogee_km <= self.apogee_max_km
        if self.inclination_min_deg is not None:
            keep &= catalog.inclination_deg >= self.inclination_min_deg
        if self.inclination_max_deg is not None:
            keep &= catalog.inclination_deg <= self.inclination_max_deg
        if self.launch_year_min is not None or self.launch_year_max is not None:
            years = launch_years(catalog)
            keep &= (years >= (self.launch_year_min or 0)) & (years <= (self.launch_year_max or 9999))
        if self.text.strip():
            keep &= text_matches(catalog, self.text)
        return keep


def text_matches(catalog: Catalog, text: str) -> np.ndarray:
    """(N,) bool: name contains ``text``, or the catalogue number equals it, or the
    designator starts with it (all case-insensitive)."""
    needle = text.strip().upper()
    by_name = np.array([needle in name.upper() for name in catalog.name], bool)
    by_designator = np.array([d.upper().startswith(needle) for d in catalog.intl_designator], bool)
    by_number = catalog.norad_id == int(needle) if re.fullmatch(r"\d+", needle) else np.zeros(len(catalog), bool)
    return by_name | by_designator | by_number
