"""The report's section on the paper's claims: counts, the two verdicts, contradictions, one line per claim."""

from __future__ import annotations

import html

import pandas as pd

from analysis.report.cells import format_cell, html_table
from analysis.report.content import ReportContent
from analysis.report.layout import human_header
from claims.replication import official_verdict_counts, status_counts

CALIBRATED_STATUS_SUFFIX = " — on data calibrated to the claims"


def _calibration_note(content: ReportContent) -> str:
    if not content.reconstruction:
        return ""
    return (
        '<div class="banner"><strong>Read every status below as “on calibrated data”.</strong> The bundled '
        "reconstruction was fitted to the paper's own figures, so a claim it reproduces shows that the claims "
        "are consistent with each other, not that official statistics support them; a claim it does not "
        "reproduce conflicts with other claims (or with published tables) on any data that satisfies those. "
        "Each status carries the words “on data calibrated to the claims”.</div>"
    )


def displayed_replication(content: ReportContent) -> pd.DataFrame:
    """The replication table as shown; on bundled data each status says it was reached on calibrated data."""
    frame = replication_columns(content.replication)
    if content.reconstruction and "status" in frame.columns:
        frame = frame.assign(status=frame["status"].astype(str).str.replace("_", " ") + CALIBRATED_STATUS_SUFFIX)
    return frame


def _official_verdict_note(content: ReportContent) -> str:
    """The verdicts on official figures alone, counted, beside the status on the warehouse's counts."""
    if "official_verdict" not in content.replication.columns:
        return ""
    counts = official_verdict_counts(content.replication)
    shown = ", ".join(f"<strong>{n}</strong> {html.escape(verdict)}" for verdict, n in counts.items())
    return (
        "<p>Two verdicts side by side: <code>status</code> is reached on the warehouse's counts (the reconstruction, "
        "calibrated to the paper); <code>official_verdict</code> on official figures alone (published BNS "
        f"totals, Taldau's national series, derived external balances), with its arithmetic: {shown}.</p>"
    )


def replication_section_html(content: ReportContent) -> str:
    counts = status_counts(content.replication)
    parts = [
        _calibration_note(content),
        f"<p>{len(content.replication)} claims: <strong>{counts['reproduced']}</strong> reproduced"
        f"{' on calibrated data' if content.reconstruction else ''}, "
        f"<strong>{counts['not_reproduced']}</strong> not reproduced, <strong>{counts['not_computable']}</strong> "
        "not computable from the marts. Comparison rules: approx = within the reported rounding; at_least; "
        "exact; range; set; flag; sign. Also in <code>replication.csv</code> and the mart "
        "<code>fct_claim_replication</code>.</p>",
        _official_verdict_note(content),
        "<p class='note'>C64 (the sign of the paper's DiD) is checked on the paper's 2000–2023 window, the "
        "crisis window of the causal section, with the same pre-trend verdict as the causal section: the "
        "design-based placebo test (a rejection makes it not reproduced, and so does a design the test cannot "
        "check: with the paper's two controls its smallest p is 1/3). The paper's own method, the event study's "
        "conventional "
        "joint F and slope tests, is reported beside it and in the appendix: its variance is not valid with "
        "one treated unit.</p>",
        "<h3 id='contradictions'>Claims that contradict each other</h3>",
        "<p>Pairs recorded in the claims table as impossible together (arithmetic in each claim's note).</p>",
        html_table(content.contradictions, text_columns=content.contradictions.columns),
        "<h3 id='claims'>Every claim</h3>",
        "<p class='note'>One line per claim; click a line to open everything else the replication records for "
        "it (population, comparison rule, precision, explanation, the paper's section, the note).</p>",
        claim_table_html(displayed_replication(content), content.replication.get("status")),
    ]
    return "\n".join(parts)


# The claim table's visible columns (the rest goes into each claim's details), as (header, cell) pairs.
def _claim_said(row: pd.Series) -> str:
    value = " ".join(str(row.get(c, "") or "") for c in ("reported_value", "unit")).strip()
    what = "; ".join(str(row.get(c, "") or "") for c in ("measure", "period") if str(row.get(c, "") or ""))
    return f"{what}: {value}" if what and value else what or value


CLAIM_SUMMARY_COLUMNS = (
    "claim_id", "topic", "measure", "period", "reported_value", "unit", "computed_value", "status", "official_verdict"
)


def claim_table_html(frame: pd.DataFrame, statuses: pd.Series | None = None) -> str:
    """The claims, one line each (claim, topic, what the paper says, computed, status) that fits the page;
    a click on a line opens every other column the replication records for that claim (``<details>``)."""
    if frame is None or frame.empty:
        return '<p class="note">No rows.</p>'
    extra = [c for c in frame.columns if c not in CLAIM_SUMMARY_COLUMNS]
    lines = []
    for position, (_, row) in enumerate(frame.iterrows()):
        details = "".join(
            f"<dt>{html.escape(human_header(c))}</dt><dd>{html.escape(format_cell(c, row[c]))}</dd>"
            for c in extra
            if format_cell(c, row[c]) != ""
        )
        status = "" if statuses is None else str(statuses.iloc[position])
        lines.append(
            f"<details class='claim {html.escape(status)}'><summary>"
            f"<span>{html.escape(str(row.get('claim_id', '')))}</span>"
            f"<span>{html.escape(str(row.get('topic', '') or ''))}</span>"
            f"<span>{html.escape(_claim_said(row))}</span>"
            f"<span class='num'>{html.escape(format_cell('computed_value', row.get('computed_value', '')))}</span>"
            f"<span>{html.escape(str(row.get('status', '') or ''))}</span>"
            f"<span>{html.escape(str(row.get('official_verdict', '') or ''))}</span>"
            f"</summary><dl>{details}</dl></details>"
        )
    head = (
        "<div class='claim-head' aria-hidden='true'><span>Claim</span><span>Topic</span>"
        "<span>What the paper says</span><span class='num'>Computed</span><span>On the reconstruction</span>"
        "<span>On official figures</span></div>"
    )
    return f"<div class='claims'>{head}{''.join(lines)}</div>"


# The replication columns shown first, in this order; any other column replication.py adds follows them.
REPLICATION_LEADING_COLUMNS = (
    "claim_id",
    "topic",
    "period",
    "measure",
    "reported_value",
    "unit",
    "comparison",
    "computed_value",
    "status",
    "official_verdict",
    "explanation",
    "official_arithmetic",
    "contradicts",
)


# Carried in the CSV and the mart but the same on every row: the banner already says it.
REPLICATION_HIDDEN_COLUMNS = ("data_is_reconstruction",)


def replication_columns(replication: pd.DataFrame) -> pd.DataFrame:
    """The replication table as shown: leading columns that exist, then every other column, in order.

    Tolerant of the table's shape (replication.py may add or drop columns): nothing it produces is lost
    except the constant ``data_is_reconstruction`` flag.
    """
    leading = [c for c in REPLICATION_LEADING_COLUMNS if c in replication.columns]
    rest = [c for c in replication.columns if c not in leading and c not in REPLICATION_HIDDEN_COLUMNS]
    return replication.loc[:, leading + rest]
