"""How far parallel trends may fail before the DiD shown loses its sign (after Rambachan & Roth 2023, REStud).

The DiD the report shows is ``theta_hat = mean(beta_post) - mean(beta_pre)``: the treated unit's post-period
gap to its controls (event-study coefficients ``beta``, one per year) minus its pre-period average gap. Its
bias is ``b = mean(delta_post) - mean(delta_pre)``, where ``delta`` is the difference in trends the DiD cannot
see. Both restrictions below bound that bias, so their sets are centred on exactly the estimate shown (the
authors' package centres on ``mean(beta_post)``, relative to one reference year, which is not the DiD):

* **relative magnitudes** ``|b| <= Mbar * B``: the post-period departure of the gap from its pre-period mean is
  at most Mbar times the benchmark ``B``, how far the gap's mean over a pre-period window of the same length
  as the post period departed from the pre-period mean. ``B`` is robust to one outlying year: the largest such
  departure once the single most influential pre-period year t is left out, of the pre-period mean and of
  the windows (``min_t max_w |mean_w d_(-t)|`` over the windows w not containing t). ``breakdown_range`` is
  the range of the breakdowns with the benchmark recomputed leaving each pre-period year out in turn: how much
  the answer hinges on one year.
* **smoothness** ``|delta_k - linear extrapolation| <= M * k(k+1)/2``: the gap continues the pre-period linear
  trend (fitted by OLS on every pre-period year, not one year's slope) and its slope may change by at most M per
  year after the last pre-period year. Its estimate is the trend-adjusted DiD, shown in its own row. M is stated
  relative to the SD of the treated unit's pre-period second differences of the gap.

Intervals are fixed-length: set ± z * se. The se is design-based and on the treated unit's own noise scale:
the treated unit's pre-period noise SD times the root mean square of the controls' placebo statistics each
divided by its own noise SD (the studentised placebo of :mod:`estimators.studentised`), so a treated
unit noisier than its controls gets a wider interval. The breakdown value is the smallest parameter at which the
interval first includes zero; 0 means it includes zero under exact parallel trends.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from estimators.result import EstimateResult, Interval
from estimators.studentised import StudentisedPlaceboResult


@dataclass(frozen=True, kw_only=True)
class SensitivityResult(EstimateResult):
    """Both restrictions for the DiD shown; ``grid`` holds the intervals per parameter.

    ``estimate`` is the DiD shown and ``interval`` its interval under exact parallel trends (estimate ± z se);
    there is no p-value.

    ``grid`` columns: restriction (``relative_magnitudes`` / ``smoothness``), parameter, lb, ub (identified
    set), ci_low, ci_high. ``noise_sd``: the treated unit's pre-period noise (the scale of every M stated).
    """

    se: float
    benchmark: float
    benchmark_plain: float
    rm_breakdown: float
    breakdown_range: tuple[float, float]
    trend_estimate: float
    trend_se: float
    trend_slope: float
    sd_breakdown: float
    second_difference_sd: float
    noise_sd: float
    grid: pd.DataFrame

    @property
    def sd_breakdown_relative(self) -> float:
        """The smoothness breakdown M over the SD of the treated unit's pre-period second differences."""
        return self.sd_breakdown / self.second_difference_sd if self.second_difference_sd > 0 else math.nan


def window_departures(gap: np.ndarray, length: int, drop: int | None = None) -> np.ndarray:
    """|mean departure of ``gap`` from its pre-period mean over each window of ``length`` consecutive years|.

    With ``drop`` (a position) that year is left out entirely: of the mean, and of every window holding it.
    """
    keep = np.ones(len(gap), dtype=bool)
    if drop is not None:
        keep[drop] = False
    deviations = gap - gap[keep].mean()
    out = []
    for start in range(len(gap) - length + 1):
        if drop is not None and start <= drop < start + length:
            continue
        out.append(abs(float(deviations[start : start + length].mean())))
    return np.array(out)


def benchmarks(gap: np.ndarray, length: int) -> tuple[float, float, np.ndarray]:
    """(robust benchmark, plain benchmark, benchmark leaving each pre-period year out)."""
    plain = float(window_departures(gap, length).max())
    leave_out = np.array(
        [
            float(values.max()) if (values := window_departures(gap, length, drop)).size else math.nan
            for drop in range(len(gap))
        ]
    )
    return float(np.nanmin(leave_out)), plain, leave_out


def _breakdown(estimate: float, half_width: float, per_unit: float) -> float:
    if not np.isfinite(half_width) or per_unit <= 0:
        return math.nan
    return max(0.0, (abs(estimate) - half_width) / per_unit)


def sensitivity(
    coefficients: pd.DataFrame,
    placebo_coefficients: pd.DataFrame,
    reference_year: int,
    studentised: StudentisedPlaceboResult | None,
    confidence: float = 0.95,
    rm_grid: tuple[float, ...] = (0.0, 0.25, 0.5, 1.0, 1.5, 2.0),
    sd_grid: tuple[float, ...] = (0.0, 0.05, 0.1, 0.25, 0.5),
) -> SensitivityResult:
    """``coefficients``: the event study's (year, estimate, is_post), reference year included at 0;
    ``placebo_coefficients``: one row per placebo unit (index region_code), one column per year;
    ``studentised``: the headline test, whose noise SDs put the se on the treated unit's scale. ``sd_grid`` is
    in SDs of the treated unit's pre-period second differences."""
    if studentised is None:
        raise ValueError("sensitivity needs the studentised placebo test (the treated unit's noise scale)")
    pre_years, post_years, beta_pre, beta_post = _pre_and_post(coefficients, reference_year)
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    estimate = float(beta_post.mean() - beta_pre.mean())
    deviations = beta_pre - beta_pre.mean()
    length = len(post_years)
    robust, plain, leave_out = benchmarks(beta_pre, length)

    # Trend: OLS slope of the pre-period gap, extrapolated to the post years' mean distance from the pre mean.
    t_pre = np.array(pre_years, dtype=float)
    centred = t_pre - t_pre.mean()
    slope = float(centred @ deviations / (centred @ centred))
    shift = float(np.mean(post_years) - t_pre.mean())
    trend_estimate = estimate - slope * shift
    horizons = np.array(post_years, dtype=float) - pre_years[-1]
    sd_per_m = float(np.mean(horizons * (horizons + 1) / 2))
    second = np.diff(deviations, 2)
    second_sd = float(second.std(ddof=1)) if second.size > 1 else math.nan

    se, trend_se, n_placebos = _placebo_ses(placebo_coefficients, studentised, pre_years, post_years, centred, shift)
    scale = studentised.treated_sd
    table = []
    for mbar in rm_grid:
        lb, ub = estimate - mbar * robust, estimate + mbar * robust
        table.append(("relative_magnitudes", mbar, lb, ub, lb - z * se, ub + z * se))
    for m in sd_grid:
        half = m * second_sd * sd_per_m
        lb, ub = trend_estimate - half, trend_estimate + half
        table.append(("smoothness", m, lb, ub, lb - z * trend_se, ub + z * trend_se))
    grid = pd.DataFrame(table, columns=["restriction", "parameter", "lb", "ub", "ci_low", "ci_high"])
    range_values = [_breakdown(estimate, z * se, b) for b in leave_out if np.isfinite(b)]
    sd_breakdown = _breakdown(trend_estimate, z * trend_se, sd_per_m)
    return SensitivityResult(
        method="sensitivity",
        outcome=studentised.outcome,
        estimate=estimate,
        interval=Interval(estimate - z * se, estimate + z * se, confidence),
        se=se,
        benchmark=robust,
        benchmark_plain=plain,
        rm_breakdown=_breakdown(estimate, z * se, robust),
        breakdown_range=(min(range_values), max(range_values)) if range_values else (math.nan, math.nan),
        trend_estimate=trend_estimate,
        trend_se=trend_se,
        trend_slope=slope,
        sd_breakdown=sd_breakdown,
        second_difference_sd=second_sd,
        noise_sd=scale,
        n_placebos=n_placebos,
        grid=grid,
    )


def _pre_and_post(
    coefficients: pd.DataFrame, reference_year: int
) -> tuple[list[int], list[int], np.ndarray, np.ndarray]:
    """The pre- and post-period years of the event study and their coefficients, checked usable."""
    rows = coefficients.set_index("year").sort_index()
    pre_years = [int(y) for y in rows.index if not bool(rows.loc[y, "is_post"])]
    post_years = [int(y) for y in rows.index if bool(rows.loc[y, "is_post"])]
    if len(pre_years) < 4 or not post_years or reference_year not in pre_years:
        raise ValueError("sensitivity needs at least 4 pre-period years (the reference included) and a post year")
    if pre_years != list(range(pre_years[0], pre_years[-1] + 1)):
        raise ValueError("sensitivity needs consecutive pre-period years")
    beta_pre = rows.loc[pre_years, "estimate"].to_numpy(dtype=float)
    beta_post = rows.loc[post_years, "estimate"].to_numpy(dtype=float)
    return pre_years, post_years, beta_pre, beta_post


def _placebo_ses(
    placebo_coefficients: pd.DataFrame,
    studentised: StudentisedPlaceboResult,
    pre_years: list[int],
    post_years: list[int],
    centred: np.ndarray,
    shift: float,
) -> tuple[float, float, int]:
    """Design-based se of the DiD and of the trend-adjusted DiD on the treated unit's scale: the placebo units'
    same combinations of their event-study coefficients, each over its own noise SD; and how many placebos."""
    placebos = placebo_coefficients.reindex(columns=pre_years + post_years)
    noise = studentised.placebos["noise_sd"].reindex(placebos.index.astype(str)).to_numpy(dtype=float)
    p_pre = placebos[pre_years].to_numpy(dtype=float)
    p_post = placebos[post_years].to_numpy(dtype=float)
    p_did = p_post.mean(axis=1) - p_pre.mean(axis=1)
    p_slope = (p_pre - p_pre.mean(axis=1, keepdims=True)) @ centred / (centred @ centred)
    p_trend = p_did - p_slope * shift
    ok = np.isfinite(p_did) & np.isfinite(noise) & (noise > 0)
    if not ok.any():
        raise ValueError("no placebo unit has both an event study and a pre-period noise")
    scale = studentised.treated_sd
    se = scale * float(np.sqrt(np.mean((p_did[ok] / noise[ok]) ** 2)))
    trend_se = scale * float(np.sqrt(np.mean((p_trend[ok] / noise[ok]) ** 2)))
    return se, trend_se, int(ok.sum())
