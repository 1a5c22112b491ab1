"""What a reader sees: the headline table fits 1,280 px in a real browser; Figure 6 and the honesty notes."""

from __future__ import annotations

import dataclasses
import re

import pandas as pd
import pytest

from analysis.causal.ensemble_spread import ensemble_pre_trend, ensemble_spread
from analysis.causal.headline import headline_table
from analysis.report.content import analyse
from analysis.report.page import render_html
from analysis.report.paper_figures import _other_country_shares
from analysis.report.replication_section import CALIBRATED_STATUS_SUFFIX, displayed_replication
from claims.replication import load_claims

from .chromium import measure_report
from .mart_fixtures import report_marts
from .test_series_and_causal import marts_with_territories

# Appended to a copy of the page: after layout, write the measurements into the DOM for --dump-dom.
MEASURE = """<script>window.addEventListener('load', function () {
  var t = document.querySelector('table.headline'), r = t.getBoundingClientRect();
  var p = document.createElement('pre'); p.id = 'measure';
  p.textContent = [Math.round(r.left), Math.round(r.right), t.scrollWidth, t.clientWidth,
                   document.documentElement.scrollWidth, window.innerWidth,
                   document.querySelectorAll('table')[0] === t ? 1 : 0].join(' ');
  document.body.appendChild(p); });</script>"""


@pytest.fixture(scope="module")
def content():
    return analyse(marts_with_territories(), load_claims(), "test.duckdb", with_figures=False)


def _measure(page: str, width: int) -> list[int]:
    if measure_report.chromium() is None:
        pytest.skip("no chromium binary on PATH (Debian: apt-get install -y chromium): layout not measured")
    dom = measure_report.dump_dom(page.replace("</body>", MEASURE + "</body>"), width, 900)
    found = re.search(r'<pre id="measure">([\d -]+)</pre>', dom)
    assert found, f"chromium printed no measurement (stdout starts {dom[:200]!r})"
    return [int(v) for v in found.group(1).split()]


def test_headline_table_fits_1280_px_without_horizontal_overflow(content):
    left, right, scroll_width, client_width, page_width, window, is_first = _measure(render_html(content), 1280)
    assert is_first == 1  # the first table on the page is the design-based summary
    assert left >= 0 and right <= window <= 1280
    assert scroll_width <= client_width  # nothing inside the table overflows it
    assert page_width <= window  # and the page itself never scrolls sideways


def test_headline_leads_with_design_based_inference_and_the_invalid_intervals_come_last(content):
    page = render_html(content)
    headline = page[page.index("id='headline'") : page.index("id='flows'")]
    heads = re.findall(r"<th[^>]*>(.*?)</th>", headline)
    assert heads[1:8] == [
        "outcome, years",
        "DiD, crisis years",
        "studentised placebo p; noise ratio",
        "90% interval (test inverted)",
        "conformal p",
        "synthetic control p",
        "pre-trend (placebo test, 10%)",
    ]
    assert "sensitivity breakdown (M̄; trend M)" in heads and "no ensemble" in headline
    assert "pre-trend (placebo test, 10%)" in heads  # the design-based verdict, not the F test
    assert "conventional" not in " ".join(heads).lower()
    appendix = page.index("id='appendix'")
    assert page.index("conventional 95% CI (not valid)") > appendix
    assert page.index("pre-trend test: event-study joint F and slope t, 5% (not valid)") > appendix
    assert page.index("raw placebo in space p (over-rejects when Almaty is noisier)") > appendix
    assert "not valid with one treated unit" in page[appendix : appendix + 300]


def test_headline_reads_the_reconstruction_ensemble_when_it_exists(content):
    tables = {
        "fct_reconstruction_ensemble_estimates": pd.DataFrame(
            {
                "member_id": [0, 1, 2],
                "design_code": ["paper"] * 3,
                "outcome_code": ["net_working_age"] * 3,
                "estimator_code": ["did"] * 3,
                "estimate": [3000.0, 1000.0, 2000.0],
                "p_value": [None] * 3,
            }
        )
    }
    headline = headline_table(content.causal, ensemble_spread(tables))
    spread = headline["reconstruction spread (min / median / max)"].tolist()
    # Rows: paper persons, paper per 1,000, all-regions persons, all-regions per 1,000.
    assert spread == ["1,000 / 2,000 / 3,000 (3 members)", "no ensemble", "no ensemble", "no ensemble"]
    assert ensemble_spread({}) == {}


def test_headline_counts_the_reconstructions_on_which_the_pre_trend_test_rejects(content):
    p_values = [0.05, 0.5, 0.1, 0.3]  # two at or under the test's 10%
    tables = {
        "fct_reconstruction_ensemble_estimates": pd.DataFrame(
            {
                "member_id": [0, 1, 2, 3, 0],
                "design_code": ["paper"] * 5,
                "outcome_code": ["net_working_age"] * 4 + ["net_working_age_per_1000"],
                "estimator_code": ["pretrend_placebo"] * 4 + ["did"],
                "estimate": [1.0, 2.0, 3.0, 4.0, 5.0],
                "p_value": [*p_values, 0.01],
            }
        )
    }
    verdicts = ensemble_pre_trend(tables)
    # Only the one design and outcome with pretrend_placebo rows; the DiD row's p is not a pre-trend test.
    assert verdicts == {("paper", "net_migration_working_age"): (2, 4, 0.05, 0.5)}
    cells = headline_table(content.causal, {}, verdicts)["pre-trend (placebo test, 10%)"].tolist()
    paper = next(r for r in content.causal if r.design == "paper" and r.outcome == "net_migration_working_age")
    if paper.placebo_pre_trend.can_reject:
        assert cells[0].endswith("; 2 of 4 reconstructions reject (p 0.050–0.500)"), cells[0]
    else:  # two controls: the smallest p is 1/3 on every member, so the count would say nothing
        assert cells[0].endswith("; 4 reconstructions: p 0.050–0.500"), cells[0]
    assert not any("reconstructions" in cell for cell in cells[1:])
    assert ensemble_pre_trend({}) == {}


def test_calibration_is_disclosed_in_the_banner_and_on_every_status(content):
    assert content.reconstruction
    page = render_html(content)
    banner = page[page.index('<div class="banner">') :][:1200]
    assert "calibrated to the paper's own claims" in banner and "not that official statistics support" in banner
    shown = displayed_replication(content)
    assert shown["status"].str.endswith(CALIBRATED_STATUS_SUFFIX).all()
    official = dataclasses.replace(content, reconstruction=False)
    assert not displayed_replication(official)["status"].str.endswith(CALIBRATED_STATUS_SUFFIX).any()


def test_figure_6_shows_shares_of_non_cis_arrivals_only():
    tables = report_marts()
    shares = _other_country_shares(tables, "arrival", "share_of_group_pct", group="OTHER")
    period = tables["fct_country_period_flows"]
    other = period[(period["direction_code"] == "arrival") & (period["group_code"] == "OTHER")]
    expected = 100 * other.set_index("country_name_en")["persons"] / other["persons"].sum()
    cis = set(period.loc[period["group_code"] == "CIS", "country_name_en"])
    countries = [name for name in shares.index if not name.startswith("all others")]
    assert countries and not set(countries) & cis
    for name in countries:
        assert shares[name] == pytest.approx(expected[name])
    assert shares.sum() == pytest.approx(100.0)
