"""Each year after the crisis window on its own, against the whole pre-period, and whether the effect changed
from the crisis years (the follow-up reading: did the reversal last?)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import pandas as pd

from analysis.causal.labels import DESIGN_CODES, DesignNames
from analysis.causal.run import (
    OUTCOMES,
    MissingPanel,
    crisis_window,
    design_facts,
    design_input,
    design_panel,
    studentised_set,
    treated_code,
)
from estimators.did import POST, YEAR
from estimators.inference import conformal_test
from estimators.inversion import ConfidenceSet
from estimators.studentised import StudentisedPlaceboResult, studentised_contrast, studentised_placebo_in_space


@dataclass(frozen=True)
class LaterYear:
    """One year after the crisis window, alone against the pre-period, and the change from the crisis window."""

    design: str
    outcome: str
    year: int
    effect: StudentisedPlaceboResult | None
    interval: ConfidenceSet | None
    conformal_p: float | None
    conformal_min_p: float | None
    conformal_interval: ConfidenceSet | None
    change: StudentisedPlaceboResult | None
    crisis: tuple[int, int]
    missing: str = ""
    # Are the treated region's working-age flows of that year published figures (fct_yearly_flows.is_published)?
    # None: unknown.
    treated_published: bool | None = None
    # The design's label in a table cell and the treated region's name (dim_study_design).
    design_label: str = ""
    treated_name: str = "the treated region"


def later_years(
    panel: pd.DataFrame, design: str, outcome: str, crisis: tuple[int, int], years: list[int]
) -> list[LaterYear]:
    """Each year after the crisis window on its own (pre-period + that year), and the test of whether the
    effect changed from the crisis years (:func:`estimators.studentised.studentised_contrast`)."""
    out = []
    rows_all = design_panel(panel, design, outcome)
    for year in years:
        if not (rows_all[YEAR] == year).any():
            reason = (
                f"no population is published for {year}"
                if "per_1000" in outcome
                else f"no {year} value for the treated region"
            )
            out.append(LaterYear(design, outcome, year, None, None, None, None, None, None, crisis, reason))
            continue
        pre = ~rows_all[POST].astype(bool)
        alone = rows_all[pre | (rows_all[YEAR] == year)].reset_index(drop=True)
        effect = studentised_placebo_in_space(alone, outcome)
        conformal = conformal_test(alone, outcome)
        row = conformal.per_year.iloc[0]
        with_crisis = rows_all[pre | rows_all[YEAR].between(*crisis) | (rows_all[YEAR] == year)].reset_index(drop=True)
        change = studentised_contrast(with_crisis, outcome, year, crisis)
        out.append(
            LaterYear(
                design,
                outcome,
                year,
                effect,
                studentised_set(effect),
                float(row["p_value"]),
                float(row["min_attainable_p"]),
                row["interval"],
                change,
                crisis,
            )
        )
    return out


def run_later_years(tables: Mapping[str, pd.DataFrame]) -> list[LaterYear]:
    """Each year after the crisis window that the treated unit has in persons, for every design and outcome."""
    crisis = crisis_window(tables)
    if crisis is None:
        return []
    out: list[LaterYear] = []
    facts = design_facts(tables)
    for design in DESIGN_CODES:
        try:
            panel = design_input(tables, design)
        except MissingPanel:
            continue
        treated = panel[panel["region_code"].astype(str) == treated_code(panel)]
        years = sorted(int(y) for y in treated.dropna(subset=[next(iter(OUTCOMES))])["year"] if y > crisis[1])
        published = treated_published(tables, treated_code(panel))
        for outcome in OUTCOMES:
            try:
                found = later_years(panel, design, outcome, crisis, years)
            except ValueError:
                continue
            units = design_panel(panel, design, outcome)["region_code"].nunique()
            names = DesignNames(
                design,
                facts.treated_name or "the treated region",
                facts.control_names,
                units - 1,
            )
            out.extend(
                replace(
                    item,
                    treated_published=published.get(item.year),
                    design_label=names.short,
                    treated_name=names.treated_name,
                )
                for item in found
            )
    return out


def treated_published(tables: Mapping[str, pd.DataFrame], code: str) -> dict[int, bool]:
    """year → are the treated unit's working-age flows published figures (empty when the mart says nothing)."""
    flows = tables.get("fct_yearly_flows")
    if flows is None or "is_published" not in flows.columns:
        return {}
    rows = flows[(flows["region_code"].astype(str) == code) & (flows["age_scope_code"] == "working_age")]
    return {int(y): bool(p) for y, p in zip(rows["year"], rows["is_published"], strict=True) if pd.notna(p)}
