"""Real small file systems for tests of writes: a tmpfs that is full, or mounted read-only.

Mounting needs root, which the test machines and CI have; without it the tests fail, never skip.
"""

from __future__ import annotations

import subprocess
from contextlib import contextmanager
from pathlib import Path

#: What the user had in a file before the failed write, byte for byte.
KEPT = b"the user's only copy\n" * 50


def _mount(*arguments: str) -> None:
    result = subprocess.run(["mount", *arguments], capture_output=True, text=True)
    assert result.returncode == 0, f"these tests mount a tmpfs and need root: {result.stderr.strip()}"


@contextmanager
def tmpfs(directory: Path, keep=(), *, size: str = "512k", full: bool = False, read_only: bool = False):
    """``directory`` as a fresh tmpfs of ``size`` with a file of ``KEPT`` under each name of
    ``keep``; ``full``: the rest filled (a write of even one more byte fails), ``read_only``:
    remounted read-only."""
    directory.mkdir(parents=True, exist_ok=True)
    _mount("-t", "tmpfs", "-o", f"size={size},mode=1777", "tmpfs", str(directory))
    try:
        for name in keep:
            (directory / name).write_bytes(KEPT)
        if full:
            with open(directory / "filler", "wb", buffering=0) as filler:
                try:
                    while True:
                        filler.write(b"\0" * 4096)
                except OSError:
                    pass
        if read_only:
            _mount("-o", "remount,ro", str(directory))
        yield directory
    finally:
        subprocess.run(["umount", str(directory)], check=True)


def listing(directory: Path) -> dict[str, bytes | None]:
    """Each entry's name and bytes (None for a directory): compared before and after a write
    that must fail."""
    return {p.name: None if p.is_dir() else p.read_bytes() for p in sorted(directory.iterdir())}
