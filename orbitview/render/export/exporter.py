"""Frames for export: the scene rendered offscreen at any size up to 8K, at exact simulated
times, with the overlay drawn by ``annotations`` at the output resolution.

One canvas lives for the whole export (GL contexts leak when canvases come and go). The canvas
is sized in *logical* pixels, at most ``REFERENCE_HEIGHT_PX`` high, and rendered into a
framebuffer of the output size: points and lines scale with the image, so an 8K image shows
the same picture as a 1080p one, only sharper.
"""

from __future__ import annotations


import numpy as np

from orbitview.core.errors import OrbitviewError
from orbitview.core.model.camera import project_to_pixels
from orbitview.core.model.chapters import chapter_at
from orbitview.core.model.object_ref import ObjectRef
from orbitview.core.model.panes import PANES, drawn_in, pane_box, pane_title
from orbitview.core.model.picking import hidden_by_earth
from orbitview.core.model.output import image_size_problem
from orbitview.core.model.scenario import CameraTimeline, OverlayText
from orbitview.core.model.scene import Scene
from orbitview.core.orbits.launch_dates import objects_in_orbit
from orbitview.render.export.annotations import Annotator

REFERENCE_HEIGHT_PX = 1080
#: ``FrameRenderer``'s default selection: the scene's own.
SCENE = object()
#: 24-bit depth: 16 bits cannot hide objects just behind the Earth's limb.
GL_DEPTH_COMPONENT24 = 0x81A6


class FrameRenderer:
    """Renders ``scene`` at ``size`` = (width, height) for any simulated time.

    ``timeline`` moves the camera (None: the scene's camera stays as it is). ``pinned`` objects
    (``ObjectRef``s) are labelled by name when ``labels``; ``selected`` gets a ring. Left out,
    they are the scene's own (``pinned``, ``selected``, ``show_labels``), as the window shows.
    """

    def __init__(self, scene: Scene, size: tuple[int, int], overlay: OverlayText,
                 timeline: CameraTimeline | None = None, *, pinned: tuple[ObjectRef, ...] | None = None,
                 selected: ObjectRef | None | object = SCENE, labels: bool | None = None) -> None:
        width, height = size
        if image_size_problem(width, height):
            raise OrbitviewError(f"image size {image_size_problem(width, height)}")
        from orbitview.render.backend import use_headless

        use_headless()
        from vispy import gloo
        from vispy import scene as vscene

        from orbitview.render.adapters.view import OrbitView

        self.scene, self.size, self.timeline = scene, size, timeline
        scale = max(1.0, height / REFERENCE_HEIGHT_PX)
        logical = (max(1, round(width / scale)), max(1, round(height / scale)))
        self.canvas = vscene.SceneCanvas(size=logical, show=False, dpi=96)
        # One framebuffer of the output size for all frames, read back as RGB (no alpha to strip).
        self._fbo = gloo.FrameBuffer(color=gloo.RenderBuffer((height, width)),
                                     depth=gloo.RenderBuffer((height, width), format=GL_DEPTH_COMPONENT24))
        self.view = OrbitView(scene, self.canvas)
        # The window's overlay is sized for the screen; exports draw their own (annotations).
        self.view.overlay.hide()
        # Exports label objects in the overlay, sized for the image: not twice.
        self.view.selection.draw_labels = self.view.selection.labels.visible = False
        # The "nothing loaded" hint is for the window; an export of an empty scene shows space.
        self.overlay = overlay
        self.pane_titles = tuple(pane_title(scene, name) for name in PANES) if scene.split else None
        self.annotator = Annotator(size, overlay, self.view.legend(), self.pane_titles)
        pinned = scene.pinned if pinned is None else pinned
        selected = scene.selected if selected is SCENE else selected
        labels = scene.show_labels if labels is None else labels
        shown = set(pinned) | ({selected} if labels and selected is not None else set())
        self.labelled = _find(scene, shown if labels else set())
        self.ringed = _find(scene, {selected} if selected is not None else set())

    def render(self, t_s: float) -> np.ndarray:
        """(H, W, 3) uint8: the frame at simulated time ``t_s`` (POSIX s)."""
        self.scene.clock.time_s = t_s
        if self.timeline is not None:
            view = self.timeline.view_at(t_s)
            if view is not None:
                self.scene.camera.restore(view)
                self.scene.camera.keep_outside_earth()
        self.view.sync_camera()
        legend = self.view.legend()
        if legend != self.annotator.legend:
            # Objects came or went (a breakup's parent at the intercept): the window's legend
            # changes then too.
            self.annotator = Annotator(self.size, self.overlay, legend, self.pane_titles)
        image = self._draw()
        labels = [(x, y, name) for x, y, name in self._project(self.labelled, t_s)]
        rings = [(x, y) for x, y, _ in self._project(self.ringed, t_s)]
        chapter = chapter_at(self.scene.chapters, t_s)
        caption = None if chapter is None else (chapter.title, chapter.caption)
        in_orbit = objects_in_orbit(self.scene.layers, t_s) if self.annotator.overlay.in_orbit else None
        return self.annotator.apply(image, t_s, labels, rings[0] if rings else None, caption, in_orbit)

    def _draw(self) -> np.ndarray:
        canvas = self.canvas
        canvas.set_current()
        canvas.push_fbo(self._fbo, (0, 0), canvas.size)
        # push_fbo maps the canvas onto a framebuffer of the canvas's own size (vispy 0.17);
        # map it onto the whole output instead, which also scales pixel sizes (pixel_scale).
        canvas.transforms.configure(viewport=(0, 0, *self.size), fbo_size=self.size,
                                    fbo_rect=(0, 0, *canvas.physical_size))
        try:
            # The stars and objects draw with depth writes off, and glClear leaves the depth
            # buffer alone while they are off: without this the Earth fails the depth test
            # from the second frame on.
            canvas.context.set_depth_mask(True)
            canvas.context.clear(color=canvas.bgcolor, depth=True)
            canvas.draw_visual(canvas.scene)
            return np.ascontiguousarray(self._fbo.read(alpha=False))
        finally:
            canvas.pop_fbo()

    def _project(self, found, t_s: float) -> list[tuple[float, float, str]]:
        """Pixel positions of ``found`` objects that exist, are in front and not behind the Earth."""
        out = []
        camera = self.scene.camera
        rotation = self.scene.view_from_gcrs(t_s)
        eye = camera.eye_km()
        for layer, rows, catalog in found:
            if not layer.visible:
                continue
            # Where the object is drawn: the keyframes the dots were drawn from (an OEM
            # layer's ephemeris, a trajectory file's states), which also say whether it exists.
            keyframes = self.view.layers[id(layer)].node.keyframes
            ok = keyframes.valid[rows]
            points = keyframes.interpolate(t_s, rows[ok])
            x0, y0, width, height = pane_box(drawn_in(self.scene, layer), self.size, self.scene.split)
            xy, in_front = project_to_pixels(points, camera, (width, height), rotation)
            xy += (x0, y0)
            seen = in_front & ~hidden_by_earth(eye, points @ rotation.T)
            for (x, y), visible, name in zip(xy, seen, catalog.name[ok]):
                if visible:
                    out.append((float(x), float(y), str(name)))
        return out

    def close(self) -> None:
        self.view.close()
        self.canvas.close()


def _find(scene: Scene, refs: set[ObjectRef]):
    """(layer, rows, sub-catalogue of those rows) of the ``refs`` for each layer of ``scene``
    holding some."""
    found = []
    for layer in scene.layers:
        rows = np.array(sorted(ref.row for ref in refs if ref.layer is layer), np.intp)
        if len(rows):
            found.append((layer, rows, layer.catalog.take(rows)))
    return found
