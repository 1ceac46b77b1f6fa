"""Breakup events: four historical presets built from published figures, and custom events.

No authentic pre-event element set of these parents is public outside Space-Track's history, so
each preset builds its parent's orbit from published figures (perigee, apogee, inclination) and
the published time and place of the event: the orbit passes over that place at that time, heading
the published way. Each preset's ``citation`` says where its figures come from and which are
assumptions (kill-vehicle masses are not published).

An event's states are TEME, km and km/s, the frame SGP4 gives and the fit takes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sgp4.api import WGS72, Satrec

from orbitview.core.breakup.standard_model import (
    PLAIN, Body, BodyKind, Calibration, EventKind, Fragments, collision, explosion,
)
from orbitview.core.breakup.fragment_sets import SYNTHETIC_ID_FIRST, FragmentSet, element_sets
from orbitview.core.breakup.interceptor import InterceptorArc, InterceptorPlan, solve_interceptor
from orbitview.core.breakup.launch_sites import KALAM_ISLAND, PLESETSK, XICHANG
from orbitview.core.errors import OrbitviewError
from orbitview.core.orbits.catalog import Catalog
from orbitview.core.orbits.classify import classify
from orbitview.core.orbits.frames import gcrs_from_itrs, gcrs_from_teme
from orbitview.core.orbits.sgp4_elements import EARTH_RADIUS_WGS72_KM, MU_WGS72_KM3_S2, SGP4_EPOCH_JD
from orbitview.core.orbits.times import format_utc, parse_utc, posix_to_jd


@dataclass(frozen=True)
class PublishedOrbit:
    """An orbit as published: perigee and apogee altitudes above the equatorial radius (km),
    inclination (deg), and where the object was at the event: geocentric latitude and longitude
    (deg), heading north (ascending) or south."""

    perigee_km: float
    apogee_km: float
    inclination_deg: float
    latitude_deg: float
    longitude_deg: float
    ascending: bool


@dataclass(frozen=True)
class Party:
    """One body of an event: a catalogued object with an orbit, or (``orbit=None``) a kill
    vehicle/projectile whose velocity is the target's minus ``closing_speed_km_s`` head-on."""

    name: str
    norad_id: int
    intl_designator: str
    mass_kg: float
    kind: BodyKind = BodyKind.SPACECRAFT
    orbit: PublishedOrbit | None = None


@dataclass(frozen=True)
class BreakupEvent:
    """A breakup: when, what kind, the target and (for collisions) the projectile."""

    key: str
    title: str
    time_utc: str
    kind: EventKind
    target: Party
    projectile: Party | None = None
    closing_speed_km_s: float | None = None
    citation: str = ""
    #: The figures the model takes, in a few words, for a title overlay.
    figures: str = ""
    #: How this event's model is tuned to the record (docs/breakup.md says how and why).
    calibration: Calibration = PLAIN
    #: The direct-ascent missile that caused it, if one did (``core.breakup.interceptor``).
    interceptor: InterceptorPlan | None = None

    @property
    def time_s(self) -> float:
        return parse_utc(self.time_utc)


def _mean_motion_rev_per_day(perigee_km: float, apogee_km: float) -> float:
    a = EARTH_RADIUS_WGS72_KM + (perigee_km + apogee_km) / 2.0
    return np.sqrt(MU_WGS72_KM3_S2 / a**3) * 86400.0 / (2 * np.pi)


def _teme_from_itrs(t_s: float) -> np.ndarray:
    return gcrs_from_teme(t_s).T @ gcrs_from_itrs(t_s)


def orbit_satrec(orbit: PublishedOrbit, t_s: float, norad_id: int) -> Satrec:
    """SGP4 mean elements through ``orbit``'s place at ``t_s`` (POSIX s), epoch ``t_s``.

    The node and argument of latitude come from spherical trigonometry; the apogee is put at the
    event point (the published event altitudes sit near the published apogees). B* is zero:
    over a briefing's weeks the parent only matters before the event.
    """
    lat, lon = np.radians(orbit.latitude_deg), np.radians(orbit.longitude_deg)
    inc = np.radians(orbit.inclination_deg)
    up_itrs = np.array([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
    up = _teme_from_itrs(t_s) @ up_itrs
    right_ascension = np.arctan2(up[1], up[0])
    arg_latitude = np.arcsin(np.clip(np.sin(lat) / np.sin(inc), -1.0, 1.0))
    if not orbit.ascending:
        arg_latitude = np.pi - arg_latitude
    node = right_ascension - np.arctan2(np.cos(inc) * np.sin(arg_latitude), np.cos(arg_latitude))
    a = EARTH_RADIUS_WGS72_KM + (orbit.perigee_km + orbit.apogee_km) / 2.0
    e = (orbit.apogee_km - orbit.perigee_km) / (2.0 * a)
    arg_perigee = arg_latitude - np.pi
    jd, fr = posix_to_jd(t_s)
    satrec = Satrec()
    satrec.sgp4init(
        WGS72, "i", norad_id, float(jd[0] - SGP4_EPOCH_JD + fr[0]), 0.0, 0.0, 0.0, e,
        float(np.mod(arg_perigee, 2 * np.pi)), float(inc), np.pi,
        _mean_motion_rev_per_day(orbit.perigee_km, orbit.apogee_km) * 2 * np.pi / 1440.0,
        float(np.mod(node, 2 * np.pi)),
    )
    return satrec


def catalog_of(satrecs: list[Satrec], names: list[str], designators: list[str], source: str) -> Catalog:
    """A ``Catalog`` of sgp4init-built ``satrecs`` (elements read back from them)."""
    col = lambda attr: np.array([getattr(s, attr) for s in satrecs])  # noqa: E731
    n = len(satrecs)
    return Catalog(
        norad_id=col("satnum"), name=np.array(names, dtype=object),
        intl_designator=np.array(designators, dtype=object),
        object_class=np.array([classify(a, b) for a, b in zip(names, designators)], np.uint8),
        epoch_jd=col("jdsatepoch"), epoch_fr=col("jdsatepochF"),
        mean_motion_rev_per_day=col("no_kozai") * 1440.0 / (2 * np.pi),
        eccentricity=col("ecco"), inclination_deg=np.degrees(col("inclo")),
        raan_deg=np.degrees(col("nodeo")), arg_perigee_deg=np.degrees(col("argpo")),
        mean_anomaly_deg=np.degrees(col("mo")), bstar=col("bstar"),
        mean_motion_dot=np.zeros(n), mean_motion_ddot=np.zeros(n),
        element_set_no=np.ones(n, np.int64), rev_at_epoch=np.zeros(n, np.int64),
        classification=np.full(n, "U", dtype=object), source=np.full(n, source, dtype=object),
        satrecs=tuple(satrecs),
    )


def _state_teme(satrec: Satrec, t_s: float) -> tuple[np.ndarray, np.ndarray]:
    jd, fr = posix_to_jd(t_s)
    error, r, v = satrec.sgp4(float(jd[0]), float(fr[0]))
    if error:
        raise OrbitviewError(f"SGP4 error {error} for object {satrec.satnum} at {format_utc(t_s)}")
    return np.array(r), np.array(v)


# --- the presets -------------------------------------------------------------------------------

#: Fengyun-1C's fragments in orbit (>= 10 cm) times this are, on average over seeds, the 2,087
#: pieces tracked within months of the test.
FY1C_COUNT_SCALE = 3.05

FENGYUN_1C_2007 = BreakupEvent(
    key="fengyun-1c-2007",
    title="Fengyun-1C anti-satellite test, 2007-01-11",
    time_utc="2007-01-11T22:26:00Z",
    kind=EventKind.COLLISION,
    target=Party("FENGYUN 1C", 25730, "1999-025A", 880.0, BodyKind.SPACECRAFT,
                 # Over the Xichang launch region (28.2 N, 102.0 E), heading south.
                 PublishedOrbit(843.0, 862.0, 98.65, 28.2, 102.0, ascending=False)),
    projectile=Party("SC-19 KILL VEHICLE", 0, "", 600.0),
    closing_speed_km_s=9.0,
    citation=(
        "Parent orbit built from published figures, not from a pre-test element set: "
        "843 x 862 km, i 98.65 deg, sun-synchronous; intercept 2007-01-11 22:26 UTC at about "
        "865 km, head-on, satellite heading south, SC-19 launched from Xichang (J. McDowell, "
        "Jonathan's Space Report; US government statements, Jan 2007). Masses: Fengyun-1C about "
        "880 kg in orbit; kill vehicle about 600 kg and closing speed about 9 km/s are the usual "
        "modelling inputs (orbitview docs/DOMAIN figures). Intercept point placed over Xichang "
        "(28.2 N, 102.0 E): an assumption."
    ),
    figures="843 x 862 km, 98.65 deg; 880 kg target, 600 kg kill vehicle, 9 km/s head-on",
    # docs/breakup.md, "Calibrated to the record": counts to the 2,087 pieces tracked within
    # months, ejection speeds below the published +550 m/s along track, and the remnant still
    # catalogued as 25730 (radar cross-section MEDIUM, under 1 m^2: 1 m^2 is Lc 1.34 m and
    # 94 kg by the model's area and density laws; an assumption).
    calibration=Calibration(count_scale=FY1C_COUNT_SCALE, max_delta_v_km_s=0.55, remnant_mass_kg=94.0),
    interceptor=InterceptorPlan(
        "SC-19", XICHANG, 470.0,
        citation="SC-19 launched from Xichang, intercept 2007-01-11 22:26 UTC (as published: US "
        "government statements, Jan 2007). The flight time is not public: 470 s assumed, the "
        "flight that needs the least burnout speed (3.86 km/s from the site, impulsive) to the "
        "preset's intercept point; launch 22:18:10 UTC follows from it.",
    ),
)

IRIDIUM_COSMOS_2009 = BreakupEvent(
    key="iridium-cosmos-2009",
    title="Iridium 33 / Cosmos 2251 collision, 2009-02-10",
    time_utc="2009-02-10T16:56:00Z",
    kind=EventKind.COLLISION,
    target=Party("COSMOS 2251", 22675, "1993-036A", 900.0, BodyKind.SPACECRAFT,
                 PublishedOrbit(776.0, 800.0, 74.0, 72.5, 97.9, ascending=False)),
    projectile=Party("IRIDIUM 33", 24946, "1997-051C", 560.0, BodyKind.SPACECRAFT,
                     PublishedOrbit(776.0, 779.0, 86.4, 72.5, 97.9, ascending=True)),
    citation=(
        "Collision 2009-02-10 16:56 UTC at 789 km over northern Siberia (72.5 N, 97.9 E), "
        "relative speed about 11.7 km/s (T.S. Kelso, CelesTrak, 'Iridium 33/Cosmos 2251 "
        "collision', 2009). Orbits approximate from published figures: Cosmos 2251 about "
        "776 x 800 km, 74.0 deg, about 900 kg; Iridium 33 about 776 x 779 km, 86.4 deg, about "
        "560 kg. Which of the two crossing geometries (Iridium northbound, Cosmos southbound) is "
        "an assumption."
    ),
)

SHAKTI_2019 = BreakupEvent(
    key="shakti-2019",
    title="Mission Shakti anti-satellite test (Microsat-R), 2019-03-27",
    time_utc="2019-03-27T05:42:00Z",
    kind=EventKind.COLLISION,
    target=Party("MICROSAT-R", 43947, "2019-006A", 740.0, BodyKind.SPACECRAFT,
                 PublishedOrbit(265.0, 282.0, 96.6, 20.0, 87.5, ascending=True)),
    projectile=Party("PDV MK-II KILL VEHICLE", 0, "", 100.0),
    closing_speed_km_s=9.8,
    citation=(
        "Microsat-R (2019-006A, about 740 kg) in a low orbit of about 265 x 282 km, i 96.6 deg, "
        "intercepted at about 283 km on 2019-03-27 near 05:42 UTC by a PDV Mk-II launched from "
        "Abdul Kalam Island (Indian government statement 2019-03-27; NASA ODQN 23(2), 2019). "
        "Place over the Bay of Bengal (20.0 N, 87.5 E), direction, kill-vehicle mass (100 kg) "
        "and closing speed (9.8 km/s) are assumptions."
    ),
    interceptor=InterceptorPlan(
        "PDV Mk-II", KALAM_ISLAND, 180.0,
        citation="PDV Mk-II launched from Dr. A.P.J. Abdul Kalam Island; the satellite was hit "
        "about three minutes after launch (Indian Prime Minister's address, 2019-03-27): 180 s "
        "assumed for 'about three minutes'.",
    ),
)

COSMOS_1408_2021 = BreakupEvent(
    key="cosmos-1408-2021",
    title="Cosmos 1408 anti-satellite test, 2021-11-15",
    time_utc="2021-11-15T02:47:00Z",
    kind=EventKind.COLLISION,
    target=Party("COSMOS 1408", 13552, "1982-092A", 1750.0, BodyKind.SPACECRAFT,
                 PublishedOrbit(465.0, 490.0, 82.56, 62.9, 40.6, ascending=True)),
    projectile=Party("NUDOL KILL VEHICLE", 0, "", 100.0),
    closing_speed_km_s=8.0,
    citation=(
        "Cosmos 1408 (1982-092A, Tselina-D, about 1,750 kg), about 465 x 490 km, i 82.56 deg, "
        "destroyed 2021-11-15 near 02:47 UTC by a direct-ascent missile launched from Plesetsk "
        "(US Space Command statement 2021-11-15; NASA ODQN 26(1), 2022). Place over Plesetsk "
        "(62.9 N, 40.6 E), direction, kill-vehicle mass (100 kg) and closing speed (8 km/s) are "
        "assumptions."
    ),
    interceptor=InterceptorPlan(
        "Nudol", PLESETSK, 340.0,
        citation="Nudol (A-235 PL-19) launched from Plesetsk (as published: US Space Command, "
        "2021-11-15). The flight time is not public: 340 s assumed, the flight that needs the "
        "least burnout speed (3.02 km/s from the site, impulsive) to the preset's intercept point.",
    ),
)

PRESETS: dict[str, BreakupEvent] = {
    e.key: e for e in (FENGYUN_1C_2007, IRIDIUM_COSMOS_2009, SHAKTI_2019, COSMOS_1408_2021)
}


def preset(key: str) -> BreakupEvent:
    try:
        return PRESETS[key]
    except KeyError:
        raise OrbitviewError(
            f"unknown breakup event {key!r}; presets: {', '.join(PRESETS)}"
        ) from None


def published_parents(event: BreakupEvent, source: str) -> Catalog:
    """The element sets of a preset's orbiting bodies (target first), built from its published
    figures at the event time (``orbit_satrec``); ``source`` names where they came from."""
    parties = [p for p in (event.target, event.projectile) if p is not None and p.orbit]
    satrecs = [orbit_satrec(p.orbit, event.time_s, p.norad_id) for p in parties]
    return catalog_of(satrecs, [p.name for p in parties], [p.intl_designator for p in parties], source)


def interceptor_arc(event: BreakupEvent, parents: Catalog) -> InterceptorArc:
    """The flight of ``event``'s interceptor to its target, the first row of ``parents`` (the
    event's parent element sets), meeting it at the event time. ``ValueError`` when the event
    was no direct-ascent test."""
    plan = event.interceptor
    if plan is None:
        raise ValueError(f"{event.title} was not caused by a direct-ascent interceptor")
    return solve_interceptor(plan.site, parents.take([0]), plan.flight_s, intercept_s=event.time_s,
                             vehicle=plan.vehicle)


# --- running an event --------------------------------------------------------------------------

@dataclass(frozen=True)
class BreakupResult:
    """What a modelled event produced.

    ``parents``: the catalogued bodies (not kill vehicles) with element sets at the event time.
    ``fragments``: the model's output. ``element_sets``: the fragments that stay in orbit, fitted
    (the target's remnant, if modelled, among them under the target's number).
    """

    event: BreakupEvent
    seed: int
    parents: Catalog
    fragments: Fragments
    element_sets: FragmentSet
    calibration: Calibration = PLAIN


def _body(party: Party, satrec: Satrec, t_s: float) -> Body:
    r, v = _state_teme(satrec, t_s)
    return Body(party.mass_kg, party.kind, r, v)


def run_event(event: BreakupEvent, lc_min_m: float, seed: int, *,
              first_id: int = SYNTHETIC_ID_FIRST, parents: Catalog | None = None,
              calibration: Calibration | None = None) -> BreakupResult:
    """Model ``event`` down to fragments of ``lc_min_m`` metres, reproducibly from ``seed``.

    ``parents``: the target's (and an orbiting projectile's) element sets, for a custom event;
    by default they are built from the preset's published figures. ``calibration``: by default
    the event's own.
    """
    calibration = event.calibration if calibration is None else calibration
    if not 0.001 <= lc_min_m <= 1.0:
        raise OrbitviewError(f"--min-size must be between 0.001 and 1 m, not {lc_min_m:g}")
    t_s = event.time_s
    rng = np.random.default_rng(seed)
    tuned = f"; {calibration.describe()}" if calibration.describe() else ""
    source = f"orbitview breakup {event.key} --seed {seed} --min-size {lc_min_m:g} (model{tuned})"
    if parents is None:
        parents = published_parents(event, source)
    target = _body(event.target, parents.satrecs[0], t_s)
    if event.kind is EventKind.EXPLOSION:
        fragments = explosion(target, lc_min_m, rng, calibration=calibration)
    else:
        if event.projectile.orbit is not None:
            projectile = _body(event.projectile, parents.satrecs[1], t_s)
        else:
            heading = target.velocity_km_s / np.linalg.norm(target.velocity_km_s)
            projectile = Body(event.projectile.mass_kg, event.projectile.kind, target.position_km,
                              target.velocity_km_s - event.closing_speed_km_s * heading)
        fragments = collision(target, projectile, lc_min_m, rng, calibration=calibration)
    sets = element_sets(fragments, t_s, event.target.name, event.target.intl_designator,
                        first_id=first_id, source=source, parent_norad_id=event.target.norad_id)
    return BreakupResult(event, seed, parents, fragments, sets, calibration)


def title_text(event: BreakupEvent, seed: int, min_size_m: float, fragment_count: int,
               calibration: Calibration | None = None) -> str:
    """The overlay of a modelled event: says it is a model, of what, from which figures, and
    how it is calibrated (``calibration``: by default the event's own).

    A preset's parent orbit is built from published figures; a custom event's parent is a
    loaded element set, and the overlay says so rather than claim published figures.
    """
    calibration = event.calibration if calibration is None else calibration
    if calibration == PLAIN:
        tuned = ""
    elif event.key in PRESETS and calibration == event.calibration:
        tuned = " (calibrated to the record)"  # the figures are in docs/breakup.md
    else:
        tuned = f" ({calibration.describe()})"
    if event.key in PRESETS:
        figures = f" ({event.figures})" if event.figures else ""
        parent = f"parent orbit built from published figures{figures}, not from tracking data"
    else:
        parent = f"parent {event.target.name} ({event.target.norad_id}) from its loaded element set"
    return (
        f"MODEL - {event.title} ({format_utc(event.time_s, seconds=False)}). "
        f"NASA standard breakup model{tuned}, {fragment_count:,} fragments >= {min_size_m * 100:g} cm "
        f"in orbit (seed {seed}); {parent}."
    )


def custom_event(catalog: Catalog, norad_id: int, time_utc: str, kind: EventKind, *,
                 mass_kg: float, projectile_mass_kg: float = 0.0, closing_speed_km_s: float = 0.0,
                 body_kind: BodyKind = BodyKind.SPACECRAFT) -> tuple[BreakupEvent, Catalog]:
    """A breakup of a loaded object at a chosen time.

    Returns the event and a one-row catalogue holding the object's own element set: pass it as
    ``run_event(..., parents=...)`` so the parent state comes from the object's real orbit.
    """
    rows = np.flatnonzero(catalog.norad_id == norad_id)
    if rows.size == 0:
        raise OrbitviewError(f"object {norad_id} is not in the loaded catalogue")
    parent = catalog.take(rows[:1])
    if kind is EventKind.COLLISION and (projectile_mass_kg <= 0 or closing_speed_km_s <= 0):
        raise OrbitviewError("a collision needs --projectile-mass and --speed (both > 0)")
    name = str(parent.name[0]) or str(norad_id)
    event = BreakupEvent(
        key="custom",
        title=f"{kind.value.capitalize()} of {name}, {time_utc}",
        time_utc=time_utc,
        kind=kind,
        target=Party(name, norad_id, str(parent.intl_designator[0]), mass_kg, body_kind),
        projectile=(Party("PROJECTILE", 0, "", projectile_mass_kg)
                    if kind is EventKind.COLLISION else None),
        closing_speed_km_s=closing_speed_km_s if kind is EventKind.COLLISION else None,
        citation=f"Custom event: parent {name} ({norad_id}) from {parent.source[0]}; "
        "masses and speed given by the user.",
    )
    return event, parent
