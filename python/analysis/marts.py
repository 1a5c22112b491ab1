"""Read the marts the analysis needs from the published DuckDB warehouse, read-only.

The published file may be held open by BI tools and is replaced atomically by rebuilds, so the analysis
never writes to it: it opens one read-only connection, copies the marts it needs into DataFrames (they
are small) and closes the connection. Marts missing from the file are simply absent from the result, so
that a claim or figure depending on them is reported as not computable instead of failing the run.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_WAREHOUSE = REPO_ROOT / "warehouse" / "kz_migration.duckdb"

# Marts read by the claim values, the causal analysis, the figures and the report.
ANALYSIS_MARTS = (
    "dim_regions",
    "dim_countries",
    "dim_data_sources",
    "dim_build_settings",
    "dim_study_design",
    "fct_yearly_flows",
    "fct_period_flows",
    "fct_net_migration_regimes",
    "fct_region_year_panel",
    "fct_territory_year_panel",
    "fct_country_flows",
    "fct_country_group_flows",
    "fct_country_period_flows",
    "fct_education_flows",
    "fct_education_structure",
    "fct_specialty_flows",
    "fct_claim_replication",
    # Germany's record beside BNS's (the report's partner-statistics section) and the figures' roles.
    "fct_partner_mirror_flows",
    "fct_published_figures",
    # Written by the reconstruction ensemble (reference_data.run_ensemble); absent until it exists.
    "fct_reconstruction_ensemble_estimates",
    "fct_reconstruction_ensemble_claims",
    # Written by the cross-validation of the reconstruction (make crossval).
    "fct_reconstruction_crossval",
    "fct_reconstruction_crossval_by_kind",
)

Tables = dict[str, pd.DataFrame]


def default_warehouse_path() -> Path:
    """``$KZ_WAREHOUSE_PATH`` or ``warehouse/kz_migration.duckdb`` in the repository."""
    return Path(os.environ.get("KZ_WAREHOUSE_PATH", DEFAULT_WAREHOUSE))


def connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a published warehouse; a clear error if the file is absent."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"warehouse {path} does not exist: build it with `make warehouse` or pass --warehouse PATH"
        )
    return duckdb.connect(str(path), read_only=True)


def list_tables(connection: duckdb.DuckDBPyConnection) -> set[str]:
    rows = connection.execute("select table_name from information_schema.tables where table_schema = 'main'").fetchall()
    return {str(name) for (name,) in rows}


def read_marts(connection: duckdb.DuckDBPyConnection, names: Iterable[str] = ANALYSIS_MARTS) -> Tables:
    """Every named mart present in the warehouse as a DataFrame (absent marts are left out)."""
    present = list_tables(connection)
    return {name: connection.execute(f'select * from "{name}"').df() for name in names if name in present}


def load_marts(path: Path, names: Iterable[str] = ANALYSIS_MARTS) -> Tables:
    """Open ``path`` read-only, read the marts and close the connection."""
    with connect_read_only(path) as connection:
        return read_marts(connection, names)


def data_provenance(tables: Tables) -> pd.DataFrame:
    """Cells per table that are published or reconstructed (from ``dim_data_sources``).

    Columns table_code, published_cells, modeled_cells, official_cells (the published cells that come from
    ingested BNS downloads); empty when the mart is absent.
    """
    columns = ["table_code", "published_cells", "modeled_cells", "official_cells"]
    sources = tables.get("dim_data_sources")
    if sources is None or sources.empty:
        return pd.DataFrame(columns=columns)
    # A warehouse built before the official layer existed has no is_official column: nothing is official.
    official = sources["is_official"].astype(bool) if "is_official" in sources else pd.Series(False, sources.index)
    frame = sources.assign(
        published_cells=sources["cell_count"].where(~sources["is_modeled"].astype(bool), 0),
        modeled_cells=sources["cell_count"].where(sources["is_modeled"].astype(bool), 0),
        official_cells=sources["cell_count"].where(official, 0),
    )
    counted = ["published_cells", "modeled_cells", "official_cells"]
    summary = frame.groupby("table_code", as_index=False)[counted].sum()
    return summary.astype(dict.fromkeys(counted, "int64"))[columns]


def is_reconstruction(tables: Tables) -> bool:
    """True when any migration figure in the warehouse is reconstructed (``modeled``), or unknown."""
    provenance = data_provenance(tables)
    # Without dim_data_sources nobody can vouch for the figures: treat them as not official.
    return provenance.empty or bool((provenance["modeled_cells"] > 0).any())


PAPER_RULE_SET = "paper_2025"


def build_started_at(tables: Tables) -> str | None:
    """When dbt started the build of the warehouse (``dim_build_settings.built_at``, UTC), which names that
    build: a report that shows it says which published warehouse it was made from. None if unrecorded."""
    settings = tables.get("dim_build_settings")
    if settings is None or settings.empty or "built_at" not in settings:
        return None
    return pd.Timestamp(settings["built_at"].iloc[0]).isoformat(sep=" ", timespec="seconds")


def working_age_rule_set(tables: Tables) -> str | None:
    """The working-age rule set the warehouse was built with (``dim_build_settings``), None if unrecorded."""
    settings = tables.get("dim_build_settings")
    if settings is None or settings.empty:
        return None
    return str(settings["working_age_rule_set_code"].iloc[0])


def build_setting(tables: Tables, column: str) -> str | None:
    """One value of ``dim_build_settings`` as text (None when the mart or the column is missing)."""
    settings = tables.get("dim_build_settings")
    if settings is None or settings.empty or column not in settings.columns or pd.isna(settings[column].iloc[0]):
        return None
    value = settings[column].iloc[0]
    return value.date().isoformat() if isinstance(value, pd.Timestamp) else str(value)
