"""Objects from their launch on: launch dates from designators and the SATCAT, fragments from
when they were catalogued, the counter of objects in orbit, and what the adapter is handed."""

from __future__ import annotations

import numpy as np
import pytest

from orbitview.core.model.scenario import OverlayText
from orbitview.core.orbits.launch_dates import appear_times_s, designator_launch_s, objects_in_orbit
from orbitview.core.orbits.times import parse_utc, posix_to_jd
from orbitview.io.catalog_files import load_catalog
from orbitview.io.satcat import open_satcat
from orbitview.render.export.annotations import Annotator
from orbitview.services.sources import open_source

INTERCEPT = parse_utc("2007-01-11T22:26:00Z")


@pytest.fixture(scope="module")
def satcat(catalogs):
    return open_satcat(catalogs / "satcat_2025-05-24.csv")


@pytest.fixture(scope="module")
def full_catalog(full_catalog_path):
    return load_catalog(full_catalog_path).catalog


@pytest.mark.core
def test_designator_dates_are_within_weeks_of_the_satcat(full_catalog, satcat):
    approx = designator_launch_s(full_catalog.intl_designator)
    real = np.array([satcat.launch_s.get(n, np.nan) for n in full_catalog.norad_id.tolist()])
    both = np.isfinite(approx) & np.isfinite(real)
    assert both.sum() > 25000
    error_days = np.abs(approx - real)[both] / 86400.0
    assert np.median(error_days) < 20.0 and np.percentile(error_days, 95) < 45.0
    # Launch n of a year whose highest launch at hand is L: (n - 1) / L of the way through it.
    year_s = parse_utc("2000-01-01T00:00:00Z") - parse_utc("1999-01-01T00:00:00Z")
    first, last, none = designator_launch_s(["1999-001A", "1999-050B", ""])
    assert first == parse_utc("1999-01-01T00:00:00Z") and np.isnan(none)
    assert last == pytest.approx(parse_utc("1999-01-01T00:00:00Z") + 49 / 50 * year_s, abs=1e-3)


@pytest.mark.core
def test_fragments_appear_once_catalogued_not_at_their_parents_launch(catalogs, satcat):
    cloud = load_catalog(catalogs / "debris_2025-02-15_tle" / "fengyun-1c-debris.txt").catalog
    appear = appear_times_s(cloud, satcat.launch_s)
    # Brute force: the newest SATCAT launch numbered below each object, its own launch, its epoch.
    numbers = np.fromiter(satcat.launch_s, np.int64)
    launches = np.fromiter(satcat.launch_s.values(), np.float64)
    for row in range(0, len(cloud), 7):
        n = int(cloud.norad_id[row])
        bound = launches[numbers < n].max()
        want = min(max(satcat.launch_s[n], bound), float(cloud.epoch_s[row]))
        assert appear[row] == want
    # Every piece carries the 1999 designator, yet before the intercept only the satellite was up.
    assert (appear < INTERCEPT).sum() == 1 and cloud.norad_id[appear < INTERCEPT][0] == 25730
    assert (appear <= parse_utc("2007-02-01T00:00:00Z")).sum() > 400
    assert (appear <= parse_utc("2008-01-01T00:00:00Z")).sum() > 1400


def _sgp4_ok(catalog, rows, t_s: float) -> np.ndarray:
    jd, fr = posix_to_jd(np.array([t_s]))
    out = []
    for row in rows:
        error, r, _ = catalog.satrecs[row].sgp4_array(jd, fr)
        out.append(error[0] == 0 and np.linalg.norm(r[0]) < 1e6)
    return np.array(out, bool)


@pytest.mark.core
def test_counter_counts_the_launched_objects_sgp4_can_place(catalogs, satcat):
    layer = open_source(catalogs / "debris_2025-02-15_tle" / "fengyun-1c-debris.txt", satcat).layer
    counts = {}
    for text in ("2007-01-11T22:00:00Z", "2007-01-11T23:00:00Z", "2007-06-01T00:00:30Z", "2025-02-15T00:00:00Z"):
        t = parse_utc(text)
        t0 = np.floor(t / 60.0) * 60.0  # the keyframe pair's start: objects exist from there on
        appear = appear_times_s(layer.catalog, satcat.launch_s)
        rows = np.flatnonzero(appear <= t0)
        ok = _sgp4_ok(layer.catalog, rows, t0) & _sgp4_ok(layer.catalog, rows, t0 + 60.0)
        counts[text] = objects_in_orbit([layer], t)
        assert counts[text] == ok.sum()
    # The breakup is a jump: one satellite, then hundreds of pieces within months.
    assert counts["2007-01-11T22:00:00Z"] == counts["2007-01-11T23:00:00Z"] == 1
    assert counts["2007-06-01T00:00:30Z"] > 900
    layer.visible = False
    assert objects_in_orbit([layer], parse_utc("2025-02-15T00:00:00Z")) == 0


@pytest.mark.adapter
def test_the_adapter_is_not_handed_objects_before_their_launch(full_catalog_path, satcat):
    from orbitview.render.adapters.view import LayerAdapter

    layer = open_source(full_catalog_path, satcat).layer
    t = parse_utc("2023-06-01T12:00:30Z")
    adapter = LayerAdapter(layer, parent=None, legend_changed=lambda *_: None)
    adapter.set_time(t, np.array([1.0, 0.0, 0.0]))
    valid = adapter.node.keyframes.valid
    launch = np.array([satcat.launch_s.get(n, np.nan) for n in layer.catalog.norad_id.tolist()])
    later = np.flatnonzero(launch > t)
    assert len(later) > 500  # launched between June and October 2023
    assert not valid[later].any()
    # They are hidden for their launch date, not for SGP4: it places them at that time.
    assert _sgp4_ok(layer.catalog, later[:100], t).mean() > 0.9
    assert valid[np.flatnonzero(launch < t - 86400.0 * 365)].mean() > 0.98
    adapter.close()


@pytest.mark.core
@pytest.mark.parametrize("size", [(640, 360), (1920, 1080), (1080, 1920)])
def test_counter_sits_over_the_clock_inside_the_frame(size):
    annotator = Annotator(size, OverlayText(attribution="orbitview · a long attribution line " * 2,
                                            in_orbit=True), [])
    t = parse_utc("2007-06-01T00:00:00Z")
    clock, counter = annotator.stamps(t, in_orbit=12345)[-2:]
    width, height = size
    for stamp in (clock, counter):
        h, w = stamp.rgba.shape[:2]
        assert 0 <= stamp.x and stamp.x + w <= width and 0 <= stamp.y and stamp.y + h <= height
    assert counter.y + counter.rgba.shape[0] <= clock.y
    top = annotator.boxes["attribution"][1]
    assert counter.y + counter.rgba.shape[0] <= max(top, clock.y) or counter.x + counter.rgba.shape[1] < annotator.boxes["attribution"][0]


@pytest.mark.qt
def test_the_window_counter_follows_the_clock(make_window, qtbot, catalogs, satcat):
    window = make_window()
    layer = open_source(catalogs / "debris_2025-02-15_tle" / "fengyun-1c-debris.txt", satcat).layer
    window.scene.add_layer(layer)
    toggle = next(a for a in window.menuBar().actions() if a.text() == "&View").menu().actions()
    toggle = next(a for a in toggle if a.text() == "Objects in orbit counter")
    assert window.view.overlay.in_orbit is None and not toggle.isChecked()
    toggle.trigger()
    assert window.scene.overlay.in_orbit
    for text in ("2007-01-11T22:00:00Z", "2007-06-01T00:00:30Z"):
        window.scene.clock.time_s = parse_utc(text)
        # The counter counts the dots drawn: from the worker's pair of the new time.
        qtbot.waitUntil(window.view.settled, timeout=20000)
        assert window.view.overlay.in_orbit == objects_in_orbit([layer], parse_utc(text))
    assert window.view.overlay.in_orbit > 900
    toggle.trigger()
    assert window.view.overlay.in_orbit is None


@pytest.mark.qt
def test_a_scenario_opened_in_the_window_brings_its_counter(make_window, qtbot):
    from conftest import REPO

    from orbitview.ui.export_dialogs import open_scenario_dialog

    window = make_window()
    open_scenario_dialog(window, str(REPO / "datasets" / "scenarios" / "fengyun-1c-shell.toml"))
    assert window.scene.overlay.in_orbit
    window.scene.clock.time_s = parse_utc("2016-01-01T00:00:00Z")
    qtbot.waitUntil(window.view.settled, timeout=20000)
    assert window.view.overlay.in_orbit == objects_in_orbit(window.scene.layers, window.scene.clock.time_s) > 1500
