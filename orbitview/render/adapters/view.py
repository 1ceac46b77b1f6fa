"""``OrbitView``: the 3D scene on a vispy canvas, bound to a ``core.model.scene.Scene``.

The same class draws in the desktop window and headless. Adapters connect to the model's
events in ``__init__`` with their own methods and undo them by owner in ``close()``
(``disconnect_events``); they translate, never compute orbits.

Everything inertial (stars, Earth, objects, tracks) hangs under one ``world`` node in GCRS km.
In the Earth-fixed view that node is turned by the GCRS-to-ITRS rotation, so the camera, whose
coordinates are always those of its view frame, sees the ground stand still. A split scene
(``core.model.panes``) has a second pane with its own world beside the first, its camera linked.
"""

from __future__ import annotations

import math
import time

import numpy as np
from vispy import scene as vscene

from orbitview.core.breakup.interceptor_scene import InterceptorLayer
from orbitview.core.model.chapters import chapter_at
from orbitview.core.model.events import disconnect_events, disconnect_models
from orbitview.core.model.legend import legend_rows
from orbitview.core.model.object_ref import ObjectRef
from orbitview.core.model.panes import PANES, drawn_in, pane_box, pane_title
from orbitview.core.model.scene import Layer, Scene
from orbitview.core.orbits.frames import gcrs_from_itrs, sun_direction_gcrs, sun_known, view_from_gcrs
from orbitview.core.orbits.keyframes import Keyframes, playing_step_s
from orbitview.core.orbits.prefetch import Prefetcher
from orbitview.render.adapters.camera_adapter import CameraAdapter
from orbitview.render.adapters.canvas_events import disconnect_canvas_events
from orbitview.render.adapters.colors import layer_colors
from orbitview.render.adapters.conjunction_lines import ConjunctionAdapter
from orbitview.render.adapters.interceptor import InterceptorAdapter
from orbitview.render.adapters.overlay import Overlay
from orbitview.render.adapters.panes import Pane
from orbitview.render.adapters.selection import SelectionAdapter
from orbitview.render.visuals.objects import Objects

BACKGROUND = (0.0, 0.0, 0.012, 1.0)
OVERLAY_SWITCHES = ("show_coastlines", "show_borders", "show_grid")


#: Prefetched pairs a layer keeps besides the one it draws.
READY_PAIRS = 2
#: The next pair is asked for at this far past the end of the one drawn, seconds.
ADJACENT_S = 1e-3
#: While playing, pairs are asked for where the clock will be after the worker's latency and
#: this much more (one frame at 60 Hz).
FRAME_S = 1.0 / 60.0
#: Age colours are evaluated again when the clock has moved this far (they change over days).
AGE_COLORS_S = 3600.0
#: While the clock plays, the legend's counts are brought up to date at most this often.
LEGEND_WHILE_PLAYING_S = 1.0


def _distance_s(keyframes: Keyframes | None, t_s: float) -> float:
    """How far ``t_s`` lies outside the keyframes' interval, seconds (0 inside; inf: none)."""
    return math.inf if keyframes is None else keyframes.distance_s(t_s)


class LayerAdapter:
    """Draws one ``Layer``: uploads keyframes when the clock leaves their interval, else only
    moves the time uniform.

    With a ``prefetcher`` (the window) no keyframes are computed on this thread after the
    first pair: pairs are asked of the worker ahead of the clock and drawn when they arrive,
    then ``arrived()`` is called (the view redraws). Until the pair holding the clock's time
    is there, the nearest one arrived is drawn at its nearer end. While the clock plays fast
    the pairs are coarse, ``playing_step_s`` apart, so that one lasts many frames; paused, the
    exact pair of the clock's time replaces a coarse one. Without a prefetcher (exports,
    scripts) the exact pair of each time is computed when asked: every frame is exact.
    """

    def __init__(self, layer: Layer, parent, legend_changed, prefetcher: Prefetcher | None = None,
                 arrived=None) -> None:
        self.layer = layer
        self._legend_changed = legend_changed
        self._prefetcher = prefetcher
        self._arrived = arrived or (lambda: None)
        self._key = ("keyframes", id(self))
        #: (request id, keyframes) of prefetched pairs not drawn yet, oldest first.
        self._ready: list[tuple[int, Keyframes]] = []
        self._drawn_id = 0
        self._t_s: float | None = None
        self._speed = 0.0
        self._colored_at_s: float | None = None
        self._closed = False
        self.node = Objects(point_size=layer.point_size, parent=parent)
        self.node.order = 2
        self.node.visible = layer.visible
        self.node.set_shown(layer.shown)
        # Only this adapter's own methods listen, so ``close`` undoes them all by owner.
        layer.events.visible.connect(self._on_visible)
        layer.events.point_size.connect(self._on_point_size)
        layer.events.shown.connect(self._on_shown)
        layer.events.color_by.connect(self._on_colors)
        layer.events.color.connect(self._on_colors)

    def _on_visible(self, visible: bool) -> None:
        self.node.visible = visible
        self._legend_changed()

    def _on_point_size(self, size_px: float) -> None:
        self.node.set_point_size(size_px)

    def _on_shown(self, shown: np.ndarray) -> None:
        drawn = self.node.drawn
        self.node.set_shown(shown)
        if self.node.drawn is not drawn:
            self._legend_changed()

    def _on_colors(self, _value=None) -> None:
        """A new colour mode or colour: the style buffer only (and the legend's swatches)."""
        if self._t_s is not None:
            self._color(self._t_s)
        self._legend_changed()

    def _color(self, t_s: float) -> None:
        self.node.set_colors(layer_colors(self.layer, t_s))
        self.node.set_sunlit_mode(self.layer.color_by == "sunlit")
        self._colored_at_s = t_s

    def set_time(self, t_s: float, sun_gcrs: np.ndarray | None, speed: float = 0.0) -> None:
        """Draw the layer at ``t_s`` (POSIX s); ``speed``: simulated seconds per second the
        clock is playing at (0 paused), which says where to prefetch."""
        self._t_s, self._speed = t_s, speed
        if self._colored_at_s is None or (self.layer.color_by == "age"
                                          and abs(t_s - self._colored_at_s) > AGE_COLORS_S):
            self._color(t_s)
        self._follow_clock()
        self.node.set_sun_direction(sun_gcrs)
        self.node.set_time(t_s)

    def _fits(self, keyframes: Keyframes) -> bool:
        """Whether ``keyframes`` may stay drawn at the clock's time: it contains it, and paused
        it is exact."""
        return keyframes.contains(self._t_s) and (self._speed != 0.0 or not keyframes.coarse)

    def _follow_clock(self) -> None:
        t = self._t_s
        held = self.node.keyframes
        if self._speed == 0.0:
            self._ready = [(i, k) for i, k in self._ready if not k.coarse]
        if held is not None and self._fits(held):
            self._ask_ahead(held)
            return
        if self._prefetcher is None or held is None:
            # Exact and synchronous; in the window only for a new layer, whose first pair the
            # loader has computed already.
            self._upload(self.layer.keyframes.at(t), self._drawn_id)
            self._ask_ahead(self.node.keyframes)
            return
        if self._ready:
            request_id, nearest = min(self._ready, key=lambda item: (_distance_s(item[1], t), -item[0]))
            if _distance_s(nearest, t) < _distance_s(held, t) or (nearest.contains(t) and not self._fits(held)):
                self._upload(nearest, request_id)
        if not self._fits(self.node.keyframes):
            self._ask(t + self._speed * (self._prefetcher.latency_s + FRAME_S))

    def _ask_ahead(self, held: Keyframes) -> None:
        """Ask for the pair the clock will be in once the worker has made it (paused: the
        next one, ready for play)."""
        if self._prefetcher is None:
            return
        ahead = self._t_s + self._speed * (self._prefetcher.latency_s + FRAME_S)
        if held.contains(ahead):
            ahead = held.t0_s - ADJACENT_S if self._speed < 0 else held.t1_s + ADJACENT_S
        if not any(keyframes.contains(ahead) for _, keyframes in self._ready):
            self._ask(ahead)

    def _ask(self, t_s: float) -> None:
        # One job per layer running at a time; a newer ask replaces one still waiting, so a
        # clock outrunning the worker has it make the freshest pair next.
        if not self._prefetcher.running(self._key):
            source, step_s = self.layer.keyframes, playing_step_s(self._speed)
            self._prefetcher.submit(self._key, lambda: source.at(t_s, step_s), self._on_pair)

    def _on_pair(self, request_id: int, keyframes: Keyframes) -> None:
        """A prefetched pair, on the drawing thread."""
        if self._closed or request_id < self._drawn_id:
            return  # overtaken: a pair asked for later is drawn already
        self._ready = [*self._ready, (request_id, keyframes)][-READY_PAIRS:]
        drawn = self.node.keyframes
        self._follow_clock()
        if self.node.keyframes is not drawn:
            self.node.set_time(self._t_s)
            self._arrived()

    def _upload(self, keyframes: Keyframes, request_id: int) -> None:
        drawn = self.node.drawn
        self.node.set_keyframes(keyframes)
        self._drawn_id = request_id
        self._ready = [(i, k) for i, k in self._ready if i > request_id]
        if self.node.drawn is not drawn:
            self._legend_changed()  # objects came or went: the legend counts them

    def position_km(self, row: int) -> np.ndarray | None:
        """(3,) float64 GCRS km of object ``row`` where it is drawn now (the keyframes and time
        of the dots), or None where it is not drawn for want of a state."""
        keyframes = self.node.keyframes
        if keyframes is None or not keyframes.valid[row]:
            return None
        return keyframes.interpolate(self.node.drawn_time_s, row)

    def settled(self) -> bool:
        """Whether the dots are drawn at the clock's time (not a pair still being prefetched),
        from the exact pair when paused."""
        keyframes = self.node.keyframes
        return keyframes is not None and self._fits(keyframes)

    def close(self) -> None:
        self._closed = True
        if self._prefetcher is not None:
            self._prefetcher.forget(self._key)
        disconnect_events(self.layer.events, self)
        self.node.parent = None


class OrbitView:
    """Earth, stars, object layers, selection and overlays of ``scene`` on ``canvas``.

    ``prefetcher``: the worker that computes keyframe pairs, tracks and the highlighted pairs'
    orbits off this thread (the window's); None computes them when drawn (exports: each frame
    exact at its time).
    """

    def __init__(self, scene: Scene, canvas: vscene.SceneCanvas, prefetcher: Prefetcher | None = None) -> None:
        self.scene = scene
        self.canvas = canvas
        self.prefetcher = prefetcher
        canvas.bgcolor = BACKGROUND
        #: The panes by name; the right one is made when the scene is first split.
        self.panes = {"left": Pane(canvas)}
        self.camera = CameraAdapter(scene.camera, self.panes["left"].view)
        self.layers: dict[int, LayerAdapter] = {}
        #: The site, trail and label of each interceptor layer, by the layer's id.
        self.interceptors: dict[int, InterceptorAdapter] = {}
        self.selection = SelectionAdapter(scene, self.panes["left"].world, self.drawn_position_km, prefetcher,
                                          arrived=self.canvas.update)
        self.conjunctions = ConjunctionAdapter(scene, self.panes["left"].world, prefetcher,
                                               arrived=self.canvas.update)
        self.overlay = Overlay(canvas)
        self._earth_rotation = np.eye(3)
        self._view_from_gcrs = np.eye(3)
        self._legend: list | None = None
        self._legend_at = -math.inf
        self._legend_stale = False

        scene.clock.events.time_s.connect(self._on_time)
        # Paused, the pair of the clock's own time is wanted, no longer one ahead of it.
        scene.clock.events.playing.connect(self._on_playing)
        scene.events.layers.connect(self._on_layers)
        scene.events.title.connect(self._on_title)
        scene.events.chapters.connect(self._on_chapters)
        for name in ("split", "left_title", "right_title"):
            getattr(scene.events, name).connect(self._on_panes)
        canvas.events.resize.connect(self._on_panes)
        scene.events.selected.connect(self._place_selection)
        scene.overlay.events.in_orbit.connect(self._on_counter)
        for name in OVERLAY_SWITCHES:
            getattr(scene.events, name).connect(self._on_globe_lines)
        scene.camera.events.view_frame.connect(self._on_camera_frame)
        scene.camera.events.follow.connect(self._on_camera_frame)
        canvas.events.draw.connect(self.sync_camera, position="first")
        self._on_title(scene.title)
        self._on_globe_lines()
        self._on_layers(scene.layers)
        self._on_panes()

    def _on_title(self, title: str) -> None:
        self.overlay.update_title(title)

    def _on_counter(self, _on: bool) -> None:
        self._on_time(self.scene.clock.time_s)

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
        return self._view_from_gcrs

    def _on_layers(self, layers: tuple[Layer, ...]) -> None:
        current = {id(layer) for layer in layers}
        for key in [k for k in self.interceptors if k not in current]:
            self.interceptors.pop(key).close()
        for key in [k for k in self.layers if k not in current]:
            adapter = self.layers.pop(key)
            disconnect_events(adapter.layer.events, self)
            adapter.close()
        for layer in layers:
            world = self.panes.get(drawn_in(self.scene, layer), self.panes["left"]).world
            if id(layer) not in self.layers:
                self.layers[id(layer)] = LayerAdapter(layer, world, self._update_legend, self.prefetcher,
                                                      arrived=self._on_pair_drawn)
                layer.events.pane.connect(self._on_panes)
            if isinstance(layer, InterceptorLayer) and id(layer) not in self.interceptors:
                self.interceptors[id(layer)] = InterceptorAdapter(layer, world)
        self.overlay.update_message(self.scene.message)
        self._on_time(self.scene.clock.time_s)
        self._update_legend()
        if self.scene.split:
            self._on_panes()  # titles name the layers

    def legend(self) -> list[tuple[str, tuple, int]]:
        """The legend of what is drawn now (``core.model.legend.legend_rows``)."""
        drawn = [(adapter.layer, adapter.node.drawn) for adapter in self.layers.values()
                 if adapter.node.drawn is not None]
        order = {id(layer): k for k, layer in enumerate(self.scene.layers)}
        return legend_rows(sorted(drawn, key=lambda item: order[id(item[0])]))

    def _update_legend(self, _value=None) -> None:
        # Laying the overlay out again costs tens of milliseconds of text: while playing (a
        # count changes whenever an object decays), at most once a second.
        if self.scene.clock.playing and time.perf_counter() - self._legend_at < LEGEND_WHILE_PLAYING_S:
            self._legend_stale = True  # brought up to date by a later tick
            return
        self._legend_stale = False
        rows = self.legend()
        if rows != self._legend:
            self._legend = rows
            self._legend_at = time.perf_counter()
            self.overlay.update_legend(rows)

    def drawn_position_km(self, ref: ObjectRef) -> np.ndarray | None:
        """(3,) float64 GCRS km where object ``ref`` is drawn now (the dots' keyframes and
        time); None when it is not drawn for want of a state or its layer is not shown."""
        adapter = self.layers.get(id(ref.layer))
        return None if adapter is None else adapter.position_km(ref.row)

    def settled(self) -> bool:
        """Whether every layer is drawn at the clock's time (no pair still being prefetched)
        and the selection's tracks and the highlighted pairs' orbits are the ones last asked for."""
        return (self.selection.settled() and self.conjunctions.settled()
                and all(adapter.settled() for adapter in self.layers.values()))

    def _on_time(self, t_s: float) -> None:
        sun = sun_direction_gcrs(t_s) if sun_known(t_s) else None
        self._earth_rotation = gcrs_from_itrs(t_s)
        self._view_from_gcrs = view_from_gcrs(self.scene.camera.view_frame, t_s, self._earth_rotation)
        for pane in self.panes.values():
            pane.set_time(self._earth_rotation, sun)
        clock = self.scene.clock
        speed = clock.speed if clock.playing else 0.0
        for adapter in self.layers.values():
            adapter.set_time(t_s, sun, speed)
        for interceptor in self.interceptors.values():
            interceptor.set_time(t_s, self._earth_rotation)
        self.selection.update(t_s, self._earth_rotation)
        self.conjunctions.update(t_s)
        self._place_world()
        self._update_clock(t_s)
        self._caption_chapter()
        if self._legend_stale:
            self._update_legend()
        self.canvas.update()

    def _update_clock(self, t_s: float) -> None:
        """The overlay's clock, and the counter of the objects drawn (``objects_in_orbit`` of
        the pairs drawn: in the window they come from its worker, and no SGP4 runs here)."""
        in_orbit = None
        if self.scene.overlay.in_orbit:
            in_orbit = sum(int(np.count_nonzero(adapter.node.drawn)) for adapter in self.layers.values()
                           if adapter.layer.visible and adapter.node.drawn is not None)
        self.overlay.update_clock(t_s, in_orbit)

    def _caption_chapter(self) -> None:
        """Caption the overlay with the chapter running at the displayed time."""
        chapter = chapter_at(self.scene.chapters, self.scene.clock.time_s)
        self.overlay.update_caption(None if chapter is None else (chapter.title, chapter.caption))

    def _on_chapters(self, _value=None) -> None:
        self._caption_chapter()
        self.canvas.update()

    def _on_playing(self, _playing: bool) -> None:
        self._on_time(self.scene.clock.time_s)

    def _on_pair_drawn(self) -> None:
        """A prefetched pair is drawn: the labels and the counter follow the dots."""
        self.selection.update(self.scene.clock.time_s, self._earth_rotation)
        self._update_clock(self.scene.clock.time_s)
        self.canvas.update()

    def _on_camera_frame(self, _value=None) -> None:
        self._view_from_gcrs = view_from_gcrs(self.scene.camera.view_frame, self.scene.clock.time_s,
                                              self._earth_rotation)
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
        for interceptor in self.interceptors.values():
            interceptor.set_eye(eye_gcrs)

    def close(self) -> None:
        disconnect_models(self, *self.scene.models().values(), *(a.layer for a in self.layers.values()))
        disconnect_canvas_events(self.canvas, self)
        for adapter in self.layers.values():
            adapter.close()
        for adapter in self.interceptors.values():
            adapter.close()
        self.layers.clear()
        self.interceptors.clear()
        self.selection.close()
        self.conjunctions.close()
        self.camera.close()
        self.overlay.close()
        for pane in self.panes.values():
            pane.close()
