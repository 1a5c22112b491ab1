import numpy as np
import pandas as pd
import pytest

from claims.reported import parse_number, parse_year_set
from claims.rules import (
    NOT_COMPUTABLE,
    NOT_REPRODUCED,
    REPRODUCED,
    Computed,
    classify,
    classify_all,
)


def claim(reported: str, comparison: str, claim_id: str = "X01", precision: str = "") -> dict[str, str]:
    return {"claim_id": claim_id, "reported_value": reported, "comparison": comparison, "precision": precision}


def status(reported: str, comparison: str, computed: object, precision: str = "") -> str:
    return classify(claim(reported, comparison, precision=precision), computed).status


@pytest.mark.parametrize(
    ("reported", "inside", "outside"),
    [
        ("6.5", [6.45, 6.5, 6.549], [6.449, 6.55, 7.0]),
        ("194.6", [194.55, 194.649], [194.549, 194.65]),
        ("0.935", [0.9345, 0.9354], [0.9344, 0.9355]),
        ("888", [887.5, 888.0, 888.4], [887.4, 888.5]),
        ("5800", [5799.5, 5800.4], [5799.4, 5800.5]),  # no trailing-zero widening without a precision
        ("40", [39.5, 40.4], [39.4, 40.5]),
        ("+100", [99.5, 100.4], [99.4, 100.5]),
        ("2.0", [1.95, 2.04], [1.94, 2.05]),
    ],
)
def test_approx_without_precision_uses_half_unit_of_last_digit(reported, inside, outside):
    for value in inside:
        assert status(reported, "approx", value) == REPRODUCED, value
    for value in outside:
        assert status(reported, "approx", value) == NOT_REPRODUCED, value


@pytest.mark.parametrize(
    ("reported", "precision", "inside", "outside"),
    [
        ("9400", "100", [9350, 9449.9], [9349.9, 9450]),  # "9.4 thousand"
        ("40", "1", [39.5, 40.49], [39.49, 40.5]),  # "almost 40%": whole percent, not tens
        ("6.5", "0.1", [6.45, 6.549], [6.449, 6.55]),
        ("3", "1", [2.5, 3.49], [2.49, 3.5]),  # "nearly three times"
        ("5000", "1000", [4500, 5499], [4499, 5500]),  # "almost 5,000"
        ("90", "10", [85, 94.9], [84.9, 95]),
        ("0.5", "0.1", [0.45, 0.549], [0.449, 0.55]),
    ],
)
def test_approx_with_precision_is_within_half_the_unit(reported, precision, inside, outside):
    for value in inside:
        assert status(reported, "approx", value, precision) == REPRODUCED, value
    for value in outside:
        assert status(reported, "approx", value, precision) == NOT_REPRODUCED, value


def test_precision_per_element_and_its_errors():
    assert status("39 -> 61", "approx", [39.4, 61.4], "1 -> 1") == REPRODUCED
    assert status("9900; 46", "approx", [9860, 45.6], "100; 1") == REPRODUCED
    assert status("9900; 46", "approx", [9840, 45.6], "100; 1") == NOT_REPRODUCED
    with pytest.raises(ValueError, match=r"X01.*2 units for 3"):
        status("1 / 2 / 3", "approx", [1, 2, 3], "1 / 1")
    with pytest.raises(ValueError, match="not a positive number"):
        status("6.5", "approx", 6.5, "0")
    with pytest.raises(ValueError, match="no rounding unit"):
        status("true", "flag", True, "1")
    with pytest.raises(ValueError, match="needs a rounding unit"):
        status("true; 90", "flag; approx", [True, 90], "-; -")


def test_approx_explanation_names_interval():
    check = classify(claim("6.5", "approx"), 6.53)
    assert "6.53" in check.explanation and "[6.45, 6.55)" in check.explanation


def test_multi_valued_claims_are_compared_element_wise():
    assert status("39 -> 61", "approx", [39.2, 60.6]) == REPRODUCED
    assert status("39 -> 61", "approx", [39.2, 58.0]) == NOT_REPRODUCED
    assert status("964 / 831 / 472 / 290", "approx", (964, 831, 472, 290.2)) == REPRODUCED
    assert status("964 / 831 / 472 / 290", "approx", (964, 831, 472, 291)) == NOT_REPRODUCED
    assert status("356; 2.0; +100", "approx", np.array([356, 1.98, 97]), "1; 0.1; 10") == REPRODUCED
    assert status("356; 2.0; +100", "approx", [356, 2.2, 97], "1; 0.1; 10") == NOT_REPRODUCED
    assert status("53 / 7 / 17 / 12; 5 persons; 11", "approx", [53, 7, 17, 12, 5, 11]) == REPRODUCED
    # Wrong number of computed values cannot be compared.
    assert status("39 -> 61", "approx", [39.2]) == NOT_COMPUTABLE


def test_partially_computable_claims():
    assert status("39 -> 61", "approx", [39.0, None]) == NOT_COMPUTABLE
    # A failing element decides even when another one is missing.
    assert status("39 -> 61", "approx", [30.0, None]) == NOT_REPRODUCED


def test_labelled_values_check_label_and_number():
    assert status("China 9400", "approx", ("China", 9391), "100") == REPRODUCED
    assert status("China 9400", "approx", ("china", 9391), "100") == REPRODUCED
    assert status("China 9400", "approx", ("Turkey", 9391), "100") == NOT_REPRODUCED
    assert status("China 9400", "approx", ("China", 9900), "100") == NOT_REPRODUCED
    assert status("China 9400", "approx", 9391, "100") == NOT_COMPUTABLE


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


def test_range_bounds_are_closed_and_not_widened():
    assert status("400-900", "range", [420, 880, 612], "100-100") == REPRODUCED
    assert status("400-900", "range", [400, 900], "100-100") == REPRODUCED
    assert status("400-900", "range", [399, 600], "100-100") == NOT_REPRODUCED  # 399 would round to 400
    assert status("400-900", "range", [600, 901], "100-100") == NOT_REPRODUCED
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
    parsed = parse_number("China 9400", "100")
    assert (parsed.label, parsed.value, parsed.interval) == ("China", 9400.0, (9350.0, 9450.0))
    assert parse_number("China 9400").interval == (9399.5, 9400.5)
    assert parse_number("1.6", "0.1").interval == (1.55, 1.65)
    assert parse_number("5 persons").unit == "persons"


def test_mapping_element_must_hold_in_every_entry():
    """'24 people per year': a year → value mapping is checked year by year."""
    assert status("5; 24", "approx", [5, {2022: 24, 2023: 24}], "1; 1") == REPRODUCED
    check = classify(claim("5; 24", "approx", precision="1; 1"), [5, pd.Series({2022: 24.0, 2023: 30.0})])
    assert check.status == NOT_REPRODUCED and "2023: computed 30 outside" in check.explanation
    assert status("5; 24", "approx", [5, {2022: 24, 2023: None}], "1; 1") == NOT_COMPUTABLE


def test_flag_elements_beside_numbers():
    row = claim("true; 2006; 90", "flag; exact; approx", precision="-; 1; 10")
    assert classify(row, [True, 2006, 92]).status == REPRODUCED
    assert classify(row, [False, 2006, 92]).status == NOT_REPRODUCED
    assert classify(row, [True, 2007, 92]).status == NOT_REPRODUCED
    assert classify(row, [True, 2006, 96]).status == NOT_REPRODUCED
    with pytest.raises(TypeError, match="boolean"):
        classify(row, [1, 2006, 90])


def test_computed_note_reaches_the_explanation_only():
    check = classify(claim("positive", "sign"), Computed(12.5, "pre-trend test: not rejected"))
    assert check.status == REPRODUCED and check.computed_value == 12.5
    assert check.explanation.endswith("(pre-trend test: not rejected)")
    assert classify(claim("positive", "sign"), Computed(-1.0, "n")).status == NOT_REPRODUCED


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
