"""Two-way fixed-effects difference-in-differences, event study and pre-trend check.

Input is a long region × year panel (one row per region and year) with the columns

* ``region_code`` – region identifier (two-digit KATO code as a string in the marts),
* ``year`` – integer calendar year,
* ``is_treated`` – the region is treated (Almaty city); constant within a region,
* ``is_post`` – the year is in the post-treatment period (year >= 2022); constant within a year,
* an outcome column whose name is passed in (e.g. ``net_working_age`` or ``net_working_age_per_1000``).

Rows with a missing outcome are dropped (regions that did not exist for the whole period simply
contribute fewer rows; the fixed-effects regression handles the unbalanced panel).

The model is ``y_it = a_i + b_t + delta * treated_i * post_t + e_it``. With a single treated
region, cluster-robust standard errors by region are unreliable (the treated cluster is one
observation of the effect, and the sandwich estimator is known to under-cover badly with one
treated cluster — Conley & Taber 2011, MacKinnon & Webb 2017); both the conventional and the
clustered standard errors are reported, with a warning, and inference that does not rely on them
is in :mod:`estimators.permutation` and :mod:`estimators.synthetic_control`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from estimators.ols import OlsFit, ols
from estimators.result import EstimateResult, Interval

REGION = "region_code"
YEAR = "year"
TREATED = "is_treated"
POST = "is_post"
PANEL_COLUMNS = (REGION, YEAR, TREATED, POST)

# Below this many treated regions the cluster-robust (by region) standard error comes with a warning.
# Why a count of *treated* regions: the CRVE t-test's size depends on how many clusters are treated,
# not on the total (MacKinnon & Webb 2017, "Wild bootstrap inference for wildly different cluster
# sizes", J. Appl. Econometrics 32(2); MacKinnon & Webb 2018, "The wild bootstrap for few (treated)
# clusters", Econometrics Journal 21(2)). With one treated cluster its residuals are forced towards
# zero, its contribution to the variance is missing and the test over-rejects grossly; the distortion
# shrinks only gradually as treated clusters are added. Why 5: a conventional rule of thumb for
# "very few", deliberately conservative, not a sharp bound derived from those simulations. It never
# decides anything here: the analysis always has exactly one treated region (Almaty), so the warning
# always fires and the permutation p-values carry the inference.
MIN_TREATED_FOR_CLUSTER_SE = 5

ONE_TREATED_WARNING = (
    "only {n} treated region(s): cluster-robust standard errors by region are unreliable with so few "
    "treated clusters; use the permutation (placebo) p-values instead"
)


def few_treated_warning(n_treated: int) -> str | None:
    """The warning for clustered inference with fewer than ``MIN_TREATED_FOR_CLUSTER_SE`` treated regions."""
    return ONE_TREATED_WARNING.format(n=n_treated) if n_treated < MIN_TREATED_FOR_CLUSTER_SE else None


def _as_bool(values: pd.Series, column: str) -> pd.Series:
    if pd.api.types.is_bool_dtype(values) and not values.isna().any():
        return values.astype(bool)
    unique = set(pd.unique(values.dropna()))
    # 0/1 also cover False/True (they hash equal).
    allowed = {0, 1, "true", "false", "True", "False"}
    if values.isna().any() or not unique <= allowed:
        found = sorted(map(str, unique))
        raise ValueError(f"panel column {column!r} must be boolean (0/1/true/false), found {found}")
    return values.map(lambda v: v in (1, True, "true", "True")).astype(bool)


def prepare_panel(panel: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Validate a long panel and return a clean copy with only the needed columns.

    Checks the required columns exist, that ``is_treated`` is constant within a region and
    ``is_post`` constant within a year, that (region, year) is unique, and that at least one region
    is treated and one is not. Rows with a missing outcome are dropped.
    """
    missing = [c for c in (*PANEL_COLUMNS, outcome) if c not in panel.columns]
    if missing:
        raise ValueError(f"panel is missing column(s) {missing}; it has {list(panel.columns)}")
    frame = panel.loc[:, [*PANEL_COLUMNS, outcome]].copy()
    frame[REGION] = frame[REGION].astype(str)
    frame[YEAR] = frame[YEAR].astype(int)
    frame[TREATED] = _as_bool(frame[TREATED], TREATED)
    frame[POST] = _as_bool(frame[POST], POST)
    frame[outcome] = pd.to_numeric(frame[outcome], errors="raise").astype(float)
    duplicated = frame.duplicated([REGION, YEAR])
    if duplicated.any():
        first = frame.loc[duplicated, [REGION, YEAR]].iloc[0].tolist()
        raise ValueError(f"panel has duplicate (region_code, year) rows, first: {first}")
    if (frame.groupby(REGION)[TREATED].nunique() > 1).any():
        raise ValueError("is_treated must be constant within a region")
    if (frame.groupby(YEAR)[POST].nunique() > 1).any():
        raise ValueError("is_post must be constant within a year")
    frame = frame.dropna(subset=[outcome]).sort_values([REGION, YEAR]).reset_index(drop=True)
    treated_regions = frame.loc[frame[TREATED], REGION].unique()
    if len(treated_regions) == 0 or len(treated_regions) == frame[REGION].nunique():
        raise ValueError("panel needs at least one treated and one untreated region with outcome data")
    if frame[POST].all() or not frame[POST].any():
        raise ValueError("panel needs both pre-period and post-period years with outcome data")
    return frame


def fixed_effects_design(frame: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Intercept plus region and year dummies (first level of each dropped)."""
    regions = pd.get_dummies(frame[REGION], prefix="region", drop_first=True, dtype=float)
    years = pd.get_dummies(frame[YEAR], prefix="year", drop_first=True, dtype=float)
    matrix = np.column_stack([np.ones(len(frame)), regions.to_numpy(), years.to_numpy()])
    return matrix, ["const", *regions.columns, *years.columns]


@dataclass(frozen=True, kw_only=True)
class DidResult(EstimateResult):
    """TWFE DiD estimate of ``delta``: ``interval`` and ``p_value`` are the conventional (OLS) inference,
    ``interval_cluster`` and ``p_cluster`` the cluster-robust one (by region)."""

    se_conventional: float
    se_cluster: float
    interval_cluster: Interval
    p_cluster: float
    n_obs: int
    n_regions: int
    treated_regions: tuple[str, ...]
    first_post_year: int
    warning: str | None


def estimate_did(panel: pd.DataFrame, outcome: str, confidence: float = 0.95) -> DidResult:
    """Two-way fixed-effects DiD of ``outcome`` on ``is_treated × is_post`` with region and year effects.

    Conventional inference uses the OLS t distribution; the clustered version uses the CR1
    sandwich by region with a t distribution on (number of regions − 1) degrees of freedom.
    """
    frame = prepare_panel(panel, outcome)
    effects, _ = fixed_effects_design(frame)
    interaction = (frame[TREATED] & frame[POST]).to_numpy(dtype=float)
    design = np.column_stack([interaction, effects])
    conventional = ols(frame[outcome].to_numpy(), design)
    clustered = ols(frame[outcome].to_numpy(), design, groups=pd.factorize(frame[REGION])[0])
    alpha = 1.0 - confidence
    ci_conv = conventional.conf_int(alpha)[0]
    ci_clu = clustered.conf_int(alpha)[0]
    treated = tuple(sorted(frame.loc[frame[TREATED], REGION].unique()))
    warning = few_treated_warning(len(treated))
    return DidResult(
        method="twfe_did",
        outcome=outcome,
        estimate=float(conventional.params[0]),
        se_conventional=float(conventional.bse[0]),
        interval=Interval(float(ci_conv[0]), float(ci_conv[1]), confidence),
        p_value=float(conventional.pvalues[0]),
        se_cluster=float(clustered.bse[0]),
        interval_cluster=Interval(float(ci_clu[0]), float(ci_clu[1]), confidence),
        p_cluster=float(clustered.pvalues[0]),
        n_obs=len(frame),
        n_regions=frame[REGION].nunique(),
        treated_regions=treated,
        first_post_year=int(frame.loc[frame[POST], YEAR].min()),
        warning=warning,
    )


@dataclass(frozen=True)
class PreTrendCheck:
    """Two checks that the treated and control regions moved in parallel before treatment.

    * Joint F test that all pre-period event-study coefficients are zero (conventional covariance).
    * Linear pre-trend: on pre-period rows only, the coefficient of ``treated × (year − mean year)``
      in a TWFE regression, i.e. the difference in linear slopes (outcome units per year).
    """

    n_pre_coefficients: int
    joint_f: float
    joint_df_num: int
    joint_df_denom: int
    joint_p: float
    slope_difference: float
    slope_se: float
    slope_p: float
    alpha: float
    parallel_trends_rejected: bool


@dataclass(frozen=True)
class EventStudyResult:
    """Per-year treated-minus-control effects relative to ``reference_year``.

    ``coefficients`` columns: year, relative_year (year − reference_year), is_post, estimate,
    se, ci_low, ci_high, p_value. The reference year is included with estimate 0 and NaN se.
    Standard errors are conventional (homoskedastic): with one treated unit each coefficient rests on
    a single treated observation and a cluster-robust version is not defined.
    """

    outcome: str
    reference_year: int
    coefficients: pd.DataFrame
    pre_trend: PreTrendCheck
    confidence: float
    warning: str | None = field(default=None)


def linear_pretrend(frame: pd.DataFrame, outcome: str) -> tuple[float, float, float]:
    """Slope difference (treated − control, per year) on pre-period rows: (estimate, se, p)."""
    pre = frame.loc[~frame[POST]].reset_index(drop=True)
    if pre[YEAR].nunique() < 3:
        return math.nan, math.nan, math.nan
    effects, _ = fixed_effects_design(pre)
    centred_year = (pre[YEAR] - pre[YEAR].mean()).to_numpy(dtype=float)
    trend = pre[TREATED].to_numpy(dtype=float) * centred_year
    fitted = ols(pre[outcome].to_numpy(), np.column_stack([trend, effects]))
    return float(fitted.params[0]), float(fitted.bse[0]), float(fitted.pvalues[0])


def event_study(
    panel: pd.DataFrame,
    outcome: str,
    reference_year: int | None = None,
    confidence: float = 0.95,
    alpha: float = 0.05,
) -> EventStudyResult:
    """Event study: ``y_it = a_i + b_t + sum_{k != ref} g_k * treated_i * 1[t = k] + e_it``.

    ``reference_year`` must be a pre-period year present in the data (default: the last year before the
    crisis, as the panel's ``is_post`` marks it). ``alpha`` is the level at which the pre-trend checks flag a
    violation (either test below alpha).
    """
    frame = prepare_panel(panel, outcome)
    years = sorted(frame[YEAR].unique())
    if reference_year is None:
        pre_years = frame.loc[~frame[POST], YEAR]
        if pre_years.empty:
            raise ValueError("the panel has no pre-period year to take as the reference")
        reference_year = int(pre_years.max())
    if reference_year not in years:
        raise ValueError(f"reference year {reference_year} is not in the panel years {years[0]}–{years[-1]}")
    post_years = set(frame.loc[frame[POST], YEAR])
    if reference_year in post_years:
        raise ValueError(f"reference year {reference_year} must be a pre-period year")
    event_years = [y for y in years if y != reference_year]
    treated = frame[TREATED].to_numpy(dtype=float)
    interactions = np.column_stack([treated * (frame[YEAR].to_numpy() == y) for y in event_years])
    effects, _ = fixed_effects_design(frame)
    design = np.column_stack([interactions, effects])
    fitted = ols(frame[outcome].to_numpy(), design)
    coefficients = _coefficient_table(fitted, event_years, post_years, reference_year, confidence)
    pre_trend = _pre_trend_check(fitted, event_years, post_years, frame, outcome, alpha)
    n_treated = frame.loc[frame[TREATED], REGION].nunique()
    warning = few_treated_warning(n_treated)
    return EventStudyResult(outcome, reference_year, coefficients, pre_trend, confidence, warning)


def _coefficient_table(
    fitted: OlsFit, event_years: list[int], post_years: set[int], reference_year: int, confidence: float
) -> pd.DataFrame:
    """The event study's coefficients, one row per year, the reference year at 0 (see :class:`EventStudyResult`)."""
    k = len(event_years)
    ci = fitted.conf_int(1.0 - confidence)[:k]
    rows = [
        {
            "year": year,
            "relative_year": year - reference_year,
            "is_post": year in post_years,
            "estimate": float(fitted.params[i]),
            "se": float(fitted.bse[i]),
            "ci_low": float(ci[i, 0]),
            "ci_high": float(ci[i, 1]),
            "p_value": float(fitted.pvalues[i]),
        }
        for i, year in enumerate(event_years)
    ]
    rows.append(
        {
            "year": reference_year,
            "relative_year": 0,
            "is_post": False,
            "estimate": 0.0,
            "se": math.nan,
            "ci_low": math.nan,
            "ci_high": math.nan,
            "p_value": math.nan,
        }
    )
    return pd.DataFrame(rows).sort_values("year").reset_index(drop=True)


def _pre_trend_check(
    fitted: OlsFit, event_years: list[int], post_years: set[int], frame: pd.DataFrame, outcome: str, alpha: float
) -> PreTrendCheck:
    """The joint F test of the pre-period coefficients (the first ones of the fit) and the linear slope test."""
    pre_index = [i for i, y in enumerate(event_years) if y not in post_years]
    if pre_index and fitted.df_resid > 0:
        restriction = np.zeros((len(pre_index), len(fitted.params)))
        for row, column in enumerate(pre_index):
            restriction[row, column] = 1.0
        joint_f, joint_p, df_num, df_denom_float = fitted.f_test(restriction)
        df_denom = int(df_denom_float)
    else:
        joint_f = joint_p = math.nan
        df_num, df_denom = len(pre_index), int(fitted.df_resid)
    slope, slope_se, slope_p = linear_pretrend(frame, outcome)
    rejected = bool((joint_p < alpha) or (slope_p < alpha))
    return PreTrendCheck(
        n_pre_coefficients=len(pre_index),
        joint_f=joint_f,
        joint_df_num=df_num,
        joint_df_denom=df_denom,
        joint_p=joint_p,
        slope_difference=slope,
        slope_se=slope_se,
        slope_p=slope_p,
        alpha=alpha,
        parallel_trends_rejected=rejected,
    )
