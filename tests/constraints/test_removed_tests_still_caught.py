"""Every single-column or single-rule dbt test that issue 13 removed is still enforced: a bad row fails.

`removed_tests.json` lists each removed test (node, column, kind, arguments) and where its guarantee lives
now. Two kinds of case, one pytest case per removed test:

* **constraint**: the mart table carries an enforced contract constraint (primary key, not null, check).
  A copy of the built warehouse is given one bad row (a copy of a real row with the offending value) and
  DuckDB must refuse the insert, as it refuses the bad row while `dbt build` fills the table.
* **rule**: the guarantee moved into the one consolidated test of the node (`<node>_row_rules`: its
  row rules, its shares and its parts-sum-to-total checks), or into the seed test that a staging test
  repeated. In a second copy every such case spoils one row of the tested relation; the consolidated tests,
  as dbt compiled them for the session's build (its manifest), are run against it and must name the broken
  rule among their failures.

Cost: two copies of the built warehouse and a few hundred small queries.
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ..conftest import SessionBuild

REMOVED = json.loads((Path(__file__).with_name("removed_tests.json")).read_text())
BAD_CODE = "ZZ_BAD"

# A value that breaks each boolean expression that was a test, as SQL assignments for one row.
EXPRESSION_BREAKERS = {
    "counts_are_not_negative": ("persons = -1", "direction_code <> 'net'"),
    "region_exists_in_year": ("year = 1900", "true"),
    "provenance_is_declared": ("provenance = 'bogus'", "true"),
    "every_country_has_a_top_level_group": ("group_code = null", "country_code <> '_T'"),
    "last_year is null or last_year >= first_year": ("last_year = first_year - 1", "true"),
    "valid_to_year >= valid_from_year": ("valid_to_year = valid_from_year - 1", "true"),
    "upper_age > lower_age": ("upper_age = lower_age - 1", "true"),
    "end_year >= start_year": ("end_year = start_year - 1", "true"),
    "provenance = 'modeled' or provenance like 'published:%'": ("provenance = 'bogus'", "true"),
    # mart check constraints
    "period_years_covered_within_period": ("years_covered = 0", "true"),
    "regime_length_matches_years": ("length_years = length_years + 1", "true"),
    "regime_sign_matches_direction": ("regime_direction = 'balanced'", "arrivals <> departures"),
    "country_period_years_fit_the_period": ("years_covered = 0", "true"),
    "group_period_years_fit_the_period": ("years_covered = 0", "true"),
    "specialist_levels_fit_in_working_age": ("higher_arrivals = working_age_arrivals + 1", "true"),
    "education_period_years_fit_the_period": ("years_covered = 0", "true"),
    "specialty_period_years_fit_the_period": ("years_covered = 0", "true"),
}


def schema_of(node: str, resource: str) -> str:
    if resource == "seed":
        return "raw"
    if node.startswith("stg_"):
        return "staging"
    if node.startswith("int_"):
        return "intermediate"
    return "main"


def case_id(entry: dict[str, Any]) -> str:
    name = entry["args"].get("_name") or entry["args"].get("expression", "")
    return f"{entry['node']}.{entry['column'] or ''}.{entry['test']}{'.' + name if name else ''}"


def is_constraint_case(entry: dict[str, Any]) -> bool:
    return "constraint" in entry["now"] or entry["now"].endswith("primary key")


CONSTRAINT_CASES = [e for e in REMOVED if is_constraint_case(e)]
RULE_CASES = [e for e in REMOVED if not is_constraint_case(e)]


# ---------------------------------------------------------------------------------------------------------
# constraint cases: DuckDB refuses the bad row


@pytest.fixture(scope="module")
def constrained_copy(built_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    copy = tmp_path_factory.mktemp("constraints") / built_warehouse.name
    shutil.copyfile(built_warehouse, copy)
    connection = duckdb.connect(str(copy))
    yield connection
    connection.close()


def _fresh_key(connection: duckdb.DuckDBPyConnection, table: str) -> str:
    """A replace() clause that moves the row to a key no other row has, so the row breaks only the rule tested."""
    schema, name = table.split(".")
    key = connection.execute(
        "select constraint_column_names from duckdb_constraints() "
        "where schema_name = ? and table_name = ? and constraint_type = 'PRIMARY KEY'",
        [schema, name],
    ).fetchone()
    if not key:
        return ""
    column = key[0][0]
    data_type = connection.execute(
        "select data_type from duckdb_columns() where schema_name = ? and table_name = ? and column_name = ?",
        [schema, name, column],
    ).fetchone()[0]
    if data_type == "VARCHAR":
        return f"'{BAD_CODE}' as {column}"
    # a key no row has: one step past the largest (a day for a timestamp, one for a number)
    step = "interval 1 day" if "TIMESTAMP" in data_type or data_type == "DATE" else "1"
    return f"(select max({column}) from {table}) + {step} as {column}"


def _bad_row_insert(connection: duckdb.DuckDBPyConnection, entry: dict[str, Any]) -> tuple[str, str]:
    """The insert that must fail, and a word the error must contain."""
    name = "fct_yearly_flows" if entry["now"] == "fct_yearly_flows primary key" else entry["node"]
    schema = connection.execute("select schema_name from duckdb_tables() where table_name = ?", [name]).fetchone()[0]
    table = f"{schema}.{name}"
    column, test, args = entry["column"], entry["test"], entry["args"]
    if test in ("unique", "unique_combination_of_columns"):
        return f"insert into {table} select * from {table} limit 1", "primary key"
    where = "true"
    if test == "not_null":
        change, word = f"null as {column}", "NOT NULL"
    elif test == "accepted_range":
        bad = f"{args['min_value']} - 1" if args.get("min_value") is not None else f"{args['max_value']} + 1"
        change, word = f"{bad} as {column}", "CHECK"
    elif test == "accepted_values":
        change, word = f"'{BAD_CODE}' as {column}", "CHECK"
    elif test == "expression_is_true":
        assignment, where = EXPRESSION_BREAKERS[args.get("_name") or args["expression"]]
        target, value = (part.strip() for part in assignment.split("=", 1))
        change, word = f"{value} as {target}", "CHECK"
    else:
        raise AssertionError(f"no bad row for {test}")
    key = _fresh_key(connection, table)
    key_column = key.rsplit(" as ", 1)[-1]
    changes = change if not key or change.endswith(f" as {key_column}") else f"{change}, {key}"
    return f"insert into {table} select * replace ({changes}) from {table} where {where} limit 1", word


@pytest.mark.parametrize("entry", CONSTRAINT_CASES, ids=[case_id(e) for e in CONSTRAINT_CASES])
def test_constraint_refuses_bad_row(constrained_copy: duckdb.DuckDBPyConnection, entry: dict[str, Any]) -> None:
    insert, word = _bad_row_insert(constrained_copy, entry)
    table = insert.split()[2]
    assert constrained_copy.execute(f"select count(*) from {table}").fetchone()[0] > 0
    with pytest.raises(duckdb.ConstraintException) as refused:
        constrained_copy.execute(insert)
    assert word.lower() in str(refused.value).lower()
    if entry["column"] and entry["test"] not in ("unique", "unique_combination_of_columns"):
        assert entry["column"] in str(refused.value)


# ---------------------------------------------------------------------------------------------------------
# rule cases: the consolidated test names the broken rule


def _target(entry: dict[str, Any]) -> tuple[str, str, set[str]]:
    """(relation to spoil, consolidated test that must fail, names of the rule it must report: one of them)."""
    relation, test, rule = _target_rule(entry)
    if rule.startswith("key (") and "," not in rule:  # a one-column key is the same rule as `column is unique`
        return relation, test, {rule, rule[len("key ("):].replace(") is unique", " is unique")}
    return relation, test, {rule}


def _target_rule(entry: dict[str, Any]) -> tuple[str, str, str]:
    now, _node, column, test, args = entry["now"], entry["node"], entry["column"], entry["test"], entry["args"]
    owner = now.split()[1] if now.startswith("seed ") else now.split()[0]
    resource = "seed" if now.startswith("seed ") else entry["resource"]
    relation = f"{schema_of(owner, resource)}.{owner}"
    if test == "shares_sum_to_100":
        return relation, f"{owner}_row_rules", f"{column} by {', '.join(args['group_by'])}"
    if test == "parts_sum_to_total":
        name = args.get("_name") or f"{args['part_column']} parts sum to {args['total_member']}"
        return relation, f"{owner}_row_rules", name
    if test == "unique_combination_of_columns":
        return relation, f"{owner}_row_rules", f"key ({', '.join(args['combination_of_columns'])}) is unique"
    if test == "unique":
        return relation, f"{owner}_row_rules", f"{column} is unique"
    if test == "not_null":
        return relation, f"{owner}_row_rules", f"{column} is not null"
    if test == "accepted_values":
        return relation, f"{owner}_row_rules", f"{column} in ({', '.join(map(str, args['values']))})"
    if test == "accepted_range":
        bounds = [f"{column} >= {args['min_value']}"] if args.get("min_value") is not None else []
        bounds += [f"{column} <= {args['max_value']}"] if args.get("max_value") is not None else []
        return relation, f"{owner}_row_rules", " and ".join(bounds)
    if test == "relationships":
        to = args["to"].split("'")[1]
        return relation, f"{owner}_row_rules", f"{column} references {to}.{args['field']}"
    if test == "expression_is_true":
        return relation, f"{owner}_row_rules", args.get("_name") or args["expression"]
    raise AssertionError(f"no target for {test}")


def _spoil(connection: duckdb.DuckDBPyConnection, relation: str, entry: dict[str, Any], offset: int) -> None:
    column, test, args = entry["column"], entry["test"], entry["args"]
    where = "true"
    if test in ("unique", "unique_combination_of_columns"):
        # A second copy of the last row: later cases spoil rows from the first on, so the pair stays equal.
        connection.execute(f"insert into {relation} select * from {relation} order by rowid desc limit 1")
        return
    if test == "not_null":
        assignment = f"{column} = null"
    elif test in ("accepted_values", "relationships"):
        schema, name = relation.split(".")
        data_type = connection.execute(
            "select data_type from duckdb_columns() where schema_name = ? and table_name = ? and column_name = ?",
            [schema, name, column],
        ).fetchone()[0]
        # A code no row has: BAD_CODE for a text key, a negative number for a numeric one (member_id).
        assignment = f"{column} = '{BAD_CODE}'" if data_type == "VARCHAR" else f"{column} = -987654"
    elif test == "accepted_range":
        bad = f"{args['min_value']} - 1" if args.get("min_value") is not None else f"{args['max_value']} + 1"
        assignment = f"{column} = {bad}"
    elif test == "expression_is_true":
        assignment, where = EXPRESSION_BREAKERS[args.get("_name") or args["expression"]]
    elif test == "shares_sum_to_100":
        assignment = f"{column} = case when {column} >= 50 then 0 else 100 end"
        where = f"{column} is not null and ({entry.get('where', 'true')})"
    elif test == "parts_sum_to_total":
        assignment = f"{args['value_column']} = {args['value_column']} + 1"
        where = f"{args['part_column']} <> '{args['total_member']}' and ({entry.get('where', 'true')})"
    else:
        raise AssertionError(test)
    row_count = connection.execute(f"select count(*) from {relation} where {where}").fetchone()[0]
    connection.execute(
        f"update {relation} set {assignment} where rowid = "
        f"(select rowid from {relation} where {where} order by rowid limit 1 offset {offset % max(row_count, 1)})"
    )


def _materialise_views(connection: duckdb.DuckDBPyConnection, relations: set[str]) -> None:
    """Those of the relations that are views become tables holding the same rows, so one row can be spoilt."""
    views = [
        (schema, view)
        for schema, view in connection.execute("select schema_name, view_name from duckdb_views() where not internal")
        .fetchall()
        if f"{schema}.{view}" in relations
    ]
    for schema, view in views:
        # Sorted: a view's row order may change from one run to the next, and the cases pick rows by position.
        connection.execute(f"create table {schema}.{view}__rows as select * from {schema}.{view} order by all")
    for schema, view in views:
        connection.execute(f"drop view {schema}.{view}")
        connection.execute(f"alter table {schema}.{view}__rows rename to {view}")


def consolidated_tests() -> set[str]:
    return {test for _, test, _ in (_target(entry) for entry in RULE_CASES)}


def compiled_tests(session_build: SessionBuild) -> dict[str, str]:
    """The consolidated tests' SQL as dbt compiled and ran it in the session's build (build_results.json)."""
    results = json.loads((session_build.target / "build_results.json").read_text())["results"]
    tests = consolidated_tests()
    return {
        result["name"]: result["compiled_code"]
        for result in results
        if result["resource_type"] == "test" and result["name"] in tests and result.get("compiled_code")
    }


@pytest.fixture(scope="module")
def rule_failures(session_build: SessionBuild, tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """Rule names each consolidated test reports on a copy of the warehouse with one spoilt row per case.
    (The clean warehouse passed every one of them: the session's build ran them before publishing.)"""
    built_warehouse = session_build.published
    scratch = tmp_path_factory.mktemp("rules")
    # The copy keeps the file name: DuckDB names the catalog after it, and views and compiled SQL use it.
    copy = scratch / built_warehouse.name
    shutil.copyfile(built_warehouse, copy)
    targets = [_target(entry) for entry in RULE_CASES]
    compiled = compiled_tests(session_build)
    tests = consolidated_tests()
    assert set(compiled) == tests, f"tests not found by dbt: {sorted(tests - set(compiled))}"
    failures: dict[str, set[str]] = defaultdict(set)
    with duckdb.connect(str(copy)) as connection:
        _materialise_views(connection, {relation for relation, _, _ in targets})
        offsets: dict[str, int] = defaultdict(int)
        for entry, (relation, _, _) in zip(RULE_CASES, targets, strict=True):
            _spoil(connection, relation, entry, offsets[relation])
            offsets[relation] += 1
        for test in tests:
            failures[test] = {row[0] for row in connection.execute(compiled[test]).fetchall()}
    return failures


@pytest.mark.parametrize("entry", RULE_CASES, ids=[case_id(e) for e in RULE_CASES])
def test_consolidated_test_names_the_broken_rule(rule_failures: dict[str, set[str]], entry: dict[str, Any]) -> None:
    _, test, rules = _target(entry)
    assert rules & rule_failures[test], f"{test} reported {sorted(rule_failures[test])}, not {sorted(rules)}"


def test_every_removed_test_has_a_case() -> None:
    assert len(CONSTRAINT_CASES) + len(RULE_CASES) == len(REMOVED) > 300
