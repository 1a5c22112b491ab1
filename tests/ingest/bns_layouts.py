"""Writers of small files in the real BNS layouts, used as test fixtures.

Each writer mirrors one feature of ../shared/bns-samples: the dynamic-table template (title in A2
merged, unit note at the right of row 5, numeric years in row 6, bold section rows, «-» before a
region existed, footnote markers, an italic footnote row, a sheet with its header stripped), the
iblock CSV export (tab-separated, all fields quoted, spaces as thousands separators) and the
Taldau response with its request json.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

SEEDS = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"

# Row labels in BNS order as the real workbook prints them, with the code each means.
REGION_ROWS: list[tuple[str, str | None]] = [
    ("Абай", "10"),
    ("Акмолинская", "11"),
    ("Актюбинская", "15"),
    ("Алматинская", "19"),
    ("Атырауская", "23"),
    ("Западно-Казахстанская", "27"),
    ("Жамбылская", "31"),
    ("Жетісу", "33"),
    ("Карагандинская", "35"),
    ("Костанайская", "39"),
    ("Кызылординская", "43"),
    ("Мангистауская", "47"),
    ("Павлодарская", "55"),
    ("Северо-Казахстанская", "59"),
    ("Туркестанская 1", None),
    ("Ұлытау", "62"),
    ("Восточно-Казахстанская", "63"),
    ("г. Астана", "71"),
    ("г. Алматы", "75"),
    ("г. Шымкент", "79"),
]
REPUBLIC_LABEL = "Республика Казахстан "
CITIES = frozenset({"г. Астана", "г. Алматы", "г. Шымкент"})  # no rural population
FIRST_YEAR = {"10": 2022, "33": 2022, "62": 2022, "79": 2017}


def region_code(label: str, year: int) -> str | None:
    """Which region a row label means in a year, or None if that region did not exist then."""
    code = dict(REGION_ROWS)[label]
    if code is None:  # «Туркестанская»: South Kazakhstan until 2016 (the workbook's footnote)
        return "51" if year <= 2016 else "61"
    return code if year >= FIRST_YEAR.get(code, 1991) else None


def figure(*parts: object) -> int:
    """A deterministic, distinct positive figure for a cell, independent of the code under test."""
    text = "|".join(map(str, parts))
    return 100 + sum((i + 1) * ord(ch) for i, ch in enumerate(text)) % 9000


@dataclass
class Sheet:
    name: str
    title: str | None
    years: list[int]
    rows: list[tuple[str, list[object] | None]] = field(default_factory=list)
    unit: str = "человек"
    footnotes: list[str] = field(default_factory=list)


def region_block(
    years: list[int], *key: object, with_republic: bool = True, skip: frozenset[str] = frozenset()
) -> list[tuple[str, list[object]]]:
    """Region rows with figures `figure(label, year, *key)`, «-» before a region existed, and the
    Republic row as the sum of the regions."""
    rows = []
    totals = dict.fromkeys(years, 0)
    for label, _ in REGION_ROWS:
        if label in skip:
            continue
        values: list[object] = []
        for year in years:
            if region_code(label, year) is None:
                values.append("-")
            else:
                value = figure(label, year, *key)
                totals[year] += value
                values.append(value)
        rows.append((label, values))
    if with_republic:
        rows.insert(0, (REPUBLIC_LABEL, [totals[y] for y in years]))
    return rows


def write_workbook(path: Path, sheets: list[Sheet]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    bold, italic = Font(bold=True), Font(italic=True)
    for spec in sheets:
        ws = workbook.create_sheet(spec.name)
        last_col = len(spec.years) + 1
        if spec.title is None:  # header rows stripped: years in row 1
            header_row = 1
        else:
            ws.cell(2, 1, spec.title).font = bold
            ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=max(last_col - 1, 2))
            unit_col = max(last_col - 2, 2)
            ws.cell(5, unit_col, spec.unit)
            ws.merge_cells(start_row=5, start_column=unit_col, end_row=5, end_column=max(last_col, unit_col + 1))
            header_row = 6
        for offset, year in enumerate(spec.years):
            ws.cell(header_row, 2 + offset, year)
        row = header_row + 1
        for label, values in spec.rows:
            ws.cell(row, 1, label)
            if values is None:
                ws.cell(row, 1).font = bold
                ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
            else:
                for offset, value in enumerate(values):
                    ws.cell(row, 2 + offset, value)
            row += 1
        for note in spec.footnotes:
            ws.cell(row, 1, note).font = italic
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
            row += 1
    workbook.save(path)
    return path


def population_sheets(years: list[int]) -> list[Sheet]:
    """The population workbook: «Мужчины», «Женщины» with urban/rural sections, and «Все
    население» with its header stripped, holding men + women."""
    sheets = []
    all_values: dict[tuple[str, int], int] = {}
    for name, title in (
        ("Мужчины", "Численность мужчин по регионам Республики Казахстан"),
        ("Женщины", "Численность женщин по регионам Республики Казахстан"),
    ):
        urban = region_block(years, name, "urban")
        rural = region_block(years, name, "rural", skip=CITIES)
        rural_by_label = dict(rural)
        total = []
        for label, urban_values in urban:
            rural_values = rural_by_label.get(label, ["-"] * len(years))
            summed = [
                u if r == "-" else (r if u == "-" else u + r) for u, r in zip(urban_values, rural_values, strict=True)
            ]
            total.append((label, summed))
            for year, value in zip(years, summed, strict=True):
                if value != "-":
                    all_values[(label, year)] = all_values.get((label, year), 0) + value
        rows = [(name, None), *total, ("Городское население", None), *urban, ("Сельское население", None), *rural]
        sheets.append(
            Sheet(
                name,
                title,
                years,
                rows,
                unit="человек, на начало года",
                footnotes=["1) Данные за 2000-2016гг. по Южно-Казахстанской области."],
            )
        )
    all_rows = [
        (label, [all_values.get((label, y), "-") for y in years])
        for label in [REPUBLIC_LABEL] + [label for label, _ in REGION_ROWS]
    ]
    sheets.insert(0, Sheet("Все население", None, years, all_rows))
    return sheets


def write_iblock(
    path: Path, rows: list[dict[str, str]], title: str = "Сальдо миграции по всем потокам(Человек)"
) -> Path:
    header = [
        "NAM",
        "DAT",
        "PERIOD",
        "КАТО(по каталогу)",
        "LКАТО(по каталогу)",
        "СПТМ (по каталогу)",
        "LСПТМ (по каталогу)",
        "КН",
        "LКН",
        "СП",
        "LСП",
        "VAL",
    ]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter="\t", quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            year = row["year"]
            writer.writerow(
                [
                    row.get("nam", title),
                    f"{year} год",
                    row.get("period", f"{year}12"),
                    row["place"],
                    "0",
                    row.get("settlement", "Всего"),
                    "0",
                    row.get("kn", "Всего"),
                    "0",
                    "Всего",
                    "0",
                    row["val"],
                ]
            )
    return path


def spaced(value: int) -> str:
    """A figure as the iblock export prints it: «-5 561»."""
    return f"{value:,}".replace(",", " ")


def write_taldau(
    folder: Path,
    index_id: str,
    values: dict[int, object],
    name: str = "РЕСПУБЛИКА КАЗАХСТАН",
    with_request: bool = True,
) -> Path:
    node: dict[str, object] = {"id": "741880", "rownum": 1, "text": name, "leaf": "false"}
    for position, (year, value) in enumerate(sorted(values.items())):
        node[f"y12{year}"] = value
        node[f"12{year}"] = str(500 + position)
    data_path = folder / f"taldau_index_{index_id}_data.json"
    data_path.write_text(json.dumps([node], ensure_ascii=False), encoding="utf-8")
    if with_request:
        request = {"index_id": index_id, "request_body": {"p_index_id": index_id, "p_period_id": "7"}}
        (folder / f"taldau_index_{index_id}_request.json").write_text(json.dumps(request), encoding="utf-8")
    return data_path


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
