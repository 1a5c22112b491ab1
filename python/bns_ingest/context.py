"""Shared lookups and problem collection used by every parser."""

from __future__ import annotations

import csv
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
# A count as BNS prints it: digits, optionally in groups of three separated by a (no-break) space, with
# an optional sign. ASCII digits only: int() would also take «387_456» and full-width «３８７».
_COUNT_TEXT = re.compile(r"[-+]?(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)", re.ASCII)
_SPACES = re.compile(r"[ \u00a0\u202f]")
# A population figure may exceed the largest one in the seed (the population grows), by this much at most.
POPULATION_HEADROOM = 1.25
_UNKNOWN = ("?", "unknown")
_WRONG_YEAR = ("?", "wrong_year")
_MINUS = str.maketrans({"−": "-", "–": "-", "—": "-"})


@dataclass(frozen=True)
class CountBound:
    """No count of persons can exceed the country's population: the largest the Republic has had."""

    population: int
    year: int

    def limit(self, is_population: bool) -> int:
        return int(self.population * POPULATION_HEADROOM) if is_population else self.population

    def describe(self, is_population: bool) -> str:
        base = f"Kazakhstan's population ({self.population:,} on 1 January {self.year}, the largest in the seed)"
        return f"{POPULATION_HEADROOM:g} × {base}" if is_population else base

    @classmethod
    def from_seeds(cls, seeds: Path) -> CountBound:
        path = seeds / "bns_population_by_region.csv"
        with open(path, newline="", encoding="utf-8") as handle:
            republic = [
                (int(row["population"]), int(row["year"]))
                for row in csv.DictReader(handle)
                if row["region_code"] == "00" and row["sex_code"] == "_T" and row["settlement_code"] == "_T"
            ]
        if not republic:
            raise ValueError(f"{path} holds no population of the Republic (region 00)")
        return cls(*max(republic))


@dataclass
class Dimensions:
    regions: RegionNames
    countries: CodeNames
    education: CodeNames
    specialties: CodeNames
    bound: CountBound = field(default_factory=lambda: CountBound.from_seeds(DEFAULT_SEEDS))

    @classmethod
    def from_seeds(cls, seeds: Path = DEFAULT_SEEDS) -> Dimensions:
        return cls(
            RegionNames.from_seeds(seeds),
            country_names(seeds),
            education_names(seeds),
            specialty_names(seeds),
            CountBound.from_seeds(seeds if (seeds / "bns_population_by_region.csv").is_file() else DEFAULT_SEEDS),
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

    def count(self, raw: object, where: Location, negative_ok: bool, is_population: bool = False) -> int | None:
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
            text = text.translate(_MINUS)
            if not _COUNT_TEXT.fullmatch(text):
                self.problem(where, "not a number")
                return None
            value = int(_SPACES.sub("", text))
        if value < 0 and not negative_ok:
            self.problem(where, "negative count where counts cannot be negative")
            return None
        limit = self.dims.bound.limit(is_population)
        if abs(value) > limit:
            self.problem(where, f"more persons than {self.dims.bound.describe(is_population)}: not a count")
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
