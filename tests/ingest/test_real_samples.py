"""The real BNS files in ../shared/bns-samples go through the ingest (skipped when absent)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import openpyxl
import pytest

from bns_ingest import IngestError, ingest
from bns_ingest.writer import table_path

from .bns_layouts import read_rows

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "bns-samples"
pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/bns-samples not present")

DOWNLOADS = (
    "dynamic_table_population_by_region.xlsx",
    "iblock_csv_migration_balance_extract.tsv",
    "taldau_index_2929752_external_arrivals.json",
    "taldau_index_2929752_request.json",
)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("downloads")
    for name in DOWNLOADS:
        shutil.copy(SAMPLES / name, src / name)
    target = tmp_path_factory.mktemp("ingest") / "tables"
    # The iblock file is an extract: the Republic and a few regions, so the regions cannot add up.
    ingest(src, target, partial_regions=True)
    return target


def test_partial_extract_is_refused_by_default_naming_the_missing_regions(tmp_path: Path) -> None:
    shutil.copy(SAMPLES / "iblock_csv_migration_balance_extract.tsv", tmp_path / "extract.tsv")
    with pytest.raises(IngestError) as caught:
        ingest(tmp_path / "extract.tsv", tmp_path / "out")
    message = str(caught.value)
    assert "extract.tsv, row 76, column VAL: regions (missing 10 11 15 19 23 33 35" in message
    assert not (tmp_path / "out").exists()


def test_taldau_national_arrivals_equal_the_csv_series(out: Path) -> None:
    with open(SAMPLES / "taldau_national_external_arrivals_1991_2025.csv", newline="", encoding="utf-8") as f:
        series = {int(r["date"][:4]): int(float(r["value"])) for r in csv.DictReader(f)}
    ingested = {int(r["year"]): int(r["persons"]) for r in read_rows(table_path(out, "national_total"))}
    overlap = sorted(set(series) & set(ingested))
    assert len(overlap) >= 20
    assert {y: ingested[y] for y in overlap} == {y: series[y] for y in overlap}


def test_iblock_places_map_to_their_regions(out: Path) -> None:
    with open(SAMPLES / "iblock_csv_migration_balance_extract.tsv", newline="", encoding="utf-8") as f:
        source = list(csv.DictReader(f, delimiter="\t"))
    place = next(k for k in source[0] if k.startswith("КАТО"))
    settlement = next(k for k in source[0] if k.startswith("СПТМ"))
    ingested = {
        (r["year"], r["region_code"], r["settlement_code"]): int(r["persons"])
        for r in read_rows(table_path(out, "balance_all_flows"))
    }
    checked = 0
    for name, code in (("Г.АЛМАТЫ", "75"), ("ЖАМБЫЛСКАЯ ОБЛАСТЬ", "31"), ("ЗАПАДНО-КАЗАХСТАНСКАЯ ОБЛАСТЬ", "27")):
        for record in (r for r in source if r[place] == name and r[settlement] == "Всего"):
            value = int(record["VAL"].replace(" ", ""))
            assert ingested[(record["DAT"][:4], code, "_T")] == value
            checked += 1
    assert checked == 6
    taraz_2023 = next(int(r["VAL"].replace(" ", "")) for r in source if r[place] == "ТАРАЗ Г.А.")
    assert taraz_2023 not in {v for (_, code, _), v in ingested.items() if code == "31"}  # city dropped


def test_population_workbook_men_women_and_all(out: Path) -> None:
    workbook = openpyxl.load_workbook(SAMPLES / "dynamic_table_population_by_region.xlsx", read_only=True)
    everyone = list(workbook["Все население"].iter_rows(values_only=True))
    workbook.close()
    years = [y for y in everyone[0][1:] if isinstance(y, int)]
    table = {
        (r["year"], r["region_code"], r["sex_code"], r["settlement_code"]): int(r["population"])
        for r in read_rows(table_path(out, "population_by_region"))
    }
    for column, year in enumerate(years, start=1):
        republic = everyone[1][column]
        assert table[(str(year), "00", "_T", "_T")] == republic
        assert table[(str(year), "00", "M", "_T")] + table[(str(year), "00", "F", "_T")] == republic
    turkestan_row = next(r for r in everyone if r[0] and str(r[0]).startswith("Туркестанская"))
    assert table[("2016", "51", "_T", "_T")] == turkestan_row[years.index(2016) + 1]
    assert table[("2017", "61", "_T", "_T")] == turkestan_row[years.index(2017) + 1]
    assert not any(key[1] == "79" and int(key[0]) < 2017 for key in table)
