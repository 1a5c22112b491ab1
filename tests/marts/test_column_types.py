"""Counts are integers in every mart; rates, shares, averages and estimates are decimals that say how they are
rounded — and are rounded so.

The rule (docs/marts.md, "Column types"): a numeric column is a decimal when its name says it is not a count of
persons or cells — a percentage or a share (`pct`, `share`), a ratio, a rate, an index or a coverage (`_per_`, `_ratio`,
`_index`, `_coverage`, `_widening`), an average (`avg_`), an
estimate of the ensemble (`estimate…`, `p_value`), or a value in the unit of its row (`…value…`: a claim's
`computed_value`, which is a count for one claim and a share for another). Every other numeric column counts something
(persons, cells, years, members, ranks) and is an integer type. The columns are read from the marts' contracts
(every `_*__models.yml` of models/marts) and from the warehouse itself, never from a list kept here.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from ..conftest import REPO_ROOT
from ..yaml_files import load_yaml

MARTS_DIR = REPO_ROOT / "dbt_project" / "models" / "marts"
DECIMAL_NAME = re.compile(
    r"(^|_)pct(_|$)|(^|_)share(_|$)|_per_|_ratio$|_index$|_coverage|_widening$|^avg_|^estimate|^p_value$|(^|_)value(_|$)"
)
# A value in the unit of its row is a count for some rows and a share for others: a decimal, or an integer
# where every row of the mart counts persons.
EITHER_NAME = re.compile(r"(^|_)value(_|$)")
INTEGER_TYPES = {"integer", "bigint", "smallint", "tinyint", "hugeint"}
DECIMAL_TYPES = {"double", "float", "real"}
ROUNDED = re.compile(r"Rounded to (\d+) decimals\.")
NOT_ROUNDED = re.compile(r"Not rounded\b")


def contract_columns() -> list[tuple[str, str, str, str]]:
    """(model, column, data type, description) of every numeric column of every mart's contract."""
    found = []
    for path in sorted(MARTS_DIR.rglob("_*.yml")):
        for model in (load_yaml(path) or {}).get("models", []):
            for column in model.get("columns", []):
                data_type = str(column.get("data_type", "")).lower()
                if data_type in INTEGER_TYPES | DECIMAL_TYPES or data_type.startswith("decimal"):
                    found.append((model["name"], column["name"], data_type, column.get("description", "")))
    return found


def test_the_contracts_hold_numeric_columns_of_both_kinds() -> None:
    kinds = {bool(DECIMAL_NAME.search(column)) for _, column, _, _ in contract_columns()}
    assert kinds == {True, False} and len(contract_columns()) > 100


@pytest.mark.parametrize(("model", "column", "data_type", "description"), contract_columns(),
                         ids=[f"{model}.{column}" for model, column, _, _ in contract_columns()])
def test_counts_are_integers_and_decimals_document_their_rounding(
    model: str, column: str, data_type: str, description: str
) -> None:
    if EITHER_NAME.search(column) and data_type in INTEGER_TYPES:
        return
    if DECIMAL_NAME.search(column):
        assert data_type in DECIMAL_TYPES or data_type.startswith("decimal"), f"{model}.{column} is {data_type}"
        assert ROUNDED.search(description) or NOT_ROUNDED.search(description), (
            f"{model}.{column}: the description does not say how it is rounded ('Rounded to N decimals.' or "
            f"'Not rounded')")
    else:
        assert data_type in INTEGER_TYPES, f"{model}.{column} counts something but its contract says {data_type}"


@pytest.fixture(scope="module")
def warehouse(built_warehouse: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(built_warehouse), read_only=True)
    yield connection
    connection.close()


def test_every_count_column_of_the_warehouse_is_an_integer(warehouse: duckdb.DuckDBPyConnection) -> None:
    """The file a BI tool opens, not only the contracts: no count is stored as a floating-point number."""
    rows = warehouse.execute(
        "select table_name, column_name, data_type from duckdb_columns() "
        "where schema_name = 'main' and (data_type in ('DOUBLE', 'FLOAT') or data_type like 'DECIMAL%' "
        "or data_type in ('INTEGER', 'BIGINT', 'SMALLINT', 'TINYINT', 'HUGEINT'))").fetchall()
    assert len(rows) > 100
    wrong = [f"{table}.{column}: {data_type}" for table, column, data_type in rows
             if not DECIMAL_NAME.search(column) and data_type not in {t.upper() for t in INTEGER_TYPES}]
    assert not wrong, "counts stored as decimals: " + ", ".join(wrong)


def test_decimals_are_rounded_as_their_descriptions_say(warehouse: duckdb.DuckDBPyConnection) -> None:
    checked = 0
    for model, column, _, description in contract_columns():
        found = ROUNDED.search(description)
        if not found:
            continue
        digits = int(found.group(1))
        values, off = warehouse.execute(
            f'select count("{column}"), count(*) filter (where "{column}" <> round("{column}", {digits})) '
            f"from main.{model}").fetchone()
        assert off == 0, f"{model}.{column}: {off} of {values} values have more than {digits} decimals"
        checked += values > 0
    assert checked > 50
