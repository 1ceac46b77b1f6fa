"""vispy transform chains as single matrices, for the vertex shaders of orbitview's visuals."""

from __future__ import annotations

import numpy as np
from vispy.visuals import Visual


def chain_matrix(transform) -> np.ndarray:
    """``(4, 4) float32``: a vispy transform chain as one matrix (row vectors, vispy's order).

    vispy compiles a chain into one shader function per link: for the scene here three matrix
    products and five scale-translates per vertex, a third of the vertex shader's work on a CPU
    renderer. Every link is linear in homogeneous coordinates (matrix, scale-translate,
    inverse, identity), so the chain maps the identity's rows to the rows of its matrix.
    """
    return np.asarray(transform.map(np.eye(4)), dtype=np.float32)


class MatrixVisual(Visual):
    """A visual whose vertex shader projects with ``uniform mat4 u_mvp``, set once a draw from
    ``chain_matrix``, instead of vispy's ``$transform`` chain."""

    def _prepare_transforms(self, view) -> None:
        pass

    def _prepare_draw(self, view) -> bool:
        if not self._before_draw(view):
            return False
        view.view_program["u_mvp"] = chain_matrix(view.get_transform())
        return True

    def _before_draw(self, view) -> bool:
        """The subclass's work before each draw; False: nothing to draw."""
        return True
