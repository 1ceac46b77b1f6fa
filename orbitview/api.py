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
    "Catalog": ("orbitview.core.orbits.catalog", "Catalog"),
    "load_catalog": ("orbitview.io.catalog_files", "load_catalog"),
    "load_catalogs": ("orbitview.io.catalog_files", "load_catalogs"),
    "write_catalog": ("orbitview.io.writers", "write_catalog"),
    "Trajectories": ("orbitview.io.trajectories", "Trajectories"),
    "TrajectoryWriter": ("orbitview.io.trajectories", "TrajectoryWriter"),
    # Times.
    "parse_utc": ("orbitview.core.orbits.times", "parse_utc"),
    "format_utc": ("orbitview.core.orbits.times", "format_utc"),
    "posix_to_jd": ("orbitview.core.orbits.times", "posix_to_jd"),
    "parse_duration": ("orbitview.core.durations", "parse_duration"),
    # Propagation and frames.
    "propagate": ("orbitview.core.orbits.propagate", "propagate"),
    "propagate_blocks": ("orbitview.core.orbits.propagate", "propagate_blocks"),
    "usable_cores": ("orbitview.core.orbits.propagate", "usable_cores"),
    "sun_direction_gcrs": ("orbitview.core.orbits.frames", "sun_direction_gcrs"),
    "gcrs_from_itrs": ("orbitview.core.orbits.frames", "gcrs_from_itrs"),
    "Keyframes": ("orbitview.core.orbits.keyframes", "Keyframes"),
    "LiveKeyframes": ("orbitview.core.orbits.keyframes", "LiveKeyframes"),
    # The scene and scenarios.
    "Scene": ("orbitview.core.model.scene", "Scene"),
    "Layer": ("orbitview.core.model.scene", "Layer"),
    "Clock": ("orbitview.core.model.clock", "Clock"),
    "CameraState": ("orbitview.core.model.camera", "CameraState"),
    "ObjectRef": ("orbitview.core.model.object_ref", "ObjectRef"),
    "CameraKey": ("orbitview.core.model.scenario", "CameraKey"),
    "CameraTimeline": ("orbitview.core.model.scenario", "CameraTimeline"),
    "OverlayText": ("orbitview.core.model.scenario", "OverlayText"),
    "default_view": ("orbitview.core.model.scenario", "default_view"),
    "frame_times_s": ("orbitview.core.model.scenario", "frame_times_s"),
    "read_scenario": ("orbitview.io.scenario_file", "read_scenario"),
    "build_scene": ("orbitview.services.scenario", "build_scene"),
    "camera_timeline": ("orbitview.core.model.scenario", "camera_timeline"),
    # Screening and breakups.
    "screen": ("orbitview.core.conjunctions", "screen"),
    "Body": ("orbitview.core.breakup.standard_model", "Body"),
    "BodyKind": ("orbitview.core.breakup.standard_model", "BodyKind"),
    "explosion": ("orbitview.core.breakup.standard_model", "explosion"),
    "collision": ("orbitview.core.breakup.standard_model", "collision"),
    "BREAKUP_PRESETS": ("orbitview.core.breakup.presets", "PRESETS"),
    "run_event": ("orbitview.core.breakup.presets", "run_event"),
    # Rendering: images, videos, the 3D view itself.
    "use_headless": ("orbitview.render.backend", "use_headless"),
    "use_qt": ("orbitview.render.backend", "use_qt"),
    "render_image": ("orbitview.render.export.offscreen", "render_image"),
    "render_video": ("orbitview.render.export.offscreen", "render_video"),
    "FrameRenderer": ("orbitview.render.export.exporter", "FrameRenderer"),
    "VideoWriter": ("orbitview.render.export.video", "VideoWriter"),
    "VIDEO_PRESETS": ("orbitview.render.export.video", "PRESETS"),
    "DEFAULT_VIDEO_PRESET": ("orbitview.render.export.video", "DEFAULT_PRESET"),
    "OrbitView": ("orbitview.render.adapters.view", "OrbitView"),
    "MainWindow": ("orbitview.ui.main_window", "MainWindow"),
    # The parts the benchmarks time on their own.
    "padded_grid": ("orbitview.core.orbits.propagate", "padded_grid"),
    "states_block": ("orbitview.core.orbits.propagate", "states_block"),
    "rotations_from_teme": ("orbitview.core.orbits.propagate", "rotations_from_teme"),
    "satrecs_from_elements": ("orbitview.core.orbits.sgp4_elements", "satrecs_from_elements"),
    "Earth": ("orbitview.render.visuals.earth", "Earth"),
    "earth_day_image": ("orbitview.render.assets", "earth_day_image"),
    "class_colors": ("orbitview.render.adapters.colors", "class_colors"),
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
