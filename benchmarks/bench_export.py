"""Video export throughput against the bare render loop, in the same run on the same machine.

    python benchmarks/bench_export.py [--size 1920x1080] [--frames 48] [--speed 600] [--catalog PATH]
                                      [--preset ultrafast veryfast]

The bare loop renders frames offscreen exactly as an export does (camera timeline, GL, read-back,
overlay) and throws them away; the export loop also hands each frame to the H.264 encoder
(writer thread -> ffmpeg stdin). The bare loop runs before and after each export and is averaged,
since other work on a shared machine moves both. Goal: export >= 0.8 x bare.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from orbitview.api import (  # noqa: E402
    DEFAULT_VIDEO_PRESET,
    VIDEO_PRESETS,
    CameraKey,
    CameraTimeline,
    Clock,
    FrameRenderer,
    Layer,
    OverlayText,
    Scene,
    VideoWriter,
    default_view,
    frame_times_s,
    load_catalog,
    parse_utc,
)

START = parse_utc("2023-10-09T12:00:00Z")


def default_catalog() -> Path:
    directory = Path(os.environ.get("ORBITVIEW_CATALOG_DIR", REPO.parent / "shared" / "data" / "catalog"))
    return directory / "full_2023-10-09.3le"


def renderer(catalog, size, frames: int, speed: float, fps: int) -> tuple[FrameRenderer, list[float]]:
    scene = Scene(clock=Clock(time_s=START))
    scene.add_layer(Layer("catalogue", catalog))
    times = frame_times_s(START, START + (frames - 1) * speed / fps, speed, fps)
    keys = (CameraKey(START, {**default_view(), "distance_km": 50000.0}),
            CameraKey(float(times[-1]), {**default_view(), "distance_km": 30000.0, "azimuth_deg": 60.0}))
    overlay = OverlayText(title="Benchmark: the 2023-10-09 catalogue", banner="UNCLASSIFIED",
                          attribution="CelesTrak / Space-Track elements")
    return FrameRenderer(scene, size, overlay, CameraTimeline(keys)), [float(t) for t in times]


def bare_fps(frames: FrameRenderer, times: list[float]) -> float:
    started = time.perf_counter()
    for t in times:
        frames.render(t)
    return len(times) / (time.perf_counter() - started)


def export_fps(frames: FrameRenderer, times: list[float], size, fps: int, out: Path, preset: str) -> float:
    started = time.perf_counter()
    with VideoWriter(out, size, fps, preset=preset) as writer:
        for t in times:
            writer.write(frames.render(t))
        writer.finish()
    return len(times) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--frames", type=int, default=48)
    parser.add_argument("--speed", type=float, default=600.0, help="simulated seconds per video second")
    parser.add_argument("--fps", type=int, default=24)
    parser.add_argument("--catalog", type=Path, default=default_catalog())
    parser.add_argument("--preset", nargs="+", choices=VIDEO_PRESETS, default=[DEFAULT_VIDEO_PRESET, "veryfast"],
                        help="x264 presets to measure (default: orbitview's and veryfast)")
    args = parser.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))

    catalog = load_catalog(args.catalog).catalog
    frames, times = renderer(catalog, size, args.frames, args.speed, args.fps)
    try:
        frames.render(times[0])  # shaders compiled, first keyframes uploaded
        bare_runs, exports = [bare_fps(frames, times)], {}
        with tempfile.TemporaryDirectory() as tmp:
            for preset in args.preset:
                out = Path(tmp) / f"{preset}.mp4"
                exports[preset] = export_fps(frames, times, size, args.fps, out, preset), out.stat().st_size / 1e6
                bare_runs.append(bare_fps(frames, times))
    finally:
        frames.close()
    bare = sum(bare_runs) / len(bare_runs)
    print(f"{len(catalog):,} objects, {size[0]}x{size[1]}, {args.frames} frames, {args.speed:g} s/s at {args.fps} fps, "
          f"{os.cpu_count()} CPUs")
    print(f"bare render loop: {bare:6.2f} frames/s (runs: {', '.join(f'{r:.2f}' for r in bare_runs)})")
    for preset, (export, megabytes) in exports.items():
        print(f"export, x264 {preset:<9}: {export:6.2f} frames/s, {megabytes:5.1f} MB, "
              f"{export / bare:.2f} x bare (goal >= 0.8)")


if __name__ == "__main__":
    main()
