"""Pearson and Spearman correlation of two series, with a Fisher-z confidence interval for Pearson r.

The paper reports bare Pearson coefficients (e.g. r = 0.935 for arrivals from Russia against total
arrivals) over 22–24 yearly points; with so few points the confidence interval matters more than the
point estimate, so it is always reported alongside.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from estimators.result import EstimateResult, Interval

SeriesLike = pd.Series | Sequence[float] | np.ndarray


@dataclass(frozen=True, kw_only=True)
class CorrelationResult(EstimateResult):
    """Correlation of two aligned series after dropping pairs with a missing value.

    ``estimate`` is Pearson r and ``p_value`` its p; ``interval`` is SciPy's Fisher-z interval
    (``pearsonr(...).confidence_interval()``: z = atanh r, standard error 1 / sqrt(n - 3)).
    With 3 pairs the standard error is infinite and the interval is the whole range [-1, 1];
    a perfect correlation (|r| = 1) has the degenerate interval [r, r].
    """

    n: int
    n_dropped: int
    spearman_rho: float
    spearman_p: float
    # Pearson r of the year-to-year changes (pairs of consecutive complete years; NaN when fewer than 3 or a
    # constant change): two trending levels correlate whatever drives them, their changes only if they co-move.
    pearson_r_differences: float = float("nan")

    def as_dict(self) -> dict[str, float | int]:
        """The row of the report's correlation table (its column names, in its order)."""
        interval = self.interval or Interval(math.nan, math.nan, math.nan)
        return {
            "n": self.n,
            "n_dropped": self.n_dropped,
            "pearson_r": self.estimate,
            "pearson_ci_low": interval.low,
            "pearson_ci_high": interval.high,
            "pearson_p": self.p_value,
            "spearman_rho": self.spearman_rho,
            "spearman_p": self.spearman_p,
            "confidence": interval.level,
            "pearson_r_differences": self.pearson_r_differences,
        }


def _aligned_pairs(x: SeriesLike, y: SeriesLike) -> tuple[np.ndarray, np.ndarray, int]:
    """Return the complete pairs of x and y and how many pairs were dropped.

    Two pandas Series are aligned on their index (e.g. year), so a series starting in 2003 is
    matched year by year with one starting in 2000; anything else is aligned by position.
    """
    if isinstance(x, pd.Series) and isinstance(y, pd.Series):
        frame = pd.concat({"x": x, "y": y}, axis=1, join="outer")
    else:
        x_values = np.asarray(x, dtype=float)
        y_values = np.asarray(y, dtype=float)
        if x_values.shape != y_values.shape or x_values.ndim != 1:
            raise ValueError(
                f"correlation needs two one-dimensional series of equal length, got shapes "
                f"{x_values.shape} and {y_values.shape}"
            )
        frame = pd.DataFrame({"x": x_values, "y": y_values})
    frame = frame.astype(float)
    complete = frame.dropna()
    return complete["x"].to_numpy(), complete["y"].to_numpy(), len(frame) - len(complete)


def correlate(x: SeriesLike, y: SeriesLike, confidence: float = 0.95) -> CorrelationResult:
    """Pearson r (with Fisher-z CI and p-value) and Spearman rho (with p-value) of x and y.

    Pairs where either value is missing are dropped and counted in ``n_dropped``.
    Raises ValueError when fewer than 3 complete pairs remain or a series is constant,
    because a correlation is then undefined rather than zero.
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    x_values, y_values, n_dropped = _aligned_pairs(x, y)
    n = len(x_values)
    if n < 3:
        raise ValueError(f"correlation needs at least 3 complete pairs, got {n} ({n_dropped} dropped)")
    if np.ptp(x_values) == 0 or np.ptp(y_values) == 0:
        raise ValueError("correlation is undefined: one of the series is constant over the complete pairs")
    pearson = stats.pearsonr(x_values, y_values)
    spearman = stats.spearmanr(x_values, y_values)
    dx, dy = _differences(x, y)
    r_differences = (
        float(stats.pearsonr(dx, dy).statistic) if len(dx) >= 3 and np.ptp(dx) > 0 and np.ptp(dy) > 0 else float("nan")
    )
    interval = pearson.confidence_interval(confidence_level=confidence)
    return CorrelationResult(
        method="pearson",
        outcome="",
        n=n,
        n_dropped=n_dropped,
        estimate=float(pearson.statistic),
        interval=Interval(float(interval.low), float(interval.high), confidence),
        p_value=float(pearson.pvalue),
        spearman_rho=float(spearman.statistic),
        spearman_p=float(spearman.pvalue),
        pearson_r_differences=r_differences,
    )


def _differences(x: SeriesLike, y: SeriesLike) -> tuple[np.ndarray, np.ndarray]:
    """Year-to-year changes of both series, only where a year and the one before are complete in both
    (series are aligned as in :func:`correlate`; a gap breaks the chain rather than joining across it)."""
    if isinstance(x, pd.Series) and isinstance(y, pd.Series):
        frame = pd.concat({"x": x, "y": y}, axis=1, join="outer").astype(float).sort_index()
        if pd.api.types.is_integer_dtype(frame.index):
            frame = frame.reindex(range(int(frame.index.min()), int(frame.index.max()) + 1))
    else:
        frame = pd.DataFrame({"x": np.asarray(x, dtype=float), "y": np.asarray(y, dtype=float)})
    changes = frame.diff().dropna()
    return changes["x"].to_numpy(), changes["y"].to_numpy()
