"""Frame time of the whole scene against vispy Markers and a bare gloo program, by object count.

    python benchmarks/bench_frame.py [--counts 30000 100000 300000] [--frames 20]

Positions are real orbits: the 2023 catalogue's keyframes (SGP4, GCRS) tiled to each count,
every copy turned about the Earth's axis by a random angle, so the copies are orbits too.
Contenders, at 1280x720 into an offscreen framebuffer, timed as draw + glFinish (no readback):
- ``ours``: ``OrbitView`` (stars, Earth, one ``Objects`` visual interpolating on the GPU);
- ``markers``: the same Earth visual and vispy's ``Markers`` with the interpolated positions;
- ``bare``: one gloo program drawing a textured sphere, one drawing square points.
Goals: ours at least 3x faster than markers, and within 1.5x of bare.
Also the CPU cost of one clock tick between keyframes (Python + uploads; should not grow
with the count) against what moving Markers costs (``set_data``), and the keyframe upload.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from contextlib import ExitStack, closing
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench_precompute import default_catalog  # noqa: E402

from orbitview.api import Catalog, Keyframes, LiveKeyframes, load_catalog, parse_utc, use_headless  # noqa: E402

SIZE = (1280, 720)
T0 = parse_utc("2023-10-09T12:00:00Z")
POINT_SIZE_PX = 3.0


class FixedKeyframes:
    """One keyframe pair for every time: the layer never crosses a keyframe while timed."""

    def __init__(self, keyframes: Keyframes) -> None:
        self.keyframes = keyframes

    def __len__(self) -> int:
        return len(self.keyframes.valid)

    def at(self, t_s: float) -> Keyframes:
        return self.keyframes


def tiled(catalog: Catalog, keyframes: Keyframes, count: int, seed: int = 1) -> tuple[Catalog, Keyframes]:
    """``count`` objects: copies of the catalogue, each copy turned about +Z by a random angle."""
    index = np.resize(np.arange(len(catalog)), count)
    copy = np.arange(count) // len(catalog)
    angle = np.random.default_rng(seed).uniform(0, 2 * math.pi, copy.max() + 1)[copy]
    angle[copy == 0] = 0.0
    c, s = np.cos(angle), np.sin(angle)

    def turn(v: np.ndarray) -> np.ndarray:
        v = v[index].astype(np.float64)
        return np.column_stack([c * v[:, 0] - s * v[:, 1], s * v[:, 0] + c * v[:, 1], v[:, 2]]).astype(np.float32)

    return catalog.take(index), Keyframes(
        keyframes.t0_s, keyframes.t1_s, turn(keyframes.position0_km), turn(keyframes.velocity0_km_s),
        turn(keyframes.position1_km), turn(keyframes.velocity1_km_s), keyframes.valid[index],
    )


class Offscreen:
    """A canvas's draw function timed as draw + glFinish into its own colour + depth framebuffer."""

    def __init__(self, canvas, draw) -> None:
        from vispy import gloo

        self.canvas, self.draw = canvas, draw
        shape = (SIZE[1], SIZE[0])
        canvas.set_current()
        self.fbo = gloo.FrameBuffer(color=gloo.RenderBuffer(shape), depth=gloo.RenderBuffer(shape))

    def frame_ms(self) -> float:
        from vispy.gloo import gl

        self.canvas.set_current()
        self.canvas.push_fbo(self.fbo, (0, 0), SIZE)
        try:
            started = time.perf_counter()
            self.draw()
            self.canvas.context.flush_commands()
            gl.glFinish()
            return 1e3 * (time.perf_counter() - started)
        finally:
            self.canvas.pop_fbo()


def interleaved_ms(contenders: dict[str, Offscreen], frames: int) -> dict[str, np.ndarray]:
    """Frame times, one frame of each contender in turn, so a busy machine slows all alike."""
    samples = {name: [] for name in contenders}
    for i in range(frames + 3):  # three warm-up rounds: shader compiles, first uploads
        for name, contender in contenders.items():
            ms = contender.frame_ms()
            if i >= 3:
                samples[name].append(ms)
    return {name: np.array(values) for name, values in samples.items()}


def scene_draw(canvas):
    def draw():
        canvas.context.clear(color=canvas.bgcolor, depth=True)
        canvas.draw_visual(canvas.scene)

    return draw


def setup_ours(stack, catalog, keyframes):
    """OrbitView of one layer: (Offscreen, the scene, the layer's Objects node)."""
    from vispy import scene as vscene

    from orbitview.api import Clock, Layer, OrbitView, Scene

    scene = Scene(clock=Clock(time_s=T0))
    scene.camera.distance_km = 60000
    scene.add_layer(Layer("bench", catalog, keyframes=FixedKeyframes(keyframes), point_size=POINT_SIZE_PX))
    canvas = stack.enter_context(closing(vscene.SceneCanvas(size=SIZE, show=False, dpi=96)))
    view = stack.enter_context(closing(OrbitView(scene, canvas)))
    view.sync_camera()
    return Offscreen(canvas, scene_draw(canvas)), scene, next(iter(view.layers.values())).node


def tick_costs_ms(scene, node, keyframes, ticks: int):
    """(clock tick times within one keyframe interval, uploads they made, keyframe upload ms)."""
    uploads = []
    buffer = node.motion_buffer
    set_data = buffer.set_data
    buffer.set_data = lambda *args, **kwargs: (uploads.append(1), set_data(*args, **kwargs))
    samples = []
    for k in range(ticks):
        started = time.perf_counter()
        scene.clock.time_s = T0 + 0.5 * (k + 1)
        samples.append(1e3 * (time.perf_counter() - started))
    del buffer.set_data  # the method again
    made = len(uploads)
    started = time.perf_counter()
    node.set_keyframes(keyframes)
    node.canvas.context.flush_commands()
    return np.array(samples), made, 1e3 * (time.perf_counter() - started)


def setup_markers(stack, positions_km, colors):
    """The same Earth visual and vispy Markers: (Offscreen, set_data ms)."""
    from vispy import scene as vscene

    from orbitview.api import Earth, earth_day_image, gcrs_from_itrs

    canvas = stack.enter_context(closing(vscene.SceneCanvas(size=SIZE, show=False, dpi=96, bgcolor="black")))
    view = canvas.central_widget.add_view()
    view.camera = turntable(vscene)
    earth = Earth(earth_day_image(), parent=view.scene)
    earth.set_orientation(gcrs_from_itrs(T0))
    markers = vscene.visuals.Markers(parent=view.scene)
    started = time.perf_counter()
    markers.set_data(positions_km, face_color=colors, size=POINT_SIZE_PX, edge_width=0)
    return Offscreen(canvas, scene_draw(canvas)), 1e3 * (time.perf_counter() - started)


def turntable(vscene, distance_km: float = 60000.0, fov_deg: float = 30.0):
    """The camera OrbitView makes for its home view's distance: azimuth 0, elevation 20."""
    return vscene.cameras.TurntableCamera(
        up="+z", fov=fov_deg, azimuth=0.0, elevation=20.0,
        scale_factor=2.0 * distance_km * math.tan(math.radians(fov_deg) / 2),
    )


BARE_SPHERE_VERTEX = """
uniform mat4 u_mvp;
attribute vec3 a_position;
attribute vec2 a_uv;
varying vec2 v_uv;
void main() { v_uv = a_uv; gl_Position = u_mvp * vec4(a_position, 1.0); }
"""
BARE_SPHERE_FRAGMENT = """
uniform sampler2D u_texture;
varying vec2 v_uv;
void main() { gl_FragColor = texture2D(u_texture, v_uv); }
"""
BARE_POINTS_VERTEX = """
uniform mat4 u_mvp;
attribute vec3 a_position;
attribute vec4 a_color;
varying vec4 v_color;
void main() { v_color = a_color; gl_Position = u_mvp * vec4(a_position, 1.0); gl_PointSize = 3.0; }
"""
BARE_POINTS_FRAGMENT = """
varying vec4 v_color;
void main() { gl_FragColor = v_color; }
"""


def look_at_mvp(distance_km: float = 60000.0, fov_deg: float = 30.0, elevation_deg: float = 20.0) -> np.ndarray:
    """Row-vector (vispy convention) model-view-projection for an eye on -Y lifted by the elevation."""
    from vispy.util.transforms import perspective

    el = math.radians(elevation_deg)
    eye = np.array([0.0, -math.cos(el), math.sin(el)]) * distance_km
    forward = -eye / np.linalg.norm(eye)
    right = np.cross(forward, [0.0, 0.0, 1.0])
    right /= np.linalg.norm(right)
    up = np.cross(right, forward)
    view = np.eye(4)
    view[:3, 0], view[:3, 1], view[:3, 2] = right, up, -forward
    view[3, :3] = -eye @ view[:3, :3]
    projection = perspective(fov_deg, SIZE[0] / SIZE[1], distance_km / 1000, distance_km * 1000)
    return (view @ projection).astype(np.float32)


def setup_bare(stack, positions_km, colors):
    """A textured sphere and square points in plain gloo programs: an Offscreen."""
    from vispy import gloo
    from vispy import scene as vscene
    from vispy.geometry import create_sphere

    from orbitview.api import earth_day_image

    canvas = stack.enter_context(closing(vscene.SceneCanvas(size=SIZE, show=False, dpi=96)))  # the context
    canvas.set_current()
    mesh = create_sphere(90, 180, radius=6378.137)
    vertices = mesh.get_vertices().astype(np.float32)
    lon = np.arctan2(vertices[:, 1], vertices[:, 0])
    lat = np.arcsin(np.clip(vertices[:, 2] / 6378.137, -1, 1))
    sphere = gloo.Program(BARE_SPHERE_VERTEX, BARE_SPHERE_FRAGMENT)
    sphere["a_position"] = vertices
    sphere["a_uv"] = np.column_stack([lon / (2 * math.pi) + 0.5, 0.5 - lat / math.pi]).astype(np.float32)
    sphere["u_texture"] = gloo.Texture2D(earth_day_image(), interpolation="linear")
    faces = gloo.IndexBuffer(mesh.get_faces().astype(np.uint32))
    points = gloo.Program(BARE_POINTS_VERTEX, BARE_POINTS_FRAGMENT)
    points["a_position"] = positions_km.astype(np.float32)
    points["a_color"] = colors.astype(np.float32)
    mvp = look_at_mvp()
    sphere["u_mvp"] = mvp
    points["u_mvp"] = mvp

    gloo.set_state("opaque", depth_test=True, depth_mask=True)  # each canvas has its own context

    def draw():
        canvas.context.clear(color="black", depth=True)
        sphere.draw("triangles", faces)
        points.draw("points")

    return Offscreen(canvas, draw)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, default=default_catalog())
    parser.add_argument("--counts", type=int, nargs="+", default=[30_000, 100_000, 300_000])
    parser.add_argument("--frames", type=int, default=20)
    args = parser.parse_args()

    use_headless()
    from vispy.gloo import gl

    from orbitview.api import class_colors

    source = load_catalog(args.catalog).catalog
    source_keyframes = LiveKeyframes(source).at(T0)
    rows = []
    for count in args.counts:
        catalog, keyframes = tiled(source, source_keyframes, count)
        drawn = keyframes.valid
        positions = keyframes.interpolate(T0)[drawn]
        colors = class_colors(catalog.object_class)[drawn]
        with ExitStack() as stack:
            ours, scene, node = setup_ours(stack, catalog, keyframes)
            markers, set_data_ms = setup_markers(stack, positions, colors)
            bare = setup_bare(stack, positions, colors)
            times = interleaved_ms({"ours": ours, "markers": markers, "bare": bare}, args.frames)
            ticks, tick_uploads, upload_ms = tick_costs_ms(scene, node, keyframes, args.frames)
        medians = {name: float(np.median(values)) for name, values in times.items()}
        rows.append((count, medians["ours"], medians["markers"], medians["bare"], float(np.median(ticks)),
                     tick_uploads, upload_ms, set_data_ms))
        print(f"{count:>8,} objects ({drawn.sum():,} drawn) done", file=sys.stderr, flush=True)

    print(f"renderer: {gl.glGetParameter(gl.GL_RENDERER)}; {SIZE[0]}x{SIZE[1]}, "
          f"medians of {args.frames} frames, draw + glFinish, point size {POINT_SIZE_PX:g} px")
    print(f"{'objects':>8} | {'ours ms':>8} {'Markers ms':>10} {'bare ms':>8} | {'Markers/ours':>12} "
          f"{'ours/bare':>9} | {'tick ms':>7} {'uploads':>7} {'keyframes ms':>12} {'Markers set_data ms':>19}")
    for count, ours, markers, bare, tick, uploads, upload_ms, set_data_ms in rows:
        print(f"{count:>8,} | {ours:>8.1f} {markers:>10.1f} {bare:>8.1f} | {markers / ours:>11.2f}x "
              f"{ours / bare:>8.2f}x | {tick:>7.2f} {uploads:>7d} {upload_ms:>12.1f} {set_data_ms:>19.1f}")
    print("goals: Markers/ours >= 3, ours/bare <= 1.5; tick ms flat in the count, 0 uploads")
    return 0


if __name__ == "__main__":
    sys.exit(main())
