"""Read a claim's reported value: its elements, their rounding units and per-element rules.

The rules and the reading of reported values are documented once, in docs/replication.md ("Comparison rules").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

RULES = ("approx", "at_least", "exact", "range", "set", "flag", "sign")
NUMERIC_RULES = ("approx", "at_least", "exact")
ELEMENT_RULES = (*NUMERIC_RULES, "flag")
NOT_A_NUMBER = "-"  # precision of an element that is not a number (a flag element)

_ELEMENT_SEPARATOR = re.compile(r"\s*(?:->|/|;)\s*")
_NUMBER_TOKEN = re.compile(r"^(?P<label>[^\d+\-−]*?)\s*(?P<number>[+\-−]?\d+(?:\.\d+)?)\s*(?P<unit>[^\d]*)$")
_RANGE = re.compile(r"^\s*(?P<lo>[+\-]?\d+(?:\.\d+)?)\s*-\s*(?P<hi>[+\-]?\d+(?:\.\d+)?)\s*$")
_YEAR_SPAN = re.compile(r"^\s*(?P<start>\d{4})\s*(?:-\s*(?P<end>\d{4}))?\s*$")
_UNIT = re.compile(r"^\d+(?:\.\d+)?$")


@dataclass(frozen=True)
class ReportedNumber:
    """One reported number with its rounding allowance ``half_unit``."""

    text: str
    value: float
    half_unit: float
    lower: float
    upper: float
    label: str | None = None
    unit: str | None = None

    @property
    def interval(self) -> tuple[float, float]:
        """``[lower, upper)``: the values that round to the reported one."""
        return self.lower, self.upper


def default_precision(number_text: str) -> Decimal:
    """Rounding unit of a number without a stated precision: its last decimal digit, or 1 for an integer."""
    digits = number_text.strip().lstrip("+-−")
    if "." in digits:
        return Decimal(1).scaleb(-len(digits.split(".", 1)[1]))
    return Decimal(1)


def _unit(number_text: str, precision: str | None) -> Decimal:
    if precision is None or precision.strip() in ("", NOT_A_NUMBER):
        return default_precision(number_text)
    text = precision.strip()
    if not _UNIT.match(text) or Decimal(text) <= 0:
        raise ValueError(f"precision {precision!r} of {number_text!r} is not a positive number")
    return Decimal(text)


def parse_number(token: str, precision: str | None = None) -> ReportedNumber:
    """Parse ``'6.5'``, ``'+100'``, ``'China 9400'`` or ``'5 persons'`` into a ReportedNumber."""
    match = _NUMBER_TOKEN.match(token.strip())
    if not match:
        raise ValueError(f"cannot read a number in reported element {token!r}")
    number = match["number"].replace("−", "-")
    unit = _unit(number, precision)
    # Decimal arithmetic so that 1.6 ± 0.05 gives the bounds 1.55 and 1.65 exactly as written.
    exact, half = Decimal(number), unit / 2
    return ReportedNumber(
        text=token.strip(),
        value=float(number),
        half_unit=float(half),
        lower=float(exact - half),
        upper=float(exact + half),
        label=match["label"].strip() or None,
        unit=match["unit"].strip() or None,
    )


def split_elements(text: str) -> list[str]:
    """Split a multi-valued reported value (or precision) on ``->``, ``/`` and ``;``."""
    return [part for part in _ELEMENT_SEPARATOR.split(text.strip()) if part]


def element_precisions(precision: str | None, element_count: int) -> list[str | None]:
    """One precision per element (None for all when the claim has none)."""
    if precision is None or not str(precision).strip():
        return [None] * element_count
    units: list[str | None] = [*split_elements(str(precision))]
    if len(units) != element_count:
        raise ValueError(f"precision {precision!r} gives {len(units)} units for {element_count} reported elements")
    return units


def parse_year_set(reported_value: str) -> set[int]:
    """``'2000-2002; 2014-2021'`` → {2000, 2001, 2002, 2014, …, 2021}."""
    years: set[int] = set()
    for part in reported_value.split(";"):
        match = _YEAR_SPAN.match(part)
        if not match:
            raise ValueError(f"cannot read a year or year span in {part!r}")
        start = int(match["start"])
        end = int(match["end"] or start)
        if end < start:
            raise ValueError(f"year span {part.strip()!r} ends before it starts")
        years.update(range(start, end + 1))
    return years


def parse_range(reported_value: str) -> tuple[float, float]:
    """``'400-900'`` → (400, 900): the closed interval the computed values must lie in."""
    match = _RANGE.match(reported_value)
    if not match:
        raise ValueError(f"cannot read a range 'lo-hi' in {reported_value!r}")
    lo, hi = float(match["lo"]), float(match["hi"])
    if lo > hi:
        raise ValueError(f"range {reported_value!r} has its lower bound above its upper bound")
    return lo, hi


def validate_precision(rule: str, reported_value: str, precision: str | None) -> None:
    """Raise ValueError when a claim's precision does not fit its rule and reported value."""
    text = "" if precision is None else str(precision).strip()
    if rule in ("set", "flag", "sign"):
        if text:
            raise ValueError(f"a {rule} claim has no rounding unit, got precision {precision!r}")
        return
    if rule == "range":
        if text:
            parse_range(text)  # the units of the two bounds, as written; the bounds are not widened
        return
    rules = element_rules(rule, len(split_elements(reported_value)))
    units = element_precisions(text or None, len(rules))
    for element_rule, unit in zip(rules, units, strict=True):
        if element_rule == "flag" and unit not in (None, NOT_A_NUMBER):
            raise ValueError(f"a flag element has no rounding unit ({NOT_A_NUMBER!r}), got {unit!r}")
        if element_rule != "flag" and unit == NOT_A_NUMBER:
            raise ValueError(f"a {element_rule} element needs a rounding unit, got {NOT_A_NUMBER!r}")
        if unit not in (None, NOT_A_NUMBER):
            _unit("0", unit)


def element_rules(rule: str, element_count: int) -> list[str]:
    """The rule of each reported element: one rule for all, or one per element separated by ';'."""
    rules = [part.strip() for part in rule.split(";")]
    if len(rules) == 1 and rules[0] not in NUMERIC_RULES:
        raise ValueError(f"{rule!r} is not an element-wise rule ({', '.join(NUMERIC_RULES)})")
    if any(part not in ELEMENT_RULES for part in rules):
        raise ValueError(f"{rule!r}: per-element rules must each be one of {', '.join(ELEMENT_RULES)}")
    if len(rules) == 1:
        return rules * element_count
    if len(rules) != element_count:
        raise ValueError(f"{rule!r} gives {len(rules)} rules for {element_count} reported elements")
    return rules
