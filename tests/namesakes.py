"""Two real snapshots of the Fengyun-1C cloud, tracked 2025-02-15 (TLE) and 2026-08-11 (OMM):
layers that hold the same catalogue numbers, for the tests of identity by (layer, row)."""

from __future__ import annotations

import numpy as np

from orbitview.core.model.clock import Clock
from orbitview.core.model.object_ref import ObjectRef
from orbitview.core.model.scene import Layer, Scene
from orbitview.core.orbits.times import parse_utc

#: On the keyframe grid (a whole minute), so what is drawn then is SGP4 itself.
T_2026 = parse_utc("2026-08-11T00:00:00Z")


def load_snapshots(catalogs) -> tuple:
    """``(2025 catalogue, 2026 catalogue)`` from the test catalogue directory."""
    from orbitview.io.catalog_files import load_catalog

    return (load_catalog(catalogs / "debris_2025-02-15_tle" / "fengyun-1c-debris.txt").catalog,
            load_catalog(catalogs / "debris_2026-08-11_omm" / "gp-debris-fengyun1c.json").catalog)


def namesake_scene(old, new, index: int = 3) -> tuple[Scene, ObjectRef, ObjectRef]:
    """A scene at ``T_2026`` with layers "2025" and "2026", and for the ``index``-th number both
    hold: ``(scene, its 2026 object, its 2025 namesake)``, drawn more than 1,000 km apart."""
    scene = Scene(clock=Clock(time_s=T_2026))
    first, second = scene.add_layer(Layer("2025", old)), scene.add_layer(Layer("2026", new))
    n = int(np.intersect1d(old.norad_id, new.norad_id)[index])
    newer = ObjectRef(second, int(np.flatnonzero(new.norad_id == n)[0]))
    namesake = ObjectRef(first, int(np.flatnonzero(old.norad_id == n)[0]))
    assert np.linalg.norm(scene.position_gcrs_km(newer) - scene.position_gcrs_km(namesake)) > 1000.0
    return scene, newer, namesake
