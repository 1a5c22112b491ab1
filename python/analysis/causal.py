"""The causal analysis of the 2022 shock on Almaty's net working-age migration, run on the panel marts.

Two designs, each for the outcome in persons and per 1,000 residents, each on the panel that fits it:

* ``paper``: the study's comparison, Almaty city (75) against Zhambyl (31, Taraz) and West Kazakhstan
  (27, Oral) — TWFE difference-in-differences, event study relative to 2021 with a pre-trend check,
  and permutation inference. These three regions kept their borders in 2017 and 2022, so the design
  reads ``fct_region_year_panel`` as published. With two controls, placebo-in-space can never give p
  below 1/3; and since each placebo compares one control with the other, the two placebo estimates are
  equal and opposite, so p is either 1/3 or 1. That is reported, not hidden.
* ``all_regions``: every territory as a potential control — the same DiD and event study,
  placebo-in-space over all controls, placebo-in-time, and a synthetic control (plain and demeaned) with
  its RMSPE-ratio permutation p-value. It reads ``fct_territory_year_panel`` (borders held constant
  over the 2017 and 2022 changes, every year of the panel), because in the region panel the parents of
  the regions created in 2017 (Turkestan, Shymkent from South Kazakhstan) and in 2022 (Abai, Zhetysu,
  Ulytau from East Kazakhstan, Almaty region and Karaganda) jump mechanically when they lose territory —
  in 2022, the first post year, which would load a border change onto the controls' "effect". Without
  that mart the design is not run and says why; it never falls back to the region panel.

Window: every year the treated region has the outcome — 2000–2025 in persons, 2000–2023 per 1,000
residents (no population is published after 1 January 2023, and none is invented) — with post = 2022
onwards. So the pooled DiD covers the crisis years 2022–2023 and, in persons, the follow-up years
2024–2025 too; :func:`per_year_effects` gives each post year on its own (the follow-up reading: did the
reversal last?). The paper's own window, 2000–2023, is kept by the replication (claim C64, dbt model
``int_claim_did_panel``), not here. ``DesignResult.window`` says which years each result used.

Each estimate carries its smallest attainable p-value (1 / (1 + number of placebos)).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis.did import POST, YEAR, DidResult, EventStudyResult, PreTrendCheck, estimate_did, event_study
from analysis.inference import ConformalResult, WildBootstrapResult, conformal_test, wild_cluster_bootstrap
from analysis.permutation import (
    PlaceboInSpaceResult,
    PlaceboInTimeResult,
    PlaceboPreTrendResult,
    placebo_event_studies,
    placebo_in_space,
    placebo_in_time,
    placebo_pre_trend,
)
from analysis.sdid import SdidResult, synthetic_did
from analysis.sensitivity import SensitivityResult, sensitivity
from analysis.synthetic_control import SyntheticControlResult, synthetic_control

TREATED_REGION = "75"
PAPER_CONTROLS = ("31", "27")
REGION_PANEL = "fct_region_year_panel"
TERRITORY_PANEL = "fct_territory_year_panel"
# Regions created by a border change (2017: Turkestan 61, Shymkent 79; 2022: Abai 10, Zhetysu 33,
# Ulytau 62). A panel holding any of them has units whose borders moved inside the window.
REGIONS_CREATED_BY_BORDER_CHANGES = ("10", "33", "62", "61", "79")
REFERENCE_YEAR = 2021
OUTCOMES = {
    "net_migration_working_age": "persons per year",
    "net_migration_working_age_per_1000_residents": "per 1,000 residents",
}
DESIGNS = {
    "paper": "Almaty vs Zhambyl (Taraz) and West Kazakhstan (Oral)",
    "all_regions": "Almaty vs every other territory (borders held constant)",
}
# The mart each design reads, and why (shown in the report).
DESIGN_PANELS = {"paper": REGION_PANEL, "all_regions": TERRITORY_PANEL}
PANEL_REASONS = {
    "paper": "Almaty, Zhambyl and West Kazakhstan kept their borders in 2017 and 2022, so the regions are "
    "used as published.",
    "all_regions": "regions split off in 2017 (Turkestan, Shymkent) and 2022 (Abai, Zhetysu, Ulytau) are "
    "added back to their parents, so no control jumps when a border moves (2022 is the first post year).",
}


class MissingPanel(LookupError):
    """The mart a design needs is not in the warehouse."""


def design_input(tables: Mapping[str, pd.DataFrame], design: str) -> pd.DataFrame:
    """The panel a design reads, with the region column named ``region_code`` as the estimators expect.

    Raises :class:`MissingPanel` naming the mart when it is absent: the all-regions design must not
    silently run on the region panel, whose split regions' parents jump at the border changes.
    """
    if design not in DESIGN_PANELS:
        raise ValueError(f"unknown design {design!r} (known: {', '.join(DESIGN_PANELS)})")
    mart = DESIGN_PANELS[design]
    frame = tables.get(mart)
    if frame is None:
        raise MissingPanel(
            f"{mart} is not in the warehouse: the {design} design needs it ({PANEL_REASONS[design]}) — "
            "rebuild the warehouse with `make warehouse`"
        )
    if mart == TERRITORY_PANEL:
        if "territory_code" not in frame.columns:
            raise MissingPanel(f"{mart} has no territory_code column; it has {list(frame.columns)}")
        frame = frame.drop(columns=["region_code", "region_name_en"], errors="ignore").rename(
            columns={"territory_code": "region_code", "territory_name_en": "region_name_en"}
        )
    return frame


def unit_names(panel: pd.DataFrame) -> dict[str, str]:
    """region_code → English name, from the panel's ``region_name_en`` column (empty when it has none)."""
    if "region_name_en" not in panel.columns:
        return {}
    pairs = panel[["region_code", "region_name_en"]].dropna().drop_duplicates("region_code")
    return {str(code): str(name) for code, name in zip(pairs["region_code"], pairs["region_name_en"], strict=True)}


@dataclass(frozen=True)
class DesignResult:
    """Every estimate of one design and outcome; a step that could not run has None and a reason."""

    design: str
    outcome: str
    unit: str
    panel_mart: str
    regions: tuple[str, ...]
    years: tuple[int, int]
    did: DidResult | None
    event_study: EventStudyResult | None
    placebo_space: PlaceboInSpaceResult | None
    placebo_time: PlaceboInTimeResult | None
    synthetic: SyntheticControlResult | None
    synthetic_demeaned: SyntheticControlResult | None
    problems: dict[str, str]
    wild_bootstrap: WildBootstrapResult | None = None
    conformal: ConformalResult | None = None
    sdid: SdidResult | None = None
    placebo_events: pd.DataFrame | None = None
    sensitivity: SensitivityResult | None = None
    per_year: pd.DataFrame | None = None
    names: dict[str, str] | None = None
    post_years: tuple[int, int] = (0, 0)
    # The design-based pre-trend test (the event study's F and slope tests use the conventional variance).
    placebo_pre_trend: PlaceboPreTrendResult | None = None

    def name(self, code: str) -> str:
        """The unit's English name (the code when the panel carries none)."""
        return (self.names or {}).get(str(code), str(code))

    @property
    def window(self) -> str:
        """The years used: ``2000–2025, post 2022–2025`` (empty when the design did not run)."""
        if not self.regions:
            return ""
        post = f", post {self.post_years[0]}–{self.post_years[1]}" if self.post_years[0] else ""
        return f"{self.years[0]}–{self.years[1]}{post}"


def design_panel(panel: pd.DataFrame, design: str, outcome: str) -> pd.DataFrame:
    """The rows of the panel mart a design uses, restricted to the treated region's years with data."""
    if design not in DESIGNS:
        raise ValueError(f"unknown design {design!r} (known: {', '.join(DESIGNS)})")
    rows = panel.dropna(subset=[outcome])
    if design == "paper":
        rows = rows[rows["region_code"].isin((TREATED_REGION, *PAPER_CONTROLS))]
    else:
        moved = sorted(set(rows["region_code"].astype(str)) & set(REGIONS_CREATED_BY_BORDER_CHANGES))
        if moved:
            raise ValueError(
                f"the {design} design needs constant borders, but the panel has regions created by a border "
                f"change ({', '.join(moved)}): use {TERRITORY_PANEL}"
            )
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
    pre_trend = (
        _attempt(problems, "placebo_pre_trend", lambda: placebo_pre_trend(rows, outcome)) if has_rows else None
    )
    wild = _attempt(problems, "wild_bootstrap", lambda: wild_cluster_bootstrap(rows, outcome)) if has_rows else None
    conformal = _attempt(problems, "conformal", lambda: conformal_test(rows, outcome)) if has_rows else None
    sdid = _attempt(problems, "sdid", lambda: synthetic_did(rows, outcome)) if has_rows else None
    placebo_events = (
        _attempt(problems, "placebo_events", lambda: placebo_event_studies(rows, outcome, REFERENCE_YEAR))
        if has_rows
        else None
    )
    sens = None
    if events is not None and placebo_events is not None:
        sens = _attempt(
            problems,
            "sensitivity",
            lambda: sensitivity(events.coefficients, placebo_events, REFERENCE_YEAR),
        )
    per_year = _attempt(problems, "per_year", lambda: per_year_effects(rows, outcome, conformal)) if has_rows else None
    synthetic = demeaned = None
    if synthetic_wanted and has_rows:
        synthetic = _attempt(problems, "synthetic", lambda: synthetic_control(rows, outcome))
        demeaned = _attempt(problems, "synthetic_demeaned", lambda: synthetic_control(rows, outcome, demeaned=True))
    years = (int(rows["year"].min()), int(rows["year"].max())) if has_rows else (0, 0)
    post = rows.loc[rows[POST].astype(bool), YEAR] if has_rows else rows.iloc[0:0]
    post_years = (int(post.min()), int(post.max())) if not post.empty else (0, 0)
    return DesignResult(
        design=design,
        outcome=outcome,
        unit=OUTCOMES.get(outcome, ""),
        panel_mart=DESIGN_PANELS.get(design, ""),
        regions=tuple(sorted(rows["region_code"].unique())) if has_rows else (),
        years=years,
        did=did,
        event_study=events,
        placebo_space=space,
        placebo_time=time,
        synthetic=synthetic,
        synthetic_demeaned=demeaned,
        problems=problems,
        wild_bootstrap=wild,
        conformal=conformal,
        sdid=sdid,
        placebo_events=placebo_events,
        sensitivity=sens,
        per_year=per_year,
        names=unit_names(rows) if has_rows else {},
        post_years=post_years,
        placebo_pre_trend=pre_trend,
    )


def per_year_effects(rows: pd.DataFrame, outcome: str, conformal: ConformalResult | None) -> pd.DataFrame:
    """Each post year on its own: the DiD of the pre-period against that year, with its placebo-in-space
    p-value and (when available) its conformal p-value and interval."""
    table = []
    post_years = sorted(int(y) for y in rows.loc[rows[POST].astype(bool), YEAR].unique())
    conformal_rows = conformal.per_year.set_index("year") if conformal is not None else None
    for year in post_years:
        subset = rows[~rows[POST].astype(bool) | (rows[YEAR] == year)]
        space = placebo_in_space(subset, outcome)
        row: dict[str, Any] = {
            "year": year,
            "estimate": space.actual_estimate,
            "placebo_space_p": space.p_value,
            "placebo_space_min_p": space.min_attainable_p,
        }
        if conformal_rows is not None and year in conformal_rows.index:
            found: Any = conformal_rows.loc[year]
            row |= {
                "conformal_p": float(found["p_value"]),
                "conformal_min_p": float(found["min_attainable_p"]),
                "conformal_ci": (float(found["ci_low"]), float(found["ci_high"])),
            }
        table.append(row)
    return pd.DataFrame(table)


def _not_run(design: str, outcome: str, problem: str) -> DesignResult:
    return DesignResult(
        design=design,
        outcome=outcome,
        unit=OUTCOMES.get(outcome, ""),
        panel_mart=DESIGN_PANELS[design],
        regions=(),
        years=(0, 0),
        did=None,
        event_study=None,
        placebo_space=None,
        placebo_time=None,
        synthetic=None,
        synthetic_demeaned=None,
        problems={"panel": problem},
    )


def run_all(tables: Mapping[str, pd.DataFrame]) -> list[DesignResult]:
    """Both designs for both outcomes, paper design first, each on its own panel mart (see DESIGN_PANELS).

    A design whose mart is missing is returned with the reason in ``problems["panel"]``.
    """
    results: list[DesignResult] = []
    for design in DESIGNS:
        try:
            panel = design_input(tables, design)
        except MissingPanel as error:
            results.extend(_not_run(design, outcome, str(error)) for outcome in OUTCOMES)
            continue
        results.extend(run_design(panel, design, outcome) for outcome in OUTCOMES)
    return results


def format_p_value(p: float | None) -> str:
    """A p-value for people: three decimals, ``< 0.001`` below that (never ``0.000``), empty if missing."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return ""
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def pretrend_verdict(check: PreTrendCheck | None) -> str:
    """Are parallel pre-trends rejected by the event study's F and slope tests, and with which p-values.

    Conventional variance: not valid with one treated unit (the report's appendix; claim C64, as the paper).
    """
    if check is None:
        return ""
    tests = [
        f"{name} p {p_phrase(p)}" for name, p in (("joint", check.joint_p), ("slope", check.slope_p)) if p_phrase(p)
    ]
    verdict = "rejected" if check.parallel_trends_rejected else "not rejected"
    return f"parallel pre-trends {verdict} at {check.alpha:g} ({', '.join(tests) or 'not testable'})"


def placebo_pretrend_verdict(test: PlaceboPreTrendResult | None) -> str:
    """The design-based verdict: rejected / not rejected at the test's level, or not testable there."""
    if test is None:
        return ""
    p = f"placebo p {p_phrase(test.p_value)}, min {format_p_value(test.min_attainable_p)}"
    if not test.can_reject:
        return f"parallel pre-trends not testable at {test.alpha:g} ({p})"
    verdict = "rejected" if test.parallel_trends_rejected else "not rejected"
    return f"parallel pre-trends {verdict} at {test.alpha:g} ({p})"


def p_phrase(p: float) -> str:
    """``< 0.001`` or ``= 0.123``; empty when the p-value is missing."""
    text = format_p_value(p)
    return text if text.startswith("<") or not text else f"= {text}"


def summary_table(results: list[DesignResult]) -> pd.DataFrame:
    """One row per design × outcome: the DiD estimate with every kind of uncertainty beside it."""
    rows = []
    for result in results:
        did, space, time, synth = result.did, result.placebo_space, result.placebo_time, result.synthetic
        pre = result.event_study.pre_trend if result.event_study else None
        placebo_pre = result.placebo_pre_trend
        rows.append(
            {
                "design": result.design,
                "panel": result.panel_mart,
                "outcome": result.outcome,
                "unit": result.unit,
                "regions": len(result.regions),
                "years": result.window,
                "did_estimate": did.estimate if did else None,
                "pretrend_verdict": placebo_pretrend_verdict(placebo_pre),
                "pretrend_placebo_p": placebo_pre.p_value if placebo_pre else None,
                "pretrend_placebo_min_p": placebo_pre.min_attainable_p if placebo_pre else None,
                "pretrend_conventional_verdict": pretrend_verdict(pre),
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
