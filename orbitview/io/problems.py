"""What went wrong with a record, reported as ``FILE:LINE: kind: message``."""

from __future__ import annotations

from dataclasses import dataclass, field

from orbitview.core.errors import OrbitviewError
from orbitview.core.orbits.catalog import Catalog


@dataclass(frozen=True, slots=True)
class Problem:
    """One damaged or questionable record. ``line`` is 1-based (0 when the file as a whole).

    Slotted: a file of junk lines holds one per line, and a dict each would triple that memory.
    """

    file: str
    line: int
    kind: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.kind}: {self.message}"


class CatalogError(OrbitviewError):
    """Nothing usable could be read from a file (or, with ``strict``, something was damaged)."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [])


@dataclass
class LoadResult:
    """A catalogue and the problems met while reading it (skipped records, duplicates)."""

    catalog: Catalog
    problems: list[Problem] = field(default_factory=list)
