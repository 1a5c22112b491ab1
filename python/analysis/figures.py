"""The paper's nine figures redrawn from the marts, plus the event-study and synthetic-control plots.

Each ``figure_*`` function takes the mart DataFrames (or causal results) and returns a matplotlib Figure,
or raises :class:`MissingFigureData` when the marts lack what it needs. :func:`render_all` turns them into
PNG bytes so the report can embed them and the CLI can write them as files. Matplotlib runs on the Agg
backend (no display needed).
"""

from __future__ import annotations

import dataclasses
import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.causal import DesignResult, format_p_value
from analysis.design import MissingDesign, design_from_tables
from analysis.marts import Tables

CRISIS_PERIOD = "P2022_2023"
ARRIVAL_COLOUR, DEPARTURE_COLOUR, NET_COLOUR = "#1f77b4", "#d62728", "#2ca02c"
FIGSIZE = (8.0, 4.2)


class MissingFigureData(LookupError):
    """The marts lack the rows or columns a figure needs."""


@dataclass(frozen=True)
class RenderedFigure:
    name: str
    title: str
    png: bytes | None
    problem: str | None = None
    # The marts the figure was drawn from (the report links their exported files under it).
    sources: tuple[str, ...] = ()


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


def _treated(tables: Tables) -> str:
    """The region the figures follow: the design's treated region (dim_study_design; Almaty city)."""
    try:
        return design_from_tables(tables).treated_region_code
    except MissingDesign as error:
        raise MissingFigureData(str(error)) from error


def _rows(tables: Tables, mart: str, **equal: object) -> pd.DataFrame:
    if mart not in tables:
        raise MissingFigureData(f"mart {mart} is not in the warehouse")
    frame = tables[mart]
    for column, value in equal.items():
        frame = frame[frame[column] == value]
    if frame.empty:
        raise MissingFigureData(f"{mart} has no rows for {equal}")
    return frame


def _new(title: str, ylabel: str, xlabel: str = "Year") -> tuple[Figure, plt.Axes]:
    figure, axes = plt.subplots(figsize=FIGSIZE, layout="constrained")
    axes.set_title(title)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.grid(True, alpha=0.3)
    return figure, axes


def _mark_crisis(axes: plt.Axes, last_year: int = 2023) -> None:
    """Shade the post-crisis years (2022 to the last year shown)."""
    axes.axvspan(2021.5, last_year + 0.5, color="grey", alpha=0.12, label=f"crisis and after, 2022–{last_year}")


def _by_direction(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Pivot a mart stored one row per direction into arrival / departure columns."""
    table = frame.pivot_table(index=key, columns="direction_code", values="persons", aggfunc="sum", fill_value=0)
    return table.reindex(columns=["arrival", "departure"], fill_value=0)


def figure_working_age_flows(tables: Tables) -> Figure:
    """Figure 1: Almaty's yearly working-age arrivals, departures and net migration."""
    treated = _treated(tables)
    rows = _rows(tables, "fct_yearly_flows", region_code=treated, age_scope_code="working_age").sort_values("year")
    figure, axes = _new("Almaty: external migration of the working-age population", "Persons per year")
    axes.plot(rows["year"], rows["arrivals"], marker="o", color=ARRIVAL_COLOUR, label="arrivals")
    axes.plot(rows["year"], rows["departures"], marker="o", color=DEPARTURE_COLOUR, label="departures")
    axes.bar(rows["year"], rows["net_migration"], color=NET_COLOUR, alpha=0.35, label="net migration")
    axes.axhline(0, color="black", linewidth=0.8)
    _mark_crisis(axes, int(rows["year"].max()))
    axes.legend()
    return figure


def _education_structure(tables: Tables) -> pd.DataFrame:
    return _rows(tables, "fct_education_structure", region_code=_treated(tables)).sort_values("year")


def figure_higher_education_shares(tables: Tables) -> Figure:
    """Figure 2: share of migrants with higher education among working-age arrivals and departures."""
    rows = _education_structure(tables)
    figure, axes = _new("Almaty: share with higher education among working-age migrants", "Percent of migrants")
    axes.plot(rows["year"], rows["higher_share_of_arrivals_pct"], marker="o", color=ARRIVAL_COLOUR, label="arrivals")
    axes.plot(
        rows["year"], rows["higher_share_of_departures_pct"], marker="o", color=DEPARTURE_COLOUR, label="departures"
    )
    _mark_crisis(axes, int(rows["year"].max()))
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
    axes.set_title(f"Almaty: external migration by country, {year}")
    axes.grid(True, axis="x", alpha=0.3)
    axes.legend()
    return figure


def _group_series(tables: Tables, group: str) -> pd.DataFrame:
    rows = _rows(tables, "fct_country_group_flows", region_code=_treated(tables), group_code=group)
    return _by_direction(rows, "year").sort_index()


def figure_cis_flows(tables: Tables) -> Figure:
    """Figure 4: arrivals from and departures to the CIS countries."""
    table = _group_series(tables, "CIS")
    figure, axes = _new("Almaty: migration with CIS countries", "Persons per year (all ages)")
    axes.plot(table.index, table["arrival"], marker="o", color=ARRIVAL_COLOUR, label="arrivals from the CIS")
    axes.plot(table.index, table["departure"], marker="o", color=DEPARTURE_COLOUR, label="departures to the CIS")
    _mark_crisis(axes, int(table.index.max()))
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
    figure, axes = _new("Almaty: arrivals from other (non-CIS) countries", "Persons per year (all ages)")
    axes.plot(total.index, total, marker="o", color="black", label="all other countries")
    for country in largest:
        axes.plot(by_country.index, by_country[country], marker=".", label=country)
    _mark_crisis(axes, int(total.index.max()))
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
        "Almaty: shares in arrivals from other countries, 2022–2023",
        "Percent of arrivals from non-CIS countries",
    )


def figure_other_country_departure_shares(tables: Tables) -> Figure:
    """Figure 7: shares of countries in departures to other countries (country not stated included)."""
    shares = _other_country_shares(tables, "departure", "share_of_non_cis_pct")
    return _share_bar(
        shares,
        "Almaty: shares in departures outside the CIS, 2022–2023",
        "Percent of departures to non-CIS or unstated countries",
    )


def _education_flow_figure(tables: Tables, level: str, label: str) -> Figure:
    rows = _education_structure(tables)
    figure, axes = _new(f"Almaty: working-age migrants with {label}", "Persons per year")
    axes.plot(rows["year"], rows[f"{level}_arrivals"], marker="o", color=ARRIVAL_COLOUR, label="arrivals")
    axes.plot(rows["year"], rows[f"{level}_departures"], marker="o", color=DEPARTURE_COLOUR, label="departures")
    axes.bar(rows["year"], rows[f"{level}_net_migration"], color=NET_COLOUR, alpha=0.35, label="net migration")
    axes.axhline(0, color="black", linewidth=0.8)
    _mark_crisis(axes, int(rows["year"].max()))
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


def _design_label(result: DesignResult) -> str:
    return "Zhambyl and West Kazakhstan" if result.design == "paper" else "all other territories"


# Fewer placebos than this cannot estimate a spread: the event study is then drawn without a band (the paper
# design's two controls give two placebo coefficients a year).
MIN_BAND_PLACEBOS = 10


def event_study_band(result: DesignResult, z: float = 1.96) -> pd.DataFrame:
    """Design-based 95% band per event-study year, on Almaty's own noise scale: ± z × Almaty's pre-period noise
    × the root mean square of the placebo units' coefficients for that year, each over its own pre-period noise
    (the studentised placebo of the headline; the controls' raw spread understates a noisier Almaty's).
    ``low``/``high`` are NaN when there are fewer than :data:`MIN_BAND_PLACEBOS` placebos.
    """
    if result.event_study is None or result.placebo_events is None:
        raise MissingFigureData(f"no event study with placebos for {result.design} / {result.outcome}")
    coefficients = result.event_study.coefficients.set_index("year")
    reference = result.event_study.reference_year
    test = result.studentised
    noise = (
        test.placebos["noise_sd"].reindex(result.placebo_events.index.astype(str)).to_numpy(dtype=float)
        if test is not None
        else np.full(len(result.placebo_events), np.nan)
    )
    rows = []
    year: Any
    for year, row in coefficients.iterrows():
        placebo = result.placebo_events[year].to_numpy(dtype=float) if year in result.placebo_events else np.array([])
        scaled = placebo / noise if placebo.size else placebo
        scaled = scaled[np.isfinite(scaled)]
        half = math.nan
        if test is not None and scaled.size >= MIN_BAND_PLACEBOS:
            half = z * test.treated_sd * float(np.sqrt(np.mean(scaled**2))) if int(year) != reference else 0.0
        rows.append(
            {
                "year": int(year),
                "estimate": float(row["estimate"]),
                "low": row["estimate"] - half,
                "high": row["estimate"] + half,
            }
        )
    return pd.DataFrame(rows)


def figure_event_study(result: DesignResult) -> Figure:
    """Event-study coefficients (treated − control, relative to 2021) with the design-based band and the
    placebo units' coefficients."""
    if result.event_study is None:
        raise MissingFigureData(f"no event study for {result.design} / {result.outcome}")
    band = event_study_band(result)
    figure, axes = _new(
        f"Event study: Almaty vs {_design_label(result)}",
        f"Effect on net working-age migration ({result.unit})",
    )
    if result.placebo_events is not None:
        for k, (_, placebo) in enumerate(result.placebo_events.iterrows()):
            axes.plot(
                placebo.index,
                placebo.to_numpy(dtype=float),
                color="#bbbbbb",
                linewidth=0.8,
                label="placebo units (each control treated)" if k == 0 else None,
            )
    if band["low"].notna().any():
        axes.fill_between(
            band["year"],
            band["low"],
            band["high"],
            color=NET_COLOUR,
            alpha=0.2,
            label="design-based 95% band (studentised placebo spread)",
        )
    axes.plot(band["year"], band["estimate"], marker="o", color=NET_COLOUR, label="Almaty coefficient")
    axes.axhline(0, color="black", linewidth=0.8)
    axes.axvline(result.event_study.reference_year, color="grey", linestyle=":", label="reference year 2021")
    _mark_crisis(axes, int(band["year"].max()))
    axes.legend(fontsize="small")
    return figure


def figure_synthetic_control(result: DesignResult, demeaned: bool = False) -> Figure:
    """Almaty against its synthetic control (top) and its gap against every placebo's gap (bottom)."""
    synthetic = result.synthetic_demeaned if demeaned else result.synthetic
    if synthetic is None:
        raise MissingFigureData(f"no synthetic control for {result.design} / {result.outcome}")
    gap = synthetic.fit.gap
    last = int(gap["year"].max())
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(8.0, 6.5), sharex=True, layout="constrained")
    kind = "demeaned synthetic control" if demeaned else "synthetic control"
    top.set_title(f"Almaty and its {kind} ({result.unit})")
    top.plot(gap["year"], gap["treated"], marker="o", color="black", label="Almaty")
    top.plot(gap["year"], gap["synthetic"], linestyle="--", color=ARRIVAL_COLOUR, label="synthetic Almaty")
    top.set_ylabel(f"Net migration\n({result.unit})")
    top.grid(True, alpha=0.3)
    _mark_crisis(top, last)
    top.legend(fontsize="small")
    if synthetic.placebo_gaps is not None:
        for k, code in enumerate(synthetic.placebo_gaps.columns):
            bottom.plot(
                synthetic.placebo_gaps.index,
                synthetic.placebo_gaps[code],
                color="#bbbbbb",
                linewidth=0.8,
                label="placebo gaps (each donor as if treated)" if k == 0 else None,
            )
    bottom.plot(gap["year"], gap["gap"], color=DEPARTURE_COLOUR, linewidth=2, marker="o", label="Almaty − synthetic")
    bottom.axhline(0, color="black", linewidth=0.8)
    _mark_crisis(bottom, last)
    bottom.set_ylabel(f"Gap\n({result.unit})")
    bottom.set_xlabel("Year")
    bottom.set_title(
        f"post/pre RMSPE ratio {synthetic.fit.rmspe_ratio:.2f}, permutation p = {format_p_value(synthetic.p_value)} "
        f"(smallest attainable {format_p_value(synthetic.min_attainable_p)})",
        fontsize="medium",
    )
    bottom.grid(True, alpha=0.3)
    bottom.legend(fontsize="small")
    return figure


def figure_placebo_space(result: DesignResult) -> Figure:
    """Placebo-in-space DiD estimates, labelled by region name, with Almaty's estimate marked."""
    placebo = result.placebo_space
    if placebo is None:
        raise MissingFigureData(f"no placebo-in-space for {result.design} / {result.outcome}")
    figure, axes = plt.subplots(figsize=(8.0, 5.5), layout="constrained")
    axes.set_title(f"Placebo in space: DiD with each control treated ({result.unit})")
    axes.set_xlabel(f"DiD estimate ({result.unit})")
    axes.grid(True, axis="x", alpha=0.3)
    # Undefined placebo estimates are left out of the p-value; the report lists them.
    ordered = placebo.placebo_estimates.dropna(subset=["estimate"]).sort_values("estimate", kind="stable")
    labels = [result.name(code) for code in ordered["region_code"]]
    axes.barh(labels, ordered["estimate"], color="#7f7f7f", label="placebo (control treated)")
    axes.barh(["Almaty city (treated)"], [placebo.actual_estimate], color=DEPARTURE_COLOUR, label="Almaty")
    axes.axvline(0, color="black", linewidth=0.8)
    axes.legend(fontsize="small")
    return figure


def to_png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    plt.close(figure)
    return buffer.getvalue()


def _render(name: str, title: str, draw: Callable[[], Figure]) -> RenderedFigure:
    try:
        return RenderedFigure(name, title, to_png(draw()))
    except MissingFigureData as error:
        return RenderedFigure(name, title, None, str(error))


def render_paper_figures(tables: Tables) -> list[RenderedFigure]:
    rendered = []
    for name, title, draw in PAPER_FIGURES:
        log = _ReadLog(tables)
        figure = _render(name, title, partial(draw, log))
        rendered.append(dataclasses.replace(figure, sources=tuple(log.read)))
    return rendered


def render_causal_figures(results: list[DesignResult]) -> list[RenderedFigure]:
    """Event study for each design and outcome; placebo and synthetic-control plots for all regions."""
    rendered = []
    for result in (r for r in results if r.design in ("paper", "all_regions")):
        suffix = f"{result.design}_{'per_1000' if 'per_1000' in result.outcome else 'persons'}"
        label = f"{result.design.replace('_', ' ')}, {result.unit}"
        rendered.append(
            _render(f"event_study_{suffix}", f"Event study ({label})", partial(figure_event_study, result))
        )
        rendered.append(
            _render(f"placebo_space_{suffix}", f"Placebo in space ({label})", partial(figure_placebo_space, result))
        )
        if result.design == "all_regions":
            rendered.append(
                _render(
                    f"synthetic_control_{suffix}",
                    f"Synthetic control ({label})",
                    partial(figure_synthetic_control, result),
                )
            )
            rendered.append(
                _render(
                    f"synthetic_control_demeaned_{suffix}",
                    f"Demeaned synthetic control ({label})",
                    partial(figure_synthetic_control, result, demeaned=True),
                )
            )
    return rendered
