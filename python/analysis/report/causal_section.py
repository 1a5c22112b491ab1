"""The report's folded section on the causal designs: panels, pre-trend checks, placebos, synthetic controls."""

from __future__ import annotations

import html
from typing import Any, cast

from analysis.causal.appendix import appendix_html
from analysis.causal.details import causal_details_html
from analysis.causal.formatting import format_p_value, p_phrase
from analysis.causal.labels import DesignNames, design_title
from analysis.causal.method_note import method_note_html
from analysis.causal.results import DesignResult
from analysis.causal.run import DESIGN_PANELS
from analysis.causal.verdicts import placebo_pretrend_verdict, pre_trend_components
from analysis.report.cells import figure_html, html_table
from analysis.report.content import ReportContent

PAPER_DESIGN_NOTE = (
    "With two controls, placebo in space has two placebos, and each compares one control with the other, "
    "so their estimates are equal and opposite: the p-value can only be 1/3 or 1."
)


def _placebo_notes(result: DesignResult) -> list[str]:
    notes = []
    space, time = result.placebo_space, result.placebo_time
    if space is not None and space.excluded:
        excluded = ", ".join(f"{k} ({v})" for k, v in space.excluded.items())
        notes.append(f"Not usable as placebo regions: {excluded}.")
    if space is not None and space.undefined_placebos:
        notes.append(
            f"Placebo-in-space estimates undefined (absorbed by the fixed effects), left out of the p-value: "
            f"{len(space.undefined_placebos)} ({', '.join(space.undefined_placebos)})."
        )
    if time is not None and time.undefined_placebos:
        notes.append(
            f"Placebo-in-time estimates undefined, left out of the p-value: {len(time.undefined_placebos)} "
            f"(fake crisis years {', '.join(time.undefined_placebos)})."
        )
    return [f'<p class="note">{html.escape(note)}</p>' for note in notes]


def _synthetic_paragraphs(result: DesignResult) -> list[str]:
    parts = []
    for synthetic in (result.synthetic, result.synthetic_demeaned):
        if synthetic is None:
            continue
        weights = synthetic.fit.weights[synthetic.fit.weights > 0].sort_values(ascending=False, kind="stable")
        listed = ", ".join(f"{result.name(str(code))}: {weight:.3f}" for code, weight in weights.items())
        kind = "Demeaned synthetic control" if synthetic.demeaned else "Synthetic control"
        parts.append(
            f"<p>{kind}: donor weights {html.escape(listed)}; pre-period RMSPE "
            f"{synthetic.fit.pre_rmspe:,.2f}, average post-period gap {synthetic.fit.average_post_gap:,.2f}, "
            f"post/pre RMSPE ratio {synthetic.fit.rmspe_ratio:.2f}, permutation p "
            f"{html.escape(p_phrase(synthetic.p_value))} (smallest attainable "
            f"{html.escape(format_p_value(synthetic.min_attainable_p))}, {synthetic.n_placebos} placebos).</p>"
        )
        if synthetic.leave_one_out is not None and not synthetic.leave_one_out.empty:
            loo = synthetic.leave_one_out
            dropped = ", ".join(
                f"without {result.name(row.dropped_donor)}: {row.average_post_gap:,.2f}"
                for row in cast(Any, loo).itertuples()
            )
            parts.append(
                f"<p>Leave-one-out donors (average post-period gap when each weighted donor is dropped): "
                f"{html.escape(dropped)}; range {loo['average_post_gap'].min():,.2f} to "
                f"{loo['average_post_gap'].max():,.2f}.</p>"
            )
        notes = []
        if synthetic.excluded:
            notes.append("Excluded donors: " + ", ".join(f"{k} ({v})" for k, v in synthetic.excluded.items()))
        if synthetic.undefined_placebos:
            notes.append(
                f"Placebos with an undefined RMSPE ratio (0/0), left out of the p-value: "
                f"{len(synthetic.undefined_placebos)} ({', '.join(synthetic.undefined_placebos)})"
            )
        parts.extend(f'<p class="note">{html.escape(note)}.</p>' for note in notes)
    return parts


def _design_paragraphs(result: DesignResult) -> list[str]:
    """One design and outcome: its panel, years, pre-trend checks, placebo notes and synthetic controls."""
    parts = [
        f"<h3>{html.escape(design_title(result))} — {html.escape(result.unit)}</h3>",
        f'<p class="note">Panel: <code>{html.escape(result.panel_mart)}</code>.</p>',
        f'<p class="note">Years: {html.escape(result.window)}.</p>',
    ]
    if result.placebo_pre_trend is not None:
        verdict = placebo_pretrend_verdict(result.placebo_pre_trend)
        parts.append(
            f"<p>Pre-trend check (design-based): {html.escape(verdict)}; "
            f"{html.escape(pre_trend_components(result))}.</p>"
        )
    if result.event_study is not None:
        pre = result.event_study.pre_trend
        parts.append(
            f'<p class="note">Conventional pre-trend tests (not valid with one treated unit; for comparison): '
            f"joint F test of the {pre.n_pre_coefficients} pre-period coefficients "
            f"p {html.escape(p_phrase(pre.joint_p))}; linear slope difference "
            f"{pre.slope_difference:,.2f} per year (p {html.escape(p_phrase(pre.slope_p))}); "
            f"{'rejected' if pre.parallel_trends_rejected else 'not rejected'} at {pre.alpha:.2f}.</p>"
        )
        coefficients = result.event_study.coefficients[["year", "estimate"]]
        parts.append("<details><summary>Event-study coefficients</summary>" + html_table(coefficients) + "</details>")
    parts.extend(_placebo_notes(result))
    parts.extend(_synthetic_paragraphs(result))
    for step, problem in result.problems.items():
        parts.append(f'<p class="missing">{html.escape(step)} not estimated: {html.escape(problem)}</p>')
    return parts


def causal_section_html(content: ReportContent) -> str:
    design = content.design
    crisis, reference = (
        (str(design.crisis_start_year), str(design.reference_year))
        if design is not None
        else ("the crisis year", "the year before it")
    )
    treated = html.escape(content.treated_name)
    parts = [f"<h2 id='causal'>Causal estimate of the {content.crisis_label} shock: details</h2>"]
    parts.append(
        f"<p>Outcome: {treated}'s net working-age migration (arrivals − departures), in persons and per 1,000 "
        "residents. Estimators: two-way fixed-effects difference-in-differences (region and year effects; post = "
        f"{crisis} onwards, to the last year the outcome has), its event study relative to {reference}, synthetic "
        "control (plain and demeaned) and synthetic difference-in-differences. With a single treated region, inference "
        "is design-based (see the summary at the top); where parallel pre-trends are rejected the DiD estimate "
        "is not a credible causal effect, whatever its p-value.</p>"
    )
    designs: dict[str, DesignNames] = {}
    for result in content.causal:
        designs.setdefault(result.design, DesignNames.of(result))
    panels = "".join(
        f"<li><strong>{html.escape(names.title)}</strong>: <code>{html.escape(DESIGN_PANELS[design])}</code> — "
        f"{html.escape(names.panel_reason)}</li>"
        for design, names in designs.items()
    )
    parts.append(f"<p>Panels:</p><ul>{panels}</ul>")
    parts.append(
        '<p class="note">Almaty city gained parts of the Karasai and Ili districts of Almaty region in 2014; no '
        "panel can undo that without district data, so that border change stays in the pre-period of every "
        "design.</p>"
    )
    if any(result.design == "paper" for result in content.causal):
        parts.append(f'<p class="note">Paper design: {html.escape(PAPER_DESIGN_NOTE)}</p>')
    parts.append(causal_details_html(content.causal, html_table))
    parts.append(method_note_html(html_table, results=content.causal))
    for result in content.causal:
        parts.extend(_design_paragraphs(result))
    parts.extend(figure_html(f) for f in content.causal_figures)
    parts.append(appendix_html(content.causal, html_table))
    return "\n".join(parts)
