"""The scenario's [conjunctions] table: read as docs/scenarios.md says, mistakes named by line,
and an export draws the highlighted encounter's miss line between the pair (EGL)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from orbitview.core.conjunctions import screen
from orbitview.core.model.camera import project_to_pixels
from orbitview.core.model.scenario import OverlayText
from orbitview.core.model.screening import Highlight, frame_pair
from orbitview.core.orbits.times import parse_utc
from orbitview.io.catalog_files import load_catalogs
from orbitview.io.writers import write_catalog
from orbitview.io.scenario_file import ScenarioError, parse_scenario
from orbitview.services.scenario import build_scene

#: Meteor 2-3 and a Fengyun-1C fragment, which pass within 10 km of each other on 2023-10-09.
PAIR = (10514, 29924)
START = "2023-10-09T12:00:00Z"
SIZE = (960, 540)
MISS_LINE = np.array([255, 51, 255])


@pytest.fixture(scope="module")
def pair_file(full_catalog_path, tmp_path_factory):
    full = load_catalogs([full_catalog_path]).catalog
    path = tmp_path_factory.mktemp("pair") / "pair.3le"
    write_catalog(full.take(np.flatnonzero(np.isin(full.norad_id, PAIR))), path, "3le")
    return path


def scenario_text(path, conjunctions: str) -> str:
    return f"""version = 1
[time]
start = "{START}"
end = "2023-10-10T12:00:00Z"
[[sources]]
file = "{path}"
[conjunctions]
{conjunctions}
"""


@pytest.mark.core
def test_the_conjunctions_table_reads_as_documented(pair_file):
    scene, _ = build_scene(parse_scenario(scenario_text(pair_file, """primaries = [29924]
start = "2023-10-09T13:00:00Z"
span_s = 21600.0
threshold_km = 2.5
markers = true
highlight = [{ a = 29924, b = 10514, tca = "2023-10-09T16:03:17.250Z", miss_km = 0.5 }]""")))
    conjunctions = scene.conjunctions
    assert conjunctions.primaries == (29924,)
    assert conjunctions.start_s == parse_utc("2023-10-09T13:00:00Z")
    assert (conjunctions.span_s, conjunctions.threshold_km, conjunctions.show_markers) == (21600.0, 2.5, True)
    assert conjunctions.highlighted == (Highlight(29924, 10514, parse_utc("2023-10-09T16:03:17Z") + 0.25, 0.5),)
    assert conjunctions.encounters == ()


@pytest.mark.core
def test_mistakes_in_the_conjunctions_table_are_named_by_line(pair_file):
    text = scenario_text(pair_file, """threshold_km = -1.0
primaries = ["ISS"]
highlight = [{ a = 1, b = 2, miss_km = 0.5 }]""")
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(text, "bad.toml")
    lines = str(raised.value).splitlines()
    assert sorted(lines, key=lambda line: int(line.split(":")[1])) == [
        "bad.toml:8: key 'conjunctions.threshold_km': expected a positive number, got -1",
        "bad.toml:9: key 'conjunctions.primaries': expected an array of catalogue numbers",
        "bad.toml:10: key 'conjunctions.highlight[0]': missing tca",
    ]


@pytest.mark.pixels
def test_an_export_draws_the_highlighted_miss_line_between_the_pair(pair_file, artefacts):
    from orbitview.render.export.exporter import FrameRenderer

    catalog = load_catalogs([pair_file]).catalog
    found = screen(catalog, parse_utc(START), 86400.0, 10.0, workers=1).encounters
    assert found
    encounter = min(found, key=lambda e: e.miss_km)
    highlight = Highlight.of(encounter)
    scene, _ = build_scene(parse_scenario(scenario_text(pair_file, f"""highlight = [{{ a = {highlight.a}, b = {highlight.b}, tca = "{START}", miss_km = {highlight.miss_km!r} }}]""")))
    scene.conjunctions.highlighted = (highlight,)
    scene.clock.time_s = highlight.tca_s
    refs = [scene.find(n)[0] for n in (highlight.a, highlight.b)]
    positions = np.array([scene.position_gcrs_km(r, highlight.tca_s) for r in refs])
    view = scene.view_from_gcrs(highlight.tca_s)
    frame_pair(scene.camera, view @ positions[0], view @ positions[1])
    renderer = FrameRenderer(scene, SIZE, OverlayText(legend=False, clock=False, captions=False))
    try:
        image = renderer.render(highlight.tca_s)
        scene.conjunctions.highlighted = ()
        without = renderer.render(highlight.tca_s)
    finally:
        renderer.close()
    Image.fromarray(image).save(artefacts / "export_miss_line.png")
    xy, in_front = project_to_pixels(positions, scene.camera, SIZE, view)
    assert in_front.all() and np.linalg.norm(xy[1] - xy[0]) > 20
    magenta = np.all(np.abs(image.astype(int) - MISS_LINE) < 60, axis=2)
    for s in np.linspace(0.3, 0.7, 5):
        x, y = np.round(xy[0] + s * (xy[1] - xy[0])).astype(int)
        assert magenta[y - 2: y + 3, x - 2: x + 3].any(), s
    # Nothing of that colour without the highlight.
    assert not np.all(np.abs(without.astype(int) - MISS_LINE) < 60, axis=2).any()
