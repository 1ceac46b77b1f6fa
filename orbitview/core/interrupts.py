"""Signals that stop a long job, even when Python loses their first raise.

A signal handler's exception is raised wherever the main thread happens to be. Inside a
weakref callback or a ``__del__`` Python prints "Exception ignored" and goes on; inside a vispy
draw callback vispy logs it and goes on. So a job that must stop (a precompute on Ctrl-C, an
export on Cancel) runs inside ``stop_on_signals`` and calls ``raise_if_stopped`` at its safe
points: between blocks, between frames, before it writes its result.

Every subcommand runs inside ``stop_on_signals(STOP_SIGNALS, Interrupted)`` (``orbitview.cli``):
Ctrl-C, SIGTERM and SIGHUP all stop it the same way, its partial files removed, with one line
on stderr and exit status 128 + the signal's number (130, 143, 129), as a shell reports a
process the signal killed.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: What stops a command cleanly: Ctrl-C, ``kill``'s default, a terminal closed under it.
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class Interrupted(KeyboardInterrupt):
    """A stop signal arrived; a ``KeyboardInterrupt``, so ``except Exception`` lets it through."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    def __str__(self) -> str:
        return f"interrupted by {signal.Signals(self.signum).name}"


#: ``(signum, exception factory, the exception raised)`` of each signal received inside
#: ``stop_on_signals``.
_received: list[tuple[int, Callable[[int], BaseException], BaseException]] = []
#: One entry per ``stops_deferred`` block being run.
_deferring: list[bool] = []


@contextmanager
def stop_on_signals(signals: tuple[int, ...], exception: Callable[[int], BaseException]) -> Iterator[None]:
    """Inside: the first of ``signals`` to arrive raises ``exception(signum)`` in the main
    thread at once (later ones are ignored), and ``raise_if_stopped`` raises it again later. Where Python drops the first raise it says
    nothing (no "Exception ignored" traceback: the job stops at its next safe point). The
    previous handlers come back on exit."""

    def handler(signum, frame):
        if _received:
            return  # a stop is under way: a second signal must not cut its cleanup short
        error = exception(signum)
        _received.append((signum, exception, error))
        if not _deferring:
            raise error

    def unraisable(report) -> None:
        if not any(report.exc_value is error for _, _, error in _received):
            previous_hook(report)

    previous = {s: signal.signal(s, handler) for s in signals}
    previous_hook, sys.unraisablehook = sys.unraisablehook, unraisable
    try:
        yield
    except Exception:
        # A library that wraps what its callees raise turns the stop into its own error
        # (vispy's shader parser raises ValueError "Invalid code: interrupted by SIGTERM").
        raise_if_stopped()
        raise
    finally:
        sys.unraisablehook = previous_hook
        for s, old in previous.items():
            signal.signal(s, old)
        _received.clear()


@contextmanager
def stops_deferred() -> Iterator[None]:
    """Inside: a stop signal is only recorded; it is raised when the block ends. For steps
    that must not be cut in half, such as handing a new worker process its start-up data
    (cut, the worker dies printing an UnpicklingError traceback)."""
    _deferring.append(True)
    try:
        yield
    finally:
        _deferring.pop()
    if not _deferring:
        raise_if_stopped()


def raise_if_stopped() -> None:
    """Raise the first signal's exception if one came inside ``stop_on_signals``."""
    if _received:
        signum, exception, _ = _received[0]
        raise exception(signum)


def raised_by_signal(error: BaseException | None) -> bool:
    """Whether ``error`` is the exception a signal raised inside ``stop_on_signals`` (for
    libraries that log what they catch: the stop is reported once, by the command)."""
    return any(error is raised for _, _, raised in _received)
