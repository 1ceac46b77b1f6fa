"""Every writer goes through ``orbitview.io.atomic``: on a full or read-only disk the user's
file stays byte for byte what it was and no temporary file is left; a written file has the
mode the umask gives. The file systems are real tmpfs mounts (``mounts.py``)."""

from __future__ import annotations

import os
import stat
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
from mounts import listing, tmpfs

from orbitview.cli import main
from orbitview.core.errors import OrbitviewError
from orbitview.core.orbits import gabbard
from orbitview.core.orbits.propagate import propagate_blocks
from orbitview.io.atomic import partial_path, remove_stale_partials
from orbitview.io.cache import cached_path
from orbitview.io.catalog_files import load_catalog
from orbitview.io.fetch import fetch
from orbitview.io.trajectories import Trajectories, TrajectoryWriter
from orbitview.io.writers import write_catalog
from orbitview.render.export.offscreen import write_png
from orbitview.render.export.plots import Panel, draw_gabbard, new_figure, write_figure
from orbitview.render.export.video import VideoWriter
from orbitview.io.scenario_file import read_scenario, write_scenario

pytestmark = pytest.mark.core

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "datasets" / "scenarios" / "example.toml"
START_S = 1739577600.0  # 2025-02-15T00:00:00Z, the debris files' epoch


@pytest.fixture(scope="module")
def iridium(catalogs):
    return load_catalog(catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt").catalog


def write_h5(path, catalog):
    times_s = START_S + 60.0 * np.arange(5)
    with TrajectoryWriter(path, catalog, times_s, "GCRS") as writer:
        for start, position, velocity, status in propagate_blocks(catalog.sgp4_elements, times_s, workers=1):
            writer.write(start, position, velocity, status)


def write_gabbard(path, catalog):
    figure = new_figure()
    draw_gabbard(figure, [Panel("Iridium 33", gabbard.from_catalog(catalog))])
    write_figure(figure, path)


def write_video(path, catalog):
    with VideoWriter(path, (64, 48), 10) as writer:
        for value in (0, 255):
            writer.write(np.random.default_rng(value).integers(0, 256, (48, 64, 3), np.uint8))
        writer.finish()


#: target name -> write it from a catalogue. One of each writer orbitview has (the window's
#: screenshot is in test_window.py, the fetch cache below).
WRITERS = {
    "fragments.tle": lambda path, catalog: write_catalog(catalog, path, "tle"),
    "fragments.omm.xml": lambda path, catalog: write_catalog(catalog, path, "omm.xml"),
    "briefing.toml": lambda path, catalog: write_scenario(read_scenario(EXAMPLE), path),
    "image.png": lambda path, catalog: write_png(
        np.random.default_rng(1).integers(0, 256, (200, 300, 3), np.uint8), path, {"Title": "noise"}),
    "gabbard.pdf": lambda path, catalog: write_gabbard(path, catalog),
    "cloud.h5": write_h5,
    "cloud.gif": write_video,
}


@pytest.mark.parametrize("name", WRITERS)
def test_a_full_disk_leaves_the_users_file_as_it_was(name, iridium, tmp_path):
    with tmpfs(tmp_path / "disk", keep=[name], full=True) as disk:
        before = listing(disk)
        with pytest.raises(OrbitviewError) as error:
            WRITERS[name](disk / name, iridium)
        assert str(disk / name) in str(error.value) and "\n" not in str(error.value)
        assert listing(disk) == before


@pytest.mark.parametrize("name", WRITERS)
def test_a_read_only_directory_is_one_line_naming_the_file(name, iridium, tmp_path):
    with tmpfs(tmp_path / "disk", keep=[name], read_only=True) as disk:
        before = listing(disk)
        with pytest.raises(OrbitviewError, match="Read-only file system") as error:
            WRITERS[name](disk / name, iridium)
        assert str(error.value).startswith(f"cannot write {disk / name}")
        assert listing(disk) == before


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600)])
@pytest.mark.parametrize("name", WRITERS)
def test_a_written_file_has_the_mode_the_umask_gives(name, umask, mode, iridium, tmp_path):
    previous = os.umask(umask)
    try:
        WRITERS[name](tmp_path / name, iridium)
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / name).stat().st_mode) == mode
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_what_the_h5_writer_reserved_holds_the_file_and_is_given_back(iridium, tmp_path):
    # The writer reserves an upper bound of the file's size before HDF5 writes (HDF5 crashes
    # on ENOSPC): the bound must hold, and what it did not use must be free again.
    out = tmp_path / "cloud.h5"
    write_h5(out, iridium)
    with Trajectories.open(out) as trajectories:
        assert len(trajectories) == len(iridium)
    assert out.stat().st_blocks * 512 < out.stat().st_size + 64 * 1024


def test_partial_files_of_a_process_that_is_gone_are_removed_by_the_next_write(iridium, tmp_path):
    out = tmp_path / "fragments.tle"
    gone = partial_path(out, pid=2**22 + 12345)  # above the kernel's pid_max: no such process
    mine = partial_path(out)
    gone.write_bytes(b"half a file")
    assert remove_stale_partials(out) == [gone] and not gone.exists()
    gone.write_bytes(b"half a file")
    write_catalog(iridium, out, "tle")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fragments.tle"]
    assert not mine.exists()


def celestrak(body: bytes):
    """A local CelesTrak stand-in answering every query with ``body``."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_a_fetch_onto_a_full_disk_keeps_the_cached_copy(catalogs, tmp_path):
    body = (catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt").read_bytes()
    server = celestrak(body)
    try:
        name = cached_path("iridium-33-debris", "tle", tmp_path).name
        with tmpfs(tmp_path / "cache", keep=[name], full=True) as cache:
            before = listing(cache)
            result = fetch("iridium-33-debris", fmt="tle", force=True, directory=cache,
                           url=f"http://127.0.0.1:{server.server_port}")
            assert result.status == "offline"
            assert result.reason == f"cannot write {cache / name}: No space left on device"
            assert listing(cache) == before
    finally:
        server.shutdown()


# --- output paths on the command line ------------------------------------------------------


def commands(catalogs, out: Path) -> dict[str, list[str]]:
    """Each command that writes a file, writing ``out`` (named for what the command writes)."""
    debris = str(catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt")
    return {
        "precompute": ["precompute", debris, "--start", "2025-02-15T00:00:00Z", "--span", "10m",
                       "--step", "60", "--workers", "1", "--out", str(out.with_suffix(".h5"))],
        "breakup": ["breakup", "iridium-cosmos-2009", "--min-size", "0.5", "--out", str(out.with_suffix(".tle"))],
        "breakup h5": ["breakup", "iridium-cosmos-2009", "--min-size", "0.5", "--days", "0.01",
                       "--step", "60", "--out", str(out.with_suffix(".h5"))],
        "gabbard": ["breakup", "iridium-cosmos-2009", "--min-size", "0.5", "--gabbard", str(out.with_suffix(".png"))],
        "plot": ["plot", "gabbard", debris, "--out", str(out.with_suffix(".png"))],
        "render": ["render", debris, "--time", "2025-02-15T00:00:00Z", "--size", "64x48",
                   "--out", str(out.with_suffix(".png"))],
        "screenshot": [debris, "--screenshot", str(out.with_suffix(".png"))],
    }


def one_line_error(capsys, code: int, *must_say: str) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert code == 2, captured.err
    assert len(lines) == 1 and lines[0].startswith("orbitview: error: "), captured.err
    for text in must_say:
        assert text in lines[0]
    return lines[0]


@pytest.mark.parametrize("command", ["precompute", "breakup", "breakup h5", "gabbard", "plot", "render", "screenshot"])
@pytest.mark.parametrize("where", ["missing directory", "a directory", "a file as directory"])
def test_an_output_path_that_cannot_be_a_file_is_one_line_before_any_work(command, where, catalogs,
                                                                        tmp_path, capsys):
    (tmp_path / "file").write_bytes(b"x")
    (tmp_path / "folder.h5").mkdir()
    (tmp_path / "folder.tle").mkdir()
    (tmp_path / "folder.png").mkdir()
    out = {"missing directory": tmp_path / "no" / "such" / "out",
           "a directory": tmp_path / "folder",
           "a file as directory": tmp_path / "file" / "out"}[where]
    argv = commands(catalogs, out)[command]
    before = listing(tmp_path)
    code = main(argv)
    one_line_error(capsys, code, argv[-1])
    assert listing(tmp_path) == before


@pytest.mark.parametrize("command", ["precompute", "breakup", "breakup h5", "gabbard", "plot", "render"])
@pytest.mark.parametrize("disk", ["full", "read-only"])
def test_a_full_or_read_only_disk_is_one_line_and_leaves_the_users_file(command, disk, catalogs,
                                                                     tmp_path, capsys):
    argv = commands(catalogs, tmp_path / "disk" / "out")[command]
    name = Path(argv[-1]).name
    with tmpfs(tmp_path / "disk", keep=[name], full=disk == "full", read_only=disk == "read-only") as mount:
        before = listing(mount)
        code = main(argv)
        one_line_error(capsys, code, argv[-1], "No space left" if disk == "full" else "Read-only")
        assert listing(mount) == before


def test_an_output_that_names_an_input_is_refused(catalogs, tmp_path, capsys):
    catalogue = tmp_path / "debris.3le"
    catalogue.write_bytes((catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt").read_bytes())
    before = listing(tmp_path)
    runs = [
        ["precompute", str(catalogue), "--start", "2025-02-15T00:00:00Z", "--span", "10m", "--step", "60",
         "--out", str(tmp_path / "." / "debris.3le")],
        ["breakup", "custom", "--catalog", str(catalogue), "--object", "24946", "--time", "2025-02-15T00:00:00Z",
         "--mass", "500", "--out", str(catalogue)],
        ["render", str(catalogue), "--out", str(catalogue)],
        [str(catalogue), "--screenshot", str(catalogue)],
    ]
    for argv in runs:
        code = main(argv)
        assert code == 2
        err = capsys.readouterr().err
        assert "input" in err or "precompute writes HDF5" in err, err
        assert listing(tmp_path) == before


def test_precompute_refuses_a_suffix_it_does_not_write(catalogs, tmp_path, capsys):
    debris = str(catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt")
    code = main(["precompute", debris, "--start", "2025-02-15T00:00:00Z", "--span", "10m", "--step", "60",
                 "--out", str(tmp_path / "x.kml")])
    one_line_error(capsys, code, "x.kml", ".h5, .hdf5, .oem, .czml")
    assert list(tmp_path.iterdir()) == []


def test_breakup_refuses_two_outputs_in_one_file(tmp_path, capsys):
    out = tmp_path / "x.tle"
    code = main(["breakup", "iridium-cosmos-2009", "--out", str(out), "--parent-out", str(tmp_path / "." / "x.tle")])
    one_line_error(capsys, code, "--out and --parent-out both name")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("cache", ["a file", "under a file", "read-only"])
def test_a_cache_directory_that_cannot_hold_files_is_one_line(cache, catalogs, tmp_path, capsys):
    (tmp_path / "file").write_bytes(b"x")
    if cache == "read-only":
        server = celestrak((catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt").read_bytes())
        try:
            with tmpfs(tmp_path / "ro", read_only=True) as directory:
                code = main(["fetch", "iridium-33-debris", "--format", "tle", "--cache-dir", str(directory),
                             "--url", f"http://127.0.0.1:{server.server_port}"])
                one_line_error(capsys, code, str(directory), "Read-only")
        finally:
            server.shutdown()
        return
    directory = tmp_path / "file" if cache == "a file" else tmp_path / "file" / "cache"
    code = main(["fetch", "stations", "--cache-dir", str(directory), "--url", "http://127.0.0.1:9"])
    one_line_error(capsys, code, str(directory))
    assert (tmp_path / "file").read_bytes() == b"x"
