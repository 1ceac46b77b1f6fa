"""Help > Keyboard shortcuts and Help > About (with the data attributions)."""

from __future__ import annotations

from PyQt6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMessageBox, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from orbitview import __version__

#: (keys, what they do). The camera keys act while the 3D view has the keyboard (click it).
SHORTCUTS = (
    ("Space", "Play / pause"),
    ("Ctrl+Left / Ctrl+Right", "Step time back / forward"),
    ("Ctrl+F", "Search objects"),
    ("Enter (in search)", "Select the object and fly to it"),
    ("Click (no drag)", "Select the object under the mouse; click empty space to clear"),
    ("Escape", "Clear the selection"),
    ("Drag / wheel", "Orbit / zoom the camera"),
    ("Left, Right, Up, Down", "Orbit the camera (3D view focused)"),
    ("+ / -", "Zoom in / out (3D view focused)"),
    ("R", "Reset the view"),
    ("F", "Follow the selected object (again: stop)"),
    ("E", "Switch between the Earth-fixed and the inertial view"),
    ("Page Down / Page Up", "Next chapter / the chapter before the running one"),
    ("Ctrl+O", "Open element-set or trajectory files"),
    ("Ctrl+S", "Save the view as a scenario file"),
    ("Ctrl+Q", "Quit (the session is kept for next time)"),
)

ATTRIBUTIONS = (
    "Earth imagery: NASA Blue Marble (NASA Earth Observatory).",
    "Coastlines and borders: Natural Earth.",
    "Stars: ESA Hipparcos (XHIP compilation, via d3-celestial, © Olaf Frohn).",
    "Element sets: CelesTrak (celestrak.org), from the 18th Space Defense Squadron's catalogue.",
    "Propagation: SGP4 (Vallado et al., the sgp4 package); frames and the Sun: skyfield with JPL DE421.",
)


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(560, 480)
        table = QTableWidget(len(SHORTCUTS), 2)
        table.setHorizontalHeaderLabels(["Keys", "Action"])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (keys, action) in enumerate(SHORTCUTS):
            table.setItem(row, 0, QTableWidgetItem(keys))
            table.setItem(row, 1, QTableWidgetItem(action))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        self.table = table
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(QLabel("Camera keys act while the 3D view has the keyboard: click it first."))
        layout.addWidget(buttons)


def about_text() -> str:
    items = "".join(f"<li>{line}</li>" for line in ATTRIBUTIONS)
    return (f"<h3>orbitview {__version__}</h3><p>The Earth, tracked satellites and debris in 3D, "
            f"for briefings.</p><p><b>Data and software</b></p><ul>{items}</ul>")


def show_about(parent: QWidget) -> None:
    QMessageBox.about(parent, "About orbitview", about_text())
