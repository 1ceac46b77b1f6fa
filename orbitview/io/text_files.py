"""A file the user names, read as text: its bytes, its encoding (UTF-8 with or without BOM,
UTF-16 with BOM), and a clear ``CatalogError`` when it cannot be read or holds binary data.

Shared by the element-set, SATCAT and OEM readers, below all of them.
"""

from __future__ import annotations

from pathlib import Path

from orbitview.io.problems import CatalogError, Problem


#: The first bytes of every HDF5 file (the format of trajectory files).
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


def read_bytes(path: Path) -> bytes:
    """The file's bytes; a ``CatalogError`` worded for the user when it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CatalogError(f"{path}: no such file", [Problem(str(path), 0, "file", "no such file")]) from None
    except IsADirectoryError:
        raise CatalogError(f"{path}: is a directory, not a file",
                           [Problem(str(path), 0, "file", "is a directory")]) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise CatalogError(f"{path}: cannot read: {reason}", [Problem(str(path), 0, "file", reason)]) from None


def decode(data: bytes, source: str) -> bytes | str:
    """Text of a file: UTF-8 bytes without BOM (for the TLE reader, which works on bytes)
    or ``str`` for UTF-16. Binary data raise ``CatalogError``."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith(HDF5_SIGNATURE):
        message = ("an HDF5 trajectory file, not element sets (the window and render open trajectory "
                   "files named .h5 or .hdf5; inspect, precompute and breakup read element sets)")
        raise CatalogError(f"{source}: {message}", [Problem(source, 0, "format", message)])
    head = data[:65536]
    # A NUL in a name is one damaged record (readers replace it), not a binary file.
    controls = sum(head.count(bytes([c])) for c in range(32) if c not in (9, 10, 12, 13))
    if controls > len(head) // 100:
        raise CatalogError(f"{source}: binary data, not an element-set file",
                           [Problem(source, 0, "binary", "binary data, not an element-set file")])
    return data


def read_text(path: Path) -> str:
    """The file's text: UTF-8 with or without BOM; a clear error when it cannot be read."""
    path = Path(path)
    text = decode(read_bytes(path), str(path))
    return text if isinstance(text, str) else text.decode("utf-8", "replace")
