"""Checks over all parsed cells together: duplicates, city administrations against their region,
and parts against their totals (regions vs Republic, men + women vs both sexes, urban + rural vs
total, countries / education levels / specialties / age bands vs their `_T` row)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable

from bns_ingest.cells import TOTAL, Cell
from bns_ingest.context import IngestContext
from bns_ingest.names import RegionNames
from bns_ingest.tables import TABLE_DIMENSIONS

REPUBLIC = "00"
CITY_WITHIN_REGION = "city_within_region"

# Position of each dimension in Cell.key(); region sums are handled separately (Republic `00`).
_KEY_INDEX = {"region": 2, "country": 5, "sex": 6, "settlement": 7, "age": 8, "education": 9, "specialty": 10}


def _where(cell: Cell) -> str:
    w = cell.where
    parts = [w.file] + ([f"sheet {w.sheet!r}"] if w.sheet else []) + [f"row {w.row}"]
    return ", ".join(parts + ([f"column {w.column}"] if w.column else []))


def drop_duplicates(cells: list[Cell], ctx: IngestContext) -> list[Cell]:
    """One cell per key. The same cell twice in one file is an error; a total repeated in two
    downloads is kept once when the figures agree and is an error when they differ."""
    seen: dict[tuple, Cell] = {}
    kept: list[Cell] = []
    for cell in cells:
        key = cell.key()
        first = seen.get(key)
        if first is None:
            seen[key] = cell
            kept.append(cell)
        elif first.where.file == cell.where.file:
            ctx.problem(cell.where, f"duplicate cell: the same figure is also given at {_where(first)}")
        elif first.persons != cell.persons:
            ctx.problem(cell.where, f"conflicts with {first.persons} given at {_where(first)}")
    return kept


def check_cities_within_regions(cells: list[Cell], ctx: IngestContext) -> list[Cell]:
    """City administrations («ТАРАЗ Г.А.») are not regions: they must not exceed their region
    where counts are non-negative, and they leave the regional output."""
    if not any(cell.region_kind == CITY_WITHIN_REGION for cell in cells):
        return cells
    regional = {cell.key()[:-1]: cell for cell in cells if cell.region_kind != CITY_WITHIN_REGION}
    for cell in cells:
        if cell.region_kind != CITY_WITHIN_REGION or cell.direction_code == "net":
            continue
        region = regional.get(cell.key()[:-1])
        if region is not None and cell.persons > region.persons:
            ctx.problem(cell.where, f"city administration exceeds its region ({region.persons} at {_where(region)})")
    return [cell for cell in cells if cell.region_kind != CITY_WITHIN_REGION]


class SumCheck:
    """Parts against their total within `tolerance` persons."""

    def __init__(self, ctx: IngestContext, tolerance: int):
        self.ctx = ctx
        self.tolerance = tolerance

    def compare(self, total: Cell, parts: Iterable[Cell], what: str, exact: bool) -> None:
        parts = list(parts)
        summed = sum(part.persons for part in parts)
        gap = summed - total.persons
        if (exact and abs(gap) > self.tolerance) or (not exact and gap > self.tolerance):
            relation = "do not add up to" if exact else "exceed"
            self.ctx.problem(
                total.where,
                f"{what} ({len(parts)} rows, sum {summed}) {relation} the total "
                f"{total.persons} (difference {gap}, tolerance {self.tolerance})",
            )


def _groups(cells: list[Cell], dimension: str) -> dict[tuple, dict[str, Cell]]:
    index = _KEY_INDEX[dimension]
    groups: dict[tuple, dict[str, Cell]] = {}
    for cell in cells:
        key = cell.key()[:-1]  # place kind differs between the Republic and regions; cities are gone
        groups.setdefault(key[:index] + key[index + 1 :], {})[key[index]] = cell
    return groups


def _check_regions(cells: list[Cell], regions: RegionNames, check: SumCheck, partial_regions: bool) -> None:
    """The regions printed must add up to the Republic, as the warehouse's regions_sum_to_republic
    test requires: a region without a row counts as 0 (cities have no rural rows). With
    `partial_regions` an extract listing only some regions is accepted unchecked."""
    existing: dict[int, frozenset[str]] = {}
    for members in _groups(cells, "region").values():
        total = members.get(REPUBLIC)
        parts = {code: cell for code, cell in members.items() if code != REPUBLIC}
        if total is None or not parts:
            continue
        year = total.year
        if year not in existing:
            existing[year] = frozenset(c for c, r in regions.regions.items() if c != REPUBLIC and r.exists_in(year))
        missing = sorted(existing[year] - parts.keys())
        if missing and partial_regions:
            continue
        what = f"regions (missing {' '.join(missing)})" if missing else "regions"
        check.compare(total, parts.values(), what, exact=True)


def _simple_dimension(
    cells: list[Cell], dimension: str, check: SumCheck, complete: Callable[[dict[str, Cell]], bool]
) -> None:
    for members in _groups(cells, dimension).values():
        total = members.get(TOTAL)
        parts = [cell for code, cell in members.items() if code != TOTAL]
        if total is None or not parts:
            continue
        exact = complete(members)
        if exact or total.direction_code != "net":
            check.compare(total, parts, f"{dimension} parts", exact=exact)


def _check_ages(cells: list[Cell], check: SumCheck) -> None:
    for members in _groups(cells, "age").values():
        total = members.get(TOTAL)
        bands = sorted(
            (c for code, c in members.items() if code not in (TOTAL, "WA")), key=lambda c: c.age.age_from or 0
        )
        if total is None or not bands:
            continue
        # Single years and bands may both be printed; only a non-overlapping set is summed.
        ends = [(b.age.age_from or 0, b.age.age_to) for b in bands]
        if any(prev_to is None or prev_to > start for (_, prev_to), (start, _) in itertools.pairwise(ends)):
            continue
        tiles = (
            ends[0][0] == 0
            and ends[-1][1] is None
            and all(prev_to == start for (_, prev_to), (start, _) in itertools.pairwise(ends))
        )
        if tiles or total.direction_code != "net":
            check.compare(total, bands, "age bands", exact=tiles)


def check_sums(
    cells: list[Cell], regions: RegionNames, ctx: IngestContext, tolerance: int, partial_regions: bool = False
) -> None:
    check = SumCheck(ctx, tolerance)
    by_table: dict[str, list[Cell]] = {}
    for cell in cells:
        by_table.setdefault(cell.table_code, []).append(cell)
    for table_code, table_cells in by_table.items():
        _check_regions(table_cells, regions, check, partial_regions)
        dims = TABLE_DIMENSIONS.get(table_code, frozenset())
        if "sex" in dims:
            _simple_dimension(table_cells, "sex", check, lambda m: {"M", "F"} <= m.keys())
        if "settlement" in dims:
            # Cities have no rural rows: whatever parts are printed must make up the total.
            _simple_dimension(table_cells, "settlement", check, lambda m: True)
        if "country" in dims:
            _simple_dimension(table_cells, "country", check, lambda m: "_O" in m)
        if "education" in dims:
            _simple_dimension(
                table_cells,
                "education",
                check,
                lambda m: {"higher", "secondary_vocational", "general_secondary", "lower"} <= m.keys(),
            )
        if "specialty" in dims:
            _simple_dimension(table_cells, "specialty", check, lambda m: "other" in m)
        if "age" in dims:
            _check_ages(table_cells, check)
