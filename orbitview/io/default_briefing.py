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

import orbitview
from orbitview.core import breakup_presets
from orbitview.core.breakup_presets import preset
from orbitview.core.catalog import Catalog
from orbitview.core.origin import EVENT_PARTS, EventOrigin
from orbitview.io.catalog_files import load_catalog

DEFAULT_DATASET = "fengyun-1c-2007"


#: What the window's first look says: a short heading, then (after ". ", drawn smaller under
#: it) one line saying it is a model and of what. The full statement is ``Briefing.title``.
HEADING = "Fengyun-1C anti-satellite test, 11 January 2007"


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
