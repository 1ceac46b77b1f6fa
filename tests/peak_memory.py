"""Run ``orbitview`` in a process of its own and measure that process's peak memory.

``wait4``'s ``ru_maxrss`` is no use here: Linux carries it across ``exec``, so a child forked
from a large test process reports the test's size. ``VmHWM`` in ``/proc/self/status`` starts
afresh with the new program, so the child reads its own just before it exits.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_CHILD = """
import sys
from orbitview.cli import main
code = main(sys.argv[2:])
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
open(sys.argv[1], "w").write(peak.split()[1])
sys.exit(code)
"""


def run_orbitview(args: list[str], scratch: Path) -> tuple[int, str, str, float]:
    """``(exit code, stdout, stderr, peak resident bytes)`` of ``orbitview ARGS...``;
    ``scratch`` is a directory for the peak figure (outside whatever the command writes)."""
    peak_file = scratch / "peak_kb.txt"
    done = subprocess.run([sys.executable, "-c", _CHILD, str(peak_file), *args], capture_output=True, text=True)
    return done.returncode, done.stdout, done.stderr, float(peak_file.read_text()) * 1024
