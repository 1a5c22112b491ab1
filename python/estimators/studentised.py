"""The report's headline test: placebo in space on each unit's DiD over its own pre-period noise.

The raw rank test (:func:`estimators.permutation.placebo_in_space`) compares the treated unit's DiD with
the controls' and so over-rejects when the treated unit is noisier than they are; dividing each unit's DiD by the
SD of its own pre-period gap puts every unit on its own noise scale. The smallest attainable p is
1/(1 + controls). :func:`studentised_contrast` asks the same of a change in the effect between years.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from estimators.did import POST, REGION, YEAR, prepare_panel
from estimators.permutation import TIE_TOLERANCE, placebo_in_space, rank_p_value, single_treated
from estimators.pre_trend import pre_period_gaps_of
from estimators.result import EstimateResult


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
        extreme = placebo[None, :] >= actual[:, None] * (1.0 - TIE_TOLERANCE)
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
    return _studentised(panel, outcome, later.estimate - crisis.estimate, difference.dropna(), "studentised_contrast")


def _studentised(
    panel: pd.DataFrame, outcome: str, actual: float, estimates: pd.Series, method: str
) -> StudentisedPlaceboResult:
    frame = prepare_panel(panel, outcome)
    treated_region = single_treated(frame)
    treated_sd = float(pre_period_noise(pre_period_gaps_of(frame, outcome))[treated_region])
    controls = frame.loc[frame[REGION] != treated_region].reset_index(drop=True)
    control_sd = pre_period_noise(pre_period_gaps_of(controls, outcome))
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
