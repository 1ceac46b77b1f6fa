"""The colours objects are drawn in, and the legend that explains them.

``legend_rows`` is the one legend: the window's overlay and every export call it with the
objects each layer draws at the displayed time, so a breakup's parent stops being counted at
the intercept, exactly when its dot goes.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from orbitview.core.model.filters import Regime, regimes
from orbitview.core.model.scene import Layer
from orbitview.core.orbits.classify import CLASS_LABELS, ObjectClass

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
#: A legend row that explains rather than names a colour: its dot is not drawn.
NOTE_COLOR = (0.0, 0.0, 0.0, 0.0)

LegendRow = tuple[str, tuple, int]


def legend_entries(layer: Layer, drawn: np.ndarray) -> list[LegendRow]:
    """``(label, rgba, count)`` rows explaining the layer's colours, counting the objects of
    ``drawn`` ((N,) bool: those that pass its filters and exist at the displayed time; count
    -1: not a count)."""
    mode = layer.color_by
    if mode == "class":
        codes, counts = np.unique(layer.catalog.object_class[drawn], return_counts=True)
        rows = [(CLASS_LABELS[ObjectClass(c)], CLASS_COLORS[ObjectClass(c)], int(n)) for c, n in zip(codes, counts)]
        if layer.classes_from:  # a SATCAT: say which (no dot: a note, not a colour)
            rows.append((f"classes: {layer.classes_from}", NOTE_COLOR, -1))
        return rows
    if mode == "altitude":
        codes, counts = np.unique(regimes(layer.catalog)[drawn], return_counts=True)
        return [(Regime(c).name, REGIME_COLORS[Regime(c)], int(n)) for c, n in zip(codes, counts)]
    if mode == "age":
        return [("elements fresh", tuple(AGE_FRESH), -1), (f"{AGE_SPAN_DAYS:.0f}+ days old", tuple(AGE_STALE), -1)]
    if mode == "sunlit":
        return [("sunlit", SUNLIT_COLOR, -1), ("in Earth's shadow", ECLIPSED_COLOR, -1)]
    count = int(np.count_nonzero(drawn))
    # A layer of one colour with nothing drawn now (a missile after its intercept) has no row.
    return [(layer.name, tuple(layer.color), count)] if count else []


def legend_rows(drawn: Iterable[tuple[Layer, np.ndarray]]) -> list[LegendRow]:
    """The legend of a picture: ``(label, rgba, count)`` rows for the visible layers of
    ``drawn`` ((layer, (N,) bool of its objects drawn) pairs), in layer order. Rows with the
    same label and colour are one row, their counts summed (count -1: not a count)."""
    rows: dict[tuple[str, tuple], int] = {}
    for layer, objects in drawn:
        if not layer.visible:
            continue
        for label, rgba, count in legend_entries(layer, objects):
            key = (label, tuple(rgba))
            rows[key] = -1 if count < 0 or rows.get(key, 0) < 0 else rows.get(key, 0) + count
    return [(label, rgba, count) for (label, rgba), count in rows.items()]
