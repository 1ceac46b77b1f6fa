"""``orbitview fetch GROUP... [--format omm|tle] [--force]``: download CelesTrak GP element
sets (or, for ``satcat``, CelesTrak's SATCAT) into the local cache (see ``orbitview.io.fetch``). Exit 0 when every query has data
(fetched or cached), 1 when one has none."""

from __future__ import annotations

import argparse
import sys

from orbitview.commands.common import number_in
from orbitview.core.errors import OrbitviewError
from orbitview.io.cache import FetchError, cache_dir
from orbitview.io.fetch import base_url, check_base_url, fetch, format_age

#: The longest wait for one answer that --timeout may ask for.
MAX_TIMEOUT_S = 3600.0

#: Longest wait for any one answer from the server, within ``--timeout``.
_WAIT_S = 30.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("queries", nargs="+", metavar="GROUP",
                        help="CelesTrak group (stations, active, fengyun-1c-debris, ...) or CATNR=N, INTDES=YYYY-NNN, "
                        "NAME=TEXT; satcat: the SATCAT, which then gives the object classes wherever files load")
    parser.add_argument("--format", choices=("omm", "tle"), default="omm", help="OMM JSON (default) or TLE")
    parser.add_argument("--force", action="store_true", help="fetch even when the cached copy is under two hours old")
    parser.add_argument("--url", metavar="URL", help="CelesTrak base URL (default $ORBITVIEW_CELESTRAK_URL or https://celestrak.org)")
    parser.add_argument("--cache-dir", metavar="DIR", help="cache directory (default $ORBITVIEW_CACHE_DIR or the user cache)")
    parser.add_argument("--timeout", type=float, default=120.0, metavar="S",
                        help="seconds the whole request may take, however slowly the server answers (default 120)")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    number_in("--timeout", args.timeout, 0.0, MAX_TIMEOUT_S, above_low=True, unit="s")
    check_base_url(args.url) if args.url is not None else base_url()  # a bad one is exit 2, not per query
    directory = Path(args.cache_dir) if args.cache_dir else cache_dir()
    if directory.exists() and not directory.is_dir():
        raise OrbitviewError(f"cache directory {directory} is not a directory")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OrbitviewError(f"cannot make cache directory {directory}: {exc.strerror or exc}") from None
    failed = 0
    for query in args.queries:
        try:
            result = fetch(query, fmt=args.format, force=args.force, url=args.url, directory=directory,
                           timeout_s=min(args.timeout, _WAIT_S), total_timeout_s=args.timeout)
        except FetchError as exc:
            print(f"orbitview: error: {exc}", file=sys.stderr)
            failed += 1
            continue
        if result.status == "downloaded":
            print(f"{query}: downloaded to {result.path}")
        elif result.status == "not-modified":
            print(f"{query}: unchanged on the server; {result.path}")
        elif result.status == "fresh":
            print(f"{query}: cached copy is {format_age(result.age_s)} old (refreshed after 2 h, or use --force); {result.path}")
        else:
            print(f"orbitview: warning: {query}: {result.reason}", file=sys.stderr)
            print(f"{query}: offline; using the cached copy from {format_age(result.age_s)} ago: {result.path}")
    return 1 if failed else 0
