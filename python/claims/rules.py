"""Compare a value computed from the data with a value the paper reports, under the claim's rule.

The one claim engine: the dbt model ``int_claim_checks`` classifies the warehouse's values (``int_claim_values``,
through :func:`claims.values.values_from_rows`) and the reference data's own check
(:mod:`reference_data.soft_targets`, values from the CSVs) classifies through :func:`classify` too. The rules
(approx, at_least, exact, range, set, flag, sign, per element) and the statuses are documented once, in
docs/replication.md ("Comparison rules"); the reading of a reported value is :mod:`claims.reported`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from claims.reported import (
    NUMERIC_RULES,
    RULES,
    ReportedNumber,
    element_precisions,
    element_rules,
    parse_number,
    parse_range,
    parse_year_set,
    split_elements,
    validate_precision,
)

REPRODUCED = "reproduced"
NOT_REPRODUCED = "not_reproduced"
NOT_COMPUTABLE = "not_computable"
# Float comparisons allow this much (a computed 6.45 read back as 6.4499999999 still rounds to 6.5).
_EPS = 1e-9


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
