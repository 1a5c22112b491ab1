"""The causal analysis of the 2022 shock on Almaty's net working-age migration.

* :mod:`.run` – the designs (paper, all regions, no Russia border) run on the panel marts: every estimator for
  each design and outcome, collected in a :class:`~analysis.causal.results.DesignResult`.
* :mod:`.results` – :class:`DesignResult`: the estimates by method (each an
  :class:`~estimators.result.EstimateResult`, ``tidy()`` rows) and the tables that are not one estimate.
* :mod:`.later` – each year after the crisis window on its own, and whether the effect changed.
* :mod:`.formatting`, :mod:`.verdicts` – numbers, p-values and test verdicts as the report writes them.
* :mod:`.headline`, :mod:`.details`, :mod:`.appendix`, :mod:`.method_note` – the report's causal sections, each
  table built from the estimates' tidy rows; :mod:`.ensemble_spread` – the same estimates across the
  reconstruction ensemble.
"""
