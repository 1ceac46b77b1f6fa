"""Object colours for each colour-by mode, and the legend entries that explain them."""

from __future__ import annotations

import numpy as np

from orbitview.core.classify import CLASS_LABELS, ObjectClass
from orbitview.core.filters import Regime, regimes
from orbitview.core.scene import Layer

#: RGBA, 0..1. Chosen to stay apart for the common colour-vision deficiencies (blue/orange/
#: magenta-red/grey) and to read on both the dark sky and the lit Earth.
CLASS_COLORS = {
    ObjectClass.PAYLOAD: (0.30, 0.75, 1.00, 1.0),
    ObjectClass.ROCKET_BODY: (1.00, 0.65, 0.10, 1.0),
    ObjectClass.DEBRIS: (1.00, 0.30, 0.40, 1.0),
    ObjectClass.UNKNOWN: (0.78, 0.78, 0.82, 1.0),
}
REGIME_COLORS = {
    Regime.LEO: (0.35, 0.85, 1.00, 1.0),
    Regime.MEO: (0.45, 1.00, 0.45, 1.0),
    Regime.GEO: (1.00, 0.40, 1.00, 1.0),
    Regime.HEO: (1.00, 0.70, 0.25, 1.0),
}
#: Age of elements: fresh (green) to stale (red) over this many days.
AGE_SPAN_DAYS = 30.0
AGE_FRESH = np.array([0.35, 1.0, 0.45, 1.0], np.float32)
AGE_STALE = np.array([1.0, 0.25, 0.25, 1.0], np.float32)
#: In "sunlit" mode the shader picks one of these two per object.
SUNLIT_COLOR = (1.0, 0.92, 0.45, 1.0)
ECLIPSED_COLOR = (0.40, 0.50, 0.85, 1.0)

_CLASS_TABLE = np.array([CLASS_COLORS[c] for c in ObjectClass], np.float32)
_REGIME_TABLE = np.array([REGIME_COLORS[r] for r in Regime], np.float32)


def class_colors(object_class: np.ndarray) -> np.ndarray:
    """(N, 4) float32 RGBA for (N,) uint8 class codes."""
    return _CLASS_TABLE[np.asarray(object_class, np.intp)]


def layer_colors(layer: Layer, t_s: float) -> np.ndarray:
    """(N, 4) float32 RGBA of the layer's objects in its colour-by mode at time ``t_s``."""
    catalog = layer.catalog
    mode = layer.color_by
    if mode == "class":
        return class_colors(catalog.object_class)
    if mode == "altitude":
        return _REGIME_TABLE[regimes(catalog).astype(np.intp)]
    if mode == "age":
        age = np.clip((t_s - catalog.epoch_s) / 86400.0 / AGE_SPAN_DAYS, 0.0, 1.0)[:, None]
        return (AGE_FRESH + (AGE_STALE - AGE_FRESH) * age).astype(np.float32)
    return np.tile(np.asarray(layer.color, np.float32), (len(catalog), 1))


#: A legend row that explains rather than names a colour: its dot is not drawn.
NOTE_COLOR = (0.0, 0.0, 0.0, 0.0)


def legend_entries(layer: Layer) -> list[tuple[str, tuple, int]]:
    """``(label, rgba, count)`` rows explaining the layer's colours, counting the objects that
    pass its filters (count -1: not a count)."""
    mode = layer.color_by
    if mode == "class":
        codes, counts = np.unique(layer.catalog.object_class[layer.shown], return_counts=True)
        rows = [(CLASS_LABELS[ObjectClass(c)], CLASS_COLORS[ObjectClass(c)], int(n)) for c, n in zip(codes, counts)]
        if layer.classes_from:  # a SATCAT: say which (no dot: a note, not a colour)
            rows.append((f"classes: {layer.classes_from}", NOTE_COLOR, -1))
        return rows
    if mode == "altitude":
        codes, counts = np.unique(regimes(layer.catalog)[layer.shown], return_counts=True)
        return [(Regime(c).name, REGIME_COLORS[Regime(c)], int(n)) for c, n in zip(codes, counts)]
    if mode == "age":
        return [("elements fresh", tuple(AGE_FRESH), -1), (f"{AGE_SPAN_DAYS:.0f}+ days old", tuple(AGE_STALE), -1)]
    if mode == "sunlit":
        return [("sunlit", SUNLIT_COLOR, -1), ("in Earth's shadow", ECLIPSED_COLOR, -1)]
    return [(layer.name, tuple(layer.color), int(layer.shown.sum()))]
