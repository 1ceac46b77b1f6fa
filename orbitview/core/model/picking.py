"""Which object is under the mouse: the nearest one on screen, in front of the Earth."""

from __future__ import annotations

import numpy as np

from orbitview.core.model.camera import project_to_pixels
from orbitview.core.model.object_ref import ObjectRef
from orbitview.core.model.scene import Scene
from orbitview.core.orbits.frames import EARTH_EQUATORIAL_RADIUS_KM

PICK_RADIUS_PX = 6.0


def hidden_by_earth(eye_km: np.ndarray, points_km: np.ndarray) -> np.ndarray:
    """(N,) bool: the straight line from the eye to each point passes through the Earth
    (a sphere of the equatorial radius: generous by 21 km at the poles, which costs nothing
    visible). ``eye_km``: (3,), ``points_km``: (N, 3), same frame."""
    d = points_km - eye_km
    s = np.clip(-(d @ eye_km) / np.einsum("ij,ij->i", d, d), 0.0, 1.0)
    closest = eye_km + s[:, None] * d
    return np.einsum("ij,ij->i", closest, closest) < EARTH_EQUATORIAL_RADIUS_KM**2


def pick(
    scene: Scene,
    xy_px: tuple[float, float],
    size: tuple[int, int],
    view_from_gcrs: np.ndarray | None = None,
    radius_px: float = PICK_RADIUS_PX,
    layers=None,
) -> ObjectRef | None:
    """The visible object (layer and row) drawn nearest to ``xy_px`` within ``radius_px``
    (logical pixels of a view of ``size``), or None; of ``layers`` only, when given (the
    layers of one pane of a split view). Vectorised: 100k objects in milliseconds."""
    t = scene.clock.time_s
    eye_view = scene.camera.eye_km()
    eye_gcrs = eye_view if view_from_gcrs is None else np.asarray(view_from_gcrs).T @ eye_view
    best: tuple[float, ObjectRef] | None = None
    for layer in scene.layers if layers is None else layers:
        if not layer.visible or len(layer) == 0:
            continue
        keyframes = layer.drawn_pair(t, scene.clock.playing)
        rows = np.flatnonzero(keyframes.valid & layer.shown)
        if len(rows) == 0:
            continue
        positions = keyframes.interpolate(keyframes.clamp(t), rows)
        xy, in_front = project_to_pixels(positions, scene.camera, size, view_from_gcrs)
        distance = np.hypot(xy[:, 0] - xy_px[0], xy[:, 1] - xy_px[1])
        near = np.flatnonzero(in_front & (distance <= radius_px))
        if len(near) == 0:
            continue
        near = near[~hidden_by_earth(eye_gcrs, positions[near])]
        if len(near) == 0:
            continue
        nearest = near[np.argmin(distance[near])]
        if best is None or distance[nearest] < best[0]:
            best = (float(distance[nearest]), ObjectRef(layer, int(rows[nearest])))
    return None if best is None else best[1]
