"""The inputs and the table of docs/conjunctions.md's Fengyun-1C question.

    python docs/fengyun_conjunctions.py inputs CATALOG.3le SATCAT.csv OUT_DIR
    python docs/fengyun_conjunctions.py table SCREENING.json FY1C.3le

``inputs`` writes OUT_DIR/fy1c.3le, every object of international designator 1999-025 (the
tracked FY-1C cloud, the remnant of the satellite included), and OUT_DIR/payloads.3le, every
other object the SATCAT types PAYLOAD: neither file says which payloads still operate, so all
of them are kept. ``table`` counts the encounters of ``orbitview screen``'s JSON between a
fragment and a payload (fragment against fragment left out) and prints the closest as Markdown.
"""

import csv
import json
import sys
from pathlib import Path

CLOSEST = 10


def inputs(catalog: Path, satcat: Path, out: Path) -> None:
    with open(satcat, newline="") as file:
        payloads = {row["NORAD_CAT_ID"] for row in csv.DictReader(file) if row["OBJECT_TYPE"] == "PAYLOAD"}
    lines = catalog.read_text().splitlines()
    fengyun, others = [], []
    for k in range(0, len(lines) - 2, 3):
        record = lines[k:k + 3]
        number, designator = record[1][2:7].strip(), record[1][9:14]
        if designator == "99025":
            fengyun += record
        elif number in payloads:
            others += record
    (out / "fy1c.3le").write_text("\n".join(fengyun) + "\n")
    (out / "payloads.3le").write_text("\n".join(others) + "\n")
    print(f"{len(fengyun) // 3} FY-1C objects, {len(others) // 3} payloads", file=sys.stderr)


def table(screening: Path, fengyun_file: Path) -> None:
    lines = fengyun_file.read_text().splitlines()
    fengyun = {int(lines[k + 1][2:7]) for k in range(0, len(lines) - 2, 3)}
    events = [e for e in json.loads(screening.read_text())["events"] if (e["a"] in fengyun) != (e["b"] in fengyun)]

    def payload(event):
        return (event["b"], event["name_b"]) if event["a"] in fengyun else (event["a"], event["name_a"])

    close = [e for e in events if e["miss_km"] < 1.0]
    print(f"{len(events):,} encounters under 5 km with {len({payload(e)[0] for e in events}):,} payloads; "
          f"{len(close):,} under 1 km with {len({payload(e)[0] for e in close}):,} payloads")
    print("\n| TCA (UTC) | FY-1C fragment | payload | miss (m) | relative speed (km/s) "
          "| radial / in-track / cross-track (m) | Pc max |\n|---|---|---|---|---|---|---|")
    for e in sorted(events, key=lambda e: e["miss_km"])[:CLOSEST]:
        number, name = payload(e)
        fragment = e["a"] if e["a"] in fengyun else e["b"]
        print(f"| {e['tca'][:-1].replace('T', ' ')} | {fragment} | {name} ({number}) | {e['miss_km'] * 1000:.0f} "
              f"| {e['relative_speed_km_s']:.2f} | {e['radial_km'] * 1000:.0f} / {e['in_track_km'] * 1000:.0f} / "
              f"{e['cross_track_km'] * 1000:.0f} | {e['pc_max']:.2g} |")


if __name__ == "__main__":
    if sys.argv[1] == "inputs":
        inputs(Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))
    else:
        table(Path(sys.argv[2]), Path(sys.argv[3]))
