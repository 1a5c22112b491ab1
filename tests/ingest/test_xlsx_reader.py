"""The fast xlsx value reader returns what openpyxl reads, for every cell encoding."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl

from bns_ingest.xlsx_reader import read_sheets

from .bns_layouts import population_sheets, write_workbook


def openpyxl_values(path: Path) -> list[tuple[str, list[tuple]]]:
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheets = []
    for ws in workbook.worksheets:
        rows = [tuple(row) for row in ws.iter_rows(values_only=True)]
        while rows and all(v is None for v in rows[-1]):
            rows.pop()
        sheets.append((ws.title, rows))
    workbook.close()
    return sheets


def trimmed(sheets: list[tuple[str, list[tuple]]]) -> list[tuple[str, list[tuple]]]:
    out = []
    for name, rows in sheets:
        width = max((i + 1 for row in rows for i, v in enumerate(row) if v is not None), default=0)
        out.append((name, [tuple(row[:width]) + (None,) * (width - len(row[:width])) for row in rows]))
    return out


def test_matches_openpyxl_on_a_bns_template_workbook(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "pop.xlsx", population_sheets([2016, 2017, 2022]))
    assert trimmed(read_sheets(path)) == trimmed(openpyxl_values(path))


def test_inline_strings_formulas_and_cells_without_reference(tmp_path: Path) -> None:
    """A hand-written package: inline rich text, a cached formula result, booleans, escaped
    text, and a row whose cells carry no `r` reference (read by the generic scanner)."""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="B1"><v>2022</v></c><c r="C1" t="str"><f>B1+1</f><v>2023</v></c></row>'
        '<row r="3"><c r="A3" t="inlineStr"><is><r><t>г. Ал</t></r><r><t>маты &amp; K</t></r></is></c>'
        '<c r="B3"><v>1.5</v></c><c r="C3" t="b"><v>1</v></c></row>'
        '<row r="4"><c t="inlineStr"><is><t>Абай</t></is></c><c><v>7</v></c></row>'
        "</sheetData></worksheet>"
    )
    workbook = (
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Лист1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    )
    path = tmp_path / "hand.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        # Every OOXML package names its main part in _rels/.rels (calamine, like Excel, needs it).
        archive.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", rels)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    [(name, rows)] = read_sheets(path)
    assert name == "Лист1"
    assert rows == [
        (None, 2022, "2023"),
        (None, None, None),
        ("г. Алматы & K", 1.5, True),
        ("Абай", 7, None),
    ]
