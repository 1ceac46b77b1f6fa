"""View > Side by side: the model beside the record, two views with one clock and one camera.

The menu sets the model's fields (``Scene.split``, each ``Layer.pane``); the view follows them.
"""

from __future__ import annotations

from PyQt6.QtGui import QAction


def install_split_menu(window) -> None:
    """Add "Side by side" and its "Right view" layer list to ``window``'s View menu."""
    view_menu = window.view_menu
    scene = window.scene
    view_menu.addSeparator()
    toggle = QAction("Side &by side", window)
    toggle.setCheckable(True)
    toggle.setChecked(scene.split)
    toggle.setStatusTip("Two views with one clock and camera: the layers ticked under Right view go right")
    toggle.toggled.connect(lambda on: setattr(scene, "split", on))
    view_menu.addAction(toggle)
    right = view_menu.addMenu("Right &view")

    def fill() -> None:
        right.clear()
        for layer in scene.layers:
            action = right.addAction(layer.name)
            action.setCheckable(True)
            action.setChecked(layer.pane == "right")
            action.toggled.connect(lambda on, layer=layer: setattr(layer, "pane", "right" if on else "left"))
        right.setEnabled(bool(scene.layers))

    right.aboutToShow.connect(fill)
    fill()
    window.split_action, window.right_view_menu = toggle, right
