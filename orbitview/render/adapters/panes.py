"""One pane of the canvas: a vispy ViewBox with its own world node, holding the stars, the Earth
and the globe's lines; object layers hang under the world of the pane that draws them.

A scene split in two (``core.model.panes``) has two panes side by side in one canvas, so one
renderer draws both; their cameras are linked, so they turn and zoom together.
"""

from __future__ import annotations

import numpy as np
from vispy import scene as vscene
from vispy.visuals.transforms import MatrixTransform

from orbitview.render.assets import bright_stars, earth_day_image
from orbitview.render.visuals.earth import Earth
from orbitview.render.visuals.globe_lines import GlobeLines
from orbitview.render.visuals.stars import Stars


class Pane:
    """A ViewBox of ``canvas`` and everything inertial under its ``world`` node (GCRS km,
    turned into the camera's view frame by ``place``)."""

    def __init__(self, canvas: vscene.SceneCanvas) -> None:
        self.view = vscene.ViewBox(parent=canvas.central_widget)
        self.world = vscene.Node(parent=self.view.scene)
        self.world.transform = MatrixTransform()
        stars = bright_stars()
        self.stars = Stars(stars["ra_deg"], stars["dec_deg"], stars["vmag"], stars["b_minus_v"], parent=self.world)
        self.stars.order = 0
        self.earth = Earth(earth_day_image(), parent=self.world)
        self.earth.order = 1
        self.globe_lines = GlobeLines(parent=self.world)
        self.globe_lines.order = 1.5

    def set_box(self, box: tuple[int, int, int, int], visible: bool = True) -> None:
        """Where the pane is: ``(x0, y0, width, height)`` logical pixels of the canvas."""
        x0, y0, width, height = box
        self.view.pos = (x0, y0)
        self.view.size = (max(1, width), max(1, height))
        self.view.visible = visible

    def set_time(self, earth_rotation: np.ndarray, sun_gcrs: np.ndarray | None) -> None:
        self.earth.set_orientation(earth_rotation)
        self.globe_lines.set_orientation(earth_rotation)
        self.earth.set_sun_direction(sun_gcrs)

    def place(self, view_from_gcrs: np.ndarray) -> None:
        """Turn the world into the camera's view frame."""
        rotation = np.eye(4)
        # vispy multiplies row vectors (p @ M): the 3x3 block is the transpose of ours.
        rotation[:3, :3] = view_from_gcrs.T
        self.world.transform.matrix = rotation

    def set_eye(self, eye_gcrs: np.ndarray, distance_km: float) -> None:
        self.earth.set_eye(eye_gcrs)
        self.stars.set_eye(eye_gcrs, distance_km)

    def close(self) -> None:
        self.view.parent = None
