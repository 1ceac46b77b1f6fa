"""Progress of a long export on stderr: a bar with rate and ETA on a terminal, or plain
``progress DONE TOTAL ETA_S`` lines that the window's export dialog reads from a subprocess."""

from __future__ import annotations

import sys
import time

MODES = ("auto", "bar", "lines", "none")


class Progress:
    """``update(done)`` after each unit of ``total``; ``close()`` ends the bar's line."""

    def __init__(self, total: int, what: str = "frames", mode: str = "auto", stream=None) -> None:
        self.stream = stream or sys.stderr
        if mode == "auto":
            mode = "bar" if self.stream.isatty() else "none"
        self.total, self.what, self.mode = total, what, mode
        self.start = time.monotonic()
        self._shown_at = 0.0

    def eta_s(self, done: int) -> float | None:
        elapsed = time.monotonic() - self.start
        return None if done == 0 else elapsed / done * (self.total - done)

    def update(self, done: int) -> None:
        now = time.monotonic()
        if self.mode == "none" or (now - self._shown_at < 0.2 and done < self.total):
            return
        self._shown_at = now
        eta = self.eta_s(done)
        if self.mode == "lines":
            print(f"progress {done} {self.total} {-1 if eta is None else round(eta, 1)}", file=self.stream, flush=True)
            return
        width = 30
        filled = round(width * done / max(self.total, 1))
        rate = done / max(now - self.start, 1e-9)
        left = "--:--" if eta is None else f"{int(eta) // 60:02d}:{int(eta) % 60:02d}"
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{self.total} {self.what} "
                          f"{rate:5.1f}/s  ETA {left} ")
        self.stream.flush()

    def close(self) -> None:
        if self.mode == "bar":
            self.stream.write("\n")
            self.stream.flush()
