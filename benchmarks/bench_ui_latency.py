"""Event-loop latency and frame intervals of the window, playing fast and while a second
catalogue loads in the background.

    xvfb-run -a -s "-screen 0 1920x1080x24" python benchmarks/bench_ui_latency.py [--speed X] [--loads N] [--seconds S] [--rounds R]

The 26,140-object catalogue (../shared/data/catalog or ORBITVIEW_CATALOG_DIR) is shown in the
real window. A 5 ms QTimer measures how late the event loop serves it (latency = interval -
5 ms), paused and then playing at ``--speed`` (default x10,000: the clock would cross a 60 s
keyframe pair at every frame), each first with nothing loading and then while a second
catalogue (default: the same 26k file again) loads in the window's worker thread, up to and
including the moment its layer is added on the GUI thread (then it is removed and loaded
again, ``--loads`` times; 0 skips the loading phases).
Figures: median, 95th and 99th percentile and worst latency, frames per second, the median
and 95th percentile of the interval between drawn frames, and how long the GUI thread spent
adding the loaded layer (the one step that has to run there). The paused phase turns the
camera a little at every tick, so that it draws as many frames as playing does: its frame
interval is the baseline that playing is compared with (``playing / paused``). The two
alternate ``--rounds`` times (the load of a shared machine drifts within minutes), and the
ratio is of the p95 over all rounds; each round's own ratio is printed too.

Each phase also says what it cost: CPU seconds of the GUI thread, of the renderer's threads
(llvmpipe's, under Xvfb), of the other threads (the prefetch worker) and of the child
processes (the SGP4 process), from /proc, and their sum per frame drawn; the load average
before and after; and, playing, how true the dots were: how far the time they were drawn at lagged the clock (simulated s,
median and 95th percentile over the frames drawn), how many keyframe pairs were drawn and the
step the last one had.
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
TICKS_S = os.sysconf("SC_CLK_TCK")


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


def cpu_s() -> dict[str, float]:
    """CPU seconds so far of this process's threads by role, and of its child processes."""
    used = {"gui": 0.0, "renderer": 0.0, "other threads": 0.0, "children": 0.0}
    for tid in os.listdir("/proc/self/task"):
        try:
            name = Path(f"/proc/self/task/{tid}/comm").read_text().strip()
            fields = Path(f"/proc/self/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # a thread that ended meanwhile
            continue
        role = "gui" if int(tid) == os.getpid() else "renderer" if name.startswith("llvmpipe") else "other threads"
        used[role] += (int(fields[11]) + int(fields[12])) / TICKS_S
    parents = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        parents.setdefault(int(fields[1]), []).append((int(pid), (int(fields[11]) + int(fields[12])) / TICKS_S))
    stack = [os.getpid()]
    while stack:
        for pid, seconds in parents.get(stack.pop(), []):
            used["children"] += seconds
            stack.append(pid)
    return used


def cpu_text(before: dict[str, float], after: dict[str, float], frames: int) -> str:
    """CPU seconds by role between two ``cpu_s()``, and their sum per frame drawn (ms)."""
    used = {role: after[role] - before[role] for role in before}
    return (", ".join(f"{role} {seconds:.2f}" for role, seconds in used.items())
            + f"; {1000.0 * sum(used.values()) / max(frames, 1):.0f} ms per frame drawn")


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


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
    parser.add_argument("--rounds", type=int, default=1, help="paused and playing phases, alternating")
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
          f"{args.second.name} per loading phase; Python {sys.version.split()[0]}; load average {load_average()}")
    print(f"{'phase':40s} {'ticks':>6s} {'p50 ms':>7s} {'p95 ms':>7s} {'p99 ms':>7s} {'max ms':>7s} {'fps':>6s} "
          f"{'frame p50':>9s} {'frame p95':>9s}")
    # Warm-up: the first frames load glyphs and compile shaders; the first play starts the SGP4 process.
    probe.run(lambda: False, 3.0)
    window.scene.clock.playing = True
    probe.run(lambda: False, 3.0)
    drawn = window.view.layers[id(first)].node
    lags: list[float] = []
    pairs: list[object] = []

    def on_draw(event) -> None:
        lags.append(abs(window.scene.clock.time_s - drawn.drawn_time_s))
        pairs.append(drawn.keyframes)

    window.canvas.events.draw.connect(on_draw)
    add_ms, load_s, frame_ms = [], [], {False: [], True: []}
    for round_ in range(args.rounds):
        for playing in (False, True):
            window.scene.clock.playing = playing
            turning["on"] = not playing
            state = f"playing x{args.speed:,.0f}" if playing else "paused, camera turning"
            frames0, t0, since, lags_since, cpu0 = window.frames_drawn, time.perf_counter(), len(draws), len(lags), cpu_s()
            quiet = probe.run(lambda: False, args.seconds)
            interval = intervals_ms(since)
            frame_ms[playing].append(interval)
            print(summary(f"{state}, nothing loading", quiet, window.frames_drawn - frames0,
                          time.perf_counter() - t0, interval))
            print(f"    cpu s: {cpu_text(cpu0, cpu_s(), window.frames_drawn - frames0)}; load average {load_average()}")
            if playing:
                lag = np.percentile(lags[lags_since:], [50, 95])
                print(f"    dots drawn behind the clock: median {lag[0]:,.0f} s, p95 {lag[1]:,.0f} s (simulated); "
                      f"{len({id(pair) for pair in pairs[lags_since:]})} pairs drawn, the last "
                      f"{drawn.keyframes.t1_s - drawn.keyframes.t0_s:g} s long")
            else:
                print(f"    round {round_ + 1}: paused frame p95 {np.percentile(interval, 95):.1f} ms")
            if round_ or not args.loads:
                continue
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
            print(summary(f"{state}, loading a second catalogue", np.concatenate(latencies), frames, seconds,
                          np.concatenate(intervals)))
        print(f"    round {round_ + 1}: frame interval p95, playing / paused "
              f"{np.percentile(frame_ms[True][-1], 95) / np.percentile(frame_ms[False][-1], 95):.2f}")
    p95 = {playing: np.percentile(np.concatenate(frame_ms[playing]), 95) for playing in frame_ms}
    print(f"frame interval p95 over {args.rounds} rounds (nothing loading): paused {p95[False]:.1f} ms, "
          f"playing {p95[True]:.1f} ms; playing / paused: {p95[True] / p95[False]:.2f}")
    if not args.loads:
        window.close()
        return
    print(f"second catalogue ({len(first):,} objects): loaded in the worker in {np.median(load_s):.2f} s (median); "
          f"adding its layer and drawing the first frame with it on the GUI thread: "
          f"{np.median(add_ms):.0f} ms median, {max(add_ms):.0f} ms worst")
    window.close()


if __name__ == "__main__":
    main()
