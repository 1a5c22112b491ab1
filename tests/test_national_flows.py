"""The national yearly mart against the Taldau source files, computed independently here."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from .conftest import BNS_SAMPLES_DIR, REPO_ROOT

SEED = REPO_ROOT / "dbt_project" / "seeds" / "bns_national_external_flows.csv"


def _read_taldau(path: Path) -> dict[int, int]:
    with open(path, newline="", encoding="utf-8") as handle:
        return {int(row["date"][:4]): int(float(row["value"])) for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def source_series() -> tuple[dict[int, int], dict[int, int]]:
    if not BNS_SAMPLES_DIR.exists():
        pytest.skip("../shared/bns-samples is not present")
    return (
        _read_taldau(BNS_SAMPLES_DIR / "taldau_national_external_arrivals_1991_2025.csv"),
        _read_taldau(BNS_SAMPLES_DIR / "taldau_national_external_departures_1991_2025.csv"),
    )


def test_seed_carries_the_taldau_series_exactly(source_series: tuple[dict[int, int], dict[int, int]]) -> None:
    arrivals, departures = source_series
    with open(SEED, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    seed = {(int(r["year"]), r["direction_code"]): int(r["persons"]) for r in rows}
    expected = {(y, "arrival"): v for y, v in arrivals.items()} | {(y, "departure"): v for y, v in departures.items()}
    assert seed == expected
    assert all(r["provenance"] == f"published:{r['source_id']}" for r in rows)


def test_national_mart_matches_source(
    built_warehouse: Path, source_series: tuple[dict[int, int], dict[int, int]]
) -> None:
    arrivals, departures = source_series
    with duckdb.connect(str(built_warehouse), read_only=True) as connection:
        mart = connection.execute(
            """
            select year, arrivals, departures, net_migration, arrivals_per_departure,
                   arrivals_yoy_growth_pct, departures_yoy_growth_pct
            from fct_yearly_flows where region_code = '00' and age_scope_code = 'all_ages' order by year
            """
        ).fetchall()
    assert [row[0] for row in mart] == sorted(arrivals)
    for year, arr, dep, net, ratio, arr_growth, dep_growth in mart:
        assert (arr, dep, net) == (arrivals[year], departures[year], arrivals[year] - departures[year])
        assert ratio == pytest.approx(arrivals[year] / departures[year], abs=1e-6)
        if year - 1 in arrivals:
            assert arr_growth == pytest.approx(100 * (arrivals[year] / arrivals[year - 1] - 1), abs=1e-4)
            assert dep_growth == pytest.approx(100 * (departures[year] / departures[year - 1] - 1), abs=1e-4)
        else:
            assert arr_growth is None and dep_growth is None
