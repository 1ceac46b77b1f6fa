"""The highlighted encounters: both objects' orbits and the miss line between them, labelled
with its length at the displayed time (the miss distance at TCA); and, when switched on, a
marker at each encounter found, where it happens in inertial space at its TCA.

The orbits are SGP4 over two revolutions: with a ``prefetcher`` they are computed in its worker
and drawn when they come back (a view a few hundred metres from the pair makes them again every
half simulated second); without one (exports) when drawn.
"""

from __future__ import annotations

import numpy as np
from vispy import scene as vscene

from orbitview.core.model.events import disconnect_models
from orbitview.core.model.object_ref import ObjectRef
from orbitview.core.model.scene import Scene
from orbitview.core.model.screening import encounter_place_gcrs_km, pair_refs
from orbitview.core.orbits.prefetch import Prefetcher
from orbitview.core.orbits.tracks import orbit_track_gcrs_km, track_age_limit_s
from orbitview.render.adapters.worker_results import WorkerResults

MISS_LINE_COLOR = (1.0, 0.2, 1.0, 1.0)
PAIR_ORBIT_COLOR = (1.0, 0.65, 0.2, 0.8)
MARKER_COLOR = (0.2, 1.0, 1.0, 1.0)
#: The orbits are made again when the clock has moved this far from where they were made.
ORBIT_REFRESH_S = 600.0
NO_SEGMENTS = np.zeros((0, 3), np.float32)


def orbit_segments_gcrs_km(refs: tuple[ObjectRef, ...], t_s: float) -> np.ndarray:
    """(2M, 3) float32 GCRS km: end points of the line segments of the orbits of ``refs``, each
    one revolution either side of ``t_s`` (``orbit_track_gcrs_km``)."""
    segments = []
    for ref in refs:
        track = orbit_track_gcrs_km(ref.layer.catalog, ref.row, t_s)
        if len(track) > 1:
            segments.append(np.stack([track[:-1], track[1:]], axis=1).reshape(-1, 3))
    return np.concatenate(segments).astype(np.float32) if segments else NO_SEGMENTS


class ConjunctionAdapter:
    """Draws ``scene.conjunctions`` under ``parent`` (the inertial world node). ``arrived()`` is
    called when orbits computed by ``prefetcher`` are drawn."""

    def __init__(self, scene: Scene, parent, prefetcher: Prefetcher | None = None, arrived=None) -> None:
        self.scene = scene
        self._arrived = arrived or (lambda: None)
        self._orbits = WorkerResults(prefetcher, ("pair orbits", id(self)), self._on_orbits)
        #: Whose orbits are drawn.
        self._orbits_of: tuple[ObjectRef, ...] = ()
        self.miss_lines = vscene.visuals.Line(color=MISS_LINE_COLOR, width=3.0, connect="segments", parent=parent)
        self.orbits = vscene.visuals.Line(color=PAIR_ORBIT_COLOR, width=1.5, connect="segments", parent=parent,
                                          antialias=True)
        for line in (self.miss_lines, self.orbits):
            # Before the objects (order 2), so a dot on its own orbit is drawn over the line:
            # at equal depth, which wins was left to rounding.
            line.order = 1.9
            line.set_gl_state("translucent", depth_test=True, depth_mask=False)
        # Left of the line's middle: the objects' own labels run to the right of their dots,
        # and a short miss line put its length over the upper object's name.
        self.labels = vscene.visuals.Text("", color=MISS_LINE_COLOR, font_size=10, anchor_x="right",
                                          anchor_y="center", parent=parent, face="DejaVu Sans")
        self.labels.set_gl_state("translucent", depth_test=False)
        self.labels.order = 6
        self.markers = vscene.visuals.Markers(parent=parent)
        self.markers.set_gl_state("translucent", depth_test=True)
        self.markers.order = 4
        self._orbits_made_at: float | None = None
        conjunctions = scene.conjunctions
        for signal in (conjunctions.events.highlighted, scene.events.layers):
            signal.connect(self._on_highlighted)
        for signal in (conjunctions.events.encounters, conjunctions.events.show_markers):
            signal.connect(self._on_markers)
        self._on_highlighted()
        self._on_markers()

    def _on_highlighted(self, _value=None) -> None:
        self._orbits_made_at = None
        self.update(self.scene.clock.time_s)

    def _pairs(self) -> list[tuple]:
        pairs = (pair_refs(self.scene, h) for h in self.scene.conjunctions.highlighted)
        return [pair for pair in pairs if pair is not None]

    def _make_orbits(self, t_s: float) -> None:
        refs = tuple(dict.fromkeys(ref for pair in self._pairs() for ref in pair))
        self._orbits_made_at = t_s
        if refs != self._orbits_of:
            # Another pair's orbits must not stay up while these are computed.
            self._set_orbits((), NO_SEGMENTS)
        segments = self._orbits.ask(refs, lambda: orbit_segments_gcrs_km(refs, t_s), here=not refs)
        if segments is not None:
            self._set_orbits(refs, segments)

    def _on_orbits(self, refs: tuple[ObjectRef, ...], segments: np.ndarray) -> None:
        self._set_orbits(refs, segments)
        self._arrived()

    def _set_orbits(self, of: tuple[ObjectRef, ...], segments: np.ndarray) -> None:
        self._orbits_of = of
        if len(segments):
            self.orbits.set_data(segments)
        self.orbits.visible = len(segments) > 0

    def settled(self) -> bool:
        """Whether the orbits drawn are the ones last asked for (none is still being computed)."""
        return self._orbits.settled()

    def update(self, t_s: float) -> None:
        """Follow the clock: the miss lines between the pairs' positions now, and their lengths."""
        if self._orbits_made_at is None or abs(t_s - self._orbits_made_at) > track_age_limit_s(
                self.scene.camera.distance_km, ORBIT_REFRESH_S):
            self._make_orbits(t_s)
        ends, middles, texts = [], [], []
        for a, b in self._pairs():
            position_a, position_b = self.scene.position_gcrs_km(a, t_s), self.scene.position_gcrs_km(b, t_s)
            if position_a is None or position_b is None:
                continue
            ends += [position_a, position_b]
            middles.append((position_a + position_b) / 2)
            texts.append(f"{np.linalg.norm(position_b - position_a):,.2f} km  ")
        self.miss_lines.visible = self.labels.visible = bool(texts)
        if texts:
            self.miss_lines.set_data(np.array(ends, np.float32))
            self.labels.text = texts
            self.labels.pos = np.array(middles, np.float32)

    def _on_markers(self, _value=None) -> None:
        conjunctions = self.scene.conjunctions
        shown = conjunctions.show_markers and len(conjunctions.encounters) > 0
        if shown:
            places = np.array([encounter_place_gcrs_km(e) for e in conjunctions.encounters], np.float32)
            self.markers.set_data(places, symbol="x", size=9, edge_width=2, edge_color=MARKER_COLOR,
                                  face_color=MARKER_COLOR)
        self.markers.visible = shown

    def close(self) -> None:
        self._orbits.close()
        disconnect_models(self, self.scene, self.scene.conjunctions)
        for node in (self.miss_lines, self.orbits, self.labels, self.markers):
            node.parent = None
