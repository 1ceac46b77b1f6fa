"""Render the screenshots in docs/images (run from the repository root):

    python docs/make_screenshots.py [CATALOG_DIR]

CATALOG_DIR defaults to ../shared/data/catalog (the real catalogues are not in the repository).
"""

import sys
from pathlib import Path

import numpy as np
from PIL import Image

from orbitview.api import (
    CameraState,
    Clock,
    Layer,
    ObjectRef,
    Scene,
    load_catalog,
    build_scene,
    camera_timeline,
    parse_utc,
    read_scenario,
    render_image,
    sun_direction_gcrs,
)

OUT = Path(__file__).parent / "images"
SIZE = (1600, 900)


def save(scene: Scene, name: str, overlay=None) -> None:
    Image.fromarray(render_image(scene, SIZE, overlay)).save(OUT / f"{name}.png", optimize=True)
    print(f"wrote {OUT / name}.png")


def main(catalogs: Path) -> None:
    OUT.mkdir(exist_ok=True)
    t = parse_utc("2023-10-09T12:00:00Z")
    full = load_catalog(catalogs / "full_2023-10-09.3le").catalog
    scene = Scene(clock=Clock(time_s=t), camera=CameraState(distance_km=60000, fov_deg=30))
    scene.camera.face_sun(sun_direction_gcrs(t))
    scene.add_layer(Layer("full_2023-10-09.3le", full))
    save(scene, "full_catalogue")

    t = parse_utc("2025-02-15T06:00:00Z")
    fy1c = load_catalog(catalogs / "debris_2025-02-15_tle" / "fengyun-1c-debris.txt").catalog
    # Over the limb on the day side, where the shell of fragments is seen edge-on.
    sun = sun_direction_gcrs(t)
    limb = np.cross(sun, [0.0, 0.0, 1.0])
    limb /= np.linalg.norm(limb)
    camera = CameraState(distance_km=9000, fov_deg=40, center_km=limb * 7000.0)
    camera.look_from(0.6 * sun + 0.3 * limb + [0.0, 0.0, 0.2])
    scene = Scene(clock=Clock(time_s=t), camera=camera, show_grid=True)
    scene.add_layer(Layer("fengyun-1c-debris", fy1c, point_size=4.0))
    save(scene, "fengyun_1c_cloud_2025")

    iss = int(np.flatnonzero(full.name == "ISS (ZARYA)")[0])
    t = parse_utc("2023-10-09T12:20:00Z")
    scene = Scene(clock=Clock(time_s=t), camera=CameraState(distance_km=2500, fov_deg=40, elevation_deg=35))
    layer = scene.add_layer(Layer("full_2023-10-09.3le", full))
    scene.selected = scene.camera.follow = ObjectRef(layer, iss)
    scene.camera.look_from(scene.position_gcrs_km(scene.selected) + [0, 0, 3000])
    save(scene, "following_the_iss")
    model_beside_record(catalogs)


def model_beside_record(catalogs: Path) -> None:
    """The modelled Fengyun-1C fragments, propagated by SGP4 from the intercept, beside the
    tracked cloud of 2025: one clock, one camera, two views."""
    from orbitview.core.breakup.breakup_scene import event_layers
    from orbitview.core.model.scenario import headed_overlay
    from orbitview.services.default_briefing import load_default_briefing

    t = parse_utc("2025-02-15T06:00:00Z")
    briefing = load_default_briefing()
    _, model = event_layers(briefing.parent, briefing.fragments, briefing.event_time_s, ("", "Fragments (model)"))
    tracked = load_catalog(catalogs / "debris_2025-02-15_tle" / "fengyun-1c-debris.txt").catalog
    scene = Scene(clock=Clock(time_s=t), camera=CameraState(distance_km=30000, fov_deg=30), split=True,
                  left_title="Model: NASA standard breakup model, 2007 fragments 18 years on",
                  right_title="Record: the tracked Fengyun-1C cloud, 15 February 2025")
    scene.add_layer(model)
    scene.add_layer(Layer("Fengyun-1C debris (tracked)", tracked, point_size=4.0, pane="right"))
    scene.camera.face_sun(sun_direction_gcrs(t))
    scene.camera.elevation_deg = 30.0
    save(scene, "model_beside_record", headed_overlay(
        "The Fengyun-1C cloud: model beside the record",
        attribution="orbitview · Earth: NASA Blue Marble · Stars: ESA Hipparcos"))

    # The SC-19 two minutes before it meets Fengyun-1C, side-on as the shipped scenario sees it.
    scenario = read_scenario(Path(__file__).resolve().parents[1] / "datasets" / "scenarios" / "interceptor.toml")
    scene, _ = build_scene(scenario, satcat=None)
    scene.clock.time_s = t = parse_utc("2007-01-11T22:24:00Z")
    scene.camera.restore(camera_timeline(scene).view_at(t))
    save(scene, "sc19_interceptor")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "data" / "catalog")
