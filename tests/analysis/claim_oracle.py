"""Compute each of the paper's claims (``data/claims/paper_claims.csv``) from the mart tables.

Every claim has one function ``cNN(tables)`` returning the value to compare under the claim's rule
(a number, a list for multi-valued claims, a ``(label, number)`` pair, a set of years, a boolean),
or ``None`` when the marts cannot provide it. :data:`CLAIM_FUNCTIONS` maps claim ids to them and
:func:`compute_all` runs them all.

``tables`` maps mart names to DataFrames with the columns of the published marts (see the dbt
yml files under ``dbt_project/models/marts/``):

``fct_yearly_flows``
    region_code, year, age_scope_code (``all_ages`` / ``working_age``), arrivals, departures.
``fct_country_flows`` (all ages; long by direction, no ``_T`` row)
    region_code, year, direction_code (``arrival`` / ``departure``), country_code (ISO alpha-3,
    ``_U`` not stated, ``_O`` other unlisted), country_name_en, group_code (``CIS`` / ``OTHER`` /
    ``NOT_STATED``), is_baltic, persons.
``fct_education_flows`` (working age; long by direction, no ``_T`` row)
    region_code, year, direction_code, education_code (``higher``, ``secondary_vocational``, …),
    persons, working_age_persons (all working-age migrants of the region, year and direction).
``fct_specialty_flows`` (working-age specialists; directions side by side, no ``_T`` row)
    region_code, year, specialty_code (``technical``, …, ``it``, ``other``), arrivals, departures.
``fct_region_year_panel``
    the DiD panel documented in :mod:`estimators.did`, with net_migration_working_age.

Readings chosen where the paper is loose (each also stated at the function, and in
``docs/replication.md``). The same readings are computed independently from the reference CSVs by
:mod:`reference_data.soft_targets`, and a test checks that both give every claim the same status.

* shares "over a period" are ratios of period sums unless the claim says "average", which is the
  mean of yearly shares (C32 is pooled: its sentence says "over the same periods", not "average");
* a statement about several years holds in each of them (C39 "24 per year", C56 each of 2022 and
  2023, C47 every year 2000–2021); "more than 8 times lower than at the start of the 2000s" (C04)
  holds against each of 2000 and 2001, i.e. the smaller ratio counts;
* a claim that states several facts is checked on all of them: C47 (negative every year, 2006 the
  closest year, gap 90), C54 (25% in 2010, and 2010 the peak over 2000–2023), C59 (ratio about 3 and
  two-year arrivals about 5,000); C10 and C52 need the extreme year to be the only one;
* "for the first time in 13 years" (C28) means the 13 years before 2022, 2009–2021, had CIS
  arrivals at or below CIS departures: 2009–2021 is 13 years, 2010–2021 only 12;
* "other countries" as a total (a denominator, a yearly series) is every migrant not from/to the CIS:
  the OTHER group (Baltic included) plus "country not stated" (pseudo-group ``NON_CIS``). The paper
  sorts countries into exactly two groups, CIS and "other countries", and itself lists "country not
  stated" among the shares of departures to other countries (C43). The largest *named* other
  country (C26, C27) is taken from the OTHER group only;
* the specialty "other" includes ``it`` (the paper has no IT category).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from functools import wraps
from typing import Any, SupportsInt, cast

import pandas as pd

from claims.rules import Computed
from estimators.correlation import correlate
from estimators.did import estimate_did, event_study
from estimators.pre_trend import placebo_pre_trend

ALMATY = "75"
REPUBLIC = "00"
PAPER_DID_REGIONS = ("75", "31", "27")  # Almaty city, Zhambyl (Taraz), West Kazakhstan (Oral)
ALL_YEARS = range(2000, 2024)

Tables = Mapping[str, pd.DataFrame]


class MissingData(LookupError):
    """A mart, column or year needed for a claim is not available."""


def _table(tables: Tables, name: str, columns: Iterable[str]) -> pd.DataFrame:
    if name not in tables:
        raise MissingData(f"mart {name} not provided")
    frame = tables[name]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise MissingData(f"mart {name} lacks column(s) {missing}")
    return frame


def _by_year(frame: pd.DataFrame, column: str, years: Iterable[int]) -> pd.Series:
    """Sum ``column`` per year over ``years``; every year must be present."""
    wanted = list(years)
    series = frame.groupby("year")[column].sum(min_count=1).reindex(wanted)
    if series.isna().any():
        absent = [y for y, v in series.items() if pd.isna(v)]
        raise MissingData(f"no {column} for year(s) {absent}")
    return series.astype(float)


def _year(label: Hashable) -> int:
    """A year from an index label (the marts' year columns are integers)."""
    return int(cast(SupportsInt, label))


def _years(start: int, end: int) -> range:
    return range(start, end + 1)


def flows(
    tables: Tables, direction: str, years: Iterable[int], region: str = ALMATY, scope: str = "working_age"
) -> pd.Series:
    """Yearly arrivals or departures of a region from fct_yearly_flows (``direction`` = column name)."""
    frame = _table(tables, "fct_yearly_flows", ["region_code", "year", "age_scope_code", direction])
    rows = frame[(frame["region_code"] == region) & (frame["age_scope_code"] == scope)]
    return _by_year(rows, direction, years)


# The marts store one row per direction; the claim functions name the direction as the flow column.
DIRECTION_CODES = {"arrivals": "arrival", "departures": "departure"}


def _direction_code(direction: str) -> str:
    if direction not in DIRECTION_CODES:
        raise ValueError(f"direction must be one of {sorted(DIRECTION_CODES)}, got {direction!r}")
    return DIRECTION_CODES[direction]


def _countries(tables: Tables, direction: str, region: str = ALMATY) -> pd.DataFrame:
    """Country rows of a region in one direction (all ages), the ``_T`` row excluded."""
    columns = ["region_code", "year", "direction_code", "country_code", "group_code", "persons"]
    frame = _table(tables, "fct_country_flows", columns)
    return frame[
        (frame["region_code"] == region)
        & (frame["direction_code"] == _direction_code(direction))
        & (frame["country_code"] != "_T")
    ]


def _require_years(frame: pd.DataFrame, wanted: Iterable[int]) -> None:
    absent = [y for y in wanted if y not in set(frame["year"])]
    if absent:
        raise MissingData(f"fct_country_flows has no rows for year(s) {absent}")


def country_flows(tables: Tables, country: str, direction: str, years: Iterable[int]) -> pd.Series:
    """Yearly flows of Almaty with one country (ISO alpha-3)."""
    frame = _countries(tables, direction)
    wanted = list(years)
    # A country with no row in a year that the table covers had no migrants that year.
    _require_years(frame, wanted)
    rows = frame[frame["country_code"] == country]
    return rows.groupby("year")["persons"].sum().reindex(wanted, fill_value=0).astype(float)


def group_flows(tables: Tables, group: str, direction: str, years: Iterable[int]) -> pd.Series:
    """Yearly flows of Almaty with a country group: CIS, OTHER, NOT_STATED, BALTIC or NON_CIS.

    ``NON_CIS`` is every migrant not from/to the CIS: OTHER plus NOT_STATED.
    """
    frame = _countries(tables, direction)
    if group == "NON_CIS":
        rows = frame[frame["group_code"].isin(["OTHER", "NOT_STATED"])]
    elif group == "BALTIC":
        if "is_baltic" not in frame.columns:
            raise MissingData("fct_country_flows lacks column is_baltic")
        rows = frame[frame["is_baltic"].fillna(False).astype(bool)]
    else:
        rows = frame[frame["group_code"] == group]
    wanted = list(years)
    _require_years(frame, wanted)
    return rows.groupby("year")["persons"].sum().reindex(wanted, fill_value=0).astype(float)


def all_country_flows(tables: Tables, direction: str, years: Iterable[int]) -> pd.Series:
    """Total yearly flows of Almaty, all ages (sum over every country row incl. not stated)."""
    return _by_year(_countries(tables, direction), "persons", years)


def education_flows(
    tables: Tables, education: str, direction: str, years: Iterable[int], region: str = ALMATY
) -> pd.Series:
    """Yearly working-age flows with one education level; ``_T`` = all working-age migrants."""
    columns = ["region_code", "year", "direction_code", "education_code", "persons", "working_age_persons"]
    frame = _table(tables, "fct_education_flows", columns)
    rows = frame[(frame["region_code"] == region) & (frame["direction_code"] == _direction_code(direction))]
    if education == "_T":
        # working_age_persons repeats the region-year-direction total on every level's row.
        totals = rows.groupby("year")["working_age_persons"].max()
        return _by_year(totals.rename("persons").reset_index(), "persons", years)
    return _by_year(rows[rows["education_code"] == education], "persons", years)


def specialty_totals(tables: Tables, direction: str, years: Iterable[int]) -> pd.Series:
    """Sum over ``years`` of Almaty's flows per specialty (``it`` folded into ``other``)."""
    frame = _table(tables, "fct_specialty_flows", ["region_code", "year", "specialty_code", direction])
    wanted = list(years)
    rows = frame[(frame["region_code"] == ALMATY) & frame["year"].isin(wanted)]
    absent = [y for y in wanted if y not in set(rows["year"])]
    if absent:
        raise MissingData(f"fct_specialty_flows has no rows for year(s) {absent}")
    codes = rows["specialty_code"].replace({"it": "other"})
    return rows.groupby(codes)[direction].sum().astype(float)


def _specialist_total(totals: pd.Series) -> float:
    """The ``_T`` row when the mart has one, else the sum of the specialties."""
    if "_T" in totals.index:
        return float(totals["_T"])
    if totals.empty:
        raise MissingData("no specialty rows")
    return float(totals.sum())


def _share(part: float, whole: float) -> float:
    if whole == 0:
        raise MissingData("share of an empty total")
    return 100.0 * part / whole


def _ratio(numerator: float, denominator: float) -> float:
    if denominator == 0:
        raise MissingData("ratio with a zero denominator")
    return numerator / denominator


def _pearson(x: pd.Series, y: pd.Series) -> float:
    """Pearson r; an undefined correlation (a constant series) makes the claim not computable."""
    try:
        return correlate(x, y).estimate
    except ValueError as error:
        raise MissingData(str(error)) from error


def _only_extreme_year(series: pd.Series, extreme: Callable[[pd.Series], float]) -> int | None:
    """The year holding the series' max (or min), or None when several years share it."""
    years = series.index[series == extreme(series)]
    return int(years[0]) if len(years) == 1 else None


def _mean_yearly_share(part: pd.Series, whole: pd.Series) -> float:
    if (whole == 0).any():
        raise MissingData("yearly share with an empty total")
    return float((100.0 * part / whole).mean())


def _computable(function: Callable[[Tables], Any]) -> Callable[[Tables], Any]:
    """Turn MissingData into None (not computable); any other error is a bug and propagates."""

    @wraps(function)
    def wrapper(tables: Tables) -> Any:
        try:
            return function(tables)
        except MissingData:
            return None

    return wrapper


# --- balance and regimes (working age, fct_yearly_flows) ------------------------------------------


@_computable
def c01(t: Tables) -> float:
    return _ratio(flows(t, "arrivals", [2023])[2023], flows(t, "departures", [2023])[2023])


@_computable
def c02(t: Tables) -> float:
    arrivals = flows(t, "arrivals", [2022, 2023])
    return 100.0 * (_ratio(arrivals[2023], arrivals[2022]) - 1.0)


@_computable
def c03(t: Tables) -> float:
    return flows(t, "departures", [2023])[2023]


@_computable
def c04(t: Tables) -> float:
    """Departures of 2000 and of 2001 each divided by 2023 departures; the smaller ratio ("more than 8 times")."""
    departures = flows(t, "departures", [2000, 2001, 2023])
    return min(_ratio(departures[2000], departures[2023]), _ratio(departures[2001], departures[2023]))


@_computable
def c05(t: Tables) -> float:
    return flows(t, "arrivals", [2023])[2023]


@_computable
def c06(t: Tables) -> float:
    """Almaty's share of national working-age arrivals (needs the Republic's working-age series)."""
    return _share(flows(t, "arrivals", [2023])[2023], flows(t, "arrivals", [2023], region=REPUBLIC)[2023])


def _net_sign_years(t: Tables, inflow: bool) -> set[int]:
    net = flows(t, "arrivals", ALL_YEARS) - flows(t, "departures", ALL_YEARS)
    return {_year(y) for y, v in net.items() if (v > 0 if inflow else v < 0)}


@_computable
def c07(t: Tables) -> set[int]:
    return _net_sign_years(t, inflow=False)


@_computable
def c08(t: Tables) -> set[int]:
    return _net_sign_years(t, inflow=True)


@_computable
def c09(t: Tables) -> float:
    return _ratio(flows(t, "departures", [2000])[2000], flows(t, "arrivals", [2000])[2000])


@_computable
def c10(t: Tables) -> bool:
    """2023 is the only year with the most arrivals and the only year with the fewest departures."""
    arrivals, departures = flows(t, "arrivals", ALL_YEARS), flows(t, "departures", ALL_YEARS)
    return _only_extreme_year(arrivals, max) == 2023 and _only_extreme_year(departures, min) == 2023


@_computable
def c12(t: Tables) -> float:
    years = _years(2003, 2013)
    return _ratio(flows(t, "arrivals", years).sum(), flows(t, "departures", years).sum())


@_computable
def c13(t: Tables) -> float:
    """Average of the yearly departures / arrivals ratios, 2014–2021."""
    years = _years(2014, 2021)
    arrivals = flows(t, "arrivals", years)
    if (arrivals == 0).any():
        raise MissingData("a year without arrivals")
    return float((flows(t, "departures", years) / arrivals).mean())


# --- education (working age) ---------------------------------------------------------------------


def _education_share_ratio(t: Tables, years: Iterable[int], education: str = "higher") -> float:
    """Share of ``education`` among departures divided by its share among arrivals (period sums)."""
    years = list(years)
    share = {
        d: _share(education_flows(t, education, d, years).sum(), education_flows(t, "_T", d, years).sum())
        for d in ("arrivals", "departures")
    }
    return _ratio(share["departures"], share["arrivals"])


@_computable
def c11(t: Tables) -> float:
    return _education_share_ratio(t, _years(2022, 2023))


@_computable
def c14(t: Tables) -> float:
    return _education_share_ratio(t, _years(2003, 2013))


@_computable
def c15(t: Tables) -> float:
    return _education_share_ratio(t, _years(2014, 2021))


@_computable
def c16(t: Tables) -> bool:
    return all(_education_share_ratio(t, [y]) > 1.0 for y in ALL_YEARS)


@_computable
def c46(t: Tables) -> float:
    return _ratio(
        education_flows(t, "higher", "arrivals", [2023])[2023],
        education_flows(t, "higher", "departures", [2023])[2023],
    )


@_computable
def c47(t: Tables) -> list[Any]:
    """[net negative in every year 2000–2021, the year of the smallest gap, the 2006 gap (departures − arrivals)]."""
    years = _years(2000, 2021)
    gap = education_flows(t, "higher", "departures", years) - education_flows(t, "higher", "arrivals", years)
    return [bool((gap > 0).all()), _year(gap.idxmin()), float(gap[2006])]


@_computable
def c48(t: Tables) -> float:
    departures = education_flows(t, "higher", "departures", [2021, 2022])
    return _ratio(departures[2021], departures[2022])


@_computable
def c49(t: Tables) -> list[float]:
    departures = education_flows(t, "higher", "departures", [2021, 2023])
    return [departures[2021], departures[2023]]


@_computable
def c50(t: Tables) -> float:
    return education_flows(t, "higher", "arrivals", [2023])[2023]


@_computable
def c51(t: Tables) -> float:
    return _share(
        education_flows(t, "higher", "arrivals", [2023])[2023],
        education_flows(t, "higher", "arrivals", [2023], region=REPUBLIC)[2023],
    )


@_computable
def c52(t: Tables) -> bool:
    gap = education_flows(t, "secondary_vocational", "departures", ALL_YEARS) - education_flows(
        t, "secondary_vocational", "arrivals", ALL_YEARS
    )
    return _only_extreme_year(gap, max) == 2000


@_computable
def c53(t: Tables) -> float:
    return _ratio(
        education_flows(t, "secondary_vocational", "arrivals", [2023])[2023],
        education_flows(t, "secondary_vocational", "departures", [2023])[2023],
    )


@_computable
def c54(t: Tables) -> list[float]:
    """[secondary vocational share of working-age arrivals in 2010, the year that share peaks in 2000–2023]."""
    vocational = education_flows(t, "secondary_vocational", "arrivals", ALL_YEARS)
    everyone = education_flows(t, "_T", "arrivals", ALL_YEARS)
    if (everyone == 0).any():
        raise MissingData("a year without working-age arrivals")
    share = 100.0 * vocational / everyone
    return [float(share[2010]), _year(share.idxmax())]


@_computable
def c55(t: Tables) -> float:
    departures = education_flows(t, "secondary_vocational", "departures", [2021, 2023])
    return _ratio(departures[2023], departures[2021])


@_computable
def c62(t: Tables) -> float:
    years = _years(2022, 2023)
    skilled = sum(education_flows(t, e, "arrivals", years).sum() for e in ("higher", "secondary_vocational"))
    return _share(skilled, education_flows(t, "_T", "arrivals", years).sum())


# --- countries (all ages) ------------------------------------------------------------------------


@_computable
def c17(t: Tables) -> float:
    return group_flows(t, "CIS", "arrivals", [2023])[2023]


@_computable
def c18(t: Tables) -> float:
    return _ratio(group_flows(t, "CIS", "arrivals", [2023])[2023], group_flows(t, "NON_CIS", "arrivals", [2023])[2023])


@_computable
def c19(t: Tables) -> float:
    return _share(group_flows(t, "CIS", "arrivals", [2023])[2023], all_country_flows(t, "arrivals", [2023])[2023])


@_computable
def c20(t: Tables) -> float:
    return _ratio(
        group_flows(t, "CIS", "departures", [2023])[2023], group_flows(t, "NON_CIS", "departures", [2023])[2023]
    )


@_computable
def c21(t: Tables) -> float:
    return group_flows(t, "CIS", "departures", [2023])[2023]


@_computable
def c22(t: Tables) -> float:
    return _pearson(country_flows(t, "RUS", "arrivals", ALL_YEARS), all_country_flows(t, "arrivals", ALL_YEARS))


@_computable
def c23(t: Tables) -> float:
    return _mean_yearly_share(
        country_flows(t, "RUS", "arrivals", ALL_YEARS), all_country_flows(t, "arrivals", ALL_YEARS)
    )


@_computable
def c24(t: Tables) -> float:
    return _pearson(country_flows(t, "RUS", "departures", ALL_YEARS), group_flows(t, "CIS", "departures", ALL_YEARS))


@_computable
def c25(t: Tables) -> float:
    return _mean_yearly_share(
        country_flows(t, "RUS", "departures", ALL_YEARS), group_flows(t, "CIS", "departures", ALL_YEARS)
    )


def _top_other_country(t: Tables, direction: str, years: Iterable[int]) -> tuple[str, float]:
    """Largest named OTHER-group country by the period sum: (English name, sum)."""
    wanted = list(years)
    frame = _countries(t, direction)
    rows = frame[(frame["group_code"] == "OTHER") & frame["year"].isin(wanted) & ~frame["country_code"].isin(["_O"])]
    if set(wanted) - set(rows["year"]):
        raise MissingData("fct_country_flows does not cover the period")
    sums = rows.groupby("country_code")["persons"].sum()
    if sums.empty:
        raise MissingData("no named country of the OTHER group")
    top = str(sums.idxmax())
    names = rows.drop_duplicates("country_code").set_index("country_code")
    label = str(names.loc[top, "country_name_en"]) if "country_name_en" in names.columns else top
    return label, float(sums[top])


@_computable
def c26(t: Tables) -> tuple[str, float]:
    return _top_other_country(t, "arrivals", ALL_YEARS)


@_computable
def c27(t: Tables) -> tuple[str, float]:
    return _top_other_country(t, "departures", ALL_YEARS)


@_computable
def c28(t: Tables) -> bool:
    """CIS net inflow in 2022 and in none of the 13 years 2009–2021."""
    years = _years(2009, 2022)
    net = group_flows(t, "CIS", "arrivals", years) - group_flows(t, "CIS", "departures", years)
    return bool(net[2022] > 0 and (net.drop(2022) <= 0).all())


@_computable
def c29(t: Tables) -> float:
    russia = country_flows(t, "RUS", "arrivals", [2021, 2023])
    return _ratio(russia[2023], russia[2021])


@_computable
def c30(t: Tables) -> list[float]:
    """Russia's mean yearly share of all arrivals, 2000–2021 then 2022–2023 (the text says average)."""
    return [
        _mean_yearly_share(country_flows(t, "RUS", "arrivals", ys), all_country_flows(t, "arrivals", ys))
        for ys in (_years(2000, 2021), _years(2022, 2023))
    ]


@_computable
def c31(t: Tables) -> float:
    return country_flows(t, "RUS", "arrivals", _years(2022, 2023)).sum()


@_computable
def c32(t: Tables) -> list[float]:
    """Uzbekistan's pooled share of all arrivals (period sums), 2000–2021 then 2022–2023."""
    return [
        _share(country_flows(t, "UZB", "arrivals", ys).sum(), all_country_flows(t, "arrivals", ys).sum())
        for ys in (_years(2000, 2021), _years(2022, 2023))
    ]


@_computable
def c33(t: Tables) -> list[float]:
    """Read as 2022–2023 sums (the period is not stated; see the claim's note)."""
    return [country_flows(t, c, "arrivals", _years(2022, 2023)).sum() for c in ("UZB", "KGZ", "TJK", "UKR")]


@_computable
def c34(t: Tables) -> pd.Series:
    return group_flows(t, "NON_CIS", "arrivals", _years(2014, 2021))


@_computable
def c35(t: Tables) -> list[float]:
    china = country_flows(t, "CHN", "arrivals", _years(2018, 2020))
    return [china[2019], _ratio(china[2019], china[2018]), china[2020] - china[2019]]


@_computable
def c36(t: Tables) -> float:
    years = _years(2000, 2021)
    return _pearson(country_flows(t, "CHN", "arrivals", years), group_flows(t, "NON_CIS", "arrivals", years))


@_computable
def c37(t: Tables) -> list[float]:
    years = _years(2000, 2021)
    china = country_flows(t, "CHN", "arrivals", years).sum()
    return [china, _share(china, group_flows(t, "NON_CIS", "arrivals", years).sum())]


@_computable
def c38(t: Tables) -> list[float]:
    return [country_flows(t, c, "arrivals", _years(2000, 2021)).sum() for c in ("TUR", "MNG", "DEU")]


@_computable
def c39(t: Tables) -> list[Any]:
    """[Turkey's two-year sum, China's arrivals in each of 2022 and 2023] ("24 people per year")."""
    years = _years(2022, 2023)
    return [country_flows(t, "TUR", "arrivals", years).sum(), country_flows(t, "CHN", "arrivals", years)]


@_computable
def c40(t: Tables) -> float:
    years = _years(2022, 2023)
    return _share(group_flows(t, "BALTIC", "arrivals", years).sum(), group_flows(t, "NON_CIS", "arrivals", years).sum())


@_computable
def c41(t: Tables) -> float:
    years = _years(2014, 2021)
    return _mean_yearly_share(group_flows(t, "BALTIC", "arrivals", years), group_flows(t, "NON_CIS", "arrivals", years))


@_computable
def c42(t: Tables) -> list[float]:
    return [country_flows(t, c, "arrivals", _years(2022, 2023)).sum() for c in ("LTU", "LVA", "EST")]


def _other_departure_share(t: Tables, country: str, years: Iterable[int]) -> float:
    """Share of departures to OTHER + NOT_STATED (the paper counts "not stated" among these shares)."""
    years = list(years)
    whole = group_flows(t, "NON_CIS", "departures", years).sum()
    return _share(country_flows(t, country, "departures", years).sum(), whole)


@_computable
def c43(t: Tables) -> list[float]:
    return [_other_departure_share(t, c, _years(2022, 2023)) for c in ("USA", "TUR", "_U")]


@_computable
def c44(t: Tables) -> list[float]:
    return [_other_departure_share(t, "GRC", ys) for ys in (_years(2000, 2021), _years(2022, 2023))]


@_computable
def c45(t: Tables) -> list[float]:
    greece = country_flows(t, "GRC", "departures", [2022, 2023])
    return [greece[2022], greece[2023]]


# --- specialties (working age) -------------------------------------------------------------------


def _specialty_shares(t: Tables, direction: str, order: Iterable[str]) -> list[float]:
    totals = specialty_totals(t, direction, _years(2022, 2023))
    whole = _specialist_total(totals)
    return [_share(float(totals.get(code, 0.0)), whole) for code in order]


@_computable
def c56(t: Tables) -> bool:
    """In every specialty (``it`` within ``other``), arrivals exceed departures in 2022 and again in 2023."""
    for year in (2022, 2023):
        arrivals = specialty_totals(t, "arrivals", [year]).drop("_T", errors="ignore")
        departures = specialty_totals(t, "departures", [year]).drop("_T", errors="ignore")
        codes = arrivals.index.union(departures.index)
        if not (arrivals.reindex(codes, fill_value=0.0) > departures.reindex(codes, fill_value=0.0)).all():
            return False
    return True


@_computable
def c57(t: Tables) -> list[float]:
    arrivals, departures = specialty_totals(t, "arrivals", [2001]), specialty_totals(t, "departures", [2001])
    return [float(arrivals.get("medical", 0.0)), _ratio(arrivals.get("medical", 0.0), departures.get("medical", 0.0))]


@_computable
def c58(t: Tables) -> float:
    years = _years(2000, 2021)
    return _ratio(
        specialty_totals(t, "departures", years).get("medical", 0.0),
        specialty_totals(t, "arrivals", years).get("medical", 0.0),
    )


@_computable
def c59(t: Tables) -> list[float]:
    """[all specialists' 2022–2023 arrivals / departures, their 2022–2023 arrivals].

    The text is ambiguous between medical and all specialists; two-year arrivals near 5,000 fit all.
    """
    years = _years(2022, 2023)
    arrivals = _specialist_total(specialty_totals(t, "arrivals", years))
    return [_ratio(arrivals, _specialist_total(specialty_totals(t, "departures", years))), arrivals]


@_computable
def c60(t: Tables) -> list[float]:
    order = (
        "other",
        "technical",
        "economic",
        "pedagogical",
        "legal",
        "medical",
        "architecture_construction",
        "agricultural",
    )
    return _specialty_shares(t, "arrivals", order)


@_computable
def c61(t: Tables) -> list[float]:
    shares = _specialty_shares(
        t,
        "departures",
        ("other", "architecture_construction", "economic", "technical", "legal", "medical", "pedagogical"),
    )
    agricultural = float(specialty_totals(t, "departures", _years(2022, 2023)).get("agricultural", 0.0))
    return [*shares[:4], agricultural, sum(shares[4:])]


def c63(t: Tables) -> None:
    """Not computable: the paper does not define the measure (see the claim's note)."""
    return None


# --- causal (fct_region_year_panel) --------------------------------------------------------------


@_computable
def c64(t: Tables) -> Computed:
    """TWFE DiD estimate of Almaty vs Zhambyl and West Kazakhstan, net working-age migration.

    The sign is what the paper claims; the event-study pre-trend test goes into the explanation, since a
    rejected parallel pre-trend undermines the estimate whatever its sign.
    """
    panel = _table(
        t, "fct_region_year_panel", ["region_code", "year", "is_treated", "is_post", "net_migration_working_age"]
    )
    subset = panel[panel["region_code"].isin(PAPER_DID_REGIONS) & panel["year"].isin(ALL_YEARS)]
    if set(subset["region_code"]) != set(PAPER_DID_REGIONS):
        raise MissingData("the panel lacks one of the paper's DiD regions")
    estimate = estimate_did(subset, "net_migration_working_age").estimate
    return Computed(estimate, _pre_trend_note(subset))


def _pre_trend_note(panel: pd.DataFrame) -> str:
    try:
        check = event_study(panel, "net_migration_working_age").pre_trend
        placebo = placebo_pre_trend(panel, "net_migration_working_age")
    except ValueError as error:
        return f"pre-trend test not available: {error}"
    # The smallest rank p among the paper's three units is 1/3: above the 10% level, so never a rejection.
    if 1 / len(set(panel["region_code"])) > placebo.alpha:
        verdict = f"not testable at {placebo.alpha:g}"
    else:
        verdict = ("rejected" if placebo.p_value <= placebo.alpha else "not rejected") + f" at {placebo.alpha:g}"
    conventional = "rejected" if min(check.joint_p, check.slope_p) < check.alpha else "not rejected"
    return (
        f"pre-trend test: parallel trends {verdict} by the report's placebo test (p = {placebo.p_value:.3g}, "
        f"smallest attainable {1 / len(set(panel['region_code'])):.3g}); the paper's conventional event-study test "
        f"(joint F p = {check.joint_p:.3g}; slope {check.slope_difference:+.1f} a year, p = {check.slope_p:.3g}) "
        f"would say {conventional} at {check.alpha:g}, but its variance is not valid with one treated unit"
    )


CLAIM_FUNCTIONS: dict[str, Callable[[Tables], Any]] = {
    f"C{int(name[1:]):02d}": function
    for name, function in sorted(globals().items())
    if len(name) == 3 and name[0] == "c" and name[1:].isdigit() and callable(function)
}


def compute_all(tables: Tables) -> dict[str, Any]:
    """Computed value (or None) for every claim id that has a function."""
    return {claim_id: function(tables) for claim_id, function in CLAIM_FUNCTIONS.items()}
