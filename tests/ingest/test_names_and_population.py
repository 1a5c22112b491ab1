"""Name matching rules, conflicting totals across files, and the population seed script."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from bns_ingest import IngestError, ingest
from bns_ingest.names import RegionNames, normalise_name

from .bns_layouts import REPUBLIC_LABEL, SEEDS, Sheet, population_sheets, read_rows, write_iblock, write_workbook

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("spelling", "year", "code"),
    [
        ("Туркестанская 1", 2016, "51"),
        ("Туркестанская1)", 2017, "61"),
        ("ТУРКЕСТАНСКАЯ ОБЛАСТЬ ", 2023, "61"),
        ("город Алматы", 2020, "75"),
        ("Г.АЛМАТЫ", 2020, "75"),
        ("г.  Алматы*", 2020, "75"),
        ("Жамбылская область", 2010, "31"),
        ("ЗАПАДНО-КАЗАХСТАНСКАЯ ОБЛАСТЬ", 2023, "27"),
        ("Улытау", 2023, "62"),
        ("Республика Казахстан ", 2000, "00"),
    ],
)
def test_region_spellings_resolve(spelling: str, year: int, code: str) -> None:
    variant = RegionNames.from_seeds(SEEDS).resolve(spelling, year)
    assert variant is not None and variant.region_code == code


def test_city_and_region_of_the_same_name_stay_apart() -> None:
    assert normalise_name("г. Алматы") != normalise_name("Алматинская область")
    names = RegionNames.from_seeds(SEEDS)
    assert names.resolve("Алматинская область", 2020).region_code == "19"


def test_south_kazakhstan_name_after_2016_is_refused(tmp_path: Path) -> None:
    write_iblock(tmp_path / "b.tsv", [{"year": 2018, "place": "ЮЖНО-КАЗАХСТАНСКАЯ ОБЛАСТЬ", "val": "-1 000"}])
    with pytest.raises(
        IngestError,
        match=r"row 2, column КАТО.*region 51 Южно-Казахстанская reported for 2018, outside .* \(1991–2016\)",
    ):
        ingest(tmp_path / "b.tsv", tmp_path / "out")


def test_the_same_total_in_two_files_must_agree(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    write_iblock(src / "a.tsv", [{"year": 2023, "place": "Г.АСТАНА", "val": "51 539"}])
    write_iblock(src / "b.tsv", [{"year": 2023, "place": "город Астана", "val": "51 539"}])
    assert ingest(src, tmp_path / "out") == {"balance_all_flows": 1}
    write_iblock(src / "b.tsv", [{"year": 2023, "place": "город Астана", "val": "51 540"}])
    with pytest.raises(IngestError, match=r"b.tsv, row 2, column VAL: conflicts with 51539 given at a.tsv"):
        ingest(src, tmp_path / "out2")


def _carry_module():
    spec = importlib.util.spec_from_file_location("carry_population", REPO / "scripts" / "carry_population.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_carry_population_writes_the_seed_with_citations(tmp_path: Path) -> None:
    sheets = population_sheets([2016, 2017])
    workbook = write_workbook(tmp_path / "pop.xlsx", sheets)
    seed = tmp_path / "bns_population_by_region.csv"
    rows = _carry_module().carry(workbook, seed)
    table = read_rows(seed)
    assert len(table) == rows
    assert list(table[0]) == [
        "year",
        "region_code",
        "sex_code",
        "settlement_code",
        "population",
        "source_id",
        "provenance",
    ]
    assert {r["provenance"] for r in table} == {"published:bns_dynamic_population_by_region"}
    everyone = dict(sheets[0].rows)["Республика Казахстан "]
    got = {
        r["year"]: int(r["population"])
        for r in table
        if (r["region_code"], r["sex_code"], r["settlement_code"]) == ("00", "_T", "_T")
    }
    assert got == {"2016": everyone[0], "2017": everyone[1]}


def test_carry_population_needs_men_and_women_for_every_total(tmp_path: Path) -> None:
    men_only = [s for s in population_sheets([2017]) if s.name != "Женщины"]
    workbook = write_workbook(tmp_path / "pop.xlsx", men_only)
    with pytest.raises(
        IngestError,
        match=r"pop.xlsx, sheet 'Все население', row 2, column B: both-sexes "
        r"figure without its women figure",
    ):
        _carry_module().carry(workbook, tmp_path / "seed.csv")
    assert not (tmp_path / "seed.csv").exists()


def all_population_off_by_one(years: list[int], labels: tuple[str, ...], year_index: int) -> list[Sheet]:
    """The population workbook with «Все население» one person above men + women in `labels`."""
    sheets = population_sheets(years)
    everyone = sheets[0]
    assert everyone.name == "Все население"
    rows = []
    for label, values in everyone.rows:
        if label in labels:
            values = list(values)
            values[year_index] += 1
        rows.append((label, values))
    sheets[0] = Sheet(everyone.name, everyone.title, everyone.years, rows, everyone.unit, everyone.footnotes)
    return sheets


def test_carry_population_refuses_all_not_equal_to_men_plus_women(tmp_path: Path) -> None:
    # The Republic and Акмолинская both one above men + women: the regions still add up to the
    # Republic, so only the sex sums are wrong. «Все население» has no header: years in row 1.
    sheets = all_population_off_by_one([2016, 2017], (REPUBLIC_LABEL, "Акмолинская"), 1)
    labels = [label for label, _ in sheets[0].rows]
    workbook = write_workbook(tmp_path / "pop.xlsx", sheets)
    seed = tmp_path / "seed.csv"
    seed.write_text("the previous seed\n", encoding="utf-8")
    with pytest.raises(IngestError) as caught:
        _carry_module().carry(workbook, seed)
    wrong = {(p.file, p.sheet, p.row, p.column) for p in caught.value.problems if "sex parts" in p.message}
    assert wrong == {
        ("pop.xlsx", "Все население", 2 + labels.index(label), "C") for label in (REPUBLIC_LABEL, "Акмолинская")
    }
    assert all("do not add up to the total" in p.message for p in caught.value.problems)
    assert seed.read_text(encoding="utf-8") == "the previous seed\n"


def test_carry_population_script_prints_the_error_without_traceback(tmp_path: Path) -> None:
    sheets = all_population_off_by_one([2017], (REPUBLIC_LABEL, "Акмолинская"), 0)
    workbook = write_workbook(tmp_path / "pop.xlsx", sheets)
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "carry_population.py"), str(workbook)],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(REPO / "python")},
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: 2 problem(s) in the BNS input; nothing was written:")
    assert "pop.xlsx, sheet 'Все население', row 2, column B: sex parts (2 rows" in result.stderr
