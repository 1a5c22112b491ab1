"""Sensitivity of the post-period effect to violations of parallel trends (Rambachan & Roth 2023, REStud).

The event study gives coefficients ``beta_t`` (reference year 2021: ``beta = 0``); ``beta_t = tau_t +
delta_t`` where ``delta`` is the difference in trends the DiD cannot see. The target is the average
post-period effect ``theta = mean_k tau_k`` (k = 1 … K post years after the reference year). Two
restrictions on ``delta``, each with a parameter that says how far parallel trends may fail:

* **relative magnitudes** ``Delta^RM(Mbar)``: no post-period year-to-year change of ``delta`` larger than
  ``Mbar`` times the largest pre-period one (``m``, read from the pre-period coefficients). The
  identified set is ``theta_hat ± Mbar * m * sum_k l_k k``.
* **smoothness** ``Delta^SD(M)``: the slope of ``delta`` changes by at most ``M`` (outcome units per
  year²) from one year to the next. The estimator extrapolates the last pre-period slope
  (``theta_hat + beta_{-1} * sum_k l_k k``); its worst-case bias is ``M * sum_j |c_j|`` with
  ``c_j = sum_{k >= j} l_k (k - j + 1)``.

Intervals are fixed-length: estimate ± (worst-case bias + z * se), a valid (slightly conservative)
version of their FLCI for these affine estimators. What differs from the authors' package, and why:

* **se is design-based**, not the regression covariance, which with one treated unit is invalid (it
  comes from the controls alone): the larger of two spreads (root mean square around the null value
  0) of the same linear combination of event-study coefficients, (a) over the placebo-in-space runs
  (every control treated in turn) and (b) over placebo reference years inside the treated unit's own
  pre-period (the same combination shifted back in time). (a) alone understates the noise when the
  treated unit is noisier than the controls (Almaty's pre-period year-to-year SD is about twice the
  controls'); (b) alone rests on few, overlapping windows and absorbs any pre-trend; the larger is
  the conservative choice.
* For relative magnitudes ``m`` is plugged in from the estimated pre-period coefficients; the
  authors' conditional test also accounts for its sampling error. The identified sets are the same
  (checked against diff-diff's ``HonestDiD`` in ``tests/analysis/test_sensitivity.py``).

The **breakdown value** is the smallest ``Mbar`` (or ``M``) at which the interval first includes zero;
0 means the interval includes zero even under exact parallel trends.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats


@dataclass(frozen=True)
class SensitivityResult:
    """Both restrictions for the average post-period effect; ``grid`` holds the intervals per parameter.

    ``grid`` columns: restriction (``relative_magnitudes`` / ``smoothness``), parameter, lb, ub
    (identified set), ci_low, ci_high.
    """

    estimate: float
    se: float
    max_pre_change: float
    rm_slope: float
    rm_breakdown: float
    sd_estimate: float
    sd_se: float
    sd_slope: float
    sd_breakdown: float
    n_placebos: int
    n_time_placebos: int
    grid: pd.DataFrame
    confidence: float


def relative_magnitude_set(beta_pre: np.ndarray, beta_post: np.ndarray, mbar: float) -> tuple[float, float]:
    """Identified set of the average post effect under Delta^RM(Mbar); ``beta_pre`` ends at the year before
    the reference year, ``beta_post`` starts at the year after it."""
    path = np.append(beta_pre, 0.0)
    m = float(np.max(np.abs(np.diff(path)))) if len(path) > 1 else 0.0
    weights = np.full(len(beta_post), 1.0 / len(beta_post))
    slack = mbar * m * float(weights @ np.arange(1, len(beta_post) + 1))
    centre = float(weights @ beta_post)
    return centre - slack, centre + slack


def _smoothness_terms(n_post: int) -> tuple[np.ndarray, float, float]:
    weights = np.full(n_post, 1.0 / n_post)
    horizons = np.arange(1, n_post + 1)
    extrapolation = float(weights @ horizons)
    c = np.array([sum(weights[k - 1] * (k - j + 1) for k in range(j, n_post + 1)) for j in range(1, n_post + 1)])
    return weights, extrapolation, float(np.abs(c).sum())


def smoothness_set(beta_pre: np.ndarray, beta_post: np.ndarray, m: float) -> tuple[float, float]:
    """Identified set of the average post effect under Delta^SD(M) (post-period constraints; the
    pre-period coefficients are taken as the trend's past)."""
    weights, extrapolation, bias_per_m = _smoothness_terms(len(beta_post))
    centre = float(weights @ beta_post) + extrapolation * float(beta_pre[-1])
    return centre - m * bias_per_m, centre + m * bias_per_m


def _null_sd(values: np.ndarray) -> float:
    values = values[np.isfinite(values)]
    return float(np.sqrt(np.mean(values**2))) if values.size else math.nan


def _time_placebos(path: np.ndarray, n_post: int, extrapolation: float) -> tuple[np.ndarray, np.ndarray]:
    """The RM and SD combinations with a fake reference year r inside the pre-period ``path`` (ending at
    the reference year): mean(path[r+1..r+K]) - path[r], plus extrapolation * (path[r-1] - path[r])."""
    rm, sd = [], []
    for r in range(1, len(path) - n_post):
        change = float(path[r + 1 : r + 1 + n_post].mean() - path[r])
        rm.append(change)
        sd.append(change + extrapolation * float(path[r - 1] - path[r]))
    return np.array(rm), np.array(sd)


def _breakdown(estimate: float, half_width: float, per_unit: float) -> float:
    if not np.isfinite(half_width) or per_unit <= 0:
        return math.nan
    return max(0.0, (abs(estimate) - half_width) / per_unit)


def sensitivity(
    coefficients: pd.DataFrame,
    placebo_coefficients: pd.DataFrame,
    reference_year: int,
    confidence: float = 0.95,
    rm_grid: tuple[float, ...] = (0.0, 0.25, 0.5, 1.0, 1.5, 2.0),
    sd_grid: tuple[float, ...] | None = None,
) -> SensitivityResult:
    """``coefficients``: the event study's (year, estimate, is_post); ``placebo_coefficients``: one row per
    placebo unit, one column per year (same event study with that control treated)."""
    rows = coefficients.set_index("year").sort_index()
    pre_years = [y for y in rows.index if y < reference_year and not rows.loc[y, "is_post"]]
    post_years = [y for y in rows.index if bool(rows.loc[y, "is_post"])]
    if not pre_years or not post_years:
        raise ValueError("sensitivity needs pre- and post-period event-study coefficients")
    beta_pre = rows.loc[pre_years, "estimate"].to_numpy(dtype=float)
    beta_post = rows.loc[post_years, "estimate"].to_numpy(dtype=float)
    placebo_pre = placebo_coefficients[pre_years].to_numpy(dtype=float)
    placebo_post = placebo_coefficients[post_years].to_numpy(dtype=float)
    z = float(stats.norm.ppf(0.5 + confidence / 2))

    if pre_years != list(range(pre_years[0], reference_year)):
        raise ValueError(f"sensitivity needs consecutive pre-period years up to {reference_year}")
    weights, extrapolation, sd_per_m = _smoothness_terms(len(post_years))
    estimate = float(weights @ beta_post)
    path = np.append(beta_pre, 0.0)
    time_rm, time_sd = _time_placebos(path, len(post_years), extrapolation)
    se = max(_null_sd(placebo_post @ weights), _null_sd(time_rm))
    max_change = float(np.max(np.abs(np.diff(path)))) if len(path) > 1 else 0.0
    rm_slope = max_change * extrapolation
    sd_estimate = estimate + extrapolation * float(beta_pre[-1])
    sd_se = max(_null_sd(placebo_post @ weights + extrapolation * placebo_pre[:, -1]), _null_sd(time_sd))
    if sd_grid is None:
        unit = max(abs(float(np.diff(path, 2).std())) if len(path) > 2 else 0.0, 1e-12)
        sd_grid = tuple(float(unit * k) for k in (0.0, 0.25, 0.5, 1.0, 2.0))

    table = []
    for mbar in rm_grid:
        lb, ub = relative_magnitude_set(beta_pre, beta_post, mbar)
        table.append(("relative_magnitudes", mbar, lb, ub, lb - z * se, ub + z * se))
    for m in sd_grid:
        lb, ub = smoothness_set(beta_pre, beta_post, m)
        table.append(("smoothness", m, lb, ub, lb - z * sd_se, ub + z * sd_se))
    grid = pd.DataFrame(table, columns=["restriction", "parameter", "lb", "ub", "ci_low", "ci_high"])
    return SensitivityResult(
        estimate=estimate,
        se=se,
        max_pre_change=max_change,
        rm_slope=rm_slope,
        rm_breakdown=_breakdown(estimate, z * se, rm_slope),
        sd_estimate=sd_estimate,
        sd_se=sd_se,
        sd_slope=sd_per_m,
        sd_breakdown=_breakdown(sd_estimate, z * sd_se, sd_per_m),
        n_placebos=int(np.isfinite(placebo_post @ weights).sum()),
        n_time_placebos=len(time_rm),
        grid=grid,
        confidence=confidence,
    )
