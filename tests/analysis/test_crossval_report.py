"""The report's accuracy sentence and section come from the cross-validation marts, not from typed numbers."""

from __future__ import annotations

import pandas as pd

from analysis.report.crossval_section import accuracy_sentence, crossval_section_html


def _tables(regional_error: float) -> dict[str, pd.DataFrame]:
    summary = pd.DataFrame({
        "model_variant": ["bundled", "bundled", "bundled", "before_issue_21"],
        "figure_kind_code": ["regional_total", "part_year", "all", "regional_total"],
        "figure_count": [8, 177, 247, 8], "annual_figure_count": [8, 0, 70, 8],
        "median_abs_pct_error": [regional_error, None, 17.0, 47.2], "share_within_10_pct": [0.125, None, 0.4, 0.1],
        "share_within_rounding": [0.0, None, 0.1, 0.0], "bound_count": [0, 177, 177, 0],
        "share_bounds_respected": [None, 0.9096, 0.9096, None], "interval_coverage": [0.75, None, 0.81, None]})
    figures = pd.DataFrame({
        "model_variant": ["bundled"], "constraint_id": ["R59_2024_DEP_T"], "source_id": ["qazradio_2025"],
        "figure_kind_code": ["regional_total"], "region_code": ["59"], "year": [2024], "direction_code": ["departure"],
        "country_code": ["_T"], "published_value": [2133], "predicted_value": [1003], "is_bound": [False],
        "abs_pct_error": [52.98], "interval_low": [700], "interval_high": [2500]})
    return {"fct_reconstruction_crossval_by_kind": summary, "fct_reconstruction_crossval": figures}


def test_the_sentence_states_the_measured_numbers():
    sentence = accuracy_sentence(_tables(48.2))
    assert "modeled regional totals missed held-out official figures by a median of 48% (8 figures)" in sentence
    assert "respected 91% of 177 held-out part-year figures" in sentence
    assert "80% intervals held 81%" in sentence
    # Another measurement gives another sentence: nothing is typed.
    assert "by a median of 33%" in accuracy_sentence(_tables(33.4))


def test_no_crossval_no_sentence_and_no_section():
    assert accuracy_sentence({}) is None
    assert crossval_section_html({}, lambda frame, **_: "") == ""


def test_the_section_shows_before_and_after_and_the_worst_figure():
    rendered = []
    html = crossval_section_html(_tables(48.2), lambda frame, **_: rendered.append(frame) or "<table/>")
    assert "id='crossval'" in html
    by_kind = rendered[0].set_index("kind of figure")
    assert by_kind.loc["regional totals", "median abs. error"] == "48.2%"
    assert by_kind.loc["regional totals", "before the fix"] == "47.2%"
    assert rendered[1]["modeled, held out"].tolist() == [1003]
