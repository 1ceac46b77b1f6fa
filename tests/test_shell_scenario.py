"""The shipped long scenario: the modelled Fengyun-1C cloud from the intercept to the present
day, a band in the first month, a shell round the Earth at the end (differential nodal
precession), rendered to MP4 by ``orbitview render``."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from orbitview.core.model.camera import project_to_pixels
from orbitview.render.export.video import ffmpeg_exe
from orbitview.io.scenario_file import read_scenario
from orbitview.core.model.scenario import camera_timeline
from orbitview.services.scenario import build_scene

from conftest import REPO

pytestmark = pytest.mark.pixels

SHELL = REPO / "datasets" / "scenarios" / "fengyun-1c-shell.toml"
SIZE = (640, 360)
EARTH_RADIUS_KM = 6378.137


@pytest.fixture(scope="module")
def shell():
    scenario = read_scenario(SHELL)
    scene, problems = build_scene(scenario)
    assert problems == []
    return scenario, scene


def fragments_raan_deg(scene, t_s: float) -> np.ndarray:
    """Right ascension of the ascending node (deg, GCRS) of each fragment drawn at ``t_s``,
    from the drawn state: the node is where the orbit's angular momentum meets the equator."""
    layer = scene.layers[-1]
    keyframes = layer.keyframes.at(t_s)
    rows = np.flatnonzero(keyframes.valid)
    h = np.cross(keyframes.position0_km[rows].astype(float), keyframes.velocity0_km_s[rows].astype(float))
    node = np.cross([0.0, 0.0, 1.0], h)
    return np.degrees(np.arctan2(node[:, 1], node[:, 0])) % 360.0


def test_the_band_of_the_first_month_becomes_a_shell(shell):
    scenario, scene = shell
    month = fragments_raan_deg(scene, scenario.start_s + 30 * 86400.0)
    end = fragments_raan_deg(scene, scenario.end_s)
    # A month on, the planes are still one band: nodes within a few degrees of their median.
    spread = np.abs((month - np.median(month) + 180.0) % 360.0 - 180.0)
    assert len(month) > 1900 and np.percentile(spread, 95) < 10.0
    # Nineteen years on, every 30-degree bin of right ascension holds nodes; decayed pieces
    # are simply gone (SGP4 gave them up), the rest are drawn.
    counts = np.histogram(end, bins=12, range=(0.0, 360.0))[0]
    assert counts.min() >= 0.02 * len(end) and 1000 < len(end) < len(month)


def _reddish(image: np.ndarray) -> np.ndarray:
    """Debris pixels, sunlit (bright red) or in the Earth's shadow (dim red), not stars or sea."""
    r, g, b = (image[..., k].astype(int) for k in range(3))
    return (r > 50) & (r > g + 25) & (r > b + 15)


def test_render_to_mp4_ends_with_a_shell_on_both_sides_of_the_globe(shell, tmp_path, artefacts):
    scenario, scene = shell
    out = tmp_path / "shell.mp4"
    # One frame per second of video: 41 frames, each at its exact time.
    done = subprocess.run([sys.executable, "-m", "orbitview", "render", str(SHELL), "--out", str(out), "--fps", "1",
                           "--size", f"{SIZE[0]}x{SIZE[1]}", "--progress", "none"],
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(REPO), "EGL_PLATFORM": "surfaceless"})
    assert done.returncode == 0, done.stderr
    decoded = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(out), "-f", "null", "-"],
                             capture_output=True, text=True).stderr
    assert int(re.findall(r"frame=\s*(\d+)", decoded)[-1]) == 41
    raw = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(out), "-vf", "select=eq(n\\,40)", "-fps_mode",
                          "passthrough", "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         capture_output=True, check=True).stdout
    last = np.frombuffer(raw, np.uint8).reshape(SIZE[1], SIZE[0], 3)
    Image.fromarray(last).save(artefacts / "shell_last_frame.png")
    # The globe's disc where the last keyframe's camera puts it.
    view = camera_timeline(scene).view_at(scenario.end_s)
    scene.camera.restore(view)
    cx = project_to_pixels(np.zeros((1, 3)), scene.camera, SIZE)[0][0, 0]
    angular = np.arcsin(EARTH_RADIUS_KM / scene.camera.distance_km)
    radius_px = SIZE[1] / 2 * np.tan(angular) / np.tan(np.radians(scene.camera.fov_deg) / 2)
    red = _reddish(last)
    columns = np.arange(SIZE[0])
    left = red[:, columns < cx - radius_px - 2].sum()
    right = red[:, columns > cx + radius_px + 2].sum()
    assert left > 40 and right > 40, (left, right)
