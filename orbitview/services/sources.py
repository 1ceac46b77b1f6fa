"""Opening what a user gives the app (element sets, a trajectory file or an OEM ephemeris) as a layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from orbitview.core.model.origin import FileOrigin
from orbitview.core.model.scene import Layer
from orbitview.core.orbits.keyframes import LiveKeyframes
from orbitview.core.orbits.launch_dates import appear_times_s
from orbitview.io.catalog_files import load_catalog
from orbitview.io.oem import looks_like_oem, open_oem
from orbitview.io.problems import Problem
from orbitview.io.satcat import CACHED, Satcat, apply_satcat, choose_satcat

TRAJECTORY_SUFFIXES = (".h5", ".hdf5")


@dataclass
class Source:
    """A loaded file: its layer, the records skipped, and the time span it covers
    (``None`` for element sets, which propagate to any time)."""

    layer: Layer
    problems: list[Problem] = field(default_factory=list)
    span_s: tuple[float, float] | None = None


def open_source(path: str | Path, satcat: "str | Path | Satcat | None" = CACHED) -> Source:
    """Read ``path`` into a layer named after the file, its classes from ``satcat`` (see
    ``choose_satcat``: by default the cached SATCAT, if any). Raises ``OrbitviewError`` (a
    ``CatalogError`` or ``TrajectoryFileError``) when nothing can be read from it."""
    path = Path(path)
    satcat = choose_satcat(satcat)
    origin = FileOrigin(str(path.resolve()))
    if path.suffix.lower() in TRAJECTORY_SUFFIXES:
        from orbitview.io.trajectories import Trajectories

        trajectories = Trajectories.open(path)
        layer = classify_layer(Layer(path.name, trajectories.catalog(), trajectories, origin=origin), satcat)
        return Source(layer, [], (trajectories.start_s, trajectories.end_s))
    if looks_like_oem(path):
        return open_oem_source(path, path.name, satcat, origin=origin)
    result = load_catalog(path)
    return Source(classify_layer(Layer(path.name, result.catalog, origin=origin), satcat), result.problems)


def open_oem_source(path: str | Path, name: str, satcat: Satcat | None, **style) -> Source:
    """An OEM file as a layer called ``name`` (``style``: the layer's fields), drawn from its
    ephemerides, which bound the time its objects exist."""
    ephemerides, catalog, problems = open_oem(path)
    layer = classify_layer(Layer(name, catalog, ephemerides, **style), satcat)
    return Source(layer, problems, (ephemerides.start_s, ephemerides.end_s))


def classify_layer(layer: Layer, satcat: Satcat | None) -> Layer:
    """``layer`` with its classes from ``satcat`` where it has the number (names elsewhere),
    saying so in ``classes_from``, and its objects drawn from the SATCAT's launch dates;
    recoloured when already drawn."""
    if satcat is not None:
        layer.catalog = apply_satcat(layer.catalog, satcat.classes)
        if satcat.launch_s and isinstance(layer.keyframes, LiveKeyframes):
            layer.keyframes.set_appear_s(appear_times_s(layer.catalog, satcat.launch_s))
    layer.classes_from = satcat.label if satcat is not None else ""
    layer.apply_filter()  # a filter by class follows the new classes
    layer.events.color_by.emit(layer.color_by)  # colours and legend follow the classes
    return layer
