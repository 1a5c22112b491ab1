"""Statistical analysis of the kz-migration marts.

One module per job:

* :mod:`analysis.correlation` – Pearson (Fisher-z CI) and Spearman correlation of two series.
* :mod:`analysis.did` – two-way fixed-effects difference-in-differences, event study, pre-trend check.
* :mod:`analysis.permutation` – placebo-in-space and placebo-in-time inference for the DiD.
* :mod:`analysis.synthetic_control` – synthetic control (scipy SLSQP) with permutation inference.
* :mod:`analysis.claim_rules` – parse a reported claim value and compare a computed value with it.
* :mod:`analysis.claim_values` – compute each paper claim from the mart tables.

Every function takes DataFrames (or plain sequences) and returns small result objects, so the
CLI / report layer only wires marts to functions.
"""
