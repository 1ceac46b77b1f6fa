"""Modelled fragments as element sets: a ``Catalog`` SGP4 can propagate and files can hold.

Synthetic catalogue numbers: fragments are numbered from 200000 to 269999
(``SYNTHETIC_ID_FIRST``-``SYNTHETIC_ID_LAST``, Alpha-5 ``L0000``-``S9999``), a block no real
catalogue uses: real analysts' "TBA - TO BE ASSIGNED" objects sit at 80000-89999 and from 270000
(``T0000``) up, and the sequential numbers (58,025 in October 2023, 64,095 in May 2025) are
decades from 200000. Every number of the block fits a TLE and an OMM; a set that would run past
it is refused (``--first-id`` puts a larger set elsewhere). docs/breakup.md says more.

B*: the physical ``rho0 Cd (A/m) / 2`` scaled to SGP4's density profile at the fragment's
perigee (``orbitview.core.breakup.drag_calibration``), so SGP4 decays it as the real atmosphere would.

Names: ``<PARENT>-DEB nnnn`` (``FENGYUN 1C-DEB 0001``): the ``DEB`` word makes them debris in
orbitview and in other tools. They have no COSPAR designator of their own (the real pieces' are
taken), so ``intl_designator`` is the parent's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orbitview.core.breakup.drag_calibration import density_ratio
from orbitview.core.breakup.standard_model import Fragments
from orbitview.core.errors import OrbitviewError
from orbitview.core.orbits.catalog import Catalog
from orbitview.core.orbits.classify import ObjectClass, classify
from orbitview.core.orbits.gabbard import from_states
from orbitview.core.orbits.mean_elements import fit_mean_elements
from orbitview.core.orbits.sgp4_elements import MAX_SGP4_SATNUM
from orbitview.core.orbits.times import posix_to_jd

SYNTHETIC_ID_FIRST = 200000
SYNTHETIC_ID_LAST = 269999
#: The largest number ``--first-id`` may lead to in OMM or .h5 output: what a signed 32-bit
#: integer holds, as many OMM readers store the number.
ID_LAST = 2**31 - 1
#: SGP4's reference density, kg m^-2 per earth radius: B* = RHO0 * Cd * (A/m) / 2.
SGP4_RHO0_KG_M2_ER = 0.15696615
DRAG_COEFFICIENT = 2.2
#: Fragments whose orbit dips below this (osculating perigee altitude, km) re-enter on the first
#: revolution: they get no element set.
REENTRY_PERIGEE_KM = 100.0


def bstar_from_area_to_mass(area_to_mass_m2_kg: np.ndarray, drag_coefficient: float = DRAG_COEFFICIENT):
    """Physical B* (1/earth radii) from area-to-mass (m^2/kg): rho0 Cd (A/m) / 2."""
    return SGP4_RHO0_KG_M2_ER * drag_coefficient * np.asarray(area_to_mass_m2_kg) / 2.0


def sgp4_bstar(area_to_mass_m2_kg: np.ndarray, perigee_km: np.ndarray) -> np.ndarray:
    """B* for SGP4 (1/earth radii): the physical one times the real-to-SGP4 density ratio at
    each fragment's perigee altitude (km), as fitted element sets of tracked debris carry."""
    return bstar_from_area_to_mass(area_to_mass_m2_kg) * density_ratio(perigee_km)


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
                 *, first_id: int = SYNTHETIC_ID_FIRST, source: str = "breakup model",
                 parent_norad_id: int | None = None) -> FragmentSet:
    """Fit SGP4 mean elements to each fragment's TEME state at ``epoch_s`` (POSIX seconds).

    The target's remnant (``fragments.has_remnant``) keeps ``parent_norad_id`` and
    ``parent_name``; the other fragments are numbered from ``first_id`` in the model's order.
    """
    perigee_km = from_states(fragments.position_km, fragments.velocity_km_s).perigee_km
    in_orbit = np.flatnonzero(perigee_km >= REENTRY_PERIGEE_KM)  # NaN (unbound) is dropped too
    bstar = sgp4_bstar(fragments.area_to_mass_m2_kg[in_orbit], perigee_km[in_orbit])
    jd, fr = posix_to_jd(epoch_s)
    # Numbers follow the fragments' order in the model, so a seed gives the same names.
    remnant = fragments.has_remnant and parent_norad_id is not None
    ids = first_id + in_orbit - int(remnant)
    names = np.array([f"{parent_name}-DEB {i - first_id + 1:04d}" for i in ids], dtype=object)
    if remnant and in_orbit.size and in_orbit[0] == 0:
        ids[0], names[0] = parent_norad_id, parent_name
    if first_id == SYNTHETIC_ID_FIRST and ids.size and ids.max() > SYNTHETIC_ID_LAST:
        raise OrbitviewError(
            f"fragment numbers would run to {ids.max()}, past the synthetic range "
            f"{SYNTHETIC_ID_FIRST}-{SYNTHETIC_ID_LAST}; give --first-id (OMM holds any number)")
    # A Satrec holds numbers up to Alpha-5's; larger ones live in the catalogue column only.
    satnums = np.where(ids <= MAX_SGP4_SATNUM, ids, 0)
    fit = fit_mean_elements(fragments.position_km[in_orbit], fragments.velocity_km_s[in_orbit],
                            float(jd[0]), float(fr[0]), bstar, satnums)
    ok = np.flatnonzero(fit.error == 0)
    n = ok.size
    object_class = np.full(n, ObjectClass.DEBRIS, np.uint8)
    if remnant and n and ids[ok[0]] == parent_norad_id:
        object_class[0] = classify(parent_name, parent_designator)
    catalog = Catalog(
        norad_id=ids[ok],
        name=names[ok],
        intl_designator=np.full(n, parent_designator, dtype=object),
        object_class=object_class,
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
