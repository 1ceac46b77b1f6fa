"""A briefing chapter that flies to an encounter.

The chapter starts at the encounter's TCA and its camera frames the pair then, as the
Conjunctions panel does when a row is chosen (``screening.frame_pair``: seen from above, square
to the miss vector), following the first object, so that on the way in the camera stays with
it and the second arrives. Being a chapter camera, it is a keyframe of the camera timeline:
playback and exports move to it from the keyframe before and arrive at the TCA. The pair is
pinned (labelled) and the encounter highlighted (both orbits and the miss line).

The clock keeps its one speed: a scenario's frames are ``start + i * speed / fps``
(``scenario.frame_times_s``) in the window, the command line and every export alike, so the
clock cannot slow near the TCA without a second time map all of them would have to share.
"""

from __future__ import annotations

from orbitview.core.model.camera import CameraState
from orbitview.core.model.chapters import Chapter
from orbitview.core.model.scenario import default_view, object_locator
from orbitview.core.model.screening import Highlight, frame_pair, pair_refs
from orbitview.core.orbits.times import format_utc


def encounter_view(scene, highlight: Highlight, t_s: float, view_frame: str = "inertial") -> dict | None:
    """The camera view (``CameraState.snapshot()`` fields) framing the pair of ``highlight`` at
    ``t_s`` in ``view_frame``, following the first object; None unless both are loaded and
    SGP4 places them then."""
    refs = pair_refs(scene, highlight)
    if refs is None:
        return None
    locate = object_locator()
    positions = [locate(ref, t_s, view_frame) for ref in refs]
    if any(p is None for p in positions):
        return None
    camera = CameraState(**{**default_view(), "view_frame": view_frame})
    frame_pair(camera, *positions)
    return {**camera.snapshot(), "follow": refs[0]}


def encounter_chapter(scene, encounter) -> Chapter | None:
    """A chapter at the TCA of ``encounter`` (a ``core.conjunctions.Encounter``) that flies
    to it, named and captioned from it; None unless both objects are loaded."""
    highlight = Highlight.of(encounter)
    view = encounter_view(scene, highlight, highlight.tca_s, scene.camera.view_frame)
    if view is None:
        return None
    names = [name or str(number) for name, number in ((encounter.name_a, encounter.a), (encounter.name_b, encounter.b))]
    return Chapter(time_s=highlight.tca_s, title=f"{names[0]} and {names[1]}",
                   caption=f"Closest approach at {format_utc(highlight.tca_s)}: {encounter.miss_km * 1000:.0f} m "
                           f"apart at {encounter.relative_speed_km_s:.1f} km/s.",
                   camera=view, encounter=highlight)


def show_encounters(scene) -> None:
    """Pin the pair of every chapter's encounter and highlight it (those already are stay)."""
    conjunctions = scene.conjunctions
    for chapter in scene.chapters:
        if chapter.encounter is None:
            continue
        refs = pair_refs(scene, chapter.encounter) or ()
        scene.pinned = (*scene.pinned, *(ref for ref in refs if ref not in scene.pinned))
        if chapter.encounter not in conjunctions.highlighted:
            conjunctions.highlighted = (*conjunctions.highlighted, chapter.encounter)


def add_encounter_chapter(scene, encounter) -> Chapter | None:
    """Add ``encounter_chapter`` to ``scene`` (a chapter already at that time gives way to it)
    and show its encounter; returns it, None when its objects are not both loaded."""
    chapter = encounter_chapter(scene, encounter)
    if chapter is None:
        return None
    clock = scene.clock
    if not clock.span_start_s <= chapter.time_s <= clock.span_end_s:
        clock.set_span(min(clock.span_start_s, chapter.time_s), max(clock.span_end_s, chapter.time_s))
    scene.chapters = (*(c for c in scene.chapters if c.time_s != chapter.time_s), chapter)
    show_encounters(scene)
    return chapter
