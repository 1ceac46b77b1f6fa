"""The TLE/3LE reader against sgp4's own parser, and its reports of damaged records."""

from __future__ import annotations

import numpy as np
import pytest
from sgp4.api import Satrec

from orbitview.core.orbits.classify import ObjectClass
from orbitview.core.orbits.sgp4_elements import ELEMENT_ATTRIBUTES
from orbitview.io.catalog_files import load_catalog
from orbitview.io.tle import parse_tle, tle_checksum

pytestmark = pytest.mark.core

ISS = (
    "ISS (ZARYA)",
    "1 25544U 98067A   23282.50000000  .00016717  00000-0  30000-3 0  9993",
    "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.49815307420005",
)


def fix(line: str) -> str:
    """``line`` with its checksum recomputed (column 69)."""
    return line[:68] + str(tle_checksum(line))


def record(name=ISS[0], line1=ISS[1], line2=ISS[2]) -> str:
    return f"{name}\n{fix(line1)}\n{fix(line2)}\n"


def reference(path) -> list[Satrec]:
    lines = [l for l in path.read_text(encoding="utf-8-sig").splitlines() if l.strip()]
    starts = [i for i in range(len(lines) - 1) if lines[i].startswith("1 ") and lines[i + 1].startswith("2 ")]
    return [Satrec.twoline2rv(lines[i], lines[i + 1]) for i in starts]


def test_every_real_tle_file_loads_with_the_counts_of_a_reference_parse(catalogs):
    files = [catalogs / "full_2023-10-09.3le", *sorted((catalogs / "debris_2025-02-15_tle").glob("*.txt"))]
    expected = {"full_2023-10-09.3le": 26140, "fengyun-1c-debris.txt": 1918, "cosmos-2251-debris.txt": 641,
                "iridium-33-debris.txt": 119, "cosmos-1408-debris.txt": 10}
    for path in files:
        result = load_catalog(path)
        assert result.problems == []
        assert len(result.catalog) == len(reference(path)) == expected[path.name]


def test_satrecs_are_bit_identical_to_twoline2rv(full_catalog_path):
    catalog = load_catalog(full_catalog_path).catalog
    ref = reference(full_catalog_path)
    # The elements workers and files get, computed from the columns before any satrec exists.
    assert not catalog.satrecs.built
    from_columns = catalog.sgp4_elements
    for key, attr in ELEMENT_ATTRIBUTES.items():
        ours = np.array([getattr(s, attr) for s in catalog.satrecs])
        theirs = np.array([getattr(s, attr) for s in ref])
        assert np.array_equal(ours, theirs), attr
        assert np.array_equal(from_columns[key], theirs), key
    assert np.array_equal(catalog.norad_id, [s.satnum for s in ref])
    # Propagation a day after each epoch: identical to the last bit.
    for ours, theirs in zip(catalog.satrecs[::97], ref[::97]):
        jd, fr = theirs.jdsatepoch + 1.0, theirs.jdsatepochF
        assert ours.sgp4(jd, fr) == theirs.sgp4(jd, fr) or ours.sgp4(jd, fr)[0] != 0


def exponent_records() -> str:
    """ISS records with B* and nddot at every exponent a TLE holds (-9..+9, and both signs of
    zero), each with representative mantissas of both signs."""
    rng = np.random.default_rng(13)
    mantissas = np.concatenate(([1, 99999, 10000, 50000, 12345, 33333, 66667], rng.integers(1, 100000, 150)))
    exponents = [("-", e) for e in range(9, -1, -1)] + [("+", e) for e in range(10)] + [(" ", 0)]
    text = []
    for k, (exp_sign, exp) in enumerate(exponents):
        for j, m in enumerate(mantissas):
            sign = "-" if j % 2 else " "
            nddot = f"{'-' if k % 2 else ' '}{mantissas[-1 - j]:05d}{exp_sign}{exp}"
            bstar = f"{sign}{m:05d}{exp_sign}{exp}"
            text.append(record(line1=ISS[1][:44] + nddot + " " + bstar + ISS[1][61:]))
    return "".join(text)


def assert_elements_are_twoline2rvs(catalog, text: str) -> None:
    lines = text.splitlines()
    ref = [Satrec.twoline2rv(lines[i + 1], lines[i + 2]) for i in range(0, len(lines), 3)]
    assert len(catalog) == len(ref)
    for key, attr in ELEMENT_ATTRIBUTES.items():
        assert np.array_equal(catalog.sgp4_elements[key], [getattr(s, attr) for s in ref]), key


def test_b_star_and_nddot_at_every_exponent_are_twoline2rvs():
    text = exponent_records()
    parsed = parse_tle(text, "x")
    assert parsed.problems == []
    assert_elements_are_twoline2rvs(parsed.catalog, text)
    assert np.ptp(np.log10(np.abs(parsed.catalog.bstar))) > 18


# numpy's vectorised transcendentals: their SIMD loops round differently from C's libm on some
# CPUs (numpy's AVX-512 power differs from pow in the last bit of 221 of the 26,140 B* values
# of full_2023-10-09.3le on an AMD EPYC).
TRANSCENDENTALS = ("power", "float_power", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos",
                   "tan", "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh", "tanh", "cbrt", "radians",
                   "deg2rad", "degrees", "rad2deg", "hypot")


def test_elements_do_not_rest_on_numpys_transcendentals(full_catalog_path, monkeypatch):
    """What another CPU's numpy may do, done here: every vectorised transcendental one bit
    off. The parse must still give twoline2rv's elements, so it cannot depend on them."""
    text = full_catalog_path.read_text(encoding="utf-8").rstrip("\n") + "\n" + exponent_records().replace("ISS (ZARYA)", "0 ISS")
    power = np.power
    for name in TRANSCENDENTALS:
        exact = getattr(np, name)
        monkeypatch.setattr(np, name, lambda *args, _f=exact, **kw: np.nextafter(_f(*args, **kw), np.inf))
    # The damage is in place. Not against 1e-5 itself: this CPU's own power may be the bit
    # below it (numpy 2.4's 10 ** -5 on this session's machine), and the damage then lands on it.
    assert np.power(10.0, -5.0) == np.nextafter(power(10.0, -5.0), np.inf)
    parsed = parse_tle(text, "x")
    assert parsed.problems == []
    named = [l for l in text.splitlines() if l.strip()]
    assert_elements_are_twoline2rvs(parsed.catalog, "\n".join(named))


def test_columns_hold_the_decimal_values_written(full_catalog_path):
    catalog = load_catalog(full_catalog_path).catalog
    i = int(np.flatnonzero(catalog.norad_id == 5)[0])  # 1 00005U 58002B   23282.54072583 ...
    assert catalog.name[i] == "VANGUARD 1"
    assert catalog.intl_designator[i] == "1958-002B"
    assert catalog.inclination_deg[i] == 34.2426 and catalog.eccentricity[i] == 0.1844295
    assert catalog.mean_motion_rev_per_day[i] == 10.85092911 and catalog.bstar[i] == pytest.approx(0.37082e-3, rel=1e-15)
    assert catalog.epoch_jd[i] == 2460226.5 and catalog.epoch_fr[i] == 0.54072583
    assert catalog.rev_at_epoch[i] == 33658 and catalog.element_set_no[i] == 999
    counts = np.bincount(catalog.object_class, minlength=4)
    assert counts[ObjectClass.DEBRIS] == 11619 and counts[ObjectClass.ROCKET_BODY] == 2162


def test_three_line_variants_and_text_encodings():
    body = record().replace("\n", "\r\n")
    text = "\ufeff" + "\r\n\r\n" + body.replace("ISS (ZARYA)", "0 ISS (ZARYA)   ") + "\r\n"
    parsed = parse_tle(text.encode("utf-8")[3:], "x")  # BOM stripped by the file layer
    assert parsed.problems == [] and list(parsed.catalog.name) == ["ISS (ZARYA)"]
    two_line = "\n".join(record().splitlines()[1:]) + "\n"
    parsed = parse_tle(two_line, "x")
    assert parsed.problems == [] and parsed.catalog.name[0] == ""
    # Trailing spaces after column 69, blank lines between lines 1 and 2, a lone-CR file.
    lines = record().splitlines()
    parsed = parse_tle(f"{lines[0]}\n{lines[1]}   \n\n{lines[2]}\t\n", "x")
    assert parsed.problems == [] and len(parsed.catalog) == 1
    parsed = parse_tle(record().replace("\n", "\r"), "x")
    assert parsed.problems == [] and len(parsed.catalog) == 1


def test_non_ascii_names_load():
    parsed = parse_tle(record(name="ÉTOILE 星 DEB"), "x")
    assert parsed.problems == []
    assert parsed.catalog.name[0] == "ÉTOILE 星 DEB"
    assert parsed.catalog.object_class[0] == ObjectClass.DEBRIS


def test_alpha5_numbers():
    line1 = ISS[1].replace("25544", "A0001", 1)
    line2 = ISS[2].replace("25544", "A0001", 1)
    parsed = parse_tle(record(line1=line1, line2=line2), "x")
    assert parsed.problems == [] and parsed.catalog.norad_id[0] == 100001
    z = parse_tle(record(line1=ISS[1].replace("25544", "Z9999", 1), line2=ISS[2].replace("25544", "Z9999", 1)), "x")
    assert z.catalog.norad_id[0] == 339999
    assert z.catalog.satrecs[0].satnum == 339999


def damaged_file() -> tuple[str, dict[int, str]]:
    """A 3LE file of good and damaged records, and the line -> kind each damage must report."""
    good = record()
    l1, l2 = fix(ISS[1]), fix(ISS[2])
    parts = [
        good,                                                           # lines 1-3
        f"BAD CHECKSUM\n{l1[:68]}{(int(l1[68]) + 1) % 10}\n{l2}\n",      # 5 checksum
        f"SHORT\n{l1}\n{l2[:50]}\n",                                   # 9 truncated (line 2)
        f"MISMATCH\n{l1}\n{fix(l2.replace('25544', '25545'))}\n",      # 12 mismatch (line 2)
        f"HIGH INCLINATION\n{l1}\n{fix(l2[:8] + '181.0000' + l2[16:])}\n",  # 15 range (line 2)
        f"DAY 400\n{fix(l1[:20] + '400' + l1[23:])}\n{l2}\n",         # 17 epoch
        f"LETTER\n{fix(l1[:40] + 'x' + l1[41:])}\n{l2}\n",             # 20 format
        f"ORPHAN\n{l2}\n",                                             # 23 order
        good.replace("ISS (ZARYA)", "LAST"),                           # 24-26 loads
    ]
    return "".join(parts), {5: "checksum", 9: "truncated", 12: "mismatch", 15: "range", 17: "epoch",
                            20: "format", 23: "order"}


def test_each_damaged_record_is_reported_at_its_line_and_the_rest_load():
    text, expected = damaged_file()
    parsed = parse_tle(text, "mixed.tle")
    assert {p.line: p.kind for p in parsed.problems} == expected
    assert list(parsed.catalog.name) == ["ISS (ZARYA)", "LAST"]
    assert all(str(p).startswith(f"mixed.tle:{p.line}: {p.kind}: ") for p in parsed.problems)


def test_sgp4_initialisation_errors_are_reported():
    # Eccentricity 0.9999999 passes the layout and the range check, but SGP4 rejects the orbit.
    line2 = fix(ISS[2][:26] + "9999999" + ISS[2][33:])
    parsed = parse_tle(record(line2=line2), "x")
    assert [p.kind for p in parsed.problems] == ["sgp4"]
    assert len(parsed.catalog) == 0


def test_bulk_classification_follows_the_per_name_rules(full_catalog_path):
    from orbitview.core.orbits.classify import classify, classify_many

    catalog = load_catalog(full_catalog_path).catalog
    one_by_one = [classify(n, d) for n, d in zip(catalog.name, catalog.intl_designator)]
    assert np.array_equal(classify_many(catalog.name, catalog.intl_designator), one_by_one)
    assert list(classify_many(["X DEB", "Y R/B", "", "Z"], ["", "", "1999-025A", "1999-025A"])) == [2, 1, 3, 0]
