"""Every mart of the published warehouse as CSV and Parquet, with a data dictionary beside them.

    python -m warehouse.export [--warehouse FILE] [--out report/data]

For each table of schema ``main`` it writes ``<mart>.csv`` (UTF-8, header, comma, ISO dates, rows in
primary-key order) and ``<mart>.parquet`` (zstd), and beside them ``data_dictionary.csv`` (one row per column:
mart, position, column, DuckDB type, whether it is part of the primary key, and its description — the dbt
description the build stored as a DuckDB COMMENT), ``marts.csv`` (one row per mart: description, key, rows,
file sizes) and ``README.md``. The folder is written in full beside the target, then swapped in with one
rename: a reader sees the previous export or the new one, never a mix, and a failed export leaves the
previous one as it was.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.atomic import replace_directory
from warehouse.publish import DEFAULT_PUBLISHED_PATH, REPO_ROOT

DEFAULT_OUT = REPO_ROOT / "report" / "data"
DICTIONARY_COLUMNS = ("mart", "position", "column_name", "data_type", "is_primary_key", "description")
MARTS_COLUMNS = ("mart", "description", "primary_key", "row_count", "csv_bytes", "parquet_bytes")


@dataclass(frozen=True)
class ExportedMart:
    name: str
    description: str
    primary_key: tuple[str, ...]
    row_count: int
    csv_bytes: int
    parquet_bytes: int


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def mart_names(connection: duckdb.DuckDBPyConnection) -> list[str]:
    rows = connection.execute(
        "select table_name from duckdb_tables() where schema_name = 'main' and database_name = current_database() "
        "order by table_name"
    ).fetchall()
    return [str(row[0]) for row in rows]


def primary_key(connection: duckdb.DuckDBPyConnection, mart: str) -> tuple[str, ...]:
    row = connection.execute(
        "select constraint_column_names from duckdb_constraints() where schema_name = 'main' "
        "and database_name = current_database() and table_name = ? and constraint_type = 'PRIMARY KEY'",
        [mart],
    ).fetchone()
    return tuple(row[0]) if row else ()


def dictionary_rows(connection: duckdb.DuckDBPyConnection, mart: str, key: Sequence[str]) -> list[dict[str, object]]:
    rows = connection.execute(
        "select column_index, column_name, data_type, coalesce(comment, '') from duckdb_columns() "
        "where schema_name = 'main' and database_name = current_database() and table_name = ? order by column_index",
        [mart],
    ).fetchall()
    return [
        {
            "mart": mart,
            "position": int(index),
            "column_name": name,
            "data_type": data_type,
            "is_primary_key": str(name in key).lower(),
            "description": comment,
        }
        for index, name, data_type, comment in rows
    ]


def _export_mart(connection: duckdb.DuckDBPyConnection, mart: str, folder: Path) -> ExportedMart:
    key = primary_key(connection, mart)
    # Primary-key order (every column where there is no key), so that two exports of one warehouse are equal.
    order = ", ".join(_quote(c) for c in key) if key else "all"
    query = f"select * from main.{_quote(mart)} order by {order}"
    csv_path, parquet_path = folder / f"{mart}.csv", folder / f"{mart}.parquet"
    connection.execute(f"copy ({query}) to {_literal(csv_path)} (format csv, header true, delimiter ',')")
    connection.execute(f"copy ({query}) to {_literal(parquet_path)} (format parquet, compression zstd)")
    comment_row = connection.execute(
        "select coalesce(comment, '') from duckdb_tables() where schema_name = 'main' "
        "and database_name = current_database() and table_name = ?",
        [mart],
    ).fetchone()
    count_row = connection.execute(f"select count(*) from main.{_quote(mart)}").fetchone()
    return ExportedMart(
        name=mart,
        description=str(comment_row[0]) if comment_row else "",
        primary_key=key,
        row_count=int(count_row[0]) if count_row else 0,
        csv_bytes=csv_path.stat().st_size,
        parquet_bytes=parquet_path.stat().st_size,
    )


def _first_paragraph(text: str) -> str:
    return " ".join(text.strip().split("\n\n")[0].split())


def _readme(marts: Sequence[ExportedMart], warehouse: Path) -> str:
    lines = [
        "# Downloads: every mart of the kz-migration warehouse",
        "",
        f"Exported by `python -m warehouse.export` from `{warehouse.name}`. Each mart is here as CSV (UTF-8, header, "
        "rows in primary-key order) and Parquet (zstd). `data_dictionary.csv` describes every column (type, "
        "primary key, description); `marts.csv` lists the marts with their rows and sizes. Licences: official "
        "BNS figures under BNS's terms, the reconstruction and the derived tables under CC BY 4.0 (see "
        "DATA_LICENSE.md in the repository); `provenance` columns and `dim_data_sources` say which is which.",
        "",
        "| mart | rows | key | description |",
        "|---|---:|---|---|",
    ]
    for mart in marts:
        key = ", ".join(mart.primary_key) or "–"
        description = _first_paragraph(mart.description).replace("|", "\\|")
        lines.append(
            f"| [{mart.name}]({mart.name}.csv) ([Parquet]({mart.name}.parquet)) | {mart.row_count:,} | {key} | "
            f"{description} |"
        )
    return "\n".join(lines) + "\n"


def _write_csv(path: Path, columns: Sequence[str], rows: Sequence[dict[str, object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def export(warehouse: Path, out: Path, progress: bool = True) -> list[ExportedMart]:
    """Write every mart of ``warehouse`` into ``out`` (replaced as a whole); return what was written."""
    warehouse, out = Path(warehouse), Path(out)
    if not warehouse.is_file():
        raise FileNotFoundError(f"no warehouse at {warehouse}: run `make build` first")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        staging.chmod(0o755)
        exported, dictionary = [], []
        connection = duckdb.connect(str(warehouse), read_only=True)
        try:
            names = mart_names(connection)
            for number, mart in enumerate(names, start=1):
                if progress:
                    print(f"==> [export] {number}/{len(names)} {mart}", flush=True)
                exported.append(_export_mart(connection, mart, staging))
                dictionary += dictionary_rows(connection, mart, exported[-1].primary_key)
        finally:
            connection.close()
        _write_csv(staging / "data_dictionary.csv", DICTIONARY_COLUMNS, dictionary)
        _write_csv(
            staging / "marts.csv",
            MARTS_COLUMNS,
            [
                {
                    "mart": m.name,
                    "description": _first_paragraph(m.description),
                    "primary_key": " ".join(m.primary_key),
                    "row_count": m.row_count,
                    "csv_bytes": m.csv_bytes,
                    "parquet_bytes": m.parquet_bytes,
                }
                for m in exported
            ],
        )
        (staging / "README.md").write_text(_readme(exported, warehouse), encoding="utf-8")
        for path in staging.iterdir():
            path.chmod(0o644)
        replace_directory(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return exported


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m warehouse.export", description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=DEFAULT_PUBLISHED_PATH, help="published DuckDB file")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder to (re)place (default: report/data)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        marts = export(args.warehouse, args.out)
    except (FileNotFoundError, duckdb.Error) as error:
        print(f"error: export of {args.warehouse}: {error}", file=sys.stderr)
        return 1
    total = sum(m.csv_bytes + m.parquet_bytes for m in marts)
    print(
        f"Exported {len(marts)} marts as CSV and Parquet with data_dictionary.csv to {args.out} "
        f"({total / 1e6:.1f} MB, {time.monotonic() - started:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
