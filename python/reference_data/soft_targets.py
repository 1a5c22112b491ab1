"""Soft-target report: how each claim of the paper fares on a set of candidate tables.

The claims are computed by the same SQL definitions as the replication: the candidate tables are built into
a private warehouse (:func:`warehouse.publish.build_and_publish` with ``KZ_COUNTS_DIR`` pointing at them, in a
temporary folder), and the report is that warehouse's ``fct_claim_replication``. So the reconstruction is
checked against exactly the definitions and comparison rules the replication publishes; nothing here
computes a claim.

Claims that cannot hold together with the others are listed in ``data/reference/claim_conflicts.csv``
(the arithmetic is in CONFLICTS.md); the report marks them ``documented_conflict`` instead of failing them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb
import pandas as pd

from warehouse.publish import build_and_publish

REPORT_COLUMNS = (
    "claim_id", "measure", "reported_value", "comparison", "computed", "holds",
    "claim_status", "status", "explanation", "conflict_decision",
)


def read_replication(warehouse: Path) -> pd.DataFrame:
    """``fct_claim_replication`` of a built warehouse, read-only."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute("select * from fct_claim_replication order by claim_id").df()


def build_candidate_warehouse(tables_dir: Path, out_dir: Path) -> Path:
    """Build and publish a warehouse from the count tables in ``tables_dir`` into ``out_dir``."""
    counts = str(Path(tables_dir).resolve())
    return build_and_publish(Path(out_dir) / "kz_migration.duckdb", env={"KZ_COUNTS_DIR": counts})


def soft_target_report(tables_dir: Path, conflicts_file: Path, warehouse: Path | None = None) -> pd.DataFrame:
    """One row per claim: computed value, the replication's status, and the report status.

    ``claim_status`` is the status in ``fct_claim_replication``; ``status`` is the same except that a claim
    listed in ``conflicts_file`` that does not reproduce is ``documented_conflict``. ``warehouse`` is a
    warehouse already built from ``tables_dir``; without it one is built in a temporary folder (a dbt build).
    """
    if warehouse is None:
        with tempfile.TemporaryDirectory(prefix="kz_soft_targets_") as out_dir:
            replication = read_replication(build_candidate_warehouse(tables_dir, Path(out_dir)))
    else:
        replication = read_replication(warehouse)
    conflicts = pd.read_csv(conflicts_file, dtype=str).set_index("claim_id")
    holds = replication["status"] == "reproduced"
    documented = replication["claim_id"].isin(conflicts.index)
    report = pd.DataFrame({
        "claim_id": replication["claim_id"],
        "measure": replication["measure"],
        "reported_value": replication["reported_value"],
        "comparison": replication["comparison"],
        "computed": replication["computed_value"],
        "holds": holds,
        "claim_status": replication["status"],
        "status": replication["status"].where(~(documented & ~holds), "documented_conflict"),
        "explanation": replication["explanation"],
        "conflict_decision": replication["claim_id"].map(conflicts["decision"]).fillna(""),
    })
    return report.loc[:, list(REPORT_COLUMNS)]
