"""One static HTML report (figures embedded as base64 PNG) that opens from disk with nothing else.

:func:`build_report` is the whole analysis: read the marts, compute correlations, the causal designs,
the replication and the figures, and return them in a :class:`ReportContent`. :func:`render_html` turns
that into a single self-contained page; :func:`write_report` writes ``index.html``, ``replication.csv``
and the PNG files into the output folder, each renamed into place only once complete.
"""

from __future__ import annotations

import base64
import html
import math
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import pandas as pd

from analysis.causal import (
    DESIGN_PANELS,
    DESIGNS,
    PANEL_REASONS,
    DesignResult,
    LaterYear,
    format_p_value,
    p_phrase,
    placebo_pretrend_verdict,
    run_all,
    run_later_years,
)
from analysis.causal_report import (
    PreTrendSpread,
    appendix_html,
    causal_details_html,
    causal_headline_html,
    ensemble_pre_trend,
    ensemble_spread,
    method_note_html,
    pre_trend_components,
)
from analysis.crossval_report import CROSSVAL_MARTS, banner_addition, crossval_section_html
from analysis.design import design_from_tables
from analysis.figures import RenderedFigure, render_causal_figures, render_paper_figures
from analysis.marts import (
    PAPER_RULE_SET,
    Tables,
    build_setting,
    build_started_at,
    data_provenance,
    is_reconstruction,
    working_age_rule_set,
)
from analysis.paper_correlations import paper_correlations
from analysis.partner_mirror import partner_mirror_html
from analysis.report_layout import Section, download_links, human_header, render_page, without_heading
from claims.replication import (
    contradiction_pairs,
    official_verdict_counts,
    replicate,
    status_counts,
    write_csv_atomically,
)


@dataclass(frozen=True)
class ReportContent:
    warehouse: str
    reconstruction: bool
    provenance: pd.DataFrame
    almaty_flows: pd.DataFrame
    almaty_regimes: pd.DataFrame
    correlations: pd.DataFrame
    causal: list[DesignResult]
    replication: pd.DataFrame
    contradictions: pd.DataFrame
    paper_figures: list[RenderedFigure]
    causal_figures: list[RenderedFigure]
    working_age_rule_set: str | None = None
    ensemble_spreads: dict[tuple[str, str], str] | None = None
    ensemble_pre_trends: dict[tuple[str, str], PreTrendSpread] | None = None
    build_started_at: str | None = None
    # The partner-statistics section, rendered from its marts (analysis.partner_mirror); empty if not computed.
    partner_mirror: str = ""
    later_years: list[LaterYear] | None = None
    # dim_build_settings: the project version that built the warehouse and the data's as-of date.
    project_version: str | None = None
    data_as_of: str | None = None
    # The cross-validation marts (analysis.crossval_report): the banner's accuracy sentence and its section.
    crossval: Tables | None = None


def almaty_flow_table(tables: Tables) -> pd.DataFrame:
    """Almaty's yearly working-age flows, with the all-ages net migration per 1,000 residents."""
    flows = tables.get("fct_yearly_flows")
    if flows is None:
        return pd.DataFrame()
    rows = flows[flows["region_code"] == design_from_tables(tables).treated_region_code]
    working = rows[rows["age_scope_code"] == "working_age"].set_index("year")
    every_age = rows[rows["age_scope_code"] == "all_ages"].set_index("year")
    table = pd.DataFrame(
        {
            "working-age arrivals": working["arrivals"],
            "working-age departures": working["departures"],
            "working-age net": working["net_migration"],
            "arrivals / departures": working["arrivals_per_departure"],
            "working-age net per 1,000 residents": working["net_migration_per_1000_residents"],
            "all-ages net": every_age["net_migration"],
        }
    )
    return table.sort_index().reset_index(names="year")


def almaty_regime_table(tables: Tables) -> pd.DataFrame:
    """Almaty's working-age regimes as the warehouse detects them (runs of years with one sign of net)."""
    regimes = tables.get("fct_net_migration_regimes")
    if regimes is None:
        return pd.DataFrame()
    treated = design_from_tables(tables).treated_region_code
    rows = regimes[(regimes["region_code"] == treated) & (regimes["age_scope_code"] == "working_age")]
    return pd.DataFrame(
        {
            "regime": rows["regime_number"],
            "direction": rows["regime_direction"].str.replace("_", " "),
            "first year": rows["start_year"],
            "last year": rows["end_year"],
            "years": rows["length_years"],
            "arrivals": rows["arrivals"],
            "departures": rows["departures"],
            "net": rows["net_migration"],
            "arrivals / departures (of sums)": rows["arrivals_per_departure"],
            "departures / arrivals (average of years)": rows["avg_of_yearly_departures_per_arrival"],
        }
    ).sort_values("regime")


def analyse(
    tables: Tables,
    claims: pd.DataFrame,
    warehouse: str,
    with_figures: bool = True,
    step: Callable[[str], None] = lambda _: None,
) -> ReportContent:
    """Every result the report shows, computed from the marts; ``step`` is told each stage as it starts."""
    reconstruction = is_reconstruction(tables)
    step("causal designs: DiD, placebos, synthetic control, conformal inference, sensitivity")
    causal = run_all(tables)
    step("replication of the paper's claims")
    replication = replicate(tables, claims, reconstruction)
    if with_figures:
        step("figures: the paper's nine and the causal plots")
    return ReportContent(
        warehouse=warehouse,
        reconstruction=reconstruction,
        provenance=data_provenance(tables),
        almaty_flows=almaty_flow_table(tables),
        almaty_regimes=almaty_regime_table(tables),
        correlations=paper_correlations(tables),
        causal=causal,
        replication=replication,
        contradictions=contradiction_pairs(replication),
        paper_figures=render_paper_figures(tables) if with_figures else [],
        causal_figures=render_causal_figures(causal) if with_figures else [],
        working_age_rule_set=working_age_rule_set(tables),
        ensemble_spreads=ensemble_spread(tables),
        ensemble_pre_trends=ensemble_pre_trend(tables),
        build_started_at=build_started_at(tables),
        partner_mirror=partner_mirror_html(tables, _table),
        later_years=run_later_years(tables),
        project_version=build_setting(tables, "project_version"),
        data_as_of=build_setting(tables, "data_as_of_date"),
        crossval={name: tables[name] for name in CROSSVAL_MARTS if name in tables},
    )


# --- HTML -------------------------------------------------------------------------------------------


def _number(value: object, digits: int = 3) -> str:
    # pd.NA is how a nullable integer column (a BIGINT count with empty rows) holds an empty cell.
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, tuple):
        return "[" + ", ".join(_number(v, digits) for v in value) + "]"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return ""
        # Whole within 1e-9, not bit for bit: a least-squares estimate of exactly 4,838 comes out as
        # 4838.000000000001 under some CPUs' BLAS kernels, and the page must not change with the CPU.
        if isinstance(value, float) and abs(value - round(value)) > 1e-9 * max(1.0, abs(value)):
            return f"{value:,.{digits}f}" if abs(value) < 1000 else f"{value:,.1f}"
        return f"{round(value):,}"
    return str(value)


def is_p_value_column(column: object) -> bool:
    """Columns holding p-values: ``p``, ``p_value``, ``*_p``, ``*_p_value`` (e.g. pearson_p, synthetic_min_p)."""
    name = str(column)
    return name in ("p", "p_value") or name.endswith(("_p", "_p_value"))


def _cell(column: object, value: object) -> str:
    """A year is shown as 2023, not 2,023; a p-value below 0.001 as ``< 0.001``, never ``0.000``."""
    is_year = str(column) == "year" or str(column).endswith((" year", "_year"))
    if is_year and isinstance(value, (int, float)) and not pd.isna(value):
        return str(int(value))
    if is_p_value_column(column) and isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_p_value(float(value))
    return _number(value)


def _table(
    frame: pd.DataFrame, text_columns: Iterable[str] = (), row_class: str | None = None, css_class: str | None = None
) -> str:
    """An HTML table with every cell escaped; ``row_class`` names a column whose value styles the row."""
    if frame is None or frame.empty:
        return '<p class="note">No rows.</p>'
    text = set(text_columns)
    shown = [c for c in frame.columns if c != "_class"]
    head = "".join(f'<th class="{"text" if c in text else ""}">{html.escape(human_header(c))}</th>' for c in shown)
    body = []
    for _, row in frame.iterrows():
        css = f' class="{html.escape(str(row[row_class]))}"' if row_class else ""
        cells = "".join(
            f'<td class="{"text" if c in text else ""}">{html.escape(_cell(c, row[c]))}</td>' for c in shown
        )
        body.append(f"<tr{css}>{cells}</tr>")
    opening = f'<table class="{html.escape(css_class)}">' if css_class else "<table>"
    table = f"{opening}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    # A table wider than the page scrolls inside its own box instead of widening the whole page.
    return table if css_class == "headline" else f'<div class="scroll">{table}</div>'


def _figure(rendered: RenderedFigure) -> str:
    if rendered.png is None:
        return (
            f'<p class="missing">{html.escape(rendered.title)}: not drawn — {html.escape(rendered.problem or "")}</p>'
        )
    encoded = base64.b64encode(rendered.png).decode("ascii")
    return (
        f'<figure id="{html.escape(rendered.name)}"><img alt="{html.escape(rendered.title)}" '
        f'src="data:image/png;base64,{encoded}"><figcaption>{html.escape(rendered.title)}</figcaption></figure>'
    )


def _rule_set_note(content: ReportContent) -> str:
    """Which definition of working age the figures use; a warning when it is not the paper's."""
    rule_set = content.working_age_rule_set
    if rule_set == PAPER_RULE_SET:
        return (
            "<p>Working age: the study's definition (<code>paper_2025</code>: 16 to 63 for men, 16 to 60.5 "
            "for women).</p>"
        )
    shown = html.escape(rule_set) if rule_set else "not recorded in the warehouse"
    return (
        f'<div class="banner"><strong>Working age: {shown}.</strong> The study states its claims for '
        "16 to 63 (men) and 16 to 60.5 (women); claims about working-age migrants are compared with figures "
        "under another definition here, so a difference may come from the definition alone.</div>"
    )


def _banner(content: ReportContent) -> str:
    provenance = content.provenance
    modeled = int(provenance["modeled_cells"].sum()) if not provenance.empty else 0
    total = modeled + (int(provenance["published_cells"].sum()) if not provenance.empty else 0)
    official = int(provenance["official_cells"].sum()) if "official_cells" in provenance else 0
    shares = (
        f"{official:,} of {total:,} migration cells ({official / total:.1%}) are official BNS downloads "
        f"(<code>make ingest</code>), {total - official - modeled:,} ({(total - official - modeled) / total:.1%}) "
        f"bundled published figures and {modeled:,} ({modeled / total:.1%}) reconstructed (<code>modeled</code>)"
        if total
        else ""
    )
    if content.reconstruction:
        detail = shares or "the warehouse does not say where its figures come from (no <code>dim_data_sources</code>)"
        return (
            '<div class="banner"><strong>Bundled reconstruction, not official data.</strong> '
            f"The regional tables behind this report are, where no official download covers them, the project's "
            f"calibrated reconstruction: {detail}. "
            "<strong>The reconstruction was calibrated to the paper's own claims</strong>: where the paper gives "
            "a figure, the reconstruction was fitted to match it. So a claim that “reproduces” here shows only "
            "that the paper's claims can hold together in one data set, not that official statistics support "
            "them, and the causal estimates describe the reconstruction, not Kazakhstan. Load official BNS "
            "downloads with <code>make ingest</code> and rebuild."
            f"{banner_addition(content.crossval or {})}</div>"
        )
    return f'<div class="official">Every migration figure in this warehouse is a published BNS figure: {shares}.</div>'


PAPER_DESIGN_NOTE = (
    "With two controls, placebo in space has two placebos, and each compares one control with the other, "
    "so their estimates are equal and opposite: the p-value can only be 1/3 or 1."
)


def _placebo_notes(result: DesignResult) -> list[str]:
    notes = []
    space, time = result.placebo_space, result.placebo_time
    if space is not None and space.excluded_regions:
        excluded = ", ".join(f"{k} ({v})" for k, v in space.excluded_regions.items())
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
        if synthetic.excluded_donors:
            notes.append("Excluded donors: " + ", ".join(f"{k} ({v})" for k, v in synthetic.excluded_donors.items()))
        if synthetic.undefined_placebos:
            notes.append(
                f"Placebos with an undefined RMSPE ratio (0/0), left out of the p-value: "
                f"{len(synthetic.undefined_placebos)} ({', '.join(synthetic.undefined_placebos)})"
            )
        parts.extend(f'<p class="note">{html.escape(note)}.</p>' for note in notes)
    return parts


def _causal_section(content: ReportContent) -> str:
    parts = ["<h2 id='causal'>Causal estimate of the 2022 shock: details</h2>"]
    parts.append(
        "<p>Outcome: Almaty's net working-age migration (arrivals − departures), in persons and per 1,000 "
        "residents. Estimators: two-way fixed-effects difference-in-differences (region and year effects; post = "
        "2022 onwards, to the last year the outcome has), its event study relative to 2021, synthetic control "
        "(plain and demeaned) and synthetic difference-in-differences. With a single treated region, inference "
        "is design-based (see the summary at the top); where parallel pre-trends are rejected the DiD estimate "
        "is not a credible causal effect, whatever its p-value.</p>"
    )
    panels = "".join(
        f"<li><strong>{html.escape(DESIGNS[design])}</strong>: <code>{html.escape(DESIGN_PANELS[design])}</code> — "
        f"{html.escape(PANEL_REASONS[design])}</li>"
        for design in DESIGNS
    )
    parts.append(f"<p>Panels:</p><ul>{panels}</ul>")
    parts.append(
        '<p class="note">Almaty city itself gained parts of the Karasai and Ili districts of Almaty region in '
        "2014; no panel can undo that without district data, so that border change stays in the pre-period of "
        "both designs.</p>"
    )
    if any(result.design == "paper" for result in content.causal):
        parts.append(f'<p class="note">Paper design: {html.escape(PAPER_DESIGN_NOTE)}</p>')
    parts.append(causal_details_html(content.causal, _table))
    parts.append(method_note_html(_table, results=content.causal))
    for result in content.causal:
        parts.append(f"<h3>{html.escape(DESIGNS[result.design])} — {html.escape(result.unit)}</h3>")
        parts.append(f'<p class="note">Panel: <code>{html.escape(result.panel_mart)}</code>.</p>')
        parts.append(f'<p class="note">Years: {html.escape(result.window)}.</p>')
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
            parts.append("<details><summary>Event-study coefficients</summary>" + _table(coefficients) + "</details>")
        parts.extend(_placebo_notes(result))
        parts.extend(_synthetic_paragraphs(result))
        for step, problem in result.problems.items():
            parts.append(f'<p class="missing">{html.escape(step)} not estimated: {html.escape(problem)}</p>')
    parts.extend(_figure(f) for f in content.causal_figures)
    parts.append(appendix_html(content.causal, _table))
    return "\n".join(parts)


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


def _replication_section(content: ReportContent) -> str:
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
        _table(content.contradictions, text_columns=content.contradictions.columns),
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
            f"<dt>{html.escape(human_header(c))}</dt><dd>{html.escape(_cell(c, row[c]))}</dd>"
            for c in extra
            if _cell(c, row[c]) != ""
        )
        status = "" if statuses is None else str(statuses.iloc[position])
        lines.append(
            f"<details class='claim {html.escape(status)}'><summary>"
            f"<span>{html.escape(str(row.get('claim_id', '')))}</span>"
            f"<span>{html.escape(str(row.get('topic', '') or ''))}</span>"
            f"<span>{html.escape(_claim_said(row))}</span>"
            f"<span class='num'>{html.escape(_cell('computed_value', row.get('computed_value', '')))}</span>"
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


def _build_note(content: ReportContent) -> str:
    """Which build of the warehouse the report was made from (dbt's start time, as `dim_build_settings` has it)."""
    if content.build_started_at is None:
        return ""
    return f', <span id="warehouse-build">build of {html.escape(content.build_started_at)} UTC</span>'


# The questions the study asks, each answered in one line from the evidence and linked to its section.
# (question, how it is answered, anchor of the evidence)
STUDY_QUESTIONS: tuple[tuple[str, str, str], ...] = (
    ("Did Almaty turn from a net sender into a net receiver of working-age migrants?", "regimes", "flows"),
    ("Was the turn an effect of the 2022 crisis, compared with regions that kept their course?", "causal", "headline"),
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
        f"{row['direction']} {int(row['first year'])}–{int(row['last year'])} (net {_number(row['net'])})"
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
            f"{html.escape(DESIGNS.get(result.design, result.design))}, {html.escape(result.unit)}: DiD "
            f"{_number(result.did.estimate, 2)}, studentised placebo-in-space p "
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
    for question, answer, anchor in STUDY_QUESTIONS:
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


def _flows_section(content: ReportContent) -> str:
    return "\n".join(
        [
            "<p>Persons per year; per 1,000 residents (all ages) on 1 January.</p>",
            _table(content.almaty_flows),
            "<h3 id='regimes'>Regimes detected from the data</h3>",
            "<p>Maximal runs of consecutive years in which Almaty's working-age net migration keeps one sign "
            "(<code>fct_net_migration_regimes</code>); the study describes 2000–2002, 2003–2013, 2014–2021 and "
            "2022–2023.</p>",
            _table(content.almaty_regimes, text_columns=("direction",)),
        ]
    )


def _figure_with_data(rendered: RenderedFigure) -> str:
    return _figure(rendered) + download_links(getattr(rendered, "sources", ()) or ())


def _figures_section(content: ReportContent) -> str:
    return "\n".join(_figure_with_data(f) for f in content.paper_figures)


CORRELATION_COLUMNS = (
    "claim_id",
    "pair",
    "years",
    "n",
    "pearson_r",
    "pearson_ci_low",
    "pearson_ci_high",
    "pearson_p",
    "pearson_r_differences",
    "part_whole",
    "spearman_rho",
    "spearman_p",
    "problem",
)


def _correlations_section(content: ReportContent) -> str:
    correlations = content.correlations
    keep = [c for c in CORRELATION_COLUMNS if c in correlations.columns]
    return "\n".join(
        [
            "<p>Pearson r with a 95% Fisher-z interval and p-value, and Spearman rho, over yearly values "
            "(all ages). Two series that both trend correlate whatever drives them, so beside each r on levels is "
            "the r of their year-to-year changes (<code>pearson_r_differences</code>); and a series that is part of "
            "the other (a country inside its group or the total) correlates with it by construction "
            "(<code>part_whole</code>): read those r as arithmetic, not as evidence of a link.</p>",
            _table(
                correlations[keep] if keep else correlations,
                text_columns=("claim_id", "pair", "years", "part_whole", "problem"),
            ),
        ]
    )


def _sources_section(content: ReportContent) -> str:
    return "<p>Cells of each canonical table by provenance (<code>dim_data_sources</code>).</p>" + _table(
        content.provenance, text_columns=("table_code",)
    )


def _headline_section(content: ReportContent) -> str:
    return without_heading(
        causal_headline_html(
            content.causal,
            content.ensemble_spreads or {},
            _table,
            content.ensemble_pre_trends,
            content.later_years,
            content.reconstruction,
        )
    )


def citation_text(content: ReportContent) -> str:
    """How to cite what the page shows: the project, its version and the data's as-of date (plain text)."""
    version = content.project_version or "version not recorded in the warehouse"
    as_of = content.data_as_of or "as-of date not recorded"
    return (
        f"kz-migration maintainers (2026). kz-migration: an open analytical data warehouse of Kazakhstan's "
        f"external migration statistics, version {version}; data as of {as_of}."
    )


def _cite_section(content: ReportContent) -> str:
    return "\n".join(
        [
            f"<p>Cite as: <em>{html.escape(citation_text(content))}</em> Machine-readable: "
            "<code>CITATION.cff</code> in the repository. Cite the study it tests as Sagandykova S.Sh., Omarov "
            "G.B., Ananyev T.V., Balkenova A.B. (2025), <em>Economy: strategy and practice</em> 20(3), 106–122, "
            "doi:10.51176/1997-9967-2025-3-106-122.</p>",
            "<p>Licences: the code is under the MIT licence; official statistics remain the Bureau of National "
            "Statistics' (BNS terms of use: cite BNS as the source); the reconstruction, the derived tables, the "
            "downloads and this report are under CC BY 4.0 (<code>DATA_LICENSE.md</code>). Every row's "
            "<code>provenance</code> says whether it is official, derived or reconstructed; keep it with any "
            "extract, so that a reconstructed figure is never taken for an official one.</p>",
        ]
    )


# The report's sections in page order; the navigation bar is built from this list. A module that adds a
# section appends a Section here (anchor, title, render function, folded or not, marts behind it).
REPORT_SECTIONS: list[Section] = [
    Section("answers", "The study's questions, answered in brief", answers_html, nav_label="Answers"),
    Section(
        "headline",
        "Causal evidence at a glance",
        _headline_section,
        nav_label="Causal evidence",
        marts=("fct_region_year_panel", "fct_territory_year_panel"),
    ),
    Section(
        "flows",
        "Almaty's working-age flows",
        _flows_section,
        nav_label="Flows",
        marts=("fct_yearly_flows", "fct_net_migration_regimes"),
    ),
    Section(
        "figures", "The paper's figures, redrawn from the marts", _figures_section, folded=True, nav_label="Figures"
    ),
    Section(
        "correlations",
        "Correlations",
        _correlations_section,
        folded=True,
        marts=("fct_yearly_flows", "fct_country_flows"),
    ),
    Section(
        "causal",
        "Causal estimate of the 2022 shock: details",
        lambda content: without_heading(_causal_section(content)),
        folded=True,
        nav_label="Causal details",
        marts=("fct_region_year_panel", "fct_territory_year_panel"),
    ),
    Section(
        "replication",
        "Replication of the paper's claims",
        _replication_section,
        folded=True,
        nav_label="Replication",
        marts=("fct_claim_replication",),
        files=("replication.csv", "contradictions.csv"),
    ),
    Section(
        "partner",
        "Partner statistics: Germany's record of migration with Kazakhstan",
        lambda content: without_heading(content.partner_mirror),
        folded=True,
        nav_label="Partner statistics",
        marts=("fct_partner_mirror_flows", "fct_published_figures"),
    ),
    Section(
        "crossval",
        "Accuracy of the reconstruction",
        lambda content: without_heading(crossval_section_html(content.crossval or {}, _table)),
        folded=True,
        nav_label="Accuracy",
        marts=CROSSVAL_MARTS,
    ),
    Section("sources", "Data sources", _sources_section, nav_label="Data sources", marts=("dim_data_sources",)),
    Section("cite", "Cite and reuse", _cite_section, nav_label="Cite", marts=("dim_build_settings",)),
]


def render_html(content: ReportContent, sections: list[Section] | None = None) -> str:
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    header = "\n".join(
        [
            "<h1>External migration of Almaty's working-age population: replication and causal analysis</h1>",
            f'<p class="note">kz-migration {html.escape(content.project_version or "(version not recorded)")} · '
            f"data as of {html.escape(content.data_as_of or '(not recorded)')} · generated {generated} from "
            f"<code>{html.escape(content.warehouse)}</code>{_build_note(content)}. Reproduces and tests "
            "Sagandykova et al. (2025), "
            "doi:10.51176/1997-9967-2025-3-106-122. <a href='#cite'>How to cite</a>.</p>",
            _banner(content),
            _rule_set_note(content),
        ]
    )
    return render_page(
        "kz-migration: Almaty external migration report",
        header,
        REPORT_SECTIONS if sections is None else sections,
        content,
    )


def _write_atomically(path: Path, data: bytes) -> None:
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o644)  # mkstemp creates 0600; the report is meant to be shared
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_report(content: ReportContent, out_dir: Path) -> Path:
    """Write index.html, replication.csv, contradictions.csv and figures/*.png; return index.html's path."""
    out_dir = Path(out_dir)
    figures_dir = out_dir / "figures"
    figures_dir.mkdir(parents=True, exist_ok=True)
    for rendered in (*content.paper_figures, *content.causal_figures):
        if rendered.png is not None:
            _write_atomically(figures_dir / f"{rendered.name}.png", rendered.png)
    write_csv_atomically(content.replication, out_dir / "replication.csv")
    write_csv_atomically(content.contradictions, out_dir / "contradictions.csv")
    index = out_dir / "index.html"
    _write_atomically(index, render_html(content).encode("utf-8"))
    return index
