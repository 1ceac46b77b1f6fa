"""Where fetched CelesTrak answers live on disk: the cache directory, one file per query,
and the ``.meta.json`` beside each that says when and from where it was fetched.

Below both the fetcher (``io.fetch``, which writes here) and the readers that look for a
cached file (``io.satcat``), so neither has to import the other.
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path

from orbitview.core.errors import OrbitviewError

#: The query that fetches the SATCAT rather than element sets.
SATCAT_QUERY = "satcat"
#: Format name -> (CelesTrak's ``FORMAT`` parameter, the cached file's suffix).
FORMATS = {"omm": ("json", ".json"), "tle": ("tle", ".tle")}
_GROUP = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_KEYS = ("CATNR", "INTDES", "NAME")
_META_TYPES = {"url": str, "fetched_at": (int, float), "etag": str, "last_modified": str}


class FetchError(OrbitviewError):
    """A query that could not be fetched and has no cached copy to fall back on."""


def cache_dir() -> Path:
    """Where fetched files live: ``$ORBITVIEW_CACHE_DIR`` or the platform's user cache."""
    override = os.environ.get("ORBITVIEW_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("orbitview")) / "celestrak"


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
    """The cache file of a query: ``group-stations.json``, ``catnr-25544.tle``, ...,
    ``satcat.csv`` for ``SATCAT_QUERY`` (whatever ``fmt``)."""
    if is_satcat(query):
        return (directory or cache_dir()) / "satcat.csv"
    ((key, value),) = query_params(query).items()
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", value)
    return (directory or cache_dir()) / f"{key.lower()}-{slug}{FORMATS[check_format(fmt)][1]}"


def is_satcat(query: str) -> bool:
    return query.strip().lower() == SATCAT_QUERY


def check_format(fmt: str) -> str:
    """``fmt`` when it is one of ``FORMATS``; else ``FetchError``."""
    if fmt not in FORMATS:
        raise FetchError(f"unknown format {fmt!r}: use omm or tle")
    return fmt


def meta_path(path: Path) -> Path:
    """The ``.meta.json`` beside the cached ``path``."""
    return path.with_name(path.name + ".meta.json")


def read_meta(path: Path) -> dict:
    """The well-typed entries of the metadata file ``path``; {} when it is missing or damaged
    (a damaged one only costs a revalidation)."""
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(meta, dict):
        return {}
    return {key: value for key, value in meta.items() if key in _META_TYPES
            and isinstance(value, _META_TYPES[key]) and not isinstance(value, bool)
            and (key != "fetched_at" or math.isfinite(value))
            and (not isinstance(value, str) or value.isprintable())}


def fetched_at_s(path: Path) -> float:
    """When the cached ``path`` was fetched (POSIX s): from its ``.meta.json``, else its mtime."""
    fetched_at = read_meta(meta_path(path)).get("fetched_at")
    return float(fetched_at) if isinstance(fetched_at, (int, float)) else path.stat().st_mtime
