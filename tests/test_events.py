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
    models = (*scene.models().values(), layer)
    assert _listeners_from("orbitview.ui", models) and _listeners_from("orbitview.render", models)
    window.close()
    window.deleteLater()
    window = None
    assert_no_windows_left(qtbot)
    assert _listeners_from("orbitview.ui", models) == []
    assert _listeners_from("orbitview.render", models) == []


def _listeners_owned_by(owners, models) -> list[str]:
    """Which of ``owners`` (adapters) still listen to ``models``: ``Class.method on model.field``."""
    return [entry for entry, owner in _bound_listeners(models) if any(owner is o for o in owners)]


def _bound_listeners(models):
    for model in models:
        for field, signal in vars(model.events).items():
            for callback in signal._callbacks:
                owner = getattr(callback, "__self__", callback)
                yield f"{type(owner).__name__}.{callback.__name__} on {type(model).__name__}.{field}", owner


def _canvas_listeners_from(package: str, canvas) -> list[str]:
    """What of ``package`` still listens to the vispy canvas's events (weak (owner, name) pairs)."""
    left = []
    for name, emitter in canvas.events.emitters.items():
        for callback in emitter.callbacks:
            owner = callback[0]() if isinstance(callback, tuple) else getattr(callback, "__self__", callback)
            if type(owner).__module__.startswith(package):
                left.append(f"{type(owner).__name__} on canvas.{name}")
    return left


FLIGHT = """version = 1
[time]
start = "2007-01-11T22:17:00Z"
end = "2007-01-11T22:40:00Z"
current = "2007-01-11T22:22:00Z"
[[sources]]
event = "fengyun-1c-2007"
[[sources]]
interceptor = "SC-19"
preset = "fengyun-1c-2007"
"""


@pytest.mark.adapter
def test_removed_layers_and_a_closed_view_leave_no_adapter_listening(canvas):
    """Every emitter of every model object is walked: the adapters of a removed layer (its
    dots, its interceptor's site and trail) and, once the view is closed, every render adapter
    are gone from all of them, and from the canvas."""
    from orbitview.core.model.object_ref import ObjectRef
    from orbitview.core.model.screening import Highlight
    from orbitview.render.adapters.view import OrbitView
    from orbitview.io.scenario_file import parse_scenario
    from orbitview.services.scenario import build_scene

    scene, _ = build_scene(parse_scenario(FLIGHT, "flight.toml"), satcat=None)
    parent, fragments, missile = scene.layers
    scene.selected = ObjectRef(fragments, 0)
    scene.pinned = (ObjectRef(missile, 0),)
    scene.conjunctions.highlighted = (Highlight(int(parent.catalog.norad_id[0]), int(fragments.catalog.norad_id[0]),
                                                scene.clock.time_s, 1.0),)
    view = OrbitView(scene, canvas)
    models = (*scene.models().values(), *scene.layers)
    removed = (view.layers[id(missile)], view.interceptors[id(missile)])
    assert len(_listeners_owned_by(removed, models)) >= 2
    assert _listeners_from("orbitview.render", [missile])

    scene.remove_layer(missile)
    assert _listeners_owned_by(removed, models) == []
    assert _listeners_from("orbitview.render", [missile]) == []  # nor the view's own (its pane)
    scene.clock.time_s += 60.0
    assert _listeners_from("orbitview.render", models) and _canvas_listeners_from("orbitview.render", canvas)

    view.close()
    assert _listeners_from("orbitview.render", models) == []
    assert _canvas_listeners_from("orbitview.render", canvas) == []
