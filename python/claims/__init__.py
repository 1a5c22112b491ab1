"""The paper's claims: reading reported values, the comparison rules, and the replication table.

Imported by the dbt Python models (``int_claim_checks``, ``int_claim_elements``) and by the analysis; it never
imports :mod:`analysis`, so the warehouse does not depend on its reader.

* :mod:`claims.reported` – read a reported value: elements, rounding units, per-element rules.
* :mod:`claims.rules` – compare a computed value with a reported one under the claim's rule.
* :mod:`claims.values` – the rows of ``int_claim_values`` as computed values.
* :mod:`claims.replication` – read the ``fct_claim_replication`` mart into the report's table.

The rules are documented once, in docs/replication.md.
"""
