"""Arguments and scenario keys at their edges (issue 14, points 9, 11, 13, 16): each a row of
a table, run as a user runs it. Every refusal is one line on stderr, exit 2, no traceback, no
file left beside the output, and the user's files byte-for-byte as they were."""

from __future__ import annotations

import json
import math
import re
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from orbitview.cli import main
from orbitview.core.errors import OrbitviewError
from orbitview.core.model.scenario import MAX_VIDEO_FRAMES, frame_count, frame_times_s
from orbitview.core.orbits.times import parse_utc

pytestmark = pytest.mark.core

START = "2025-02-15T00:00:00Z"


@pytest.fixture
def workdir(tmp_path, monkeypatch, catalogs):
    """A folder as a user has it: a catalogue, an older output of each kind, nothing else."""
    shutil.copy(catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt", tmp_path / "debris.tle")
    for name, data in (("out.h5", b"an older trajectory file"), ("out.tle", b"older element sets\n"),
                       ("out.png", b"an older picture"), ("out.mp4", b"an older video")):
        (tmp_path / name).write_bytes(data)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ORBITVIEW_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def refused(argv, capsys, folder: Path) -> str:
    """Run ``argv``; assert the refusal's promises; the stderr line."""
    before = snapshot(folder)
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert snapshot(folder) == before  # nothing new (no .part, no partial), nothing changed
    return err


CUSTOM = ["breakup", "custom", "--catalog", "debris.tle", "--object", "24946", "--time", START, "--out", "out.tle"]
PRECOMPUTE = ["precompute", "debris.tle", "--out", "out.h5"]


@pytest.mark.parametrize("argv, words", [
    (["breakup", "fengyun-1c-2007", "--seed", "-1", "--out", "out.tle"], "--seed -1"),
    (["breakup", "fengyun-1c-2007", "--min-size", "0.001", "--out", "out.tle"], "--min-size 0.001 m"),
    (["breakup", "fengyun-1c-2007", "--min-size", "0.004", "--out", "out.tle"], "more than the 250,000"),
    (["breakup", "fengyun-1c-2007", "--days", "nan", "--out", "out.h5"], "--days nan"),
    (["breakup", "fengyun-1c-2007", "--days", "-1", "--out", "out.h5"], "--days -1"),
    (["breakup", "fengyun-1c-2007", "--days", "1e9", "--out", "out.h5"], "2007-01-11T22:16:00Z beyond the year 2200"),
    (["breakup", "fengyun-1c-2007", "--days", "1", "--step", "inf", "--out", "out.h5"], "--step inf"),
    (["breakup", "fengyun-1c-2007", "--days", "1", "--step", "1e-5", "--out", "out.h5"], "smallest step"),
    ([*CUSTOM, "--mass", "0"], "--mass 0"),
    ([*CUSTOM, "--mass", "-5"], "--mass -5"),
    ([*CUSTOM, "--mass", "nan"], "--mass nan"),
    ([*CUSTOM, "--mass", "inf"], "--mass inf"),
    ([*CUSTOM, "--mass", "1e12"], "1e+06 kg"),
    ([*CUSTOM, "--mass", "500", "--kind", "collision", "--projectile-mass", "inf", "--speed", "10"],
     "--projectile-mass inf"),
    ([*CUSTOM, "--mass", "500", "--kind", "collision", "--projectile-mass", "5", "--speed", "nan"], "--speed nan"),
    ([*PRECOMPUTE, "--start", START, "--span", "1h", "--step", "0.0000001"], "smallest step is 0.001 s"),
    ([*PRECOMPUTE, "--start", START, "--span", "100000000000000d", "--step", "60"], "trajectory files hold the years 1900-2200 only"),
    ([*PRECOMPUTE, "--start", "9999-12-31T00:00:00Z", "--span", "2d", "--step", "60"], "trajectory files hold the years 1900-2200 only"),
    ([*PRECOMPUTE, "--start", "1899-12-31T00:00:00Z", "--span", "2d", "--step", "60"], "to 1900-01-02T00:00:00Z"),
    ([*PRECOMPUTE, "--start", "", "--span", "1h", "--step", "60"], "--start is empty"),
    (["render", "debris.tle", "--time", START, "--size", "100x1", "--out", "out.png"], "outside 16x16"),
    (["render", "debris.tle", "--time", START, "--size", "1x100", "--out", "out.png"], "outside 16x16"),
    (["render", "debris.tle", "--time", START, "--size", "7681x100", "--out", "out.png"], "outside 16x16"),
    (["render", "debris.tle", "--time", "", "--out", "out.png"], "--time is empty"),
    (["render", "debris.tle", "--time", START, "--fps", "0", "--out", "out.png"], "--fps is for videos"),
    (["debris.tle", "--time", ""], "--time is empty"),
    (["fetch", "stations", "--url", "notaurl"], "bad CelesTrak URL 'notaurl'"),
    (["fetch", "stations", "--url", "ftp://celestrak.org"], "bad CelesTrak URL"),
    (["fetch", "stations", "--timeout", "inf"], "--timeout inf"),
    (["fetch", "stations", "--timeout", "nan"], "--timeout nan"),
    (["fetch", "stations", "--timeout", "0"], "--timeout 0"),
], ids=lambda value: " ".join(value) if isinstance(value, list) else None)
def test_arguments_at_their_edges_are_one_line_errors(argv, words, workdir, capsys):
    assert words in refused(argv, capsys, workdir)


def test_a_precompute_larger_than_the_free_space_is_refused_before_it_starts(workdir):
    objects = len(Path("debris.tle").read_text().splitlines()) // 3  # 3LE
    free = shutil.disk_usage(workdir).free
    days = math.ceil(4 * free / (objects * 25 * 86400.0))  # four times the free space at 1 s
    before = snapshot(workdir)
    # In a child whose files may not pass 64 MB: were the check gone, the write fails at once
    # instead of filling the disk.
    limit = lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (64 << 20, 64 << 20))  # noqa: E731
    child = subprocess.run([sys.executable, "-m", "orbitview", *PRECOMPUTE, "--start", START, "--span",
                            f"{days}d", "--step", "1"], cwd=workdir, capture_output=True, text=True,
                           timeout=300, preexec_fn=limit)
    assert child.returncode == 2 and child.stderr.count("\n") == 1, child.stderr
    assert "out.h5: No space left on device (it needs" in child.stderr and "times x" in child.stderr
    assert snapshot(workdir) == before


def test_a_precompute_up_to_the_last_time_a_trajectory_file_holds_reads_back(workdir, capsys):
    from orbitview.io.trajectories import TIME_RANGE_S, Trajectories

    code = main([*PRECOMPUTE[:2], "--out", "late.h5", "--start", "2199-12-31T00:00:00Z", "--span", "1d",
                 "--step", "3600", "--workers", "1"])
    assert code == 0, capsys.readouterr().err
    with Trajectories.open("late.h5") as late:
        assert late.times_s[-1] == TIME_RANGE_S[1] == parse_utc("2200-01-01T00:00:00Z")


def test_a_precompute_says_the_size_of_its_file_before_it_starts(workdir, capsys):
    code = main([*PRECOMPUTE[:2], "--out", "new.h5", "--start", START, "--span", "6h", "--step", "60",
                 "--workers", "1"])
    err = capsys.readouterr().err
    assert code == 0, err
    said = next(line for line in err.splitlines() if line.startswith("propagating"))
    value, unit = said.split("(about ")[1].rstrip(")").split()
    stated = float(value) * {"kB": 1e3, "MB": 1e6}[unit]
    # The statement is the data; HDF5 adds its headers and the object table.
    assert 0.8 < stated / Path("new.h5").stat().st_size <= 1.05


# --- scenarios ----------------------------------------------------------------------------------

SCENARIO = """version = 1

[time]
start = "2025-02-15T00:00:00Z"
end = "2025-02-15T01:00:00Z"
speed = 600.0

[output]
fps = 12
size = "320x180"

[[sources]]
file = "debris.tle"
name = "Iridium 33 debris"

[selection]
labels = true
pinned = [24946]

[overlay]
title = "Edges"
"""


def scenario_with(workdir: Path, replace: dict[str, str]) -> Path:
    text = SCENARIO
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    path = workdir / "edge.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("replace, key, words", [
    ({"speed = 600.0": "speed = inf"}, "time.speed", "expected a finite number, got inf"),
    ({"speed = 600.0": "speed = nan"}, "time.speed", "expected a finite number, got nan"),
    ({"speed = 600.0": "speed = 1e-300"}, "time.speed", "at most 200,000"),
    ({'end = "2025-02-15T01:00:00Z"': 'end = "9999-12-31T00:00:00Z"'}, "time.speed", "at most 200,000"),
    ({'end = "2025-02-15T01:00:00Z"': 'end = "2125-02-15T00:00:00Z"', "speed = 600.0": "speed = 0.001"},
     "time.speed", "at most 200,000"),
    ({"pinned = [24946]": 'pinned = [5, "ISS"]'}, "selection.pinned", "expected a catalogue number"),
    ({"pinned = [24946]": 'pinned = 24946'}, "selection.pinned", "expected an array"),
    ({"pinned = [24946]": 'selected = "ISS"'}, "selection.selected", "expected a catalogue number"),
    ({"labels = true": 'labels = "no"'}, "selection.labels", "expected true or false, got a string"),
    ({'title = "Edges"': 'title = "Ed\\u0000ges"'}, "overlay.title", "control character U+0000"),
    ({'title = "Edges"': 'banner = "SECRET\\u001b[0m"'}, "overlay.banner", "control character U+001B"),
    ({'name = "Iridium 33 debris"': 'name = "a\\u0000b"'}, "sources[0].name", "control character U+0000"),
    ({'size = "320x180"': 'size = "320x1"'}, "output.size", "outside 16x16"),
    ({'file = "debris.tle"\nname = "Iridium 33 debris"': 'event = "fengyun-1c-2007"\nseed = -1'},
     "sources[0].seed", "outside 0 .."),
], ids=lambda value: value if isinstance(value, str) and "." in value else None)
def test_scenario_keys_are_checked_before_rendering(replace, key, words, workdir, capsys):
    path = scenario_with(workdir, replace)
    err = refused(["render", str(path), "--out", "out.mp4"], capsys, workdir)
    assert re.match(rf"orbitview: error: {re.escape(str(path))}:\d+: key '{re.escape(key)}': ", err), err
    assert words in err


def test_an_event_source_too_fine_for_the_model_names_min_size_m(workdir, capsys):
    path = scenario_with(workdir, {'file = "debris.tle"\nname = "Iridium 33 debris"':
                                   'event = "fengyun-1c-2007"\nmin_size_m = 0.001',
                                   "pinned = [24946]": "pinned = []"})
    err = refused(["render", str(path), "--out", "out.png"], capsys, workdir)
    assert "key 'sources[0].min_size_m'" in err and "more than the 250,000" in err


@pytest.mark.pixels
def test_a_scenario_too_slow_for_a_video_still_renders_an_image(workdir, capsys):
    from PIL import Image

    path = scenario_with(workdir, {"speed = 600.0": "speed = 1e-300"})
    assert main(["render", str(path), "--out", "still.png"]) == 0, capsys.readouterr().err
    assert Image.open("still.png").size == (320, 180)


def test_a_highly_eccentric_custom_parent_breaks_up_into_sets_that_load_back(workdir, capsys, full_catalog_path):
    from orbitview.io.catalog_files import load_catalog

    # Chandra (25867), e = 0.905, hit at 10 km/s: some fragments leave on hyperbolic paths.
    code = main(["breakup", "custom", "--catalog", str(full_catalog_path), "--object", "25867", "--time",
                 "2023-10-09T12:00:00Z", "--mass", "4800", "--kind", "collision", "--projectile-mass", "50",
                 "--speed", "10", "--out", "chandra.omm.json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    written = int(out.split("in orbit: ")[1].split(" element sets")[0].replace(",", ""))
    loaded = load_catalog("chandra.omm.json")
    assert len(loaded.catalog) == written > 100 and not loaded.problems
    assert loaded.catalog.eccentricity.max() < 1.0


def test_fps_zero_on_the_command_line_is_refused_not_ignored(workdir, capsys):
    path = scenario_with(workdir, {})
    assert "--fps 0: expected 1 .. 120" in refused(["render", str(path), "--fps", "0", "--out", "out.mp4"],
                                                    capsys, workdir)


def test_fps_on_the_command_line_is_held_to_the_frame_limit(workdir, capsys):
    # 1 h at 600 s/s is 6 s of video: at 120 fps 721 frames, fine; a slow speed at 120 fps is not.
    path = scenario_with(workdir, {"speed = 600.0": "speed = 0.2"})  # 18,000 s x 12 fps = 216,000
    assert "2.16e+05 frames" in refused(["render", str(path), "--out", "out.mp4"], capsys, workdir)
    path = scenario_with(workdir, {"speed = 600.0": "speed = 0.5"})  # 86,400 frames at 12 fps
    assert "8.64e+05 frames" in refused(["render", str(path), "--fps", "120", "--out", "out.mp4"],
                                        capsys, workdir)


@pytest.mark.parametrize("span_s, speed, fps", [
    (3600.0, 1e-300, 24), (1e11, 60.0, 24), (3.15576e9, 0.001, 24), (1.0, 5e-6, 120)])
def test_frame_counts_over_the_limit_are_refused_before_any_time_is_made(span_s, speed, fps):
    with pytest.raises(OrbitviewError, match="a video has at most"):
        frame_count(0.0, span_s, speed, fps)


def test_frame_counts_up_to_the_limit_are_the_frames_made():
    span_s = (MAX_VIDEO_FRAMES - 1) * 2.5 / 24  # the last frame allowed: MAX_VIDEO_FRAMES - 1 intervals
    times = frame_times_s(0.0, span_s, 2.5, 24)
    assert frame_count(0.0, span_s, 2.5, 24) == len(times) == MAX_VIDEO_FRAMES
    assert times[-1] == pytest.approx(span_s, abs=1e-6)


# --- fetch with a damaged cache metadata file -----------------------------------------------------


@pytest.mark.parametrize("meta", [
    '{"fetched_at": "yesterday"}', '{"fetched_at": null, "etag": 5}', '{"fetched_at": 1e400}',
    '{"etag": "\\"v1\\"\\r\\nX-Injected: 1"}', '{"last_modified": ["Tue"]}', '[1, 2', '"a string"',
    '{"fetched_at": true}', "\x00\x01binary",
])
def test_a_damaged_cache_metadata_file_costs_a_download_not_a_crash(meta, catalogs, tmp_path, capsys, monkeypatch):
    from test_fetch import Server

    tle = (catalogs / "debris_2025-02-15_tle" / "cosmos-1408-debris.txt").read_bytes()
    server = Server({"json": b"", "tle": tle})
    try:
        cache = tmp_path / "cache"
        cache.mkdir()
        (cache / "group-cosmos-1408-debris.tle").write_bytes(tle[: len(tle) // 3 // 165 * 165])
        (cache / "group-cosmos-1408-debris.tle.meta.json").write_text(meta, encoding="utf-8")
        code = main(["fetch", "cosmos-1408-debris", "--format", "tle", "--force", "--url", server.url,
                     "--cache-dir", str(cache)])
    finally:
        server.stop()
    out, err = capsys.readouterr()
    assert code == 0 and err == "" and "downloaded" in out
    assert (cache / "group-cosmos-1408-debris.tle").read_bytes() == tle
    # No conditional request from damaged fields: the server was asked for the whole answer.
    ((query, headers),) = server.requests
    assert "If-None-Match" not in headers and "If-Modified-Since" not in headers
    assert json.loads((cache / "group-cosmos-1408-debris.tle.meta.json").read_text())["etag"] == '"v1"'


# --- times beyond the Sun's ephemeris -----------------------------------------------------------


def test_the_ephemeris_span_is_the_files_and_skyfield_agrees_inside_it():
    from skyfield.errors import EphemerisRangeError

    from orbitview.core.orbits.frames import ephemeris, ephemeris_span_s, sun_direction_gcrs, sun_known
    from orbitview.core.orbits.times import skyfield_time

    first, last = ephemeris_span_s()
    # DE421's segments run from 1899-07-29 to 2053-10-09 TDB: about a minute later in UTC.
    assert abs(first - parse_utc("1899-07-29T00:00:00Z")) < 120
    assert abs(last - parse_utc("2053-10-09T00:00:00Z")) < 120
    inside = np.array([first, last])
    assert sun_known(inside).all() and not sun_known(np.array([first - 1.0, last + 1.0])).any()
    assert sun_direction_gcrs(inside).shape == (2, 3)
    with pytest.raises(OrbitviewError, match="no Sun position at 2060-01-01T00:00:00Z"):
        sun_direction_gcrs(np.array([last, parse_utc("2060-01-01T00:00:00Z")]))
    eph = ephemeris()
    with pytest.raises(EphemerisRangeError):  # skyfield's own refusal, a few days further on
        (eph["sun"] - eph["earth"]).at(skyfield_time(last + 5 * 86400.0))


def test_object_info_beyond_the_ephemeris_has_a_position_and_no_illumination(full_catalog_path):
    from orbitview.core.model.clock import Clock
    from orbitview.core.model.object_info import object_state
    from orbitview.core.model.scene import Layer, Scene
    from orbitview.io.catalog_files import load_catalog

    catalog = load_catalog(full_catalog_path).catalog
    scene = Scene(clock=Clock(time_s=parse_utc("2023-10-09T12:00:00Z")))
    scene.add_layer(Layer("full", catalog))
    (vanguard,) = scene.find(5)  # Vanguard 1, up since 1958
    for iso, lit in (("2053-10-01T00:00:00Z", bool), ("2054-01-01T00:00:00Z", type(None))):
        info = object_state(scene, vanguard, parse_utc(iso))
        assert 600 < info.mean_perigee_km and info.altitude_km is not None
        assert isinstance(info.sunlit, lit)


def test_clock_says_when_the_sun_is_not_known():
    from orbitview.render.export.annotations import clock_text

    assert clock_text(parse_utc("2053-10-01T00:00:00Z")) == "2053-10-01 00:00:00 UTC"
    assert clock_text(parse_utc("2055-01-01T00:00:00Z")) == (
        "2055-01-01 00:00:00 UTC  no Sun shading (beyond JPL DE421)")


def test_element_sets_beyond_the_ephemeris_load_into_a_scene_facing_home(tmp_path):
    from orbitview.commands.common import scene_from_files
    from orbitview.core.model.camera import HOME

    scene = scene_from_files([str(_vanguard_tle(tmp_path))], "2055-06-01T00:00:00Z")
    assert scene.camera.azimuth_deg == HOME["azimuth_deg"]
    assert scene.position_gcrs_km(scene.find(5)[0]) is not None


def _vanguard_tle(folder: Path) -> Path:
    import os

    from conftest import catalog_dir

    lines = (catalog_dir() / "full_2023-10-09.3le").read_text().splitlines()[:3]
    path = folder / "vanguard.3le"
    path.write_text("\n".join(lines) + os.linesep)
    return path


@pytest.mark.pixels
def test_beyond_the_ephemeris_the_earth_is_lit_all_round(artefacts):
    from PIL import Image

    from orbitview.core.model.camera import CameraState
    from orbitview.core.model.clock import Clock
    from orbitview.core.model.scene import Scene
    from orbitview.render.export.offscreen import render_image

    def centres(iso: str) -> np.ndarray:
        """Mean brightness at the middle of six Earth-fixed views (the same ground each time)."""
        out = []
        for i, look in enumerate(np.vstack([np.eye(3), -np.eye(3)])):
            camera = CameraState(distance_km=30000, fov_deg=20, view_frame="earth-fixed")
            camera.look_from(look)
            image = render_image(Scene(clock=Clock(time_s=parse_utc(iso)), camera=camera), (160, 120))
            Image.fromarray(image).save(artefacts / f"ephemeris_edge_{iso[:4]}_{i}.png")
            out.append(image[50:70, 70:90].astype(np.float64).mean())
        return np.array(out)

    inside, beyond = centres("2053-06-01T12:00:00Z"), centres("2060-06-01T12:00:00Z")
    # Inside DE421 some view is on the night side, which beyond it is lit; no view is darker.
    assert (beyond / inside).max() > 3
    assert (beyond / inside).min() > 0.9


@pytest.mark.pixels
def test_a_video_across_the_end_of_the_ephemeris_loses_only_the_night_side(workdir, capsys):
    from test_export import decoded_frame

    path = scenario_with(workdir, {'start = "2025-02-15T00:00:00Z"': 'start = "2053-10-08T12:00:00Z"',
                                   'end = "2025-02-15T01:00:00Z"': 'end = "2053-10-09T12:00:00Z"',
                                   "speed = 600.0": "speed = 21600.0", "pinned = [24946]": "pinned = []",
                                   'size = "320x180"': 'size = "480x270"'})  # test_export's frame size
    code = main(["render", str(path), "--out", "across.mp4", "--progress", "none"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "49 frames" in out  # 86,400 s at 21,600 s/s and 12 fps
    night = []
    for index in (0, 48):  # the start faces the day side with the terminator in view; the end is beyond
        frame = decoded_frame(workdir / "across.mp4", index).astype(np.float64)
        # The globe: 71 px across its radius at the home view (45,000 km, 30 deg over 270 rows).
        rows, cols = np.mgrid[0:270, 0:480]
        disc = np.hypot(rows - 134.5, cols - 239.5) < 65
        night.append(float((frame.max(axis=2)[disc] < 12).mean()))
    # The home view looks 55 deg east of the Sun: a sliver of night, then none.
    assert night[0] > 0.02 and night[1] < night[0] / 10, night
