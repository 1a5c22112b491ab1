"""Every malformed input is refused with its location, and the previous output stays as it was."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from bns_ingest import IngestError, ingest

from .bns_layouts import (
    REPUBLIC_LABEL,
    Sheet,
    population_sheets,
    region_block,
    write_iblock,
    write_taldau,
    write_workbook,
)

YEARS = list(range(2019, 2024))
REPO = Path(__file__).resolve().parents[2]


def arrivals_sheet(
    rows: list[tuple[str, list[object] | None]],
    title: str = "Прибывшие из-за пределов республики",
    years: list[int] = YEARS,
) -> Sheet:
    return Sheet("Прибывшие", title, years, rows)


def with_cell(rows: list, label: str, year_index: int, value: object) -> list:
    """`rows` with one figure replaced, in the first row labelled `label`."""
    out = []
    done = False
    for row_label, values in rows:
        if row_label == label and values is not None and not done:
            done = True
            values = list(values)
            values[year_index] = value
        out.append((row_label, values))
    return out


def xlsx(sheets: list[Sheet]) -> Callable[[Path], None]:
    return lambda folder: write_workbook(folder / "bad.xlsx", sheets) and None


def iblock(rows: list[dict], title: str = "Сальдо миграции по всем потокам(Человек)") -> Callable[[Path], None]:
    return lambda folder: write_iblock(folder / "bad.tsv", rows, title) and None


BLOCK = region_block(YEARS, "arr")
KAZAKH_TITLE = "Республика шегінен тыс жерлерден келгендер"
# Region rows as the Kazakh version prints them (names in Kazakh, figures as in the Russian one).
_KAZAKH_NAMES = {REPUBLIC_LABEL: "Қазақстан Республикасы", "Акмолинская": "Ақмола облысы", "г. Алматы": "Алматы қ."}
KAZAKH_BLOCK = [(_KAZAKH_NAMES.get(label, label), values) for label, values in BLOCK]


def _write_ods(path: Path) -> None:
    """A minimal OpenDocument spreadsheet as LibreOffice writes it: «mimetype» first, stored, then the content."""
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        package.writestr("content.xml", '<?xml version="1.0" encoding="UTF-8"?><office:document-content/>')
        package.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest/>')
# Row numbers below follow the template: title block, years in row 6, figures from row 7.
CASES = {
    "non-numeric value": (
        xlsx([arrivals_sheet(with_cell(BLOCK, "Жамбылская", 2, "12a"))]),
        ["bad.xlsx", "sheet 'Прибывшие'", "row 14", "column D", "'12a'", "not a number"],
    ),
    "negative count": (
        xlsx([arrivals_sheet(with_cell(BLOCK, "Жамбылская", 0, -7))]),
        ["row 14", "column B", "-7", "negative count"],
    ),
    "duplicate cell": (xlsx([arrivals_sheet([*BLOCK, BLOCK[7]])]), ["row 28", "duplicate cell", "row 14"]),
    "year outside the table's range": (
        xlsx([arrivals_sheet(region_block([1985, *YEARS[1:]], "a"), years=[1985, *YEARS[1:]])]),
        ["row 6", "column B", "1985", "outside the table's range"],
    ),
    "region before it existed": (
        xlsx([arrivals_sheet(with_cell(BLOCK, "Абай", 0, 5))]),
        ["row 8", "column B", "region 10 Абай reported for 2019", "2022"],
    ),
    "regions do not add up to the Republic": (
        xlsx([arrivals_sheet(with_cell(BLOCK, REPUBLIC_LABEL, 4, 10))]),
        ["row 7", "column F", "regions", "do not add up to the total 10"],
    ),
    "unknown region name": (
        xlsx([arrivals_sheet([(n if n != "Жамбылская" else "Жамбылькая обл.", v) for n, v in BLOCK])]),
        ["row 14", "unknown region name 'Жамбылькая обл.'", "closest known: 'жамбылская'"],
    ),
    "unrecognised title": (
        xlsx([arrivals_sheet(BLOCK, title="Миграция населения в разрезе чего-то")]),
        ["bad.xlsx", "unrecognised table title"],
    ),
    "unrecognised section row": (
        xlsx([arrivals_sheet([("Трудовые мигранты", None), *BLOCK])]),
        ["row 7", "unrecognised section row"],
    ),
    "countries do not add up to their total": (
        xlsx(
            [
                Sheet(
                    "C",
                    "Международная миграция населения по странам",
                    [2023],
                    [
                        ("Прибывшие", None),
                        ("г. Алматы", None),
                        ("Всего", [100]),
                        ("Россия", [60]),
                        ("Китай", [30]),
                        ("Другие страны", [20]),
                    ],
                )
            ]
        ),
        ["row 9", "column B", "country parts (3 rows, sum 110)", "total 100"],
    ),
    "unknown country": (
        xlsx(
            [
                Sheet(
                    "C",
                    "Международная миграция населения по странам",
                    [2023],
                    [("Прибывшие", None), ("г. Алматы", None), ("Всего", [100]), ("Россиия", [60])],
                )
            ]
        ),
        ["row 10", "unknown country name 'Россиия'", "'россия'"],
    ),
    "men and women do not add up to the stripped sheet": (
        xlsx(
            [
                Sheet(
                    s.name,
                    s.title,
                    s.years,
                    with_cell(s.rows, "Акмолинская", 1, 1) if s.title is None else s.rows,
                    s.unit,
                    s.footnotes,
                )
                for s in population_sheets([2022, 2023])
            ]
        ),
        ["sheet 'Все население'", "row 4", "column C", "sex parts"],
    ),
    "urban plus rural do not add up to the total": (
        xlsx(
            [
                Sheet(
                    s.name,
                    s.title,
                    s.years,
                    with_cell(s.rows, "Кызылординская", 0, 999999) if s.name == "Мужчины" else s.rows,
                    s.unit,
                    s.footnotes,
                )
                for s in population_sheets([2022])
            ]
        ),
        ["sheet 'Мужчины'", "row 19", "999999", "settlement parts"],
    ),
    "iblock value not a number": (
        iblock([{"year": 2023, "place": "Г.АЛМАТЫ", "val": "4l 210"}]),
        ["bad.tsv", "row 2", "column VAL", "'4l 210'", "not a number"],
    ),
    "iblock DAT and PERIOD disagree": (
        iblock([{"year": 2023, "place": "Г.АЛМАТЫ", "val": "1", "period": "202212"}]),
        ["row 2", "column DAT", "DAT does not name the year"],
    ),
    "iblock city exceeds its region": (
        iblock(
            [
                {"year": 2023, "place": "ЖАМБЫЛСКАЯ ОБЛАСТЬ", "val": "1 000"},
                {"year": 2023, "place": "ТАРАЗ Г.А.", "val": "1 500"},
            ],
            title="Прибывшие из-за пределов республики",
        ),
        ["row 3", "1 500", "city administration exceeds its region (1000"],
    ),
    "iblock unrecognised NAM": (
        iblock([{"year": 2023, "place": "Г.АЛМАТЫ", "val": "1"}], title="Сальдо чего-нибудь(Человек)"),
        ["row 2", "column NAM", "unrecognised table title"],
    ),
    "iblock Kazakh-language export": (
        iblock([{"year": 2023, "place": "Алматы қ.", "val": "1"}, {"year": 2022, "place": "Алматы қ.", "val": "2"}],
               title="Барлық ағындар бойынша көші-қонның сальдосы(Адам)"),
        ["bad.tsv", "row 2", "column NAM", "the Kazakh-language version of a BNS table",
         "'Барлық ағындар бойынша көші-қонның сальдосы(Адам)'", "only the Russian versions are read"],
    ),
    "iblock English-language export": (
        iblock([{"year": 2023, "place": "ALMATY CITY", "val": "1"}], title="Net migration, all flows(Persons)"),
        ["bad.tsv", "row 2", "column NAM", "the English-language version of a BNS table",
         "'Net migration, all flows(Persons)'"],
    ),
    "Taldau index not in the mapping": (
        lambda folder: write_taldau(folder, "1234567", {2023: "5"}) and None,
        ["taldau_index_1234567_data.json", "index 1234567 is not in the explicit index mapping"],
    ),
    "Taldau response without its request": (
        lambda folder: write_taldau(folder, "2929752", {2023: "5"}, with_request=False) and None,
        ["taldau_index_2929752_data.json", "save the request json"],
    ),
    "Taldau negative value": (
        lambda folder: write_taldau(folder, "2929752", {2023: "-5"}) and None,
        ["node 1 (РЕСПУБЛИКА КАЗАХСТАН)", "column y122023", "negative count"],
    ),
    # Python's json reads the NaN and Infinity literals as floats, which int() cannot convert.
    "Taldau value NaN": (
        lambda folder: write_taldau(folder, "2929752", {2022: "5", 2023: float("nan")}) and None,
        [
            "taldau_index_2929752_data.json",
            "node 1 (РЕСПУБЛИКА КАЗАХСТАН)",
            "column y122023",
            "not a number (value nan)",
        ],
    ),
    "Taldau value infinite": (
        lambda folder: write_taldau(folder, "2929752", {2023: float("-inf")}) and None,
        ["node 1 (РЕСПУБЛИКА КАЗАХСТАН)", "column y122023", "not a number (value -inf)"],
    ),
    "Taldau CSV export": (
        lambda folder: (
            (folder / "arrivals.csv").write_text("date,value,transformation\n2023-12-31,5.0,level\n", encoding="utf-8")
            and None
        ),
        ["arrivals.csv", "a Taldau CSV export (date,value,transformation) does not name its index"],
    ),
    "OpenDocument spreadsheet": (
        lambda folder: _write_ods(folder / "regions.ods"),
        ["regions.ods: an OpenDocument spreadsheet (.ods)", "save it as regions.xlsx"],
    ),
    # The Kazakh version of «Прибывшие из-за пределов республики»: one title, one sheet with its header
    # rows removed (which used to add «sheet has no title row»).
    "Kazakh-language table": (
        xlsx([arrivals_sheet(KAZAKH_BLOCK, title=KAZAKH_TITLE), Sheet("Парақ2", None, YEARS, KAZAKH_BLOCK)]),
        ["bad.xlsx: the Kazakh-language version of a BNS table", KAZAKH_TITLE, "only the Russian versions are read"],
    ),
    "Kazakh-language table without a title row": (
        xlsx([Sheet("Келгендер", None, YEARS, KAZAKH_BLOCK)]),
        ["bad.xlsx: the Kazakh-language version", "labels 'Қазақстан Республикасы', 'Ақмола облысы'"],
    ),
    "English-language table": (
        xlsx([arrivals_sheet(BLOCK, title="Arrivals from outside the republic")]),
        ["bad.xlsx: the English-language version", "'Arrivals from outside the republic'"],
    ),
    "file in no BNS format": (
        lambda folder: (folder / "notes.txt").write_text("hello", encoding="utf-8") and None,
        ["notes.txt", "not a BNS dynamic-table xlsx"],
    ),
}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def previous_output(tmp_path: Path) -> Path:
    """An output folder from an earlier good ingest."""
    good = tmp_path / "good"
    good.mkdir()
    write_workbook(good / "arrivals.xlsx", [arrivals_sheet(BLOCK)])
    ingest(good, tmp_path / "out")
    return tmp_path / "out"


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_input_is_refused_with_location_and_output_untouched(
    case: str, tmp_path: Path, previous_output: Path
) -> None:
    make, fragments = CASES[case]
    src = tmp_path / "bad"
    src.mkdir()
    make(src)
    before = snapshot(previous_output)
    entries_before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(IngestError) as caught:
        ingest(src, previous_output)
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} missing from:\n{message}"
    assert snapshot(previous_output) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == entries_before  # no stray temp folders


def test_all_problems_are_collected_in_one_error(tmp_path: Path) -> None:
    rows = with_cell(with_cell(BLOCK, "Жамбылская", 0, "x1"), "Павлодарская", 1, -3)
    write_workbook(
        tmp_path / "bad.xlsx", [arrivals_sheet([(n if n != "Актюбинская" else "Актюбинск", v) for n, v in rows])]
    )
    with pytest.raises(IngestError) as caught:
        ingest(tmp_path / "bad.xlsx", tmp_path / "out")
    messages = [p.message for p in caught.value.problems]
    assert any("not a number" in m for m in messages)
    assert any("negative count" in m for m in messages)
    assert any("unknown region name 'Актюбинск'" in m for m in messages)
    assert not (tmp_path / "out").exists()


def test_cli_exits_non_zero_with_the_message(tmp_path: Path, previous_output: Path) -> None:
    write_workbook(tmp_path / "bad.xlsx", [arrivals_sheet(with_cell(BLOCK, "Жамбылская", 2, "12a"))])
    before = snapshot(previous_output)
    result = subprocess.run(
        [sys.executable, "-m", "bns_ingest", str(tmp_path / "bad.xlsx"), "--out", str(previous_output)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={"PYTHONPATH": str(REPO / "python")},
    )
    assert result.returncode == 1
    assert "bad.xlsx, sheet 'Прибывшие', row 14, column D: not a number (value '12a')" in result.stderr
    assert snapshot(previous_output) == before


def test_a_future_year_is_outside_the_tables_range(tmp_path: Path) -> None:
    from datetime import date

    future = date.today().year + 1
    write_taldau(tmp_path, "2929752", {future: "5"})
    with pytest.raises(IngestError, match=rf"column y12{future}: year outside the table's range 1991–{future - 1}"):
        ingest(tmp_path, tmp_path / "out")


def test_problems_name_files_by_their_path_under_src(tmp_path: Path) -> None:
    for folder, bad_region in (("2023", "Жамбылская"), ("2024", "Павлодарская")):
        (tmp_path / "src" / folder).mkdir(parents=True)
        write_workbook(
            tmp_path / "src" / folder / "arrivals.xlsx", [arrivals_sheet(with_cell(BLOCK, bad_region, 1, "x"))]
        )
    with pytest.raises(IngestError) as caught:
        ingest(tmp_path / "src", tmp_path / "out")
    located = [(p.file, p.row, p.column) for p in caught.value.problems if p.message == "not a number"]
    assert located == [("2023/arrivals.xlsx", 14, "C"), ("2024/arrivals.xlsx", 20, "C")]


def test_same_named_downloads_in_two_folders_are_two_files(tmp_path: Path) -> None:
    # The same figures in two downloads agree and are kept once; with files named by their
    # basename alone they were taken for one file holding every cell twice.
    for folder in ("first", "second"):
        (tmp_path / "src" / folder).mkdir(parents=True)
        write_workbook(tmp_path / "src" / folder / "arrivals.xlsx", [arrivals_sheet(BLOCK)])
    rows = ingest(tmp_path / "src", tmp_path / "out")
    figures = sum(value != "-" for _, values in BLOCK for value in values)
    assert rows == {"by_country": figures}


def test_problems_are_reported_in_reading_order(tmp_path: Path) -> None:
    # Unknown names are collected apart from the other problems and reported after parsing;
    # the report still lists every problem by sheet, row and column. Rows follow the template:
    # Республика in row 7, Абай 8, Актюбинская 10, Жамбылская 14, Павлодарская 20.
    rows = with_cell(with_cell(BLOCK, "Павлодарская", 1, "x1"), "Абай", 4, -3)
    rows = with_cell(rows, "Павлодарская", 0, "y")
    rows = [(n if n != "Актюбинская" else "Актюбинск", v) for n, v in rows]
    write_workbook(tmp_path / "bad.xlsx", [arrivals_sheet(rows)])
    with pytest.raises(IngestError) as caught:
        ingest(tmp_path / "bad.xlsx", tmp_path / "out")
    # The Republic's row 7 comes first: its regions no longer add up without the refused figures.
    problems = caught.value.problems
    assert [(p.row, p.column) for p in problems] == [(7, c) for c in "BCDEF"] + [
        (8, "F"),
        (10, "B"),
        (20, "B"),
        (20, "C"),
    ]
    assert all("regions" in p.message for p in problems[:5])
    assert [p.message.split(";")[0] for p in problems[5:]] == [
        "negative count where counts cannot be negative",
        "unknown region name 'Актюбинск'",
        "not a number",
        "not a number",
    ]
