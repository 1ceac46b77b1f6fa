"""The window's one camera playback: while the clock plays, the camera follows the scene's
camera path and its chapters' views (``core.model.scenario.camera_timeline``, as a video export
moves it); paused, the user's mouse has the camera.

The timeline is made again whenever ``Scene.camera_path`` or ``Scene.chapters`` changes, so a
chapter added or edited after a scenario was opened is a keyframe at once, and nothing else
drives the camera from the clock.
"""

from __future__ import annotations

from orbitview.core.model.events import disconnect_models
from orbitview.core.model.scenario import CameraTimeline, camera_timeline, drawn_locator
from orbitview.core.model.scene import Scene


class CameraPlayback:
    """Moves ``scene.camera`` along ``timeline`` at each time the clock shows while it plays."""

    def __init__(self, scene: Scene) -> None:
        self.scene = scene
        self.timeline: CameraTimeline = self._made()
        scene.events.camera_path.connect(self._remake)
        scene.events.chapters.connect(self._remake)
        scene.clock.events.time_s.connect(self._on_time)

    def _made(self) -> CameraTimeline:
        # Followed objects where the window draws them: no SGP4 on the GUI thread while playing.
        return camera_timeline(self.scene, drawn_locator(self.scene))

    def _remake(self, _value=None) -> None:
        self.timeline = self._made()

    def _on_time(self, t_s: float) -> None:
        if not self.scene.clock.playing:
            return
        view = self.timeline.view_at(t_s)
        if view is not None:
            self.scene.camera.restore(view)
            self.scene.camera.keep_outside_earth()

    def close(self) -> None:
        disconnect_models(self, self.scene, self.scene.clock)
