"""What the report shows, computed from the marts: :func:`analyse` returns a :class:`ReportContent`.

Every number on the page comes from here (correlations, the causal designs, the replication, the figures);
the other modules of :mod:`analysis.report` only lay it out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from analysis.causal.ensemble_spread import PreTrendSpread, ensemble_pre_trend, ensemble_spread
from analysis.causal.later import LaterYear, run_later_years
from analysis.causal.results import DesignResult
from analysis.causal.run import run_all
from analysis.design import StudyDesign, design_from_tables, optional_design
from analysis.marts import (
    Tables,
    build_setting,
    build_started_at,
    data_provenance,
    is_reconstruction,
    working_age_rule_set,
)
from analysis.report.causal_figures import render_causal_figures
from analysis.report.cells import html_table
from analysis.report.crossval_section import CROSSVAL_MARTS
from analysis.report.figures import RenderedFigure
from analysis.report.paper_figures import render_paper_figures
from analysis.report.partner_mirror import partner_mirror_html
from claims.replication import contradiction_pairs, replicate
from estimators.paper_correlations import paper_correlations


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
    # The partner-statistics section, rendered from its marts (analysis.report.partner_mirror); empty if not computed.
    partner_mirror: str = ""
    later_years: list[LaterYear] | None = None
    # dim_build_settings: the project version that built the warehouse and the data's as-of date.
    project_version: str | None = None
    data_as_of: str | None = None
    # The cross-validation marts (analysis.report.crossval_section): the banner's accuracy sentence and its section.
    crossval: Tables | None = None
    # dim_study_design: the treated region's and controls' names and the crisis year the prose uses.
    design: StudyDesign | None = None

    @property
    def treated_name(self) -> str:
        return self.design.treated_region_name if self.design is not None else "the treated region"

    @property
    def crisis_label(self) -> str:
        """The crisis year in a title (``2022``); ``crisis`` when the warehouse does not say."""
        return str(self.design.crisis_start_year) if self.design is not None else "crisis"

    def fill(self, template: str) -> str:
        """A fixed text with the build's design in it: ``{treated}`` (the treated region's name), ``{crisis}``."""
        return template.replace("{treated}", self.treated_name).replace("{crisis}", self.crisis_label)


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
        partner_mirror=partner_mirror_html(tables, html_table),
        later_years=run_later_years(tables),
        project_version=build_setting(tables, "project_version"),
        data_as_of=build_setting(tables, "data_as_of_date"),
        crossval={name: tables[name] for name in CROSSVAL_MARTS if name in tables},
        design=optional_design(tables),
    )
