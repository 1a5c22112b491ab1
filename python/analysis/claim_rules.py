"""Compare a value computed from the marts with a value the paper reports, under the claim's rule.

A claim row (see ``data/claims/paper_claims.csv``) carries ``claim_id``, ``reported_value`` (text as
reported) and ``comparison``, one of:

``approx``
    The computed value rounds to the reported one. The tolerance is half a unit of the last
    reported digit, as a half-open interval ``[v − h, v + h)``:

    * a decimal with d digits after the point: ``h = 0.5·10^-d`` (6.5 → [6.45, 6.55),
      194.6 → [194.55, 194.65), 2.0 → [1.95, 2.05));
    * an integer: ``h = 0.5·10^z`` where z is its number of trailing zeros, because the paper writes
      rounded magnitudes as round integers ("more than 5,800", "9.4 thousand" → 9400, "nearly 100"):
      888 → [887.5, 888.5), 5800 → [5750, 5850), 40 → [35, 45), +100 → [50, 150), 0 → [−0.5, 0.5).
      This reads "40" as rounded to tens; it is deliberately the same rule for every integer rather
      than a judgement per claim.
``at_least``
    computed ≥ reported (no rounding allowance: "more than 5,800" means at least 5,800).
``exact``
    computed equals reported (to 1e-9; counts of persons).
``range``
    ``'400-900'``: every computed value lies in ``[lo − h_lo, hi + h_hi)`` with the rounding
    allowance of each bound as for ``approx``. The computed value is a number, a sequence, or a
    mapping / Series (e.g. year → value, so the explanation names the years outside).
``set``
    ``'2000-2002; 2014-2021'``: the computed collection of integers (years) equals that set.
``flag``
    ``true`` / ``false``: the computed boolean equals it.
``sign``
    ``positive`` / ``negative`` / ``zero``: the sign of the computed number.

A claim with several reported numbers may give one numeric rule per number, separated by ``;``
(``at_least; approx`` for "more than 750 arrivals, 4.6 times the departures").

Multi-valued reported values are split on ``->``, ``/`` and ``;`` into elements compared one by
one (``'39 -> 61'``, ``'964 / 831 / 472 / 290'``, ``'356; 2.0; +100'``,
``'53 / 7 / 17 / 12; 5 persons; 11'``); the computed value is then a sequence of the same length.
An element may carry a leading label (``'China 9400'``): its computed element is a
``(label, number)`` pair and the label must match too (case-insensitive). Trailing words
(``'5 persons'``) are a unit and are ignored.

Status: ``not_computable`` when the computed value is None (or an element is None and no other
element fails); ``not_reproduced`` when any element fails; ``reproduced`` otherwise.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

REPRODUCED = "reproduced"
NOT_REPRODUCED = "not_reproduced"
NOT_COMPUTABLE = "not_computable"
STATUSES = (REPRODUCED, NOT_REPRODUCED, NOT_COMPUTABLE)
RULES = ("approx", "at_least", "exact", "range", "set", "flag", "sign")

_ELEMENT_SEPARATOR = re.compile(r"\s*(?:->|/|;)\s*")
_NUMBER_TOKEN = re.compile(r"^(?P<label>[^\d+\-−]*?)\s*(?P<number>[+\-−]?\d+(?:\.\d+)?)\s*(?P<unit>[^\d]*)$")
_RANGE = re.compile(r"^\s*(?P<lo>[+\-]?\d+(?:\.\d+)?)\s*-\s*(?P<hi>[+\-]?\d+(?:\.\d+)?)\s*$")
_YEAR_SPAN = re.compile(r"^\s*(?P<start>\d{4})\s*(?:-\s*(?P<end>\d{4}))?\s*$")
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


def rounding_half_unit(number_text: str) -> float:
    """Half a unit of the last reported digit of a number written as text (see module docstring)."""
    digits = number_text.strip().lstrip("+-−")
    if "." in digits:
        return 0.5 * 10.0 ** -len(digits.split(".", 1)[1])
    stripped = digits.lstrip("0")
    if not stripped:
        return 0.5
    trailing_zeros = len(stripped) - len(stripped.rstrip("0"))
    return 0.5 * 10.0**trailing_zeros


def parse_number(token: str) -> ReportedNumber:
    """Parse ``'6.5'``, ``'+100'``, ``'China 9400'`` or ``'5 persons'`` into a ReportedNumber."""
    match = _NUMBER_TOKEN.match(token.strip())
    if not match:
        raise ValueError(f"cannot read a number in reported element {token!r}")
    number = match["number"].replace("−", "-")
    half_unit = rounding_half_unit(number)
    # Decimal arithmetic so that 1.6 ± 0.05 gives the bounds 1.55 and 1.65 exactly as written.
    exact, half = Decimal(number), Decimal(repr(half_unit))
    return ReportedNumber(
        text=token.strip(),
        value=float(number),
        half_unit=half_unit,
        lower=float(exact - half),
        upper=float(exact + half),
        label=match["label"].strip() or None,
        unit=match["unit"].strip() or None,
    )


def parse_elements(reported_value: str) -> list[ReportedNumber]:
    """Split a (possibly multi-valued) reported value into numbers."""
    return [parse_number(part) for part in _ELEMENT_SEPARATOR.split(reported_value.strip()) if part]


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


def parse_range(reported_value: str) -> tuple[ReportedNumber, ReportedNumber]:
    match = _RANGE.match(reported_value)
    if not match:
        raise ValueError(f"cannot read a range 'lo-hi' in {reported_value!r}")
    lo, hi = parse_number(match["lo"]), parse_number(match["hi"])
    if lo.value > hi.value:
        raise ValueError(f"range {reported_value!r} has its lower bound above its upper bound")
    return lo, hi


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


def _sequence(computed: Any) -> list[Any]:
    if isinstance(computed, (pd.Series, np.ndarray)):
        return list(computed.tolist())
    if isinstance(computed, (list, tuple)):
        return list(computed)
    return [computed]


NUMERIC_RULES = ("approx", "at_least", "exact")


def element_rules(rule: str, element_count: int) -> list[str]:
    """The numeric rule of each reported number: one rule for all, or one per number separated by ';'."""
    rules = [part.strip() for part in rule.split(";")]
    if any(part not in NUMERIC_RULES for part in rules):
        raise ValueError(f"{rule!r}: per-number rules must each be one of {', '.join(NUMERIC_RULES)}")
    if len(rules) == 1:
        return rules * element_count
    if len(rules) != element_count:
        raise ValueError(f"{rule!r} gives {len(rules)} rules for {element_count} reported numbers")
    return rules


def _check_numbers(reported: str, computed: Any, rule: str) -> tuple[str, str]:
    elements = parse_elements(reported)
    rules = element_rules(rule, len(elements))
    if len(elements) == 1:
        values = [computed]
    else:
        values = _sequence(computed)
        if len(values) != len(elements):
            return NOT_COMPUTABLE, (f"reported {len(elements)} values ({reported}) but {len(values)} were computed")
    outcomes = [_check_number(e, v, r) for e, v, r in zip(elements, values, rules, strict=True)]
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
    lo, hi = parse_range(reported)
    low, high = lo.lower, hi.upper
    items = [(key, value) for key, value in _range_items(computed) if not _is_missing(value)]
    if not items:
        return NOT_COMPUTABLE, "no computed value"
    outside = [(k, _as_number(v)) for k, v in items if not (low - _EPS <= _as_number(v) < high - _EPS)]
    values = [_as_number(v) for _, v in items]
    span = f"computed values {_fmt(min(values))}–{_fmt(max(values))} (n={len(values)})"
    interval = f"[{_fmt(low)}, {_fmt(high)}) (reported {reported} with its rounding)"
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


def _check_flag(reported: str, computed: Any) -> tuple[str, str]:
    text = reported.strip().lower()
    if text not in ("true", "false"):
        raise ValueError(f"flag claim must report true or false, got {reported!r}")
    if not isinstance(computed, (bool, np.bool_)):
        raise TypeError(f"flag comparison needs a boolean, got {computed!r}")
    ok = bool(computed) == (text == "true")
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


def classify(claim_row: Mapping[str, Any] | pd.Series, computed_value: Any) -> ClaimCheck:
    """Compare ``computed_value`` with the claim's reported value under its comparison rule.

    ``claim_row`` needs ``claim_id``, ``reported_value`` and ``comparison``. A computed value of
    None means the marts cannot provide it (status ``not_computable``).
    """
    claim_id = str(claim_row["claim_id"])
    rule = str(claim_row["comparison"]).strip()
    reported = str(claim_row["reported_value"]).strip()
    is_per_number = ";" in rule
    if rule not in RULES and not is_per_number:
        raise ValueError(f"claim {claim_id}: unknown comparison rule {rule!r} (known: {', '.join(RULES)})")

    def result(status: str, explanation: str) -> ClaimCheck:
        return ClaimCheck(claim_id, rule, reported, computed_value, status, explanation)

    if _is_missing(computed_value):
        return result(NOT_COMPUTABLE, "the marts do not provide this value")
    try:
        if rule in NUMERIC_RULES or is_per_number:
            status, explanation = _check_numbers(reported, computed_value, rule)
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
