#!/usr/bin/env python3
"""One-off: move orbitview's modules into the layout of ARCHITECTURE.md ("The house as it
should read", issue 15 point 5) and rewrite every reference to them.

Run it on main once every branch of the wave is merged, from anywhere in the repository:

    python tools/restructure.py            # move, rewrite, report
    python tools/restructure.py --dry-run  # only report what it would do

then run the tests (``bash tests/run.sh``), commit, and delete this script (and tools/ if it
is empty): it is not part of the package.

What it does:

1. ``git mv`` each module it knows into its subpackage (``MOVES``), creating the packages with
   an ``__init__.py`` that says what they hold. A module already in place is left as it is, so
   running it again changes nothing; a module it does not know stays where it is and is listed
   at the end, for a person to place.
2. Rewrites every reference to a moved module in orbitview/, tests/, benchmarks/, docs/, tools/,
   the README files and pyproject.toml: dotted names (``orbitview.core.scene``, in imports,
   strings and prose alike, and the short ``core.scene`` form the docs use), ``from orbitview.core
   import scene`` forms (split when their names go to different packages) and file paths
   (``orbitview/core/scene.py``, ``core/scene.py``). Names are matched whole: ``core.scene``
   never touches ``core.scenario``. Imports of the few names that moved between modules in this
   wave (``NAME_MOVES``: the CelesTrak cache's layout, the WGS72 constants) follow them.
3. Lists the packages in pyproject.toml again, and adds the import-linter contracts of the new
   layout (services in the layer order, services kept free of Qt and vispy, the parts of core);
   adds services to tests/test_layering.py; describes the new folders in the README's Layout.

One old module name is also a new package: ``orbitview.core.breakup`` (the NASA model, now
``core/breakup/standard_model.py``). ``orbitview.core.breakup.NAME`` and ``from
orbitview.core.breakup import NAME`` become ``...standard_model...`` unless NAME is a module of
the new package; a bare ``orbitview.core.breakup`` (a string, prose) does too in the run that
makes the move, and is left alone in later runs, where it names the package.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tomllib
from pathlib import Path

#: old dotted module -> new dotted module. Modules named here that a tree does not have are
#: skipped (some are being written on other branches as this is written).
MOVES = {
    # core/model: the evented model of what is shown, and the scenario it is written out as.
    "orbitview.core.scene": "orbitview.core.model.scene",
    "orbitview.core.clock": "orbitview.core.model.clock",
    "orbitview.core.camera": "orbitview.core.model.camera",
    "orbitview.core.events": "orbitview.core.model.events",
    "orbitview.core.object_ref": "orbitview.core.model.object_ref",
    "orbitview.core.filters": "orbitview.core.model.filters",
    "orbitview.core.picking": "orbitview.core.model.picking",
    "orbitview.core.scenario": "orbitview.core.model.scenario",
    "orbitview.core.object_info": "orbitview.core.model.object_info",
    "orbitview.core.origin": "orbitview.core.model.origin",
    "orbitview.core.conjunctions_model": "orbitview.core.model.screening",
    "orbitview.core.chapters": "orbitview.core.model.chapters",
    "orbitview.core.legend": "orbitview.core.model.legend",
    "orbitview.core.panes": "orbitview.core.model.panes",
    # core/orbits: catalogue arrays, SGP4, frames, times, keyframes, tracks. Gabbard data go
    # here, not to breakup/: the layer filters and the object panel (model) use their apsides,
    # and model must not import breakup (breakup's scene helper imports model).
    "orbitview.core.catalog": "orbitview.core.orbits.catalog",
    "orbitview.core.classify": "orbitview.core.orbits.classify",
    "orbitview.core.sgp4_elements": "orbitview.core.orbits.sgp4_elements",
    "orbitview.core.propagate": "orbitview.core.orbits.propagate",
    "orbitview.core.frames": "orbitview.core.orbits.frames",
    "orbitview.core.times": "orbitview.core.orbits.times",
    "orbitview.core.keyframes": "orbitview.core.orbits.keyframes",
    "orbitview.core.prefetch": "orbitview.core.orbits.prefetch",
    "orbitview.core.sgp4_process": "orbitview.core.orbits.sgp4_process",
    "orbitview.core.tracks": "orbitview.core.orbits.tracks",
    "orbitview.core.mean_elements": "orbitview.core.orbits.mean_elements",
    "orbitview.core.ephemeris": "orbitview.core.orbits.ephemeris",
    "orbitview.core.gabbard": "orbitview.core.orbits.gabbard",
    "orbitview.core.lambert": "orbitview.core.orbits.lambert",
    "orbitview.core.launch_dates": "orbitview.core.orbits.launch_dates",
    # core/breakup: the NASA breakup model, its presets and what turns fragments into objects.
    "orbitview.core.breakup": "orbitview.core.breakup.standard_model",
    "orbitview.core.breakup_presets": "orbitview.core.breakup.presets",
    "orbitview.core.breakup_scene": "orbitview.core.breakup.breakup_scene",
    "orbitview.core.fragment_sets": "orbitview.core.breakup.fragment_sets",
    "orbitview.core.drag_calibration": "orbitview.core.breakup.drag_calibration",
    "orbitview.core.interceptor": "orbitview.core.breakup.interceptor",
    "orbitview.core.launch_sites": "orbitview.core.breakup.launch_sites",
    "orbitview.core.interceptor_scene": "orbitview.core.breakup.interceptor_scene",
    "orbitview.core.breakup_population": "orbitview.core.breakup.population",
    # services: what the window and the command line both do to build a scene. The scenario
    # module moves whole; splitting its TOML text back into io is a code change, not a move.
    "orbitview.io.scenario": "orbitview.services.scenario",
    "orbitview.io.sources": "orbitview.services.sources",
    "orbitview.io.default_briefing": "orbitview.services.default_briefing",
    # render/adapters: model -> visuals, both ways for the camera.
    "orbitview.render.view": "orbitview.render.adapters.view",
    "orbitview.render.camera_adapter": "orbitview.render.adapters.camera_adapter",
    "orbitview.render.selection": "orbitview.render.adapters.selection",
    "orbitview.render.overlay": "orbitview.render.adapters.overlay",
    "orbitview.render.colors": "orbitview.render.adapters.colors",
    "orbitview.render.panes": "orbitview.render.adapters.panes",
    "orbitview.render.interceptor": "orbitview.render.adapters.interceptor",
    "orbitview.render.conjunction_lines": "orbitview.render.adapters.conjunction_lines",
    # render/visuals: vispy visuals and their GLSL.
    "orbitview.render.objects": "orbitview.render.visuals.objects",
    "orbitview.render.earth": "orbitview.render.visuals.earth",
    "orbitview.render.globe_lines": "orbitview.render.visuals.globe_lines",
    "orbitview.render.stars": "orbitview.render.visuals.stars",
    "orbitview.render.stamps": "orbitview.render.visuals.stamps",
    "orbitview.render.transforms": "orbitview.render.visuals.transforms",
    # render/export: offscreen frames, Pillow (annotations, PNGs, plots) and ffmpeg.
    "orbitview.render.exporter": "orbitview.render.export.exporter",
    "orbitview.render.offscreen": "orbitview.render.export.offscreen",
    "orbitview.render.video": "orbitview.render.export.video",
    "orbitview.render.annotations": "orbitview.render.export.annotations",
    "orbitview.render.gabbard_image": "orbitview.render.export.gabbard_image",
    "orbitview.render.plots": "orbitview.render.export.plots",
}

#: Names that moved from one module to another in this wave (issue 15), for code merged from
#: branches that still import them from the old module: module -> {name: the module it is in now}.
NAME_MOVES = {
    "orbitview.io.fetch": {name: "orbitview.io.cache" for name in (
        "SATCAT_QUERY", "FetchError", "cache_dir", "query_params", "cached_path", "is_satcat",
        "fetched_at_s")},
    "orbitview.core.mean_elements": {name: "orbitview.core.sgp4_elements" for name in (
        "MU_WGS72_KM3_S2", "EARTH_RADIUS_WGS72_KM", "SGP4_EPOCH_JD")},
}

#: Modules that stay where they are, on purpose (anything else not in MOVES is reported).
STAYS = {
    # local_tasks: the worker-process pool that screening (core.conjunctions) runs on.
    "orbitview.core": {"errors", "interrupts", "durations", "local_tasks"},
    "orbitview.io": {"atomic", "cache", "catalog_files", "conjunction_files", "czml", "element_columns",
                     "fetch", "oem", "omm", "problems", "satcat", "shapefile", "text_files", "tle",
                     "trajectories", "writers"},
    "orbitview.render": {"backend", "assets"},
}

PACKAGE_DOCS = {
    "orbitview.core.model": "The model of what is shown, as evented fields: scene, layers, clock, camera,\n"
                            "selection, overlay text, and the scenario they are written out as.",
    "orbitview.core.orbits": "Orbits: catalogue arrays, SGP4 element sets and propagation, frames, times,\n"
                             "keyframes, tracks, ephemerides and Gabbard data.",
    "orbitview.core.breakup": "Breakups: the NASA standard breakup model, event presets, fragment element\n"
                              "sets and drag calibration, and the layers a modelled breakup shows as.",
    "orbitview.services": "What the window and the command line both do: build a scene from a scenario\n"
                          "(files, downloads, model runs) and run long jobs.\n\n"
                          "Imports core and io; never Qt, vispy or OpenGL.",
    "orbitview.render.adapters": "Adapters: one per model type, connecting the core model to vispy visuals.",
    "orbitview.render.visuals": "vispy visuals with orbitview's own GLSL, and the transforms they share.",
    "orbitview.render.export": "Export: offscreen frames, PNGs, video through ffmpeg, text and plots with Pillow.",
}

#: The directories and top-level files whose text may name modules.
TEXT_DIRS = ("orbitview", "tests", "benchmarks", "docs", "tools", "datasets", "assets")
TEXT_FILES = ("README.md", "pyproject.toml")
TEXT_SUFFIXES = {".py", ".md", ".toml", ".txt", ".sh", ".cfg", ".ini", ".rst"}

CORE_CONTRACT = "core's parts: breakup and conjunctions over the scene model over orbits"


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


def module_path(root: Path, dotted: str) -> Path:
    return root.joinpath(*dotted.split(".")).with_suffix(".py")


def new_packages() -> list[str]:
    """Every package a new module name sits in, parents first."""
    packages = set()
    for new in MOVES.values():
        parts = new.split(".")[:-1]
        packages.update(".".join(parts[:i]) for i in range(2, len(parts) + 1))
    return sorted(packages, key=lambda name: (name.count("."), name))


# --- 1. the moves -------------------------------------------------------------------------------


def move_modules(root: Path, dry_run: bool, report: dict) -> tuple[dict[str, str], set[str]]:
    """Move what is present; returns the moves that apply to this tree (done now or before)
    and the old names moved by this run."""
    for package in new_packages():
        init = root.joinpath(*package.split("."), "__init__.py")
        if init.exists():
            continue
        report["packages made"].append(package)
        if not dry_run:
            init.parent.mkdir(parents=True, exist_ok=True)
            doc = PACKAGE_DOCS.get(package, f"{package.rsplit('.', 1)[1]}.")
            init.write_text(f'"""{doc}\n"""\n', encoding="utf-8")
            git(root, "add", str(init.relative_to(root)))
    applied, moving_now = {}, set()
    for old, new in MOVES.items():
        old_path, new_path = module_path(root, old), module_path(root, new)
        if old_path.exists() and new_path.exists():
            report["both old and new exist (left alone: merge them by hand)"].append(f"{old} / {new}")
        elif old_path.exists():
            report["moved"].append(f"{old} -> {new}")
            applied[old] = new
            moving_now.add(old)
            if not dry_run:
                git(root, "mv", str(old_path.relative_to(root)), str(new_path.relative_to(root)))
        elif new_path.exists():
            report["already in place"].append(new)
            applied[old] = new
        else:
            report["not in this tree"].append(old)
    return applied, moving_now


def unknown_modules(root: Path) -> list[str]:
    """Modules at the top of core, io and render that the script neither moves nor keeps."""
    left = []
    for package, kept in STAYS.items():
        for path in sorted(root.joinpath(*package.split(".")).glob("*.py")):
            name = f"{package}.{path.stem}"
            if path.stem != "__init__" and path.stem not in kept and name not in MOVES:
                left.append(name)
    return left


# --- 2. the references --------------------------------------------------------------------------


class Renamer:
    """Rewrites references to the ``moves`` (old dotted name -> new) in a text."""

    def __init__(self, moves: dict[str, str], moving_now: set[str]) -> None:
        self.moves = moves
        self.moving_now = moving_now
        # Keyed by the module's old name and its new one (code may use either).
        self.name_moves = {**NAME_MOVES, **{moves[old]: names for old, names in NAME_MOVES.items() if old in moves}}
        new_names = set(moves.values()) | set(new_packages())
        #: old names that are now packages, with the names of what the package holds
        self.now_packages = {
            old: {name[len(old) + 1:].split(".")[0] for name in new_names if name.startswith(old + ".")}
            for old in moves if any(name.startswith(old + ".") for name in new_names)
        }
        forms = {}
        for old, new in moves.items():
            forms[old] = new
            short_old, short_new = old.removeprefix("orbitview."), new.removeprefix("orbitview.")
            forms.setdefault(short_old, short_new)
        self.forms = forms
        names = sorted(forms, key=len, reverse=True)
        self.dotted = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, names)) + r")(?!\w)")
        paths = {}
        for old, new in moves.items():
            old_rel, new_rel = old.replace(".", "/") + ".py", new.replace(".", "/") + ".py"
            paths[old_rel] = new_rel
            paths[old_rel.removeprefix("orbitview/")] = new_rel.removeprefix("orbitview/")
        self.paths = paths
        # The full form may follow a directory (/home/x/orbitview/core/scene.py), the short
        # one not (it would match inside another path).
        full_paths = sorted((p for p in paths if p.startswith("orbitview/")), key=len, reverse=True)
        short_paths = sorted((p for p in paths if not p.startswith("orbitview/")), key=len, reverse=True)
        self.path_re = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, full_paths)) + r")(?!\w)"
                                  r"|(?<![\w/.])(" + "|".join(map(re.escape, short_paths)) + r")(?!\w)")
        self.from_import = re.compile(
            r"^(?P<indent>[ \t]*)from[ \t]+(?P<package>orbitview(?:\.\w+)*)[ \t]+import[ \t]+"
            r"(?P<names>\([^)]*\)|[^\n#]*?)(?P<comment>[ \t]*#[^\n]*)?$", re.MULTILINE)

    def _full(self, short_or_full: str) -> str:
        return short_or_full if short_or_full.startswith("orbitview.") else "orbitview." + short_or_full

    def _dotted(self, match: re.Match) -> str:
        name, text, end = match.group(1), match.string, match.end()
        old = self._full(name)
        if old not in self.now_packages:
            return self.forms[name]
        after = re.match(r"\.(\w+)", text[end:])
        if after is not None:
            # X.NAME: already new when NAME is a module of the package X is now.
            return name if after.group(1) in self.now_packages[old] else self.forms[name]
        imported = re.match(r"[ \t]+import[ \t]+\(?\s*([\w ,\t\n]*)", text[end:])
        if imported is not None:
            # "from X import NAMES": the names decide.
            names = {part.split()[0] for part in imported.group(1).split(",") if part.split()}
            return name if names and names <= self.now_packages[old] else self.forms[name]
        line = text[text.rfind("\n", 0, match.start()) + 1:match.start()]
        if old in self.moving_now or re.fullmatch(r"[ \t]*import[ \t]+", line):
            # Bare: before this run's move it can only be the module (a dotted string, "import
            # X as bm"); after it, the package, unless "import X" says otherwise.
            return self.forms[name]
        return name

    def _from_import(self, match: re.Match) -> str:
        package, names_text = match.group("package"), match.group("names")
        # Comments inside a parenthesised list go (the names they annotated may move apart).
        inner = re.sub(r"#[^\n]*", "", names_text).strip().removeprefix("(").removesuffix(")")
        entries = [part.strip() for part in inner.split(",") if part.strip()]
        stay, moved = [], {}
        for entry in entries:
            name, _, alias = (part.strip() for part in entry.partition(" as "))
            full = f"{package}.{name}"
            if name in self.name_moves.get(package, {}):
                target = self.name_moves[package][name]
                moved.setdefault(self.moves.get(target, target), []).append(entry)
                continue
            if full not in self.moves:
                stay.append(entry)
                continue
            parent, leaf = self.moves[full].rsplit(".", 1)
            alias = alias or (name if leaf != name else "")
            moved.setdefault(parent, []).append(f"{leaf} as {alias}" if alias else leaf)
        if not moved:
            return match.group(0)
        indent, comment = match.group("indent"), match.group("comment") or ""
        lines = [f"{indent}from {package} import {', '.join(stay)}"] if stay else []
        lines += [f"{indent}from {parent} import {', '.join(names)}" for parent, names in moved.items()]
        lines[0] += comment
        return "\n".join(lines)

    def rewrite(self, text: str) -> str:
        new = self.from_import.sub(self._from_import, text)
        new = self.dotted.sub(self._dotted, new)
        new = self.path_re.sub(lambda m: self.paths[m.group(1) or m.group(2)], new)
        return sort_changed_imports(new, text) if new != text else text


_ONE_LINE_IMPORT = re.compile(r"(?P<indent>[ \t]*)from (?P<module>orbitview[\w.]*) import [^()\\\n]*")


def sort_changed_imports(text: str, before: str) -> str:
    """Each run of one-line ``from orbitview... import`` statements the rewrite changed, sorted
    by module again (isort's order); runs it did not touch keep their order."""
    lines, untouched = text.split("\n"), set(before.split("\n"))
    out, i = [], 0
    while i < len(lines):
        first = _ONE_LINE_IMPORT.fullmatch(lines[i])
        if first is None:
            out.append(lines[i])
            i += 1
            continue
        j = i
        while j < len(lines) and (m := _ONE_LINE_IMPORT.fullmatch(lines[j])) and m["indent"] == first["indent"]:
            j += 1
        run = lines[i:j]
        if any(line not in untouched for line in run):
            run = sorted(run, key=lambda line: (_ONE_LINE_IMPORT.fullmatch(line)["module"], line))
        out += run
        i = j
    return "\n".join(out)


def text_files(root: Path) -> list[Path]:
    listed = git(root, "ls-files", "-co", "--exclude-standard", *TEXT_DIRS, *TEXT_FILES).splitlines()
    me = Path(__file__).resolve()
    return [root / name for name in listed
            if Path(name).suffix in TEXT_SUFFIXES and (root / name).is_file() and (root / name).resolve() != me]


def rewrite_references(root: Path, moves: dict[str, str], moving_now: set[str], dry_run: bool,
                       report: dict) -> None:
    renamer = Renamer(moves, moving_now)
    for path in text_files(root):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        new = renamer.rewrite(text)
        if new != text:
            report["files rewritten"].append(str(path.relative_to(root)))
            if not dry_run:
                path.write_text(new, encoding="utf-8")


# --- 3. pyproject and the layer test ----------------------------------------------------------


def packages_on_disk(root: Path) -> list[str]:
    found = [".".join(init.parent.relative_to(root).parts) for init in root.glob("orbitview/**/__init__.py")]
    return sorted(found)


def update_pyproject(root: Path, dry_run: bool, report: dict) -> None:
    path = root / "pyproject.toml"
    text = path.read_text(encoding="utf-8")
    config = tomllib.loads(text)
    new = text

    listed = config["tool"]["setuptools"]["packages"]
    mapped = [name for name in listed if name in config["tool"]["setuptools"].get("package-dir", {})]
    packages = packages_on_disk(root) + mapped
    if set(packages) != set(listed):
        lines = ",\n".join(f"    {', '.join(repr(p).replace(chr(39), chr(34)) for p in packages[i:i + 4])}"
                           for i in range(0, len(packages), 4))
        new = re.sub(r"(?ms)^packages = \[.*?^\]", lambda _: f"packages = [\n{lines},\n]", new, count=1)
        if new == text:
            new = re.sub(r"(?m)^packages = \[.*\]$", lambda _: f"packages = [\n{lines},\n]", new, count=1)

    has_services = (root / "orbitview" / "services" / "__init__.py").exists()
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = next((c for c in contracts if c.get("type") == "layers" and "orbitview.core" in c.get("layers", ())), None)
    if has_services and layers is not None and "orbitview.services" not in layers["layers"]:
        new = new.replace('    "orbitview.render",\n    "orbitview.io",\n',
                          '    "orbitview.render",\n    "orbitview.services",\n    "orbitview.io",\n', 1)
        new = new.replace('name = "Layers point down: commands, ui, render, io, core"',
                          'name = "Layers point down: commands, ui, render, services, io, core"', 1)
    forbidden = next((c for c in contracts if c.get("type") == "forbidden"
                      and "orbitview.io" in c.get("source_modules", ())), None)
    if has_services and forbidden is not None and "orbitview.services" not in forbidden["source_modules"]:
        new = new.replace('source_modules = ["orbitview.core", "orbitview.io"]',
                          'source_modules = ["orbitview.core", "orbitview.io", "orbitview.services"]', 1)
        new = new.replace('name = "core and io import neither Qt, vispy nor OpenGL"',
                          'name = "core, io and services import neither Qt, vispy nor OpenGL"', 1)
    if not any(c.get("name") == CORE_CONTRACT for c in contracts):
        new = new.rstrip("\n") + f'''

[[tool.importlinter.contracts]]
# The parts of core (issue 15): breakups and screening build on the scene model and orbits;
# the model builds on orbits; orbits on nothing above them. errors, interrupts and durations
# sit at the top of core, below all of these.
name = "{CORE_CONTRACT}"
type = "layers"
layers = [
    "orbitview.core.breakup | orbitview.core.conjunctions",
    "orbitview.core.model",
    "orbitview.core.orbits",
]
'''
    if new != text:
        tomllib.loads(new)  # still TOML, or stop here before writing
        report["files rewritten"].append("pyproject.toml (packages, contracts)")
        if not dry_run:
            path.write_text(new, encoding="utf-8")


def update_layer_test(root: Path, dry_run: bool, report: dict) -> None:
    """tests/test_layering.py imports every module of each layer: services is one now."""
    path = root / "tests" / "test_layering.py"
    if not path.exists() or not (root / "orbitview" / "services" / "__init__.py").exists():
        return
    text = path.read_text(encoding="utf-8")
    if '"orbitview.services"' in text:
        return
    anchor = '    "orbitview.io": ("PyQt6", "vispy", "OpenGL"),\n'
    if anchor not in text:
        report["to do by hand"].append("tests/test_layering.py: add orbitview.services to FORBIDDEN")
        return
    report["files rewritten"].append("tests/test_layering.py (services)")
    if not dry_run:
        path.write_text(text.replace(anchor, anchor + '    "orbitview.services": ("PyQt6", "vispy", "OpenGL"),\n', 1),
                        encoding="utf-8")


README_LAYOUT = """`orbitview/api.py` (the public Python API, docs/api.md), `orbitview/core` (the model and the
science: `model/` the evented scene, layers, clock, camera and scenario; `orbits/` catalogue
arrays, SGP4, frames, times, keyframes, tracks; `breakup/` the breakup model and its presets;
`conjunctions/` screening), `orbitview/io` (files and the network), `orbitview/services` (what
the window and the command line both do: build a scene from a scenario, run long jobs),
`orbitview/render` (vispy: `adapters/` model to visuals, `visuals/` GLSL, `export/` offscreen,
PNG, video), `orbitview/ui` (PyQt6 window), `orbitview/cli.py` and `orbitview/commands/` (the
command line), `assets/` (derived Earth image and stars, see `assets/README.md`), `datasets/`,
`tests/`, `benchmarks/`, `docs/`.
"""


def update_readme_layout(root: Path, dry_run: bool, report: dict) -> None:
    """The README's Layout section describes the new folders (its old text named the old ones)."""
    path = root / "README.md"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    match = re.search(r"(?ms)^## Layout\n\n(.*?)\n(?=## )", text)
    if match is None:
        report["to do by hand"].append("README.md: describe the new layout (no '## Layout' section found)")
        return
    if match.group(1) == README_LAYOUT:
        return
    report["files rewritten"].append("README.md (Layout)")
    if not dry_run:
        path.write_text(text[:match.start(1)] + README_LAYOUT + text[match.end(1):], encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="report what would change, change nothing")
    args = parser.parse_args(argv)
    root = Path(git(Path(__file__).resolve().parent, "rev-parse", "--show-toplevel").strip())
    report: dict[str, list[str]] = {key: [] for key in (
        "packages made", "moved", "already in place", "not in this tree",
        "both old and new exist (left alone: merge them by hand)", "files rewritten", "to do by hand")}
    moves, moving_now = move_modules(root, args.dry_run, report)
    rewrite_references(root, moves, moving_now, args.dry_run, report)
    update_pyproject(root, args.dry_run, report)
    update_layer_test(root, args.dry_run, report)
    update_readme_layout(root, args.dry_run, report)
    report["modules it does not know, left where they are"] = unknown_modules(root)
    for key, items in report.items():
        print(f"{key}: {len(items)}")
        for item in items:
            print(f"    {item}")
    if not args.dry_run:
        print("next: bash tests/run.sh (lint-imports and both test tiers), then commit and delete tools/restructure.py")
    return 1 if report["both old and new exist (left alone: merge them by hand)"] else 0


if __name__ == "__main__":
    sys.exit(main())
