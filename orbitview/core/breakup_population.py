"""A synthetic debris population for scale work: every breakup preset, repeated around the globe.

MASTER-like populations (about a million objects above 1 cm) are not public as element sets, so
scale work (precompute, screening, rendering at 10^5..10^6 objects) runs on a documented stand-in:
round after round, each preset of ``breakup_presets`` breaks up again at one chosen time, its
place turned east by the golden angle each round (so the clouds' orbital planes spread evenly in
right ascension rather than piling up in four), with seed ``seed + round``, until ``count``
fragments stay in orbit. Every element set has the epoch ``time_s``; the catalogue numbers are
``first_id``, ``first_id + 1``, ... in order, so none repeats (each round's remnant, where the
preset keeps one, among them). docs/distributed.md says what the population is and is not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from orbitview.core.breakup_presets import PRESETS, BreakupEvent, run_event
from orbitview.core.catalog import Catalog
from orbitview.core.times import format_utc

#: Degrees east each round turns every event's place: successive planes never line up.
GOLDEN_ANGLE_DEG = 180.0 * (3.0 - 5.0 ** 0.5)
#: Default first catalogue number: ten digits, above the nine Space-Track will use for real objects.
POPULATION_ID_FIRST = 1_000_000_000


def relocated(event: BreakupEvent, time_s: float, turn_deg: float, round_no: int) -> BreakupEvent:
    """``event`` at ``time_s``, its place ``turn_deg`` further east, its target renamed for the
    round (``FENGYUN 1C R3``, whose fragments are ``FENGYUN 1C R3-DEB 0001``...)."""

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
    """``count`` fragment element sets (epoch ``time_s``, POSIX s) of the presets repeated
    round after round (module docstring); ``on_round(round, fragments so far)`` after each."""
    catalogs: list[Catalog] = []
    total, round_no = 0, 0
    while total < count:
        for event in PRESETS.values():
            moved = relocated(event, time_s, round_no * GOLDEN_ANGLE_DEG, round_no)
            catalogs.append(run_event(moved, lc_min_m, seed + round_no).element_sets.catalog)
            total += len(catalogs[-1])
        round_no += 1
        if on_round is not None:
            on_round(round_no, total)
    chosen = Catalog.concatenate(catalogs).take(np.arange(count))
    # Each round numbers its fragments from the same first number: the population renumbers all.
    return replace(chosen, norad_id=first_id + np.arange(count, dtype=np.int64))
