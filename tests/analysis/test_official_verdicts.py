"""The claims judged on official figures alone (fct_claim_replication.official_*), recomputed here from the raw
files with the csv module: the Taldau seed, the published figures of data/reference/constraints.csv, the claims
and the hand-curated mapping. Never through the warehouse's SQL."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from ..conftest import REPO_ROOT, SHARED_DIR

CLAIMS = REPO_ROOT / "data" / "claims" / "paper_claims.csv"
MAPPING = REPO_ROOT / "data" / "claims" / "claim_official_evidence.csv"
CONSTRAINTS = REPO_ROOT / "data" / "reference" / "constraints.csv"
TALDAU = REPO_ROOT / "dbt_project" / "seeds" / "bns_national_external_flows.csv"
SHARED_PUBLISHED = SHARED_DIR / "published" / "published_figures.csv"
NOT_TOUCHED = "not touched by official figures"
VERDICTS = {"confirmed", "contradicted", "bounded-consistent", "bounded-inconsistent", NOT_TOUCHED}
# Rows of constraints.csv that are not official counts of a whole flow for judging claims.
NOT_OFFICIAL_USES = {"superseded", "out_of_scope", "context", "conflict"}


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _claim(claim_id: str) -> dict[str, str]:
    return next(row for row in _rows(CLAIMS) if row["claim_id"] == claim_id)


def _element(text: str, number: int) -> float:
    return float(re.split(r"->|/|;", text)[number - 1].strip())


def _national(direction: str) -> dict[int, int]:
    return {
        int(row["year"]): int(row["persons"])
        for row in _rows(TALDAU)
        if row["region_code"] == "00" and row["direction_code"] == direction and row["country_code"] == "_T"
    }


def _official_full_year(region: str, direction: str) -> dict[int, tuple[int, str]]:
    """year -> (persons, constraint id) of the exact all-ages full-year figures of ``region`` (official only)."""
    found = {}
    for row in _rows(CONSTRAINTS):
        subject = (row["region_code"], row["direction_code"], row["months"], row["population"])
        breakdown = (row["country_code"], row["education_code"], row["specialty_code"])
        official = row["source_id"] != "sagandykova_2025" and row["use"] not in NOT_OFFICIAL_USES
        if subject == (region, direction, "01-12", "all_ages") and breakdown == ("_T",) * 3 \
                and row["comparison"] == "exact" and official:
            found[int(row["year"])] = (int(float(row["value"])), row["constraint_id"])
    return found


@pytest.fixture(scope="module")
def mart(built_warehouse: Path) -> pd.DataFrame:
    with duckdb.connect(str(built_warehouse), read_only=True) as connection:
        return connection.execute("select * from fct_claim_replication").df().set_index("claim_id")


def test_every_claim_has_one_mapping_row_with_a_reason():
    claims = [row["claim_id"] for row in _rows(CLAIMS)]
    mapping = _rows(MAPPING)
    assert sorted(row["claim_id"] for row in mapping) == sorted(claims)
    assert all(row["reason"].strip() for row in mapping)


def test_every_claim_has_an_official_verdict_beside_the_reconstruction_status(mart: pd.DataFrame):
    claims = [row["claim_id"] for row in _rows(CLAIMS)]
    assert sorted(mart.index) == sorted(claims)
    assert set(mart["official_verdict"]) <= VERDICTS
    assert mart["status"].notna().all()
    untouched = mart[mart["official_verdict"] == NOT_TOUCHED]
    judged = mart[mart["official_verdict"] != NOT_TOUCHED]
    assert (untouched["official_reason"].str.len() > 0).all()
    assert (untouched["official_figures_used"] == "").all()
    assert (judged["official_figures_used"].str.len() > 0).all()
    assert (judged["official_arithmetic"].str.len() > 0).all()
    # Every claim the mapping sends to a test is decided or bounded by it: no test lost its figures.
    tested = {row["claim_id"] for row in _rows(MAPPING) if row["official_test"] != "not_touched"}
    assert set(judged.index) == tested


def test_c06_is_not_almatys_all_ages_share_of_national_arrivals_in_any_year(mart: pd.DataFrame):
    national = _national("arrival")
    almaty = _official_full_year("75", "arrival")
    assert almaty[2023][0] == 6409 and national[2023] == 25387
    claim = _claim("C06")
    reported, unit = _element(claim["reported_value"], 1), _element(claim["precision"], 1)
    low, high = reported - unit / 2, reported + unit / 2
    shares = {year: 100 * persons / national[year] for year, (persons, _) in almaty.items() if year in national}
    assert set(shares) >= {2023, 2024}
    assert not any(low <= share < high for share in shares.values())
    row = mart.loc["C06"]
    assert row["official_verdict"] == "contradicted"
    for year, share in shares.items():
        persons, constraint_id = almaty[year]
        assert f"{persons:,} / {national[year]:,} = {share:.1f}% in {year}" in row["official_arithmetic"]
        assert constraint_id in row["official_figures_used"]
        assert f"taldau_2929752:{year}" in row["official_figures_used"]


def test_c06_uses_the_almaty_figure_published_in_shared_when_present():
    if not SHARED_PUBLISHED.exists():
        pytest.skip(f"{SHARED_PUBLISHED} is absent")
    printed = [
        int(row["value"]) for row in _rows(SHARED_PUBLISHED)
        if row["geography"] == "Almaty city" and row["period"] == "2023" and "arrivals" in row["measure"]
    ]
    assert printed == [_official_full_year("75", "arrival")[2023][0]]


def _official_total(quantity: str) -> int:
    direction, region, year_text = quantity.split(":")
    year = int(year_text)
    published = _official_full_year(region, direction)
    if year in published:
        return published[year][0]
    assert direction == "departure", quantity
    return _official_full_year(region, "arrival")[year][0] - _official_full_year(region, "net")[year][0]


def test_counts_within_official_totals(mart: pd.DataFrame):
    rows = [row for row in _rows(MAPPING) if row["official_test"] == "at_most_official_total"]
    assert {row["claim_id"] for row in rows} >= {"C03", "C05"}
    for row in rows:
        claim = _claim(row["claim_id"])
        # exact and at_least counts: the smallest count the claim allows is the number itself.
        assert claim["comparison"] in ("exact", "at_least"), row["claim_id"]
        claimed = _element(claim["reported_value"], int(row["claim_element"]))
        total = _official_total(row["official_quantities"])
        expected = "bounded-consistent" if claimed <= total else "bounded-inconsistent"
        assert mart.loc[row["claim_id"], "official_verdict"] == expected, row["claim_id"]
        assert f"{total:,}" in mart.loc[row["claim_id"], "official_arithmetic"]
    # Almaty's 2023 departures are arrivals minus the derived external balance: 6,409 - 5,097.
    assert _official_total("departure:75:2023") == 1312
    assert "888 / 1,312 = 67.7%" in mart.loc["C03", "official_arithmetic"]


def test_c32_and_c33_cannot_both_hold_beside_the_published_arrivals(mart: pd.DataFrame):
    share = _element(_claim("C32")["reported_value"], 2)
    count = _element(_claim("C33")["reported_value"], 1)
    cap = (count + 0.5) / ((share - 0.5) / 100)  # the largest total the rounded count and share allow
    figures = {row["constraint_id"]: row for row in _rows(CONSTRAINTS)}
    part_year = figures["A2022Q3_ARR__T"]
    assert (part_year["months"], part_year["comparison"]) == ("01-09", "rounded_100_at_least")
    floor = int(figures["A2023_ARR_T"]["value"]) + int(part_year["value"]) - 50
    assert (round(cap), floor) == (7716, 8459)
    expected = "bounded-inconsistent" if floor > cap else "bounded-consistent"
    for claim_id in ("C32", "C33"):
        arithmetic = str(mart.loc[claim_id, "official_arithmetic"])
        assert mart.loc[claim_id, "official_verdict"] == expected
        assert f"= {round(cap):,} arrivals" in arithmetic
        assert f"= {floor:,} > {round(cap):,}" in arithmetic


def test_context_figures_never_decide_a_claim(mart: pd.DataFrame):
    untouched = [row for row in _rows(MAPPING) if row["official_test"] == "not_touched"]
    context_claims = [row["claim_id"] for row in untouched if row["official_quantities"]]
    assert "C01" in context_claims
    for claim_id in context_claims:
        assert mart.loc[claim_id, "official_verdict"] == NOT_TOUCHED
        assert str(mart.loc[claim_id, "official_arithmetic"]).startswith("context only, decides nothing")
    arrivals, departures = _official_total("arrival:75:2023"), _official_total("departure:75:2023")
    expected = f"arrivals / departures 2023 = {arrivals:,} / {departures:,} = {arrivals / departures:.2f}"
    assert expected in str(mart.loc["C01", "official_arithmetic"])
