"""Trajectory files: layout, round trip, interpolation against direct SGP4, damaged files."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from orbitview.core.orbits.keyframes import LiveKeyframes
from orbitview.core.orbits.propagate import propagate, propagate_blocks
from orbitview.core.orbits.times import parse_utc
from orbitview.io.catalog_files import load_catalogs
from orbitview.io.trajectories import (
    SCHEMA_VERSION,
    TrajectoryFileError,
    Trajectories,
    TrajectoryWriter,
)

pytestmark = pytest.mark.core

START_S = parse_utc("2025-02-15T00:00:00Z")


@pytest.fixture(scope="module")
def fengyun(catalogs):
    return load_catalogs([catalogs / "debris_2025-02-15_tle" / "fengyun-1c-debris.txt"]).catalog


def write_file(path, catalog, times_s, frame="GCRS"):
    with TrajectoryWriter(path, catalog, times_s, frame) as writer:
        for block in propagate_blocks(writer.elements, times_s, frame, workers=1, align=writer.chunk_times):
            writer.write(*block)
    return path


@pytest.fixture(scope="module")
def steps(fengyun, tmp_path_factory):
    """FY-1C debris over two hours sampled every 60, 120 and 300 s."""
    directory = tmp_path_factory.mktemp("steps")
    return {
        step: write_file(directory / f"fy_{step}.h5", fengyun, START_S + np.arange(0, 7201, step, dtype=float))
        for step in (60, 120, 300)
    }


def interpolation_error_m(path, catalog):
    """Worst distance between interpolated and direct SGP4 positions at 30 s offsets, metres."""
    offsets = START_S + np.arange(30.0, 7200.0, 30.0)
    direct = propagate(catalog, offsets, "GCRS").position_km
    with Trajectories.open(path) as trajectories:
        interpolated = np.stack([trajectories.positions_at(t) for t in offsets])
    distance = 1e3 * np.linalg.norm(interpolated - direct, axis=-1)
    return np.nanmax(distance), np.isfinite(distance).mean()


def test_interpolation_within_5_m_at_a_60_s_step(steps, fengyun):
    worst, covered = interpolation_error_m(steps[60], fengyun)
    assert covered > 0.99
    assert worst <= 5.0


def test_interpolation_error_grows_with_the_step(steps, fengyun):
    # The error grows as the fourth power of the step (docs/trajectories.md): 300 s is far beyond 120 s.
    errors = {step: interpolation_error_m(path, fengyun)[0] for step, path in steps.items()}
    assert errors[60] < errors[120] < errors[300]
    assert errors[300] > 10 * errors[120]


def test_layout_follows_the_schema(steps, fengyun):
    with h5py.File(steps[60], "r") as f:
        assert f.attrs["schema"] == "orbitview.trajectories"
        assert f.attrs["schema_version"] == SCHEMA_VERSION
        assert f.attrs["frame"] == "GCRS" and f.attrs["created_by"].startswith("orbitview ")
        t, n = len(f["times"]), len(fengyun)
        assert f["times"].dtype == np.float64 and "1970-01-01" in f["times"].attrs["units"]
        for name in ("position_km", "velocity_km_s"):
            assert f[name].shape == (t, n, 3) and f[name].dtype == np.float32
            # A chunk spans every object, so consecutive times are consecutive chunks.
            assert f[name].chunks[1:] == (n, 3)
        assert f["velocity_km_s"].attrs["derivative_of"] == "position_km"
        assert f["status"].shape == (t, n) and f["status"].dtype == np.uint8
        np.testing.assert_array_equal(f["objects/norad_id"][...], fengyun.norad_id)
        assert f["objects/name"].asstr()[0] == fengyun.name[0]
        assert set(f["objects/object_class"].asstr()[...]) <= {"payload", "rocket body", "debris", "unknown"}


def test_catalog_rebuilt_from_the_file_propagates_as_the_source(steps, fengyun):
    with Trajectories.open(steps[60]) as trajectories:
        rebuilt = trajectories.catalog()
    assert len(rebuilt) == len(fengyun)
    np.testing.assert_array_equal(rebuilt.name, fengyun.name)
    np.testing.assert_array_equal(rebuilt.object_class, fengyun.object_class)
    np.testing.assert_allclose(rebuilt.inclination_deg, fengyun.inclination_deg, rtol=1e-14)
    np.testing.assert_allclose(rebuilt.mean_motion_dot, fengyun.mean_motion_dot, rtol=1e-12)
    times_s = START_S + np.array([0.0, 5000.0])
    np.testing.assert_array_equal(
        propagate(rebuilt, times_s).position_km, propagate(fengyun, times_s).position_km
    )


def test_samples_read_back_exactly(steps, fengyun):
    times_s = START_S + np.array([0.0, 3600.0, 7200.0])
    direct = propagate(fengyun, times_s, "GCRS")
    with Trajectories.open(steps[60]) as trajectories:
        assert trajectories.start_s == START_S and trajectories.end_s == START_S + 7200
        for k, t in enumerate(times_s):
            np.testing.assert_array_equal(
                trajectories.positions_at(t).astype(np.float32), direct.position_km[k].astype(np.float32)
            )
        assert np.isnan(trajectories.positions_at(START_S - 1)).all()


@pytest.mark.parametrize("frame", ["ITRS", "TEME"])
def test_keyframes_are_gcrs_whatever_the_stored_frame(fengyun, tmp_path, frame):
    subset = fengyun.take(np.arange(0, len(fengyun), 20))
    times_s = START_S + 60.0 * np.arange(4)
    path = write_file(tmp_path / "f.h5", subset, times_s, frame)
    live = LiveKeyframes(subset, step_s=60.0).at(START_S + 70)
    with Trajectories.open(path) as trajectories:
        assert trajectories.frame == frame and len(trajectories) == len(subset)
        stored = trajectories.at(START_S + 70)
    assert (stored.t0_s, stored.t1_s) == (live.t0_s, live.t1_s)
    np.testing.assert_array_equal(stored.valid, live.valid)
    ok = stored.valid
    assert 1e3 * np.abs(stored.position1_km[ok] - live.position1_km[ok]).max() < 2.0
    assert 1e6 * np.abs(stored.velocity0_km_s[ok] - live.velocity0_km_s[ok]).max() < 2.0  # mm/s


def test_gpu_keyframes_are_finite_and_zero_where_sgp4_failed(full_catalog_path, tmp_path):
    # Ten years after the epochs many low objects have decayed (SGP4 error 6).
    catalog = load_catalogs([full_catalog_path]).catalog
    subset = catalog.take(np.arange(0, len(catalog), 10))
    times_s = parse_utc("2033-10-09T00:00:00Z") + 60.0 * np.arange(3)
    direct = propagate(subset, times_s[:1], "GCRS")
    failed = direct.error[0] != 0
    assert failed.any() and not failed.all()
    with Trajectories.open(write_file(tmp_path / "decayed.h5", subset, times_s)) as trajectories:
        keyframes = trajectories.at(times_s[0] + 30.0)
        stored = trajectories.positions_at(times_s[0])
    assert not keyframes.valid[failed].any()
    for array in (keyframes.position0_km, keyframes.velocity0_km_s):
        assert np.isfinite(array).all()
        assert (array[failed] == 0).all()
    np.testing.assert_array_equal(keyframes.position0_km[~failed], direct.position_km[0, ~failed].astype(np.float32))
    np.testing.assert_array_equal(np.isnan(stored[:, 0]), failed)


def test_outside_the_span_every_object_is_invalid(steps):
    with Trajectories.open(steps[300]) as trajectories:
        assert not trajectories.at(START_S - 10).valid.any()
        assert not trajectories.at(START_S + 7300).valid.any()
        assert trajectories.at(START_S + 7200).valid.mean() > 0.99


def bytes_read_by_this_process() -> int:
    """Bytes this process has asked the kernel to read so far (page-cache hits included)."""
    with open("/proc/self/io") as io:
        return next(int(line.split()[1]) for line in io if line.startswith("rchar:"))


def test_opening_is_lazy(steps):
    Trajectories.open(steps[60]).close()  # warm the imports
    before = bytes_read_by_this_process()
    trajectories = Trajectories.open(steps[60])
    opened = bytes_read_by_this_process() - before
    trajectories.positions_at(START_S + 30.0)
    one_interval = bytes_read_by_this_process() - before - opened
    trajectories.close()
    # Opening reads the times and the layout, not the samples; one interval reads its chunks.
    assert opened < 0.02 * steps[60].stat().st_size
    assert one_interval > opened


def test_interrupted_writer_leaves_no_file(fengyun, tmp_path):
    out = tmp_path / "never.h5"
    with pytest.raises(KeyboardInterrupt):
        with TrajectoryWriter(out, fengyun, START_S + 60.0 * np.arange(3), "GCRS"):
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_another_schema_is_refused(tmp_path):
    path = tmp_path / "other.h5"
    with h5py.File(path, "w") as f:
        f.attrs["schema"] = "someone.else"
    with pytest.raises(TrajectoryFileError, match="not an orbitview trajectory file"):
        Trajectories.open(path)


def test_a_newer_version_is_refused(steps, tmp_path):
    path = tmp_path / "newer.h5"
    path.write_bytes(steps[300].read_bytes())
    with h5py.File(path, "r+") as f:
        f.attrs["schema_version"] = SCHEMA_VERSION + 1
    with pytest.raises(TrajectoryFileError, match="newer orbitview"):
        Trajectories.open(path)


def test_a_truncated_file_is_a_clear_error(steps, tmp_path):
    path = tmp_path / "truncated.h5"
    data = steps[300].read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(TrajectoryFileError, match="truncated or corrupted"):
        Trajectories.open(path)


def test_corrupted_data_is_a_clear_error(steps, tmp_path):
    path = tmp_path / "corrupted.h5"
    data = bytearray(steps[300].read_bytes())
    with h5py.File(steps[300], "r") as f:
        offset = f["position_km"].id.get_chunk_info(0).byte_offset
    data[offset + 100 : offset + 108] = b"\xff" * 8
    path.write_bytes(bytes(data))
    with Trajectories.open(path) as trajectories:
        with pytest.raises(TrajectoryFileError, match="damaged data"):
            trajectories.at(START_S + 10)
