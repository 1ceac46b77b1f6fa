"""The window's ``--screenshot`` writes as every writer does (``orbitview.io.atomic``), under Xvfb."""

import os
import stat
import subprocess
import sys

import pytest
from mounts import listing, tmpfs

pytestmark = pytest.mark.qt


def screenshot(catalogs, out, umask=None):
    debris = catalogs / "debris_2025-02-15_tle" / "iridium-33-debris.txt"
    return subprocess.run(
        [sys.executable, "-m", "orbitview", str(debris), "--time", "2025-02-15T00:00:00Z", "--screenshot", str(out)],
        capture_output=True, text=True, timeout=90, preexec_fn=None if umask is None else (lambda: os.umask(umask)),
    )


@pytest.mark.parametrize("disk", ["full", "read-only"])
def test_a_screenshot_onto_a_disk_that_cannot_take_it_leaves_the_users_file(disk, catalogs, tmp_path):
    with tmpfs(tmp_path / "disk", keep=["w.png"], full=disk == "full", read_only=disk == "read-only") as mount:
        before = listing(mount)
        result = screenshot(catalogs, mount / "w.png")
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"orbitview: error: cannot write {mount / 'w.png'}: ")
        assert listing(mount) == before


def test_a_screenshot_has_the_mode_the_umask_gives(catalogs, tmp_path):
    result = screenshot(catalogs, tmp_path / "w.png", umask=0o077)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE((tmp_path / "w.png").stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["w.png"]
