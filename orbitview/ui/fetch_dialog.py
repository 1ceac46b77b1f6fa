"""File > Fetch: choose a CelesTrak group (or query), see how old its cached copy is, fetch it.

The download itself runs in the window's loader (``fetch_step``): the dialog only asks.
"""

from __future__ import annotations

import time

from PyQt6.QtWidgets import QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget

from orbitview.core.errors import OrbitviewError
from orbitview.core.model.origin import CelestrakOrigin
from orbitview.io.cache import SATCAT_QUERY, cached_path, fetched_at_s, is_satcat
from orbitview.io.fetch import FRESH_S, fetch, format_age
from orbitview.io.satcat import cached_satcat
from orbitview.services.sources import open_source
from orbitview.ui.file_loading import Step

#: (query, what it holds): the groups analysts ask for most, as CelesTrak names them.
GROUPS = (
    ("stations", "space stations"),
    ("visual", "100 brightest"),
    ("active", "all active satellites"),
    ("last-30-days", "launched in the last 30 days"),
    ("starlink", "Starlink"),
    ("oneweb", "OneWeb"),
    ("gps-ops", "GPS operational"),
    ("galileo", "Galileo"),
    ("geo", "geostationary"),
    ("weather", "weather"),
    ("fengyun-1c-debris", "Fengyun-1C debris"),
    ("cosmos-2251-debris", "Cosmos 2251 debris"),
    ("iridium-33-debris", "Iridium 33 debris"),
    ("cosmos-1408-debris", "Cosmos 1408 debris"),
    (SATCAT_QUERY, "object types of every catalogue number: classes for every file loaded"),
)


def cache_age_s(query: str, now_s: float | None = None) -> float | None:
    """Age of the cached copy of ``query`` (as ``io.fetch.fetch`` reckons it), None if none."""
    path = cached_path(query)
    if not path.exists():
        return None
    return (time.time() if now_s is None else now_s) - fetched_at_s(path)


def fetch_step(query: str, force: bool) -> Step:
    """Fetch ``query`` (or use its cache) and open it as a layer named after it. The result
    is ``(source, fetch_result)``; for the SATCAT ``(satcat, fetch_result)``, the ``Satcat``
now cached."""

    def work():
        result = fetch(query, force=force)
        if is_satcat(query):
            satcat = cached_satcat()
            if satcat is None:
                raise OrbitviewError(f"{result.path}: the cached SATCAT cannot be read")
            return satcat, result
        source = open_source(result.path)
        source.layer.name = f"CelesTrak {query}"
        # A scenario of this layer fetches the query again, not the cache file.
        source.layer.origin = CelestrakOrigin(query)
        return source, result

    return Step(f"CelesTrak {query}", work)


class FetchDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Fetch from CelesTrak")
        self.group = QComboBox()
        self.group.setEditable(True)
        for query, label in GROUPS:
            self.group.addItem(query)
            self.group.setItemData(self.group.count() - 1, label, 3)  # Qt.ItemDataRole.ToolTipRole
        self.group.setToolTip("A CelesTrak group, or CATNR=25544, INTDES=1998-067, NAME=ISS")
        self.age = QLabel()
        self.force = QCheckBox("Download even if the cached copy is under two hours old")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.fetch_button = buttons.addButton("Fetch", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Group or query", self.group)
        form.addRow("Cached copy", self.age)
        form.addRow(self.force)
        form.addRow(buttons)
        self.group.currentTextChanged.connect(self._show_age)
        self._show_age(self.group.currentText())

    def query(self) -> str:
        return self.group.currentText().strip()

    def _show_age(self, query: str) -> None:
        try:
            age = cache_age_s(query.strip())
        except OrbitviewError as exc:
            self.age.setText(str(exc))
            self.fetch_button.setEnabled(False)
            return
        self.fetch_button.setEnabled(True)
        if age is None:
            self.age.setText("none: it will be downloaded")
        elif age < FRESH_S:
            self.age.setText(f"{format_age(age)} old: used as it is (CelesTrak asks for two hours between downloads)")
        else:
            self.age.setText(f"{format_age(age)} old: it will be refreshed")
