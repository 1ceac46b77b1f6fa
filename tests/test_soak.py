"""The signal soak of ``benchmarks/soak_signals.py``, 5 runs of each job (20 in the benchmark)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from soak_signals import soak  # noqa: E402

pytestmark = pytest.mark.pixels  # the video export renders with EGL

#: Seconds over which the moments are drawn: at most each job's length on a CI machine
#: (precompute 5-35 s, video 2.8-4.7 s here), so that most signals land mid-job (one that
#: lands after the end must find the complete file).
JOB_LENGTH_S = {"precompute": 4.0, "video export": 2.5}


@pytest.mark.parametrize("job", JOB_LENGTH_S)
def test_signals_at_random_moments_leave_no_partial_file_orphan_or_traceback(job, catalogs, tmp_path):
    report = soak(job, 5, random.Random(job), catalogs, tmp_path, length_s=JOB_LENGTH_S[job])
    assert report["failures"] == []
    assert report["stopped"] >= 1  # the soak did stop something
