"""Size and power of every inference method the report uses, by Monte Carlo, on panels like Almaty's.

Data-generating process (one draw): one treated unit and ``n_controls`` controls, ``pre_years`` + ``post_years``
years (22 + 2, as 2000–2021 and 2022–2023), ``y_it = a_i + b_t + e_it`` with unit effects a_i ~ N(0, 5²),
year effects a Gaussian random walk, and AR(1) errors ``e_it = rho e_i,t-1 + u_it`` (rho = 0.5, started from
the stationary distribution) whose innovation SD differs by unit: ``sd_i ~ Uniform(0.5, 2)`` drawn afresh
for every unit in every draw (so the units are exchangeable before the draw, unequal within it). With
``treated_sd_multiple`` > 1 the treated unit's SD is that multiple of the controls' largest — the case where
a placebo distribution drawn from the controls understates the treated unit's noise (Almaty's pre-period
year-to-year SD is about twice its controls').

The effect is added to the treated unit in every post year, in units of its own pre-period SD (the stationary
SD of its errors, ``sd_T / sqrt(1 - rho²)``): 0 (size), 1 and 2 (power). The two pre-trend tests
(``pretrend_*``) test the pre-period, which a post-period effect does not touch: for them the "effect" is a
linear pre-trend planted in the treated unit instead, rising by that many SDs over the pre-period up to the
last pre-period year (0: parallel trends hold, the size; 1 and 2: their power).

Speed: thousands of draws through the report's functions (pandas frames, a QR per regression, SLSQP per
synthetic control) would take hours on a shared machine, so :class:`~estimators.monte_carlo_fast.FastMethods`
recomputes every method
on the balanced matrix with closed forms (a balanced TWFE DiD is a double difference of means; its
residuals are the two-way demeaned outcome), one QR of the fixed design per run, and the simplex weights
by non-negative least squares with the adding-up constraint as a heavily weighted extra row.
``tests/analysis/test_monte_carlo.py`` checks on fixed draws that it gives the p-values of the report's
functions (:func:`library_p_values`).
Rejection at level alpha means p <= alpha; the Monte Carlo standard error is sqrt(r (1 - r) / draws).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from estimators.did import estimate_did, event_study
from estimators.inference import conformal_p_value, wild_cluster_bootstrap
from estimators.monte_carlo_fast import FastMethods, pre_trend_path
from estimators.permutation import placebo_in_space, placebo_in_time
from estimators.pre_trend import placebo_pre_trend
from estimators.sdid import synthetic_did
from estimators.studentised import studentised_placebo_in_space
from estimators.synthetic_control import _rmspe, ratio_p_value, synthetic_control

OUTCOME = "y"
FIRST_YEAR = 2000
METHODS = {
    "placebo_space_studentised": "studentised placebo in space (each DiD over its own pre-period SD)",
    "placebo_space": "placebo in space (rank p)",
    "synthetic_control": "synthetic control, RMSPE-ratio permutation",
    "conformal": "conformal, moving-block permutations (CWZ 2021)",
    "placebo_time": "placebo in time (rank p)",
    "wild_bootstrap": "wild cluster restricted bootstrap, Webb weights",
    "sdid_placebo": "synthetic DiD, placebo variance",
    "conventional": "OLS t test (not valid: one treated unit)",
    "cluster_robust": "cluster-robust CR1 t test (not valid: one treated unit)",
    "pretrend_placebo": "pre-trend placebo test (power: linear pre-trend of 1 / 2 SD)",
    "pretrend_conventional": "pre-trend F or slope test, conventional (not valid; power: pre-trend)",
}
# What identifies one simulated design and level in the output tables.
DESIGN_KEYS = ("n_controls", "post_years", "noise_ratio", "alpha", "method_code")


@dataclass(frozen=True)
class Design:
    n_controls: int
    pre_years: int = 22
    post_years: int = 2
    rho: float = 0.5
    treated_sd_multiple: float = 1.0
    sd_low: float = 0.5
    sd_high: float = 2.0
    # When set, the treated unit's SD is this multiple of the controls' median SD (the noise ratio the report
    # measures on the marts) instead of ``treated_sd_multiple`` times their largest.
    noise_ratio: float | None = None

    @property
    def treated_label(self) -> float:
        """The treated unit's noise as the tables show it: the noise ratio, else the multiple of the largest."""
        return self.noise_ratio if self.noise_ratio is not None else self.treated_sd_multiple


def simulate_panel(design: Design, rng: np.random.Generator) -> tuple[pd.DataFrame, float]:
    """One draw of the panel without effect, and the treated unit's pre-period SD (the effect unit)."""
    n_units, n_years = design.n_controls + 1, design.pre_years + design.post_years
    sds = rng.uniform(design.sd_low, design.sd_high, n_units)
    if design.noise_ratio is not None:
        sds[0] = design.noise_ratio * float(np.median(sds[1:]))
    elif design.treated_sd_multiple != 1.0:
        sds[0] = design.treated_sd_multiple * sds[1:].max()
    errors = np.empty((n_units, n_years))
    errors[:, 0] = rng.normal(0.0, sds / math.sqrt(1 - design.rho**2))
    for t in range(1, n_years):
        errors[:, t] = design.rho * errors[:, t - 1] + rng.normal(0.0, sds)
    unit_effects = rng.normal(0.0, 5.0, n_units)
    year_effects = np.cumsum(rng.normal(0.0, 1.0, n_years))
    y = unit_effects[:, None] + year_effects[None, :] + errors
    years = np.arange(FIRST_YEAR, FIRST_YEAR + n_years)
    codes = ["T"] + [f"C{j:02d}" for j in range(1, n_units)]
    panel = pd.DataFrame(
        {
            "region_code": np.repeat(codes, n_years),
            "year": np.tile(years, n_units),
            "is_treated": np.repeat([True] + [False] * design.n_controls, n_years),
            "is_post": np.tile(years >= FIRST_YEAR + design.pre_years, n_units),
            OUTCOME: y.ravel(),
        }
    )
    return panel, float(sds[0] / math.sqrt(1 - design.rho**2))


def _with_effect(panel: pd.DataFrame, effect: float) -> pd.DataFrame:
    shifted = panel.copy()
    shifted.loc[shifted["is_treated"] & shifted["is_post"], OUTCOME] += effect
    return shifted


def _with_pre_trend(panel: pd.DataFrame, rise: float) -> pd.DataFrame:
    shifted = panel.copy()
    rows = shifted["is_treated"] & ~shifted["is_post"]
    shifted.loc[rows, OUTCOME] += pre_trend_path(int(rows.sum()), rise)
    return shifted


def _conventional_pre_trend_p(panel: pd.DataFrame) -> float:
    """The event study's verdict as one p: it rejects when the joint F or the slope test does (the smaller)."""
    pre = event_study(panel, OUTCOME, reference_year=int(panel.loc[~panel["is_post"], "year"].max())).pre_trend
    return float(min(pre.joint_p, pre.slope_p))


def library_p_values(
    panel: pd.DataFrame, unit_sd: float, effects_sd: Iterable[float], bootstrap_draws: int = 999, seed: int = 0
) -> list[dict[str, float]]:
    """p-value of every method for each effect size, one panel draw.

    The synthetic control's placebos and weights and the SDID's placebo distribution use only the
    controls and the treated unit's pre-period, which an effect in the post period does not change: they
    are fitted once and the effect is added to the post-period gap (SC) or the estimate (SDID, whose
    estimate moves one for one with a constant post-period effect).
    """
    synthetic = synthetic_control(panel, OUTCOME, with_leave_one_out=False)
    sdid = synthetic_did(panel, OUTCOME)
    placebo_ratios = synthetic.placebos["rmspe_ratio"].to_numpy(dtype=float)
    gap = synthetic.fit.gap
    rows = []
    for effect_sd in effects_sd:
        effect = effect_sd * unit_sd
        shifted = _with_effect(panel, effect) if effect else panel
        did = estimate_did(shifted, OUTCOME)
        post_gaps = gap.loc[gap["is_post"], "gap"].to_numpy() + effect
        ratio = _rmspe(post_gaps) / synthetic.fit.pre_rmspe if synthetic.fit.pre_rmspe > 0 else math.inf
        sdid_estimate = sdid.fit.estimate + effect
        wild = wild_cluster_bootstrap(shifted, OUTCOME, draws=bootstrap_draws, max_enumeration=1000, seed=seed)
        trending = _with_pre_trend(panel, effect)
        rows.append(
            {
                "effect_sd": float(effect_sd),
                "placebo_space_studentised": studentised_placebo_in_space(shifted, OUTCOME).p_value,
                "placebo_space": placebo_in_space(shifted, OUTCOME).p_value,
                "synthetic_control": ratio_p_value(ratio, placebo_ratios)[0],
                "conformal": conformal_p_value(shifted, OUTCOME),
                "placebo_time": placebo_in_time(shifted, OUTCOME).p_value,
                "wild_bootstrap": wild.p_value,
                "sdid_placebo": float(2 * stats.norm.sf(abs(sdid_estimate) / sdid.se)) if sdid.se > 0 else math.nan,
                "conventional": did.p_value,
                "cluster_robust": did.p_cluster,
                "pretrend_placebo": placebo_pre_trend(trending, OUTCOME).p_value,
                "pretrend_conventional": _conventional_pre_trend_p(trending),
            }
        )
    return rows


def run_monte_carlo(
    design: Design,
    draws: int,
    seed: int,
    effects_sd: tuple[float, ...] = (0.0, 1.0, 2.0),
    bootstrap_draws: int = 999,
    alphas: tuple[float, ...] = (0.05, 0.10),
) -> pd.DataFrame:
    """Rejection rate at each level per method and effect size, with its Monte Carlo standard error."""
    rng = np.random.default_rng(seed)
    records = []
    fast = FastMethods(design, bootstrap_draws, seed)
    for draw in range(draws):
        panel, unit_sd = simulate_panel(design, rng)
        for row in fast.p_values(panel, unit_sd, effects_sd):
            records.append(row | {"draw": draw})
    p_values = pd.DataFrame(records)
    return pd.concat([rejection_table(p_values, design, seed, alpha) for alpha in alphas], ignore_index=True)


def rejection_table(p_values: pd.DataFrame, design: Design, seed: int, alpha: float = 0.05) -> pd.DataFrame:
    """Long table: one row per method × effect size with rejection_rate (p <= alpha), mc_se and draws."""
    rows = []
    effect_sd: Any
    for effect_sd, group in p_values.groupby("effect_sd"):
        for method in METHODS:
            values = group[method].to_numpy(dtype=float)
            values = values[np.isfinite(values)]
            n = len(values)
            rate = float(np.mean(values <= alpha)) if n else math.nan
            rows.append(
                {
                    "n_controls": design.n_controls,
                    "post_years": design.post_years,
                    "noise_ratio": design.treated_label,
                    "alpha": alpha,
                    "method_code": method,
                    "effect_sd": float(effect_sd),
                    "draws": n,
                    "rejection_rate": rate,
                    "mc_se": math.sqrt(rate * (1 - rate) / n) if n else math.nan,
                    "seed": seed,
                }
            )
    return pd.DataFrame(rows)


def holds_size(table: pd.DataFrame) -> pd.Series:
    """Per (n_controls, post_years, noise_ratio, alpha, method): is the size at most alpha plus two Monte Carlo
    SEs of a test whose size is exactly alpha (sqrt(alpha (1 - alpha) / draws))?"""
    null = table[table["effect_sd"] == 0.0]
    alpha = null["alpha"].to_numpy(dtype=float)
    tolerance = 2 * np.sqrt(alpha * (1 - alpha) / null["draws"].to_numpy(dtype=float))
    verdict = null["rejection_rate"].to_numpy(dtype=float) <= alpha + tolerance
    return pd.Series(
        verdict,
        index=pd.MultiIndex.from_frame(null[list(DESIGN_KEYS)]),
        name="holds_size",
    )


def wide_table(table: pd.DataFrame) -> pd.DataFrame:
    """One row per design × level × method: size ± MC error, power at 1 and 2 SDs, holds size."""
    keys = list(DESIGN_KEYS)
    designs = pd.MultiIndex.from_frame(table[keys].drop_duplicates())  # in the order they first appear

    def at(effect_sd: float) -> pd.DataFrame:
        return table[table["effect_sd"] == effect_sd].set_index(keys).reindex(designs)

    null, one_sd, two_sd = at(0.0), at(1.0), at(2.0)
    wide = designs.to_frame(index=False).rename(columns={"n_controls": "controls", "method_code": "method"})
    wide["draws"] = null["draws"].to_numpy().astype(int)
    wide["size"] = null["rejection_rate"].to_numpy()
    wide["size_mc_se"] = null["mc_se"].to_numpy()
    wide["power_1sd"] = one_sd["rejection_rate"].to_numpy()
    wide["power_2sd"] = two_sd["rejection_rate"].to_numpy()
    wide["holds_size"] = holds_size(table).reindex(designs).to_numpy().astype(bool)
    return wide
