"""The interpolation error of trajectory files against direct SGP4, by orbit regime and step.

    python docs/measure_interpolation.py [--objects 200] [--catalog PATH] [--playing]

For each regime of ``tests/orbit_regimes.py`` (objects of the 2023 catalogue spread over the
regime's eccentricities, its most eccentric included) and each step, writes a GCRS trajectory
file as ``orbitview precompute`` does, reads it back at 1/6 ... 5/6 of every interval and
prints the distance to direct SGP4: worst, 99th percentile and median, float32 storage
included. The last two columns are the worst of the same Hermite interpolation between the
same stored positions with other velocities: SGP4's own (what orbitview 0.1 stored), and
central differences of SGP4's positions 1 s either side of each sample (the costlier way to
the derivative). docs/trajectories.md tables the output.

``--playing`` measures instead the coarse keyframe pairs the window draws while the clock
plays fast (``LiveKeyframes.at(t, step_s)``: SGP4's positions and own velocities at both
ends, float32 as uploaded, the shader's formula), at the steps ``playing_step_s`` can choose
and one beyond, over the same objects and spans, in km (docs/trajectories.md, "Keyframes while
playing").
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from orbit_regimes import SPAN_S, regime_sample  # noqa: E402

from orbitview.core.orbits.keyframes import MAX_PLAYING_STEP_S, LiveKeyframes, hermite  # noqa: E402
from orbitview.core.orbits.propagate import propagate, propagate_blocks  # noqa: E402
from orbitview.core.orbits.times import parse_utc  # noqa: E402
from orbitview.io.catalog_files import load_catalogs  # noqa: E402
from orbitview.io.trajectories import Trajectories, TrajectoryWriter  # noqa: E402

STEPS_S = (30.0, 60.0, 120.0, 300.0)
FRACTIONS = np.arange(1, 6) / 6
START = "2023-10-09T00:00:00Z"


def errors_m(catalog, times_s: np.ndarray, step_s: float, directory: Path) -> tuple[np.ndarray, ...]:
    """Distances (K, N) from direct SGP4: of the file read back, and of the Hermite cubic between
    the same stored positions with SGP4's own velocities and with +-1 s central differences."""
    path = directory / f"{step_s:g}.h5"
    with TrajectoryWriter(path, catalog, times_s, "GCRS") as writer:
        for block in propagate_blocks(writer.elements, times_s, "GCRS", workers=1, align=writer.chunk_times):
            writer.write(*block)
    offsets = (times_s[:-1, None] + step_s * FRACTIONS[None, :]).ravel()
    direct = propagate(catalog, offsets, "GCRS").position_km
    with Trajectories.open(path) as trajectories:
        stored = np.stack([trajectories.positions_at(t) for t in times_s]).astype(np.float32)
        read_back = np.stack([trajectories.positions_at(t) for t in offsets])
    path.unlink()
    own = propagate(catalog, times_s, "GCRS").velocity_km_s
    after, before = (propagate(catalog, times_s + offset, "GCRS").position_km for offset in (1.0, -1.0))
    interval = np.repeat(np.arange(len(times_s) - 1), len(FRACTIONS))
    fraction = np.tile(FRACTIONS, len(times_s) - 1)
    others = [
        np.stack([hermite(stored[i], v[i], stored[i + 1], v[i + 1], step_s, f) for i, f in zip(interval, fraction)])
        for v in (own.astype(np.float32), ((after - before) / 2.0).astype(np.float32))
    ]
    return tuple(1e3 * np.linalg.norm(x - direct, axis=-1) for x in (read_back, *others))


def playing_errors_km(catalog, start_s: float, span_s: float, step_s: float) -> np.ndarray:
    """Distances (K, N) from direct SGP4 of the coarse pairs ``step_s`` long over ``span_s``, km."""
    keyframes = LiveKeyframes(catalog)
    errors = []
    for t0 in start_s + np.arange(0.0, span_s, step_s):
        offsets = t0 + step_s * FRACTIONS
        pair = keyframes.at(float(offsets[0]), step_s)
        direct = propagate(catalog, offsets, "GCRS").position_km
        errors += [np.linalg.norm(pair.interpolate(float(t)) - expected, axis=-1) for t, expected in zip(offsets, direct)]
    return np.array(errors)


def main_playing(full, start_s: float, objects: int) -> None:
    print("| regime | objects, span | step | worst | 99th percentile | median |")
    print("|---|---|---|---|---|---|")
    for select, span_s in SPAN_S.items():
        catalog = regime_sample(full, select, objects)
        for step_s in (120.0, 240.0, MAX_PLAYING_STEP_S, 2 * MAX_PLAYING_STEP_S):
            error = playing_errors_km(catalog, start_s, span_s, step_s)
            print(f"| {select.__name__.replace('_', ' ')} | {len(catalog)}, {span_s / 3600:g} h | {step_s:g} s "
                  f"| {np.nanmax(error):.3g} | {np.nanpercentile(error, 99):.3g} | {np.nanmedian(error):.3g} |",
                  flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(os.environ.get("ORBITVIEW_CATALOG_DIR", REPO.parent / "shared" / "data" / "catalog"))
    parser.add_argument("--catalog", type=Path, default=default / "full_2023-10-09.3le")
    parser.add_argument("--objects", type=int, default=200, help="objects per regime")
    parser.add_argument("--playing", action="store_true", help="the coarse pairs drawn while playing fast, km")
    args = parser.parse_args()
    full = load_catalogs([args.catalog]).catalog
    start_s = parse_utc(START)
    if args.playing:
        print(f"{args.catalog.name}, from {START}; coarse keyframe pairs, distances in km")
        main_playing(full, start_s, args.objects)
        return 0
    print(f"{args.catalog.name}, from {START}; distances in metres")
    print("| regime | objects, span | step | worst | 99th percentile | median "
          "| worst with SGP4's velocities | worst with +-1 s differences |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for select, span_s in SPAN_S.items():
            catalog = regime_sample(full, select, args.objects)
            for step_s in STEPS_S:
                times_s = start_s + np.arange(0.0, span_s + 1, step_s)
                error, with_own, with_central = errors_m(catalog, times_s, step_s, Path(tmp))
                print(f"| {select.__name__.replace('_', ' ')} | {len(catalog)}, {span_s / 3600:g} h | {step_s:g} s "
                      f"| {np.nanmax(error):.3g} | {np.nanpercentile(error, 99):.3g} | {np.nanmedian(error):.3g} "
                      f"| {np.nanmax(with_own):.3g} | {np.nanmax(with_central):.3g} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
