"""Helpers for the Qt window tests (tier 3): reading the canvas back, checking for leaks."""

from __future__ import annotations

import gc

import numpy as np


def grab(window) -> np.ndarray:
    """(H, W, 3) uint8: what the window's 3D view shows now."""
    from PyQt6.QtGui import QImage

    image = window.canvas.native.grabFramebuffer().convertToFormat(QImage.Format.Format_RGB888)
    data = np.frombuffer(image.constBits().asstring(image.sizeInBytes()), np.uint8)
    rows = data.reshape(image.height(), image.bytesPerLine())[:, : image.width() * 3]
    return rows.reshape(image.height(), image.width(), 3)


def assert_no_windows_left(qtbot) -> None:
    """No main window (nor what it owns) survives its deletion."""
    from PyQt6.QtCore import QCoreApplication, QEvent
    from PyQt6.QtWidgets import QApplication

    from orbitview.ui.main_window import MainWindow

    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        qtbot.wait(10)
    gc.collect()
    left = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    assert not left, left
