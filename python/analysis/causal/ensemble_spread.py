"""The causal estimates across the reconstruction ensemble (``fct_reconstruction_ensemble_estimates``): the spread
of the DiD and how often the pre-trend verdict would differ."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import NamedTuple

import pandas as pd

from analysis.causal.formatting import value_text
from analysis.causal.labels import DESIGN_CODES
from analysis.marts import Tables
from estimators.pre_trend import PRE_TREND_ALPHA

ENSEMBLE_MART = "fct_reconstruction_ensemble_estimates"
# The headline's cell when the ensemble was computed with another design than the warehouse's (is_build_design).
OTHER_DESIGN = "not shown: the ensemble was computed with another design"
# The ensemble's outcome codes (reference_data.ensemble.OUTCOME_CODES) for each panel column.
ENSEMBLE_OUTCOMES = {
    "net_migration_working_age": ("net_migration_working_age", "net_working_age"),
    "net_migration_working_age_per_1000_residents": (
        "net_migration_working_age_per_1000_residents",
        "net_working_age_per_1000",
    ),
}


class PreTrendSpread(NamedTuple):
    """The design-based pre-trend test across the reconstruction ensemble (:func:`ensemble_pre_trend`)."""

    rejected: int
    members: int
    p_min: float
    p_max: float


def _ensemble_groups(tables: Tables, keep: Callable[[pd.Series], pd.Series]) -> Iterator[tuple[str, str, pd.DataFrame]]:
    """(design, panel outcome, rows) of the ensemble mart's rows that `keep` selects (a mask of estimator
    codes), for every design and outcome that has some; nothing when the mart is absent or empty."""
    frame = tables.get(ENSEMBLE_MART)
    if frame is None or frame.empty:
        return
    frame = frame[keep(frame["estimator_code"].astype(str)) & of_build_design(frame)]
    for outcome, codes in ENSEMBLE_OUTCOMES.items():
        for design in DESIGN_CODES:
            rows = frame[(frame["design_code"] == design) & frame["outcome_code"].isin(codes)]
            if not rows.empty:
                yield design, outcome, rows


def of_build_design(frame: pd.DataFrame) -> pd.Series:
    """The rows whose member was built with the warehouse's own design (``is_build_design``; a mart without the
    column predates it and was always of the default design)."""
    if "is_build_design" not in frame.columns:
        return pd.Series(True, index=frame.index)
    return frame["is_build_design"].fillna(False).astype(bool)


def ensemble_spread(tables: Tables) -> dict[tuple[str, str], str]:
    """(design, outcome) → "min / median / max (N members)" of the DiD estimate across reconstructions.

    Empty when the ensemble mart is absent or has no rows: the report then says "no ensemble". When its members
    were built with another design than the warehouse's, every design and outcome says so (:data:`OTHER_DESIGN`).
    """
    frame = tables.get(ENSEMBLE_MART)
    if frame is None or frame.empty:
        return {}
    if not of_build_design(frame).any():
        return {(design, outcome): OTHER_DESIGN for design in DESIGN_CODES for outcome in ENSEMBLE_OUTCOMES}

    def is_did(codes: pd.Series) -> pd.Series:
        return codes.str.lower().isin(("did", "twfe", "twfe_did"))

    # A mart without DiD rows (an older ensemble) has its one estimate per row under another code.
    has_did = bool(is_did(frame["estimator_code"].astype(str)).any())
    spreads = {}
    for design, outcome, rows in _ensemble_groups(tables, is_did if has_did else lambda codes: codes.notna()):
        values = pd.to_numeric(rows["estimate"], errors="coerce").dropna()
        if values.empty:
            continue
        per_1000 = "per_1000" in outcome
        spreads[(design, outcome)] = (
            f"{value_text(float(values.min()), per_1000)} / {value_text(float(values.median()), per_1000)} / "
            f"{value_text(float(values.max()), per_1000)} ({rows['member_id'].nunique()} members)"
        )
    return spreads


def ensemble_pre_trend(tables: Tables, alpha: float = PRE_TREND_ALPHA) -> dict[tuple[str, str], PreTrendSpread]:
    """(design, outcome) → the design-based pre-trend test across the reconstructions: on how many of them it
    rejects at ``alpha``, and the range of its p.

    Reads the ensemble's ``pretrend_placebo`` rows (p of :func:`estimators.pre_trend.placebo_pre_trend` on
    each member); empty when the mart is absent or holds none, and the headline then shows the bundled
    tables' verdict alone.
    """
    spreads = {}
    for design, outcome, rows in _ensemble_groups(tables, lambda codes: codes == "pretrend_placebo"):
        p = pd.to_numeric(rows["p_value"], errors="coerce").dropna()
        if not p.empty:
            spreads[(design, outcome)] = PreTrendSpread(int((p <= alpha).sum()), len(p), float(p.min()), float(p.max()))
    return spreads
