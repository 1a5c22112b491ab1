"""Carry the national Taldau series (indices 2929752, 2929753) into the canonical seed.

Reads the two Taldau CSV exports from ../shared/bns-samples and writes
dbt_project/seeds/bns_national_external_flows.csv in the canonical raw format
(docs/canonical_format.md). Run once when the source files change:

    python scripts/carry_national_series.py ../shared/bns-samples
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from bns_ingest.cells import CANONICAL_COLUMNS

SERIES = {
    "arrival": ("taldau_national_external_arrivals_1991_2025.csv", "taldau_2929752"),
    "departure": ("taldau_national_external_departures_1991_2025.csv", "taldau_2929753"),
}
COLUMNS = list(CANONICAL_COLUMNS)  # the canonical long format, in file order (docs/canonical_format.md)


def main(samples_dir: Path, out_path: Path) -> None:
    rows = []
    for direction, (file_name, source_id) in SERIES.items():
        with open(samples_dir / file_name, newline="", encoding="utf-8") as handle:
            for record in csv.DictReader(handle):
                if record["transformation"] != "level":
                    raise ValueError(f"{file_name}: unexpected transformation {record['transformation']!r}")
                value = float(record["value"])
                if value != int(value) or value < 0:
                    raise ValueError(f"{file_name}: {record['date']} is not a count: {record['value']!r}")
                rows.append([
                    "national_total", int(record["date"][:4]), "00", "external", direction, "_T",
                    "_T", "_T", "_T", 0, "", "_T", "_T", int(value), source_id, f"published:{source_id}",
                ])
    rows.sort(key=lambda r: (r[1], r[4]))
    with open(out_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[1]
    main(Path(sys.argv[1]), root / "dbt_project" / "seeds" / "bns_national_external_flows.csv")
