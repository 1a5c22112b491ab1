"""Each claim's computed value compared with the paper's, under the claim's rule and precision.

The values are SQL (int_claim_values, from the topic models int_claim_values__*); the comparison rules are
applied here, once, by claims.rules (approx, at_least, exact, range, set, flag, sign, per element).
"""

from claims.rules import classify_all
from claims.values import values_from_rows


def model(dbt, session):
    dbt.config(materialized="table")
    claims = dbt.ref("paper_claims").df()
    claims = claims.astype(object).where(claims.notna(), None)
    checks = classify_all(claims, values_from_rows(dbt.ref("int_claim_values").df()))
    return checks[["claim_id", "computed_value", "status", "explanation"]].astype("string")
