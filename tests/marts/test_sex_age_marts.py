"""Turnover, the migration effectiveness index and the marts by sex and age, recomputed with pandas from the
canonical CSV files (not from the marts' SQL)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from .test_flow_marts import SAMPLE_REGIONS, raw_counts  # noqa: F401 (a fixture)


@pytest.fixture(scope="module")
def marts(built_warehouse: Path) -> dict[str, pd.DataFrame]:
    with duckdb.connect(str(built_warehouse), read_only=True) as connection:
        return {
            name: connection.execute(f"select * from {name}").df()
            for name in ("fct_yearly_flows", "fct_period_flows", "fct_sex_age_flows", "fct_sex_working_age_flows")
        }


def _single_years(raw: pd.DataFrame) -> pd.DataFrame:
    return raw[
        (raw.flow_code == "external")
        & raw.sex_code.isin(["M", "F"])
        & ~raw.age_band_code.isin(["_T", "WA"])
        & (raw.country_code == "_T")
        & (raw.education_code == "_T")
        & (raw.specialty_code == "_T")
        & (raw.settlement_code == "_T")
        & raw.direction_code.isin(["arrival", "departure"])
    ]


def test_turnover_and_effectiveness_index_follow_their_definition(marts: dict[str, pd.DataFrame]) -> None:
    for name in ("fct_yearly_flows", "fct_period_flows"):
        frame = marts[name]
        turnover = frame.arrivals + frame.departures
        assert np.allclose(frame.turnover, turnover)
        index = 100 * (frame.arrivals - frame.departures) / turnover.where(turnover != 0)
        assert np.allclose(frame.migration_effectiveness_index, index.round(4), equal_nan=True, atol=1e-4)
        assert frame.migration_effectiveness_index.dropna().between(-100, 100).all()
    # Almaty's working age in 2023: 5,810 arrivals and 888 departures in the bundled tables -> 73.4846
    yearly = marts["fct_yearly_flows"].set_index(["region_code", "year", "age_scope_code"])
    row = yearly.loc[("75", 2023, "working_age")]
    assert row.migration_effectiveness_index == pytest.approx(
        100 * (row.arrivals - row.departures) / (row.arrivals + row.departures), abs=1e-4
    )


def test_five_year_bands_by_sex_match_the_single_years(
    raw_counts: pd.DataFrame,  # noqa: F811
    marts: dict[str, pd.DataFrame],
) -> None:
    ages = _single_years(raw_counts[raw_counts.region_code.isin(SAMPLE_REGIONS)])
    ages = ages.assign(band=np.minimum(ages.age_from // 5 * 5, 80))
    expected = ages.pivot_table(
        index=["region_code", "year", "band"],
        columns=["direction_code", "sex_code"],
        values="persons",
        aggfunc="sum",
        fill_value=0,
    )
    mart = marts["fct_sex_age_flows"]
    mart = mart[mart.region_code.isin(SAMPLE_REGIONS)].set_index(["region_code", "year", "age_from"]).sort_index()
    expected = expected.sort_index()
    assert len(mart) == len(expected) and len(mart) > 0
    assert (mart.arrivals_male.to_numpy() == expected[("arrival", "M")].to_numpy()).all()
    assert (mart.arrivals_female.to_numpy() == expected[("arrival", "F")].to_numpy()).all()
    assert (mart.departures_male.to_numpy() == expected[("departure", "M")].to_numpy()).all()
    assert (mart.departures_female.to_numpy() == expected[("departure", "F")].to_numpy()).all()
    ratio = 100 * expected[("arrival", "M")] / expected[("arrival", "F")].where(expected[("arrival", "F")] != 0)
    # The mart rounds to 2 decimals (a tie may round either way): within half a unit of the 2nd decimal.
    assert np.allclose(
        mart.arrivals_males_per_100_females.to_numpy(), ratio.to_numpy(), equal_nan=True, rtol=0, atol=0.0051
    )
    assert set(mart.reset_index().age_band_code) == {f"Y{a}_{a + 4}" for a in range(0, 80, 5)} | {"Y80_GE"}
    assert str(marts["fct_sex_age_flows"].arrivals.dtype) == "int64"  # whole persons


def test_working_age_split_adds_up_and_matches_the_yearly_working_age_flows(marts: dict[str, pd.DataFrame]) -> None:
    split = marts["fct_sex_working_age_flows"]
    bands = marts["fct_sex_age_flows"].groupby(["region_code", "year"])[["arrivals", "departures"]].sum()
    groups = split.groupby(["region_code", "year"])[["arrivals", "departures"]].sum()
    assert np.allclose(groups.sort_index(), bands.sort_index().astype(float))
    working = split[split.age_group_code == "working_age"].set_index(["region_code", "year"]).sort_index()
    yearly = marts["fct_yearly_flows"]
    yearly = yearly[yearly.age_scope_code == "working_age"].set_index(["region_code", "year"]).sort_index()
    joined = working[["arrivals", "departures"]].merge(
        yearly[["arrivals", "departures"]], left_index=True, right_index=True, suffixes=("", "_yearly")
    )
    assert len(joined) == len(yearly)
    assert np.allclose(joined.arrivals, joined.arrivals_yearly) and np.allclose(
        joined.departures, joined.departures_yearly
    )
