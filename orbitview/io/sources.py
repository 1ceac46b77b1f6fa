"""Opening what a user gives the app (element sets or a trajectory file) as a layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from orbitview.core.scene import Layer
from orbitview.io.catalog_files import load_catalog
from orbitview.io.problems import Problem

TRAJECTORY_SUFFIXES = (".h5", ".hdf5")


@dataclass
class Source:
    """A loaded file: its layer, the records skipped, and the time span it covers
    (``None`` for element sets, which propagate to any time)."""

    layer: Layer
    problems: list[Problem] = field(default_factory=list)
    span_s: tuple[float, float] | None = None


def open_source(path: str | Path) -> Source:
    """Read ``path`` into a layer named after the file. Raises ``OrbitviewError`` (a
    ``CatalogError`` or ``TrajectoryFileError``) when nothing can be read from it."""
    path = Path(path)
    if path.suffix.lower() in TRAJECTORY_SUFFIXES:
        from orbitview.io.trajectories import Trajectories

        trajectories = Trajectories.open(path)
        layer = Layer(path.name, trajectories.catalog(), trajectories)
        return Source(layer, [], (trajectories.start_s, trajectories.end_s))
    result = load_catalog(path)
    return Source(Layer(path.name, result.catalog), result.problems)
