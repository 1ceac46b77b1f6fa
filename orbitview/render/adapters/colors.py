"""Object colours for each colour-by mode as arrays for the GPU (the palette and the legend
that explains it are ``core.model.legend``'s)."""

from __future__ import annotations

import numpy as np

from orbitview.core.model.filters import Regime, regimes
from orbitview.core.model.legend import AGE_FRESH, AGE_SPAN_DAYS, AGE_STALE, CLASS_COLORS, REGIME_COLORS
from orbitview.core.model.scene import Layer
from orbitview.core.orbits.classify import ObjectClass

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
