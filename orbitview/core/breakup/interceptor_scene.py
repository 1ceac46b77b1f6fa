"""An interceptor in a scene: a layer of one object flying its two-body arc, launch to intercept.

Its positions come from the arc itself (``InterceptorArc.states_gcrs``), sampled densely and
served as an ephemeris (``core.orbits.ephemeris``), not from SGP4: the missile exists from launch until
it meets its target. Shared by the default briefing, scenario files and the window's Events
menu, so an interceptor looks the same however it was asked for.
"""

from __future__ import annotations

import math

import numpy as np

from orbitview.core.breakup.interceptor import InterceptorArc
from orbitview.core.model.origin import InterceptorOrigin
from orbitview.core.model.scene import Layer
from orbitview.core.orbits.catalog import Catalog
from orbitview.core.orbits.classify import ObjectClass
from orbitview.core.orbits.ephemeris import Ephemerides, Segment
from orbitview.core.orbits.times import posix_to_jd

#: The interceptor's catalogue number: past every Alpha-5 number (339999) and the synthetic
#: fragments (200000-269999), below the OEM reader's unnumbered objects (900000 on).
INTERCEPTOR_NORAD_ID = 800000
#: Seconds between the arc's samples: Hermite interpolation between exact two-body states this
#: close is good to well under a metre on a ballistic arc.
SAMPLE_STEP_S = 5.0
INTERCEPTOR_COLOR = (1.0, 0.32, 0.18, 1.0)
#: How long the path flown stays drawn after the intercept, seconds (it fades out over it), and
#: how much dimmer its launch end is than its head.
TRAIL_AFTER_S, TRAIL_FADE = 600.0, 0.8
INTERCEPTOR_POINT_SIZE = 8.0


def arc_ephemerides(arc: InterceptorArc) -> Ephemerides:
    """The arc as a one-object ephemeris from launch to intercept, GCRS, Hermite of degree 7
    over states every ``SAMPLE_STEP_S`` (both ends exact)."""
    count = max(2, math.ceil(arc.flight_s / SAMPLE_STEP_S) + 1)
    times = np.linspace(arc.launch_s, arc.intercept_s, count)
    position, velocity = arc.states_gcrs(times)
    segment = Segment(times, position, velocity, "GCRS", "HERMITE", 7)
    return Ephemerides([[segment]], f"two-body arc from {arc.site.name}")


def arc_catalog(arc: InterceptorArc) -> Catalog:
    """A one-row ``Catalog`` naming the missile, with the osculating elements of its ellipse at
    burnout (what the info panel reads: period, inclination, apsides), epoch at launch.

    They are two-body elements, not SGP4 mean elements: nothing propagates them (the layer is
    drawn from ``arc_ephemerides``), and a suborbital ellipse has no SGP4 orbit to fit.
    """
    from orbitview.core.orbits.lambert import MU_EARTH_KM3_S2
    from orbitview.core.orbits.mean_elements import osculating_elements

    a_km, ex, ey, inclination, node, argument_of_latitude = osculating_elements(
        arc.launch_position_km[None], arc.launch_velocity_km_s[None], MU_EARTH_KM3_S2)[0]
    perigee = math.atan2(ey, ex)
    jd, fr = posix_to_jd(arc.launch_s)
    one = lambda value, dtype=np.float64: np.array([value], dtype=dtype)  # noqa: E731
    return Catalog(
        norad_id=one(INTERCEPTOR_NORAD_ID, np.int64), name=one(f"{arc.vehicle} INTERCEPTOR", object),
        intl_designator=one("", object), object_class=one(ObjectClass.UNKNOWN, np.uint8),
        epoch_jd=jd[:1], epoch_fr=fr[:1],
        mean_motion_rev_per_day=one(86400.0 / (2 * math.pi * math.sqrt(a_km**3 / MU_EARTH_KM3_S2))),
        eccentricity=one(math.hypot(ex, ey)), inclination_deg=one(math.degrees(inclination)),
        raan_deg=one(math.degrees(node) % 360.0), arg_perigee_deg=one(math.degrees(perigee) % 360.0),
        mean_anomaly_deg=one(math.degrees(argument_of_latitude - perigee) % 360.0), bstar=one(0.0),
        mean_motion_dot=one(0.0), mean_motion_ddot=one(0.0), element_set_no=one(0, np.int64),
        rev_at_epoch=one(0, np.int64), classification=one("U", object),
        source=one(f"orbitview interceptor: two-body arc from {arc.site.name}", object),
    )


class InterceptorLayer(Layer):
    """One missile on its arc (``arc``), shown from launch until it meets its target, with what
    tells its story: the path flown so far (``trail_gcrs_km``), fading out over ``TRAIL_AFTER_S``
    after the intercept, and the time since launch (``label_at``)."""

    def __init__(self, arc: InterceptorArc, name: str | None = None, **values) -> None:
        values = {"point_size": INTERCEPTOR_POINT_SIZE, "color_by": "source", "color": INTERCEPTOR_COLOR,
                  **values}
        super().__init__(name or f"{arc.vehicle} interceptor", arc_catalog(arc), arc_ephemerides(arc), **values)
        self.arc = arc
        self.classes_from = None

    def trail_gcrs_km(self, t_s: float) -> tuple[np.ndarray, np.ndarray]:
        """The path flown by ``t_s``: (K, 3) float64 GCRS km from the launch (the arc's samples,
        then the missile's place at ``t_s``) and (K,) how bright each point is, 0..1: fading
        towards the launch, and all of it fading away over ``TRAIL_AFTER_S`` after the
        intercept. K is 0 before the launch and once the trail has faded."""
        arc, segment = self.arc, self.keyframes.segments[0][0]
        if not arc.launch_s < t_s < arc.intercept_s + TRAIL_AFTER_S:
            return np.zeros((0, 3)), np.zeros(0)
        now = min(t_s, arc.intercept_s)
        flown = segment.times_s < now
        times = np.append(segment.times_s[flown], now)
        points = np.vstack([segment.position_km[flown], segment.state_at(now)[0]])
        age = (now - times) / arc.flight_s
        brightness = (1.0 - TRAIL_FADE * age) * max(0.0, 1.0 - max(0.0, t_s - arc.intercept_s) / TRAIL_AFTER_S)
        return points, brightness

    def label_at(self, t_s: float) -> str:
        """The missile's label in flight: its name and the time since launch (``T+3:07``)."""
        return f"{self.arc.vehicle} {self.arc.time_since_launch_text(t_s)}"


def preset_target(origin: InterceptorOrigin):
    """The origin of the layer holding ``origin``'s target and the target's number: as given,
    else its preset's parent (``EventOrigin`` of the preset's parent part)."""
    from orbitview.core.breakup.presets import preset
    from orbitview.core.model.origin import EventOrigin

    if origin.target is not None:
        return origin.target, origin.norad
    if not origin.preset:
        raise ValueError("give the target's source (target = { file = ... }) and its number (norad)")
    event = preset(origin.preset)
    return EventOrigin(origin.preset, part="parent"), origin.norad or event.target.norad_id


def interceptor_layer(origin: InterceptorOrigin, target_layers) -> InterceptorLayer:
    """The missile ``origin`` describes, flown to its target among ``target_layers`` (those
    its ``target`` origin makes). Raises ``ValueError`` saying what is missing or cannot be
    flown."""
    from orbitview.core.breakup.interceptor import LaunchSite, solve_interceptor
    from orbitview.core.breakup.launch_sites import SITES
    from orbitview.core.breakup.presets import preset
    from orbitview.core.model.scenario import ObjectKey

    event = preset(origin.preset) if origin.preset else None
    plan = event.interceptor if event is not None else None
    if origin.site:
        site = SITES[origin.site]
    elif origin.latitude_deg is not None:
        name = origin.site_name or f"{origin.latitude_deg:.2f}, {origin.longitude_deg:.2f}"
        site = LaunchSite("custom", name, origin.latitude_deg, origin.longitude_deg, origin.height_km)
    elif plan is not None:
        site = plan.site
    else:
        raise ValueError(f"give a site (one of {', '.join(SITES)}) or latitude_deg and longitude_deg")
    flight_s = origin.flight_s if origin.flight_s is not None else plan.flight_s if plan else None
    if flight_s is None:
        raise ValueError("give flight_s, the seconds from launch to intercept")
    intercept_s = origin.intercept_s
    if intercept_s is None and origin.launch_s is None:
        if event is None:
            raise ValueError("give the intercept time (intercept_s) or the launch time (launch_s)")
        intercept_s = event.time_s
    _, norad = preset_target(origin)
    ref = ObjectKey(norad).resolve(tuple(target_layers))
    arc = solve_interceptor(site, ref.layer.catalog.take([ref.row]), flight_s, intercept_s=intercept_s,
                            launch_s=origin.launch_s, vehicle=origin.interceptor)
    return InterceptorLayer(arc, origin=origin)


def preset_interceptor_layer(event_key: str, parents: Catalog) -> InterceptorLayer:
    """The missile of breakup preset ``event_key`` flown to its target, the first row of
    ``parents`` (the preset's parent element sets), its origin the preset's missile so that a
    saved scenario flies it again."""
    from orbitview.core.breakup.presets import interceptor_arc, preset

    event = preset(event_key)
    return InterceptorLayer(interceptor_arc(event, parents),
                            origin=InterceptorOrigin(event.interceptor.vehicle, preset=event_key))
