"""Results of the draw path's worker (``core.orbits.prefetch``) brought back to the GUI thread."""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtCore import QObject, pyqtSignal, pyqtSlot


class GuiHandback(QObject):
    """``post(call)`` from any thread runs ``call()`` on the GUI thread, from the event loop:
    a ``Prefetcher``'s ``deliver``."""

    _posted = pyqtSignal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Emitted off the GUI thread, the signal is queued to this object's (the GUI) thread.
        self._posted.connect(self._run)

    def post(self, call: Callable[[], None]) -> None:
        self._posted.emit(call)

    @pyqtSlot(object)
    def _run(self, call: Callable[[], None]) -> None:
        call()
