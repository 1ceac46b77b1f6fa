"""The briefing ``orbitview`` opens with no files: the modelled 2007 Fengyun-1C test.

Its data sit in ``datasets/fengyun-1c-2007/`` (made by ``orbitview breakup``; README.md there
says how): ``briefing.json`` names the event, seed and smallest size, ``parent.3le`` the
satellite's element set built from published figures, ``fragments.3le`` the modelled cloud.
Show the parent only before ``event_time_s`` and the fragments only after it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import numpy as np

import orbitview
from orbitview.core.breakup import presets as breakup_presets
from orbitview.core.breakup.presets import preset
from orbitview.core.model.camera import CameraState
from orbitview.core.model.chapters import Chapter
from orbitview.core.model.origin import EVENT_PARTS, EventOrigin
from orbitview.core.orbits.catalog import Catalog
from orbitview.core.orbits.propagate import propagate
from orbitview.io.catalog_files import load_catalog

DEFAULT_DATASET = "fengyun-1c-2007"


#: What the window's first look says: a short heading, then (after ". ", drawn smaller under
#: it) one line saying it is a model and of what. The full statement is ``Briefing.title``.
HEADING = "Fengyun-1C anti-satellite test, 11 January 2007"
#: Three years after the intercept (2008 was a leap year), when the last chapter starts: by
#: then differential nodal precession has made the first month's band a shell.
THREE_YEARS_S = 1096 * 86400.0
#: How long after the intercept the briefing runs: a day into the last chapter.
BRIEFING_SPAN_S = THREE_YEARS_S + 86400.0


class Briefing(NamedTuple):
    """``(parent, fragments, event_time_s, title)``: element sets, POSIX seconds, overlay text."""

    parent: Catalog
    fragments: Catalog
    event_time_s: float
    title: str

    @property
    def heading(self) -> str:
        """The first look's title: ``HEADING``, then a one-line statement of what is modelled."""
        return (f"{HEADING}. Model: {len(self.fragments):,} fragments from the NASA standard breakup "
                "model, not tracking data")


def datasets_dir() -> Path:
    """``datasets/`` of a source checkout, else the copy installed as ``orbitview._datasets``."""
    checkout = Path(orbitview.__file__).resolve().parents[1] / "datasets"
    if checkout.is_dir():
        return checkout
    # Installed, pyproject.toml maps datasets/ to orbitview/_datasets (a namespace package:
    # importlib.resources would give a MultiplexedPath, not a path).
    return Path(orbitview.__file__).resolve().parent / "_datasets"


def title_text(event_key: str, seed: int, min_size_m: float, fragment_count: int) -> str:
    """The overlay of preset ``event_key``'s model (``breakup_presets.title_text``)."""
    return breakup_presets.title_text(preset(event_key), seed, min_size_m, fragment_count)


def briefing_origins(directory: Path | None = None) -> tuple[EventOrigin, EventOrigin]:
    """The origins of the briefing's two layers (parent, fragments): its event preset with the
    seed and smallest size the dataset was made with, so a scenario remakes it from the dataset."""
    folder = directory or datasets_dir() / DEFAULT_DATASET
    meta = json.loads((folder / "briefing.json").read_text(encoding="utf-8"))
    return tuple(EventOrigin(meta["event"], int(meta["seed"]), float(meta["min_size_m"]), part)
                 for part in EVENT_PARTS)


def load_default_briefing(directory: Path | None = None) -> Briefing:
    """Read the default briefing (``directory``: a dataset folder; default the Fengyun-1C one)."""
    folder = directory or datasets_dir() / DEFAULT_DATASET
    meta = json.loads((folder / "briefing.json").read_text(encoding="utf-8"))
    parent = load_catalog(folder / meta["parent"], strict=True).catalog
    fragments = load_catalog(folder / meta["fragments"], strict=True).catalog
    event = preset(meta["event"])
    title = title_text(meta["event"], int(meta["seed"]), float(meta["min_size_m"]), len(fragments))
    return Briefing(parent, fragments, event.time_s, title)


#: The story in chapters: (seconds from the intercept, title, caption, camera distance km,
#: where the eye is: "arc" over the satellite's last minutes and the intercept point, "down"
#: over the intercept point, "beside" the orbit (the plane seen at a slant), "normal" on the
#: orbit's axis, "pole" over the north pole). ``None`` seconds: one orbit of the satellite.
#: The figures are the preset's (docs/breakup.md, "Presets").
STORY = (
    (-600.0, "Before the test",
     "Fengyun-1C, a Chinese weather satellite of about 880 kg, heading south some 850 km up "
     "in a sun-synchronous orbit.", 26000.0, "arc"),
    (-470.0, "The launch",
     "22:18 UTC (assumed): an SC-19 missile rises from Xichang towards where the satellite "
     "will be.", 26000.0, "arc"),
    (0.0, "The intercept",
     "22:26 UTC: the missile's kill vehicle strikes the satellite at about 865 km.",
     20000.0, "down"),
    (None, "The first orbit",
     "Within one orbit of 102 minutes the fragments string out along the path: those slowed "
     "drop lower and run ahead, those sped up climb and fall behind.", 30000.0, "beside"),
    (86400.0, "One day later", "A day on, the fragments ring the whole orbit.", 42000.0, "normal"),
    (30 * 86400.0, "One month later",
     "After a month the ring is a band: orbits of different size and shape turn about the "
     "Earth's axis at different rates.", 45000.0, "beside"),
    (THREE_YEARS_S, "Three years later",
     "The band has become a shell around the Earth, the way the tracked cloud still circles it "
     "today.", 48000.0, "pole"),
)


def briefing_chapters(briefing: Briefing) -> tuple[Chapter, ...]:
    """The default briefing's chapters (``STORY``), each with its camera view (inertial,
    centred on the Earth) worked out from the satellite's orbit at the intercept."""
    event_s = briefing.event_time_s
    period_s = 86400.0 / float(briefing.parent.mean_motion_rev_per_day[0])
    states = propagate(briefing.parent.take(np.array([0])), np.array([event_s - 300.0, event_s]), "GCRS")
    before_km, at_km = states.position_km[:, 0].astype(np.float64)
    axis = np.cross(at_km, states.velocity_km_s[1, 0])
    unit = {name: vector / np.linalg.norm(vector) for name, vector in (
        ("arc", before_km / np.linalg.norm(before_km) + at_km / np.linalg.norm(at_km)), ("down", at_km),
        ("normal", axis / np.linalg.norm(axis)), ("pole", np.array([0.2, -0.3, 1.0])))}
    unit["beside"] = unit["normal"] + 0.8 * unit["down"]
    chapters = []
    for offset_s, title, caption, distance_km, eye in STORY:
        camera = CameraState(distance_km=distance_km)
        camera.look_from(unit[eye])
        chapters.append(Chapter(time_s=event_s + (period_s if offset_s is None else offset_s), title=title,
                                caption=caption, camera=camera.snapshot()))
    return tuple(chapters)
