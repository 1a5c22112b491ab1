"""Benchmark: ingest a generated BNS by-country dynamic table of 20 regions x 24 years x 200 countries,
arrivals and departures, and print rows per second (target: under 2 s); then read its values with our
reader (python-calamine behind the bounds check) against openpyxl read-only, the ratio measured in this run.

    PYTHONPATH=python python bench/bench_ingest.py

The 200 country names are synthetic («Страна AFG» …, ISO codes from pycountry), registered in a
temporary copy of the dimension seeds so the real seeds stay untouched.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

import openpyxl
import pycountry
from openpyxl.styles import Font

from bns_ingest.context import DEFAULT_SEEDS
from bns_ingest.pipeline import ingest
from bns_ingest.xlsx_reader import read_sheets

YEARS = list(range(2000, 2024))
TARGET_SECONDS = 2.0
REGIONS = [  # BNS order; None = not yet existing in that year
    ("Абай", 2022),
    ("Акмолинская", 1991),
    ("Актюбинская", 1991),
    ("Алматинская", 1991),
    ("Атырауская", 1991),
    ("Западно-Казахстанская", 1991),
    ("Жамбылская", 1991),
    ("Жетісу", 2022),
    ("Карагандинская", 1991),
    ("Костанайская", 1991),
    ("Кызылординская", 1991),
    ("Мангистауская", 1991),
    ("Павлодарская", 1991),
    ("Северо-Казахстанская", 1991),
    ("Туркестанская 1", 1991),
    ("Ұлытау", 2022),
    ("Восточно-Казахстанская", 1991),
    ("г. Астана", 1991),
    ("г. Алматы", 1991),
    ("г. Шымкент", 2017),
]


def country_codes(count: int) -> list[str]:
    return sorted(country.alpha_3 for country in pycountry.countries)[:count]


def register_countries(seeds: Path, codes: list[str]) -> None:
    with open(seeds / "country_name_variants.csv", "a", encoding="utf-8") as handle:
        handle.writelines(f"Страна {code},{code}\n" for code in codes)


def figure(direction: int, region: int, country: int, year: int) -> int:
    return 1 + (direction * 7919 + region * 104729 + country * 1299709 + year * 15485863) % 997


def write_workbook(path: Path, codes: list[str]) -> int:
    """Writes the workbook; returns the number of figures (non-«-» cells) in it."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Страны")
    bold = Font(bold=True)
    sheet.append([])
    sheet.append(["Международная миграция населения по странам"])
    sheet.append([])
    sheet.append([])
    sheet.append([None] * (len(YEARS) - 2) + ["человек"])
    sheet.append([None, *YEARS])
    figures = 0
    for d, direction in enumerate(("Прибывшие", "Выбывшие")):
        sheet.append([direction])
        blocks = []
        for r, (region, first_year) in enumerate(REGIONS):
            rows = []
            for c, code in enumerate(codes):
                rows.append([f"Страна {code}"] + [figure(d, r, c, y) if y >= first_year else "-" for y in YEARS])
            blocks.append((region, rows))
        republic = [
            [f"Страна {code}"]
            + [sum(b[1][c][i + 1] for b in blocks if b[1][c][i + 1] != "-") for i in range(len(YEARS))]
            for c, code in enumerate(codes)
        ]
        for region, rows in [("Республика Казахстан", republic), *blocks]:
            sheet.append([region])
            total = ["Всего"] + [
                "-" if rows[0][i + 1] == "-" else sum(row[i + 1] for row in rows) for i in range(len(YEARS))
            ]
            for row in [total, *rows]:
                sheet.append(row)
                figures += sum(value != "-" for value in row[1:])
    del bold
    workbook.save(path)
    return figures


def openpyxl_values(path: Path) -> list[tuple[str, list[tuple]]]:
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheets = [(ws.title, [tuple(row) for row in ws.iter_rows(values_only=True)]) for ws in workbook.worksheets]
    workbook.close()
    return sheets


def best_of(runs: int, action) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    codes = country_codes(200)
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        seeds = root / "seeds"
        shutil.copytree(DEFAULT_SEEDS, seeds)
        register_countries(seeds, codes)
        (root / "src").mkdir()
        figures = write_workbook(root / "src" / "by_country.xlsx", codes)
        start = time.perf_counter()
        rows = ingest(root / "src", root / "out", seeds=seeds)
        seconds = time.perf_counter() - start
        workbook = root / "src" / "by_country.xlsx"
        ours = best_of(3, lambda: read_sheets(workbook))
        peer = best_of(3, lambda: openpyxl_values(workbook))
    total_rows = sum(rows.values())
    print(
        f"workbook: {len(REGIONS)} regions + Republic x {len(YEARS)} years x {len(codes)} countries, "
        f"arrivals and departures ({figures} figures)"
    )
    print(
        f"ingested {total_rows} rows in {seconds:.2f} s = {total_rows / seconds:,.0f} rows/s "
        f"(target < {TARGET_SECONDS:.0f} s: {'met' if seconds < TARGET_SECONDS else 'MISSED'}, "
        f"{seconds / TARGET_SECONDS:.2f} of it)"
    )
    print(
        f"xlsx values: our reader (calamine + bounds check) {ours:.3f} s, openpyxl read-only {peer:.3f} s: "
        f"{peer / ours:.1f}x faster (best of 3 each)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
