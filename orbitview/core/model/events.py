"""A small evented model: a field that changes emits an event named after it.

Adapters (render/) and widgets (ui/) connect to these; the model never knows who listens.
"""

from __future__ import annotations

from typing import Any, Callable


class Signal:
    """A list of callbacks called with the new value, in connection order."""

    __slots__ = ("_callbacks",)

    def __init__(self) -> None:
        self._callbacks: list[Callable[..., Any]] = []

    def connect(self, callback: Callable[..., Any]) -> Callable[..., Any]:
        if callback not in self._callbacks:
            self._callbacks.append(callback)
        return callback

    def disconnect(self, callback: Callable[..., Any]) -> None:
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def disconnect_owner(self, owner: object) -> None:
        """Disconnect every callback that is a bound method of ``owner``."""
        self._callbacks = [cb for cb in self._callbacks if getattr(cb, "__self__", None) is not owner]

    def emit(self, *args: Any) -> None:
        for callback in list(self._callbacks):
            callback(*args)

    def __len__(self) -> int:
        return len(self._callbacks)


class Events:
    """A namespace of signals, one per field name: ``model.events.time.connect(cb)``."""

    def __init__(self, names: tuple[str, ...]) -> None:
        for name in names:
            setattr(self, name, Signal())


def disconnect_events(events: Events, owner: object) -> None:
    """Undo every connection ``owner`` (a widget, an adapter) made to the signals of ``events``:
    its bound methods leave them all, whatever it connected. napari's
    ``disconnect_events(emitter, listener)`` is the model: a ``close()`` names the models it
    listened to, never again the list of fields."""
    for signal in vars(events).values():
        signal.disconnect_owner(owner)


def disconnect_models(owner: object, *models: EventedModel) -> None:
    """``disconnect_events`` from every signal of each of ``models`` (a scene and its parts,
    layers): what a ``close()`` calls with the models it was given."""
    for model in models:
        disconnect_events(model.events, owner)


class Field:
    """A model attribute that emits ``events.<name>`` with the new value when it changes.

    ``coerce`` normalises what is assigned (and may raise ValueError for a bad value).
    ``saved``: whether the scenario file holds the field (False for what is derived from other
    fields, such as a layer's ``shown`` mask from its filter, or lasts only while the app runs).
    """

    def __init__(self, default: Any, coerce: Callable[[Any], Any] | None = None, *, saved: bool = True) -> None:
        self.default = default
        self.coerce = coerce
        self.saved = saved

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.slot = "_" + name

    def __get__(self, obj: Any, objtype: type | None = None) -> Any:
        if obj is None:
            return self
        return getattr(obj, self.slot, self.default)

    def __set__(self, obj: Any, value: Any) -> None:
        if self.coerce is not None:
            value = self.coerce(value)
        old = getattr(obj, self.slot, self.default)
        if _same(old, value):
            return
        setattr(obj, self.slot, value)
        getattr(obj.events, self.name).emit(value)


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except (ValueError, TypeError):
        return a is b


def model_fields(cls: type) -> dict[str, Field]:
    """The :class:`Field` s of a model class by name, base classes' first, in declaration order."""
    return {name: attr for klass in reversed(cls.__mro__) for name, attr in vars(klass).items()
            if isinstance(attr, Field)}


class EventedModel:
    """Base class: every :class:`Field` of the subclass gets a signal in ``self.events``."""

    def __init__(self, **values: Any) -> None:
        names = tuple(model_fields(type(self)))
        self.events = Events(names)
        for name, value in values.items():
            if name not in names:
                raise TypeError(f"{type(self).__name__} has no field {name!r}")
            setattr(self, name, value)
