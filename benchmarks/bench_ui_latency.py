"""Event-loop latency and frame intervals of the window, playing fast and while a second
catalogue loads in the background.

    xvfb-run -a -s "-screen 0 1920x1080x24" python benchmarks/bench_ui_latency.py [--speed X] [--loads N] [--seconds S]

The 26,140-object catalogue (../shared/data/catalog or ORBITVIEW_CATALOG_DIR) is shown in the
real window. A 5 ms QTimer measures how late the event loop serves it (latency = interval -
5 ms), paused and then playing at ``--speed`` (default x10,000: the clock crosses a 60 s
keyframe pair at every frame), each first with nothing loading and then while a second
catalogue (default: the same 26k file again) loads in the window's worker thread, up to and
including the moment its layer is added on the GUI thread (then it is removed and loaded
again, ``--loads`` times; 0 skips the loading phases).
Figures: median, 95th and 99th percentile and worst latency, frames per second, the median
and 95th percentile of the interval between drawn frames, and how long the GUI thread spent
adding the loaded layer (the one step that has to run there). The paused phase turns the
camera a little at every tick, so that it draws as many frames as playing does: its frame
interval is the baseline that playing is compared with (``playing / paused``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PROBE_MS = 5


def catalog_dir() -> Path:
    return Path(os.environ.get("ORBITVIEW_CATALOG_DIR", Path(__file__).resolve().parents[2] / "shared" / "data" / "catalog"))


class Probe:
    """Records when a fast repeating timer actually fires."""

    def __init__(self, app) -> None:
        from PyQt6.QtCore import Qt, QTimer

        self.app = app
        self.stamps: list[float] = []
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(lambda: self.stamps.append(time.perf_counter()))

    def run(self, until, limit_s: float) -> np.ndarray:
        """Latencies (ms) while spinning the event loop until ``until()`` or ``limit_s``."""
        self.stamps.clear()
        self.timer.start(PROBE_MS)
        end = time.perf_counter() + limit_s
        while not until() and time.perf_counter() < end:
            self.app.processEvents()
            time.sleep(0.0005)
        self.timer.stop()
        return np.maximum(np.diff(self.stamps) * 1000.0 - PROBE_MS, 0.0)


def summary(label: str, latency_ms: np.ndarray, frames: int, seconds: float, interval_ms: np.ndarray) -> str:
    p50, p95, p99 = np.percentile(latency_ms, [50, 95, 99])
    f50, f95 = np.percentile(interval_ms, [50, 95]) if len(interval_ms) else (np.nan, np.nan)
    return (f"{label:40s} {len(latency_ms):6d} {p50:7.1f} {p95:7.1f} {p99:7.1f} {latency_ms.max():7.1f} "
            f"{frames / seconds:6.1f} {f50:7.1f} {f95:7.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first", type=Path, default=catalog_dir() / "full_2023-10-09.3le")
    parser.add_argument("--second", type=Path, default=catalog_dir() / "full_2023-10-09.3le")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each phase with nothing loading")
    parser.add_argument("--loads", type=int, default=5, help="loads of the second catalogue per loading phase")
    parser.add_argument("--speed", type=float, default=10000.0, help="clock speed while playing")
    args = parser.parse_args()

    os.environ.setdefault("ORBITVIEW_SETTINGS_DIR", str(Path(os.environ.get("TMPDIR", "/tmp")) / "orbitview-bench-settings"))
    from orbitview.api import use_qt

    use_qt()
    from PyQt6.QtWidgets import QApplication

    from orbitview.api import Clock, MainWindow, Scene, parse_utc

    app = QApplication(sys.argv[:1])
    # A span long enough that playing never reaches its end.
    clock = Clock(time_s=parse_utc("2023-10-09T12:00:00Z"), span_s=1e8, speed=args.speed)
    window = MainWindow(Scene(clock=clock))
    window.show()
    first = window.open_file(str(args.first))
    while window.frames_drawn < 1:
        app.processEvents()
    probe = Probe(app)

    added = {}
    original_add = window.add_source

    def timed_add(path, source):
        start = time.perf_counter()
        layer = original_add(path, source)
        window.canvas.native.repaint()  # the first frame with the new layer, drawn now
        added["ms"] = (time.perf_counter() - start) * 1000.0
        return layer

    window.add_source = timed_add
    draws: list[float] = []
    window.canvas.events.draw.connect(lambda event: draws.append(time.perf_counter()))
    turning = {"on": False}
    window.timer.timeout.connect(lambda: turning["on"] and window.orbit(0.01, 0.0))

    def intervals_ms(since: int) -> np.ndarray:
        return np.diff(draws[since:]) * 1000.0

    print(f"window {window.width()}x{window.height()}, canvas {window.canvas.size}, "
          f"{len(first):,} objects shown; probe timer {PROBE_MS} ms; {args.loads} loads of "
          f"{args.second.name} per loading phase; Python {sys.version.split()[0]}")
    print(f"{'phase':40s} {'ticks':>6s} {'p50 ms':>7s} {'p95 ms':>7s} {'p99 ms':>7s} {'max ms':>7s} {'fps':>6s} "
          f"{'frame p50':>9s} {'frame p95':>9s}")
    # Warm-up: the first frames load glyphs and compile shaders.
    probe.run(lambda: False, 3.0)
    add_ms, load_s, frame_p95 = [], [], {}
    for playing in (False, True):
        window.scene.clock.playing = playing
        turning["on"] = not playing
        state = f"playing x{args.speed:,.0f}" if playing else "paused, camera turning"
        frames0, t0, since = window.frames_drawn, time.perf_counter(), len(draws)
        quiet = probe.run(lambda: False, args.seconds)
        interval = intervals_ms(since)
        frame_p95[playing] = np.percentile(interval, 95)
        print(summary(f"{state}, nothing loading", quiet, window.frames_drawn - frames0, time.perf_counter() - t0,
                      interval))
        latencies, intervals, frames, seconds = [], [], 0, 0.0
        for _ in range(args.loads):
            frames0, t0, since = window.frames_drawn, time.perf_counter(), len(draws)
            window.open_files([str(args.second)])
            latencies.append(probe.run(lambda: window.loader.pending() == 0, 120.0))
            intervals.append(intervals_ms(since))
            frames, seconds = frames + window.frames_drawn - frames0, seconds + time.perf_counter() - t0
            load_s.append(time.perf_counter() - t0)
            add_ms.append(added.pop("ms"))
            window.scene.remove_layer(window.scene.layers[-1])
        if args.loads:
            print(summary(f"{state}, loading a second catalogue", np.concatenate(latencies), frames, seconds,
                          np.concatenate(intervals)))
    print(f"frame interval p95, playing / paused (nothing loading): {frame_p95[True] / frame_p95[False]:.2f}")
    if not args.loads:
        window.close()
        return
    print(f"second catalogue ({len(first):,} objects): loaded in the worker in {np.median(load_s):.2f} s (median); "
          f"adding its layer and drawing the first frame with it on the GUI thread: "
          f"{np.median(add_ms):.0f} ms median, {max(add_ms):.0f} ms worst")
    window.close()


if __name__ == "__main__":
    main()
