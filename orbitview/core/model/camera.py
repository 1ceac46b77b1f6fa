"""The camera as a model, and the projection it implies (pure numpy, shared by picking and tests).

The camera lives in a *view frame*: ``"inertial"`` (GCRS axes: the stars stay put, the Earth
turns) or ``"earth-fixed"`` (ITRS axes: the ground stays put, the sky turns). It orbits
``center_km`` (view-frame km) at ``distance_km``; ``azimuth_deg`` turns about the frame's +Z
(north) axis and ``elevation_deg`` lifts above its equator plane. At azimuth 0, elevation 0
the eye is on the -Y side looking towards +Y. ``fov_deg`` is the field of view across the
narrower side of the view (vertical in a landscape window, horizontal in a portrait one).
``follow`` names an object (an ``ObjectRef``: layer and row) whose position the centre tracks.
"""

from __future__ import annotations

import math

import numpy as np

from orbitview.core.model.events import EventedModel, Field, model_fields
from orbitview.core.model.object_ref import optional_ref
from orbitview.core.orbits.frames import EARTH_EQUATORIAL_RADIUS_KM

VIEW_FRAMES = ("inertial", "earth-fixed")
#: The eye never comes closer to the Earth's surface than this.
MIN_ALTITUDE_KM = 100.0
MIN_DISTANCE_KM = 0.05
MAX_DISTANCE_KM = 2_000_000.0
#: Where "Reset view" goes: the whole Earth with low orbits around it.
HOME = {"azimuth_deg": 0.0, "elevation_deg": 20.0, "distance_km": 45000.0, "fov_deg": 30.0,
        "center_km": (0.0, 0.0, 0.0)}


def _clamp_distance(value) -> float:
    return min(max(float(value), MIN_DISTANCE_KM), MAX_DISTANCE_KM)


def _clamp_elevation(value) -> float:
    return min(max(float(value), -89.9), 89.9)


def _vector(value) -> tuple[float, float, float]:
    x, y, z = (float(v) for v in value)
    return (x, y, z)


def _view_frame(value) -> str:
    if value not in VIEW_FRAMES:
        raise ValueError(f"view frame must be one of {VIEW_FRAMES}, not {value!r}")
    return value


class CameraState(EventedModel):
    azimuth_deg = Field(HOME["azimuth_deg"], float)
    elevation_deg = Field(HOME["elevation_deg"], _clamp_elevation)
    distance_km = Field(HOME["distance_km"], _clamp_distance)
    fov_deg = Field(HOME["fov_deg"], float)
    center_km = Field(HOME["center_km"], _vector)
    view_frame = Field("inertial", _view_frame)
    follow = Field(None, optional_ref)

    def eye_km(self) -> np.ndarray:
        """(3,) float64 position of the eye in the view frame, km from the Earth's centre."""
        return np.asarray(self.center_km) + eye_direction(self.azimuth_deg, self.elevation_deg) * self.distance_km

    def look_from(self, direction: np.ndarray) -> None:
        """Place the eye on ``direction`` (any length) from the centre, keeping the distance."""
        x, y, z = np.asarray(direction, dtype=float) / np.linalg.norm(direction)
        self.elevation_deg = math.degrees(math.asin(z))
        self.azimuth_deg = math.degrees(math.atan2(x, -y))

    def face_sun(self, sun_gcrs: np.ndarray, offset_deg: float = 55.0) -> None:
        """Look at the day side from ``offset_deg`` east of the Sun, so the terminator shows."""
        x, y, _ = sun_gcrs
        self.azimuth_deg = math.degrees(math.atan2(x, -y)) + offset_deg
        self.elevation_deg = 20.0

    def keep_outside_earth(self) -> None:
        """Push the eye back along its line of sight until it is above ``MIN_ALTITUDE_KM``."""
        center = np.asarray(self.center_km)
        direction = eye_direction(self.azimuth_deg, self.elevation_deg)
        limit = EARTH_EQUATORIAL_RADIUS_KM + MIN_ALTITUDE_KM
        if np.linalg.norm(center + direction * self.distance_km) >= limit:
            return
        # Solve |center + d * direction| = limit for the larger root d.
        b = float(center @ direction)
        c = float(center @ center) - limit**2
        self.distance_km = -b + math.sqrt(max(b * b - c, 0.0))

    def snapshot(self) -> dict:
        """The fields a view is made of (what scenario keyframes store)."""
        return {name: getattr(self, name) for name, field in model_fields(type(self)).items() if field.saved}

    def restore(self, values: dict) -> None:
        for name, value in values.items():
            setattr(self, name, value)

    def reset(self) -> None:
        self.follow = None
        self.restore(HOME)


def eye_direction(azimuth_deg: float, elevation_deg: float) -> np.ndarray:
    az, el = math.radians(azimuth_deg), math.radians(elevation_deg)
    return np.array([math.sin(az) * math.cos(el), -math.cos(az) * math.cos(el), math.sin(el)])


def ease_in_out(s: float) -> float:
    """Smoothstep easing of ``s`` in [0, 1]: starts and stops gently."""
    s = min(max(s, 0.0), 1.0)
    return s * s * (3.0 - 2.0 * s)


def blend_views(a: dict, b: dict, s: float) -> dict:
    """The view a fraction ``s`` (already eased) of the way from snapshot ``a`` to ``b``.

    Azimuth takes the shorter way round; distance moves geometrically, so a zoom from GEO
    to LEO feels even; the centre moves in a straight line, as far along it as the distance is
    along its way: what is left of the move stays in proportion to the view's size, so a zoom
    onto a satellite 10 km across ends on it (at an even pace, the last frames of a zoom from
    30,000 km were still kilometres off it, outside the view), and a zoom out leaves the start
    only as the view widens. Without a change of distance the centre moves at ``s``'s pace.
    """
    turn = (b["azimuth_deg"] - a["azimuth_deg"] + 180.0) % 360.0 - 180.0
    distance = a["distance_km"] * (b["distance_km"] / a["distance_km"]) ** s
    change = b["distance_km"] - a["distance_km"]
    along = s if change == 0 else (distance - a["distance_km"]) / change
    return {
        "azimuth_deg": a["azimuth_deg"] + turn * s,
        "elevation_deg": a["elevation_deg"] + (b["elevation_deg"] - a["elevation_deg"]) * s,
        "distance_km": distance,
        "fov_deg": a["fov_deg"] + (b["fov_deg"] - a["fov_deg"]) * s,
        "center_km": tuple(np.asarray(a["center_km"]) + (np.asarray(b["center_km"]) - a["center_km"]) * along),
    }


class CameraMove:
    """A smooth move of ``camera`` to the view ``target`` over ``duration_s`` seconds.

    ``step(dt)`` advances it (wall seconds in the app, simulated frame times in an export)
    and returns False once it has arrived.
    """

    def __init__(self, camera: CameraState, target: dict, duration_s: float = 1.5) -> None:
        self.camera = camera
        self.start = {k: v for k, v in camera.snapshot().items() if k in HOME}
        self.target = {**self.start, **{k: v for k, v in target.items() if k in HOME}}
        self.duration_s = max(duration_s, 1e-6)
        self.elapsed_s = 0.0

    def step(self, dt_s: float) -> bool:
        self.elapsed_s = min(self.elapsed_s + dt_s, self.duration_s)
        self.camera.restore(blend_views(self.start, self.target, ease_in_out(self.elapsed_s / self.duration_s)))
        return self.elapsed_s < self.duration_s


def project_to_pixels(
    points_km: np.ndarray,
    camera: CameraState,
    size: tuple[int, int],
    view_from_gcrs: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Pixel coordinates of GCRS points as the camera draws them into an image of ``size``.

    ``points_km``: (N, 3) GCRS. ``view_from_gcrs``: (3, 3) rotation into the camera's view
    frame (ITRS for an Earth-fixed view; identity when None). Returns ``(xy_px, in_front)``:
    (N, 2) float64 with (0, 0) at the top-left corner of the top-left pixel, and (N,) bool,
    False behind the eye.
    """
    width, height = size
    points = np.asarray(points_km, dtype=np.float64)
    if view_from_gcrs is not None:
        points = points @ np.asarray(view_from_gcrs).T
    eye = camera.eye_km()
    forward = np.asarray(camera.center_km) - eye
    forward /= np.linalg.norm(forward)
    right = np.cross(forward, [0.0, 0.0, 1.0])
    right /= np.linalg.norm(right)
    up = np.cross(right, forward)
    relative = points - eye
    x_cam = relative @ right
    y_cam = relative @ up
    depth = relative @ forward
    focal = 1.0 / math.tan(math.radians(camera.fov_deg) / 2)
    # The field of view spans the narrower side of the image (as vispy draws it).
    scale_x, scale_y = (focal * height / width, focal) if width >= height else (focal, focal * width / height)
    with np.errstate(divide="ignore", invalid="ignore"):
        ndc_x = scale_x * x_cam / depth
        ndc_y = scale_y * y_cam / depth
    xy = np.column_stack([(ndc_x + 1) / 2 * width, (1 - ndc_y) / 2 * height])
    return xy, depth > 0
