"""Imports point down only: core/io/services never import Qt or vispy; render never imports Qt widgets.

lint-imports (the contracts in pyproject.toml) checks orbitview's own import statements; this
test imports each module and looks at what actually got loaded, so it also catches Qt or vispy
pulled in through a third-party package, which the import graph cannot see.
"""

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import orbitview

pytestmark = pytest.mark.core

FORBIDDEN = {
    "orbitview.core": ("PyQt6", "vispy", "OpenGL"),
    "orbitview.io": ("PyQt6", "vispy", "OpenGL"),
    "orbitview.services": ("PyQt6", "vispy", "OpenGL"),
    "orbitview.render": ("PyQt6.QtWidgets",),
}


def modules_of(package: str) -> list[str]:
    """Every module of ``package``, its subpackages' too (core.conjunctions, core.model...)."""
    path = Path(orbitview.__file__).parent / package.split(".")[1]
    return [m.name for m in pkgutil.walk_packages([str(path)], prefix=f"{package}.")]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layer_imports_nothing_forbidden(package):
    modules = modules_of(package)
    assert modules, f"no modules found in {package}"
    script = (
        "import importlib, sys\n"
        f"forbidden = {FORBIDDEN[package]!r}\n"
        "bad = {}\n"
        f"for name in {modules!r}:\n"
        "    before = set(sys.modules)\n"
        "    importlib.import_module(name)\n"
        "    for loaded in set(sys.modules) - before:\n"
        "        if loaded.startswith(forbidden):\n"
        "            bad.setdefault(name, []).append(loaded)\n"
        "print(bad)\n"
    )
    # One fresh interpreter per layer: a module imported by an earlier layer cannot hide one here.
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "{}", out.stdout


def test_the_check_would_catch_a_forbidden_import(tmp_path):
    """The same check flags a module that imports Qt (so the test above can fail)."""
    (tmp_path / "leaky.py").write_text("import PyQt6.QtWidgets\n")
    script = (
        f"import sys; sys.path.insert(0, {str(tmp_path)!r}); import leaky; "
        "print(any(m.startswith('PyQt6') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
