"""The report's first section: each question of the study answered in one line, linked to its evidence."""

from __future__ import annotations

import html

from analysis.causal.formatting import format_p_value
from analysis.causal.labels import design_title
from analysis.report.cells import format_number
from analysis.report.content import ReportContent
from claims.replication import status_counts

# The questions the study asks, each answered in one line from the evidence and linked to its section.
# (question, how it is answered, anchor of the evidence); {treated} and {crisis} are the build's design.
STUDY_QUESTIONS: tuple[tuple[str, str, str], ...] = (
    ("Did {treated} turn from a net sender into a net receiver of working-age migrants?", "regimes", "flows"),
    (
        "Was the turn an effect of the {crisis} crisis, compared with regions that kept their course?",
        "causal",
        "headline",
    ),
    ("Did the arrivals come from Russia and the countries around the crisis?", "country", "replication"),
    ("Were the arrivals more educated (higher and secondary vocational education)?", "education", "replication"),
    ("In which specialties did arrivals grow?", "specialty", "replication"),
    ("Do the paper's figures on the balance of flows hold together?", "balance", "replication"),
)


def _regime_answer(content: ReportContent) -> str:
    regimes = content.almaty_regimes
    if regimes.empty:
        return "not answerable: the warehouse has no regimes (<code>fct_net_migration_regimes</code>)."
    crisis = next((r.post_years[0] for r in content.causal if r.post_years[0]), None)
    runs = [
        f"{row['direction']} {int(row['first year'])}–{int(row['last year'])} (net {format_number(row['net'])})"
        for _, row in regimes.iterrows()
    ]
    last = regimes.iloc[-1]
    turned = (
        crisis is not None
        and str(last["direction"]) == "net inflow"
        and int(last["first year"]) == crisis
        and len(regimes) > 1
        and str(regimes.iloc[-2]["direction"]) == "net outflow"
    )
    verdict = (
        f"<strong>Yes</strong>: net outflow until {int(last['first year']) - 1}, net inflow from {crisis} on"
        if turned
        else "<strong>Not as a single turn in the crisis year</strong>"
    )
    return f"{verdict}. Working-age regimes: {html.escape('; '.join(runs[-3:]))}."


# Level at which the one-line answer calls a design-based p-value evidence (the headline's pre-trend level).
ANSWER_ALPHA = 0.10


def _causal_answer(content: ReportContent) -> str:
    """The headline's own test (the studentised placebo in space), so the summary and the headline agree."""
    rows, rejected = [], []
    for result in content.causal:
        # One line: the outcome in persons (the per-1,000 rows are in the section it links to).
        if result.did is None or result.studentised is None or "per_1000" in result.outcome:
            continue
        p = result.studentised
        rejected.append(p.p_value <= ANSWER_ALPHA)
        rows.append(
            f"{html.escape(design_title(result))}, {html.escape(result.unit)}: DiD "
            f"{format_number(result.did.estimate, 2)}, studentised placebo-in-space p "
            f"{html.escape(format_p_value(p.p_value))} "
            f"(smallest attainable {html.escape(format_p_value(p.min_attainable_p))})"
        )
    if not rows:
        return "not estimated (see the causal section)."
    if all(rejected):
        verdict = f"<strong>Yes at {ANSWER_ALPHA:.0%}</strong> by the studentised placebo test in every design"
    elif any(rejected):
        verdict = (
            f"<strong>In some designs only</strong> (studentised placebo test at {ANSWER_ALPHA:.0%}; a design "
            "whose smallest attainable p is above that level cannot show it)"
        )
    else:
        verdict = (
            f"<strong>Not established</strong>: no design's studentised placebo p reaches {ANSWER_ALPHA:.0%} "
            "(with one treated region only design-based inference is valid)"
        )
    return f"{verdict}. " + "; ".join(rows) + "."


def _claims_answer(content: ReportContent, topic: str) -> str:
    replication = content.replication
    if replication.empty or "topic" not in replication.columns:
        return "no claims were checked."
    rows = replication[replication["topic"] == topic]
    counts = status_counts(rows)
    on = " on data calibrated to the claims" if content.reconstruction else ""
    return (
        f"{len(rows)} claims of the paper: <strong>{counts['reproduced']}</strong> reproduced{on}, "
        f"{counts['not_reproduced']} not reproduced, {counts['not_computable']} not computable."
    )


def answers_html(content: ReportContent) -> str:
    """One line per question of the study, each linked to the section holding its evidence."""
    lines = []
    for template, answer, anchor in STUDY_QUESTIONS:
        question = content.fill(template)
        if answer == "regimes":
            text = _regime_answer(content)
        elif answer == "causal":
            text = _causal_answer(content)
        else:
            text = _claims_answer(content, answer)
        lines.append(f"<li><strong>{html.escape(question)}</strong> {text} <a href='#{anchor}'>Evidence</a></li>")
    caveat = (
        "<p class='note'>On the bundled reconstruction every answer describes data calibrated to the paper's "
        "claims (see the banner), not official statistics.</p>"
        if content.reconstruction
        else ""
    )
    return f"<ul class='answers'>{''.join(lines)}</ul>{caveat}"
