"""``OrbitView``: the 3D scene on a vispy canvas, bound to a ``core.scene.Scene``.

The same class draws in the desktop window and headless. Adapters connect to the model's
events in ``__init__`` and disconnect in ``close()``; they translate, never compute orbits.
"""

from __future__ import annotations

import math

import numpy as np
from vispy import scene as vscene

from orbitview.core.camera import MIN_DISTANCE_KM, CameraState
from orbitview.core.classify import ObjectClass
from orbitview.core.frames import gcrs_from_itrs, sun_direction_gcrs
from orbitview.core.scene import Layer, Scene
from orbitview.render.assets import bright_stars, earth_day_image
from orbitview.render.colors import class_colors
from orbitview.render.earth import Earth
from orbitview.render.objects import Objects
from orbitview.render.overlay import Overlay
from orbitview.render.stars import Stars

BACKGROUND = (0.0, 0.0, 0.012, 1.0)


class LayerAdapter:
    """Draws one ``Layer``: uploads keyframes when the clock leaves their interval, else
    only moves the time uniform."""

    def __init__(self, layer: Layer, parent) -> None:
        self.layer = layer
        self.node = Objects(point_size=layer.point_size, parent=parent)
        self.node.order = 2
        self.node.visible = layer.visible
        self._colors = class_colors(layer.catalog.object_class)
        layer.events.visible.connect(self._on_visible)
        layer.events.point_size.connect(self.node.set_point_size)

    def _on_visible(self, visible: bool) -> None:
        self.node.visible = visible

    def set_time(self, t_s: float, sun_gcrs: np.ndarray) -> None:
        keyframes = self.node.keyframes
        if keyframes is None or not keyframes.contains(t_s):
            self.node.set_keyframes(self.layer.keyframes.at(t_s), self._colors)
        self.node.set_sun_direction(sun_gcrs)
        self.node.set_time(t_s)

    def close(self) -> None:
        self.layer.events.visible.disconnect(self._on_visible)
        self.layer.events.point_size.disconnect(self.node.set_point_size)
        self.node.parent = None


class CameraAdapter:
    """Keeps vispy's turntable camera and the ``CameraState`` model in step, both ways."""

    def __init__(self, state: CameraState, view: vscene.ViewBox) -> None:
        self.state = state
        self.camera = vscene.cameras.TurntableCamera(up="+z", center=(0.0, 0.0, 0.0))
        view.camera = self.camera
        self._writing = False
        for name in ("azimuth_deg", "elevation_deg", "distance_km", "fov_deg"):
            getattr(state.events, name).connect(self._to_vispy)
        self._to_vispy()

    def _to_vispy(self, _value=None) -> None:
        if self._writing:
            return
        s = self.state
        self.camera.fov = s.fov_deg
        self.camera.azimuth = s.azimuth_deg
        self.camera.elevation = s.elevation_deg
        self.camera.scale_factor = 2.0 * s.distance_km * math.tan(math.radians(s.fov_deg) / 2)

    def from_vispy(self) -> None:
        """Copy what the mouse did into the model (and keep the eye outside the Earth)."""
        distance = self.camera.scale_factor / (2.0 * math.tan(math.radians(self.camera.fov) / 2))
        self._writing = True
        try:
            self.state.azimuth_deg = self.camera.azimuth
            self.state.elevation_deg = self.camera.elevation
            self.state.distance_km = distance
        finally:
            self._writing = False
        if distance < MIN_DISTANCE_KM or abs(self.camera.elevation) > 89.9:
            self._to_vispy()

    def close(self) -> None:
        for name in ("azimuth_deg", "elevation_deg", "distance_km", "fov_deg"):
            getattr(self.state.events, name).disconnect(self._to_vispy)


class OrbitView:
    """Earth, stars, object layers and overlays of ``scene`` on ``canvas``."""

    def __init__(self, scene: Scene, canvas: vscene.SceneCanvas) -> None:
        self.scene = scene
        self.canvas = canvas
        canvas.bgcolor = BACKGROUND
        self.view = canvas.central_widget.add_view()
        self.view.bgcolor = BACKGROUND
        self.camera = CameraAdapter(scene.camera, self.view)
        stars = bright_stars()
        self.stars = Stars(stars["ra_deg"], stars["dec_deg"], stars["vmag"], stars["b_minus_v"], parent=self.view.scene)
        self.stars.order = 0
        self.earth = Earth(earth_day_image(), parent=self.view.scene)
        self.earth.order = 1
        self.overlay = Overlay(canvas)
        self.layers: dict[int, LayerAdapter] = {}

        scene.clock.events.time_s.connect(self._on_time)
        scene.events.layers.connect(self._on_layers)
        scene.events.message.connect(self.overlay.update_message)
        scene.events.title.connect(self.overlay.update_title)
        canvas.events.draw.connect(self.sync_camera, position="first")
        self.overlay.update_message(scene.message)
        self.overlay.update_title(scene.title)
        self._on_layers(scene.layers)

    def _on_layers(self, layers: tuple[Layer, ...]) -> None:
        current = {id(layer) for layer in layers}
        for key in [k for k in self.layers if k not in current]:
            self.layers.pop(key).close()
        for layer in layers:
            if id(layer) not in self.layers:
                self.layers[id(layer)] = LayerAdapter(layer, self.view.scene)
        counts = {c: 0 for c in ObjectClass}
        for layer in layers:
            for cls, n in zip(*np.unique(layer.catalog.object_class, return_counts=True)):
                counts[ObjectClass(cls)] += int(n)
        self.overlay.update_legend(counts)
        self._on_time(self.scene.clock.time_s)

    def _on_time(self, t_s: float) -> None:
        sun = sun_direction_gcrs(t_s)
        self.earth.set_orientation(gcrs_from_itrs(t_s))
        self.earth.set_sun_direction(sun)
        for adapter in self.layers.values():
            adapter.set_time(t_s, sun)
        self.overlay.update_clock(t_s)
        self.canvas.update()

    def sync_camera(self, event=None) -> None:
        """Before each frame: take in mouse moves, and place the sky and the Earth's rim for
        the eye. Offscreen renders call this themselves (they emit no draw event)."""
        self.camera.from_vispy()
        eye = self.scene.camera.eye_km()
        self.earth.set_eye(eye)
        self.stars.set_eye(eye, self.scene.camera.distance_km)

    def close(self) -> None:
        self.scene.clock.events.time_s.disconnect(self._on_time)
        self.scene.events.layers.disconnect(self._on_layers)
        self.scene.events.message.disconnect(self.overlay.update_message)
        self.scene.events.title.disconnect(self.overlay.update_title)
        self.canvas.events.draw.disconnect(self.sync_camera)
        for adapter in self.layers.values():
            adapter.close()
        self.layers.clear()
        self.camera.close()
        self.overlay.close()
