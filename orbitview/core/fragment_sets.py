"""Modelled fragments as element sets: a ``Catalog`` SGP4 can propagate and files can hold.

Synthetic catalogue numbers: fragments are numbered from 270000 up (``SYNTHETIC_ID_FIRST``).
270000-339999 is the top of the Alpha-5 range (``T0000``-``Z9999``), so TLE files can hold the
first 70,000 of them, and real catalogue numbers (past 100000 only since 2026) are decades from it.
Sets larger than that keep counting for OMM output; TLE writers refuse them.

Names: ``<PARENT>-DEB nnnn`` (``FENGYUN 1C-DEB 0001``): the ``DEB`` word makes them debris in
orbitview and in other tools. They have no COSPAR designator of their own (the real pieces' are
taken), so ``intl_designator`` is the parent's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orbitview.core.breakup import Fragments
from orbitview.core.catalog import Catalog
from orbitview.core.classify import ObjectClass
from orbitview.core.gabbard import from_states
from orbitview.core.mean_elements import fit_mean_elements
from orbitview.core.times import posix_to_jd

SYNTHETIC_ID_FIRST = 270000
SYNTHETIC_ID_LAST_TLE = 339999
#: SGP4's reference density, kg m^-2 per earth radius: B* = RHO0 * Cd * (A/m) / 2.
SGP4_RHO0_KG_M2_ER = 0.15696615
DRAG_COEFFICIENT = 2.2
#: Fragments whose orbit dips below this (osculating perigee altitude, km) re-enter on the first
#: revolution: they get no element set.
REENTRY_PERIGEE_KM = 100.0


def bstar_from_area_to_mass(area_to_mass_m2_kg: np.ndarray, drag_coefficient: float = DRAG_COEFFICIENT):
    """SGP4 B* (1/earth radii) from area-to-mass (m^2/kg): rho0 Cd (A/m) / 2."""
    return SGP4_RHO0_KG_M2_ER * drag_coefficient * np.asarray(area_to_mass_m2_kg) / 2.0


@dataclass(frozen=True)
class FragmentSet:
    """Element sets of the fragments that stay in orbit.

    ``catalog``: one row per kept fragment. ``fragment_index``: ``(K,)`` row of each in the
    ``Fragments``. ``residual_position_km`` / ``residual_velocity_km_s``: ``(K,)`` SGP4 at the
    epoch minus the modelled state. ``reentered``: fragments left out (perigee below
    ``REENTRY_PERIGEE_KM`` or unbound); ``failed``: left out because SGP4 refused the fit.
    """

    catalog: Catalog
    fragment_index: np.ndarray
    residual_position_km: np.ndarray
    residual_velocity_km_s: np.ndarray
    reentered: int
    failed: int


def element_sets(fragments: Fragments, epoch_s: float, parent_name: str, parent_designator: str,
                 *, first_id: int = SYNTHETIC_ID_FIRST, source: str = "breakup model") -> FragmentSet:
    """Fit SGP4 mean elements to each fragment's TEME state at ``epoch_s`` (POSIX seconds)."""
    perigee_km = from_states(fragments.position_km, fragments.velocity_km_s).perigee_km
    in_orbit = np.flatnonzero(perigee_km >= REENTRY_PERIGEE_KM)  # NaN (unbound) is dropped too
    bstar = bstar_from_area_to_mass(fragments.area_to_mass_m2_kg[in_orbit])
    jd, fr = posix_to_jd(epoch_s)
    # Numbers follow the fragments' order in the model, so a seed gives the same names.
    ids = first_id + in_orbit
    fit = fit_mean_elements(fragments.position_km[in_orbit], fragments.velocity_km_s[in_orbit],
                            float(jd[0]), float(fr[0]), bstar, ids)
    ok = np.flatnonzero(fit.error == 0)
    n = ok.size
    catalog = Catalog(
        norad_id=ids[ok],
        name=np.array([f"{parent_name}-DEB {i - first_id + 1:04d}" for i in ids[ok]], dtype=object),
        intl_designator=np.full(n, parent_designator, dtype=object),
        object_class=np.full(n, ObjectClass.DEBRIS, np.uint8),
        epoch_jd=np.array([fit.satrecs[k].jdsatepoch for k in ok]),
        epoch_fr=np.array([fit.satrecs[k].jdsatepochF for k in ok]),
        mean_motion_rev_per_day=fit.mean_motion_rev_per_day[ok],
        eccentricity=fit.eccentricity[ok],
        inclination_deg=fit.inclination_deg[ok],
        raan_deg=fit.raan_deg[ok],
        arg_perigee_deg=fit.arg_perigee_deg[ok],
        mean_anomaly_deg=fit.mean_anomaly_deg[ok],
        bstar=fit.bstar[ok],
        mean_motion_dot=np.zeros(n),
        mean_motion_ddot=np.zeros(n),
        element_set_no=np.ones(n, np.int64),
        rev_at_epoch=np.zeros(n, np.int64),
        classification=np.full(n, "U", dtype=object),
        source=np.full(n, source, dtype=object),
        satrecs=tuple(fit.satrecs[k] for k in ok),
    )
    return FragmentSet(
        catalog=catalog,
        fragment_index=in_orbit[ok],
        residual_position_km=fit.residual_position_km[ok],
        residual_velocity_km_s=fit.residual_velocity_km_s[ok],
        reentered=len(fragments) - in_orbit.size,
        failed=in_orbit.size - n,
    )
