"""The report's sections in page order (:data:`REPORT_SECTIONS`), and the short ones rendered here.

A section is an anchor, a title and a function from :class:`~analysis.report.content.ReportContent` to HTML
(:class:`~analysis.report.layout.Section`); the longer ones live in their own modules (answers, causal,
replication, partner statistics, cross-validation).
"""

from __future__ import annotations

import html

from analysis.causal.headline import causal_headline_html
from analysis.report.answers import answers_html
from analysis.report.causal_section import causal_section_html
from analysis.report.cells import figure_html, html_table
from analysis.report.content import ReportContent
from analysis.report.crossval_section import CROSSVAL_MARTS, crossval_section_html
from analysis.report.figures import RenderedFigure
from analysis.report.layout import Section, download_links, without_heading
from analysis.report.replication_section import replication_section_html


def _flows_section(content: ReportContent) -> str:
    return "\n".join(
        [
            "<p>Persons per year; per 1,000 residents (all ages) on 1 January.</p>",
            html_table(content.almaty_flows),
            "<h3 id='regimes'>Regimes detected from the data</h3>",
            f"<p>Maximal runs of consecutive years in which {html.escape(content.treated_name)}'s working-age net "
            "migration keeps one sign "
            "(<code>fct_net_migration_regimes</code>); the study describes 2000–2002, 2003–2013, 2014–2021 and "
            "2022–2023.</p>",
            html_table(content.almaty_regimes, text_columns=("direction",)),
        ]
    )


def _figure_with_data(rendered: RenderedFigure) -> str:
    return figure_html(rendered) + download_links(getattr(rendered, "sources", ()) or ())


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
            html_table(
                correlations[keep] if keep else correlations,
                text_columns=("claim_id", "pair", "years", "part_whole", "problem"),
            ),
        ]
    )


def _sources_section(content: ReportContent) -> str:
    return "<p>Cells of each canonical table by provenance (<code>dim_data_sources</code>).</p>" + html_table(
        content.provenance, text_columns=("table_code",)
    )


def _headline_section(content: ReportContent) -> str:
    return without_heading(
        causal_headline_html(
            content.causal,
            content.ensemble_spreads or {},
            html_table,
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
        "{treated}'s working-age flows",
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
        "Causal estimate of the {crisis} shock: details",
        lambda content: without_heading(causal_section_html(content)),
        folded=True,
        nav_label="Causal details",
        marts=("fct_region_year_panel", "fct_territory_year_panel"),
    ),
    Section(
        "replication",
        "Replication of the paper's claims",
        replication_section_html,
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
        lambda content: without_heading(crossval_section_html(content.crossval or {}, html_table)),
        folded=True,
        nav_label="Accuracy",
        marts=CROSSVAL_MARTS,
    ),
    Section("sources", "Data sources", _sources_section, nav_label="Data sources", marts=("dim_data_sources",)),
    Section("cite", "Cite and reuse", _cite_section, nav_label="Cite", marts=("dim_build_settings",)),
]
