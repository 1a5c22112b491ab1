"""Parser for BNS dynamic-table workbooks (xlsx).

Layout: title in A2 (merged), unit note at the right of row 5, numeric year header row, then
section rows (a label without figures: sex, «Городское население», «Прибывшие», a region in a
by-country table, «По странам» …) followed by data rows in BNS order, «-» where a region did
not exist yet, and footnote rows after the last data row. A sheet whose header rows were
stripped starts at the year row and takes its table from the other sheets of the workbook.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bns_ingest.ages import parse_age_label
from bns_ingest.cells import ALL_AGES, TOTAL, AgeBand, Cell, Location
from bns_ingest.context import IngestContext
from bns_ingest.names import strip_footnote_marks
from bns_ingest.tables import (
    POPULATION,
    ROW_KIND_LABELS,
    SECTION_LABELS,
    SECTION_LEVELS,
    TABLE_DIMENSIONS,
    TableSpec,
    language_refusal,
    match_title,
    normalise_label,
    normalise_title,
    title_language,
)
from bns_ingest.xlsx_reader import WorkbookError, read_sheets
from bns_ingest.xlsx_reader import column_letters as _letters

_YEAR_TEXT = re.compile(r"^\s*(\d{4})(\s*(год|г\.?))?\s*$")
_FOOTNOTE_LABEL = re.compile(r"^\s*(\d{1,2}\)|\*|примечание|источник)", re.IGNORECASE)
_ACCEPTED_UNITS = ("человек", "чел.")


def _year_of(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and value == int(value) and 1900 <= value <= 2100:
        return int(value)
    if isinstance(value, str) and (match := _YEAR_TEXT.match(value)):
        return int(match.group(1))
    return None


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass
class SheetHead:
    """What the rows above the figures say: title, unit, and which column holds which year."""

    name: str
    header_row: int  # 0-based index into the sheet's rows
    title: str | None
    unit: str | None
    year_columns: list[tuple[int, int]] = field(default_factory=list)


def _find_head(name: str, rows: list[tuple]) -> SheetHead | None:
    for index, row in enumerate(rows):
        # The year row has an empty first cell (data rows carry a label there).
        if _blank(row[0] if row else None) and any(_year_of(value) is not None for value in row[1:]):
            title = next((r[0] for r in rows[:index] if r and isinstance(r[0], str) and r[0].strip()), None)
            # The unit note sits at the right of the title block, never in column A.
            unit = next((v for r in rows[:index] for v in r[1:] if isinstance(v, str) and v.strip()), None)
            return SheetHead(name, index, title, unit)
    return None


@dataclass
class _SectionState:
    direction: str | None
    region_label: str | None = None
    sex: str = TOTAL
    settlement: str = TOTAL

    def set(self, level: str, code: str | None) -> None:
        order = SECTION_LEVELS.index(level)
        if level == "direction":
            self.direction = code
        elif level == "region":
            self.region_label = code
        elif level == "sex":
            self.sex = code or TOTAL
        else:
            self.settlement = code or TOTAL
        for lower in SECTION_LEVELS[order + 1 :]:
            if lower == "sex":
                self.sex = TOTAL
            elif lower == "settlement":
                self.settlement = TOTAL


def parse_workbook(path: Path, ctx: IngestContext, source_id: str, file: str = "") -> list[Cell]:
    """`file` names the workbook in problems (default: its file name)."""
    file = file or path.name
    try:
        sheets = read_sheets(path, file)
    except WorkbookError as error:
        for problem in error.problems:
            ctx.log.add(problem)
        return []
    if not sheets:
        ctx.problem_in_file(file, "the workbook has no sheets")
        return []
    heads = {name: _find_head(name, rows) for name, rows in sheets}
    language = _foreign_language(sheets, heads, ctx)
    if language is not None:
        ctx.problem_in_file(file, language)
        return []
    titled = {normalise_title(h.title): match_title(h.title) for h in heads.values() if h and h.title}
    for title, spec in titled.items():
        if spec is None:
            ctx.problem_in_file(
                file,
                f"unrecognised table title {title!r}: not in the explicit title mapping (bns_ingest/tables.py)",
            )
    known_specs = {spec for spec in titled.values() if spec is not None}
    cells: list[Cell] = []
    problems_before = len(ctx.log.problems)
    for name, rows in sheets:
        head = heads[name]
        if head is None:
            if any(not _blank(v) for row in rows for v in row):
                ctx.problem_in_file(file, "no row of year headers found", name)
            continue
        if head.title is not None:
            spec = match_title(head.title)
            if spec is None:
                continue
        elif len(known_specs) == 1:
            # Header rows stripped by whoever saved the file: the other sheets name the table.
            spec = next(iter(known_specs))
        else:
            ctx.problem_in_file(file, "sheet has no title row and the other sheets do not name one table", name)
            continue
        sheet_problems = len(ctx.log.problems)
        sheet_cells = _parse_sheet(file, head, rows, spec, ctx, source_id)
        if not sheet_cells and len(ctx.log.problems) == sheet_problems:
            ctx.problem_in_file(file, "no figures: the table has its title and year row but no data rows", name)
        cells += sheet_cells
    if not cells and len(ctx.log.problems) == problems_before:
        ctx.problem_in_file(file, "no figures: every sheet of the workbook is empty")
    return cells


def _foreign_language(
    sheets: list[tuple[str, list[tuple]]], heads: dict[str, SheetHead | None], ctx: IngestContext
) -> str | None:
    """Why the workbook is refused when it is the Kazakh or English version of a BNS table, else None.

    Judged by the titles; a workbook with no recognised title also by its sheet names and row labels
    (column A), so that a Kazakh table is named as such instead of failing title and section rows one by one."""
    titles = [h.title for h in heads.values() if h and isinstance(h.title, str) and h.title.strip()]
    for title in titles:
        language = title_language(title)
        if language is not None:
            return language_refusal(language, f"title {title.strip()!r}")
    if any(match_title(title) is not None for title in titles):
        return None
    labels = [name for name, _ in sheets] + [
        row[0] for _, rows in sheets for row in rows[:60] if row and isinstance(row[0], str) and row[0].strip()
    ]
    # Only Kazakh letters tell here (Excel names sheets «Sheet1» in English), in names the Russian tables do not
    # use: they spell the regions Жетісу and Ұлытау with their Kazakh letters too.
    dims = ctx.dims
    kazakh = list(dict.fromkeys(
        label.strip() for label in labels
        if title_language(label) == "Kazakh" and not dims.regions.is_known(strip_footnote_marks(label))
        and dims.countries.resolve(label) is None
    ))
    if not kazakh:
        return None
    return language_refusal("Kazakh", f"labels {', '.join(map(repr, kazakh[:2]))}")


def _year_columns(
    file: str, head: SheetHead, rows: list[tuple], spec: TableSpec, ctx: IngestContext
) -> list[tuple[int, int]]:
    columns: list[tuple[int, int]] = []
    seen: dict[int, str] = {}
    header = rows[head.header_row]
    for column, value in enumerate(header[1:], start=1):
        if _blank(value):
            continue
        where = Location(file, head.name, head.header_row + 1, _letters(column), value)
        year = _year_of(value)
        if year is None:
            ctx.problem(where, "header cell is not a year")
        elif not spec.first_year <= year <= spec.last_year:
            ctx.problem(where, f"year outside the table's range {spec.first_year}–{spec.last_year}")
        elif year in seen:
            ctx.problem(where, f"duplicate year column (also in column {seen[year]})")
        else:
            seen[year] = where.column
            columns.append((column, year))
    return columns


def _check_unit(file: str, head: SheetHead, ctx: IngestContext) -> None:
    if head.unit is not None and not normalise_label(head.unit).startswith(_ACCEPTED_UNITS):
        ctx.problem(
            Location(file, head.name, "", "", head.unit),
            "unit note is not «человек»: only counts of persons can be ingested",
        )


def _parse_sheet(
    file: str, head: SheetHead, rows: list[tuple], spec: TableSpec, ctx: IngestContext, source_id: str
) -> list[Cell]:
    _check_unit(file, head, ctx)
    columns = _year_columns(file, head, rows, spec, ctx)
    body = rows[head.header_row + 1 :]
    first_row_number = head.header_row + 2
    has_figures = [any(not _blank(row[c]) for c, _ in columns if c < len(row)) for row in body]
    last_data = max((i for i, flag in enumerate(has_figures) if flag), default=-1)

    state = _SectionState(spec.direction)
    sheet_section = SECTION_LABELS.get(normalise_label(head.name))
    if sheet_section:
        trap = _sheet_name_trap(head.name, sheet_section, spec)
        if trap:
            ctx.problem_in_file(file, trap, head.name)
            return []
        state.set(*sheet_section)
    _check_unheaded_columns(file, head, body, columns, rows[head.header_row], ctx)
    row_kind = spec.rows
    letters = {c: _letters(c) for c, _ in columns}
    cells: list[Cell] = []
    reported_table = False
    for offset, row in enumerate(body):
        number = first_row_number + offset
        label = row[0] if row else None
        if _blank(label):
            if has_figures[offset]:
                ctx.problem(Location(file, head.name, number, "A", None), "figures without a row label")
            continue
        label = str(label)
        if not has_figures[offset]:
            if offset > last_data or _FOOTNOTE_LABEL.match(label):
                continue  # footnote rows after the figures
            row_kind = _apply_section(file, head.name, number, label, spec, state, row_kind, ctx)
            continue
        table_code = spec.table_code(row_kind)
        if table_code is None:
            if not reported_table:
                ctx.problem(
                    Location(file, head.name, number, "A", label),
                    f"no canonical table holds {spec.flow} flows listed by {row_kind}",
                )
                reported_table = True
            continue
        cells += _data_row(
            file,
            head.name,
            number,
            row,
            label,
            spec,
            table_code,
            row_kind,
            state,
            columns,
            letters,
            ctx,
            source_id,
        )
    return cells


def _sheet_name_trap(name: str, section: tuple[str, str], spec: TableSpec) -> str:
    """Why a sheet name that reads as a section row («Мужчины», «Выбывшие») cannot apply to the table the
    title names, or "" when it can. Taking it anyway would file a table without a sex breakdown as men."""
    level, code = section
    if level == "direction":
        if spec.measure == POPULATION or (spec.direction and spec.direction != code):
            says = spec.direction or "population"
            return f"the sheet name {name!r} says {code}, which contradicts the table title (title says {says})"
        return ""
    table = spec.table_code(spec.rows) or ""
    if code != TOTAL and level not in TABLE_DIMENSIONS.get(table, frozenset()):
        return (
            f"the sheet name {name!r} reads as the {level} {code}, but the table the title names ({table}) has no "
            f"{level} breakdown: rename the sheet, or download the table by {level}"
        )
    return ""


def _check_unheaded_columns(
    file: str, head: SheetHead, body: list[tuple], columns: list[tuple[int, int]], header: tuple, ctx: IngestContext
) -> None:
    """A value right of the label column in a column with no year header would be dropped unseen."""
    year_columns = {c for c, _ in columns}
    for offset, row in enumerate(body):
        for column in range(1, len(row)):
            if column in year_columns or _blank(row[column]):
                continue
            if column < len(header) and not _blank(header[column]):
                continue  # its header cell was refused already
            where = Location(file, head.name, head.header_row + 2 + offset, _letters(column), row[column])
            ctx.problem(where, f"a value in a column with no year header (row {head.header_row + 1} is blank there)")


def _apply_section(
    file: str,
    sheet: str,
    number: int,
    label: str,
    spec: TableSpec,
    state: _SectionState,
    row_kind: str,
    ctx: IngestContext,
) -> str:
    where = Location(file, sheet, number, "A", label)
    text = normalise_label(strip_footnote_marks(label))
    table_dims = TABLE_DIMENSIONS.get(spec.table_code(row_kind) or "", frozenset())
    if text in SECTION_LABELS:
        level, code = SECTION_LABELS[text]
        if level == "direction":
            if spec.measure == POPULATION or (spec.direction and spec.direction != code):
                ctx.problem(
                    where,
                    f"section contradicts the table title (title says {spec.direction or 'population'})",
                )
                return row_kind
        elif code != TOTAL and level not in table_dims:
            ctx.problem(where, f"section breaks down {level}, which this table does not")
            return row_kind
        state.set(level, code)
        return row_kind
    if text in ROW_KIND_LABELS:
        return ROW_KIND_LABELS[text]
    if row_kind != "region" and ctx.dims.regions.is_known(label):
        state.set("region", label)
        return row_kind
    ctx.problem(where, "unrecognised section row (not a direction, sex, settlement, breakdown or region)")
    return row_kind


def _data_row(
    file: str,
    sheet: str,
    number: int,
    row: tuple,
    label: str,
    spec: TableSpec,
    table_code: str,
    row_kind: str,
    state: _SectionState,
    columns: list[tuple[int, int]],
    letters: dict[int, str],
    ctx: IngestContext,
    source_id: str,
) -> list[Cell]:
    where_label = Location(file, sheet, number, "A", label)
    if spec.measure != POPULATION and state.direction is None:
        ctx.problem(where_label, "no arrivals/departures section row before this row")
        return []
    direction = state.direction or ""
    country: str | None = TOTAL
    education: str | None = TOTAL
    specialty: str | None = TOTAL
    age: AgeBand | None = ALL_AGES
    region_label = label
    if row_kind != "region":
        if state.region_label is None:
            ctx.problem(where_label, "no region section row before these rows")
            return []
        region_label = state.region_label
        if row_kind == "country":
            country = ctx.coded("country", ctx.dims.countries, label, where_label)
        elif row_kind == "education":
            education = ctx.coded("education level", ctx.dims.education, label, where_label)
            age = AgeBand("WA", None, None)
        elif row_kind == "specialty":
            specialty = ctx.coded("specialty", ctx.dims.specialties, label, where_label)
            age = AgeBand("WA", None, None)
        elif row_kind == "age":
            age = parse_age_label(label)
            if age is None:
                ctx.problem(where_label, "age label not understood")
    if country is None or education is None or specialty is None or age is None:
        return []
    negative_ok = spec.counts_can_be_negative(direction)
    is_population = spec.measure == POPULATION
    limit = ctx.dims.bound.limit(is_population)
    flow = spec.flow
    cells = []
    width = len(row)
    resolved = ctx.resolved_regions
    for column, year in columns:
        raw = row[column] if column < width else None
        if raw is None:
            continue
        where = Location(file, sheet, number, letters[column], raw)
        # Fast path for the common case; anything else goes through the checking parser.
        persons = raw if type(raw) is int and 0 <= raw <= limit else ctx.count(raw, where, negative_ok, is_population)
        if persons is None:
            continue
        region = resolved.get((region_label, year)) or ctx.region(region_label, year, where)
        if region is None:
            continue
        cells.append(
            Cell(
                table_code,
                year,
                region[0],
                flow,
                direction,
                country,
                state.sex,
                state.settlement,
                age,
                education,
                specialty,
                persons,
                source_id,
                where,
                region[1],
            )
        )
    return cells
