"""Undoing by owner what an adapter connected to a vispy canvas's events (draw, resize...).

vispy keeps a bound method as a weak ``(object, method name)`` pair, so its owner is known:
``disconnect_canvas_events(canvas, self)`` is ``core.model.events.disconnect_events`` for the
canvas, and a ``close()`` never again lists what it connected there.
"""

from __future__ import annotations

import weakref


def disconnect_canvas_events(canvas, owner: object) -> None:
    """Disconnect every callback of ``canvas.events`` that is a bound method of ``owner``."""
    for emitter in canvas.events.emitters.values():
        for callback in emitter.callbacks:
            if isinstance(callback, tuple) and isinstance(callback[0], weakref.ref) and callback[0]() is owner:
                emitter.disconnect(callback)
