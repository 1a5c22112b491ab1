"""The paper's nine figures redrawn from the marts.

Each ``figure_*`` function takes the mart DataFrames and returns a matplotlib Figure, or raises
:class:`~analysis.report.figures.MissingFigureData` when the marts lack what it needs;
:func:`render_paper_figures` turns them into PNG bytes, each naming the marts it was drawn from.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import partial
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.design import MissingDesign, StudyDesign, design_from_tables
from analysis.marts import Tables
from analysis.report.figures import (
    ARRIVAL_COLOUR,
    DEPARTURE_COLOUR,
    NET_COLOUR,
    MissingFigureData,
    RenderedFigure,
    mark_crisis,
    new_axes,
    render_figure,
)

CRISIS_PERIOD = "P2022_2023"


class _ReadLog(dict[str, pd.DataFrame]):
    """The marts, remembering which ones a figure looked up, so that the report names the data behind it."""

    def __init__(self, tables: Tables) -> None:
        super().__init__(tables)
        self.read: dict[str, None] = {}

    def __getitem__(self, key: str) -> pd.DataFrame:
        self.read[key] = None
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self.read[key] = None
        return super().get(key, default)


def _design(tables: Tables) -> StudyDesign:
    """The design the figures follow (dim_study_design): its treated region, named in their titles."""
    try:
        return design_from_tables(tables)
    except MissingDesign as error:
        raise MissingFigureData(str(error)) from error


def _treated(tables: Tables) -> str:
    """The region the figures follow: the design's treated region (Almaty city in the paper)."""
    return _design(tables).treated_region_code


def _name(tables: Tables) -> str:
    """The treated region's short name, as the figures' titles give it."""
    return _design(tables).treated_region_name


def _period_years(tables: Tables) -> str:
    """The crisis period's years as the seed analysis_periods sets them (``2022–2023``)."""
    periods = _rows(tables, "fct_country_period_flows", period_code=CRISIS_PERIOD)
    if not {"start_year", "end_year"} <= set(periods.columns):
        raise MissingFigureData("fct_country_period_flows has no start_year and end_year columns")
    first, last = int(periods["start_year"].min()), int(periods["end_year"].max())
    return f"{first}–{last}" if last > first else str(first)


def _rows(tables: Tables, mart: str, **equal: object) -> pd.DataFrame:
    if mart not in tables:
        raise MissingFigureData(f"mart {mart} is not in the warehouse")
    frame = tables[mart]
    for column, value in equal.items():
        frame = frame[frame[column] == value]
    if frame.empty:
        raise MissingFigureData(f"{mart} has no rows for {equal}")
    return frame


def _by_direction(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Pivot a mart stored one row per direction into arrival / departure columns."""
    table = frame.pivot_table(index=key, columns="direction_code", values="persons", aggfunc="sum", fill_value=0)
    return table.reindex(columns=["arrival", "departure"], fill_value=0)


def figure_working_age_flows(tables: Tables) -> Figure:
    """Figure 1: Almaty's yearly working-age arrivals, departures and net migration."""
    treated = _treated(tables)
    rows = _rows(tables, "fct_yearly_flows", region_code=treated, age_scope_code="working_age").sort_values("year")
    figure, axes = new_axes(f"{_name(tables)}: external migration of the working-age population", "Persons per year")
    axes.plot(rows["year"], rows["arrivals"], marker="o", color=ARRIVAL_COLOUR, label="arrivals")
    axes.plot(rows["year"], rows["departures"], marker="o", color=DEPARTURE_COLOUR, label="departures")
    axes.bar(rows["year"], rows["net_migration"], color=NET_COLOUR, alpha=0.35, label="net migration")
    axes.axhline(0, color="black", linewidth=0.8)
    mark_crisis(axes, _design(tables).crisis_start_year, int(rows["year"].max()))
    axes.legend()
    return figure


def _education_structure(tables: Tables) -> pd.DataFrame:
    return _rows(tables, "fct_education_structure", region_code=_treated(tables)).sort_values("year")


def figure_higher_education_shares(tables: Tables) -> Figure:
    """Figure 2: share of migrants with higher education among working-age arrivals and departures."""
    rows = _education_structure(tables)
    figure, axes = new_axes(
        f"{_name(tables)}: share with higher education among working-age migrants", "Percent of migrants"
    )
    axes.plot(rows["year"], rows["higher_share_of_arrivals_pct"], marker="o", color=ARRIVAL_COLOUR, label="arrivals")
    axes.plot(
        rows["year"], rows["higher_share_of_departures_pct"], marker="o", color=DEPARTURE_COLOUR, label="departures"
    )
    mark_crisis(axes, _design(tables).crisis_start_year, int(rows["year"].max()))
    axes.legend()
    return figure


def figure_countries_2023(tables: Tables, year: int = 2023, top: int = 15) -> Figure:
    """Figure 3: arrivals and departures by country in 2023 (largest countries)."""
    rows = _rows(tables, "fct_country_flows", region_code=_treated(tables), year=year)
    table = _by_direction(rows, "country_name_en")
    table = table.loc[table.sum(axis=1).sort_values(ascending=False, kind="stable").index[:top]].iloc[::-1]
    figure, axes = plt.subplots(figsize=(8.0, 5.5), layout="constrained")
    positions = np.arange(len(table))
    axes.barh(positions - 0.2, table["arrival"], height=0.4, color=ARRIVAL_COLOUR, label="arrivals")
    axes.barh(positions + 0.2, table["departure"], height=0.4, color=DEPARTURE_COLOUR, label="departures")
    axes.set_yticks(positions, table.index)
    axes.set_xlabel("Persons (all ages)")
    axes.set_ylabel("Country of origin / destination")
    axes.set_title(f"{_name(tables)}: external migration by country, {year}")
    axes.grid(True, axis="x", alpha=0.3)
    axes.legend()
    return figure


def _group_series(tables: Tables, group: str) -> pd.DataFrame:
    rows = _rows(tables, "fct_country_group_flows", region_code=_treated(tables), group_code=group)
    return _by_direction(rows, "year").sort_index()


def figure_cis_flows(tables: Tables) -> Figure:
    """Figure 4: arrivals from and departures to the CIS countries."""
    table = _group_series(tables, "CIS")
    figure, axes = new_axes(f"{_name(tables)}: migration with CIS countries", "Persons per year (all ages)")
    axes.plot(table.index, table["arrival"], marker="o", color=ARRIVAL_COLOUR, label="arrivals from the CIS")
    axes.plot(table.index, table["departure"], marker="o", color=DEPARTURE_COLOUR, label="departures to the CIS")
    mark_crisis(axes, _design(tables).crisis_start_year, int(table.index.max()))
    axes.legend()
    return figure


def figure_other_country_arrivals(tables: Tables, top: int = 5) -> Figure:
    """Figure 5: arrivals from countries outside the CIS, total and the largest countries."""
    total = _group_series(tables, "OTHER")["arrival"]
    treated = _treated(tables)
    rows = _rows(tables, "fct_country_flows", region_code=treated, direction_code="arrival", group_code="OTHER")
    rows = rows[rows["country_code"] != "_O"]
    by_country = rows.pivot_table(index="year", columns="country_name_en", values="persons", aggfunc="sum").fillna(0)
    largest = by_country.sum().sort_values(ascending=False, kind="stable").index[:top]
    figure, axes = new_axes(f"{_name(tables)}: arrivals from other (non-CIS) countries", "Persons per year (all ages)")
    axes.plot(total.index, total, marker="o", color="black", label="all other countries")
    for country in largest:
        axes.plot(by_country.index, by_country[country], marker=".", label=country)
    mark_crisis(axes, _design(tables).crisis_start_year, int(total.index.max()))
    axes.legend(fontsize="small", ncols=2)
    return figure


def _other_country_shares(
    tables: Tables, direction: str, column: str, top: int = 8, group: str | None = None
) -> pd.Series:
    """Largest shares in ``column``; ``group`` keeps only that country group's rows (the share's base)."""
    rows = _rows(
        tables,
        "fct_country_period_flows",
        region_code=_treated(tables),
        period_code=CRISIS_PERIOD,
        direction_code=direction,
    )
    if group is not None:
        rows = rows[rows["group_code"] == group]
    rows = rows[rows[column].notna()]
    if rows.empty:
        raise MissingFigureData(f"fct_country_period_flows has no {column} for {direction}s in {CRISIS_PERIOD}")
    # Aggregate rows ("Other countries": not itemised) go into the remainder, not among the countries.
    itemised = rows[~rows["is_aggregate"].astype(bool)] if "is_aggregate" in rows.columns else rows
    # Ties (equal shares) in name order: the marts' row order is not fixed, and the figure must not follow it.
    shares = itemised.set_index("country_name_en")[column].sort_index().sort_values(ascending=False, kind="stable")
    head = shares.iloc[:top]
    rest = 100.0 - head.sum()
    return pd.concat([head, pd.Series({"all others (incl. not itemised)": rest})]) if rest > 0.05 else head


def _share_bar(shares: pd.Series, title: str, xlabel: str) -> Figure:
    figure, axes = plt.subplots(figsize=(8.0, 4.8), layout="constrained")
    ordered = shares.iloc[::-1]
    axes.barh(ordered.index, ordered.to_numpy(), color="#7f7f7f")
    for position, value in enumerate(ordered.to_numpy()):
        axes.text(value, position, f" {value:.1f}%", va="center", fontsize="small")
    axes.set_xlabel(xlabel)
    axes.set_ylabel("Country")
    axes.set_title(title)
    axes.grid(True, axis="x", alpha=0.3)
    return figure


def figure_other_country_arrival_shares(tables: Tables) -> Figure:
    """Figure 6: shares of countries in arrivals from other (non-CIS) countries, 2022–2023.

    ``share_of_group_pct`` is each country's share of its own group, so only the OTHER (non-CIS) group's
    rows are shares of non-CIS arrivals; CIS rows (Russia's share of CIS arrivals) and the not-stated
    row (100% of its own group) are not.
    """
    shares = _other_country_shares(tables, "arrival", "share_of_group_pct", group="OTHER")
    return _share_bar(
        shares,
        f"{_name(tables)}: shares in arrivals from other countries, {_period_years(tables)}",
        "Percent of arrivals from non-CIS countries",
    )


def figure_other_country_departure_shares(tables: Tables) -> Figure:
    """Figure 7: shares of countries in departures to other countries (country not stated included)."""
    shares = _other_country_shares(tables, "departure", "share_of_non_cis_pct")
    return _share_bar(
        shares,
        f"{_name(tables)}: shares in departures outside the CIS, {_period_years(tables)}",
        "Percent of departures to non-CIS or unstated countries",
    )


def _education_flow_figure(tables: Tables, level: str, label: str) -> Figure:
    rows = _education_structure(tables)
    figure, axes = new_axes(f"{_name(tables)}: working-age migrants with {label}", "Persons per year")
    axes.plot(rows["year"], rows[f"{level}_arrivals"], marker="o", color=ARRIVAL_COLOUR, label="arrivals")
    axes.plot(rows["year"], rows[f"{level}_departures"], marker="o", color=DEPARTURE_COLOUR, label="departures")
    axes.bar(rows["year"], rows[f"{level}_net_migration"], color=NET_COLOUR, alpha=0.35, label="net migration")
    axes.axhline(0, color="black", linewidth=0.8)
    mark_crisis(axes, _design(tables).crisis_start_year, int(rows["year"].max()))
    axes.legend()
    return figure


def figure_higher_education_flows(tables: Tables) -> Figure:
    """Figure 8: working-age arrivals and departures with higher education."""
    return _education_flow_figure(tables, "higher", "higher education")


def figure_secondary_vocational_flows(tables: Tables) -> Figure:
    """Figure 9: working-age arrivals and departures with secondary vocational education."""
    return _education_flow_figure(tables, "secondary_vocational", "secondary vocational education")


PAPER_FIGURES: tuple[tuple[str, str, Callable[[Tables], Figure]], ...] = (
    ("fig1_working_age_flows", "Figure 1 – yearly working-age flows", figure_working_age_flows),
    ("fig2_higher_education_shares", "Figure 2 – higher-education shares", figure_higher_education_shares),
    ("fig3_countries_2023", "Figure 3 – flows by country, 2023", figure_countries_2023),
    ("fig4_cis_flows", "Figure 4 – flows with the CIS", figure_cis_flows),
    ("fig5_other_country_arrivals", "Figure 5 – arrivals from other countries", figure_other_country_arrivals),
    (
        "fig6_other_country_arrival_shares",
        "Figure 6 – shares of other countries in arrivals",
        figure_other_country_arrival_shares,
    ),
    (
        "fig7_other_country_departure_shares",
        "Figure 7 – shares of other countries in departures",
        figure_other_country_departure_shares,
    ),
    ("fig8_higher_education_flows", "Figure 8 – flows with higher education", figure_higher_education_flows),
    (
        "fig9_secondary_vocational_flows",
        "Figure 9 – flows with secondary vocational education",
        figure_secondary_vocational_flows,
    ),
)


def render_paper_figures(tables: Tables) -> list[RenderedFigure]:
    rendered = []
    for name, title, draw in PAPER_FIGURES:
        log = _ReadLog(tables)
        figure = render_figure(name, title, partial(draw, log))
        rendered.append(dataclasses.replace(figure, sources=tuple(log.read)))
    return rendered
