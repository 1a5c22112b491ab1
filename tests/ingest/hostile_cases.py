"""Hostile downloads in the families of issue 11: empty, header only, out of range, number formats,
encodings, separators, sheet-name traps, stray far cells, absurd dimensions, huge files.

Each case writes its files into a folder and says what the ingest must do with them: refuse with a
message holding the given fragments (file, sheet, row, column, value as the case needs), or accept and
produce the stated figures. `python -m tests.ingest.hostile_cases` runs every case the way a user does
(`python -m bns_ingest SRC --out OUT` in a fresh process, time- and memory-limited) and prints how many
were refused with their location, accepted as expected, accepted wrongly, or ended in a traceback;
tests/ingest/test_hostile_inputs.py asserts the same cases in-process.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bns_ingest import textfile, xlsx_reader

from .bns_layouts import (
    REPUBLIC_LABEL,
    Sheet,
    population_sheets,
    read_rows,
    region_block,
    spaced,
    write_iblock,
    write_taldau,
    write_workbook,
)

YEARS = list(range(2019, 2024))
BLOCK = region_block(YEARS, "arr")
ARRIVALS = "Прибывшие из-за пределов республики"
REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO.parent / "shared" / "bns-samples"


@dataclass(frozen=True)
class Case:
    family: str
    make: Callable[[Path], None]
    # Refusals: fragments the message must hold. Acceptances: a check of the output folder that
    # returns None when the figures are right, else what is wrong.
    refuse: tuple[str, ...] = ()
    accept: Callable[[Path], str | None] | None = None
    partial_regions: bool = False  # the real iblock sample is an extract of a few regions


def with_cell(rows: list, label: str, year_index: int, value: object) -> list:
    out, done = [], False
    for row_label, values in rows:
        if row_label == label and values is not None and not done:
            done = True
            values = list(values)
            values[year_index] = value
        out.append((row_label, values))
    return out


def arrivals(rows: list, name: str = "Прибывшие", title: str | None = ARRIVALS, years: list[int] = YEARS) -> Sheet:
    return Sheet(name, title, years, rows)


def xlsx(*sheets: Sheet, name: str = "bad.xlsx") -> Callable[[Path], None]:
    return lambda folder: write_workbook(folder / name, list(sheets)) and None


def patch_member(path: Path, member: str, change: Callable[[bytes], bytes]) -> None:
    """Rewrite one part of an xlsx package, as a hand edit or another tool would."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts[member] = change(parts[member])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def patched_xlsx(change: Callable[[bytes], bytes], sheet: Sheet | None = None) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        path = write_workbook(folder / "bad.xlsx", [sheet or arrivals(BLOCK)])
        patch_member(path, "xl/worksheets/sheet1.xml", change)

    return make


def _set_cell(ref: str, inner: bytes, kind: str = "n") -> Callable[[bytes], bytes]:
    pattern = re.compile(rb'<c r="' + ref.encode() + rb'"[^>]*?(/>|>.*?</c>)', re.S)
    replacement = f'<c r="{ref}" t="{kind}">'.encode() + inner + b"</c>"
    return lambda xml: pattern.sub(lambda _: replacement, xml, count=1)


def _add_far_cell(ref: str, row: int) -> Callable[[bytes], bytes]:
    cell = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row>'.encode()
    return lambda xml: xml.replace(b"</sheetData>", cell + b"</sheetData>")


def _declare_dimension(ref: str) -> Callable[[bytes], bytes]:
    return lambda xml: re.sub(rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>'.encode(), xml)


def hand_package(sheets: dict[str, bytes]) -> Callable[[Path], None]:
    """An xlsx package written by hand: `sheets` maps sheet names to their sheet XML."""

    def make(folder: Path) -> None:
        entries = "".join(f'<sheet name="{n}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(sheets, 1))
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        with zipfile.ZipFile(folder / "bad.xlsx", "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(
                "[Content_Types].xml",
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="xml" ContentType="application/xml"/></Types>',
            )
            archive.writestr(
                "_rels/.rels",
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
            )
            archive.writestr(
                "xl/workbook.xml",
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                f"<sheets>{entries}</sheets></workbook>",
            )
            archive.writestr(
                "xl/_rels/workbook.xml.rels",
                f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}'
                "</Relationships>",
            )
            for i, xml in enumerate(sheets.values(), 1):
                archive.writestr(f"xl/worksheets/sheet{i}.xml", xml)

    return make


def _huge_sheet(folder: Path) -> None:
    """A sheet whose XML inflates to more than the ingest reads (a zip bomb, or a wrong export)."""
    padding = b" " * (xlsx_reader.MAX_PART_BYTES + (1 << 20))
    xml = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + padding
        + b"</sheetData></worksheet>"
    )
    hand_package({"Лист1": xml})(folder)


IBLOCK_ROWS = [
    {"year": 2023, "place": "Г.АЛМАТЫ", "val": spaced(-5561)},
    {"year": 2022, "place": "Г.АЛМАТЫ", "val": spaced(1234)},
]


def iblock(rows: list[dict], title: str = "Сальдо миграции по всем потокам(Человек)") -> Callable[[Path], None]:
    return lambda folder: write_iblock(folder / "bad.tsv", rows, title) and None


def reencoded_iblock(encoding: str, delimiter: str = "\t") -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        path = write_iblock(folder / "bad.tsv", IBLOCK_ROWS)
        text = path.read_text(encoding="utf-8")
        if delimiter != "\t":
            records = list(csv.reader(text.splitlines(), delimiter="\t"))
            with open(path, "w", newline="", encoding="utf-8") as handle:
                csv.writer(handle, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(records)
            text = path.read_text(encoding="utf-8")
        path.write_bytes(text.encode(encoding))

    return make


def iblock_balance(expected: dict[int, int]) -> Callable[[Path], str | None]:
    def check(out: Path) -> str | None:
        rows = read_rows(out / "balance_all_flows.csv")
        got = {int(r["year"]): int(r["persons"]) for r in rows if r["region_code"] == "75"}
        return None if got == expected else f"balance for Almaty {got}, expected {expected}"

    return check


def taldau(values: dict[int, object], encoding: str = "utf-8", raw: str | None = None) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        path = write_taldau(folder, "2929752", values)
        text = raw if raw is not None else path.read_text(encoding="utf-8")
        path.write_bytes(text.encode(encoding))

    return make


def national(expected: dict[int, int]) -> Callable[[Path], str | None]:
    def check(out: Path) -> str | None:
        got = {int(r["year"]): int(r["persons"]) for r in read_rows(out / "national_total.csv")}
        return None if got == expected else f"national arrivals {got}, expected {expected}"

    return check


def by_country_total(label_code: str, year: int, expected: int) -> Callable[[Path], str | None]:
    def check(out: Path) -> str | None:
        rows = read_rows(out / "by_country.csv")
        got = [int(r["persons"]) for r in rows if r["region_code"] == label_code and int(r["year"]) == year]
        return None if got == [expected] else f"region {label_code} {year}: {got}, expected [{expected}]"

    return check


def _write(name: str, data: bytes) -> Callable[[Path], None]:
    return lambda folder: (folder / name).write_bytes(data) and None


def _sparse_big_iblock(folder: Path) -> None:
    path = write_iblock(folder / "bad.tsv", IBLOCK_ROWS)
    with open(path, "r+b") as handle:
        handle.truncate(textfile.MAX_TEXT_BYTES + (1 << 20))  # sparse: costs no disk, reads as NUL bytes


def _request_only(folder: Path) -> None:
    write_taldau(folder, "2929752", {2023: "5"})
    (folder / "taldau_index_2929752_data.json").unlink()


def _sample(name: str, target: str, change: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        (folder / target).write_bytes(change((SAMPLES / name).read_bytes()))

    return make


def _sample_taldau_with_bom(folder: Path) -> None:
    shutil.copy(SAMPLES / "taldau_index_2929752_request.json", folder / "taldau_index_2929752_request.json")
    data = (SAMPLES / "taldau_index_2929752_external_arrivals.json").read_bytes()
    (folder / "taldau_index_2929752_external_arrivals.json").write_bytes(b"\xef\xbb\xbf" + data)


def _sample_national(out: Path) -> str | None:
    nodes = json.loads((SAMPLES / "taldau_index_2929752_external_arrivals.json").read_text(encoding="utf-8"))
    expected = {int(k[3:]): int(v) for k, v in nodes[0].items() if re.fullmatch(r"y12\d{4}", k) and v}
    return national(expected)(out)


def _sample_iblock_equal(out: Path) -> str | None:
    with open(SAMPLES / "iblock_csv_migration_balance_extract.tsv", newline="", encoding="utf-8") as handle:
        source = list(csv.DictReader(handle, delimiter="\t"))
    place = next(k for k in source[0] if k.startswith("КАТО"))
    settlement = next(k for k in source[0] if k.startswith("СПТМ"))
    expected = {
        int(r["DAT"][:4]): int(r["VAL"].replace(" ", ""))
        for r in source
        if r[place] == "Г.АЛМАТЫ" and r[settlement] == "Всего"
    }
    return iblock_balance(expected)(out)


COUNTRY_TITLE = "Международная миграция населения по странам"

CASES: dict[str, Case] = {
    # --- empty and header-only downloads -------------------------------------------------------------
    "xlsx: the only sheet is empty": Case(
        "empty", xlsx(Sheet("Лист1", None, [], [])), refuse=("bad.xlsx", "no figures")
    ),
    "xlsx: package with no sheets": Case("empty", hand_package({}), refuse=("bad.xlsx", "no sheets")),
    "xlsx: title and year row, no data rows": Case(
        "empty", xlsx(arrivals([])), refuse=("bad.xlsx", "sheet 'Прибывшие'", "no figures")
    ),
    "xlsx: section rows only": Case(
        "empty",
        xlsx(arrivals([("Прибывшие", None)], title="Внешняя миграция населения")),
        refuse=("bad.xlsx", "sheet 'Прибывшие'", "no figures"),
    ),
    "xlsx: every figure is «-»": Case(
        "empty",
        xlsx(arrivals([(label, ["-"] * len(YEARS)) for label, _ in BLOCK])),
        refuse=("bad.xlsx", "sheet 'Прибывшие'", "no figures"),
    ),
    "xlsx: title only, no year row": Case(
        "empty",
        patched_xlsx(lambda xml: re.sub(rb'<row r="(?!2")\d+".*?</row>', b"", xml, flags=re.S)),
        refuse=("bad.xlsx", "sheet 'Прибывшие'", "no row of year headers"),
    ),
    "iblock: header only": Case("empty", iblock([]), refuse=("bad.tsv", "no figures")),
    "iblock: empty file": Case("empty", _write("bad.tsv", b""), refuse=("bad.tsv", "empty")),
    "iblock: whitespace only": Case("empty", _write("bad.tsv", b" \r\n\r\n\t\n"), refuse=("bad.tsv", "empty")),
    "iblock: every VAL is «-»": Case(
        "empty", iblock([{"year": 2023, "place": "Г.АЛМАТЫ", "val": "-"}]), refuse=("bad.tsv", "row 2", "VAL")
    ),
    "Taldau: empty list": Case("empty", taldau({}, raw="[]"), refuse=("taldau_index_2929752_data.json",)),
    "Taldau: node without values": Case(
        "empty",
        taldau({}, raw='[{"id": "741880", "text": "РЕСПУБЛИКА КАЗАХСТАН", "leaf": "false"}]'),
        refuse=("taldau_index_2929752_data.json",),
    ),
    "Taldau: request json without its response": Case(
        "empty", _request_only, refuse=("taldau_index_2929752_request.json", "no response")
    ),
    # --- out of range --------------------------------------------------------------------------------
    "Taldau: value 10^20": Case(
        "range",
        taldau({2022: "5", 2023: "100000000000000000000"}),
        refuse=("taldau_index_2929752_data.json", "node 1", "column y122023", "100000000000000000000", "population"),
    ),
    "Taldau: value 10^20 as a JSON number": Case(
        "range",
        taldau({2022: "5", 2023: 10**20}),
        refuse=("column y122023", "100000000000000000000", "population"),
    ),
    "xlsx: number cell 1e20": Case(
        "range",
        xlsx(arrivals(with_cell(BLOCK, "Жамбылская", 2, 1e20))),
        refuse=("sheet 'Прибывшие'", "row 14", "column D", "population"),
    ),
    "xlsx: count above the country's population": Case(
        "range",
        xlsx(arrivals(with_cell(BLOCK, "Жамбылская", 2, 25_000_000))),
        refuse=("sheet 'Прибывшие'", "row 14", "column D", "25000000", "population"),
    ),
    "iblock: VAL 99 999 999 999": Case(
        "range",
        iblock([{"year": 2023, "place": "Г.АЛМАТЫ", "val": "99 999 999 999"}]),
        refuse=("bad.tsv", "row 2", "column VAL", "99 999 999 999", "population"),
    ),
    # --- number formats and separators ---------------------------------------------------------------
    "xlsx: text 387_456": Case(
        "number format",
        xlsx(arrivals(with_cell(BLOCK, "Жамбылская", 2, "387_456"))),
        refuse=("sheet 'Прибывшие'", "row 14", "column D", "'387_456'", "not a number"),
    ),
    "iblock: VAL 387_456": Case(
        "number format",
        iblock([{"year": 2023, "place": "Г.АЛМАТЫ", "val": "387_456"}]),
        refuse=("bad.tsv", "row 2", "column VAL", "'387_456'", "not a number"),
    ),
    "Taldau: value 387_456": Case(
        "number format",
        taldau({2023: "387_456"}),
        refuse=("node 1", "column y122023", "'387_456'", "not a number"),
    ),
    "xlsx: text 387,456 (comma as thousands)": Case(
        "number format",
        xlsx(arrivals(with_cell(BLOCK, "Жамбылская", 2, "387,456"))),
        refuse=("row 14", "column D", "'387,456'", "not a number"),
    ),
    "xlsx: text 387.5": Case(
        "number format",
        xlsx(arrivals(with_cell(BLOCK, "Жамбылская", 2, "387.5"))),
        refuse=("row 14", "column D", "'387.5'"),
    ),
    "xlsx: full-width digits ３８７": Case(
        "number format",
        xlsx(arrivals(with_cell(BLOCK, "Жамбылская", 2, "３８７"))),
        refuse=("row 14", "column D", "'３８７'", "not a number"),
    ),
    "xlsx: misgrouped 38 7456": Case(
        "number format",
        xlsx(arrivals(with_cell(BLOCK, "Жамбылская", 2, "38 7456"))),
        refuse=("row 14", "column D", "'38 7456'", "not a number"),
    ),
    "xlsx: numeric cell holding abc": Case(
        "number format",
        patched_xlsx(_set_cell("D14", b"<v>abc</v>")),
        refuse=("bad.xlsx", "sheet 'Прибывшие'", "row 14", "column D", "'abc'"),
    ),
    "xlsx: shared-string index out of range": Case(
        "number format",
        patched_xlsx(_set_cell("D14", b"<v>99999</v>", kind="s")),
        refuse=("bad.xlsx", "sheet 'Прибывшие'", "row 14", "column D", "99999"),
    ),
    "xlsx: text with no-break space thousands 4 210": Case(
        "number format",
        xlsx(arrivals([(REPUBLIC_LABEL, [4210]), ("г. Алматы", ["4\u00a0210"])], years=[2023])),
        accept=by_country_total("75", 2023, 4210),
    ),
    # --- encodings and separators --------------------------------------------------------------------
    "Taldau: response with a UTF-8 BOM": Case(
        "encoding", taldau({2022: "5", 2023: "7"}, encoding="utf-8-sig"), accept=national({2022: 5, 2023: 7})
    ),
    "Taldau: real sample with a UTF-8 BOM": Case(
        "encoding", _sample_taldau_with_bom, accept=_sample_national
    ),
    "Taldau: response in Windows-1251": Case(
        "encoding", taldau({2023: "7"}, encoding="cp1251"), accept=national({2023: 7})
    ),
    "Taldau: response in UTF-16": Case("encoding", taldau({2023: "7"}, encoding="utf-16"), accept=national({2023: 7})),
    "Taldau: truncated JSON": Case(
        "encoding",
        taldau({2023: "7"}, raw='[{"id": "741880", "text": "РЕСПУБЛИКА КАЗАХСТАН", "y122023": "7"'),
        refuse=("taldau_index_2929752_data.json", "JSON"),
    ),
    "Taldau: year given twice in one node": Case(
        "encoding",
        taldau({}, raw='[{"text": "РЕСПУБЛИКА КАЗАХСТАН", "y122023": "7", "y122023": "9"}]'),
        refuse=("taldau_index_2929752_data.json", "y122023", "twice"),
    ),
    "iblock: Windows-1251": Case(
        "encoding", reencoded_iblock("cp1251"), accept=iblock_balance({2022: 1234, 2023: -5561})
    ),
    "iblock: real sample in Windows-1251": Case(
        "encoding",
        _sample(
            "iblock_csv_migration_balance_extract.tsv", "extract.tsv", lambda b: b.decode("utf-8").encode("cp1251")
        ),
        accept=_sample_iblock_equal,
        partial_regions=True,
    ),
    "iblock: UTF-16 with BOM (Excel «Unicode text»)": Case(
        "encoding", reencoded_iblock("utf-16"), accept=iblock_balance({2022: 1234, 2023: -5561})
    ),
    "iblock: UTF-8 with BOM": Case(
        "encoding", reencoded_iblock("utf-8-sig"), accept=iblock_balance({2022: 1234, 2023: -5561})
    ),
    "iblock: KOI8-R": Case("encoding", reencoded_iblock("koi8_r"), refuse=("bad.tsv", "encoding")),
    "iblock: semicolon-separated, CRLF": Case(
        "separator", reencoded_iblock("utf-8", ";"), accept=iblock_balance({2022: 1234, 2023: -5561})
    ),
    "iblock: comma-separated": Case(
        "separator", reencoded_iblock("utf-8", ","), accept=iblock_balance({2022: 1234, 2023: -5561})
    ),
    "iblock: row with an extra field": Case(
        "separator",
        lambda folder: (write_iblock(folder / "bad.tsv", IBLOCK_ROWS).open("a", encoding="utf-8").write(
            '"Сальдо миграции по всем потокам(Человек)"\t"2021 год"\t"202112"\t"Г.АЛМАТЫ"\t"0"\t"Всего"\t"0"'
            '\t"Всего"\t"0"\t"Всего"\t"0"\t"1"\t"x"\n'
        ) and None),
        refuse=("bad.tsv", "row 4", "13 fields"),
    ),
    # --- sheet-name traps ----------------------------------------------------------------------------
    "xlsx: sheet «Мужчины» holding a table with no sex breakdown": Case(
        "sheet name",
        xlsx(arrivals(BLOCK, name="Мужчины")),
        refuse=("bad.xlsx", "sheet 'Мужчины'", "sex"),
    ),
    "xlsx: sheet «Выбывшие» holding the arrivals table": Case(
        "sheet name",
        xlsx(arrivals(BLOCK, name="Выбывшие")),
        refuse=("bad.xlsx", "sheet 'Выбывшие'", "contradicts"),
    ),
    "xlsx: sheet «Городское население» holding a by-country table": Case(
        "sheet name",
        xlsx(
            Sheet(
                "Городское население",
                COUNTRY_TITLE,
                [2023],
                [("Прибывшие", None), ("г. Алматы", None), ("Всего", [100]), ("Россия", [60])],
            )
        ),
        refuse=("sheet 'Городское население'", "settlement"),
    ),
    "xlsx: the same sheet twice": Case(
        "sheet name",
        xlsx(arrivals(BLOCK, name="Прибывшие"), arrivals(BLOCK, name="Прибывшие (2)")),
        refuse=("sheet 'Прибывшие (2)'", "duplicate cell"),
    ),
    "xlsx: population sheets «Мужчины»/«Женщины» (legitimate)": Case(
        "sheet name",
        xlsx(*population_sheets([2022, 2023]), name="pop.xlsx"),
        accept=lambda out: None if (out / "population" / "population_by_region.csv").is_file() else "no population",
    ),
    # --- stray cells, absurd dimensions, huge files --------------------------------------------------
    "xlsx: stray cell at XFD1048576": Case(
        "huge",
        patched_xlsx(_add_far_cell("XFD1048576", 1048576)),
        refuse=("bad.xlsx", "sheet 'Прибывшие'", "XFD1048576"),
    ),
    "xlsx: stray cell at A200000": Case(
        "huge", patched_xlsx(_add_far_cell("A200000", 200000)), refuse=("sheet 'Прибывшие'", "A200000")
    ),
    "xlsx: declared dimension A1:XFD1048576": Case(
        "huge", patched_xlsx(_declare_dimension("A1:XFD1048576")), refuse=("sheet 'Прибывшие'", "A1:XFD1048576")
    ),
    "xlsx: sheet XML inflating past the limit": Case("huge", _huge_sheet, refuse=("bad.xlsx", "Лист1", "MiB")),
    "xlsx: figure in a column with no year header": Case(
        "huge",
        patched_xlsx(_add_far_cell("K14", 14)),
        refuse=("sheet 'Прибывшие'", "row 14", "column K", "no year"),
    ),
    "iblock: file past the size limit": Case("huge", _sparse_big_iblock, refuse=("bad.tsv", "MiB")),
    # --- other formats reaching a user ---------------------------------------------------------------
    "xlsx: truncated package": Case(
        "format",
        lambda folder: (folder / "bad.xlsx").write_bytes(
            write_workbook(folder / "full.xlsx", [arrivals(BLOCK)]).read_bytes()[:3000]
        ) and (folder / "full.xlsx").unlink(),
        refuse=("bad.xlsx", "damaged"),
    ),
    "xls: old Excel 97-2003 workbook": Case(
        "format", _write("bad.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000), refuse=("bad.xls", "97-2003")
    ),
}


def _limit_memory() -> None:  # pragma: no cover - runs in the child between fork and exec
    limit = 4 << 30
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def run_case(name: str, case: Case, timeout: float) -> tuple[str, str, float]:
    """(outcome, detail, seconds): the CLI run in a fresh process on the case's files."""
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "src", Path(tmp) / "out" / "tables"
        src.mkdir()
        case.make(src)
        env = {**os.environ, "PYTHONPATH": str(REPO / "python")}
        started = time.monotonic()
        try:
            result = subprocess.run(
                [sys.executable, "-m", "bns_ingest", str(src), "--out", str(out)]
                + (["--allow-partial-regions"] if case.partial_regions else []),
                capture_output=True,
                text=True,
                cwd=REPO,
                env=env,
                timeout=timeout,
                preexec_fn=_limit_memory,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return "timed out", f"> {timeout:g} s", time.monotonic() - started
        seconds = time.monotonic() - started
        err = result.stderr
        if "Traceback" in err or result.returncode not in (0, 1):
            return "traceback", err.strip().splitlines()[-1] if err.strip() else f"exit {result.returncode}", seconds
        if result.returncode == 1:
            if case.refuse:
                missing = [f for f in case.refuse if f not in err]
                if not missing and not out.exists():
                    return "refused with location", err.strip().splitlines()[-1], seconds
                return "refused without location", f"missing {missing}: {err.strip()[-300:]}", seconds
            return "refused (should accept)", err.strip()[-300:], seconds
        if case.accept is not None:
            wrong = case.accept(out)
            return ("accepted" if wrong is None else "accepted, wrong figures"), wrong or "", seconds
        return "accepted (should refuse)", result.stdout.strip().splitlines()[-1], seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("-k", default="", help="run only cases whose name contains this")
    args = parser.parse_args()
    tally: dict[str, int] = {}
    for name, case in CASES.items():
        if args.k not in name:
            continue
        outcome, detail, seconds = run_case(name, case, args.timeout)
        tally[outcome] = tally.get(outcome, 0) + 1
        print(f"{outcome:28} {seconds:6.2f}s  {name}: {detail[:160]}", flush=True)
    print()
    print(", ".join(f"{count} {outcome}" for outcome, count in sorted(tally.items())), f"(of {sum(tally.values())})")
    good = tally.get("refused with location", 0) + tally.get("accepted", 0)
    return 0 if good == sum(tally.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
