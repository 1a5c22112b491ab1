"""The paper's correlation pairs, and any pair of named series, computed from the marts."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.marts import Tables
from analysis.series import UnknownSeries, parse_series_name, yearly_series
from estimators.correlation import CorrelationResult, correlate


@dataclass(frozen=True)
class SeriesPair:
    series_a: str
    series_b: str
    first_year: int | None
    last_year: int | None
    claim_id: str | None = None
    description: str = ""


PAPER_PAIRS = (
    SeriesPair(
        "almaty.arrivals.RUS", "almaty.arrivals.total", 2000, 2023, "C22", "arrivals from Russia vs all arrivals"
    ),
    SeriesPair(
        "almaty.departures.RUS", "almaty.departures.CIS", 2000, 2023, "C24", "departures to Russia vs to the CIS"
    ),
    SeriesPair(
        "almaty.arrivals.CHN", "almaty.arrivals.NON_CIS", 2000, 2021, "C36", "arrivals from China vs non-CIS countries"
    ),
)


def correlate_named(
    tables: Tables, series_a: str, series_b: str, first_year: int | None = None, last_year: int | None = None
) -> CorrelationResult:
    """Correlation of two named series over the years they share (optionally within a span)."""
    a, b = yearly_series(tables, series_a), yearly_series(tables, series_b)
    years = a.index.intersection(b.index)
    if first_year is not None:
        years = years[years >= first_year]
    if last_year is not None:
        years = years[years <= last_year]
    return correlate(a.loc[years], b.loc[years])


def part_whole(tables: Tables, series_a: str, series_b: str) -> str:
    """Why one series of a pair is part of the other (same region and direction; a country inside its group or
    the total, a group inside the total), or empty. A part correlates with its whole by construction."""
    try:
        a, b = parse_series_name(series_a), parse_series_name(series_b)
    except UnknownSeries:
        return ""
    if (a.region_code, a.direction) != (b.region_code, b.direction) or a.direction == "net":
        return ""
    countries = tables.get("dim_countries")
    groups = {}
    if countries is not None and not countries.empty:
        groups = dict(zip(countries["country_code"].astype(str), countries["group_code"].astype(str), strict=True))
    for part, whole in ((a.what, b.what), (b.what, a.what)):
        if whole == "total" and part != "total":
            return f"{part} is part of the total"
        group = groups.get(part)
        if group is not None and (whole == group or (whole == "NON_CIS" and group in ("OTHER", "NOT_STATED"))):
            return f"{part} is part of {whole}"
    return ""


def paper_correlations(tables: Tables) -> pd.DataFrame:
    """One row per paper pair: r with its 95% CI and p, Spearman rho and p, r of the year-to-year changes and a
    part-whole flag (empty where not computable)."""
    rows = []
    for pair in PAPER_PAIRS:
        row: dict[str, object] = {
            "claim_id": pair.claim_id,
            "pair": pair.description,
            "series_a": pair.series_a,
            "series_b": pair.series_b,
            "years": f"{pair.first_year}–{pair.last_year}",
            "part_whole": part_whole(tables, pair.series_a, pair.series_b),
        }
        try:
            row |= correlate_named(tables, pair.series_a, pair.series_b, pair.first_year, pair.last_year).as_dict()
        except (UnknownSeries, ValueError) as error:
            row["problem"] = str(error)
        rows.append(row)
    return pd.DataFrame(rows)
