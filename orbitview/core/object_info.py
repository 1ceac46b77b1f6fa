"""What the object info panel shows about one object at the clock's time.

Everything is computed here, from the object's elements (SGP4 at the clock time) and the
frames of ``core.frames``, so the panel only formats numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from orbitview.core.classify import CLASS_LABELS, ObjectClass
from orbitview.core.frames import EARTH_EQUATORIAL_RADIUS_KM, EARTH_POLAR_RADIUS_KM, sun_direction_gcrs, sun_known
from orbitview.core.gabbard import from_catalog
from orbitview.core.propagate import propagate
from orbitview.core.scene import Scene
from orbitview.core.tracks import geodetic_lat_lon_rad

#: WGS84 first eccentricity squared.
E2 = 1.0 - (EARTH_POLAR_RADIUS_KM / EARTH_EQUATORIAL_RADIUS_KM) ** 2


@dataclass(frozen=True)
class ObjectInfo:
    """One object at ``t_s`` (POSIX seconds UTC).

    Identity and elements are always known. The state at ``t_s`` (``altitude_km`` above the
    WGS84 ellipsoid, inertial ``speed_km_s``, geodetic ``latitude_deg``/``longitude_deg``,
    ``sunlit``) is None when the object is not there then (before a breakup, after decay);
    ``sunlit`` is also None outside the Sun's ephemeris (``frames.sun_known``).
    ``apogee_km``/``perigee_km`` are altitudes above the equatorial radius from the mean
    elements; ``element_age_s`` is ``t_s`` minus the element epoch (negative: elements from
    the future of the displayed time).
    """

    norad_id: int
    name: str
    intl_designator: str
    object_class: str
    source: str
    layer_name: str
    t_s: float
    epoch_s: float
    element_age_s: float
    period_min: float
    inclination_deg: float
    apogee_km: float
    perigee_km: float
    altitude_km: float | None = None
    speed_km_s: float | None = None
    latitude_deg: float | None = None
    longitude_deg: float | None = None
    sunlit: bool | None = None


def geodetic_height_km(itrs_km: np.ndarray, lat_rad: np.ndarray) -> np.ndarray:
    """Height above the WGS84 ellipsoid of ITRS points with geodetic latitude ``lat_rad``
    (the form that stays exact at the poles as well as the equator)."""
    x, y, z = np.asarray(itrs_km, dtype=np.float64).T
    p = np.hypot(x, y)
    sin_lat = np.sin(lat_rad)
    return p * np.cos(lat_rad) + z * sin_lat - EARTH_EQUATORIAL_RADIUS_KM * np.sqrt(1.0 - E2 * sin_lat**2)


def in_sunlight(position_gcrs_km: np.ndarray, sun_gcrs: np.ndarray) -> np.ndarray:
    """(N,) bool: outside the Earth's cylindrical shadow (the objects shader's test): an
    object is eclipsed when it is on the night side and within one Earth radius of the
    Earth-Sun axis."""
    p = np.atleast_2d(np.asarray(position_gcrs_km, dtype=np.float64))
    along = p @ sun_gcrs
    off_axis = np.linalg.norm(p - along[:, None] * sun_gcrs, axis=1)
    return ~((along < 0) & (off_axis < EARTH_EQUATORIAL_RADIUS_KM))


def object_state(scene: Scene, norad_id: int, t_s: float | None = None) -> ObjectInfo | None:
    """The info of catalogue number ``norad_id`` at ``t_s`` (default: the clock's time);
    None when no layer holds it."""
    found = scene.locate(norad_id)
    if found is None:
        return None
    layer, row = found
    t = scene.clock.time_s if t_s is None else float(t_s)
    catalog = layer.catalog
    one = catalog.take([row])
    orbit = from_catalog(one)
    epoch_s = float(one.epoch_s[0])
    info = dict(
        norad_id=int(norad_id),
        name=str(one.name[0] or ""),
        intl_designator=str(one.intl_designator[0] or ""),
        object_class=CLASS_LABELS[ObjectClass(int(one.object_class[0]))],
        source=str(one.source[0] or layer.name),
        layer_name=layer.name,
        t_s=t,
        epoch_s=epoch_s,
        element_age_s=t - epoch_s,
        period_min=float(orbit.period_min[0]),
        inclination_deg=float(one.inclination_deg[0]),
        apogee_km=float(orbit.apogee_km[0]),
        perigee_km=float(orbit.perigee_km[0]),
    )
    # The layer decides whether the object exists now (a parent ends at its breakup).
    if scene.position_gcrs_km(norad_id, t) is None:
        return ObjectInfo(**info)
    times = np.array([t])
    gcrs = propagate(one, times, "GCRS")
    itrs = propagate(one, times, "ITRS")
    if gcrs.error[0, 0] != 0:
        return ObjectInfo(**info)
    position_itrs = itrs.position_km[0]
    lat, lon = geodetic_lat_lon_rad(position_itrs)
    return ObjectInfo(
        **info,
        altitude_km=float(geodetic_height_km(position_itrs, lat)[0]),
        speed_km_s=float(np.linalg.norm(gcrs.velocity_km_s[0, 0])),
        latitude_deg=math.degrees(float(lat[0])),
        longitude_deg=math.degrees(float(lon[0])),
        sunlit=bool(in_sunlight(gcrs.position_km[0], sun_direction_gcrs(t))[0]) if sun_known(t) else None,
    )
