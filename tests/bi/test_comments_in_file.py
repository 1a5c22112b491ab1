"""Table and column descriptions land in the published file as COMMENTs (dbt persist_docs), read the way a BI
tool reads them: DuckDB's catalog functions on a read-only connection."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from .conftest import documented_relations


@pytest.fixture(scope="module")
def catalog(built_warehouse: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(built_warehouse), read_only=True)
    yield connection
    connection.close()


def test_every_published_table_is_documented_and_its_comment_is_the_description(
    catalog: duckdb.DuckDBPyConnection,
) -> None:
    documented = documented_relations()
    tables = {
        (schema, name): comment
        for schema, name, comment in catalog.execute(
            "select schema_name, table_name, comment from duckdb_tables() where schema_name in ('main', 'semantic')"
        ).fetchall()
    }
    assert len(tables) >= 18
    undocumented = sorted(set(tables) - set(documented))
    assert not undocumented, f"published tables without a model description in the YAML: {undocumented}"
    for key, comment in tables.items():
        assert documented[key].description.strip(), f"{key} has an empty description"
        assert comment == documented[key].description, f"{key}: the table comment is not its description"


def test_every_column_of_every_published_table_carries_its_description(catalog: duckdb.DuckDBPyConnection) -> None:
    documented = documented_relations()
    rows = catalog.execute(
        "select schema_name, table_name, column_name, comment from duckdb_columns() "
        "where schema_name in ('main', 'semantic') and not internal"
    ).fetchall()
    assert len(rows) >= 295
    problems = []
    for schema, table, column, comment in rows:
        description = documented[(schema, table)].columns.get(column, "")
        if not description.strip():
            problems.append(f"{schema}.{table}.{column}: no description in the YAML")
        elif comment != description:
            problems.append(f"{schema}.{table}.{column}: comment {comment!r} is not the description")
    assert not problems, f"{len(problems)} of {len(rows)} columns, e.g. " + "; ".join(problems[:5])
