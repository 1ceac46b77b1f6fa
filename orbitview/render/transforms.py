"""vispy transform chains as single matrices, for the vertex shaders of orbitview's visuals."""

from __future__ import annotations

import numpy as np


def chain_matrix(transform) -> np.ndarray:
    """``(4, 4) float32``: a vispy transform chain as one matrix (row vectors, vispy's order).

    vispy compiles a chain into one shader function per link: for the scene here three matrix
    products and five scale-translates per vertex, a third of the vertex shader's work on a CPU
    renderer. Every link is linear in homogeneous coordinates (matrix, scale-translate,
    inverse, identity), so the chain maps the identity's rows to the rows of its matrix.
    """
    return np.asarray(transform.map(np.eye(4)), dtype=np.float32)
