"""The estimators of the causal analysis and the correlations, each returning :class:`EstimateResult`.

* :mod:`~estimators.result` – the one result type (estimate, interval, p and its smallest attainable
  value, placebos or draws, method, design, excluded units; ``tidy()`` and ``summary()``).
* :mod:`~estimators.did` – two-way fixed-effects difference-in-differences, event study, pre-trend check.
* :mod:`~estimators.ols` – the one least-squares fit the regressions share.
* :mod:`~estimators.permutation` – placebo in space and in time, and the rank p-value.
* :mod:`~estimators.studentised` – the studentised placebo in space (the report's headline test).
* :mod:`~estimators.pre_trend` – the design-based pre-trend test.
* :mod:`~estimators.inference` – wild cluster bootstrap and conformal inference.
* :mod:`~estimators.inversion` – confidence sets by inverting a test.
* :mod:`~estimators.synthetic_control` / :mod:`~estimators.sdid` – synthetic control and
  synthetic difference-in-differences.
* :mod:`~estimators.sensitivity` – breakdowns of parallel trends (after Rambachan & Roth 2023).
* :mod:`~estimators.correlation` / :mod:`~estimators.paper_correlations` – correlations.
* :mod:`~estimators.monte_carlo` – size and power of the tests on simulated panels (bench/), through
  the fast copies of :mod:`~estimators.monte_carlo_fast` that a test proves equal to the estimators.

Nothing but ``os`` is imported here: the dbt build imports two of these modules (claim C64's pre-trend test) and
pays for what it loads. This package reads no warehouse, so the warehouse can import it without importing its
reader, :mod:`analysis`.
"""

import os

# The estimators run thousands of small least-squares problems; OpenBLAS's thread pool makes each one
# 10-30x slower than a single thread on this size (measured: 20 ms against 2 ms for 360 × 60).
# Only a default: takes effect when numpy has not been imported yet and the caller set nothing.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
