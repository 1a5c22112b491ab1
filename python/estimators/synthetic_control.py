"""Synthetic control for one treated region, with all other regions as donors.

Input: the long panel documented in :mod:`estimators.did` (``region_code``, ``year``, ``is_treated``,
``is_post`` and the outcome column), exactly one treated region.

Method (Abadie, Diamond & Hainmueller 2010): choose donor weights ``w >= 0, sum(w) = 1`` that
minimise the squared distance between the treated region's pre-period outcome path and the
weighted donor paths; the synthetic region is the weighted donor path over all years and the gap
(treated − synthetic) after treatment is the effect. Inference is by permutation: every donor in
turn plays the treated region (fitted on the remaining donors) and the statistic is the ratio of
post- to pre-period RMSPE, which scales each placebo's post gap by how well it could be fitted
before; p = (1 + #{placebo ratio >= actual ratio}) / (1 + #placebos).

Why scipy rather than pysyncon: the problem is tiny (about 20 donors × 22 pre-period years), the
only predictors are the pre-period outcomes themselves, so it is one quadratic program on the
simplex that SLSQP solves in milliseconds; scipy is already a project dependency while pysyncon is
not in the lock file (and would pull its own optimisation stack); and owning the twenty lines of
the optimiser gives full control over what is fitted, deterministic results (fixed uniform
starting point, no random restarts) and the exact placebo procedure.

Donors must be observed in every year of the analysis window (the treated region's years): a
donor with missing years is excluded and listed with the reason. On the territory panel
(``fct_territory_year_panel``, borders held constant over the 2017 and 2022 changes) every territory is
complete; on a panel of regions as they were each year, the regions that did not exist for the whole
period (Abai, Zhetysu, Ulytau from 2022; Turkestan and Shymkent from 2017; South Kazakhstan until 2016) would drop out.

A placebo whose RMSPE ratio is undefined (NaN) is left out of the p-value's numerator and denominator
and listed in ``undefined_placebos``; an infinite ratio (a perfect pre-period fit) is a valid, extreme
value and is kept.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from estimators.did import POST, REGION, TREATED, YEAR, prepare_panel
from estimators.result import EstimateResult

# Weights below this are numerical noise of the optimiser and are reported as exactly zero.
_WEIGHT_FLOOR = 1e-8


def simplex_weights(target: np.ndarray, donors: np.ndarray) -> np.ndarray:
    """Weights on the simplex minimising ``||target - donors @ w||²`` (SLSQP, uniform start).

    ``target`` has shape (T,), ``donors`` shape (T, J). Deterministic for given inputs.
    """
    target = np.asarray(target, dtype=float)
    donors = np.asarray(donors, dtype=float)
    n_donors = donors.shape[1]
    if n_donors == 1:
        return np.ones(1)
    # Rescale so the objective is O(1) whatever the outcome's unit (persons or per 1,000).
    scale = max(float(np.max(np.abs(np.column_stack([target, donors])))), 1e-12)
    t, x = target / scale, donors / scale

    def objective(w: np.ndarray) -> float:
        residual = t - x @ w
        return float(residual @ residual)

    def gradient(w: np.ndarray) -> np.ndarray:
        return -2.0 * x.T @ (t - x @ w)

    result = minimize(
        objective,
        np.full(n_donors, 1.0 / n_donors),
        jac=gradient,
        method="SLSQP",
        bounds=[(0.0, 1.0)] * n_donors,
        constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1.0, "jac": lambda w: np.ones_like(w)}],
        options={"ftol": 1e-12, "maxiter": 1000},
    )
    if not result.success:
        raise RuntimeError(f"synthetic control optimisation failed: {result.message}")
    weights = np.where(result.x < _WEIGHT_FLOOR, 0.0, result.x)
    return weights / weights.sum()


def _rmspe(gaps: np.ndarray) -> float:
    return float(np.sqrt(np.mean(gaps**2))) if len(gaps) else math.nan


def _rmspe_ratio(post_rmspe: float, pre_rmspe: float) -> float:
    """post / pre; a perfect pre-fit gives inf if the paths then part, NaN (undefined) if they never do.

    A donor that is an exact copy of another (or of a mix of others) fits with zero gap before and
    after: 0 / 0 says nothing about an effect and must not rank as the most extreme placebo.
    """
    if pre_rmspe > 0:
        return post_rmspe / pre_rmspe
    return math.inf if post_rmspe > 0 else math.nan


@dataclass(frozen=True)
class SyntheticControlFit:
    """One synthetic control fit.

    ``weights``: Series indexed by donor region_code (all donors, zeros included), sums to 1.
    ``gap``: DataFrame with columns year, is_post, treated, synthetic, gap (treated − synthetic).
    """

    treated_region: str
    weights: pd.Series
    gap: pd.DataFrame
    pre_rmspe: float
    post_rmspe: float
    rmspe_ratio: float
    average_post_gap: float


def fit_synthetic_control(
    wide: pd.DataFrame, treated_region: str, post_years: set[int], demeaned: bool = False
) -> SyntheticControlFit:
    """Fit one synthetic control on a complete wide matrix (index year, one column per region).

    ``demeaned=True`` subtracts each region's pre-period mean before fitting and adds the treated
    region's back (the "demeaned" synthetic control of Ferman & Pinto 2021): use it when the treated
    region's level lies outside the donors' range, as Almaty's net inflow may, so that the weights
    match the shape of the path rather than failing to match its level.
    """
    years = wide.index.to_numpy()
    is_post = np.array([y in post_years for y in years])
    donor_codes = [c for c in wide.columns if c != treated_region]
    target = wide[treated_region].to_numpy(dtype=float)
    donors = wide[donor_codes].to_numpy(dtype=float)
    target_level = target[~is_post].mean() if demeaned else 0.0
    donor_levels = donors[~is_post].mean(axis=0) if demeaned else np.zeros(len(donor_codes))
    target_fit, donors_fit = target - target_level, donors - donor_levels
    weights = simplex_weights(target_fit[~is_post], donors_fit[~is_post])
    synthetic = target_level + donors_fit @ weights
    gaps = target - synthetic
    pre_rmspe, post_rmspe = _rmspe(gaps[~is_post]), _rmspe(gaps[is_post])
    gap = pd.DataFrame({"year": years, "is_post": is_post, "treated": target, "synthetic": synthetic, "gap": gaps})
    return SyntheticControlFit(
        treated_region=treated_region,
        weights=pd.Series(weights, index=pd.Index(donor_codes, name=REGION), name="weight"),
        gap=gap,
        pre_rmspe=pre_rmspe,
        post_rmspe=post_rmspe,
        rmspe_ratio=_rmspe_ratio(post_rmspe, pre_rmspe),
        average_post_gap=float(np.mean(gaps[is_post])),
    )


@dataclass(frozen=True, kw_only=True)
class SyntheticControlResult(EstimateResult):
    """Synthetic control of the treated region plus its placebo distribution.

    ``placebos`` columns: region_code, pre_rmspe, post_rmspe, rmspe_ratio, average_post_gap.
    ``placebo_gaps``: one column per placebo region, indexed by year (the "spaghetti" of gaps).
    ``estimate``: the average post-period gap; ``excluded`` maps region_code to the reason it could not be a donor.
    ``prefit_filtered``: the RMSPE-ratio p-value when placebos fitting much worse than the treated
    region before treatment are left out (Abadie, Diamond & Hainmueller 2010, section 3.2, who drop
    placebos with a pre-period MSPE more than 20, 5 and 2 times the treated one's): columns
    mspe_multiple, n_placebos, p_value, min_attainable_p.
    ``leave_one_out``: columns dropped_donor, average_post_gap, pre_rmspe — the fit refitted without
    each donor that had positive weight.
    """

    demeaned: bool
    fit: SyntheticControlFit
    placebos: pd.DataFrame
    undefined_placebos: tuple[str, ...] = ()
    placebo_gaps: pd.DataFrame | None = None
    prefit_filtered: pd.DataFrame | None = None
    leave_one_out: pd.DataFrame | None = None


PLACEBO_COLUMNS = ["region_code", "pre_rmspe", "post_rmspe", "rmspe_ratio", "average_post_gap"]
# ADH (2010) leave out placebos whose pre-period MSPE exceeds these multiples of the treated unit's.
PREFIT_MSPE_MULTIPLES = (20.0, 5.0, 2.0)


def ratio_p_value(actual: float, ratios: np.ndarray) -> tuple[float, int]:
    """One-sided rank p of the post/pre RMSPE ratio (NaN ratios are not placebos); and the placebo count."""
    ratios = ratios[~np.isnan(ratios)]
    n = len(ratios)
    if not n:
        return math.nan, 0
    return float((1 + np.sum(ratios >= actual * (1 - 1e-10))) / (1 + n)), n


def prefit_filtered_p_values(fit: SyntheticControlFit, placebos: pd.DataFrame) -> pd.DataFrame:
    """The RMSPE-ratio p-value over placebos whose pre-MSPE is at most k times the treated one's."""
    rows = []
    treated_mspe = fit.pre_rmspe**2
    for multiple in PREFIT_MSPE_MULTIPLES:
        kept = placebos[placebos["pre_rmspe"] ** 2 <= multiple * treated_mspe]
        p, n = ratio_p_value(fit.rmspe_ratio, kept["rmspe_ratio"].to_numpy(dtype=float))
        rows.append({"mspe_multiple": multiple, "n_placebos": n, "p_value": p, "min_attainable_p": 1.0 / (n + 1)})
    return pd.DataFrame(rows)


def leave_one_out(
    wide: pd.DataFrame, treated_region: str, post_years: set[int], fit: SyntheticControlFit, demeaned: bool
) -> pd.DataFrame:
    """Refit without each donor that carries weight: does the effect rest on one donor?"""
    rows = []
    for donor in fit.weights[fit.weights > 0].index:
        remaining = wide.drop(columns=[donor])
        if remaining.shape[1] < 3:
            continue
        refit = fit_synthetic_control(remaining, treated_region, post_years, demeaned)
        rows.append(
            {"dropped_donor": str(donor), "average_post_gap": refit.average_post_gap, "pre_rmspe": refit.pre_rmspe}
        )
    return pd.DataFrame(rows, columns=["dropped_donor", "average_post_gap", "pre_rmspe"])


def _complete_wide(frame: pd.DataFrame, outcome: str, treated_region: str) -> tuple[pd.DataFrame, dict[str, str]]:
    wide = frame.pivot(index=YEAR, columns=REGION, values=outcome)
    window = frame.loc[frame[REGION] == treated_region, YEAR]
    wide = wide.loc[sorted(window.unique())]
    excluded: dict[str, str] = {}
    for region in wide.columns:
        missing = wide.index[wide[region].isna()]
        if region != treated_region and len(missing):
            excluded[str(region)] = f"missing {len(missing)} of {len(wide)} years ({missing.min()}–{missing.max()})"
    return wide.drop(columns=list(excluded)), excluded


def _placebo_fits(
    donors_only: pd.DataFrame, post_years: set[int], demeaned: bool
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Each donor refitted as a placebo treated region on the other donors: its fit statistics and its gap path."""
    placebo_rows = []
    gaps: dict[str, np.ndarray] = {}
    for region in donors_only.columns:
        placebo = fit_synthetic_control(donors_only, region, post_years, demeaned)
        gaps[str(region)] = placebo.gap["gap"].to_numpy()
        placebo_rows.append(
            {
                "region_code": region,
                "pre_rmspe": placebo.pre_rmspe,
                "post_rmspe": placebo.post_rmspe,
                "rmspe_ratio": placebo.rmspe_ratio,
                "average_post_gap": placebo.average_post_gap,
            }
        )
    return pd.DataFrame(placebo_rows, columns=PLACEBO_COLUMNS), gaps


def _no_placebos() -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    return pd.DataFrame([], columns=PLACEBO_COLUMNS), {}


def synthetic_control(
    panel: pd.DataFrame,
    outcome: str,
    with_placebos: bool = True,
    demeaned: bool = False,
    with_leave_one_out: bool = True,
) -> SyntheticControlResult:
    """Synthetic control of the single treated region using all complete regions as donors.

    The analysis window is the years in which the treated region has outcome data; pre/post come
    from ``is_post``. With ``with_placebos`` each donor is refitted as a placebo treated region
    (donor pool: the other donors, never the real treated region). ``demeaned``: see
    :func:`fit_synthetic_control`.
    """
    frame = prepare_panel(panel, outcome)
    treated = frame.loc[frame[TREATED], REGION].unique()
    if len(treated) != 1:
        raise ValueError(f"synthetic control needs exactly one treated region, found {sorted(treated)}")
    treated_region = str(treated[0])
    wide, excluded = _complete_wide(frame, outcome, treated_region)
    donor_codes = [c for c in wide.columns if c != treated_region]
    if len(donor_codes) < 2:
        raise ValueError(f"synthetic control needs at least 2 complete donors, found {donor_codes}")
    post_years = set(frame.loc[frame[POST], YEAR])
    if not (post_years & set(wide.index)) or not (set(wide.index) - post_years):
        raise ValueError("the treated region needs both pre- and post-period years")
    fit = fit_synthetic_control(wide, treated_region, post_years, demeaned)

    placebos, gaps = _placebo_fits(wide[donor_codes], post_years, demeaned) if with_placebos else _no_placebos()
    ratios = placebos["rmspe_ratio"].to_numpy(dtype=float)
    undefined = tuple(str(code) for code in placebos.loc[np.isnan(ratios), "region_code"])
    # The ratio is one-sided by construction (always >= 0), so rank on the ratio itself.
    p_value, n = ratio_p_value(fit.rmspe_ratio, ratios)
    return SyntheticControlResult(
        method="synthetic_control_demeaned" if demeaned else "synthetic_control",
        outcome=outcome,
        estimate=fit.average_post_gap,
        demeaned=demeaned,
        fit=fit,
        placebos=placebos,
        n_placebos=n,
        p_value=p_value,
        min_attainable_p=1.0 / (n + 1) if n else math.nan,
        excluded=excluded,
        undefined_placebos=undefined,
        placebo_gaps=pd.DataFrame(gaps, index=wide.index) if gaps else None,
        prefit_filtered=prefit_filtered_p_values(fit, placebos) if with_placebos else None,
        leave_one_out=(leave_one_out(wide, treated_region, post_years, fit, demeaned) if with_leave_one_out else None),
    )
