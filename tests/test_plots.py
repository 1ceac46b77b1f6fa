"""The matplotlib plots: the range curve against brute-force SGP4, and PNG, SVG and PDF files
opened by a second tool (Pillow, an XML parser, poppler's pdftoppm) and checked for content."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image
from sgp4.api import Satrec

from orbitview.cli import main
from orbitview.core import gabbard
from orbitview.core.conjunctions.pair_range import pair_range
from orbitview.core.times import parse_utc, posix_to_jd
from orbitview.render.plots import (
    APOGEE_RGB,
    PERIGEE_RGB,
    PNG_DPI,
    Panel,
    draw_gabbard,
    draw_range,
    new_figure,
    write_figure,
)

pytestmark = pytest.mark.core

SVG = "{http://www.w3.org/2000/svg}"
START = parse_utc("2025-02-15T00:00:00Z")


def svg_texts(root) -> list[str]:
    return [e.text or "" for e in root.iter(f"{SVG}text")]


def svg_group(root, gid: str):
    (group,) = [g for g in root.iter(f"{SVG}g") if g.get("id") == gid]
    return group


@pytest.fixture(scope="module")
def fy1c_file(catalogs):
    return catalogs / "debris_2025-02-15_tle" / "fengyun-1c-debris.txt"


@pytest.fixture(scope="module")
def parent_and_fragment(fy1c_tracked_2025):
    """Fengyun 1C's remnant (25730) and one of its fragments (29733), as SGP4 sees them."""
    rows = [int(np.flatnonzero(fy1c_tracked_2025.norad_id == n)[0]) for n in (25730, 29733)]
    return [fy1c_tracked_2025.satrecs[r] for r in rows]


def brute_range_km(sat_a: Satrec, sat_b: Satrec, times_s: np.ndarray) -> np.ndarray:
    jd, fr = posix_to_jd(times_s)
    _, r_a, _ = sat_a.sgp4_array(jd, fr)
    _, r_b, _ = sat_b.sgp4_array(jd, fr)
    return np.linalg.norm(r_b - r_a, axis=1)


def test_range_minima_are_the_brute_force_minima(parent_and_fragment):
    a, b = parent_and_fragment
    pair = pair_range(a, b, START, START + 6 * 3600.0)
    # Every local minimum of a 1 s brute-force sampling is one of the solved ones, and the solved
    # miss distance is the minimum of a 1 ms sampling about it: to 10 cm where the minimum is
    # shallow (thousands of km apart, where SGP4's velocity, which the root of d.v uses, is not
    # quite the derivative of its position), to a millimetre below 1,000 km.
    times = np.arange(START, START + 6 * 3600.0 + 0.5, 1.0)
    r = brute_range_km(a, b, times)
    local = np.flatnonzero((r[1:-1] < r[:-2]) & (r[1:-1] <= r[2:])) + 1
    assert len(local) == len(pair.minima) >= 5
    for k, (tca_s, miss_km) in zip(local, pair.minima):
        assert abs(tca_s - times[k]) < 1.0
        fine = brute_range_km(a, b, np.arange(tca_s - 1.0, tca_s + 1.0, 1e-3))
        assert miss_km == pytest.approx(fine.min(), abs=1e-4 if miss_km > 1000.0 else 1e-6)
    np.testing.assert_allclose(pair.range_km, brute_range_km(a, b, pair.times_s), rtol=0, atol=1e-9)


def test_range_pdf_opened_by_pdftoppm_has_the_curve_where_the_axes_put_it(parent_and_fragment, tmp_path, artefacts):
    a, b = parent_and_fragment
    pair = pair_range(a, b, START, START + 6 * 3600.0, names=("FENGYUN 1C", "FENGYUN 1C DEB"))
    figure = new_figure()
    draw_range(figure, pair)
    path = write_figure(figure, tmp_path / "range.pdf")
    subprocess.run(["pdftoppm", "-r", str(PNG_DPI), "-png", "-singlefile", str(path), str(tmp_path / "page")],
                   check=True)
    page = np.asarray(Image.open(tmp_path / "page.png").convert("RGB")).astype(int)
    Image.fromarray(page.astype(np.uint8)).save(artefacts / "range_from_pdf.png")
    assert page.shape == (1080, 1920, 3)
    (ax,) = figure.axes
    height = page.shape[0]

    def dark_near(x_h: float, y_km: float, radius: int = 3) -> bool:
        x, y = ax.transData.transform((x_h, y_km))
        col, row = int(round(x)), int(round(height - y))
        patch = page[row - radius:row + radius + 1, col - radius:col + radius + 1]
        return bool((patch.sum(axis=-1) < 200).any())

    hours = (pair.times_s - pair.times_s[0]) / 3600.0
    # Samples along the black curve, away from the red markers of the closest approaches.
    tca_h = np.array([(t - pair.times_s[0]) / 3600.0 for t, _ in pair.minima])
    samples = [k for k in np.linspace(40, len(hours) - 40, 24).astype(int)
               if np.abs(hours[k] - tca_h).min() > 0.05]
    assert len(samples) > 15
    assert all(dark_near(hours[k], pair.range_km[k]) for k in samples)
    # Half-way between the curve and the top of the axes there is no ink (away from the grid).
    top = ax.get_ylim()[1]
    assert not any(dark_near(hours[k] + 0.01, (pair.range_km[k] + top) / 2, 1) for k in samples
                   if top - pair.range_km[k] > 2000)
    # The closest approach is marked in red where the miss distance is.
    tca_s, miss_km = min(pair.minima, key=lambda m: m[1])
    x, y = ax.transData.transform(((tca_s - pair.times_s[0]) / 3600.0, miss_km))
    marker = page[int(height - y) - 2:int(height - y) + 3, int(x) - 2:int(x) + 3]
    assert (np.abs(marker - APOGEE_RGB).sum(axis=-1) < 60).any()


def test_gabbard_svg_holds_every_point_and_its_labels(fy1c_tracked_2025, tmp_path):
    g = gabbard.from_catalog(fy1c_tracked_2025)
    figure = new_figure()
    draw_gabbard(figure, [Panel("Tracked 2025", g)], title="Fengyun-1C")
    root = ET.parse(write_figure(figure, tmp_path / "g.svg")).getroot()
    texts = svg_texts(root)
    assert {"Period (min)", "Altitude (km)", "apogee", "perigee", "Fengyun-1C"} <= set(texts)
    (heading,) = [t for t in texts if t.startswith("Tracked 2025")]
    beyond = re.search(r"; ([\d,]+) points beyond the axes", heading)
    beyond = int(beyond.group(1).replace(",", "")) if beyond else 0
    assert f"({len(fy1c_tracked_2025):,} objects" in heading
    drawn = [len(list(svg_group(root, f"{name}-0").iter(f"{SVG}use"))) for name in ("apogee", "perigee")]
    # One marker per apogee and per perigee; the axes leave out at most 1 % + 1 % of them.
    assert sum(drawn) + beyond == 2 * len(fy1c_tracked_2025)
    assert beyond <= 0.02 * 2 * len(fy1c_tracked_2025)


def test_gabbard_png_shows_both_clouds(fy1c_model, fy1c_tracked_2025, artefacts):
    parent = float(gabbard.from_catalog(fy1c_model.parents).period_min[0])
    figure = new_figure()
    draw_gabbard(figure, [Panel("Model", gabbard.from_catalog(fy1c_model.element_sets.catalog), parent),
                          Panel("Tracked 2025", gabbard.from_catalog(fy1c_tracked_2025), parent)],
                 title="Fengyun-1C")
    path = write_figure(figure, artefacts / "gabbard_fengyun_1c.png")
    image = np.asarray(Image.open(path).convert("RGB")).astype(int)
    assert image.shape == (1080, 1920, 3)
    for ax in figure.axes:
        x0, y0, x1, y1 = ax.get_window_extent().extents.round().astype(int)
        inside = image[1080 - y1:1080 - y0, x0:x1]
        for rgb in (APOGEE_RGB, PERIGEE_RGB):
            assert (np.abs(inside - rgb).sum(axis=-1) < 30).sum() > 500
        # The parent's period is a dashed grey line across the axes.
        x, _ = ax.transData.transform((parent, 0.0))
        column = image[1080 - y1 + 5:1080 - y0 - 5, int(round(x)) - 1:int(round(x)) + 2]
        assert (np.abs(column - 90).sum(axis=-1) < 40).any(axis=1).mean() > 0.3


def test_cli_plots_each_kind_in_each_format(fy1c_file, tmp_path, capsys):
    runs = {
        "g.pdf": ["gabbard", str(fy1c_file), "--time", "2025-02-15T06:00:00Z"],
        "a.svg": ["altitude", str(fy1c_file)],
        "r.png": ["range", str(fy1c_file), "--pair", "25730", "29733", "--start", "2025-02-15T00:00:00Z"],
    }
    for name, argv in runs.items():
        assert main(["plot", *argv, "--out", str(tmp_path / name)]) == 0
    assert (tmp_path / "g.pdf").read_bytes().startswith(b"%PDF")
    root = ET.parse(tmp_path / "a.svg").getroot()
    assert {"Altitude (km)", "Objects per 50 km"} <= set(svg_texts(root))
    assert len(svg_group(root, "apogee-hist-0").findall(f".//{SVG}path")) == 1
    assert Image.open(tmp_path / "r.png").size == (1920, 1080)


@pytest.mark.parametrize("argv, message", [
    (["gabbard", "{f}", "--out", "x.jpg"], "PNG, SVG or PDF"),
    (["range", "{f}", "--pair", "25730", "1", "--start", "2025-02-15T00:00:00Z", "--out", "x.png"], "no object 1"),
    (["range", "{f}", "{f}", "--pair", "25730", "29733", "--start", "2025-02-15T00:00:00Z", "--out", "x.png"],
     "say which: 1:25730"),
    (["range", "{f}", "--pair", "25730", "29733", "--out", "x.png"], "--start"),
    (["gabbard", "{f}", "--pair", "25730", "29733", "--out", "x.png"], "range plot"),
])
def test_cli_mistakes_are_one_line_errors(argv, message, fy1c_file, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["plot", *(a.format(f=fy1c_file) for a in argv)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []
