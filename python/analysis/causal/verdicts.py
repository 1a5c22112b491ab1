"""Test results in words for people: pre-trend verdicts, what they imply, the sensitivity breakdowns, and every
estimate's tidy row in one table."""

from __future__ import annotations

import pandas as pd

from analysis.causal.formatting import format_p_value, is_per_1000, p_phrase, p_with_min, value_text
from analysis.causal.results import DesignResult
from estimators.did import PreTrendCheck
from estimators.pre_trend import PlaceboPreTrendResult


def pretrend_verdict(check: PreTrendCheck | None) -> str:
    """Are parallel pre-trends rejected by the event study's F and slope tests, and with which p-values.

    Conventional variance: not valid with one treated unit (the report's appendix; claim C64, as the paper).
    """
    if check is None:
        return ""
    tests = [
        f"{name} p {p_phrase(p)}" for name, p in (("joint", check.joint_p), ("slope", check.slope_p)) if p_phrase(p)
    ]
    verdict = "rejected" if check.parallel_trends_rejected else "not rejected"
    return f"parallel pre-trends {verdict} at {check.alpha:g} ({', '.join(tests) or 'not testable'})"


def placebo_pretrend_verdict(test: PlaceboPreTrendResult | None) -> str:
    """The design-based verdict: rejected / not rejected at the test's level, or not testable there."""
    if test is None:
        return ""
    p = f"placebo p {p_phrase(test.p_value)}, min {format_p_value(test.min_attainable_p)}"
    if not test.can_reject:
        return f"parallel pre-trends not testable at {test.alpha:g} ({p})"
    verdict = "rejected" if test.parallel_trends_rejected else "not rejected"
    return f"parallel pre-trends {verdict} at {test.alpha:g} ({p})"


def short_verdict(result: DesignResult) -> str:
    """The design-based pre-trend verdict, short: ``not rejected (p 0.938, min 0.062)``.

    ``rejected`` / ``not rejected`` at the test's level (10%), or ``not testable`` when even the most extreme
    rank cannot reach it (the paper's two controls: min 1/3). ``–`` when the test could not run.
    """
    test = result.placebo_pre_trend
    if test is None:
        return "–"
    p = f"p {format_p_value(test.p_value)}, min {format_p_value(test.min_attainable_p)}"
    if not test.can_reject:
        return f"not testable ({p})"
    return f"{'rejected' if test.parallel_trends_rejected else 'not rejected'} ({p})"


def conventional_verdict(result: DesignResult) -> str:
    """The event study's F and slope tests (conventional variance: not valid with one treated unit)."""
    if result.event_study is None:
        return "–"
    pre = result.event_study.pre_trend
    tests = ", ".join(
        f"{name} p {p_phrase(p)}" for name, p in (("joint", pre.joint_p), ("slope", pre.slope_p)) if p_phrase(p)
    )
    return f"{'rejected' if pre.parallel_trends_rejected else 'not rejected'} ({tests})"


def verdict_implication(result: DesignResult) -> str:
    """What the design-based pre-trend verdict means for the estimate, in one sentence."""
    test = result.placebo_pre_trend
    if test is None:
        return "no design-based pre-trend test: parallel trends cannot be checked"
    if not test.can_reject:
        return (
            f"With {test.n_units - 1} controls the placebo test cannot reject at {test.alpha:.0%} whatever the "
            "data (its smallest p is "
            f"{format_p_value(test.min_attainable_p)}): parallel trends are untested, so the estimate is "
            "credible only as far as the sensitivity breakdown allows."
        )
    if test.parallel_trends_rejected:
        return (
            f"{result.treated_name}'s pre-{result.post_years[0] or 'crisis'} path departs from its controls' more "
            "than nearly every control's does, so the DiD "
            "is not a credible causal effect on its own; only the sensitivity intervals (which allow for the "
            "trend to continue) can carry a claim."
        )
    return (
        "Parallel trends are not rejected, which is consistent with the design but not proof of it (the "
        "test has low power with one treated unit); the estimate is credible only as far as the "
        "sensitivity breakdown allows."
    )


def pre_trend_components(result: DesignResult) -> str:
    """The design-based pre-trend test's two statistics for Almaty, with their ranks, and the pool."""
    test = result.placebo_pre_trend
    if test is None:
        return "–"
    per_1000 = is_per_1000(result)
    slope = f"{test.estimate:,.3f}" if per_1000 else f"{test.estimate:,.1f}"
    return (
        f"slope {slope}/year (rank p {format_p_value(test.slope_p)}), persistence {test.persistence:.2f} "
        f"(rank p {format_p_value(test.persistence_p)}); {test.n_units} units, {test.pre_years} pre-years"
    )


def pre_trend_detail(result: DesignResult) -> str:
    """The design-based pre-trend test: its p with the smallest attainable, then its components."""
    test = result.placebo_pre_trend
    if test is None:
        return "–"
    return f"{p_with_min(test.p_value, test.min_attainable_p)}; {pre_trend_components(result)}"


def sensitivity_verdict(result: DesignResult) -> str:
    """The breakdowns in words a reader can judge: relative to Almaty's own pre-period variation."""
    sens = result.sensitivity
    if sens is None:
        return "–"
    per_1000 = is_per_1000(result)
    low, high = sens.breakdown_range
    after = f"post-{result.post_years[0] - 1}" if result.post_years[0] else "post-crisis"
    rm = (
        f"survives a {after} departure up to {sens.rm_breakdown:.2f}× the largest pre-period one "
        f"({value_text(sens.benchmark, per_1000)}, robust to one year; leaving out one pre-year: {low:.2f}–{high:.2f}×)"
        if sens.rm_breakdown > 0
        else "does not survive any departure from parallel trends (breakdown 0)"
    )
    trend = (
        f"trend-adjusted {value_text(sens.trend_estimate, per_1000)} survives slope changes up to "
        f"{sens.sd_breakdown_relative:.2f} SD of {result.treated_name}'s pre-period second differences per year"
        if sens.sd_breakdown > 0
        else f"trend-adjusted {value_text(sens.trend_estimate, per_1000)}: breakdown 0"
    )
    return f"{rm}; {trend}"


def short_sensitivity(result: DesignResult) -> str:
    """``M̄ 1.21 (one pre-year out: 1.05–1.21); trend M 1.34 SD``: the breakdowns, each on Almaty's scale."""
    sens = result.sensitivity
    if sens is None:
        return "–"
    low, high = sens.breakdown_range
    return (
        f"M̄ {sens.rm_breakdown:.2f} (one pre-year out: {low:.2f}–{high:.2f}); "
        f"trend M {sens.sd_breakdown_relative:.2f} SD"
    )


def estimates_table(results: list[DesignResult]) -> pd.DataFrame:
    """Every estimate of every design and outcome, one tidy row each (:meth:`DesignResult.tidy`): method,
    design, outcome, estimate, interval, p and its smallest attainable value, placebos or draws, panel, years."""
    frames = [result.tidy() for result in results if result.estimates]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
