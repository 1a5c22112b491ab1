"""scripts/compare_warehouses.py finds every kind of difference between two small warehouses, and none
between a warehouse and its copy."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import duckdb
import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "compare_warehouses.py"
spec = importlib.util.spec_from_file_location("compare_warehouses", SCRIPT)
assert spec and spec.loader
compare_warehouses = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = compare_warehouses  # dataclasses look their module up there
spec.loader.exec_module(compare_warehouses)


def _warehouse(path: Path, *statements: str) -> Path:
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            "create table main.fct_flows as select * from (values ('75', 2021, 10, 1.5), ('75', 2022, 12, null),"
            " ('71', 2022, 12, 2.0)) as t(region_code, year, persons, share)"
        )
        connection.execute("create table main.dim_build_settings as select now() as built_at, 'paper' as rule_set")
        connection.execute("create view main.flows_view as select * from main.fct_flows")
        for statement in statements:
            connection.execute(statement)
    return path


def _problems(before: Path, after: Path) -> dict[str, list[str]]:
    differences = compare_warehouses.compare(before, after, ["main"], set(compare_warehouses.DEFAULT_IGNORED))
    return {d.table: d.problems for d in differences}


def test_a_copy_is_identical_and_the_build_time_is_ignored(tmp_path: Path):
    before = _warehouse(tmp_path / "before.duckdb")
    after = _warehouse(tmp_path / "after.duckdb")  # built later: another built_at
    assert _problems(before, after) == {}
    assert compare_warehouses.main([str(before), str(after)]) == 0


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("update main.fct_flows set persons = 11 where year = 2021", ["1 row(s) only before", "1 row(s) only after"]),
        ("update main.fct_flows set share = 0 where share is null", ["1 row(s) only before", "1 row(s) only after"]),
        ("insert into main.fct_flows values ('75', 2021, 10, 1.5)", ["1 row(s) only after"]),  # a duplicate row
        ("alter table main.fct_flows drop column share", ["columns only before: share"]),
        ("alter table main.fct_flows alter persons type double", ["types changed: persons INTEGER -> DOUBLE"]),
    ],
)
def test_each_kind_of_difference_is_named(tmp_path: Path, statement: str, expected: list[str]):
    before = _warehouse(tmp_path / "before.duckdb")
    after = _warehouse(tmp_path / "after.duckdb", statement)
    problems = _problems(before, after)
    assert list(problems) == ["fct_flows"]
    assert [p.split(", e.g.")[0] for p in problems["fct_flows"]] == expected
    assert compare_warehouses.main([str(before), str(after)]) == 1


def test_missing_tables_on_either_side(tmp_path: Path):
    before = _warehouse(tmp_path / "before.duckdb", "create table main.fct_extra as select 1 as x")
    after = tmp_path / "after.duckdb"
    shutil.copy(before, after)
    with duckdb.connect(str(after)) as connection:
        connection.execute("drop table main.fct_extra")
        connection.execute("create table main.fct_new as select 1 as x")
    assert _problems(before, after) == {"fct_extra": ["table only before"], "fct_new": ["table only after"]}


def test_a_missing_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as exit_info:
        compare_warehouses.main([str(tmp_path / "nowhere.duckdb"), str(tmp_path / "nowhere.duckdb")])
    assert exit_info.value.code == 2
    assert "no such DuckDB file" in capsys.readouterr().err
