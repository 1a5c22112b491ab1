"""Name normalisation and lookup of BNS place and country names in the dimension seeds."""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

# Footnote markers BNS appends to names: «Туркестанская 1», «Туркестанская1)», «Абай*», «Жетісу²».
_FOOTNOTE_MARK = re.compile(r"(\s*(\d{1,2}\)?|[*¹²³⁴⁵⁶⁷⁸⁹⁰]+|\(\d{1,2}\)))+$")
_CITY_PREFIX = re.compile(r"^(г\.|город\s)\s*")
_OBLAST = re.compile(r"(^|\s)обл(асть|\.)(\s|$)")
_SPACES = re.compile(r"\s+")


def strip_footnote_marks(label: str) -> str:
    return _FOOTNOTE_MARK.sub("", str(label).strip()).strip()


def normalise_name(name: str) -> str:
    """Case-, spacing- and marker-insensitive form of a place or country name.

    Keeps the distinction between «г. Алматы» (city) and «Алматинская» (region) because the
    adjective form differs; only the decorations BNS varies between tables are removed.
    """
    text = str(name).replace("\xa0", " ").strip().lower().replace("ё", "е")
    text = _FOOTNOTE_MARK.sub("", text).strip()
    text = _CITY_PREFIX.sub("", text)
    text = _OBLAST.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True, slots=True)
class RegionVariant:
    name: str
    region_code: str
    place_kind: str
    valid_from: int | None
    valid_to: int | None

    def valid_in(self, year: int) -> bool:
        return (self.valid_from is None or year >= self.valid_from) and (self.valid_to is None or year <= self.valid_to)


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name_ru: str
    kind: str
    first_year: int
    last_year: int | None

    def exists_in(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)


def _int_or_none(text: str) -> int | None:
    return int(text) if text.strip() else None


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def closest(name: str, known: Mapping[str, object], limit: int = 3) -> list[str]:
    """The known spellings nearest to an unknown name, for the error message."""
    matches = difflib.get_close_matches(normalise_name(name), list(known), n=limit, cutoff=0.5)
    return matches


class RegionNames:
    """Resolves a region name valid in a given year to its two-digit KATO code."""

    def __init__(self, regions: list[Region], variants: list[RegionVariant]):
        self.regions = {region.code: region for region in regions}
        self._by_name: dict[str, list[RegionVariant]] = {}
        for variant in variants:
            self._by_name.setdefault(normalise_name(variant.name), []).append(variant)
        for region in regions:
            self._by_name.setdefault(normalise_name(region.name_ru), []).append(
                RegionVariant(region.name_ru, region.code, region.kind, None, None)
            )

    @classmethod
    def from_seeds(cls, seeds: Path) -> RegionNames:
        regions = [
            Region(
                row["region_code"],
                row["region_name_ru"],
                row["region_kind"],
                int(row["first_year"]),
                _int_or_none(row["last_year"]),
            )
            for row in _read_csv(seeds / "regions.csv")
        ]
        variants = [
            RegionVariant(
                row["name_variant"],
                row["region_code"],
                row["place_kind"],
                _int_or_none(row["valid_from_year"]),
                _int_or_none(row["valid_to_year"]),
            )
            for row in _read_csv(seeds / "region_name_variants.csv")
        ]
        return cls(regions, variants)

    def is_known(self, name: str) -> bool:
        return normalise_name(name) in self._by_name

    def resolve(self, name: str, year: int) -> RegionVariant | None:
        """The variant of `name` valid in `year`; None when the name has no meaning that year."""
        for variant in self._by_name.get(normalise_name(name), ()):
            if variant.valid_in(year):
                return variant
        return None

    def years_valid(self, name: str) -> str:
        spans = [
            f"{v.region_code} {v.valid_from or '…'}–{v.valid_to or '…'}"
            for v in self._by_name.get(normalise_name(name), ())
        ]
        return ", ".join(spans)

    def suggestions(self, name: str) -> list[str]:
        return closest(name, self._by_name)


class CodeNames:
    """Maps names to codes for an un-dated dimension (countries, education levels, specialties)."""

    def __init__(self, pairs: list[tuple[str, str]]):
        self._by_name: dict[str, str] = {}
        for name, code in pairs:
            self._by_name.setdefault(normalise_name(name), code)

    def resolve(self, name: str) -> str | None:
        return self._by_name.get(normalise_name(name))

    def suggestions(self, name: str) -> list[str]:
        return closest(name, self._by_name)

    def add(self, name: str, code: str) -> None:
        self._by_name[normalise_name(name)] = code


def country_names(seeds: Path) -> CodeNames:
    pairs = [(row["name_variant"], row["country_code"]) for row in _read_csv(seeds / "country_name_variants.csv")]
    pairs += [(row["country_name_ru"], row["country_code"]) for row in _read_csv(seeds / "countries.csv")]
    return CodeNames(pairs)


# Spellings BNS uses in education and specialty tables beyond the seed's own Russian names.
_EDUCATION_VARIANTS = [
    ("Всего", "_T"),
    ("Высшее", "higher"),
    ("Высшее и незаконченное высшее", "higher"),
    ("Среднее профессиональное", "secondary_vocational"),
    ("Среднее специальное", "secondary_vocational"),
    ("Техническое и профессиональное", "secondary_vocational"),
    ("Общее среднее", "general_secondary"),
    ("Основное среднее", "lower"),
    ("Основное среднее, начальное и не имеющие образования", "lower"),
]


def education_names(seeds: Path) -> CodeNames:
    pairs = [(row["education_name_ru"], row["education_code"]) for row in _read_csv(seeds / "education_levels.csv")]
    return CodeNames(pairs + _EDUCATION_VARIANTS)


def specialty_names(seeds: Path) -> CodeNames:
    pairs = [(row["specialty_name_ru"], row["specialty_code"]) for row in _read_csv(seeds / "specialties.csv")]
    return CodeNames([*pairs, ("Всего", "_T")])
