"""The estimators of the causal analysis and the correlations, each returning :class:`EstimateResult`.

* :mod:`~analysis.estimators.result` – the one result type (estimate, interval, p and its smallest attainable
  value, placebos or draws, method, design, excluded units; ``tidy()`` and ``summary()``).
* :mod:`~analysis.estimators.did` – two-way fixed-effects difference-in-differences, event study, pre-trend check.
* :mod:`~analysis.estimators.ols` – the one least-squares fit the regressions share.
* :mod:`~analysis.estimators.permutation` – placebo in space and in time, and the rank p-value.
* :mod:`~analysis.estimators.studentised` – the studentised placebo in space (the report's headline test).
* :mod:`~analysis.estimators.pre_trend` – the design-based pre-trend test.
* :mod:`~analysis.estimators.inference` – wild cluster bootstrap and conformal inference.
* :mod:`~analysis.estimators.inversion` – confidence sets by inverting a test.
* :mod:`~analysis.estimators.synthetic_control` / :mod:`~analysis.estimators.sdid` – synthetic control and
  synthetic difference-in-differences.
* :mod:`~analysis.estimators.sensitivity` – breakdowns of parallel trends (after Rambachan & Roth 2023).
* :mod:`~analysis.estimators.correlation` / :mod:`~analysis.estimators.paper_correlations` – correlations.
* :mod:`~analysis.estimators.monte_carlo` – size and power of the tests on simulated panels (bench/), through
  the fast copies of :mod:`~analysis.estimators.monte_carlo_fast` that a test proves equal to the estimators.

Nothing is imported here: the dbt build imports two of these modules and pays for what it loads.
"""
