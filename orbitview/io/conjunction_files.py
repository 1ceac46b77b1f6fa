"""Screening results as files: JSON and CSV tables, and CCSDS Conjunction Data Messages (KVN).

Every file is written to a temporary file beside its destination and renamed over it, so a
failed or interrupted write leaves whatever was there before.
"""

from __future__ import annotations

import csv
import io
import json

from orbitview.core.conjunctions import CoLocated, Encounter, Screening
from orbitview.core.orbits.times import format_utc

#: Columns of an event, in the JSON objects and the CSV header.
EVENT_COLUMNS = ("a", "b", "name_a", "name_b", "tca", "miss_km", "relative_speed_km_s",
                 "radial_km", "in_track_km", "cross_track_km", "pc_max")
#: Columns of a co-located stretch: ``start`` and ``end`` as ``tca`` is written.
CO_LOCATED_COLUMNS = ("a", "b", "name_a", "name_b", "start", "end", "min_range_km", "max_range_km")
#: The CSV's columns: each row an encounter or a co-located stretch (``kind``), the other's
#: columns left empty.
CSV_COLUMNS = ("kind", *EVENT_COLUMNS, *(c for c in CO_LOCATED_COLUMNS if c not in EVENT_COLUMNS))


def format_tca(t_s: float) -> str:
    """ISO 8601 UTC with milliseconds: ``2023-10-09T12:00:00.123Z``."""
    whole = round(t_s * 1000.0)
    return format_utc(whole // 1000)[:-1] + f".{whole % 1000:03d}Z"


def event_row(event: Encounter) -> dict:
    return {
        "a": event.a, "b": event.b, "name_a": event.name_a, "name_b": event.name_b,
        "tca": format_tca(event.tca_s), "miss_km": event.miss_km,
        "relative_speed_km_s": event.relative_speed_km_s, "radial_km": event.radial_km,
        "in_track_km": event.in_track_km, "cross_track_km": event.cross_track_km, "pc_max": event.pc_max,
    }


def co_located_row(stretch: CoLocated) -> dict:
    return {
        "a": stretch.a, "b": stretch.b, "name_a": stretch.name_a, "name_b": stretch.name_b,
        "start": format_tca(stretch.start_s), "end": format_tca(stretch.end_s),
        "min_range_km": stretch.min_range_km, "max_range_km": stretch.max_range_km,
    }


def meta(screening: Screening) -> dict:
    return {
        "start": format_tca(screening.start_s), "span_s": screening.span_s,
        "threshold_km": screening.threshold_km, "step_s": screening.step_s, "objects": screening.objects,
        "primaries": list(screening.primaries), "propagated": screening.propagated, "frame": "TEME (ranges are frame-independent)",
        "hard_body_radius_km": screening.hard_body_radius_km,
        "pc_max_method": "Alfano 2005 maximum probability, isotropic 2-D covariance; indicative: "
                         "element sets carry no covariance",
    }


def screening_json(screening: Screening) -> str:
    return json.dumps({
        "meta": meta(screening),
        "events": [event_row(e) for e in screening.encounters],
        "co_located": [co_located_row(p) for p in screening.co_located],
    }, indent=1) + "\n"


def screening_csv(screening: Screening) -> str:
    """The events, one row each, then the co-located stretches (``kind`` says which)."""
    text = io.StringIO()
    writer = csv.DictWriter(text, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for event in screening.encounters:
        writer.writerow({"kind": "encounter", **event_row(event)})
    for stretch in screening.co_located:
        writer.writerow({"kind": "co-located", **co_located_row(stretch)})
    return text.getvalue()


def cdm_kvn(event: Encounter, creation_s: float, message_id: str, co_located: tuple = ()) -> str:
    """A CCSDS 508.0-B-1 Conjunction Data Message for one event, KVN.

    Object 1 is ``a``. Element sets carry no covariance, so the covariance block is absent and
    the probability is Alfano's indicative maximum (``COLLISION_PROBABILITY_METHOD``).
    ``co_located``: the pair's co-located stretches in the screening, each named in a comment
    (the two fly together then: this encounter is one of their separations' minima).
    """
    def object_block(number, name, which, state):
        x, y, z, vx, vy, vz = state
        return [
            f"OBJECT = {which}", f"OBJECT_DESIGNATOR = {number:05d}", "CATALOG_NAME = SATCAT",
            f"OBJECT_NAME = {name}", "INTERNATIONAL_DESIGNATOR = UNKNOWN", "EPHEMERIS_NAME = NONE",
            "COVARIANCE_METHOD = DEFAULT", "MANEUVERABLE = UNKNOWN", "REF_FRAME = TEME",
            f"X = {x:.6f} [km]", f"Y = {y:.6f} [km]", f"Z = {z:.6f} [km]",
            f"X_DOT = {vx:.9f} [km/s]", f"Y_DOT = {vy:.9f} [km/s]", f"Z_DOT = {vz:.9f} [km/s]",
        ]

    relative = [b - a for a, b in zip(event.state_a[3:], event.state_b[3:])]
    lines = [
        "CCSDS_CDM_VERS = 1.0", f"CREATION_DATE = {format_tca(creation_s)[:-1]}", "ORIGINATOR = ORBITVIEW",
        f"MESSAGE_ID = {message_id}", f"TCA = {format_tca(event.tca_s)[:-1]}",
        f"MISS_DISTANCE = {event.miss_km * 1000.0:.3f} [m]",
        f"RELATIVE_SPEED = {event.relative_speed_km_s * 1000.0:.3f} [m/s]",
        f"RELATIVE_POSITION_R = {event.radial_km * 1000.0:.3f} [m]",
        f"RELATIVE_POSITION_T = {event.in_track_km * 1000.0:.3f} [m]",
        f"RELATIVE_POSITION_N = {event.cross_track_km * 1000.0:.3f} [m]",
        f"COMMENT relative velocity TEME: {relative[0]:.6f} {relative[1]:.6f} {relative[2]:.6f} km/s",
        f"COLLISION_PROBABILITY = {event.pc_max:.4e}",
        "COLLISION_PROBABILITY_METHOD = ALFANO-2005",
        "COMMENT indicative maximum probability: element sets carry no covariance",
        *(f"COMMENT co-located {format_tca(c.start_s)} to {format_tca(c.end_s)}: range "
          f"{c.min_range_km:.3f} to {c.max_range_km:.3f} km" for c in co_located),
        *object_block(event.a, event.name_a, "OBJECT1", event.state_a),
        *object_block(event.b, event.name_b, "OBJECT2", event.state_b),
    ]
    return "\n".join(lines) + "\n"
