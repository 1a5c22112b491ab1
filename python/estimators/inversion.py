"""Confidence sets by inverting a test: the values of the effect a test does not reject, found by root-finding.

A rank or permutation p-value is a step function of the hypothesised effect theta, so a grid gives an
endpoint that is only as good as the grid's spacing, and a grid that is too short stops at its own edge
(an endpoint that is the search limit, not a boundary of the set). Here each endpoint is found by bracketing
(starting at the estimate, doubling the step outwards until the test rejects) and then by Brent's method
(:func:`scipy.optimize.brentq`) on the indicator "not rejected" minus one half, which converges to the jump
of the step function within ``xtol``. When no rejection is found within ``2**max_doublings`` scales of the
estimate the set is reported as unbounded on that side (a rank test whose smallest attainable p exceeds the
level never rejects: its set is the whole line). After the endpoints are found the p-value is evaluated on
a fine grid inside them and for the same width beyond them: a rejected point inside, or a point not
rejected outside, means the set is not an interval, and the report says so (showing the hull).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

PValues = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class ConfidenceSet:
    """The effects a test does not reject at ``1 - confidence``; ``low``/``high`` are -inf/inf when unbounded.

    ``is_interval`` is False when the set has a hole or a piece outside [low, high] (then [low, high] is
    the hull of the part around the estimate). ``estimate_accepted`` is False when the test rejects the
    point estimate itself (then no set around it exists and low = high = nan).
    """

    low: float
    high: float
    confidence: float
    is_interval: bool
    estimate_accepted: bool

    @property
    def bounded(self) -> bool:
        return math.isfinite(self.low) and math.isfinite(self.high)

    def contains(self, value: float) -> bool:
        return bool(self.low <= value <= self.high)


def _endpoint(
    p_values: PValues, alpha: float, estimate: float, scale: float, direction: int, max_doublings: int
) -> float:
    def accepted(theta: float) -> float:
        return 0.5 if float(p_values(np.array([theta]))[0]) > alpha else -0.5

    inside, step = estimate, scale
    for _ in range(max_doublings):
        outside = estimate + direction * step
        if accepted(outside) < 0:
            low, high = sorted((inside, outside))
            return float(brentq(accepted, low, high, xtol=1e-10 * scale, rtol=4 * np.finfo(float).eps, maxiter=500))
        inside, step = outside, step * 2
    return direction * math.inf


def invert_test(
    p_values: PValues,
    estimate: float,
    scale: float,
    confidence: float = 0.95,
    max_doublings: int = 40,
    check_points: int = 2001,
) -> ConfidenceSet:
    """The set {theta: p(theta) > 1 - confidence} around ``estimate``; ``p_values`` maps an array of theta to
    an array of p-values, ``scale`` is the first step of the bracketing search (the outcome's noise scale)."""
    # Rounded: 1 - 0.90 is 0.0999…98 in binary, which would accept a rank p of exactly 0.1.
    alpha = round(1.0 - confidence, 12)
    scale = abs(scale) if scale and math.isfinite(scale) else max(abs(estimate), 1.0)
    if float(p_values(np.array([estimate]))[0]) <= alpha:
        return ConfidenceSet(math.nan, math.nan, confidence, False, False)
    low = _endpoint(p_values, alpha, estimate, scale, -1, max_doublings)
    high = _endpoint(p_values, alpha, estimate, scale, +1, max_doublings)
    is_interval = True
    if math.isfinite(low) and math.isfinite(high):
        width = high - low
        margin = 1e-7 * max(width, scale)
        inside = np.linspace(low + margin, high - margin, check_points)
        beyond = np.concatenate(
            [
                np.linspace(low - width, low - margin, check_points // 2),
                np.linspace(high + margin, high + width, check_points // 2),
            ]
        )
        is_interval = bool(np.all(p_values(inside) > alpha)) and not bool(np.any(p_values(beyond) > alpha))
    return ConfidenceSet(low, high, confidence, is_interval, True)


def describe(result: ConfidenceSet | None, formatter: Callable[[float], str]) -> str:
    """``[a, b]``, ``unbounded [a, ∞)``, ``(−∞, ∞): the test cannot reject``, or the hull flagged."""
    if result is None:
        return "–"
    if not result.estimate_accepted:
        return "empty near the estimate (the test rejects it)"
    low = "−∞" if result.low == -math.inf else formatter(result.low)
    high = "∞" if result.high == math.inf else formatter(result.high)
    left, right = ("(" if result.low == -math.inf else "["), (")" if result.high == math.inf else "]")
    text = f"{left}{low}, {high}{right}"
    if not result.bounded:
        return f"{text} unbounded"
    return text if result.is_interval else f"{text} (hull: not an interval)"
