"""Colours of object classes, shared by the points and the legend."""

from __future__ import annotations

import numpy as np

from orbitview.core.classify import ObjectClass

#: RGBA, 0..1. Chosen to stay apart for the common colour-vision deficiencies (blue/orange/
#: magenta-red/grey) and to read on both the dark sky and the lit Earth.
CLASS_COLORS = {
    ObjectClass.PAYLOAD: (0.30, 0.75, 1.00, 1.0),
    ObjectClass.ROCKET_BODY: (1.00, 0.65, 0.10, 1.0),
    ObjectClass.DEBRIS: (1.00, 0.30, 0.40, 1.0),
    ObjectClass.UNKNOWN: (0.78, 0.78, 0.82, 1.0),
}

_TABLE = np.array([CLASS_COLORS[c] for c in ObjectClass], np.float32)


def class_colors(object_class: np.ndarray) -> np.ndarray:
    """(N, 4) float32 RGBA for (N,) uint8 class codes."""
    return _TABLE[np.asarray(object_class, np.intp)]
