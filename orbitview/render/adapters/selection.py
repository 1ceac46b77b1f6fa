"""The selected object (ring, label, orbit track, ground track with direction marks) and
the pinned labels.

Labels and the ring sit where the dots are drawn (the view's ``position_of``: the same
keyframes and time). Tracks are SGP4 over two revolutions: with a ``prefetcher`` they are
computed in its worker and drawn when they come back, unless the selection has moved on.
"""

from __future__ import annotations

import numpy as np
from vispy import scene as vscene

from orbitview.core.model.events import disconnect_events
from orbitview.core.model.object_ref import ObjectRef
from orbitview.core.model.scene import Scene
from orbitview.core.orbits.frames import gcrs_from_itrs as earth_rotation
from orbitview.core.orbits.prefetch import Prefetcher
from orbitview.core.orbits.tracks import (
    direction_marks,
    ground_track_itrs_km,
    orbit_track_gcrs_km,
    track_age_limit_s,
)
from orbitview.render.adapters.worker_results import WorkerResults

TRACK_COLOR = (0.80, 0.92, 1.0, 0.8)
GROUND_COLOR = (1.0, 0.85, 0.3, 0.9)
LABEL_COLOR = (1.0, 1.0, 1.0, 1.0)
#: Tracks are recomputed when the clock has moved this far from where they were made.
TRACK_REFRESH_S = 600.0
#: The ground track is lifted this far above the ellipsoid so the globe never hides it.
GROUND_LIFT = 1.002
NO_TRACK = np.zeros((0, 3))


def tracks_of(ref: ObjectRef, t_s: float) -> tuple[np.ndarray, np.ndarray]:
    """(orbit (K, 3) GCRS km, ground track (M, 3) ITRS km lifted by ``GROUND_LIFT``) of ``ref``
    one revolution either side of ``t_s``."""
    catalog, row = ref.layer.catalog, ref.row
    return orbit_track_gcrs_km(catalog, row, t_s), ground_track_itrs_km(catalog, row, t_s) * GROUND_LIFT


class SelectionAdapter:
    """Draws the selection and pins of ``scene`` under ``parent`` (the inertial world node).

    ``position_of(ref)``: (3,) GCRS km where an object is drawn, or None (default: the scene's
    ``position_gcrs_km`` at the clock's time). ``arrived()`` is called when tracks computed by
    ``prefetcher`` are drawn.
    """

    def __init__(self, scene: Scene, parent, position_of=None, prefetcher: Prefetcher | None = None,
                 arrived=None) -> None:
        self.scene = scene
        self._position_of = position_of or scene.position_gcrs_km
        self._arrived = arrived or (lambda: None)
        self._tracks = WorkerResults(prefetcher, ("tracks", id(self)), self._on_tracks)
        self.ring = vscene.visuals.Markers(parent=parent)
        self.ring.set_gl_state("translucent", depth_test=False)
        self.ring.order = 5
        self.orbit = vscene.visuals.Line(color=TRACK_COLOR, width=1.5, parent=parent, antialias=True)
        self.ground = vscene.visuals.Line(color=GROUND_COLOR, width=2.0, parent=parent, antialias=True)
        self.marks = vscene.visuals.Line(color=GROUND_COLOR, width=2.0, connect="segments", parent=parent)
        for line in (self.orbit, self.ground, self.marks):
            line.order = 1.9  # before the objects: the selected dot is drawn over its own track
            # Hidden behind the Earth, but writing no depth: an antialiased line's fringes
            # would hide the next segment where they overlap.
            line.set_gl_state("translucent", depth_test=True, depth_mask=False)
        self.labels = vscene.visuals.Text("", color=LABEL_COLOR, font_size=10, anchor_x="left",
                                          anchor_y="bottom", parent=parent, face="DejaVu Sans")
        self.labels.set_gl_state("translucent", depth_test=False)
        self.labels.order = 6
        #: Whether the pinned labels are drawn here; an export writes its own, at its resolution.
        self.draw_labels = True
        self._ground_itrs = NO_TRACK
        self._tracks_made_at: float | None = None
        #: Whose tracks are drawn.
        self._tracks_of: ObjectRef | None = None
        scene.events.selected.connect(self._on_selection)
        scene.events.pinned.connect(self._on_pins)
        scene.events.show_tracks.connect(self._on_selection)
        self._on_selection(scene.selected)

    def _on_selection(self, _value=None) -> None:
        self._tracks_made_at = None
        self.update(self.scene.clock.time_s, None)

    def _on_pins(self, _value=None) -> None:
        self.update(self.scene.clock.time_s, None)

    def _make_tracks(self, t_s: float) -> None:
        selected = self.scene.selected
        self._tracks_made_at = t_s
        if self._tracks_of != selected:
            # Another object's tracks must not stay up while this one's are computed.
            self._set_tracks(None, NO_TRACK, NO_TRACK)
        if selected is None:
            tracks = self._tracks.ask(None, lambda: (NO_TRACK, NO_TRACK), here=True)
        else:
            tracks = self._tracks.ask(selected, lambda: tracks_of(selected, t_s))
        if tracks is not None:
            self._set_tracks(selected, *tracks)

    def _on_tracks(self, of: ObjectRef, tracks: tuple[np.ndarray, np.ndarray]) -> None:
        self._set_tracks(of, *tracks)
        self.update(self.scene.clock.time_s, None)
        self._arrived()

    def settled(self) -> bool:
        """Whether the tracks drawn are the ones last asked for (none is still being computed)."""
        return self._tracks.settled()

    def _set_tracks(self, of: ObjectRef | None, orbit: np.ndarray, ground_itrs: np.ndarray) -> None:
        self._tracks_of = of
        self._ground_itrs = ground_itrs
        if len(orbit) > 1:
            # The revolution behind is drawn fainter than the one ahead.
            colors = np.tile(np.array(TRACK_COLOR, np.float32), (len(orbit), 1))
            colors[: len(orbit) // 2, 3] *= 0.35
            self.orbit.set_data(orbit.astype(np.float32), color=colors)
        self.orbit.visible = len(orbit) > 1

    def update(self, t_s: float, gcrs_from_itrs: np.ndarray | None) -> None:
        """Follow the clock: move the ring and labels; turn the ground track with the Earth."""
        if self._tracks_made_at is None or abs(t_s - self._tracks_made_at) > track_age_limit_s(
                self.scene.camera.distance_km, TRACK_REFRESH_S):
            self._make_tracks(t_s)
        if gcrs_from_itrs is None:
            gcrs_from_itrs = earth_rotation(t_s)
        if len(self._ground_itrs) > 1:
            ground = self._ground_itrs @ gcrs_from_itrs.T
            self.ground.set_data(ground.astype(np.float32))
            # Chevrons a hundredth of the view's distance across: visible at every zoom.
            marks = direction_marks(ground, size_km=min(250.0, 0.01 * self.scene.camera.distance_km))
            if len(marks):
                self.marks.set_data(marks.astype(np.float32))
            self.ground.visible = True
            self.marks.visible = len(marks) > 0
        else:
            self.ground.visible = self.marks.visible = False
        if not self.scene.show_tracks:
            self.orbit.visible = self.ground.visible = self.marks.visible = False
        self._place_markers(t_s)

    def _place_markers(self, t_s: float) -> None:
        scene = self.scene
        shown = [ref for ref in (scene.selected, *scene.pinned) if ref is not None]
        positions, texts, drawn = [], [], []
        for ref in dict.fromkeys(shown):
            position = self._position_of(ref)
            if position is None:
                continue
            positions.append(position)
            texts.append(f"  {ref.name or ref.norad_id} ({ref.norad_id})")
            drawn.append(ref)
        if not positions:
            self.ring.visible = self.labels.visible = False
            return
        points = np.array(positions, np.float32)
        # The selection comes first in ``shown``: it has the ring when it is drawn at all.
        selected = scene.selected is not None and drawn[0] == scene.selected
        if selected:
            self.ring.set_data(points[:1], symbol="ring", size=16, edge_width=0,
                               face_color=(1.0, 1.0, 0.3, 1.0))
        self.ring.visible = selected
        self.labels.text = texts
        self.labels.pos = points
        self.labels.visible = self.draw_labels

    def move_to(self, parent) -> None:
        """Draw under ``parent`` instead (the world of the pane showing the selection)."""
        for node in (self.ring, self.orbit, self.ground, self.marks, self.labels):
            node.parent = parent

    def close(self) -> None:
        self._tracks.close()
        disconnect_events(self.scene.events, self)
        for node in (self.ring, self.orbit, self.ground, self.marks, self.labels):
            node.parent = None
