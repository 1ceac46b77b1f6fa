"""A Ctrl-C that Python drops (raised inside a weakref callback) still stops the job, quietly."""

from __future__ import annotations

import os
import signal
import time
import weakref

import pytest

from orbitview.core.interrupts import raise_if_stopped, stop_on_signals, stops_deferred

pytestmark = pytest.mark.core


class Thing:
    pass


def interrupt_inside_a_weakref_callback() -> None:
    """Send this process SIGINT from a weakref callback: the handler raises there, and Python
    reports the exception as "ignored" and goes on."""
    thing = Thing()
    ref = weakref.ref(thing, lambda _: (os.kill(os.getpid(), signal.SIGINT), time.sleep(1)))
    del thing
    assert ref() is None


# Without the quiet hook, pytest turns the "Exception ignored" report into this warning.
@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_a_dropped_interrupt_is_raised_again_at_the_next_safe_point(capsys):
    reached = []
    with pytest.raises(KeyboardInterrupt):
        with stop_on_signals((signal.SIGINT,), lambda signum: KeyboardInterrupt()):
            interrupt_inside_a_weakref_callback()
            reached.append("after the callback")
            raise_if_stopped()
    assert reached == ["after the callback"]
    assert "Exception ignored" not in capsys.readouterr().err
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_signal_inside_a_deferred_step_is_raised_when_the_step_ends():
    reached = []
    with pytest.raises(KeyboardInterrupt):
        with stop_on_signals((signal.SIGINT,), lambda signum: KeyboardInterrupt()):
            with stops_deferred():
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.2)  # the handler has run by now, and raised nothing
                reached.append("the whole step")
            reached.append("after the step")
    assert reached == ["the whole step"]


class Cancelled(Exception):
    """A stop that is an ``Exception``, as the export's ``ExportCancelled`` is."""


def test_a_stop_that_a_library_wraps_in_its_own_error_is_still_the_stop():
    # vispy's shader parser catches everything and raises ValueError("Invalid code: ...").
    def library_call():
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)
        except Exception as exc:
            raise ValueError(f"Invalid code: {exc}") from None

    with pytest.raises(Cancelled, match="SIGTERM"):
        with stop_on_signals((signal.SIGTERM,), lambda signum: Cancelled(signal.Signals(signum).name)):
            library_call()
    with pytest.raises(ValueError):
        with stop_on_signals((signal.SIGTERM,), Cancelled):
            raise ValueError("a plain error stays itself")
