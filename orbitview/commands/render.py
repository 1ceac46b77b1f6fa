"""``orbitview render``: images and videos headless (no display needed).

- ``orbitview render FILES... [--time ISO8601] [--size WxH] --out X.png``: one image of the files.
- ``orbitview render SCENARIO.toml [--time ISO8601] [--size WxH] --out X.png``: the scenario at
  ``--time`` (default: its displayed time, `time.current`, else its start).
- ``orbitview render SCENARIO.toml [--fps N] [--size WxH] --out X.mp4|X.gif``: the scenario as a
  video, frame i at start + i x speed / fps.

Scenario problems are reported before anything renders. Images and videos appear at ``--out``
only when complete; SIGINT/SIGTERM/SIGHUP stop an export, leave nothing there and exit
130/143/129.
"""

from __future__ import annotations

import sys
from pathlib import Path

from orbitview.commands.common import (
    add_satcat_argument, parse_time_option, report_problems, report_shared_numbers, scene_from_files)
from orbitview.commands.progress import MODES, Progress
from orbitview.core.errors import OrbitviewError
from orbitview.core.model.output import MAX_FPS, MAX_IMAGE_SIZE, parse_image_size
from orbitview.core.model.scenario import OverlayText, camera_timeline, frame_count, headed_overlay, overlay_text
from orbitview.core.orbits.times import format_utc
from orbitview.io.atomic import check_output_path

IMAGE_SUFFIXES = (".png",)
VIDEO_SUFFIXES = (".mp4", ".gif")
ATTRIBUTION = "Earth: NASA Blue Marble · Stars: ESA Hipparcos"


def add_arguments(parser) -> None:
    parser.add_argument("files", nargs="*", metavar="FILE",
                        help="a scenario (.toml), TLE/3LE/OMM element-set files, trajectory files (.h5) "
                             "or OEM ephemerides (none: the default briefing)")
    parser.add_argument("--time", metavar="ISO8601", help="image: displayed time, UTC (default: the scenario's time.current or start, or now)")
    parser.add_argument("--size", metavar="WxH", help=f"pixels, up to {MAX_IMAGE_SIZE[0]}x{MAX_IMAGE_SIZE[1]} "
                                                      "(default: the scenario's, or 1920x1080)")
    parser.add_argument("--fps", type=int, metavar="N", help="video: frames per second (default: the scenario's)")
    parser.add_argument("--out", required=True, metavar="PATH", help="X.png, or X.mp4 / X.gif with a scenario")
    add_satcat_argument(parser)
    parser.add_argument("--preset", default=None, metavar="X264_PRESET",
                        help="MP4: x264 speed preset, ultrafast (default) .. medium; slower makes smaller files")
    parser.add_argument("--progress", choices=MODES, default="auto",
                        help="progress on stderr: a bar on a terminal (auto), plain lines, or none")


def run(args) -> int:
    check_output_path(args.out, args.files)
    suffix = Path(args.out).suffix.lower()
    if suffix not in IMAGE_SUFFIXES + VIDEO_SUFFIXES:
        raise OrbitviewError(f"--out {args.out}: write .png (image), or .mp4 / .gif (video from a scenario)")
    is_scenario = len(args.files) == 1 and args.files[0].lower().endswith(".toml")
    if suffix in VIDEO_SUFFIXES and not is_scenario:
        raise OrbitviewError("a video needs a scenario file (orbitview render SCENARIO.toml --out X.mp4); "
                             "see docs/scenarios.md")
    if suffix in IMAGE_SUFFIXES and args.fps is not None:
        raise OrbitviewError("--fps is for videos (X.mp4 / X.gif); an image shows one time")
    from orbitview.render.export.video import ExportCancelled, signals_cancel

    try:
        with signals_cancel():
            if not is_scenario:
                return _files_image(args)
            return _scenario(args, suffix in VIDEO_SUFFIXES)
    except ExportCancelled as exc:
        print(f"\norbitview: {exc}; nothing written to {args.out}", file=sys.stderr)
        return 128 + (exc.signum or 2)


def _files_image(args) -> int:
    size = parse_image_size(args.size or "1920x1080")
    scene = scene_from_files(args.files, args.time, args.satcat)
    report_shared_numbers(scene)
    names = sorted({Path(str(s)).name for layer in scene.layers for s in set(layer.catalog.source)})
    overlay = headed_overlay(scene.title, attribution=" · ".join([*names[:3], ATTRIBUTION]))
    _write_image(scene, size, overlay, None, scene.clock.time_s, args.out, {})
    return 0


def _scenario(args, video: bool) -> int:
    from orbitview.io.scenario_file import read_scenario
    from orbitview.services.scenario import build_scene

    scenario = read_scenario(args.files[0])
    size = parse_image_size(args.size) if args.size else scenario.size
    fps = scenario.fps if args.fps is None else args.fps
    if fps < 1 or fps > MAX_FPS:
        raise OrbitviewError(f"--fps {fps}: expected 1 .. {MAX_FPS}")
    if video and args.time is not None:
        raise OrbitviewError("--time is for images; a video runs from the scenario's time.start to time.end")
    t_s = parse_time_option("--time", args.time) if args.time is not None else scenario.time_s
    if not scenario.start_s <= t_s <= scenario.end_s:
        raise OrbitviewError(f"--time {format_utc(t_s)} is outside the scenario's span "
                             f"{format_utc(scenario.start_s)} .. {format_utc(scenario.end_s)}")
    if video:
        from orbitview.render.export.video import PRESETS, video_format

        video_format(args.out)
        if args.preset is not None and args.preset not in PRESETS:
            raise OrbitviewError(f"--preset {args.preset}: expected one of {', '.join(PRESETS)}")
        if Path(args.out).suffix.lower() == ".mp4" and (size[0] % 2 or size[1] % 2):
            raise OrbitviewError(f"MP4 (yuv420p) needs an even width and height, not {size[0]}x{size[1]}")
        try:
            frame_count(scenario.start_s, scenario.end_s, scenario.speed, fps)
        except OrbitviewError as exc:
            where = f"--fps {fps}" if args.fps is not None else f"{scenario.where('time.speed')}: key 'time.speed'"
            raise OrbitviewError(f"{where}: {exc}") from None
    scene, problems = build_scene(scenario, args.satcat)
    report_problems(problems)
    report_shared_numbers(scene)
    extra = {"orbitview:scenario": str(Path(args.files[0]).resolve())}
    if not video:
        _write_image(scene, size, overlay_text(scene), scenario, t_s, args.out, extra)
        return 0
    _write_video(scene, scenario, size, fps, args.out, args.progress, args.preset)
    return 0


def _renderer(scene, size, overlay, scenario):
    """A renderer of ``scene``; for a scenario, one that moves the camera along the scene's camera path."""
    from orbitview.render.export.exporter import FrameRenderer

    if scenario is None:
        return FrameRenderer(scene, size, overlay)
    return FrameRenderer(scene, size, overlay, camera_timeline(scene))


def metadata(scene, overlay: OverlayText, t_s: float) -> dict[str, str]:
    """PNG text chunks: the offscreen module's (time, sources, software) plus the overlay's."""
    from orbitview.render.export.offscreen import scene_metadata

    data = scene_metadata(scene)
    data["orbitview:time_utc"] = format_utc(t_s)
    data["Title"] = overlay.title or data["Title"]
    classes = sorted({layer.classes_from for layer in scene.layers if layer.classes_from})
    if classes:
        data["orbitview:classes"] = "; ".join(classes)
    for key in ("subtitle", "banner", "attribution"):
        if getattr(overlay, key):
            data[f"orbitview:{key}"] = getattr(overlay, key)
    return data


def _write_image(scene, size, overlay, scenario, t_s: float, out: str, extra: dict) -> None:
    from orbitview.core.interrupts import raise_if_stopped
    from orbitview.render.export.offscreen import write_png

    renderer = _renderer(scene, size, overlay, scenario)
    try:
        image = renderer.render(t_s)
    finally:
        renderer.close()
    raise_if_stopped()
    write_png(image, out, {**metadata(scene, overlay, t_s), **extra})
    visible, _ = scene.object_count()
    print(f"wrote {out} ({size[0]}x{size[1]}, {visible:,} objects, {format_utc(t_s)})")


def _write_video(scene, scenario, size, fps: int, out: str, progress_mode: str, preset: str | None) -> None:
    from orbitview.render.export.offscreen import render_video

    times = scenario.frame_times_s(fps)
    overlay = overlay_text(scene)
    data = metadata(scene, overlay, scenario.start_s)
    info = {"title": data["Title"],
            "comment": f"orbitview: {len(times)} frames at {fps} fps, {format_utc(times[0])} .. "
                       f"{format_utc(times[-1])}, {scenario.speed:g} simulated s per s; sources: {data['Source']}"}
    if times[-1] != scenario.end_s:
        print(f"orbitview: note: at {fps} fps the last frame shows {format_utc(times[-1])}, "
              f"not time.end {format_utc(scenario.end_s)}", file=sys.stderr)
    progress = Progress(len(times), "frames", progress_mode)
    render_video(scene, out, times, size, fps, renderer=_renderer(scene, size, overlay, scenario),
                 metadata=info, preset=preset, on_frame=progress.update)
    progress.close()
    print(f"wrote {out} ({size[0]}x{size[1]}, {len(times)} frames at {fps} fps, "
          f"{len(times) / fps:.2f} s, {format_utc(times[0])} .. {format_utc(times[-1])})")
