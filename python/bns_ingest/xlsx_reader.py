"""A minimal, fast reader of cell values from an xlsx package (Office Open XML).

openpyxl spends most of its time building cell objects we never use; BNS dynamic tables need only
the values, so each sheet is scanned with regular expressions (expat when a cell has no
reference). Styles, merges and formulas are ignored (cached formula results are read as values).
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from pathlib import Path
from xml.parsers import expat

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_COLUMN = re.compile(r"^([A-Z]+)(\d+)$")


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _number(text: str) -> int | float:
    if text.lstrip("-").isdigit():
        return int(text)
    value = float(text)
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


class _TextCollector:
    """Collects the text of <t> elements, grouped by <si> (shared strings) or per cell."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self._parts: list[str] = []
        self._in_t = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == f"{_MAIN} si":
            self._parts = []
        elif name == f"{_MAIN} t":
            self._in_t = True

    def end(self, name: str) -> None:
        if name == f"{_MAIN} si":
            self.items.append("".join(self._parts))
        elif name == f"{_MAIN} t":
            self._in_t = False

    def data(self, text: str) -> None:
        if self._in_t:
            self._parts.append(text)


def _parse(xml: bytes, handler: object) -> None:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    parser.CharacterDataHandler = handler.data
    parser.Parse(xml, True)


class _SheetRows:
    """Streams <row>/<c> elements into a dense list of row tuples (row 1 at index 0)."""

    def __init__(self, shared: list[str]):
        self.shared = shared
        self.rows: dict[int, dict[int, object]] = {}
        self._row = 0
        self._next_row = 1
        self._col = 0
        self._next_col = 0
        self._type = "n"
        self._parts: list[str] = []
        self._collect = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name[len(_MAIN) + 1 :] if name.startswith(_MAIN) else name
        if local == "c":
            ref = attrs.get("r")
            if ref:
                match = _COLUMN.match(ref)
                self._col = _column_index(match.group(1))
            else:
                self._col = self._next_col
            self._next_col = self._col + 1
            self._type = attrs.get("t", "n")
            self._parts = []
        elif local == "row":
            self._row = int(attrs.get("r", self._next_row))
            self._next_row = self._row + 1
            self._next_col = 0
        elif local in ("v", "t"):
            self._collect = True

    def end(self, name: str) -> None:
        local = name[len(_MAIN) + 1 :] if name.startswith(_MAIN) else name
        if local in ("v", "t"):
            self._collect = False
        elif local == "c" and self._parts:
            text = "".join(self._parts)
            kind = self._type
            if kind == "s":
                value: object = self.shared[int(text)]
            elif kind == "n":
                value = _number(text)
            elif kind == "b":
                value = text == "1"
            else:  # str, inlineStr, e
                value = text
            self.rows.setdefault(self._row, {})[self._col] = value

    def data(self, text: str) -> None:
        if self._collect:
            self._parts.append(text)

    def dense(self) -> list[tuple]:
        if not self.rows:
            return []
        width = max(max(cells) for cells in self.rows.values()) + 1
        out = []
        for number in range(1, max(self.rows) + 1):
            cells = self.rows.get(number)
            if cells is None:
                out.append((None,) * width)
            else:
                out.append(tuple(cells.get(c) for c in range(width)))
        return out


def _sheet_targets(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    names: list[tuple[str, str]] = []

    class Workbook:
        def start(self, name: str, attrs: dict[str, str]) -> None:
            if name == f"{_MAIN} sheet":
                names.append((attrs["name"], attrs[f"{_REL} id"]))

        def end(self, name: str) -> None:
            pass

        def data(self, text: str) -> None:
            pass

    _parse(archive.read("xl/workbook.xml"), Workbook())
    targets: dict[str, str] = {}

    class Rels(Workbook):
        def start(self, name: str, attrs: dict[str, str]) -> None:
            if name == f"{_PKG_REL} Relationship":
                targets[attrs["Id"]] = attrs["Target"]

    _parse(archive.read("xl/_rels/workbook.xml.rels"), Rels())
    resolved = []
    for sheet_name, rel_id in names:
        target = targets[rel_id]
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        resolved.append((sheet_name, path))
    return resolved


_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_TYPE = re.compile(rb'\bt="(\w+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_TEXT = re.compile(rb"<(?:\w+:)?t(?:\s[^>]*)?>(.*?)</(?:\w+:)?t>", re.S)


# The shape Excel and openpyxl write: <c r="B7" s="3" t="n"><v>123</v></c>. Any other cell
# (formula, inline string, other attribute order) is matched by the generic group and decoded
# the slow way; a sheet with a cell the pattern skips is read by the generic scanner instead.
_PLAIN_CELL = re.compile(
    rb'<c r="([A-Z]+)(\d+)"(?: s="\d+")?(?: t="(\w+)")?(?:/>|><v>([^<]*)</v></c>|>(.*?)</c>)', re.S
)
_ANY_CELL_START = re.compile(rb"<(?:\w+:)?c[\s/>]")


def _decode(kind: bytes, text: bytes, shared: list[str]) -> object:
    if kind == b"n":
        return _number(text.decode())
    if kind == b"s":
        return shared[int(text)]
    if kind == b"b":
        return text == b"1"
    return html.unescape(text.decode())


def _cell_value(kind: bytes, inner: bytes, shared: list[str]) -> object:
    if kind == b"inlineStr":
        return html.unescape("".join(t.decode() for t in _TEXT.findall(inner)))
    found = _VALUE.search(inner)
    return None if found is None else _decode(kind, found.group(1), shared)


def _dense(rows: dict[int, dict[int, object]]) -> list[tuple]:
    rows = {number: cells for number, cells in rows.items() if cells}
    if not rows:
        return []
    width = max(max(cells) for cells in rows.values()) + 1
    return [
        tuple(cells.get(c) for c in range(width)) if (cells := rows.get(n)) else (None,) * width
        for n in range(1, max(rows) + 1)
    ]


def _plain_rows(xml: bytes, shared: list[str]) -> list[tuple] | None:
    matches = _PLAIN_CELL.findall(xml)
    if len(matches) != len(_ANY_CELL_START.findall(xml)):
        return None
    rows: dict[int, dict[int, object]] = {}
    columns: dict[bytes, int] = {}
    numbers: dict[bytes, dict[int, object]] = {}
    for letters, row, kind, value, inner in matches:
        cells = numbers.get(row)
        if cells is None:
            cells = numbers[row] = rows.setdefault(int(row), {})
        column = columns.get(letters)
        if column is None:
            column = columns[letters] = _column_index(letters.decode())
        kind = kind or b"n"
        if value:
            if kind == b"n" and value.isdigit():
                cells[column] = int(value)
            else:
                cells[column] = _decode(kind, value, shared)
        elif inner:
            decoded = _cell_value(kind, inner, shared)
            if decoded is not None:
                cells[column] = decoded
    return _dense(rows)


def _fast_rows(xml: bytes, shared: list[str]) -> list[tuple] | None:
    """Regex scan of the sheet XML; None when a cell lacks its reference (then expat is used)."""
    plain = _plain_rows(xml, shared)
    if plain is not None:
        return plain
    rows: dict[int, dict[int, object]] = {}
    for match in _CELL.finditer(xml):
        attrs, inner = match.group(1), match.group(2)
        if not inner:
            continue
        ref = _REF.search(attrs)
        if ref is None:
            return None
        kind_match = _TYPE.search(attrs)
        value = _cell_value(kind_match.group(1) if kind_match else b"n", inner, shared)
        if value is not None:
            rows.setdefault(int(ref.group(2)), {})[_column_index(ref.group(1).decode())] = value
    return _dense(rows)


def read_sheets(path: Path) -> list[tuple[str, list[tuple]]]:
    """[(sheet name, rows)] where rows[i] holds the values of row i + 1, padded with None."""
    with zipfile.ZipFile(path) as archive:
        shared: list[str] = []
        if "xl/sharedStrings.xml" in archive.namelist():
            collector = _TextCollector()
            _parse(archive.read("xl/sharedStrings.xml"), collector)
            shared = collector.items
        sheets = []
        for name, member in _sheet_targets(archive):
            xml = archive.read(member)
            fast = _fast_rows(xml, shared)
            if fast is None:
                rows = _SheetRows(shared)
                _parse(xml, rows)
                fast = rows.dense()
            sheets.append((name, fast))
    return sheets
