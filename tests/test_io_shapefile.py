"""The polyline shapefile reader against the Natural Earth files' own indexes (.shx, .dbf),
and the shipped overlay assets against the files they were derived from."""

import struct
from pathlib import Path

import numpy as np
import pytest
from conftest import asset_sources_dir

from orbitview.core.errors import OrbitviewError
from orbitview.io.shapefile import read_polylines, write_npz
from orbitview.render.assets import assets_dir

pytestmark = pytest.mark.core

ASSETS = {"coastlines": "ne_50m_coastline", "borders": "ne_50m_admin_0_boundary_lines_land"}


def source(stem: str, suffix: str) -> Path:
    path = asset_sources_dir() / "coastlines" / f"{stem}{suffix}"
    if not path.is_file():
        pytest.fail(f"Natural Earth source not found at {path}")
    return path


def shx_record_count(path: Path) -> int:
    """Records in a shapefile index: a 100-byte header, then 8 bytes per record."""
    length_bytes = 2 * struct.unpack_from(">i", path.read_bytes(), 24)[0]
    return (length_bytes - 100) // 8


def dbf_record_count(path: Path) -> int:
    return struct.unpack_from("<I", path.read_bytes(), 4)[0]


@pytest.mark.parametrize(
    "stem, parts, points",
    [("ne_50m_coastline", 1429, 60416), ("ne_50m_admin_0_boundary_lines_land", 393, 19859),
     ("ne_110m_coastline", 134, 5128)],
)
def test_counts_match_the_index_and_attribute_files(stem, parts, points):
    lines = read_polylines(source(stem, ".shp"))
    assert lines.record_count == shx_record_count(source(stem, ".shx")) == dbf_record_count(source(stem, ".dbf"))
    assert (len(lines.part_start), len(lines.lon_lat_deg)) == (parts, points)
    assert sum(len(p) for p in lines.parts()) == points
    # Natural Earth's 110m file overshoots the antimeridian by 4e-7 degrees (5 cm).
    assert np.abs(lines.lon_lat_deg[:, 0]).max() < 180 + 1e-6 and np.abs(lines.lon_lat_deg[:, 1]).max() <= 90


def test_a_known_vertex_is_read_in_the_right_place():
    """Cape Agulhas, Africa's southern tip (34.833 S, 20.012 E), lies within 10 km of a vertex
    (1:50m vertices are a few km apart; 5.3 km measured)."""
    lines = read_polylines(source("ne_50m_coastline", ".shp"))
    lon, lat = np.radians(lines.lon_lat_deg.T)
    cape_lon, cape_lat = np.radians([20.012, -34.833])
    cos_d = np.sin(lat) * np.sin(cape_lat) + np.cos(lat) * np.cos(cape_lat) * np.cos(lon - cape_lon)
    assert 6371.0 * np.arccos(np.clip(cos_d.max(), -1, 1)) < 10.0


@pytest.mark.parametrize("name", sorted(ASSETS))
def test_shipped_assets_are_the_sources_in_float32(name):
    lines = read_polylines(source(ASSETS[name], ".shp"))
    path = assets_dir() / f"{name}_50m.npz"
    assert path.stat().st_size < 500_000
    with np.load(path) as shipped:
        np.testing.assert_array_equal(shipped["lon_lat_deg"], lines.lon_lat_deg.astype(np.float32))
        np.testing.assert_array_equal(shipped["part_start"], lines.part_start)


def test_npz_round_trip(tmp_path):
    lines = read_polylines(source("ne_110m_coastline", ".shp"))
    write_npz(lines, tmp_path / "c.npz")
    with np.load(tmp_path / "c.npz") as data:
        assert data["lon_lat_deg"].dtype == np.float32 and data["part_start"].dtype == np.int32
        assert np.abs(data["lon_lat_deg"] - lines.lon_lat_deg).max() < 1e-5


def test_other_shape_types_are_refused_by_name(tmp_path):
    header = bytearray(100)
    struct.pack_into(">ii", header, 0, 9994, 0)
    struct.pack_into(">i", header, 24, 50)
    struct.pack_into("<ii", header, 28, 1000, 5)  # polygon
    path = tmp_path / "polygons.shp"
    path.write_bytes(bytes(header))
    with pytest.raises(OrbitviewError, match="polygon shapes; only polylines"):
        read_polylines(path)
    (tmp_path / "not.shp").write_bytes(b"DBF" + bytes(200))
    with pytest.raises(OrbitviewError, match="not a shapefile"):
        read_polylines(tmp_path / "not.shp")
