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

Input: the long panel documented in :mod:`estimators.did` (region_code, year, is_treated, is_post and
the outcome column), with exactly one treated region.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from estimators.did import POST, REGION, TREATED, YEAR, fixed_effects_design, prepare_panel
from estimators.result import EstimateResult

# Placebo effects this close to the actual one (relative) count as ties, i.e. as extreme as it.
TIE_TOLERANCE = 1e-10
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
    threshold = abs(actual) * (1.0 - TIE_TOLERANCE)
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


def single_treated(frame: pd.DataFrame) -> str:
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
    treated_region = single_treated(frame)
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
    treated_region = single_treated(frame)
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
    :mod:`estimators.sensitivity` and the event-study band).
    """
    frame = prepare_panel(panel, outcome)
    treated_region = single_treated(frame)
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
