"""Exact closest approaches of many candidate segments at once, with SGP4 called directly in float64.

The range's minima are where ``f(t) = d . v`` (half the derivative of range^2; ``d``, ``v`` the
relative position and velocity) changes sign from - to +. On a candidate segment where range^2
is proven convex (``bounds.range_is_convex``) there is at most one, found from the signs of ``f``
at the ends; elsewhere (slow, nearly co-orbital pairs) ``f`` is sampled every
``SLOW_PAIR_STEP_S`` seconds first. Every sign change is then solved to ``TCA_TOLERANCE_S``, all
brackets together: false position with the Illinois change, and a bisection wherever a step
did not halve its bracket, so each bracket at least halves every two steps.
"""

from __future__ import annotations

import numpy as np

from orbitview.core.conjunctions.bounds import range_is_convex
from orbitview.core.orbits.times import posix_to_jd

#: Each TCA is known to this, seconds (the goal is 1 ms): the width of its last bracket.
TCA_TOLERANCE_S = 1e-4
#: Sampling of d.v where convexity is not proven: there the relative speed is below about
#: 0.1 km/s (|v|^2 <= |d| |a_rel|), and d.v of such a pair turns over on the scale of the orbit
#: (minutes), not within a second. This is the one step that rests on a sampling argument.
SLOW_PAIR_STEP_S = 1.0


def states_km(satrecs, rows: np.ndarray, times_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(M, 6)`` float64 TEME states (km, km/s) of ``satrecs[rows[m]]`` at ``times_s[m]``, and
    ``(M,)`` bool: SGP4 gave no error there."""
    jd, fr = posix_to_jd(np.asarray(times_s, np.float64))
    # One SGP4 call per (object, time): SatrecArray would compute every object at every time.
    results = [satrecs[k].sgp4(d, f) for k, d, f in zip(rows.tolist(), jd.tolist(), fr.tolist())]
    state = np.array([(*r, *v) for _, r, v in results], np.float64).reshape(len(results), 6)
    ok = np.array([error == 0 for error, _, _ in results], bool)
    return state, ok


def pair_states(sat_a, sat_b, times_s: np.ndarray):
    """Float64 TEME states of two ``Satrec`` at ``times_s`` (K,): ``r_a, v_a, r_b, v_b`` (K, 3), and ``ok`` (K,)."""
    jd, fr = posix_to_jd(times_s)
    error_a, r_a, v_a = sat_a.sgp4_array(jd, fr)
    error_b, r_b, v_b = sat_b.sgp4_array(jd, fr)
    return r_a, v_a, r_b, v_b, (error_a == 0) & (error_b == 0)


def _relative(satrecs, a, b, times_s):
    """Relative states ``b - a`` (M, 6) at ``times_s`` (M,), ``f = d . v`` (M,) (NaN where SGP4 failed)."""
    state_a, ok_a = states_km(satrecs, a, times_s)
    state_b, ok_b = states_km(satrecs, b, times_s)
    relative = state_b - state_a
    f = np.einsum("ij,ij->i", relative[:, :3], relative[:, 3:])
    f[~(ok_a & ok_b)] = np.nan
    return relative, f


def segment_minima(satrecs, a: np.ndarray, b: np.ndarray, lo_s: np.ndarray, hi_s: np.ndarray):
    """Every local minimum of the range of pairs ``(a[m], b[m])`` (rows of ``satrecs``) in
    ``(lo_s[m], hi_s[m]]``: ``(m, tca_s)`` (R,) int64 and float64, by segment then time.

    A minimum at a segment's start belongs to the segment before (f rises through zero at
    ``hi``, not at ``lo``), so consecutive segments of one pair never report one twice.
    """
    relative_lo, f_lo = _relative(satrecs, a, b, lo_s)
    relative_hi, f_hi = _relative(satrecs, a, b, hi_s)
    convex = range_is_convex(relative_lo[:, :3], relative_hi[:, :3], relative_lo[:, 3:], relative_hi[:, 3:],
                             hi_s - lo_s) & np.isfinite(f_lo) & np.isfinite(f_hi)
    segments = [np.flatnonzero(convex)]
    brackets = [(lo_s[convex], hi_s[convex], f_lo[convex], f_hi[convex])]
    slow = np.flatnonzero(~convex)
    if len(slow):
        segments.append(_sampled_brackets(satrecs, a, b, lo_s, hi_s, slow, brackets))
    m = np.concatenate(segments)
    lo, hi, fl, fh = (np.concatenate(parts) for parts in zip(*brackets))
    rising = (fl < 0.0) & (fh >= 0.0)
    m, lo, hi, fl, fh = m[rising], lo[rising], hi[rising], fl[rising], fh[rising]
    tca = _roots(satrecs, a[m], b[m], lo, hi, fl, fh)
    order = np.lexsort((tca, m))
    return m[order], tca[order]


def _sampled_brackets(satrecs, a, b, lo_s, hi_s, slow, brackets):
    """Split segments ``slow`` into steps of ``SLOW_PAIR_STEP_S`` at most, appending their
    ``(lo, hi, f_lo, f_hi)`` to ``brackets``; returns the segment of each step."""
    counts = np.maximum(1, np.ceil((hi_s[slow] - lo_s[slow]) / SLOW_PAIR_STEP_S).astype(np.int64))
    segment = np.repeat(slow, counts + 1)
    first = np.repeat(np.cumsum(counts + 1) - (counts + 1), counts + 1)
    fraction = (np.arange(len(segment)) - first) / np.repeat(counts, counts + 1)
    times = lo_s[segment] + fraction * (hi_s[segment] - lo_s[segment])
    # Each object in one call, at the distinct times it is wanted (slow pairs stay candidates for
    # many segments running, docked vehicles for the whole span, and a primary with several of
    # them is wanted at the same times by each).
    state, ok = _states_at(satrecs, np.r_[a[segment], b[segment]], np.r_[times, times])
    relative = state[len(times):] - state[:len(times)]
    f = np.where(ok[:len(times)] & ok[len(times):], np.einsum("ij,ij->i", relative[:, :3], relative[:, 3:]), np.nan)
    starts = np.flatnonzero(segment[1:] == segment[:-1])  # a sample and the next of one segment
    brackets.append((times[starts], times[starts + 1], f[starts], f[starts + 1]))
    return segment[starts]


def _states_at(satrecs, rows: np.ndarray, times_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``states_km`` for many samples of few objects: one ``sgp4_array`` call per object over its
    distinct times."""
    order = np.lexsort((times_s, rows))
    rows, times_s = rows[order], times_s[order]
    distinct = np.flatnonzero(np.r_[True, (np.diff(rows) != 0) | (np.diff(times_s) != 0)])
    state, ok = np.empty((len(distinct), 6)), np.empty(len(distinct), bool)
    objects = rows[distinct]
    starts = np.flatnonzero(np.r_[True, np.diff(objects) != 0])
    jd, fr = posix_to_jd(times_s[distinct])
    for first, last in zip(starts.tolist(), np.r_[starts[1:], len(distinct)].tolist()):
        error, r, v = satrecs[int(objects[first])].sgp4_array(jd[first:last], fr[first:last])
        state[first:last, :3], state[first:last, 3:], ok[first:last] = r, v, error == 0
    # Back to the samples' own order.
    place = np.empty(len(order), np.int64)
    place[order] = np.cumsum(np.r_[True, (np.diff(rows) != 0) | (np.diff(times_s) != 0)]) - 1
    return state[place], ok[place]


def _roots(satrecs, a, b, lo, hi, f_lo, f_hi) -> np.ndarray:
    """The root of each pair's ``d . v`` in ``[lo, hi]``, where ``f_lo < 0 <= f_hi``, to
    ``TCA_TOLERANCE_S``."""
    lo, hi, f_lo, f_hi = (np.array(x, np.float64) for x in (lo, hi, f_lo, f_hi))
    lo[f_hi == 0.0] = hi[f_hi == 0.0]  # a root at the end itself
    bisect = np.zeros(len(lo), bool)
    kept = np.zeros(len(lo), np.int8)  # +1: the last two steps kept ``lo``, -1: ``hi``
    active = np.flatnonzero(hi - lo > TCA_TOLERANCE_S)
    while len(active):
        l, h, fl, fh = lo[active], hi[active], f_lo[active], f_hi[active]
        x = np.where(bisect[active], 0.5 * (l + h), (l * fh - h * fl) / (fh - fl))
        # False position can land on an end in rounding: then halve instead.
        x = np.where((x > l) & (x < h), x, 0.5 * (l + h))
        _, fx = _relative(satrecs, a[active], b[active], x)
        fx = np.where(np.isnan(fx), 0.0, fx)  # SGP4 failing inside a bracket ends the search there
        below = fx < 0.0
        width = h - l
        lo[active] = np.where(below, x, l)
        f_lo[active] = np.where(below, fx, fl)
        hi[active] = np.where(below, h, x)
        f_hi[active] = np.where(below, fh, fx)
        exact = fx == 0.0
        lo[active[exact]] = hi[active[exact]]
        # Illinois: an end kept twice running has its f halved, so that the other end moves.
        kept[active] = np.where(below, np.minimum(kept[active], 0) - 1, np.maximum(kept[active], 0) + 1)
        hi_kept, lo_kept = kept[active] <= -2, kept[active] >= 2
        f_hi[active[hi_kept]] *= 0.5
        f_lo[active[lo_kept]] *= 0.5
        bisect[active] = hi[active] - lo[active] > 0.5 * width
        active = active[hi[active] - lo[active] > TCA_TOLERANCE_S]
    return 0.5 * (lo + hi)


def ric_km(r_a: np.ndarray, v_a: np.ndarray, miss_km: np.ndarray) -> np.ndarray:
    """``miss_km`` (..., 3) in the radial / in-track / cross-track frame of the object at ``r_a``,
    ``v_a`` (..., 3): (..., 3)."""
    radial = r_a / np.linalg.norm(r_a, axis=-1, keepdims=True)
    cross = np.cross(r_a, v_a)
    cross /= np.linalg.norm(cross, axis=-1, keepdims=True)
    in_track = np.cross(cross, radial)
    return np.stack([np.sum(miss_km * axis, axis=-1) for axis in (radial, in_track, cross)], axis=-1)
