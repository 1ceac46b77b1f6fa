"""``OrbitView``: the 3D scene on a vispy canvas, bound to a ``core.scene.Scene``.

The same class draws in the desktop window and headless. Adapters connect to the model's
events in ``__init__`` and disconnect in ``close()``; they translate, never compute orbits.

Everything inertial (stars, Earth, objects, tracks) hangs under one ``world`` node in GCRS km.
In the Earth-fixed view that node is turned by the GCRS-to-ITRS rotation, so the camera, whose
coordinates are always those of its view frame, sees the ground stand still. A split scene
(``core.panes``) has a second pane with its own world beside the first, its camera linked.
"""

from __future__ import annotations

import numpy as np
from vispy import scene as vscene

from orbitview.core.chapters import chapter_at
from orbitview.core.frames import gcrs_from_itrs, sun_direction_gcrs, sun_known
from orbitview.core.panes import PANES, drawn_in, pane_box, pane_title
from orbitview.core.scene import Layer, Scene
from orbitview.render.camera_adapter import CameraAdapter
from orbitview.render.colors import layer_colors, legend_entries
from orbitview.render.conjunction_lines import ConjunctionAdapter
from orbitview.render.objects import Objects
from orbitview.render.overlay import Overlay
from orbitview.render.panes import Pane
from orbitview.render.selection import SelectionAdapter

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
        #: The panes by name; the right one is made when the scene is first split.
        self.panes = {"left": Pane(canvas)}
        self.camera = CameraAdapter(scene.camera, self.panes["left"].view)
        self.selection = SelectionAdapter(scene, self.panes["left"].world)
        self.conjunctions = ConjunctionAdapter(scene, self.panes["left"].world)
        self.overlay = Overlay(canvas)
        self.layers: dict[int, LayerAdapter] = {}
        self._earth_rotation = np.eye(3)

        scene.clock.events.time_s.connect(self._on_time)
        scene.events.layers.connect(self._on_layers)
        scene.events.title.connect(self.overlay.update_title)
        scene.events.chapters.connect(self._on_chapters)
        for name in ("split", "left_title", "right_title"):
            getattr(scene.events, name).connect(self._on_panes)
        canvas.events.resize.connect(self._on_panes)
        scene.events.selected.connect(self._place_selection)
        for name in OVERLAY_SWITCHES:
            getattr(scene.events, name).connect(self._on_globe_lines)
        scene.camera.events.view_frame.connect(self._on_camera_frame)
        scene.camera.events.follow.connect(self._on_camera_frame)
        canvas.events.draw.connect(self.sync_camera, position="first")
        self.overlay.update_title(scene.title)
        self._on_globe_lines()
        self._on_layers(scene.layers)
        self._on_panes()

    def _on_globe_lines(self, _value=None) -> None:
        s = self.scene
        for pane in self.panes.values():
            pane.globe_lines.set_visible_sets(s.show_coastlines, s.show_borders, s.show_grid)
        self.canvas.update()

    def _on_panes(self, _value=None) -> None:
        """Lay the panes out (one, or two side by side), put each layer in its own, title them."""
        split = self.scene.split
        if split and "right" not in self.panes:
            self.panes["right"] = Pane(self.canvas)
            self.camera.link_view(self.panes["right"].view)
            self._on_globe_lines()
            self._on_time(self.scene.clock.time_s)
        size = tuple(self.canvas.size)
        for name, pane in self.panes.items():
            pane.set_box(pane_box(name, size, split), visible=split or name == "left")
        for adapter in self.layers.values():
            adapter.node.parent = self.panes[drawn_in(self.scene, adapter.layer)].world
        self._place_selection()
        self.overlay.update_panes(tuple(pane_title(self.scene, name) for name in PANES) if split else None)
        self.canvas.update()

    def _place_selection(self, _value=None) -> None:
        """The selection's ring, tracks and labels go in the pane of the selected object."""
        selected = self.scene.selected
        pane = "left" if selected is None else drawn_in(self.scene, selected.layer)
        self.selection.move_to(self.panes.get(pane, self.panes["left"]).world)

    def view_from_gcrs(self) -> np.ndarray:
        """(3, 3) rotation from GCRS into the camera's view frame at the displayed time."""
        if self.scene.camera.view_frame == "earth-fixed":
            return self._earth_rotation.T
        return np.eye(3)

    def _on_layers(self, layers: tuple[Layer, ...]) -> None:
        current = {id(layer) for layer in layers}
        for key in [k for k in self.layers if k not in current]:
            adapter = self.layers.pop(key)
            adapter.layer.events.pane.disconnect(self._on_panes)
            adapter.close()
        for layer in layers:
            if id(layer) not in self.layers:
                world = self.panes.get(drawn_in(self.scene, layer), self.panes["left"]).world
                self.layers[id(layer)] = LayerAdapter(layer, world, self._update_legend)
                layer.events.pane.connect(self._on_panes)
        self._update_legend()
        self.overlay.update_message(self.scene.message)
        self._on_time(self.scene.clock.time_s)
        if self.scene.split:
            self._on_panes()  # titles name the layers

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
        for pane in self.panes.values():
            pane.set_time(self._earth_rotation, sun)
        for adapter in self.layers.values():
            adapter.set_time(t_s, sun)
        self.selection.update(t_s, self._earth_rotation)
        self.conjunctions.update(t_s)
        self._place_world()
        self.overlay.update_clock(t_s)
        self._caption_chapter()
        self.canvas.update()

    def _caption_chapter(self) -> None:
        """Caption the overlay with the chapter running at the displayed time."""
        chapter = chapter_at(self.scene.chapters, self.scene.clock.time_s)
        self.overlay.update_caption(None if chapter is None else (chapter.title, chapter.caption))

    def _on_chapters(self, _value=None) -> None:
        self._caption_chapter()
        self.canvas.update()

    def _on_camera_frame(self, _value=None) -> None:
        self._place_world()
        self.canvas.update()

    def _place_world(self) -> None:
        """Turn the worlds into the camera's view frame."""
        for pane in self.panes.values():
            pane.place(self.view_from_gcrs())

    def sync_camera(self, event=None) -> None:
        """Before each frame: take in mouse moves, and place the sky and the Earth's rim for
        the eye. Offscreen renders call this themselves (they emit no draw event)."""
        self.camera.from_vispy()
        # The frame's clear only clears depth while writes are on; objects end a frame with
        # them off.
        self.canvas.context.set_depth_mask(True)
        eye_gcrs = self.view_from_gcrs().T @ self.scene.camera.eye_km()
        for pane in self.panes.values():
            pane.set_eye(eye_gcrs, self.scene.camera.distance_km)

    def close(self) -> None:
        self.scene.clock.events.time_s.disconnect(self._on_time)
        self.scene.events.layers.disconnect(self._on_layers)
        self.scene.events.title.disconnect(self.overlay.update_title)
        self.scene.events.chapters.disconnect(self._on_chapters)
        for name in ("split", "left_title", "right_title"):
            getattr(self.scene.events, name).disconnect(self._on_panes)
        self.canvas.events.resize.disconnect(self._on_panes)
        self.scene.events.selected.disconnect(self._place_selection)
        for name in OVERLAY_SWITCHES:
            getattr(self.scene.events, name).disconnect(self._on_globe_lines)
        self.scene.camera.events.view_frame.disconnect(self._on_camera_frame)
        self.scene.camera.events.follow.disconnect(self._on_camera_frame)
        self.canvas.events.draw.disconnect(self.sync_camera)
        for adapter in self.layers.values():
            adapter.layer.events.pane.disconnect(self._on_panes)
            adapter.close()
        self.layers.clear()
        self.selection.close()
        self.conjunctions.close()
        self.camera.close()
        self.overlay.close()
        for pane in self.panes.values():
            pane.close()
