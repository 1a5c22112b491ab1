"""Benchmark: load every bundled reference table into DuckDB as the warehouse does.

Reads data/reference/tables/*.csv.gz with read_csv and explicit column types (no sniffing) into an
in-memory database and prints seconds and rows per table and in total. In the same
run it parses the same files the way `dbt seed` does (agate, in Python) and prints the ratio of the two,
which is why the warehouse reads these tables with DuckDB instead of loading them as seeds.

    PYTHONPATH=python python bench/bench_reference_load.py [tables_dir]
"""

from __future__ import annotations

import gzip
import sys
import time
from pathlib import Path

import duckdb

from bns_ingest.cells import CANONICAL_COLUMN_TYPES as COLUMN_TYPES


def load(connection: duckdb.DuckDBPyConnection, tables_dir: Path) -> list[tuple[str, int, float]]:
    columns = "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in COLUMN_TYPES.items()) + "}"
    results = []
    for path in sorted(tables_dir.glob("*.csv*")):
        table_code = path.name.split(".")[0]
        started = time.perf_counter()
        connection.execute(
            f"create or replace table {table_code} as select * from read_csv(?, header = true, "
            f"auto_detect = false, strict_mode = true, columns = {columns}, nullstr = '')",
            [str(path)],
        )
        rows = connection.execute(f"select count(*) from {table_code}").fetchone()[0]
        results.append((table_code, rows, time.perf_counter() - started))
    return results


def parse_like_dbt_seed(tables_dir: Path) -> float:
    """Seconds to parse every table with agate, the CSV reader `dbt seed` uses before inserting rows."""
    import agate  # installed with dbt-core

    started = time.perf_counter()
    for path in sorted(tables_dir.glob("*.csv*")):
        with gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else open(path, encoding="utf-8") as f:
            agate.Table.from_csv(f)
    return time.perf_counter() - started


def main() -> None:
    default = Path(__file__).resolve().parents[1] / "data" / "reference" / "tables"
    tables_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    started = time.perf_counter()
    results = load(duckdb.connect(), tables_dir)
    read_csv_seconds = time.perf_counter() - started
    for name, rows, seconds in results:
        print(f"{name:<14} {rows:>8} rows  {seconds:6.2f} s")
    total_rows = sum(rows for _, rows, _ in results)
    print(
        f"{'total':<14} {total_rows:>8} rows  {read_csv_seconds:6.2f} s (DuckDB read_csv, the warehouse's path)"
    )
    seed_seconds = parse_like_dbt_seed(tables_dir)
    print(
        f"{'agate parse':<14} {total_rows:>8} rows  {seed_seconds:6.2f} s "
        f"(the dbt seed path, parsing alone: {seed_seconds / read_csv_seconds:.1f}x DuckDB's read_csv)"
    )


if __name__ == "__main__":
    main()
