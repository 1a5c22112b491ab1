"""The four real BNS files of ../shared/bns-samples ingest together and the whole warehouse builds on them.

The downloads are ingested into a temporary official set (never data/official) and dbt builds every model and
data test into a private file, published into a temporary folder by the real publisher. Every expected figure
is read here from the raw files (the iblock TSV, the population workbook, the Taldau JSON, the interregional
CSVs), not from the code under test. Skipped only when ../shared is absent.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import duckdb
import openpyxl
import pytest

from bns_ingest import ingest
from warehouse import official_set
from warehouse.publish import build_and_publish

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SAMPLES = SHARED / "bns-samples"
INTERREGIONAL = SHARED / "published" / "interregional"
pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared not present")

DOWNLOADS = (
    "dynamic_table_population_by_region.xlsx",
    "iblock_csv_migration_balance_extract.tsv",
    "taldau_index_2929752_external_arrivals.json",
    "taldau_index_2929752_request.json",
)
# Places of the iblock extract that are regions (the city administrations Taraz and Oral are not).
IBLOCK_REGIONS = {"РЕСПУБЛИКА КАЗАХСТАН": "00", "Г.АЛМАТЫ": "75", "Г.АСТАНА": "71", "Г.ШЫМКЕНТ": "79",
                  "ЖАМБЫЛСКАЯ ОБЛАСТЬ": "31", "ЗАПАДНО-КАЗАХСТАНСКАЯ ОБЛАСТЬ": "27"}
INTERREGIONAL_NAMES = {"75": "Almaty city", "71": "Astana city", "79": "Shymkent city", "31": "Jambyl",
                       "27": "West Kazakhstan"}
SETTLEMENTS = {"Всего": "_T", "городская местность": "urban", "сельская местность": "rural"}


@pytest.fixture(scope="module")
def official(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The official set the four downloads make."""
    src = tmp_path_factory.mktemp("bns_downloads")
    for name in DOWNLOADS:
        shutil.copy(SAMPLES / name, src / name)
    official = tmp_path_factory.mktemp("official") / "tables"
    # As `make ingest SRC=… ARGS=--allow-partial-regions`: the iblock file lists the Republic and five regions.
    ingest(src, official, partial_regions=True)
    return official


@pytest.fixture(scope="module")
def warehouse(official: Path, tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    published = tmp_path_factory.mktemp("published") / "kz_migration.duckdb"
    build_and_publish(
        published,
        ["--exclude-resource-type", "unit_test"],
        env={"KZ_OFFICIAL_DIR": str(official), "KZ_OFFICIAL_POPULATION_DIR": str(official / "population"),
             "KZ_DBT_EXECUTABLE": ""},
    )
    connection = duckdb.connect(str(published), read_only=True)
    yield connection
    connection.close()


def iblock_balances() -> dict[tuple[int, str, str], int]:
    with open(SAMPLES / "iblock_csv_migration_balance_extract.tsv", newline="", encoding="utf-8") as handle:
        records = list(csv.DictReader(handle, delimiter="\t"))
    place = next(k for k in records[0] if k.startswith("КАТО"))
    settlement = next(k for k in records[0] if k.startswith("СПТМ"))
    return {
        (int(r["DAT"][:4]), IBLOCK_REGIONS[r[place]], SETTLEMENTS[r[settlement]]): int(r["VAL"].replace(" ", ""))
        for r in records if r[place] in IBLOCK_REGIONS
    }


def taldau_arrivals() -> dict[int, int]:
    """The Taldau download's national external arrivals by year, read from its JSON."""
    nodes = json.loads((SAMPLES / "taldau_index_2929752_external_arrivals.json").read_text(encoding="utf-8"))
    return {int(key[-4:]): int(value) for key, value in nodes[0].items() if key.startswith("y") and value}


def interregional_balance(year: int, region: str) -> int:
    with open(INTERREGIONAL / f"internal_migration_{year}.csv", newline="", encoding="utf-8") as handle:
        return sum(int(r["net"]) for r in csv.DictReader(handle) if r["region"] == INTERREGIONAL_NAMES[region])


def test_the_all_flows_balance_is_its_own_mart_with_every_official_figure(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    expected = iblock_balances()
    built = {
        (year, region, settlement): (net, layer)
        for year, region, settlement, net, layer in warehouse.execute(
            "select year, region_code, settlement_code, net_persons, layer_code from fct_all_flows_balance").fetchall()
    }
    assert len(expected) == 95
    assert {key: value for key, (value, _) in built.items()} == expected
    assert {layer for _, layer in built.values()} == {"official"}


def test_the_all_flows_balance_never_counts_as_external_migration(warehouse: duckdb.DuckDBPyConnection) -> None:
    # Almaty city 2023: +43,210 over all flows; the external balance the warehouse shows is what remains after
    # the interregional balance, not the all-flows figure.
    all_flows = iblock_balances()[(2023, "75", "_T")]
    external = warehouse.execute(
        "select net_migration from fct_yearly_flows where region_code = '75' and year = 2023 "
        "and age_scope_code = 'all_ages'").fetchone()
    assert external is not None
    assert external[0] == all_flows - interregional_balance(2023, "75")
    assert external[0] != all_flows


def test_the_external_balance_derived_in_sql_is_all_flows_minus_interregional(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    balances = iblock_balances()
    expected = {
        (region, year): balances[(year, region, "_T")] - interregional_balance(year, region)
        for region in INTERREGIONAL_NAMES for year in (2023, 2024)
    }
    built = {
        (region, year): (external, difference, layer)
        for region, year, external, difference, layer in warehouse.execute(
            "select region_code, year, external_net_persons, difference_persons, all_flows_layer_code "
            "from fct_external_balance_derived").fetchall()
    }
    assert {key: value[0] for key, value in built.items()} == expected
    assert {value[1] for value in built.values()} == {0}
    assert {value[2] for value in built.values()} == {"official"}


def test_rates_use_the_ingested_population(warehouse: duckdb.DuckDBPyConnection) -> None:
    workbook = openpyxl.load_workbook(SAMPLES / "dynamic_table_population_by_region.xlsx", read_only=True)
    everyone = list(workbook["Все население"].iter_rows(values_only=True))
    workbook.close()
    almaty = next(row for row in everyone if row[0] and str(row[0]).strip() == "г. Алматы")
    year_column = {year: column for column, year in enumerate(everyone[0]) if isinstance(year, int)}
    population_2023 = almaty[year_column[2023]]
    row = warehouse.execute(
        "select residents_on_1_january, net_migration_per_1000_residents, net_migration, population_source_id "
        "from fct_yearly_flows where region_code = '75' and year = 2023 and age_scope_code = 'all_ages'").fetchone()
    assert row is not None
    residents, rate, net, population_source = row
    assert residents == population_2023
    assert rate == pytest.approx(1000 * net / population_2023, abs=1e-6)
    # The ingested workbook's source id, not the bundled seed's (bns_dynamic_population_by_region).
    assert population_source == "bns_dynamic_table_population_by_region"
    for mart in ("fct_region_year_panel", "fct_territory_year_panel", "fct_interregional_flows"):
        sources = {r[0] for r in warehouse.execute(
            f"select distinct population_source_id from {mart} where residents_on_1_january is not null").fetchall()}
        assert sources == {"bns_dynamic_table_population_by_region"}, mart


def test_the_taldau_pair_gives_its_official_national_cells(warehouse: duckdb.DuckDBPyConnection) -> None:
    values = {str(year): value for year, value in taldau_arrivals().items()}
    cells = warehouse.execute(
        "select sum(cell_count) from dim_data_sources where table_code = 'national_total' and layer_code = 'official'"
    ).fetchone()
    assert cells == (len(values),)
    arrivals = dict(warehouse.execute(
        "select cast(year as varchar), arrivals from fct_yearly_flows where region_code = '00' "
        "and age_scope_code = 'all_ages'").fetchall())
    assert {year: arrivals[year] for year in values} == values


def test_every_ingested_cell_is_an_official_figure_with_the_warehouses_value(
    warehouse: duckdb.DuckDBPyConnection, official: Path
) -> None:
    """fct_published_figures holds each cell of the official set once, as an `official_cell` figure that the
    warehouse matches exactly (the official layer wins over the reconstruction); the Taldau cells carry the
    download's own values (read here from its JSON) and its address."""
    ingested = []
    for path in official_set.tables(official):
        with path.open(encoding="utf-8", newline="") as handle:
            ingested += [(int(r["year"]), r["direction_code"], int(r["persons"])) for r in csv.DictReader(handle)]
    cells = warehouse.execute(
        "select year, direction_code, figure_value, warehouse_value, is_within_rounding, source_kind, source_url "
        "from fct_published_figures where role_code = 'official_cell'").df()
    figures = zip(cells.year, cells.direction_code, cells.figure_value, strict=True)
    assert ingested and sorted(figures) == sorted(ingested)
    assert (cells.warehouse_value == cells.figure_value).all() and cells.is_within_rounding.all()
    assert (cells.source_kind == "official_table").all()
    values = taldau_arrivals()
    taldau = cells[cells.source_url == "https://taldau.stat.gov.kz"]
    assert set(taldau.direction_code) == {"arrival"}
    assert dict(zip(taldau.year, taldau.figure_value, strict=True)) == values
