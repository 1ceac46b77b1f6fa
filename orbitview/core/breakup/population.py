"""A synthetic debris population for scale work: every breakup preset, repeated around the globe.

MASTER-like populations (about a million objects above 1 cm) are not public as element sets, so
scale work (precompute, screening, rendering at 10^5..10^6 objects) runs on a documented stand-in:
round after round, each preset of ``breakup_presets`` breaks up again, with seed ``seed + round``,
until ``count`` fragments are in orbit at ``time_s``. Each round happens some days before ``time_s`` (up to
``MAX_AGE_DAYS``, spread by the golden ratio), so that by ``time_s`` its clouds have drawn out
along their orbits as real ones do, instead of being a few dense clumps; and its planes are
turned east by the golden angle in right ascension, so they spread evenly instead of piling
into four. Each element set's epoch is its round's event time; the catalogue numbers are
``first_id``, ``first_id + 1``, ... in order, so none repeats (each round's remnant, where the
preset keeps one, among them). docs/distributed.md says what the population is and is not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from orbitview.core.breakup.fragment_sets import REENTRY_PERIGEE_KM
from orbitview.core.breakup.presets import PRESETS, BreakupEvent, run_event
from orbitview.core.orbits.catalog import Catalog
from orbitview.core.orbits.gabbard import from_states
from orbitview.core.orbits.propagate import EARTH_ROTATION_RAD_S
from orbitview.core.orbits.times import format_utc, posix_to_jd

#: Degrees east each round turns every event's plane: successive planes never line up.
GOLDEN_ANGLE_DEG = 180.0 * (3.0 - 5.0 ** 0.5)
#: Rounds happen up to this long before the population's time: long enough for a cloud to
#: spread round its orbit (a 100 m/s spread in speed does so within about a week in LEO).
MAX_AGE_DAYS = 30.0
#: Default first catalogue number: ten digits, above the nine Space-Track will use for real objects.
POPULATION_ID_FIRST = 1_000_000_000


def round_age_s(round_no: int) -> float:
    """How long before the population's time round ``round_no`` happens: a fraction of
    ``MAX_AGE_DAYS`` that the golden ratio spreads evenly, whatever the number of rounds."""
    return MAX_AGE_DAYS * 86400.0 * (((round_no + 1) * (5.0 ** 0.5 - 1.0) / 2.0) % 1.0)


def relocated(event: BreakupEvent, time_s: float, turn_deg: float, round_no: int) -> BreakupEvent:
    """``event`` at ``time_s``, its plane turned ``turn_deg`` east in right ascension from where
    the preset's place and time put it (its place moves against the Earth's turn since the
    preset's time), its target renamed for the round (``FENGYUN 1C R3``, whose fragments are
    ``FENGYUN 1C R3-DEB 0001``...)."""
    turn_deg = turn_deg - np.degrees(EARTH_ROTATION_RAD_S * (time_s - event.time_s))

    def moved(party):
        if party is None or party.orbit is None:
            return party
        longitude = (party.orbit.longitude_deg + turn_deg + 180.0) % 360.0 - 180.0
        return replace(party, orbit=replace(party.orbit, longitude_deg=longitude))

    target = replace(moved(event.target), name=f"{event.target.name} R{round_no}")
    return replace(event, time_utc=format_utc(time_s), target=target, projectile=moved(event.projectile))


def population(count: int, time_s: float, *, seed: int = 1, lc_min_m: float = 0.1,
               first_id: int = POPULATION_ID_FIRST,
               on_round: Callable[[int, int], None] | None = None) -> Catalog:
    """``count`` fragment element sets of the presets repeated round after round, their epochs
    within ``MAX_AGE_DAYS`` before ``time_s`` (POSIX s; module docstring); ``on_round(round,
    fragments so far)`` after each."""
    catalogs: list[Catalog] = []
    total, round_no = 0, 0
    while total < count:
        for event in PRESETS.values():
            moved = relocated(event, time_s - round_age_s(round_no), round_no * GOLDEN_ANGLE_DEG, round_no)
            sets = run_event(moved, lc_min_m, seed + round_no).element_sets.catalog
            # Fragments that decayed before the population's time (SGP4 fails, or the
            # perigee of their state then is below re-entry) are no part of it.
            error, r, v = sets.satrec_array.sgp4(*posix_to_jd(np.array([time_s])))
            with np.errstate(invalid="ignore"):
                perigee_km = from_states(r[:, 0], v[:, 0]).perigee_km
            catalogs.append(sets.take(np.flatnonzero((error[:, 0] == 0) & (perigee_km >= REENTRY_PERIGEE_KM))))
            total += len(catalogs[-1])
        round_no += 1
        if on_round is not None:
            on_round(round_no, total)
    chosen = Catalog.concatenate(catalogs).take(np.arange(count))
    # Each round numbers its fragments from the same first number: the population renumbers all.
    return replace(chosen, norad_id=first_id + np.arange(count, dtype=np.int64))
