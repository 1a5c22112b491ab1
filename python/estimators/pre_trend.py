"""The design-based test of parallel pre-trends: placebo in space on pre-period statistics.

Each unit's pre-period gap to the others (:func:`pre_period_gaps`) is summarised by its linear slope (over its
own standard error) and its persistence; the treated unit's two ranks are combined and ranked among every
unit's. The verdict's level is :data:`PRE_TREND_ALPHA`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from estimators.did import POST, REGION, YEAR, fixed_effects_design, prepare_panel
from estimators.permutation import TIE_TOLERANCE, single_treated
from estimators.result import EstimateResult

# The level of the design-based pre-trend verdict. 10%, not 5%: with 15 controls a rank test's smallest
# attainable p is 1/16 = 0.0625, so at 5% it could never reject, whatever the data.
PRE_TREND_ALPHA = 0.10


@dataclass(frozen=True, kw_only=True)
class PlaceboPreTrendResult(EstimateResult):
    """Design-based test of parallel pre-trends: placebo in space on pre-period statistics.

    ``estimate``: the treated unit's pre-period slope difference to the others (outcome units per year).
    ``n_units``: the pool, the treated unit included (``n_placebos`` is one less).

    ``statistics`` has one row per unit of the pool (index region_code): is_treated, slope (its gap's
    linear slope, outcome units per year), slope_t (that slope over its own standard error), persistence,
    slope_p, persistence_p (the unit's own rank p-values within the pool) and combined (their product).
    """

    treated_region: str
    first_post_year: int
    pre_years: int
    statistics: pd.DataFrame
    slope_p: float
    persistence: float
    persistence_p: float
    n_units: int
    alpha: float
    parallel_trends_rejected: bool
    undefined_units: tuple[str, ...] = ()

    @property
    def can_reject(self) -> bool:
        """False when even the most extreme rank (p = min_attainable_p) is above ``alpha``."""
        return self.min_attainable_p <= self.alpha


def pre_period_gaps(panel: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Each unit's pre-period gap to the others: year × unit, each column centred on its own mean.

    For unit u the gap in year t is the TWFE event-study coefficient of u's year-t indicator, on the
    pre-period rows of every unit, u included (no unit is treated before the crisis, so each is a fair
    control for the others). In a balanced panel that is u's outcome minus the mean of the others, up to
    a constant; the regression also handles units missing some years.
    """
    return pre_period_gaps_of(prepare_panel(panel, outcome), outcome)


def pre_period_gaps_of(frame: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """:func:`pre_period_gaps` of a panel already prepared (:func:`estimators.did.prepare_panel`)."""
    first_post = int(frame.loc[frame[POST], YEAR].min()) if frame[POST].any() else int(frame[YEAR].max()) + 1
    pre = frame.loc[frame[YEAR] < first_post].reset_index(drop=True)
    effects, _ = fixed_effects_design(pre)
    # Frisch–Waugh–Lovell: the fixed effects are projected out once, then each unit's year indicators.
    basis, _ = np.linalg.qr(effects)
    y = pre[outcome].to_numpy(dtype=float)
    y_res = y - basis @ (basis.T @ y)
    years = pre[YEAR].to_numpy()
    gaps = {}
    for region in sorted(pre[REGION].unique()):
        unit = (pre[REGION] == region).to_numpy()
        observed = sorted({int(k) for k in years[unit]})
        # One of the unit's years is its reference (absorbed by its fixed effect); centring removes it.
        interactions = np.column_stack([unit * (years == k) for k in observed[1:]]).astype(float)
        residualised = interactions - basis @ (basis.T @ interactions)
        coefficients, *_ = np.linalg.lstsq(residualised, y_res, rcond=None)
        series = pd.Series([0.0, *coefficients[: len(observed) - 1]], index=observed, dtype=float)
        gaps[str(region)] = series - series.mean()
    table = pd.DataFrame(gaps).sort_index()
    table.index.name = YEAR
    return table


def _slope_and_t(gap: pd.Series) -> tuple[float, float]:
    """Linear slope of a gap series (per year) and the slope over its own OLS standard error."""
    gap = gap.dropna()
    t = gap.index.to_numpy(dtype=float)
    if len(gap) < 3:
        return np.nan, np.nan
    centred = t - t.mean()
    sxx = float(centred @ centred)
    slope = float(centred @ gap.to_numpy()) / sxx
    residuals = gap.to_numpy() - gap.mean() - slope * centred
    se = math.sqrt(float(residuals @ residuals) / (len(gap) - 2) / sxx)
    if se == 0:
        return slope, (math.copysign(math.inf, slope) if slope != 0 else np.nan)
    return slope, slope / se


def _persistence(gap: pd.Series) -> float:
    """Variance of the gap over half its mean squared year-to-year change (a von Neumann ratio, inverted).

    About 1 when the gap is noise around a constant (parallel paths), larger when it drifts (a trend, a
    level shift, any slow departure): scale-free, so a unit that is merely noisier does not look extreme.
    """
    values = gap.dropna().to_numpy(dtype=float)
    if len(values) < 3:
        return np.nan
    steps = np.diff(values)
    noise = 0.5 * float(np.mean(steps**2))
    level = float(np.mean((values - values.mean()) ** 2))
    if noise == 0:
        return math.inf if level > 0 else np.nan
    return level / noise


def _pool_p(values: np.ndarray) -> np.ndarray:
    """Each unit's rank p-value within the pool: share of units at least as extreme (itself included)."""
    extreme = values[None, :] >= values[:, None] * (1.0 - TIE_TOLERANCE)
    return extreme.sum(axis=1) / len(values)


def placebo_pre_trend(panel: pd.DataFrame, outcome: str, alpha: float = PRE_TREND_ALPHA) -> PlaceboPreTrendResult:
    """Are the treated unit's pre-period paths parallel to its controls'? A placebo-in-space rank test.

    Every unit of the pool (the treated one and each control) is in turn compared with all the others on
    the pre-period years only, through two statistics of its gap series (:func:`pre_period_gaps`):

    * ``slope``: |t| of the gap's linear slope, studentised by the unit's own residual spread (a linear
      pre-trend; a noisier unit does not look extreme);
    * ``persistence``: how much the gap drifts compared with its year-to-year noise (any slow departure
      from parallel paths, linear or not).

    Each gives every unit a rank p-value within the pool; the test's p is the rank of the treated unit's
    product of the two among all units' products (Fisher's combination, calibrated by the same
    permutation, so using two statistics does not inflate the size; the minimum of the two, tried first,
    ties so often at the smallest rank that it under-rejects: 4% at a nominal 12.5% in simulations).
    Under the null that the units are exchangeable before the crisis, P(p <= k/(N+1)) <= k/(N+1) (equal
    but for ties); the smallest attainable p is 1/(N+1) (1/3 with the paper's two controls). It relies on
    no regression variance, unlike the event study's F test (:func:`estimators.did.event_study`).
    """
    frame = prepare_panel(panel, outcome)
    treated_region = single_treated(frame)
    gaps = pre_period_gaps_of(frame, outcome)
    statistics = _unit_statistics(gaps, treated_region)
    defined = statistics["slope_t"].notna() & statistics["persistence"].notna()
    undefined = tuple(str(r) for r in statistics.index[~defined])
    if not bool(defined.get(treated_region, False)):
        raise ValueError(f"the pre-period of {treated_region} is too short for a pre-trend test (fewer than 3 years)")
    pool = statistics.loc[defined].copy()
    if len(pool) < 2:
        raise ValueError("no control has a pre-period long enough for a pre-trend test")
    pool["slope_p"] = _pool_p(np.abs(pool["slope_t"].to_numpy(dtype=float)))
    pool["persistence_p"] = _pool_p(pool["persistence"].to_numpy(dtype=float))
    pool["combined"] = pool["slope_p"] * pool["persistence_p"]
    combined = pool["combined"].to_numpy(dtype=float)
    names = ["slope", "slope_p", "persistence", "persistence_p", "combined"]
    treated_stats = dict(zip(names, pool.loc[treated_region, names].to_numpy(dtype=float).tolist(), strict=True))
    treated_combined = treated_stats["combined"]
    p_value = float(np.sum(combined <= treated_combined * (1.0 + TIE_TOLERANCE)) / len(pool))
    n_units = len(pool)
    return PlaceboPreTrendResult(
        method="placebo_pre_trend",
        outcome=outcome,
        treated_region=treated_region,
        first_post_year=int(frame.loc[frame[POST], YEAR].min()) if frame[POST].any() else int(gaps.index.max()) + 1,
        pre_years=len(gaps),
        statistics=pool,
        estimate=treated_stats["slope"],
        slope_p=treated_stats["slope_p"],
        persistence=treated_stats["persistence"],
        persistence_p=treated_stats["persistence_p"],
        p_value=p_value,
        n_units=n_units,
        n_placebos=n_units - 1,
        min_attainable_p=1.0 / n_units,
        alpha=alpha,
        parallel_trends_rejected=p_value <= alpha,
        undefined_units=undefined,
    )


def _unit_statistics(gaps: pd.DataFrame, treated_region: str) -> pd.DataFrame:
    """Each unit's pre-period gap statistics (index region_code): is_treated, slope, slope_t, persistence."""
    rows = []
    for region in gaps.columns:
        slope, t = _slope_and_t(gaps[region])
        rows.append(
            {
                "region_code": region,
                "is_treated": region == treated_region,
                "slope": slope,
                "slope_t": t,
                "persistence": _persistence(gaps[region]),
            }
        )
    return pd.DataFrame(rows).set_index("region_code")
