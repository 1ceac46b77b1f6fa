"""Fetching against a local HTTP server on 127.0.0.1: cache, conditional requests, atomic
replacement, timeouts, errors and the offline fallback."""

from __future__ import annotations

import time
import urllib.parse
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from local_http import LocalHTTPServer

from orbitview.cli import main
from orbitview.io.catalog_files import load_catalog
from orbitview.io.cache import FetchError, cache_dir, cached_path, query_params
from orbitview.io.fetch import FRESH_S, base_url, fetch

pytestmark = pytest.mark.core

ETAG = '"v1"'


class Server:
    """A CelesTrak stand-in. ``behaviour[group]`` picks the answer: ok, error, slow,
    truncated, nodata, cut-N (the first N bytes, no Content-Length, then the connection
    closes), drip-body, drip-headers (a byte every 0.1 s), huge (300 MB streamed),
    huge-announced (a Content-Length of 300 MB); every request is recorded as (query dict, headers)."""

    def __init__(self, payloads: dict[str, bytes]) -> None:
        self.payloads = payloads
        self.behaviour: dict[str, str] = {}
        self.requests: list[tuple[dict, dict]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                server.requests.append((query, dict(self.headers)))
                key = query.get("GROUP") or query.get("CATNR", "")
                mode = server.behaviour.get(key, "ok")
                body = server.payloads[query.get("FORMAT", "json")]
                if mode == "error":
                    self.send_error(503, "Service Unavailable")
                elif mode == "slow":
                    time.sleep(1.5)  # bounded: longer than the client's timeout, never forever
                    self._send(body)
                elif mode == "truncated":
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body[: len(body) // 2])
                    self.close_connection = True
                elif mode == "nodata":
                    self._send(b"No GP data found")
                elif mode.startswith("cut-"):
                    self.send_response(200)
                    self.end_headers()
                    self.wfile.write(body[: int(mode[4:])])
                    self.close_connection = True
                elif mode.startswith("drip-"):
                    self._drip(body, headers_too=mode == "drip-headers")
                elif mode.startswith("huge"):
                    self._huge(announced=mode == "huge-announced")
                elif self.headers.get("If-None-Match") == ETAG:
                    self.send_response(304)
                    self.send_header("ETag", ETAG)
                    self.end_headers()
                else:
                    self._send(body)

            def _drip(self, body: bytes, headers_too: bool):
                head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
                data = head + body if headers_too else body
                if not headers_too:
                    self.wfile.write(head)
                self.close_connection = True
                try:
                    for i in range(len(data)):  # 1283 bytes: over two minutes if nobody hangs up
                        self.wfile.write(data[i:i + 1])
                        self.wfile.flush()
                        time.sleep(0.1)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _huge(self, announced: bool):
                self.send_response(200)
                if announced:
                    self.send_header("Content-Length", str(300 * 10**6))
                self.end_headers()
                self.close_connection = True
                block = b"x" * (1 << 20)
                try:
                    for _ in range(300):
                        self.wfile.write(block)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _send(self, body: bytes):
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", ETAG)
                self.send_header("Last-Modified", "Tue, 11 Aug 2026 12:00:00 GMT")
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up first (the slow case): expected

        self.local = LocalHTTPServer(Handler)
        self.url = self.local.url

    def stop(self) -> None:
        self.local.stop()


@pytest.fixture()
def server(catalogs):
    omm = (catalogs / "debris_2026-08-11_omm" / "gp-debris-cosmos1408.json").read_bytes()
    tle = (catalogs / "debris_2025-02-15_tle" / "cosmos-1408-debris.txt").read_bytes()
    srv = Server({"json": omm, "tle": tle})
    yield srv
    srv.stop()


@pytest.fixture()
def cache(tmp_path, monkeypatch, server):
    """Point the real code at the local server and a temporary cache, as a user would."""
    directory = tmp_path / "cache"
    monkeypatch.setenv("ORBITVIEW_CACHE_DIR", str(directory))
    monkeypatch.setenv("ORBITVIEW_CELESTRAK_URL", server.url)
    return directory


def test_download_then_fresh_then_conditional(server, cache):
    first = fetch("cosmos-1408-debris")
    assert first.status == "downloaded" and first.path.parent == cache
    assert len(load_catalog(first.path).catalog) == 3
    assert server.requests[0][0] == {"GROUP": "cosmos-1408-debris", "FORMAT": "json"}

    again = fetch("cosmos-1408-debris")
    assert again.status == "fresh" and len(server.requests) == 1  # no request within two hours

    later = fetch("cosmos-1408-debris", now_s=time.time() + FRESH_S + 60)
    assert later.status == "not-modified" and len(server.requests) == 2
    headers = server.requests[1][1]
    assert headers.get("If-None-Match") == ETAG and "If-Modified-Since" in headers

    forced = fetch("cosmos-1408-debris", force=True)
    assert forced.status == "not-modified" and len(server.requests) == 3


def test_failures_keep_the_good_cached_file_and_report_its_age(server, cache):
    good = fetch("stations").path
    before = good.read_bytes()
    hours_later = time.time() + 5 * 3600
    for mode in ("error", "truncated", "nodata"):
        server.behaviour["stations"] = mode
        result = fetch("stations", now_s=hours_later)
        assert result.status == "offline", mode
        assert result.age_s >= 5 * 3600 - 60
        assert good.read_bytes() == before
    server.behaviour["stations"] = "error"
    assert "HTTP 503" in fetch("stations", force=True).reason
    assert sorted(p.name for p in cache.iterdir()) == [good.name, good.name + ".meta.json"]  # no leftovers


def test_slow_server_times_out(server, cache):
    server.behaviour["slow"] = "slow"
    with pytest.raises(FetchError, match="no answer within|timed out"):
        fetch("slow", timeout_s=0.3)
    assert not cached_path("slow").exists()


@pytest.mark.parametrize("mode, words", [("error", "HTTP 503"), ("truncated", "truncated|download failed"),
                                         ("nodata", "not element sets")])
def test_errors_without_a_cache_are_clear(server, cache, mode, words):
    server.behaviour["visual"] = mode
    with pytest.raises(FetchError, match=words):
        fetch("visual")
    assert not cached_path("visual").exists()


def test_queries_formats_and_paths(server, cache):
    result = fetch("CATNR=49863", fmt="tle")
    assert result.path.name == "catnr-49863.tle"
    assert server.requests[-1][0] == {"CATNR": "49863", "FORMAT": "tle"}
    assert len(load_catalog(result.path).catalog) == 10
    assert query_params("intdes=1999-025") == {"INTDES": "1999-025"}
    with pytest.raises(FetchError, match="bad group"):
        query_params("../etc/passwd")
    with pytest.raises(FetchError, match="bad query"):
        query_params("FOO=1")


def test_unreachable_server(cache, monkeypatch):
    monkeypatch.setenv("ORBITVIEW_CELESTRAK_URL", "http://127.0.0.1:9")  # discard port: refused
    with pytest.raises(FetchError, match="cannot reach|download failed"):
        fetch("stations", timeout_s=2)


def test_defaults_follow_platform_conventions(monkeypatch):
    monkeypatch.delenv("ORBITVIEW_CACHE_DIR", raising=False)
    monkeypatch.delenv("ORBITVIEW_CELESTRAK_URL", raising=False)
    import platformdirs

    assert cache_dir() == Path(platformdirs.user_cache_dir("orbitview")) / "celestrak"
    assert base_url() == "https://celestrak.org"


def test_cli_fetch(server, cache, capsys):
    assert main(["fetch", "stations", "iridium-33-debris"]) == 0
    out = capsys.readouterr().out
    assert "stations: downloaded to" in out and "iridium-33-debris: downloaded to" in out
    assert main(["fetch", "stations"]) == 0
    assert "cached copy is" in capsys.readouterr().out
    server.behaviour["stations"] = "error"
    assert main(["fetch", "stations", "--force"]) == 0
    captured = capsys.readouterr()
    assert "offline; using the cached copy from" in captured.out and "HTTP 503" in captured.err
    server.behaviour["active"] = "error"
    assert main(["fetch", "active"]) == 1
    assert "nothing cached" in capsys.readouterr().err


@pytest.fixture()
def iridium_server(catalogs):
    """A server whose OMM answer is the 111 Iridium 33 debris element sets (as in the report)."""
    srv = Server({"json": (catalogs / "debris_2026-08-11_omm" / "gp-debris-iridium33.json").read_bytes(),
                  "tle": (catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt").read_bytes()})
    yield srv
    srv.stop()


def _cache_listing(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


@pytest.mark.parametrize("fmt", ["omm", "tle"])
def test_an_answer_cut_short_without_content_length_never_replaces_the_cache(iridium_server, tmp_path, fmt):
    body = iridium_server.payloads["json" if fmt == "omm" else "tle"]
    good = fetch("iridium-33-debris", fmt=fmt, url=iridium_server.url, directory=tmp_path)
    assert good.status == "downloaded" and len(load_catalog(good.path).catalog) == (111 if fmt == "omm" else 119)
    before = _cache_listing(tmp_path)
    later = time.time() + 5 * 3600
    # Cuts at every tenth of the answer, inside a record and inside a line, and one byte short.
    for cut in [len(body) * k // 10 + 7 for k in range(10)] + [len(body) - 1]:
        iridium_server.behaviour["iridium-33-debris"] = f"cut-{cut}"
        result = fetch("iridium-33-debris", fmt=fmt, url=iridium_server.url, directory=tmp_path, now_s=later)
        assert result.status == "offline", cut
        assert "incomplete" in result.reason or "no usable" in result.reason or "not element sets" in result.reason
        assert _cache_listing(tmp_path) == before  # the cache and its metadata, byte for byte


def test_a_whole_answer_with_a_damaged_record_is_a_download(iridium_server, tmp_path):
    """Damage inside a complete answer is the data's own: it loads as from any file."""
    body = iridium_server.payloads["tle"]
    lines = body.split(b"\r\n")
    lines[5] = lines[5][:68] + str((int(lines[5][68:69]) + 1) % 10).encode()  # record 2's line 2 checksum
    iridium_server.payloads["tle"] = b"\r\n".join(lines)
    result = fetch("iridium-33-debris", fmt="tle", url=iridium_server.url, directory=tmp_path)
    assert result.status == "downloaded"
    loaded = load_catalog(result.path)
    assert len(loaded.catalog) == 118 and [(p.line, p.kind) for p in loaded.problems] == [(6, "checksum")]


def test_cli_says_in_one_line_that_a_cut_answer_was_not_taken(iridium_server, tmp_path, capsys):
    args = ["fetch", "iridium-33-debris", "--url", iridium_server.url, "--cache-dir", str(tmp_path)]
    assert main(args) == 0
    capsys.readouterr()
    before = _cache_listing(tmp_path)
    iridium_server.behaviour["iridium-33-debris"] = f"cut-{len(iridium_server.payloads['json']) // 2}"
    assert main(args + ["--force"]) == 0  # as offline: the cached copy is what the user gets
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and "incomplete" in err and "element sets arrived" in err
    assert "offline; using the cached copy" in out and "downloaded" not in out
    assert _cache_listing(tmp_path) == before
    (tmp_path / "group-iridium-33-debris.json").unlink()
    (tmp_path / "group-iridium-33-debris.json.meta.json").unlink()
    assert main(args) == 1  # nothing cached: no data for this query
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "incomplete" in err and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("mode", ["drip-body", "drip-headers"])
def test_the_timeout_bounds_a_server_that_drips_bytes(iridium_server, tmp_path, mode):
    # A byte every 0.1 s never trips the 0.5 s wait; the whole answer would take minutes.
    iridium_server.behaviour["stations"] = mode
    with pytest.raises(FetchError, match="whole answer within 1 s"):
        fetch("stations", url=iridium_server.url, directory=tmp_path, timeout_s=0.5, total_timeout_s=1.0)
    assert list(tmp_path.iterdir()) == []


def test_cli_timeout_is_the_whole_request(iridium_server, tmp_path, capsys):
    iridium_server.behaviour["stations"] = "drip-body"
    assert main(["fetch", "stations", "--url", iridium_server.url, "--cache-dir", str(tmp_path), "--timeout", "1"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "did not send its whole answer within 1 s" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("mode", ["huge", "huge-announced"])
def test_a_300_mb_answer_is_refused_at_the_cap_without_filling_memory(iridium_server, tmp_path, mode):
    """In a process of its own, so its peak memory is its own."""
    from peak_memory import run_orbitview

    iridium_server.behaviour["active"] = mode
    good = fetch("iridium-33-debris", url=iridium_server.url, directory=tmp_path)
    before = _cache_listing(tmp_path)
    code, _, stderr, peak = run_orbitview(["fetch", "active", "--url", iridium_server.url, "--cache-dir", str(tmp_path)],
                                          tmp_path.parent)
    assert code == 1
    assert stderr.count("\n") == 1 and "64 MiB limit" in stderr and "Traceback" not in stderr
    assert _cache_listing(tmp_path) == before and good.path.exists()  # no partial file of "active"
    assert peak < 200e6  # far below the 300 MB sent
