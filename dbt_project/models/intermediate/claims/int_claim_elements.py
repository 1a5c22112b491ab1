"""Each numeric element of each claim with the interval its rule allows, for the official-evidence verdicts.

The reading of a reported value (elements, rounding units, per-element rules) is claims.reported', applied
here once more so that the SQL judging claims on official figures (int_claim_official_verdicts) uses the same
intervals as the replication: approx [lower, upper), exact [value, value], at_least [value, no upper end].
"""

from claims.reported import NUMERIC_RULES, element_precisions, element_rules, parse_number, split_elements


def model(dbt, session):
    dbt.config(materialized="table")
    import pandas as pd

    claims = dbt.ref("paper_claims").df()
    claims = claims.astype(object).where(claims.notna(), None)
    rows = []
    for claim in claims.itertuples(index=False):
        if not any(part.strip() in NUMERIC_RULES for part in str(claim.comparison).split(";")):
            continue  # set, range, flag and sign claims have no numeric element
        parts = split_elements(claim.reported_value)
        rules = element_rules(claim.comparison, len(parts))
        units = element_precisions(claim.precision, len(parts))
        for number, (text, rule, unit) in enumerate(zip(parts, rules, units, strict=True), start=1):
            if rule not in NUMERIC_RULES:
                continue
            reported = parse_number(text, unit)
            rows.append(
                {
                    "claim_id": claim.claim_id,
                    "element_number": number,
                    "element_text": reported.text,
                    "element_rule": rule,
                    "reported_number": reported.value,
                    "lowest_allowed": reported.lower if rule == "approx" else reported.value,
                    "highest_allowed": {"approx": reported.upper, "exact": reported.value}.get(rule),
                }
            )
    columns = ["claim_id", "element_number", "element_text", "element_rule", "reported_number", "lowest_allowed",
               "highest_allowed"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype({"element_number": "int32", "reported_number": "float64", "lowest_allowed": "float64",
                         "highest_allowed": "float64"})
