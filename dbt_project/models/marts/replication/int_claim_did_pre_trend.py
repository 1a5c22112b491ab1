"""Pre-trend checks of the paper's DiD design (C64), from the event study of analysis.did.

A Python model because the joint F test needs the F distribution (analysis.ols); the estimate itself is SQL
(int_claim_values__causal).
"""

import pandas as pd

from analysis.did import event_study


def model(dbt, session):
    dbt.config(materialized="table")
    panel = dbt.ref("int_claim_did_panel").df()
    row = {
        "joint_p": None,
        "slope_difference": None,
        "slope_p": None,
        "alpha": None,
        "is_parallel_trends_rejected": None,
        "note": None,
    }
    if set(panel["region_code"]) == {"75", "31", "27"}:
        try:
            check = event_study(panel, "net_migration_working_age").pre_trend
        except ValueError as error:
            row["note"] = f"pre-trend test not available: {error}"
        else:
            verdict = "rejected" if check.parallel_trends_rejected else "not rejected"
            row |= {
                "joint_p": check.joint_p,
                "slope_difference": check.slope_difference,
                "slope_p": check.slope_p,
                "alpha": check.alpha,
                "is_parallel_trends_rejected": check.parallel_trends_rejected,
                "note": (
                    f"pre-trend test: parallel trends {verdict} at {check.alpha:g} "
                    f"(joint F p = {check.joint_p:.3g}; linear slope difference {check.slope_difference:+.1f} "
                    f"a year, p = {check.slope_p:.3g})"
                ),
            }
    return pd.DataFrame([row]).astype(
        {
            "joint_p": "float64",
            "slope_difference": "float64",
            "slope_p": "float64",
            "alpha": "float64",
            "is_parallel_trends_rejected": "boolean",
            "note": "string",
        }
    )
