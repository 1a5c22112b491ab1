"""The 80% intervals of modeled cells, recomputed with pandas straight from the cross-validation's held-out
predictions (data/reference/crossval/predictions.csv), never from the warehouse's own band."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from ..conftest import REPO_ROOT

PREDICTIONS = REPO_ROOT / "data" / "reference" / "crossval" / "predictions.csv"


@pytest.fixture(scope="module")
def held_out() -> pd.DataFrame:
    """The bundled model's held-out annual figures with their error: relative for counts, in persons for balances."""
    frame = pd.read_csv(PREDICTIONS, dtype={"region_code": str, "fold": str})
    frame = frame[(frame.model_variant == "bundled") & ~frame.is_bound.astype(bool)].copy()
    balance = frame.direction_code == "net"
    frame["error"] = np.where(balance, frame.published - frame.predicted,
                              (frame.published - frame.predicted) / frame.predicted)
    frame["is_balance"] = balance
    return frame


@pytest.fixture(scope="module")
def connection(built_warehouse: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(built_warehouse), read_only=True)
    yield con
    con.close()


def band(held_out: pd.DataFrame, kind: str, is_balance: bool) -> tuple[float, float]:
    errors = held_out[(held_out.kind == kind) & (held_out.is_balance == is_balance)].error
    assert len(errors) >= 5, f"too few held-out figures of {kind} to test"
    low, high = np.quantile(errors.to_numpy(dtype=float), [0.1, 0.9])
    return float(low), float(high)


def ends_match(actual: pd.Series, expected: pd.Series, rounding) -> pd.Series:
    """The mart's end equals the recomputed one; a product one ulp either side of a whole number may round
    either way, so both roundings of a value within 1e-9 of an integer are accepted."""
    below = expected.map(lambda x: rounding(x - 1e-9))
    above = expected.map(lambda x: rounding(x + 1e-9))
    return (actual == below) | (actual == above)


def test_national_by_country_intervals_follow_the_held_out_errors(
    held_out: pd.DataFrame, connection: duckdb.DuckDBPyConnection
) -> None:
    low, high = band(held_out, "national_by_country", False)
    # The band is not symmetric around the model: held-out national figures by country ran above it.
    assert low < 0 < high
    mart = connection.execute(
        "select persons, persons_interval_80_low, persons_interval_80_high, interval_figure_kind_code "
        "from fct_country_flows where region_code = '00' and not is_published").df()
    assert len(mart) > 100
    assert (mart.interval_figure_kind_code == "national_by_country").all()
    expected_low = (mart.persons * (1 + low)).clip(lower=0)
    expected_high = (mart.persons * (1 + high)).clip(lower=0)
    assert ends_match(mart.persons_interval_80_low, expected_low, math.floor).all()
    assert ends_match(mart.persons_interval_80_high, expected_high, math.ceil).all()
    assert (mart.persons_interval_80_low <= mart.persons).all()
    assert (mart.persons_interval_80_high >= mart.persons).all()


def test_national_specialty_intervals_follow_the_held_out_errors(
    held_out: pd.DataFrame, connection: duckdb.DuckDBPyConnection
) -> None:
    low, high = band(held_out, "education_specialty", False)
    mart = connection.execute(
        "select arrivals, departures, arrivals_interval_80_low, arrivals_interval_80_high, departures_interval_80_low, "
        "departures_interval_80_high, interval_figure_kind_code from fct_specialty_flows "
        "where region_code = '00' and not is_published").df()
    assert len(mart) > 50
    assert (mart.interval_figure_kind_code == "education_specialty").all()
    for measure in ("arrivals", "departures"):
        assert ends_match(mart[f"{measure}_interval_80_low"], (mart[measure] * (1 + low)).clip(lower=0),
                          math.floor).all()
        assert ends_match(mart[f"{measure}_interval_80_high"], (mart[measure] * (1 + high)).clip(lower=0),
                          math.ceil).all()


def test_regional_balances_move_by_the_held_out_errors_in_persons(
    held_out: pd.DataFrame, connection: duckdb.DuckDBPyConnection
) -> None:
    low, high = band(held_out, "regional_balance", True)
    mart = connection.execute(
        "select net_migration, net_migration_interval_80_low, net_migration_interval_80_high "
        "from fct_yearly_flows where region_code not in ('00', '75') and not is_published").df()
    assert len(mart) > 100
    assert ends_match(mart.net_migration_interval_80_low, mart.net_migration + low, math.floor).all()
    assert ends_match(mart.net_migration_interval_80_high, mart.net_migration + high, math.ceil).all()


def test_cross_fitted_coverage_is_each_fold_against_the_band_of_the_others(
    held_out: pd.DataFrame, connection: duckdb.DuckDBPyConnection
) -> None:
    kind = held_out[(held_out.kind == "national_by_country") & ~held_out.is_balance]
    inside = []
    for row in kind.itertuples():
        others = kind[kind.fold != row.fold].error.to_numpy(dtype=float)
        low, high = np.quantile(others, [0.1, 0.9])
        ends = (math.floor(max(row.predicted * (1 + low), 0)), math.ceil(max(row.predicted * (1 + high), 0)))
        inside.append(ends[0] - row.tolerance <= row.published <= ends[1] + row.tolerance)
    measured = connection.execute(
        "select cross_fitted_coverage from intermediate.int_crossval_error_bands "
        "where figure_kind_code = 'national_by_country' and not is_balance").fetchone()
    assert measured is not None
    assert measured[0] == pytest.approx(float(np.mean(inside)))


def test_published_rows_carry_no_interval(connection: duckdb.DuckDBPyConnection) -> None:
    yearly = connection.execute(
        "select count(*), count(arrivals_interval_80_low) + count(arrivals_interval_80_high) "
        "+ count(departures_interval_80_low) + count(departures_interval_80_high) "
        "+ count(net_migration_interval_80_low) + count(net_migration_interval_80_high) "
        "+ count(interval_figure_kind_code) + count(net_migration_interval_figure_kind_code) "
        "from fct_yearly_flows where is_published").fetchone()
    countries = connection.execute(
        "select count(*), count(persons_interval_80_low) + count(persons_interval_80_high) "
        "+ count(interval_figure_kind_code) from fct_country_flows where is_published").fetchone()
    assert yearly is not None and countries is not None
    assert yearly[0] > 0 and countries[0] > 0, "no published rows to check"
    assert yearly[1] == 0 and countries[1] == 0


def test_a_row_without_a_measured_kind_has_no_interval(connection: duckdb.DuckDBPyConnection) -> None:
    """Regions' cells by country were never held out: no interval, rather than a borrowed one (and never 0)."""
    filled = connection.execute(
        "select count(*) filter (where persons_interval_80_low is not null or persons_interval_80_high is not null)"
        ", count(*) from fct_country_flows where region_code <> '00'").fetchone()
    assert filled is not None and filled[1] > 0 and filled[0] == 0
