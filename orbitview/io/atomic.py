"""Writing a file so that its name only ever holds the old content or the complete new one.

Every file orbitview writes goes through ``AtomicFile``: the data goes to ``.NAME.partial-PID``
beside the target (same directory, so the rename cannot cross file systems), is fsynced, renamed
over the target, and the directory is fsynced so the rename survives a power cut. The partial
file is created with mode 0666 and the process's umask applies, as for any file a program
creates: a written file has the permissions the user's umask gives, never mkstemp's 0600.

A writer that knows its size ``reserve``s it first: the space is allocated before anything
is written, so a disk too full for the result is one line before the work starts, and a
library that cannot survive a failed write (HDF5 crashes after ENOSPC) never meets one.

A failed or interrupted write removes the partial file. A process killed outright (SIGKILL,
a power cut) cannot: the next write to the same name removes partial files whose process is
gone. Every ``OSError`` becomes one ``OrbitviewError`` line naming the path.
"""

from __future__ import annotations

import ctypes
import errno
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from orbitview.core.errors import OrbitviewError

PARTIAL_MARK = ".partial-"


def write_error(path: str | Path, exc: OSError) -> OrbitviewError:
    """The one line a user sees when ``path`` cannot be written."""
    return OrbitviewError(f"cannot write {path}: {exc.strerror or exc}")


def check_output_path(path: str | Path, inputs=()) -> Path:
    """``path`` as a ``Path`` once it can be a new file: its directory exists and takes new
    files, and it is not a directory nor one of ``inputs`` (paths the same command reads).
    Raises ``OrbitviewError``: commands call it before their work, not after."""
    path = Path(path)
    directory = path.parent
    if path.is_dir():
        raise OrbitviewError(f"cannot write {path}: it is a directory")
    if not directory.exists():
        raise OrbitviewError(f"cannot write {path}: directory {directory} does not exist")
    if not directory.is_dir():
        raise OrbitviewError(f"cannot write {path}: {directory} is not a directory")
    if path.exists():
        for source in inputs:
            try:
                same = os.path.samefile(path, source)
            except OSError:
                continue
            if same:
                raise OrbitviewError(f"cannot write {path}: it is an input of this command ({source})")
    # Creating a file is the test that root, ACLs and read-only mounts all answer truthfully
    # (os.access lets root write wherever the mode bits say no).
    probe = partial_path(path)
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666))
    except FileExistsError:
        pass  # this process is writing it already
    except OSError as exc:
        raise write_error(path, exc) from None
    else:
        probe.unlink()
    return path


def partial_path(path: Path, pid: int | None = None) -> Path:
    """Where ``path`` grows while this process (or ``pid``) writes it."""
    return path.parent / f".{path.name}{PARTIAL_MARK}{os.getpid() if pid is None else pid}"


def remove_stale_partials(path: Path) -> list[Path]:
    """Delete partial files of ``path`` left by processes that no longer exist; returns them."""
    removed = []
    prefix = f".{path.name}{PARTIAL_MARK}"
    try:
        candidates = [p for p in path.parent.iterdir() if p.name.startswith(prefix)]
    except OSError:
        return removed
    for candidate in candidates:
        pid = candidate.name[len(prefix):]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            candidate.unlink(missing_ok=True)
            removed.append(candidate)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


class AtomicFile:
    """``path`` written under ``partial`` and renamed into place by ``commit()``.

    Use as a context manager: entering creates the (empty) partial file; leaving with an
    exception, or without ``commit()``, removes it. Writers that open the file themselves
    (HDF5, ffmpeg) write to ``partial``; others use ``open_atomically`` or ``write_atomically``.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = check_output_path(path)
        self.partial = partial_path(self.path)
        self.committed = False
        self.reserved = False

    def __enter__(self) -> "AtomicFile":
        remove_stale_partials(self.path)
        try:
            fd = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
        except OSError as exc:
            raise write_error(self.path, exc) from None
        os.close(fd)
        return self

    def reserve(self, nbytes: int) -> None:
        """Allocate ``nbytes`` for the partial file without changing its size (Linux
        ``fallocate(FALLOC_FL_KEEP_SIZE)``; elsewhere the free space is checked). Raises
        ``OrbitviewError`` when the file system has not that much room."""
        free = _free_bytes(self.path.parent)
        short = no_room(self.path, nbytes, free)
        code = _fallocate_keep_size(self.partial, nbytes)
        if code == errno.ENOSPC or (code is None and nbytes > free):
            raise short
        if code not in (0, None):
            raise write_error(self.path, OSError(code, os.strerror(code)))
        self.reserved = True

    def commit(self) -> Path:
        """fsync the partial file, rename it to ``path``, fsync the directory."""
        try:
            if self.reserved:
                # Truncating to its own size frees what was reserved beyond the end.
                os.truncate(self.partial, os.stat(self.partial).st_size)
            fd = os.open(self.partial, os.O_RDONLY | os.O_CLOEXEC)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(self.partial, self.path)
            self.committed = True
            _fsync_directory(self.path.parent)
        except OSError as exc:
            raise write_error(self.path, exc) from None
        return self.path

    def discard(self) -> None:
        if not self.committed:
            self.partial.unlink(missing_ok=True)

    def __exit__(self, kind, value, traceback) -> None:
        self.discard()


#: ``fallocate`` mode: allocate blocks, keep the file's size (linux/falloc.h).
_FALLOC_FL_KEEP_SIZE = 1


def _fallocate_keep_size(path: Path, nbytes: int) -> int | None:
    """0 when ``nbytes`` are allocated for ``path``; an errno when refused; None where the
    system or the file system has no ``fallocate`` (the caller compares the free space)."""
    if not sys.platform.startswith("linux") or nbytes <= 0:
        return None
    libc = ctypes.CDLL(None, use_errno=True)
    libc.fallocate.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int64, ctypes.c_int64]
    fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
    try:
        if libc.fallocate(fd, _FALLOC_FL_KEEP_SIZE, 0, nbytes) == 0:
            return 0
        code = ctypes.get_errno()
    finally:
        os.close(fd)
    return None if code in (errno.EOPNOTSUPP, errno.ENOSYS) else code


def _free_bytes(directory: Path) -> int:
    stat = os.statvfs(directory)
    return stat.f_bavail * stat.f_frsize


def format_bytes(size: float) -> str:
    """``512 B``, ``3.4 MB``, ``1.2 TB`` (powers of 1000, as disk sizes are sold)."""
    units = ("B", "kB", "MB", "GB", "TB", "PB", "EB")
    power = min(len(str(int(size))) - 1, 3 * (len(units) - 1)) // 3
    return f"{size:.0f} B" if power == 0 else f"{size / 1000**power:.1f} {units[power]}"


def no_room(path: Path, nbytes: int, free: int, what: str = "") -> OrbitviewError:
    """The one line for a file of ``nbytes`` that the ``free`` bytes beside ``path`` cannot hold."""
    return OrbitviewError(f"cannot write {path}: {os.strerror(errno.ENOSPC)} (it needs {format_bytes(nbytes)}, "
                          f"{path.parent} has {format_bytes(free)} free){what}")


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP):  # file systems that cannot sync one
            raise
    finally:
        os.close(fd)


@contextmanager
def open_atomically(path: str | Path) -> Iterator[BinaryIO]:
    """A binary handle whose content replaces ``path`` when the ``with`` block ends normally."""
    with AtomicFile(path) as target:
        try:
            with open(target.partial, "wb") as handle:
                yield handle
        except OSError as exc:
            raise write_error(target.path, exc) from None
        target.commit()


def write_atomically(path: str | Path, data: bytes | str) -> Path:
    """Replace ``path`` by ``data`` (str is written as UTF-8), all or nothing."""
    with open_atomically(path) as handle:
        handle.write(data.encode("utf-8") if isinstance(data, str) else data)
    return Path(path)
