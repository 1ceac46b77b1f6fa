"""Conjunctions as part of the model: what to screen, the encounters found, which are highlighted.

A scenario saves what to screen (``primaries``, ``start_s``, ``span_s``, ``threshold_km``), the
``highlighted`` encounters and ``show_markers``; the ``encounters`` and ``co_located`` stretches
found last last only while the app runs (a screening is made again, not stored). A highlighted encounter holds what its
miss line needs in a window or an export: the pair's catalogue numbers, TCA and miss distance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from orbitview.core.model.events import EventedModel, Field


@dataclass(frozen=True)
class Highlight:
    """One encounter drawn with its miss line: objects ``a`` (the primary, or the lower
    catalogue number) and ``b``, ``tca_s`` POSIX seconds UTC, ``miss_km`` at TCA."""

    a: int
    b: int
    tca_s: float
    miss_km: float

    @classmethod
    def of(cls, encounter) -> Highlight:
        """The highlight of a ``core.conjunctions.Encounter``."""
        return cls(int(encounter.a), int(encounter.b), float(encounter.tca_s), float(encounter.miss_km))


def _norads(values) -> tuple[int, ...]:
    numbers = tuple(int(v) for v in values)
    if any(n <= 0 for n in numbers):
        raise ValueError(f"catalogue numbers are positive, got {numbers}")
    return tuple(sorted(set(numbers)))


def _positive(value) -> float:
    value = float(value)
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"expected a positive number, got {value:g}")
    return value


def _optional_time(value) -> float | None:
    return None if value is None else float(value)


def _highlights(values) -> tuple[Highlight, ...]:
    if not all(isinstance(v, Highlight) for v in values):
        raise ValueError("expected Highlight values")
    return tuple(dict.fromkeys(values))


class Conjunctions(EventedModel):
    """The scene's screening. ``primaries``: catalogue numbers screened against every loaded
    object (empty: all loaded layers against each other); ``start_s`` POSIX s (None: the clock's
    time when screened); ``span_s`` and ``threshold_km`` as ``core.conjunctions.screen`` takes
    them. ``encounters``: the last screening's ``Encounter`` s, in TCA order, ``co_located``
    its ``CoLocated`` stretches (neither saved). ``show_markers``: draw every encounter found
    at its place at TCA."""

    primaries = Field((), _norads)
    start_s = Field(None, _optional_time)
    span_s = Field(86400.0, _positive)
    threshold_km = Field(5.0, _positive)
    encounters = Field((), tuple, saved=False)
    co_located = Field((), tuple, saved=False)
    highlighted = Field((), _highlights)
    show_markers = Field(False, bool)


def pair_refs(scene, highlight: Highlight) -> tuple | None:
    """The ``ObjectRef`` s of the highlight's two objects in ``scene`` (the first layer holding
    each catalogue number), None unless both are loaded."""
    found = [scene.find(norad) for norad in (highlight.a, highlight.b)]
    return (found[0][0], found[1][0]) if all(found) else None


def encounter_place_gcrs_km(encounter) -> np.ndarray:
    """(3,) float64 GCRS km: the midpoint of the encounter's two objects at TCA."""
    from orbitview.core.orbits.frames import gcrs_from_teme

    middle_teme = (np.asarray(encounter.state_a[:3]) + np.asarray(encounter.state_b[:3])) / 2
    return gcrs_from_teme(encounter.tca_s) @ middle_teme


#: Framing a pair: its separation spans this fraction of the view's height, the eye no closer
#: than ``FRAME_MIN_DISTANCE_KM`` (so close pairs still show their neighbourhood).
FRAME_FRACTION = 0.3
FRAME_MIN_DISTANCE_KM = 10.0


def frame_pair(camera, position_a_km: np.ndarray, position_b_km: np.ndarray) -> None:
    """Point ``camera`` (a ``CameraState``) at two objects at (3,) km positions of its view
    frame: centred between them, seen from above (the side away from the Earth) and square to
    the miss vector, so they stand apart; it follows nothing."""
    a, b = np.asarray(position_a_km, float), np.asarray(position_b_km, float)
    middle, miss = (a + b) / 2, b - a
    separation = float(np.linalg.norm(miss))
    up = middle / np.linalg.norm(middle)
    direction = up if separation == 0 else up - (up @ miss) / separation**2 * miss
    if np.linalg.norm(direction) < 1e-6:  # a radial miss: look from the side instead
        direction = np.cross(up, [0.0, 0.0, 1.0])
    half_height_km = separation / FRAME_FRACTION / 2
    camera.follow = None
    camera.center_km = tuple(middle)
    camera.distance_km = max(FRAME_MIN_DISTANCE_KM, half_height_km / math.tan(math.radians(camera.fov_deg) / 2))
    camera.look_from(direction)
