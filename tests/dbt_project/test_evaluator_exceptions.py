"""What dbt-project-evaluator's exceptions rely on holds (dbt_project/evaluator, docs/dbt_hygiene.md).

The evaluator cannot see two of our checks: a mart's key is its enforced contract's primary_key constraint, and
our key test is row_rules with `key`/`unique`. The exceptions seed lets every mart through and counts any
row_rules test as a key test; these tests keep both honest, reading the model YAML as dbt does."""

from __future__ import annotations

import csv
from pathlib import Path

from ..conftest import REPO_ROOT
from ..yaml_files import load_yaml

DBT_PROJECT = REPO_ROOT / "dbt_project"
EVALUATOR_RULES = DBT_PROJECT / "vendor" / "dbt_project_evaluator" / "models" / "marts"


def _models() -> dict[str, tuple[Path, dict]]:
    models = {}
    for path in sorted((DBT_PROJECT / "models").rglob("*.yml")):
        for model in (load_yaml(path) or {}).get("models") or []:
            models[model["name"]] = (path, model)
    return models


def _primary_key(model: dict) -> list[str]:
    keys = [column["name"] for column in model.get("columns") or []
            for constraint in column.get("constraints") or [] if constraint.get("type") == "primary_key"]
    for constraint in model.get("constraints") or []:
        if constraint.get("type") == "primary_key":
            keys += constraint["columns"]
    return keys


def _row_rules(model: dict) -> list[dict]:
    return [test["row_rules"].get("arguments", test["row_rules"]) for test in model.get("data_tests") or []
            if isinstance(test, dict) and "row_rules" in test]


def test_every_mart_declares_a_primary_key_in_its_contract() -> None:
    marts = {name: model for name, (_, model) in _models().items() if name.startswith(("fct_", "dim_"))}
    assert len(marts) >= 20
    missing = [name for name, model in marts.items() if not _primary_key(model)]
    assert missing == [], f"marts without a primary_key constraint (the evaluator's exception needs one): {missing}"


def test_every_model_row_rules_counts_as_key_tested_has_a_key() -> None:
    """row_rules is a key test for the evaluator (primary_key_test_macros): each model it covers must have a
    key in it (`key` or `unique`) or in its enforced contract."""
    keyless = [name for name, (_, model) in _models().items()
               if _row_rules(model) and not any(rules.get("key") or rules.get("unique") for rules in _row_rules(model))
               and not _primary_key(model)]
    assert keyless == []


def test_every_exception_names_a_rule_and_says_why() -> None:
    rules = {path.stem for path in EVALUATOR_RULES.rglob("fct_*.sql")}
    with (DBT_PROJECT / "evaluator" / "dbt_project_evaluator_exceptions.csv").open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert rows
    for row in rows:
        assert row["fct_name"] in rules, row
        assert row["id_to_exclude"].strip() and len(row["comment"]) > 40, row
