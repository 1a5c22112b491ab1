"""The causal part of the report: what a reader sees first, the details under it, the invalid appendix.

Order of evidence, on purpose: design-based inference (placebo in space, conformal, synthetic control) and
sensitivity lead; the robust interval is the conformal one; conventional and cluster-robust results are
in an appendix labelled as not valid with one treated unit. Every table here is a DataFrame of display
strings built from :class:`analysis.causal.DesignResult` (tested), and the HTML only lays them out.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple, cast

import numpy as np
import pandas as pd

from analysis.causal import DESIGNS, DesignResult, LaterYear, format_p_value, p_phrase
from analysis.inversion import ConfidenceSet, describe, invert_test
from analysis.marts import REPO_ROOT, Tables
from analysis.monte_carlo import METHODS, wide_table
from analysis.permutation import PRE_TREND_ALPHA

MONTE_CARLO_CSV = REPO_ROOT / "data" / "benchmarks" / "inference_mc.csv"
ENSEMBLE_MART = "fct_reconstruction_ensemble_estimates"
SHORT_DESIGNS = {
    "paper": "Paper: Almaty vs Zhambyl, West Kazakhstan",
    "all_regions": "All 15 other territories",
    "no_russia_border": "Territories not bordering Russia",
}
SHORT_OUTCOMES = {
    "net_migration_working_age": "persons",
    "net_migration_working_age_per_1000_residents": "per 1,000 residents",
}
# The ensemble's outcome codes (reference_data.ensemble.OUTCOME_CODES) for each panel column.
ENSEMBLE_OUTCOMES = {
    "net_migration_working_age": ("net_migration_working_age", "net_working_age"),
    "net_migration_working_age_per_1000_residents": (
        "net_migration_working_age_per_1000_residents",
        "net_working_age_per_1000",
    ),
}


class PreTrendSpread(NamedTuple):
    """The design-based pre-trend test across the reconstruction ensemble (:func:`ensemble_pre_trend`)."""

    rejected: int
    members: int
    p_min: float
    p_max: float


def _value(value: float | None, per_1000: bool) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return f"{value:,.2f}" if per_1000 else f"{value:,.0f}"


def _interval(ci: tuple[float, float] | None, per_1000: bool) -> str:
    if ci is None or not all(math.isfinite(v) for v in ci):
        return "–"
    return f"[{_value(ci[0], per_1000)}, {_value(ci[1], per_1000)}]"


def _p_with_min(p: float | None, minimum: float | None) -> str:
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "–"
    return f"{format_p_value(p)} (min {format_p_value(minimum)})"


def _is_per_1000(result: DesignResult) -> bool:
    return "per_1000" in result.outcome


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
            "Almaty's pre-2022 path departs from its controls' more than nearly every control's does, so the DiD "
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
    per_1000 = _is_per_1000(result)
    slope = f"{test.slope_difference:,.3f}" if per_1000 else f"{test.slope_difference:,.1f}"
    return (
        f"slope {slope}/year (rank p {format_p_value(test.slope_p)}), persistence {test.persistence:.2f} "
        f"(rank p {format_p_value(test.persistence_p)}); {test.n_units} units, {test.pre_years} pre-years"
    )


def pre_trend_detail(result: DesignResult) -> str:
    """The design-based pre-trend test: its p with the smallest attainable, then its components."""
    test = result.placebo_pre_trend
    if test is None:
        return "–"
    return f"{_p_with_min(test.p_value, test.min_attainable_p)}; {pre_trend_components(result)}"


def outcome_label(result: DesignResult) -> str:
    """``persons, 2000–2025, post 2022–2025``: the outcome and the years the code used for it."""
    label = SHORT_OUTCOMES.get(result.outcome, result.outcome)
    return f"{label}, {result.window}" if result.window else label


def _ensemble_groups(tables: Tables, keep: Callable[[pd.Series], pd.Series]) -> Iterator[tuple[str, str, pd.DataFrame]]:
    """(design, panel outcome, rows) of the ensemble mart's rows that `keep` selects (a mask of estimator
    codes), for every design and outcome that has some; nothing when the mart is absent or empty."""
    frame = tables.get(ENSEMBLE_MART)
    if frame is None or frame.empty:
        return
    frame = frame[keep(frame["estimator_code"].astype(str))]
    for outcome, codes in ENSEMBLE_OUTCOMES.items():
        for design in DESIGNS:
            rows = frame[(frame["design_code"] == design) & frame["outcome_code"].isin(codes)]
            if not rows.empty:
                yield design, outcome, rows


def ensemble_spread(tables: Tables) -> dict[tuple[str, str], str]:
    """(design, outcome) → "min / median / max (N members)" of the DiD estimate across reconstructions.

    Empty when the ensemble mart is absent or has no rows: the report then says "no ensemble".
    """
    frame = tables.get(ENSEMBLE_MART)
    if frame is None or frame.empty:
        return {}

    def is_did(codes: pd.Series) -> pd.Series:
        return codes.str.lower().isin(("did", "twfe", "twfe_did"))

    # A mart without DiD rows (an older ensemble) has its one estimate per row under another code.
    has_did = bool(is_did(frame["estimator_code"].astype(str)).any())
    spreads = {}
    for design, outcome, rows in _ensemble_groups(tables, is_did if has_did else lambda codes: codes.notna()):
        values = pd.to_numeric(rows["estimate"], errors="coerce").dropna()
        if values.empty:
            continue
        per_1000 = "per_1000" in outcome
        spreads[(design, outcome)] = (
            f"{_value(float(values.min()), per_1000)} / {_value(float(values.median()), per_1000)} / "
            f"{_value(float(values.max()), per_1000)} ({rows['member_id'].nunique()} members)"
        )
    return spreads


def ensemble_pre_trend(tables: Tables, alpha: float = PRE_TREND_ALPHA) -> dict[tuple[str, str], PreTrendSpread]:
    """(design, outcome) → the design-based pre-trend test across the reconstructions: on how many of them it
    rejects at ``alpha``, and the range of its p.

    Reads the ensemble's ``pretrend_placebo`` rows (p of :func:`analysis.permutation.placebo_pre_trend` on
    each member); empty when the mart is absent or holds none, and the headline then shows the bundled
    tables' verdict alone.
    """
    spreads = {}
    for design, outcome, rows in _ensemble_groups(tables, lambda codes: codes == "pretrend_placebo"):
        p = pd.to_numeric(rows["p_value"], errors="coerce").dropna()
        if not p.empty:
            spreads[(design, outcome)] = PreTrendSpread(int((p <= alpha).sum()), len(p), float(p.min()), float(p.max()))
    return spreads


def _pre_trend_cell(result: DesignResult, spread: PreTrendSpread | None) -> str:
    """The headline's pre-trend verdict, then the same test across the reconstructions when there are any."""
    verdict = short_verdict(result)
    if spread is None:
        return verdict
    span = format_p_value(spread.p_min)
    if spread.p_max > spread.p_min:
        span += f"–{format_p_value(spread.p_max)}"
    test = result.placebo_pre_trend
    if test is not None and not test.can_reject:  # the same pool on every member: untestable on all of them
        return f"{verdict}; {spread.members} reconstructions: p {span}"
    return f"{verdict}; {spread.rejected} of {spread.members} reconstructions reject (p {span})"


HEADLINE_CONFIDENCE = 0.90
# Designs shown as robustness checks, not in the headline table.
ROBUSTNESS_DESIGNS = ("no_russia_border",)


def _set(result: ConfidenceSet | None, per_1000: bool) -> str:
    return describe(result, lambda v: _value(v, per_1000))


def headline_interval(result: DesignResult) -> str:
    """The studentised placebo test inverted at the headline's level (90%: at 95% a rank among 16 is never
    extreme enough, so the 95% set is the whole line), endpoints by root-finding; says when unbounded."""
    test = result.studentised
    if test is None:
        return "–"
    interval = invert_test(test.p_values, test.actual_estimate, test.treated_sd, HEADLINE_CONFIDENCE)
    text = _set(interval, _is_per_1000(result))
    if not interval.bounded:
        text += f" (min p {format_p_value(test.min_attainable_p)} > {1 - HEADLINE_CONFIDENCE:.2f})"
    return text


def sensitivity_verdict(result: DesignResult) -> str:
    """The breakdowns in words a reader can judge: relative to Almaty's own pre-period variation."""
    sens = result.sensitivity
    if sens is None:
        return "–"
    per_1000 = _is_per_1000(result)
    low, high = sens.breakdown_range
    rm = (
        f"survives a post-2021 departure up to {sens.rm_breakdown:.2f}× the largest pre-period one "
        f"({_value(sens.benchmark, per_1000)}, robust to one year; leaving out one pre-year: {low:.2f}–{high:.2f}×)"
        if sens.rm_breakdown > 0
        else "does not survive any departure from parallel trends (breakdown 0)"
    )
    trend = (
        f"trend-adjusted {_value(sens.trend_estimate, per_1000)} survives slope changes up to "
        f"{sens.sd_breakdown_relative:.2f} SD of Almaty's pre-period second differences per year"
        if sens.sd_breakdown > 0
        else f"trend-adjusted {_value(sens.trend_estimate, per_1000)}: breakdown 0"
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


def sensitivity_block_html(results: list[DesignResult]) -> str:
    """Each design's sensitivity verdict in words, beside a sparkline of Almaty's pre-period gap."""
    items = []
    for result in results:
        if result.sensitivity is None or result.design in ROBUSTNESS_DESIGNS:
            continue
        label = (
            f"{SHORT_DESIGNS.get(result.design, result.design)}, {SHORT_OUTCOMES.get(result.outcome, result.outcome)}"
        )
        items.append(
            "<div style='display:flex;gap:.8rem;align-items:center;margin:.3rem 0'>"
            f"{pre_gap_svg(result)}<p><strong>{html.escape(label)}</strong>: the DiD "
            f"{html.escape(sensitivity_verdict(result))}.</p></div>"
        )
    if not items:
        return ""
    return (
        "<div><p class='note'>Sensitivity beside Almaty's pre-period gap to its "
        "controls (centred on its pre-period mean; grey line: 0). M̄ = 1: a post-2021 departure from "
        "parallel trends as large as the largest of a pre-period window of the same length.</p>"
        + "".join(items)
        + "</div>"
    )


def headline_table(
    results: list[DesignResult],
    spreads: dict[tuple[str, str], str] | None = None,
    pre_trends: dict[tuple[str, str], PreTrendSpread] | None = None,
) -> pd.DataFrame:
    """The summary a reader sees first: one row per design × outcome on the crisis window, design-based tests
    that hold their size only (the Monte Carlo in the method note).

    ``spreads`` and ``pre_trends`` carry the reconstruction ensemble (:func:`ensemble_spread`,
    :func:`ensemble_pre_trend`): the estimate's spread, and how often the pre-trend verdict would differ."""
    spreads, pre_trends = spreads or {}, pre_trends or {}
    rows = []
    for result in (r for r in results if r.design not in ROBUSTNESS_DESIGNS):
        per_1000 = _is_per_1000(result)
        test, conformal, synth = result.studentised, result.conformal, result.synthetic
        rows.append(
            {
                "design": SHORT_DESIGNS.get(result.design, result.design),
                "outcome, years": outcome_label(result),
                "DiD, crisis years": _value(result.did.estimate if result.did else None, per_1000),
                "studentised placebo p; noise ratio": (
                    f"{_p_with_min(test.p_value, test.min_attainable_p)}; ratio {test.noise_ratio:.2f}" if test else "–"
                ),
                "90% interval (test inverted)": headline_interval(result),
                "conformal p": _p_with_min(
                    conformal.p_value if conformal else None, conformal.min_attainable_p if conformal else None
                ),
                "synthetic control p": _p_with_min(
                    synth.p_value if synth else None, synth.min_attainable_p if synth else None
                )
                if synth
                else "not run",
                "pre-trend (placebo test, 10%)": _pre_trend_cell(
                    result, pre_trends.get((result.design, result.outcome))
                ),
                "sensitivity breakdown (M̄; trend M)": short_sensitivity(result),
                "reconstruction spread (min / median / max)": spreads.get(
                    (result.design, result.outcome), "no ensemble"
                ),
            }
        )
    return pd.DataFrame(rows)


def pre_gap_svg(result: DesignResult, width: int = 120, height: int = 32) -> str:
    """A sparkline of Almaty's pre-period gap to its controls (centred), with its range in words."""
    gap = result.pre_gap
    if gap is None or gap.dropna().empty:
        return "–"
    values = gap.dropna()
    low, high = float(values.min()), float(values.max())
    span = high - low or 1.0
    xs = np.linspace(2, width - 2, len(values))
    ys = height - 2 - (values.to_numpy(dtype=float) - low) / span * (height - 4)
    zero = height - 2 - (0 - low) / span * (height - 4)
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))
    per_1000 = _is_per_1000(result)
    years = values.index.to_numpy(dtype=int)
    array = values.to_numpy(dtype=float)
    label = (
        f"{years.min()}–{years.max()}; lowest {years[array.argmin()]}: "
        f"{_value(low, per_1000)}, highest {years[array.argmax()]}: {_value(high, per_1000)}"
    )
    return (
        f"<svg width='{width}' height='{height}' role='img' aria-label='pre-period gap {html.escape(label)}'>"
        f"<line x1='0' x2='{width}' y1='{zero:.1f}' y2='{zero:.1f}' stroke='#bbb' stroke-width='1'/>"
        f"<polyline fill='none' stroke='#444' stroke-width='1.2' points='{points}'/></svg>"
        f"<span class='note' style='min-width:9rem'>{html.escape(label)}</span>"
    )


def later_years_table(later: list[LaterYear]) -> pd.DataFrame:
    """Each year after the crisis window on its own, and whether the effect changed from the crisis years."""
    rows = []
    for item in (i for i in later if i.design not in ROBUSTNESS_DESIGNS):
        per_1000 = "per_1000" in item.outcome
        base = {
            "design": SHORT_DESIGNS.get(item.design, item.design),
            "outcome": SHORT_OUTCOMES.get(item.outcome, item.outcome),
            "year": item.year,
            "Almaty's figures": {True: "published", False: "modeled"}.get(item.treated_published, "–")
            if item.treated_published is not None
            else "–",
        }
        if item.effect is None or item.change is None:
            rows.append(base | {"DiD of that year": f"not estimated: {item.missing}"})  # other cells stay empty
            continue
        change_set = invert_test(
            item.change.p_values, item.change.actual_estimate, item.change.treated_sd, HEADLINE_CONFIDENCE
        )
        effect_set = invert_test(
            item.effect.p_values, item.effect.actual_estimate, item.effect.treated_sd, HEADLINE_CONFIDENCE
        )
        rows.append(
            base
            | {
                "DiD of that year": _value(item.effect.actual_estimate, per_1000),
                "studentised placebo p": _p_with_min(item.effect.p_value, item.effect.min_attainable_p),
                "90% interval (studentised)": _set(effect_set, per_1000),
                "conformal p": _p_with_min(item.conformal_p, item.conformal_min_p),
                "conformal 95% interval": _set(item.conformal_interval, per_1000),
                f"change from {item.crisis[0]}–{item.crisis[1]}": _value(item.change.actual_estimate, per_1000),
                "change: studentised p": _p_with_min(item.change.p_value, item.change.min_attainable_p),
                "change: 90% interval": _set(change_set, per_1000),
            }
        )
    return pd.DataFrame(rows)


def answer_in_words(results: list[DesignResult], later: list[LaterYear], reconstruction: bool = True) -> str:
    """Two or three sentences from the numbers: the crisis effect, its best valid test, and whether it lasted."""
    main = next(
        (r for r in results if r.design == "all_regions" and "per_1000" not in r.outcome and r.studentised), None
    )
    if main is None or main.did is None or main.studentised is None:
        return "The causal designs could not run on these marts, so no causal answer is given."
    test = main.studentised
    data = "On the reconstruction" if reconstruction else "On the published figures"
    years = f"{main.post_years[0]}–{main.post_years[1]}"
    at_min = " (the smallest its placebos allow)" if test.p_value <= test.min_attainable_p * (1 + 1e-9) else ""
    first = (
        f"{data}, Almaty's working-age net migration rose by about {_round(main.did.estimate)} persons a year more "
        f"than in the other {test.n_placebos} territories in {years}; the studentised placebo test gives "
        f"p = {format_p_value(test.p_value)}{at_min}, valid if Almaty's post-crisis path, scaled by its own "
        "pre-period noise, would have been as ordinary as a control's."
    )
    pre = main.placebo_pre_trend
    second = ""
    if pre is not None and pre.can_reject:
        second = (
            f" Its pre-2022 gap to the controls is {'not ' if not pre.parallel_trends_rejected else ''}"
            f"unusual among them (pre-trend placebo p = {format_p_value(pre.p_value)})."
        )
    mine = [item for item in later if item.design == main.design and item.outcome == main.outcome and item.effect]
    third = ""
    if mine:
        parts = []
        for item in mine:
            assert item.effect is not None and item.change is not None
            ratio = item.effect.actual_estimate / main.did.estimate if main.did.estimate else math.nan
            parts.append(
                f"{item.year}: {_round(item.effect.actual_estimate)} ({_share(ratio)} of the crisis effect, "
                f"p = {format_p_value(item.effect.p_value)}; change p = {format_p_value(item.change.p_value)})"
            )
        third = " Afterwards, year by year against the same controls: " + "; ".join(parts) + "."
        kinds = {item.treated_published for item in mine}
        if kinds == {False}:
            third += " Almaty's figures for those years are modeled, not published."
        elif kinds == {True}:
            third += " Almaty's figures for those years are published."
        elif True in kinds:
            shown = ", ".join(str(i.year) for i in mine if i.treated_published)
            third += f" Of those years, Almaty's figures are published for {shown} only."
    return first + second + third


def _round(value: float) -> str:
    magnitude = 10 ** max(0, int(math.log10(abs(value))) - 1) if value else 1
    return f"{round(value / magnitude) * magnitude:,.0f}"


def _share(ratio: float) -> str:
    if not math.isfinite(ratio):
        return "–"
    return f"{ratio:.0%}" if abs(ratio) < 10 else f"{ratio:.0f}×"


def outcome_verdicts(results: list[DesignResult]) -> pd.DataFrame:
    """Both outcomes side by side per design: pre-trend verdict and what it implies."""
    rows = []
    for design in DESIGNS:
        row = {"design": SHORT_DESIGNS[design]}
        for result in (r for r in results if r.design == design):
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
                f"{_p_with_min(time.p_value, time.min_attainable_p)}; {time.n_placebos} fake crisis years, "
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
                "design": SHORT_DESIGNS.get(result.design, result.design),
                "outcome": SHORT_OUTCOMES.get(result.outcome, result.outcome),
                "placebo in time": window,
                "pre-trend, placebo in space (slope and persistence)": pre_trend_detail(result),
                "synthetic control (ADH pre-fit filters)": filters,
                "wild cluster restricted bootstrap": (
                    f"{format_p_value(wild.p_value)}; {wild.weights}, {wild.n_clusters} clusters, "
                    f"{'all ' + str(wild.n_draws) + ' patterns' if wild.enumerated else str(wild.n_draws) + ' draws'}"
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
        per_1000 = _is_per_1000(result)
        row: Any
        for row in result.per_year.itertuples():
            rows.append(
                {
                    "design": SHORT_DESIGNS.get(result.design, result.design),
                    "outcome": SHORT_OUTCOMES.get(result.outcome, result.outcome),
                    "year": int(row.year),
                    "DiD of that year": _value(row.estimate, per_1000),
                    "studentised placebo p": _p_with_min(row.studentised_p, row.studentised_min_p),
                    "conformal p": _p_with_min(
                        getattr(row, "conformal_p", None), getattr(row, "conformal_min_p", None)
                    ),
                    "conformal 95% interval (that year's effect)": _set(
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
        per_1000 = _is_per_1000(result)
        for restriction, label, estimate, breakdown in (
            (
                "relative_magnitudes",
                f"departure ≤ M̄ × {_value(sens.benchmark, per_1000)} (largest pre-period {len(result.post_years)}"
                "-year departure, robust to one year)",
                sens.estimate,
                f"{sens.rm_breakdown:.2f} (leave one pre-year out: {sens.breakdown_range[0]:.2f}–"
                f"{sens.breakdown_range[1]:.2f})",
            ),
            (
                "smoothness",
                "pre-period linear trend continued; slope may change by M × "
                f"{_value(sens.second_difference_sd, per_1000)} a year (SD of Almaty's pre-period second "
                "differences)",
                sens.trend_estimate,
                f"{sens.sd_breakdown_relative:.2f}",
            ),
        ):
            grid = sens.grid[sens.grid["restriction"] == restriction]
            intervals = "; ".join(
                f"{r.parameter:g}: {_interval((r.ci_low, r.ci_high), per_1000)}" for r in cast(Any, grid).itertuples()
            )
            rows.append(
                {
                    "design": SHORT_DESIGNS.get(result.design, result.design),
                    "outcome": SHORT_OUTCOMES.get(result.outcome, result.outcome),
                    "restriction": label,
                    "estimate it targets": _value(estimate, per_1000),
                    "breakdown": breakdown,
                    "95% intervals by parameter": intervals,
                }
            )
    return pd.DataFrame(rows)


def robustness_table(results: list[DesignResult]) -> pd.DataFrame:
    """The robustness designs with the headline's test: estimate, studentised p, its interval, noise ratio."""
    rows = []
    for result in (r for r in results if r.design in ROBUSTNESS_DESIGNS):
        test = result.studentised
        rows.append(
            {
                "design": SHORT_DESIGNS.get(result.design, result.design),
                "outcome, years": outcome_label(result),
                "controls": len(result.regions) - 1,
                "DiD, crisis years": _value(result.did.estimate if result.did else None, _is_per_1000(result)),
                "studentised placebo p": _p_with_min(
                    test.p_value if test else None, test.min_attainable_p if test else None
                ),
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
        per_1000 = _is_per_1000(result)
        shift = (loo["estimate"] - result.did.estimate).abs().to_numpy(dtype=float)
        # Ties within rounding noise go to the first control by code: with two controls both removals move
        # the DiD by the same amount, and the last bit (which the CPU's BLAS kernel decides) must not choose.
        tied = shift >= shift.max() * (1 - 1e-9)
        most = loo[tied].sort_values("region_code", kind="stable").iloc[0]
        rows.append(
            {
                "design": SHORT_DESIGNS.get(result.design, result.design),
                "outcome": SHORT_OUTCOMES.get(result.outcome, result.outcome),
                "DiD, all controls": _value(result.did.estimate, per_1000),
                "leave one control out: range": _interval(
                    (float(loo["estimate"].min()), float(loo["estimate"].max())), per_1000
                ),
                "largest change: control left out": f"{result.name(str(most['region_code']))} "
                f"({_value(float(most['estimate']), per_1000)})",
            }
        )
    return pd.DataFrame(rows)


def noise_ratio_sentence(results: list[DesignResult]) -> str:
    """Almaty's measured noise ratio in each design and outcome (printed in the method note)."""
    parts = [
        f"{SHORT_DESIGNS.get(r.design, r.design)}, {SHORT_OUTCOMES.get(r.outcome, r.outcome)}: "
        f"{r.studentised.noise_ratio:.2f}"
        for r in results
        if r.studentised is not None
    ]
    if not parts:
        return ""
    return (
        "Almaty's noise ratio (the SD of its pre-period gap to the controls over the median control's SD of "
        "its gap to the other controls), measured on these marts: " + "; ".join(parts) + "."
    )


def appendix_table(results: list[DesignResult]) -> pd.DataFrame:
    """Conventional and cluster-robust results: NOT valid with one treated unit (kept for comparison)."""
    rows = []
    for result in results:
        did = result.did
        if did is None:
            continue
        per_1000 = _is_per_1000(result)
        rows.append(
            {
                "design": SHORT_DESIGNS.get(result.design, result.design),
                "outcome": SHORT_OUTCOMES.get(result.outcome, result.outcome),
                "DiD estimate": _value(did.estimate, per_1000),
                "conventional 95% CI (not valid)": _interval(did.ci_conventional, per_1000),
                "conventional p (not valid)": f"{format_p_value(did.p_conventional)}; "
                f"{method_size_range('conventional')}",
                # One column for both designs (a header naming the count split it in two); the count in the cell.
                "cluster-robust 95% CI (not valid)": f"{_interval(did.ci_cluster, per_1000)}, {did.n_regions} clusters",
                "cluster-robust p (not valid)": (
                    f"{format_p_value(did.p_cluster)}; {method_size_range('cluster_robust')}"
                ),
                "the paper's pre-trend test: event-study joint F and slope t, 5% (not valid)": (
                    f"{conventional_verdict(result)}; {method_size_range('pretrend_conventional', alpha=0.05)}"
                ),
                "raw placebo in space p (over-rejects when Almaty is noisier)": _p_with_min(
                    result.placebo_space.p_value if result.placebo_space else None,
                    result.placebo_space.min_attainable_p if result.placebo_space else None,
                )
                + f"; {method_size_range('placebo_space')}",
                "synthetic DiD, placebo variance (not valid for one treated unit)": (
                    f"{_value(result.sdid.fit.estimate, per_1000)}; 95% {_interval(result.sdid.ci, per_1000)}; "
                    f"{result.sdid.n_placebos} placebos; {method_size_range('sdid_placebo')}"
                )
                if result.sdid
                else "–",
            }
        )
    return pd.DataFrame(rows)


HEADLINE_METHODS = ("placebo_space_studentised", "conformal", "synthetic_control", "pretrend_placebo")
# Shown in the appendix with their measured size (they do not hold it where Almaty is noisier than a control).
APPENDIX_METHODS = ("placebo_space", "sdid_placebo", "conventional", "cluster_robust", "pretrend_conventional")


def _read_monte_carlo(path: Path) -> pd.DataFrame | None:
    """The committed Monte Carlo output, None when absent or written by an older bench (no post_years)."""
    if not Path(path).is_file():
        return None
    table = pd.read_csv(path)
    return table if {"post_years", "noise_ratio"} <= set(table.columns) else None


def method_size_range(method: str, path: Path = MONTE_CARLO_CSV, alpha: float = 0.10) -> str:
    """``size 0.04–0.44 at 10%``: the range of a method's measured size over every simulated design."""
    table = _read_monte_carlo(path)
    if table is None:
        return "size not measured"
    rows = table[(table["method_code"] == method) & (table["effect_sd"] == 0.0) & (table["alpha"] == alpha)]
    if rows.empty:
        return "size not measured"
    low, high = float(rows["rejection_rate"].min()), float(rows["rejection_rate"].max())
    return f"measured size {low:.3f}–{high:.3f} at {alpha:.0%}"


def headline_size_verdict(path: Path = MONTE_CARLO_CSV) -> str:
    """One sentence from the Monte Carlo file: do the headline tests hold their size, in which designs?"""
    table = _read_monte_carlo(path)
    if table is None:
        return "The Monte Carlo output is missing, so the headline tests' size is not measured here."
    wide = wide_table(table)
    parts = []
    for method in HEADLINE_METHODS:
        rows = wide[wide["method"] == method]
        failing = rows[~rows["holds_size"]]
        label = METHODS[method].split(",")[0].split(" (")[0]
        if rows.empty:
            parts.append(f"{label} is not in the Monte Carlo output (rerun bench/bench_inference_mc.py)")
        elif failing.empty:
            parts.append(f"{label} holds its size in every design measured")
        else:
            where = "; ".join(
                f"{int(r.controls)} controls, {int(r.post_years)} post years, noise ratio {r.noise_ratio:g}, "
                f"level {r.alpha:g}: {r.size:.3f}"
                for r in cast(Any, failing).itertuples()
            )
            parts.append(f"{label} over-rejects where {where}")
    return "Measured size of the headline tests: " + "; ".join(parts) + "."


def monte_carlo_table(path: Path = MONTE_CARLO_CSV) -> pd.DataFrame | None:
    """The committed Monte Carlo output as the report shows it (None when the file is absent)."""
    table = _read_monte_carlo(path)
    if table is None:
        return None
    wide = wide_table(table)
    shown = wide.assign(
        method=wide["method"].map(METHODS).fillna(wide["method"]),
        size=[f"{s:.3f} ± {e:.3f}" for s, e in zip(wide["size"], wide["size_mc_se"], strict=True)],
        power_1sd=wide["power_1sd"].map(lambda v: f"{v:.3f}"),
        power_2sd=wide["power_2sd"].map(lambda v: f"{v:.3f}"),
        holds_size=wide["holds_size"].map({True: "yes", False: "NO"}),
    )
    return shown.drop(columns=["size_mc_se"]).rename(
        columns={
            "post_years": "post years",
            "noise_ratio": "noise ratio",
            "alpha": "level",
            "size": "size (± MC SE)",
            "power_1sd": "power, 1 SD",
            "power_2sd": "power, 2 SD",
            "holds_size": "holds size",
        }
    )


TableRenderer = Callable[..., str]


def causal_headline_html(
    results: list[DesignResult],
    spreads: dict[tuple[str, str], str],
    table: TableRenderer,
    pre_trends: dict[tuple[str, str], PreTrendSpread] | None = None,
    later: list[LaterYear] | None = None,
    reconstruction: bool = True,
) -> str:
    """The section right after the banner: the answer in words, the headline table, the later years."""
    frame = headline_table(results, spreads, pre_trends)
    later_frame = later_years_table(later or [])
    parts = [
        "<h2 id='headline'>Causal evidence at a glance</h2>",
        f"<p class='answer'><strong>{html.escape(answer_in_words(results, later or [], reconstruction))}</strong></p>",
        "<p>Did the 2022 crisis raise Almaty's net working-age migration relative to comparable regions? "
        "Each row is one design and one outcome on the same crisis window (persons and per 1,000 residents "
        "over the same years). The headline test is the <em>studentised</em> placebo in space: each unit's DiD "
        "divided by its own pre-period noise, ranked among the controls' (the raw rank test over-rejects when "
        "Almaty is noisier than its controls; it is in the appendix with its measured size). Every p is shown "
        "with the smallest value its placebos allow. The interval is the set of effects that test does not "
        "reject at 10% (at 5% a rank among 16 is never extreme enough), endpoints found by root-finding; "
        "“unbounded” when the test cannot reject anything. The conformal p (Chernozhukov, Wüthrich &amp; Zhu "
        "2021) tests no effect in any crisis year. Sensitivity: how large a departure from parallel trends the "
        "DiD shown survives, relative to Almaty's own pre-period variation (the sparkline: Almaty's pre-period "
        "gap to its controls, centred). Conventional and cluster-robust results, the raw placebo test and the "
        "paper's pre-trend F test are only in the <a href='#appendix'>appendix</a>.</p>",
        table(frame, text_columns=frame.columns, css_class="headline"),
        sensitivity_block_html(results),
        "<p class='note'>“min” = smallest attainable p. Years: from the first year Almaty has the outcome to the "
        "end of the crisis window of the analysis_periods seed; later years are below, each on its own. "
        f"{headline_size_verdict()} Details and the Monte Carlo are in <a href='#method-note'>the method "
        "note</a>.</p>",
    ]
    if not later_frame.empty:
        parts += [
            "<h3 id='persistence'>Did it last? Each later year on its own</h3>",
            "<p>The DiD of one later year against the whole pre-period (same controls), and the change from the "
            "crisis years' average effect (negative: the effect shrank), tested by the same studentised placebo "
            "test. Per 1,000 residents cannot be computed where no population is published.</p>",
            table(later_frame, text_columns=[c for c in later_frame.columns if c != "year"]),
        ]
    return "\n".join(parts)


def follow_up_sentence(results: list[DesignResult]) -> str:
    """Which post years are the paper's crisis years and which the follow-up, from the years the code used."""
    last = max((r.post_years[1] for r in results if r.post_years[0]), default=0)
    if last <= 2023:
        return "2022 and 2023 are the crisis years the paper studies."
    shorter = sorted({SHORT_OUTCOMES.get(r.outcome, r.outcome) for r in results if 0 < r.post_years[1] < last})
    stops = f" ({', '.join(shorter)}: to 2023 only, the last year with a published population)" if shorter else ""
    return (
        f"2022 and 2023 are the crisis years the paper studies; 2024–{last} are the follow-up the study leaves "
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
    return "\n".join(
        [
            "<h3>Both outcomes, side by side</h3>",
            "<p>The pre-trend test (the design-based placebo test of the headline) is run on each outcome, "
            "and the two can disagree: Almaty's population grew much faster than its controls', so a level "
            "trend in persons can be flat per resident (or the other way round). Each verdict applies to its "
            "own outcome only.</p>",
            table(verdicts, text_columns=verdicts.columns),
            "<h3>Design-based inference, every method</h3>",
            "<p>Placebo in time uses fake crisis years inside the pre-period, each with fewer pre-years than the "
            "real estimate (the window lengths are stated); it also assumes no pre-trend, so it is not a "
            "headline test. The synthetic-control p is recomputed leaving out placebos whose pre-period MSPE is "
            "more than 20, 5 and 2 times Almaty's (Abadie, Diamond &amp; Hainmueller 2010). The wild cluster "
            "restricted bootstrap is known to under-reject with one treated cluster (MacKinnon &amp; Webb "
            "2018). The synthetic DiD's placebo variance and the event-study band come from the controls alone "
            "(two of them in the paper design), not a variance valid for one treated unit: they are in the "
            "appendix. Measured sizes are in the method note.</p>",
            table(design_based, text_columns=design_based.columns),
            "<h3>Robustness: controls left out</h3>",
            "<p>The shock was national and the arrivals from Russia could reach the regions on its border "
            "first, so a control there may have been exposed too (a spillover would pull the DiD towards zero, "
            "or push it up if the border regions lost migrants to Almaty). The design “territories not "
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
            "departure of Almaty's gap from its pre-period mean may be up to M̄ times the largest departure of a "
            "pre-period window of the same length, benchmarked without the single most influential year (the "
            "range leaving out each pre-year shows how much one year matters). Smoothness: the pre-period linear "
            "trend of the gap (fitted on every pre-year) continues and its slope may change by up to M SDs of "
            "Almaty's pre-period second differences a year. The standard error is Almaty's pre-period noise "
            "times the spread of the controls' studentised placebo estimates. Breakdown: the smallest parameter "
            "at which the 95% interval includes zero.</p>",
            table(sens, text_columns=sens.columns),
        ]
    )


def measured_size_table(results: list[DesignResult], path: Path = MONTE_CARLO_CSV, alpha: float = 0.10) -> pd.DataFrame:
    """Size at ``alpha`` of every method at Almaty's measured noise ratios: one column per design and outcome
    (controls, measured ratio), each cell ``size with 2 post years / with 4``; NO where it does not hold."""
    table = _read_monte_carlo(path)
    if table is None:
        return pd.DataFrame()
    wide = wide_table(table)
    wide = wide[np.isclose(wide["alpha"], alpha)]
    columns: dict[str, dict[str, str]] = {}
    for result in results:
        test = result.studentised
        if test is None:
            continue
        ratio = round(test.noise_ratio, 2)
        here = wide[(wide["controls"] == test.n_placebos) & np.isclose(wide["noise_ratio"], ratio)]
        if here.empty:
            continue
        label = f"{test.n_placebos} controls, ratio {ratio:.2f} ({SHORT_OUTCOMES.get(result.outcome, result.outcome)})"
        cells: dict[str, str] = {}
        for method, rows in here.groupby("method", sort=False):
            by_post = rows.set_index("post_years")
            cells[str(method)] = " / ".join(
                f"{float(by_post.loc[post, 'size']):.3f}{'' if bool(by_post.loc[post, 'holds_size']) else ' NO'}"
                for post in sorted(by_post.index)
            )
        columns[label] = cells
    frame = pd.DataFrame(columns)
    frame.index = [METHODS.get(str(m), str(m)) for m in frame.index]
    return frame.reset_index(names="method")


def method_note_html(
    table: TableRenderer, path: Path = MONTE_CARLO_CSV, results: list[DesignResult] | None = None
) -> str:
    """Almaty's measured noise ratios, the size of every method at them, and the whole Monte Carlo table."""
    mc = monte_carlo_table(path)
    parts = [
        "<h3 id='method-note'>Method note: size and power, measured</h3>",
        "<p>Monte Carlo with panels shaped like this one: one treated unit and each design's number of controls "
        "(2, 8 or 15), 22 pre-period years and 2 or 4 post-period years, AR(1) errors with rho 0.5, the "
        "controls' noise unequal in every draw (SDs uniform on 0.5–2) and the treated unit's SD the noise ratio "
        "times the median control's: Almaty's measured ratio in each design and outcome, and 1 and 2. Size is "
        "the rejection rate with no effect (with its Monte Carlo standard error); power with an effect of 1 or "
        "2 of the treated unit's pre-period SDs (for the two pre-trend tests: a linear pre-trend in the treated "
        "unit rising by 1 or 2 SDs over the pre-period). A test “holds size” when its size is at most the "
        "level plus two Monte Carlo SEs (with 48 designs and levels, about one exceedance is expected by "
        "chance). A rank test with 15 placebos can never reject at 5% (its smallest p is 1/16), with 8 never at "
        "10% (1/9). Source: <code>bench/bench_inference_mc.py --measured</code>, output "
        "<code>data/benchmarks/inference_mc.csv</code> (modeled data, not migration figures).</p>",
    ]
    ratios = noise_ratio_sentence(results or [])
    if ratios:
        parts.append(f"<p>{html.escape(ratios)}</p>")
    if mc is None:
        parts.append('<p class="missing">No Monte Carlo output: run <code>bench/bench_inference_mc.py</code>.</p>')
    else:
        parts.append(f"<p><strong>{headline_size_verdict(path)}</strong></p>")
        measured = measured_size_table(results or [], path)
        if not measured.empty:
            parts.append(
                "<p>Size at 10% at Almaty's measured noise ratios (2 post years / 4 post years; NO: does not hold "
                "its size):</p>"
            )
            parts.append(table(measured, text_columns=measured.columns))
        parts.append(
            "<details><summary>Every simulated design, level and method</summary>"
            + table(mc, text_columns=("method", "size (± MC SE)", "holds size"))
            + "</details>"
        )
    return "\n".join(parts)


def appendix_html(results: list[DesignResult], table: TableRenderer) -> str:
    frame = appendix_table(results)
    return "\n".join(
        [
            "<h2 id='appendix'>Appendix: conventional and cluster-robust results — not valid with one treated "
            "unit</h2>",
            "<p><strong>Do not read these as evidence.</strong> With one treated region the regression variance "
            "comes from the controls alone (in the event study Almaty's residuals are exactly zero, every year "
            "having its own coefficient), serial correlation is ignored, and Almaty's pre-period noise differs "
            "from its controls' (the noise ratios are in the method note). Each column carries the test's measured "
            "size in the Monte Carlo (the range over every simulated design). "
            "The same holds for the paper's own pre-trend method, the event study's joint F test of the "
            "pre-period coefficients and the linear slope difference: the report's verdict, and claim C64's, is "
            "the placebo test of the headline table; the paper's test is shown here under its name. The raw "
            "placebo in space (ranking unstudentised DiDs) and the synthetic DiD's placebo variance are here "
            "too: they over-reject where Almaty is noisier than its controls, and the synthetic DiD's variance "
            "comes from the controls alone.</p>",
            table(frame, text_columns=frame.columns),
        ]
    )
