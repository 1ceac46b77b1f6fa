"""Shared fixtures. The real catalogues are read in place from ../shared/data/catalog
(override with ORBITVIEW_CATALOG_DIR), the sources of the shipped assets from
../shared/data/assets-src (override with ORBITVIEW_ASSET_SOURCES_DIR); a missing directory fails
the tests, it never skips them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# The whole suite (tests/run.sh, CI) draws the same examples on every run and machine, so a
# result can be repeated; a targeted run without the profile explores new ones. Neither times
# an example: a shared, loaded machine is not a slow function (no duration is asserted).
UNTIMED = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("repeatable", derandomize=True, database=None, **UNTIMED)
settings.register_profile("exploring", **UNTIMED)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "exploring"))

REPO = Path(__file__).resolve().parents[1]
ARTEFACTS = REPO / "tests" / "artefacts"


def _shared_dir(variable: str, default: str, what: str) -> Path:
    path = Path(os.environ.get(variable, REPO.parent / "shared" / "data" / default))
    if not path.is_dir():
        pytest.fail(f"{what} not found at {path}; set {variable}")
    return path


def catalog_dir() -> Path:
    return _shared_dir("ORBITVIEW_CATALOG_DIR", "catalog", "test catalogues")


def asset_sources_dir() -> Path:
    """The directory holding coastlines/, earth/ and stars/ (what assets/ was derived from)."""
    return _shared_dir("ORBITVIEW_ASSET_SOURCES_DIR", "assets-src", "asset sources")


@pytest.fixture(scope="session", autouse=True)
def empty_fetch_cache(tmp_path_factory):
    """The fetch cache every test (and every command it runs) sees, unless it sets its own:
    empty, so a SATCAT the developer fetched never changes what a test loads."""
    folder = tmp_path_factory.mktemp("fetch-cache")
    saved = os.environ.get("ORBITVIEW_CACHE_DIR")
    os.environ["ORBITVIEW_CACHE_DIR"] = str(folder)
    yield folder
    if saved is None:
        del os.environ["ORBITVIEW_CACHE_DIR"]
    else:
        os.environ["ORBITVIEW_CACHE_DIR"] = saved


@pytest.fixture(scope="session")
def catalogs() -> Path:
    """The directory holding full_2023-10-09.3le, debris_2025-02-15_tle/ and debris_2026-08-11_omm/."""
    return catalog_dir()


@pytest.fixture(scope="session")
def full_catalog_path(catalogs) -> Path:
    return catalogs / "full_2023-10-09.3le"


@pytest.fixture(scope="session")
def artefacts() -> Path:
    """Where tests leave images for a person to look at (tests/artefacts, not committed)."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS


@pytest.fixture
def settings_dir(tmp_path, monkeypatch) -> Path:
    """Where the window keeps its settings during a test (never the user's own)."""
    folder = tmp_path / "settings"
    folder.mkdir()
    monkeypatch.setenv("ORBITVIEW_SETTINGS_DIR", str(folder))
    return folder


@pytest.fixture
def canvas():
    """A real offscreen vispy canvas (EGL), for adapters without a window."""
    from orbitview.render.backend import use_headless

    use_headless()
    from vispy import scene as vscene

    made = vscene.SceneCanvas(size=(320, 240), show=False, dpi=96)
    yield made
    made.close()


@pytest.fixture
def window_time_s() -> float:
    """The clock of a window made without a scene; a test module may override it."""
    from orbitview.core.orbits.times import parse_utc

    return parse_utc("2023-10-09T12:00:00Z")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keeps the test's own outcome on the item, for fixtures that check only after a pass."""
    report = yield
    if report.when == "call":
        item.call_report = report
    return report


@pytest.fixture
def canvases_must_die() -> bool:
    """Whether make_window checks that each window's vispy canvas is gone after the test.
    A module whose fixtures hand out windows turns it off: pytest keeps fixture values
    alive until the whole test item is done, after make_window's own teardown."""
    return True


@pytest.fixture
def make_window(request, qtbot, settings_dir, window_time_s, canvases_must_die):
    """Makes main windows (shown, first frame drawn, active); after the test closes and
    deletes them and checks that no window and no vispy canvas is left behind (after a
    passed test: a failed one's traceback holds its windows)."""
    import weakref

    from orbitview.render.backend import use_qt

    use_qt()
    from qt_windows import assert_no_windows_left

    from orbitview.core.model.clock import Clock
    from orbitview.core.model.scene import Scene
    from orbitview.ui.main_window import MainWindow

    made, canvases = [], []

    def make(scene=None, **kwargs):
        window = MainWindow(scene or Scene(clock=Clock(time_s=window_time_s)), **kwargs)
        window.show()
        qtbot.waitUntil(lambda: window.frames_drawn > 0, timeout=20000)
        # Shortcuts go to the active window only (Xvfb has no window manager to activate it).
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=20000)
        made.append(window)
        canvases.append(weakref.ref(window.canvas))
        return window

    yield make
    while made:
        window = made.pop()
        window.close()
        window.deleteLater()
        del window  # the last reference: nothing may keep the window or its canvas alive
    assert_no_windows_left(qtbot)
    call = getattr(request.node, "call_report", None)
    if canvases_must_die and call is not None and call.passed:
        assert all(ref() is None for ref in canvases), "a vispy canvas outlived its window"


@pytest.fixture(scope="session")
def fy1c_model():
    """The Fengyun-1C preset modelled as the embedded briefing is (10 cm and larger, seed 1)."""
    from orbitview.core.breakup.presets import PRESETS, run_event

    return run_event(PRESETS["fengyun-1c-2007"], 0.1, seed=1)


@pytest.fixture(scope="session")
def fy1c_tracked_2025(catalogs):
    """The tracked Fengyun-1C cloud of 2025-02-15 (CelesTrak's fengyun-1c-debris group)."""
    from orbitview.io.catalog_files import load_catalog

    return load_catalog(catalogs / "debris_2025-02-15_tle" / "fengyun-1c-debris.txt").catalog
