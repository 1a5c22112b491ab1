"""The details under the headline: both outcomes side by side, every design-based method, robustness, effects
year by year and the sensitivity grid."""

from __future__ import annotations

import html
from typing import Any, cast

import pandas as pd

from analysis.causal.formatting import (
    ROBUSTNESS_DESIGNS,
    SHORT_OUTCOMES,
    TableRenderer,
    estimate_cell,
    format_p_value,
    headline_interval,
    interval_text,
    is_per_1000,
    outcome_label,
    p_cell,
    p_with_min,
    set_text,
    value_text,
)
from analysis.causal.labels import DESIGN_CODES, crisis_year, design_short, treated_name
from analysis.causal.results import DesignResult
from analysis.causal.verdicts import pre_trend_detail, short_verdict, verdict_implication


def outcome_verdicts(results: list[DesignResult]) -> pd.DataFrame:
    """Both outcomes side by side per design: pre-trend verdict and what it implies."""
    rows = []
    for design in DESIGN_CODES:
        found = [r for r in results if r.design == design]
        if not found:
            continue
        row = {"design": design_short(found[0])}
        for result in found:
            label = SHORT_OUTCOMES.get(result.outcome, result.outcome)
            row[f"{label}: pre-trend"] = short_verdict(result)
            row[f"{label}: what it implies"] = verdict_implication(result)
        rows.append(row)
    return pd.DataFrame(rows)


def design_based_table(results: list[DesignResult]) -> pd.DataFrame:
    """Every design-based method per design × outcome, with placebo counts and the window lengths."""
    rows = []
    for result in results:
        time, synth = result.placebo_time, result.synthetic
        wild = result.wild_bootstrap
        window = "–"
        if time is not None:
            lengths = time.placebo_estimates["pre_years"]
            window = (
                f"{p_with_min(time.p_value, time.min_attainable_p)}; {time.n_placebos} fake crisis years, "
                f"{int(lengths.min())}–{int(lengths.max())} pre-years each (real estimate: {time.actual_pre_years}), "
                f"{time.post_length}-year post windows"
            )
        filters = "–"
        if synth is not None and synth.prefit_filtered is not None:
            filters = "; ".join(
                f"≤{row.mspe_multiple:g}× MSPE: {format_p_value(row.p_value)} (n {row.n_placebos})"
                for row in cast(Any, synth.prefit_filtered).itertuples()
            )
        rows.append(
            {
                "design": design_short(result),
                "outcome": SHORT_OUTCOMES.get(result.outcome, result.outcome),
                "placebo in time": window,
                "pre-trend, placebo in space (slope and persistence)": pre_trend_detail(result),
                "synthetic control (ADH pre-fit filters)": filters,
                "wild cluster restricted bootstrap": (
                    f"{format_p_value(wild.p_value)}; {wild.weights}, {wild.n_clusters} clusters, "
                    + (f"all {wild.n_placebos} patterns" if wild.enumerated else f"{wild.n_placebos} draws")
                )
                if wild
                else "–",
            }
        )
    return pd.DataFrame(rows)


def per_year_table(results: list[DesignResult]) -> pd.DataFrame:
    """Each crisis year separately, with the studentised placebo and the conformal test of that year alone."""
    rows = []
    for result in results:
        if result.per_year is None:
            continue
        per_1000 = is_per_1000(result)
        row: Any
        for row in result.per_year.itertuples():
            rows.append(
                {
                    "design": design_short(result),
                    "outcome": SHORT_OUTCOMES.get(result.outcome, result.outcome),
                    "year": int(row.year),
                    "DiD of that year": value_text(row.estimate, per_1000),
                    "studentised placebo p": p_with_min(row.studentised_p, row.studentised_min_p),
                    "conformal p": p_with_min(getattr(row, "conformal_p", None), getattr(row, "conformal_min_p", None)),
                    "conformal 95% interval (that year's effect)": set_text(
                        getattr(row, "conformal_interval", None), per_1000
                    ),
                }
            )
    return pd.DataFrame(rows)


def sensitivity_table(results: list[DesignResult]) -> pd.DataFrame:
    """Sensitivity intervals per restriction and parameter, each parameter on Almaty's own scale."""
    rows = []
    for result in results:
        sens = result.sensitivity
        if sens is None:
            continue
        per_1000 = is_per_1000(result)
        for restriction, label, estimate, breakdown in (
            (
                "relative_magnitudes",
                f"departure ≤ M̄ × {value_text(sens.benchmark, per_1000)} (largest pre-period {len(result.post_years)}"
                "-year departure, robust to one year)",
                sens.estimate,
                f"{sens.rm_breakdown:.2f} (leave one pre-year out: {sens.breakdown_range[0]:.2f}–"
                f"{sens.breakdown_range[1]:.2f})",
            ),
            (
                "smoothness",
                "pre-period linear trend continued; slope may change by M × "
                f"{value_text(sens.second_difference_sd, per_1000)} a year (SD of {result.treated_name}'s "
                "pre-period second differences)",
                sens.trend_estimate,
                f"{sens.sd_breakdown_relative:.2f}",
            ),
        ):
            grid = sens.grid[sens.grid["restriction"] == restriction]
            intervals = "; ".join(
                f"{r.parameter:g}: {interval_text((r.ci_low, r.ci_high), per_1000)}"
                for r in cast(Any, grid).itertuples()
            )
            rows.append(
                {
                    "design": design_short(result),
                    "outcome": SHORT_OUTCOMES.get(result.outcome, result.outcome),
                    "restriction": label,
                    "estimate it targets": value_text(estimate, per_1000),
                    "breakdown": breakdown,
                    "95% intervals by parameter": intervals,
                }
            )
    return pd.DataFrame(rows)


def robustness_table(results: list[DesignResult]) -> pd.DataFrame:
    """The robustness designs with the headline's test: estimate, studentised p, its interval, noise ratio."""
    rows = []
    for result in (r for r in results if r.design in ROBUSTNESS_DESIGNS):
        tidy, test = result.tidy_rows(), result.studentised
        rows.append(
            {
                "design": design_short(result),
                "outcome, years": outcome_label(result),
                "controls": len(result.regions) - 1,
                "DiD, crisis years": estimate_cell(tidy, "twfe_did", is_per_1000(result)),
                "studentised placebo p": p_cell(tidy, "studentised_placebo_in_space"),
                "90% interval (test inverted)": headline_interval(result),
                "noise ratio": f"{test.noise_ratio:.2f}" if test else "–",
            }
        )
    return pd.DataFrame(rows)


def leave_one_out_table(results: list[DesignResult]) -> pd.DataFrame:
    """The DiD with each control left out: its range, and the control whose removal moves it most."""
    rows = []
    for result in results:
        loo = result.leave_one_out
        if loo is None or loo.empty or result.did is None:
            continue
        per_1000 = is_per_1000(result)
        shift = (loo["estimate"] - result.did.estimate).abs().to_numpy(dtype=float)
        # Ties within rounding noise go to the first control by code: with two controls both removals move
        # the DiD by the same amount, and the last bit (which the CPU's BLAS kernel decides) must not choose.
        tied = shift >= shift.max() * (1 - 1e-9)
        most = loo[tied].sort_values("region_code", kind="stable").iloc[0]
        rows.append(
            {
                "design": design_short(result),
                "outcome": SHORT_OUTCOMES.get(result.outcome, result.outcome),
                "DiD, all controls": value_text(result.did.estimate, per_1000),
                "leave one control out: range": interval_text(
                    (float(loo["estimate"].min()), float(loo["estimate"].max())), per_1000
                ),
                "largest change: control left out": f"{result.name(str(most['region_code']))} "
                f"({value_text(float(most['estimate']), per_1000)})",
            }
        )
    return pd.DataFrame(rows)


def follow_up_sentence(results: list[DesignResult]) -> str:
    """Which post years are the paper's crisis years and which the follow-up, from the years the code used."""
    last = max((r.post_years[1] for r in results if r.post_years[0]), default=0)
    first = crisis_year(results) or last
    # The study's window ends at dim_study_design.study_last_year; without it, at the last post year.
    study_last = min((r.study_last_year for r in results if r.study_last_year), default=last)
    studied = f"{first}–{study_last} are" if study_last > first else f"{first} is"
    if last <= study_last:
        return f"{studied} the crisis years the paper studies."
    shorter = sorted({SHORT_OUTCOMES.get(r.outcome, r.outcome) for r in results if 0 < r.post_years[1] < last})
    ends = sorted({r.post_years[1] for r in results if 0 < r.post_years[1] < last})
    stops = f" ({', '.join(shorter)}: to {ends[-1]} only, the last year with a published population)" if shorter else ""
    return (
        f"{studied} the crisis years the paper studies; {study_last + 1}–{last} are the follow-up the study leaves "
        f"open: did the reversal last?{stops}"
    )


def causal_details_html(results: list[DesignResult], table: TableRenderer) -> str:
    """Design-based details, both outcomes side by side, per-year effects, sensitivity."""
    verdicts = outcome_verdicts(results)
    design_based = design_based_table(results)
    per_year = per_year_table(results)
    sens = sensitivity_table(results)
    loo = leave_one_out_table(results)
    robust = robustness_table(results)
    treated = html.escape(treated_name(results))
    return "\n".join(
        [
            "<h3>Both outcomes, side by side</h3>",
            "<p>The pre-trend test (the design-based placebo test of the headline) is run on each outcome, "
            f"and the two can disagree: {treated}'s population and its controls' grow at different paces, so a "
            "level trend in persons can be flat per resident (or the other way round). Each verdict applies to its "
            "own outcome only.</p>",
            table(verdicts, text_columns=verdicts.columns),
            "<h3>Design-based inference, every method</h3>",
            "<p>Placebo in time uses fake crisis years inside the pre-period, each with fewer pre-years than the "
            "real estimate (the window lengths are stated); it also assumes no pre-trend, so it is not a "
            "headline test. The synthetic-control p is recomputed leaving out placebos whose pre-period MSPE is "
            f"more than 20, 5 and 2 times {treated}'s (Abadie, Diamond &amp; Hainmueller 2010). The wild cluster "
            "restricted bootstrap is known to under-reject with one treated cluster (MacKinnon &amp; Webb "
            "2018). The synthetic DiD's placebo variance and the event-study band come from the controls alone "
            "(two of them in the paper design), not a variance valid for one treated unit: they are in the "
            "appendix. Measured sizes are in the method note.</p>",
            table(design_based, text_columns=design_based.columns),
            "<h3>Robustness: controls left out</h3>",
            "<p>The shock was national and the arrivals from Russia could reach the regions on its border "
            "first, so a control there may have been exposed too (a spillover would pull the DiD towards zero, "
            f"or push it up if the border regions lost migrants to {treated}). The design “territories not "
            "bordering Russia” drops them; and the DiD is recomputed leaving out each control in turn.</p>",
            table(robust, text_columns=robust.columns),
            table(loo, text_columns=loo.columns),
            "<h3>Effects year by year (crisis window)</h3>",
            "<p>The DiD of each crisis year against the whole pre-period, with its own studentised placebo and "
            "conformal inference; the conformal interval inverts the test of that one year's effect (endpoints "
            f"by root-finding). {follow_up_sentence(results)}</p>",
            table(per_year, text_columns=[c for c in per_year.columns if c != "year"]),
            "<h3>Sensitivity to violations of parallel trends (after Rambachan &amp; Roth 2023)</h3>",
            "<p>Each restriction targets exactly the estimate in its row. Relative magnitudes: the post-period "
            f"departure of {treated}'s gap from its pre-period mean may be up to M̄ times the largest departure of a "
            "pre-period window of the same length, benchmarked without the single most influential year (the "
            "range leaving out each pre-year shows how much one year matters). Smoothness: the pre-period linear "
            "trend of the gap (fitted on every pre-year) continues and its slope may change by up to M SDs of "
            f"{treated}'s pre-period second differences a year. The standard error is {treated}'s pre-period noise "
            "times the spread of the controls' studentised placebo estimates. Breakdown: the smallest parameter "
            "at which the 95% interval includes zero.</p>",
            table(sens, text_columns=sens.columns),
        ]
    )
