"""Scenario files (TOML, docs/scenarios.md): read and check them, load their sources, write them.

Every mistake is reported before anything is loaded or rendered, as ``FILE:LINE: key 'a.b[2].c':
what is wrong``. tomllib gives no line numbers, so ``key_lines`` finds them by scanning the text.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import tomllib
from dataclasses import replace
from pathlib import Path

from orbitview.core.breakup import FragmentCountError
from orbitview.core.breakup_presets import PRESETS
from orbitview.core.camera import VIEW_FRAMES
from orbitview.core.clock import Clock
from orbitview.core.errors import OrbitviewError
from orbitview.core.scenario import (
    COLOR_BY,
    EASINGS,
    CameraKey,
    CameraTimeline,
    ObjectKey,
    OverlayText,
    Scenario,
    Source,
    default_view,
    image_size_problem,
    object_locator,
)
from orbitview.core.object_ref import ObjectRef
from orbitview.core.scene import Layer, Scene
from orbitview.core.times import format_utc, parse_utc
from orbitview.io.atomic import write_atomically
from orbitview.io.satcat import CACHED, choose_satcat

MAX_FPS = 120


class ScenarioError(OrbitviewError):
    """A scenario file that cannot be used; the message has one ``FILE:LINE: ...`` per problem."""


# --- where keys are -----------------------------------------------------------------------------

_HEADER = re.compile(r"^\s*(\[\[?)([^\[\]]+)\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=(.*)$""")


def _dotted(text: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in text.split("."))


def key_lines(text: str) -> dict[str, int]:
    """Line number (1-based) of each table and key of a TOML text, by dotted path with array
    indices: ``camera.keyframes[2].distance_km``. Values spread over several lines (arrays,
    multi-line strings) are skipped over, not read."""
    lines: dict[str, int] = {}
    counts: dict[str, int] = {}
    table, depth, in_string = "", 0, None
    for number, line in enumerate(text.splitlines(), 1):
        if in_string:
            if in_string in line:
                in_string = None
            continue
        if depth > 0:
            depth += line.count("[") - line.count("]")
            continue
        header = _HEADER.match(line)
        if header:
            name = _dotted(header.group(2))
            if header.group(1) == "[[":
                counts[name] = counts.get(name, -1) + 1
                table = f"{name}[{counts[name]}]"
            else:
                table = name
            for end in range(1, len(name.split(".")) + 1):
                lines.setdefault(".".join(name.split(".")[:end]), number)
            lines.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            path = f"{table}.{_dotted(key.group(1))}" if table else _dotted(key.group(1))
            lines.setdefault(path, number)
            value = key.group(2).split("#")[0] if '"' not in key.group(2) else key.group(2)
            for quote in ('"""', "'''"):
                if value.count(quote) == 1:
                    in_string = quote
            depth = max(0, value.count("[") - value.count("]"))
    return lines


# --- checking values ----------------------------------------------------------------------------


class _Checker:
    """Collects problems as ``FILE:LINE: key 'k': message`` and reads typed values."""

    def __init__(self, path: str, lines: dict[str, int]) -> None:
        self.path, self.lines, self.problems = path, lines, []

    def where(self, key: str) -> str:
        return Scenario(sources=(), start_s=0.0, end_s=0.0, path=self.path, lines=self.lines).where(key)

    def bad(self, key: str, message: str) -> None:
        self.problems.append(f"{self.where(key)}: key '{key}': {message}")

    def table(self, data, key: str, allowed: tuple[str, ...]) -> dict:
        if not isinstance(data, dict):
            self.bad(key, f"expected a table, got {_kind(data)}")
            return {}
        for name in data:
            if name not in allowed:
                full = f"{key}.{name}" if key else name
                self.bad(full, f"unknown key (allowed here: {', '.join(allowed)})")
        return data

    def get(self, data: dict, key: str, name: str, kind: str, default=None, *, choices=None,
            minimum=None, maximum=None):
        """``data[name]`` checked to be ``kind`` (str, bool, int, number, time, ids, vector)."""
        full = f"{key}.{name}" if key else name
        if name not in data:
            return default
        value = data[name]
        try:
            value = _CONVERT[kind](value)
        except (TypeError, ValueError) as exc:
            self.bad(full, str(exc))
            return default
        if choices is not None and value not in choices:
            self.bad(full, f"expected one of {', '.join(map(repr, choices))}, got {value!r}")
            return default
        if minimum is not None and value < minimum or maximum is not None and value > maximum:
            self.bad(full, f"{value:g} is outside {minimum:g} .. {maximum:g}")
            return default
        return value


def _kind(value) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
            list: "an array", dict: "a table"}.get(type(value), type(value).__name__)


def _string(value) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {_kind(value)}")
    return value


def _bool(value) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {_kind(value)}")
    return value


def _int(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected an integer, got {_kind(value)}")
    return value


def _number(value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"expected a number, got {_kind(value)}")
    if not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {value}")
    return float(value)


def _text(value) -> str:
    """A string to draw or store: no NUL or other control character (tab and newline aside)."""
    value = _string(value)
    bad = next((ch for ch in value if ord(ch) < 32 and ch not in "\t\n" or ord(ch) == 127), None)
    if bad is not None:
        raise ValueError(f"control character U+{ord(bad):04X} in the text at position {value.index(bad) + 1}")
    return value


def _time(value) -> float:
    """An ISO 8601 string or a TOML date-time (without an offset: UTC) -> POSIX seconds."""
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)).timestamp()
    if isinstance(value, str):
        try:
            return parse_utc(value)
        except OrbitviewError:
            raise ValueError(f"bad time {value!r}: expected ISO 8601 UTC such as 2023-10-09T12:00:00Z") from None
    raise TypeError(f"expected a date-time, got {_kind(value)}")


_OBJECT_FORMS = "a catalogue number, or { layer = N, norad = NUMBER } naming the layer too"


def _object(value) -> ObjectKey:
    """A catalogue number (held by one layer only), or ``{ layer = N, norad = NUMBER }``."""
    if _is_int(value):
        return ObjectKey(value)
    if isinstance(value, dict) and set(value) == {"layer", "norad"} and all(map(_is_int, value.values())):
        return ObjectKey(value["norad"], value["layer"])
    raise TypeError(f"expected {_OBJECT_FORMS}")


def _objects(value) -> tuple[ObjectKey, ...]:
    if not isinstance(value, list):
        raise TypeError(f"expected an array, each item {_OBJECT_FORMS}")
    return tuple(_object(v) for v in value)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _vector(value) -> tuple[float, float, float]:
    if not isinstance(value, list) or len(value) != 3:
        raise TypeError("expected an array of three numbers (km)")
    return tuple(_number(v) for v in value)


def _size(value) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d+)\s*x\s*(\d+)\s*", value) if isinstance(value, str) else None
    if not match:
        raise TypeError("expected a size such as \"1920x1080\"")
    width, height = int(match.group(1)), int(match.group(2))
    if image_size_problem(width, height):
        raise ValueError(image_size_problem(width, height))
    return width, height


def _color(value) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
        raise TypeError("expected a colour such as \"#007a33\"")
    return value


_CONVERT = {"str": _string, "text": _text, "bool": _bool, "int": _int, "number": _number, "time": _time,
            "object": _object, "objects": _objects, "vector": _vector, "size": _size, "color": _color}

# --- the schema, table by table -----------------------------------------------------------------

_TOP = ("version", "time", "output", "sources", "camera", "selection", "overlay")
_TIME = ("start", "end", "speed")
_OUTPUT = ("fps", "size")
_SOURCE = ("file", "celestrak", "event", "name", "visible", "point_size", "color_by", "seed", "min_size_m")
_CAMERA = ("keyframes",)
_KEYFRAME = ("time", "view", "azimuth_deg", "elevation_deg", "distance_km", "fov_deg", "center_km",
             "follow", "ease")
_SELECTION = ("selected", "pinned", "labels")
_OVERLAY = ("title", "subtitle", "banner", "banner_color", "legend", "clock", "attribution", "in_orbit")


def read_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario file. Raises ``ScenarioError`` naming every problem's line;
    source files must exist (they are not read yet)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"cannot read scenario {path}: {getattr(exc, 'strerror', None) or exc}") from None
    return parse_scenario(text, str(path))


def parse_scenario(text: str, path: str = "<scenario>") -> Scenario:
    """Check ``text`` (the scenario's TOML) against the schema of docs/scenarios.md."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        where = f"{path}:{match.group(1)}" if match else path
        reason = str(exc)[: match.start()].strip() if match else str(exc)
        raise ScenarioError(f"{where}: not valid TOML: {reason}") from None
    check = _Checker(path, key_lines(text))
    check.table(data, "", _TOP)
    version = check.get(data, "", "version", "int", 1)
    if version != 1:
        check.bad("version", f"this orbitview reads version 1 scenarios, not {version}")

    time = check.table(data.get("time", {}), "time", _TIME)
    for name in ("start", "end"):
        if name not in time:
            check.bad(f"time.{name}", "missing (every scenario needs time.start and time.end)")
    start = check.get(time, "time", "start", "time", 0.0)
    end = check.get(time, "time", "end", "time", start)
    speed = check.get(time, "time", "speed", "number", 60.0)
    if "start" in time and "end" in time and end <= start:
        check.bad("time.end", f"{format_utc(end)} is not after time.start {format_utc(start)}")
    if speed <= 0:
        check.bad("time.speed", f"expected simulated seconds per video second > 0, got {speed:g}")
        speed = 60.0

    output = check.table(data.get("output", {}), "output", _OUTPUT)
    fps = check.get(output, "output", "fps", "int", 24, minimum=1, maximum=MAX_FPS)
    size = check.get(output, "output", "size", "size", (1920, 1080))

    sources = _sources(check, data.get("sources"), Path(path).parent)
    keys = _keyframes(check, data.get("camera", {}), start, end)

    selection = check.table(data.get("selection", {}), "selection", _SELECTION)
    selected = check.get(selection, "selection", "selected", "object")
    pinned = check.get(selection, "selection", "pinned", "objects", ())
    labels = check.get(selection, "selection", "labels", "bool", True)
    overlay_data = check.table(data.get("overlay", {}), "overlay", _OVERLAY)
    overlay = OverlayText(**{
        name: check.get(overlay_data, "overlay", name, kind, getattr(OverlayText(), name))
        for name, kind in (("title", "text"), ("subtitle", "text"), ("banner", "text"),
                           ("banner_color", "color"), ("legend", "bool"), ("clock", "bool"),
                           ("attribution", "text"), ("in_orbit", "bool"))
    })
    if check.problems:
        raise ScenarioError("\n".join(check.problems))
    return Scenario(
        sources=sources, start_s=start, end_s=end, speed=speed, fps=fps, size=size, keyframes=keys,
        selected=selected, pinned=pinned, labels=labels, overlay=overlay, path=path, lines=check.lines,
    )


def _sources(check: _Checker, data, folder: Path) -> tuple[Source, ...]:
    if data is None:
        check.bad("sources", "missing: add at least one [[sources]] table (file, celestrak or event)")
        return ()
    if not isinstance(data, list) or not data:
        check.bad("sources", "expected one or more [[sources]] tables")
        return ()
    sources = []
    for i, item in enumerate(data):
        key = f"sources[{i}]"
        item = check.table(item, key, _SOURCE)
        given = [name for name in ("file", "celestrak", "event") if name in item]
        if len(given) != 1:
            check.bad(key, "give exactly one of file, celestrak or event"
                      + (f" (got {', '.join(given)})" if given else ""))
            continue
        values = {name: check.get(item, key, name, "text" if name == "name" else "str")
                  for name in ("file", "celestrak", "event", "name")}
        if values["file"] is not None:
            file = Path(values["file"]).expanduser()
            file = file if file.is_absolute() else folder / file
            if not file.is_file():
                check.bad(f"{key}.file", f"no such file: {file}")
            values["file"] = str(file)
        if values["event"] is not None and values["event"] not in PRESETS:
            check.bad(f"{key}.event", f"unknown event {values['event']!r}; presets: {', '.join(PRESETS)}")
        if values["celestrak"] is not None:
            from orbitview.io.fetch import query_params

            try:
                query_params(values["celestrak"])
            except OrbitviewError as exc:
                check.bad(f"{key}.celestrak", str(exc))
        for name in ("seed", "min_size_m"):
            if name in item and values["event"] is None:
                check.bad(f"{key}.{name}", "only an event source takes this")
        sources.append(Source(
            **values,
            visible=check.get(item, key, "visible", "bool", True),
            point_size=check.get(item, key, "point_size", "number", 3.0, minimum=0.5, maximum=50.0),
            color_by=check.get(item, key, "color_by", "str", "class", choices=COLOR_BY),
            seed=check.get(item, key, "seed", "int", 1, minimum=0, maximum=2**63 - 1),
            min_size_m=check.get(item, key, "min_size_m", "number", 0.1, minimum=0.001, maximum=1.0),
        ))
    return tuple(sources)


def _keyframes(check: _Checker, camera, start: float, end: float) -> tuple[CameraKey, ...]:
    camera = check.table(camera, "camera", _CAMERA)
    items = camera.get("keyframes", [])
    if not isinstance(items, list):
        check.bad("camera.keyframes", "expected [[camera.keyframes]] tables")
        return ()
    keys, view, previous = [], default_view(), None
    for i, item in enumerate(items):
        key = f"camera.keyframes[{i}]"
        item = check.table(item, key, _KEYFRAME)
        if "time" not in item:
            check.bad(key, "missing key 'time'")
        t = check.get(item, key, "time", "time", start)
        if not start <= t <= end:
            check.bad(f"{key}.time", f"{format_utc(t)} is outside time.start .. time.end "
                      f"({format_utc(start)} .. {format_utc(end)})")
        if previous is not None and t <= previous:
            check.bad(f"{key}.time", "keyframe times must increase")
        previous = t
        if "follow" in item and "center_km" in item:
            check.bad(f"{key}.follow", "give follow or center_km, not both")
        view = dict(view)
        for name, lo, hi in (("azimuth_deg", -360.0, 360.0), ("elevation_deg", -89.9, 89.9),
                             ("distance_km", 0.05, 2.0e6), ("fov_deg", 1.0, 120.0)):
            view[name] = check.get(item, key, name, "number", view[name], minimum=lo, maximum=hi)
        view["view_frame"] = check.get(item, key, "view", "str", view["view_frame"], choices=VIEW_FRAMES)
        if "center_km" in item:
            view["center_km"], view["follow"] = check.get(item, key, "center_km", "vector", view["center_km"]), None
        if "follow" in item:
            view["follow"] = check.get(item, key, "follow", "object")
        ease = check.get(item, key, "ease", "str", "in-out", choices=EASINGS)
        keys.append(CameraKey(t, view, ease))
    return tuple(keys)


# --- loading the sources ------------------------------------------------------------------------


def build_scene(scenario: Scenario, satcat=CACHED) -> tuple[Scene, list]:
    """The scene a scenario starts with, its sources loaded: ``(scene, problems)``, problems
    being the damaged records skipped while reading files; its selection and pins are the
    scenario's. File and CelesTrak sources take their classes from ``satcat``
    (``io.satcat.choose_satcat``: by default the cached SATCAT). Raises ``ScenarioError`` for
    objects (follow, selected, pinned) that name no single object of the sources' layers."""
    satcat = choose_satcat(satcat)
    clock = Clock(time_s=scenario.start_s, span_start_s=scenario.start_s, span_end_s=scenario.end_s,
                  speed=scenario.speed)
    layers, problems, title = [], [], ""
    for i, source in enumerate(scenario.sources):
        made, found, event_title = _load_source(scenario, i, source, satcat)
        layers.extend(made)
        problems.extend(found)
        title = title or event_title
    scene = Scene(clock=clock, title=scenario.overlay.title or title, show_in_orbit=scenario.overlay.in_orbit)
    for layer in layers:
        scene.add_layer(layer)
    found = _resolve_objects(scenario, layers)
    scene.selected = found.get(scenario.selected)
    scene.pinned = [found[key] for key in scenario.pinned]
    view = timeline(scenario, scene).view_at(scenario.start_s)
    if view is None:
        from orbitview.core.frames import sun_direction_gcrs, sun_known

        if sun_known(scenario.start_s):
            scene.camera.face_sun(sun_direction_gcrs(scenario.start_s))
    else:
        scene.camera.restore(view)
    return scene, problems


def timeline(scenario: Scenario, scene: Scene) -> CameraTimeline:
    """The scenario's camera keyframes, following objects among ``scene``'s layers (those
    ``build_scene`` made, in their order)."""
    found = _resolve_objects(scenario, scene.layers)
    keys = tuple(replace(k, view={**k.view, "follow": found.get(k.view["follow"])}) for k in scenario.keyframes)
    return CameraTimeline(keys, object_locator())


def _load_source(scenario: Scenario, index: int, source: Source, satcat) -> tuple[list[Layer], list, str]:
    from orbitview.io.catalog_files import load_catalog
    from orbitview.io.oem import looks_like_oem
    from orbitview.io.sources import classify_layer, open_oem_source

    style = {"visible": source.visible, "point_size": source.point_size, "color_by": source.color_by}
    key = f"sources[{index}].{source.kind}"
    try:
        if source.kind == "file" and looks_like_oem(source.file):
            opened = open_oem_source(source.file, source.name or Path(source.file).name, satcat, **style)
            return _tagged([opened.layer], source), opened.problems, ""
        if source.kind == "file":
            result = load_catalog(source.file)
            layers = [classify_layer(Layer(source.name or Path(source.file).name, result.catalog, **style), satcat)]
            return _tagged(layers, source), result.problems, ""
        if source.kind == "celestrak":
            from orbitview.io.fetch import fetch

            result = load_catalog(fetch(source.celestrak).path)
            layers = [classify_layer(Layer(source.name or f"CelesTrak {source.celestrak}", result.catalog, **style),
                                     satcat)]
            return _tagged(layers, source), result.problems, ""
        return _event_layers(source, style)
    except FragmentCountError as exc:
        key = f"sources[{index}].min_size_m"
        raise ScenarioError(f"{scenario.where(key)}: key '{key}': {exc}") from None
    except OrbitviewError as exc:
        raise ScenarioError(f"{scenario.where(key)}: key '{key}': {exc}") from None


def _event_layers(source: Source, style: dict) -> tuple[list[Layer], list, str]:
    """A modelled breakup: the parent until the event, the fragments after it. The shipped
    dataset is used when it was made with the same seed and size, else the model runs now."""
    from orbitview.core.breakup_presets import preset, run_event
    from orbitview.core.breakup_scene import PARENT_POINT_SIZE, event_layers
    from orbitview.io.default_briefing import datasets_dir, load_default_briefing, title_text

    event = preset(source.event)
    folder = datasets_dir() / source.event
    meta_path = folder / "briefing.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
    if meta.get("seed") == source.seed and meta.get("min_size_m") == source.min_size_m:
        briefing = load_default_briefing(folder)
        parent, fragments, title = briefing.parent, briefing.fragments, briefing.title
    else:
        result = run_event(event, source.min_size_m, source.seed)
        parent, fragments = result.parents, result.element_sets.catalog
        title = title_text(source.event, source.seed, source.min_size_m, len(fragments))
    name = source.name or event.target.name.title()
    parent_style = {**style, "point_size": max(style["point_size"], PARENT_POINT_SIZE)}
    layers = event_layers(parent, fragments, event.time_s, (name, f"{name} fragments (model)"),
                          parent_style, style)
    return _tagged(list(layers), source), [], title


def _tagged(layers: list[Layer], source: Source) -> list[Layer]:
    """Remember which source made each layer, so the scene can be saved as a scenario again."""
    for layer in layers:
        layer.scenario_source = source
    return layers


def _resolve_objects(scenario: Scenario, layers) -> dict[ObjectKey, ObjectRef]:
    """The object each of the scenario's keys (follow, selected, pinned) names among ``layers``;
    raises ``ScenarioError`` listing every key that names none, or several."""
    wanted = [(f"camera.keyframes[{i}].follow", k.view["follow"]) for i, k in enumerate(scenario.keyframes)]
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


# --- writing ------------------------------------------------------------------------------------


def scenario_from_scene(scene: Scene, base: Scenario | None = None, *, fps: int | None = None,
                        size: tuple[int, int] | None = None) -> Scenario:
    """The scene as it is now, as a scenario: its sources, the clock's span and speed, one camera
    keyframe with the current view at the current time, the selection and pinned objects (those
    of layers left out are dropped). The overlay comes from ``base`` (the scenario the scene
    was opened from) when given."""
    sources, seen = [], set()
    for layer in scene.layers:
        source = layer_source(layer)
        if source is None or source in seen:
            continue
        seen.add(source)
        sources.append(replace(source, visible=layer.visible, point_size=layer.point_size, color_by=layer.color_by)
                       if source.kind != "event" else source)
    index = saved_layer_indices(scene)

    def key(ref: ObjectRef | None) -> ObjectKey | None:
        return None if ref is None or id(ref.layer) not in index else ObjectKey(ref.norad_id, index[id(ref.layer)])

    clock, camera = scene.clock, scene.camera.snapshot()
    camera["follow"] = key(camera["follow"])
    base = base or Scenario(sources=(), start_s=clock.span_start_s, end_s=clock.span_end_s,
                            overlay=OverlayText(title=scene.title))
    return replace(base, sources=tuple(sources), start_s=clock.span_start_s, end_s=clock.span_end_s,
                   selected=key(scene.selected), pinned=tuple(k for k in map(key, scene.pinned) if k),
                   speed=abs(clock.speed) or base.speed, fps=fps or base.fps, size=size or base.size,
                   keyframes=(CameraKey(clock.time_s, camera, "cut"),), path=None, lines={})


def layer_source(layer: Layer) -> Source | None:
    """Where a layer came from, as a scenario source: the source that made it, else its one
    element-set file (a file of a shipped event dataset stands for the event). None when it
    cannot be loaded again from a file (a layer modelled in memory, several files merged)."""
    source = getattr(layer, "scenario_source", None)
    if source is not None:
        return source
    files = sorted({str(s) for s in layer.catalog.source if Path(str(s)).is_file()})
    if len(files) != 1 or Path(files[0]).suffix.lower() in (".h5", ".hdf5"):
        return None
    meta_path = Path(files[0]).parent / "briefing.json"
    if meta_path.is_file():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        return Source(event=meta["event"], seed=int(meta["seed"]), min_size_m=float(meta["min_size_m"]))
    return Source(file=files[0], name=layer.name, visible=layer.visible, point_size=layer.point_size,
                  color_by=layer.color_by)


def source_layer_count(source: Source) -> int:
    """How many layers ``source`` makes: two for an event (parent(s), fragments), else one."""
    return 2 if source.kind == "event" else 1


def _source_part(layer: Layer, source: Source) -> int:
    """Which of ``source``'s layers ``layer`` is: an event's fragments, shown from the event
    on, are its second; its parent(s), shown until the event, and every other source's one
    layer, the first."""
    return int(source.kind == "event" and layer.shown_span_s()[0] > -math.inf)


def saved_layer_indices(scene: Scene) -> dict[int, int]:
    """For each layer of ``scene`` a scenario of it keeps (by ``id``), its index among the
    layers that scenario's sources make when it is opened: how the scenario names its objects'
    layers. Layers of one source (the same file opened twice) share an index."""
    offsets: dict[Source, int] = {}
    count, index = 0, {}
    for layer in scene.layers:
        source = layer_source(layer)
        if source is None:
            continue
        if source not in offsets:
            offsets[source] = count
            count += source_layer_count(source)
        index[id(layer)] = offsets[source] + _source_part(layer, source)
    return index


def unsaved_layers(scene: Scene) -> list[str]:
    """Names of the layers a scenario of ``scene`` would leave out (see ``layer_source``)."""
    return [layer.name for layer in scene.layers if layer_source(layer) is None]


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def _object_toml(key: ObjectKey) -> str:
    return str(key.norad_id) if key.layer is None else f"{{ layer = {key.layer}, norad = {key.norad_id} }}"


def scenario_to_toml(scenario: Scenario) -> str:
    """The text of a scenario file that reads back as ``scenario`` (file paths made absolute)."""
    out = ["# orbitview scenario (docs/scenarios.md)", "version = 1", "", "[time]",
           f"start = {_toml(format_utc(scenario.start_s))}", f"end = {_toml(format_utc(scenario.end_s))}",
           f"speed = {_toml(scenario.speed)}", "", "[output]", f"fps = {scenario.fps}",
           f'size = "{scenario.size[0]}x{scenario.size[1]}"']
    defaults = Source()
    for source in scenario.sources:
        out += ["", "[[sources]]", f"{source.kind} = {_toml(source.value)}"]
        for name in ("name", "visible", "point_size", "color_by", "seed", "min_size_m"):
            value = getattr(source, name)
            if value is not None and value != getattr(defaults, name):
                out.append(f"{name} = {_toml(value)}")
    for key in scenario.keyframes:
        view = key.view
        out += ["", "[[camera.keyframes]]", f"time = {_toml(format_utc(key.time_s))}",
                f"view = {_toml(view['view_frame'])}", f"ease = {_toml(key.ease)}"]
        out += [f"{name} = {_toml(round(float(view[name]), 6))}"
                for name in ("azimuth_deg", "elevation_deg", "distance_km", "fov_deg")]
        out.append(f"follow = {_object_toml(view['follow'])}" if view.get("follow") is not None
                   else f"center_km = {_toml([round(float(v), 3) for v in view['center_km']])}")
    pinned = ", ".join(map(_object_toml, scenario.pinned))
    out += ["", "[selection]", f"labels = {_toml(scenario.labels)}", f"pinned = [{pinned}]"]
    if scenario.selected is not None:
        out.append(f"selected = {_object_toml(scenario.selected)}")
    out += ["", "[overlay]"]
    out += [f"{name} = {_toml(getattr(scenario.overlay, name))}"
            for name in ("title", "subtitle", "banner", "banner_color", "legend", "clock", "attribution", "in_orbit")]
    return "\n".join(out) + "\n"


def write_scenario(scenario: Scenario, path: str | Path) -> None:
    """Write ``scenario`` to ``path`` atomically (``orbitview.io.atomic``)."""
    write_atomically(path, scenario_to_toml(scenario))
