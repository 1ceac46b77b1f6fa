"""Fetch CelesTrak GP element sets into a per-user cache, politely and safely.

- A query is a group name (``stations``, ``fengyun-1c-debris``) or ``CATNR=25544``,
  ``INTDES=1999-025``, ``NAME=ISS``.
- CelesTrak asks clients not to download the same data more than once every two hours: a
  cached copy younger than that is used as it is unless ``force``; older ones are revalidated
  with ``If-None-Match`` / ``If-Modified-Since``.
- The download goes to a temporary file beside the cached one and replaces it
  (``orbitview.io.atomic``) only when whole (not cut short) and readable as element sets,
  so a failed, truncated or interrupted download never spoils a good cached file.
- When the network fails, the cached copy is used and its age reported.
- ``satcat`` fetches CelesTrak's SATCAT (``/pub/satcat.csv``: the object type of every
  catalogue number) under the same rules, into ``satcat.csv``; it replaces the cached copy
  only when it reads as a SATCAT.

The base URL comes from ``ORBITVIEW_CELESTRAK_URL`` (default https://celestrak.org) and the
cache directory from ``ORBITVIEW_CACHE_DIR`` (default: platformdirs' user cache directory).
"""

from __future__ import annotations

import errno
import http.client
import json
import math
import os
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from orbitview import __version__
from orbitview.io.atomic import AtomicFile, write_atomically
from orbitview.io.cache import FORMATS, FetchError, cached_path, is_satcat, meta_path, query_params, read_meta
from orbitview.io.catalog_files import parse_file
from orbitview.io.problems import CatalogError
from orbitview.io.satcat import read_satcat

DEFAULT_BASE_URL = "https://celestrak.org"
SATCAT_URL_PATH = "/pub/satcat.csv"
#: Younger cached copies are not fetched again unless forced (CelesTrak's request).
FRESH_S = 2 * 3600.0
_CHUNK = 1 << 16
#: The largest answer accepted. CelesTrak's largest group (``active``, ~12,000 objects) is
#: about 10 MB of OMM JSON; checking an answer reads it whole, at ~10x its size in memory.
MAX_ANSWER_BYTES = 64 * 1024 * 1024
_CAP_MIB = MAX_ANSWER_BYTES >> 20


@dataclass(frozen=True)
class FetchResult:
    """What happened to one query. ``status``: ``downloaded``, ``not-modified`` (the server
    confirmed the cached copy), ``fresh`` (cached copy under two hours old, no request) or
    ``offline`` (the request failed; ``reason`` says why and the cached copy is used)."""

    query: str
    path: Path
    status: str
    age_s: float
    reason: str = ""


def base_url() -> str:
    return check_base_url(os.environ.get("ORBITVIEW_CELESTRAK_URL", DEFAULT_BASE_URL)).rstrip("/")


def check_base_url(url: str) -> str:
    """``url`` when it is an http(s) URL with a host; else ``FetchError`` saying what it should be."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise FetchError(f"bad CelesTrak URL {url!r}: expected http(s)://HOST[:PORT][/PATH], "
                         "such as https://celestrak.org")
    return url


def fetch(query: str, *, fmt: str = "omm", force: bool = False, url: str | None = None,
          directory: Path | None = None, timeout_s: float = 30.0, total_timeout_s: float = 300.0,
          now_s: float | None = None) -> FetchResult:
    """Bring one query's cached copy up to date (see the module docstring).

    ``timeout_s`` bounds each network wait, ``total_timeout_s`` the whole request from the
    connection on (a server that trickles bytes never trips a per-read timeout); answers over
    ``MAX_ANSWER_BYTES`` are refused. Raises ``FetchError`` only when the
    query failed and nothing is cached.
    """
    params = query_params(query)
    path = cached_path(query, fmt, directory)
    meta_file = meta_path(path)
    meta = read_meta(meta_file) if path.exists() else {}
    now = time.time() if now_s is None else now_s
    age = now - meta.get("fetched_at", path.stat().st_mtime if path.exists() else now)
    if path.exists() and not force and 0 <= age < FRESH_S:
        return FetchResult(query, path, "fresh", age)

    base = check_base_url(url).rstrip("/") if url else base_url()
    if is_satcat(query):
        full_url, check = f"{base}{SATCAT_URL_PATH}", _check_satcat
    else:
        full_url = f"{base}/NORAD/elements/gp.php?" + urllib.parse.urlencode(
            {**params, "FORMAT": FORMATS[fmt][0]})
        check = _check_payload
    try:
        status, headers = _download(full_url, path, meta if path.exists() else {}, timeout_s, total_timeout_s, check)
    except FetchError as exc:
        if path.exists():
            return FetchResult(query, path, "offline", age, str(exc))
        raise FetchError(f"{query}: {exc} (nothing cached at {path})") from None
    new_meta = {"url": full_url, "fetched_at": now,
                "etag": headers.get("ETag", meta.get("etag") if status == "not-modified" else None),
                "last_modified": headers.get("Last-Modified", meta.get("last_modified") if status == "not-modified" else None)}
    write_atomically(meta_file, json.dumps(new_meta))
    return FetchResult(query, path, status, 0.0)


def _download(url: str, path: Path, meta: dict, timeout_s: float, total_timeout_s: float, check):
    """GET ``url`` into ``path`` (atomically, only when complete and ``check(tmp)`` passes).

    The request ends at ``total_timeout_s`` after it connected, headers included, however
    slowly the server sends; an answer over ``MAX_ANSWER_BYTES`` is refused without being
    kept in memory.
    Returns ``(status, headers)``; raises ``FetchError`` with a reason a user can act on.
    """
    headers = {"User-Agent": f"orbitview/{__version__} (+cache; two-hour refresh)"}
    if meta.get("etag"):
        headers["If-None-Match"] = meta["etag"]
    if meta.get("last_modified"):
        headers["If-Modified-Since"] = meta["last_modified"]
    request = urllib.request.Request(url, headers=headers)
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = _Deadline(total_timeout_s)
    opener = urllib.request.build_opener(_DeadlineHTTPHandler(deadline), _DeadlineHTTPSHandler(deadline))
    try:
        with deadline, opener.open(request, timeout=min(timeout_s, total_timeout_s)) as response:
            expected = response.headers.get("Content-Length")
            if expected is not None and expected.isdigit() and int(expected) > MAX_ANSWER_BYTES:
                raise FetchError(f"the answer is {int(expected) / 2**20:.0f} MiB, over the {_CAP_MIB} MiB limit")
            with AtomicFile(path) as target:
                received = _copy(response, os.open(target.partial, os.O_WRONLY | os.O_CLOEXEC))
                deadline.check()
                if expected is not None and expected.isdigit() and received < int(expected):
                    raise FetchError(f"download truncated: {received} of {expected} bytes")
                check(target.partial)
                target.commit()
            return "downloaded", response.headers
    except urllib.error.HTTPError as exc:
        if exc.code == 304 and meta:
            return "not-modified", exc.headers
        raise FetchError(f"HTTP {exc.code} {exc.reason} from {url}") from None
    except FetchError:
        raise
    except Exception as exc:
        if deadline.expired:
            raise deadline.error() from None
        if isinstance(exc, urllib.error.URLError):
            raise FetchError(f"cannot reach {urllib.parse.urlsplit(url).netloc}: {exc.reason}") from None
        if isinstance(exc, TimeoutError):
            raise FetchError(f"no answer within {timeout_s:g} s from {urllib.parse.urlsplit(url).netloc}") from None
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
            raise FetchError(f"cannot write {path}: {exc.strerror}") from None  # the disk, not the network
        if isinstance(exc, (OSError, ValueError, http.client.HTTPException)):  # reset, IncompleteRead, bad URL
            raise FetchError(f"download failed: {exc}") from None
        raise


class _Deadline:
    """Ends a request at a wall-clock deadline by shutting its sockets down from a timer.

    A socket timeout bounds each wait only: a server that sends a byte every half second
    never trips one, in the headers or in the body, so the whole request needs a clock of
    its own. Used as a context manager around the request.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire) if math.isfinite(seconds) else None

    def __enter__(self) -> "_Deadline":
        if self._timer is not None:
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._timer is not None:
            self._timer.cancel()

    def watch(self, sock: socket.socket) -> None:
        """Shut ``sock`` down at the deadline (at once if it has passed)."""
        with self._lock:
            self._sockets.append(sock)
            expired = self.expired
        if expired:
            _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)

    def check(self) -> None:
        """Raise when the deadline cut the answer short (a shut socket reads as its end)."""
        if self.expired:
            raise self.error()

    def error(self) -> FetchError:
        return FetchError(f"the server did not send its whole answer within {self.seconds:g} s")

    def connection_class(self, base: type) -> type:
        deadline = self

        class Connection(base):
            def connect(self):
                super().connect()
                deadline.watch(self.sock)

        return Connection


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed


class _DeadlineHandlerMixin:
    def __init__(self, deadline: _Deadline, **kwargs) -> None:
        super().__init__(**kwargs)
        self._deadline = deadline

    def do_open(self, http_class, request, **kwargs):
        return super().do_open(self._deadline.connection_class(http_class), request, **kwargs)


class _DeadlineHTTPHandler(_DeadlineHandlerMixin, urllib.request.HTTPHandler):
    pass


class _DeadlineHTTPSHandler(_DeadlineHandlerMixin, urllib.request.HTTPSHandler):
    pass


def _copy(response, fd: int) -> int:
    """Stream the body to ``fd``; refuse it past ``MAX_ANSWER_BYTES`` (it is never all in memory)."""
    received = 0
    with os.fdopen(fd, "wb") as out:
        while chunk := response.read(_CHUNK):
            out.write(chunk)
            received += len(chunk)
            if received > MAX_ANSWER_BYTES:
                raise FetchError(f"the answer is over the {_CAP_MIB} MiB limit")
        out.flush()
        os.fsync(out.fileno())
    return received


#: Problems an answer cut short leaves on its last line.
_CUT_KINDS = ("format", "truncated", "order", "checksum", "mismatch")


def _check_payload(tmp: Path) -> None:
    """A download replaces the cache only if it is whole and reads as element sets. CelesTrak
    answers some bad queries with HTTP 200 and a line of text ("No GP data found"), and a
    server that closes the connection early, without a Content-Length, sends part of a file."""
    data = tmp.read_bytes()
    head = data[:200].decode("utf-8", "replace").strip()
    if not head:
        raise FetchError("the server sent an empty answer")
    try:
        fmt, parsed = parse_file(tmp)
    except CatalogError:
        raise FetchError(f"the server's answer is not element sets: {head.splitlines()[0][:80]!r}") from None
    if len(parsed.catalog) == 0:
        first = parsed.problems[0].message if parsed.problems else head[:80]
        raise FetchError(f"the server's answer holds no usable element sets ({first})")
    reason = _cut_short(fmt, data, parsed.problems)
    if reason:
        raise FetchError(f"the answer is incomplete ({reason}); {len(parsed.catalog)} element sets arrived")


def _cut_short(fmt: str, data: bytes, problems: list) -> str | None:
    """Why an answer is not whole, or None. A body cut short leaves a JSON document
    unfinished, or a text answer without its last line end or with a damaged last record.
    Damage elsewhere is the data's own and loads as from any file."""
    if fmt == "omm.json":
        try:
            json.loads(data.decode("utf-8-sig", "replace"), strict=False)
        except ValueError as exc:
            return f"invalid JSON: {exc}"
        return None
    if not data.endswith(b"\n"):
        return "its last line has no line end"
    last_line = data.rstrip().count(b"\n") + 1
    cut = [p for p in problems if p.line >= last_line and p.kind in _CUT_KINDS]
    return f"line {cut[0].line}: {cut[0].message}" if cut else None


def _check_satcat(tmp: Path) -> None:
    """A SATCAT download replaces the cache only if it reads as one, with rows."""
    try:
        rows = len(read_satcat(tmp))
    except CatalogError:
        head = tmp.read_bytes()[:200].decode("utf-8", "replace").strip()
        raise FetchError(f"the server's answer is not a SATCAT CSV: {(head.splitlines() or [''])[0][:80]!r}") from None
    if rows == 0:
        raise FetchError("the server's SATCAT holds no rows")


#: The cache's metadata fields and the types they must have; others, or a wrong type, are
#: dropped as if absent (the file's mtime then dates it, and requests are unconditional).
def format_age(age_s: float) -> str:
    """``45 s``, ``12 min``, ``3 h 5 min``, ``2 d 4 h``."""
    age_s = max(0.0, age_s)
    if age_s < 60:
        return f"{age_s:.0f} s"
    minutes = int(age_s // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"
