"""The exposures say truly what feeds the report: each paper figure draws from exactly the marts its exposure
names, and the report's exposure lists every mart the analysis reads."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
import yaml

from analysis.marts import ANALYSIS_MARTS, load_marts
from analysis.report.figures import MissingFigureData
from analysis.report.paper_figures import PAPER_FIGURES

from ..conftest import REPO_ROOT

EXPOSURES = {
    exposure["name"]: exposure
    for exposure in yaml.safe_load((REPO_ROOT / "dbt_project" / "models" / "exposures.yml").read_text())["exposures"]
}
FIGURES = {figure_id: draw for figure_id, _, draw in PAPER_FIGURES}


def _refs(exposure: dict) -> set[str]:
    return {re.fullmatch(r"ref\('(\w+)'\)", item).group(1) for item in exposure["depends_on"]}


def test_the_report_exposure_names_every_mart_the_analysis_reads() -> None:
    assert _refs(EXPOSURES["migration_report"]) == set(ANALYSIS_MARTS)


def test_every_paper_figure_has_an_exposure() -> None:
    assert {name for name in EXPOSURES if name.startswith("fig")} == set(FIGURES)


@pytest.mark.parametrize("figure_id", sorted(FIGURES))
def test_each_figure_draws_from_its_exposures_marts_and_needs_each_of_them(
    figure_id: str, built_warehouse: Path
) -> None:
    marts = _refs(EXPOSURES[figure_id])
    tables = load_marts(built_warehouse, sorted(marts))
    plt.close(FIGURES[figure_id](tables))
    for mart in marts:
        with pytest.raises(MissingFigureData):
            FIGURES[figure_id]({name: frame for name, frame in tables.items() if name != mart})
