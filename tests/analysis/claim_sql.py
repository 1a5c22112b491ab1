"""Run the claim SQL of ``dbt_project/models/intermediate/claims/topics`` on hand-built marts, without dbt.

The models only use ``ref()``, so each becomes a view named after the model (the Python model of the DiD
pre-trend runs with a stand-in for dbt's ``dbt`` object). Used by the known-answer tests of the SQL.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from claims.values import values_from_rows

REPO_ROOT = Path(__file__).resolve().parents[2]
MODELS_DIR = REPO_ROOT / "dbt_project" / "models"
CLAIMS = REPO_ROOT / "data" / "claims" / "paper_claims.csv"
PERIODS = REPO_ROOT / "dbt_project" / "seeds" / "analysis_periods.csv"
TOPICS = ("balance", "education", "countries", "specialties", "causal")
# In dependency order.
VALUE_MODELS = (
    "int_claim_did_panel",
    "int_claim_did_pre_trend",
    *(f"int_claim_values__{topic}" for topic in TOPICS),
    "int_claim_values",
)
_REF = re.compile(r"\{\{\s*ref\(\s*'(\w+)'\s*\)\s*\}\}")


class _Dbt:
    """The part of dbt's ``dbt`` object a Python model here uses."""

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self._connection = connection

    def config(self, **_: Any) -> None:
        return None

    def ref(self, name: str) -> duckdb.DuckDBPyRelation:
        return self._connection.table(name)


def model_file(name: str, suffix: str = ".sql") -> Path:
    """The file of model ``name`` (the claims, their topics and the mart live in different folders)."""
    found = sorted(MODELS_DIR.rglob(f"{name}{suffix}"))
    if not found:
        raise FileNotFoundError(f"no model {name}{suffix} under {MODELS_DIR}")
    return found[0]


def model_sql(name: str) -> str:
    """A SQL model's text with every ``{{ ref('x') }}`` replaced by ``x``."""
    return _REF.sub(r"\1", model_file(name).read_text(encoding="utf-8"))


def _run_python_model(connection: duckdb.DuckDBPyConnection, name: str) -> None:
    spec = importlib.util.spec_from_file_location(f"_claim_model_{name}", model_file(name, ".py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    frame = module.model(_Dbt(connection), connection)
    connection.register(f"{name}_frame", frame)
    connection.execute(f"create table {name} as select * from {name}_frame")


def topic_of(claim_id: str) -> str:
    """The topic model whose CTE defines ``claim_id`` (``cNN as (``)."""
    pattern = re.compile(rf"^{claim_id.lower()} as \($", flags=re.MULTILINE)
    for topic in TOPICS:
        if pattern.search(model_file(f"int_claim_values__{topic}").read_text(encoding="utf-8")):
            return topic
    raise KeyError(f"no SQL definition of {claim_id}")


def _load_marts(connection: duckdb.DuckDBPyConnection, tables: Mapping[str, pd.DataFrame]) -> None:
    for name, frame in tables.items():
        connection.register(f"{name}_frame", frame)
        connection.execute(f"create table {name} as select * from {name}_frame")


def _create_models(connection: duckdb.DuckDBPyConnection, topics: Iterable[str]) -> None:
    """Views (and Python-model tables) up to ``int_claim_values`` for ``topics``."""
    topics = list(topics)
    # The design and the periods the claims read: the published design (dim_study_design, one of the marts given)
    # and the seed analysis_periods.
    # (The mart publishes its region lists as ;-separated text; int_study_design keeps them as lists.)
    connection.execute(
        "create view int_study_design as select * replace ("
        "string_split(control_region_codes, ';') as control_region_codes, "
        "string_split(bordering_russia_region_codes, ';') as bordering_russia_region_codes) from dim_study_design"
    )
    connection.execute(f"create table stg_reference__analysis_periods as select * from read_csv('{PERIODS}')")
    connection.execute(f"create view int_analysis_period_years as {model_sql('int_analysis_period_years')}")
    wanted = [*(["int_claim_did_panel", "int_claim_did_pre_trend"] if "causal" in topics else [])]
    wanted += [f"int_claim_values__{topic}" for topic in topics]
    for name in wanted:
        if list(MODELS_DIR.rglob(f"{name}.py")):
            _run_python_model(connection, name)
        else:
            connection.execute(f"create view {name} as {model_sql(name)}")
    if topics == list(TOPICS):
        connection.execute(f"create view int_claim_values as {model_sql('int_claim_values')}")
        return
    # The union's own SQL refs every topic: cast the chosen topics' rows the same way instead.
    empty = (
        "select null as claim_id, null as element_number, null as entry_year, null as value_label, "
        "null as value_number, null as value_flag, null as note, null as is_assumption_rejected where false"
    )
    union = " union all by name ".join([empty, *(f"select * from int_claim_values__{t}" for t in topics)])
    final = model_sql("int_claim_values").split("final as (", 1)[1].rsplit(")", 1)[0]
    connection.execute(f"create view unioned as {union}")
    connection.execute(f"create view int_claim_values as {final}")


def claim_value_rows(tables: Mapping[str, pd.DataFrame], topics: Iterable[str] = TOPICS) -> pd.DataFrame:
    """The rows of ``int_claim_values`` computed from ``tables`` (mart name → DataFrame), for ``topics``."""
    with duckdb.connect() as connection:
        _load_marts(connection, tables)
        _create_models(connection, topics)
        return connection.execute("select * from int_claim_values").df()


def replication_mart(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """``fct_claim_replication`` as dbt builds it, from ``tables`` and the claims CSV (the seed)."""
    with duckdb.connect() as connection:
        _load_marts(connection, tables)
        if "dim_data_sources" not in tables:
            connection.execute("create table dim_data_sources (is_modeled boolean, cell_count bigint)")
        connection.execute(f"create table paper_claims as select * from read_csv('{CLAIMS}', all_varchar = true)")
        _create_models(connection, TOPICS)
        _run_python_model(connection, "int_claim_checks")
        # The verdicts on official figures read the published figures, not the marts: here every claim is left
        # untouched by them (tests/analysis/test_official_verdicts.py checks them on the session's warehouse).
        connection.execute(
            "create table int_claim_official_verdicts as select claim_id, "
            "'not touched by official figures' as official_verdict, '' as official_arithmetic, "
            "'' as official_figures_used, 'not judged in this test' as official_reason, '' as other_claims_used "
            "from paper_claims"
        )
        return connection.execute(model_sql("fct_claim_replication")).df()


def sql_values(tables: Mapping[str, pd.DataFrame]) -> dict[str, Any]:
    """claim_id → the value the SQL computes from ``tables`` (None without a row), as claims.rules expects."""
    claims = pd.read_csv(CLAIMS, dtype=str, keep_default_na=False)["claim_id"]
    return dict.fromkeys(claims) | values_from_rows(claim_value_rows(tables))


class SqlClaim(dict):
    """The SQL value of a claim from ``tables``, computed when asked for by running its topic model only."""

    def __init__(self, tables: Mapping[str, pd.DataFrame]) -> None:
        super().__init__()
        self.tables = tables

    def __missing__(self, claim_id: str) -> Any:
        value = values_from_rows(claim_value_rows(self.tables, [topic_of(claim_id)])).get(claim_id)
        self[claim_id] = value
        return value
