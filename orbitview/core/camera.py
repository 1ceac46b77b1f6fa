"""The camera as a model, and the projection it implies (pure numpy, shared by picking and tests).

The camera orbits ``center_km`` (GCRS) at ``distance_km``; ``azimuth_deg`` turns about the
+Z (north) axis and ``elevation_deg`` lifts above the equator plane. At azimuth 0 and
elevation 0 the eye is on the -Y axis looking towards +Y. ``fov_deg`` is the vertical field of view.
"""

from __future__ import annotations

import math

import numpy as np

from orbitview.core.events import EventedModel, Field
from orbitview.core.frames import EARTH_EQUATORIAL_RADIUS_KM

#: The eye never comes closer to the Earth's centre than this.
MIN_DISTANCE_KM = EARTH_EQUATORIAL_RADIUS_KM + 300.0
MAX_DISTANCE_KM = 2_000_000.0


def _clamp_distance(value) -> float:
    return min(max(float(value), MIN_DISTANCE_KM), MAX_DISTANCE_KM)


def _clamp_elevation(value) -> float:
    return min(max(float(value), -89.9), 89.9)


class CameraState(EventedModel):
    azimuth_deg = Field(0.0, float)
    elevation_deg = Field(20.0, _clamp_elevation)
    distance_km = Field(45000.0, _clamp_distance)
    fov_deg = Field(30.0, float)

    def eye_km(self) -> np.ndarray:
        """(3,) float64 GCRS position of the eye, relative to the Earth's centre."""
        return eye_direction(self.azimuth_deg, self.elevation_deg) * self.distance_km

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


def eye_direction(azimuth_deg: float, elevation_deg: float) -> np.ndarray:
    az, el = math.radians(azimuth_deg), math.radians(elevation_deg)
    return np.array([math.sin(az) * math.cos(el), -math.cos(az) * math.cos(el), math.sin(el)])


def project_to_pixels(
    points_km: np.ndarray, camera: CameraState, size: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """Pixel coordinates of GCRS points as the camera draws them into an image of ``size``.

    ``points_km``: (N, 3). Returns ``(xy_px, in_front)``: (N, 2) float64 with (0, 0) at the
    top-left corner of the top-left pixel, and (N,) bool, False behind the eye.
    """
    width, height = size
    eye = camera.eye_km()
    forward = -eye / np.linalg.norm(eye)
    right = np.cross(forward, [0.0, 0.0, 1.0])
    right /= np.linalg.norm(right)
    up = np.cross(right, forward)
    relative = np.asarray(points_km, dtype=np.float64) - eye
    x_cam = relative @ right
    y_cam = relative @ up
    depth = relative @ forward
    focal = 1.0 / math.tan(math.radians(camera.fov_deg) / 2)
    aspect = width / height
    with np.errstate(divide="ignore", invalid="ignore"):
        ndc_x = focal * x_cam / (aspect * depth)
        ndc_y = focal * y_cam / depth
    xy = np.column_stack([(ndc_x + 1) / 2 * width, (1 - ndc_y) / 2 * height])
    return xy, depth > 0
