"""What a failed data test found, one readable line per finding, for the build that failed.

dbt reports a failed test as «Failure in test row_rules_int_migration_counts_unioned_… Got 1 result» and a
path to its compiled SQL. After a failed build the publisher runs each failed test's compiled query again
(warehouse/dbt_build.py keeps it in build_results.json) on the build's private file, which a failed build
keeps, and prints what the rows say: the project's rule tests (tests/generic/row_rules.sql) return the rule,
how many rows or groups break it and one offending group with its numbers; a test whose rows carry a
description (the layer conflicts) is given by that; any other by its first rows, column by column.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from warehouse import dbt_build

# Rows of one failed test shown at most (a test may return thousands).
SHOWN_ROWS = 3
_FAILED = ("fail", "error")


def _names(result: dict[str, Any]) -> tuple[str, str]:
    """(test name, the model or source it tests) as the project's YAML names them."""
    name = str(result.get("name") or str(result.get("unique_id", "")).split(".")[2])
    attached = result.get("attached_node")
    return name, str(attached).split(".")[-1] if attached else ""


def _value(value: object) -> str:
    return "null" if value is None else str(value)


def _rule_lines(model: str, rows: list[tuple[object, ...]], columns: list[str]) -> list[str]:
    """The rows of a row_rules test: rule, failing_rows, example."""
    lines = []
    for row in rows:
        record = dict(zip(columns, row, strict=True))
        count = record.get("failing_rows")
        how_many = f"{count:,}" if isinstance(count, int) else _value(count)
        example = record.get("example")
        where = f" in {model}" if model else ""
        if example:
            groups = "1 group does not hold:" if count == 1 else f"{how_many} groups do not hold, e.g."
            lines.append(f"{record.get('rule')}{where}: {groups} {example}")
        else:
            lines.append(f"{record.get('rule')}{where}: {how_many} row(s) break it")
    return lines


def _row_lines(
    name: str, model: str, failures: object, rows: list[tuple[object, ...]], columns: list[str]
) -> list[str]:
    """The rows of any other test: its description column if it has one, else every column."""
    described = [c for c in columns if "description" in c or c in ("message", "problem")]
    shown = [
        _value(dict(zip(columns, row, strict=True))[described[0]]) if described
        else ", ".join(f"{column} {_value(value)}" for column, value in zip(columns, row, strict=True))
        for row in rows[:SHOWN_ROWS]
    ]
    count = f"{failures:,}" if isinstance(failures, int) else "some"
    head = f"{name}{f' on {model}' if model else ''}: {count} failing row(s)"
    more = f" (first {SHOWN_ROWS})" if isinstance(failures, int) and failures > SHOWN_ROWS else ""
    return [f"{head}{more}: {'; '.join(shown)}" if shown else head]


def describe(target: Path, database: Path) -> list[str]:
    """One line per finding of every test that failed in the dbt run whose artifacts are in `target`, found
    by running its compiled query on `database` (read-only). Empty when no test failed or nothing is there."""
    results = dbt_build.read_results(target)
    failed = [r for r in results if str(r.get("unique_id", "")).startswith("test.") and r.get("status") in _FAILED]
    if not failed:
        return []
    lines: list[str] = []
    try:
        connection = duckdb.connect(str(database), read_only=True)
    except duckdb.Error as error:
        return [f"{_names(r)[0]}: {r.get('message')} (the build file cannot be read: {error})"
                for r in failed]
    with connection:
        connection.execute("set enable_progress_bar = false")  # the lines go to a log, not a terminal
        for result in failed:
            name, model = _names(result)
            code = result.get("compiled_code")
            if result.get("status") == "error" or not code:
                message = str(result.get("message") or "no message").strip().splitlines()[0]
                lines.append(f"{name}{f' on {model}' if model else ''}: the test could not run: {message}")
                continue
            try:
                cursor = connection.execute(f"select * from (\n{code}\n) as failed_rows limit {SHOWN_ROWS * 10}")
                columns = [d[0] for d in cursor.description or []]
                rows = cursor.fetchall()
            except duckdb.Error as error:
                lines.append(f"{name}: {result.get('message')} (its query could not be run again: {error})")
                continue
            if {"rule", "failing_rows"} <= set(columns):
                lines += _rule_lines(model, rows, columns)
            else:
                lines += _row_lines(name, model, result.get("failures"), rows, columns)
    return lines
