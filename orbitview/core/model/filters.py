"""Orbit regimes and the filters of a layer, as boolean masks over its catalogue."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

import numpy as np

from orbitview.core.orbits.catalog import Catalog
from orbitview.core.orbits.classify import ObjectClass
from orbitview.core.orbits.gabbard import from_catalog


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


#: (min, max) of a range criterion; None at either end: no bound there.
Range = tuple["float | None", "float | None"]
ANY: Range = (None, None)


@dataclass(frozen=True)
class LayerFilter:
    """What a layer shows (a value: a new filter replaces the old one in ``Layer.filter``).

    Empty sets and ``(None, None)`` ranges mean "no restriction"; a range holds its ends.
    ``text`` matches names (case-insensitive substring), catalogue numbers (exact) and
    international designators (prefix). Ranges are of mean elements: ``perigee_km`` and
    ``apogee_km`` altitudes above the equatorial radius, ``inclination_deg``, and ``launch_year``
    the year of the international designator.
    """

    classes: frozenset[ObjectClass] = field(default_factory=frozenset)
    regimes: frozenset[Regime] = field(default_factory=frozenset)
    perigee_km: Range = ANY
    apogee_km: Range = ANY
    inclination_deg: Range = ANY
    launch_year: Range = ANY
    text: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "classes", frozenset(ObjectClass(c) for c in self.classes))
        object.__setattr__(self, "regimes", frozenset(Regime(r) for r in self.regimes))
        for name in RANGE_FIELDS:
            object.__setattr__(self, name, _range(getattr(self, name), name))
        object.__setattr__(self, "text", str(self.text))

    def mask(self, catalog: Catalog) -> np.ndarray:
        """(N,) bool: the objects that pass every criterion."""
        keep = np.ones(len(catalog), bool)
        if self.classes:
            keep &= np.isin(catalog.object_class, [int(c) for c in self.classes])
        if self.regimes:
            keep &= np.isin(regimes(catalog), [int(r) for r in self.regimes])
        if self.perigee_km != ANY or self.apogee_km != ANY:
            orbit = from_catalog(catalog)
            keep &= _within(orbit.perigee_km, self.perigee_km) & _within(orbit.apogee_km, self.apogee_km)
        keep &= _within(catalog.inclination_deg, self.inclination_deg)
        if self.launch_year != ANY:
            keep &= _within(launch_years(catalog), self.launch_year)
        if self.text.strip():
            keep &= text_matches(catalog, self.text)
        return keep


RANGE_FIELDS = ("perigee_km", "apogee_km", "inclination_deg", "launch_year")


def _range(value, name: str) -> Range:
    """``value`` as (min, max) floats or None; ValueError for anything else or min > max."""
    low, high = value
    low, high = (None if v is None else float(v) for v in (low, high))
    if low is not None and high is not None and low > high:
        raise ValueError(f"{name}: the minimum {low:g} is above the maximum {high:g}")
    return (low, high)


def _within(values: np.ndarray, bounds: Range) -> np.ndarray:
    low, high = bounds
    keep = np.ones(len(values), bool)
    if low is not None:
        keep &= values >= low
    if high is not None:
        keep &= values <= high
    return keep


def text_matches(catalog: Catalog, text: str) -> np.ndarray:
    """(N,) bool: name contains ``text``, or the catalogue number equals it, or the
    designator starts with it (all case-insensitive)."""
    needle = text.strip().upper()
    by_name = np.array([needle in name.upper() for name in catalog.name], bool)
    by_designator = np.array([d.upper().startswith(needle) for d in catalog.intl_designator], bool)
    by_number = catalog.norad_id == int(needle) if re.fullmatch(r"\d+", needle) else np.zeros(len(catalog), bool)
    return by_name | by_designator | by_number
