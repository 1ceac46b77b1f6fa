"""The acceptance scene of issue 15 and checks of its picture against the camera projection,
shared by the command line's and the window's tests: coastlines and grid on, a debris-only
filter, a red layer. Also the comparison of two scenes' models, field by field."""

from __future__ import annotations

import numpy as np

from orbitview.core.model.camera import project_to_pixels
from orbitview.core.model.events import model_fields
from orbitview.core.model.object_ref import ObjectRef
from orbitview.core.model.picking import hidden_by_earth
from orbitview.core.model.scene import Scene
from orbitview.core.orbits.frames import gcrs_from_itrs
from orbitview.io.scenario_file import MODELS, STRUCTURE

#: The full 2023 catalogue, filtered to the Iridium 33 debris (209 of 26,140 objects) in red,
#: over the Indian Ocean with the coastlines and the grid drawn; no overlay text over the dots.
ACCEPTANCE = """version = 1
[time]
start = "2023-10-09T12:00:00Z"
end = "2023-10-09T18:00:00Z"
[output]
size = "{size}"
[view]
coastlines = {lines}
grid = {lines}
[[sources]]
file = "{catalog}"
color = "#ff0000"
color_by = "source"
point_size = 4.0
[sources.filter]
classes = ["debris"]
text = "IRIDIUM 33"
[[camera.keyframes]]
time = "2023-10-09T12:00:00Z"
distance_km = 34000.0
azimuth_deg = 30.0
elevation_deg = 20.0
[overlay]
legend = false
clock = false
"""


def acceptance_text(catalogs, size: tuple[int, int], lines: bool = True) -> str:
    return ACCEPTANCE.format(size=f"{size[0]}x{size[1]}", lines=str(lines).lower(),
                             catalog=catalogs / "full_2023-10-09.3le")


def red(image: np.ndarray) -> np.ndarray:
    """(H, W) bool: the layer's pure red, also dimmed (at a dot's rim, in the Earth's shadow),
    not the debris class's pink (1.0, 0.3, 0.4)."""
    r, g, b = (image[..., i].astype(int) for i in range(3))
    return (r >= 60) & (g <= 40) & (b <= 40) & (r >= 2 * (g + b))


def drawn_at(scene: Scene, rows: np.ndarray, size: tuple[int, int], margin_px: int = 3,
             behind_earth: bool = False) -> np.ndarray:
    """(M, 2) pixel positions of the first layer's ``rows`` that the camera sees at the clock's
    time: existing, in front, not behind the Earth (unless ``behind_earth``), ``margin_px``
    inside the image."""
    layer, t_s = scene.layers[0], scene.clock.time_s
    keyframes = layer.keyframes.at(t_s)
    rows = rows[keyframes.valid[rows]]
    points = keyframes.interpolate(t_s, rows)
    rotation = scene.view_from_gcrs()
    xy, in_front = project_to_pixels(points, scene.camera, size, rotation)
    seen = in_front & (behind_earth | ~hidden_by_earth(scene.camera.eye_km(), points @ rotation.T))
    inside = np.all(xy >= margin_px, axis=1) & (xy[:, 0] < size[0] - margin_px) & (xy[:, 1] < size[1] - margin_px)
    return xy[seen & inside]


def nearest_px(points: np.ndarray, to: np.ndarray) -> np.ndarray:
    """(N,) distance from each of ``points`` (N, 2) to the nearest of ``to`` (M, 2), pixels."""
    if not len(to):
        return np.full(len(points), np.inf)
    return np.min(np.linalg.norm(points[:, None, :] - to[None, :, :], axis=2), axis=1)


def assert_only_the_filtered_objects_in_red(image: np.ndarray, scene: Scene) -> int:
    """Every object the filter keeps is a red dot where the projection puts it, every red pixel
    is one of them, and objects it removes are not drawn. Returns how many dots were checked."""
    size = (image.shape[1], image.shape[0])
    layer = scene.layers[0]
    shown_xy = drawn_at(scene, np.flatnonzero(layer.shown), size)
    removed_xy = drawn_at(scene, np.flatnonzero(~layer.shown), size)
    mask = red(image)
    hits = [mask[y - 1: y + 2, x - 1: x + 2].any() for x, y in np.round(shown_xy).astype(int)]
    assert len(hits) > 30 and np.mean(hits) >= 0.95, (len(hits), np.mean(hits))
    ys, xs = np.nonzero(mask)
    # Dots at the image's edges and just behind the Earth's limb (drawn in part) count here.
    shown_any_xy = drawn_at(scene, np.flatnonzero(layer.shown), size, margin_px=-6, behind_earth=True)
    assert np.all(nearest_px(np.column_stack([xs, ys]).astype(float), shown_any_xy) <= 4.0)
    far = removed_xy[nearest_px(removed_xy, shown_any_xy) > 8.0]
    assert len(far) > 1000
    assert not any(mask[y - 1: y + 2, x - 1: x + 2].any() for x, y in np.round(far).astype(int))
    return len(hits)


def line_pixels(scene: Scene, size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Pixel positions of near-side coastline vertices and of the equator (every degree), at
    the lines' height, as the camera projects them at the clock's time."""
    from orbitview.render.assets import globe_polylines
    from orbitview.render.visuals.globe_lines import HEIGHT_KM, itrs_from_geodetic

    t_s = scene.clock.time_s
    eye_gcrs = scene.view_from_gcrs().T @ scene.camera.eye_km()
    out = []
    coast, _ = globe_polylines("coastlines")
    equator = np.column_stack([np.arange(0.0, 360.0), np.zeros(360)])
    for lon_lat in (coast.astype(np.float64), equator):
        gcrs = itrs_from_geodetic(lon_lat[:, 0], lon_lat[:, 1], HEIGHT_KM) @ gcrs_from_itrs(t_s).T
        facing = np.einsum("ij,ij->i", gcrs, eye_gcrs - gcrs) > 0
        xy, in_front = project_to_pixels(gcrs[facing], scene.camera, size, scene.view_from_gcrs())
        inside = np.all(xy >= 2, axis=1) & (xy[:, 0] < size[0] - 2) & (xy[:, 1] < size[1] - 2)
        out.append(xy[in_front & inside])
    return out[0], out[1]


def assert_lines_drawn(with_lines: np.ndarray, without: np.ndarray, scene: Scene) -> None:
    """The coastlines and the grid's equator are drawn where the projection puts them: the
    picture with them differs there from the same picture without."""
    size = (with_lines.shape[1], with_lines.shape[0])
    change = np.abs(with_lines.astype(int) - without.astype(int)).max(axis=2)
    coast_xy, equator_xy = line_pixels(scene, size)
    # The equator away from coastlines (the grid is fainter; they would pass for it).
    equator_xy = equator_xy[nearest_px(equator_xy, coast_xy) > 4.0]
    assert len(coast_xy) > 500 and len(equator_xy) > 20
    for xy, least in ((coast_xy, 40), (equator_xy, 8)):
        drawn = [change[y - 1: y + 2, x - 1: x + 2].max() > least for x, y in np.round(xy).astype(int)]
        assert np.mean(drawn) > 0.8, (least, np.mean(drawn))


# --- the model, field by field ------------------------------------------------------------------


def saved_fields() -> set[tuple[str, str]]:
    """(model, field) of every field a scenario holds, of every model class."""
    return {(model, name) for model, (cls, _) in MODELS.items() for name, field in model_fields(cls).items()
            if field.saved and (model, name) not in STRUCTURE}


def _models_of(scene: Scene, model: str) -> list:
    return list(scene.layers) if model == "layer" else [scene.models()[model]]


def _as_saved(scene: Scene, value):
    """A value with objects as (layer index, row), comparable across scenes."""
    if isinstance(value, ObjectRef):
        return (scene.layers.index(value.layer), value.row)
    if isinstance(value, tuple) and value and isinstance(value[0], ObjectRef):
        return tuple(_as_saved(scene, v) for v in value)
    return value


def _view_as_saved(scene: Scene, view: dict | None):
    """A camera view comparable across scenes (a followed centre is the object's, not saved)."""
    if view is None:
        return None
    follow = view.get("follow")
    return {**{k: v for k, v in view.items() if not (k == "center_km" and follow is not None)},
            "follow": _as_saved(scene, follow)}


def assert_same_model(a: Scene, b: Scene) -> None:
    """Every saved field of every model of the two scenes is the same (times to the
    microsecond a file holds), the chapters and the camera path too, and so is what each
    layer shows."""
    assert [layer.origin for layer in a.layers] == [layer.origin for layer in b.layers]
    for one, other in zip(a.chapters, b.chapters, strict=True):
        assert abs(one.time_s - other.time_s) <= 1e-6, one.title
        assert (one.title, one.caption, one.ease, one.encounter) == (other.title, other.caption, other.ease,
                                                                     other.encounter)
        assert _view_as_saved(a, one.camera) == _view_as_saved(b, other.camera), one.title
    # A scene without a camera path is saved with its view as the one keyframe of a path.
    path_b = b.camera_path if a.camera_path else b.camera_path[1:]
    for one, other in zip(a.camera_path, path_b, strict=True):
        assert abs(one.time_s - other.time_s) <= 1e-6 and one.ease == other.ease
        assert _view_as_saved(a, one.view) == _view_as_saved(b, other.view), one.time_s
    for model, name in sorted(saved_fields()):
        for one, other in zip(_models_of(a, model), _models_of(b, model), strict=True):
            mine, theirs = _as_saved(a, getattr(one, name)), _as_saved(b, getattr(other, name))
            if model == "clock" or name == "center_km":
                # A followed centre is recomputed from the time.
                np.testing.assert_allclose(theirs, mine, rtol=0, atol=1e-6, err_msg=f"{model}.{name}")
            else:
                assert theirs == mine, f"{model}.{name}"
    for one, other in zip(a.layers, b.layers):
        np.testing.assert_array_equal(one.shown, other.shown)
