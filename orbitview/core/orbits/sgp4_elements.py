"""Element sets in SGP4's own units, the ``Satrec`` objects made from them, and a vectorised
check of which element sets SGP4 cannot initialise.

Catalogue columns hold elements as the user sees them (degrees, revolutions per day);
``sgp4init`` takes radians and radians per minute. ``elements_from_columns`` converts with the
same constants and operation order as SGP4.cpp's ``twoline2rv``, so a ``Satrec`` built here
from a parsed TLE is bit-for-bit the one sgp4's own parser makes.

``init_errors`` gives SGP4's initialisation error code of every row without building a
``Satrec`` per row (which costs as much as parsing the TLE): a few lines of numpy reproduce the
start of ``sgp4init`` (the un-Kozai'd mean motion and semi-major axis), which clears every row
whose orbit is far from each failure SGP4 can report at epoch; only the rest, a few percent of a
real catalogue, go through ``sgp4init`` itself. The margins are argued in ``_clearly_fine``.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from itertools import repeat

import numpy as np
from sgp4.earth_gravity import wgs72

#: The arguments of ``Satrec.sgp4init`` in SGP4's own units. Keys are the names used in files
#: and worker messages; values the ``Satrec`` attributes that hold them.
ELEMENT_ATTRIBUTES = {
    "epoch_jd": "jdsatepoch",
    "epoch_fr": "jdsatepochF",
    "no_kozai_rad_per_min": "no_kozai",
    "ecco": "ecco",
    "inclo_rad": "inclo",
    "nodeo_rad": "nodeo",
    "argpo_rad": "argpo",
    "mo_rad": "mo",
    "bstar_per_earth_radius": "bstar",
    "ndot_rad_per_min2": "ndot",
    "nddot_rad_per_min3": "nddot",
}

_DEG2RAD = math.pi / 180.0
_XPDOTP = 1440.0 / (2.0 * math.pi)  # rev/day per rad/min
#: sgp4init's epoch origin, 1949-12-31 00:00 UTC, as a Julian date.
SGP4_EPOCH_JD = 2433281.5
#: sgp4 refuses larger catalogue numbers (Alpha-5 ends at Z9999); such rows get 0 inside SGP4.
MAX_SGP4_SATNUM = 339_999

# WGS72, the constants of the TLE theory (SGP4.cpp getgravconst), as the sgp4 package holds
# them: every element set orbitview makes or reads assumes these, so they are defined here only.
EARTH_RADIUS_WGS72_KM = wgs72.radiusearthkm
MU_WGS72_KM3_S2 = wgs72.mu
_XKE = 60.0 / math.sqrt(EARTH_RADIUS_WGS72_KM**3 / MU_WGS72_KM3_S2)
_J2 = wgs72.j2

SGP4_ERRORS = {
    1: "mean eccentricity out of range or semi-major axis below 0.95 Earth radii",
    2: "mean motion below zero",
    3: "perturbed eccentricity out of range",
    4: "semi-latus rectum below zero",
    6: "orbit has decayed",
}


def elements_from_columns(
    epoch_jd, epoch_fr, mean_motion_rev_per_day, eccentricity, inclination_deg, raan_deg,
    arg_perigee_deg, mean_anomaly_deg, bstar, mean_motion_dot, mean_motion_ddot,
) -> dict[str, np.ndarray]:
    """``ELEMENT_ATTRIBUTES`` columns, ``(N,) float64`` each, from catalogue columns."""
    return {
        "epoch_jd": np.asarray(epoch_jd, np.float64),
        "epoch_fr": np.asarray(epoch_fr, np.float64),
        "no_kozai_rad_per_min": np.asarray(mean_motion_rev_per_day) / _XPDOTP,
        "ecco": np.asarray(eccentricity, np.float64),
        "inclo_rad": np.asarray(inclination_deg) * _DEG2RAD,
        "nodeo_rad": np.asarray(raan_deg) * _DEG2RAD,
        "argpo_rad": np.asarray(arg_perigee_deg) * _DEG2RAD,
        "mo_rad": np.asarray(mean_anomaly_deg) * _DEG2RAD,
        "bstar_per_earth_radius": np.asarray(bstar, np.float64),
        "ndot_rad_per_min2": np.asarray(mean_motion_dot) / (_XPDOTP * 1440.0),
        "nddot_rad_per_min3": np.asarray(mean_motion_ddot) / (_XPDOTP * 1440.0 * 1440),
    }


def satrecs_from_elements(elements: dict[str, np.ndarray], norad_id=None) -> list:
    """``Satrec`` objects (WGS72, mode 'i', as ``twoline2rv`` makes them) of ``elements``.

    The epoch is set back to the exact two-part Julian date afterwards: ``sgp4init`` takes it
    as one float of days since 1949, which would move it by up to ~0.3 us.
    """
    from sgp4.api import WGS72, Satrec

    n = len(elements["epoch_jd"])
    jd = np.asarray(elements["epoch_jd"], np.float64)
    fr = np.asarray(elements["epoch_fr"], np.float64)
    ids = np.zeros(n, np.int64) if norad_id is None else np.asarray(norad_id, np.int64)
    satnum = np.where((ids >= 0) & (ids <= MAX_SGP4_SATNUM), ids, 0)
    sats = [Satrec() for _ in range(n)]
    column = lambda key: np.asarray(elements[key], np.float64).tolist()  # noqa: E731
    # map() over prepared lists: a Python for loop costs ~30% more for 26k objects.
    deque(map(
        Satrec.sgp4init, sats, repeat(WGS72, n), repeat("i", n), satnum.tolist(),
        ((jd + fr) - SGP4_EPOCH_JD).tolist(),
        column("bstar_per_earth_radius"), column("ndot_rad_per_min2"), column("nddot_rad_per_min3"),
        column("ecco"), column("argpo_rad"), column("inclo_rad"), column("mo_rad"),
        column("no_kozai_rad_per_min"), column("nodeo_rad"),
    ), maxlen=0)
    deque(map(setattr, sats, repeat("jdsatepoch", n), jd.tolist()), maxlen=0)
    deque(map(setattr, sats, repeat("jdsatepochF", n), fr.tolist()), maxlen=0)
    return sats


def init_errors(elements: dict[str, np.ndarray], norad_id=None) -> np.ndarray:
    """``(N,) int64``: the error code ``sgp4init`` leaves in each row's ``Satrec`` (0: fine).

    Exactly what building every ``Satrec`` would report; only rows that ``_clearly_fine``
    cannot clear are built.
    """
    errors = np.zeros(len(elements["epoch_jd"]), np.int64)
    doubtful = np.flatnonzero(~_clearly_fine(elements))
    if len(doubtful):
        ids = None if norad_id is None else np.asarray(norad_id)[doubtful]
        sats = satrecs_from_elements({k: np.asarray(v)[doubtful] for k, v in elements.items()}, ids)
        errors[doubtful] = [s.error for s in sats]
    return errors


def _clearly_fine(elements: dict[str, np.ndarray]) -> np.ndarray:
    """``(N,) bool``: rows that SGP4 certainly initialises without error.

    ``sgp4init`` ends by propagating to the epoch, where it fails when the mean eccentricity
    leaves [0, 1) (1; older versions also when the semi-major axis a is below 0.95 Earth
    radii), the mean motion is not positive (2), the eccentricity after the lunar-solar terms leaves [0, 1] (3, deep space),
    the semi-latus rectum is negative (4), or the radius is below one Earth radius (6). At the
    epoch the secular terms vanish, so a and e are the un-Kozai'd initial ones computed here.
    The periodic terms then move the radius by less than 0.2% plus |A3,0 sin i| / (1 - e^2)
    ~ 0.0012 / (1 - e^2) Earth radii, and the lunar-solar terms scale e by a small factor.
    So e <= 0.9 and a perigee above 1.02 Earth radii (1.1 in deep space, where the lunar-solar
    terms also move the perigee) rule every error out.
    """
    ecco = np.asarray(elements["ecco"], np.float64)
    no_kozai = np.asarray(elements["no_kozai_rad_per_min"], np.float64)
    cos_i = np.cos(np.asarray(elements["inclo_rad"], np.float64))
    with np.errstate(all="ignore"):
        omeosq = 1.0 - ecco * ecco
        ak = (_XKE / no_kozai) ** (2.0 / 3.0)
        d1 = 0.75 * _J2 * (3.0 * cos_i * cos_i - 1.0) / (np.sqrt(omeosq) * omeosq)
        delta = d1 / (ak * ak)
        adel = ak * (1.0 - delta * delta - delta * (1.0 / 3.0 + 134.0 * delta * delta / 81.0))
        no_unkozai = no_kozai / (1.0 + d1 / (adel * adel))
        semi_major = (_XKE / no_unkozai) ** (2.0 / 3.0)
        deep_space = 2.0 * math.pi / no_unkozai >= 225.0
        perigee = semi_major * (1.0 - ecco)
        return (
            np.isfinite(perigee) & (no_unkozai > 0) & (ecco >= 0) & (ecco <= 0.9)
            & (perigee > np.where(deep_space, 1.1, 1.02))
        )


class LazySatrecs(Sequence):
    """The ``Satrec`` of each row of a set of catalogue columns, built on first use.

    Loading and checking a catalogue never needs them (``init_errors`` screens without them),
    and worker processes build their own from ``elements``, so most loads never pay for them.
    """

    def __init__(self, elements: dict[str, np.ndarray], norad_id: np.ndarray) -> None:
        self.elements = elements
        self.norad_id = norad_id
        self._built: tuple | None = None

    @property
    def built(self) -> bool:
        return self._built is not None

    def _all(self) -> tuple:
        if self._built is None:
            self._built = tuple(satrecs_from_elements(self.elements, self.norad_id))
        return self._built

    def __len__(self) -> int:
        return len(self.norad_id)

    def __getitem__(self, index):
        return self._all()[index]

    def __iter__(self):
        return iter(self._all())
