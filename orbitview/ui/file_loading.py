"""The window's one background-job runner: files, fetched groups, sessions and breakup models
are read or computed off the GUI thread.

The worker only reads and computes (numpy, SGP4, h5py); the results come back to the GUI thread
through a queued Qt signal, where the window adds them to the scene (GL and Qt stay on the
main thread). Each request has an id: a cancelled request's results are dropped when they
arrive, and its remaining steps never start. A step already running cannot be interrupted
(parsing is one C-and-numpy call), so Cancel returns at once and the thread finishes that
step in the background.
"""

from __future__ import annotations

import itertools
import threading
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from PyQt6.QtCore import QObject, QRunnable, QThreadPool, pyqtSignal, pyqtSlot
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from orbitview.core.errors import OrbitviewError
from orbitview.services.sources import Source, open_source


@dataclass(frozen=True)
class Step:
    """One unit of work: ``label`` (a path, a query) and ``work()`` that returns its result or
    raises ``OrbitviewError`` with a message for the user."""

    label: str
    work: Callable[[], object]


def source_step(path: str, t_s: float) -> Step:
    """Open ``path`` and propagate its keyframes around ``t_s`` (clamped into a trajectory
    file's span), so adding it to the scene costs the GUI thread no SGP4."""

    def work() -> Source:
        source = open_source(path)
        t = t_s if source.span_s is None else min(max(t_s, source.span_s[0]), source.span_s[1])
        source.layer.keyframes.at(t)
        return source

    return Step(str(path), work)


class _Signals(QObject):
    # Emitted from the worker thread; the loader (a GUI-thread object) receives them queued.
    progress = pyqtSignal(int, int, int, str)
    done = pyqtSignal(int, str, object)
    failed = pyqtSignal(int, str, str)
    finished = pyqtSignal(int)


class _Job(QRunnable):
    def __init__(self, request_id: int, steps: list[Step], signals: _Signals, cancelled: threading.Event):
        super().__init__()
        self.setAutoDelete(True)
        self.request_id, self.steps, self.signals, self.cancelled = request_id, steps, signals, cancelled

    def run(self) -> None:
        rid, total = self.request_id, len(self.steps)
        for i, step in enumerate(self.steps):
            if self.cancelled.is_set():
                break
            self.signals.progress.emit(rid, i, total, step.label)
            try:
                result = step.work()
            except OrbitviewError as exc:
                self.signals.failed.emit(rid, step.label, str(exc))
                continue
            except Exception as exc:  # noqa: BLE001 - a bug in a reader must reach the user as a dialog
                traceback.print_exc()
                self.signals.failed.emit(rid, step.label, f"unexpected error: {exc!r}")
                continue
            self.signals.done.emit(rid, step.label, result)
        self.signals.finished.emit(rid)


class Loader(QObject):
    """Runs requests one at a time in its own worker thread, in the order submitted.

    ``busy(bool)`` says whether anything is pending; ``progress(done, total, label)`` reports
    the step starting now; ``dropped(request id)`` names each request cancelled before it ended.
    """

    busy = pyqtSignal(bool)
    progress = pyqtSignal(int, int, str)
    dropped = pyqtSignal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._ids = itertools.count(1)
        #: request id -> (on_done(label, result), on_failed(label, message), cancel event, signals)
        self._requests: dict[int, tuple] = {}

    def submit(self, steps: list[Step], on_done: Callable[[str, object], None],
               on_failed: Callable[[str, str], None]) -> int:
        """Queue ``steps``; ``on_done``/``on_failed`` are called on the GUI thread per step."""
        rid = next(self._ids)
        signals = _Signals()
        signals.progress.connect(self._on_progress)
        signals.done.connect(self._on_done)
        signals.failed.connect(self._on_failed)
        signals.finished.connect(self._on_finished)
        cancelled = threading.Event()
        self._requests[rid] = (on_done, on_failed, cancelled, signals)
        self.pool.start(_Job(rid, steps, signals, cancelled))
        self.busy.emit(True)
        return rid

    def open_files(self, paths: list[str], t_s: float, on_done, on_failed) -> int:
        return self.submit([source_step(p, t_s) for p in paths], on_done, on_failed)

    def pending(self) -> int:
        return len(self._requests)

    def cancel(self, request_id: int) -> None:
        """Drop the request ``request_id``: nothing more of it reaches the scene."""
        if request_id in self._requests:
            self._drop([request_id])

    def cancel_all(self) -> None:
        """Drop every pending request (the status bar's Cancel, closing the window)."""
        self._drop(list(self._requests))

    def _drop(self, ids: list[int]) -> None:
        for rid in ids:
            self._requests.pop(rid)[2].set()
            self.dropped.emit(rid)
        if ids and not self._requests:
            self.busy.emit(False)

    def shutdown(self, timeout_ms: int = 30_000) -> None:
        """Cancel and wait for the step in progress (before the window goes away)."""
        self.cancel_all()
        self.pool.waitForDone(timeout_ms)

    @pyqtSlot(int, int, int, str)
    def _on_progress(self, rid: int, done: int, total: int, label: str) -> None:
        if rid in self._requests:
            self.progress.emit(done, total, Path(label).name if len(label) < 300 else label[:60])

    @pyqtSlot(int, str, object)
    def _on_done(self, rid: int, label: str, result: object) -> None:
        if rid in self._requests:
            self._requests[rid][0](label, result)

    @pyqtSlot(int, str, str)
    def _on_failed(self, rid: int, label: str, message: str) -> None:
        if rid in self._requests:
            self._requests[rid][1](label, message)

    @pyqtSlot(int)
    def _on_finished(self, rid: int) -> None:
        if self._requests.pop(rid, None) is not None and not self._requests:
            self.busy.emit(False)


class LoadProgress(QWidget):
    """The status bar's progress bar, what is loading, and Cancel; hidden when idle."""

    def __init__(self, loader: Loader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loader = loader
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(160)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop loading: what is still loading is not added")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.label, self.bar, self.cancel_button):
            layout.addWidget(widget)
        self.cancel_button.clicked.connect(loader.cancel_all)
        loader.busy.connect(self.setVisible)
        loader.progress.connect(self._on_progress)
        self.setVisible(False)

    def _on_progress(self, done: int, total: int, label: str) -> None:
        self.label.setText(f"Loading {label} ({done + 1} of {total})")
        # Steps report when they start, not how far along they are: a busy bar within a step.
        self.bar.setRange(0, 0 if total == 1 else total)
        self.bar.setValue(done)
