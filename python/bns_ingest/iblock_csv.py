"""Parser for the BNS dynamic-table CSV export («iblock»): tab-separated, every field quoted,
long format with NAM, DAT («2023 год»), PERIOD («202312»), КАТО (place name), СПТМ (urban/rural),
КН, СП and VAL («-5 561»: spaces as thousands separators). Rows come in no particular order."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from bns_ingest.cells import ALL_AGES, TOTAL, Cell, Location
from bns_ingest.context import IngestContext
from bns_ingest.tables import (
    TABLE_DIMENSIONS,
    TableSpec,
    language_refusal,
    match_title,
    normalise_label,
    title_language,
)
from bns_ingest.textfile import TextFileError, read_text

SETTLEMENTS = {"всего": TOTAL, "городская местность": "urban", "сельская местность": "rural"}
_DAT = re.compile(r"^\s*(\d{4})\s*год\s*$")
_PERIOD = re.compile(r"^\s*(\d{4})(\d{2})\s*$")
REQUIRED = ("NAM", "PERIOD", "КАТО", "VAL")


def _column_roles(header: list[str]) -> dict[str, int]:
    """Role -> column index. Columns prefixed with L hold the catalogue codes and are not used."""
    roles: dict[str, int] = {}
    for index, name in enumerate(header):
        key = name.strip().lstrip("\ufeff").split("(")[0].strip().upper()
        if key in {"NAM", "DAT", "PERIOD", "VAL", "КАТО", "СПТМ", "КН", "СП"}:
            roles.setdefault(key, index)
    return roles


# The export is tab-separated; saved again from Excel in a Russian locale it is `;`-separated, elsewhere
# `,`-separated. The header row tells which: the separator that splits out NAM and VAL.
DELIMITERS = ("\t", ";", ",")


def iblock_delimiter(head: str) -> str | None:
    """The field separator of an iblock export whose first line is `head`'s, or None if it is not one."""
    first_line = head.lstrip("\ufeff").splitlines()[0] if head.strip() else ""
    for delimiter in DELIMITERS:
        fields = [f.strip().strip('"').strip() for f in first_line.split(delimiter)]
        if "NAM" in fields and "VAL" in fields:
            return delimiter
    return None


def _records(text: str, delimiter: str, file: str, ctx: IngestContext) -> list[list[str]] | None:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"')
    try:
        return list(reader)
    except csv.Error as error:  # a field past the csv module's limit, a NUL byte, an unclosed quote
        ctx.problem(Location(file, "", reader.line_num, "", ""), f"not a readable CSV row: {error}")
        return None


def parse_iblock(path: Path, ctx: IngestContext, source_id: str, file: str = "") -> list[Cell]:
    """`file` names the export in problems (default: its file name)."""
    file = file or path.name
    try:
        text = read_text(path)
    except TextFileError as error:
        ctx.problem_in_file(file, str(error))
        return []
    delimiter = iblock_delimiter(text.text) or "\t"
    records = _records(text.text, delimiter, file, ctx)
    if records is None:
        return []
    if not any(any(field.strip() for field in record) for record in records):
        ctx.problem_in_file(file, "empty file")
        return []
    header = records[0]
    roles = _column_roles(header)
    missing = [role for role in REQUIRED if role not in roles]
    if missing:
        ctx.problem_in_file(file, f"iblock export lacks column(s) {', '.join(missing)}{text.note()}")
        return []
    if not any(any(field.strip() for field in record) for record in records[1:]):
        ctx.problem_in_file(file, "no figures: the export has its header row and no data rows")
        return []
    cells: list[Cell] = []
    specs: dict[str, TableSpec | None] = {}
    for number, record in enumerate(records[1:], start=2):
        if not any(field.strip() for field in record):
            continue
        if len(record) != len(header):
            ctx.problem(
                Location(file, "", number, "", "\t".join(record)),
                f"row has {len(record)} fields, header has {len(header)}",
            )
            continue
        cell = _parse_record(file, number, record, header, roles, specs, ctx, source_id)
        if cell is not None:
            cells.append(cell)
    return cells


def _parse_record(
    file: str,
    number: int,
    record: list[str],
    header: list[str],
    roles: dict[str, int],
    specs: dict[str, TableSpec | None],
    ctx: IngestContext,
    source_id: str,
) -> Cell | None:
    def at(role: str) -> Location:
        return Location(file, "", number, header[roles[role]], record[roles[role]])

    title = record[roles["NAM"]]
    if title not in specs:
        specs[title] = match_title(title)
        language = title_language(title) if specs[title] is None else None
        if language is not None:
            ctx.problem(at("NAM"), language_refusal(language, f"NAM {title.strip()!r}"))
        elif specs[title] is None:
            ctx.problem(at("NAM"), "unrecognised table title (NAM): not in the explicit title mapping")
    spec = specs[title]
    if spec is None:
        return None
    table_code = spec.table_code("region")
    if table_code is None or spec.direction is None:
        ctx.problem(at("NAM"), f"no canonical table holds {spec.flow} flows listed by region")
        return None
    period = _PERIOD.match(record[roles["PERIOD"]])
    if period is None or period.group(2) != "12":
        ctx.problem(at("PERIOD"), "PERIOD is not a calendar year (YYYY12)")
        return None
    year = int(period.group(1))
    if "DAT" in roles:
        dat = _DAT.match(record[roles["DAT"]])
        if dat is None or int(dat.group(1)) != year:
            ctx.problem(at("DAT"), f"DAT does not name the year of PERIOD ({year})")
            return None
    if not spec.first_year <= year <= spec.last_year:
        ctx.problem(at("PERIOD"), f"year outside the table's range {spec.first_year}–{spec.last_year}")
        return None
    settlement = TOTAL
    if "СПТМ" in roles:
        named_settlement = SETTLEMENTS.get(normalise_label(record[roles["СПТМ"]]))
        if named_settlement is None:
            ctx.problem(at("СПТМ"), "settlement type not recognised")
            return None
        settlement = named_settlement
        if settlement != TOTAL and "settlement" not in TABLE_DIMENSIONS[table_code]:
            ctx.problem(at("СПТМ"), f"table {table_code} is not broken down by settlement")
            return None
    for role in ("КН", "СП"):
        if role in roles and normalise_label(record[roles[role]]) != "всего":
            ctx.problem(at(role), f"breakdown {role} other than «Всего» is not supported")
            return None
    persons = ctx.count(record[roles["VAL"]], at("VAL"), spec.counts_can_be_negative(spec.direction))
    if persons is None:
        if record[roles["VAL"]].strip() in {"", "-"}:
            ctx.problem(at("VAL"), "no figure in VAL")
        return None
    region = ctx.region(record[roles["КАТО"]], year, at("КАТО"))
    if region is None:
        return None
    return Cell(
        table_code,
        year,
        region[0],
        spec.flow,
        spec.direction,
        TOTAL,
        TOTAL,
        settlement,
        ALL_AGES,
        TOTAL,
        TOTAL,
        persons,
        source_id,
        at("VAL"),
        region[1],
    )
