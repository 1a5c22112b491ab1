"""Deterministic generator of the bundled reference tables (a calibrated reconstruction).

The tables in ``data/reference/tables`` are rebuilt from three kinds of input only:
the dimension seeds and the national Taldau series (``dbt_project/seeds``), the published
figures with their sources (``data/reference/constraints.csv``) and modelling priors
(``data/reference/priors/*.csv``). ``python -m reference_data`` regenerates every table.
"""
