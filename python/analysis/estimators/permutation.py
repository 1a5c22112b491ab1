"""Permutation (placebo) inference for the single-treated-unit DiD.

With one treated region the sampling distribution of the DiD estimate cannot be learned from the
treated region itself, so the estimate is compared with estimates obtained where nothing happened:

* **placebo in space** – every control region is treated in turn (the real treated region is left
  out of these runs because its own shock would contaminate them as a control). The p-value is the
  rank of the real effect among all of them:
  ``p = (1 + #{placebos with |effect| >= |actual|}) / (1 + #placebos)``.
* **placebo in time** – using only pre-period years, fake crisis years are assigned and the DiD is
  re-estimated on a window of the same length as the real post period; same rank formula.

Both report ``min_attainable_p = 1 / (1 + #placebos)``: with 19 donors no result can be
"significant" beyond p = 0.05, whatever its size, and the report must say so.

A placebo whose estimate is undefined (NaN: its indicator is absorbed by the fixed effects, so the
regression cannot separate it) is not a draw from the null distribution. It is dropped from both the
count of extreme placebos and the number of placebos, and listed in ``undefined_placebos`` so the
report can say which ones were lost; counting it in the denominator would make p look smaller.

Input: the long panel documented in :mod:`analysis.estimators.did` (region_code, year, is_treated, is_post and
the outcome column), with exactly one treated region.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.estimators.did import POST, REGION, TREATED, YEAR, fixed_effects_design, prepare_panel
from analysis.estimators.result import EstimateResult

# Placebo effects this close to the actual one (relative) count as ties, i.e. as extreme as it.
_TIE_TOLERANCE = 1e-10
# An indicator whose residual (after the fixed effects) keeps less than this share of its squared norm
# is absorbed by them: its coefficient is 0/0 up to rounding, so it is reported as undefined (NaN)
# rather than as the huge number floating-point noise would give.
_ABSORBED_SHARE = 1e-10


def rank_p_value(actual: float, placebos: np.ndarray | list[float]) -> float:
    """(1 + #{|placebo| >= |actual|}) / (1 + #placebos): the rank p-value of a two-sided statistic.

    NaN placebos are not placebos: they are left out of the numerator and the denominator (callers
    report which ones). An undefined actual estimate has no rank and is refused.
    """
    if not np.isfinite(actual):
        raise ValueError(f"the actual estimate is {actual}: it has no rank among the placebos")
    values = np.asarray(placebos, dtype=float)
    values = np.abs(values[~np.isnan(values)])
    threshold = abs(actual) * (1.0 - _TIE_TOLERANCE)
    return float((1 + np.sum(values >= threshold)) / (1 + len(values)))


def _undefined(labels: list, estimates: np.ndarray) -> tuple[str, ...]:
    return tuple(str(label) for label, value in zip(labels, estimates, strict=True) if np.isnan(value))


def _estimates_for_indicators(frame: pd.DataFrame, outcome: str, indicators: np.ndarray) -> np.ndarray:
    """TWFE coefficient for each column of ``indicators`` (same rows as ``frame``), one regression each.

    Uses Frisch–Waugh–Lovell: the fixed-effect projection is computed once and each indicator is
    residualised against it, so a loop of placebos costs one QR decomposition.
    """
    effects, _ = fixed_effects_design(frame)
    basis, _ = np.linalg.qr(effects)
    y = frame[outcome].to_numpy(dtype=float)
    y_res = y - basis @ (basis.T @ y)
    d_res = indicators - basis @ (basis.T @ indicators)
    denominators = np.einsum("ij,ij->j", d_res, d_res)
    absorbed = denominators <= _ABSORBED_SHARE * np.einsum("ij,ij->j", indicators, indicators)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(absorbed, np.nan, (d_res.T @ y_res) / denominators)


def _did_estimate(frame: pd.DataFrame, outcome: str) -> float:
    """The TWFE DiD of ``frame``'s own treated × post indicator; NaN when the fixed effects absorb it."""
    indicator = (frame[TREATED] & frame[POST]).to_numpy(dtype=float)[:, None]
    return float(_estimates_for_indicators(frame, outcome, indicator)[0])


def _single_treated(frame: pd.DataFrame) -> str:
    treated = frame.loc[frame[TREATED], REGION].unique()
    if len(treated) != 1:
        raise ValueError(f"permutation inference needs exactly one treated region, found {sorted(treated)}")
    return str(treated[0])


@dataclass(frozen=True, kw_only=True)
class PlaceboInSpaceResult(EstimateResult):
    """``placebo_estimates`` columns: region_code, estimate (DiD with that region as treated; NaN if undefined).

    ``n_placebos`` counts only defined estimates; ``undefined_placebos`` lists the regions whose
    estimate is NaN (left out of the p-value).
    """

    treated_region: str
    placebo_estimates: pd.DataFrame
    undefined_placebos: tuple[str, ...] = ()


def placebo_in_space(panel: pd.DataFrame, outcome: str) -> PlaceboInSpaceResult:
    """Re-estimate the DiD with each control region as the treated one.

    Control regions with no pre-period or no post-period observation cannot carry a placebo effect
    (their treated × post indicator is absorbed by the fixed effects); they stay in the control group
    but are listed in ``excluded`` as placebos.
    """
    frame = prepare_panel(panel, outcome)
    treated_region = _single_treated(frame)
    actual = _did_estimate(frame, outcome)

    controls = frame.loc[frame[REGION] != treated_region].reset_index(drop=True)
    observed = controls.groupby(REGION)[POST].agg(["any", "all"])
    excluded: dict[str, str] = {}
    for region, row in observed.iterrows():
        if not row["any"]:
            excluded[str(region)] = "no post-period observations"
        elif row["all"]:
            excluded[str(region)] = "no pre-period observations"
    placebo_regions = [r for r in observed.index if r not in excluded]
    if not placebo_regions:
        raise ValueError("no control region has both pre- and post-period observations")
    post = controls[POST].to_numpy(dtype=float)
    indicators = np.column_stack([(controls[REGION] == r).to_numpy(dtype=float) * post for r in placebo_regions])
    estimates = _estimates_for_indicators(controls, outcome, indicators)
    placebo = pd.DataFrame({"region_code": placebo_regions, "estimate": estimates})
    undefined = _undefined(placebo_regions, estimates)
    n = len(placebo_regions) - len(undefined)
    if n == 0:
        raise ValueError(f"every placebo estimate is undefined (regions {', '.join(undefined)})")
    return PlaceboInSpaceResult(
        method="placebo_in_space",
        outcome=outcome,
        treated_region=treated_region,
        estimate=actual,
        placebo_estimates=placebo,
        n_placebos=n,
        p_value=rank_p_value(actual, estimates),
        min_attainable_p=1.0 / (n + 1),
        excluded=excluded,
        undefined_placebos=undefined,
    )


@dataclass(frozen=True, kw_only=True)
class PlaceboInTimeResult(EstimateResult):
    """``placebo_estimates`` columns: fake_first_post_year, window_end_year, pre_years (years before the
    fake crisis in that window), estimate (NaN if undefined). ``actual_pre_years``: the real estimate's.

    ``n_placebos`` counts only defined estimates; ``undefined_placebos`` lists the fake crisis years
    whose estimate is NaN (left out of the p-value).
    """

    treated_region: str
    first_post_year: int
    post_length: int
    placebo_estimates: pd.DataFrame
    undefined_placebos: tuple[str, ...] = ()
    actual_pre_years: int = 0


def placebo_in_time(
    panel: pd.DataFrame, outcome: str, post_length: int | None = None, min_pre_years: int = 3
) -> PlaceboInTimeResult:
    """Fake crisis years inside the pre-period, each with a post window of ``post_length`` years.

    Only years before the real first post year are used. A fake crisis year f uses the years
    before f as its pre-period (at least ``min_pre_years`` of them) and f … f + post_length − 1 as
    its post-period; later pre-period years are not used for that placebo. ``post_length``
    defaults (when None) to the number of real post-period years in the panel; an explicit value
    below 1 is refused.
    """
    frame = prepare_panel(panel, outcome)
    treated_region = _single_treated(frame)
    actual = _did_estimate(frame, outcome)
    first_post = int(frame.loc[frame[POST], YEAR].min())
    if post_length is not None and post_length < 1:
        raise ValueError(f"post_length must be at least 1 year, got {post_length}")
    if min_pre_years < 1:
        raise ValueError(f"min_pre_years must be at least 1, got {min_pre_years}")
    length = int(frame.loc[frame[POST], YEAR].nunique()) if post_length is None else int(post_length)
    pre = frame.loc[frame[YEAR] < first_post]
    pre_years = sorted(pre[YEAR].unique())
    fake_years = [
        f for f in pre_years if sum(y < f for y in pre_years) >= min_pre_years and f + length - 1 <= pre_years[-1]
    ]
    if not fake_years:
        raise ValueError(
            f"no fake crisis year fits: {len(pre_years)} pre-period years, need {min_pre_years} before "
            f"and {length} after"
        )
    rows = []
    for fake in fake_years:
        window = pre.loc[pre[YEAR] < fake + length].copy()
        window[POST] = window[YEAR] >= fake
        rows.append(
            {
                "fake_first_post_year": fake,
                "window_end_year": fake + length - 1,
                "pre_years": int(sum(y < fake for y in pre_years)),
                "estimate": _did_estimate(window.reset_index(drop=True), outcome),
            }
        )
    placebo = pd.DataFrame(rows)
    estimates = placebo["estimate"].to_numpy(dtype=float)
    undefined = _undefined(list(placebo["fake_first_post_year"]), estimates)
    n = len(placebo) - len(undefined)
    if n == 0:
        raise ValueError(f"every placebo-in-time estimate is undefined (fake years {', '.join(undefined)})")
    return PlaceboInTimeResult(
        method="placebo_in_time",
        outcome=outcome,
        treated_region=treated_region,
        estimate=actual,
        first_post_year=first_post,
        post_length=length,
        placebo_estimates=placebo,
        n_placebos=n,
        p_value=rank_p_value(actual, estimates),
        min_attainable_p=1.0 / (n + 1),
        undefined_placebos=undefined,
        actual_pre_years=len(pre_years),
    )


def placebo_event_studies(panel: pd.DataFrame, outcome: str, reference_year: int) -> pd.DataFrame:
    """Event-study coefficients with each control treated in turn (on the controls alone).

    One row per placebo region (index region_code), one column per year (the reference year is 0).
    These are draws of the event-study vector where nothing happened: their spread is the
    design-based variance of any linear combination of the real coefficients (used by
    :mod:`analysis.estimators.sensitivity` and the event-study band).
    """
    frame = prepare_panel(panel, outcome)
    treated_region = _single_treated(frame)
    controls = frame.loc[frame[REGION] != treated_region].reset_index(drop=True)
    years = sorted(frame[YEAR].unique())
    if reference_year not in years:
        raise ValueError(f"reference year {reference_year} is not in the panel")
    event_years = [y for y in years if y != reference_year]
    effects, _ = fixed_effects_design(controls)
    y = controls[outcome].to_numpy(dtype=float)
    year_values = controls[YEAR].to_numpy()
    rows = {}
    for region in sorted(controls[REGION].unique()):
        unit = (controls[REGION] == region).to_numpy(dtype=float)
        interactions = np.column_stack([unit * (year_values == k) for k in event_years])
        design = np.column_stack([interactions, effects])
        coefficients, *_ = np.linalg.lstsq(design, y, rcond=None)
        observed = {int(k) for k in year_values[unit == 1]}
        rows[str(region)] = {
            int(k): (float(coefficients[i]) if k in observed else np.nan) for i, k in enumerate(event_years)
        } | {int(reference_year): 0.0}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = REGION
    return table[sorted(table.columns)]


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
    return _pre_period_gaps(prepare_panel(panel, outcome), outcome)


def _pre_period_gaps(frame: pd.DataFrame, outcome: str) -> pd.DataFrame:
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
    extreme = values[None, :] >= values[:, None] * (1.0 - _TIE_TOLERANCE)
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
    no regression variance, unlike the event study's F test (:func:`analysis.estimators.did.event_study`).
    """
    frame = prepare_panel(panel, outcome)
    treated_region = _single_treated(frame)
    gaps = _pre_period_gaps(frame, outcome)
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
    statistics = pd.DataFrame(rows).set_index("region_code")
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
    p_value = float(np.sum(combined <= treated_combined * (1.0 + _TIE_TOLERANCE)) / len(pool))
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


@dataclass(frozen=True, kw_only=True)
class StudentisedPlaceboResult(EstimateResult):
    """Placebo in space on each unit's DiD divided by its own pre-period noise (the report's headline test).

    ``placebos`` (index region_code): estimate (that control's placebo DiD, on the controls alone), noise_sd
    (the SD of its pre-period gap to the other controls) and studentised (estimate / noise_sd).
    ``treated_sd``: the same SD of the treated unit's gap to the controls; ``noise_ratio``: treated_sd over the
    median of the controls' (how much noisier the treated unit is than a typical control).
    """

    treated_region: str
    treated_sd: float
    placebos: pd.DataFrame
    noise_ratio: float

    def p_values(self, theta: np.ndarray) -> np.ndarray:
        """p of H0 "the effect is theta" for each theta: shifting the treated unit's post outcomes by theta
        moves its DiD by theta and leaves its pre-period noise (and every placebo) unchanged."""
        actual = np.abs(self.estimate - np.asarray(theta, dtype=float)) / self.treated_sd
        placebo = np.abs(self.placebos["studentised"].to_numpy(dtype=float))
        extreme = placebo[None, :] >= actual[:, None] * (1.0 - _TIE_TOLERANCE)
        return (1 + extreme.sum(axis=1)) / (1 + placebo.size)


def pre_period_noise(gaps: pd.DataFrame) -> pd.Series:
    """Each unit's pre-period noise: the SD (ddof 1) of its centred gap series (:func:`pre_period_gaps`)."""
    return gaps.std(ddof=1)


def studentised_placebo_in_space(panel: pd.DataFrame, outcome: str) -> StudentisedPlaceboResult:
    """The treated unit's DiD over its own pre-period noise, ranked among every control's placebo DiD over its
    own (each control treated in turn on the controls alone, as :func:`placebo_in_space`).

    The raw rank test compares the treated unit's DiD with the controls' and so over-rejects when the treated
    unit is noisier than they are; dividing each unit's DiD by the SD of its own pre-period gap puts every
    unit on its own noise scale (the Monte Carlo in ``bench/bench_inference_mc.py`` measures the size). The
    smallest attainable p is 1/(1 + controls).
    """
    space = placebo_in_space(panel, outcome)
    estimates = space.placebo_estimates.set_index("region_code")["estimate"]
    return _studentised(panel, outcome, space.estimate, estimates, "studentised_placebo_in_space")


def studentised_contrast(
    panel: pd.DataFrame, outcome: str, year: int, window: tuple[int, int]
) -> StudentisedPlaceboResult:
    """Did the effect change? The DiD of ``year`` alone minus the DiD of the ``window`` years (both against the
    whole pre-period), for the treated unit and for every control treated in turn, each over its own pre-period
    noise and ranked as :func:`studentised_placebo_in_space`. A negative estimate: the effect decayed."""
    frame = prepare_panel(panel, outcome)
    pre = ~frame[POST]
    later = placebo_in_space(frame[pre | (frame[YEAR] == year)], outcome)
    crisis = placebo_in_space(frame[pre | frame[YEAR].between(*window)], outcome)
    difference = (
        later.placebo_estimates.set_index("region_code")["estimate"]
        - crisis.placebo_estimates.set_index("region_code")["estimate"]
    )
    return _studentised(
        panel, outcome, later.estimate - crisis.estimate, difference.dropna(), "studentised_contrast"
    )


def _studentised(
    panel: pd.DataFrame, outcome: str, actual: float, estimates: pd.Series, method: str
) -> StudentisedPlaceboResult:
    frame = prepare_panel(panel, outcome)
    treated_region = _single_treated(frame)
    treated_sd = float(pre_period_noise(_pre_period_gaps(frame, outcome))[treated_region])
    controls = frame.loc[frame[REGION] != treated_region].reset_index(drop=True)
    control_sd = pre_period_noise(_pre_period_gaps(controls, outcome))
    placebos = pd.DataFrame({"estimate": estimates.astype(float)})
    placebos.index = placebos.index.astype(str)
    placebos.index.name = REGION
    placebos["noise_sd"] = control_sd.reindex(placebos.index).to_numpy(dtype=float)
    placebos["studentised"] = placebos["estimate"] / placebos["noise_sd"]
    placebos = placebos[np.isfinite(placebos["studentised"])]
    if placebos.empty or not treated_sd > 0:
        raise ValueError("the studentised placebo test needs a pre-period with noise in the treated unit and a control")
    return StudentisedPlaceboResult(
        method=method,
        outcome=outcome,
        treated_region=treated_region,
        estimate=float(actual),
        treated_sd=treated_sd,
        placebos=placebos,
        n_placebos=len(placebos),
        p_value=rank_p_value(actual / treated_sd, placebos["studentised"].to_numpy(dtype=float)),
        min_attainable_p=1.0 / (len(placebos) + 1),
        noise_ratio=treated_sd / float(placebos["noise_sd"].median()),
    )
