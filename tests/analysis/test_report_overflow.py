"""The whole report at 1,280 px in headless Chromium: no element past the window, folded or opened.

Also the layout's contract with the modules that add sections: the navigation bar is built from the list of
sections, so a section appended to it is linked and laid out like the others.
"""

from __future__ import annotations

import dataclasses
import functools
import re

import pandas as pd
import pytest

from analysis.report.answers import STUDY_QUESTIONS
from analysis.report.content import analyse
from analysis.report.layout import Section, human_header
from analysis.report.page import render_html
from analysis.report.sections import REPORT_SECTIONS
from claims.replication import load_claims

from .chromium import measure_report
from .test_series_and_causal import marts_with_territories


@pytest.fixture(scope="module")
def report_content():
    """The whole analysis of the constructed marts, once for the module (the tests below only render it)."""
    return analyse(marts_with_territories(), load_claims(), "test.duckdb", with_figures=True)


@pytest.fixture(scope="module")
def page(report_content) -> str:
    return render_html(report_content)


def _measure(page: str, open_all: bool) -> dict:
    if measure_report.chromium() is None:
        pytest.skip("no chromium binary on PATH (Debian: apt-get install -y chromium): layout not measured")
    return _measured(page, open_all)


@functools.lru_cache(maxsize=4)
def _measured(page: str, open_all: bool) -> dict:
    # One Chromium run per page and state for the module: the measurement of a page does not change.
    return measure_report.measure(page, 1280, open_all=open_all)


@pytest.mark.parametrize("open_all", [False, True], ids=["as-opened", "every-detail-open"])
def test_no_element_overflows_a_1280_px_window(page: str, open_all: bool):
    measured = _measure(page, open_all)
    assert measured["window_width"] == 1280
    assert measured["overflowing_count"] == 0, measured["overflowing"][:10]
    assert measured["scrolling_count"] == 0, measured["scrolling_boxes"]  # no table scrolls inside its box
    assert measured["page_width"] <= 1280 and measured["widest_px"] <= 1280
    assert measured["nav_position"] == "sticky"
    assert measured["sections"] == len(REPORT_SECTIONS)


def test_folded_sections_keep_the_page_short(page: str):
    folded, opened = _measure(page, False), _measure(page, True)
    # Every folded section is closed on arrival: the page a reader first scrolls is a fraction of the whole.
    assert opened["page_height"] > 3 * folded["page_height"], (folded["page_height"], opened["page_height"])


def test_navigation_links_every_section_and_the_answers_link_their_evidence(page: str):
    nav = re.search(r"<nav class='sections'[^>]*>(.*?)</nav>", page, flags=re.S)
    assert nav is not None
    assert re.findall(r"href='#([^']+)'", nav.group(1)) == [s.anchor for s in REPORT_SECTIONS]
    ids = set(re.findall(r"""\bid=['"]([^'"]+)['"]""", page))
    answers = page[page.index("id='answers'") : page.index("id='headline'")]
    links = re.findall(r"href='#([^']+)'", answers)
    assert len(links) == len(STUDY_QUESTIONS) and set(links) <= ids
    # The answers come first, before any table.
    assert page.index("id='answers'") < page.index("<table")


def test_no_header_a_reader_sees_is_snake_case(page: str):
    heads = re.findall(r"<th[^>]*>(.*?)</th>", page) + re.findall(r"<dt>(.*?)</dt>", page)
    assert heads
    assert not [h for h in heads if re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)+", h)]
    assert human_header("pearson_ci_low") == "Pearson r, 95% CI low"
    assert human_header("arrivals_yoy_growth_pct") == "arrivals year on year growth (%)"
    assert human_header("outcome, years") == "outcome, years"


def test_a_section_added_to_the_list_is_linked_and_folded(report_content):
    content = report_content
    extra = Section("cv", "Cross-validation", lambda _: "<p>cross-validated</p>", folded=True, marts=("fct_x",))
    shown = render_html(content, sections=[*REPORT_SECTIONS, extra])
    assert "href='#cv'>Cross-validation</a>" in shown
    section = shown[shown.index("<section id='cv'>") :]
    assert section.startswith("<section id='cv'><details class='section'><summary><h2>Cross-validation</h2>")
    assert "href='data/fct_x.csv'" in section and "href='data/fct_x.parquet'" in section
    with pytest.raises(ValueError, match="share an anchor: cv"):
        render_html(content, sections=[*REPORT_SECTIONS, extra, dataclasses.replace(extra, title="again")])


def test_every_figure_links_the_marts_it_was_drawn_from(page: str):
    figures = page[page.index("id='figures'") : page.index("id='correlations'")]
    blocks = figures.split("<figure ")[1:]
    assert len(blocks) == 9
    assert all("href='data/" in block and ".parquet'" in block for block in blocks)
    assert "data/fct_yearly_flows.csv" in blocks[0]  # figure 1 draws the yearly flows


def test_the_page_states_the_version_and_the_as_of_date_and_how_to_cite(report_content) -> None:
    settings = pd.DataFrame(
        {"working_age_rule_set_code": ["paper_2025"], "project_version": ["9.9.9"],
         "data_as_of_date": [pd.Timestamp("2025-12-31")]}
    )
    tables = {**marts_with_territories(), "dim_build_settings": settings}
    content = analyse(tables, load_claims(), "test.duckdb", with_figures=False)
    assert (content.project_version, content.data_as_of) == ("9.9.9", "2025-12-31")
    page = render_html(content)
    header = page[page.index("<h1>") : page.index("id='answers'")]
    assert "kz-migration 9.9.9" in header and "data as of 2025-12-31" in header and "href='#cite'" in header
    cite = page[page.index("<section id='cite'>") :]
    assert "version 9.9.9; data as of 2025-12-31" in cite and "CC BY 4.0" in cite and "MIT" in cite
    # The marts without dim_build_settings: the module's analysis of them.
    missing = report_content
    assert missing.project_version is None and "version not recorded" in render_html(missing)
