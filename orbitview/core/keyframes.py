"""Keyframe pairs: what the GPU holds to interpolate every object between two sample times."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from orbitview.core.catalog import Catalog
from orbitview.core.propagate import propagate

MAX_RADIUS_KM = 1.0e6


@dataclass(frozen=True)
class Keyframes:
    """States of N objects at ``t0_s`` and ``t1_s`` (POSIX seconds), GCRS, float32.

    ``position0_km``, ``velocity0_km_s``, ``position1_km``, ``velocity1_km_s``: (N, 3) float32.
    ``valid``: (N,) bool, False where SGP4 failed at either end (decayed objects).
    """

    t0_s: float
    t1_s: float
    position0_km: np.ndarray
    velocity0_km_s: np.ndarray
    position1_km: np.ndarray
    velocity1_km_s: np.ndarray
    valid: np.ndarray

    def contains(self, t_s: float) -> bool:
        return self.t0_s <= t_s <= self.t1_s

    def interpolate(self, t_s: float) -> np.ndarray:
        """(N, 3) float64 GCRS km at ``t_s`` by cubic Hermite: the formula of the vertex shader."""
        h = self.t1_s - self.t0_s
        s = (t_s - self.t0_s) / h
        h00 = 2 * s**3 - 3 * s**2 + 1
        h10 = s**3 - 2 * s**2 + s
        h01 = -2 * s**3 + 3 * s**2
        h11 = s**3 - s**2
        return (
            h00 * self.position0_km.astype(np.float64)
            + h10 * h * self.velocity0_km_s
            + h01 * self.position1_km
            + h11 * h * self.velocity1_km_s
        )


class LiveKeyframes:
    """Keyframes for a catalogue from SGP4 on demand, on a grid of ``step_s`` seconds."""

    def __init__(self, catalog: Catalog, step_s: float = 60.0) -> None:
        self.catalog = catalog
        self.step_s = float(step_s)

    def __len__(self) -> int:
        return len(self.catalog)

    def at(self, t_s: float) -> Keyframes:
        t0 = math.floor(t_s / self.step_s) * self.step_s
        states = propagate(self.catalog, np.array([t0, t0 + self.step_s]), "GCRS")
        # SGP4 far outside its elements' useful span can return finite nonsense (1e10 km)
        # without an error code: such objects are not drawn.
        radius = np.linalg.norm(np.nan_to_num(states.position_km), axis=-1)
        valid = (states.error == 0).all(axis=0) & (radius < MAX_RADIUS_KM).all(axis=0)
        position = np.where(valid[None, :, None], np.nan_to_num(states.position_km), 0.0).astype(np.float32)
        velocity = np.where(valid[None, :, None], np.nan_to_num(states.velocity_km_s), 0.0).astype(np.float32)
        return Keyframes(t0, t0 + self.step_s, position[0], velocity[0], position[1], velocity[1], valid)
