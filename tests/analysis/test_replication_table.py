"""The replication table as the report reads it from the mart, and the contradictions between claims."""

from __future__ import annotations

import pandas as pd

from claims.replication import REPLICATION_COLUMNS, REPLICATION_TABLE, contradiction_pairs, load_claims, replicate
from claims.rules import NOT_COMPUTABLE, NOT_REPRODUCED, REPRODUCED

from .claim_sql import replication_mart
from .mart_fixtures import claim_marts


def test_the_table_is_read_from_the_mart_in_the_claims_order():
    marts = claim_marts()
    mart = replication_mart(marts).sample(frac=1.0, random_state=1)  # any row order
    claims = load_claims()
    table = replicate({REPLICATION_TABLE: mart}, claims, data_is_reconstruction=True)
    assert list(table.columns) == list(REPLICATION_COLUMNS)
    assert list(table["claim_id"]) == list(claims["claim_id"])
    by_claim = mart.set_index("claim_id")
    assert list(table["status"]) == [by_claim.at[c, "status"] for c in claims["claim_id"]]
    assert table["data_is_reconstruction"].dtype == bool


def test_without_the_mart_every_claim_is_not_computable_and_says_why():
    table = replicate({}, load_claims(), data_is_reconstruction=False)
    assert set(table["status"]) == {NOT_COMPUTABLE}
    assert table["explanation"].str.contains("make warehouse").all()
    assert set(table["evidence_basis"]) == {"official data"}


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
