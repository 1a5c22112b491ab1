"""What the report calls each design, from the names the warehouse publishes (``dim_study_design``).

The treated region and the paper's controls are the build's (dbt vars), so a build with another treated region
titles its tables and figures with that region: no region is named here, only the wording around the names.
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.causal.results import DesignResult
from analysis.design import and_join

DESIGN_CODES = ("paper", "all_regions", "no_russia_border")


@dataclass(frozen=True)
class DesignNames:
    """One design's code and the names its labels use; ``controls``: how many control units it has (0: unknown)."""

    design: str
    treated_name: str
    control_names: tuple[str, ...] = ()
    controls: int = 0

    @classmethod
    def of(cls, result: DesignResult) -> DesignNames:
        return cls(result.design, result.treated_name, result.control_names, max(len(result.regions) - 1, 0))

    @property
    def title(self) -> str:
        """``Almaty vs Zhambyl and West Kazakhstan``: the design in a heading."""
        if self.design == "paper":
            return f"{self.treated_name} vs {self.versus}"
        if self.design == "all_regions":
            return f"{self.treated_name} vs every other territory (borders held constant)"
        if self.design == "no_russia_border":
            return f"{self.treated_name} vs every territory not bordering Russia (borders held constant)"
        return self.design

    @property
    def versus(self) -> str:
        """Whom the treated region is compared with, in a figure title: ``Zhambyl and West Kazakhstan``."""
        if self.design == "paper":
            return and_join(self.control_names) or "the paper’s controls"
        if self.design == "no_russia_border":
            return "the territories not bordering Russia"
        return "all other territories"

    @property
    def short(self) -> str:
        """``Paper: Almaty vs Zhambyl, West Kazakhstan``: the design in a table cell."""
        if self.design == "paper":
            return f"Paper: {self.treated_name} vs {', '.join(self.control_names)}"
        if self.design == "all_regions":
            return f"All {self.controls} other territories" if self.controls else "All other territories"
        if self.design == "no_russia_border":
            return "Territories not bordering Russia"
        return self.design

    @property
    def panel_reason(self) -> str:
        """Why the design reads the panel mart it reads (shown beside the mart's name)."""
        if self.design == "paper":
            regions = and_join((self.treated_name, *self.control_names))
            return f"{regions} as published: each region with the borders it had that year."
        if self.design == "all_regions":
            return (
                "regions split off in 2017 (Turkestan, Shymkent) and 2022 (Abai, Zhetysu, Ulytau) are added back "
                "to their parents, so no control jumps when a border moves."
            )
        if self.design == "no_russia_border":
            return "the all-territories panel without the territories bordering Russia."
        return ""


def treated_name(results: list[DesignResult]) -> str:
    """The treated region's name the results carry (every design has the same treated region)."""
    return results[0].treated_name if results else "the treated region"


def crisis_year(results: list[DesignResult]) -> int | None:
    """The first post year the results used (the design's crisis year); None when no design ran."""
    return next((r.post_years[0] for r in results if r.post_years[0]), None)


def design_title(result: DesignResult) -> str:
    return DesignNames.of(result).title


def design_short(result: DesignResult) -> str:
    return DesignNames.of(result).short
