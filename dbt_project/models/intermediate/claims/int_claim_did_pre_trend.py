"""Pre-trend verdict of the paper's DiD design (C64): the report's design-based test, with the paper's own.

The verdict (``is_parallel_trends_rejected``) is the placebo-in-space pre-trend test of the report's headline
(estimators.pre_trend.placebo_pre_trend, at its level): one verdict on pre-trends across the report and the
replication. With the paper's two controls its smallest p is 1/3, so it cannot reject at 10%: the design is
``not testable`` there, which is not a rejection. The paper's conventional test (event-study joint F test of
the pre-period coefficients and linear slope difference, regression variance; estimators.did) is kept beside it,
for the appendix, not as the verdict: with one treated unit its variance is not valid. A Python model because
both tests need scipy; the estimate itself is SQL (int_claim_values__causal).
"""

import pandas as pd

from estimators.did import event_study
from estimators.pre_trend import placebo_pre_trend


def pre_trend_row(check, placebo) -> dict:
    """The verdict of the placebo test, the paper's conventional test beside it, and a note saying both."""
    if not placebo.can_reject:
        verdict = f"not testable at {placebo.alpha:g}"
    else:
        verdict = ("rejected" if placebo.parallel_trends_rejected else "not rejected") + f" at {placebo.alpha:g}"
    conventional = "rejected" if check.parallel_trends_rejected else "not rejected"
    return {
        "joint_p": check.joint_p,
        "slope_difference": check.slope_difference,
        "slope_p": check.slope_p,
        "alpha": placebo.alpha,
        "is_parallel_trends_rejected": bool(placebo.can_reject and placebo.parallel_trends_rejected),
        "placebo_p": placebo.p_value,
        "placebo_min_p": placebo.min_attainable_p,
        "is_testable": placebo.can_reject,
        "is_conventional_rejected": check.parallel_trends_rejected,
        "note": (
            f"pre-trend test: parallel trends {verdict} by the report's placebo test (p = {placebo.p_value:.3g}, "
            f"smallest attainable {placebo.min_attainable_p:.3g}); the paper's conventional event-study test "
            f"(joint F p = {check.joint_p:.3g}; slope {check.slope_difference:+.1f} a year, p = {check.slope_p:.3g}) "
            f"would say {conventional} at {check.alpha:g}, but its variance is not valid with one treated unit"
        ),
    }


def model(dbt, session):
    dbt.config(materialized="table")
    panel = dbt.ref("int_claim_did_panel").df()
    design = dbt.ref("int_study_design").df().iloc[0]
    row = {
        "joint_p": None,
        "slope_difference": None,
        "slope_p": None,
        "alpha": None,
        "is_parallel_trends_rejected": None,
        "placebo_p": None,
        "placebo_min_p": None,
        "is_testable": None,
        "is_conventional_rejected": None,
        "note": None,
    }
    # The test needs every region of the design (the treated one and the paper's controls) in the panel.
    if set(panel["region_code"]) == {design["treated_region_code"], *design["control_region_codes"]}:
        try:
            reference = int(design["reference_year"])
            check = event_study(panel, "net_migration_working_age", reference_year=reference).pre_trend
            placebo = placebo_pre_trend(panel, "net_migration_working_age")
        except ValueError as error:
            row["note"] = f"pre-trend test not available: {error}"
        else:
            row |= pre_trend_row(check, placebo)
    return pd.DataFrame([row]).astype(
        {
            "joint_p": "float64",
            "slope_difference": "float64",
            "slope_p": "float64",
            "alpha": "float64",
            "is_parallel_trends_rejected": "boolean",
            "placebo_p": "float64",
            "placebo_min_p": "float64",
            "is_testable": "boolean",
            "is_conventional_rejected": "boolean",
            "note": "string",
        }
    )
