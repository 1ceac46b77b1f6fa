"""orbitview's public face: the names a script, a notebook, the docs and the benchmarks use.

    from orbitview.api import Clock, Layer, Scene, load_catalog, parse_utc, render_image

Shapes follow one convention: times ``(T,)`` float64 POSIX seconds UTC, states
``(T, N, 3)`` km and km/s, the frame named where it is chosen (``frame="GCRS"``).
See docs/api.md for an example.

Each name is imported from its module when first used, so ``from orbitview.api import
propagate`` loads SGP4 and numpy but neither vispy nor Qt; the rendering names load vispy
(choose its backend first with ``use_headless()`` or ``use_qt()``), ``MainWindow`` PyQt6.
"""

from __future__ import annotations

import importlib

#: name -> (module, attribute there).
_WHERE = {
    # Catalogues and files.
    "Catalog": ("orbitview.core.catalog", "Catalog"),
    "load_catalog": ("orbitview.io.catalog_files", "load_catalog"),
    "load_catalogs": ("orbitview.io.catalog_files", "load_catalogs"),
    "write_catalog": ("orbitview.io.writers", "write_catalog"),
    "Trajectories": ("orbitview.io.trajectories", "Trajectories"),
    "TrajectoryWriter": ("orbitview.io.trajectories", "TrajectoryWriter"),
    # Times.
    "parse_utc": ("orbitview.core.times", "parse_utc"),
    "format_utc": ("orbitview.core.times", "format_utc"),
    "posix_to_jd": ("orbitview.core.times", "posix_to_jd"),
    "parse_duration": ("orbitview.core.durations", "parse_duration"),
    # Propagation and frames.
    "propagate": ("orbitview.core.propagate", "propagate"),
    "propagate_blocks": ("orbitview.core.propagate", "propagate_blocks"),
    "usable_cores": ("orbitview.core.propagate", "usable_cores"),
    "sun_direction_gcrs": ("orbitview.core.frames", "sun_direction_gcrs"),
    "gcrs_from_itrs": ("orbitview.core.frames", "gcrs_from_itrs"),
    "Keyframes": ("orbitview.core.keyframes", "Keyframes"),
    "LiveKeyframes": ("orbitview.core.keyframes", "LiveKeyframes"),
    # The scene and scenarios.
    "Scene": ("orbitview.core.scene", "Scene"),
    "Layer": ("orbitview.core.scene", "Layer"),
    "Clock": ("orbitview.core.clock", "Clock"),
    "CameraState": ("orbitview.core.camera", "CameraState"),
    "ObjectRef": ("orbitview.core.object_ref", "ObjectRef"),
    "CameraKey": ("orbitview.core.scenario", "CameraKey"),
    "CameraTimeline": ("orbitview.core.scenario", "CameraTimeline"),
    "OverlayText": ("orbitview.core.scenario", "OverlayText"),
    "default_view": ("orbitview.core.scenario", "default_view"),
    "frame_times_s": ("orbitview.core.scenario", "frame_times_s"),
    "read_scenario": ("orbitview.io.scenario", "read_scenario"),
    "build_scene": ("orbitview.io.scenario", "build_scene"),
    "timeline": ("orbitview.io.scenario", "timeline"),
    # Screening and breakups.
    "screen": ("orbitview.core.conjunctions", "screen"),
    "Body": ("orbitview.core.breakup", "Body"),
    "BodyKind": ("orbitview.core.breakup", "BodyKind"),
    "explosion": ("orbitview.core.breakup", "explosion"),
    "collision": ("orbitview.core.breakup", "collision"),
    "BREAKUP_PRESETS": ("orbitview.core.breakup_presets", "PRESETS"),
    "run_event": ("orbitview.core.breakup_presets", "run_event"),
    # Rendering: images, videos, the 3D view itself.
    "use_headless": ("orbitview.render.backend", "use_headless"),
    "use_qt": ("orbitview.render.backend", "use_qt"),
    "render_image": ("orbitview.render.offscreen", "render_image"),
    "render_video": ("orbitview.render.offscreen", "render_video"),
    "FrameRenderer": ("orbitview.render.exporter", "FrameRenderer"),
    "VideoWriter": ("orbitview.render.video", "VideoWriter"),
    "VIDEO_PRESETS": ("orbitview.render.video", "PRESETS"),
    "DEFAULT_VIDEO_PRESET": ("orbitview.render.video", "DEFAULT_PRESET"),
    "OrbitView": ("orbitview.render.view", "OrbitView"),
    "MainWindow": ("orbitview.ui.main_window", "MainWindow"),
    # The parts the benchmarks time on their own.
    "padded_grid": ("orbitview.core.propagate", "padded_grid"),
    "states_block": ("orbitview.core.propagate", "states_block"),
    "rotations_from_teme": ("orbitview.core.propagate", "rotations_from_teme"),
    "satrecs_from_elements": ("orbitview.core.sgp4_elements", "satrecs_from_elements"),
    "Earth": ("orbitview.render.earth", "Earth"),
    "earth_day_image": ("orbitview.render.assets", "earth_day_image"),
    "class_colors": ("orbitview.render.colors", "class_colors"),
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'orbitview.api' has no attribute {name!r}")
    module, attribute = _WHERE[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return __all__
