"""``OrbitView``: the 3D scene on a vispy canvas, bound to a ``core.scene.Scene``.

The same class draws in the desktop window and headless. Adapters connect to the model's
events in ``__init__`` and disconnect in ``close()``; they translate, never compute orbits.

Everything inertial (stars, Earth, objects, tracks) hangs under one ``world`` node in GCRS km.
In the Earth-fixed view that node is turned by the GCRS-to-ITRS rotation, so the camera, whose
coordinates are always those of its view frame, sees the ground stand still.
"""

from __future__ import annotations

import numpy as np
from vispy import scene as vscene
from vispy.visuals.transforms import MatrixTransform

from orbitview.core.frames import gcrs_from_itrs, sun_direction_gcrs, sun_known
from orbitview.core.launch_dates import objects_in_orbit
from orbitview.core.scene import Layer, Scene
from orbitview.render.assets import bright_stars, earth_day_image
from orbitview.render.camera_adapter import CameraAdapter
from orbitview.render.colors import layer_colors, legend_entries
from orbitview.render.earth import Earth
from orbitview.render.globe_lines import GlobeLines
from orbitview.render.objects import Objects
from orbitview.render.overlay import Overlay
from orbitview.render.selection import SelectionAdapter
from orbitview.render.stars import Stars

BACKGROUND = (0.0, 0.0, 0.012, 1.0)
OVERLAY_SWITCHES = ("show_coastlines", "show_borders", "show_grid")


class LayerAdapter:
    """Draws one ``Layer``: uploads keyframes when the clock leaves their interval, else
    only moves the time uniform."""

    def __init__(self, layer: Layer, parent, legend_changed) -> None:
        self.layer = layer
        self._legend_changed = legend_changed
        self.node = Objects(point_size=layer.point_size, parent=parent)
        self.node.order = 2
        self.node.visible = layer.visible
        layer.events.visible.connect(self._on_visible)
        layer.events.point_size.connect(self.node.set_point_size)
        layer.events.shown.connect(self.node.set_shown)
        layer.events.color_by.connect(self._on_colors)
        layer.events.color.connect(self._on_colors)
        for signal in (layer.events.visible, layer.events.color_by, layer.events.color, layer.events.shown):
            signal.connect(legend_changed)

    def _on_visible(self, visible: bool) -> None:
        self.node.visible = visible

    def _on_colors(self, _value=None) -> None:
        """A new colour mode: re-upload with the new colours at the current keyframes."""
        keyframes = self.node.keyframes
        if keyframes is not None:
            self._upload(keyframes, keyframes.t0_s)

    def _upload(self, keyframes, t_s: float) -> None:
        # Colours are evaluated once per keyframe interval (element age changes that slowly).
        self.node.set_keyframes(keyframes, layer_colors(self.layer, t_s))
        self.node.set_shown(self.layer.shown)
        self.node.set_sunlit_mode(self.layer.color_by == "sunlit")

    def set_time(self, t_s: float, sun_gcrs: np.ndarray | None) -> None:
        keyframes = self.node.keyframes
        if keyframes is None or not keyframes.contains(t_s):
            self._upload(self.layer.keyframes.at(t_s), t_s)
        self.node.set_sun_direction(sun_gcrs)
        self.node.set_time(t_s)

    def close(self) -> None:
        self.layer.events.visible.disconnect(self._on_visible)
        self.layer.events.point_size.disconnect(self.node.set_point_size)
        self.layer.events.shown.disconnect(self.node.set_shown)
        self.layer.events.color_by.disconnect(self._on_colors)
        self.layer.events.color.disconnect(self._on_colors)
        for signal in (self.layer.events.visible, self.layer.events.color_by, self.layer.events.color,
                       self.layer.events.shown):
            signal.disconnect(self._legend_changed)
        self.node.parent = None


class OrbitView:
    """Earth, stars, object layers, selection and overlays of ``scene`` on ``canvas``."""

    def __init__(self, scene: Scene, canvas: vscene.SceneCanvas) -> None:
        self.scene = scene
        self.canvas = canvas
        canvas.bgcolor = BACKGROUND
        self.view = canvas.central_widget.add_view()
        self.camera = CameraAdapter(scene.camera, self.view)
        self.world = vscene.Node(parent=self.view.scene)
        self.world.transform = MatrixTransform()
        stars = bright_stars()
        self.stars = Stars(stars["ra_deg"], stars["dec_deg"], stars["vmag"], stars["b_minus_v"], parent=self.world)
        self.stars.order = 0
        self.earth = Earth(earth_day_image(), parent=self.world)
        self.earth.order = 1
        self.globe_lines = GlobeLines(parent=self.world)
        self.globe_lines.order = 1.5
        self.selection = SelectionAdapter(scene, self.world)
        self.overlay = Overlay(canvas)
        self.layers: dict[int, LayerAdapter] = {}
        self._earth_rotation = np.eye(3)

        scene.clock.events.time_s.connect(self._on_time)
        scene.events.layers.connect(self._on_layers)
        scene.events.title.connect(self.overlay.update_title)
        scene.events.show_in_orbit.connect(self._on_counter)
        for name in OVERLAY_SWITCHES:
            getattr(scene.events, name).connect(self._on_globe_lines)
        scene.camera.events.view_frame.connect(self._on_camera_frame)
        scene.camera.events.follow.connect(self._on_camera_frame)
        canvas.events.draw.connect(self.sync_camera, position="first")
        self.overlay.update_title(scene.title)
        self._on_globe_lines()
        self._on_layers(scene.layers)

    def _on_counter(self, _on: bool) -> None:
        self._on_time(self.scene.clock.time_s)

    def _on_globe_lines(self, _value=None) -> None:
        s = self.scene
        self.globe_lines.set_visible_sets(s.show_coastlines, s.show_borders, s.show_grid)
        self.canvas.update()

    def view_from_gcrs(self) -> np.ndarray:
        """(3, 3) rotation from GCRS into the camera's view frame at the displayed time."""
        if self.scene.camera.view_frame == "earth-fixed":
            return self._earth_rotation.T
        return np.eye(3)

    def _on_layers(self, layers: tuple[Layer, ...]) -> None:
        current = {id(layer) for layer in layers}
        for key in [k for k in self.layers if k not in current]:
            self.layers.pop(key).close()
        for layer in layers:
            if id(layer) not in self.layers:
                self.layers[id(layer)] = LayerAdapter(layer, self.world, self._update_legend)
        self._update_legend()
        self.overlay.update_message(self.scene.message)
        self._on_time(self.scene.clock.time_s)

    def _update_legend(self, _value=None) -> None:
        """One row per colour of the visible layers; rows with the same label are summed."""
        rows: dict[str, list] = {}
        for layer in self.scene.layers:
            if not layer.visible:
                continue
            for label, rgba, count in legend_entries(layer):
                row = rows.setdefault(label, [rgba, 0])
                row[1] = -1 if count < 0 or row[1] < 0 else row[1] + count
        self.overlay.update_legend([(label, rgba, count) for label, (rgba, count) in rows.items()])

    def _on_time(self, t_s: float) -> None:
        sun = sun_direction_gcrs(t_s) if sun_known(t_s) else None
        self._earth_rotation = gcrs_from_itrs(t_s)
        self.earth.set_orientation(self._earth_rotation)
        self.globe_lines.set_orientation(self._earth_rotation)
        self.earth.set_sun_direction(sun)
        for adapter in self.layers.values():
            adapter.set_time(t_s, sun)
        self.selection.update(t_s, self._earth_rotation)
        self._place_world()
        self.overlay.update_clock(t_s, objects_in_orbit(self.scene.layers, t_s) if self.scene.show_in_orbit else None)
        self.canvas.update()

    def _on_camera_frame(self, _value=None) -> None:
        self._place_world()
        self.canvas.update()

    def _place_world(self) -> None:
        """Turn the world into the camera's view frame."""
        rotation = np.eye(4)
        # vispy multiplies row vectors (p @ M): the 3x3 block is the transpose of ours.
        rotation[:3, :3] = self.view_from_gcrs().T
        self.world.transform.matrix = rotation

    def sync_camera(self, event=None) -> None:
        """Before each frame: take in mouse moves, and place the sky and the Earth's rim for
        the eye. Offscreen renders call this themselves (they emit no draw event)."""
        self.camera.from_vispy()
        # The frame's clear only clears depth while writes are on; objects end a frame with
        # them off.
        self.canvas.context.set_depth_mask(True)
        eye_gcrs = self.view_from_gcrs().T @ self.scene.camera.eye_km()
        self.earth.set_eye(eye_gcrs)
        self.stars.set_eye(eye_gcrs, self.scene.camera.distance_km)

    def close(self) -> None:
        self.scene.clock.events.time_s.disconnect(self._on_time)
        self.scene.events.layers.disconnect(self._on_layers)
        self.scene.events.show_in_orbit.disconnect(self._on_counter)
        self.scene.events.title.disconnect(self.overlay.update_title)
        for name in OVERLAY_SWITCHES:
            getattr(self.scene.events, name).disconnect(self._on_globe_lines)
        self.scene.camera.events.view_frame.disconnect(self._on_camera_frame)
        self.scene.camera.events.follow.disconnect(self._on_camera_frame)
        self.canvas.events.draw.disconnect(self.sync_camera)
        for adapter in self.layers.values():
            adapter.close()
        self.layers.clear()
        self.selection.close()
        self.camera.close()
        self.overlay.close()
