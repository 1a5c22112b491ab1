"""How the causal tables write a number, an interval, a p-value or a label: one formatter for every table."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from analysis.causal.results import DesignResult
from estimators.inversion import ConfidenceSet, describe, invert_test

SHORT_OUTCOMES = {
    "net_migration_working_age": "persons",
    "net_migration_working_age_per_1000_residents": "per 1,000 residents",
}


HEADLINE_CONFIDENCE = 0.90
# Designs shown as robustness checks, not in the headline table.
ROBUSTNESS_DESIGNS = ("no_russia_border",)
TableRenderer = Callable[..., str]


def format_p_value(p: float | None) -> str:
    """A p-value for people: three decimals, ``< 0.001`` below that (never ``0.000``), empty if missing."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return ""
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def p_phrase(p: float) -> str:
    """``< 0.001`` or ``= 0.123``; empty when the p-value is missing."""
    text = format_p_value(p)
    return text if text.startswith("<") or not text else f"= {text}"


def value_text(value: float | None, per_1000: bool) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return f"{value:,.2f}" if per_1000 else f"{value:,.0f}"


def interval_text(ci: tuple[float, float] | None, per_1000: bool) -> str:
    if ci is None or not all(math.isfinite(v) for v in ci):
        return "–"
    return f"[{value_text(ci[0], per_1000)}, {value_text(ci[1], per_1000)}]"


def p_with_min(p: float | None, minimum: float | None) -> str:
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "–"
    return f"{format_p_value(p)} (min {format_p_value(minimum)})"


def p_cell(rows: Mapping[str, Mapping[str, Any]], method: str) -> str:
    """A tidy row's p with its smallest attainable value; ``–`` when the method did not run."""
    row = rows.get(method)
    return p_with_min(row["p_value"], row["min_attainable_p"]) if row else "–"


def estimate_cell(rows: Mapping[str, Mapping[str, Any]], method: str, per_1000: bool) -> str:
    row = rows.get(method)
    return value_text(row["estimate"] if row else None, per_1000)


def interval_cell(row: Mapping[str, Any], per_1000: bool) -> str:
    return interval_text((row["ci_low"], row["ci_high"]), per_1000)


def is_per_1000(result: DesignResult) -> bool:
    return "per_1000" in result.outcome


def set_text(result: ConfidenceSet | None, per_1000: bool) -> str:
    return describe(result, lambda v: value_text(v, per_1000))


def outcome_label(result: DesignResult) -> str:
    """``persons, 2000–2025, post 2022–2025``: the outcome and the years the code used for it."""
    label = SHORT_OUTCOMES.get(result.outcome, result.outcome)
    return f"{label}, {result.window}" if result.window else label


def five_percent_note(results: list[DesignResult]) -> str:
    """Why the headline's sets are at 90%, from the designs' own rank tests: a rank among N units has smallest p
    1/N, so at 5% none rejects when every design ranks fewer than 20 units ('' when some design could)."""
    smallest = [result.studentised.min_attainable_p for result in results if result.studentised is not None]
    if not smallest or min(smallest) <= 0.05:
        return ""
    units = round(1 / min(smallest))
    return f" (at 5% none could: the most units any design ranks is {units}, so its smallest p is 1/{units})"


def headline_interval(result: DesignResult) -> str:
    """The studentised placebo test inverted at the headline's level (90%: at 95% a rank among fewer than 20
    units is never extreme enough, so the 95% set is the whole line), endpoints by root-finding; says when
    unbounded."""
    test = result.studentised
    if test is None:
        return "–"
    interval = invert_test(test.p_values, test.estimate, test.treated_sd, HEADLINE_CONFIDENCE)
    text = set_text(interval, is_per_1000(result))
    if not interval.bounded:
        text += f" (min p {format_p_value(test.min_attainable_p)} > {1 - HEADLINE_CONFIDENCE:.2f})"
    return text


def round_text(value: float) -> str:
    magnitude = 10 ** max(0, int(math.log10(abs(value))) - 1) if value else 1
    return f"{round(value / magnitude) * magnitude:,.0f}"


def share_text(ratio: float) -> str:
    if not math.isfinite(ratio):
        return "–"
    return f"{ratio:.0%}" if abs(ratio) < 10 else f"{ratio:.0f}×"
