"""``orbitview breakup``: presets, errors, diagrams, trajectory output, and the default briefing."""

from __future__ import annotations

import numpy as np
import pytest

from orbitview.cli import main
from orbitview.core.breakup_presets import PRESETS, run_event
from orbitview.core.classify import ObjectClass
from orbitview.core.fragment_sets import SYNTHETIC_ID_FIRST, SYNTHETIC_ID_LAST

pytestmark = pytest.mark.core


def test_list_names_every_preset_with_its_source(capsys):
    assert main(["breakup", "--list"]) == 0
    out = capsys.readouterr().out
    for key in ("fengyun-1c-2007", "iridium-cosmos-2009", "shakti-2019", "cosmos-1408-2021"):
        assert key in out
    assert out.count("source:") == 4


@pytest.mark.parametrize("argv, message", [
    (["breakup", "nope", "--out", "x.tle"], "unknown breakup event"),
    (["breakup", "fengyun-1c-2007", "--out", "x.png"], "unknown output format"),
    (["breakup", "fengyun-1c-2007"], "--out"),
    (["breakup", "fengyun-1c-2007", "--out", "x.tle", "--min-size", "0"], "--min-size"),
    (["breakup", "custom", "--out", "x.tle"], "needs --catalog"),
])
def test_user_mistakes_are_one_line_errors(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize("argv, message", [
    (["breakup", "fengyun-1c-2007", "--out", "x.tle", "--first-id", "-1"], "--first-id"),
    (["breakup", "fengyun-1c-2007", "--out", "x.omm.json", "--first-id", str(2**31)], "--first-id"),
    (["breakup", "fengyun-1c-2007", "--out", "x.tle", "--first-id", "339000"], "past what a TLE holds"),
    (["breakup", "fengyun-1c-2007", "--out", "x.omm.json", "--first-id", str(2**31 - 100)],
     "past what orbitview writes"),
    (["breakup", "fengyun-1c-2007", "--out", "x.tle", "--count-scale", "0"], "--count-scale"),
    (["breakup", "fengyun-1c-2007", "--out", "x.tle", "--max-delta-v", "0.5"], "--max-delta-v"),
    (["breakup", "fengyun-1c-2007", "--out", "x.tle", "--remnant-mass", "900"], "--remnant-mass"),
])
def test_id_and_calibration_mistakes_are_one_line_errors(argv, message, capsys, tmp_path, monkeypatch):
    """Numbers a format cannot hold, and calibrations that make no sense: refused before
    anything is written."""
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("key", list(PRESETS))
def test_every_preset_breaks_up_into_fitted_debris(key):
    result = run_event(PRESETS[key], 0.1, seed=1)
    sets = result.element_sets
    assert len(sets.catalog) > 100
    debris = sets.catalog.norad_id != result.event.target.norad_id  # all but a kept remnant
    assert debris.sum() >= len(sets.catalog) - 1
    assert np.all(sets.catalog.object_class[debris] == ObjectClass.DEBRIS)
    ids = sets.catalog.norad_id[debris]
    assert ids.min() >= SYNTHETIC_ID_FIRST and ids.max() <= SYNTHETIC_ID_LAST
    assert np.all(sets.residual_position_km < 1e-3)
    assert result.event.citation


def test_gabbard_beside_the_real_cloud(tmp_path, catalogs, capsys):
    import xml.etree.ElementTree as ET

    out = tmp_path / "g.svg"
    real = catalogs / "debris_2025-02-15_tle" / "fengyun-1c-debris.txt"
    assert main(["breakup", "fengyun-1c-2007", "--gabbard", str(out), "--compare", str(real)]) == 0
    texts = [e.text or "" for e in ET.parse(out).getroot().iter("{http://www.w3.org/2000/svg}text")]
    assert any(t.startswith("Model, 2007-01-11") for t in texts)
    assert any(t.startswith("fengyun-1c-debris.txt, 2025-02-1") and "1,918 objects" in t for t in texts)


def test_gabbard_in_another_format_is_a_one_line_error(tmp_path, capsys):
    assert main(["breakup", "fengyun-1c-2007", "--gabbard", str(tmp_path / "g.jpg")]) == 2
    err = capsys.readouterr().err
    assert "PNG, SVG or PDF" in err and "Traceback" not in err and not (tmp_path / "g.jpg").exists()


def test_h5_output_spans_the_event(tmp_path):
    from orbitview.io.trajectories import Trajectories

    out = tmp_path / "fy.h5"
    assert main(["breakup", "fengyun-1c-2007", "--out", str(out), "--days", "0.5", "--step", "1800"]) == 0
    event_s = PRESETS["fengyun-1c-2007"].time_s
    with Trajectories.open(out) as t:
        assert t.start_s == event_s - 600.0
        assert t.end_s >= event_s + 0.5 * 86400 - 1800
        assert len(t) > 500


@pytest.mark.parametrize("key", ["fengyun-1c-2007", "shakti-2019"])
def test_h5_output_at_its_default_step_is_within_5_m_of_sgp4_in_orbit(tmp_path, key):
    from orbitview.core.gabbard import from_states
    from orbitview.core.propagate import propagate
    from orbitview.io.trajectories import Trajectories

    out = tmp_path / "cloud.h5"
    assert main(["breakup", key, "--out", str(out), "--days", "0.5"]) == 0
    with Trajectories.open(out) as trajectories:
        catalog, times_s = trajectories.catalog(), trajectories.times_s
        step_s = times_s[1] - times_s[0]
        offsets = (times_s[:-1, None] + step_s * np.arange(1, 6)[None, :] / 6).ravel()
        interpolated = np.stack([trajectories.positions_at(t) for t in offsets])
    direct = propagate(catalog, offsets, "GCRS")
    error_m = 1e3 * np.linalg.norm(interpolated - direct.position_km, axis=-1)
    # Fragments whose osculating perigee has sunk below 200 km are in their last revolutions:
    # there SGP4's own solution collapses faster than any 60 s sampling follows (up to km).
    shape = direct.position_km.shape
    perigee_km = from_states(direct.position_km.reshape(-1, 3), direct.velocity_km_s.reshape(-1, 3)).perigee_km
    in_orbit = perigee_km.reshape(shape[:2]) > 200.0
    assert in_orbit.mean() > 0.5
    assert np.isfinite(error_m[in_orbit]).all()
    assert error_m[in_orbit].max() <= 5.0


@pytest.mark.parametrize("ending", [".omm.json", ".3le", ".tle"])
def test_element_set_output_loads_back(tmp_path, ending):
    from orbitview.io.catalog_files import load_catalog

    out = tmp_path / f"fy{ending}"
    assert main(["breakup", "fengyun-1c-2007", "--out", str(out)]) == 0
    loaded = load_catalog(out).catalog
    expected = run_event(PRESETS["fengyun-1c-2007"], 0.1, seed=1).element_sets.catalog
    np.testing.assert_array_equal(loaded.norad_id, expected.norad_id)
    if ending == ".tle":
        return  # two-line sets carry no names, so nothing says "debris"
    assert loaded.name[0] == "FENGYUN 1C" and loaded.name[1].startswith("FENGYUN 1C-DEB ")
    assert np.all(loaded.object_class[1:] == ObjectClass.DEBRIS)


def test_custom_explosion_of_a_loaded_object(tmp_path, catalogs, capsys):
    out = tmp_path / "custom.omm.json"
    real = catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt"
    from orbitview.io.catalog_files import load_catalog

    norad = int(load_catalog(real).catalog.norad_id[0])
    argv = ["breakup", "custom", "--catalog", str(real), "--object", str(norad),
            "--time", "2025-02-16T00:00:00Z", "--kind", "explosion", "--mass", "50",
            "--min-size", "0.02", "--out", str(out)]
    assert main(argv) == 0
    assert "Explosion of" in capsys.readouterr().out
    assert load_catalog(out).catalog.norad_id.min() >= SYNTHETIC_ID_FIRST


def test_synthetic_numbers_are_used_by_no_real_catalogue(catalogs):
    """The 2023 catalogue's analyst objects sit at 80000-89999 and 270000-270288; no file, nor
    the SATCAT, holds a number of the synthetic range, and its ends fit a TLE (Alpha-5)."""
    import csv

    from orbitview.io.catalog_files import load_catalog
    from orbitview.io.writers import alpha5

    files = [catalogs / "full_2023-10-09.3le", *sorted((catalogs / "debris_2025-02-15_tle").iterdir()),
             *sorted((catalogs / "debris_2026-08-11_omm").iterdir())]
    real = np.concatenate([load_catalog(path).catalog.norad_id for path in files])
    with open(catalogs / "satcat_2025-05-24.csv", newline="", encoding="utf-8") as handle:
        real = np.concatenate([real, [int(row["NORAD_CAT_ID"]) for row in csv.DictReader(handle)]])
    assert (real >= 270000).sum() > 200  # the old range's collisions are there to be found
    assert not np.any((real >= SYNTHETIC_ID_FIRST) & (real <= SYNTHETIC_ID_LAST))
    assert (alpha5(SYNTHETIC_ID_FIRST), alpha5(SYNTHETIC_ID_LAST)) == ("L0000", "S9999")


def test_calibration_options_override_the_preset(tmp_path):
    """--count-scale 1 --max-delta-v 0 --remnant-mass 0 is the plain model."""
    from orbitview.core.breakup import PLAIN
    from orbitview.io.catalog_files import load_catalog

    plain = tmp_path / "plain.omm.json"
    assert main(["breakup", "fengyun-1c-2007", "--out", str(plain), "--count-scale", "1",
                 "--max-delta-v", "0", "--remnant-mass", "0"]) == 0
    expected = run_event(PRESETS["fengyun-1c-2007"], 0.1, seed=1, calibration=PLAIN).element_sets.catalog
    loaded = load_catalog(plain).catalog
    np.testing.assert_array_equal(loaded.norad_id, expected.norad_id)
    assert 25730 not in loaded.norad_id
    calibrated = run_event(PRESETS["fengyun-1c-2007"], 0.1, seed=1).element_sets.catalog
    assert 2.5 < len(calibrated) / len(loaded) < 4.0
