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

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

import pandas as pd

from analysis.causal.labels import DESIGN_CODES
from analysis.causal.results import DesignFacts, DesignResult
from analysis.design import MissingDesign, design_from_tables
from estimators.did import POST, YEAR, estimate_did, event_study
from estimators.inference import ConformalResult, conformal_test, wild_cluster_bootstrap
from estimators.inversion import ConfidenceSet, invert_test
from estimators.permutation import placebo_event_studies, placebo_in_space, placebo_in_time
from estimators.pre_trend import placebo_pre_trend, pre_period_gaps
from estimators.result import EstimateResult, Interval
from estimators.sdid import synthetic_did
from estimators.sensitivity import sensitivity
from estimators.studentised import StudentisedPlaceboResult, studentised_placebo_in_space
from estimators.synthetic_control import synthetic_control

# The design (treated region, the paper's controls, crisis year, territories bordering Russia) is the warehouse's:
# the panels mark it (is_treated, is_control, is_post, is_bordering_russia) from dim_study_design's dbt vars.
REGION_PANEL = "fct_region_year_panel"
TERRITORY_PANEL = "fct_territory_year_panel"
# The analysis_periods seed's crisis window (published in fct_period_flows) and the follow-up years after it.
CRISIS_PERIOD_CODE = "CRISIS"
OUTCOMES = {
    "net_migration_working_age": "persons per year",
    "net_migration_working_age_per_1000_residents": "per 1,000 residents",
}
# The mart each design reads (the report says why: analysis.causal.labels.panel_reason).
DESIGN_PANELS = {"paper": REGION_PANEL, "all_regions": TERRITORY_PANEL, "no_russia_border": TERRITORY_PANEL}


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
        why = " (its territories keep their borders over the 2017 and 2022 changes)" if mart == TERRITORY_PANEL else ""
        raise MissingPanel(
            f"{mart} is not in the warehouse: the {design} design needs it{why} — rebuild the warehouse with "
            "`make warehouse`"
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


def _panel_name(panel: pd.DataFrame) -> str:
    """The treated unit's name as the panel spells it (when no design names are given)."""
    try:
        return unit_names(panel).get(treated_code(panel), "the treated region")
    except ValueError:
        return "the treated region"


def treated_code(panel: pd.DataFrame) -> str:
    """The treated unit as the panel marks it (``is_treated``, from the dbt var treated_region_code)."""
    if "is_treated" in panel.columns:
        codes = panel.loc[panel["is_treated"].astype(bool), "region_code"].astype(str).unique()
        if len(codes) == 1:
            return str(codes[0])
    raise ValueError("the panel marks no single treated unit (is_treated)")


def reference_year(rows: pd.DataFrame) -> int:
    """The event study's reference: the last year before the crisis (``is_post`` false)."""
    pre = rows.loc[~rows[POST].astype(bool), YEAR] if POST in rows.columns else rows.iloc[0:0][YEAR]
    if pre.empty:
        raise ValueError("the panel has no year before the crisis (is_post) to take as the event study's reference")
    return int(pre.max())


def _marked(rows: pd.DataFrame, column: str) -> pd.Series:
    """A design's boolean column of the panel mart (from dim_study_design's dbt vars); a clear error without it."""
    if column not in rows.columns:
        raise ValueError(f"the panel has no {column} column: rebuild the warehouse with `make warehouse`")
    return rows[column].astype(bool)


def design_panel(panel: pd.DataFrame, design: str, outcome: str, last_year: int | None = None) -> pd.DataFrame:
    """The rows of the panel mart a design uses, restricted to the treated region's years with data (and to
    years up to ``last_year``: the crisis window's end, so that later years are not pooled with it)."""
    if design not in DESIGN_CODES:
        raise ValueError(f"unknown design {design!r} (known: {', '.join(DESIGN_CODES)})")
    treated = treated_code(panel)
    rows = panel.dropna(subset=[outcome])
    if last_year is not None:
        rows = rows[rows["year"] <= last_year]
    if design == "paper":
        rows = rows[(rows["region_code"] == treated) | _marked(rows, "is_control")]
    else:
        moved = units_with_moved_borders(rows)
        if moved:
            raise ValueError(
                f"the {design} design needs constant borders, but the panel has regions created or abolished by "
                f"a border change ({', '.join(moved)}): use {TERRITORY_PANEL}"
            )
        if design == "no_russia_border":
            rows = rows[~_marked(rows, "is_bordering_russia")]
    treated_years = rows.loc[rows["region_code"] == treated, "year"]
    if treated_years.empty:
        raise ValueError(f"the panel has no {outcome} for the treated region {treated}")
    window = rows["year"].between(int(treated_years.min()), int(treated_years.max()))
    return rows[window].reset_index(drop=True)


def units_with_moved_borders(rows: pd.DataFrame) -> list[str]:
    """Regions that begin or end inside the panel's years (``region_first_year``, ``region_last_year`` of
    fct_region_year_panel, from the seed regions): a border change created or abolished them, so they and their
    parents jump. A panel without those columns (the territory panel) holds no such unit by construction."""
    if not {"region_first_year", "region_last_year"} <= set(rows.columns) or rows.empty:
        return []
    first, last = rows[YEAR].min(), rows[YEAR].max()
    begins = pd.to_numeric(rows["region_first_year"], errors="coerce") > first
    ends = pd.to_numeric(rows["region_last_year"], errors="coerce") < last
    return sorted(set(rows.loc[begins | ends, "region_code"].astype(str)))


def _attempt(problems: dict[str, str], step: str, run: Callable[[], Any]) -> Any:
    """Run one estimation step; record why it could not run instead of aborting the whole analysis."""
    try:
        return run()
    except (ValueError, RuntimeError, KeyError) as error:
        problems[step] = str(error)
        return None


def studentised_set(test: StudentisedPlaceboResult, confidence: float = 0.95) -> ConfidenceSet:
    """The effects the studentised placebo test does not reject (endpoints by root-finding)."""
    return invert_test(test.p_values, test.estimate, test.treated_sd, confidence)


def leave_one_control_out(rows: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """The DiD with each control left out in turn (columns region_code, estimate)."""
    treated = treated_code(rows)
    out = []
    for code in sorted(set(rows["region_code"].astype(str)) - {treated}):
        kept = rows[rows["region_code"].astype(str) != code]
        if kept["region_code"].nunique() < 2:
            continue
        out.append({"region_code": code, "estimate": estimate_did(kept, outcome).estimate})
    return pd.DataFrame(out, columns=["region_code", "estimate"])


def run_design(
    panel: pd.DataFrame,
    design: str,
    outcome: str,
    with_synthetic: bool | None = None,
    last_year: int | None = None,
    facts: DesignFacts | None = None,
) -> DesignResult:
    """Every estimate of one design for one outcome on the years up to ``last_year`` (the crisis window's end;
    None: every year), synthetic control by default only for all regions. ``facts`` names the treated region and
    the controls in the result's titles (dim_study_design's short names; default: the panel's names)."""
    problems: dict[str, str] = {}
    facts = facts or DesignFacts()
    # What the result is of, whether or not the design could run on the panel.
    empty = DesignResult(
        design=design,
        outcome=outcome,
        unit=OUTCOMES.get(outcome, ""),
        panel_mart=DESIGN_PANELS.get(design, ""),
        problems=problems,
        names={},
        treated_name=facts.treated_name or _panel_name(panel),
        control_names=facts.control_names,
        study_last_year=facts.study_last_year,
    )
    rows = _attempt(problems, "panel", lambda: design_panel(panel, design, outcome, last_year))
    if rows is None or rows.empty:
        return empty
    synthetic_wanted = design == "all_regions" if with_synthetic is None else with_synthetic
    reference = _attempt(problems, "reference_year", lambda: reference_year(rows))
    estimates, extras = _estimates(rows, outcome, reference, synthetic_wanted, problems)
    post = rows.loc[rows[POST].astype(bool), YEAR]
    return replace(
        empty,
        regions=tuple(sorted(rows["region_code"].unique())),
        years=(int(rows["year"].min()), int(rows["year"].max())),
        post_years=(int(post.min()), int(post.max())) if not post.empty else (0, 0),
        estimates={method: replace(result, design=design) for method, result in estimates.items()},
        names=unit_names(rows),
        **extras,
    )


def _estimates(
    rows: pd.DataFrame, outcome: str, reference: int | None, synthetic_wanted: bool, problems: dict[str, str]
) -> tuple[dict[str, EstimateResult], dict[str, Any]]:
    """Every estimator on the design's rows (by method name), and the tables that are not one estimate.

    One step after the other, each recording why it could not run in ``problems`` (in this order)."""
    did = _attempt(problems, "did", lambda: estimate_did(rows, outcome))
    events = (
        _attempt(problems, "event_study", lambda: event_study(rows, outcome, reference_year=reference))
        if reference is not None
        else None
    )
    space = _attempt(problems, "placebo_space", lambda: placebo_in_space(rows, outcome))
    studentised = _attempt(problems, "studentised", lambda: studentised_placebo_in_space(rows, outcome))
    interval = _attempt(problems, "interval", lambda: studentised_set(studentised)) if studentised else None
    if studentised is not None and interval is not None:  # the inverted set, on the estimate's tidy row too
        studentised = replace(studentised, interval=Interval(interval.low, interval.high, interval.confidence))
    time = _attempt(problems, "placebo_time", lambda: placebo_in_time(rows, outcome))
    pre_trend = _attempt(problems, "placebo_pre_trend", lambda: placebo_pre_trend(rows, outcome))
    wild = _attempt(problems, "wild_bootstrap", lambda: wild_cluster_bootstrap(rows, outcome))
    conformal = _attempt(problems, "conformal", lambda: conformal_test(rows, outcome))
    sdid = _attempt(problems, "sdid", lambda: synthetic_did(rows, outcome))
    placebo_events = (
        _attempt(problems, "placebo_events", lambda: placebo_event_studies(rows, outcome, reference))
        if reference is not None
        else None
    )
    sens = None
    if events is not None and placebo_events is not None and reference is not None:
        sens = _attempt(
            problems,
            "sensitivity",
            lambda: sensitivity(events.coefficients, placebo_events, reference, studentised),
        )
    per_year = _attempt(problems, "per_year", lambda: per_year_effects(rows, outcome, conformal))
    loo = _attempt(problems, "leave_one_out", lambda: leave_one_control_out(rows, outcome))
    synthetic = demeaned = None
    if synthetic_wanted:
        synthetic = _attempt(problems, "synthetic", lambda: synthetic_control(rows, outcome))
        demeaned = _attempt(problems, "synthetic_demeaned", lambda: synthetic_control(rows, outcome, demeaned=True))
    found = (did, studentised, space, time, pre_trend, conformal, wild, synthetic, demeaned, sdid, sens)
    extras = {
        "event_study": events,
        "placebo_events": placebo_events,
        "per_year": per_year,
        "interval": interval,
        "leave_one_out": loo,
        "pre_gap": _attempt(problems, "pre_gap", lambda: treated_pre_gap(rows, outcome)),
    }
    return {result.method: result for result in found if result is not None}, extras


def treated_pre_gap(rows: pd.DataFrame, outcome: str) -> pd.Series:
    """The treated unit's pre-period gap to its controls, year by year, centred on its mean (the figure beside
    the sensitivity verdict)."""
    return pre_period_gaps(rows, outcome)[treated_code(rows)]


def per_year_effects(rows: pd.DataFrame, outcome: str, conformal: ConformalResult | None) -> pd.DataFrame:
    """Each post year on its own: the DiD of the pre-period against that year, with its studentised placebo p
    and interval and (when available) its conformal p and interval."""
    table = []
    post_years = sorted(int(y) for y in rows.loc[rows[POST].astype(bool), YEAR].unique())
    conformal_rows = conformal.per_year.set_index("year") if conformal is not None else None
    for year in post_years:
        subset = rows[~rows[POST].astype(bool) | (rows[YEAR] == year)]
        space = placebo_in_space(subset, outcome)
        test = studentised_placebo_in_space(subset, outcome)
        row: dict[str, Any] = {
            "year": year,
            "estimate": space.estimate,
            "placebo_space_p": space.p_value,
            "placebo_space_min_p": space.min_attainable_p,
            "studentised_p": test.p_value,
            "studentised_min_p": test.min_attainable_p,
            "interval": studentised_set(test),
        }
        if conformal_rows is not None and year in conformal_rows.index:
            found: Any = conformal_rows.loc[year]
            row |= {
                "conformal_p": float(found["p_value"]),
                "conformal_min_p": float(found["min_attainable_p"]),
                "conformal_interval": found["interval"],
                "conformal_ci": (float(found["ci_low"]), float(found["ci_high"])),
            }
        table.append(row)
    return pd.DataFrame(table)


def crisis_window(tables: Mapping[str, pd.DataFrame]) -> tuple[int, int] | None:
    """The crisis window of the analysis_periods seed (period CRISIS, published in fct_period_flows)."""
    periods = tables.get("fct_period_flows")
    if periods is None or periods.empty or "period_code" not in periods.columns:
        return None
    rows = periods[periods["period_code"] == CRISIS_PERIOD_CODE]
    if rows.empty:
        return None
    return int(rows["start_year"].min()), int(rows["end_year"].max())


def _not_run(design: str, outcome: str, problem: str, facts: DesignFacts) -> DesignResult:
    return DesignResult(
        design=design,
        outcome=outcome,
        unit=OUTCOMES.get(outcome, ""),
        panel_mart=DESIGN_PANELS[design],
        problems={"panel": problem},
        treated_name=facts.treated_name or "the treated region",
        control_names=facts.control_names,
        study_last_year=facts.study_last_year,
    )


def design_facts(tables: Mapping[str, pd.DataFrame]) -> DesignFacts:
    """What the results say of the design besides its codes, from dim_study_design: the treated region's and the
    controls' short names, and the study's last year (none without the mart: the panels' own names stand in)."""
    try:
        study = design_from_tables(tables)
    except MissingDesign:
        return DesignFacts()
    return DesignFacts(study.treated_region_name, study.control_region_names, study.study_last_year)


def run_all(tables: Mapping[str, pd.DataFrame]) -> list[DesignResult]:
    """Every design for both outcomes on the crisis window (paper design first), each on its own panel mart
    (see DESIGN_PANELS). The window ends where the analysis_periods seed's crisis period ends; without that
    mart every post year is pooled (and ``window`` says so).

    A design whose mart is missing is returned with the reason in ``problems["panel"]``.
    """
    crisis = crisis_window(tables)
    facts = design_facts(tables)
    results: list[DesignResult] = []
    for design in DESIGN_CODES:
        try:
            panel = design_input(tables, design)
        except MissingPanel as error:
            results.extend(_not_run(design, outcome, str(error), facts) for outcome in OUTCOMES)
            continue
        results.extend(
            run_design(panel, design, outcome, last_year=crisis[1] if crisis else None, facts=facts)
            for outcome in OUTCOMES
        )
    return results
