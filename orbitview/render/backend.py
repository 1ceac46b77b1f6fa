"""Choosing vispy's GL backend before any canvas exists."""

from __future__ import annotations

import logging
import os
import sys

from orbitview.core.errors import OrbitviewError
from orbitview.core.interrupts import raise_if_stopped, raised_by_signal


def use_headless() -> None:
    """EGL without a display (Mesa's surfaceless platform), for ``orbitview render`` and tests."""
    os.environ.setdefault("EGL_PLATFORM", "surfaceless")
    import vispy

    _quiet_about_stop_signals()

    try:
        vispy.use(app="egl")
    except Exception as exc:  # vispy raises plain RuntimeError/ImportError for missing libraries
        raise_if_stopped()  # a Ctrl-C while EGL loads is the Ctrl-C, not a missing library
        raise OrbitviewError(
            f"headless rendering needs EGL (Debian packages libegl1 libgl1): {exc}"
        ) from None


def use_qt() -> None:
    """PyQt6 for the desktop window: pinned so vispy never picks another binding."""
    import vispy

    _quiet_about_stop_signals()
    vispy.use(app="pyqt6")


def _drop_stop_signal_records(record: logging.LogRecord) -> bool:
    # vispy logs (with a long traceback) whatever its draw callbacks raise, a signal's stop
    # included; the command reports that stop itself in one line.
    return not raised_by_signal(sys.exc_info()[1])


def _quiet_about_stop_signals() -> None:
    logger = logging.getLogger("vispy")
    if _drop_stop_signal_records not in logger.filters:
        logger.addFilter(_drop_stop_signal_records)
