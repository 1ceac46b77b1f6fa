"""Fetch CelesTrak GP element sets into a per-user cache, politely and safely.

- A query is a group name (``stations``, ``fengyun-1c-debris``) or ``CATNR=25544``,
  ``INTDES=1999-025``, ``NAME=ISS``.
- CelesTrak asks clients not to download the same data more than once every two hours: a
  cached copy younger than that is used as it is unless ``force``; older ones are revalidated
  with ``If-None-Match`` / ``If-Modified-Since``.
- The download goes to a temporary file beside the cached one and replaces it
  (``orbitview.io.atomic``) only when complete and readable as element sets, so a failed, truncated or interrupted
  download never spoils a good cached file.
- When the network fails, the cached copy is used and its age reported.

The base URL comes from ``ORBITVIEW_CELESTRAK_URL`` (default https://celestrak.org) and the
cache directory from ``ORBITVIEW_CACHE_DIR`` (default: platformdirs' user cache directory).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from orbitview import __version__
from orbitview.core.errors import OrbitviewError
from orbitview.io.atomic import AtomicFile, write_atomically
from orbitview.io.catalog_files import parse_file
from orbitview.io.problems import CatalogError

DEFAULT_BASE_URL = "https://celestrak.org"
#: Younger cached copies are not fetched again unless forced (CelesTrak's request).
FRESH_S = 2 * 3600.0
_FORMATS = {"omm": ("json", ".json"), "tle": ("tle", ".tle")}
_GROUP = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_KEYS = ("CATNR", "INTDES", "NAME")
_CHUNK = 1 << 16


class FetchError(OrbitviewError):
    """A query that could not be fetched and has no cached copy to fall back on."""


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


def cache_dir() -> Path:
    """Where fetched files live: ``$ORBITVIEW_CACHE_DIR`` or the platform's user cache."""
    override = os.environ.get("ORBITVIEW_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("orbitview")) / "celestrak"


def base_url() -> str:
    return os.environ.get("ORBITVIEW_CELESTRAK_URL", DEFAULT_BASE_URL).rstrip("/")


def query_params(query: str) -> dict[str, str]:
    """``stations`` -> ``{"GROUP": "stations"}``; ``CATNR=25544`` -> ``{"CATNR": "25544"}``."""
    key, sep, value = query.partition("=")
    if sep:
        key, value = key.strip().upper(), value.strip()
        if key not in _KEYS or not value:
            raise FetchError(f"bad query {query!r}: use a group name or {', '.join(k + '=...' for k in _KEYS)}")
        return {key: value}
    group = query.strip().lower()
    if not _GROUP.match(group):
        raise FetchError(f"bad group name {query!r}: CelesTrak groups look like 'stations' or 'fengyun-1c-debris'")
    return {"GROUP": group}


def cached_path(query: str, fmt: str = "omm", directory: Path | None = None) -> Path:
    """The cache file of a query: ``group-stations.json``, ``catnr-25544.tle``, ..."""
    ((key, value),) = query_params(query).items()
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", value)
    return (directory or cache_dir()) / f"{key.lower()}-{slug}{_FORMATS[_check_format(fmt)][1]}"


def _check_format(fmt: str) -> str:
    if fmt not in _FORMATS:
        raise FetchError(f"unknown format {fmt!r}: use omm or tle")
    return fmt


def fetch(query: str, *, fmt: str = "omm", force: bool = False, url: str | None = None,
          directory: Path | None = None, timeout_s: float = 30.0, total_timeout_s: float = 300.0,
          now_s: float | None = None) -> FetchResult:
    """Bring one query's cached copy up to date (see the module docstring).

    ``timeout_s`` bounds each network wait, ``total_timeout_s`` the whole download (a server
    that trickles bytes never trips a per-read timeout). Raises ``FetchError`` only when the
    query failed and nothing is cached.
    """
    params = query_params(query)
    path = cached_path(query, fmt, directory)
    meta_path = path.with_name(path.name + ".meta.json")
    meta = _read_meta(meta_path) if path.exists() else {}
    now = time.time() if now_s is None else now_s
    age = now - meta.get("fetched_at", path.stat().st_mtime if path.exists() else now)
    if path.exists() and not force and 0 <= age < FRESH_S:
        return FetchResult(query, path, "fresh", age)

    full_url = f"{url or base_url()}/NORAD/elements/gp.php?" + urllib.parse.urlencode(
        {**params, "FORMAT": _FORMATS[fmt][0]})
    try:
        status, headers = _download(full_url, path, meta if path.exists() else {}, timeout_s, total_timeout_s)
    except FetchError as exc:
        if path.exists():
            return FetchResult(query, path, "offline", age, str(exc))
        raise FetchError(f"{query}: {exc} (nothing cached at {path})") from None
    new_meta = {"url": full_url, "fetched_at": now,
                "etag": headers.get("ETag", meta.get("etag") if status == "not-modified" else None),
                "last_modified": headers.get("Last-Modified", meta.get("last_modified") if status == "not-modified" else None)}
    write_atomically(meta_path, json.dumps(new_meta))
    return FetchResult(query, path, status, 0.0)


def _download(url: str, path: Path, meta: dict, timeout_s: float, total_timeout_s: float):
    """GET ``url`` into ``path`` (atomically, only when complete and loadable).

    Returns ``(status, headers)``; raises ``FetchError`` with a reason a user can act on.
    """
    headers = {"User-Agent": f"orbitview/{__version__} (+cache; two-hour refresh)"}
    if meta.get("etag"):
        headers["If-None-Match"] = meta["etag"]
    if meta.get("last_modified"):
        headers["If-Modified-Since"] = meta["last_modified"]
    request = urllib.request.Request(url, headers=headers)
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + total_timeout_s
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            expected = response.headers.get("Content-Length")
            with AtomicFile(path) as target:
                received = _copy(response, os.open(target.partial, os.O_WRONLY), deadline, total_timeout_s)
                if expected is not None and expected.isdigit() and received < int(expected):
                    raise FetchError(f"download truncated: {received} of {expected} bytes")
                _check_payload(target.partial)
                target.commit()
            return "downloaded", response.headers
    except urllib.error.HTTPError as exc:
        if exc.code == 304 and meta:
            return "not-modified", exc.headers
        raise FetchError(f"HTTP {exc.code} {exc.reason} from {url}") from None
    except urllib.error.URLError as exc:
        raise FetchError(f"cannot reach {urllib.parse.urlsplit(url).netloc}: {exc.reason}") from None
    except TimeoutError:
        raise FetchError(f"no answer within {timeout_s:g} s from {urllib.parse.urlsplit(url).netloc}") from None
    except (OSError, ValueError, http.client.HTTPException) as exc:  # reset, IncompleteRead, bad URL
        raise FetchError(f"download failed: {exc}") from None


def _copy(response, fd: int, deadline: float, total_timeout_s: float) -> int:
    received = 0
    with os.fdopen(fd, "wb") as out:
        while chunk := response.read(_CHUNK):
            out.write(chunk)
            received += len(chunk)
            if time.monotonic() > deadline:
                raise FetchError(f"download took longer than {total_timeout_s:g} s")
        out.flush()
        os.fsync(out.fileno())
    return received


def _check_payload(tmp: Path) -> None:
    """A download replaces the cache only if it reads as element sets (CelesTrak answers some
    bad queries with HTTP 200 and a line of text, such as "No GP data found")."""
    head = tmp.read_bytes()[:200].decode("utf-8", "replace").strip()
    if not head:
        raise FetchError("the server sent an empty answer")
    try:
        _, parsed = parse_file(tmp)
    except CatalogError:
        raise FetchError(f"the server's answer is not element sets: {head.splitlines()[0][:80]!r}") from None
    if len(parsed.catalog) == 0:
        first = parsed.problems[0].message if parsed.problems else head[:80]
        raise FetchError(f"the server's answer holds no usable element sets ({first})")


def _read_meta(path: Path) -> dict:
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
        return meta if isinstance(meta, dict) else {}
    except (OSError, ValueError):
        return {}


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
