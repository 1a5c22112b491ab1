"""Flow marts recomputed with pandas straight from the canonical CSV files and the seeds."""

from __future__ import annotations

import itertools
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from ..conftest import REPO_ROOT, default_counts_dir

SEEDS = REPO_ROOT / "dbt_project" / "seeds"
SAMPLE_REGIONS = ["75", "31", "27", "47", "79"]


@pytest.fixture(scope="module")
def raw_counts() -> pd.DataFrame:
    files = sorted(default_counts_dir().glob("*.csv*"))
    if not files:
        pytest.skip("no canonical tables in the counts folder")
    frames = [pd.read_csv(f, dtype={"region_code": str}, keep_default_na=False, na_values=[""]) for f in files]
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def mart(built_warehouse: Path) -> pd.DataFrame:
    with duckdb.connect(str(built_warehouse), read_only=True) as connection:
        return connection.execute("select * from fct_yearly_flows").df()


def _working_age_from_raw(raw: pd.DataFrame) -> pd.DataFrame:
    """Working-age flows by the paper's rule, computed cell by cell with plain interval arithmetic."""
    rules = pd.read_csv(SEEDS / "working_age_rules.csv")
    rules = rules[rules.rule_set_code == "paper_2025"]
    ages = raw[
        (raw.flow_code == "external") & raw.sex_code.isin(["M", "F"]) & ~raw.age_band_code.isin(["_T", "WA"])
        & (raw.country_code == "_T") & (raw.education_code == "_T") & (raw.specialty_code == "_T")
        & (raw.settlement_code == "_T")
    ].merge(rules, on=["year", "sex_code"])
    band_end = ages.age_to.fillna(ages.age_from + 5)
    overlap = (np.minimum(band_end, ages.upper_age) - np.maximum(ages.age_from, ages.lower_age)).clip(lower=0)
    ages = ages.assign(weighted=ages.persons * overlap / (band_end - ages.age_from))
    return ages.groupby(["region_code", "year", "direction_code"]).weighted.sum().unstack("direction_code")


def test_working_age_flows_match_recomputation(raw_counts: pd.DataFrame, mart: pd.DataFrame) -> None:
    expected = _working_age_from_raw(raw_counts)
    if expected.empty:
        pytest.skip("no table by sex and age")
    working_age = mart[mart.age_scope_code == "working_age"].set_index(["region_code", "year"])
    for region, year in itertools.islice(((r, y) for r, y in expected.index if r in SAMPLE_REGIONS), 200):
        row = working_age.loc[(region, year)]
        assert row.arrivals == pytest.approx(expected.loc[(region, year), "arrival"], abs=1e-6)
        assert row.departures == pytest.approx(expected.loc[(region, year), "departure"], abs=1e-6)


def test_all_ages_flows_match_table_totals(raw_counts: pd.DataFrame, mart: pd.DataFrame) -> None:
    dims = ["country_code", "sex_code", "settlement_code", "age_band_code", "education_code", "specialty_code"]
    totals = raw_counts[(raw_counts.flow_code == "external") & (raw_counts[dims] == "_T").all(axis=1)]
    expected = totals.groupby(["region_code", "year", "direction_code"]).persons.max().unstack("direction_code")
    all_ages = mart[mart.age_scope_code == "all_ages"].set_index(["region_code", "year"])
    for (region, year), row in expected.iterrows():
        assert all_ages.loc[(region, year), "arrivals"] == row.arrival
        assert all_ages.loc[(region, year), "departures"] == row.departure


def _runs_of_equal_sign(series: pd.Series) -> list[tuple[int, int, int]]:
    """(start_year, end_year, sign) for maximal runs of consecutive years with one sign of net migration."""
    runs: list[tuple[int, int, int]] = []
    for year, net in series.sort_index().items():
        sign = int(np.sign(net))
        if runs and runs[-1][2] == sign and runs[-1][1] == year - 1:
            runs[-1] = (runs[-1][0], year, sign)
        else:
            runs.append((year, year, sign))
    return runs


def test_regimes_match_recomputation(built_warehouse: Path, mart: pd.DataFrame) -> None:
    with duckdb.connect(str(built_warehouse), read_only=True) as connection:
        regimes = connection.execute(
            "select region_code, age_scope_code, start_year, end_year, regime_direction from fct_net_migration_regimes"
        ).df()
    sign_of = {"net_inflow": 1, "net_outflow": -1, "balanced": 0}
    for (region, scope), group in mart.groupby(["region_code", "age_scope_code"]):
        expected = _runs_of_equal_sign(group.set_index("year").net_migration)
        found = regimes[(regimes.region_code == region) & (regimes.age_scope_code == scope)].sort_values("start_year")
        assert [(r.start_year, r.end_year, sign_of[r.regime_direction]) for r in found.itertuples()] == expected


def test_period_ratios_match_recomputation(built_warehouse: Path, mart: pd.DataFrame) -> None:
    with duckdb.connect(str(built_warehouse), read_only=True) as connection:
        periods = connection.execute("select * from fct_period_flows").df()
    for row in periods[periods.region_code.isin(SAMPLE_REGIONS)].itertuples():
        years = mart[
            (mart.region_code == row.region_code) & (mart.age_scope_code == row.age_scope_code)
            & mart.year.between(row.start_year, row.end_year)
        ]
        assert row.arrivals == pytest.approx(years.arrivals.sum())
        ratio_of_sums = years.arrivals.sum() / years.departures.sum()
        assert row.arrivals_per_departure == pytest.approx(ratio_of_sums, abs=1e-6)
        yearly_ratio = (years.departures / years.arrivals).round(6)
        assert row.avg_of_yearly_departures_per_arrival == pytest.approx(yearly_ratio.mean(), abs=1e-6)


def test_almaty_working_age_regimes_are_the_papers_periods(built_warehouse: Path) -> None:
    """On the bundled data, regime detection finds the four periods the study describes for Almaty."""
    if default_counts_dir() != (REPO_ROOT / "data" / "reference" / "tables").resolve():
        pytest.skip("only meaningful on the bundled reference data")
    periods = pd.read_csv(SEEDS / "analysis_periods.csv")
    expected = [
        (row.start_year, row.end_year)
        for row in periods[periods.period_set_code == "paper_regimes"].sort_values("start_year").itertuples()
    ]
    with duckdb.connect(str(built_warehouse), read_only=True) as connection:
        found = connection.execute(
            """
            select start_year, end_year, regime_direction from fct_net_migration_regimes
            where region_code = '75' and age_scope_code = 'working_age' order by regime_number
            """
        ).fetchall()
    # The tables run past the paper's window (to 2025): the last regime starts where the paper's does and lasts
    # at least to its end; whether it lasts beyond is the follow-up question, not the paper's.
    assert [(start, end) for start, end, _ in found[:-1]] == expected[:-1]
    assert found[-1][0] == expected[-1][0] and found[-1][1] >= expected[-1][1]
    assert [direction for *_, direction in found] == ["net_outflow", "net_inflow", "net_outflow", "net_inflow"]
