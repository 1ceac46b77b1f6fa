"""Two views side by side: the model beside the record.

With ``Scene.split`` on, the image is cut into a left and a right pane of equal width, which
show the same clock through the same camera; each layer is drawn in the pane its ``pane``
field names (off, every layer is drawn in the one full view). Each pane has a title.
"""

from __future__ import annotations

PANES = ("left", "right")


def pane_name(value) -> str:
    """Field coercion: one of ``PANES``."""
    if value not in PANES:
        raise ValueError(f"pane must be one of {PANES}, not {value!r}")
    return value


def pane_box(pane: str, size: tuple[int, int], split: bool) -> tuple[int, int, int, int]:
    """``(x0, y0, width, height)`` pixels of ``pane`` in an image of ``size`` = (width, height):
    the whole image when not ``split``, else its left or right half (the right one takes the
    odd column)."""
    width, height = size
    if not split:
        return 0, 0, width, height
    half = width // 2
    return (0, 0, half, height) if pane == "left" else (half, 0, width - half, height)


def pane_at(x_px: float, size: tuple[int, int], split: bool) -> str:
    """The pane under ``x_px`` (pixels from the left of an image of ``size``)."""
    return "right" if split and x_px >= size[0] // 2 else "left"


def drawn_in(scene, layer) -> str:
    """The pane ``layer`` is drawn in: its own when ``scene`` is split, else the left (the only one)."""
    return layer.pane if scene.split else "left"


def pane_title(scene, pane: str) -> str:
    """The title over ``pane``: the scene's own (``left_title``, ``right_title``), else the
    names of the pane's visible layers."""
    given = getattr(scene, f"{pane}_title")
    if given:
        return given
    return " + ".join(layer.name for layer in scene.layers if layer.visible and drawn_in(scene, layer) == pane)
