"""The first look of ``orbitview`` with no files: the Fengyun-1C briefing opens on the satellite
and the intercept, with a short title, a time bar over the whole briefing, a speed that plays
the first orbits in seconds and the story's chapters listed; its overlay text (the chapter's
caption included) stays inside the frame and off the globe's centre at every size, landscape
and portrait, rendered with real GL (vispy EGL)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from orbitview.commands.common import default_briefing_scene
from orbitview.commands.render import ATTRIBUTION
from orbitview.core.breakup.presets import PRESETS
from orbitview.core.model.scenario import OverlayText, headed_overlay
from orbitview.core.orbits.propagate import propagate
from orbitview.core.orbits.times import parse_utc
from orbitview.render.export.annotations import Annotator

EVENT_S = PRESETS["fengyun-1c-2007"].time_s
#: What ``orbitview render`` writes under the default briefing (its files and the image credits).
ATTRIBUTION_LINE = " · ".join(["fragments.3le", "parent.3le", ATTRIBUTION])
#: Landscape from the smallest size to 8K, a phone's portrait, a square slide.
LAYOUT_SIZES = [(640, 360), (960, 540), (1280, 720), (1920, 1080), (1080, 1920), (720, 1280),
                (1080, 1080), (3840, 2160), (7680, 4320)]
#: The sizes drawn with GL: the smallest, the issue's 960x540, landscape, portrait and 8K.
PIXEL_SIZES = [(640, 360), (960, 540), (1920, 1080), (1080, 1920), (7680, 4320)]
#: A clock time beyond JPL DE421, when the clock line carries its longest note.
UNSHADED_S = parse_utc("2080-01-01T00:00:00Z")


@pytest.fixture(scope="module")
def scene():
    return default_briefing_scene(None)


def _angle_deg(a: np.ndarray, b: np.ndarray) -> float:
    cosine = np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b))
    return float(np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0))))


@pytest.mark.core
def test_opens_with_the_satellite_selected_and_its_remnant_labelled(scene):
    parent_layer, fragment_layer, missile = scene.layers
    assert missile.name == "SC-19 interceptor" and missile.arc.site.name == "Xichang"
    assert scene.selected.layer is parent_layer and scene.selected.norad_id == 25730
    assert [(ref.layer, ref.norad_id) for ref in scene.pinned] == [(fragment_layer, 25730)]
    # The selection is drawn until the intercept, the remnant's label from it on.
    assert scene.position_gcrs_km(scene.selected, EVENT_S - 1.0) is not None
    assert scene.position_gcrs_km(scene.pinned[0], EVENT_S + 1.0) is not None


@pytest.mark.core
def test_camera_looks_down_on_the_satellite_and_the_intercept_point(scene):
    satellite = scene.layers[0].catalog
    times_s = np.array([scene.clock.time_s, EVENT_S])
    position_km = propagate(satellite, times_s, "GCRS").position_km[:, 0]
    eye_km = scene.camera.eye_km() - np.asarray(scene.camera.center_km)
    # Near the middle of the view: within 15 degrees of the line of sight, seen from the
    # camera's side of the Earth (the globe's visible cap reaches ~75 degrees from 26,000 km).
    for position in position_km:
        assert _angle_deg(eye_km, position) < 15.0
    assert np.linalg.norm(eye_km) < 40000.0


@pytest.mark.core
def test_time_bar_spans_the_whole_briefing_and_plays_an_orbit_in_seconds(scene):
    clock = scene.clock
    assert clock.span_start_s < clock.time_s < EVENT_S - 60.0
    assert clock.span_end_s - EVENT_S >= 59 * 86400.0
    period_s = 86400.0 / scene.layers[0].catalog.mean_motion_rev_per_day[0]
    assert 100 * 60 < period_s < 103 * 60  # Fengyun-1C's ~102-minute orbit
    assert period_s / clock.speed < 10.0


@pytest.mark.core
def test_title_is_short_with_a_one_line_model_statement(scene):
    overlay = headed_overlay(scene.title)
    assert overlay.title == "Fengyun-1C anti-satellite test, 11 January 2007"
    assert overlay.subtitle.startswith("Model: ") and "NASA standard breakup model" in overlay.subtitle
    assert "fragments" in overlay.subtitle and "not tracking data" in overlay.subtitle


def _layout(size, scene, t_s):
    annotator = Annotator(size, headed_overlay(scene.title, attribution=ATTRIBUTION_LINE),
                          [("payload", (0.3, 0.7, 1.0, 1.0), 2), ("debris", (1.0, 0.3, 0.4, 1.0), 2097)])
    return annotator, _box(annotator.clock(t_s))


def _caption_boxes(annotator, chapter) -> list[tuple[int, int, int, int]]:
    return [_box(stamp) for stamp in annotator.caption(chapter.title, chapter.caption)]


def _box(stamp) -> tuple[int, int, int, int]:
    return stamp.x, stamp.y, stamp.x + stamp.rgba.shape[1], stamp.y + stamp.rgba.shape[0]


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.core
@pytest.mark.parametrize("size", LAYOUT_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("t_s", [EVENT_S, UNSHADED_S], ids=["2007", "beyond-DE421"])
def test_overlay_layout_stays_inside_the_margins_and_apart(scene, size, t_s):
    width, height = size
    annotator, clock = _layout(size, scene, t_s)
    m = annotator.margin
    boxes = {**annotator.boxes, "clock": clock}
    assert set(boxes) == {"heading", "legend", "attribution", "clock"}
    for name, (x0, y0, x1, y1) in boxes.items():
        assert m <= x0 and x1 <= width - m and m <= y0 and y1 <= height - m, (name, boxes[name])
    # The heading (title and subtitle) ends above the globe's centre, with room to spare.
    assert boxes["heading"][3] < 0.35 * height
    assert not _overlap(boxes["legend"], boxes["heading"])
    assert not _overlap(boxes["clock"], boxes["attribution"])
    # Each chapter's title and caption: inside the margins, under the globe's centre, clear of
    # everything else.
    for chapter in scene.chapters:
        for box in _caption_boxes(annotator, chapter):
            x0, y0, x1, y1 = box
            assert m <= x0 and x1 <= width - m and y1 <= height - m, (chapter.title, box)
            assert y0 > 0.6 * height, (chapter.title, box)
            assert not any(_overlap(box, other) for other in boxes.values()), (chapter.title, box)
    # Labels of objects at the frame's corners are pulled inside the margins.
    for x, y in [(0, 0), (width - 1, 0), (0, height - 1), (width - 1, height - 1)]:
        x0, y0, x1, y1 = _box(annotator.stamps(t_s, [(x, y, "FENGYUN 1C (25730)")])[-2])
        assert m <= x0 and x1 <= width - m and m <= y0 and y1 <= height - m


@pytest.mark.pixels
@pytest.mark.parametrize("size", PIXEL_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_rendered_overlay_text_is_inside_the_frame_and_off_the_globe_centre(scene, size, artefacts):
    from orbitview.render.export.exporter import FrameRenderer

    width, height = size
    t_s = scene.clock.time_s
    images, annotator = [], None
    for overlay in (headed_overlay(scene.title, attribution=ATTRIBUTION_LINE),
                    OverlayText(legend=False, clock=False, captions=False)):
        renderer = FrameRenderer(scene, size, overlay, labels=False)
        try:
            images.append(renderer.render(t_s))
            annotator = annotator or renderer.annotator
        finally:
            renderer.close()
    with_text, bare = images
    Image.fromarray(with_text).save(artefacts / f"first_look_{width}x{height}.png")
    # Text pixels: where the overlay changed the rendered frame.
    ink = np.abs(with_text.astype(int) - bare.astype(int)).max(axis=2) > 24
    m = annotator.margin
    assert not (ink[:m].any() or ink[-m:].any() or ink[:, :m].any() or ink[:, -m:].any())
    # The first look is in the launch's chapter, the missile in flight: its caption is drawn too.
    assert scene.chapters[1].time_s <= t_s < scene.chapters[2].time_s
    boxes = [*annotator.boxes.values(), _box(annotator.clock(t_s)), *_caption_boxes(annotator, scene.chapters[1])]
    inside = np.zeros_like(ink)
    for x0, y0, x1, y1 in boxes:
        assert ink[y0:y1, x0:x1].sum() > 20  # each of them is drawn
        inside[y0:y1, x0:x1] = True
    assert not (ink & ~inside).any()  # and nothing else is
    # The globe's centre (the middle of the frame: the camera looks at the Earth's centre) is
    # clear of text for a tenth of the height around it.
    r = height // 10
    assert not ink[height // 2 - r:height // 2 + r, width // 2 - r:width // 2 + r].any()


@pytest.mark.qt
def test_window_opens_on_the_satellite_with_the_briefing_span_and_the_overlay_inside(make_window):
    from orbitview.ui.time_bar import span_label

    window = make_window(default_briefing_scene(None))
    assert window.info_panel.values["norad_id"].text() == "25730"
    # The parent is selected and, until the intercept, labelled by the selection's label.
    assert window.scene.selected.layer is window.scene.layers[0]
    assert any("FENGYUN 1C (25730)" in text for text in window.view.selection.labels.text)
    # The chapter list holds the story, the launch's chapter (the missile in flight) marked.
    rows = [window.chapters_panel.item(i).text() for i in range(window.chapters_panel.count())]
    assert [row.split("  ", 1)[1] for row in rows] == [
        "Before the test", "The launch", "The intercept", "The first orbit", "One day later", "One month later",
        "Three years later"]
    assert window.chapters_panel.currentRow() == 1
    assert window.view.overlay.caption == (window.scene.chapters[1].title, window.scene.chapters[1].caption)
    for stamp in window.view.overlay.annotator.caption(*window.view.overlay.caption):
        x0, y0, x1, y1 = _box(stamp)
        size = window.view.overlay.annotator.size
        assert 0 < x0 and x1 < size[0] and 0.6 * size[1] < y0 and y1 < size[1]
    assert window.info_panel.values["altitude"].text().endswith(" km")
    assert window.time_bar.window_box.currentText() == span_label(window.scene.clock.span_end_s
                                                                  - window.scene.clock.span_start_s)
    assert window.time_bar.speed.currentText() == "x1,000"
    # The window's overlay, laid out for the canvas, stays inside its margins and apart.
    annotator = window.view.overlay.annotator
    width, height = annotator.size
    m = annotator.margin
    boxes = {**annotator.boxes, "clock": _box(annotator.clock(window.scene.clock.time_s))}
    assert {"heading", "legend", "clock"} <= set(boxes)
    for name, (x0, y0, x1, y1) in boxes.items():
        assert m <= x0 and x1 <= width - m and m <= y0 and y1 <= height - m, (name, boxes[name])
    assert boxes["heading"][3] < 0.35 * height
    assert not _overlap(boxes["legend"], boxes["heading"])


@pytest.mark.qt
def test_jumping_to_a_chapter_sets_the_clock_the_camera_and_the_caption(make_window, qtbot):
    from PyQt6.QtCore import Qt

    window = make_window(default_briefing_scene(None))
    scene, panel = window.scene, window.chapters_panel
    chapters = scene.chapters

    def assert_at(chapter):
        assert scene.clock.time_s == chapter.time_s
        camera = scene.camera.snapshot()
        for name in ("azimuth_deg", "elevation_deg", "distance_km", "fov_deg"):
            assert camera[name] == pytest.approx(chapter.camera[name], abs=1e-9), name
        assert panel.currentRow() == chapters.index(chapter)
        assert window.view.overlay.caption == (chapter.title, chapter.caption)

    # A click on the list's fifth row: one day after the intercept.
    row = panel.visualItemRect(panel.item(4))
    qtbot.mouseClick(panel.viewport(), Qt.MouseButton.LeftButton, pos=row.center())
    assert_at(chapters[4])
    # Page Down and Page Up, whatever has the keyboard in the window.
    window.canvas.native.setFocus()
    qtbot.keyClick(window.canvas.native, Qt.Key.Key_PageDown)
    assert_at(chapters[5])
    qtbot.keyClick(window.canvas.native, Qt.Key.Key_PageDown)
    qtbot.keyClick(window.canvas.native, Qt.Key.Key_PageDown)
    assert_at(chapters[6])  # the last stays the last
    qtbot.keyClick(window.canvas.native, Qt.Key.Key_PageUp)
    assert_at(chapters[5])
    # The Chapters menu does the same.
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Chapters")
    previous = next(a for a in menu.actions() if a.text() == "&Previous chapter")
    previous.trigger()
    assert_at(chapters[4])
    # Halfway through a chapter, Page Up goes to the chapter before it, not to its start.
    scene.clock.time_s = (chapters[1].time_s + chapters[2].time_s) / 2
    qtbot.keyClick(window.canvas.native, Qt.Key.Key_PageUp)
    assert_at(chapters[0])
    # Playing, the camera moves through the chapters' views as an export does: it has the
    # next chapter's view when the clock reaches it.
    scene.clock.playing = True
    scene.clock.time_s = chapters[2].time_s
    scene.clock.playing = False
    assert scene.camera.azimuth_deg == pytest.approx(chapters[2].camera["azimuth_deg"], abs=1e-9)
    assert scene.camera.distance_km == pytest.approx(chapters[2].camera["distance_km"], rel=1e-12)
