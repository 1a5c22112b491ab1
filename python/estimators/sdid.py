"""Synthetic difference-in-differences (Arkhangelsky, Athey, Hirshberg, Imbens & Wager 2021, AER).

Input: the long panel of :mod:`estimators.did`, exactly one treated region, every unit observed in every
year of the window (the estimator needs a balanced matrix; incomplete controls are dropped and listed).

Algorithm 1 of the paper, with one treated unit:

* unit weights ``omega`` (simplex, free intercept) minimise
  ``sum_pre (omega_0 + sum_j omega_j Y_jt - Y_treated,t)^2 + zeta^2 T_pre ||omega||^2`` with
  ``zeta = (N_treated * T_post)^(1/4) * sigma``, sigma = the SD of the controls' first differences
  in the pre-period;
* time weights ``lambda`` (simplex, free intercept) minimise
  ``sum_controls (lambda_0 + sum_pre lambda_t Y_jt - mean_post Y_j)^2 + zeta_lambda^2 N_co ||lambda||^2``
  with ``zeta_lambda = 1e-6 sigma``;
* the estimate is the weighted double difference.

Variance: the placebo method (their Algorithm 4), which is the one that works with a single treated
unit: every control in turn is the placebo treated unit on the controls alone, the SDID is re-estimated
(weights included), and the variance is that of the placebo estimates. Every control is used once
(with one treated unit, enumeration replaces the paper's random draws).

The weights are solved exactly as quadratic programmes (SLSQP on the simplex) instead of by the
Frank-Wolfe iterations with sparsification of the authors' R package; the estimate is therefore close
to, not identical with, the package's (``tests/analysis/test_sensitivity_and_sdid.py`` compares with diff-diff).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from scipy.optimize import minimize

from estimators.did import POST, REGION, TREATED, YEAR, prepare_panel
from estimators.result import EstimateResult, Interval


def _simplex_ridge(targets: np.ndarray, columns: np.ndarray, ridge: float) -> np.ndarray:
    """argmin over the simplex of ||c(targets) - c(columns) @ w||^2 + ridge ||w||^2, c = centring.

    Centring the rows absorbs the free intercept of both weight problems.
    """
    x = columns - columns.mean(axis=0, keepdims=True)
    t = targets - targets.mean()
    n = x.shape[1]
    if n == 1:
        return np.ones(1)
    scale = max(float(np.max(np.abs(x))), float(np.max(np.abs(t))), 1e-12)
    x, t, r = x / scale, t / scale, ridge / scale**2
    gram, cross = x.T @ x + r * np.eye(n), x.T @ t

    result = minimize(
        lambda w: float(w @ gram @ w - 2 * cross @ w),
        np.full(n, 1.0 / n),
        jac=lambda w: 2 * (gram @ w - cross),
        method="SLSQP",
        bounds=[(0.0, 1.0)] * n,
        constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1.0, "jac": lambda w: np.ones_like(w)}],
        options={"ftol": 1e-14, "maxiter": 1000},
    )
    weights = np.clip(result.x, 0.0, None)
    weights[weights < 1e-9] = 0.0
    return weights / weights.sum()


@dataclass(frozen=True)
class SdidFit:
    estimate: float
    unit_weights: pd.Series
    time_weights: pd.Series
    zeta: float


def sdid_fit(wide: np.ndarray, treated: int, is_post: np.ndarray, unit_codes: list[str], years: list[int]) -> SdidFit:
    """SDID on a (T, N) matrix with column ``treated`` the treated unit and every other column a control."""
    controls = [j for j in range(wide.shape[1]) if j != treated]
    y_co, y_tr = wide[:, controls], wide[:, treated]
    pre, post = ~is_post, is_post
    t_pre, t_post, n_co = int(pre.sum()), int(post.sum()), len(controls)
    sigma = float(np.std(np.diff(y_co[pre], axis=0), ddof=1)) if t_pre > 2 else 0.0
    zeta = (1 * t_post) ** 0.25 * sigma
    omega = _simplex_ridge(y_tr[pre], y_co[pre], zeta**2 * t_pre)
    # Time weights: the controls' pre-period years weighted to match their post-period mean.
    lam = _simplex_ridge(y_co[post].mean(axis=0), y_co[pre].T, (1e-6 * sigma) ** 2 * n_co)
    treated_diff = y_tr[post].mean() - lam @ y_tr[pre]
    control_diff = y_co[post].mean(axis=0) - lam @ y_co[pre]
    return SdidFit(
        estimate=float(treated_diff - omega @ control_diff),
        unit_weights=pd.Series(omega, index=pd.Index([unit_codes[j] for j in controls], name=REGION)),
        time_weights=pd.Series(lam, index=pd.Index([y for y, p in zip(years, is_post, strict=True) if not p])),
        zeta=zeta,
    )


@dataclass(frozen=True, kw_only=True)
class SdidResult(EstimateResult):
    """SDID estimate with the placebo standard error, its normal interval and p (Arkhangelsky et al.);
    ``excluded``: the controls with missing years."""

    fit: SdidFit
    placebo_estimates: pd.Series
    se: float


def balanced_matrix(frame: pd.DataFrame, outcome: str) -> tuple[pd.DataFrame, np.ndarray, str, dict[str, str]]:
    """Wide (year × unit) matrix over the treated unit's years, complete units only; is_post per year."""
    treated_units = frame.loc[frame[TREATED], REGION].unique()
    if len(treated_units) != 1:
        raise ValueError(f"SDID needs exactly one treated region, found {sorted(treated_units)}")
    treated = str(treated_units[0])
    wide = frame.pivot(index=YEAR, columns=REGION, values=outcome)
    wide = wide.loc[sorted(frame.loc[frame[REGION] == treated, YEAR].unique())]
    incomplete = {str(c): "missing years" for c in wide.columns if c != treated and wide[c].isna().any()}
    wide = wide.drop(columns=list(incomplete))
    post_by_year = frame.groupby(YEAR)[POST].first()
    return wide, post_by_year.loc[wide.index].to_numpy(dtype=bool), treated, incomplete


def synthetic_did(panel: pd.DataFrame, outcome: str, confidence: float = 0.95) -> SdidResult:
    """SDID of the single treated region with the placebo variance over every control."""
    frame = prepare_panel(panel, outcome)
    wide, is_post, treated, excluded = balanced_matrix(frame, outcome)
    if wide.shape[1] < 3:
        raise ValueError("SDID with a placebo variance needs at least 2 complete controls")
    if is_post.all() or not is_post.any():
        raise ValueError("SDID needs pre- and post-period years")
    codes, years = [str(c) for c in wide.columns], [int(y) for y in wide.index]
    matrix = wide.to_numpy(dtype=float)
    fit = sdid_fit(matrix, codes.index(treated), is_post, codes, years)
    placebo_codes = [c for c in codes if c != treated]
    controls_only = matrix[:, [codes.index(c) for c in placebo_codes]]
    placebos = np.array(
        [sdid_fit(controls_only, j, is_post, placebo_codes, years).estimate for j in range(len(placebo_codes))]
    )
    se = float(np.sqrt(np.mean((placebos - placebos.mean()) ** 2))) if len(placebos) > 1 else math.nan
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    p_value = float(2 * stats.norm.sf(abs(fit.estimate) / se)) if se > 0 else math.nan
    return SdidResult(
        method="synthetic_did",
        outcome=outcome,
        estimate=fit.estimate,
        fit=fit,
        placebo_estimates=pd.Series(placebos, index=pd.Index(placebo_codes, name=REGION)),
        se=se,
        interval=Interval(fit.estimate - z * se, fit.estimate + z * se, confidence),
        p_value=p_value,
        n_placebos=len(placebos),
        excluded=excluded,
    )
