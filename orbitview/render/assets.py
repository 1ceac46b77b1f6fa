"""The derived assets shipped in ``assets/`` (see assets/README.md for sources and licences)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np


def assets_dir() -> Path:
    """``assets/`` of a source checkout, else the copy installed as ``orbitview._assets``."""
    checkout = Path(__file__).resolve().parents[2] / "assets"
    if checkout.is_dir():
        return checkout
    # Installed, pyproject.toml maps assets/ to the package directory orbitview/_assets (a
    # namespace package: importlib.resources would give a MultiplexedPath, not a path).
    return Path(__file__).resolve().parents[1] / "_assets"


@lru_cache(maxsize=1)
def earth_day_image() -> np.ndarray:
    """(H, W, 3) uint8 equirectangular day image: row 0 at 90N, column 0 at 180W."""
    from PIL import Image

    with Image.open(assets_dir() / "earth_day_4096.jpg") as image:
        return np.asarray(image.convert("RGB"))


@lru_cache(maxsize=1)
def bright_stars() -> np.ndarray:
    """(S,) structured: ``ra_deg``, ``dec_deg`` (ICRS, J2000), ``vmag``, ``b_minus_v``."""
    return np.genfromtxt(
        assets_dir() / "stars_mag6.csv", delimiter=",", names=True, skip_header=1, dtype=np.float64
    )


@lru_cache(maxsize=2)
def globe_polylines(name: str) -> tuple[np.ndarray, np.ndarray]:
    """``"coastlines"`` or ``"borders"``: (P, 2) float32 longitude, latitude degrees and (K,)
    int32 index of each part's first vertex (written by ``orbitview.io.shapefile``)."""
    with np.load(assets_dir() / f"{name}_50m.npz") as data:
        return data["lon_lat_deg"], data["part_start"]
