"""Compare a value computed from the data with a value the paper reports, under the claim's rule.

This module is the one claim engine: the replication (:mod:`analysis.replication`, values from the
marts) and the reference data's own check (:mod:`reference_data.soft_targets`, values from the CSVs)
both classify through :func:`classify`.

A claim row (see ``data/claims/paper_claims.csv``) carries ``claim_id``, ``reported_value`` (text as
reported), ``comparison`` and, optionally, ``precision``.

``precision`` is the rounding unit of each reported number as the paper wrote it ("9.4 thousand" →
100, "almost 40%" → 1, "6.5 times" → 0.1), one unit per number, separated like the values
(``'1 -> 1'``, ``'100 / 100 / 100'``, ``'- ; 1; 10'``); ``-`` stands for an element that is not a
number (a ``flag`` element). Without a precision a decimal gets half a unit of its last digit and an
integer ±0.5 (a written integer is not assumed to be rounded to its trailing zeros).

Comparison rules:

``approx``
    The computed value rounds to the reported one: it lies in the half-open interval
    ``[v − p/2, v + p/2)`` with p the precision (6.5 at 0.1 → [6.45, 6.55); 9400 at 100 →
    [9350, 9450); 40 at 1 → [39.5, 40.5)).
``at_least``
    computed ≥ reported (no rounding allowance: "more than 5,800" means at least 5,800).
``exact``
    computed equals reported (to 1e-9; counts of persons).
``range``
    ``'400-900'``: every computed value lies in the closed interval ``[lo, hi]``; the bounds are
    not widened by their rounding. The computed value is a number, a sequence, or a mapping /
    Series (e.g. year → value, so the explanation names the years outside).
``set``
    ``'2000-2002; 2014-2021'``: the computed collection of integers (years) equals that set.
``flag``
    ``true`` / ``false``: the computed boolean equals it.
``sign``
    ``positive`` / ``negative`` / ``zero``: the sign of the computed number.

A claim with several reported elements may give one rule per element, separated by ``;``
(``at_least; approx`` for "more than 750 arrivals, 4.6 times the departures"; ``flag; exact; approx``
for "negative every year, closest in 2006 with a gap of 90"). Element rules are ``approx``,
``at_least``, ``exact`` and ``flag``.

Multi-valued reported values are split on ``->``, ``/`` and ``;`` into elements compared one by
one (``'39 -> 61'``, ``'964 / 831 / 472 / 290'``, ``'356; 2.0; +100'``,
``'53 / 7 / 17 / 12; 5 persons; 11'``); the computed value is then a sequence of the same length.
An element may carry a leading label (``'China 9400'``): its computed element is a
``(label, number)`` pair and the label must match too (case-insensitive). Trailing words
(``'5 persons'``) are a unit and are ignored. A computed element that is a mapping or Series
(year → value) must satisfy the element's rule for every entry ("24 per year" → each year).

A computed value may be wrapped in :class:`Computed` to carry a note (e.g. the DiD's pre-trend test)
that is appended to the explanation without entering the comparison.

Values computed in SQL (the dbt models ``int_claim_values__*``) arrive as rows of ``int_claim_values``, one per
reported element (and per year for an element stated per year); :func:`values_from_rows` turns them into the
shapes above and :func:`classify_all` compares them: ``dbt_project/models/marts/replication/int_claim_checks.py``
is the one caller.

Status: ``not_computable`` when the computed value is None (or an element is None and no other
element fails); ``not_reproduced`` when any element fails; ``reproduced`` otherwise.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any, cast

import numpy as np
import pandas as pd

REPRODUCED = "reproduced"
NOT_REPRODUCED = "not_reproduced"
NOT_COMPUTABLE = "not_computable"
RULES = ("approx", "at_least", "exact", "range", "set", "flag", "sign")
NUMERIC_RULES = ("approx", "at_least", "exact")
ELEMENT_RULES = (*NUMERIC_RULES, "flag")
NOT_A_NUMBER = "-"  # precision of an element that is not a number (a flag element)

_ELEMENT_SEPARATOR = re.compile(r"\s*(?:->|/|;)\s*")
_NUMBER_TOKEN = re.compile(r"^(?P<label>[^\d+\-−]*?)\s*(?P<number>[+\-−]?\d+(?:\.\d+)?)\s*(?P<unit>[^\d]*)$")
_RANGE = re.compile(r"^\s*(?P<lo>[+\-]?\d+(?:\.\d+)?)\s*-\s*(?P<hi>[+\-]?\d+(?:\.\d+)?)\s*$")
_YEAR_SPAN = re.compile(r"^\s*(?P<start>\d{4})\s*(?:-\s*(?P<end>\d{4}))?\s*$")
_UNIT = re.compile(r"^\d+(?:\.\d+)?$")
_EPS = 1e-9


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


@dataclass(frozen=True)
class Computed:
    """A computed value with a note for the explanation (the note never enters the comparison).

    ``assumptions_rejected`` marks a value whose design rests on an assumption the data reject or cannot test (a
    DiD whose parallel pre-trends are rejected, or untestable with two controls): such a claim is never
    ``reproduced``, whatever its value.
    """

    value: Any
    note: str
    assumptions_rejected: bool = False


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


def _fmt(value: float) -> str:
    if isinstance(value, float) and math.isfinite(value) and value != int(value):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return f"{int(value)}" if isinstance(value, (int, float)) and math.isfinite(value) else str(value)


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    return isinstance(value, float) and math.isnan(value)


def _as_number(value: Any) -> float:
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"expected a number, got the boolean {value}")
    return float(value)


@dataclass(frozen=True)
class ClaimCheck:
    """Outcome of one claim comparison."""

    claim_id: str
    comparison: str
    reported_value: str
    computed_value: Any
    status: str
    explanation: str


def _check_number(element: ReportedNumber, computed: Any, rule: str) -> tuple[bool | None, str]:
    """(passed or None if not computable, explanation) for one numeric element."""
    label_note = ""
    if element.label is not None:
        if _is_missing(computed):
            return None, f"{element.text}: not computable"
        if not (isinstance(computed, (tuple, list)) and len(computed) == 2 and isinstance(computed[0], str)):
            return None, f"{element.text}: computed value {computed!r} is not a (label, number) pair"
        computed_label, computed = computed
        if computed_label.strip().casefold() != element.label.casefold():
            return False, f"{element.text}: computed label {computed_label!r} differs from {element.label!r}"
        label_note = f"{computed_label} "
    if _is_missing(computed):
        return None, f"{element.text}: not computable"
    value = _as_number(computed)
    shown = f"computed {label_note}{_fmt(value)}"
    if rule == "approx":
        lo, hi = element.interval
        ok = lo - _EPS <= value < hi - _EPS
        where = "within" if ok else "outside"
        return ok, f"{shown} {where} [{_fmt(lo)}, {_fmt(hi)}), the rounding of {element.text}"
    if rule == "at_least":
        ok = value >= element.value - _EPS
        return ok, f"{shown} {'≥' if ok else '<'} {_fmt(element.value)}"
    if rule == "exact":
        ok = abs(value - element.value) <= _EPS * max(1.0, abs(element.value))
        return ok, f"{shown} {'=' if ok else '≠'} {_fmt(element.value)}"
    raise ValueError(f"rule {rule!r} is not an element-wise numeric rule")


def _check_flag_element(text: str, computed: Any) -> tuple[bool | None, str]:
    expected = _flag_value(text)
    if _is_missing(computed):
        return None, f"{text}: not computable"
    if not isinstance(computed, (bool, np.bool_)):
        raise TypeError(f"flag element needs a boolean, got {computed!r}")
    return bool(computed) == expected, f"computed statement is {str(bool(computed)).lower()}"


def _check_each(check: Any, computed: Mapping[Any, Any] | pd.Series) -> tuple[bool | None, str]:
    """Apply ``check`` to every entry of a mapping (year → value): all must pass."""
    items = list(computed.items())
    if not items:
        return None, "no computed value"
    outcomes = [(key, *check(value)) for key, value in items]
    explanation = ", ".join(f"{key}: {text}" for key, _, text in outcomes)
    if any(ok is False for _, ok, _ in outcomes):
        return False, explanation
    if any(ok is None for _, ok, _ in outcomes):
        return None, explanation
    return True, explanation


def _sequence(computed: Any) -> list[Any]:
    if isinstance(computed, (pd.Series, np.ndarray)):
        return list(computed.tolist())
    if isinstance(computed, (list, tuple)):
        return list(computed)
    return [computed]


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


def _check_elements(reported: str, computed: Any, rule: str, precision: str | None) -> tuple[str, str]:
    parts = split_elements(reported)
    rules = element_rules(rule, len(parts))
    units = element_precisions(precision, len(parts))
    if len(parts) == 1:
        values = [computed]
    else:
        values = _sequence(computed)
        if len(values) != len(parts):
            return NOT_COMPUTABLE, (f"reported {len(parts)} values ({reported}) but {len(values)} were computed")
    outcomes = []
    for part, element_rule, unit, value in zip(parts, rules, units, values, strict=True):
        check: Callable[[Any], tuple[bool | None, str]]
        if element_rule == "flag":
            check = partial(_check_flag_element, part)
        else:
            check = partial(_check_number, parse_number(part, unit), rule=element_rule)
        if isinstance(value, (pd.Series, Mapping)):
            outcomes.append(_check_each(check, value))
        else:
            outcomes.append(check(value))
    return _combine(outcomes)


def _combine(outcomes: list[tuple[bool | None, str]]) -> tuple[str, str]:
    explanation = "; ".join(text for _, text in outcomes)
    if any(ok is False for ok, _ in outcomes):
        return NOT_REPRODUCED, explanation
    if any(ok is None for ok, _ in outcomes):
        return NOT_COMPUTABLE, explanation
    return REPRODUCED, explanation


def _range_items(computed: Any) -> list[tuple[str | None, Any]]:
    if isinstance(computed, pd.Series):
        return [(str(k), v) for k, v in computed.items()]
    if isinstance(computed, Mapping):
        return [(str(k), v) for k, v in computed.items()]
    return [(None, v) for v in _sequence(computed)]


def _check_range(reported: str, computed: Any) -> tuple[str, str]:
    low, high = parse_range(reported)
    items = [(key, value) for key, value in _range_items(computed) if not _is_missing(value)]
    if not items:
        return NOT_COMPUTABLE, "no computed value"
    outside = [(k, _as_number(v)) for k, v in items if not (low - _EPS <= _as_number(v) <= high + _EPS)]
    values = [_as_number(v) for _, v in items]
    span = f"computed values {_fmt(min(values))}–{_fmt(max(values))} (n={len(values)})"
    interval = f"[{_fmt(low)}, {_fmt(high)}] (reported {reported})"
    if outside:
        listed = ", ".join(f"{k}: {_fmt(v)}" if k is not None else _fmt(v) for k, v in outside)
        return NOT_REPRODUCED, f"{span}; outside {interval}: {listed}"
    return REPRODUCED, f"{span} all within {interval}"


def _check_set(reported: str, computed: Any) -> tuple[str, str]:
    expected = parse_year_set(reported)
    if isinstance(computed, str) or not isinstance(computed, Iterable):
        raise TypeError(f"set comparison needs a collection of years, got {computed!r}")
    found = {int(v) for v in computed}
    if found == expected:
        return REPRODUCED, f"computed years equal the reported set ({reported})"
    missing, extra = sorted(expected - found), sorted(found - expected)
    parts = []
    if missing:
        parts.append(f"reported but not computed: {missing}")
    if extra:
        parts.append(f"computed but not reported: {extra}")
    return NOT_REPRODUCED, "; ".join(parts)


def _flag_value(reported: str) -> bool:
    text = reported.strip().lower()
    if text not in ("true", "false"):
        raise ValueError(f"flag claim must report true or false, got {reported!r}")
    return text == "true"


def _check_flag(reported: str, computed: Any) -> tuple[str, str]:
    expected = _flag_value(reported)
    if not isinstance(computed, (bool, np.bool_)):
        raise TypeError(f"flag comparison needs a boolean, got {computed!r}")
    ok = bool(computed) == expected
    return (REPRODUCED if ok else NOT_REPRODUCED), f"computed statement is {str(bool(computed)).lower()}"


def _check_sign(reported: str, computed: Any) -> tuple[str, str]:
    text = reported.strip().lower()
    signs = {"positive": 1, "negative": -1, "zero": 0}
    if text not in signs:
        raise ValueError(f"sign claim must report positive, negative or zero, got {reported!r}")
    value = _as_number(computed)
    sign = int(np.sign(value))
    name = {1: "positive", -1: "negative", 0: "zero"}[sign]
    return (REPRODUCED if sign == signs[text] else NOT_REPRODUCED), f"computed {_fmt(value)} is {name}"


def _precision_of(claim_row: Mapping[str, Any] | pd.Series) -> str | None:
    value = claim_row.get("precision") if hasattr(claim_row, "get") else None
    return None if _is_missing(value) or not str(value).strip() else str(value).strip()


def classify(claim_row: Mapping[str, Any] | pd.Series, computed_value: Any) -> ClaimCheck:
    """Compare ``computed_value`` with the claim's reported value under its comparison rule.

    ``claim_row`` needs ``claim_id``, ``reported_value`` and ``comparison``, and may give
    ``precision``. A computed value of None means the data cannot provide it (status
    ``not_computable``); a :class:`Computed` is compared by its value and its note is appended to the
    explanation.
    """
    claim_id = str(claim_row["claim_id"])
    rule = str(claim_row["comparison"]).strip()
    reported = str(claim_row["reported_value"]).strip()
    precision = _precision_of(claim_row)
    note, assumptions_rejected = "", False
    if isinstance(computed_value, Computed):
        computed_value, note, assumptions_rejected = (
            computed_value.value,
            computed_value.note,
            computed_value.assumptions_rejected,
        )
    is_per_element = ";" in rule
    if rule not in RULES and not is_per_element:
        raise ValueError(f"claim {claim_id}: unknown comparison rule {rule!r} (known: {', '.join(RULES)})")

    def result(status: str, explanation: str) -> ClaimCheck:
        explanation = f"{explanation} ({note})" if note else explanation
        return ClaimCheck(claim_id, rule, reported, computed_value, status, explanation)

    try:
        validate_precision(rule, reported, precision)
        if _is_missing(computed_value):
            return result(NOT_COMPUTABLE, "the data do not provide this value")
        if rule in NUMERIC_RULES or is_per_element:
            status, explanation = _check_elements(reported, computed_value, rule, precision)
        elif rule == "range":
            status, explanation = _check_range(reported, computed_value)
        elif rule == "set":
            status, explanation = _check_set(reported, computed_value)
        elif rule == "flag":
            status, explanation = _check_flag(reported, computed_value)
        else:
            status, explanation = _check_sign(reported, computed_value)
    except (TypeError, ValueError) as error:
        raise type(error)(f"claim {claim_id} ({rule}, reported {reported!r}): {error}") from error
    if assumptions_rejected and status == REPRODUCED:
        status = NOT_REPRODUCED
        explanation += (
            "; not reproduced: the design's identifying assumption is rejected or cannot be tested, so the value is "
            "no evidence"
        )
    return result(status, explanation)


def classify_all(claims: pd.DataFrame, computed: Mapping[str, Any]) -> pd.DataFrame:
    """Classify every claim; claims missing from ``computed`` are not computable.

    Returns columns claim_id, comparison, reported_value, computed_value (as text), status,
    explanation, plus ``contradicts`` when the claims table has it.
    """
    rows = []
    for _, claim in claims.iterrows():
        check = classify(claim, computed.get(str(claim["claim_id"])))
        row = {
            "claim_id": check.claim_id,
            "comparison": check.comparison,
            "reported_value": check.reported_value,
            "computed_value": "" if _is_missing(check.computed_value) else _describe(check.computed_value),
            "status": check.status,
            "explanation": check.explanation,
        }
        if "contradicts" in claims.columns:
            contradicts = claim["contradicts"]
            row["contradicts"] = "" if _is_missing(contradicts) else str(contradicts)
        rows.append(row)
    return pd.DataFrame(rows)


def _describe(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value)).lower()
    if isinstance(value, (int, float, np.integer, np.floating)):
        return _fmt(float(value))
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str):
        return f"{value[0]} {_describe(value[1])}"
    if isinstance(value, (set, frozenset)):
        return ", ".join(str(v) for v in sorted(value))
    if isinstance(value, (pd.Series, Mapping)):
        return "; ".join(f"{k}: {_describe(v)}" for k, v in dict(value).items())
    if isinstance(value, (list, tuple, np.ndarray)):
        return " / ".join("" if _is_missing(v) else _describe(v) for v in value)
    return str(value)


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _element_value(rows: list[dict[str, Any]]) -> Any:
    """One reported element's computed value from its rows of ``int_claim_values``."""
    if any(not _missing(row["entry_year"]) for row in rows):
        if all(_missing(row["value_number"]) and not _missing(row["value_flag"]) for row in rows):
            # A set of years: the years flagged true (an empty set is a value, not a missing one).
            return {int(row["entry_year"]) for row in rows if row["value_flag"]}
        if any(_missing(row["value_number"]) for row in rows):
            return None
        ordered = sorted(rows, key=lambda row: int(row["entry_year"]))
        return {int(row["entry_year"]): float(row["value_number"]) for row in ordered}
    if len(rows) != 1:
        raise ValueError(f"claim {rows[0]['claim_id']}: element {rows[0]['element_number']} has {len(rows)} rows")
    row = rows[0]
    if not _missing(row.get("value_label")) and not _missing(row["value_number"]):
        return str(row["value_label"]), float(row["value_number"])
    if not _missing(row["value_flag"]):
        return bool(row["value_flag"])
    return None if _missing(row["value_number"]) else float(row["value_number"])


def values_from_rows(rows: pd.DataFrame) -> dict[str, Any]:
    """claim_id → computed value, from the rows of ``int_claim_values``.

    Columns: claim_id, element_number, entry_year, value_label, value_number, value_flag, note,
    is_assumption_rejected. One element gives a scalar, several a list in element order; a claim with any
    element missing is None (not computable), as the data cannot provide the whole statement.
    """
    claims: dict[str, dict[int, list[dict[str, Any]]]] = {}
    records = cast(list[dict[str, Any]], rows.astype(object).to_dict("records"))
    for row in records:
        claims.setdefault(str(row["claim_id"]), {}).setdefault(int(row["element_number"]), []).append(row)
    values: dict[str, Any] = {}
    for claim_id in sorted(claims):
        by_element = claims[claim_id]
        elements = [_element_value(by_element[number]) for number in sorted(by_element)]
        value: Any = None if any(e is None for e in elements) else elements[0] if len(elements) == 1 else elements
        claim_rows = [row for part in by_element.values() for row in part]
        notes = list(dict.fromkeys(str(row["note"]) for row in claim_rows if not _missing(row["note"])))
        rejected = any(row["is_assumption_rejected"] is True for row in claim_rows)
        if notes or rejected:
            value = Computed(value, "; ".join(notes), assumptions_rejected=rejected)
        values[claim_id] = value
    return values
