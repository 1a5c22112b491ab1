"""The SQL claims against the pandas oracle, and every claim, mart and figure against the committed baseline.

* Claim by claim, the value the dbt models compute (``intermediate.int_claim_values`` of the session's
  warehouse) equals the value the independent pandas oracle (:mod:`.claim_oracle`) computes from the marts.
* Before and after on the same marts: the replication as it was (the pandas claim functions, now the oracle,
  classified by :func:`claims.rules.classify_all`) and ``fct_claim_replication`` give every claim the
  same computed value, status and explanation, except the named fix: C64 is not reproduced, as its parallel
  trends cannot be tested by the report's placebo test (issue 22: one verdict on pre-trends; two controls).
* Regression guard (:mod:`.regression_baseline`): the session's warehouse, built from today's bundled tables,
  gives the claims (``baseline/replication.csv``), the marts (``baseline/marts.csv``) and the report's figures
  (``baseline/figures.csv``) that were captured from a build and committed. Any difference fails and is named;
  so do count tables other than those the baseline was captured on (``baseline/tables.sha256``). A change that
  is meant is recorded by recapturing (``regression_baseline.RECAPTURE_COMMAND``) and committing the diff.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from analysis.marts import load_marts
from claims.replication import load_claims
from claims.rules import Computed, classify_all
from claims.values import values_from_rows
from tests.conftest import default_counts_dir

from . import regression_baseline as baseline
from .claim_oracle import compute_all

# The one claim whose outcome changes on purpose (issue 10 item 6, issue 22): a causal claim is reproduced only
# when the design's assumptions are tested and not rejected; the oracle classifies on the sign alone.
CHANGED_ON_PURPOSE = {"C64": {"status": "not_reproduced"}}


def _plain(value: Any) -> Any:
    """Values in comparable form: Series and mappings as dicts, numpy scalars as Python numbers."""
    if isinstance(value, Computed):
        return ("computed", _plain(value.value), value.note)
    if isinstance(value, pd.Series):
        return {int(k): float(v) for k, v in value.items()}
    if isinstance(value, dict):
        return {int(k): float(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return {int(v) for v in value}
    if hasattr(value, "item"):
        return value.item()
    return value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


@pytest.fixture(scope="module")
def replication(built_warehouse: Path) -> pd.DataFrame:
    with duckdb.connect(str(built_warehouse), read_only=True) as connection:
        return connection.execute("select * from fct_claim_replication order by claim_id").df()


def test_sql_values_equal_the_pandas_oracle_claim_by_claim(built_warehouse: Path):
    oracle = {claim_id: _plain(value) for claim_id, value in compute_all(load_marts(built_warehouse)).items()}
    with duckdb.connect(str(built_warehouse), read_only=True) as connection:
        rows = connection.execute("select * from intermediate.int_claim_values").df()
    sql = {claim_id: _plain(value) for claim_id, value in values_from_rows(rows).items()}
    differing = {
        claim_id: (oracle[claim_id], sql.get(claim_id))
        for claim_id in oracle
        if not _same(oracle[claim_id], sql.get(claim_id))
    }
    assert not differing, differing
    assert len(oracle) == 64 and sum(v is not None for v in sql.values()) == 63  # C63 has no definition


def _differences(before: pd.DataFrame, after: pd.DataFrame) -> list[tuple[str, str, str, str]]:
    """(claim, column, before, after) wherever the two differ beyond the named fix."""
    assert list(after.index) == list(before.index)
    differences = []
    for claim_id in before.index:
        for column in ("computed_value", "status", "explanation"):
            if column == "explanation" and claim_id in CHANGED_ON_PURPOSE:
                continue  # the new explanation says why; checked by _assert_c64_says_why
            old, new = before.at[claim_id, column], after.at[claim_id, column]
            if new != CHANGED_ON_PURPOSE.get(claim_id, {}).get(column, old):
                differences.append((claim_id, column, old, new))
    return differences


def _assert_c64_says_why(before: pd.DataFrame, after: pd.DataFrame) -> None:
    # The sign is positive; the report's placebo test cannot test parallel trends with two controls (its
    # smallest p is 1/3), so the claim is not reproduced; the paper's conventional test is named beside it.
    assert after.at["C64", "computed_value"] == before.at["C64", "computed_value"]
    explanation = after.at["C64", "explanation"]
    assert "is positive" in explanation and "parallel trends not testable" in explanation
    assert "the paper's conventional event-study test" in explanation and "cannot be tested" in explanation


def test_before_and_after_on_the_same_marts_every_value_and_status_is_unchanged_but_the_fix(
    built_warehouse: Path, replication: pd.DataFrame
):
    claims = load_claims()
    before = classify_all(claims, compute_all(load_marts(built_warehouse))).set_index("claim_id")
    after = replication.set_index("claim_id")
    assert not (differences := _differences(before, after)), differences
    assert before.at["C64", "status"] == "reproduced"  # the old reading, on the sign alone
    _assert_c64_says_why(before, after)


def _recapture_hint(what: str) -> str:
    return (f"{what} differ from the committed baseline (tests/analysis/baseline/). If the change is meant, "
            f"recapture it with `{baseline.RECAPTURE_COMMAND}` and commit the diff; otherwise it is a regression:")


def test_the_count_tables_are_those_the_baseline_was_captured_on():
    captured_on = baseline.TABLES_FILE.read_text(encoding="utf-8")
    now = baseline.tables_fingerprint(default_counts_dir())
    assert now == captured_on, f"{_recapture_hint('the count tables')}\n{now}"


def test_every_claim_is_as_captured(replication: pd.DataFrame):
    differences = baseline.differing_rows(
        baseline.read_baseline(baseline.REPLICATION_FILE), baseline.as_text(replication), ["claim_id"])
    assert not differences, "\n".join([_recapture_hint("claims of fct_claim_replication"), *differences])


def test_every_mart_is_as_captured(built_warehouse: Path):
    with duckdb.connect(str(built_warehouse), read_only=True) as connection:
        now = baseline.as_text(baseline.mart_digests(connection))
    differences = baseline.differing_rows(baseline.read_baseline(baseline.MARTS_FILE), now, ["mart", "column"])
    assert not differences, "\n".join([_recapture_hint("marts (columns in key order)"), *differences])


def test_every_figure_is_as_captured(built_warehouse: Path):
    now = baseline.as_text(baseline.figure_digests(load_marts(built_warehouse)))
    assert (now["problem"] == "").all(), now[now["problem"] != ""]  # every figure was drawn
    differences = baseline.differing_rows(baseline.read_baseline(baseline.FIGURES_FILE), now, ["figure"])
    assert not differences, "\n".join([_recapture_hint("figures (what they plot)"), *differences])


def test_statuses_on_the_reconstruction_cannot_be_taken_for_evidence(replication: pd.DataFrame):
    # The session's warehouse is built from the bundled reconstruction, which was calibrated to these claims.
    assert replication["data_is_reconstruction"].all()
    assert set(replication["evidence_basis"]) == {"reconstruction calibrated to the paper"}
    reproduced = replication[replication["status"] == "reproduced"]
    assert not reproduced.empty
    assert reproduced["status_label"].str.contains("calibrated to the paper; not evidence").all()
    assert not replication["status_label"].str.contains("official").any()
