"""Building the scene a scenario describes (``io.scenario_file`` reads and writes the file):
its sources loaded (files, CelesTrak, modelled breakups, interceptors), every field the file
gives set on the scene's models and layers. The window, its sessions and the command line all
build scenes here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from orbitview.core.breakup.standard_model import FragmentCountError
from orbitview.core.errors import OrbitviewError
from orbitview.core.model.clock import Clock
from orbitview.core.model.fly_to import encounter_view, show_encounters
from orbitview.core.model.object_ref import ObjectRef
from orbitview.core.model.origin import EVENT_PARTS, ORIGINS, FileOrigin
from orbitview.core.model.scenario import CameraTimeline, ObjectKey, Scenario, Source, camera_timeline
from orbitview.core.model.scene import Layer, Scene
from orbitview.core.orbits.times import format_utc
from orbitview.io.satcat import CACHED, choose_satcat
from orbitview.io.scenario_file import KINDS, ScenarioError, chapters_following

# --- loading the sources ------------------------------------------------------------------------


@dataclass
class _Loading:
    """What the loaders share while one scenario builds: the SATCAT for classes, and the
    breakups already modelled (an event's two parts, written as two sources, model once)."""

    satcat: object
    events: dict


def build_scene(scenario: Scenario, satcat=CACHED) -> tuple[Scene, list]:
    """The scene a scenario describes, its sources loaded: ``(scene, problems)``, problems
    being the damaged records skipped while reading files. Every field the file gives is set
    on the scene's models and layers, the camera keyframes (their follows resolved to the
    layers' objects) as its ``camera_path``; the camera takes the scenario's ``view``, else the
    path's view at the displayed time (with no path and no chapter camera, it faces the day side). File and CelesTrak
    sources take their classes from ``satcat`` (``io.satcat.choose_satcat``: by default the
    cached SATCAT). Raises
    ``ScenarioError`` for a source that cannot be loaded, or objects (follow, selected,
    pinned) that name no single object of the sources' layers."""
    loading = _Loading(choose_satcat(satcat), {})
    layers, problems, title = [], [], ""
    for i, source in enumerate(scenario.sources):
        made, found, event_title = _load_source(scenario, i, source, loading)
        for layer in made:
            _apply(layer, source.values)
        layers.extend(made)
        problems.extend(found)
        title = title or event_title
    scene = Scene(clock=Clock(time_s=scenario.time_s, span_start_s=scenario.start_s, span_end_s=scenario.end_s))
    scene.layers = tuple(layers)
    found = _resolve_objects(scenario, layers)
    models = scene.models()
    for model, values in scenario.values.items():
        _apply(models[model], {name: _resolved(model, name, value, found) for name, value in values.items()})
    if "title" not in scenario.values.get("scene", {}):
        scene.title = title
    scene.camera_path = tuple(replace(k, view={**k.view, "follow": found.get(k.view["follow"])})
                              for k in scenario.keyframes)
    _fly_to_encounters(scenario, scene)
    if scenario.view is not None:
        view = {**scenario.view, "follow": found.get(scenario.view["follow"])}
    else:
        view = camera_timeline(scene).view_at(scenario.time_s)
    if view is None:
        from orbitview.core.orbits.frames import sun_direction_gcrs, sun_known

        if sun_known(scenario.time_s):
            scene.camera.face_sun(sun_direction_gcrs(scenario.time_s))
    else:
        scene.camera.restore(view)
    return scene, problems


def _fly_to_encounters(scenario: Scenario, scene: Scene) -> None:
    """Give each chapter that flies to an encounter and has no camera of its own the view that
    frames the pair at its time (in the view frame of the camera path then), and show the pairs.
    Raises ``ScenarioError`` for an encounter whose objects are not both loaded."""
    keys = CameraTimeline(scene.camera_path)
    chapters, problems = [], []
    for i, chapter in enumerate(scene.chapters):
        if chapter.encounter is not None and chapter.camera is None:
            frame = (keys.view_at(chapter.time_s) or {}).get("view_frame", "inertial")
            view = encounter_view(scene, chapter.encounter, chapter.time_s, frame)
            if view is None:
                key = f"chapters[{i}].encounter"
                problems.append(f"{scenario.where(key)}: key '{key}': objects {chapter.encounter.a} and "
                                f"{chapter.encounter.b} are not both in the sources, or SGP4 cannot place them then")
                continue
            chapter = chapter.replaced(camera=view)
        chapters.append(chapter)
    if problems:
        raise ScenarioError("\n".join(problems))
    scene.chapters = tuple(chapters)
    show_encounters(scene)


def _apply(model, values: dict) -> None:
    for name, value in values.items():
        setattr(model, name, value)


def _resolved(model: str, name: str, value, found: dict):
    """A value as the model holds it: objects from the file's keys to the layers' objects."""
    kind = KINDS.get((model, name))
    if kind == "object":
        return found.get(value)
    if kind == "objects":
        return tuple(found[key] for key in value)
    if (model, name) == ("scene", "chapters"):
        return chapters_following(value, found.get)
    return value


def _load_source(scenario: Scenario, index: int, source: Source, loading: _Loading) -> tuple[list[Layer], list, str]:
    key = f"sources[{index}].{source.kind}"
    try:
        return LOADERS[type(source.origin)](source.origin, loading)
    except FragmentCountError as exc:
        key = f"sources[{index}].min_size_m"
        raise ScenarioError(f"{scenario.where(key)}: key '{key}': {exc}") from None
    except OrbitviewError as exc:
        raise ScenarioError(f"{scenario.where(key)}: key '{key}': {exc}") from None


def _load_file(origin: FileOrigin, loading: _Loading) -> tuple[list[Layer], list, str]:
    """Element sets, an OEM ephemeris or a trajectory file, as ``services.sources`` opens them."""
    from orbitview.services.sources import open_source

    opened = open_source(origin.file, loading.satcat)
    opened.layer.origin = origin
    return [opened.layer], opened.problems, ""


def _load_celestrak(origin, loading: _Loading) -> tuple[list[Layer], list, str]:
    from orbitview.io.catalog_files import load_catalog
    from orbitview.io.fetch import fetch
    from orbitview.services.sources import classify_layer

    result = load_catalog(fetch(origin.celestrak).path)
    layer = classify_layer(Layer(f"CelesTrak {origin.celestrak}", result.catalog, origin=origin), loading.satcat)
    return [layer], result.problems, ""


def _load_event(origin, loading: _Loading) -> tuple[list[Layer], list, str]:
    """A modelled breakup: the parent until the event, the fragments after it (``part``: one of
    them). The shipped dataset is used when it was made with the same seed and size, else the
    model runs now."""
    from orbitview.core.breakup.breakup_scene import event_layers
    from orbitview.core.breakup.presets import preset, run_event
    from orbitview.services.default_briefing import datasets_dir, load_default_briefing, title_text

    whole = replace(origin, part=None)
    if whole not in loading.events:
        event = preset(origin.event)
        folder = datasets_dir() / origin.event
        meta_path = folder / "briefing.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
        if meta.get("seed") == origin.seed and meta.get("min_size_m") == origin.min_size_m:
            briefing = load_default_briefing(folder)
            made = briefing.parent, briefing.fragments, briefing.title
        else:
            result = run_event(event, origin.min_size_m, origin.seed)
            made = (result.parents, result.element_sets.catalog,
                    title_text(origin.event, origin.seed, origin.min_size_m, len(result.element_sets.catalog)))
        loading.events[whole] = (event, *made)
    event, parent, fragments, title = loading.events[whole]
    name = event.target.name.title()
    layers = event_layers(parent, fragments, event.time_s, (name, f"{name} fragments (model)"))
    return _parts(layers, origin), [], title


def _load_custom_event(origin, loading: _Loading) -> tuple[list[Layer], list, str]:
    """A breakup of an object of the layer ``origin.parent`` makes, modelled as the Events
    menu's custom event models it."""
    from orbitview.core.breakup.breakup_scene import event_layers, result_names
    from orbitview.core.breakup.presets import custom_event, run_event, title_text
    from orbitview.core.breakup.standard_model import BodyKind, EventKind

    whole = replace(origin, part=None)
    if whole not in loading.events:
        (parent_layer, *_), _, _ = LOADERS[type(origin.parent)](origin.parent, loading)
        event, parent = custom_event(
            parent_layer.catalog, origin.norad, format_utc(origin.time_s), EventKind(origin.custom_event),
            mass_kg=origin.mass_kg, projectile_mass_kg=origin.projectile_mass_kg,
            closing_speed_km_s=origin.closing_speed_km_s, body_kind=BodyKind(origin.body))
        result = run_event(event, origin.min_size_m, origin.seed, parents=parent)
        loading.events[whole] = result
    result = loading.events[whole]
    layers = event_layers(result.parents, result.element_sets.catalog, result.event.time_s, result_names(result))
    title = title_text(result.event, result.seed, result.fragments.lc_min_m, len(result.element_sets.catalog),
                       result.calibration)
    return _parts(layers, origin), [], title


def _load_interceptor(origin, loading: _Loading) -> tuple[list[Layer], list, str]:
    """A direct-ascent missile flown to its target, found among the layers its ``target``
    origin makes (a preset's parent by default; a breakup already modelled is not modelled
    again)."""
    from orbitview.core.breakup.interceptor_scene import interceptor_layer, preset_target

    try:
        target, _ = preset_target(origin)
        target_layers, _, _ = LOADERS[type(target)](target, loading)
        return [interceptor_layer(origin, target_layers)], [], ""
    except ValueError as exc:  # it cannot be flown, or its target is not there
        raise OrbitviewError(str(exc)) from None


def _parts(layers, origin) -> list[Layer]:
    """The layers of a breakup ``origin`` asks for: both (part None) or its one part, each
    with its own part in its origin."""
    chosen = []
    for part, layer in zip(EVENT_PARTS, layers):
        if origin.part is None or origin.part == part:
            layer.origin = replace(origin, part=part)
            chosen.append(layer)
    return chosen


#: How each kind of origin is loaded: ``loader(origin, loading) -> (layers, problems, title)``.
LOADERS = {
    ORIGINS["file"]: _load_file,
    ORIGINS["celestrak"]: _load_celestrak,
    ORIGINS["event"]: _load_event,
    ORIGINS["custom_event"]: _load_custom_event,
    ORIGINS["interceptor"]: _load_interceptor,
}


def _resolve_objects(scenario: Scenario, layers) -> dict[ObjectKey, ObjectRef]:
    """The object each of the scenario's keys (follow, selected, pinned) names among ``layers``;
    raises ``ScenarioError`` listing every key that names none, or several."""
    wanted = [(f"camera.keyframes[{i}].follow", k.view["follow"]) for i, k in enumerate(scenario.keyframes)]
    wanted += [("camera.follow", scenario.view["follow"])] if scenario.view is not None else []
    wanted += [(f"chapters[{i}].follow", c.camera["follow"])
               for i, c in enumerate(scenario.chapters) if c.camera is not None]
    wanted += [("selection.selected", scenario.selected)]
    wanted += [("selection.pinned", key) for key in scenario.pinned]
    found, problems = {}, []
    for name, key in wanted:
        if key is None or key in found:
            continue
        try:
            found[key] = key.resolve(tuple(layers))
        except ValueError as exc:
            problems.append(f"{scenario.where(name)}: key '{name}': {exc}")
    if problems:
        raise ScenarioError("\n".join(dict.fromkeys(problems)))
    return found
