"""CZML for CesiumJS, written through ``czml3``: one packet per object with its name, its
colour, when it is available, and its positions sampled in Cesium's ``INERTIAL`` frame.

Cesium's ``INERTIAL`` is the ICRF, whose axes the GCRS shares: orbitview's GCRS positions
(Earth-centred) are written as they are. Positions are metres, times seconds from each
packet's ``epoch``; Cesium interpolates them by Lagrange of degree 5.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from orbitview import __version__

#: Cesium's Lagrange over six samples: a 60 s grid reproduces LEO positions to millimetres.
INTERPOLATION_DEGREE = 5


def _utc(t_s: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(float(t_s), dt.timezone.utc)


def _runs(valid: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) indices of each run of True in (T,) ``valid``."""
    edges = np.diff(np.concatenate([[0], valid.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1))


def format_czml(names, ids, rgba: np.ndarray, times_s: np.ndarray, position_km: np.ndarray,
                valid: np.ndarray, title: str = "orbitview") -> str:
    """The CZML text of N objects: ``names`` and ``ids`` (N,) (ids must be unique), ``rgba``
    (N, 4) float 0..1, ``times_s`` (T,) POSIX UTC, ``position_km`` (T, N, 3) GCRS, ``valid``
    (T, N) bool. An object's availability is its runs of valid samples; one never valid is
    left out."""
    from czml3 import CZML_VERSION, Clock, Color, Document, Packet, Point, Position
    from czml3.types import TimeInterval, TimeIntervalCollection

    preamble = Packet(
        id="document", name=title, version=CZML_VERSION,
        clock=Clock(interval=TimeInterval(start=_utc(times_s[0]), end=_utc(times_s[-1])),
                    currentTime=_utc(times_s[0]), multiplier=60),
    )
    packets = [preamble]
    for k in range(position_km.shape[1]):
        runs = [(a, b) for a, b in _runs(valid[:, k]) if b > a]
        if not runs:
            continue
        rows = np.concatenate([np.arange(a, b + 1) for a, b in runs])
        epoch_s = times_s[rows[0]]
        samples = np.column_stack([times_s[rows] - epoch_s, position_km[rows, k].astype(np.float64) * 1000.0])
        colour = [int(round(255 * c)) for c in rgba[k]]
        packets.append(Packet(
            id=str(ids[k]), name=str(names[k]),
            availability=TimeIntervalCollection(
                values=[TimeInterval(start=_utc(times_s[a]), end=_utc(times_s[b])) for a, b in runs]),
            position=Position(epoch=_utc(epoch_s), referenceFrame="INERTIAL", interpolationAlgorithm="LAGRANGE",
                              interpolationDegree=INTERPOLATION_DEGREE, cartesian=samples.ravel().tolist()),
            point=Point(pixelSize=3, color=Color(rgba=colour)),
            description=f"written by orbitview {__version__}",
        ))
    return Document(packets=packets).dumps()
