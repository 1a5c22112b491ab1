"""The structure marts (country, education, specialty) against a recomputation with pandas.

Everything expected here is derived straight from the canonical CSV files the warehouse was built from and
from the seed CSVs (group memberships, periods), without any of the warehouse's SQL. A sample of regions is
compared row by row: Almaty city, the Republic and Zhambyl region.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = REPO_ROOT / "dbt_project" / "seeds"
SAMPLE_REGIONS = ("75", "00", "31")
DIRECTIONS = ("arrival", "departure")
# Shares are stored rounded to 4 decimals, ratios to 6.
SHARE_TOLERANCE = 1e-3
RATIO_TOLERANCE = 1e-5


def _counts_dir() -> Path:
    # The same directory the session's warehouse build reads (tests/conftest.py passes it to dbt).
    return Path(os.environ.get("KZ_COUNTS_DIR", REPO_ROOT / "data" / "reference" / "tables")).resolve()


def _read_canonical(directory: Path) -> pd.DataFrame:
    files = sorted(directory.glob("*.csv*"))
    assert files, f"no canonical CSV files in {directory}"
    frame = pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False) for f in files], ignore_index=True)
    frame["year"] = frame["year"].astype(int)
    frame["persons"] = frame["persons"].astype("int64")
    return frame[
        frame["region_code"].isin(SAMPLE_REGIONS)
        & (frame["flow_code"] == "external")
        & frame["direction_code"].isin(DIRECTIONS)
        & (frame["sex_code"] == "_T")
        & (frame["settlement_code"] == "_T")
    ]


def _share(part: pd.Series, total: pd.Series) -> pd.Series:
    """Percent, empty where the total is zero (as the marts define it)."""
    return (100.0 * part / total.where(total > 0)).astype(float)


def _assert_same(actual: pd.Series, expected: pd.Series, tolerance: float, label: str) -> None:
    actual = actual.astype(float).to_numpy()
    expected = expected.astype(float).to_numpy()
    assert np.array_equal(np.isnan(actual), np.isnan(expected)), f"{label}: empty values differ"
    both = ~np.isnan(expected)
    worst = np.max(np.abs(actual[both] - expected[both]), initial=0.0)
    assert worst <= tolerance, f"{label}: largest difference {worst}"


def _compare(mart: pd.DataFrame, expected: pd.DataFrame, keys: list[str], columns: dict[str, float]) -> None:
    """Same set of keys on both sides, then every listed column within its tolerance (0 = exact)."""
    merged = mart.merge(expected, on=keys, how="outer", suffixes=("", "_expected"), indicator=True)
    unmatched = merged[merged["_merge"] != "both"]
    assert unmatched.empty, f"rows only on one side:\n{unmatched[[*keys, '_merge']].head(10)}"
    assert len(merged) > 0
    for column, tolerance in columns.items():
        _assert_same(merged[column], merged[f"{column}_expected"], tolerance, column)


@pytest.fixture(scope="module")
def canonical() -> pd.DataFrame:
    return _read_canonical(_counts_dir())


@pytest.fixture(scope="module")
def periods() -> pd.DataFrame:
    return pd.read_csv(SEEDS_DIR / "analysis_periods.csv", dtype={"period_code": str})


@pytest.fixture(scope="module")
def marts(built_warehouse: Path) -> dict[str, pd.DataFrame]:
    names = [
        "fct_country_flows", "fct_country_group_flows", "fct_country_period_flows",
        "fct_country_group_period_flows", "fct_education_flows", "fct_education_structure",
        "fct_education_period_structure", "fct_specialty_flows", "fct_specialty_period_flows",
    ]
    regions = ", ".join(f"'{code}'" for code in SAMPLE_REGIONS)
    with duckdb.connect(str(built_warehouse), read_only=True) as connection:
        return {name: connection.execute(f"select * from {name} where region_code in ({regions})").df()
                for name in names}


def _in_periods(yearly: pd.DataFrame, periods: pd.DataFrame) -> pd.DataFrame:
    crossed = yearly.merge(periods[["period_code", "start_year", "end_year"]], how="cross")
    return crossed[(crossed["year"] >= crossed["start_year"]) & (crossed["year"] <= crossed["end_year"])]


# --- countries -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def country_years(canonical: pd.DataFrame) -> pd.DataFrame:
    """Country rows (all ages) with the country's top-level group and Baltic membership in the year."""
    rows = canonical[
        (canonical["table_code"] == "by_country") & (canonical["age_band_code"] == "_T")
        & (canonical["education_code"] == "_T") & (canonical["specialty_code"] == "_T")
        & (canonical["country_code"] != "_T")
    ][["region_code", "year", "direction_code", "country_code", "persons"]]
    groups = pd.read_csv(SEEDS_DIR / "country_groups.csv")
    members = pd.read_csv(SEEDS_DIR / "country_group_memberships.csv")
    top_level = members[members["group_code"].isin(groups.loc[groups["is_top_level"], "group_code"])]
    with_group = rows.merge(top_level, on="country_code")
    with_group = with_group[(with_group["year"] >= with_group["valid_from_year"])
                            & (with_group["year"] <= with_group["valid_to_year"])]
    assert len(with_group) == len(rows), "a country has no single top-level group in some year"
    baltic = set(members.loc[members["group_code"] == "BALTIC", "country_code"])
    with_group = with_group.assign(is_baltic=with_group["country_code"].isin(baltic),
                                   is_aggregate=with_group["country_code"].str.startswith("_"))
    return with_group.drop(columns=["valid_from_year", "valid_to_year"])


def _country_shares(frame: pd.DataFrame, time_column: str) -> pd.DataFrame:
    scope = ["region_code", time_column, "direction_code"]
    out = frame.copy()
    out["share_of_all_pct"] = _share(out["persons"], out.groupby(scope)["persons"].transform("sum"))
    out["share_of_group_pct"] = _share(out["persons"], out.groupby([*scope, "group_code"])["persons"].transform("sum"))
    non_cis = out["group_code"] != "CIS"
    non_cis_total = out[non_cis].groupby(scope)["persons"].transform("sum")
    out["share_of_non_cis_pct"] = np.nan
    out.loc[non_cis, "share_of_non_cis_pct"] = _share(out.loc[non_cis, "persons"], non_cis_total)
    singles = ~out["is_aggregate"]
    out["rank"] = np.nan
    out.loc[singles, "rank"] = out[singles].groupby(scope)["persons"].rank(method="min", ascending=False)
    return out


def test_country_flows_match_the_country_table(marts: dict[str, pd.DataFrame], country_years: pd.DataFrame) -> None:
    expected = _country_shares(country_years, "year").rename(columns={"rank": "rank_in_year"})
    keys = ["region_code", "year", "direction_code", "country_code"]
    _compare(marts["fct_country_flows"], expected[[*keys, "group_code", "persons", "share_of_all_pct",
                                                   "share_of_group_pct", "share_of_non_cis_pct", "rank_in_year"]],
             keys, {"persons": 0, "share_of_all_pct": SHARE_TOLERANCE, "share_of_group_pct": SHARE_TOLERANCE,
                    "share_of_non_cis_pct": SHARE_TOLERANCE, "rank_in_year": 0})
    mart = marts["fct_country_flows"].merge(expected, on=keys, suffixes=("", "_expected"))
    assert (mart["group_code"] == mart["group_code_expected"]).all()
    assert (mart["is_baltic"] == mart["is_baltic_expected"]).all()


def _group_years(country_years: pd.DataFrame) -> pd.DataFrame:
    scope = ["region_code", "year", "direction_code"]
    top = country_years.groupby([*scope, "group_code"], as_index=False)["persons"].sum()
    baltic = (country_years[country_years["is_baltic"]].groupby(scope, as_index=False)["persons"].sum()
              .assign(group_code="BALTIC"))
    grid = country_years[scope].drop_duplicates().merge(
        pd.DataFrame({"group_code": ["CIS", "OTHER", "BALTIC", "NOT_STATED"]}), how="cross")
    return grid.merge(pd.concat([top, baltic]), on=[*scope, "group_code"], how="left").fillna({"persons": 0})


def _group_shares(groups: pd.DataFrame, time_column: str) -> pd.DataFrame:
    scope = ["region_code", time_column, "direction_code"]
    wide = groups.pivot_table(index=scope, columns="group_code", values="persons", aggfunc="sum").reset_index()
    out = groups.merge(wide, on=scope)
    all_persons = out["CIS"] + out["OTHER"] + out["NOT_STATED"]
    out["share_of_all_pct"] = _share(out["persons"], all_persons)
    out["share_of_parent_group_pct"] = np.where(out["group_code"] == "BALTIC",
                                                _share(out["persons"], out["OTHER"]), np.nan)
    out["share_of_non_cis_pct"] = np.where(out["group_code"] != "CIS",
                                           _share(out["persons"], out["OTHER"] + out["NOT_STATED"]), np.nan)
    return out


def test_country_group_flows_count_baltic_inside_other(
    marts: dict[str, pd.DataFrame], country_years: pd.DataFrame
) -> None:
    expected = _group_shares(_group_years(country_years), "year")
    keys = ["region_code", "year", "direction_code", "group_code"]
    _compare(marts["fct_country_group_flows"], expected[[*keys, "persons", "share_of_all_pct",
                                                         "share_of_parent_group_pct", "share_of_non_cis_pct"]],
             keys, {"persons": 0, "share_of_all_pct": SHARE_TOLERANCE,
                    "share_of_parent_group_pct": SHARE_TOLERANCE, "share_of_non_cis_pct": SHARE_TOLERANCE})


def test_country_period_flows_distinguish_share_of_sums_from_average_share(
    marts: dict[str, pd.DataFrame], country_years: pd.DataFrame, periods: pd.DataFrame
) -> None:
    yearly = _country_shares(country_years, "year")
    in_periods = _in_periods(yearly, periods)
    keys = ["region_code", "period_code", "direction_code", "country_code"]
    sums = in_periods.groupby(keys, as_index=False).agg(
        persons=("persons", "sum"), group_code=("group_code", "last"), is_aggregate=("is_aggregate", "first"),
        avg_of_yearly_share_of_all_pct=("share_of_all_pct", "mean"),
        avg_of_yearly_share_of_group_pct=("share_of_group_pct", "mean"))
    years = in_periods.groupby(["region_code", "period_code"])["year"].nunique().rename("years_covered")
    expected = _country_shares(sums, "period_code").rename(columns={"rank": "rank_in_period"})
    expected = expected.merge(years.reset_index(), on=["region_code", "period_code"])
    expected["avg_yearly_persons"] = expected["persons"] / expected["years_covered"]
    _compare(marts["fct_country_period_flows"], expected, keys, {
        "persons": 0, "years_covered": 0, "avg_yearly_persons": 0.01, "share_of_all_pct": SHARE_TOLERANCE,
        "avg_of_yearly_share_of_all_pct": SHARE_TOLERANCE, "share_of_group_pct": SHARE_TOLERANCE,
        "avg_of_yearly_share_of_group_pct": SHARE_TOLERANCE, "share_of_non_cis_pct": SHARE_TOLERANCE,
        "rank_in_period": 0})


def test_country_group_period_flows(
    marts: dict[str, pd.DataFrame], country_years: pd.DataFrame, periods: pd.DataFrame
) -> None:
    yearly = _group_shares(_group_years(country_years), "year")
    keys = ["region_code", "period_code", "direction_code", "group_code"]
    sums = _in_periods(yearly, periods).groupby(keys, as_index=False).agg(
        persons=("persons", "sum"), avg_of_yearly_share_of_parent_group_pct=("share_of_parent_group_pct", "mean"))
    expected = _group_shares(sums, "period_code")
    _compare(marts["fct_country_group_period_flows"], expected, keys, {
        "persons": 0, "share_of_all_pct": SHARE_TOLERANCE, "share_of_parent_group_pct": SHARE_TOLERANCE,
        "avg_of_yearly_share_of_parent_group_pct": SHARE_TOLERANCE, "share_of_non_cis_pct": SHARE_TOLERANCE})


# --- education -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def education_years(canonical: pd.DataFrame) -> pd.DataFrame:
    """Working-age counts per region and year: totals and the two specialist levels, by direction."""
    rows = canonical[(canonical["table_code"] == "by_education") & (canonical["age_band_code"] == "WA")
                     & (canonical["country_code"] == "_T") & (canonical["specialty_code"] == "_T")]
    wide = rows.pivot_table(index=["region_code", "year"], columns=["education_code", "direction_code"],
                            values="persons", aggfunc="sum")
    names = {"_T": "working_age", "higher": "higher", "secondary_vocational": "secondary_vocational"}
    out = pd.DataFrame(index=wide.index)
    for code, name in names.items():
        for direction in DIRECTIONS:
            out[f"{name}_{direction}s"] = wide[(code, direction)]
    return out.reset_index()


def _education_measures(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for level in ("higher", "secondary_vocational"):
        arrivals_share = _share(out[f"{level}_arrivals"], out["working_age_arrivals"])
        departures_share = _share(out[f"{level}_departures"], out["working_age_departures"])
        out[f"{level}_share_of_arrivals_pct"] = arrivals_share
        out[f"{level}_share_of_departures_pct"] = departures_share
        out[f"{level}_departure_to_arrival_share_ratio"] = departures_share / arrivals_share.where(arrivals_share > 0)
        out[f"{level}_arrivals_per_departure"] = (
            out[f"{level}_arrivals"] / out[f"{level}_departures"].where(out[f"{level}_departures"] > 0))
    return out


def test_education_flows_shares_of_working_age(marts: dict[str, pd.DataFrame], canonical: pd.DataFrame) -> None:
    rows = canonical[(canonical["table_code"] == "by_education") & (canonical["age_band_code"] == "WA")]
    keys = ["region_code", "year", "direction_code"]
    totals = rows[rows["education_code"] == "_T"][[*keys, "persons"]].rename(columns={"persons": "total"})
    levels = rows[rows["education_code"] != "_T"].merge(totals, on=keys)
    levels["share_of_working_age_pct"] = _share(levels["persons"], levels["total"])
    _compare(marts["fct_education_flows"], levels, [*keys, "education_code"],
             {"persons": 0, "share_of_working_age_pct": SHARE_TOLERANCE})


def test_education_structure_yearly(marts: dict[str, pd.DataFrame], education_years: pd.DataFrame) -> None:
    expected = _education_measures(education_years)
    _compare(marts["fct_education_structure"], expected, ["region_code", "year"], {
        "higher_arrivals": 0, "higher_departures": 0, "secondary_vocational_departures": 0,
        "higher_share_of_arrivals_pct": SHARE_TOLERANCE, "higher_share_of_departures_pct": SHARE_TOLERANCE,
        "higher_departure_to_arrival_share_ratio": RATIO_TOLERANCE,
        "secondary_vocational_share_of_arrivals_pct": SHARE_TOLERANCE,
        "secondary_vocational_arrivals_per_departure": RATIO_TOLERANCE})


def test_education_period_structure_ratio_of_sums_and_average_of_ratios(
    marts: dict[str, pd.DataFrame], education_years: pd.DataFrame, periods: pd.DataFrame
) -> None:
    yearly = _education_measures(education_years)
    in_periods = _in_periods(yearly, periods)
    counts = [c for c in education_years.columns if c.endswith(("_arrivals", "_departures"))]
    sums = in_periods.groupby(["region_code", "period_code"])[counts].sum()
    averages = in_periods.groupby(["region_code", "period_code"]).agg(
        avg_of_yearly_higher_departure_to_arrival_share_ratio=("higher_departure_to_arrival_share_ratio", "mean"),
        avg_of_yearly_secondary_vocational_arrivals_per_departure=("secondary_vocational_arrivals_per_departure",
                                                                "mean"))
    expected = _education_measures(sums.join(averages).reset_index())
    _compare(marts["fct_education_period_structure"], expected, ["region_code", "period_code"], {
        "higher_arrivals": 0, "working_age_departures": 0,
        "higher_share_of_departures_pct": SHARE_TOLERANCE,
        "higher_departure_to_arrival_share_ratio": RATIO_TOLERANCE,
        "avg_of_yearly_higher_departure_to_arrival_share_ratio": RATIO_TOLERANCE,
        "avg_of_yearly_secondary_vocational_arrivals_per_departure": RATIO_TOLERANCE})


# --- specialties -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def specialty_years(canonical: pd.DataFrame) -> pd.DataFrame:
    rows = canonical[(canonical["table_code"] == "by_specialty") & (canonical["age_band_code"] == "WA")
                     & (canonical["country_code"] == "_T") & (canonical["education_code"] == "_T")
                     & (canonical["specialty_code"] != "_T")]
    wide = rows.pivot_table(index=["region_code", "year", "specialty_code"], columns="direction_code",
                            values="persons", aggfunc="sum")
    return wide.rename(columns={"arrival": "arrivals", "departure": "departures"}).reset_index()


def _specialty_measures(frame: pd.DataFrame, time_column: str) -> pd.DataFrame:
    out = frame.copy()
    scope = ["region_code", time_column]
    out["net_migration"] = out["arrivals"] - out["departures"]
    out["share_of_arrivals_pct"] = _share(out["arrivals"], out.groupby(scope)["arrivals"].transform("sum"))
    out["share_of_departures_pct"] = _share(out["departures"], out.groupby(scope)["departures"].transform("sum"))
    out["arrivals_per_departure"] = out["arrivals"] / out["departures"].where(out["departures"] > 0)
    return out


def test_specialty_flows(marts: dict[str, pd.DataFrame], specialty_years: pd.DataFrame) -> None:
    expected = _specialty_measures(specialty_years, "year")
    _compare(marts["fct_specialty_flows"], expected, ["region_code", "year", "specialty_code"], {
        "arrivals": 0, "departures": 0, "net_migration": 0, "share_of_arrivals_pct": SHARE_TOLERANCE,
        "share_of_departures_pct": SHARE_TOLERANCE, "arrivals_per_departure": RATIO_TOLERANCE})


def test_specialty_period_flows(
    marts: dict[str, pd.DataFrame], specialty_years: pd.DataFrame, periods: pd.DataFrame
) -> None:
    yearly = _specialty_measures(specialty_years, "year")
    keys = ["region_code", "period_code", "specialty_code"]
    sums = _in_periods(yearly, periods).groupby(keys, as_index=False).agg(
        arrivals=("arrivals", "sum"), departures=("departures", "sum"),
        avg_of_yearly_arrivals_per_departure=("arrivals_per_departure", "mean"),
        avg_of_yearly_share_of_departures_pct=("share_of_departures_pct", "mean"))
    expected = _specialty_measures(sums, "period_code")
    _compare(marts["fct_specialty_period_flows"], expected, keys, {
        "arrivals": 0, "departures": 0, "share_of_arrivals_pct": SHARE_TOLERANCE,
        "share_of_departures_pct": SHARE_TOLERANCE, "arrivals_per_departure": RATIO_TOLERANCE,
        "avg_of_yearly_arrivals_per_departure": RATIO_TOLERANCE,
        "avg_of_yearly_share_of_departures_pct": SHARE_TOLERANCE})
