"""Shared lookups and problem collection used by every parser."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from bns_ingest.cells import Location
from bns_ingest.errors import Problem, ProblemLog
from bns_ingest.names import CodeNames, RegionNames, country_names, education_names, specialty_names

DEFAULT_SEEDS = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"

# Printed where a region did not exist yet or a figure is not published.
ABSENT_MARKS = frozenset({"-", "–", "—", "…", "...", ""})
_THOUSANDS = re.compile(r"[\s\u00a0\u202f]")
_UNKNOWN = ("?", "unknown")
_WRONG_YEAR = ("?", "wrong_year")
_MINUS = str.maketrans({"−": "-", "–": "-", "—": "-"})


@dataclass
class Dimensions:
    regions: RegionNames
    countries: CodeNames
    education: CodeNames
    specialties: CodeNames

    @classmethod
    def from_seeds(cls, seeds: Path = DEFAULT_SEEDS) -> Dimensions:
        return cls(
            RegionNames.from_seeds(seeds),
            country_names(seeds),
            education_names(seeds),
            specialty_names(seeds),
        )


@dataclass
class UnknownName:
    kind: str
    name: str
    where: Location
    suggestions: list[str]


@dataclass
class IngestContext:
    dims: Dimensions
    log: ProblemLog = field(default_factory=ProblemLog)
    unknown: dict[tuple[str, str], UnknownName] = field(default_factory=dict)
    _region_cache: dict[tuple[str, int], tuple[str, str]] = field(default_factory=dict)
    # Names already resolved without problems, for the parsers' per-figure fast path.
    resolved_regions: dict[tuple[str, int], tuple[str, str]] = field(default_factory=dict)

    def problem(self, where: Location, message: str) -> None:
        self.log.add(Problem(where.file, message, where.sheet, where.row, where.column, where.raw))

    def problem_in_file(self, file: str, message: str, sheet: str = "") -> None:
        self.log.add(Problem(file, message, sheet))

    def _unknown(self, kind: str, name: str, where: Location, suggestions: list[str]) -> None:
        self.unknown.setdefault((kind, name.strip()), UnknownName(kind, name.strip(), where, suggestions))

    def count(self, raw: object, where: Location, negative_ok: bool) -> int | None:
        """The integer count in a cell; None when the cell is an absent mark or wrong (logged)."""
        if raw is None:
            return None
        if isinstance(raw, bool):
            self.problem(where, "not a number")
            return None
        if isinstance(raw, int):
            value = raw
        elif isinstance(raw, float):
            if not math.isfinite(raw):  # NaN or infinity (JSON allows both), which int() cannot take
                self.problem(where, "not a number")
                return None
            if raw != int(raw):
                self.problem(where, "not a whole number of persons")
                return None
            value = int(raw)
        else:
            text = str(raw).strip()
            if text in ABSENT_MARKS:
                return None
            text = _THOUSANDS.sub("", text).translate(_MINUS)
            try:
                value = int(text)
            except ValueError:
                self.problem(where, "not a number")
                return None
        if value < 0 and not negative_ok:
            self.problem(where, "negative count where counts cannot be negative")
            return None
        return value

    def region(self, name: str, year: int, where: Location) -> tuple[str, str] | None:
        """(region_code, place_kind) of a name in a year, checking the region existed then.

        Call it only for cells that hold a figure: «-» before a region existed is not an error.
        """
        cache_key = (name, year)
        if cache_key not in self._region_cache:
            self._region_cache[cache_key] = self._resolve_region(name, year)
        resolved = self._region_cache[cache_key]
        if resolved[0] != "?":
            self.resolved_regions[cache_key] = resolved
        if resolved == _UNKNOWN:
            self._unknown("region", name, where, self.dims.regions.suggestions(name))
            return None
        if resolved == _WRONG_YEAR:
            self._report_region_year(name, year, where)
            return None
        return resolved

    def _resolve_region(self, name: str, year: int) -> tuple[str, str]:
        names = self.dims.regions
        if not names.is_known(name):
            return _UNKNOWN
        variant = names.resolve(name, year)
        if variant is None:
            return _WRONG_YEAR
        region = names.regions[variant.region_code]
        if variant.place_kind != "city_within_region" and not region.exists_in(year):
            return _WRONG_YEAR
        return variant.region_code, variant.place_kind

    def _report_region_year(self, name: str, year: int, where: Location) -> None:
        names = self.dims.regions
        variant = names.resolve(name, year)
        if variant is None:
            self.problem(where, f"{name.strip()!r} does not name a region in {year} (valid: {names.years_valid(name)})")
            return
        region = names.regions[variant.region_code]
        last = region.last_year or "…"
        self.problem(
            where,
            f"region {region.code} {region.name_ru} reported for {year}, "
            f"outside the years it existed ({region.first_year}–{last})",
        )

    def coded(self, kind: str, names: CodeNames, label: str, where: Location) -> str | None:
        code = names.resolve(label)
        if code is None:
            self._unknown(kind, label, where, names.suggestions(label))
        return code

    def report_unknown_names(self) -> None:
        for item in self.unknown.values():
            hint = ", ".join(repr(s) for s in item.suggestions) or "none close"
            self.problem(item.where, f"unknown {item.kind} name {item.name!r}; closest known: {hint}")
