import numpy as np
import pandas as pd
import pytest

from analysis.claim_rules import (
    NOT_COMPUTABLE,
    NOT_REPRODUCED,
    REPRODUCED,
    classify,
    classify_all,
    parse_number,
    parse_year_set,
)


def claim(reported: str, comparison: str, claim_id: str = "X01") -> dict[str, str]:
    return {"claim_id": claim_id, "reported_value": reported, "comparison": comparison}


def status(reported: str, comparison: str, computed: object) -> str:
    return classify(claim(reported, comparison), computed).status


@pytest.mark.parametrize(
    ("reported", "inside", "outside"),
    [
        ("6.5", [6.45, 6.5, 6.549], [6.449, 6.55, 7.0]),
        ("194.6", [194.55, 194.649], [194.549, 194.65]),
        ("0.935", [0.9345, 0.9354], [0.9344, 0.9355]),
        ("888", [887.5, 888.0, 888.4], [887.4, 888.5]),
        ("5800", [5750, 5849], [5749, 5850]),  # rounded to hundreds
        ("40", [35, 44.9], [34.9, 45]),  # rounded to tens
        ("+100", [50, 149], [49, 150]),
        ("2.0", [1.95, 2.04], [1.94, 2.05]),
    ],
)
def test_approx_uses_half_unit_of_last_reported_digit(reported, inside, outside):
    for value in inside:
        assert status(reported, "approx", value) == REPRODUCED, value
    for value in outside:
        assert status(reported, "approx", value) == NOT_REPRODUCED, value


def test_approx_explanation_names_interval():
    check = classify(claim("6.5", "approx"), 6.53)
    assert "6.53" in check.explanation and "[6.45, 6.55)" in check.explanation


def test_multi_valued_claims_are_compared_element_wise():
    assert status("39 -> 61", "approx", [39.2, 60.6]) == REPRODUCED
    assert status("39 -> 61", "approx", [39.2, 58.0]) == NOT_REPRODUCED
    assert status("964 / 831 / 472 / 290", "approx", (964, 831, 472, 291)) == REPRODUCED
    assert status("964 / 831 / 472 / 290", "approx", (964, 831, 470, 291)) == NOT_REPRODUCED
    assert status("356; 2.0; +100", "approx", np.array([356, 1.98, 97])) == REPRODUCED
    assert status("356; 2.0; +100", "approx", [356, 2.2, 97]) == NOT_REPRODUCED
    assert status("53 / 7 / 17 / 12; 5 persons; 11", "approx", [53, 7, 17, 12, 5, 11]) == REPRODUCED
    # Wrong number of computed values cannot be compared.
    assert status("39 -> 61", "approx", [39.2]) == NOT_COMPUTABLE


def test_partially_computable_claims():
    assert status("39 -> 61", "approx", [39.0, None]) == NOT_COMPUTABLE
    # A failing element decides even when another one is missing.
    assert status("39 -> 61", "approx", [30.0, None]) == NOT_REPRODUCED


def test_labelled_values_check_label_and_number():
    assert status("China 9400", "approx", ("China", 9391)) == REPRODUCED
    assert status("China 9400", "approx", ("china", 9391)) == REPRODUCED
    assert status("China 9400", "approx", ("Turkey", 9391)) == NOT_REPRODUCED
    assert status("China 9400", "approx", ("China", 9900)) == NOT_REPRODUCED
    assert status("China 9400", "approx", 9391) == NOT_COMPUTABLE


def test_at_least():
    assert status("5800", "at_least", 5801) == REPRODUCED
    assert status("5800", "at_least", 5800) == REPRODUCED
    assert status("5800", "at_least", 5799) == NOT_REPRODUCED
    assert status("8", "at_least", 7.9) == NOT_REPRODUCED


def test_exact():
    assert status("888", "exact", 888) == REPRODUCED
    assert status("888", "exact", 888.0) == REPRODUCED
    assert status("888", "exact", 887) == NOT_REPRODUCED
    assert status("1283; 558", "exact", [1283, 558]) == REPRODUCED
    assert status("1283; 558", "exact", [1283, 559]) == NOT_REPRODUCED


def test_range_with_rounding_of_bounds():
    assert status("400-900", "range", [420, 880, 612]) == REPRODUCED
    assert status("400-900", "range", [350, 949]) == REPRODUCED  # 350 rounds to 400, 949 to 900
    assert status("400-900", "range", [349, 600]) == NOT_REPRODUCED
    check = classify(claim("400-900", "range"), pd.Series({2014: 500.0, 2015: 1200.0, 2016: 700.0}))
    assert check.status == NOT_REPRODUCED and "2015: 1200" in check.explanation
    assert status("400-900", "range", 650) == REPRODUCED


def test_set_of_years():
    assert parse_year_set("2000-2002; 2014-2016") == {2000, 2001, 2002, 2014, 2015, 2016}
    assert status("2000-2002; 2014-2021", "set", list(range(2000, 2003)) + list(range(2014, 2022))) == REPRODUCED
    check = classify(
        claim("2000-2002; 2014-2021", "set"), [2000, 2001, 2014, 2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022]
    )
    assert check.status == NOT_REPRODUCED
    assert "[2002]" in check.explanation and "[2022]" in check.explanation


def test_flag():
    assert status("true", "flag", True) == REPRODUCED
    assert status("true", "flag", np.bool_(False)) == NOT_REPRODUCED
    assert status("false", "flag", False) == REPRODUCED
    with pytest.raises(TypeError, match="X01"):
        status("true", "flag", 1.0)


def test_sign():
    assert status("positive", "sign", 1234.5) == REPRODUCED
    assert status("positive", "sign", -3.0) == NOT_REPRODUCED
    assert status("negative", "sign", -3.0) == REPRODUCED
    assert status("positive", "sign", 0.0) == NOT_REPRODUCED


def test_not_computable_when_value_missing():
    for rule, reported in [("approx", "6.5"), ("set", "2000-2002"), ("flag", "true"), ("sign", "positive")]:
        assert status(reported, rule, None) == NOT_COMPUTABLE
    assert status("6.5", "approx", float("nan")) == NOT_COMPUTABLE


def test_bad_rule_or_value_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown comparison rule"):
        status("6.5", "roughly", 6.5)
    with pytest.raises(ValueError, match=r"X01.*cannot read a number"):
        status("about six", "approx", 6.0)


def test_parse_number_label_and_unit():
    parsed = parse_number("China 9400")
    assert (parsed.label, parsed.value, parsed.interval) == ("China", 9400.0, (9350.0, 9450.0))
    assert parse_number("5 persons").unit == "persons"


def test_classify_all_covers_every_claim():
    claims = pd.DataFrame(
        [claim("6.5", "approx", "C01"), claim("888", "exact", "C03"), claim("true", "flag", "C10")]
    ).assign(contradicts=["", "C01", ""])
    table = classify_all(claims, {"C01": 6.53, "C03": 900})
    assert list(table["status"]) == [REPRODUCED, NOT_REPRODUCED, NOT_COMPUTABLE]
    assert list(table["computed_value"]) == ["6.53", "900", ""]
    assert list(table["contradicts"]) == ["", "C01", ""]


def test_per_number_rules_apply_each_rule_to_its_number():
    row = {"claim_id": "X", "reported_value": "750; 4.6", "comparison": "at_least; approx"}
    assert classify(row, (755, 4.61)).status == REPRODUCED
    assert classify(row, (749, 4.61)).status == NOT_REPRODUCED  # below "more than 750"
    assert classify(row, (900, 4.7)).status == NOT_REPRODUCED  # 4.7 does not round to 4.6
    with pytest.raises(ValueError):
        classify({"claim_id": "Y", "reported_value": "1; 2; 3", "comparison": "at_least; approx"}, (1, 2, 3))
