"""Starting the Qt application: the window, or a screenshot of it and exit."""

from __future__ import annotations

import sys

from orbitview.core.errors import OrbitviewError
from orbitview.core.model.scene import Scene
from orbitview.io.atomic import write_atomically

FIRST_FRAME_TIMEOUT_MS = 25_000


def run_window(scene: Scene, screenshot: str | None = None, restore_session: bool = False) -> int:
    """Show the main window for ``scene`` until closed; with ``screenshot``, save the whole
    window to that PNG once the first complete frame is drawn, then exit. The session is
    kept for next time unless for a screenshot; ``restore_session`` loads the last one in
    place of ``scene``'s layers (when there is one)."""
    from orbitview.render.backend import use_qt

    use_qt()
    from PyQt6.QtCore import QTimer
    from PyQt6.QtWidgets import QApplication

    from orbitview.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("orbitview")
    app.setOrganizationName("orbitview")
    window = MainWindow(scene, remember=not screenshot)
    window.show()
    if restore_session and not screenshot:
        window.restore_session()
    status = {"code": 0}
    if screenshot:
        def save() -> None:
            try:
                write_atomically(screenshot, png_bytes(window.grab()))
            except OrbitviewError as exc:
                print(f"orbitview: error: {exc}", file=sys.stderr)
                status["code"] = 2
            window.close()

        def on_first_frame(event=None) -> None:
            window.canvas.events.draw.disconnect(on_first_frame)
            # Let Qt finish composing this frame (status bar, labels) before grabbing.
            QTimer.singleShot(200, save)

        def timeout() -> None:
            if window.frames_drawn == 0:
                print("orbitview: error: the window drew no frame within 25 s", file=sys.stderr)
                status["code"] = 1
                window.close()

        window.canvas.events.draw.connect(on_first_frame)
        QTimer.singleShot(FIRST_FRAME_TIMEOUT_MS, timeout)
    app.exec()
    return status["code"]


def png_bytes(pixmap) -> bytes:
    """A QPixmap encoded as PNG, in memory (so that ``write_atomically`` writes it whole)."""
    from PyQt6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not pixmap.save(buffer, "PNG"):
        raise OrbitviewError("cannot encode the screenshot as PNG")
    buffer.close()
    return bytes(data)
