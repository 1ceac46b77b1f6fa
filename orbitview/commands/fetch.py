"""``orbitview fetch GROUP... [--format omm|tle] [--force]``: download CelesTrak GP element
sets into the local cache (see ``orbitview.io.fetch``). Exit 0 when every query has data
(fetched or cached), 1 when one has none."""

from __future__ import annotations

import argparse
import sys

from orbitview.core.errors import OrbitviewError
from orbitview.io.fetch import FetchError, cache_dir, fetch, format_age


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("queries", nargs="+", metavar="GROUP",
                        help="CelesTrak group (stations, active, fengyun-1c-debris, ...) or CATNR=N, INTDES=YYYY-NNN, NAME=TEXT")
    parser.add_argument("--format", choices=("omm", "tle"), default="omm", help="OMM JSON (default) or TLE")
    parser.add_argument("--force", action="store_true", help="fetch even when the cached copy is under two hours old")
    parser.add_argument("--url", metavar="URL", help="CelesTrak base URL (default $ORBITVIEW_CELESTRAK_URL or https://celestrak.org)")
    parser.add_argument("--cache-dir", metavar="DIR", help="cache directory (default $ORBITVIEW_CACHE_DIR or the user cache)")
    parser.add_argument("--timeout", type=float, default=30.0, metavar="S", help="seconds to wait for the server (default 30)")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

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
                           timeout_s=args.timeout, total_timeout_s=max(10 * args.timeout, 60.0))
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
