"""Where a layer came from, with what is needed to make it again: its ``Layer.origin``.

An origin is a frozen dataclass whose first field names its kind and holds its main value (the
scenario key of its ``[[sources]]`` table: ``file = "..."``, ``event = "..."``); its other
fields are the kind's parameters, written beside it. ``ORIGINS`` lists the kinds by that key:
``io.scenario_file`` reads and writes every origin from their fields; ``services.scenario`` loads
each kind with the loader it registers for it. A layer whose origin is None (a merge of files, an object made in
memory) cannot be written to a scenario: saves and exports say so before they start.

Field metadata ``kind`` names how a value is written where its type does not say it:
``"time"`` (POSIX seconds, written as ISO 8601 UTC), ``"origin"`` (another origin, as an inline
table), ``"choice"`` (a string from ``metadata["choices"]``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

#: The two layers of a modelled breakup, in the order a source makes them.
EVENT_PARTS = ("parent", "fragments")
BODY_KINDS = ("spacecraft", "rocket_body")
CUSTOM_KINDS = ("explosion", "collision")


@dataclass(frozen=True)
class FileOrigin:
    """A file on disk: element sets (TLE/3LE, OMM JSON/CSV/XML), an OEM ephemeris, or an
    HDF5 trajectory file (``.h5``). ``file``: its absolute path."""

    file: str


@dataclass(frozen=True)
class CelestrakOrigin:
    """A CelesTrak group or query (``stations``, ``CATNR=25544``), through the fetch cache."""

    celestrak: str


@dataclass(frozen=True)
class EventOrigin:
    """One layer of a modelled breakup preset: ``part`` "parent" (shown until the event) or
    "fragments" (from it); None, only in a scenario file, for both (two layers)."""

    event: str
    seed: int = 1
    min_size_m: float = 0.1
    part: str | None = field(default=None, metadata={"kind": "choice", "choices": EVENT_PARTS})


@dataclass(frozen=True)
class CustomEventOrigin:
    """One layer of a breakup of a loaded object (the Events menu's custom event): object
    ``norad`` of the layer made from ``parent`` (another origin) breaks up at ``time_s`` (POSIX
    s) by ``custom_event`` ("explosion" or "collision"), with the dialog's masses, speed,
    smallest fragment and seed."""

    custom_event: str = field(metadata={"kind": "choice", "choices": CUSTOM_KINDS})
    parent: object = field(default=None, metadata={"kind": "origin"})
    norad: int = 0
    time_s: float = field(default=0.0, metadata={"kind": "time"})
    mass_kg: float = 1.0
    projectile_mass_kg: float = 0.0
    closing_speed_km_s: float = 0.0
    body: str = field(default="spacecraft", metadata={"kind": "choice", "choices": BODY_KINDS})
    seed: int = 1
    min_size_m: float = 0.1
    part: str | None = field(default=None, metadata={"kind": "choice", "choices": EVENT_PARTS})


@dataclass(frozen=True)
class InterceptorOrigin:
    """A direct-ascent missile named ``interceptor`` (its vehicle, "SC-19"), flown by
    ``core.breakup.interceptor`` to object ``norad`` of the layer ``target`` (another origin) makes.
    ``preset``: a breakup preset whose missile this is; its site, flight time, intercept time
    and target are the defaults of the fields left out. ``site``: a key of
    ``core.breakup.launch_sites.SITES``, or "" for ``latitude_deg``, ``longitude_deg`` (geodetic, WGS84)
    and ``height_km``, named ``site_name``. ``intercept_s`` or ``launch_s`` (POSIX s) and
    ``flight_s``: when it meets the target or leaves, and the seconds between."""

    interceptor: str
    preset: str = ""
    target: object = field(default=None, metadata={"kind": "origin"})
    norad: int = 0
    site: str = ""
    latitude_deg: float | None = field(default=None, metadata={"kind": "number"})
    longitude_deg: float | None = field(default=None, metadata={"kind": "number"})
    height_km: float = 0.0
    site_name: str = ""
    flight_s: float | None = field(default=None, metadata={"kind": "number"})
    intercept_s: float | None = field(default=None, metadata={"kind": "time"})
    launch_s: float | None = field(default=None, metadata={"kind": "time"})


#: Every kind of origin by its key (its first field's name). A new kind adds its class here and
#: a loader in ``services.scenario.LOADERS``.
ORIGINS: dict[str, type] = {fields(cls)[0].name: cls
                            for cls in (FileOrigin, CelestrakOrigin, EventOrigin, CustomEventOrigin,
                                        InterceptorOrigin)}


def origin_kind(origin) -> str:
    """The key of ``origin``'s kind: ``file``, ``celestrak``, ``event``..."""
    return fields(origin)[0].name
