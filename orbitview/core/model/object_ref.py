"""How the model names one object: a layer and a row of its catalogue.

Catalogue numbers collide across layers (synthetic fragment numbers, analyst objects, two
snapshots of one catalogue), so the selection, the pins and the followed object are never a
number alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ObjectRef:
    """Row ``row`` of ``layer``'s catalogue. ``layer`` is a ``core.model.scene.Layer``, compared by
    identity: the same file loaded twice gives two layers, and their objects stay apart."""

    layer: Any
    row: int

    def __post_init__(self) -> None:
        if not 0 <= int(self.row) < len(self.layer.catalog):
            raise ValueError(f"row {self.row} is outside layer {self.layer.name!r} ({len(self.layer.catalog)} objects)")
        object.__setattr__(self, "row", int(self.row))

    def __repr__(self) -> str:
        return f"ObjectRef(layer={self.layer.name!r}, row={self.row}, norad_id={self.norad_id})"

    @property
    def norad_id(self) -> int:
        return int(self.layer.catalog.norad_id[self.row])

    @property
    def name(self) -> str:
        return str(self.layer.catalog.name[self.row] or "")


def optional_ref(value) -> ObjectRef | None:
    """Field coercion: an ``ObjectRef`` or None (a bare catalogue number is refused)."""
    if value is not None and not isinstance(value, ObjectRef):
        raise TypeError(f"expected an ObjectRef (layer, row) or None, not {value!r}")
    return value
