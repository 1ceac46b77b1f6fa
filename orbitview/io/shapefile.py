"""A minimal ESRI shapefile reader for polylines (shape type 3), and the compact ``.npz`` the
globe's line overlays are drawn from.

Only what the Natural Earth coastline and border files need: the main ``.shp`` file, polyline
records (null records are skipped), X/Y as longitude/latitude degrees. Layout from the ESRI
Shapefile Technical Description (1998): a 100-byte header, then records of an 8-byte big-endian
header (number, length in 16-bit words) and little-endian content.

Re-derive an asset with::

    python -m orbitview.io.shapefile SRC.shp OUT.npz
"""

from __future__ import annotations

import struct
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from orbitview.core.errors import OrbitviewError

FILE_CODE = 9994
HEADER_BYTES = 100
NULL_SHAPE = 0
POLYLINE = 3
SHAPE_NAMES = {0: "null", 1: "point", 3: "polyline", 5: "polygon", 8: "multipoint", 11: "pointZ",
               13: "polylineZ", 15: "polygonZ", 18: "multipointZ", 21: "pointM", 23: "polylineM",
               25: "polygonM", 28: "multipointM", 31: "multipatch"}


@dataclass(frozen=True)
class Polylines:
    """Parts of polylines as one array of vertices.

    ``lon_lat_deg``: (P, 2) float64, longitude then latitude, degrees (WGS84 for Natural Earth).
    ``part_start``: (K,) int64, index of each part's first vertex; part k runs to
    ``part_start[k + 1]`` (or P). ``record_count``: non-null shape records read.
    """

    lon_lat_deg: np.ndarray
    part_start: np.ndarray
    record_count: int

    def parts(self) -> list[np.ndarray]:
        """The (n_k, 2) vertices of each part."""
        return np.split(self.lon_lat_deg, self.part_start[1:])


def read_polylines(path: str | Path) -> Polylines:
    """Every polyline part of a ``.shp`` file; OrbitviewError for any other shape type."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise OrbitviewError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) < HEADER_BYTES or struct.unpack_from(">i", data, 0)[0] != FILE_CODE:
        raise OrbitviewError(f"{path} is not a shapefile (no file code {FILE_CODE} in its header)")
    file_type = struct.unpack_from("<i", data, 32)[0]
    _require_polyline(path, file_type, "file")
    # The header's length (16-bit words) may exceed what is on disk if the file was cut short.
    end = min(2 * struct.unpack_from(">i", data, 24)[0], len(data))

    points, starts, records, offset, total = [], [], 0, HEADER_BYTES, 0
    while offset + 8 <= end:
        number, words = struct.unpack_from(">ii", data, offset)
        content = offset + 8
        offset = content + 2 * words
        if offset > end:
            raise OrbitviewError(f"{path}: record {number} runs past the end of the file")
        shape_type = struct.unpack_from("<i", data, content)[0]
        if shape_type == NULL_SHAPE:
            continue
        _require_polyline(path, shape_type, f"record {number}")
        # Content: type, bounding box (4 doubles), part and point counts, part starts, points.
        n_parts, n_points = struct.unpack_from("<ii", data, content + 36)
        part_start = np.frombuffer(data, "<i4", n_parts, content + 44)
        xy = np.frombuffer(data, "<f8", 2 * n_points, content + 44 + 4 * n_parts).reshape(n_points, 2)
        if n_parts < 1 or part_start[0] != 0 or np.any(np.diff(part_start) < 0) or part_start[-1] > n_points:
            raise OrbitviewError(f"{path}: record {number} has inconsistent part indices")
        starts.append(part_start.astype(np.int64) + total)
        points.append(xy)
        total += n_points
        records += 1
    if not points:
        return Polylines(np.zeros((0, 2)), np.zeros(0, np.int64), 0)
    return Polylines(np.concatenate(points).astype(np.float64), np.concatenate(starts), records)


def _require_polyline(path: Path, shape_type: int, where: str) -> None:
    if shape_type != POLYLINE:
        name = SHAPE_NAMES.get(shape_type, f"unknown type {shape_type}")
        raise OrbitviewError(f"{path}: {where} holds {name} shapes; only polylines (type 3) are read")


def write_npz(polylines: Polylines, path: str | Path) -> None:
    """Compressed ``.npz``: ``lon_lat_deg`` (P, 2) float32 (about 1 m at the equator, far
    below a pixel of any globe view) and ``part_start`` (K,) int32."""
    np.savez_compressed(
        path,
        lon_lat_deg=polylines.lon_lat_deg.astype(np.float32),
        part_start=polylines.part_start.astype(np.int32),
    )


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m orbitview.io.shapefile SRC.shp OUT.npz", file=sys.stderr)
        return 2
    try:
        polylines = read_polylines(argv[0])
        write_npz(polylines, argv[1])
    except (OrbitviewError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{argv[1]}: {polylines.record_count} records, {len(polylines.part_start)} parts, "
          f"{len(polylines.lon_lat_deg)} vertices, {Path(argv[1]).stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
