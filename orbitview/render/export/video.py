"""Video files from rendered frames: H.264 MP4 or GIF through the ffmpeg imageio-ffmpeg ships.

Frames go to ffmpeg's stdin as raw RGB from a writer thread, so encoding overlaps with the
rendering the caller does on the main thread (where GL lives). The video is written under a
temporary name beside the target (``orbitview.io.atomic``) and renamed only when ffmpeg has
finished cleanly: a cancelled,
failed or interrupted export leaves nothing at the target path.
"""

from __future__ import annotations

import queue
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

import numpy as np

from orbitview.core.errors import OrbitviewError
from orbitview.core.interrupts import STOP_SIGNALS, raise_if_stopped, stop_on_signals
from orbitview.io.atomic import AtomicFile

FORMATS = {".mp4": "mp4", ".gif": "gif"}
#: x264 speed presets offered, fastest first. Dense star and debris fields are costly to encode:
#: on 2 cores "ultrafast" keeps up with rendering where "veryfast" halves the export rate
#: (benchmarks/bench_export.py); the files are larger, the picture at the same CRF alike.
PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium")
DEFAULT_PRESET = "ultrafast"
#: Frames waiting for the encoder; bounds memory (8 x 1080p RGB = 50 MB).
QUEUE_FRAMES = 8


class ExportCancelled(OrbitviewError):
    """The export was stopped (Cancel, SIGINT, SIGTERM); ``signum`` is the signal, if any."""

    def __init__(self, message: str, signum: int | None = None) -> None:
        super().__init__(message)
        self.signum = signum


def video_format(path: str | Path) -> str:
    """``mp4`` or ``gif`` from the name's ending; OrbitviewError for anything else."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise OrbitviewError(f"{path}: videos are .mp4 (H.264) or .gif")
    return FORMATS[suffix]


def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def ffmpeg_command(size: tuple[int, int], fps: float, fmt: str, out: str, metadata: dict[str, str],
                   preset: str = DEFAULT_PRESET) -> list[str]:
    """The ffmpeg arguments for raw RGB frames of ``size`` on stdin to ``out`` in ``fmt``."""
    width, height = size
    command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
               "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", f"{fps:g}", "-i", "-"]
    for key, value in metadata.items():
        command += ["-metadata", f"{key}={value}"]
    if fmt == "mp4":
        # yuv420p and +faststart: what players, browsers and slide software accept.
        command += ["-c:v", "libx264", "-preset", preset, "-crf", "20", "-pix_fmt", "yuv420p",
                    "-movflags", "+faststart", "-f", "mp4"]
    else:
        # One palette for the whole clip, made from the frames themselves.
        command += ["-filter_complex", "[0:v]split[a][b];[a]palettegen=stats_mode=full[p];[b][p]paletteuse=dither=bayer:bayer_scale=4",
                    "-loop", "0", "-f", "gif"]
    return command + [out]


class VideoWriter:
    """Feeds frames to ffmpeg from a writer thread; ``finish()`` renames the video into place,
    ``abort()`` (also on any exception inside ``with``) kills ffmpeg and deletes the temporary file.

    ``write(frame)``: (H, W, 3) uint8 RGB of ``size``. Blocks only while ``QUEUE_FRAMES`` frames wait.
    """

    def __init__(self, path: str | Path, size: tuple[int, int], fps: float, metadata: dict[str, str] | None = None,
                 preset: str = DEFAULT_PRESET):
        self.path = Path(path)
        self.size = size
        fmt = video_format(self.path)
        if fmt == "mp4" and (size[0] % 2 or size[1] % 2):
            raise OrbitviewError(f"MP4 (yuv420p) needs an even width and height, not {size[0]}x{size[1]}")
        self._target = AtomicFile(self.path).__enter__()
        self.tmp = self._target.partial
        self._log = tempfile.TemporaryFile()
        # Its own session: a Ctrl-C in the terminal reaches orbitview, which stops ffmpeg itself.
        try:
            self._process = subprocess.Popen(
                ffmpeg_command(size, fps, fmt, str(self.tmp), metadata or {}, preset),
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._log, start_new_session=True,
            )
        except BaseException:
            self._target.discard()
            raise
        self._queue: queue.Queue = queue.Queue(QUEUE_FRAMES)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._feed, name="ffmpeg-writer", daemon=True)
        self._thread.start()
        self.frames = 0

    def _feed(self) -> None:
        stdin = self._process.stdin
        while True:
            frame = self._queue.get()
            if frame is None:
                break
            if self._error is None:
                try:
                    stdin.write(memoryview(frame).cast("B"))
                except (BrokenPipeError, OSError) as exc:
                    self._error = exc
        try:
            stdin.close()
        except OSError:
            pass

    def write(self, frame: np.ndarray) -> None:
        raise_if_stopped()
        if self._error is not None:
            raise OrbitviewError(f"ffmpeg stopped: {self._ffmpeg_says() or self._error}")
        if frame.shape != (self.size[1], self.size[0], 3) or frame.dtype != np.uint8:
            raise ValueError(f"frame of shape {frame.shape} {frame.dtype}, expected {(self.size[1], self.size[0], 3)} uint8")
        self._queue.put(np.ascontiguousarray(frame))
        self.frames += 1

    def finish(self) -> Path:
        """Wait for ffmpeg, then move the video to its name. Raises OrbitviewError on failure."""
        raise_if_stopped()
        self._queue.put(None)
        self._thread.join()
        code = self._process.wait()
        if code != 0 or self._error is not None:
            reason = self._ffmpeg_says() or f"exit status {code}"
            self.abort()
            raise OrbitviewError(f"ffmpeg failed writing {self.path}: {reason}; nothing written")
        self._log.close()
        return self._target.commit()

    def abort(self) -> None:
        """Stop ffmpeg and remove the temporary file; nothing appears at ``path``."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        # Unblock and end the writer (it drops what is queued once the pipe is gone).
        while self._thread.is_alive():
            try:
                self._queue.put(None, timeout=0.1)
            except queue.Full:
                try:
                    self._queue.get_nowait()
                except queue.Empty:
                    pass
            self._thread.join(timeout=0.1)
        self._target.discard()
        self._log.close()

    def _ffmpeg_says(self) -> str:
        """ffmpeg's last line of error output, or ""."""
        if self._log.closed:
            return ""
        self._log.seek(0)
        lines = self._log.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else ""

    def __enter__(self) -> "VideoWriter":
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is not None:
            self.abort()


def signals_cancel():
    """Inside: SIGINT, SIGTERM and SIGHUP raise ``ExportCancelled`` in the main thread, so the export's
    cleanup runs (ffmpeg stopped, temporary file removed) before the process exits. A raise
    that vispy's draw callbacks swallow comes again from ``raise_if_stopped``: ``VideoWriter``
    calls it before each frame and at the end, the image export before writing."""
    return stop_on_signals(STOP_SIGNALS, _cancelled)


def _cancelled(signum: int) -> ExportCancelled:
    return ExportCancelled(f"interrupted by {signal.Signals(signum).name}", signum)
