"""Keyframe sources at the edges of their spans, as the renderer uses them.

The renderer keeps a keyframe pair while it contains the clock (``render/adapters/view.py``), so what is
drawn at a time must not depend on the pair held before it: the pair a source gives for a
time outside its span must not contain a time inside it.
"""

from __future__ import annotations

import numpy as np
import pytest

from orbitview.core.orbits.keyframes import LiveKeyframes, WindowedKeyframes
from orbitview.core.orbits.propagate import propagate, propagate_blocks
from orbitview.core.orbits.times import parse_utc
from orbitview.io.catalog_files import load_catalogs
from orbitview.io.trajectories import Trajectories, TrajectoryWriter

pytestmark = pytest.mark.core

T = parse_utc("2025-02-15T00:00:00Z")


@pytest.fixture(scope="module")
def iridium(catalogs):
    return load_catalogs([catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt"]).catalog


def drawn_after(source, clock_path_s) -> np.ndarray:
    """``valid`` at the last time of ``clock_path_s`` when the pair is kept as the renderer keeps it."""
    held = None
    for t_s in clock_path_s:
        if held is None or not held.contains(t_s):
            held = source.at(t_s)
    return held.valid


@pytest.mark.parametrize("came_from", [-30.0, 30.0])
def test_a_breakup_window_shows_the_same_objects_at_its_edges_whatever_came_before(iridium, came_from):
    start, end = T + 90.0, T + 150.0  # not on the 60 s grid
    window = WindowedKeyframes(LiveKeyframes(iridium), start_s=start, end_s=end)
    for edge in (start, end):
        expected = window.at(edge).valid
        assert drawn_after(window, [edge + came_from, edge]).tolist() == expected.tolist()
    assert window.at(start).valid.all() and not window.at(end).valid.any()


def test_a_trajectory_file_shows_its_objects_at_its_edges_whatever_came_before(iridium, tmp_path):
    times_s = T + 60.0 * np.arange(5)
    path = tmp_path / "iridium.h5"
    with TrajectoryWriter(path, iridium, times_s, "GCRS") as writer:
        for block in propagate_blocks(writer.elements, times_s, "GCRS", workers=1, align=writer.chunk_times):
            writer.write(*block)
    sgp4_valid = propagate(iridium, times_s, "GCRS").error == 0
    with Trajectories.open(path) as trajectories:
        for outside, edge, pair in ((times_s[0] - 30.0, times_s[0], [0, 1]), (times_s[-1] + 30.0, times_s[-1], [3, 4])):
            assert not trajectories.at(outside).valid.any()
            drawn = drawn_after(trajectories, [outside, edge])
            np.testing.assert_array_equal(drawn, sgp4_valid[pair].all(axis=0))
            assert drawn.mean() > 0.99


def test_playing_on_gives_the_pairs_a_fresh_start_gives(iridium):
    # Live keyframes keep the last pair's SGP4 states to difference the next pair's velocities
    # from: what they draw must not depend on where the clock came from.
    playing = LiveKeyframes(iridium, 60.0)
    for t_s in T + np.array([0.0, 60.0, 120.0, 180.0, 60.0, -3600.0, -3540.0, 30.0]):
        played, fresh = playing.at(t_s), LiveKeyframes(iridium, 60.0).at(t_s)
        for name in ("position0_km", "velocity0_km_s", "position1_km", "velocity1_km_s"):
            np.testing.assert_allclose(getattr(played, name), getattr(fresh, name), rtol=2.0**-23, atol=1e-9)
        np.testing.assert_array_equal(played.valid, fresh.valid)


def test_playing_on_runs_sgp4_at_one_new_time_per_pair(iridium, monkeypatch):
    times_asked = []
    sgp4 = LiveKeyframes._sgp4_gcrs

    def counting(self, times_s):
        times_asked.append(len(times_s))
        return sgp4(self, times_s)

    monkeypatch.setattr(LiveKeyframes, "_sgp4_gcrs", counting)
    playing = LiveKeyframes(iridium, 60.0)
    for t_s in T + np.array([0.0, 60.0, 120.0, 3600.0]):
        playing.at(t_s)
    # The first pair's padded grid (two samples, two more each side), then one new time per
    # step, then a jump.
    assert times_asked == [6, 1, 1, 6]
