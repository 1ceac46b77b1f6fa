"""B* that makes SGP4 decay a fragment as the real atmosphere would.

SGP4 folds drag into ``B* = rho0 Cd (A/m) / 2`` and a fixed density profile
``rho(h) = rho0 ((q0 - s) / (h - s))^4``: rho0 = 2.461e-8 kg/m^3 at q0 = 120 km, s = 78 km for
perigees above 156 km, s = perigee - 78 km between 98 and 156 km, s = 20 km below (Hoots and
Roehrich, Spacetrack Report No. 3, 1980). That profile falls off far more slowly than the real
atmosphere: at 850 km it is about 26 times the U.S. Standard Atmosphere 1976's density. Element
sets fitted to tracked debris absorb the difference in their B*; a fragment given its physical
B* decays in SGP4 an order of magnitude too fast.

The calibration scales each fragment's physical B* by the ratio of the real density to SGP4's
at the fragment's perigee, where drag acts: ``B*_sgp4 = B*_physical rho_real(h_p) / rho_sgp4(h_p)``.
docs/breakup.md compares the result with the tracked Fengyun-1C cloud.
"""

from __future__ import annotations

import numpy as np

#: SGP4's reference density, kg/m^3, and the altitudes of its profile, km.
SGP4_RHO0_KG_M3 = 2.461e-8
SGP4_Q0_KM = 120.0
SGP4_S_KM = 78.0

#: U.S. Standard Atmosphere 1976 (NOAA, NASA, USAF), density at altitude, as tabulated in
#: H. D. Curtis, Orbital Mechanics for Engineering Students (Table 1.x / appendix, atmosphere.m).
USSA76_ALTITUDE_KM = np.array([100.0, 110.0, 120.0, 130.0, 140.0, 150.0, 180.0, 200.0, 250.0,
                               300.0, 350.0, 400.0, 450.0, 500.0, 600.0, 700.0, 800.0, 900.0,
                               1000.0])
USSA76_DENSITY_KG_M3 = np.array([5.604e-7, 9.708e-8, 2.222e-8, 8.152e-9, 3.831e-9, 2.076e-9,
                                 5.194e-10, 2.541e-10, 6.073e-11, 1.916e-11, 7.014e-12,
                                 2.803e-12, 1.184e-12, 5.215e-13, 1.137e-13, 3.070e-14,
                                 1.136e-14, 5.759e-15, 3.561e-15])


def sgp4_density_kg_m3(perigee_km: np.ndarray) -> np.ndarray:
    """SGP4's density at its own perigee altitude ``perigee_km`` (km above the equatorial
    radius), with SGP4's choice of s for low perigees."""
    h = np.asarray(perigee_km, dtype=np.float64)
    s = np.where(h >= 156.0, SGP4_S_KM, np.where(h >= 98.0, h - SGP4_S_KM, 20.0))
    return SGP4_RHO0_KG_M3 * ((SGP4_Q0_KM - s) / (h - s)) ** 4


def standard_density_kg_m3(altitude_km: np.ndarray) -> np.ndarray:
    """USSA 1976 density, log-linear between its altitudes; above 1,000 km the 900-1,000 km
    scale height carries on, below 100 km the 100 km value holds."""
    h = np.asarray(altitude_km, dtype=np.float64)
    log_rho = np.log(USSA76_DENSITY_KG_M3)
    top_slope = (log_rho[-1] - log_rho[-2]) / (USSA76_ALTITUDE_KM[-1] - USSA76_ALTITUDE_KM[-2])
    above = np.maximum(h - USSA76_ALTITUDE_KM[-1], 0.0)
    return np.exp(np.interp(h, USSA76_ALTITUDE_KM, log_rho) + top_slope * above)


def density_ratio(perigee_km: np.ndarray) -> np.ndarray:
    """``rho_real / rho_sgp4`` at each perigee altitude (km): the factor on a physical B*."""
    return standard_density_kg_m3(perigee_km) / sgp4_density_kg_m3(perigee_km)
