"""The one result type every estimator returns, as pyfixest and statsmodels give every model one interface.

:class:`EstimateResult` holds what every estimate has: the estimate, its interval (low, high, level), the
p-value and the smallest p its placebos or draws can reach, how many there were, the method and design that
produced it, and the units left out with the reason. Each estimator's own details (the placebo table, the
synthetic control's weights, the sensitivity grid) are fields of its subclass, so ``tidy()`` gives every
estimator the same one-row answer and a table of estimates is a list of ``tidy()`` rows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

NAN = float("nan")


@dataclass(frozen=True)
class Interval:
    """A confidence interval: ``low`` and ``high`` at confidence ``level`` (0.95 for 95%)."""

    low: float
    high: float
    level: float

    @property
    def bounds(self) -> tuple[float, float]:
        return (self.low, self.high)


@dataclass(frozen=True, kw_only=True)
class EstimateResult:
    """One estimate with its uncertainty, the same fields for every estimator.

    ``p_value`` is NaN and ``interval`` None where the method gives none; ``min_attainable_p`` is
    ``1 / (1 + n_placebos)`` for a rank test (NaN where the p is not a rank); ``n_placebos`` counts the
    placebos, permutations or bootstrap draws behind the p (0 when none); ``excluded`` maps each unit left
    out to the reason.
    """

    method: str
    outcome: str
    estimate: float
    p_value: float = NAN
    min_attainable_p: float = NAN
    interval: Interval | None = None
    n_placebos: int = 0
    design: str = ""
    excluded: Mapping[str, str] = field(default_factory=dict)

    def tidy(self) -> dict[str, Any]:
        """One row: method, design, outcome, estimate, ci_low, ci_high, ci_level, p_value, min_attainable_p,
        n_placebos, n_excluded (the columns of ``broom``'s and pyfixest's ``tidy``, one estimate a row)."""
        ci = self.interval
        return {
            "method": self.method,
            "design": self.design,
            "outcome": self.outcome,
            "estimate": self.estimate,
            "ci_low": ci.low if ci else NAN,
            "ci_high": ci.high if ci else NAN,
            "ci_level": ci.level if ci else NAN,
            "p_value": self.p_value,
            "min_attainable_p": self.min_attainable_p,
            "n_placebos": self.n_placebos,
            "n_excluded": len(self.excluded),
        }

    def summary(self) -> str:
        """The result in one line for a terminal: ``placebo_in_space (paper, outcome): 2,657.05 [..], p 0.333
        (min 0.333, 2 placebos)``."""
        label = ", ".join(part for part in (self.design, self.outcome) if part)
        text = f"{self.method} ({label}): {_number(self.estimate)}"
        if self.interval is not None:
            ci = self.interval
            text += f" [{_number(ci.low)}, {_number(ci.high)}] at {ci.level:.0%}"
        if not math.isnan(self.p_value):
            text += f", p {self.p_value:.3g}"
            details = [f"min {self.min_attainable_p:.3g}"] if not math.isnan(self.min_attainable_p) else []
            details += [f"{self.n_placebos} placebos or draws"] if self.n_placebos else []
            text += f" ({', '.join(details)})" if details else ""
        if self.excluded:
            text += f"; excluded: {', '.join(f'{code} ({why})' for code, why in self.excluded.items())}"
        return text


def _number(value: float) -> str:
    return f"{value:,.4g}" if math.isfinite(value) else str(value)
