"""Shared fixtures. The real catalogues are read in place from ../shared/data/catalog
(override with ORBITVIEW_CATALOG_DIR); a missing directory fails the tests, it never skips them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ARTEFACTS = REPO / "tests" / "artefacts"


def catalog_dir() -> Path:
    path = Path(os.environ.get("ORBITVIEW_CATALOG_DIR", REPO.parent / "shared" / "data" / "catalog"))
    if not path.is_dir():
        pytest.fail(f"test catalogues not found at {path}; set ORBITVIEW_CATALOG_DIR")
    return path


@pytest.fixture(scope="session")
def catalogs() -> Path:
    """The directory holding full_2023-10-09.3le, debris_2025-02-15_tle/ and debris_2026-08-11_omm/."""
    return catalog_dir()


@pytest.fixture(scope="session")
def full_catalog_path(catalogs) -> Path:
    return catalogs / "full_2023-10-09.3le"


@pytest.fixture(scope="session")
def artefacts() -> Path:
    """Where tests leave images for a person to look at (tests/artefacts, not committed)."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS
