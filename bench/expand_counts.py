"""Deterministic expander: canonical migration counts at 10^5 … 10^7 rows from the bundled tables.

BNS publishes the same tables by district as by region; a monitoring user who loads them gets many more
canonical rows of the same shape. This makes such a data set from the bundled reconstruction, in the
canonical format (docs/canonical_format.md), without randomness:

* below the bundled size (about 255,000 rows): the most recent years only, regions as they are;
* above it: every region becomes D synthetic districts (KATO-style four-digit codes `<region><kk>`), district
  k holding m_k = 1 + (k - 1) mod 3 times each of the region's figures. Every sum rule still holds: parts
  add up to totals inside each district, districts add up to the Republic (whose figures become
  sum(m_k) times the bundled ones), and a national_total table scaled the same way supersedes the seed.
  The regions seed gets one row per district (written into a copy of the dbt project by the benchmark).

Expanded rows are marked `modeled` with source `bench_expansion`: they are test data, not statistics.

    .venv/bin/python bench/expand_counts.py --rows 1000000 --out /tmp/counts_1e6 [--seeds-out DIR]
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from bns_ingest.cells import CANONICAL_COLUMN_TYPES

REPO_ROOT = Path(__file__).resolve().parents[1]
BUNDLED = REPO_ROOT / "data" / "reference" / "tables"
SEEDS = REPO_ROOT / "dbt_project" / "seeds"
REPUBLIC = "00"


@dataclass(frozen=True)
class Plan:
    districts: int  # per region; 1 = regions as they are
    first_year: int | None  # keep years >= first_year (None = all)


def _columns() -> str:
    return "{" + ", ".join(f"'{c}': '{t}'" for c, t in CANONICAL_COLUMN_TYPES.items()) + "}"


def read_bundled(connection: duckdb.DuckDBPyConnection, tables_dir: Path = BUNDLED) -> None:
    connection.execute(
        f"create or replace table bundled as select * from read_csv('{tables_dir}/*.csv*', header = true, "
        f"auto_detect = false, columns = {_columns()}, nullstr = '')"
    )


def multiplier(k: int) -> int:
    return 1 + (k - 1) % 3


def plan_for(connection: duckdb.DuckDBPyConnection, rows: int) -> Plan:
    total, republic = connection.execute(
        f"select count(*), count(*) filter (where region_code = '{REPUBLIC}') from bundled"
    ).fetchone()
    if rows < total:
        per_year = connection.execute("select year, count(*) from bundled group by year order by year desc").fetchall()
        kept = 0
        for year, count in per_year:
            kept += count
            if kept >= rows:
                return Plan(1, year)
        return Plan(1, None)
    return Plan(max(1, round((rows - republic) / (total - republic))), None)


# Parquet: what a large input is stored as (typed, columnar, each code column dictionary-encoded by the
# writer); rows ordered by table, region and year, so that a reader's filter on a table skips the row groups
# of the others. CSV: the bundled tables' own format, to measure a build that reads text.
FORMATS = {"parquet": "(format parquet, compression zstd)", "csv": "(header, delimiter ',')"}


def expand(connection: duckdb.DuckDBPyConnection, plan: Plan, out: Path, file_format: str = "parquet") -> int:
    """Writes the expanded canonical tables (one file per table_code, in file_format) into out; returns the
    row count."""
    out.mkdir(parents=True, exist_ok=True)
    year_filter = f"where year >= {plan.first_year}" if plan.first_year else ""
    if plan.districts == 1:
        select = f"select * from bundled {year_filter}"
    else:
        scale = sum(multiplier(k) for k in range(1, plan.districts + 1))
        connection.execute(
            "create or replace table districts as select k, 1 + (k - 1) % 3 as m from range(1, ?) as t(k)",
            [plan.districts + 1],
        )
        select = f"""
            select b.* replace (
                       b.region_code || lpad(d.k::varchar, 2, '0') as region_code,
                       b.persons * d.m as persons,
                       'bench_expansion' as source_id,
                       'modeled' as provenance)
            from bundled as b cross join districts as d
            where b.region_code <> '{REPUBLIC}' {year_filter.replace("where", "and")}
            union all
            select * replace (persons * {scale} as persons, 'bench_expansion' as source_id, 'modeled' as provenance)
            from bundled where region_code = '{REPUBLIC}' {year_filter.replace("where", "and")}
        """
    connection.execute(f"create or replace table expanded as {select}")
    for (table_code,) in connection.execute("select distinct table_code from expanded order by 1").fetchall():
        connection.execute(
            f"copy (select * from expanded where table_code = '{table_code}' "
            f"order by region_code, year) to '{out / (table_code + '.' + file_format)}' {FORMATS[file_format]}"
        )
    if plan.districts > 1:
        scale = sum(multiplier(k) for k in range(1, plan.districts + 1))
        connection.execute(
            f"copy (select * replace (persons * {scale} as persons, 'bench_expansion' as source_id, "
            f"'modeled' as provenance) from read_csv('{SEEDS / 'bns_national_external_flows.csv'}', "
            f"header = true, auto_detect = false, columns = {_columns()}, nullstr = '') {year_filter}) "
            f"to '{out / ('national_total.' + file_format)}' {FORMATS[file_format]}"
        )
    return connection.execute("select count(*) from expanded").fetchone()[0]


def write_regions_seed(plan: Plan, seeds_out: Path) -> None:
    """The regions seed with one row per synthetic district (the regions themselves stay, without figures)."""
    with open(SEEDS / "regions.csv", encoding="utf-8", newline="") as handle:
        regions = list(csv.DictReader(handle))
    rows = list(regions)
    if plan.districts > 1:
        order = 1000
        for region in regions:
            if region["region_code"] == REPUBLIC:
                continue
            for k in range(1, plan.districts + 1):
                order += 1
                code = f"{region['region_code']}{k:02d}"
                rows.append(
                    region
                    | {
                        "region_code": code,
                        "region_name_ru": f"{region['region_name_ru']} район {k}",
                        "region_name_en": f"{region['region_name_en']} district {k}",
                        "region_short_name_en": f"{region['region_short_name_en']} district {k}",
                        "bns_order": str(order),
                        "successor_region_codes": "",
                        "territory_code": code,
                    }
                )
    seeds_out.mkdir(parents=True, exist_ok=True)
    with open(seeds_out / "regions.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(regions[0]))
        writer.writeheader()
        writer.writerows(rows)


def make(rows: int, out: Path, seeds_out: Path | None = None, file_format: str = "parquet") -> tuple[Plan, int]:
    with duckdb.connect() as connection:
        read_bundled(connection)
        plan = plan_for(connection, rows)
        count = expand(connection, plan, out, file_format)
    if seeds_out is not None:
        write_regions_seed(plan, seeds_out)
    return plan, count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, required=True, help="target number of canonical rows, e.g. 1e6")
    parser.add_argument("--out", type=Path, required=True, help="folder for the canonical files")
    parser.add_argument("--format", choices=sorted(FORMATS), default="parquet", help="file format (default parquet)")
    parser.add_argument("--seeds-out", type=Path, default=None, help="folder for the extended regions seed")
    args = parser.parse_args()
    plan, count = make(int(args.rows), args.out, args.seeds_out, args.format)
    print(
        f"{count:,} canonical rows ({plan.districts} district(s) per region, "
        f"years from {plan.first_year or 'the first'}) in {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
