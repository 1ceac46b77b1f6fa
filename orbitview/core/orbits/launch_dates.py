"""When each object is first in orbit, so a span over decades shows the population grow.

From the launch date: the SATCAT's when one is loaded, else the international designator's
approximation: launch ``NNN`` of year ``YYYY`` (``1999-025A``) is placed at ``(NNN - 1) / L`` of
that year, ``L`` the highest launch number of the year among the objects at hand (launches are
numbered in order through the year, so this is right to a few weeks in busy years).

A fragment carries its parent's designator and launch date (every Fengyun-1C piece is
``1999-025``, launched in May 1999, broken up in January 2007). Catalogue numbers are given in
the order objects are catalogued, so an object cannot have been in orbit, as far as the
catalogue knows, before the newest launch numbered below it: ``in_orbit_from_s`` takes that
bound too (the Fengyun-1C pieces, numbered from 29,7xx, come out in January 2007), and debris
events become jumps in ``objects_in_orbit``.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np

_DESIGNATOR = re.compile(r"^(\d{4})-?(\d{3})")
#: Alpha-5 and synthetic numbers above this (orbitview's modelled fragments, 200,000 up) follow
#: no cataloguing order: the launch-order bound applies below it only.
ORDERED_NUMBERS_BELOW = 100_000


def _year_start_s(year: int) -> float:
    return dt.datetime(year, 1, 1, tzinfo=dt.timezone.utc).timestamp()


def designator_launch_s(designators) -> np.ndarray:
    """(N,) float64 POSIX s: each designator's launch time, approximated as the module says;
    NaN where there is no designator."""
    parsed = [_DESIGNATOR.match(str(d or "").strip()) for d in designators]
    year = np.array([int(m.group(1)) if m else 0 for m in parsed], np.int64)
    number = np.array([int(m.group(2)) if m else 0 for m in parsed], np.int64)
    out = np.full(len(parsed), np.nan)
    for y in np.unique(year[year > 0]):
        rows = year == y
        start, end = _year_start_s(int(y)), _year_start_s(int(y) + 1)
        last = max(int(number[rows].max()), 1)
        out[rows] = start + (number[rows] - 1).clip(0) / last * (end - start)
    return out


def in_orbit_from_s(norad_id: np.ndarray, launch_s: np.ndarray) -> np.ndarray:
    """(N,) float64 POSIX s: the later of each object's launch and the newest launch among the
    objects numbered below it (under ``ORDERED_NUMBERS_BELOW``); NaN launches are unknown: they
    bound nothing and are bounded only by the lower numbers (-inf with neither)."""
    norad_id = np.asarray(norad_id, np.int64)
    known = np.where(np.isnan(launch_s), -np.inf, launch_s)
    order = np.argsort(norad_id, kind="stable")
    ordered = norad_id[order] < ORDERED_NUMBERS_BELOW
    bound = np.full(len(order), -np.inf)
    bound[ordered] = np.maximum.accumulate(known[order][ordered])
    out = np.empty(len(order))
    out[order] = np.maximum(known[order], bound)
    return out


def appear_times_s(catalog, satcat_launch_s: dict[int, float] | None = None) -> np.ndarray:
    """(N,) float64 POSIX s from which each object of ``catalog`` is drawn: ``in_orbit_from_s``
    of the SATCAT's launch dates where it has the number, else the designators'; never after
    the epoch of its element set (it was in orbit then: this also keeps the designator's
    approximation from placing the catalogue's own last launches beyond its date), and from
    that epoch when nothing else is known."""
    numbers, launch = catalog.norad_id, designator_launch_s(catalog.intl_designator)
    if satcat_launch_s:
        known = np.fromiter((satcat_launch_s.get(n, np.nan) for n in numbers.tolist()), np.float64, len(catalog))
        launch = np.where(np.isnan(known), launch, known)
        # The whole SATCAT (decayed objects too) says best what was launched before a number.
        numbers = np.concatenate([numbers, np.fromiter(satcat_launch_s, np.int64, len(satcat_launch_s))])
        launch = np.concatenate([launch, np.fromiter(satcat_launch_s.values(), np.float64, len(satcat_launch_s))])
    appear = np.minimum(in_orbit_from_s(numbers, launch)[:len(catalog)], catalog.epoch_s)
    # Nothing known (no designator, no SATCAT row, no lower number: analyst objects such as
    # the 270000s "TBA" sets): from the one time it is known to be in orbit, its epoch.
    return np.where(np.isinf(appear), catalog.epoch_s, appear)


def objects_in_orbit(layers, t_s: float) -> int:
    """How many objects the visible ``layers`` draw at ``t_s``: launched, not decayed (SGP4
    succeeds), inside their layer's window and filters: the overlay's counter."""
    return int(sum(np.count_nonzero(layer.keyframes.at(t_s).valid & layer.shown)
                   for layer in layers if layer.visible))
