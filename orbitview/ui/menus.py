"""Menus the window's parts add to its menu bar."""

from __future__ import annotations

from PyQt6.QtWidgets import QMenu


def menu_before_help(window, title: str) -> QMenu:
    """A new menu ``title`` in ``window``'s menu bar, before its Help menu (which menu bars
    keep last)."""
    menu = QMenu(title, window.menuBar())
    window.menuBar().insertMenu(window.help_menu.menuAction(), menu)
    return menu
