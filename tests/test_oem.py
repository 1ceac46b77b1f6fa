"""CCSDS OEM in: KVN and XML messages written here after the standard's examples (CCSDS
502.0-B-3, annex examples: header, META_START/META_STOP blocks, comments, accelerations,
covariance), with states from skyfield and SGP4 directly, never from orbitview's writer.

The truth is skyfield's ``EarthSatellite`` (GCRS, ITRS) and sgp4's ``Satrec`` (TEME) for the
ISS of the 2023-10-09 catalogue: positions must match within 1 m at the file's epochs and
between them (30 s offsets of a 60 s grid, where the interpolation's own error is far below it).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from sgp4.api import Satrec
from skyfield.api import EarthSatellite
from skyfield.framelib import itrs

from orbitview.core.orbits.times import timescale
from orbitview.io.oem import FIRST_UNNUMBERED_ID, open_oem, parse_oem
from orbitview.services.sources import open_source

pytestmark = pytest.mark.core

T0 = dt.datetime(2023, 10, 9, 12, 0, tzinfo=dt.timezone.utc)
STEP_S = 60.0
COUNT = 31


@pytest.fixture(scope="module")
def iss(catalogs):
    lines = (catalogs / "full_2023-10-09.3le").read_text().splitlines()
    k = next(i for i, line in enumerate(lines) if line.startswith("1 25544"))
    return lines[k], lines[k + 1]


def _posix(seconds_from_t0):
    return T0.timestamp() + np.asarray(seconds_from_t0, float)


def _utc_times(seconds_from_t0):
    ts = timescale()
    return ts.utc(2023, 10, 9, 12, 0, np.asarray(seconds_from_t0, float))


def truth_gcrs_km(iss, seconds_from_t0) -> np.ndarray:
    return EarthSatellite(*iss, ts=timescale()).at(_utc_times(seconds_from_t0)).position.km.T


def _states(iss, frame: str, seconds):
    """(T, 3) positions km and velocities km/s of the ISS in an OEM frame, from the authorities."""
    t = _utc_times(seconds)
    if frame == "TEME":
        # sgp4 takes UTC Julian dates, as TLE epochs are: 2460226.5 is 2023-10-09 00:00 UTC.
        seconds = np.asarray(seconds, float)
        _, r, v = Satrec.twoline2rv(*iss).sgp4_array(np.full(len(seconds), 2460226.5), 0.5 + seconds / 86400.0)
        return r, v
    at = EarthSatellite(*iss, ts=timescale()).at(t)
    if frame.startswith("ITRF"):
        r, v = at.frame_xyz_and_velocity(itrs)
        return r.km.T, v.km_per_s.T
    return at.position.km.T, at.velocity.km_per_s.T


def _epoch_text(seconds: float, scale: str) -> str:
    """An epoch of the time scale, written as the standard writes it (calendar, no zone)."""
    t = _utc_times(seconds)
    if scale == "UTC":
        value = T0 + dt.timedelta(seconds=float(seconds))
        return value.strftime("%Y-%m-%dT%H:%M:%S.%f")
    calendar = t.tt_calendar() if scale == "TT" else t.tai_calendar()
    year, month, day, hour, minute, second = calendar
    value = dt.datetime(year, month, day, hour, minute) + dt.timedelta(seconds=float(second))
    if scale == "GPS":
        value -= dt.timedelta(seconds=19)
    return value.strftime("%Y-%m-%dT%H:%M:%S.%f")


def kvn_segment(iss, *, frame="EME2000", scale="UTC", interpolation="LAGRANGE", degree=7,
                seconds=None, name="ISS (ZARYA)", object_id="1998-067A", useable=None,
                accelerations=False, covariance=False) -> str:
    seconds = STEP_S * np.arange(COUNT) if seconds is None else seconds
    r, v = _states(iss, frame, seconds)
    lines = ["META_START", f"OBJECT_NAME = {name}", f"OBJECT_ID = {object_id}", "CENTER_NAME = EARTH",
             f"REF_FRAME = {frame}", f"TIME_SYSTEM = {scale}", f"START_TIME = {_epoch_text(seconds[0], scale)}"]
    if useable:
        lines += [f"USEABLE_START_TIME = {_epoch_text(useable[0], scale)}",
                  f"USEABLE_STOP_TIME = {_epoch_text(useable[1], scale)}"]
    lines += [f"STOP_TIME = {_epoch_text(seconds[-1], scale)}", f"INTERPOLATION = {interpolation}",
              f"INTERPOLATION_DEGREE = {degree}", "META_STOP", "",
              "COMMENT This segment was written by hand after the standard's example."]
    for s, p, w in zip(seconds, r, v):
        extra = " 0.001 -0.002 0.003" if accelerations else ""
        lines.append(f"{_epoch_text(s, scale)} {p[0]:.6f} {p[1]:.6f} {p[2]:.6f} "
                     f"{w[0]:.9f} {w[1]:.9f} {w[2]:.9f}{extra}")
    if covariance:
        lines += ["", "COVARIANCE_START", f"EPOCH = {_epoch_text(seconds[-1], scale)}", "COV_REF_FRAME = RTN",
                  "3.3313494e-04", "4.6189273e-04 6.7824216e-04", "-3.0700078e-04 -4.2212341e-04 3.2319319e-04",
                  "-3.3493650e-07 -4.6860842e-07 2.4849495e-07 4.2960228e-10",
                  "-2.2118325e-07 -2.8641868e-07 1.7980986e-07 2.6088992e-10 1.7675147e-10",
                  "-3.0413460e-07 -4.9894969e-07 3.5403109e-07 1.8692631e-10 1.0088625e-10 6.2244443e-10",
                  "COVARIANCE_STOP"]
    return "\n".join(lines) + "\n"


HEADER = ("CCSDS_OEM_VERS = 2.0\nCOMMENT OEM example after CCSDS 502.0-B-3\n"
          "CREATION_DATE = 2023-10-09T11:00:00\nORIGINATOR = TEST\n\n")


def _write(tmp_path, text, name="ephemeris.oem"):
    path = tmp_path / name
    path.write_text(text)
    return path


def _distance_m(a_km, b_km):
    return np.linalg.norm(np.asarray(a_km) - np.asarray(b_km), axis=-1) * 1000.0


@pytest.mark.parametrize("frame", ["EME2000", "GCRF", "ICRF", "TEME", "ITRF2014"])
@pytest.mark.parametrize("interpolation,degree", [("LAGRANGE", 7), ("HERMITE", 5)])
def test_frames_and_interpolations_match_the_truth_at_and_between_epochs(tmp_path, iss, frame, interpolation, degree):
    path = _write(tmp_path, HEADER + kvn_segment(iss, frame=frame, interpolation=interpolation, degree=degree))
    ephemerides, catalog, problems = open_oem(path)
    assert problems == []
    at_epochs = STEP_S * np.arange(COUNT)
    between = at_epochs[:-1] + 30.0
    for seconds in (at_epochs, between):
        found = np.array([ephemerides.positions_at(t)[0] for t in _posix(seconds)])
        assert _distance_m(found, truth_gcrs_km(iss, seconds)).max() < 1.0
    assert catalog.intl_designator[0] == "1998-067A" and catalog.norad_id[0] == FIRST_UNNUMBERED_ID


@pytest.mark.parametrize("scale", ["TAI", "TT", "GPS"])
def test_time_systems_are_converted_to_utc(tmp_path, iss, scale):
    path = _write(tmp_path, HEADER + kvn_segment(iss, scale=scale))
    ephemerides, _, problems = open_oem(path)
    assert problems == []
    assert ephemerides.start_s == pytest.approx(T0.timestamp(), abs=1e-5)
    seconds = np.array([0.0, 450.0, 1230.0])
    found = np.array([ephemerides.positions_at(t)[0] for t in _posix(seconds)])
    assert _distance_m(found, truth_gcrs_km(iss, seconds)).max() < 1.0


def test_segments_objects_useable_spans_accelerations_and_covariance(tmp_path, iss):
    first = kvn_segment(iss, useable=(120.0, 900.0), accelerations=True, covariance=True,
                        seconds=STEP_S * np.arange(16))
    second = kvn_segment(iss, frame="TEME", seconds=1200.0 + STEP_S * np.arange(10))
    other = kvn_segment(iss, name="ANOTHER", object_id="25544", seconds=STEP_S * np.arange(5))
    ephemerides, catalog, problems = open_oem(_write(tmp_path, HEADER + first + "\n" + second + other))
    assert problems == []
    assert list(catalog.name) == ["ISS (ZARYA)", "ANOTHER"] and catalog.norad_id[1] == 25544
    assert [len(s) for s in ephemerides.segments] == [2, 1]
    present = {t: np.isfinite(ephemerides.positions_at(_posix(t))[0, 0]) for t in (60.0, 120.0, 600.0, 1000.0, 1500.0)}
    assert present == {60.0: False, 120.0: True, 600.0: True, 1000.0: False, 1500.0: True}
    # The renderer's keyframes say the same: absent in the gap between the segments.
    assert not ephemerides.at(_posix(1000.0)).valid[0] and ephemerides.at(_posix(600.0)).valid[0]
    keys = ephemerides.at(_posix(630.0))
    assert _distance_m(keys.interpolate(_posix(630.0))[0], truth_gcrs_km(iss, [630.0])[0]) < 1.0


def test_damaged_lines_are_reported_and_the_rest_loads(tmp_path, iss):
    good = kvn_segment(iss).splitlines()
    damaged = list(good)
    k = damaged.index("META_STOP") + 4
    fields = damaged[k].split()
    damaged[k] = " ".join([*fields[:2], "12x.5", *fields[3:]])
    damaged[k + 2] = "2023-10-09T12:0X:00 1 2 3 4 5 6"
    damaged[k + 4] = damaged[k + 4].rsplit(" ", 1)[0]
    bad_meta = kvn_segment(iss, name="MARS ORBITER").replace("CENTER_NAME = EARTH", "CENTER_NAME = MARS BARYCENTER")
    text = HEADER + "\n".join(damaged) + "\n" + bad_meta
    path = _write(tmp_path, text)
    ephemerides, catalog, problems = open_oem(path)
    header_lines = HEADER.count("\n")
    kinds = [(p.line, p.kind) for p in problems]
    assert kinds[:3] == [(header_lines + k + 1, "state"), (header_lines + k + 3, "time"),
                         (header_lines + k + 5, "state")]
    assert kinds[3][1] == "metadata" and "MARS BARYCENTER" in problems[3].message
    assert str(problems[0]).startswith(f"{path}:{header_lines + k + 1}: state: ")
    assert list(catalog.name) == ["ISS (ZARYA)"]
    seconds = STEP_S * np.arange(COUNT)
    found = np.array([ephemerides.positions_at(t)[0] for t in _posix(seconds)])
    assert _distance_m(found, truth_gcrs_km(iss, seconds)).max() < 1.0


def test_hermite_gives_the_velocity_as_its_polynomial_s_derivative():
    """On a circular orbit, whose states are exactly consistent (SGP4's velocities differ from
    its positions' derivatives by about 1 cm/s, so they cannot test this to mm/s)."""
    from orbitview.core.orbits.ephemeris import Segment

    radius_km, omega = 6778.0, 2.0 * np.pi / 5554.0
    circle = lambda t: radius_km * np.stack([np.cos(omega * t), np.sin(omega * t), 0.0 * t], -1)  # noqa: E731
    speed = lambda t: radius_km * omega * np.stack([-np.sin(omega * t), np.cos(omega * t), 0.0 * t], -1)  # noqa: E731
    t = 60.0 * np.arange(20)
    segment = Segment(t, circle(t), speed(t), "GCRS", "HERMITE", 7)
    for at in (30.0, 555.0, 1111.0):
        position, velocity = segment.state_at(at)
        assert _distance_m(position, circle(at)) < 1e-3 and _distance_m(velocity, speed(at)) < 1e-3  # mm, mm/s


def xml_message(iss, seconds) -> str:
    r, v = _states(iss, "EME2000", seconds)
    vectors = "".join(
        f"""      <stateVector>
        <EPOCH>{_epoch_text(s, 'UTC')}</EPOCH>
        <X>{p[0]:.6f}</X><Y>{p[1]:.6f}</Y><Z>{p[2]:.6f}</Z>
        <X_DOT>{w[0]:.9f}</X_DOT><Y_DOT>{w[1]:.9f}</Y_DOT><Z_DOT>{w[2]:.9f}</Z_DOT>
      </stateVector>
""" for s, p, w in zip(seconds, r, v))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<oem xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="CCSDS_OEM_VERS" version="2.0">
  <header><COMMENT>XML example after CCSDS 505.0-B</COMMENT>
    <CREATION_DATE>2023-10-09T11:00:00</CREATION_DATE><ORIGINATOR>TEST</ORIGINATOR></header>
  <body><segment>
    <metadata>
      <OBJECT_NAME>ISS (ZARYA)</OBJECT_NAME><OBJECT_ID>1998-067A</OBJECT_ID>
      <CENTER_NAME>EARTH</CENTER_NAME><REF_FRAME>EME2000</REF_FRAME><TIME_SYSTEM>UTC</TIME_SYSTEM>
      <START_TIME>{_epoch_text(seconds[0], 'UTC')}</START_TIME><STOP_TIME>{_epoch_text(seconds[-1], 'UTC')}</STOP_TIME>
      <INTERPOLATION>HERMITE</INTERPOLATION><INTERPOLATION_DEGREE>7</INTERPOLATION_DEGREE>
    </metadata>
    <data>
      <COMMENT>states from skyfield</COMMENT>
{vectors}      <covarianceMatrix><EPOCH>{_epoch_text(seconds[-1], 'UTC')}</EPOCH><CX_X>3.3e-04</CX_X></covarianceMatrix>
    </data>
  </segment></body>
</oem>
"""


def test_xml_loads_as_kvn_does_and_through_open_source(tmp_path, iss):
    seconds = STEP_S * np.arange(COUNT)
    path = _write(tmp_path, xml_message(iss, seconds), "ephemeris.xml")
    source = open_source(path, satcat=None)
    assert source.problems == [] and source.span_s == (pytest.approx(T0.timestamp()), pytest.approx(_posix(1800.0)))
    layer = source.layer
    assert layer.catalog.name[0] == "ISS (ZARYA)" and layer.catalog.source[0] == str(path)
    between = seconds[:-1] + 30.0
    found = np.array([layer.keyframes.positions_at(t)[0] for t in _posix(between)])
    assert _distance_m(found, truth_gcrs_km(iss, between)).max() < 1.0


def test_an_xml_syntax_error_keeps_what_came_before(iss):
    text = xml_message(iss, STEP_S * np.arange(COUNT)).replace("</body>", "</bdy>")
    parsed = parse_oem(text, "broken.xml")
    assert [p.kind for p in parsed.problems] == ["xml"]
    assert len(parsed.objects) == 1 and len(parsed.objects[0].segments[0].times_s) == COUNT


# --- out: precompute --out X.oem / X.czml -----------------------------------------------------------

START = "2025-02-15T00:00:00Z"


@pytest.fixture(scope="module")
def written(catalogs, tmp_path_factory):
    """The Iridium 33 cloud precomputed for 30 min at 60 s as HDF5, OEM and CZML."""
    from orbitview.cli import main

    folder = tmp_path_factory.mktemp("ephemeris-out")
    tle = catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt"
    paths = {}
    for suffix in ("h5", "oem", "czml"):
        paths[suffix] = folder / f"iridium.{suffix}"
        code = main(["precompute", str(tle), "--start", START, "--span", "30m", "--step", "60",
                     "--out", str(paths[suffix]), "--workers", "1", "--satcat", "none"])
        assert code == 0
    paths["tle"] = tle
    return paths


def test_an_oem_written_by_orbitview_reads_back_its_positions(written):
    from orbitview.core.orbits.propagate import propagate
    from orbitview.core.orbits.times import parse_utc
    from orbitview.io.catalog_files import load_catalog
    from orbitview.io.trajectories import Trajectories

    ephemerides, catalog, problems = open_oem(written["oem"])
    assert problems == []
    elements = load_catalog(written["tle"]).catalog
    assert list(catalog.name) == list(elements.name) and list(catalog.intl_designator) == list(elements.intl_designator)
    grid = parse_utc(START) + np.arange(0.0, 1801.0, 60.0)
    with Trajectories.open(written["h5"]) as trajectories:
        for t in grid[[0, 7, 30]]:
            assert _distance_m(ephemerides.positions_at(t), trajectories.positions_at(t)).max() < 1.0
    # Between the samples, the file's Hermite of degree 5 against SGP4 itself.
    between = grid[:-1:6] + 30.0
    direct = propagate(elements, between, "GCRS")
    for k, t in enumerate(between):
        assert _distance_m(ephemerides.positions_at(t), direct.position_km[k]).max() < 1.0


def test_the_oem_header_says_eme2000_is_gcrs(written):
    text = written["oem"].read_text()
    assert text.startswith("CCSDS_OEM_VERS = 2.0\n")
    comments = [line for line in text.splitlines() if line.startswith("COMMENT")]
    assert any("EME2000" in line and "GCRS" in line for line in comments)
    assert text.count("META_START") == 119 and text.count("REF_FRAME = EME2000") == 119


def test_czml_packets_have_their_structure_and_the_trajectory_positions(written):
    import json

    from orbitview.core.orbits.times import parse_utc
    from orbitview.io.trajectories import Trajectories

    from czml3 import Document

    packets = json.loads(written["czml"].read_text())
    assert len(Document.model_validate(packets).packets) == len(packets)  # czml3 reads it back
    assert packets[0]["id"] == "document" and packets[0]["version"] == "1.0"
    objects = packets[1:]
    assert len({p["id"] for p in objects}) == len(objects) == 119
    start = parse_utc(START)
    with Trajectories.open(written["h5"]) as trajectories:
        ids = [str(n) for n in trajectories.norad_id]
        for packet in objects:
            assert packet["name"] and packet["point"]["color"]["rgba"][3] == 255
            assert packet["availability"] == ["2025-02-15T00:00:00.000000Z/2025-02-15T00:30:00.000000Z"]
            position = packet["position"]
            assert position["referenceFrame"] == "INERTIAL" and position["epoch"] == "2025-02-15T00:00:00.000000Z"
            assert len(position["cartesian"]) == 4 * 31  # [t, x, y, z] at each of the 31 samples
            samples = np.array(position["cartesian"]).reshape(-1, 4)
            row = ids.index(packet["id"])
            for t, *xyz_m in samples[::10]:
                stored_km = trajectories.positions_at(start + t)[row]
                assert _distance_m(np.array(xyz_m) / 1000.0, stored_km) < 1.0
    debris = [p for p in objects if "DEB" in p["name"]]
    assert debris and all(p["point"]["color"]["rgba"] == debris[0]["point"]["color"]["rgba"] for p in debris)


def test_oem_out_refuses_another_frame(catalogs, tmp_path, capsys):
    from orbitview.cli import main

    out = tmp_path / "x.oem"
    tle = catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt"
    code = main(["precompute", str(tle), "--start", START, "--span", "2m", "--step", "60",
                 "--out", str(out), "--frame", "TEME", "--workers", "1", "--satcat", "none"])
    assert code == 2 and not out.exists()
    assert "inertial frame" in capsys.readouterr().err


def test_inspect_and_scenarios_read_oem(written, tmp_path, capsys):
    from orbitview.cli import main
    from orbitview.io.scenario_file import read_scenario
    from orbitview.services.scenario import build_scene

    assert main(["inspect", str(written["oem"]), "--satcat", "none"]) == 0
    assert f"{written['oem']}: oem, 119 objects" in capsys.readouterr().out
    scenario_path = tmp_path / "briefing.toml"
    scenario_path.write_text(f'[[sources]]\nfile = "{written["oem"]}"\nname = "Iridium OEM"\npoint_size = 5\n'
                             '\n[time]\nstart = "2025-02-15T00:10:00Z"\nend = "2025-02-15T00:50:00Z"\n')
    scene, problems = build_scene(read_scenario(scenario_path))
    (layer,) = scene.layers
    assert problems == [] and layer.name == "Iridium OEM" and layer.point_size == 5
    assert layer.keyframes.at(parse_time("2025-02-15T00:10:00Z")).valid.all()
    assert not layer.keyframes.at(parse_time("2025-02-15T00:40:00Z")).valid.any()


def parse_time(text):
    from orbitview.core.orbits.times import parse_utc

    return parse_utc(text)


def test_precompute_resamples_an_oem_onto_its_grid_and_frame(written, tmp_path):
    from orbitview.cli import main
    from orbitview.core.orbits.propagate import propagate
    from orbitview.io.catalog_files import load_catalog
    from orbitview.io.trajectories import Trajectories

    out = tmp_path / "resampled.h5"
    assert main(["precompute", str(written["oem"]), "--start", "2025-02-15T00:05:00Z", "--span", "30m",
                 "--step", "45", "--out", str(out), "--frame", "ITRS", "--workers", "1", "--satcat", "none"]) == 0
    elements = load_catalog(written["tle"]).catalog
    with Trajectories.open(out) as trajectories:
        assert trajectories.frame == "ITRS" and len(trajectories) == len(elements)
        inside = trajectories.times_s[trajectories.times_s <= parse_time("2025-02-15T00:30:00Z")]
        direct = propagate(elements, inside[::7], "ITRS")
        for k, t in enumerate(inside[::7]):
            assert _distance_m(trajectories.positions_at(t), direct.position_km[k]).max() < 1.0
        # After the OEM's last state nothing exists.
        assert np.isnan(trajectories.positions_at(trajectories.end_s)).all()


def test_the_info_of_an_oem_object_is_its_ephemeris_state_and_names_its_file(tmp_path, iss):
    from skyfield.api import wgs84

    from orbitview.core.model.clock import Clock
    from orbitview.core.model.object_info import object_state
    from orbitview.core.model.object_ref import ObjectRef
    from orbitview.core.model.scene import Scene

    path = _write(tmp_path, HEADER + kvn_segment(iss, frame="TEME", interpolation="LAGRANGE", degree=7))
    source = open_source(path, satcat=None)
    scene = Scene(clock=Clock(time_s=float(_posix(630.0))))
    scene.add_layer(source.layer)
    info = object_state(scene, ObjectRef(source.layer, 0))
    assert info.source == str(path) and info.name == "ISS (ZARYA)"
    truth = EarthSatellite(*iss, ts=timescale()).at(_utc_times(630.0))
    assert abs(info.altitude_km - wgs84.height_of(truth).km) * 1000.0 < 1.0
    assert abs(info.speed_km_s - np.linalg.norm(truth.velocity.km_per_s)) * 1e6 < 1.0  # mm/s
    latitude, longitude = wgs84.latlon_of(truth)
    assert (info.latitude_deg, info.longitude_deg) == (pytest.approx(latitude.degrees, abs=1e-5),
                                                       pytest.approx(longitude.degrees, abs=1e-5))
    assert info.period_min == pytest.approx(92.9, abs=0.3)  # from the fitted elements


@pytest.mark.parametrize("change,kind,words", [
    (("REF_FRAME = EME2000", "REF_FRAME = TOD"), "metadata", "REF_FRAME 'TOD'"),
    (("TIME_SYSTEM = UTC", "TIME_SYSTEM = MET"), "metadata", "TIME_SYSTEM 'MET'"),
    (("INTERPOLATION = LAGRANGE", "INTERPOLATION = SPLINE"), "metadata", "INTERPOLATION 'SPLINE'"),
    (("INTERPOLATION_DEGREE = 7", "INTERPOLATION_DEGREE = seven"), "metadata", "INTERPOLATION_DEGREE 'seven'"),
    (("OBJECT_ID = 1998-067A\n", ""), "metadata", "without OBJECT_ID"),
])
def test_a_segment_with_unusable_metadata_is_one_problem_and_the_others_load(tmp_path, iss, change, kind, words):
    bad = kvn_segment(iss, name="BAD").replace(*change)
    text = HEADER + bad + kvn_segment(iss)
    ephemerides, catalog, problems = open_oem(_write(tmp_path, text))
    assert [p.kind for p in problems] == [kind]
    # At the line that says it, or at META_START when a key is missing; either within the bad segment.
    assert HEADER.count("\n") < problems[0].line <= HEADER.count("\n") + bad.count("\n")
    assert words in problems[0].message and list(catalog.name) == ["ISS (ZARYA)"]


def test_a_repeated_epoch_and_a_stray_state_are_reported_at_their_lines(tmp_path, iss):
    lines = kvn_segment(iss).splitlines()
    k = lines.index("META_STOP") + 3
    lines.insert(k + 1, lines[k])  # the same epoch twice
    text = HEADER + "2023-10-09T12:00:00 1 2 3 4 5 6\n" + "\n".join(lines) + "\n"
    ephemerides, _, problems = open_oem(_write(tmp_path, text))
    stray = HEADER.count("\n") + 1  # the line after the header; the segment's index 0 is the next
    assert [(p.line, p.kind) for p in problems] == [(stray, "structure"), (stray + 1 + (k + 1), "time")]
    assert len(ephemerides.segments[0][0].times_s) == COUNT


STANDARD_EXAMPLE = """CCSDS_OEM_VERS = 2.0
CREATION_DATE = 1996-11-04T17:22:31
ORIGINATOR = NASA/JPL

META_START
OBJECT_NAME = MARS GLOBAL SURVEYOR
OBJECT_ID = 1996-062A
CENTER_NAME = EARTH
REF_FRAME = EME2000
TIME_SYSTEM = UTC
START_TIME = 1996-353T12:00:00.331
USEABLE_START_TIME = 1996-353T12:10:00.331
USEABLE_STOP_TIME = 1996-353T12:40:00.331
STOP_TIME = 1996-353T12:50:00.331
INTERPOLATION = HERMITE
INTERPOLATION_DEGREE = 7
META_STOP

COMMENT This file was produced by M.R. Somebody, MSOO NAV/JPL, 1996NOV 04. It is
COMMENT to be used for DSN scheduling purposes only.
1996-12-18T12:00:00.331 2789.619 -280.045 -1746.755 4.73372 -2.49586 -1.04195
1996-12-18T12:10:00.331 2783.419 -308.143 -1877.071 5.18604 -2.42124 -1.99608
1996-12-18T12:20:00.331 2776.033 -336.859 -2008.682 5.63678 -2.33951 -1.94687
1996-12-18T12:50:00.331 2757.246 -422.855 -2404.335 6.98457 -2.07041 -1.79999
"""


def test_the_standards_example_layout_loads_with_its_object_and_times(tmp_path):
    """A message laid out as the standard's KVN example (CCSDS 502.0-B-2: Mars Global Surveyor,
    header, comments, day-of-year metadata times, calendar-date states, a useable span inside
    the states' span), its centre changed to the Earth, which orbitview draws. The states are
    not an orbit around the Earth: only the reading is tested."""
    from orbitview.core.orbits.times import parse_utc

    ephemerides, catalog, problems = open_oem(_write(tmp_path, STANDARD_EXAMPLE))
    assert problems == [] and list(catalog.name) == ["MARS GLOBAL SURVEYOR"]
    assert catalog.intl_designator[0] == "1996-062A"
    start = parse_utc("1996-12-18T12:00:00Z") + 0.331
    assert (ephemerides.start_s, ephemerides.end_s) == (pytest.approx(start + 600.0), pytest.approx(start + 2400.0))
    assert np.isnan(ephemerides.positions_at(start)).all()  # before USEABLE_START_TIME
    stated = np.array([2783.419, -308.143, -1877.071])
    assert _distance_m(ephemerides.positions_at(start + 600.0)[0], stated) < 1.0
