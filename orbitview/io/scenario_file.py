"""Scenario files (TOML, docs/scenarios.md): the file format of a scene's models, written out
and read back; ``services.scenario`` builds the scene a scenario describes.

The file is written and read generically from the models' fields (``core.model.events.Field``):
``MODELS`` names each model of a scene with its class and table; ``PLACES`` puts the few fields
that go elsewhere or under another key; ``KINDS`` names the value kinds a field's default does
not say; ``LIMITS`` are the ranges checked on reading. A field added to a model class so
reaches scenarios, sessions and exports with no code here; a new kind of value adds its
reader to ``_CONVERT`` and its writer to ``_ENCODE``. A layer's origin (``core.model.origin``) is
written and read from its dataclass fields (``services.scenario.LOADERS`` loads each kind).

Every mistake is reported before anything is loaded or rendered, as ``FILE:LINE: key 'a.b[2].c':
what is wrong``. tomllib gives no line numbers, so ``key_lines`` finds them by scanning the text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from orbitview.core.breakup.presets import PRESETS
from orbitview.core.errors import OrbitviewError
from orbitview.core.model.camera import CameraState
from orbitview.core.model.chapters import Chapter
from orbitview.core.model.clock import Clock
from orbitview.core.model.events import Field, model_fields
from orbitview.core.model.filters import ANY, RANGE_FIELDS, LayerFilter, Regime
from orbitview.core.model.origin import ORIGINS, FileOrigin
from orbitview.core.model.output import MAX_FPS, Output, format_image_size, image_size_problem
from orbitview.core.model.screening import Conjunctions, Highlight
from orbitview.core.orbits.classify import CLASS_LABELS, ObjectClass
from orbitview.core.model.scenario import (
    EASINGS,
    CameraKey,
    ObjectKey,
    Scenario,
    Source,
    default_view,
    held_view,
    off_path,
    where,
)
from orbitview.core.model.scene import Layer, Overlay, Scene
from orbitview.core.orbits.times import format_utc, parse_utc
from orbitview.io.atomic import write_atomically


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
        return where(self.path, self.lines, key)

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


def _ints(value) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(map(_is_int, value)):
        raise TypeError("expected an array of catalogue numbers")
    return tuple(value)


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


def _rgba(value) -> tuple[float, float, float, float]:
    """``"#RRGGBB"`` (opaque) or ``"#RRGGBBAA"`` -> RGBA 0..1."""
    if not isinstance(value, str) or not re.fullmatch(r"#[0-9A-Fa-f]{6}(?:[0-9A-Fa-f]{2})?", value):
        raise TypeError("expected a colour such as \"#ff0000\"")
    digits = value[1:] + ("ff" if len(value) == 7 else "")
    return tuple(int(digits[i:i + 2], 16) / 255 for i in range(0, 8, 2))


def _range(value) -> tuple[float | None, float | None]:
    """``[min, max]`` numbers; ``-inf`` / ``inf`` for an open end -> (min, max), None where open."""
    if not isinstance(value, list) or len(value) != 2 or any(isinstance(v, bool) or not isinstance(v, (int, float))
                                                             or math.isnan(v) for v in value):
        raise TypeError("expected [min, max], two numbers (-inf or inf for no bound)")
    low, high = (None if math.isinf(v) else float(v) for v in value)
    if low is not None and high is not None and low > high:
        raise ValueError(f"the minimum {low:g} is above the maximum {high:g}")
    if value[0] == math.inf or value[1] == -math.inf:
        raise ValueError("an open end is -inf for the minimum and inf for the maximum")
    return (low, high)


def _labels(choices: dict):
    """A converter of a list of labels (``choices``: label -> value) to a frozenset of values."""
    def convert(value) -> frozenset:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise TypeError(f"expected a list of {', '.join(map(repr, choices))}")
        unknown = [v for v in value if v not in choices]
        if unknown:
            raise ValueError(f"{unknown[0]!r} is none of {', '.join(map(repr, choices))}")
        return frozenset(choices[v] for v in value)
    return convert


CLASS_NAMES = {label: c for c, label in CLASS_LABELS.items()}
REGIME_NAMES = {r.name: r for r in Regime}
_CONVERT = {"str": _string, "text": _text, "bool": _bool, "int": _int, "number": _number, "time": _time,
            "object": _object, "objects": _objects, "ints": _ints, "vector": _vector, "size": _size, "color": _color,
            "rgba": _rgba, "range": _range, "classes": _labels(CLASS_NAMES), "regimes": _labels(REGIME_NAMES)}

# --- the models' places in the file -------------------------------------------------------------

#: Each model of a scene by name (``Scene.models()``, and "layer" for each of its layers): its
#: class and the table its fields go to ("sources" and "camera.keyframes" are arrays of tables).
MODELS: dict[str, tuple[type, str]] = {
    "clock": (Clock, "time"),
    "scene": (Scene, "view"),
    "overlay": (Overlay, "overlay"),
    "output": (Output, "output"),
    "camera": (CameraState, "camera.keyframes"),
    "layer": (Layer, "sources"),
    "conjunctions": (Conjunctions, "conjunctions"),
}
#: Fields written in another table than their model's, or under another key: (table, key).
PLACES: dict[tuple[str, str], tuple[str, str]] = {
    ("clock", "span_start_s"): ("time", "start"),
    ("clock", "span_end_s"): ("time", "end"),
    ("clock", "time_s"): ("time", "current"),
    ("scene", "title"): ("overlay", "title"),
    ("scene", "show_coastlines"): ("view", "coastlines"),
    ("scene", "show_borders"): ("view", "borders"),
    ("scene", "show_grid"): ("view", "grid"),
    ("scene", "show_tracks"): ("view", "tracks"),
    ("scene", "selected"): ("selection", "selected"),
    ("scene", "pinned"): ("selection", "pinned"),
    ("scene", "show_labels"): ("selection", "labels"),
    ("camera", "view_frame"): ("camera.keyframes", "view"),
    ("conjunctions", "start_s"): ("conjunctions", "start"),
    ("conjunctions", "highlighted"): ("conjunctions", "highlight"),
    ("conjunctions", "show_markers"): ("conjunctions", "markers"),
}
#: Fields the file holds in its own way: the layers as [[sources]], a layer's origin as the
#: kind key and parameters of its source, the chapters as [[chapters]] (``_chapters``), the
#: camera path as [[camera.keyframes]] (``_keyframes``).
STRUCTURE = {("scene", "layers"), ("layer", "origin"), ("scene", "chapters"), ("scene", "camera_path")}
#: Value kinds (``_CONVERT`` / ``_ENCODE``) where the field's default does not say it.
KINDS: dict[tuple[str, str], str] = {
    ("clock", "time_s"): "time", ("clock", "span_start_s"): "time", ("clock", "span_end_s"): "time",
    ("scene", "selected"): "object", ("scene", "pinned"): "objects", ("camera", "follow"): "object",
    ("camera", "view_frame"): "str", ("layer", "color_by"): "str", ("layer", "color"): "rgba",
    ("layer", "filter"): "filter", ("overlay", "banner_color"): "color",
    ("conjunctions", "primaries"): "ints", ("conjunctions", "start_s"): "time",
    ("conjunctions", "highlighted"): "highlights", ("output", "size"): "size",
}
#: (minimum, maximum) checked on reading, where the model's own check is looser.
LIMITS: dict[tuple[str, str], tuple[float, float]] = {
    ("camera", "azimuth_deg"): (-360.0, 360.0), ("camera", "elevation_deg"): (-89.9, 89.9),
    ("camera", "distance_km"): (0.05, 2.0e6), ("camera", "fov_deg"): (1.0, 120.0),
    ("output", "fps"): (1, MAX_FPS),
    ("origin", "seed"): (0, 2**63 - 1), ("origin", "min_size_m"): (0.001, 1.0),
    # An interceptor's flight and site (core.breakup.interceptor and LaunchSite say why).
    ("origin", "flight_s"): (10.0, 6 * 3600.0), ("origin", "latitude_deg"): (-90.0, 90.0),
    ("origin", "longitude_deg"): (-180.0, 360.0), ("origin", "height_km"): (-0.5, 10.0),
}
#: Tables in the order they are written; tables of new fields come after them.
TABLE_ORDER = ("time", "output", "view", "sources", "camera.keyframes", "selection", "overlay")
#: Keys read but not written: the subtitle of files written before it was part of the title.
_LEGACY = {"overlay": ("subtitle",)}
_KEYFRAME = ("time", "ease")
#: A chapter's keys besides its camera's (``Chapter``'s fields; ``time`` is its ``time_s``).
_CHAPTER = ("time", "title", "caption", "ease", "encounter")


@dataclass(frozen=True)
class Placed:
    """Where one field of a model goes: ``table`` and ``key``, and the ``kind`` of its value."""

    model: str
    name: str
    field: Field
    table: str
    key: str
    kind: str


def placed_fields(model: str) -> list[Placed]:
    """The saved fields of ``model`` (a name of ``MODELS``) with their places in the file."""
    cls, table = MODELS[model]
    out = []
    for name, field in model_fields(cls).items():
        if not field.saved or (model, name) in STRUCTURE:
            continue
        where_table, key = PLACES.get((model, name), (table, name))
        out.append(Placed(model, name, field, where_table, key,
                          KINDS.get((model, name)) or _kind_of_default(field.default, model, name)))
    return out


def _kind_of_default(default, model: str, name: str) -> str:
    if isinstance(default, bool):
        return "bool"
    if isinstance(default, int):
        return "int"
    if isinstance(default, float):
        return "number"
    if isinstance(default, str):
        return "text"
    if isinstance(default, tuple) and len(default) == 3 and all(isinstance(v, float) for v in default):
        return "vector"
    raise TypeError(f"{model}.{name}: name the kind of its value in io.scenario_file.KINDS")


def _scene_models() -> tuple[str, ...]:
    """The models whose fields sit in plain tables (not arrays of tables)."""
    return tuple(m for m, (_, table) in MODELS.items() if table not in ("sources", "camera.keyframes"))


def _tables() -> dict[str, list[Placed]]:
    """Every plain table and the fields in it, in ``TABLE_ORDER`` then in the models' order."""
    tables: dict[str, list[Placed]] = {}
    for model in _scene_models():
        for placed in placed_fields(model):
            tables.setdefault(placed.table, []).append(placed)
    order = [t for t in TABLE_ORDER if t in tables] + [t for t in tables if t not in TABLE_ORDER]
    return {t: tables[t] for t in order}


# --- reading ------------------------------------------------------------------------------------

_MISSING = object()


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
        where_ = f"{path}:{match.group(1)}" if match else path
        reason = str(exc)[: match.start()].strip() if match else str(exc)
        raise ScenarioError(f"{where_}: not valid TOML: {reason}") from None
    check = _Checker(path, key_lines(text))
    tables = _tables()
    check.table(data, "", ("version", *{t.split(".")[0] for t in (*tables, "sources", "camera.keyframes", "chapters")}))
    version = check.get(data, "", "version", "int", 1)
    if version != 1:
        check.bad("version", f"this orbitview reads version 1 scenarios, not {version}")

    values: dict[str, dict] = {model: {} for model in _scene_models()}
    for table, placed in tables.items():
        found = check.table(data.get(table, {}), table,
                            (*(p.key for p in placed), *_LEGACY.get(table, ())))
        for item in placed:
            _read_field(check, found, table, item, values[item.model])
    _check_time(check, data.get("time", {}), values["clock"])
    title = values["scene"].get("title")
    overlay = data.get("overlay", {})
    subtitle = check.get(overlay, "overlay", "subtitle", "text", "") if isinstance(overlay, dict) else ""
    if subtitle:
        values["scene"]["title"] = f"{title or ''}. {subtitle}"

    sources = _sources(check, data.get("sources"), Path(path).parent)
    start, end = values["clock"].get("span_start_s", 0.0), values["clock"].get("span_end_s", 0.0)
    view, keys = _camera(check, data.get("camera", {}), start, end)
    values["scene"]["chapters"] = _chapters(check, data.get("chapters", []), start, end)
    if check.problems:
        raise ScenarioError("\n".join(check.problems))
    return Scenario(sources=sources, values=values, keyframes=keys, view=view, path=path, lines=check.lines)


def _read_field(check: _Checker, data: dict, table: str, placed: Placed, values: dict) -> None:
    """``values[placed.name]`` from ``data[placed.key]`` when given: of its kind, within its
    limits and accepted by the field itself (its ``coerce``)."""
    if placed.key not in data:
        return
    full = f"{table}.{placed.key}"
    if placed.kind in _TABLE_READERS:
        value = _TABLE_READERS[placed.kind](check, data[placed.key], full)
    else:
        low, high = LIMITS.get((placed.model, placed.name), (None, None))
        value = check.get(data, table, placed.key, placed.kind, _MISSING, minimum=low, maximum=high)
    if value is _MISSING:
        return
    if placed.field.coerce is not None and placed.kind not in ("object", "objects"):
        try:
            value = placed.field.coerce(value)
        except (TypeError, ValueError) as exc:
            check.bad(full, str(exc))
            return
    values[placed.name] = value


def _check_time(check: _Checker, time: dict, clock: dict) -> None:
    for name in ("start", "end"):
        if name not in time:
            check.bad(f"time.{name}", "missing (every scenario needs time.start and time.end)")
    start, end = clock.get("span_start_s"), clock.get("span_end_s")
    if start is not None and end is not None and end <= start:
        check.bad("time.end", f"{format_utc(end)} is not after time.start {format_utc(start)}")
    speed = clock.get("speed", 60.0)
    if speed <= 0:
        check.bad("time.speed", f"expected simulated seconds per video second > 0, got {speed:g}")
        clock.pop("speed")
    current = clock.get("time_s")
    if None not in (start, end, current) and not start <= current <= end:
        check.bad("time.current", f"{format_utc(current)} is outside time.start .. time.end")


def _read_filter(check: _Checker, data, key: str):
    """A ``[sources.filter]`` table -> ``LayerFilter``."""
    names = {"classes": "classes", "regimes": "regimes", **{n: "range" for n in RANGE_FIELDS}, "text": "text"}
    data = check.table(data, key, tuple(names))
    given = {}
    for name, kind in names.items():
        value = check.get(data, key, name, kind, _MISSING)
        if value is not _MISSING:
            given[name] = value
    return LayerFilter(**given)


_HIGHLIGHT = {"a": "int", "b": "int", "tca": "time", "miss_km": "number"}


def _read_highlights(check: _Checker, data, key: str) -> tuple[Highlight, ...]:
    """``highlight = [{ a = N, b = N, tca = TIME, miss_km = X }, ...]`` -> ``Highlight`` s."""
    if not isinstance(data, list):
        check.bad(key, "expected an array of { a, b, tca, miss_km } tables")
        return ()
    found = (_read_highlight(check, item, f"{key}[{i}]", key) for i, item in enumerate(data))
    return tuple(h for h in found if h is not None)


def _read_highlight(check: _Checker, item, full: str, line_key: str) -> Highlight | None:
    """``{ a = N, b = N, tca = TIME, miss_km = X }`` at ``full`` -> a ``Highlight`` (None,
    the problem noted, when a key is missing)."""
    # Inline tables have no line of their own: the enclosing key's (``key_lines`` skips its inside).
    check.lines.setdefault(full, check.lines.get(line_key))
    item = check.table(item, full, tuple(_HIGHLIGHT))
    values = {name: check.get(item, full, name, kind, _MISSING) for name, kind in _HIGHLIGHT.items()}
    missing = [name for name, value in values.items() if value is _MISSING]
    if missing:
        if item or full == line_key:
            check.bad(full, f"missing {', '.join(missing)}")
        return None
    return Highlight(values["a"], values["b"], values["tca"], values["miss_km"])


def _highlight_toml(h: Highlight) -> str:
    return f"{{ a = {h.a}, b = {h.b}, tca = {_time_toml(h.tca_s)}, miss_km = {h.miss_km!r} }}"


def _highlights_toml(highlights) -> str:
    return "[" + ", ".join(map(_highlight_toml, highlights)) + "]"


#: Kinds whose values are tables, read with the checker at hand (for their keys' lines).
_TABLE_READERS = {"filter": _read_filter, "highlights": _read_highlights}


def _sources(check: _Checker, data, folder: Path) -> tuple[Source, ...]:
    if data is None:
        check.bad("sources", "missing: add at least one [[sources]] table (" + ", ".join(ORIGINS) + ")")
        return ()
    if not isinstance(data, list) or not data:
        check.bad("sources", "expected one or more [[sources]] tables")
        return ()
    layer_fields = placed_fields("layer")
    parameters = {f.name for cls in ORIGINS.values() for f in dataclasses.fields(cls)[1:]}
    sources = []
    for i, item in enumerate(data):
        key = f"sources[{i}]"
        item = check.table(item, key, (*ORIGINS, *sorted(parameters), *(p.key for p in layer_fields)))
        origin = _read_origin(check, item, key, folder)
        values: dict = {}
        for placed in layer_fields:
            _read_field(check, item, key, placed, values)
        if origin is not None:
            sources.append(Source(origin, values))
    return tuple(sources)


def _read_origin(check: _Checker, item: dict, key: str, folder: Path):
    """The origin a ``[[sources]]`` table (or a custom event's ``parent``) gives; None, with
    the problems noted, when it gives none that can be loaded."""
    given = [name for name in ORIGINS if name in item]
    if len(given) != 1:
        check.bad(key, f"give exactly one of {', '.join(ORIGINS)}" + (f" (got {', '.join(given)})" if given else ""))
        return None
    cls = ORIGINS[given[0]]
    own = dataclasses.fields(cls)
    for name in item:
        others = [k for k, c in ORIGINS.items() if k != given[0] and name in {f.name for f in dataclasses.fields(c)[1:]}]
        if others and name not in {f.name for f in own}:
            check.bad(f"{key}.{name}", f"only a {' or '.join(others)} source takes this")
    values, ok = {}, True
    for field in own:
        if field.name not in item:
            continue
        kind = field.metadata.get("kind") or {"int": "int", "float": "number"}.get(str(field.type), "str")
        if kind == "origin":
            value = _read_origin(check, item[field.name] if isinstance(item[field.name], dict) else {},
                                 f"{key}.{field.name}", folder)
        else:
            low, high = LIMITS.get(("origin", field.name), (None, None))
            value = check.get(item, key, field.name, "str" if kind == "choice" else kind, _MISSING,
                              choices=field.metadata.get("choices"), minimum=low, maximum=high)
        ok &= value is not _MISSING and value is not None
        values[field.name] = value
    if not ok:
        return None
    origin = cls(**values)
    return _ORIGIN_CHECKS.get(cls, lambda c, o, k, f: o)(check, origin, f"{key}.{given[0]}", folder)


def _check_file(check: _Checker, origin: FileOrigin, key: str, folder: Path):
    file = Path(origin.file).expanduser()
    file = file if file.is_absolute() else folder / file
    if not file.is_file():
        check.bad(key, f"no such file: {file}")
    return FileOrigin(str(file))


def _check_event(check: _Checker, origin, key: str, folder: Path):
    if origin.event not in PRESETS:
        check.bad(key, f"unknown event {origin.event!r}; presets: {', '.join(PRESETS)}")
    return origin


def _check_celestrak(check: _Checker, origin, key: str, folder: Path):
    from orbitview.io.cache import query_params

    try:
        query_params(origin.celestrak)
    except OrbitviewError as exc:
        check.bad(key, str(exc))
    return origin


def _check_custom_event(check: _Checker, origin, key: str, folder: Path):
    if origin.parent is None:
        check.bad(key, "a custom event needs its parent's source: parent = { file = \"...\" } (or celestrak)")
    return origin


def _check_interceptor(check: _Checker, origin, key: str, folder: Path):
    """An interceptor's keys: a preset with a missile, a known site, one of the two times, and
    without a preset everything a flight needs."""
    from orbitview.core.breakup.launch_sites import SITES

    with_missile = [k for k, event in PRESETS.items() if event.interceptor is not None]
    where = key.rpartition(".")[0]
    if origin.preset and origin.preset not in with_missile:
        check.bad(f"{where}.preset", f"{origin.preset!r} has no interceptor; presets with one: {', '.join(with_missile)}")
    if origin.site and origin.site not in SITES:
        check.bad(f"{where}.site", f"unknown site {origin.site!r}; sites: {', '.join(SITES)}, or latitude_deg "
                  "and longitude_deg")
    if (origin.latitude_deg is None) != (origin.longitude_deg is None):
        check.bad(key, "give both latitude_deg and longitude_deg")
    if origin.site and origin.latitude_deg is not None:
        check.bad(f"{where}.site", "give a site or latitude_deg and longitude_deg, not both")
    if origin.intercept_s is not None and origin.launch_s is not None:
        check.bad(f"{where}.launch_s", "give the intercept time or the launch time, not both")
    if not origin.preset:
        for missing, what in ((origin.target is None, "target (the source holding it) and norad"),
                              (not origin.site and origin.latitude_deg is None, "site or latitude_deg and longitude_deg"),
                              (origin.flight_s is None, "flight_s"),
                              (origin.intercept_s is None and origin.launch_s is None, "intercept_s or launch_s")):
            if missing:
                check.bad(key, f"missing {what}, or a preset")
    return origin


#: Checks of each kind's values while reading (``check(checker, origin, key, folder) -> origin``).
_ORIGIN_CHECKS = {ORIGINS["file"]: _check_file, ORIGINS["event"]: _check_event,
                  ORIGINS["celestrak"]: _check_celestrak, ORIGINS["custom_event"]: _check_custom_event,
                  ORIGINS["interceptor"]: _check_interceptor}


def _camera(check: _Checker, camera, start: float, end: float) -> tuple[dict | None, tuple[CameraKey, ...]]:
    """The ``[camera]`` table: the view at the displayed time its own keys give (None without
    them; keys left out are the home view's), and its ``[[camera.keyframes]]``."""
    camera_keys = tuple(p.key for p in placed_fields("camera"))
    camera = check.table(camera, "camera", ("keyframes", *camera_keys))
    now = _camera_view(check, camera, "camera", default_view()) if any(k in camera for k in camera_keys) else None
    keys, view, previous = [], default_view(), None
    for key, item in _array(check, camera.get("keyframes", []), "camera.keyframes", (*_KEYFRAME, *camera_keys)):
        t = previous = _moment(check, item, key, (start, end), previous, "keyframe")
        view = _camera_view(check, item, key, view)
        keys.append(CameraKey(t, view, check.get(item, key, "ease", "str", "in-out", choices=EASINGS)))
    return now, tuple(keys)


def _chapters(check: _Checker, items, start: float, end: float) -> tuple[Chapter, ...]:
    """``[[chapters]]``: a time in the span (increasing), a title, an optional caption and an
    optional camera view (keyframe keys; those left out keep the previous chapter camera's)."""
    chapters, view, previous = [], default_view(), None
    camera_keys = tuple(p.key for p in placed_fields("camera"))
    for key, item in _array(check, items, "chapters", (*_CHAPTER, *camera_keys)):
        if "title" not in item:
            check.bad(key, "missing key 'title'")
        t = previous = _moment(check, item, key, (start, end), previous, "chapter")
        camera = None
        if any(name in item for name in camera_keys):
            camera = view = _camera_view(check, item, key, view)
        encounter = None
        if "encounter" in item:
            encounter = _read_highlight(check, item["encounter"], f"{key}.encounter", f"{key}.encounter")
        chapters.append(Chapter(time_s=t, title=check.get(item, key, "title", "text", ""),
                                caption=check.get(item, key, "caption", "text", ""), camera=camera,
                                ease=check.get(item, key, "ease", "str", "in-out", choices=EASINGS),
                                encounter=encounter))
    return tuple(chapters)


def _array(check: _Checker, items, name: str, allowed: tuple[str, ...]) -> list[tuple[str, dict]]:
    """``(key, table)`` of each ``[[name]]`` table, its keys checked against ``allowed``."""
    if not isinstance(items, list):
        check.bad(name, f"expected [[{name}]] tables")
        return []
    return [(f"{name}[{i}]", check.table(item, f"{name}[{i}]", allowed)) for i, item in enumerate(items)]


def _moment(check: _Checker, item: dict, key: str, span: tuple[float, float], previous: float | None,
            what: str) -> float:
    """The ``time`` of ``item`` (a keyframe or a chapter): given, within ``span`` (start, end)
    and after the ``previous`` one's."""
    start, end = span
    if "time" not in item:
        check.bad(key, "missing key 'time'")
    t = check.get(item, key, "time", "time", start)
    if not start <= t <= end:
        check.bad(f"{key}.time", f"{format_utc(t)} is outside time.start .. time.end "
                  f"({format_utc(start)} .. {format_utc(end)})")
    if previous is not None and t <= previous:
        check.bad(f"{key}.time", f"{what} times must increase")
    return t


def _camera_view(check: _Checker, item: dict, key: str, view: dict) -> dict:
    """``view`` with the camera fields ``item`` (a keyframe or a chapter) gives."""
    if "follow" in item and "center_km" in item:
        check.bad(f"{key}.follow", "give follow or center_km, not both")
    view = dict(view)
    if "center_km" in item:
        view["follow"] = None
    for field in placed_fields("camera"):
        _read_field(check, item, key, field, view)
    return view


# --- writing ------------------------------------------------------------------------------------


def chapters_following(chapters, name_object) -> tuple[Chapter, ...]:
    """Copies of ``chapters`` whose camera follows ``name_object(follow)`` instead: the file's
    keys (``ObjectKey``) made the scene's objects (``ObjectRef``), or back."""
    copies = []
    for c in chapters:
        camera = None if c.camera is None else {**c.camera, "follow": name_object(c.camera.get("follow"))}
        copies.append(c.replaced(camera=camera))
    return tuple(copies)


def scenario_from_scene(scene: Scene, *, keyframes: tuple[CameraKey, ...] | None = None) -> Scenario:
    """The whole scene as it is now, as a scenario: every saved field of its models and of each
    layer that has an origin (``unsaved_layers`` names the others, left out), and as camera
    ``keyframes`` (default) the scene's ``camera_path`` (with the current view as the
    scenario's ``view`` where it is off the path), or where it has none one keyframe with the
    current view at the displayed time (``held_view``). Objects of layers left out are dropped
    from the selection, the pins and the keyframes' follows."""
    saved = [layer for layer in scene.layers if layer.origin is not None]
    index = {id(layer): i for i, layer in enumerate(saved)}
    sources = tuple(Source(layer.origin, _values_of("layer", layer, index)) for layer in saved)
    models = scene.models()
    values = {model: _values_of(model, models[model], index) for model in _scene_models()}
    # The file's speed is the video's, forward; the window may play backwards.
    values["clock"]["speed"] = abs(values["clock"]["speed"]) or 60.0
    values["scene"]["chapters"] = chapters_following(scene.chapters, lambda ref: _key_of(ref, index))
    if keyframes is None:
        keyframes = scene.camera_path or (held_view(scene),)
        # The window's view, where the mouse moved it off the path while the clock was paused.
        view = _values_of("camera", scene.camera, index) if scene.camera_path and off_path(scene) else None
    else:
        view = None
    keyframes = tuple(replace(k, view={**k.view, "follow": _key_of(k.view.get("follow"), index)}) for k in keyframes)
    return Scenario(sources=sources, values=values, keyframes=keyframes, view=view)


def _values_of(model: str, instance, index: dict[int, int]) -> dict:
    """Every saved field of ``instance`` (a ``model``), objects as the file names them."""
    values = {}
    for placed in placed_fields(model):
        value = getattr(instance, placed.name)
        if placed.kind == "object":
            value = _key_of(value, index)
        elif placed.kind == "objects":
            value = tuple(k for k in (_key_of(ref, index) for ref in value) if k is not None)
        values[placed.name] = value
    return values


def _key_of(ref, index: dict[int, int]) -> ObjectKey | None:
    """An ``ObjectRef`` as the file names it (``ObjectKey``s pass as they are); None for an
    object of a layer left out."""
    if ref is None or isinstance(ref, ObjectKey):
        return ref
    return ObjectKey(ref.norad_id, index[id(ref.layer)]) if id(ref.layer) in index else None


def unsaved_layers(scene: Scene) -> list[str]:
    """Names of the layers a scenario of ``scene`` leaves out: those with no origin to make
    them again from (saves and exports say so before they start)."""
    return [layer.name for layer in scene.layers if layer.origin is None]


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def _time_toml(t_s: float) -> str:
    """ISO 8601 UTC, to the microsecond where the time is not whole seconds."""
    value = dt.datetime.fromtimestamp(t_s, dt.timezone.utc)
    return json.dumps(value.isoformat(timespec="microseconds" if value.microsecond else "seconds")
                      .replace("+00:00", "Z"))


def _object_toml(key: ObjectKey | None) -> str:
    return str(key.norad_id) if key.layer is None else f"{{ layer = {key.layer}, norad = {key.norad_id} }}"


def _rgba_toml(rgba) -> str:
    digits = [round(v * 255) for v in rgba]
    return json.dumps("#" + "".join(f"{d:02x}" for d in (digits if digits[3] != 255 else digits[:3])))


def _range_toml(bounds) -> str:
    low, high = bounds
    return _toml([-math.inf if low is None else low, math.inf if high is None else high])


_ENCODE = {
    "time": _time_toml, "object": _object_toml, "objects": lambda keys: "[" + ", ".join(map(_object_toml, keys)) + "]",
    "size": lambda size: json.dumps(format_image_size(size)),
    "rgba": _rgba_toml, "range": _range_toml, "highlights": _highlights_toml,
    "classes": lambda values: _toml(sorted(CLASS_LABELS[ObjectClass(v)] for v in values)),
    "regimes": lambda values: _toml(sorted(Regime(v).name for v in values)),
}


def _line(key: str, kind: str, value) -> str:
    return f"{key} = {_ENCODE.get(kind, _toml)(value)}"


def _filter_lines(table: str, layer_filter: LayerFilter) -> list[str]:
    """A ``[sources.filter]`` table holding what ``layer_filter`` restricts (none: no table)."""
    kinds = {"classes": "classes", "regimes": "regimes", **{n: "range" for n in RANGE_FIELDS}, "text": "text"}
    lines = [_line(name, kind, getattr(layer_filter, name)) for name, kind in kinds.items()
             if getattr(layer_filter, name) not in (frozenset(), ANY, "")]
    return ["", f"[{table}]", *lines] if lines else []


def _origin_lines(origin) -> list[str]:
    """The kind key and the parameters of ``origin`` that are not their defaults."""
    lines = []
    for field in dataclasses.fields(origin):
        value = getattr(origin, field.name)
        if field is not dataclasses.fields(origin)[0] and value == field.default:
            continue
        kind = field.metadata.get("kind")
        if kind == "origin":
            inner = ", ".join(_origin_lines(value))
            lines.append(f"{field.name} = {{ {inner} }}")
        else:
            lines.append(_line(field.name, kind or "str", value))
    return lines


def scenario_to_toml(scenario: Scenario) -> str:
    """The text of a scenario file that reads back as ``scenario`` (file paths absolute)."""
    out = ["# orbitview scenario (docs/scenarios.md)", "version = 1"]
    tables = _tables()
    layer_fields = placed_fields("layer")
    for table in [t for t in TABLE_ORDER if t in tables or t in ("sources", "camera.keyframes")] + \
            [t for t in tables if t not in TABLE_ORDER]:
        if table == "sources":
            for source in scenario.sources:
                out += ["", "[[sources]]", *_origin_lines(source.origin)]
                out += [_line(p.key, p.kind, source.values[p.name]) for p in layer_fields
                        if source.values.get(p.name) is not None and p.kind != "filter"]
                if "filter" in source.values:
                    out += _filter_lines("sources.filter", source.values["filter"])
        elif table == "camera.keyframes":
            if scenario.view is not None:
                out += ["", "[camera]", *_view_lines(scenario.view)]
            for key in scenario.keyframes:
                out += ["", "[[camera.keyframes]]", f"time = {_time_toml(key.time_s)}", f"ease = {_toml(key.ease)}"]
                out += _view_lines(key.view)
        else:
            # None (no object selected) is what a key left out says: TOML has no null.
            lines = [_line(p.key, p.kind, scenario.values[p.model][p.name]) for p in tables[table]
                     if scenario.values.get(p.model, {}).get(p.name) is not None]
            if lines:
                out += ["", f"[{table}]", *lines]
    for chapter in scenario.chapters:
        out += ["", "[[chapters]]", f"time = {_time_toml(chapter.time_s)}", _line("title", "text", chapter.title),
                _line("caption", "text", chapter.caption)]
        if chapter.encounter is not None:
            out.append(f"encounter = {_highlight_toml(chapter.encounter)}")
        if chapter.camera is not None:
            out += [f"ease = {_toml(chapter.ease)}", *_view_lines(chapter.camera)]
    return "\n".join(out) + "\n"


def _view_lines(view: dict) -> list[str]:
    """The camera keys of a view (a keyframe's or a chapter's): a followed object or a centre."""
    follows = view.get("follow") is not None
    return [_line(p.key, p.kind, view[p.name]) for p in placed_fields("camera")
            if p.name in view and not (p.name == "follow" and not follows) and not (p.name == "center_km" and follows)]


def write_scenario(scenario: Scenario, path: str | Path) -> None:
    """Write ``scenario`` to ``path`` atomically (``orbitview.io.atomic``)."""
    write_atomically(path, scenario_to_toml(scenario))
