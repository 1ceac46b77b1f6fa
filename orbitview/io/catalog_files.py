"""Open any supported element-set file into a ``Catalog``, reporting what was skipped."""

from __future__ import annotations

from pathlib import Path

from orbitview.core.catalog import Catalog
from orbitview.io.problems import CatalogError, LoadResult
from orbitview.io.tle import read_tle_text


def read_text(path: Path) -> str:
    """The file's text: UTF-8 with or without BOM; a clear error when it cannot be read."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CatalogError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CatalogError(f"{path}: is a directory, not a file") from None
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if b"\x00" in data[:4096]:
        raise CatalogError(f"{path}: binary data, not an element-set file")
    return data.decode("utf-8-sig", errors="replace")


def load_catalog(path: str | Path, *, strict: bool = False) -> LoadResult:
    """Read one element-set file. Raises ``CatalogError`` when nothing could be read."""
    path = Path(path)
    catalog, problems = read_tle_text(read_text(path), str(path))
    if strict and problems:
        raise CatalogError(f"{problems[0]} (and {len(problems) - 1} more)" if len(problems) > 1 else str(problems[0]), problems)
    if len(catalog) == 0:
        detail = f"; first problem: {problems[0]}" if problems else ""
        raise CatalogError(f"{path}: no element sets found{detail}", problems)
    return LoadResult(catalog, problems)


def load_catalogs(paths, *, strict: bool = False) -> LoadResult:
    """Read several files into one catalogue (problems of all files together)."""
    results = [load_catalog(p, strict=strict) for p in paths]
    return LoadResult(
        Catalog.concatenate([r.catalog for r in results]),
        [p for r in results for p in r.problems],
    )
