"""The chapter list: the briefing's named moments, the running one marked; a click jumps to one,
Page Down / Page Up (also in the Chapters menu) to the next and the previous.

Jumping sets the model: the clock's time and, where the chapter has one, the camera's view.
While the clock plays, the window's camera playback (``ui.camera_playback``) moves the camera
through the chapters' views as an export's does (they are keyframes of its camera timeline).
"""

from __future__ import annotations

from PyQt6.QtCore import QSignalBlocker, Qt
from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import QDockWidget, QListWidget, QListWidgetItem

from orbitview.core.model.chapters import Chapter, chapter_index_at, next_chapter, previous_chapter
from orbitview.core.model.events import disconnect_models
from orbitview.core.model.scene import Scene
from orbitview.core.orbits.times import format_utc
from orbitview.ui.menus import menu_before_help


def chapter_label(chapter: Chapter) -> str:
    """A row of the list: the start time to the minute, then the title."""
    when = format_utc(chapter.time_s, seconds=False).replace("T", " ").replace("Z", "")
    return f"{when}  {chapter.title}"


class ChaptersPanel(QListWidget):
    """Lists ``scene.chapters`` and follows the clock to mark the running chapter."""

    def __init__(self, scene: Scene, jumped=None) -> None:
        super().__init__()
        self.scene = scene
        #: Called after each jump (the window drops a camera move in progress).
        self.jumped = jumped
        self.setWordWrap(True)
        self.setMinimumWidth(220)
        self.itemClicked.connect(self._on_clicked)
        self.itemActivated.connect(self._on_clicked)
        scene.events.chapters.connect(self.refresh)
        scene.clock.events.time_s.connect(self._mark_running)
        self.refresh()

    def refresh(self, _value=None) -> None:
        with QSignalBlocker(self):
            self.clear()
            for chapter in self.scene.chapters:
                item = QListWidgetItem(chapter_label(chapter))
                item.setToolTip(chapter.caption)
                self.addItem(item)
        self._mark_running()

    def _mark_running(self, _value=None) -> None:
        i = chapter_index_at(self.scene.chapters, self.scene.clock.time_s)
        if i is not None and i < self.count() and self.currentRow() != i:
            with QSignalBlocker(self):
                self.setCurrentRow(i)

    def _on_clicked(self, item: QListWidgetItem) -> None:
        self.jump(self.scene.chapters[self.row(item)])

    def jump(self, chapter: Chapter | None) -> None:
        """Put the clock at ``chapter``'s start and the camera at its view (if it has one)."""
        if chapter is None:
            return
        clock = self.scene.clock
        if not clock.span_start_s <= chapter.time_s <= clock.span_end_s:
            clock.set_span(min(clock.span_start_s, chapter.time_s), max(clock.span_end_s, chapter.time_s))
        clock.time_s = chapter.time_s
        if chapter.camera is not None:
            self.scene.camera.restore(chapter.camera)
            self.scene.camera.keep_outside_earth()
        if self.jumped is not None:
            self.jumped(chapter)

    def next(self) -> None:
        self.jump(next_chapter(self.scene.chapters, self.scene.clock.time_s))

    def previous(self) -> None:
        self.jump(previous_chapter(self.scene.chapters, self.scene.clock.time_s))

    def disconnect_model(self) -> None:
        disconnect_models(self, self.scene, self.scene.clock)


def install_chapters(window) -> ChaptersPanel:
    """The Chapters dock of ``window`` (a ``MainWindow``, left, under the layers) and its menu
    (before Help): next, previous, and the dock's toggle."""
    panel = ChaptersPanel(window.scene, jumped=lambda _chapter: setattr(window, "camera_move", None))
    dock = QDockWidget("Chapters", window)
    dock.setObjectName("chapters-dock")
    dock.setWidget(panel)
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
    menu = menu_before_help(window, "&Chapters")
    for text, slot, key in (("&Next chapter", panel.next, "PgDown"), ("&Previous chapter", panel.previous, "PgUp")):
        action = QAction(text, window)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
    menu.addSeparator()
    toggle = dock.toggleViewAction()
    toggle.setText("Chapter list")
    menu.addAction(toggle)
    window.chapters_dock = dock
    return panel
