"""The NASA Standard Breakup Model (EVOLVE 4.0), vectorised over fragments.

Source: N. L. Johnson, P. H. Krisko, J.-C. Liou, P. D. Anz-Meador, "NASA's new breakup model of
EVOLVE 4.0", Adv. Space Res. 28(9), 1377-1384, 2001. Coefficients were cross-checked against
ESA's C++ implementation (github.com/esa/NASA-breakup-model-cpp, ``UtilityAreaMassRatio.h``);
docs/breakup.md lists them and where this module departs from that implementation:

- the >11 cm area-to-mass law is the paper's *mixture* of two normals in ``chi``: a fragment's
  ``chi`` comes from the first normal with probability ``alpha``, else from the second (ESA's code
  draws ``alpha * X1 + (1 - alpha) * X2``, a single narrower normal);
- the rocket-body ``sigma_2`` in -1 < lambda < 0.1 is ``0.28 - 0.1636 (lambda + 1)`` with a
  *positive* 0.28 (ESA's code has ``-0.28``): only the positive sign joins the constant pieces
  (0.28 at lambda = -1, 0.10 at lambda = 0.1) and keeps the spread positive;
- between 8 and 11 cm a fragment follows the >11 cm law with probability (Lc - 0.08) / 0.03 and
  the <8 cm law otherwise (a bridge in probability; ESA interpolates the two sampled values).

``Calibration`` holds what users of the model change to match a particular event (a count scale,
a truncation of the delta-v distribution, an intact remnant of the target); the default is the
plain model. docs/breakup.md calibrates Fengyun-1C with it.

Units: lengths m, masses kg, area m^2, area-to-mass m^2/kg, speeds km/s (delta-v distributions are
defined in m/s and converted). Velocities are in whatever inertial frame the parents' are given
(orbitview uses TEME, SGP4's frame); delta-v directions are isotropic.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from orbitview.core.errors import OrbitviewError

#: Catastrophic threshold of a collision: specific energy of the projectile on the target, J/g.
CATASTROPHIC_J_PER_G = 40.0
#: The 8-11 cm bridge between the small- and large-fragment area-to-mass laws, m.
BRIDGE_LOW_M, BRIDGE_HIGH_M = 0.08, 0.11
DELTA_V_SIGMA = 0.4  # spread of log10(delta-v / (m/s)), both event kinds


class BodyKind(enum.Enum):
    """Selects the >11 cm area-to-mass coefficients."""

    SPACECRAFT = "spacecraft"
    ROCKET_BODY = "rocket_body"


class EventKind(enum.Enum):
    EXPLOSION = "explosion"
    COLLISION = "collision"


@dataclass(frozen=True)
class Body:
    """A parent object at the event: mass, kind and inertial state (km, km/s)."""

    mass_kg: float
    kind: BodyKind
    position_km: np.ndarray
    velocity_km_s: np.ndarray

    @property
    def characteristic_length_m(self) -> float:
        return characteristic_length_from_mass(self.mass_kg)


def characteristic_length_from_mass(mass_kg: float | np.ndarray) -> float | np.ndarray:
    """Lc (m) of a sphere of the model's density law rho = 92.937 Lc^-0.74 kg/m^3 with that mass.

    Sets the largest fragment size (the parents' size), as ESA's implementation does.
    """
    return (6.0 * np.asarray(mass_kg) / (92.937 * np.pi)) ** (1.0 / 2.26)


# --- fragment count: cumulative power laws -----------------------------------------------------

#: Exponent of the cumulative count N(>= Lc) ~ Lc^-exponent.
COUNT_EXPONENT = {EventKind.EXPLOSION: 1.6, EventKind.COLLISION: 1.71}


def cumulative_count(kind: EventKind, lc_m, *, scale: float = 1.0, mass_kg: float = 0.0):
    """Number of fragments at least ``lc_m`` across: 6 S Lc^-1.6 (explosion, S = ``scale``)
    or 0.1 M^0.75 Lc^-1.71 (collision, M = ``mass_kg`` from ``collision_mass``)."""
    lc = np.asarray(lc_m, dtype=np.float64)
    if kind is EventKind.EXPLOSION:
        return 6.0 * scale * lc**-1.6
    return 0.1 * mass_kg**0.75 * lc**-1.71


def collision_mass(target_kg: float, projectile_kg: float, speed_km_s: float) -> tuple[float, bool]:
    """(M in kg, catastrophic?) for the collision count law.

    Catastrophic when the projectile's kinetic energy per target mass is at least 40 J/g:
    then M is both masses; otherwise M = m_p v^2 (kg, km/s), capped at both masses.
    """
    specific_energy_j_per_g = 0.5 * projectile_kg * (speed_km_s * 1e3) ** 2 / (target_kg * 1e3)
    if specific_energy_j_per_g >= CATASTROPHIC_J_PER_G:
        return target_kg + projectile_kg, True
    return min(projectile_kg * speed_km_s**2, target_kg + projectile_kg), False


def sample_characteristic_length(rng: np.random.Generator, n: int, lc_min_m: float,
                                 lc_max_m: float, exponent: float) -> np.ndarray:
    """``(n,)`` sizes (m) from the cumulative law Lc^-exponent truncated to [lc_min, lc_max]."""
    lo, hi = lc_min_m**-exponent, lc_max_m**-exponent
    return (lo - rng.random(n) * (lo - hi)) ** (-1.0 / exponent)


# --- area-to-mass: chi = log10(A/M), lambda = log10(Lc) ----------------------------------------

def _ramp(lam, lam0, lam1, y0, y1, slope):
    """The paper's piecewise-linear laws: y0 for lam <= lam0, y1 for lam >= lam1, and
    y0 + slope * (lam - lam0) between (every middle piece of the paper starts from y0 at lam0;
    tests check that it also meets y1 at lam1)."""
    return np.where(lam <= lam0, y0, np.where(lam >= lam1, y1, y0 + slope * (lam - lam0)))


def large_fragment_parameters(lam: np.ndarray, kind: BodyKind):
    """(alpha, mu1, sigma1, mu2, sigma2) of the >11 cm mixture, each shaped like ``lam``."""
    lam = np.asarray(lam, dtype=np.float64)
    if kind is BodyKind.ROCKET_BODY:
        alpha = _ramp(lam, -1.4, 0.0, 1.0, 0.5, -0.3571)
        mu1 = _ramp(lam, -0.5, 0.0, -0.45, -0.9, -0.9)
        sigma1 = np.full_like(lam, 0.55)
        mu2 = np.full_like(lam, -0.9)
        # The disputed coefficient: +0.28 (see the module docstring and docs/breakup.md).
        sigma2 = _ramp(lam, -1.0, 0.1, 0.28, 0.1, -0.1636)
    else:
        # The paper writes alpha's middle piece 0.3 + 0.4 (lam + 1.2): the same line.
        alpha = _ramp(lam, -1.95, 0.55, 0.0, 1.0, 0.4)
        mu1 = _ramp(lam, -1.1, 0.0, -0.6, -0.95, -0.318)
        sigma1 = _ramp(lam, -1.3, -0.3, 0.1, 0.3, 0.2)
        mu2 = _ramp(lam, -0.7, -0.1, -1.2, -2.0, -1.333)
        sigma2 = _ramp(lam, -0.5, -0.3, 0.5, 0.3, -1.0)
    return alpha, mu1, sigma1, mu2, sigma2


def small_fragment_parameters(lam: np.ndarray):
    """(mu, sigma) of the <8 cm normal (either body kind)."""
    lam = np.asarray(lam, dtype=np.float64)
    mu = _ramp(lam, -1.75, -1.25, -0.3, -1.0, -1.4)
    sigma = np.where(lam <= -3.5, 0.2, 0.2 + 0.1333 * (lam + 3.5))
    return mu, sigma


def sample_log_area_to_mass(rng: np.random.Generator, lc_m: np.ndarray, kind: BodyKind) -> np.ndarray:
    """``chi = log10(A/M)`` for each size in ``lc_m`` (m), drawn from the model's distributions."""
    lc = np.asarray(lc_m, dtype=np.float64)
    lam = np.log10(lc)
    n = lc.shape[0]
    alpha, mu1, sigma1, mu2, sigma2 = large_fragment_parameters(lam, kind)
    first = rng.random(n) < alpha
    large = np.where(first, mu1, mu2) + np.where(first, sigma1, sigma2) * rng.standard_normal(n)
    mu_s, sigma_s = small_fragment_parameters(lam)
    small = mu_s + sigma_s * rng.standard_normal(n)
    large_weight = np.clip((lc - BRIDGE_LOW_M) / (BRIDGE_HIGH_M - BRIDGE_LOW_M), 0.0, 1.0)
    use_large = rng.random(n) < large_weight
    return np.where(use_large, large, small)


def area_from_length(lc_m: np.ndarray) -> np.ndarray:
    """Average cross-section (m^2) of fragments of size ``lc_m`` (m)."""
    lc = np.asarray(lc_m, dtype=np.float64)
    return np.where(lc < 0.00167, 0.540424 * lc**2, 0.556945 * lc**2.0047077)


# --- delta-v -----------------------------------------------------------------------------------

#: log10(delta-v / (m/s)) has mean slope * chi + offset.
DELTA_V_MEAN = {EventKind.EXPLOSION: (0.2, 1.85), EventKind.COLLISION: (0.9, 2.9)}


def _standard_normal_below(rng: np.random.Generator, z_max: np.ndarray) -> np.ndarray:
    """One standard normal draw below each ``z_max`` (inverse CDF of the truncated normal: exact
    however far into the tail the cap lies, which rejection is not)."""
    unit = NormalDist()
    below = np.array([unit.cdf(z) for z in z_max])
    p = np.clip((1.0 - rng.random(z_max.shape[0])) * below, 1e-300, 1.0 - 1e-16)
    return np.array([unit.inv_cdf(q) for q in p])


def sample_delta_v(rng: np.random.Generator, chi: np.ndarray, kind: EventKind,
                   max_speed_km_s: float | None = None) -> np.ndarray:
    """``(n, 3)`` ejection velocities, km/s: log-normal speed (model), isotropic direction.

    ``max_speed_km_s`` truncates the speed distribution there (drawn from the model's law below
    the cap, not clipped to it), as users of the model do to match an event's observed extremes.
    """
    slope, offset = DELTA_V_MEAN[kind]
    n = chi.shape[0]
    mean = slope * chi + offset
    if max_speed_km_s is None:
        normal = rng.standard_normal(n)
    else:
        cap = (np.log10(max_speed_km_s * 1e3) - mean) / DELTA_V_SIGMA
        normal = _standard_normal_below(rng, cap)
    speed_km_s = 10.0 ** (mean + DELTA_V_SIGMA * normal) / 1e3
    z = rng.uniform(-1.0, 1.0, n)
    phi = rng.uniform(0.0, 2.0 * np.pi, n)
    rho = np.sqrt(1.0 - z * z)
    return speed_km_s[:, None] * np.column_stack([rho * np.cos(phi), rho * np.sin(phi), z])


# --- the event ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Calibration:
    """What users of the model change to match a particular event (1, None, 0: the plain model).

    ``count_scale``: multiplies the number of fragments of every size, and the mass the sample
    is held to with it (the model under-predicts some events; read the factor as fragments
    lighter for their size than the model's area-to-mass law). ``max_delta_v_km_s``: truncates
    the ejection speeds there. ``remnant_mass_kg``: the target's largest remnant, kept intact
    with that mass; the other fragments are no larger than it.
    """

    count_scale: float = 1.0
    max_delta_v_km_s: float | None = None
    remnant_mass_kg: float = 0.0

    def describe(self) -> str:
        """``"counts x3.05, ejection speeds below 550 m/s, a 94 kg remnant"``; ``""`` if plain."""
        parts = [f"counts x{self.count_scale:g}"] if self.count_scale != 1.0 else []
        if self.max_delta_v_km_s is not None:
            parts.append(f"ejection speeds below {self.max_delta_v_km_s * 1e3:g} m/s")
        if self.remnant_mass_kg > 0:
            parts.append(f"a {self.remnant_mass_kg:g} kg remnant")
        return ", ".join(parts)


PLAIN = Calibration()


@dataclass(frozen=True)
class Fragments:
    """N fragments of one event; per-fragment arrays are ``(N,)`` or ``(N, 3)``.

    ``parent_index``: 0 for the target (or the exploding body), 1 for the projectile.
    ``position_km`` / ``velocity_km_s``: inertial state just after the event, the parents'
    frame (TEME in orbitview). ``delta_v_km_s``: the ejection velocity added to the parent's.
    ``has_remnant``: row 0 is the target's intact remnant (``Calibration.remnant_mass_kg``).

    Bookkeeping: ``mass_budget_kg`` is the mass the sample is held to: M (the mass the model
    breaks up) times the count scale. The fragments carry ``mass_kg.sum()`` of it and the rest,
    ``unmodelled_mass_kg``, is in fragments smaller than ``lc_min_m`` (and, after a
    non-catastrophic collision, in the target's intact remainder). ``dropped`` counts fragments
    removed to keep the fragments' mass within the budget.
    """

    kind: EventKind
    catastrophic: bool
    lc_min_m: float
    characteristic_length_m: np.ndarray
    area_to_mass_m2_kg: np.ndarray
    area_m2: np.ndarray
    mass_kg: np.ndarray
    parent_index: np.ndarray
    delta_v_km_s: np.ndarray
    position_km: np.ndarray
    velocity_km_s: np.ndarray
    mass_budget_kg: float
    dropped: int
    has_remnant: bool = False

    def __len__(self) -> int:
        return self.mass_kg.shape[0]

    @property
    def unmodelled_mass_kg(self) -> float:
        return self.mass_budget_kg - float(self.mass_kg.sum())

    @property
    def momentum_change_kg_km_s(self) -> np.ndarray:
        """``(3,)`` sum of m dv: the fragments' momentum minus what their parents' velocities give
        them. The model makes it zero only on average (isotropic delta-v); it is not enforced."""
        return (self.mass_kg[:, None] * self.delta_v_km_s).sum(axis=0)


def _conserve_mass(sample: tuple, budget_kg: float, enabled: bool) -> tuple[tuple, int]:
    """Keep fragments, in sampled (random) order, while their running mass fits the budget.

    As ESA's implementation and other users of the model do: the size law does not conserve mass,
    so the excess is removed; the random order keeps the surviving sizes unbiased. Returns the
    kept ``(lc, chi, area, mass)`` and how many were dropped.
    """
    if not enabled:
        return sample, 0
    keep = np.cumsum(sample[3]) <= budget_kg
    return tuple(a[keep] for a in sample), int((~keep).sum())


#: The most fragments one event is modelled with (Fengyun-1C as calibrated down to 1 cm is about
#: 191,000): checked before sampling, as 1 mm would be millions, beyond memory and catalogue numbers.
MAX_FRAGMENTS = 250_000


class FragmentCountError(OrbitviewError):
    """An event whose minimum size (or mass) gives more than ``MAX_FRAGMENTS`` fragments."""


def _fragment_count(expected: float) -> int:
    if not expected <= MAX_FRAGMENTS:
        raise FragmentCountError(f"the model gives about {expected:,.0f} fragments at this minimum size, "
                                 f"more than the {MAX_FRAGMENTS:,} orbitview models: choose a larger size")
    return int(np.floor(expected + 0.5))


def _sample(rng, kind: EventKind, count_law, lc_min, lc_max, body_kind, budget_kg,
            conserve_mass, calibration: Calibration):
    """``(lc, chi, area, mass), dropped``: the remnant first (if any), then sizes from the
    scaled count law ``count_law(lc)`` between ``lc_min`` and ``lc_max`` (the remnant's size at
    most), areas and masses, the tail cut to the budget left by the remnant."""
    remnant_kg = calibration.remnant_mass_kg
    if remnant_kg > 0:
        lc_max = max(min(lc_max, characteristic_length_from_mass(remnant_kg)), lc_min)
    expected = calibration.count_scale * (count_law(lc_min) - count_law(lc_max))
    lc = sample_characteristic_length(rng, _fragment_count(expected), lc_min, lc_max,
                                      COUNT_EXPONENT[kind])
    chi = sample_log_area_to_mass(rng, lc, body_kind)
    area = area_from_length(lc)
    sample, dropped = _conserve_mass((lc, chi, area, area / 10.0**chi),
                                     budget_kg - remnant_kg, conserve_mass)
    if remnant_kg <= 0:
        return sample, dropped
    lc_remnant = float(characteristic_length_from_mass(remnant_kg))
    area_remnant = float(area_from_length(lc_remnant))
    remnant = (lc_remnant, np.log10(area_remnant / remnant_kg), area_remnant, remnant_kg)
    return tuple(np.concatenate([[r], a]) for r, a in zip(remnant, sample)), dropped


def explosion(parent: Body, lc_min_m: float, rng: np.random.Generator, *, scale: float = 1.0,
              conserve_mass: bool = True, calibration: Calibration = PLAIN) -> Fragments:
    """Fragments >= ``lc_min_m`` of an explosion of ``parent``; ``scale`` is the model's S."""
    lc_max = max(parent.characteristic_length_m, lc_min_m)
    budget = parent.mass_kg * calibration.count_scale
    (lc, chi, area, mass), dropped = _sample(
        rng, EventKind.EXPLOSION, lambda lc: cumulative_count(EventKind.EXPLOSION, lc, scale=scale),
        lc_min_m, lc_max, parent.kind, budget, conserve_mass, calibration)
    parent_index = np.zeros(lc.shape[0], np.int8)
    return _finish(rng, EventKind.EXPLOSION, False, lc_min_m, lc, chi, area, mass, parent_index,
                   [parent], budget, dropped, calibration)


def collision(target: Body, projectile: Body, lc_min_m: float, rng: np.random.Generator, *,
              conserve_mass: bool = True, calibration: Calibration = PLAIN) -> Fragments:
    """Fragments >= ``lc_min_m`` of a collision; the relative speed comes from the two states.

    The rocket-body area-to-mass law applies when either body is a rocket body (as in ESA's code).
    Each fragment moves off with its own parent's velocity plus its delta-v: the remnant and
    fragments larger than the projectile belong to the target; the rest are shared out so that
    the target's share of the fragments' mass is its share of the two masses (``_share_out``).
    """
    speed = float(np.linalg.norm(np.asarray(target.velocity_km_s) - projectile.velocity_km_s))
    mass, catastrophic = collision_mass(target.mass_kg, projectile.mass_kg, speed)
    budget = mass * calibration.count_scale
    lc_max = max(target.characteristic_length_m, projectile.characteristic_length_m, lc_min_m)
    kind = (BodyKind.ROCKET_BODY if BodyKind.ROCKET_BODY in (target.kind, projectile.kind)
            else BodyKind.SPACECRAFT)
    (lc, chi, area, mass_kg), dropped = _sample(
        rng, EventKind.COLLISION, lambda lc: cumulative_count(EventKind.COLLISION, lc, mass_kg=mass),
        lc_min_m, lc_max, kind, budget, conserve_mass, calibration)
    big = lc > projectile.characteristic_length_m
    if calibration.remnant_mass_kg > 0:
        big[0] = True
    to_target = _share_out(mass_kg, big, target.mass_kg / (target.mass_kg + projectile.mass_kg))
    parent_index = np.where(to_target, 0, 1).astype(np.int8)
    return _finish(rng, EventKind.COLLISION, catastrophic, lc_min_m, lc, chi, area, mass_kg,
                   parent_index, [target, projectile], budget, dropped, calibration)


def _share_out(mass_kg: np.ndarray, to_target: np.ndarray, target_fraction: float) -> np.ndarray:
    """Which fragments go to the target: those already marked, then the rest largest first, each
    to whichever body is further behind its share of the mass dealt. The shares of mass then
    match to within the smallest fragment dealt late, and the shares of count barely depend on
    the seed (dealing in sampled order let a few heavy early draws swing the count)."""
    to_target = to_target.copy()
    target_kg = float(mass_kg[to_target].sum())
    projectile_kg = 0.0
    for i in np.argsort(-mass_kg, kind="stable"):
        if to_target[i]:
            continue
        if target_kg * (1.0 - target_fraction) <= projectile_kg * target_fraction:
            to_target[i] = True
            target_kg += mass_kg[i]
        else:
            projectile_kg += mass_kg[i]
    return to_target


def _finish(rng, kind, catastrophic, lc_min_m, lc, chi, area, mass, parent_index, parents,
            budget, dropped, calibration: Calibration) -> Fragments:
    delta_v = sample_delta_v(rng, chi, kind, calibration.max_delta_v_km_s)
    positions = np.array([np.asarray(p.position_km, np.float64) for p in parents])
    velocities = np.array([np.asarray(p.velocity_km_s, np.float64) for p in parents])
    return Fragments(
        kind=kind, catastrophic=catastrophic, lc_min_m=lc_min_m,
        characteristic_length_m=lc, area_to_mass_m2_kg=10.0**chi, area_m2=area, mass_kg=mass,
        parent_index=parent_index, delta_v_km_s=delta_v,
        position_km=positions[parent_index], velocity_km_s=velocities[parent_index] + delta_v,
        mass_budget_kg=float(budget), dropped=dropped,
        has_remnant=calibration.remnant_mass_kg > 0,
    )
