"""Indicative maximum collision probability, after Alfano (2005).

TLEs carry no covariance, so the probability of collision itself is unknown. Alfano,
"Relating position uncertainty to maximum conjunction probability" (J. Astronaut. Sci. 53(2),
2005), bounds it instead: over every size of the (unknown) position covariance, how large can
the probability be for this miss distance? For the isotropic 2-D case in the encounter plane
(covariance sigma^2 I, aspect ratio 1), the probability that the relative position falls within
the combined hard-body radius R of the origin, the miss d away, is the non-central chi-square
distribution function P(sigma) = F_chi2(R^2 / sigma^2; 2, d^2 / sigma^2). Its maximum over sigma
is computed here. For d >> R, P ~ R^2 / (2 sigma^2) exp(-d^2 / (2 sigma^2)), largest at
sigma = d / sqrt(2): Pc_max ~ R^2 / (e d^2), which the tests check. For d <= R the covariance
can shrink onto a point inside the hard body: Pc_max = 1.

Elongated covariances (aspect ratio > 1) can give more; the figure is a comparable, indicative
upper estimate for ranking, not a probability of collision.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.stats import ncx2

#: Combined hard-body radius, km: 20 m, our default when object sizes are unknown
#: (the sum of two ~10 m envelopes; a large payload and a fragment).
DEFAULT_HARD_BODY_RADIUS_KM = 0.020


def probability_within(miss_km: float, sigma_km: float, hard_body_radius_km: float) -> float:
    """Probability that a 2-D isotropic Gaussian (sigma) about the miss point falls within R of the origin."""
    return float(ncx2.cdf((hard_body_radius_km / sigma_km) ** 2, 2, (miss_km / sigma_km) ** 2))


def max_probability(miss_km: float, hard_body_radius_km: float = DEFAULT_HARD_BODY_RADIUS_KM) -> float:
    """Alfano's maximum probability over the covariance size, isotropic 2-D case (indicative)."""
    if miss_km <= hard_body_radius_km:
        return 1.0
    # Search log(sigma) around the large-miss optimum d / sqrt(2).
    centre = np.log(miss_km / np.sqrt(2.0))
    result = minimize_scalar(
        lambda log_sigma: -probability_within(miss_km, float(np.exp(log_sigma)), hard_body_radius_km),
        bounds=(centre - np.log(1e3), centre + np.log(10.0)), method="bounded", options={"xatol": 1e-6},
    )
    return float(-result.fun)
