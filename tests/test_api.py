"""``orbitview.api``: every name it lists resolves, it loads lazily, and docs/api.md's example
runs as written and computes what SGP4 itself says."""

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sgp4.api import Satrec

from orbitview.core.orbits.times import posix_to_jd

REPO = Path(__file__).resolve().parents[1]
DEBRIS = "debris_2025-02-15_tle/fengyun-1c-debris.txt"


@pytest.mark.core
def test_every_name_resolves_and_propagation_loads_neither_vispy_nor_qt():
    script = (
        "import sys\n"
        "from orbitview.api import load_catalog, parse_utc, propagate\n"
        "light = sorted({m.split('.')[0] for m in sys.modules} & {'vispy', 'PyQt6', 'OpenGL'})\n"
        "import orbitview.api as api\n"
        "missing = [name for name in api.__all__ if getattr(api, name, None) is None]\n"
        "print(light, missing, len(api.__all__))\n"
    )
    # A fresh interpreter: nothing imported by another test may hide a heavy import here.
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("[] [] "), out.stdout  # nothing heavy, nothing missing
    assert int(out.stdout.split()[-1]) >= 40


def doc_example() -> str:
    text = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    return re.search(r"```python\n(.*?)```", text, re.S).group(1)


@pytest.mark.core
def test_the_example_is_ten_lines():
    assert len([line for line in doc_example().splitlines() if line.strip()]) == 10


@pytest.mark.pixels
def test_the_docs_example_runs_and_agrees_with_sgp4(catalogs, monkeypatch, capsys):
    # The example names the catalogue as a checkout sees it, ../shared/data/catalog: run it on
    # the catalogues the tests were pointed at.
    example = doc_example()
    assert '"../shared/data/catalog' in example
    monkeypatch.chdir(REPO)
    namespace: dict = {}
    exec(compile(example.replace('"../shared/data/catalog', f'"{catalogs}'), "docs/api.md", "exec"), namespace)
    catalog, states, image = namespace["catalog"], namespace["states"], namespace["image"]

    assert len(catalog) == 1918 and states.position_km.shape == (91, 1918, 3) and states.frame == "TEME"
    # SGP4 itself, from the file's own lines, for a few objects: the same metres.
    lines = (catalogs / DEBRIS).read_text().splitlines()
    jd, fr = posix_to_jd(states.times_s)
    for k in (0, 700, 1917):
        satrec = Satrec.twoline2rv(lines[3 * k + 1], lines[3 * k + 2])
        assert int(lines[3 * k + 2][2:7]) == int(catalog.norad_id[k])
        error, r_km, _ = satrec.sgp4_array(jd, fr)
        assert not error.any()
        assert np.max(np.linalg.norm(r_km - states.position_km[:, k], axis=1)) < 1e-3  # 1 m

    assert image.shape == (360, 640, 3) and image.dtype == np.uint8
    # The Earth's disc fills the middle; the debris's own colour shows around it.
    assert image[170:190, 310:330].mean() > 20
    debris = (image[..., 0] > 180) & (image[..., 1] < 110)
    assert debris.sum() > 1000
    printed = capsys.readouterr().out
    assert printed.startswith("1918 objects at 2025-02-15T06:00:00Z: ") and printed.endswith(" km up\n")
