"""Every object's position at evenly spaced sample times, with SGP4 run at only some of them.

SGP4 runs at nodes ``stride`` samples apart (``NODE_STEP_S`` at most), and one node beyond
each end; the samples between are the cubic through the four nearest nodes, which is within
``bounds.interpolation_error_km`` of SGP4's own positions for every object whose motion over
those nodes is physical (``bounds.physical_motion``). An object SGP4 fails for at a node of the
block, or whose motion between nodes is not physical (a decayed object SGP4 still returns
numbers for), is propagated at every sample instead, as with a stride of 1.
"""

from __future__ import annotations

import numpy as np

from orbitview.core.conjunctions.bounds import interpolation_error_km, physical_motion
from orbitview.core.orbits.propagate import states_block

#: SGP4 runs at most this many seconds apart (a cubic's bound is then 1.1 km; with the 40 s
#: samples of all against all, SGP4 runs at one sample in three).
NODE_STEP_S = 120.0


def sample_positions(satrecs, satrec_array, times_s: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """``(position_km, usable, error_km)`` of every object at ``times_s`` (T,), evenly spaced.

    ``position_km``: (T, N, 3) float64 TEME, NaN where unknown. ``usable``: (T - 1, N) bool, the
    object's positions at both ends of each segment are known and its motion there physical.
    ``error_km``: how far any usable position may be from SGP4's.
    """
    step_s = (times_s[-1] - times_s[0]) / max(1, len(times_s) - 1)
    stride = max(1, int(NODE_STEP_S / step_s + 1e-6)) if step_s > 0 else 1  # POSIX seconds round by 1e-7 s
    if stride == 1:
        position, usable = _direct(satrec_array, times_s, step_s)
        return position, usable, 0.0
    segments = len(times_s) - 1
    intervals = -(-segments // stride)
    node_times = times_s[0] + stride * step_s * np.arange(-1, intervals + 2)
    on_nodes = times_s[::stride]  # the samples themselves where they are nodes
    node_times[1:1 + len(on_nodes)] = on_nodes
    node_position, node_velocity, error = states_block(satrec_array, node_times, None, "TEME", np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        physical = physical_motion(node_position[:-1], node_position[1:], node_velocity[:-1], node_velocity[1:],
                                   stride * step_s)
    # Interval j (nodes j + 1, j + 2 here) is interpolated from nodes j .. j + 3.
    good = error == 0
    stencil = good[:-3] & good[1:-2] & good[2:-1] & good[3:] & physical[:-2] & physical[1:-1] & physical[2:]
    position = np.empty((len(times_s),) + node_position.shape[1:])
    position[::stride] = node_position[1:1 + len(on_nodes)]
    for offset in range(1, stride):
        # The samples ``offset`` after each node: the same weights for all, the nodes as slices.
        count = len(range(offset, len(times_s), stride))
        s = offset / stride
        weights = (-s * (s - 1) * (s - 2) / 6, (s + 1) * (s - 1) * (s - 2) / 2, -(s + 1) * s * (s - 2) / 2,
                   (s + 1) * s * (s - 1) / 6)
        part = position[offset::stride]
        np.multiply(node_position[0:count], weights[0], out=part)
        for q in (1, 2, 3):
            part += weights[q] * node_position[q:q + count]
    interval = np.minimum(np.arange(len(times_s)) // stride, intervals - 1)
    known = stencil[interval]
    usable = known[:-1] & known[1:]
    direct = np.flatnonzero(~stencil.all(axis=0))
    if len(direct):
        from sgp4.api import SatrecArray

        position[:, direct], usable[:, direct] = _direct(SatrecArray([satrecs[k] for k in direct]), times_s, step_s)
    return position, usable, interpolation_error_km(stride * step_s)


def _direct(satrec_array, times_s, step_s):
    """SGP4 at every sample: positions (T, N, 3) and the segments (T - 1, N) usable."""
    position, velocity, _ = states_block(satrec_array, times_s, None, "TEME", np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        usable = physical_motion(position[:-1], position[1:], velocity[:-1], velocity[1:], step_s)
    return position, usable & np.isfinite(position[:-1]).all(axis=2) & np.isfinite(position[1:]).all(axis=2)
