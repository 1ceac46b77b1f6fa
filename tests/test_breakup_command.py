"""``orbitview breakup``: presets, errors, diagrams, trajectory output, and the default briefing."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from orbitview.cli import main
from orbitview.core.breakup_presets import PRESETS, run_event
from orbitview.core.classify import ObjectClass

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


@pytest.mark.parametrize("key", list(PRESETS))
def test_every_preset_breaks_up_into_fitted_debris(key):
    result = run_event(PRESETS[key], 0.1, seed=1)
    sets = result.element_sets
    assert len(sets.catalog) > 100
    assert np.all(sets.catalog.object_class == ObjectClass.DEBRIS)
    assert sets.catalog.norad_id.min() >= 270000
    assert np.all(sets.residual_position_km < 1e-3)
    assert result.event.citation


def test_gabbard_png_beside_the_real_cloud(tmp_path, catalogs, capsys):
    out = tmp_path / "g.png"
    real = catalogs / "debris_2025-02-15_tle" / "fengyun-1c-debris.txt"
    assert main(["breakup", "fengyun-1c-2007", "--gabbard", str(out), "--compare", str(real)]) == 0
    assert Image.open(out).size[0] == 2 * 720


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
    assert loaded.name[0] == "FENGYUN 1C-DEB 0001"
    assert np.all(loaded.object_class == ObjectClass.DEBRIS)


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
    assert load_catalog(out).catalog.norad_id.min() >= 270000
