"""Ordinary least squares with the two covariances the DiD needs: conventional and CR1 clustered.

The fixed-effects designs here are a few hundred rows by a few dozen columns, so the fit is one
pseudo-inverse. statsmodels computes the same (its OLS default is also the pseudo-inverse; the test
suite compares both), but importing its regression module costs 1-2 s, paid by every dbt build that
runs the replication's pre-trend check and by every analysis run; NumPy and scipy.special cost a
fraction of that.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special


@dataclass(frozen=True)
class OlsFit:
    """Coefficients with standard errors, p-values and intervals from a t distribution on `df_inference`."""

    params: np.ndarray
    cov: np.ndarray
    df_resid: float
    df_inference: float

    @property
    def bse(self) -> np.ndarray:
        """Standard errors; NaN where the variance is negative. A cluster-robust variance with as few clusters as
        parameters is singular, and rounding can leave its diagonal a hair below zero (leave-one-control-out of
        the paper design keeps two regions): no standard error exists there, so NaN, quietly."""
        variance = np.diag(self.cov)
        with np.errstate(invalid="ignore"):
            return np.where(variance >= 0, np.sqrt(variance), np.nan)

    @property
    def tvalues(self) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.params / self.bse

    @property
    def pvalues(self) -> np.ndarray:
        return 2.0 * special.stdtr(self.df_inference, -np.abs(self.tvalues))

    def conf_int(self, alpha: float = 0.05) -> np.ndarray:
        """(lower, upper) per coefficient, as rows."""
        half = special.stdtrit(self.df_inference, 1.0 - alpha / 2.0) * self.bse
        return np.column_stack([self.params - half, self.params + half])

    def f_test(self, restriction: np.ndarray) -> tuple[float, float, int, float]:
        """Wald F test of restriction @ params = 0: (F, p, numerator df, denominator df)."""
        difference = restriction @ self.params
        middle = restriction @ self.cov @ restriction.T
        q = restriction.shape[0]
        statistic = float(difference @ np.linalg.pinv(middle) @ difference) / q
        return statistic, float(special.fdtrc(q, self.df_inference, statistic)), q, self.df_inference


def ols(y: np.ndarray, design: np.ndarray, groups: np.ndarray | None = None) -> OlsFit:
    """Fit y on design. With `groups`, the CR1 cluster-robust covariance (small-sample factor
    G/(G-1) * (N-1)/(N-K)) and t inference on G-1 degrees of freedom; else the conventional one."""
    y = np.asarray(y, dtype=float)
    x = np.asarray(design, dtype=float)
    pinv = np.linalg.pinv(x)
    params = pinv @ y
    residuals = y - x @ params
    n, rank = x.shape[0], int(np.linalg.matrix_rank(x))
    df_resid = float(n - rank)
    bread = pinv @ pinv.T  # (X'X)^+
    if groups is None:
        sigma2 = float(residuals @ residuals) / df_resid if df_resid > 0 else np.nan
        return OlsFit(params, sigma2 * bread, df_resid, df_resid)
    labels = np.unique(groups)
    scores = np.vstack([x[groups == label].T @ residuals[groups == label] for label in labels])
    g = len(labels)
    factor = g / (g - 1.0) * (n - 1.0) / (n - rank)
    return OlsFit(params, factor * bread @ (scores.T @ scores) @ bread, df_resid, float(g - 1))
