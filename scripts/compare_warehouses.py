"""Compare two warehouses table by table: same tables, same columns and types, same rows (as multisets).

A refactoring that should not change behaviour (SQL formatting, a model rewritten, a macro moved) is
checked by building the warehouse before and after and comparing every mart. Each side is a DuckDB file,
or a build made on the spot from a git commit (``git:REF``) or from the working tree (``.``):

    .venv/bin/python scripts/compare_warehouses.py git:main .
    .venv/bin/python scripts/compare_warehouses.py before.duckdb after.duckdb --schema main --schema raw
    .venv/bin/python scripts/compare_warehouses.py git:main . \
        --dbt-args "--vars '{working_age_rule_set: statutory}'"

Builds go to a temporary folder (never to the published warehouse) with the counts directory given by
KZ_COUNTS_DIR (default data/reference/tables), relative to the tree that is built, so both sides read
their own bundled tables. Rows are compared exactly (``except all`` both ways, nulls equal); columns that
differ by design between two builds (the build time) are left out and named. Tables only: the
staging and intermediate views name the catalog they were built in and do not resolve once attached
under another name (their contents reach the marts, which are compared). Exit status 0 when the two
warehouses are identical, 1 when they differ, 2 on a usage or build error.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import duckdb

ROOT = Path(__file__).resolve().parents[1]
# Columns whose value differs between any two builds by design.
DEFAULT_IGNORED = ("dim_build_settings.built_at",)
EXAMPLE_ROWS = 5


@dataclass
class TableDifference:
    schema: str
    table: str
    problems: list[str] = field(default_factory=list)


def _fail(message: str) -> NoReturn:
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(2)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def build_side(spec: str, workdir: Path, dbt_args: list[str]) -> Path:
    """The DuckDB file for one side: the file itself, or a fresh build of ``git:REF`` or ``.``."""
    if spec != "." and not spec.startswith("git:"):
        path = Path(spec)
        if not path.is_file():
            _fail(f"{spec}: no such DuckDB file (or use git:REF or . to build one)")
        return path
    name = "worktree" if spec == "." else spec.removeprefix("git:").replace("/", "_")
    if spec == ".":
        tree = ROOT
    else:
        tree = workdir / f"tree-{name}"
        tree.mkdir()
        archive = workdir / f"{name}.tar"
        ref = spec.removeprefix("git:")
        if subprocess.run(["git", "-C", str(ROOT), "archive", "--output", str(archive), ref]).returncode:
            _fail(f"{spec}: git cannot archive {ref!r}")
        with tarfile.open(archive) as tar:
            tar.extractall(tree, filter="data")
    database = workdir / f"{name}.duckdb"
    env = {
        **os.environ,
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "DBT_PROFILES_DIR": str(tree),
        "PYTHONPATH": str(tree / "python"),
        "KZ_BUILD_PATH": str(database),
        "KZ_COUNTS_DIR": os.environ.get("KZ_COUNTS_DIR", "data/reference/tables"),
    }
    dbt = Path(sys.executable).with_name("dbt")
    command = [
        str(dbt), "build", "--quiet", "--project-dir", str(tree / "dbt_project"),
        "--target-path", str(workdir / f"target-{name}"), "--log-path", str(workdir / f"logs-{name}"),
        *dbt_args,
    ]
    print(f"building {spec} -> {database}", file=sys.stderr)
    result = subprocess.run(command, cwd=tree, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        _fail(f"dbt build of {spec} failed:\n{result.stdout[-4000:]}")
    return database


def _tables(connection: duckdb.DuckDBPyConnection, catalog: str, schemas: list[str]) -> set[tuple[str, str]]:
    rows = connection.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = ? and list_contains(?, table_schema) and table_type = 'BASE TABLE'",
        [catalog, schemas],
    ).fetchall()
    return {(schema, table) for schema, table in rows}


def _columns(connection: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str) -> list[tuple[str, str]]:
    return [
        (name, data_type)
        for name, data_type in connection.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_catalog = ? and table_schema = ? and table_name = ? order by ordinal_position",
            [catalog, schema, table],
        ).fetchall()
    ]


def compare_table(
    connection: duckdb.DuckDBPyConnection, schema: str, table: str, ignored: set[str]
) -> TableDifference:
    difference = TableDifference(schema, table)
    before_columns = _columns(connection, "before", schema, table)
    after_columns = _columns(connection, "after", schema, table)
    if before_columns != after_columns:
        before_set, after_set = dict(before_columns), dict(after_columns)
        only_before = [c for c in before_set if c not in after_set]
        only_after = [c for c in after_set if c not in before_set]
        retyped = [f"{c} {before_set[c]} -> {after_set[c]}" for c in before_set if c in after_set and
                   before_set[c] != after_set[c]]
        if only_before:
            difference.problems.append(f"columns only before: {', '.join(only_before)}")
        if only_after:
            difference.problems.append(f"columns only after: {', '.join(only_after)}")
        if retyped:
            difference.problems.append(f"types changed: {', '.join(retyped)}")
        if not (only_before or only_after or retyped):
            difference.problems.append("column order changed")
    after_names = {name for name, _ in after_columns}
    shared = [name for name, _ in before_columns if name in after_names and f"{table}.{name}" not in ignored]
    if not shared:
        difference.problems.append("no column in common to compare rows on")
        return difference
    select_list = ", ".join(_quote(name) for name in shared)
    relation = f"{_quote(schema)}.{_quote(table)}"
    before_sql = f"select {select_list} from before.{relation}"
    after_sql = f"select {select_list} from after.{relation}"
    for label, left, right in (("before", before_sql, after_sql), ("after", after_sql, before_sql)):
        missing_sql = f"{left} except all {right}"
        (count,) = connection.execute(f"select count(*) from ({missing_sql})").fetchone() or (0,)
        if count:
            examples = connection.execute(f"select * from ({missing_sql}) limit {EXAMPLE_ROWS}").fetchall()
            difference.problems.append(
                f"{count} row(s) only {label}, e.g.:\n" + "\n".join(f"      {row}" for row in examples)
            )
    if not difference.problems:
        (rows,) = connection.execute(f"select count(*) from before.{relation}").fetchone() or (0,)
        print(f"  same   {schema}.{table} ({rows} rows, {len(shared)} columns)")
    return difference


def compare(before: Path, after: Path, schemas: list[str], ignored: set[str]) -> list[TableDifference]:
    """Every difference between the two warehouses in the given schemas; empty when they are identical."""
    connection = duckdb.connect()
    connection.execute(f"attach '{before}' as before (read_only)")
    connection.execute(f"attach '{after}' as after (read_only)")
    before_tables, after_tables = _tables(connection, "before", schemas), _tables(connection, "after", schemas)
    differences = [TableDifference(s, t, ["table only before"]) for s, t in sorted(before_tables - after_tables)]
    differences += [TableDifference(s, t, ["table only after"]) for s, t in sorted(after_tables - before_tables)]
    for schema, table in sorted(before_tables & after_tables):
        difference = compare_table(connection, schema, table, ignored)
        if difference.problems:
            differences.append(difference)
    if not before_tables | after_tables:
        differences.append(TableDifference(",".join(schemas), "*", ["no table in either warehouse"]))
    return differences


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", help="DuckDB file, git:REF (build that commit) or . (build the working tree)")
    parser.add_argument("after", help="DuckDB file, git:REF or .")
    parser.add_argument(
        "--schema", action="append", dest="schemas", help="schema to compare (repeatable; default: main, the marts)"
    )
    parser.add_argument(
        "--ignore", action="append", default=[], metavar="TABLE.COLUMN",
        help=f"column left out of the row comparison (repeatable; always: {', '.join(DEFAULT_IGNORED)})",
    )
    parser.add_argument("--dbt-args", default="", help="extra arguments for dbt build when a side is built")
    args = parser.parse_args(argv)
    schemas = args.schemas or ["main"]
    ignored = set(DEFAULT_IGNORED) | set(args.ignore)
    with tempfile.TemporaryDirectory(prefix="compare-warehouses-") as workdir:
        dbt_args = shlex.split(args.dbt_args)
        before = build_side(args.before, Path(workdir), dbt_args)
        after = build_side(args.after, Path(workdir), dbt_args)
        print(f"comparing {args.before} with {args.after} in schema(s) {', '.join(schemas)}")
        print(f"  columns left out: {', '.join(sorted(ignored))}")
        differences = compare(before, after, schemas, ignored)
    for difference in differences:
        print(f"  DIFFERS {difference.schema}.{difference.table}")
        for problem in difference.problems:
            print(f"    {problem}")
    print("identical" if not differences else f"{len(differences)} table(s) differ")
    return 1 if differences else 0


if __name__ == "__main__":
    raise SystemExit(main())
