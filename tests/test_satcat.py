"""Object classes against the SATCAT: the name rules, both SATCAT layouts, fetching CelesTrak's
SATCAT into the cache and applying a cached one wherever catalogues load."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import numpy as np
import pytest
from local_http import LocalHTTPServer

from orbitview.cli import main
from orbitview.core.model.legend import NOTE_COLOR, legend_entries
from orbitview.core.orbits.classify import ObjectClass
from orbitview.core.orbits.times import format_utc
from orbitview.io.cache import cached_path
from orbitview.io.catalog_files import load_catalog
from orbitview.io.fetch import FRESH_S, fetch
from orbitview.io.satcat import cached_satcat, read_satcat
from orbitview.io.trajectories import Trajectories
from orbitview.services.sources import open_source

pytestmark = pytest.mark.core


@pytest.fixture(scope="module")
def satcat_path(catalogs):
    return catalogs / "satcat_2025-05-24.csv"


@pytest.fixture(scope="module")
def full_2023(full_catalog_path):
    return load_catalog(full_catalog_path).catalog


def test_placeholder_names_are_unknown_as_the_satcat_says(full_2023, satcat_path):
    truth = read_satcat(satcat_path)
    by_name = full_2023.object_class
    satcat = np.array([truth.get(n, -1) for n in full_2023.norad_id.tolist()])  # -1: not in it
    placeholder = np.array([re.fullmatch(r"OBJECT [A-Z]{1,3}", n) is not None for n in full_2023.name])
    assert placeholder.sum() == 496
    assert not (by_name[placeholder] == ObjectClass.PAYLOAD).any()
    # Every object the names call a payload is one in the SATCAT (all are in it).
    assert (satcat[by_name == ObjectClass.PAYLOAD] == ObjectClass.PAYLOAD).all()


def test_space_track_layout_reads_every_typed_row(satcat_path):
    with satcat_path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    classes = read_satcat(satcat_path)
    assert len(classes) == len(rows) == 64011
    names = {"PAYLOAD": ObjectClass.PAYLOAD, "ROCKET BODY": ObjectClass.ROCKET_BODY,
             "DEBRIS": ObjectClass.DEBRIS, "UNKNOWN": ObjectClass.UNKNOWN}
    assert all(classes[int(r["NORAD_CAT_ID"])] == names[r["OBJECT_TYPE"]] for r in rows)


CELESTRAK_HEADER = ("OBJECT_NAME,OBJECT_ID,NORAD_CAT_ID,OBJECT_TYPE,OPS_STATUS_CODE,OWNER,LAUNCH_DATE,LAUNCH_SITE,"
                    "DECAY_DATE,PERIOD,INCLINATION,APOGEE,PERIGEE,RCS,DATA_STATUS_CODE,ORBIT_CENTER,ORBIT_TYPE")
CELESTRAK_TYPES = {"PAYLOAD": "PAY", "ROCKET BODY": "R/B", "DEBRIS": "DEB", "UNKNOWN": "UNK"}


def celestrak_satcat(space_track: Path) -> bytes:
    """The shared Space-Track SATCAT rewritten in CelesTrak's layout (what /pub/satcat.csv serves)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CELESTRAK_HEADER.split(","))
    with space_track.open(newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            writer.writerow([r["SATNAME"], r["INTLDES"], r["NORAD_CAT_ID"], CELESTRAK_TYPES[r["OBJECT_TYPE"]], "",
                             r["COUNTRY"], r["LAUNCH"], r["SITE"], r["DECAY"], r["PERIOD"], r["INCLINATION"],
                             r["APOGEE"], r["PERIGEE"], r["RCSVALUE"], "", "EA", "IMP" if r["DECAY"] else "ORB"])
    return out.getvalue().encode()


class SatcatServer:
    """CelesTrak's /pub/satcat.csv on 127.0.0.1, with an ETag; ``answer`` = "ok" or "page"
    (an HTML page with HTTP 200, as a captive portal sends). Records (path, headers)."""

    ETAG = '"satcat-1"'

    def __init__(self, body: bytes) -> None:
        self.body, self.answer, self.requests = body, "ok", []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.requests.append((self.path, dict(self.headers)))
                if self.path != "/pub/satcat.csv":
                    self.send_error(404)
                elif server.answer == "page":
                    self._send(b"<html><body>Please log in</body></html>")
                elif self.headers.get("If-None-Match") == server.ETAG:
                    self.send_response(304)
                    self.send_header("ETag", server.ETAG)
                    self.end_headers()
                else:
                    self._send(server.body)

            def _send(self, body: bytes):
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", server.ETAG)
                self.end_headers()
                self.wfile.write(body)

        self.local = LocalHTTPServer(Handler)
        self.url = self.local.url

    def stop(self) -> None:
        self.local.stop()


@pytest.fixture(scope="module")
def celestrak_csv(satcat_path) -> bytes:
    return celestrak_satcat(satcat_path)


@pytest.fixture()
def satcat_server(celestrak_csv, tmp_path, monkeypatch):
    """The real fetch code pointed at the local server, with an empty cache of its own."""
    server = SatcatServer(celestrak_csv)
    monkeypatch.setenv("ORBITVIEW_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ORBITVIEW_CELESTRAK_URL", server.url)
    yield server
    server.stop()


def test_fetch_satcat_caches_it_politely(satcat_server, satcat_path, capsys):
    assert main(["fetch", "satcat"]) == 0
    path = cached_path("satcat")
    assert "downloaded" in capsys.readouterr().out and path.name == "satcat.csv"
    assert read_satcat(path) == read_satcat(satcat_path)  # CelesTrak's layout, the same classes
    assert [p for p, _ in satcat_server.requests] == ["/pub/satcat.csv"]
    assert fetch("satcat").status == "fresh" and len(satcat_server.requests) == 1  # not within two hours
    later = fetch("satcat", now_s=time.time() + FRESH_S + 60)
    assert later.status == "not-modified" and satcat_server.requests[-1][1].get("If-None-Match") == SatcatServer.ETAG
    # An answer that is not a SATCAT never replaces the cached one.
    before = path.read_bytes()
    satcat_server.answer = "page"
    result = fetch("satcat", force=True)
    assert result.status == "offline" and "not a SATCAT" in result.reason
    assert path.read_bytes() == before


def test_nothing_cached_and_a_bad_answer_is_an_error_not_a_file(satcat_server, capsys):
    satcat_server.answer = "page"
    assert main(["fetch", "satcat"]) == 1
    assert "not a SATCAT" in capsys.readouterr().err
    assert not cached_path("satcat").exists()
    assert cached_satcat() is None


def test_a_cached_satcat_classes_every_file_that_loads(satcat_server, full_catalog_path, satcat_path, capsys):
    names = open_source(full_catalog_path)  # nothing cached yet: the name rules
    assert names.layer.classes_from == ""
    unknown_by_name = int((names.layer.catalog.object_class == ObjectClass.UNKNOWN).sum())
    assert unknown_by_name > 9000
    fetch("satcat")
    layer = open_source(full_catalog_path).layer
    truth = read_satcat(satcat_path)
    known = np.array([n in truth for n in layer.catalog.norad_id.tolist()])
    expected = np.array([truth[n] for n in layer.catalog.norad_id[known].tolist()])
    assert np.array_equal(layer.catalog.object_class[known], expected)
    assert np.array_equal(layer.catalog.object_class[~known], names.layer.catalog.object_class[~known])
    assert (layer.catalog.object_class == ObjectClass.UNKNOWN).sum() < unknown_by_name / 8
    label = f"CelesTrak SATCAT fetched {format_utc(time.time())[:10]}"
    assert layer.classes_from == label
    assert (f"classes: {label}", NOTE_COLOR, -1) in legend_entries(layer, layer.shown)
    # The command line applies it too, and says so; --satcat none goes back to the names.
    assert main(["inspect", "--json", str(full_catalog_path)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["classes_from"] == label
    assert summary["by_class"]["unknown"] == int((layer.catalog.object_class == ObjectClass.UNKNOWN).sum())
    assert main(["inspect", "--json", "--satcat", "none", str(full_catalog_path)]) == 0
    assert json.loads(capsys.readouterr().out)["by_class"]["unknown"] == unknown_by_name


def test_precompute_stores_the_cached_satcats_classes(satcat_server, catalogs, satcat_path, tmp_path, capsys):
    fetch("satcat")
    source = catalogs / "debris_2025-02-15_tle" / "cosmos-1408-debris.txt"
    out = tmp_path / "c.h5"
    assert main(["precompute", str(source), "--start", "2025-02-15T00:00:00Z", "--span", "120", "--step", "60",
                 "--out", str(out), "--workers", "1"]) == 0
    assert "classes from the CelesTrak SATCAT" in capsys.readouterr().err
    truth = read_satcat(satcat_path)
    with Trajectories.open(out) as trajectories:
        stored = trajectories.catalog()
    assert list(stored.object_class) == [truth[n] for n in stored.norad_id.tolist()]


@pytest.mark.pixels
def test_render_says_which_satcat_gave_the_classes(satcat_server, catalogs, tmp_path, artefacts):
    import subprocess
    import sys

    from PIL import Image

    fetch("satcat")
    out = tmp_path / "classes.png"
    source = catalogs / "debris_2025-02-15_tle" / "fengyun-1c-debris.txt"
    done = subprocess.run([sys.executable, "-m", "orbitview", "render", str(source), "--time", "2025-02-15T00:00:00Z",
                           "--size", "640x360", "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    image = Image.open(out)
    assert image.text["orbitview:classes"] == f"CelesTrak SATCAT fetched {format_utc(time.time())[:10]}"
    image.save(artefacts / "satcat_legend.png")


@pytest.mark.qt
def test_file_fetch_satcat_reclasses_the_open_files(satcat_server, make_window, qtbot, catalogs, satcat_path):
    from orbitview.ui.fetch_dialog import GROUPS, fetch_step

    assert "satcat" in [query for query, _ in GROUPS]
    window = make_window()
    source = open_source(catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt")
    window.add_source(str(source.layer.name), source)
    assert source.layer.classes_from == ""
    window._on_fetched("satcat", fetch_step("satcat", False).work())  # what the loader thread hands back
    truth = read_satcat(satcat_path)
    layer = window.scene.layers[-1]
    assert list(layer.catalog.object_class) == [truth[n] for n in layer.catalog.norad_id.tolist()]
    assert layer.classes_from.startswith("CelesTrak SATCAT fetched")
    assert f"classes: {layer.classes_from}" in [row[0] for row in window.view.overlay._legend]
    assert "CelesTrak SATCAT" in window.statusBar().currentMessage()
