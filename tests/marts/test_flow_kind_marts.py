"""The marts of flows that are not external migration, on the session's warehouse (nothing ingested).

The derived external balances of data/reference/constraints.csv (hard constraints of the reconstruction) must
equal the warehouse's one SQL definition (int_external_balance_derived, mart fct_external_balance_derived).
Against ../shared (skipped when absent): the bundled seeds are reproduced byte for byte by
scripts/carry_flow_kinds.py, and the marts hold the raw files' figures, summed here from the files.
"""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import duckdb
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED = REPO_ROOT.parent / "shared"
CONSTRAINTS = REPO_ROOT / "data" / "reference" / "constraints.csv"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared not present")
INTERREGIONAL_CODES = {
    "Abay": "10", "Aqmola": "11", "Aqtobe": "15", "Almaty region": "19", "Atyrau": "23", "West Kazakhstan": "27",
    "Jambyl": "31", "Jetisu": "33", "Qaraganda": "35", "Qostanay": "39", "Qyzylorda": "43", "Mangystau": "47",
    "Pavlodar": "55", "North Kazakhstan": "59", "Turkistan": "61", "Ulutay": "62", "East Kazakhstan": "63",
    "Astana city": "71", "Almaty city": "75", "Shymkent city": "79",
}


def load_script(name: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def connection(built_warehouse: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(built_warehouse), read_only=True)
    yield con
    con.close()


def test_constraints_carry_the_derived_balances_the_warehouse_defines(connection: duckdb.DuckDBPyConnection) -> None:
    with open(CONSTRAINTS, newline="", encoding="utf-8") as handle:
        carried = {
            (r["region_code"], int(r["year"])): (int(r["value"]), r["note"], r["source_id"])
            for r in csv.DictReader(handle) if r["source_id"].startswith("derived:") and r["direction_code"] == "net"
            and "interregional" in r["source_id"]
        }
    defined = {
        (region, year): (external, derivation, provenance)
        for region, year, external, derivation, provenance in connection.execute(
            "select region_code, year, external_net_persons, derivation, provenance from fct_external_balance_derived"
        ).fetchall()
    }
    assert len(carried) == 10
    assert carried == defined


def test_the_constraints_script_takes_the_derived_balances_from_the_warehouse(built_warehouse: Path) -> None:
    with open(CONSTRAINTS, newline="", encoding="utf-8") as handle:
        committed = [r for r in csv.DictReader(handle) if r["constraint_id"].startswith("D")
                     and r["source_id"] == "derived:bns_iblock_all_flows_balance+kanatislambekov_interregional"]
    assert load_script("carry_press_figures").derived_rows(built_warehouse) == committed


def test_the_reconstruction_holds_every_derived_balance(connection: duckdb.DuckDBPyConnection) -> None:
    differences = connection.execute(
        "select region_code, year, warehouse_external_net_persons, external_net_persons "
        "from fct_external_balance_derived where difference_persons is distinct from 0").fetchall()
    assert differences == []


def test_with_nothing_ingested_the_all_flows_balance_is_the_bundled_extract(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    layers = connection.execute(
        "select layer_code, source_id, count(*) from fct_all_flows_balance group by all").fetchall()
    assert layers == [("bundled_published", "bns_iblock_all_flows_balance", 95)]
    # Over all flows the Republic's balance is its external balance: national arrivals - departures.
    mismatched = connection.execute("""
        select balance.year
        from fct_all_flows_balance as balance
        inner join fct_yearly_flows as flows
            on flows.region_code = '00' and flows.year = balance.year and flows.age_scope_code = 'all_ages'
        where
            balance.region_code = '00' and balance.settlement_code = '_T'
            and balance.net_persons <> flows.net_migration
    """).fetchall()
    assert mismatched == []


@needs_shared
def test_interregional_mart_sums_the_published_months(connection: duckdb.DuckDBPyConnection) -> None:
    expected: dict[tuple[str, int], list[int]] = {}
    for year in (2022, 2023, 2024):
        path = SHARED / "published" / "interregional" / f"internal_migration_{year}.csv"
        with open(path, newline="", encoding="utf-8") as handle:
            for r in csv.DictReader(handle):
                sums = expected.setdefault((INTERREGIONAL_CODES[r["region"]], year), [0, 0, 0, 0])
                sums[0] += int(r["arrivals"])
                sums[1] += int(r["departures"])
                sums[2] += int(r["net"])
                sums[3] += r["month"] != "Total"
    built = {
        (region, year): [arrivals, departures, net, months]
        for region, year, arrivals, departures, net, months in connection.execute(
            "select region_code, year, arrivals, departures, net_persons, months_summed from fct_interregional_flows"
        ).fetchall()
    }
    assert built == expected
    assert built[("75", 2022)][2] == 35302  # the BNS release quoted in published_figures.csv


@needs_shared
def test_carry_script_reproduces_the_seeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = load_script("carry_flow_kinds")
    for name in ("ALL_FLOWS_SEED", "INTERREGIONAL_SEED"):
        committed = getattr(module, name)
        monkeypatch.setattr(module, name, tmp_path / committed.name)
    assert module.main() == 0
    for name in ("bns_all_flows_balance.csv", "interregional_flows_by_region.csv"):
        assert (tmp_path / name).read_bytes() == (REPO_ROOT / "dbt_project" / "seeds" / name).read_bytes()
