"""Cell values of an xlsx workbook, read with python-calamine inside bounds a hostile file cannot break.

calamine builds each sheet as one dense grid from A1 to its farthest cell, so a single stray value at
XFD1048576 would ask for 17 billion cells. Before calamine sees a sheet, its XML is streamed once
(bounded memory) to check its inflated size, its declared `<dimension>` and the real extent of the cells
that hold something; a sheet outside the limits is refused naming the far cell. When calamine cannot
read a cell (a number cell holding `abc`, a shared-string index past the table) it names no cell, so
the sheet is scanned again to find and name the cells it could not read.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import python_calamine

from bns_ingest.errors import Problem

# A BNS dynamic table has a label column and one column per year (1991 onwards) and, at most, tens of
# thousands of rows (regions × sexes × settlements × single years of age). Far above that is a stray cell.
# The grid calamine builds is rows × columns: 15 million cells at most, ~0.5 GB in calamine.
MAX_ROWS = 100_000
MAX_COLUMNS = 150
MAX_PART_BYTES = 256 << 20  # inflated size of one sheet or of the shared strings

_REF = re.compile(r"^([A-Z]{1,3})(\d{1,7})$")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([^"]*)"')
_MAYBE_FAR_REF = re.compile(rb'r="([A-Z]{3}|[E-Z][A-Z]|[A-Z]{1,2}(?=\d{6}))(\d+)"')
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d{1,7})"')
_FULL_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_TYPE = re.compile(rb'\bt="(\w+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_SI = re.compile(rb"<(?:\w+:)?si[\s>]")


class WorkbookError(Exception):
    """The workbook cannot be read within bounds; `problems` say where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(map(str, problems)))


def column_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _within(rows: int, columns: int) -> bool:
    return rows <= MAX_ROWS and columns <= MAX_COLUMNS


def _limits() -> str:
    return f"at most {MAX_ROWS:,} rows and {MAX_COLUMNS:,} columns"


def _chunks(archive: zipfile.ZipFile, member: str, size: int = 1 << 20) -> Iterator[bytes]:
    """The inflated part in pieces that end just before a `<`, so no tag is split between two."""
    leftover = b""
    with archive.open(member) as handle:
        while block := handle.read(size):
            data = leftover + block
            cut = data.rfind(b"<")
            if cut <= 0:
                leftover = data
                continue
            leftover = data[cut:]
            yield data[:cut]
    if leftover:
        yield leftover


def sheet_scan(archive: zipfile.ZipFile, member: str) -> tuple[str, str]:
    """(declared dimension, first cell holding something beyond the limits or ""), streamed in bounded
    memory. Only references that can lie beyond the limits are matched (three letters, two from EA, or a
    row number of six digits or more), so an ordinary sheet costs one quick pass of the regex engine."""
    declared = ""
    for index, chunk in enumerate(_chunks(archive, member)):
        if index == 0:
            found = _DIMENSION.search(chunk[:8192])
            declared = found.group(1).decode() if found else ""
        for match in _MAYBE_FAR_REF.finditer(chunk):
            letters, number = match.group(1).decode(), int(match.group(2))
            if _within(number, column_index(letters) + 1):
                continue
            start = chunk.rfind(b"<", 0, match.start())
            end = chunk.find(b">", match.end())
            tag = chunk[start : end + 1]
            # A formatted empty cell (`<c r="XFD1" s="1"/>`) is skipped by calamine and harmless.
            if re.match(rb"<(?:\w+:)?c\b", tag) and not tag.endswith(b"/>"):
                return declared, f"{letters}{number}"
    return declared, ""


def _declared_size(declared: str) -> tuple[int, int] | None:
    """(rows, columns) of a dimension such as `A1:G40`; None when it cannot be read (then ignored)."""
    parts = declared.split(":")
    matched = [_REF.match(part.replace("$", "")) for part in parts]
    refs = [ref for ref in matched if ref is not None]
    if not parts or len(refs) < len(matched):
        return None
    first, last = refs[0], refs[-1]
    rows = int(last.group(2)) - int(first.group(2)) + 1
    columns = column_index(last.group(1)) - column_index(first.group(1)) + 1
    return rows, columns


def _bounds_problems(archive: zipfile.ZipFile, file: str, sheet: str, member: str) -> list[Problem]:
    info = archive.getinfo(member)
    if info.file_size > MAX_PART_BYTES:
        return [
            Problem(
                file,
                f"the sheet's XML inflates to {info.file_size / (1 << 20):,.0f} MiB, more than the "
                f"{MAX_PART_BYTES >> 20} MiB a BNS table can take; refusing to read it",
                sheet,
            )
        ]
    declared, far_cell = sheet_scan(archive, member)
    size = _declared_size(declared) if declared else None
    if size is not None and not _within(*size):
        return [
            Problem(
                file,
                f"the sheet declares the dimension {declared} ({size[0]:,} rows × {size[1]:,} columns); a BNS "
                f"table has {_limits()}: delete the rows and columns beyond the table and save again",
                sheet,
            )
        ]
    if far_cell:
        return [
            Problem(
                file,
                f"a cell at {far_cell} lies far outside any BNS table (a BNS table has {_limits()}): "
                "delete it and save again",
                sheet,
                column=re.sub(r"\d", "", far_cell),
                row=int(re.sub(r"\D", "", far_cell)),
            )
        ]
    return []


def _shared_string_count(archive: zipfile.ZipFile) -> int:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return 0
    return sum(len(_SI.findall(chunk)) for chunk in _chunks(archive, "xl/sharedStrings.xml"))


def _unreadable_cells(archive: zipfile.ZipFile, file: str, sheet: str, member: str) -> list[Problem]:
    """The cells calamine refused, found by scanning the sheet: a number cell that holds no number, a
    shared-string index with no string, a boolean that is not 0 or 1."""
    strings = _shared_string_count(archive)
    problems: list[Problem] = []
    for chunk in _chunks(archive, member):
        for match in _FULL_CELL.finditer(chunk):
            attrs, inner = match.group(1), match.group(2)
            value = _VALUE.search(inner or b"")
            ref = _CELL_REF.search(attrs)
            if value is None or ref is None:
                continue
            kind_match = _TYPE.search(attrs)
            kind = kind_match.group(1) if kind_match else b"n"
            text = value.group(1).decode("utf-8", "replace")
            column, row = ref.group(1).decode(), int(ref.group(2))
            if kind == b"n":
                try:
                    float(text)
                except ValueError:
                    problems.append(Problem(file, "a number cell that holds no number", sheet, row, column, text))
            elif kind == b"s" and (not text.strip().isdigit() or int(text) >= strings):
                problems.append(
                    Problem(
                        file,
                        f"text cell points at shared string {text.strip()}, past the workbook's {strings} strings",
                        sheet,
                        row,
                        column,
                        text,
                    )
                )
            elif kind == b"b" and text.strip() not in ("0", "1"):
                problems.append(Problem(file, "a true/false cell that holds neither", sheet, row, column, text))
    return problems


_EXACT = 2.0**53


def _python_row(row: list) -> tuple:
    """calamine gives every number as a float and empty cells as ''; the parser expects whole numbers as
    int (exact below 2**53) and empty cells as None. One comprehension: this runs once per cell."""
    return tuple(
        [
            None if v == "" else (int(v) if v.__class__ is float and v.is_integer() and -_EXACT < v < _EXACT else v)
            for v in row
        ]
    )


def _sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part in the package, from the workbook and its relationships."""
    workbook = archive.read("xl/workbook.xml")
    rels = archive.read("xl/_rels/workbook.xml.rels")
    targets = {
        m.group(1).decode(): m.group(2).decode()
        for m in re.finditer(rb'<(?:\w+:)?Relationship\b[^>]*?\bId="([^"]+)"[^>]*?\bTarget="([^"]+)"', rels)
    }
    targets |= {
        m.group(2).decode(): m.group(1).decode()
        for m in re.finditer(rb'<(?:\w+:)?Relationship\b[^>]*?\bTarget="([^"]+)"[^>]*?\bId="([^"]+)"', rels)
    }
    members = {}
    for m in re.finditer(rb"<(?:\w+:)?sheet\b([^>]*)/?>", workbook):
        attrs = m.group(1)
        name = re.search(rb'\bname="([^"]*)"', attrs)
        rel = re.search(rb'\br:id="([^"]*)"', attrs) or re.search(rb'\b\w+:id="([^"]*)"', attrs)
        if name is None or rel is None or rel.group(1).decode() not in targets:
            continue
        target = targets[rel.group(1).decode()]
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl", target))
        members[html.unescape(name.group(1).decode())] = _normalise(path)
    return members


def _normalise(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def read_sheets(path: Path, file: str = "") -> list[tuple[str, list[tuple]]]:
    """[(sheet name, rows)] where rows[i] holds the values of row i + 1 from column A, padded with None.

    Raises WorkbookError naming the file, sheet and cell for a sheet outside the bounds or a cell that
    cannot be read; `file` names the workbook in those problems (default: its file name)."""
    file = file or Path(path).name
    try:
        with zipfile.ZipFile(path) as archive:
            members = _sheet_members(archive)
            problems = []
            for name, member in members.items():
                if member in archive.namelist():
                    problems += _bounds_problems(archive, file, name, member)
            if problems:
                raise WorkbookError(problems)
            workbook = python_calamine.CalamineWorkbook.from_path(str(path))
            sheets: list[tuple[str, list[tuple]]] = []
            for name in workbook.sheet_names:
                try:
                    grid = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
                except python_calamine.CalamineError as error:
                    sheet_member = members.get(name)
                    located = _unreadable_cells(archive, file, name, sheet_member) if sheet_member else []
                    problems += located or [Problem(file, f"cannot read the sheet: {error}", name)]
                    continue
                rows = [_python_row(row) for row in grid]
                while rows and all(value is None for value in rows[-1]):
                    rows.pop()
                sheets.append((name, rows))
            workbook.close()
    except (zipfile.BadZipFile, KeyError, python_calamine.CalamineError, EOFError) as error:
        reason = str(error) or type(error).__name__
        raise WorkbookError([Problem(file, f"the xlsx package is damaged or incomplete ({reason})")]) from None
    if problems:
        raise WorkbookError(problems)
    return sheets
