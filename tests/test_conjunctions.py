"""Conjunction screening against independent authorities: brute force with sgp4, built encounters,
Alfano's closed form, and the command as a user runs it."""

from __future__ import annotations

import csv
import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sgp4.api import SatrecArray

from brute_force_conjunctions import brute_force_minima
from orbitview.cli import main
from orbitview.core.conjunctions import screen
from orbitview.core.conjunctions.bands import BAND_PAD_KM, radius_bands_km
from orbitview.core.conjunctions.bounds import MU_KM3_S2, PERTURBATION_KM_S2, interpolation_error_km, physical_motion
from orbitview.core.conjunctions.probability import max_probability
from orbitview.core.conjunctions.sampling import NODE_STEP_S, sample_positions
from orbitview.core.conjunctions.screen import DEFAULT_STEP_S
from orbitview.core.orbits.catalog import Catalog
from orbitview.core.orbits.classify import ObjectClass
from orbitview.core.orbits.mean_elements import fit_mean_elements
from orbitview.core.orbits.times import posix_to_jd
from orbitview.io.catalog_files import load_catalogs
from orbitview.io.conjunction_files import CO_LOCATED_COLUMNS, EVENT_COLUMNS

pytestmark = pytest.mark.core

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def full(full_catalog_path):
    return load_catalogs([full_catalog_path]).catalog


def test_every_brute_force_encounter_is_found_and_no_other(full):
    # 600 Fengyun-1C fragments and the payloads that fly at their heights, 3 h, 10 km.
    fengyun = np.flatnonzero(full.name == "FENGYUN 1C DEB")[:600]
    payloads = np.flatnonzero((full.object_class == ObjectClass.PAYLOAD)
                              & (full.mean_motion_rev_per_day > 13.8) & (full.mean_motion_rev_per_day < 14.4))[:200]
    catalog = full.take(np.r_[fengyun, payloads])
    start_s, span_s, threshold_km = float(np.median(catalog.epoch_s)), 3 * 3600.0, 10.0
    expected = brute_force_minima(list(catalog.satrecs), start_s, span_s, threshold_km)
    found = screen(catalog, start_s, span_s, threshold_km, workers=2).encounters
    assert len(expected) >= 20  # enough to mean something
    assert_same_encounters(catalog, expected, found)
    # Primaries against everything (their radius bands filter first): the pairs with a payload.
    primaries = np.arange(len(fengyun), len(catalog))
    with_payload = [m for m in expected if max(m[0], m[1]) >= len(fengyun)]
    assert with_payload
    found = screen(catalog, start_s, span_s, threshold_km, primaries=primaries, workers=2).encounters
    assert all(e.a in set(catalog.norad_id[primaries].tolist()) for e in found)
    assert_same_encounters(catalog, with_payload, found)
    # A few primaries are compared with every object without the tree: the same answers.
    few = np.unique([max(m[0], m[1]) for m in with_payload])[:8]
    found = screen(catalog, start_s, span_s, threshold_km, primaries=few, workers=2).encounters
    assert_same_encounters(catalog, [m for m in expected if m[0] in few or m[1] in few], found)


def assert_same_encounters(catalog, expected, found):
    """Each brute-force minimum matched by one found encounter (TCA within 10 ms, miss within 1 m), no other."""
    unmatched = list(found)
    for i, j, tca_s, miss_km in expected:
        pair = {int(catalog.norad_id[i]), int(catalog.norad_id[j])}
        match = [e for e in unmatched if {e.a, e.b} == pair and abs(e.tca_s - tca_s) < 0.010]
        assert match, f"missed {pair} at {tca_s} ({miss_km:.3f} km)"
        assert abs(match[0].miss_km - miss_km) < 1e-3
        unmatched.remove(match[0])
    assert unmatched == []


def test_non_central_acceleration_of_the_real_catalogue_is_within_the_bound(full):
    # Second differences of SGP4 positions over a day, minus central gravity: the bound the
    # segment filter rests on (bounds.PERTURBATION_KM_S2) must hold with room to spare for every
    # object the filter keeps (physical motion over the segment's default step).
    satrecs = SatrecArray(list(full.satrecs))
    t0 = float(np.median(full.epoch_s))
    step_s = DEFAULT_STEP_S
    worst = 0.0
    left_out = set()
    for start in t0 + np.arange(0.0, 86400.0, 3600.0):
        jd, fr = posix_to_jd(start + np.array([-1.0, 0.0, 1.0, step_s]))
        error, r, v = satrecs.sgp4(jd, fr)
        with np.errstate(invalid="ignore", over="ignore"):
            kept = physical_motion(r[:, 1], r[:, 3], v[:, 1], v[:, 3], step_s)
        ok = (error == 0).all(axis=1) & kept
        left_out.update(full.norad_id[(error == 0).all(axis=1) & ~kept].tolist())
        accel = r[ok, 0] - 2 * r[ok, 1] + r[ok, 2]
        centre = r[ok, 1]
        gravity = -MU_KM3_S2 * centre / np.linalg.norm(centre, axis=1)[:, None] ** 3
        worst = max(worst, float(np.linalg.norm(accel - gravity, axis=1).max()))
    assert 1e-5 < worst < PERTURBATION_KM_S2 / 2
    assert len(left_out) < 30  # the few decayed objects SGP4 still propagates


def test_interpolated_positions_of_the_real_catalogue_are_within_their_bound(full):
    # The samples between SGP4's nodes are cubics (sampling), the bound of bounds.interpolation_error_km:
    # against SGP4 at every sample, every two hours over a day, the whole catalogue must be within
    # half of it (the worst is an eccentric rocket body at perigee), and no segment an object was
    # usable for with SGP4 at every sample may be lost.
    satrecs = list(full.satrecs)
    satrec_array = SatrecArray(satrecs)
    t0 = float(np.median(full.epoch_s))
    worst = 0.0
    for start in t0 + np.arange(0.0, 86400.0, 7200.0):
        times_s = start + DEFAULT_STEP_S * np.arange(10)
        position, usable, error_km = sample_positions(satrecs, satrec_array, times_s)
        error, r, v = satrec_array.sgp4(*posix_to_jd(times_s))
        with np.errstate(invalid="ignore", over="ignore"):
            direct = ((error == 0)[:, :-1] & (error == 0)[:, 1:]
                      & physical_motion(r[:, :-1], r[:, 1:], v[:, :-1], v[:, 1:], DEFAULT_STEP_S)).T
        assert np.array_equal(usable, direct)
        known = usable.any(axis=0)
        worst = max(worst, float(np.linalg.norm(position[:, known] - r[known].transpose(1, 0, 2), axis=2).max()))
    assert error_km == pytest.approx(interpolation_error_km(NODE_STEP_S))
    assert 0.01 < worst < error_km / 2


def _pair_catalog(base: Catalog, row: int, tca_s: float, miss_km: float, kind: str, angle: float):
    """``base``'s object ``row`` and a made-up second one meeting it at ``tca_s``, ``miss_km`` apart."""
    jd, fr = posix_to_jd(tca_s)
    _, r, v = base.satrecs[row].sgp4(float(jd[0]), float(fr[0]))
    r, v = np.array(r), np.array(v)
    radial = r / np.linalg.norm(r)
    if kind == "head-on":
        # Turn the velocity about the radial direction until the relative speed is 15 km/s.
        turn = 2 * math.asin(15.0 / (2 * np.linalg.norm(v)))
        v_b = v * math.cos(turn) + np.cross(radial, v) * math.sin(turn) + radial * (radial @ v) * (1 - math.cos(turn))
        v_rel = v_b - v
        side = np.cross(radial, v_rel) / np.linalg.norm(np.cross(radial, v_rel))
        offset = math.cos(angle) * radial + math.sin(angle) * side
    else:
        # 1 m/s across the orbit-normal / in-track plane, the miss radial: range has a minimum.
        normal = np.cross(r, v) / np.linalg.norm(np.cross(r, v))
        track = np.cross(normal, radial)
        v_b = v + 1e-3 * (math.cos(angle) * track + math.sin(angle) * normal)
        offset = radial
    fit = fit_mean_elements((r + miss_km * offset)[None], v_b[None], float(jd[0]), float(fr[0]),
                            satnums=[99999], tolerance_km=1e-9)
    assert fit.error[0] == 0 and fit.residual_velocity_km_s[0] < 1e-9
    other = Catalog(
        norad_id=[99999], name=["BUILT"], intl_designator=[""], object_class=[ObjectClass.UNKNOWN],
        epoch_jd=[fit.satrecs[0].jdsatepoch], epoch_fr=[fit.satrecs[0].jdsatepochF],
        mean_motion_rev_per_day=fit.mean_motion_rev_per_day, eccentricity=fit.eccentricity,
        inclination_deg=fit.inclination_deg, raan_deg=fit.raan_deg, arg_perigee_deg=fit.arg_perigee_deg,
        mean_anomaly_deg=fit.mean_anomaly_deg, bstar=fit.bstar, mean_motion_dot=[0.0], mean_motion_ddot=[0.0],
        element_set_no=[1], rev_at_epoch=[0], classification=["U"], source=["test"], satrecs=fit.satrecs,
    )
    return Catalog.concatenate([base.take([row]), other])


@settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(kind=st.sampled_from(["head-on", "co-orbital"]), offset_s=st.floats(2000.0, 5200.0),
       miss_km=st.floats(0.05, 4.5), angle=st.floats(0.0, 2 * math.pi), row=st.integers(0, 40))
def test_built_encounters_are_found_at_their_time_and_distance(full, kind, offset_s, miss_km, angle, row):
    # Low enough (above 7.6 km/s) for two such objects to meet at 15 km/s.
    leo = np.flatnonzero((full.mean_motion_rev_per_day > 15.2) & (full.mean_motion_rev_per_day < 15.6)
                         & (full.eccentricity < 0.005))
    base = full.take(leo[row * 97 % len(leo):][:1])
    start_s = float(base.epoch_s[0])
    tca_s = start_s + offset_s
    pair = _pair_catalog(base, 0, tca_s, miss_km, kind, angle)
    # A pair this slow stays within 5 km for hours (one co-located entry, rightly): it is
    # screened with a threshold just above its miss, which it leaves within 2000 s.
    threshold_km = 5.0 if kind == "head-on" else miss_km + 0.5
    found = screen(pair, start_s, 7200.0, threshold_km, workers=1)
    events = [e for e in found.encounters if abs(e.tca_s - tca_s) < 60]
    assert len(events) == 1, (found.encounters, found.co_located)
    assert abs(events[0].tca_s - tca_s) < 0.010
    assert abs(events[0].miss_km - miss_km) < 1e-3
    speed = 15.0 if kind == "head-on" else 1e-3
    assert abs(events[0].relative_speed_km_s - speed) < 1e-3 * speed


@pytest.mark.parametrize("miss_km", [0.5, 1.0, 5.0])
def test_pc_max_tends_to_alfanos_closed_form(miss_km):
    radius_km = 0.005
    assert max_probability(miss_km, radius_km) == pytest.approx(radius_km**2 / (math.e * miss_km**2), rel=2e-3)


def test_pc_max_is_one_inside_the_hard_body_and_falls_with_distance():
    assert max_probability(0.01, 0.02) == 1.0
    values = [max_probability(d, 0.02) for d in (0.03, 0.1, 1.0, 5.0)]
    assert values == sorted(values, reverse=True) and values[0] < 1.0


def orbitview(*args):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "orbitview", *map(str, args)], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


#: The ISS and the vehicles docked to it on 2023-10-09.
ISS_COMPLEX = {"25544", "49044", "56740", "57488", "57691", "57697", "57862"}


@pytest.fixture(scope="module")
def fengyun_file(full_catalog_path, tmp_path_factory):
    """800 of the 2023 catalogue's Fengyun-1C fragments and the ISS complex as a 3LE file."""
    lines = full_catalog_path.read_text().splitlines()
    names = range(0, len(lines) - 2, 3)
    keep = [k for k in names if "FENGYUN 1C DEB" in lines[k]][:800] + [k for k in names if lines[k + 1][2:7] in ISS_COMPLEX]
    path = tmp_path_factory.mktemp("fengyun") / "fengyun.3le"
    path.write_text("\n".join(line for k in keep for line in lines[k:k + 3]) + "\n")
    return path


def test_the_command_writes_json_csv_and_cdms(fengyun_file, tmp_path):
    cdm = tmp_path / "cdm"
    cdm.mkdir()
    common = ["--start", "2023-10-09T12:00:00Z", "--span", "2h", "--threshold", "8"]
    process = orbitview("screen", fengyun_file, *common, "--out", tmp_path / "events.json", "--cdm", cdm)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    result = json.loads((tmp_path / "events.json").read_text())
    assert set(result) == {"meta", "events", "co_located"}
    assert result["events"] and all(list(e) == list(EVENT_COLUMNS) for e in result["events"])
    assert all(e["miss_km"] <= 8.0 and e["tca"].endswith("Z") and len(e["tca"]) == 24 for e in result["events"])
    # The ISS modules docked together: one co-located entry per pair, not events.
    assert result["co_located"] and all(list(c) == list(CO_LOCATED_COLUMNS) for c in result["co_located"])
    assert all(c["max_range_km"] <= 8.0 for c in result["co_located"])
    assert len(result["co_located"]) == 21  # 7 docked vehicles, every pair once
    # Within the threshold throughout: each stretch is the whole span.
    assert {(c["start"], c["end"]) for c in result["co_located"]} == {("2023-10-09T12:00:00.000Z",
                                                                       "2023-10-09T14:00:00.000Z")}
    assert not any({str(e["a"]), str(e["b"])} <= ISS_COMPLEX for e in result["events"])
    messages = sorted(cdm.iterdir())
    assert len(messages) == len(result["events"])
    text = messages[0].read_text()
    first = min(result["events"], key=lambda e: e["tca"])
    assert "CCSDS_CDM_VERS = 1.0" in text and f"TCA = {first['tca'][:-1]}" in text
    assert f"MISS_DISTANCE = {first['miss_km'] * 1000:.3f} [m]" in text
    process = orbitview("screen", fengyun_file, *common, "--out", tmp_path / "events.csv")
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    with open(tmp_path / "events.csv", newline="") as file:
        rows = list(csv.DictReader(file))
    events = [r for r in rows if r["kind"] == "encounter"]
    assert [r["tca"] for r in events] == [e["tca"] for e in result["events"]]
    assert [float(r["miss_km"]) for r in events] == [e["miss_km"] for e in result["events"]]
    stretches = [r for r in rows if r["kind"] == "co-located"]
    assert [(r["start"], r["end"]) for r in stretches] == [(c["start"], c["end"]) for c in result["co_located"]]
    assert len(rows) == len(events) + len(stretches)


@pytest.mark.parametrize("option, value, message", [
    ("--span", "forever", "bad duration"), ("--threshold", "-1", "positive"), ("--start", "yesterday", "bad time"),
    ("--out", "events.txt", ".json or .csv"), ("--primary", "99999999", "not in the loaded catalogue"),
])
def test_user_mistakes_are_one_clear_line(fengyun_file, tmp_path, capsys, option, value, message):
    options = {"--span": "1h", "--out": str(tmp_path / "o.json")}
    options[option] = str(tmp_path / value) if option == "--out" else value
    code = main(["screen", str(fengyun_file), *[item for pair in options.items() for item in pair]])
    err = capsys.readouterr().err
    assert code == 2 and message in err and err.count("\n") == 1, err
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_leaves_no_file_and_fails(full_catalog_path, tmp_path):
    out = tmp_path / "events.json"
    out.write_text("what the user had\n")
    process = orbitview("screen", full_catalog_path, "--span", "48h", "--out", out, "--workers", "2")
    time.sleep(8.0)
    assert process.poll() is None, "the run ended before it could be interrupted"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    # Stopped as every subcommand stops: 128 + SIGINT, the stop's line last, no traceback.
    assert process.returncode == 130, stderr
    assert stderr.splitlines()[-1] == "orbitview: interrupted by SIGINT" and "Traceback" not in stderr
    assert [p.name for p in tmp_path.iterdir()] == ["events.json"]
    assert out.read_text() == "what the user had\n"


def test_radius_bands_hold_the_osculating_radius_over_a_week(full):
    # Every 5th object of the 2023 catalogue, every 5 minutes for 7 days: SGP4's radius stays in
    # the padded band with half the pad to spare (deep-space objects have no band to test).
    catalog = full.take(np.arange(0, len(full), 5))
    start_s, span_s = float(np.median(catalog.epoch_s)), 7 * 86400.0
    r_min, r_max = radius_bands_km(catalog.satrecs, start_s, span_s)
    banded = np.isfinite(r_max)
    jd, fr = posix_to_jd(start_s + np.arange(0.0, span_s + 1.0, 300.0))
    error, r, _ = SatrecArray([s for s, b in zip(catalog.satrecs, banded) if b]).sgp4(jd, fr)
    radius = np.where(error == 0, np.linalg.norm(r, axis=2), np.nan)
    assert banded.sum() > 0.8 * len(catalog) and np.isfinite(radius).mean() > 0.95
    with np.errstate(invalid="ignore"):
        below = np.nanmin(radius, axis=1) - r_min[banded]
        above = r_max[banded] - np.nanmax(radius, axis=1)
    assert np.nanmin(below) > BAND_PAD_KM / 2 and np.nanmin(above) > BAND_PAD_KM / 2
