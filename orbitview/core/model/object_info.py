"""What the object info panel shows about one object at the clock's time.

Everything is computed here, from the object's elements (SGP4 at the clock time) and the
frames of ``core.orbits.frames``, so the panel only formats numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from orbitview.core.orbits.classify import CLASS_LABELS, ObjectClass
from orbitview.core.orbits.frames import (EARTH_EQUATORIAL_RADIUS_KM, EARTH_POLAR_RADIUS_KM, gcrs_from_itrs,
                                   sun_direction_gcrs, sun_known)
from orbitview.core.model.object_ref import ObjectRef
from orbitview.core.model.scene import Scene
from orbitview.core.orbits.gabbard import from_catalog
from orbitview.core.orbits.propagate import propagate
from orbitview.core.orbits.tracks import geodetic_lat_lon_rad

#: WGS84 first eccentricity squared.
E2 = 1.0 - (EARTH_POLAR_RADIUS_KM / EARTH_EQUATORIAL_RADIUS_KM) ** 2

# The height extremes over a revolution: a coarse pass, then each candidate extreme's bracket
# is sampled again, narrowing tenfold per pass (one revolution / 360 / 10^4: 1.5 ms for LEO).
_COARSE_SAMPLES = 360
_REFINE_SAMPLES = 21
_REFINE_PASSES = 4
#: Local extremes of the coarse pass refined on each side (a near-circular orbit has several
#: of nearly the same height, the Earth's flattening being larger than its eccentricity).
_CANDIDATES = 3


@dataclass(frozen=True)
class ObjectInfo:
    """One object at ``t_s`` (POSIX seconds UTC).

    Identity and elements are always known. The state at ``t_s`` (``altitude_km`` above the
    WGS84 ellipsoid, inertial ``speed_km_s``, geodetic ``latitude_deg``/``longitude_deg``,
    ``sunlit``) is None when the object is not there then (before a breakup, after decay);
    ``sunlit`` is also None outside the Sun's ephemeris (``frames.sun_known``).
    ``highest_km``/``lowest_km`` are the greatest and least heights above the WGS84 ellipsoid
    (the altitude's measure) over the revolution from ``t_s``, from SGP4 positions; None when
    the object is not there for all of it. ``mean_apogee_km``/``mean_perigee_km`` are the mean
    elements' apsides above the equatorial radius (a(1 +- e) - 6378.135 km, WGS72: what catalogues
    list, not heights the object reaches). ``element_age_s`` is ``t_s`` minus the element epoch
    (negative: elements from the future of the displayed time).
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
    mean_apogee_km: float
    mean_perigee_km: float
    altitude_km: float | None = None
    highest_km: float | None = None
    lowest_km: float | None = None
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


def heights_km(one, times_s: np.ndarray) -> np.ndarray:
    """(T,) heights above the WGS84 ellipsoid of the one object of catalogue ``one`` at
    ``times_s``, from SGP4; NaN where SGP4 fails.

    From TEME positions, without the rotation to ITRS that costs a hundred times more: a height
    depends only on the distances from the Earth's axis and from the equator's plane, which
    the Earth-rotation angle leaves as they are; polar motion, the rest of TEME to ITRS, moves
    them by centimetres.
    """
    states = propagate(one, times_s, "TEME")
    position = states.position_km[:, 0]
    height = geodetic_height_km(position, geodetic_lat_lon_rad(position)[0])
    return np.where(states.error[:, 0] == 0, height, np.nan)


def height_extremes_km(one, t_s: float, period_s: float) -> tuple[float, float] | None:
    """(highest, lowest) height above the WGS84 ellipsoid, km, of the one object of catalogue
    ``one`` over ``[t_s, t_s + period_s]``; None when SGP4 fails anywhere in it.

    Heights of the whole revolution at 360 times, then the few best local extremes of each
    kind refined (see ``_REFINE_PASSES``), which keeps the search to a few SGP4 calls.
    """
    step_s = period_s / _COARSE_SAMPLES
    times = t_s + step_s * np.arange(_COARSE_SAMPLES + 1)
    coarse = heights_km(one, times)
    if not np.isfinite(coarse).all():
        return None
    extremes = []
    for sign in (1.0, -1.0):  # +1: highest, -1: lowest
        h = sign * coarse
        # Local maxima of sign * height, ends included (the window need not close on itself).
        padded = np.concatenate(([-np.inf], h, [-np.inf]))
        peaks = np.flatnonzero((padded[1:-1] >= padded[:-2]) & (padded[1:-1] >= padded[2:]))
        centres = times[peaks[np.argsort(h[peaks])[::-1][:_CANDIDATES]]]
        half = np.full(len(centres), step_s)
        best = -np.inf
        offsets = np.linspace(-1.0, 1.0, _REFINE_SAMPLES)
        for _ in range(_REFINE_PASSES):
            grid = np.clip(centres[:, None] + half[:, None] * offsets, t_s, t_s + period_s)
            values = sign * heights_km(one, grid.ravel()).reshape(grid.shape)
            if not np.isfinite(values).all():
                return None
            pick = np.argmax(values, axis=1)
            centres = grid[np.arange(len(centres)), pick]
            best = max(best, float(values.max()))
            half = half * (2.0 / (_REFINE_SAMPLES - 1))
        extremes.append(sign * max(best, float(h.max())))
    return extremes[0], extremes[1]


def in_sunlight(position_gcrs_km: np.ndarray, sun_gcrs: np.ndarray) -> np.ndarray:
    """(N,) bool: outside the Earth's cylindrical shadow (the objects shader's test): an
    object is eclipsed when it is on the night side and within one Earth radius of the
    Earth-Sun axis."""
    p = np.atleast_2d(np.asarray(position_gcrs_km, dtype=np.float64))
    along = p @ sun_gcrs
    off_axis = np.linalg.norm(p - along[:, None] * sun_gcrs, axis=1)
    return ~((along < 0) & (off_axis < EARTH_EQUATORIAL_RADIUS_KM))


def object_state(scene: Scene, ref: ObjectRef, t_s: float | None = None) -> ObjectInfo | None:
    """The info of object ``ref`` (layer and row) at ``t_s`` (default: the clock's time);
    None when its layer is not in the scene."""
    if ref.layer not in scene.layers:
        return None
    layer, row = ref.layer, ref.row
    t = scene.clock.time_s if t_s is None else float(t_s)
    catalog = layer.catalog
    one = catalog.take([row])
    orbit = from_catalog(one)
    epoch_s = float(one.epoch_s[0])
    info = dict(
        norad_id=ref.norad_id,
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
        mean_apogee_km=float(orbit.apogee_km[0]),
        mean_perigee_km=float(orbit.perigee_km[0]),
    )
    # The layer decides whether the object exists now (a parent ends at its breakup).
    if scene.position_gcrs_km(ref, t) is None:
        return ObjectInfo(**info)
    state = _state_gcrs(layer, row, one, t)
    if state is None:
        return ObjectInfo(**info)
    position_gcrs, velocity_gcrs = state
    position_itrs = (gcrs_from_itrs(t).T @ position_gcrs)[None]
    lat, lon = geodetic_lat_lon_rad(position_itrs)
    extremes = height_extremes_km(one, t, 60.0 * info["period_min"])
    highest, lowest = extremes if extremes is not None else (None, None)
    return ObjectInfo(
        **info,
        highest_km=highest,
        lowest_km=lowest,
        altitude_km=float(geodetic_height_km(position_itrs, lat)[0]),
        speed_km_s=float(np.linalg.norm(velocity_gcrs)),
        latitude_deg=math.degrees(float(lat[0])),
        longitude_deg=math.degrees(float(lon[0])),
        sunlit=bool(in_sunlight(position_gcrs, sun_direction_gcrs(t))[0]) if sun_known(t) else None,
    )


def _state_gcrs(layer, row: int, one, t_s: float) -> tuple[np.ndarray, np.ndarray] | None:
    """(3,) GCRS position km and velocity km/s at ``t_s``: an ephemeris layer's own state (an
    OEM's objects are drawn from their states, not their fitted elements), else SGP4's; None
    where there is none."""
    state_of = getattr(layer.keyframes, "state_of", None)
    if state_of is not None:
        return state_of(row, t_s)
    gcrs = propagate(one, np.array([t_s]), "GCRS")
    if gcrs.error[0, 0] != 0:
        return None
    return gcrs.position_km[0, 0], gcrs.velocity_km_s[0, 0]
