"""A modelled breakup in a scene: the parent until the event, the fragments after it.

Shared by the embedded briefing, scenario files and the window's Events menu, so a breakup
looks and behaves the same however it was asked for.
"""

from __future__ import annotations

import numpy as np

from orbitview.core.breakup.presets import BreakupResult, title_text
from orbitview.core.model.scene import Layer, Scene
from orbitview.core.orbits.catalog import Catalog
from orbitview.core.orbits.frames import sun_direction_gcrs, sun_known
from orbitview.core.orbits.keyframes import LiveKeyframes, WindowedKeyframes
from orbitview.core.orbits.propagate import propagate

#: The clock's span around an event: from shortly before it to weeks after, when the cloud
#: has spread into a ring (the briefing's story).
LEAD_S = 10 * 60.0
SPAN_S = 60 * 86400.0
#: Where the clock is put: just before the event, so playing shows it happen.
CLOCK_BEFORE_S = 5 * 60.0
PARENT_POINT_SIZE = 7.0
FRAGMENT_POINT_SIZE = 4.0


def event_layers(parent: Catalog, fragments: Catalog, event_s: float, names: tuple[str, str],
                 parent_style: dict | None = None, fragment_style: dict | None = None) -> tuple[Layer, Layer]:
    """``(parent_layer, fragment_layer)``: the parent(s) shown until ``event_s`` (POSIX s), the
    fragments from it, cut exactly at the event (``WindowedKeyframes``)."""
    parent_style = {"point_size": PARENT_POINT_SIZE, **(parent_style or {})}
    fragment_style = {"point_size": FRAGMENT_POINT_SIZE, **(fragment_style or {})}
    return (
        Layer(names[0], parent, WindowedKeyframes(LiveKeyframes(parent), end_s=event_s), **parent_style),
        Layer(names[1], fragments, WindowedKeyframes(LiveKeyframes(fragments), start_s=event_s),
              **fragment_style),
    )


def face_event(scene: Scene, parent: Catalog, event_s: float, distance_km: float = 32000.0,
               from_s: float | None = None, sun_lean: float = 0.9) -> None:
    """Turn the camera to look down on the event point (and the parent's arc to it from
    ``from_s``, POSIX s, so the satellite and the intercept point are both in view), leaning
    ``sun_lean`` towards the Sun so the cloud is seen over lit ground (0: straight down,
    for an event on the night side)."""
    times_s = np.array([event_s] if from_s is None or from_s >= event_s else [from_s, event_s])
    position_km = propagate(parent.take(np.array([0])), times_s, "GCRS").position_km[:, 0]
    direction = (position_km / np.linalg.norm(position_km, axis=1, keepdims=True)).mean(axis=0)
    scene.camera.distance_km = distance_km
    lean = sun_lean * sun_direction_gcrs(event_s) if sun_known(event_s) else 0.0
    scene.camera.look_from(direction / np.linalg.norm(direction) + lean)


def result_names(result: BreakupResult) -> tuple[str, str]:
    """Layer names: the parent bodies (both, for a collision of two satellites) and the cloud."""
    parents = " / ".join(str(name).title() for name in result.parents.name)
    return parents, f"{result.event.target.name.title()} fragments (model)"


def show_breakup(scene: Scene, result: BreakupResult) -> tuple[Layer, Layer]:
    """Add ``result``'s layers to ``scene``; title it; widen the clock's span to cover
    ``LEAD_S`` before to ``SPAN_S`` after the event, put the clock just before the event and
    the camera over it."""
    event_s = result.event.time_s
    layers = event_layers(result.parents, result.element_sets.catalog, event_s, result_names(result))
    for layer in layers:
        scene.add_layer(layer)
    scene.title = title_text(result.event, result.seed, result.fragments.lc_min_m,
                             len(result.element_sets.catalog), result.calibration)
    clock = scene.clock
    clock.set_span(min(clock.span_start_s, event_s - LEAD_S), max(clock.span_end_s, event_s + SPAN_S))
    clock.time_s = event_s - CLOCK_BEFORE_S
    face_event(scene, result.parents, event_s)
    return layers
