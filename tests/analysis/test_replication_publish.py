"""Publishing fct_claim_replication: under the publish lock, never over a warehouse published meanwhile."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import analysis.replication as replication
from analysis.claim_rules import NOT_COMPUTABLE, NOT_REPRODUCED, REPRODUCED
from analysis.replication import (
    REPLICATION_COLUMNS,
    REPLICATION_TABLE,
    PublishedFileChanged,
    contradiction_pairs,
    publish_replication_mart,
)


def _warehouse(path: Path, marker: str) -> Path:
    path.unlink(missing_ok=True)
    with duckdb.connect(str(path)) as connection:
        connection.execute(f"create table marker as select '{marker}' as version")
        connection.execute("checkpoint")
    return path


def _tables(path: Path) -> dict[str, object]:
    with duckdb.connect(str(path), read_only=True) as connection:
        names = {r[0] for r in connection.execute("select table_name from information_schema.tables").fetchall()}
        marker = connection.execute("select version from marker").fetchone()[0]
    return {"names": names, "marker": marker}


def _replication() -> pd.DataFrame:
    return pd.DataFrame([{column: "x" for column in REPLICATION_COLUMNS} | {"data_is_reconstruction": True}])


def test_publishes_into_the_warehouse(tmp_path):
    published = _warehouse(tmp_path / "kz.duckdb", "v1")
    publish_replication_mart(_replication(), published)
    assert _tables(published) == {"names": {"marker", REPLICATION_TABLE}, "marker": "v1"}


def test_a_warehouse_published_meanwhile_is_copied_again(tmp_path, monkeypatch):
    published = _warehouse(tmp_path / "kz.duckdb", "v1")
    write = replication._write_replication_table
    calls = []

    def rebuild_once_then_write(frame, database):
        if not calls:  # another publisher (not taking the lock) swaps in v2 after our copy
            os.replace(_warehouse(tmp_path / "other.duckdb", "v2"), published)
        calls.append(database)
        write(frame, database)

    monkeypatch.setattr(replication, "_write_replication_table", rebuild_once_then_write)
    publish_replication_mart(_replication(), published)
    assert len(calls) == 2
    assert _tables(published) == {"names": {"marker", REPLICATION_TABLE}, "marker": "v2"}


def test_a_warehouse_that_keeps_changing_is_left_alone_with_a_clear_error(tmp_path, monkeypatch):
    published = _warehouse(tmp_path / "kz.duckdb", "v1")
    versions = iter(["v2", "v3"])

    def always_rebuilt(frame, database):
        os.replace(_warehouse(tmp_path / "other.duckdb", next(versions)), published)

    monkeypatch.setattr(replication, "_write_replication_table", always_rebuilt)
    with pytest.raises(PublishedFileChanged, match="changed while fct_claim_replication"):
        publish_replication_mart(_replication(), published)
    assert _tables(published) == {"names": {"marker"}, "marker": "v3"}
    assert not list((tmp_path / ".build").glob("*.duckdb*"))


def test_contradiction_verdicts_name_the_claim_that_is_not_computable():
    table = pd.DataFrame(
        {
            "claim_id": ["C60", "C63", "C26", "C37", "C28", "C30"],
            "status": [REPRODUCED, NOT_COMPUTABLE, NOT_REPRODUCED, REPRODUCED, NOT_REPRODUCED, NOT_REPRODUCED],
            "contradicts": ["C63", "C60", "C37", "C26", "C30", "C28"],
        }
    )
    verdicts = contradiction_pairs(table).set_index(["claim_id", "contradicted_claim_id"])["verdict"]
    assert verdicts[("C60", "C63")] == "cannot be settled: C63 is not computable"
    assert verdicts[("C26", "C37")] == "the data side with C37"
    assert verdicts[("C28", "C30")] == "neither reproduces"
