"""The paper's claim-by-claim replication, read from the mart ``fct_claim_replication``.

dbt computes every claim (one SQL definition each, ``dbt_project/models/intermediate/claims/int_claim_values__*``),
compares it under the claim's rule (:mod:`claims.rules`, run by the model ``int_claim_checks``) and
builds ``fct_claim_replication`` in the same build and atomic publish as every other mart. This module only
reads that mart into the frame the report shows and writes as ``report/replication.csv``; it computes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from claims.rules import NOT_COMPUTABLE, NOT_REPRODUCED, REPRODUCED
from warehouse.atomic import write_atomically

DEFAULT_CLAIMS = Path(__file__).resolve().parents[2] / "data" / "claims" / "paper_claims.csv"
REPLICATION_TABLE = "fct_claim_replication"
EVIDENCE_RECONSTRUCTION = "reconstruction calibrated to the paper"
EVIDENCE_OFFICIAL = "official data"

# Claim columns carried into the replication table beside the computed outcome.
CLAIM_COLUMNS = (
    "claim_id",
    "topic",
    "population",
    "geography_codes",
    "period",
    "measure",
    "reported_value",
    "unit",
    "comparison",
    "precision",
    "contradicts",
    "paper_section",
    "note",
    "source_id",
    "source",
)
_OUTCOME_AFTER = CLAIM_COLUMNS.index("precision") + 1
# The verdict on official figures alone (int_claim_official_verdicts), independent of the warehouse's counts.
OFFICIAL_COLUMNS = (
    "official_verdict",
    "official_arithmetic",
    "official_figures_used",
    "official_reason",
    "other_claims_used",
)
NOT_TOUCHED = "not touched by official figures"
OFFICIAL_VERDICTS = ("confirmed", "contradicted", "bounded-consistent", "bounded-inconsistent", NOT_TOUCHED)
REPLICATION_COLUMNS = (
    *CLAIM_COLUMNS[:_OUTCOME_AFTER],
    "computed_value",
    "status",
    "status_label",
    "evidence_basis",
    *OFFICIAL_COLUMNS,
    "explanation",
    *CLAIM_COLUMNS[_OUTCOME_AFTER:],
    "data_is_reconstruction",
)


def load_claims(path: Path = DEFAULT_CLAIMS) -> pd.DataFrame:
    """The claims table, all columns as text (empty cells as empty strings)."""
    claims = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in CLAIM_COLUMNS if c not in claims.columns]
    if missing:
        raise ValueError(f"{path}: claims table lacks column(s) {missing}")
    duplicated = claims["claim_id"][claims["claim_id"].duplicated()]
    if not duplicated.empty:
        raise ValueError(f"{path}: claim_id {duplicated.iloc[0]} appears more than once")
    return claims


def replicate(tables: Mapping[str, pd.DataFrame], claims: pd.DataFrame, data_is_reconstruction: bool) -> pd.DataFrame:
    """The replication table from the mart: one row per claim of ``claims``, in the claims' order.

    A claim the mart does not hold (or a warehouse without the mart) is ``not_computable``;
    ``data_is_reconstruction`` labels such rows (rows from the mart carry the warehouse's own provenance).
    """
    mart = tables.get(REPLICATION_TABLE)
    if mart is None:
        mart = pd.DataFrame(columns=["claim_id"])
    computed = mart.drop(columns=[c for c in CLAIM_COLUMNS if c != "claim_id" and c in mart.columns])
    merged = claims.loc[:, list(CLAIM_COLUMNS)].merge(computed, on="claim_id", how="left", validate="1:1")
    absent = merged["status"].isna() if "status" in merged.columns else pd.Series(True, index=merged.index)
    basis = EVIDENCE_RECONSTRUCTION if data_is_reconstruction else EVIDENCE_OFFICIAL
    fallback: dict[str, Any] = {
        "computed_value": "",
        "status": NOT_COMPUTABLE,
        "status_label": "not computable",
        "evidence_basis": basis,
        "explanation": f"the warehouse holds no {REPLICATION_TABLE} row for this claim (rebuild it: make warehouse)",
        "official_verdict": NOT_TOUCHED,
        "official_arithmetic": "",
        "official_figures_used": "",
        "official_reason": f"the warehouse holds no {REPLICATION_TABLE} row for this claim",
        "other_claims_used": "",
        "data_is_reconstruction": bool(data_is_reconstruction),
    }
    for column, value in fallback.items():
        present = merged[column].astype(object) if column in merged.columns else pd.Series(None, index=merged.index)
        merged[column] = present.where(~absent, value)
    text = [c for c in REPLICATION_COLUMNS if c != "data_is_reconstruction"]
    merged[text] = merged[text].fillna("").astype(str)
    merged["data_is_reconstruction"] = merged["data_is_reconstruction"].astype(bool)
    return merged.loc[:, list(REPLICATION_COLUMNS)]


def status_counts(replication: pd.DataFrame) -> dict[str, int]:
    counts = replication["status"].value_counts()
    return {status: int(counts.get(status, 0)) for status in (REPRODUCED, NOT_REPRODUCED, NOT_COMPUTABLE)}


def official_verdict_counts(replication: pd.DataFrame) -> dict[str, int]:
    """How many claims got each verdict on official figures alone, in the verdicts' order (zero included)."""
    if "official_verdict" not in replication.columns:
        return dict.fromkeys(OFFICIAL_VERDICTS, 0)
    counts = replication["official_verdict"].value_counts()
    return {verdict: int(counts.get(verdict, 0)) for verdict in OFFICIAL_VERDICTS}


def contradiction_pairs(replication: pd.DataFrame) -> pd.DataFrame:
    """Each pair of claims recorded as contradicting each other once, with both outcomes.

    ``verdict`` says what the data say about the pair: a contradiction means the two claims cannot both
    be true, so at most one should reproduce.
    """
    status = replication.set_index("claim_id")["status"]
    pairs: set[tuple[str, str]] = set()
    for claim_id, contradicts in replication[["claim_id", "contradicts"]].itertuples(index=False):
        for other in str(contradicts or "").split(";"):
            other = other.strip()
            if other:
                pairs.add(tuple(sorted((str(claim_id), other))))  # type: ignore[arg-type]
    rows = []
    for first, second in sorted(pairs):
        first_status, second_status = status.get(first, "unknown"), status.get(second, "unknown")
        outcomes = {first_status, second_status}
        if NOT_COMPUTABLE in outcomes:
            # One side has no value: the data cannot say which of the two holds.
            missing = [c for c, s in ((first, first_status), (second, second_status)) if s == NOT_COMPUTABLE]
            verb = "are" if len(missing) > 1 else "is"
            verdict = f"cannot be settled: {' and '.join(missing)} {verb} not computable"
        elif outcomes == {REPRODUCED}:
            verdict = "both reproduce: the comparison rules are loose enough to accept both"
        elif REPRODUCED in outcomes:
            kept = first if first_status == REPRODUCED else second
            verdict = f"the data side with {kept}"
        else:
            verdict = "neither reproduces"
        rows.append(
            {
                "claim_id": first,
                "contradicted_claim_id": second,
                "claim_status": first_status,
                "contradicted_claim_status": second_status,
                "verdict": verdict,
            }
        )
    columns = ["claim_id", "contradicted_claim_id", "claim_status", "contradicted_claim_status", "verdict"]
    return pd.DataFrame(rows, columns=columns)


def write_csv_atomically(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` as CSV so that readers never see a half-written file (warehouse.atomic)."""
    return write_atomically(Path(path), lambda temporary: frame.to_csv(temporary, index=False))
