"""Carry Germany's record of migration with Kazakhstan (Destatis GENESIS 12711-0008) into data/partner/.

Reads the raw GENESIS export in ``../shared/published/mirror`` (JSON-stat values and the table structure; read
here, never committed as they are), takes the Kazakhstan rows (partner code ST444) and writes
``data/partner/destatis_kazakhstan_migration.csv``: one row per year and nationality with Germany's arrivals
from Kazakhstan, departures to Kazakhstan and the balance, each row with its source id, URL, licence and
provenance. The extracted CSV beside the export must agree with it cell for cell (a second reading of the
same table); any difference stops the carry with the year, nationality and both values.

    python scripts/carry_destatis_mirror.py            # rewrites data/partner/destatis_kazakhstan_migration.csv
    python scripts/carry_destatis_mirror.py OUT.csv    # writes elsewhere (the test compares it with the committed file)
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIRROR = ROOT.parent / "shared" / "published" / "mirror"
DATA = MIRROR / "destatis_12711-0008_data.json"
STRUCTURE = MIRROR / "destatis_12711-0008_structure.json"
EXTRACT = MIRROR / "destatis_12711-0008_kazakhstan_2000_2023.csv"
OUT = ROOT / "data" / "partner" / "destatis_kazakhstan_migration.csv"

SOURCE_ID = "destatis_12711_0008"
SOURCE_URL = "https://www-genesis.destatis.de/datenbank/online/statistic/12711/table/12711-0008"
LICENCE = "Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0); © Statistisches Bundesamt (Destatis)"
KAZAKHSTAN = "ST444"
# GENESIS content codes as the structure file labels them (checked below, so a relabelled export stops here).
CONTENTS = {"BEV029": ("arrivals", "Zuzüge aus dem Ausland"), "BEV011": ("departures", "Fortzüge in das Ausland"),
            "BEV012": ("balance", "Wanderungssaldo")}
NATIONALITIES = {"%TOTAL%": ("total", "Insgesamt"), "NATD": ("german", "Deutsche"), "NATA": ("foreign", "Ausländer")}
# The extracted CSV names nationalities and columns its own way.
EXTRACT_NATIONALITY = {"total": "total", "Germans": "german", "foreigners": "foreign"}
EXTRACT_COLUMN = {"arrivals": "arrivals_in_Germany_from_KZ", "departures": "departures_from_Germany_to_KZ",
                  "balance": "net_Germany_vs_KZ"}
HEADER = ["year", "partner_country_code", "nationality_code", "arrivals_in_germany_from_kazakhstan",
          "departures_from_germany_to_kazakhstan", "balance_of_germany_with_kazakhstan", "value_status",
          "source_id", "source_url", "licence", "provenance"]


def fail(path: Path, message: str) -> None:
    raise SystemExit(f"{path}: {message}")


def from_export() -> dict[tuple[int, str], dict[str, int | str]]:
    """(year, nationality) -> the three measures and their status, read from the JSON-stat cube."""
    structure = json.loads(STRUCTURE.read_text(encoding="utf-8"))
    if structure["table"]["code"] != "12711-0008":
        fail(STRUCTURE, f"table {structure['table']['code']!r}, expected 12711-0008")
    for code, (_, label) in CONTENTS.items():
        if structure["contents"][code]["label"]["de"] != label:
            fail(STRUCTURE, f"content {code} is labelled {structure['contents'][code]['label']['de']!r}, not {label!r}")
    if structure["variableValues"][KAZAKHSTAN]["label"]["de"] != "Kasachstan":
        fail(STRUCTURE, f"{KAZAKHSTAN} is not Kasachstan")
    (cube,) = json.loads(DATA.read_text(encoding="utf-8"))["data"]
    dims, sizes = cube["id"], cube["size"]
    index = {dim: cube["dimension"][dim]["category"]["index"] for dim in dims}

    def position(cell: dict[str, str]) -> int:
        flat = 0
        for dim, size in zip(dims, sizes, strict=True):
            flat = flat * size + index[dim][cell[dim]]
        return flat

    rows: dict[tuple[int, str], dict[str, int | str]] = {}
    for year in sorted(index["JAHR"], key=int):
        for nat_code, (nationality, _) in NATIONALITIES.items():
            row: dict[str, int | str] = {}
            statuses = set()
            for content, (measure, _) in CONTENTS.items():
                cell = {"statistic": "12711", "DINSG": "DG", "NAT": nat_code, "content": f"{content}$QMU",
                        "JAHR": year, "HZLDR1": KAZAKHSTAN}
                value = cube["value"][position(cell)]
                if value is None or float(value) != int(value):
                    fail(DATA, f"{year} {nationality} {measure}: not a count: {value!r}")
                row[measure] = int(value)
                statuses.add(cube["status"][position(cell)])
            if len(statuses) != 1:
                fail(DATA, f"{year} {nationality}: mixed value status {sorted(statuses)}")
            row["status"] = statuses.pop()
            rows[(int(year), nationality)] = row
    return rows


def check_against_extract(rows: dict[tuple[int, str], dict[str, int | str]]) -> None:
    with open(EXTRACT, encoding="utf-8", newline="") as handle:
        extract = list(csv.DictReader(handle))
    if len(extract) != len(rows):
        fail(EXTRACT, f"{len(extract)} rows, the export has {len(rows)}")
    for number, record in enumerate(extract, start=2):
        key = (int(record["year"]), EXTRACT_NATIONALITY[record["nationality"]])
        for measure, column in EXTRACT_COLUMN.items():
            if int(record[column]) != rows[key][measure]:
                fail(EXTRACT, f"row {number}, column {column}: {record[column]}, the export {rows[key][measure]}")


def main(out: Path = OUT) -> int:
    rows = from_export()
    check_against_extract(rows)
    counts = {key: {m: int(v) for m, v in row.items() if m != "status"} for key, row in rows.items()}
    for (year, nationality), row in counts.items():
        if row["arrivals"] - row["departures"] != row["balance"]:
            fail(DATA, f"{year} {nationality}: arrivals - departures != balance")
    for year in sorted({y for y, _ in counts}):
        for measure, _ in CONTENTS.values():
            german, foreign, total = (counts[(year, nat)][measure] for nat in ("german", "foreign", "total"))
            if german + foreign != total:
                fail(DATA, f"{year} {measure}: Germans + foreigners != total")
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        for (year, nationality), record in sorted(rows.items()):
            writer.writerow([year, "DEU", nationality, record["arrivals"], record["departures"], record["balance"],
                             record["status"], SOURCE_ID, SOURCE_URL, LICENCE, f"published:{SOURCE_ID}"])
    print(f"{out}: {len(rows)} rows (Kazakhstan, {min(y for y, _ in rows)}-{max(y for y, _ in rows)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
