"""The dismissible report of damaged records skipped while loading (``FILE:LINE: reason``)."""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtGui import QFont
from PyQt6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

#: Lines kept per file: a file of garbage must not make a report of a million lines.
MAX_LINES_PER_FILE = 500


class ProblemReport(QDialog):
    """Non-modal: loading goes on while it is open; each file's problems are appended."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Records skipped while loading")
        self.setModal(False)
        self.resize(760, 360)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setFont(QFont("DejaVu Sans Mono", 9))
        buttons = QDialogButtonBox()
        self.dismiss = buttons.addButton("Dismiss", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.clear_and_hide)
        layout = QVBoxLayout(self)
        for widget in (self.summary, self.text, buttons):
            layout.addWidget(widget)
        self.files: list[tuple[str, int, int]] = []

    def add(self, path: str, loaded: int, problems: list) -> None:
        """Report ``problems`` (``io.problems.Problem``) of ``path``, where ``loaded`` objects
        were read, and show the report."""
        self.files.append((Path(path).name, loaded, len(problems)))
        lines = [str(p) for p in problems[:MAX_LINES_PER_FILE]]
        if len(problems) > MAX_LINES_PER_FILE:
            lines.append(f"... and {len(problems) - MAX_LINES_PER_FILE} more in {Path(path).name}")
        self.text.appendPlainText("\n".join(lines))
        self.summary.setText("; ".join(f"{name}: {n:,} objects loaded, {k:,} records skipped"
                                       for name, n, k in self.files))
        self.show()
        self.raise_()

    def clear_and_hide(self) -> None:
        self.files.clear()
        self.text.clear()
        self.hide()
