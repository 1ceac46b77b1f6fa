"""The NASA standard breakup model against its own equations: counts, area-to-mass, delta-v,
mass and momentum bookkeeping. Seeded; tolerances are a few standard errors of the sample."""

from __future__ import annotations

import numpy as np
import pytest

from orbitview.core.breakup import standard_model as bm
from orbitview.core.breakup.standard_model import Body, BodyKind, EventKind

pytestmark = pytest.mark.core

R_KM = np.array([7230.0, 0.0, 0.0])
V_KM_S = np.array([0.0, 7.42, 0.0])


def body(mass_kg, kind=BodyKind.SPACECRAFT, velocity=V_KM_S):
    return Body(mass_kg, kind, R_KM, velocity)


def binomial_z(observed, n, p):
    return (observed - n * p) / np.sqrt(n * p * (1.0 - p))


@pytest.mark.parametrize("kind", [EventKind.EXPLOSION, EventKind.COLLISION])
def test_counts_follow_the_cumulative_power_law(kind):
    rng = np.random.default_rng(11)
    if kind is EventKind.EXPLOSION:
        f = bm.explosion(body(1000.0), 0.01, rng, conserve_mass=False)
        law = lambda lc: bm.cumulative_count(kind, lc)  # noqa: E731
        lc_max = body(1000.0).characteristic_length_m
    else:
        target, projectile = body(1000.0), body(200.0, velocity=V_KM_S - [0, 10.0, 0])
        f = bm.collision(target, projectile, 0.01, rng, conserve_mass=False)
        law = lambda lc: bm.cumulative_count(kind, lc, mass_kg=1200.0)  # noqa: E731
        lc_max = target.characteristic_length_m
    n = len(f)
    assert n == int(np.floor(law(0.01) - law(lc_max) + 0.5))
    for lc in (0.02, 0.05, 0.1, 0.3, 1.0):
        p = (law(lc) - law(lc_max)) / (law(0.01) - law(lc_max))
        observed = int((f.characteristic_length_m >= lc).sum())
        assert abs(binomial_z(observed, n, p)) < 4, (lc, observed, n * p)


def mixture_moments(lam, kind):
    alpha, mu1, s1, mu2, s2 = bm.large_fragment_parameters(np.array([lam]), kind)
    mean = alpha * mu1 + (1 - alpha) * mu2
    var = alpha * (s1**2 + mu1**2) + (1 - alpha) * (s2**2 + mu2**2) - mean**2
    return float(mean[0]), float(np.sqrt(var[0]))


@pytest.mark.parametrize("kind", list(BodyKind))
@pytest.mark.parametrize("lc_m", [0.12, 0.2, 0.5, 1.0, 3.0])
def test_large_fragment_area_to_mass_matches_the_mixture(kind, lc_m):
    n = 40_000
    chi = bm.sample_log_area_to_mass(np.random.default_rng(3), np.full(n, lc_m), kind)
    mean, sd = mixture_moments(np.log10(lc_m), kind)
    assert abs(chi.mean() - mean) < 4 * sd / np.sqrt(n)
    assert abs(chi.std() - sd) < 4 * sd / np.sqrt(2 * n) + 0.005


@pytest.mark.parametrize("lc_m", [0.002, 0.01, 0.03, 0.07])
def test_small_fragment_area_to_mass_is_the_single_normal(lc_m):
    n = 40_000
    chi = bm.sample_log_area_to_mass(np.random.default_rng(4), np.full(n, lc_m), BodyKind.SPACECRAFT)
    mu, sigma = (float(x[0]) for x in bm.small_fragment_parameters(np.array([np.log10(lc_m)])))
    assert abs(chi.mean() - mu) < 4 * sigma / np.sqrt(n)
    assert abs(chi.std() - sigma) < 4 * sigma / np.sqrt(2 * n)


def test_bridge_mixes_the_two_laws_by_size():
    n, lc = 60_000, 0.095  # halfway: each law with probability 1/2
    chi = bm.sample_log_area_to_mass(np.random.default_rng(5), np.full(n, lc), BodyKind.SPACECRAFT)
    lam = np.log10(lc)
    large_mean, _ = mixture_moments(lam, BodyKind.SPACECRAFT)
    small_mean = float(bm.small_fragment_parameters(np.array([lam]))[0][0])
    assert abs(chi.mean() - (0.5 * large_mean + 0.5 * small_mean)) < 0.01


def test_piecewise_laws_are_continuous_and_the_rocket_body_spread_positive():
    # Each middle piece, written from its left end, must meet its right-end value.
    lam = np.linspace(-3.0, 1.0, 4001)
    for kind in BodyKind:
        for column in bm.large_fragment_parameters(lam, kind):
            assert np.abs(np.diff(column)).max() < 0.01
    sigma2 = bm.large_fragment_parameters(lam, BodyKind.ROCKET_BODY)[4]
    assert sigma2.min() >= 0.1 - 1e-9 and sigma2.max() <= 0.28 + 1e-9
    assert np.abs(np.diff(bm.small_fragment_parameters(lam)[0])).max() < 0.01


@pytest.mark.parametrize("kind", list(EventKind))
def test_delta_v_speed_and_direction_follow_the_model(kind):
    n = 50_000
    rng = np.random.default_rng(6)
    chi = rng.uniform(-2.0, 0.0, n)
    dv = bm.sample_delta_v(rng, chi, kind)
    slope, offset = bm.DELTA_V_MEAN[kind]
    residual = np.log10(np.linalg.norm(dv, axis=1) * 1e3) - (slope * chi + offset)
    assert abs(residual.mean()) < 4 * 0.4 / np.sqrt(n)
    assert abs(residual.std() - 0.4) < 4 * 0.4 / np.sqrt(2 * n)
    unit = dv / np.linalg.norm(dv, axis=1)[:, None]
    assert np.all(np.abs(unit.mean(axis=0)) < 4 * np.sqrt(1 / 3 / n))  # isotropic


def test_area_and_mass_relations():
    lc = np.array([0.001, 0.00167, 0.01, 1.0])
    area = bm.area_from_length(lc)
    assert area[0] == pytest.approx(0.540424e-6)
    assert area[3] == pytest.approx(0.556945)
    # A sphere of the model's density law: 880 kg is about 3.6 m.
    assert bm.characteristic_length_from_mass(880.0) == pytest.approx(3.6, abs=0.05)


def test_catastrophic_threshold_and_mass():
    assert bm.collision_mass(880.0, 600.0, 9.0) == (1480.0, True)
    # 0.5 * 1 kg * (1 km/s)^2 on 1000 kg is 0.5 J/g: not catastrophic, M = m_p v^2.
    assert bm.collision_mass(1000.0, 1.0, 1.0) == (1.0, False)
    # Exactly 40 J/g is catastrophic.
    assert bm.collision_mass(1000.0, 80.0, 1.0)[1]


def test_mass_and_momentum_bookkeeping():
    rng = np.random.default_rng(7)
    target, projectile = body(880.0), body(600.0, velocity=V_KM_S - [0, 9.0, 0])
    f = bm.collision(target, projectile, 0.02, rng)
    assert f.mass_kg.sum() <= f.mass_budget_kg
    assert f.unmodelled_mass_kg == pytest.approx(f.mass_budget_kg - f.mass_kg.sum())
    free = bm.collision(target, projectile, 0.02, np.random.default_rng(7), conserve_mass=False)
    # Mass conservation drops the tail of the same sample, nothing else.
    np.testing.assert_array_equal(free.characteristic_length_m[: len(f)], f.characteristic_length_m)
    assert len(free) - len(f) == f.dropped
    # Parents' shares: fragments larger than the projectile belong to the target; the target
    # takes its share of the fragments' mass, to within one fragment.
    share = 880.0 / 1480.0 * f.mass_kg.sum()
    target_mass = f.mass_kg[f.parent_index == 0].sum()
    assert abs(target_mass - share) <= f.mass_kg.max()
    from_projectile = f.parent_index == 1
    assert from_projectile.any()
    np.testing.assert_allclose(f.velocity_km_s[from_projectile] - f.delta_v_km_s[from_projectile],
                               np.broadcast_to(projectile.velocity_km_s, (from_projectile.sum(), 3)),
                               atol=1e-12)
    # Momentum: sum m dv is zero on average (isotropic delta-v), not enforced: within 4 sigma.
    sigma = np.sqrt((f.mass_kg**2 * (f.delta_v_km_s**2).sum(axis=1)).sum() / 3.0)
    assert np.all(np.abs(f.momentum_change_kg_km_s) < 4 * sigma)


def test_seeded_and_reproducible():
    a = bm.explosion(body(500.0), 0.05, np.random.default_rng(42))
    b = bm.explosion(body(500.0), 0.05, np.random.default_rng(42))
    c = bm.explosion(body(500.0), 0.05, np.random.default_rng(43))
    np.testing.assert_array_equal(a.velocity_km_s, b.velocity_km_s)
    assert not np.array_equal(a.characteristic_length_m[:10], c.characteristic_length_m[:10])


def test_a_hundred_thousand_fragments_follow_the_explosion_law():
    lc_min = (1e5 / 6.0) ** (-1 / 1.6)  # explosion law: N(lc_min) = 100,000
    parent = body(1000.0)
    f = bm.explosion(parent, lc_min, np.random.default_rng(8), conserve_mass=False)
    # N(Lc) = 6 Lc^-1.6 (S = 1), between lc_min and the parent's own size.
    assert len(f) == round(1e5 - 6.0 * parent.characteristic_length_m ** -1.6)
    assert f.characteristic_length_m.min() >= lc_min


def test_truncated_delta_v_follows_the_model_below_the_cap():
    """Drawn from the model's log-normal conditioned on the cap: nothing above it, and the
    fraction below any lower speed is the normal's CDF ratio (binomial, 4 sigma)."""
    from statistics import NormalDist

    n, cap_m_s, below_m_s = 40_000, 300.0, 150.0
    rng = np.random.default_rng(12)
    chi = np.full(n, -1.0)  # collision: log10 dv mean 0.9 * -1 + 2.9 = 2.0 (100 m/s)
    speed_m_s = np.linalg.norm(bm.sample_delta_v(rng, chi, EventKind.COLLISION, cap_m_s / 1e3), axis=1) * 1e3
    assert speed_m_s.max() <= cap_m_s
    z = lambda v: (np.log10(v) - 2.0) / bm.DELTA_V_SIGMA  # noqa: E731
    p = NormalDist().cdf(z(below_m_s)) / NormalDist().cdf(z(cap_m_s))
    assert abs(binomial_z((speed_m_s < below_m_s).sum(), n, p)) < 4
    # A cap far in the tail still gives speeds below it (where rejection would never finish).
    low = bm.sample_delta_v(rng, np.full(100, 0.5), EventKind.COLLISION, 0.001)
    assert np.all(np.linalg.norm(low, axis=1) <= 0.001)


def test_count_scale_multiplies_counts_and_the_mass_held_to():
    target, projectile = body(880.0), body(600.0, velocity=V_KM_S - [0, 9.0, 0])
    law = lambda lc: bm.cumulative_count(EventKind.COLLISION, lc, mass_kg=1480.0)  # noqa: E731
    lc_max = target.characteristic_length_m
    scaled = bm.collision(target, projectile, 0.1, np.random.default_rng(3), conserve_mass=False,
                          calibration=bm.Calibration(count_scale=3.0))
    assert len(scaled) == int(np.floor(3.0 * (law(0.1) - law(lc_max)) + 0.5))
    held = bm.collision(target, projectile, 0.1, np.random.default_rng(3),
                        calibration=bm.Calibration(count_scale=3.0))
    assert held.mass_budget_kg == 3.0 * 1480.0 and held.mass_kg.sum() <= held.mass_budget_kg


def test_remnant_is_the_largest_piece_and_the_targets():
    target, projectile = body(880.0), body(600.0, velocity=V_KM_S - [0, 9.0, 0])
    f = bm.collision(target, projectile, 0.05, np.random.default_rng(4),
                     calibration=bm.Calibration(remnant_mass_kg=94.0))
    assert f.has_remnant and f.mass_kg[0] == 94.0 and f.parent_index[0] == 0
    lc_remnant = bm.characteristic_length_from_mass(94.0)
    assert f.characteristic_length_m[0] == pytest.approx(lc_remnant)
    assert f.characteristic_length_m[1:].max() <= lc_remnant
    assert f.area_m2[0] / f.mass_kg[0] == pytest.approx(f.area_to_mass_m2_kg[0])
    # The target still takes its share of the mass, to within one fragment.
    share = 880.0 / 1480.0 * f.mass_kg.sum()
    assert abs(f.mass_kg[f.parent_index == 0].sum() - share) <= f.mass_kg[1:].max()
