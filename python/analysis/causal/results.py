"""What one design and outcome produced: every estimator's :class:`EstimateResult`, by method, and the tables
that are not single estimates (event study, per-year effects, leave-one-out, the pre-period gap)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pandas as pd

from estimators.did import DidResult, EventStudyResult
from estimators.inference import ConformalResult, WildBootstrapResult
from estimators.inversion import ConfidenceSet
from estimators.permutation import PlaceboInSpaceResult, PlaceboInTimeResult
from estimators.pre_trend import PlaceboPreTrendResult
from estimators.result import EstimateResult
from estimators.sdid import SdidResult
from estimators.sensitivity import SensitivityResult
from estimators.studentised import StudentisedPlaceboResult
from estimators.synthetic_control import SyntheticControlResult

R = TypeVar("R", bound=EstimateResult)


@dataclass(frozen=True)
class DesignFacts:
    """What a result says of the design besides its codes (dim_study_design): the names its titles and prose use
    (``treated_name`` None: the panel's own name of the treated unit) and the study's last year (0: unknown)."""

    treated_name: str | None = None
    control_names: tuple[str, ...] = ()
    study_last_year: int = 0


@dataclass(frozen=True)
class DesignResult:
    """Every estimate of one design and outcome; a step that could not run is absent, with its reason in
    ``problems``.

    ``estimates`` maps each estimator's method name (``twfe_did``, ``studentised_placebo_in_space``, …) to its
    result, labelled with the design; ``tidy()`` is their rows. The properties name the estimates the report
    reads. ``interval``: the studentised test inverted at 95%.
    """

    design: str
    outcome: str
    unit: str
    panel_mart: str
    problems: dict[str, str]
    regions: tuple[str, ...] = ()
    years: tuple[int, int] = (0, 0)
    post_years: tuple[int, int] = (0, 0)
    estimates: Mapping[str, EstimateResult] = field(default_factory=dict)
    event_study: EventStudyResult | None = None
    placebo_events: pd.DataFrame | None = None
    per_year: pd.DataFrame | None = None
    interval: ConfidenceSet | None = None
    leave_one_out: pd.DataFrame | None = None
    pre_gap: pd.Series | None = None
    names: dict[str, str] | None = None
    # Short names of the treated region and the paper's controls (dim_study_design), for titles and prose.
    treated_name: str = "the treated region"
    control_names: tuple[str, ...] = ()
    # Last year of the study's window (dim_study_design.study_last_year; 0: unknown): later post years are follow-up.
    study_last_year: int = 0

    def _get(self, method: str, kind: type[R]) -> R | None:
        found = self.estimates.get(method)
        return found if isinstance(found, kind) else None

    @property
    def did(self) -> DidResult | None:
        return self._get("twfe_did", DidResult)

    @property
    def studentised(self) -> StudentisedPlaceboResult | None:
        """The headline test: placebo in space on each unit's DiD over its own pre-period noise."""
        return self._get("studentised_placebo_in_space", StudentisedPlaceboResult)

    @property
    def placebo_space(self) -> PlaceboInSpaceResult | None:
        return self._get("placebo_in_space", PlaceboInSpaceResult)

    @property
    def placebo_time(self) -> PlaceboInTimeResult | None:
        return self._get("placebo_in_time", PlaceboInTimeResult)

    @property
    def placebo_pre_trend(self) -> PlaceboPreTrendResult | None:
        """The design-based pre-trend test (the event study's F and slope tests use the conventional variance)."""
        return self._get("placebo_pre_trend", PlaceboPreTrendResult)

    @property
    def conformal(self) -> ConformalResult | None:
        return self._get("conformal", ConformalResult)

    @property
    def wild_bootstrap(self) -> WildBootstrapResult | None:
        return self._get("wild_cluster_bootstrap", WildBootstrapResult)

    @property
    def synthetic(self) -> SyntheticControlResult | None:
        return self._get("synthetic_control", SyntheticControlResult)

    @property
    def synthetic_demeaned(self) -> SyntheticControlResult | None:
        return self._get("synthetic_control_demeaned", SyntheticControlResult)

    @property
    def sdid(self) -> SdidResult | None:
        return self._get("synthetic_did", SdidResult)

    @property
    def sensitivity(self) -> SensitivityResult | None:
        return self._get("sensitivity", SensitivityResult)

    def tidy_rows(self) -> dict[str, dict[str, Any]]:
        """Each estimate's :meth:`EstimateResult.tidy` row, by method: what the report's tables are built from."""
        return {method: result.tidy() for method, result in self.estimates.items()}

    def tidy(self) -> pd.DataFrame:
        """One row per estimate (:meth:`EstimateResult.tidy`), with the panel and the years used."""
        extra = {"panel": self.panel_mart, "years": self.window}
        return pd.DataFrame([row | extra for row in self.tidy_rows().values()])

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
