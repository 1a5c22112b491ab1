"""Explicit mapping from BNS table titles (and Taldau index ids) to what the table measures.

A title that matches no rule is an error: the measure of a migration table decides the sign rules
and the canonical table it lands in, so it is never guessed from loose keywords.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from bns_ingest.cells import POPULATION_TABLE, TOTAL

MIGRATION = "migration"
POPULATION = "population"

# Which dimensions each canonical table breaks down (besides region and year); every other
# dimension must stay at its total member `_T`.
TABLE_DIMENSIONS: dict[str, frozenset[str]] = {
    "national_total": frozenset(),
    "by_country": frozenset({"country"}),
    "by_sex_age": frozenset({"sex", "age"}),
    "by_education": frozenset({"education"}),
    "by_specialty": frozenset({"specialty"}),
    "balance_all_flows": frozenset({"settlement"}),
    POPULATION_TABLE: frozenset({"sex", "settlement"}),
}

# (flow, what the data rows list) -> canonical table. Region-only external tables are the `_T`
# country rows of T1, exactly as BNS prints them in the by-country table.
CANONICAL_TABLE: dict[tuple[str, str], str] = {
    ("external", "country"): "by_country",
    ("external", "region"): "by_country",
    ("external", "age"): "by_sex_age",
    ("external", "education"): "by_education",
    ("external", "specialty"): "by_specialty",
    ("all", "region"): "balance_all_flows",
}


@dataclass(frozen=True, slots=True)
class TableSpec:
    """What a published table measures. `direction` None means the sheet's section rows say it."""

    measure: str
    flow: str
    direction: str | None
    rows: str
    first_year: int = 1991  # independent Kazakhstan; BNS series start here
    # A year's flows (or population on 1 January) cannot be published before the year starts.
    last_year: int = field(default_factory=lambda: date.today().year)

    def table_code(self, rows: str | None = None) -> str | None:
        if self.measure == POPULATION:
            return POPULATION_TABLE
        return CANONICAL_TABLE.get((self.flow, rows or self.rows))

    def counts_can_be_negative(self, direction: str) -> bool:
        return self.measure == MIGRATION and direction == "net"


@dataclass(frozen=True, slots=True)
class TitleRule:
    pattern: re.Pattern[str]
    spec: TableSpec = field()


def _rule(pattern: str, measure: str, flow: str, direction: str | None, rows: str) -> TitleRule:
    return TitleRule(re.compile(pattern), TableSpec(measure, flow, direction, rows))


_ABROAD = r"(из-за пределов|из-за рубежа|из других стран)"
_TO_ABROAD = r"(за пределы|за рубеж|в другие страны)"
_COUNTRY = r"(республики казахстан|республики|казахстана|рк)"
_EXTERNAL = r"(внешняя|международная|внешней|международной)"
_BY_REGION = r"( по регионам( республики казахстан)?)?"

TITLE_RULES: tuple[TitleRule, ...] = (
    _rule(
        r"^численность (населения|мужчин|женщин)" + _BY_REGION + r"( на начало года)?$",
        POPULATION,
        "",
        None,
        "region",
    ),
    _rule(r"^" + _EXTERNAL + r" миграция населения" + _BY_REGION + r"$", MIGRATION, "external", None, "region"),
    _rule(
        r"^прибывшие " + _ABROAD + " " + _COUNTRY + _BY_REGION + r"$",
        MIGRATION,
        "external",
        "arrival",
        "region",
    ),
    _rule(
        r"^выбывшие " + _TO_ABROAD + " " + _COUNTRY + _BY_REGION + r"$",
        MIGRATION,
        "external",
        "departure",
        "region",
    ),
    _rule(r"^сальдо " + _EXTERNAL + r" миграции" + _BY_REGION + r"$", MIGRATION, "external", "net", "region"),
    _rule(r"^сальдо миграции по всем потокам" + _BY_REGION + r"$", MIGRATION, "all", "net", "region"),
    _rule(
        r"^" + _EXTERNAL + r" миграция населения по странам( прибытия и выбытия)?$",
        MIGRATION,
        "external",
        None,
        "country",
    ),
    _rule(
        r"^прибывшие " + _ABROAD + " " + _COUNTRY + r" по странам( прибытия)?$",
        MIGRATION,
        "external",
        "arrival",
        "country",
    ),
    _rule(
        r"^выбывшие " + _TO_ABROAD + " " + _COUNTRY + r" по странам( выбытия)?$",
        MIGRATION,
        "external",
        "departure",
        "country",
    ),
    _rule(
        r"^" + _EXTERNAL + r" миграция населения по полу и (возрасту|возрастным группам)$",
        MIGRATION,
        "external",
        None,
        "age",
    ),
    _rule(
        r"^" + _EXTERNAL + r" миграция населения в трудоспособном возрасте по уровню образования$",
        MIGRATION,
        "external",
        None,
        "education",
    ),
    _rule(
        r"^" + _EXTERNAL + r" миграция населения в трудоспособном возрасте по специальностям$",
        MIGRATION,
        "external",
        None,
        "specialty",
    ),
)

# Taldau index ids: the portal names an index only by id, so each one is listed here.
TALDAU_INDICES: dict[str, tuple[TableSpec, str]] = {
    "2929752": (TableSpec(MIGRATION, "external", "arrival", "national"), "00"),
    "2929753": (TableSpec(MIGRATION, "external", "departure", "national"), "00"),
}

_UNIT_SUFFIX = re.compile(r"\s*[(,]\s*(человек|чел\.?)\s*\)?\s*$")


def normalise_title(title: str) -> str:
    text = str(title).replace("\xa0", " ").lower().replace("ё", "е")
    text = re.sub(r"\s+", " ", text).strip().rstrip(".")
    return _UNIT_SUFFIX.sub("", text).strip()


# Letters of the Kazakh Cyrillic alphabet that Russian does not have: a title or label holding one is Kazakh.
_KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")


def title_language(text: str) -> str | None:
    """'Kazakh' or 'English' when `text` is written in a language whose tables are not read (BNS publishes
    each table in Kazakh, Russian and English; the title rules know the Russian titles only), else None."""
    if any(letter in _KAZAKH_LETTERS for letter in text):
        return "Kazakh"
    if _LATIN.search(text) and not _CYRILLIC.search(text):
        return "English"
    return None


def language_refusal(language: str, evidence: str) -> str:
    """Why a download is refused when it is the `language` version of a BNS table; `evidence` shows where."""
    return (
        f"the {language}-language version of a BNS table ({evidence}): only the Russian versions are read "
        "(their titles are in bns_ingest/tables.py); download the table again with the site switched to "
        "Russian (RU)"
    )


def match_title(title: str) -> TableSpec | None:
    """The spec of the single rule matching `title`, else None (the caller reports the error)."""
    text = normalise_title(title)
    matches = [rule.spec for rule in TITLE_RULES if rule.pattern.match(text)]
    return matches[0] if len(matches) == 1 else None


# Section rows: a label with no figures that sets one dimension for the rows below it.
# Levels reset the ones after them: a new direction starts a new sex and settlement block.
SECTION_LEVELS = ("direction", "region", "sex", "settlement")
SECTION_LABELS: dict[str, tuple[str, str]] = {
    "прибывшие": ("direction", "arrival"),
    "прибыло": ("direction", "arrival"),
    "прибывшие - всего": ("direction", "arrival"),
    "число прибывших": ("direction", "arrival"),
    "выбывшие": ("direction", "departure"),
    "выбыло": ("direction", "departure"),
    "выбывшие - всего": ("direction", "departure"),
    "число выбывших": ("direction", "departure"),
    "сальдо миграции": ("direction", "net"),
    "сальдо": ("direction", "net"),
    "мужчины": ("sex", "M"),
    "женщины": ("sex", "F"),
    "оба пола": ("sex", TOTAL),
    "все население": ("sex", TOTAL),
    "городское население": ("settlement", "urban"),
    "городская местность": ("settlement", "urban"),
    "сельское население": ("settlement", "rural"),
    "сельская местность": ("settlement", "rural"),
}
# Section rows that switch what the data rows below them list.
ROW_KIND_LABELS: dict[str, str] = {
    "по странам": "country",
    "по странам прибытия": "country",
    "по странам выбытия": "country",
    "по возрасту": "age",
    "по возрастным группам": "age",
    "по полу и возрасту": "age",
    "по уровню образования": "education",
    "по специальностям": "specialty",
    "по регионам": "region",
}


def normalise_label(label: str) -> str:
    text = str(label).replace("\xa0", " ").lower().replace("ё", "е")
    return re.sub(r"\s+", " ", text).strip().rstrip(":").strip()
