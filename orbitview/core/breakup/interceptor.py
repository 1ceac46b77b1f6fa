"""Direct-ascent interceptors: the two-body arc from a launch site to a catalogued target.

The site is a point on the WGS84 ellipsoid turning with the Earth (ITRS, rotated to GCRS with
skyfield's rotation, ``core.orbits.frames``). The target's SGP4 position at the intercept time fixes
the meeting point; the arc between the site at launch and that point is the solution of
Lambert's problem (``core.orbits.lambert``) in GCRS, a Keplerian ellipse about a point-mass Earth.

What is modelled and what is not: the launch is impulsive, the burnout speed being reached at
the site itself. A real boost phase lasts one to two minutes and ends some tens to a hundred
kilometres up and downrange, so the drawn path's first minute runs low and the reported
burnout speed is the one an impulsive launch would need (an upper bound on what a boost that
ends higher needs); from there on a ballistic missile does fly a near-Keplerian arc above the
atmosphere. No drag and no J2: the Earth's flattening, left out, would move the end of the
presets' arcs by 0.2 to 1.3 km (their burnout states integrated with and without it), a tenth
of a pixel of a globe view; the arc is the two-body one the issue asks for, and meets the
target's SGP4 position within metres in that model.

Vectors are GCRS km and km/s, float64; times are POSIX seconds UTC.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from orbitview.core.model.object_info import geodetic_height_km
from orbitview.core.orbits.catalog import Catalog
from orbitview.core.orbits.frames import gcrs_from_itrs
from orbitview.core.orbits.lambert import LambertArc, kepler_states
from orbitview.core.orbits.propagate import EARTH_ROTATION_RAD_S, propagate
from orbitview.core.orbits.times import format_utc
from orbitview.core.orbits.tracks import ellipsoid_point_km, geodetic_lat_lon_rad

#: Flight times orbitview solves for, seconds: from a short hop to a direct ascent to GEO
#: (about 5.2 h on the least-energy arc from the ground).
MIN_FLIGHT_S, MAX_FLIGHT_S = 10.0, 6 * 3600.0
#: Samples per second of flight for the ground-clearance check and the apex search.
_CHECK_SAMPLES_PER_S = 1.0
_MIN_CHECK_SAMPLES = 200


@dataclass(frozen=True)
class LaunchSite:
    """A launch site: geodetic (WGS84) ``latitude_deg``, ``longitude_deg`` (east positive) and
    ``height_km`` above the ellipsoid. ``citation``: where the figures come from."""

    key: str
    name: str
    latitude_deg: float
    longitude_deg: float
    height_km: float = 0.0
    citation: str = ""

    def __post_init__(self) -> None:
        if not (-90.0 <= self.latitude_deg <= 90.0 and -180.0 <= self.longitude_deg <= 360.0):
            raise ValueError(f"a site's latitude must be within -90 .. 90 deg and its longitude within "
                             f"-180 .. 360 deg, not {self.latitude_deg:g}, {self.longitude_deg:g}")
        if not -0.5 <= self.height_km <= 10.0:
            raise ValueError(f"a site's height must be within -0.5 .. 10 km of the ellipsoid, "
                             f"not {self.height_km:g} km")

    @property
    def itrs_km(self) -> np.ndarray:
        """(3,) ITRS km of the site."""
        lat, lon = np.radians([self.latitude_deg]), np.radians([self.longitude_deg])
        return ellipsoid_point_km(lat, lon, self.height_km)[0]

    def state_gcrs(self, t_s: float) -> tuple[np.ndarray, np.ndarray]:
        """(3,) GCRS position km and velocity km/s of the site at ``t_s``: it moves with the
        Earth, v = R (omega x r_itrs)."""
        r = self.itrs_km
        spin = EARTH_ROTATION_RAD_S * np.array([-r[1], r[0], 0.0])
        rotation = gcrs_from_itrs(t_s)
        return rotation @ r, rotation @ spin


@dataclass(frozen=True)
class InterceptorPlan:
    """What a breakup preset says of the missile that caused it: its ``vehicle`` name, the
    ``site`` and the ``flight_s`` from launch to intercept; ``citation`` says which figures are
    published and which assumed."""

    vehicle: str
    site: LaunchSite
    flight_s: float
    citation: str = ""


class InterceptorArc:
    """The interceptor's path from ``site`` to ``target`` (a one-row ``Catalog``), launched at
    ``launch_s`` and meeting the target's SGP4 position at ``intercept_s``.

    Attributes (GCRS): ``launch_position_km``, ``launch_velocity_km_s`` (the burnout state,
    inertial), ``site_velocity_km_s`` (the site's own, the Earth's turning),
    ``intercept_position_km``, ``intercept_velocity_km_s``, ``target_velocity_km_s``;
    ``apex_s`` and ``apex_height_km`` (highest point above the ellipsoid); ``lowest_height_km``
    (after launch). Build with ``solve_interceptor``.
    """

    def __init__(self, site: LaunchSite, target: Catalog, launch_s: float, intercept_s: float,
                 vehicle: str = "Interceptor") -> None:
        self.site, self.target, self.vehicle = site, target, vehicle
        self.launch_s, self.intercept_s = float(launch_s), float(intercept_s)
        target_name = str(target.name[0]) or str(int(target.norad_id[0]))
        states = propagate(target, np.array([self.intercept_s]), "GCRS")
        if states.error[0, 0]:
            raise ValueError(f"no SGP4 position of {target_name} at {format_utc(self.intercept_s)} "
                             f"(SGP4 error {int(states.error[0, 0])}): it cannot be intercepted then")
        self.intercept_position_km = states.position_km[0, 0]
        self.target_velocity_km_s = states.velocity_km_s[0, 0]
        self.launch_position_km, self.site_velocity_km_s = site.state_gcrs(self.launch_s)
        try:
            lambert = LambertArc(self.launch_position_km, self.intercept_position_km, self.flight_s)
        except ValueError as exc:
            raise ValueError(f"{target_name} from {site.name}: {exc}") from None
        self.launch_velocity_km_s, self.intercept_velocity_km_s = lambert.v1_km_s, lambert.v2_km_s
        self._check_clearance(target_name)

    @property
    def flight_s(self) -> float:
        return self.intercept_s - self.launch_s

    def states_gcrs(self, times_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(T, 3) GCRS position km and velocity km/s on the arc at (T,) ``times_s`` (two-body,
        from the burnout state; times outside the flight extend the same ellipse)."""
        times_s = np.atleast_1d(np.asarray(times_s, np.float64))
        return kepler_states(self.launch_position_km, self.launch_velocity_km_s, times_s - self.launch_s)

    def heights_km(self, times_s: np.ndarray) -> np.ndarray:
        """(T,) heights above the WGS84 ellipsoid on the arc at (T,) ``times_s``, km."""
        position, _ = self.states_gcrs(times_s)
        itrs = np.einsum("tji,tj->ti", gcrs_from_itrs(times_s).reshape(-1, 3, 3), position)
        return geodetic_height_km(itrs, geodetic_lat_lon_rad(itrs)[0])

    def _check_clearance(self, target_name: str) -> None:
        """Refuse an arc that starts downwards or dips below the ellipsoid on the way; find the
        apex (a sampled maximum refined by Brent's bounded search)."""
        from scipy.optimize import minimize_scalar

        if self.launch_elevation_deg <= 0.0:
            raise ValueError(
                f"{target_name} from {self.site.name} in {self.flight_s:g} s: the path would leave the "
                f"site {-self.launch_elevation_deg:.1f} deg below the horizon, through the Earth")
        count = max(_MIN_CHECK_SAMPLES, math.ceil(self.flight_s * _CHECK_SAMPLES_PER_S))
        times = np.linspace(self.launch_s, self.intercept_s, count + 1)
        heights = self.heights_km(times)
        lowest = int(np.argmin(heights[1:])) + 1
        self.lowest_height_km = float(heights[lowest])
        if self.lowest_height_km < 0.0:
            raise ValueError(
                f"{target_name} from {self.site.name} in {self.flight_s:g} s: the path passes "
                f"{-self.lowest_height_km:.0f} km below the Earth's surface "
                f"{times[lowest] - self.launch_s:.0f} s after launch; choose another flight time or site")
        k = int(np.argmax(heights))
        bracket = (float(times[max(k - 1, 0)]), float(times[min(k + 1, count)]))
        found = minimize_scalar(lambda t: -float(self.heights_km(np.array([t]))[0]), bounds=bracket,
                                method="bounded", options={"xatol": 1e-3})
        self.apex_s = float(found.x) if -found.fun > heights[k] else float(times[k])
        self.apex_height_km = float(max(-found.fun, heights[k]))

    # --- what an analyst is told ---------------------------------------------------------------

    @property
    def burnout_speed_km_s(self) -> float:
        """Inertial speed at burnout, km/s."""
        return float(np.linalg.norm(self.launch_velocity_km_s))

    @property
    def relative_velocity_km_s(self) -> np.ndarray:
        """(3,) GCRS burnout velocity relative to the turning site, km/s: what the missile
        itself must give."""
        return self.launch_velocity_km_s - self.site_velocity_km_s

    @property
    def burnout_speed_relative_km_s(self) -> float:
        return float(np.linalg.norm(self.relative_velocity_km_s))

    def _local_frame(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(east, north, up) unit vectors of the site at launch, GCRS (geodetic up)."""
        lat, lon = np.radians(self.site.latitude_deg), np.radians(self.site.longitude_deg)
        rotation = gcrs_from_itrs(self.launch_s)
        up = rotation @ np.array([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
        east = rotation @ np.array([-np.sin(lon), np.cos(lon), 0.0])
        return east, np.cross(up, east), up

    @property
    def launch_elevation_deg(self) -> float:
        """Angle of the site-relative burnout velocity above the local horizontal, degrees."""
        east, north, up = self._local_frame()
        v = self.relative_velocity_km_s
        return math.degrees(math.atan2(float(v @ up), math.hypot(float(v @ east), float(v @ north))))

    @property
    def launch_azimuth_deg(self) -> float:
        """Direction of the site-relative burnout velocity, degrees clockwise from north."""
        east, north, _ = self._local_frame()
        v = self.relative_velocity_km_s
        return math.degrees(math.atan2(float(v @ east), float(v @ north))) % 360.0

    @property
    def closing_velocity_km_s(self) -> np.ndarray:
        """(3,) the interceptor's velocity relative to the target at intercept, km/s."""
        return self.intercept_velocity_km_s - self.target_velocity_km_s

    @property
    def closing_speed_km_s(self) -> float:
        return float(np.linalg.norm(self.closing_velocity_km_s))

    @property
    def closing_angle_deg(self) -> float:
        """Angle between the interceptor's and the target's velocities at intercept, degrees
        (180: head-on, 0: from behind)."""
        a, b = self.intercept_velocity_km_s, self.target_velocity_km_s
        return math.degrees(math.acos(float(np.clip(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)), -1, 1))))

    def time_since_launch_text(self, t_s: float) -> str:
        """``T+3:07``: minutes and seconds since launch (``T-`` before it)."""
        seconds = round(t_s - self.launch_s)
        sign = "+" if seconds >= 0 else "-"
        return f"T{sign}{abs(seconds) // 60}:{abs(seconds) % 60:02d}"

    def summary_lines(self) -> list[str]:
        """What the solution says, one fact a line, for the command line and the window."""
        target = f"{str(self.target.name[0]) or 'object'} ({int(self.target.norad_id[0])})"
        return [
            f"{self.vehicle} from {self.site.name} ({self.site.latitude_deg:.3f} N, "
            f"{self.site.longitude_deg:.3f} E) to {target}",
            f"launch {format_utc(self.launch_s)}, intercept {format_utc(self.intercept_s)} "
            f"({self.flight_s:.0f} s of flight)",
            f"apex {self.apex_height_km:.0f} km at T+{self.apex_s - self.launch_s:.0f} s",
            f"burnout speed {self.burnout_speed_relative_km_s:.2f} km/s relative to the site "
            f"({self.burnout_speed_km_s:.2f} km/s inertial), {self.launch_elevation_deg:.1f} deg above "
            f"the horizon towards azimuth {self.launch_azimuth_deg:.0f} deg (impulsive launch at the site)",
            f"closing speed {self.closing_speed_km_s:.2f} km/s at {self.closing_angle_deg:.0f} deg "
            "between the two paths (180: head-on)",
        ]


def solve_interceptor(site: LaunchSite, target: Catalog, flight_s: float, *, intercept_s: float | None = None,
                      launch_s: float | None = None, vehicle: str = "Interceptor") -> InterceptorArc:
    """The arc of a missile launched from ``site`` that meets ``target`` (a one-row catalogue)
    ``flight_s`` seconds after launch; give the intercept time or the launch time.

    Raises ``ValueError`` with a message for the user when the request cannot be flown: a flight
    time outside ``MIN_FLIGHT_S`` .. ``MAX_FLIGHT_S``, shorter than even an escape-speed path
    needs, or a path through the Earth; a target SGP4 cannot place then.
    """
    if (intercept_s is None) == (launch_s is None):
        raise ValueError("give the intercept time or the launch time (one of the two)")
    if len(target) != 1:
        raise ValueError(f"the target is one object, not {len(target)}")
    if not MIN_FLIGHT_S <= flight_s <= MAX_FLIGHT_S:
        raise ValueError(f"a flight time of {flight_s:g} s is outside {MIN_FLIGHT_S:g} s .. "
                         f"{MAX_FLIGHT_S / 3600:g} h")
    if intercept_s is None:
        intercept_s = launch_s + flight_s
    return InterceptorArc(site, target, intercept_s - flight_s, intercept_s, vehicle)

