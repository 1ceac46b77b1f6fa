"""Menus the window's parts add to its menu bar."""

from __future__ import annotations

from PyQt6.QtWidgets import QMenu


def menu_before_help(window, title: str) -> QMenu:
    """A new menu ``title`` in ``window``'s menu bar, before Help (which menu bars keep last)."""
    bar = window.menuBar()
    menu = QMenu(title, bar)
    help_menu = next((a for a in bar.actions() if a.text().replace("&", "") == "Help"), None)
    if help_menu is not None:
        bar.insertMenu(help_menu, menu)
    else:
        bar.addMenu(menu)
    return menu
