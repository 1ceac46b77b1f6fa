"""Prints docs/breakup.md's table of the Fengyun-1C model against the record.

    .venv/bin/python docs/breakup_record.py [CATALOG_DIR]

CATALOG_DIR (default ../shared/data/catalog) holds the tracked cloud of 2025-02-15 and the
SATCAT of 2025-05-24. Columns: the plain model, the calibrated model (seeds 1-5: seed 1's
figures, and the range over the seeds for counts), the tracked cloud.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np

from orbitview.core.breakup.presets import PRESETS, run_event
from orbitview.core.breakup.standard_model import PLAIN
from orbitview.core.orbits import gabbard
from orbitview.core.orbits.propagate import propagate
from orbitview.io.catalog_files import load_catalog

EVENT = PRESETS["fengyun-1c-2007"]
YEAR_S = 365.25 * 86400.0
SEEDS = (1, 2, 3, 4, 5)
BANDS_KM = ((700, 750), (750, 800), (800, 850), (850, 900))


def percentiles(values, fmt="{:.1f}") -> str:
    return " / ".join(fmt.format(v) for v in np.percentile(values, [5, 50, 95]))


def short_e(value: float) -> str:
    """``6.6e-5``: two digits, no padded exponent."""
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def bstar_percentiles(values) -> str:
    return " / ".join(short_e(v) for v in np.percentile(values, [5, 50, 95]))


def along_track_m_s(result) -> np.ndarray:
    f = result.fragments
    parent_velocity = f.velocity_km_s - f.delta_v_km_s
    along = np.sum(f.delta_v_km_s * parent_velocity, axis=1) / np.linalg.norm(parent_velocity, axis=1)
    return along[result.element_sets.fragment_index] * 1e3


def surviving(catalog, years: float) -> float:
    states = propagate(catalog, np.array([EVENT.time_s + years * YEAR_S]), "TEME")
    return float(np.mean(states.error[0] == 0))


def band_medians(catalog) -> list[str]:
    perigee = gabbard.from_catalog(catalog).perigee_km
    out = []
    for low, high in BANDS_KM:
        in_band = (perigee >= low) & (perigee < high)
        out.append(f"{short_e(np.median(catalog.bstar[in_band]))} ({in_band.sum()})")
    return out


def column(result, counts) -> dict[str, str]:
    cloud = result.element_sets.catalog
    g = gabbard.from_catalog(cloud)
    along = along_track_m_s(result)
    f = result.fragments
    return {
        "objects in orbit (>= 10 cm)": f"{len(cloud):,} (seeds 1-5: {min(counts):,}-{max(counts):,})",
        "made / re-entered at once": f"{len(f):,} / {result.element_sets.reentered:,}",
        "kill vehicle's share (count, mass)":
            f"{(f.parent_index == 1).sum():,}, {f.mass_kg[f.parent_index == 1].sum() / f.mass_kg.sum():.0%}",
        "largest / heaviest fragment": f"{f.characteristic_length_m.max():.2f} m / {f.mass_kg.max():.0f} kg",
        "period, min (5 / 50 / 95 %)": percentiles(g.period_min),
        "apogee, km": percentiles(g.apogee_km, "{:,.0f}"),
        "perigee, km": percentiles(g.perigee_km, "{:,.0f}"),
        "inclination, deg": percentiles(cloud.inclination_deg, "{:.2f}"),
        "B\\*, 1/ER (5 / 50 / 95 %)": bstar_percentiles(cloud.bstar),
        **{f"median B\\* (count), perigee {lo}-{hi} km": m for (lo, hi), m in zip(BANDS_KM, band_medians(cloud))},
        "along-track delta-v of the pieces in orbit, m/s": f"{along.min():+,.0f} / {along.max():+,.0f}",
        "surviving after 5 / 18 years": f"{surviving(cloud, 5):.0%} / {surviving(cloud, 18):.0%} (SGP4)",
    }


def tracked_column(catalogs: Path) -> dict[str, str]:
    cloud = load_catalog(catalogs / "debris_2025-02-15_tle" / "fengyun-1c-debris.txt").catalog
    g = gabbard.from_catalog(cloud)
    with open(catalogs / "satcat_2025-05-24.csv", newline="", encoding="utf-8") as handle:
        decay = [r["DECAY"] for r in csv.DictReader(handle) if r["INTLDES"].startswith("1999-025")]
    up = lambda year: np.mean([not d or d > f"{year}-01-11" for d in decay])  # noqa: E731
    return {
        "objects in orbit (>= 10 cm)": f"{len(cloud):,} in 2025; 2,087 tracked within months",
        "made / re-entered at once": f"{len(decay):,} catalogued (SATCAT 1999-025*)",
        "kill vehicle's share (count, mass)": "none catalogued",
        "largest / heaviest fragment": "25730, RCS MEDIUM (0.1-1 m^2)",
        "period, min (5 / 50 / 95 %)": percentiles(g.period_min),
        "apogee, km": percentiles(g.apogee_km, "{:,.0f}"),
        "perigee, km": percentiles(g.perigee_km, "{:,.0f}"),
        "inclination, deg": percentiles(cloud.inclination_deg, "{:.2f}"),
        "B\\*, 1/ER (5 / 50 / 95 %)": bstar_percentiles(cloud.bstar),
        **{f"median B\\* (count), perigee {lo}-{hi} km": m for (lo, hi), m in zip(BANDS_KM, band_medians(cloud))},
        "along-track delta-v of the pieces in orbit, m/s": "-190 / +550 (first fragments, published)",
        "surviving after 5 / 18 years":
            f"{up(2012):.0%} / {up(2025):.0%} of those catalogued (SATCAT decay dates)",
    }


def main() -> None:
    catalogs = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/data/catalog")
    columns = []
    for calibration in (PLAIN, EVENT.calibration):
        results = [run_event(EVENT, 0.1, seed, calibration=calibration) for seed in SEEDS]
        counts = [len(r.element_sets.catalog) for r in results]
        columns.append(column(results[0], counts))
    columns.append(tracked_column(catalogs))
    print("| | plain model (seed 1) | calibrated model (seed 1) | tracked cloud, 2025-02-15 |")
    print("|---|---|---|---|")
    for key in columns[0]:
        print(f"| {key} | " + " | ".join(c[key] for c in columns) + " |")


if __name__ == "__main__":
    main()
