"""Search across all layers by name, catalogue number or international designator, with
completion; Enter selects the object and flies the camera to it."""

from __future__ import annotations

import time
import weakref

import numpy as np
from PyQt6.QtCore import QStringListModel, Qt, pyqtSignal
from PyQt6.QtWidgets import QCompleter, QLineEdit, QWidget

from orbitview.core.model.events import disconnect_events
from orbitview.core.model.filters import text_matches
from orbitview.core.model.object_ref import ObjectRef
from orbitview.core.model.scene import Layer, Scene

#: Completion rows shown at once.
VISIBLE_COMPLETIONS = 12


def completion_rows(layer: Layer) -> list[str]:
    """One row per object: ``ISS (ZARYA)  25544  1998-067A  [layer]`` (name, number, designator
    and the layer, which tells apart objects of different layers with one number)."""
    catalog = layer.catalog
    objects = (f"{name or '(unnamed)'}  {number}  {designator}".rstrip()
               for name, number, designator in zip(catalog.name, catalog.norad_id.tolist(), catalog.intl_designator))
    return [f"{text}  [{layer.name}]" for text in objects]


def find_object(layers: tuple[Layer, ...], text: str) -> ObjectRef | None:
    """The first object matching ``text`` over ``layers``: a completion row (that layer's
    object), an exact catalogue number, an exact name or designator, else the first partial
    match."""
    text = text.strip()
    if not text:
        return None
    parts = text.split("  ")
    if len(parts) >= 3 and parts[1].strip().isdigit() and parts[-1].startswith("[") and text.endswith("]"):
        return _completed(layers, int(parts[1]), parts[-1][1:-1])
    needle = text.upper()
    partial = None
    for layer in layers:
        catalog = layer.catalog
        if needle.isdigit():
            rows = np.flatnonzero(catalog.norad_id == int(needle))
            if len(rows):
                return ObjectRef(layer, int(rows[0]))
            continue
        exact = [i for i, (n, d) in enumerate(zip(catalog.name, catalog.intl_designator))
                 if str(n).upper() == needle or str(d).upper() == needle]
        if exact:
            return ObjectRef(layer, exact[0])
        rows = np.flatnonzero(text_matches(catalog, text))
        if len(rows):
            # Names that start with the text, then words that do, then any match.
            rank, row = min((_rank(str(catalog.name[r]).upper(), needle), r) for r in rows[:5000])
            if partial is None or rank < partial[0]:
                partial = (rank, ObjectRef(layer, int(row)))
    return None if partial is None else partial[1]


def _completed(layers: tuple[Layer, ...], norad_id: int, layer_name: str) -> ObjectRef | None:
    """The object of a completion row: number ``norad_id`` in the first layer named ``layer_name``
    holding it."""
    for layer in layers:
        if layer.name == layer_name:
            rows = np.flatnonzero(layer.catalog.norad_id == norad_id)
            if len(rows):
                return ObjectRef(layer, int(rows[0]))
    return None


def _rank(name: str, needle: str) -> int:
    if name.startswith(needle):
        return 0
    return 1 if any(word.startswith(needle) for word in name.replace("(", " ").split()) else 2


class SearchBox(QLineEdit):
    """``found(ObjectRef)`` when Enter picks an object; ``missing(text)`` when nothing matches."""

    found = pyqtSignal(object)
    missing = pyqtSignal(str)

    def __init__(self, scene: Scene, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        self.setPlaceholderText("Search name, catalogue number, designator (Ctrl+F)")
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(300)
        self.entries = QStringListModel(self)
        self.completer_ = QCompleter(self.entries, self)
        self.completer_.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer_.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer_.setMaxVisibleItems(VISIBLE_COMPLETIONS)
        self.setCompleter(self.completer_)
        self._last_submit = ("", 0.0)
        self._rows: "weakref.WeakKeyDictionary[Layer, list[str]]" = weakref.WeakKeyDictionary()
        self.returnPressed.connect(self.submit)
        # Choosing a row with the mouse picks it at once, as Enter would (Enter in the popup
        # emits both: the second is dropped in submit_text).
        self.completer_.activated[str].connect(self.submit_text)
        scene.events.layers.connect(self._on_layers)
        self._on_layers(scene.layers)

    def _on_layers(self, layers: tuple[Layer, ...]) -> None:
        rows = []
        for layer in layers:
            if layer not in self._rows:  # made once per layer: adding a layer costs only its own rows
                self._rows[layer] = completion_rows(layer)
            rows += self._rows[layer]
        self.entries.setStringList(rows)

    def disconnect_model(self) -> None:
        disconnect_events(self.scene.events, self)

    def submit(self) -> None:
        self.submit_text(self.text())

    def submit_text(self, text: str) -> None:
        now = time.monotonic()
        if self._last_submit[0] == text and now - self._last_submit[1] < 0.3:
            return
        self._last_submit = (text, now)
        ref = find_object(self.scene.layers, text)
        if ref is None:
            self.missing.emit(text)
        else:
            self.found.emit(ref)
