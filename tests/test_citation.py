"""The project can be cited and reused: licences, CITATION.cff, and one version everywhere."""

from __future__ import annotations

import re

import yaml

from warehouse.version import project_version

from .conftest import REPO_ROOT


def test_citation_cff_is_cff_1_2_0_and_names_this_version() -> None:
    citation = yaml.safe_load((REPO_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    # The keys CFF 1.2.0 requires, and the types it gives them (validated with cffconvert 2.0.0 when written).
    assert citation["cff-version"] == "1.2.0"
    assert isinstance(citation["message"], str) and isinstance(citation["title"], str)
    assert citation["authors"] and all("name" in a or "family-names" in a for a in citation["authors"])
    assert citation["version"] == project_version()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(citation["date-released"]))
    assert citation["license"] == "MIT"
    paper = next(r for r in citation["references"] if r["type"] == "article")
    assert paper["doi"] == "10.51176/1997-9967-2025-3-106-122"


def test_licences_are_stated_for_the_code_and_for_both_kinds_of_data() -> None:
    assert (REPO_ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    terms = (REPO_ROOT / "DATA_LICENSE.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in terms and "BNS's terms" in terms and "modeled" in terms


def test_dbt_project_carries_the_pyproject_version() -> None:
    dbt_project = yaml.safe_load((REPO_ROOT / "dbt_project" / "dbt_project.yml").read_text(encoding="utf-8"))
    assert str(dbt_project["version"]) == project_version()
