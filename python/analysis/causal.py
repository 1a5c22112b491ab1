"""The causal analysis of the 2022 shock on Almaty's net working-age migration, run on the panel mart.

Two designs, each for the outcome in persons and per 1,000 residents:

* ``paper``: the study's comparison, Almaty city (75) against Zhambyl (31, Taraz) and West Kazakhstan
  (27, Oral) — TWFE difference-in-differences, event study relative to 2021 with a pre-trend check,
  and permutation inference. With two controls, placebo-in-space can never give p below 1/3; that is
  reported, not hidden.
* ``all_regions``: every region of ``fct_region_year_panel`` as a potential control — the same DiD and
  event study, placebo-in-space over all controls, placebo-in-time, and a synthetic control (plain and
  demeaned) with its RMSPE-ratio permutation p-value.

Each estimate carries its smallest attainable p-value (1 / (1 + number of placebos)).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis.did import DidResult, EventStudyResult, estimate_did, event_study
from analysis.permutation import PlaceboInSpaceResult, PlaceboInTimeResult, placebo_in_space, placebo_in_time
from analysis.synthetic_control import SyntheticControlResult, synthetic_control

TREATED_REGION = "75"
PAPER_CONTROLS = ("31", "27")
REFERENCE_YEAR = 2021
OUTCOMES = {
    "net_migration_working_age": "persons per year",
    "net_migration_working_age_per_1000_residents": "per 1,000 residents",
}
DESIGNS = {
    "paper": "Almaty vs Zhambyl (Taraz) and West Kazakhstan (Oral)",
    "all_regions": "Almaty vs every other region",
}


@dataclass(frozen=True)
class DesignResult:
    """Every estimate of one design and outcome; a step that could not run has None and a reason."""

    design: str
    outcome: str
    unit: str
    regions: tuple[str, ...]
    years: tuple[int, int]
    did: DidResult | None
    event_study: EventStudyResult | None
    placebo_space: PlaceboInSpaceResult | None
    placebo_time: PlaceboInTimeResult | None
    synthetic: SyntheticControlResult | None
    synthetic_demeaned: SyntheticControlResult | None
    problems: dict[str, str]


def design_panel(panel: pd.DataFrame, design: str, outcome: str) -> pd.DataFrame:
    """The rows of the panel mart a design uses, restricted to the treated region's years with data."""
    if design not in DESIGNS:
        raise ValueError(f"unknown design {design!r} (known: {', '.join(DESIGNS)})")
    rows = panel.dropna(subset=[outcome])
    if design == "paper":
        rows = rows[rows["region_code"].isin((TREATED_REGION, *PAPER_CONTROLS))]
    treated_years = rows.loc[rows["region_code"] == TREATED_REGION, "year"]
    if treated_years.empty:
        raise ValueError(f"the panel has no {outcome} for the treated region {TREATED_REGION}")
    window = rows["year"].between(int(treated_years.min()), int(treated_years.max()))
    return rows[window].reset_index(drop=True)


def _attempt(problems: dict[str, str], step: str, run: Callable[[], Any]) -> Any:
    """Run one estimation step; record why it could not run instead of aborting the whole analysis."""
    try:
        return run()
    except (ValueError, RuntimeError, KeyError) as error:
        problems[step] = str(error)
        return None


def run_design(panel: pd.DataFrame, design: str, outcome: str, with_synthetic: bool | None = None) -> DesignResult:
    """Every estimate of one design for one outcome (synthetic control by default only for all regions)."""
    problems: dict[str, str] = {}
    rows = _attempt(problems, "panel", lambda: design_panel(panel, design, outcome))
    if rows is None:
        rows = panel.iloc[0:0]
    synthetic_wanted = design == "all_regions" if with_synthetic is None else with_synthetic
    has_rows = not rows.empty
    did = _attempt(problems, "did", lambda: estimate_did(rows, outcome)) if has_rows else None
    events = (
        _attempt(problems, "event_study", lambda: event_study(rows, outcome, reference_year=REFERENCE_YEAR))
        if has_rows
        else None
    )
    space = _attempt(problems, "placebo_space", lambda: placebo_in_space(rows, outcome)) if has_rows else None
    time = _attempt(problems, "placebo_time", lambda: placebo_in_time(rows, outcome)) if has_rows else None
    synthetic = demeaned = None
    if synthetic_wanted and has_rows:
        synthetic = _attempt(problems, "synthetic", lambda: synthetic_control(rows, outcome))
        demeaned = _attempt(problems, "synthetic_demeaned", lambda: synthetic_control(rows, outcome, demeaned=True))
    years = (int(rows["year"].min()), int(rows["year"].max())) if has_rows else (0, 0)
    return DesignResult(
        design=design,
        outcome=outcome,
        unit=OUTCOMES.get(outcome, ""),
        regions=tuple(sorted(rows["region_code"].unique())) if has_rows else (),
        years=years,
        did=did,
        event_study=events,
        placebo_space=space,
        placebo_time=time,
        synthetic=synthetic,
        synthetic_demeaned=demeaned,
        problems=problems,
    )


def run_all(panel: pd.DataFrame) -> list[DesignResult]:
    """Both designs for both outcomes, paper design first."""
    return [run_design(panel, design, outcome) for design in DESIGNS for outcome in OUTCOMES]


def summary_table(results: list[DesignResult]) -> pd.DataFrame:
    """One row per design × outcome: the DiD estimate with every kind of uncertainty beside it."""
    rows = []
    for result in results:
        did, space, time, synth = result.did, result.placebo_space, result.placebo_time, result.synthetic
        pre = result.event_study.pre_trend if result.event_study else None
        rows.append(
            {
                "design": result.design,
                "outcome": result.outcome,
                "unit": result.unit,
                "regions": len(result.regions),
                "years": f"{result.years[0]}–{result.years[1]}" if result.regions else "",
                "did_estimate": did.estimate if did else None,
                "ci_conventional": did.ci_conventional if did else None,
                "ci_cluster": did.ci_cluster if did else None,
                "placebo_space_p": space.p_value if space else None,
                "placebo_space_min_p": space.min_attainable_p if space else None,
                "placebo_time_p": time.p_value if time else None,
                "placebo_time_min_p": time.min_attainable_p if time else None,
                "pretrend_joint_p": pre.joint_p if pre else None,
                "pretrend_slope_p": pre.slope_p if pre else None,
                "synthetic_avg_post_gap": synth.fit.average_post_gap if synth else None,
                "synthetic_pre_rmspe": synth.fit.pre_rmspe if synth else None,
                "synthetic_rmspe_ratio": synth.fit.rmspe_ratio if synth else None,
                "synthetic_p": synth.p_value if synth else None,
                "synthetic_min_p": synth.min_attainable_p if synth else None,
            }
        )
    return pd.DataFrame(rows)
