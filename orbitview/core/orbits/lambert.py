"""Two-body arcs: Lambert's problem and Kepler propagation in universal variables.

Both follow the universal-variable formulation of Bate, Mueller and White, *Fundamentals of
Astrodynamics* (Dover, 1971), sections 4.4 (Kepler's problem) and 5.3 (the Gauss problem,
Lambert's problem), as H. D. Curtis sets it out with Stumpff's functions in *Orbital Mechanics
for Engineering Students* (algorithms 3.3-3.4 and 5.2). The roots are found with scipy.

Vectors are km and km/s in any inertial frame (orbitview uses GCRS); times are seconds.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq

#: The Earth's GM, km^3/s^2 (WGS84, NIMA TR8350.2; the IERS value agrees to 1e-9).
MU_EARTH_KM3_S2 = 398600.4418
#: Below this |z| the Stumpff functions are summed as series: their closed forms cancel there.
_SERIES_Z = 1e-3
#: z of one full revolution: a single-revolution transfer has z below it.
_ONE_REVOLUTION_Z = (2.0 * math.pi) ** 2


def stumpff(z: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Stumpff's C(z) = (1 - cos sqrt z) / z and S(z) = (sqrt z - sin sqrt z) / sqrt(z)^3, with
    their hyperbolic forms for z < 0 and their series near 0."""
    z = np.atleast_1d(np.asarray(z, np.float64))
    c, s = np.empty_like(z), np.empty_like(z)
    small, positive, negative = np.abs(z) < _SERIES_Z, z >= _SERIES_Z, z <= -_SERIES_Z
    zs = z[small]
    c[small] = 1 / 2 - zs / 24 + zs**2 / 720 - zs**3 / 40320
    s[small] = 1 / 6 - zs / 120 + zs**2 / 5040 - zs**3 / 362880
    root = np.sqrt(z[positive])
    c[positive] = (1 - np.cos(root)) / z[positive]
    s[positive] = (root - np.sin(root)) / root**3
    root = np.sqrt(-z[negative])
    c[negative] = (np.cosh(root) - 1) / -z[negative]
    s[negative] = (np.sinh(root) - root) / root**3
    return c, s


class LambertArc:
    """The single-revolution two-body arc from ``r1_km`` to ``r2_km`` in ``flight_s`` seconds,
    the short way round (transfer angle under 180 degrees, moving about r1 x r2).

    ``v1_km_s``, ``v2_km_s``: (3,) float64 velocities at the two ends. Raises ``ValueError``
    when the ends are collinear with the centre (the plane is undefined) or when the flight
    time is shorter than the parabolic one: only an unbound, escape-speed path would be faster
    (``parabolic_flight_s`` says how long that takes).
    """

    def __init__(self, r1_km: np.ndarray, r2_km: np.ndarray, flight_s: float,
                 mu_km3_s2: float = MU_EARTH_KM3_S2) -> None:
        self.r1_km, self.r2_km = np.asarray(r1_km, np.float64), np.asarray(r2_km, np.float64)
        self.flight_s, self.mu = float(flight_s), mu_km3_s2
        r1, r2 = np.linalg.norm(self.r1_km), np.linalg.norm(self.r2_km)
        normal = np.cross(self.r1_km, self.r2_km)
        sin_angle = np.linalg.norm(normal) / (r1 * r2)
        cos_angle = float(np.dot(self.r1_km, self.r2_km) / (r1 * r2))
        #: The transfer angle, radians, in (0, pi).
        self.transfer_angle_rad = math.atan2(sin_angle, cos_angle)
        if sin_angle < 1e-9:
            raise ValueError("the two ends are in line with the Earth's centre: no single plane "
                             "holds the path")
        # Bate, Mueller and White's A (eq. 5.3-22), for the short way.
        a = math.sin(self.transfer_angle_rad) * math.sqrt(r1 * r2 / (1.0 - cos_angle))
        self._r1, self._r2, self._a = r1, r2, a
        self.parabolic_flight_s = self._flight_s(0.0)
        if not flight_s > self.parabolic_flight_s:
            raise ValueError(
                f"a flight of {flight_s:g} s is too short for this distance: even an escape-speed "
                f"(parabolic) path takes {self.parabolic_flight_s:.0f} s")
        # Just short of a revolution, where C(z) still has digits: the flight time there is
        # far beyond any single arc asked for.
        upper = _ONE_REVOLUTION_Z * (1.0 - 1e-6)
        if self._flight_s(upper) < flight_s:
            raise ValueError(f"a flight of {flight_s:g} s is longer than one revolution of any path "
                             "between these ends")
        z = brentq(lambda z: self._flight_s(z) - self.flight_s, 0.0, upper, xtol=1e-14, rtol=1e-15,
                   maxiter=500)
        y = self._y(z)
        # The Lagrange coefficients f, g and g-dot of the solution (eqs. 5.3-13 to 5.3-15).
        f = 1.0 - y / r1
        g = a * math.sqrt(y / self.mu)
        g_dot = 1.0 - y / r2
        self.v1_km_s = (self.r2_km - f * self.r1_km) / g
        self.v2_km_s = (g_dot * self.r2_km - self.r1_km) / g

    def _y(self, z: float) -> float:
        c, s = (float(v[0]) for v in stumpff(z))
        return self._r1 + self._r2 + self._a * (z * s - 1.0) / math.sqrt(c)

    def _flight_s(self, z: float) -> float:
        """Time of flight of the arc with universal parameter ``z`` (eq. 5.3-24); y >= 0 for
        z >= 0 on the short way, so no hyperbolic branch is needed."""
        c, s = (float(v[0]) for v in stumpff(z))
        y = max(self._y(z), 0.0)
        return ((y / c) ** 1.5 * s + self._a * math.sqrt(y)) / math.sqrt(self.mu)


def kepler_states(r0_km: np.ndarray, v0_km_s: np.ndarray, dt_s: np.ndarray,
                  mu_km3_s2: float = MU_EARTH_KM3_S2) -> tuple[np.ndarray, np.ndarray]:
    """Two-body states ``dt_s`` (T,) seconds after (3,) ``r0_km``, ``v0_km_s``: position (T, 3)
    km and velocity (T, 3) km/s in the same frame, from the universal Kepler equation solved
    by Newton's method (its derivative is the radius) kept inside a bracket, and the Lagrange
    coefficients."""
    r0_vec, v0_vec = np.asarray(r0_km, np.float64), np.asarray(v0_km_s, np.float64)
    dt = np.atleast_1d(np.asarray(dt_s, np.float64))
    r0 = float(np.linalg.norm(r0_vec))
    radial_speed = float(np.dot(r0_vec, v0_vec)) / r0
    alpha = 2.0 / r0 - float(np.dot(v0_vec, v0_vec)) / mu_km3_s2  # 1 / semi-major axis
    root_mu = math.sqrt(mu_km3_s2)

    def kepler(chi):
        z = alpha * chi**2
        c, s = stumpff(z)
        return (r0 * radial_speed / root_mu * chi**2 * c + (1 - alpha * r0) * chi**3 * s + r0 * chi
                - root_mu * dt)

    def radius(chi):
        z = alpha * chi**2
        c, s = stumpff(z)
        return r0 * radial_speed / root_mu * chi * (1 - z * s) + (1 - alpha * r0) * chi**2 * c + r0

    chi = _safeguarded_newton(kepler, radius, root_mu * abs(alpha) * dt, np.sign(dt))
    z = alpha * chi**2
    c, s = stumpff(z)
    f = 1 - chi**2 / r0 * c
    g = dt - chi**3 / root_mu * s
    position = f[:, None] * r0_vec + g[:, None] * v0_vec
    r = np.linalg.norm(position, axis=1)
    f_dot = root_mu / (r * r0) * (z * s - 1) * chi
    g_dot = 1 - chi**2 / r * c
    velocity = f_dot[:, None] * r0_vec + g_dot[:, None] * v0_vec
    return position, velocity


def _safeguarded_newton(function, derivative, guess: np.ndarray, direction: np.ndarray,
                        tolerance: float = 1e-10, max_steps: int = 200) -> np.ndarray:
    """Roots of an increasing ``function`` elementwise: Newton steps, bisection whenever a step
    would leave the bracket. Plain Newton from the usual guess wanders off on near-radial
    ellipses (eccentricity close to 1), which a steep direct ascent is.

    ``direction``: the sign of each root (the sign of the time step; 0 for a zero step).
    """
    # Bracket: 0 on one side; double a step outwards until the function changes sign.
    step = np.where(guess != 0.0, np.abs(guess), 1.0) * np.where(direction < 0, -1.0, 1.0)
    for _ in range(200):
        outside = function(step) * direction < 0
        if not outside.any():
            break
        step = np.where(outside, 2.0 * step, step)
    low, high = np.minimum(0.0, step), np.maximum(0.0, step)
    chi = np.clip(guess, low, high)
    for _ in range(max_steps):
        value = function(chi)
        low = np.where(value < 0, chi, low)
        high = np.where(value > 0, chi, high)
        newton_chi = chi - value / derivative(chi)
        inside = (newton_chi > low) & (newton_chi < high)
        new_chi = np.where(inside, newton_chi, 0.5 * (low + high))
        new_chi = np.where(value == 0, chi, new_chi)
        converged = np.abs(new_chi - chi) < tolerance
        chi = new_chi
        if converged.all():
            return chi
    raise ArithmeticError("Kepler's equation did not converge")
