"""The appendix: conventional and cluster-robust results, not valid with one treated unit, each with its
measured size; built from each estimate's tidy row."""

from __future__ import annotations

import html

import pandas as pd

from analysis.causal.formatting import (
    SHORT_OUTCOMES,
    TableRenderer,
    format_p_value,
    interval_cell,
    interval_text,
    is_per_1000,
    p_cell,
    value_text,
)
from analysis.causal.labels import design_short, treated_name
from analysis.causal.method_note import method_size_range
from analysis.causal.results import DesignResult
from analysis.causal.verdicts import conventional_verdict


def appendix_table(results: list[DesignResult]) -> pd.DataFrame:
    """Conventional and cluster-robust results: NOT valid with one treated unit (kept for comparison)."""
    rows = []
    for result in results:
        did, tidy = result.did, result.tidy_rows()
        if did is None:
            continue
        per_1000, conventional, sdid = is_per_1000(result), tidy[did.method], tidy.get("synthetic_did")
        rows.append(
            {
                "design": design_short(result),
                "outcome": SHORT_OUTCOMES.get(result.outcome, result.outcome),
                "DiD estimate": value_text(conventional["estimate"], per_1000),
                "conventional 95% CI (not valid)": interval_cell(conventional, per_1000),
                "conventional p (not valid)": f"{format_p_value(conventional['p_value'])}; "
                f"{method_size_range('conventional')}",
                # One column for both designs (a header naming the count split it in two); the count in the cell.
                "cluster-robust 95% CI (not valid)": (
                    f"{interval_text(did.interval_cluster.bounds, per_1000)}, {did.n_regions} clusters"
                ),
                "cluster-robust p (not valid)": (
                    f"{format_p_value(did.p_cluster)}; {method_size_range('cluster_robust')}"
                ),
                "the paper's pre-trend test: event-study joint F and slope t, 5% (not valid)": (
                    f"{conventional_verdict(result)}; {method_size_range('pretrend_conventional', alpha=0.05)}"
                ),
                f"raw placebo in space p (over-rejects when {result.treated_name} is noisier)": p_cell(
                    tidy, "placebo_in_space"
                )
                + f"; {method_size_range('placebo_space')}",
                "synthetic DiD, placebo variance (not valid for one treated unit)": (
                    f"{value_text(sdid['estimate'], per_1000)}; 95% {interval_cell(sdid, per_1000)}; "
                    f"{sdid['n_placebos']} placebos; {method_size_range('sdid_placebo')}"
                )
                if sdid
                else "–",
            }
        )
    return pd.DataFrame(rows)


def appendix_html(results: list[DesignResult], table: TableRenderer) -> str:
    frame = appendix_table(results)
    treated = html.escape(treated_name(results))
    return "\n".join(
        [
            "<h2 id='appendix'>Appendix: conventional and cluster-robust results — not valid with one treated "
            "unit</h2>",
            "<p><strong>Do not read these as evidence.</strong> With one treated region the regression variance "
            f"comes from the controls alone (in the event study {treated}'s residuals are exactly zero, every year "
            f"having its own coefficient), serial correlation is ignored, and {treated}'s pre-period noise differs "
            "from its controls' (the noise ratios are in the method note). Each column carries the test's measured "
            "size in the Monte Carlo (the range over every simulated design). "
            "The same holds for the paper's own pre-trend method, the event study's joint F test of the "
            "pre-period coefficients and the linear slope difference: the report's verdict, and claim C64's, is "
            "the placebo test of the headline table; the paper's test is shown here under its name. The raw "
            "placebo in space (ranking unstudentised DiDs) and the synthetic DiD's placebo variance are here "
            f"too: they over-reject where {treated} is noisier than its controls, and the synthetic DiD's variance "
            "comes from the controls alone.</p>",
            table(frame, text_columns=frame.columns),
        ]
    )
