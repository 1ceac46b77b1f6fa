"""Event connections are undone by owner: ``disconnect_events(model.events, owner)``."""

import pytest

from orbitview.core.model.clock import Clock
from orbitview.core.model.events import disconnect_events
from orbitview.core.model.scene import Scene
from orbitview.core.orbits.times import parse_utc


class Listener:
    def __init__(self, clock: Clock) -> None:
        self.heard: list[tuple[str, object]] = []
        clock.events.time_s.connect(self.on_time)
        clock.events.speed.connect(self.on_speed)
        clock.events.playing.connect(self.on_time)

    def on_time(self, value) -> None:
        self.heard.append(("time", value))

    def on_speed(self, value) -> None:
        self.heard.append(("speed", value))


@pytest.mark.core
def test_an_owner_leaves_every_signal_and_no_one_else_does():
    clock = Clock(time_s=0.0)
    gone, kept = Listener(clock), Listener(clock)
    plain: list[float] = []
    clock.events.time_s.connect(plain.append)
    disconnect_events(clock.events, gone)
    clock.time_s, clock.speed, clock.playing = 60.0, 10.0, True
    assert gone.heard == []
    assert kept.heard == [("time", 60.0), ("speed", 10.0), ("time", True)]
    assert plain == [60.0]
    assert len(clock.events.time_s) == 2  # kept's method and the plain function


def _listeners_from(package: str, models) -> list[str]:
    """What of ``package`` still listens to ``models``: ``Class.method on model.field``."""
    left = []
    for model in models:
        for field, signal in vars(model.events).items():
            for callback in signal._callbacks:
                owner = getattr(callback, "__self__", callback)
                if type(owner).__module__.startswith(package):
                    left.append(f"{type(owner).__name__}.{callback.__name__} on {type(model).__name__}.{field}")
    return left


@pytest.mark.qt
def test_a_closed_window_leaves_no_listener_on_the_model(qtbot, settings_dir, catalogs):
    """The scene outlives the window (a script, the next window): nothing of the window's
    widgets or adapters may still be called when it changes."""
    from orbitview.render.backend import use_qt

    use_qt()
    from qt_windows import assert_no_windows_left

    from orbitview.ui.main_window import MainWindow

    scene = Scene(clock=Clock(time_s=parse_utc("2025-02-15T12:00:00Z")))
    window = MainWindow(scene)
    window.show()
    qtbot.waitUntil(lambda: window.frames_drawn > 0, timeout=20000)
    layer = window.open_file(str(catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt"))
    scene.selected = scene.find(int(layer.catalog.norad_id[0]))[0]
    models = (scene, scene.clock, scene.camera, scene.overlay, layer)
    assert _listeners_from("orbitview.ui", models) and _listeners_from("orbitview.render", models)
    window.close()
    window.deleteLater()
    window = None
    assert_no_windows_left(qtbot)
    assert _listeners_from("orbitview.ui", models) == []
    assert _listeners_from("orbitview.render", models) == []
