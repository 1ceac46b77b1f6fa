"""Chapters: the named moments of a briefing, with what the overlay says during each.

A chapter starts at ``time_s`` and lasts until the next one starts (the last, until the end of
the span); its caption is shown for that range, in the window and in every export. A chapter
may carry a camera view: jumping to the chapter puts the camera there, and playback and
exports arrive at that view at the chapter's time (it is a keyframe of the camera timeline).
A chapter may fly to an encounter (``core.model.fly_to``): its camera frames the pair then.
"""

from __future__ import annotations

import bisect

from orbitview.core.model.events import EventedModel, Field, model_fields
from orbitview.core.model.screening import Highlight


def _view(value) -> dict | None:
    """A view dict (the fields of ``CameraState.snapshot()``), or None: no camera of its own."""
    return None if value is None else dict(value)


def _encounter(value) -> Highlight | None:
    if value is not None and not isinstance(value, Highlight):
        raise ValueError(f"expected a Highlight or None, not {value!r}")
    return value


class Chapter(EventedModel):
    """One named moment. ``time_s``: POSIX s UTC, when it starts. ``title``: a few words for
    the chapter list and the overlay; ``caption``: a sentence or two shown under it while the
    chapter lasts. ``camera``: None, or the view (``CameraState.snapshot()`` fields, its
    ``follow`` an ``ObjectRef`` in a scene, an ``ObjectKey`` as read from a scenario) the camera
    has at ``time_s``, reached from the previous keyframe with ``ease`` (``core.model.scenario.EASINGS``).
    ``encounter``: None, or the ``Highlight`` this chapter flies to: its camera frames the pair
    at ``time_s`` (the encounter's TCA, as the window makes it), and the pair is pinned and its
    miss line drawn (``core.model.fly_to``)."""

    time_s = Field(0.0, float)
    title = Field("", str)
    caption = Field("", str)
    camera = Field(None, _view)
    ease = Field("in-out", str)
    encounter = Field(None, _encounter)

    def replaced(self, **changes) -> Chapter:
        """A copy with ``changes`` (field values by name), every other field as it is."""
        return Chapter(**{**{name: getattr(self, name) for name in model_fields(Chapter)}, **changes})

    def _values(self) -> tuple:
        return self.time_s, self.title, self.caption, self.camera, self.ease, self.encounter

    def __eq__(self, other) -> bool:
        # Chapters are values: a scenario read back equals the one written.
        return isinstance(other, Chapter) and self._values() == other._values()

    __hash__ = None

    def __repr__(self) -> str:
        return f"Chapter(time_s={self.time_s!r}, title={self.title!r})"


def in_time_order(chapters) -> tuple[Chapter, ...]:
    """Field coercion: ``chapters`` as a tuple sorted by start time (ties keep their order)."""
    items = tuple(chapters)
    for item in items:
        if not isinstance(item, Chapter):
            raise TypeError(f"expected Chapter items, not {item!r}")
    return tuple(sorted(items, key=lambda chapter: chapter.time_s))


def chapter_index_at(chapters: tuple[Chapter, ...], t_s: float) -> int | None:
    """Index of the chapter running at ``t_s`` (the last to start at or before it), None before
    the first. ``chapters`` in time order."""
    i = bisect.bisect_right([c.time_s for c in chapters], t_s) - 1
    return i if i >= 0 else None


def chapter_at(chapters: tuple[Chapter, ...], t_s: float) -> Chapter | None:
    """The chapter running at ``t_s``, or None."""
    i = chapter_index_at(chapters, t_s)
    return None if i is None else chapters[i]


def next_chapter(chapters: tuple[Chapter, ...], t_s: float) -> Chapter | None:
    """The first chapter starting after ``t_s``; None after the last has started."""
    return next((c for c in chapters if c.time_s > t_s), None)


def previous_chapter(chapters: tuple[Chapter, ...], t_s: float) -> Chapter | None:
    """The chapter before the one running at ``t_s``; the first before (or in) the first."""
    if not chapters:
        return None
    i = chapter_index_at(chapters, t_s)
    return chapters[max(0, (i if i is not None else 0) - 1)]
