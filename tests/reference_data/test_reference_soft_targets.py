"""Soft targets: the paper's Almaty claims recomputed from the CSVs; conflicts are listed, not failed."""

from __future__ import annotations

import pandas as pd

from reference_data.soft_targets import soft_target_report

from .conftest import BUNDLED_TABLES_DIR as TABLES_DIR
from .conftest import REPO
from .test_reference_hard_constraints import working_age_from_ages

CONFLICTS = REPO / "data" / "reference" / "claim_conflicts.csv"


def test_every_non_conflicting_claim_holds():
    report = soft_target_report(TABLES_DIR, CONFLICTS)
    assert len(report) == 64
    failing = report[report.status == "not_reproduced"]
    assert failing.empty, failing.to_string()
    print(report.to_string())


def test_soft_targets_classify_with_the_claim_engine():
    """Statuses come from analysis.claim_rules with each claim's precision, not from a rule of their own."""
    report = soft_target_report(TABLES_DIR, CONFLICTS).set_index("claim_id")
    assert "outside [9350, 9450), the rounding of China 9400" in report.loc["C26", "explanation"]
    assert report.loc["C63", "claim_status"] == "not_computable"
    assert report.loc["C63", "status"] == "documented_conflict"


def test_documented_conflicts_really_fail_and_are_explained():
    report = soft_target_report(TABLES_DIR, CONFLICTS).set_index("claim_id")
    conflicts = pd.read_csv(CONFLICTS)
    explained = (REPO / "data" / "reference" / "CONFLICTS.md").read_text(encoding="utf-8")
    for claim_id in conflicts.claim_id:
        assert not report.loc[claim_id, "holds"], f"{claim_id} holds: drop it from claim_conflicts.csv"
        assert f"### {claim_id}" in explained, claim_id


def test_almaty_working_age_regimes_from_single_years_of_age(tables, seed):
    """The marts derive working age from T2; the sign runs must be the paper's four regimes."""
    derived = working_age_from_ages(tables["by_sex_age"], seed("working_age_rules.csv"))
    almaty = derived.xs("75", level="region_code").unstack("direction_code").loc[2000:2023]  # the paper's window
    signs = "".join("+" if n > 0 else "-" for n in (almaty.arrival - almaty.departure).sort_index())
    runs = []
    for sign in signs:
        if not runs or runs[-1][0] != sign:
            runs.append([sign, 0])
        runs[-1][1] += 1
    assert runs == [["-", 3], ["+", 11], ["-", 8], ["+", 2]]
