"""Inference for one treated unit that does not rest on the sandwich variance.

* :func:`wild_cluster_bootstrap` — wild cluster *restricted* bootstrap (WCR) of the TWFE DiD t statistic,
  clusters = regions (Cameron, Gelbach & Miller 2008; MacKinnon & Webb 2017, 2018). The null
  (effect = 0) is imposed on the residuals; Webb's six-point weights by default, every one of the
  ``6^G`` sign patterns enumerated when the clusters are few (``6^G <= max_enumeration``), otherwise
  ``draws`` random patterns. With one treated cluster MacKinnon & Webb (2018) show WCR under-rejects
  (it is conservative) and the unrestricted version over-rejects; the Monte Carlo in
  ``bench/bench_inference_mc.py`` measures it here.
* :func:`conformal_test` / :func:`conformal_interval` — conformal inference for the post-period effects
  (Chernozhukov, Wüthrich & Zhu 2021, JASA): under H0 "the effect is theta in every post year" the
  treated unit's outcome without treatment is ``y - theta``; the TWFE model (no treatment term) is fitted
  on the whole adjusted panel, the treated unit's residuals ``u_1 … u_T`` are formed, and the statistic
  ``S = sqrt(1/T*) * sum_post |u_t|`` is ranked among its values under the T cyclic shifts of the
  residuals in time (moving-block permutations, valid under stationary weakly dependent errors).
  The smallest attainable p is 1/T. Intervals are the sets of theta not rejected, with endpoints found
  by root-finding (:mod:`estimators.inversion`); per year, the null is the effect of that one year.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from estimators.did import POST, REGION, TREATED, YEAR, fixed_effects_design, prepare_panel
from estimators.inversion import ConfidenceSet, invert_test
from estimators.result import EstimateResult, Interval

WEBB_WEIGHTS = np.array([-math.sqrt(1.5), -1.0, -math.sqrt(0.5), math.sqrt(0.5), 1.0, math.sqrt(1.5)])
RADEMACHER_WEIGHTS = np.array([-1.0, 1.0])
_WEIGHTS = {"webb": WEBB_WEIGHTS, "rademacher": RADEMACHER_WEIGHTS}


@dataclass(frozen=True, kw_only=True)
class WildBootstrapResult(EstimateResult):
    """WCR bootstrap p-value of the DiD coefficient (two-sided, |t*| >= |t|); ``n_placebos``: the draws."""

    t_stat: float
    n_clusters: int
    weights: str
    enumerated: bool


def _annihilate(basis: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    return matrix - basis @ (basis.T @ matrix)


def wild_cluster_bootstrap(
    panel: pd.DataFrame,
    outcome: str,
    weights: str = "webb",
    draws: int = 9999,
    max_enumeration: int = 50_000,
    seed: int = 20220105,
) -> WildBootstrapResult:
    """WCR bootstrap of the TWFE DiD with region clusters (null imposed, CR1 t statistic).

    Enumerates every weight pattern when ``len(weights)^G <= max_enumeration`` (then the p-value is
    exact for the bootstrap distribution and needs no seed); otherwise draws ``draws`` patterns.
    """
    if weights not in _WEIGHTS:
        raise ValueError(f"unknown bootstrap weights {weights!r} (known: {', '.join(_WEIGHTS)})")
    frame = prepare_panel(panel, outcome)
    y = frame[outcome].to_numpy(dtype=float)
    d = (frame[TREATED] & frame[POST]).to_numpy(dtype=float)
    effects, _ = fixed_effects_design(frame)
    fe_basis, _ = np.linalg.qr(effects)
    full_basis, _ = np.linalg.qr(np.column_stack([d, effects]))
    d_res = _annihilate(fe_basis, d[:, None])[:, 0]
    dd = float(d_res @ d_res)
    if dd <= 1e-12 * float(d @ d):
        raise ValueError("the treatment indicator is absorbed by the fixed effects")
    clusters, codes = pd.factorize(frame[REGION])
    n_clusters = len(codes)
    n_obs, n_params = len(y), full_basis.shape[1]
    # CR1 small-sample factor (as Stata, statsmodels and wildboottest): scales t, not the p-value.
    cr1 = math.sqrt(n_clusters / (n_clusters - 1) * (n_obs - 1) / (n_obs - n_params))

    def t_stats(y_matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        beta = (d_res @ y_matrix) / dd
        resid = _annihilate(full_basis, y_matrix)
        scores = np.zeros((n_clusters, y_matrix.shape[1]))
        np.add.at(scores, clusters, d_res[:, None] * resid)
        se = cr1 * np.sqrt(np.sum(scores**2, axis=0)) / dd
        return beta, beta / se

    beta, t_actual = t_stats(y[:, None])
    # Restricted residuals: the model with the effect set to zero (fixed effects only).
    u_restricted = _annihilate(fe_basis, y[:, None])[:, 0]
    fitted_restricted = y - u_restricted
    support = _WEIGHTS[weights]
    enumerated = len(support) ** n_clusters <= max_enumeration
    if enumerated:
        patterns = np.array(list(itertools.product(support, repeat=n_clusters))).T
    else:
        rng = np.random.default_rng(seed)
        patterns = rng.choice(support, size=(n_clusters, draws))
    y_star = fitted_restricted[:, None] + u_restricted[:, None] * patterns[clusters]
    _, t_star = t_stats(y_star)
    t_star = t_star[np.isfinite(t_star)]
    p_value = float(np.mean(np.abs(t_star) >= abs(t_actual[0]) * (1 - 1e-10)))
    n = t_star.size
    return WildBootstrapResult(
        method="wild_cluster_bootstrap",
        outcome=outcome,
        estimate=float(beta[0]),
        t_stat=float(t_actual[0]),
        p_value=p_value,
        n_clusters=n_clusters,
        n_placebos=int(n),
        weights=weights,
        enumerated=enumerated,
        min_attainable_p=1.0 / n if n else math.nan,
    )


@dataclass(frozen=True, kw_only=True)
class ConformalResult(EstimateResult):
    """Conformal test of "no effect" and the set of constant post-period effects not rejected.

    ``per_year`` columns: year, estimate (the DiD of the pre-period and that year alone), p_value (H0: no
    effect in that year), min_attainable_p, interval (a :class:`ConfidenceSet`), ci_low, ci_high.
    ``interval``: the constant effects not rejected (their hull when ``ci_is_hull``); ``n_placebos``: the
    block permutations other than the observed order (``n_periods`` − 1).
    """

    ci_is_hull: bool
    n_periods: int
    n_post: int
    per_year: pd.DataFrame
    constant_effect_set: ConfidenceSet | None = None


def _treated_residual_paths(
    frame: pd.DataFrame, outcome: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    """Treated rows' residuals of the no-treatment TWFE fit, as a + theta * b, ordered by year; and the DiD."""
    effects, _ = fixed_effects_design(frame)
    basis, _ = np.linalg.qr(effects)
    y = frame[outcome].to_numpy(dtype=float)
    d = (frame[TREATED] & frame[POST]).to_numpy(dtype=float)
    treated_rows = frame[TREATED].to_numpy()
    order = np.argsort(frame.loc[treated_rows, YEAR].to_numpy())
    a = _annihilate(basis, y[:, None])[treated_rows, 0][order]
    b = -_annihilate(basis, d[:, None])[treated_rows, 0][order]
    years = frame.loc[treated_rows, YEAR].to_numpy()[order]
    post = frame.loc[treated_rows, POST].to_numpy()[order]
    d_res = _annihilate(basis, d[:, None])[:, 0]
    did = float(d_res @ y / (d_res @ d_res))
    return a, b, years, post, did


def _block_p_values(residuals: np.ndarray, post: np.ndarray) -> np.ndarray:
    """Moving-block permutation p-values; ``residuals`` has shape (T, K) for K values of theta."""
    n_periods = residuals.shape[0]
    scale = 1.0 / math.sqrt(max(int(post.sum()), 1))
    actual = scale * np.abs(residuals[post]).sum(axis=0)
    shifted = np.stack([np.roll(residuals, -shift, axis=0)[post] for shift in range(n_periods)])
    statistics = scale * np.abs(shifted).sum(axis=1)
    return np.mean(statistics >= actual[None, :] * (1 - 1e-10), axis=0)


def _conformal_set(
    a: np.ndarray, b: np.ndarray, post: np.ndarray, estimate: float, scale: float, confidence: float
) -> ConfidenceSet:
    """Invert the conformal test by root-finding (the residuals are a + theta * b, linear in theta)."""
    return invert_test(
        lambda theta: _block_p_values(a[:, None] + b[:, None] * np.asarray(theta, dtype=float)[None, :], post),
        estimate,
        scale,
        confidence,
    )


def conformal_test(panel: pd.DataFrame, outcome: str, confidence: float = 0.95) -> ConformalResult:
    """CWZ (2021) conformal inference with the TWFE counterfactual model and moving-block permutations.

    ``p_value`` tests the sharp null of no effect in any post year. ``constant_effect_set`` inverts the test
    of "the effect is theta in every post year": a set for a constant effect, not for the average of effects
    that differ by year (with heterogeneous year effects it can exclude the average), so the report shows the
    per-year sets instead, where the null "the effect in that year is theta" is exactly what the row
    estimates. Endpoints by root-finding (:mod:`estimators.inversion`).
    """
    frame = prepare_panel(panel, outcome)
    treated = frame.loc[frame[TREATED], REGION].unique()
    if len(treated) != 1:
        raise ValueError(f"conformal inference needs exactly one treated region, found {sorted(treated)}")
    a, b, years, post, estimate = _treated_residual_paths(frame, outcome)
    if post.sum() == 0 or (~post).sum() < 2:
        raise ValueError("conformal inference needs at least 2 pre-period and 1 post-period year of the treated")
    spread = float(np.std(a[~post], ddof=1)) or 1.0
    p_zero = float(_block_p_values(a[:, None], post)[0])
    pooled = _conformal_set(a, b, post, estimate, spread, confidence)

    rows = []
    for year in years[post]:
        keep = frame[~frame[POST] | (frame[YEAR] == year)].reset_index(drop=True)
        a1, b1, _, post1, est1 = _treated_residual_paths(keep, outcome)
        interval = _conformal_set(a1, b1, post1, est1, spread, confidence)
        rows.append(
            {
                "year": int(year),
                "estimate": est1,
                "p_value": float(_block_p_values(a1[:, None], post1)[0]),
                "min_attainable_p": 1.0 / len(a1),
                "interval": interval,
                "ci_low": interval.low,
                "ci_high": interval.high,
            }
        )
    return ConformalResult(
        method="conformal",
        outcome=outcome,
        estimate=estimate,
        p_value=p_zero,
        min_attainable_p=1.0 / len(a),
        n_placebos=len(a) - 1,
        interval=Interval(pooled.low, pooled.high, confidence),
        ci_is_hull=not pooled.is_interval,
        n_periods=len(a),
        n_post=int(post.sum()),
        per_year=pd.DataFrame(rows),
        constant_effect_set=pooled,
    )


def conformal_p_value(panel: pd.DataFrame, outcome: str) -> float:
    """Only the p-value of "no effect" (for the Monte Carlo): no grid, no per-year intervals."""
    frame = prepare_panel(panel, outcome)
    a, _, _, post, _ = _treated_residual_paths(frame, outcome)
    return float(_block_p_values(a[:, None], post)[0])
