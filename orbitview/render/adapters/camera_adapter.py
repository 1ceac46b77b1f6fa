"""Keeps vispy's turntable camera and the ``CameraState`` model in step, both ways."""

from __future__ import annotations

import math

from vispy import scene as vscene

from orbitview.core.model.camera import CameraState
from orbitview.core.model.events import disconnect_events
from orbitview.core.orbits.frames import EARTH_EQUATORIAL_RADIUS_KM

DEPTH_RANGE = 100.0
SYNCED = ("azimuth_deg", "elevation_deg", "distance_km", "fov_deg", "center_km")


class CameraAdapter:
    """The model drives vispy's camera; mouse moves (which change vispy's camera) are copied
    back into the model before each frame by ``from_vispy``."""

    def __init__(self, state: CameraState, view: vscene.ViewBox) -> None:
        self.state = state
        self.camera = _turntable()
        view.camera = self.camera
        self._writing = False
        for name in SYNCED:
            getattr(state.events, name).connect(self._to_vispy)
        self._to_vispy()

    def link_view(self, view: vscene.ViewBox) -> None:
        """Give ``view`` a camera that moves with this one, both ways (the mouse may turn
        either): two panes seen through the one ``CameraState``."""
        camera = _turntable()
        view.camera = camera
        self.camera.link(camera)
        self._to_vispy()

    def _to_vispy(self, _value=None) -> None:
        if self._writing:
            return
        s = self.state
        self.camera.fov = s.fov_deg
        self.camera.azimuth = s.azimuth_deg
        self.camera.elevation = s.elevation_deg
        self.camera.center = s.center_km
        self.camera.scale_factor = 2.0 * s.distance_km * math.tan(math.radians(s.fov_deg) / 2)

    def from_vispy(self) -> None:
        """Copy what the mouse did into the model, then keep the eye above the ground."""
        distance = self.camera.scale_factor / (2.0 * math.tan(math.radians(self.camera.fov) / 2))
        self._writing = True
        try:
            self.state.azimuth_deg = self.camera.azimuth
            self.state.elevation_deg = self.camera.elevation
            self.state.distance_km = distance
            if self.state.follow is None:
                self.state.center_km = tuple(self.camera.center)
        finally:
            self._writing = False
        self.state.keep_outside_earth()
        if self.state.distance_km != distance or abs(self.camera.elevation) > 89.9:
            self._to_vispy()

    def close(self) -> None:
        disconnect_events(self.state.events, self)


class SceneDepthCamera(vscene.cameras.TurntableCamera):
    """vispy's turntable camera, its far plane never nearer than the far side of the Earth.

    vispy puts the near and far planes at the distance divided and multiplied by
    ``sqrt(10 * depth_value)``: 316 here. A camera 600 m from a satellite had its far plane
    190 km away and clipped the whole globe behind it; the far plane now reaches at least
    ``|centre| + distance + R``, beyond every point of the Earth. The near plane stays where
    vispy puts it: close to the eye, a 24-bit depth buffer still separates the Earth's near
    side from what lies behind it to within kilometres (about 20 km 600 m from a LEO object).
    """

    def _update_projection_transform(self, fx, fy):
        super()._update_projection_transform(fx, fy)
        if self._fov == 0:
            return
        distance = self._actual_distance  # what vispy's own near and far planes were set from
        ratio = math.sqrt(10 * self.depth_value)
        reach = math.hypot(*self.center) + distance + EARTH_EQUATORIAL_RADIUS_KM
        if reach > distance * ratio:
            self._projection.set_perspective(max(0.01, self._fov), fx / fy, distance / ratio, reach)


def _turntable() -> SceneDepthCamera:
    camera = SceneDepthCamera(up="+z", center=(0.0, 0.0, 0.0))
    # Near and far planes at distance / 316 and distance x 316 (vispy's default depth_value,
    # 1000, gives 100): depth precision decides whether a satellite just behind the limb is hidden.
    camera.depth_value = DEPTH_RANGE**2
    return camera
