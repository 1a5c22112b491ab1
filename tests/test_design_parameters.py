"""The study's design is defined once: no copy of a design value anywhere else in the code.

The one home: the dbt vars of ``dbt_project/dbt_project.yml`` (treated region, controls, the territories bordering
Russia, crisis start year) and the seed ``dbt_project/seeds/analysis_periods.csv`` (the periods and the study's
window). The reference year is the crisis start year minus one. The code reads them (``var()``, ``ref()`` of
``int_study_design`` and the seed, ``analysis.design`` on the warehouse's ``dim_study_design``).

This test reads the design from its home and searches the dbt models, macros and data tests, ``python/`` and
``scripts/`` for a copy of it:

* a design region code as a quoted literal (``'75'``, ``"31"``);
* the crisis start year or the reference year as a number (``2022``, ``2021``);
* a period's boundaries as a pair (``between 2003 and 2013`` in SQL; ``2003, 2013`` in Python).

Comments, docstrings and SQL comments are not code and are not searched. A hit fails the test, naming file and
line, unless :data:`ALLOWED` lists the file with the reason the value there is not the design.
"""

from __future__ import annotations

import csv
import io
import re
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
PROJECT = REPO / "dbt_project" / "dbt_project.yml"
PERIODS = REPO / "dbt_project" / "seeds" / "analysis_periods.csv"
SEARCHED = [
    REPO / "dbt_project" / "models",
    REPO / "dbt_project" / "macros",
    REPO / "dbt_project" / "tests",
    REPO / "python",
    REPO / "scripts",
]
REGION, YEAR, PERIOD = "region code", "crisis or reference year", "period boundaries"

# file (relative to the repository) -> {kind of value: why a literal there is not the study's design}
ALLOWED: dict[str, dict[str, str]] = {
    # The claims state calendar years as the paper wrote them ("arrivals of 2023 over those of 2022"): they are
    # the claim itself, compared with the paper's number, not the crisis year of the causal design.
    "dbt_project/models/intermediate/claims/topics/int_claim_values__balance.sql": {
        YEAR: "a claim's own calendar years, as the paper states them",
    },
    "dbt_project/models/intermediate/claims/topics/int_claim_values__countries.sql": {
        YEAR: "a claim's own calendar years, as the paper states them (C28: 13 years 2009-2021)",
    },
    "dbt_project/models/intermediate/claims/topics/int_claim_values__education.sql": {
        YEAR: "a claim's own calendar years, as the paper states them",
    },
    "dbt_project/models/intermediate/claims/topics/int_claim_values__specialties.sql": {
        YEAR: "a claim's own calendar years, as the paper states them",
    },
    # The paper's correlation claims with the years each states (C36: 2000-2021).
    "python/estimators/paper_correlations.py": {
        PERIOD: "a claim's own years, as the paper states them",
        YEAR: "a claim's own years, as the paper states them",
    },
    # Series names (almaty.arrivals.RUS) name regions: a lookup of names, not the design's choice of regions.
    "python/analysis/series.py": {REGION: "region names of the series grammar (almaty, taraz, oral)"},
    # The reconstruction is calibrated to the paper's figures for Almaty (and Zhambyl, West Kazakhstan): these
    # codes name the regions the source figures describe, whatever region a build treats.
    "python/reference_data/inputs.py": {REGION: "the region the paper's figures describe (reconstruction)"},
    "python/reference_data/crossval.py": {REGION: "the reconstruction's kind of figure (Almaty's calibrated series)"},
    "python/reference_data/bounds.py": {
        REGION: "the regions whose published figures bound the reconstruction",
        YEAR: "the years of those published figures",
    },
    "dbt_project/macros/modeled_interval.sql": {
        REGION: "the reconstruction's kind of figure, as reference_data.crossval.kind_of files it",
    },
    # The carry scripts copy published figures (region, year, value) from their sources into data/.
    "scripts/carry_flow_kinds.py": {
        REGION: "KATO codes of region names in a published table",
        YEAR: "years of published figures",
        PERIOD: "years of published figures",
    },
    "scripts/carry_press_figures.py": {REGION: "KATO codes of the regions a press release names"},
    "scripts/carry_press_figures_3.py": {
        REGION: "regions of published figures",
        YEAR: "years of published figures",
    },
}


@dataclass(frozen=True)
class Design:
    region_codes: frozenset[str]
    years: frozenset[int]
    periods: frozenset[tuple[int, int]]


@dataclass(frozen=True)
class Hit:
    path: str
    line: int
    kind: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.kind} {self.text!r}"


def design_from_home() -> Design:
    """The design's values, read from dbt_project.yml's vars and the seed analysis_periods."""
    variables = yaml.safe_load(PROJECT.read_text(encoding="utf-8"))["vars"]
    codes = {
        str(variables["treated_region_code"]),
        *map(str, variables["control_region_codes"]),
        *map(str, variables["bordering_russia_region_codes"]),
    }
    crisis = int(variables["crisis_start_year"])
    with PERIODS.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    periods = {(int(row["start_year"]), int(row["end_year"])) for row in rows}
    regimes = [row for row in rows if row["period_set_code"] == "paper_regimes"]
    periods.add((min(int(r["start_year"]) for r in regimes), max(int(r["end_year"]) for r in regimes)))
    return Design(frozenset(codes), frozenset({crisis, crisis - 1}), frozenset(p for p in periods if p[0] != p[1]))


_SQL_COMMENT = re.compile(r"--[^\n]*|\{#.*?#\}", flags=re.DOTALL)
_SQL_STRING = re.compile(r"'([^']*)'")
_SQL_BETWEEN = re.compile(r"\bbetween\s+(\d{4})\s+and\s+(\d{4})\b", flags=re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\w.])(\d{4})(?![\w.])")


def _without_comments(text: str) -> str:
    """SQL and Jinja comments blanked out, line breaks kept (so that line numbers hold)."""
    return _SQL_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)


def sql_hits(path: str, text: str, design: Design) -> Iterator[Hit]:
    for number, line in enumerate(_without_comments(text).splitlines(), start=1):
        for literal in _SQL_STRING.findall(line):
            if literal in design.region_codes:
                yield Hit(path, number, REGION, literal)
        code = _SQL_STRING.sub("''", line)
        for start, end in _SQL_BETWEEN.findall(code):
            if (int(start), int(end)) in design.periods:
                yield Hit(path, number, PERIOD, f"{start}-{end}")
        for year in _NUMBER.findall(code):
            if int(year) in design.years:
                yield Hit(path, number, YEAR, year)


def python_hits(path: str, text: str, design: Design) -> Iterator[Hit]:
    previous: tokenize.TokenInfo | None = None  # the last token that is code (not a comment or line break)
    number: tokenize.TokenInfo | None = None  # the last number seen
    tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    for index, token in enumerate(tokens):
        if token.type == tokenize.STRING and not _is_docstring(previous, tokens, index):
            literal = token.string.lstrip("rRbBuUfF")[1:-1]
            if literal in design.region_codes:
                yield Hit(path, token.start[0], REGION, literal)
        elif token.type == tokenize.NUMBER and token.string.isdigit():
            value = int(token.string)
            if value in design.years:
                yield Hit(path, token.start[0], YEAR, token.string)
            if number is not None and number.start[0] == token.start[0]:
                pair = (int(number.string), value)
                if pair in design.periods:
                    yield Hit(path, token.start[0], PERIOD, f"{pair[0]}-{pair[1]}")
            number = token
        if token.type not in _NOT_CODE:
            previous = token


_NOT_CODE = (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT)


def _is_docstring(previous: tokenize.TokenInfo | None, tokens: list[tokenize.TokenInfo], index: int) -> bool:
    """A string alone on its logical line: a docstring (or a bare string statement), not code."""
    starts_line = previous is None or previous.type in (tokenize.NEWLINE, tokenize.ENCODING) or previous.string == ":"
    if not starts_line:
        return False
    after = next((t for t in tokens[index + 1 :] if t.type not in _NOT_CODE), None)
    return after is None or after.type in (tokenize.NEWLINE, tokenize.ENDMARKER)


def searched_files() -> Iterator[Path]:
    for root in SEARCHED:
        for path in sorted(root.rglob("*")):
            if path.suffix in (".sql", ".py") and "egg-info" not in path.parts[-2] and "__pycache__" not in path.parts:
                yield path


def all_hits(design: Design) -> list[Hit]:
    hits: list[Hit] = []
    for path in searched_files():
        relative = path.relative_to(REPO).as_posix()
        text = path.read_text(encoding="utf-8")
        found = sql_hits(relative, text, design) if path.suffix == ".sql" else python_hits(relative, text, design)
        hits.extend(hit for hit in found if hit.kind not in ALLOWED.get(relative, {}))
    return hits


def test_the_design_is_defined_only_in_its_home():
    hits = all_hits(design_from_home())
    assert not hits, "a copy of the study's design outside dbt_project.yml's vars and analysis_periods:\n" + "\n".join(
        map(str, hits)
    )


def test_every_allowed_exception_is_still_needed():
    design = design_from_home()
    needed = set()
    for path in searched_files():
        relative = path.relative_to(REPO).as_posix()
        if relative in ALLOWED:
            text = path.read_text(encoding="utf-8")
            found = sql_hits(relative, text, design) if path.suffix == ".sql" else python_hits(relative, text, design)
            needed |= {(relative, hit.kind) for hit in found}
    listed = {(path, kind) for path, kinds in ALLOWED.items() for kind in kinds}
    assert listed <= needed, f"exceptions no longer needed (remove them): {sorted(listed - needed)}"


def test_the_search_finds_each_kind_of_copy():
    """The searcher itself: a copy of each kind is found, in code and not in comments or docstrings."""
    design = Design(frozenset({"75"}), frozenset({2022, 2021}), frozenset({(2003, 2013)}))
    sql = "-- '75' in 2022, between 2003 and 2013\nselect * from t\nwhere region_code = '75' and year >= 2022\n"
    sql += "and year between 2003 and 2013 and period_code = 'P2022_2023'\n"
    assert [(h.line, h.kind) for h in sql_hits("m.sql", sql, design)] == [(3, REGION), (3, YEAR), (4, PERIOD)]
    python = '"""Almaty is "75" from 2022."""\n\nTREATED = "75"  # 2022\nYEARS = range(2003, 2013)\nPOST = 2022\n'
    assert [(h.line, h.kind) for h in python_hits("m.py", python, design)] == [(3, REGION), (4, PERIOD), (5, YEAR)]
