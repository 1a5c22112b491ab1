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

Input: the long panel documented in :mod:`analysis.did` (region_code, year, is_treated, is_post and
the outcome column), with exactly one treated region.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.did import POST, REGION, TREATED, YEAR, did_point_estimate, fixed_effects_design, prepare_panel

# Placebo effects this close to the actual one (relative) count as ties, i.e. as extreme as it.
_TIE_TOLERANCE = 1e-10


def rank_p_value(actual: float, placebos: np.ndarray | list[float]) -> float:
    """(1 + #{|placebo| >= |actual|}) / (1 + #placebos): the rank p-value of a two-sided statistic."""
    values = np.abs(np.asarray(placebos, dtype=float))
    threshold = abs(actual) * (1.0 - _TIE_TOLERANCE)
    return float((1 + np.sum(values >= threshold)) / (1 + len(values)))


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
    with np.errstate(invalid="ignore", divide="ignore"):
        return (d_res.T @ y_res) / denominators


def _single_treated(frame: pd.DataFrame) -> str:
    treated = frame.loc[frame[TREATED], REGION].unique()
    if len(treated) != 1:
        raise ValueError(f"permutation inference needs exactly one treated region, found {sorted(treated)}")
    return str(treated[0])


@dataclass(frozen=True)
class PlaceboInSpaceResult:
    """``placebo_estimates`` columns: region_code, estimate (DiD with that region as treated)."""

    outcome: str
    treated_region: str
    actual_estimate: float
    placebo_estimates: pd.DataFrame
    n_placebos: int
    p_value: float
    min_attainable_p: float
    excluded_regions: dict[str, str]


def placebo_in_space(panel: pd.DataFrame, outcome: str) -> PlaceboInSpaceResult:
    """Re-estimate the DiD with each control region as the treated one.

    Control regions with no pre-period or no post-period observation cannot carry a placebo effect
    (their treated × post indicator is absorbed by the fixed effects); they stay in the control group
    but are listed in ``excluded_regions`` as placebos.
    """
    frame = prepare_panel(panel, outcome)
    treated_region = _single_treated(frame)
    actual = did_point_estimate(frame, outcome)

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
    n = len(placebo_regions)
    return PlaceboInSpaceResult(
        outcome=outcome,
        treated_region=treated_region,
        actual_estimate=actual,
        placebo_estimates=placebo,
        n_placebos=n,
        p_value=rank_p_value(actual, estimates),
        min_attainable_p=1.0 / (n + 1),
        excluded_regions=excluded,
    )


@dataclass(frozen=True)
class PlaceboInTimeResult:
    """``placebo_estimates`` columns: fake_first_post_year, window_end_year, estimate."""

    outcome: str
    treated_region: str
    actual_estimate: float
    first_post_year: int
    post_length: int
    placebo_estimates: pd.DataFrame
    n_placebos: int
    p_value: float
    min_attainable_p: float


def placebo_in_time(
    panel: pd.DataFrame, outcome: str, post_length: int | None = None, min_pre_years: int = 3
) -> PlaceboInTimeResult:
    """Fake crisis years inside the pre-period, each with a post window of ``post_length`` years.

    Only years before the real first post year are used. A fake crisis year f uses the years
    before f as its pre-period (at least ``min_pre_years`` of them) and f … f + post_length − 1 as
    its post-period; later pre-period years are not used for that placebo. ``post_length``
    defaults to the number of real post-period years in the panel.
    """
    frame = prepare_panel(panel, outcome)
    treated_region = _single_treated(frame)
    actual = did_point_estimate(frame, outcome)
    first_post = int(frame.loc[frame[POST], YEAR].min())
    length = post_length or int(frame.loc[frame[POST], YEAR].nunique())
    if length < 1 or min_pre_years < 1:
        raise ValueError("post_length and min_pre_years must be positive")
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
                "estimate": did_point_estimate(window.reset_index(drop=True), outcome),
            }
        )
    placebo = pd.DataFrame(rows)
    n = len(placebo)
    return PlaceboInTimeResult(
        outcome=outcome,
        treated_region=treated_region,
        actual_estimate=actual,
        first_post_year=first_post,
        post_length=length,
        placebo_estimates=placebo,
        n_placebos=n,
        p_value=rank_p_value(actual, placebo["estimate"].to_numpy()),
        min_attainable_p=1.0 / (n + 1),
    )
