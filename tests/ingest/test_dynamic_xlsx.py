"""Dynamic-table workbooks in the BNS template go into the canonical tables cell for cell."""

from __future__ import annotations

from pathlib import Path

from bns_ingest import ingest
from bns_ingest.writer import table_path

from .bns_layouts import (
    REGION_ROWS,
    REPUBLIC_LABEL,
    Sheet,
    figure,
    population_sheets,
    read_rows,
    region_block,
    region_code,
    write_workbook,
)

YEARS = list(range(2015, 2024))
SEX = {"Мужчины": "M", "Женщины": "F", "Все население": "_T"}
SETTLEMENT = {None: "_T", "Городское население": "urban", "Сельское население": "rural"}


def expected_population(sheets: list[Sheet]) -> dict[tuple, int]:
    """(year, region, sex, settlement) -> figure, read straight off the fixture rows."""
    expected = {}
    for sheet in sheets:
        settlement = "_T"
        for label, values in sheet.rows:
            if values is None:
                settlement = SETTLEMENT.get(label, settlement)
                continue
            for year, value in zip(sheet.years, values, strict=True):
                if value == "-":
                    continue
                code = "00" if label == REPUBLIC_LABEL else region_code(label, year)
                expected[(str(year), code, SEX[sheet.name], settlement)] = value
    return expected


def test_population_workbook_every_sheet_and_section(tmp_path: Path) -> None:
    sheets = population_sheets(YEARS)
    write_workbook(tmp_path / "src" / "pop.xlsx" if (tmp_path / "src").mkdir() is None else None, sheets)
    rows = ingest(tmp_path / "src", tmp_path / "out")
    table = read_rows(table_path(tmp_path / "out", "population_by_region"))
    got = {(r["year"], r["region_code"], r["sex_code"], r["settlement_code"]): int(r["population"]) for r in table}
    assert got == expected_population(sheets)
    assert rows == {"population_by_region": len(got)}
    assert {r["provenance"] for r in table} == {"published:bns_pop"}


def test_turkestan_footnote_row_means_south_kazakhstan_until_2016(tmp_path: Path) -> None:
    write_workbook(tmp_path / "pop.xlsx", population_sheets(YEARS))
    ingest(tmp_path / "pop.xlsx", tmp_path / "out")
    table = read_rows(table_path(tmp_path / "out", "population_by_region"))
    years_by_code = {}
    for r in table:
        years_by_code.setdefault(r["region_code"], set()).add(int(r["year"]))
    assert years_by_code["51"] == {2015, 2016}
    assert years_by_code["61"] == set(range(2017, 2024))
    assert years_by_code["10"] == {2022, 2023}  # «-» before Abai existed leaves no row
    assert min(years_by_code["79"]) == 2017
    assert all(r["year"] != "" and r["region_code"] for r in table)  # the footnote row gave no cell


def by_country_sheet(title: str, regions: list[str], countries: list[str], directions: list[str]) -> Sheet:
    rows: list[tuple[str, list[object] | None]] = []
    for direction in directions:
        rows.append((direction, None))
        for region in regions:
            rows.append((region, None))
            parts = [(c, [figure(direction, region, c, y) for y in YEARS]) for c in countries]
            rows.append(("Всего", [sum(v[i] for _, v in parts) for i in range(len(YEARS))]))
            rows += parts
    return Sheet("Страны", title, YEARS, rows, footnotes=["Примечание: по данным МВД РК"])


def test_by_country_with_arrival_and_departure_sections(tmp_path: Path) -> None:
    countries = ["Россия", "Узбекистан", "Китай", "Другие страны"]
    regions = ["г. Алматы", "Жамбылская область", "Туркестанская 1"]
    sheet = by_country_sheet(
        "Международная миграция населения по странам", regions, countries, ["Прибывшие", "Выбывшие"]
    )
    write_workbook(tmp_path / "countries.xlsx", [sheet])
    ingest(tmp_path / "countries.xlsx", tmp_path / "out")
    table = read_rows(table_path(tmp_path / "out", "by_country"))
    codes = {"Россия": "RUS", "Узбекистан": "UZB", "Китай": "CHN", "Другие страны": "_O"}
    region_codes = {"г. Алматы": "75", "Жамбылская область": "31"}
    expected = {}
    for direction, code in (("Прибывшие", "arrival"), ("Выбывшие", "departure")):
        for region in regions:
            for year in YEARS:
                place = region_codes.get(region) or ("51" if year <= 2016 else "61")
                values = {codes[c]: figure(direction, region, c, year) for c in countries}
                values["_T"] = sum(values.values())
                for country, value in values.items():
                    expected[(str(year), place, code, country)] = value
    got = {(r["year"], r["region_code"], r["direction_code"], r["country_code"]): int(r["persons"]) for r in table}
    assert got == expected
    assert {(r["flow_code"], r["sex_code"], r["age_band_code"], r["age_from"], r["age_to"]) for r in table} == {
        ("external", "_T", "_T", "0", "")
    }


def test_region_table_with_sections_and_several_sheets(tmp_path: Path) -> None:
    arrivals = Sheet("Прибывшие", "Прибывшие из-за пределов республики по регионам", YEARS, region_block(YEARS, "arr"))
    departures = Sheet(
        "Выбывшие", "Внешняя миграция населения", YEARS, [("Выбывшие", None), *region_block(YEARS, "dep")]
    )
    write_workbook(tmp_path / "regions.xlsx", [arrivals, departures])
    ingest(tmp_path / "regions.xlsx", tmp_path / "out")
    table = read_rows(table_path(tmp_path / "out", "by_country"))
    got = {(r["year"], r["region_code"], r["direction_code"]): int(r["persons"]) for r in table}
    for key, direction in (("arr", "arrival"), ("dep", "departure")):
        for label, _ in REGION_ROWS:
            for year in YEARS:
                code = region_code(label, year)
                if code is not None:
                    assert got.pop((str(year), code, direction)) == figure(label, year, key)
        for year in YEARS:
            assert (str(year), "00", direction) in got
            got.pop((str(year), "00", direction))
    assert got == {}


def test_age_and_education_tables(tmp_path: Path) -> None:
    ages = ["0-15", "16-62", "63 и старше"]
    rows: list[tuple[str, list[object] | None]] = [("Прибывшие", None), ("Республика Казахстан", None)]
    for sex in ("Мужчины", "Женщины"):
        rows.append((sex, None))
        parts = [(a, [figure(sex, a, y) for y in YEARS]) for a in ages]
        rows += [("Всего", [sum(v[i] for _, v in parts) for i in range(len(YEARS))]), *parts]
    sex_age = Sheet("Возраст", "Международная миграция населения по полу и возрасту", YEARS, rows)
    levels = ["Высшее", "Среднее профессиональное", "Общее среднее", "Основное среднее и ниже"]
    parts = [(lv, [figure(lv, y) for y in YEARS]) for lv in levels]
    education = Sheet(
        "Образование",
        "Международная миграция населения в трудоспособном возрасте по уровню образования",
        YEARS,
        [
            ("Выбывшие", None),
            ("г. Алматы", None),
            ("Всего", [sum(v[i] for _, v in parts) for i in range(len(YEARS))]),
            *parts,
        ],
    )
    write_workbook(tmp_path / "t.xlsx", [sex_age, education])
    ingest(tmp_path / "t.xlsx", tmp_path / "out")
    t2 = read_rows(table_path(tmp_path / "out", "by_sex_age"))
    band = {r["age_band_code"]: (r["age_from"], r["age_to"]) for r in t2}
    assert band == {"_T": ("0", ""), "Y0T15": ("0", "16"), "Y16T62": ("16", "63"), "Y63_GE": ("63", "")}
    men_16_62_2020 = [r for r in t2 if (r["sex_code"], r["age_band_code"], r["year"]) == ("M", "Y16T62", "2020")]
    assert [int(r["persons"]) for r in men_16_62_2020] == [figure("Мужчины", "16-62", 2020)]
    t3 = read_rows(table_path(tmp_path / "out", "by_education"))
    assert {r["education_code"] for r in t3} == {"_T", "higher", "secondary_vocational", "general_secondary", "lower"}
    assert {(r["age_band_code"], r["age_from"], r["region_code"], r["direction_code"]) for r in t3} == {
        ("WA", "", "75", "departure")
    }


def test_format_is_detected_by_content_not_extension(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    write_workbook(src / "download.bin", population_sheets([2021, 2022]))
    ingest(src, tmp_path / "out")
    assert table_path(tmp_path / "out", "population_by_region").exists()
