"""Pieces the Events dialogs share: the searchable object list, a UTC time box, the red
problem list above OK and Cancel, and the progress dialog of a background job."""

from __future__ import annotations

from PyQt6.QtCore import QDateTime, Qt, QTimeZone
from PyQt6.QtWidgets import (QComboBox, QCompleter, QDateTimeEdit, QDialogButtonBox, QFormLayout, QLabel,
                             QProgressDialog)


def object_combo(labels: list[str]) -> QComboBox:
    """An editable list of loaded objects, searched by any part of a label in any case."""
    box = QComboBox()
    box.setEditable(True)
    box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    box.addItems(labels)
    box.setCurrentIndex(-1)
    box.lineEdit().setPlaceholderText("type a name or catalogue number")
    completer = QCompleter(box.model(), box)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    box.setCompleter(completer)
    return box


def utc_time_edit(t_s: float) -> QDateTimeEdit:
    """A date-time box in UTC, to the second, showing POSIX second ``t_s``."""
    edit = QDateTimeEdit()
    edit.setTimeZone(QTimeZone.utc())
    edit.setDisplayFormat("yyyy-MM-dd HH:mm:ss 'UTC'")
    edit.setCalendarPopup(True)
    edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(t_s), QTimeZone.utc()))
    return edit


def problems_and_buttons(dialog, form: QFormLayout, ok_text: str) -> QLabel:
    """Add the problem label (empty until OK finds some) and OK (named ``ok_text``) and
    Cancel to ``dialog``'s ``form``; returns the label."""
    label = QLabel()
    label.setStyleSheet("color: #b00020")
    label.setWordWrap(True)
    form.addRow(label)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form.addRow(buttons)
    dialog.setMinimumWidth(460)
    return label


def job_progress(parent, text: str, title: str, steps: int, on_cancel, modal: bool = False) -> QProgressDialog:
    """A progress dialog shown at once for a job in the window's runner: ``steps`` (0: busy,
    no count), Cancel calling ``on_cancel``. Close it with ``close_job_progress``."""
    progress = QProgressDialog(text, "Cancel", 0, steps, parent)
    progress.setWindowTitle(title)
    if modal:
        progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(0)
    progress.canceled.connect(on_cancel)
    progress.show()
    return progress


def close_job_progress(progress: QProgressDialog | None, on_cancel) -> None:
    """Close a ``job_progress`` dialog (None: nothing), its Cancel no longer calling ``on_cancel``."""
    if progress is not None:
        progress.canceled.disconnect(on_cancel)
        progress.close()
        progress.deleteLater()
