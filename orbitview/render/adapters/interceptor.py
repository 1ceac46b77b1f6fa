"""What an interceptor layer adds to its one object: the launch site marked and named on the
globe, the fading trail of the path flown, and the missile's label with the time since launch.

The missile itself is drawn by its layer like any object (``render.adapters.view.LayerAdapter``).
"""

from __future__ import annotations

import numpy as np
from vispy import scene as vscene

from orbitview.core.breakup.interceptor_scene import InterceptorLayer
from orbitview.core.model.events import disconnect_events
from orbitview.core.model.picking import hidden_by_earth
from orbitview.render.adapters.selection import GROUND_LIFT

#: The site's marker: amber (the missile is red-orange), and its size; the trail's width.
SITE_COLOR, SITE_SIZE_PX, TRAIL_WIDTH_PX = (1.0, 0.78, 0.25, 1.0), 11, 3.0


class InterceptorAdapter:
    """Draws ``layer``'s site, trail and label under ``parent`` (the inertial world node)."""

    def __init__(self, layer: InterceptorLayer, parent) -> None:
        self.layer = layer
        self.trail = vscene.visuals.Line(width=TRAIL_WIDTH_PX, parent=parent, antialias=True)
        # Hidden behind the Earth; no depth writes, so its antialiased fringes hide nothing.
        self.trail.set_gl_state("translucent", depth_test=True, depth_mask=False)
        self.site = vscene.visuals.Markers(parent=parent)
        self.site.set_gl_state("translucent", depth_test=True)
        # Before the objects (order 2 draws them): the missile is drawn over its trail's head
        # and over the site it rises from.
        self.trail.order = self.site.order = 1.8
        self._site_itrs_km = (layer.arc.site.itrs_km * GROUND_LIFT)[None].astype(np.float64)
        # The site's name to the left of its marker, the missile's to the right of it: the two
        # stay apart while the missile is still close above its site.
        self.site_label = vscene.visuals.Text(f"{layer.arc.site.name}  ", color=SITE_COLOR, font_size=9,
                                              anchor_x="right", anchor_y="center", parent=parent,
                                              face="DejaVu Sans")
        self.label = vscene.visuals.Text("", color=layer.color, font_size=10, anchor_x="left",
                                         anchor_y="bottom", parent=parent, face="DejaVu Sans")
        # A label's quad lies at its anchor's depth, which the ground in front of a site seen
        # at a low angle would hide: labels skip the depth test and go when the Earth hides
        # what they name (``set_eye``).
        for text in (self.site_label, self.label):
            text.set_gl_state("translucent", depth_test=False)
            text.order = 6
        self._named = np.zeros((2, 3))  # the site's and the missile's places, GCRS km
        self._flying = False
        self._eye_km: np.ndarray | None = None
        layer.events.visible.connect(self._on_visible)
        self._on_visible(layer.visible)

    def _on_visible(self, visible: bool) -> None:
        for node in (self.trail, self.site):
            node.visible = visible
        self._place_labels()

    def set_time(self, t_s: float, gcrs_from_itrs: np.ndarray) -> None:
        """Place the site (turning with the Earth: ``gcrs_from_itrs`` at ``t_s``), the trail
        flown by ``t_s`` and the label on the missile while it flies."""
        site = (self._site_itrs_km @ gcrs_from_itrs.T).astype(np.float32)
        self.site.set_data(site, symbol="triangle_up", size=SITE_SIZE_PX, edge_width=1.5,
                           edge_color=(0.0, 0.0, 0.0, 1.0), face_color=SITE_COLOR)
        self.site_label.pos = site
        self._named[0] = site[0]
        points, brightness = self.layer.trail_gcrs_km(t_s)
        self.trail.visible = len(points) > 1
        if self.trail.visible:
            colors = np.tile(np.asarray(self.layer.color, np.float32), (len(points), 1))
            colors[:, 3] *= brightness.astype(np.float32)
            self.trail.set_data(points.astype(np.float32), color=colors)
        arc = self.layer.arc
        self._flying = arc.launch_s < t_s < arc.intercept_s
        if self._flying:
            self.label.text = f"  {self.layer.label_at(t_s)}"
            self.label.pos = points[-1:].astype(np.float32)
            self._named[1] = points[-1]
        self._place_labels()

    def set_eye(self, eye_gcrs_km: np.ndarray) -> None:
        """Where the eye is now (GCRS km): labels of what the Earth hides from it go."""
        self._eye_km = np.asarray(eye_gcrs_km, np.float64)
        self._place_labels()

    def _place_labels(self) -> None:
        seen = np.ones(2, bool) if self._eye_km is None else ~hidden_by_earth(self._eye_km, self._named)
        self.site_label.visible = bool(self.layer.visible and seen[0])
        self.label.visible = bool(self.layer.visible and self._flying and seen[1])

    def close(self) -> None:
        disconnect_events(self.layer.events, self)
        for node in (self.trail, self.site, self.site_label, self.label):
            node.parent = None
