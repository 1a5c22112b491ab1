"""The bundled claims table is well formed and every reported value parses under its rule."""

from pathlib import Path

import pandas as pd
import pytest

from claims.reported import (
    RULES,
    element_rules,
    parse_number,
    parse_range,
    parse_year_set,
    split_elements,
    validate_precision,
)

CLAIMS = Path(__file__).resolve().parents[2] / "data" / "claims" / "paper_claims.csv"


@pytest.fixture(scope="module")
def claims() -> pd.DataFrame:
    return pd.read_csv(CLAIMS, dtype=str, keep_default_na=False)


def test_every_claim_present_once(claims):
    assert list(claims["claim_id"]) == [f"C{i:02d}" for i in range(1, 65)]


def test_rules_and_reported_values_parse(claims):
    for row in claims.itertuples():
        assert row.comparison in RULES or ";" in row.comparison, row.claim_id
        validate_precision(row.comparison, row.reported_value, row.precision)
        if row.comparison in ("approx", "at_least", "exact") or ";" in row.comparison:
            elements = split_elements(row.reported_value)
            rules = element_rules(row.comparison, len(elements))
            for element, rule in zip(elements, rules, strict=True):
                assert element in ("true", "false") if rule == "flag" else parse_number(element), row.claim_id
        elif row.comparison == "range":
            parse_range(row.reported_value)
        elif row.comparison == "set":
            assert parse_year_set(row.reported_value), row.claim_id
        elif row.comparison == "flag":
            assert row.reported_value in ("true", "false"), row.claim_id
        else:
            assert row.reported_value in ("positive", "negative"), row.claim_id


def test_every_reported_number_has_its_rounding_unit(claims):
    """A number claim states its precision; flags, sets and signs have none (validate_precision checks the fit)."""
    for row in claims.itertuples():
        has_numbers = row.comparison not in ("set", "flag", "sign")
        assert bool(row.precision) == has_numbers, row.claim_id


def test_contradictions_are_symmetric_and_explained(claims):
    links = {row.claim_id: set(filter(None, row.contradicts.split(";"))) for row in claims.itertuples()}
    for claim_id, others in links.items():
        for other in others:
            assert other in links, (claim_id, other)
            assert claim_id in links[other], (claim_id, other)
    notes = dict(zip(claims["claim_id"], claims["note"], strict=True))
    assert all(notes[c] for c, others in links.items() if others)
    assert {"C60", "C63"} <= {c for c, others in links.items() if others}
    # The conflicts of the reference data (data/reference/CONFLICTS.md) are recorded as contradictions.
    assert links["C28"] == {"C08", "C12", "C30", "C32"}
    assert links["C30"] == {"C19", "C28", "C31", "C40", "C42"}


def test_every_row_cites_the_paper(claims):
    assert (claims["source"] == "10.51176/1997-9967-2025-3-106-122").all()
    assert (claims["provenance"] == "published:sagandykova_2025").all()
