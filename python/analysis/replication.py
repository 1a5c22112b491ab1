"""The paper's claim-by-claim replication: compute, classify, and publish as CSV and as a mart.

The replication table has one row per claim of ``data/claims/paper_claims.csv`` (columns documented in
``docs/replication.md``). It is published three ways: ``report/replication.csv``, a section of the
HTML report, and the table ``fct_claim_replication`` inside the published warehouse for BI tools.

Publishing the mart keeps the warehouse's atomic-publish guarantee: under
:func:`warehouse.publish.publish_lock` the published file is copied into the private build folder, the
table is written into the copy, and :func:`warehouse.publish.finalize_and_swap` checkpoints the copy and
renames it over the published file. Before the swap the published file must be the one that was copied
(same inode, modification time and size), so a warehouse published meanwhile by a process that does not
take the lock is never overwritten by an older copy: the copy is redone once, then the step gives up with
a clear error. A reader holding the published file open keeps its version; a failure leaves it untouched.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pandas as pd

from analysis.claim_rules import NOT_COMPUTABLE, NOT_REPRODUCED, REPRODUCED, classify_all
from analysis.claim_values import compute_all
from analysis.marts import REPO_ROOT, Tables
from warehouse.atomic import write_atomically
from warehouse.publish import finalize_and_swap, publish_lock

DEFAULT_CLAIMS = REPO_ROOT / "data" / "claims" / "paper_claims.csv"
REPLICATION_TABLE = "fct_claim_replication"

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
REPLICATION_COLUMNS = (
    *CLAIM_COLUMNS[:_OUTCOME_AFTER],
    "computed_value",
    "status",
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


def replicate(tables: Tables, claims: pd.DataFrame, data_is_reconstruction: bool) -> pd.DataFrame:
    """Compute every claim from the marts and classify it: one row per claim, in the claims' order."""
    checks = classify_all(claims, compute_all(tables))
    merged = claims.loc[:, list(CLAIM_COLUMNS)].merge(
        checks[["claim_id", "computed_value", "status", "explanation"]], on="claim_id", how="left", validate="1:1"
    )
    merged["data_is_reconstruction"] = bool(data_is_reconstruction)
    return merged.loc[:, list(REPLICATION_COLUMNS)]


def status_counts(replication: pd.DataFrame) -> dict[str, int]:
    counts = replication["status"].value_counts()
    return {status: int(counts.get(status, 0)) for status in (REPRODUCED, NOT_REPRODUCED, NOT_COMPUTABLE)}


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


class PublishedFileChanged(RuntimeError):
    """The published warehouse kept changing while the replication table was being added to a copy."""


def _file_identity(path: Path) -> tuple[int, int, int]:
    status = os.stat(path)
    return status.st_ino, status.st_mtime_ns, status.st_size


def _remove_database_files(path: Path) -> None:
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)


def _write_replication_table(frame: pd.DataFrame, database: Path) -> None:
    with duckdb.connect(str(database)) as connection:
        connection.register("replication_frame", frame)
        connection.execute(f"create or replace table {REPLICATION_TABLE} as select * from replication_frame")
        connection.unregister("replication_frame")


def publish_replication_mart(replication: pd.DataFrame, published_path: Path) -> Path:
    """Add (or replace) ``fct_claim_replication`` in the published warehouse by copy, write and swap.

    Holds :func:`warehouse.publish.publish_lock` from the copy to the swap. If the published file was
    replaced or modified after it was copied (by a writer that does not take the lock), the copy is
    redone once; if it changed again, :class:`PublishedFileChanged` is raised and nothing is published.
    """
    published_path = Path(published_path).resolve()
    if not published_path.is_file():
        raise FileNotFoundError(f"published warehouse {published_path} does not exist")
    build_dir = published_path.parent / ".build"
    build_dir.mkdir(parents=True, exist_ok=True)
    # A name of its own, so a dbt build running into .build/<name> at the same time is never overwritten.
    build_path = build_dir / f"{published_path.stem}.replication{published_path.suffix}"
    frame = replication.loc[:, list(REPLICATION_COLUMNS)].copy()
    with publish_lock(published_path):
        try:
            for _attempt in range(2):
                _remove_database_files(build_path)
                copied = _file_identity(published_path)
                shutil.copyfile(published_path, build_path)
                _write_replication_table(frame, build_path)
                if _file_identity(published_path) == copied:
                    finalize_and_swap(build_path, published_path)
                    return published_path
        except BaseException:
            _remove_database_files(build_path)
            raise
        _remove_database_files(build_path)
    raise PublishedFileChanged(
        f"{published_path} changed while {REPLICATION_TABLE} was being added to a copy of it, twice; "
        "the published warehouse was left as it is (is a build publishing without warehouse.publish.publish_lock?)"
    )
