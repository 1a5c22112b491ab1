"""Carry the two real flows that are not external migration into dbt seeds, each row with its citation.

* The all-flows balance («Сальдо миграции по всем потокам», internal + external) of the BNS iblock extract
  (``../shared/bns-samples/iblock_csv_migration_balance_extract.tsv``), read with the project's iblock parser and
  its checks (urban + rural = total, city administrations within their region; the extract lists only some
  regions, so the regions are not checked against the Republic here) ->
  ``dbt_project/seeds/bns_all_flows_balance.csv`` (source ``bns_iblock_all_flows_balance``).
* Interregional migration by region (``../shared/published/interregional/internal_migration_{2022,2023,2024}.csv``,
  yearly totals for 2022-2023, months for 2024, kept as they are printed) ->
  ``dbt_project/seeds/interregional_flows_by_region.csv`` (source ``kanatislambekov_interregional``). Every row
  must satisfy arrivals - departures = net, and every region that existed must be listed once per period.

The warehouse, not this script, derives the external balance (all flows - interregional):
``int_external_balance_derived``.

    PYTHONPATH=python python scripts/carry_flow_kinds.py
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

from bns_ingest.cells import TOTAL
from bns_ingest.context import Dimensions
from bns_ingest.errors import IngestError
from bns_ingest.pipeline import validated_cells
from warehouse.atomic import write_atomically

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
IBLOCK = SHARED / "bns-samples" / "iblock_csv_migration_balance_extract.tsv"
INTERREGIONAL = SHARED / "published" / "interregional"
SEEDS = ROOT / "dbt_project" / "seeds"
ALL_FLOWS_SEED = SEEDS / "bns_all_flows_balance.csv"
INTERREGIONAL_SEED = SEEDS / "interregional_flows_by_region.csv"
ALL_FLOWS_SOURCE = "bns_iblock_all_flows_balance"
INTERREGIONAL_SOURCE = "kanatislambekov_interregional"
INTERREGIONAL_YEARS = (2022, 2023, 2024)
# The compilation spells regions in its own transliteration.
REGION_OF_NAME = {
    "Abay": "10", "Aqmola": "11", "Aqtobe": "15", "Almaty region": "19", "Atyrau": "23", "West Kazakhstan": "27",
    "Jambyl": "31", "Jetisu": "33", "Qaraganda": "35", "Qostanay": "39", "Qyzylorda": "43", "Mangystau": "47",
    "Pavlodar": "55", "North Kazakhstan": "59", "Turkistan": "61", "Ulutay": "62", "East Kazakhstan": "63",
    "Astana city": "71", "Almaty city": "75", "Shymkent city": "79",
}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def all_flows_rows(extract: Path = IBLOCK) -> list[dict[str, object]]:
    cells = validated_cells([extract], Dimensions.from_seeds(), source_ids={extract: ALL_FLOWS_SOURCE},
                            partial_regions=True)
    rows = [
        {"year": c.year, "region_code": c.region_code, "settlement_code": c.settlement_code,
         "net_persons": c.persons, "source_id": ALL_FLOWS_SOURCE, "provenance": f"published:{ALL_FLOWS_SOURCE}"}
        for c in cells
        if c.table_code == "balance_all_flows" and c.region_kind != "city_within_region" and c.sex_code == TOTAL
    ]
    return sorted(rows, key=lambda r: (r["year"], r["region_code"], r["settlement_code"]))


def interregional_rows(folder: Path = INTERREGIONAL) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    problems: list[str] = []
    for year in INTERREGIONAL_YEARS:
        path = folder / f"internal_migration_{year}.csv"
        seen: dict[str, list[str]] = {}
        with open(path, encoding="utf-8", newline="") as handle:
            for line, record in enumerate(csv.DictReader(handle), start=2):
                where = f"{path.name}, row {line}"
                region = REGION_OF_NAME.get(record["region"])
                if region is None:
                    problems.append(f"{where}, column region: unknown region {record['region']!r}")
                    continue
                month = None if record["month"] == "Total" else MONTHS.index(record["month"]) + 1
                arrivals, departures, net = (int(record[k]) for k in ("arrivals", "departures", "net"))
                if arrivals - departures != net:
                    problems.append(f"{where}, column net: {net} is not arrivals {arrivals} - departures {departures}")
                seen.setdefault(region, []).append(record["month"])
                rows.append({"year": year, "month_number": "" if month is None else month, "region_code": region,
                             "arrivals": arrivals, "departures": departures, "net_persons": net,
                             "source_id": INTERREGIONAL_SOURCE, "provenance": f"published:{INTERREGIONAL_SOURCE}"})
        missing = sorted(set(REGION_OF_NAME.values()) - set(seen))
        if missing:
            problems.append(f"{path.name}: regions missing {' '.join(missing)}")
        for region, periods in seen.items():
            if sorted(periods) not in (["Total"], sorted(MONTHS)):
                problems.append(f"{path.name}: region {region} has periods {periods}, not one total or 12 months")
    if problems:
        raise SystemExit("error: " + "\n  ".join(problems))
    return sorted(rows, key=lambda r: (r["year"], r["region_code"], r["month_number"] or 0))


def write_seed(path: Path, rows: list[dict[str, object]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_atomically(path, lambda target: target.write_text(buffer.getvalue(), encoding="utf-8"))


def main() -> int:
    try:
        balances = all_flows_rows()
    except IngestError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    internal = interregional_rows()
    write_seed(ALL_FLOWS_SEED, balances)
    write_seed(INTERREGIONAL_SEED, internal)
    print(f"{ALL_FLOWS_SEED}: {len(balances)} rows; {INTERREGIONAL_SEED}: {len(internal)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
