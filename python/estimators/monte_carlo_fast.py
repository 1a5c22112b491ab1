"""The Monte Carlo's fast path: every method's p-value on a balanced simulated draw, with closed forms.

A balanced TWFE DiD is a double difference of means and its residuals are the two-way demeaned outcome; the fixed
design is factored once per run, and the simplex weights are solved by non-negative least squares with the
adding-up constraint as a heavily weighted extra row. These are copies of the report's estimators for speed
only: ``tests/analysis/test_monte_carlo.py`` checks on random panels that they give the p-values of the report's
own functions (:func:`estimators.monte_carlo.library_p_values`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.optimize import nnls

from estimators.did import fixed_effects_design
from estimators.inference import WEBB_WEIGHTS

if TYPE_CHECKING:
    from estimators.monte_carlo import Design


def pre_trend_path(pre_years: int, rise: float) -> np.ndarray:
    """A linear pre-trend rising by ``rise`` over ``pre_years`` years, 0 in the last pre-period year."""
    if pre_years < 2:
        return np.zeros(pre_years)
    return rise * (np.arange(pre_years) - (pre_years - 1)) / (pre_years - 1)


def simplex_nnls(target: np.ndarray, columns: np.ndarray, ridge: float = 0.0) -> np.ndarray:
    """argmin ||target - columns @ w||² + ridge ||w||² over the simplex, by NNLS with a weighted sum row."""
    n = columns.shape[1]
    if n == 1 or not np.abs(columns).max() > 0:
        # One column, or columns that are all zero after centring (one placebo control): every weight
        # vector fits equally; uniform is what the SLSQP solver of the report returns from its start.
        return np.full(n, 1.0 / n)
    scale = max(float(np.abs(columns).max()), float(np.abs(target).max()), 1e-12)
    weight = 1e4
    rows = [columns / scale, np.full((1, n), weight)]
    values: list[Any] = [target / scale, [weight]]
    if ridge > 0:
        rows.insert(1, math.sqrt(ridge) / scale * np.eye(n))
        values.insert(1, np.zeros(n))
    w, _ = nnls(np.vstack(rows), np.concatenate(values), maxiter=50 * n)
    return w / w.sum()


def _rank_p(actual: float, placebos: np.ndarray) -> float:
    placebos = placebos[np.isfinite(placebos)]
    return float((1 + np.sum(np.abs(placebos) >= abs(actual) * (1 - 1e-10))) / (1 + len(placebos)))


def _gap_sds(matrix: np.ndarray, controls: np.ndarray, post: np.ndarray) -> np.ndarray:
    """Pre-period noise (SD, ddof 1, of the gap to the others' mean) of the treated row against the controls,
    then of each control against the other controls (as
    estimators.permutation.studentised_placebo_in_space)."""
    pre = ~post
    treated_gap = matrix[0, pre] - controls[:, pre].mean(axis=0)
    totals = controls[:, pre].sum(axis=0, keepdims=True)
    control_gaps = controls[:, pre] - (totals - controls[:, pre]) / (controls.shape[0] - 1)
    return np.concatenate([[np.std(treated_gap, ddof=1)], np.std(control_gaps, axis=1, ddof=1)])


def _double_differences(matrix: np.ndarray, post: np.ndarray) -> np.ndarray:
    """Post mean minus pre mean per unit (rows)."""
    return matrix[:, post].mean(axis=1) - matrix[:, ~post].mean(axis=1)


def _did_each_treated(matrix: np.ndarray, post: np.ndarray) -> np.ndarray:
    """Balanced TWFE DiD with each row in turn as the one treated unit, the other rows its controls."""
    change = _double_differences(matrix, post)
    n = len(change)
    return change - (change.sum() - change) / (n - 1)


def _sc_fit(matrix: np.ndarray, treated: int, post: np.ndarray) -> tuple[float, np.ndarray]:
    """Synthetic control of row ``treated`` on the other rows: pre-RMSPE and the gap path."""
    donors = np.delete(matrix, treated, axis=0)
    w = simplex_nnls(matrix[treated, ~post], donors[:, ~post].T)
    gap = matrix[treated] - w @ donors
    return float(np.sqrt(np.mean(gap[~post] ** 2))), gap


def _sdid_estimate(matrix: np.ndarray, treated: int, post: np.ndarray) -> float:
    """SDID of row ``treated`` against the other rows (the weights of estimators.sdid, solved by NNLS)."""
    controls = np.delete(matrix, treated, axis=0)
    pre, t_pre, n_co = ~post, int((~post).sum()), controls.shape[0]
    sigma = float(np.std(np.diff(controls[:, pre], axis=1), ddof=1))
    zeta = int(post.sum()) ** 0.25 * sigma
    y_pre = controls[:, pre].T  # (T_pre, N_co)
    target = matrix[treated, pre]
    omega = simplex_nnls(target - target.mean(), y_pre - y_pre.mean(axis=0), zeta**2 * t_pre)
    post_means = controls[:, post].mean(axis=1)
    lam = simplex_nnls(
        post_means - post_means.mean(), controls[:, pre] - controls[:, pre].mean(axis=0), (1e-6 * sigma) ** 2 * n_co
    )
    treated_diff = matrix[treated, post].mean() - lam @ matrix[treated, pre]
    control_diff = post_means - controls[:, pre] @ lam
    return float(treated_diff - omega @ control_diff)


class FastMethods:
    """Every method's p-value on a balanced draw (unit 0 treated), with the fixed design factored once."""

    def __init__(self, design: Design, bootstrap_draws: int = 999, seed: int = 0, min_pre_years: int = 3):
        self.n_units = design.n_controls + 1
        self.n_years = design.pre_years + design.post_years
        self.post = np.arange(self.n_years) >= design.pre_years
        self.min_pre_years = min_pre_years
        units = np.repeat(np.arange(self.n_units), self.n_years)
        years = np.tile(np.arange(self.n_years), self.n_units)
        frame = pd.DataFrame({"region_code": units.astype(str), "year": years})
        effects, _ = fixed_effects_design(frame)
        d = ((units == 0) & self.post[years]).astype(float)
        self.fe_basis, _ = np.linalg.qr(effects)
        self.full_basis, _ = np.linalg.qr(np.column_stack([d, effects]))
        self.d_res = d - self.fe_basis @ (self.fe_basis.T @ d)
        self.dd = float(self.d_res @ self.d_res)
        self.units = units
        self.cluster_matrix = (units[None, :] == np.arange(self.n_units)[:, None]).astype(float)
        n_obs, n_params = len(d), self.full_basis.shape[1]
        self.df_resid = n_obs - n_params
        self.cr1 = math.sqrt(self.n_units / (self.n_units - 1) * (n_obs - 1) / self.df_resid)
        self._init_pre_trend(units, years, effects)
        if len(WEBB_WEIGHTS) ** self.n_units <= 1000:
            import itertools

            self.patterns = np.array(list(itertools.product(WEBB_WEIGHTS, repeat=self.n_units))).T
        else:
            self.patterns = np.random.default_rng(seed).choice(WEBB_WEIGHTS, size=(self.n_units, bootstrap_draws))

    def _init_pre_trend(self, units: np.ndarray, years: np.ndarray, effects: np.ndarray) -> None:
        """Fixed designs of the event study's F test (reference: the last pre year) and of the slope test."""
        self.n_pre = int((~self.post).sum())
        treated = (units == 0).astype(float)
        reference = self.n_pre - 1
        every = [treated * (years == k) for k in range(self.n_years) if k != reference]
        post_only = [treated * (years == k) for k in range(self.n_pre, self.n_years)]
        self.es_full, _ = np.linalg.qr(np.column_stack([*every, effects]))
        self.es_restricted, _ = np.linalg.qr(np.column_stack([*post_only, effects]))
        self.es_q = self.n_pre - 1
        self.es_df = len(units) - self.es_full.shape[1]
        pre_rows = ~self.post[years]
        pre_frame = pd.DataFrame({"region_code": units[pre_rows].astype(str), "year": years[pre_rows]})
        pre_effects, _ = fixed_effects_design(pre_frame)
        trend = treated[pre_rows] * (years[pre_rows] - (self.n_pre - 1) / 2)
        pre_basis, _ = np.linalg.qr(pre_effects)
        self.slope_d = trend - pre_basis @ (pre_basis.T @ trend)
        self.slope_dd = float(self.slope_d @ self.slope_d)
        self.slope_full, _ = np.linalg.qr(np.column_stack([trend, pre_effects]))
        self.slope_df = int(pre_rows.sum()) - self.slope_full.shape[1]
        self.pre_rows = pre_rows
        centred = np.arange(self.n_pre) - (self.n_pre - 1) / 2
        self.centred_years, self.sxx = centred, float(centred @ centred)

    def _pre_trend_conventional(self, matrix: np.ndarray) -> float:
        y = matrix.ravel()
        rss_full = float(np.sum((y - self.es_full @ (self.es_full.T @ y)) ** 2))
        rss_restricted = float(np.sum((y - self.es_restricted @ (self.es_restricted.T @ y)) ** 2))
        f = (rss_restricted - rss_full) / self.es_q / (rss_full / self.es_df)
        joint_p = float(stats.f.sf(f, self.es_q, self.es_df))
        y_pre = y[self.pre_rows]
        beta = float(self.slope_d @ y_pre) / self.slope_dd
        resid = y_pre - self.slope_full @ (self.slope_full.T @ y_pre)
        se = math.sqrt(float(resid @ resid) / self.slope_df / self.slope_dd)
        slope_p = float(2 * stats.t.sf(abs(beta / se), self.slope_df))
        return min(joint_p, slope_p)

    def _pre_trend_placebo(self, matrix: np.ndarray) -> float:
        """estimators.permutation.placebo_pre_trend on a balanced pre-period: gap = own minus the
        others' mean."""
        pre = matrix[:, ~self.post]
        gaps = pre - (pre.sum(axis=0, keepdims=True) - pre) / (self.n_units - 1)
        gaps = gaps - gaps.mean(axis=1, keepdims=True)
        slopes = gaps @ self.centred_years / self.sxx
        resid = gaps - slopes[:, None] * self.centred_years[None, :]
        se = np.sqrt((resid**2).sum(axis=1) / (self.n_pre - 2) / self.sxx)
        persistence = (gaps**2).mean(axis=1) / (0.5 * (np.diff(gaps, axis=1) ** 2).mean(axis=1))
        t = np.abs(slopes / se)
        ranks = [(values[None, :] >= values[:, None] * (1 - 1e-10)).mean(axis=1) for values in (t, persistence)]
        combined = ranks[0] * ranks[1]
        return float(np.mean(combined <= combined[0] * (1 + 1e-10)))

    def _ols(self, y: np.ndarray) -> tuple[float, float, float]:
        """DiD estimate, conventional p, CR1 cluster p (t on G − 1 df, as statsmodels' use_t)."""
        beta = float(self.d_res @ y) / self.dd
        resid = y - self.full_basis @ (self.full_basis.T @ y)
        se_conv = math.sqrt(float(resid @ resid) / self.df_resid / self.dd)
        scores = np.bincount(self.units, weights=self.d_res * resid, minlength=self.n_units)
        se_cluster = self.cr1 * math.sqrt(float(scores @ scores)) / self.dd
        p_conv = float(2 * stats.t.sf(abs(beta / se_conv), self.df_resid))
        p_cluster = float(2 * stats.t.sf(abs(beta / se_cluster), self.n_units - 1))
        return beta, p_conv, p_cluster

    def _wild(self, y: np.ndarray) -> float:
        u = y - self.fe_basis @ (self.fe_basis.T @ y)
        fitted = y - u
        y_star = fitted[:, None] + u[:, None] * self.patterns[self.units]
        beta = (self.d_res @ y_star) / self.dd
        resid = y_star - self.full_basis @ (self.full_basis.T @ y_star)
        scores = self.cluster_matrix @ (self.d_res[:, None] * resid)
        t_star = beta / (self.cr1 * np.sqrt((scores**2).sum(axis=0)) / self.dd)
        _, t_actual = self._t(y)
        return float(np.mean(np.abs(t_star) >= abs(t_actual) * (1 - 1e-10)))

    def _t(self, y: np.ndarray) -> tuple[float, float]:
        beta = float(self.d_res @ y) / self.dd
        resid = y - self.full_basis @ (self.full_basis.T @ y)
        scores = np.bincount(self.units, weights=self.d_res * resid, minlength=self.n_units)
        return beta, beta / (self.cr1 * math.sqrt(float(scores @ scores)) / self.dd)

    def _placebo_time(self, matrix: np.ndarray) -> float:
        post_length = int(self.post.sum())
        pre_years = int((~self.post).sum())
        actual = float(_did_each_treated(matrix, self.post)[0])
        placebos = []
        for fake in range(self.min_pre_years, pre_years - post_length + 1):
            window = matrix[:, : fake + post_length]
            placebos.append(_did_each_treated(window, np.arange(fake + post_length) >= fake)[0])
        return _rank_p(actual, np.array(placebos))

    def _conformal(self, matrix: np.ndarray) -> float:
        residuals = matrix - matrix.mean(axis=1, keepdims=True) - matrix.mean(axis=0, keepdims=True) + matrix.mean()
        u = residuals[0]
        scale = 1 / math.sqrt(self.post.sum())
        actual = scale * np.abs(u[self.post]).sum()
        shifted = [scale * np.abs(np.roll(u, -k)[self.post]).sum() for k in range(len(u))]
        return float(np.mean(np.array(shifted) >= actual * (1 - 1e-10)))

    def p_values(self, panel: pd.DataFrame, unit_sd: float, effects_sd: Iterable[float]) -> list[dict[str, float]]:
        matrix = panel["y"].to_numpy(dtype=float).reshape(self.n_units, self.n_years)
        post = self.post
        controls = matrix[1:]
        # Everything fitted on the controls alone, or on the treated unit's pre-period, is effect-free.
        space_placebos = _did_each_treated(controls, post)
        noise = _gap_sds(matrix, controls, post)
        studentised_placebos = space_placebos / noise[1:]
        pre_rmspe, gap = _sc_fit(matrix, 0, post)
        sc_placebos = []
        for j in range(controls.shape[0]):
            rmspe, placebo_gap = _sc_fit(controls, j, post)
            post_rmspe = float(np.sqrt(np.mean(placebo_gap[post] ** 2)))
            sc_placebos.append(post_rmspe / rmspe if rmspe > 0 else (math.inf if post_rmspe > 0 else math.nan))
        sc_placebos_arr = np.array(sc_placebos)
        sdid_zero = _sdid_estimate(matrix, 0, post)
        sdid_placebos = np.array([_sdid_estimate(controls, j, post) for j in range(controls.shape[0])])
        sdid_se = float(np.sqrt(np.mean((sdid_placebos - sdid_placebos.mean()) ** 2)))
        rows = []
        for effect_sd in effects_sd:
            effect = effect_sd * unit_sd
            shifted = matrix.copy()
            shifted[0, post] += effect
            y = shifted.ravel()
            beta, p_conv, p_cluster = self._ols(y)
            ratio = float(np.sqrt(np.mean((gap[post] + effect) ** 2))) / pre_rmspe
            sc_valid = sc_placebos_arr[~np.isnan(sc_placebos_arr)]
            trending = matrix.copy()
            trending[0, ~post] += pre_trend_path(int((~post).sum()), effect)
            rows.append(
                {
                    "effect_sd": float(effect_sd),
                    "placebo_space_studentised": _rank_p(beta / noise[0], studentised_placebos),
                    "placebo_space": _rank_p(beta, space_placebos),
                    "synthetic_control": float((1 + np.sum(sc_valid >= ratio * (1 - 1e-10))) / (1 + len(sc_valid))),
                    "conformal": self._conformal(shifted),
                    "placebo_time": self._placebo_time(shifted),
                    "wild_bootstrap": self._wild(y),
                    "sdid_placebo": float(2 * stats.norm.sf(abs(sdid_zero + effect) / sdid_se)),
                    "conventional": p_conv,
                    "cluster_robust": p_cluster,
                    "pretrend_placebo": self._pre_trend_placebo(trending),
                    "pretrend_conventional": self._pre_trend_conventional(trending),
                }
            )
        return rows
