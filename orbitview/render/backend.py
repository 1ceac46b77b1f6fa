"""Choosing vispy's GL backend before any canvas exists."""

from __future__ import annotations

import os

from orbitview.core.errors import OrbitviewError


def use_headless() -> None:
    """EGL without a display (Mesa's surfaceless platform), for ``orbitview render`` and tests."""
    os.environ.setdefault("EGL_PLATFORM", "surfaceless")
    import vispy

    try:
        vispy.use(app="egl")
    except Exception as exc:  # vispy raises plain RuntimeError/ImportError for missing libraries
        raise OrbitviewError(
            f"headless rendering needs EGL (Debian packages libegl1 libgl1): {exc}"
        ) from None


def use_qt() -> None:
    """PyQt6 for the desktop window: pinned so vispy never picks another binding."""
    import vispy

    vispy.use(app="pyqt6")
