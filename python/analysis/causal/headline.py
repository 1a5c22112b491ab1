"""What a reader sees first: the answer in words, the headline table (built from each estimate's tidy row), the
sensitivity beside Almaty's pre-period gap, and each later year on its own.

Order of evidence, on purpose: design-based inference (placebo in space, conformal, synthetic control) and
sensitivity lead; conventional and cluster-robust results are in the appendix (:mod:`.appendix`), labelled
as not valid with one treated unit. Every table is a DataFrame of display strings (tested); the HTML only lays
them out."""

from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd

from analysis.causal.ensemble_spread import PreTrendSpread
from analysis.causal.formatting import (
    HEADLINE_CONFIDENCE,
    ROBUSTNESS_DESIGNS,
    SHORT_OUTCOMES,
    TableRenderer,
    estimate_cell,
    five_percent_note,
    format_p_value,
    headline_interval,
    is_per_1000,
    outcome_label,
    p_cell,
    p_with_min,
    round_text,
    set_text,
    share_text,
    value_text,
)
from analysis.causal.labels import crisis_year, design_short, treated_name
from analysis.causal.later import LaterYear
from analysis.causal.method_note import headline_size_verdict
from analysis.causal.results import DesignResult
from analysis.causal.verdicts import sensitivity_verdict, short_sensitivity, short_verdict
from estimators.inversion import invert_test


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


def sensitivity_block_html(results: list[DesignResult]) -> str:
    """Each design's sensitivity verdict in words, beside a sparkline of Almaty's pre-period gap."""
    items = []
    for result in results:
        if result.sensitivity is None or result.design in ROBUSTNESS_DESIGNS:
            continue
        label = f"{design_short(result)}, {SHORT_OUTCOMES.get(result.outcome, result.outcome)}"
        items.append(
            "<div style='display:flex;gap:.8rem;align-items:center;margin:.3rem 0'>"
            f"{pre_gap_svg(result)}<p><strong>{html.escape(label)}</strong>: the DiD "
            f"{html.escape(sensitivity_verdict(result))}.</p></div>"
        )
    if not items:
        return ""
    crisis = crisis_year(results)
    after = f"a post-{crisis - 1}" if crisis else "a post-crisis"
    return (
        f"<div><p class='note'>Sensitivity beside {html.escape(treated_name(results))}'s pre-period gap to its "
        f"controls (centred on its pre-period mean; grey line: 0). M̄ = 1: {after} departure from "
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
        per_1000 = is_per_1000(result)
        tidy, test = result.tidy_rows(), result.studentised
        rows.append(
            {
                "design": design_short(result),
                "outcome, years": outcome_label(result),
                "DiD, crisis years": estimate_cell(tidy, "twfe_did", per_1000),
                "studentised placebo p; noise ratio": (
                    f"{p_cell(tidy, test.method)}; ratio {test.noise_ratio:.2f}" if test else "–"
                ),
                "90% interval (test inverted)": headline_interval(result),
                "conformal p": p_cell(tidy, "conformal"),
                "synthetic control p": p_cell(tidy, "synthetic_control") if "synthetic_control" in tidy else "not run",
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
    per_1000 = is_per_1000(result)
    years = values.index.to_numpy(dtype=int)
    array = values.to_numpy(dtype=float)
    label = (
        f"{years.min()}–{years.max()}; lowest {years[array.argmin()]}: "
        f"{value_text(low, per_1000)}, highest {years[array.argmax()]}: {value_text(high, per_1000)}"
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
            "design": item.design_label or item.design,
            "outcome": SHORT_OUTCOMES.get(item.outcome, item.outcome),
            "year": item.year,
            f"{item.treated_name}'s figures": {True: "published", False: "modeled"}.get(item.treated_published, "–")
            if item.treated_published is not None
            else "–",
        }
        if item.effect is None or item.change is None:
            rows.append(base | {"DiD of that year": f"not estimated: {item.missing}"})  # other cells stay empty
            continue
        change_set = invert_test(
            item.change.p_values, item.change.estimate, item.change.treated_sd, HEADLINE_CONFIDENCE
        )
        effect_set = invert_test(
            item.effect.p_values, item.effect.estimate, item.effect.treated_sd, HEADLINE_CONFIDENCE
        )
        rows.append(
            base
            | {
                "DiD of that year": value_text(item.effect.estimate, per_1000),
                "studentised placebo p": p_with_min(item.effect.p_value, item.effect.min_attainable_p),
                "90% interval (studentised)": set_text(effect_set, per_1000),
                "conformal p": p_with_min(item.conformal_p, item.conformal_min_p),
                "conformal 95% interval": set_text(item.conformal_interval, per_1000),
                f"change from {item.crisis[0]}–{item.crisis[1]}": value_text(item.change.estimate, per_1000),
                "change: studentised p": p_with_min(item.change.p_value, item.change.min_attainable_p),
                "change: 90% interval": set_text(change_set, per_1000),
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
        f"{data}, {main.treated_name}'s working-age net migration rose by about {round_text(main.did.estimate)} "
        f"persons a year more than in the other {test.n_placebos} territories in {years}; the studentised placebo "
        f"test gives p = {format_p_value(test.p_value)}{at_min}, valid if {main.treated_name}'s post-crisis path, "
        "scaled by its own pre-period noise, would have been as ordinary as a control's."
    )
    pre = main.placebo_pre_trend
    second = ""
    if pre is not None and pre.can_reject:
        second = (
            f" Its pre-{main.post_years[0]} gap to the controls is {'not ' if not pre.parallel_trends_rejected else ''}"
            f"unusual among them (pre-trend placebo p = {format_p_value(pre.p_value)})."
        )
    mine = [item for item in later if item.design == main.design and item.outcome == main.outcome and item.effect]
    third = ""
    if mine:
        parts = []
        for item in mine:
            assert item.effect is not None and item.change is not None
            ratio = item.effect.estimate / main.did.estimate if main.did.estimate else math.nan
            parts.append(
                f"{item.year}: {round_text(item.effect.estimate)} ({share_text(ratio)} of the crisis effect, "
                f"p = {format_p_value(item.effect.p_value)}; change p = {format_p_value(item.change.p_value)})"
            )
        third = " Afterwards, year by year against the same controls: " + "; ".join(parts) + "."
        kinds = {item.treated_published for item in mine}
        if kinds == {False}:
            third += f" {main.treated_name}'s figures for those years are modeled, not published."
        elif kinds == {True}:
            third += f" {main.treated_name}'s figures for those years are published."
        elif True in kinds:
            shown = ", ".join(str(i.year) for i in mine if i.treated_published)
            third += f" Of those years, {main.treated_name}'s figures are published for {shown} only."
    return first + second + third


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
    treated, crisis = html.escape(treated_name(results)), crisis_year(results)
    parts = [
        "<h2 id='headline'>Causal evidence at a glance</h2>",
        f"<p class='answer'><strong>{html.escape(answer_in_words(results, later or [], reconstruction))}</strong></p>",
        f"<p>Did the {crisis or ''} crisis raise {treated}'s net working-age migration relative to comparable "
        "regions? "
        "Each row is one design and one outcome on the same crisis window (persons and per 1,000 residents "
        "over the same years). The headline test is the <em>studentised</em> placebo in space: each unit's DiD "
        "divided by its own pre-period noise, ranked among the controls' (the raw rank test over-rejects when "
        f"{treated} is noisier than its controls; it is in the appendix with its measured size). Every p is shown "
        "with the smallest value its placebos allow. The interval is the set of effects that test does not "
        f"reject at 10%{five_percent_note(results)}, endpoints found by root-finding; "
        "“unbounded” when the test cannot reject anything. The conformal p (Chernozhukov, Wüthrich &amp; Zhu "
        "2021) tests no effect in any crisis year. Sensitivity: how large a departure from parallel trends the "
        f"DiD shown survives, relative to {treated}'s own pre-period variation (the sparkline: {treated}'s pre-period "
        "gap to its controls, centred). Conventional and cluster-robust results, the raw placebo test and the "
        "paper's pre-trend F test are only in the <a href='#appendix'>appendix</a>.</p>",
        table(frame, text_columns=frame.columns, css_class="headline"),
        sensitivity_block_html(results),
        f"<p class='note'>“min” = smallest attainable p. Years: from the first year {treated} has the outcome to the "
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
