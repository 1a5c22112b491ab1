"""Statistical analysis of the kz-migration marts: read the published warehouse, estimate, write the report.

A newcomer's map (each function takes a connection or DataFrames and returns a small result object):

* :mod:`analysis.marts` – read the marts from the published warehouse, read-only.
* :mod:`analysis.design` – the study's design (treated region, controls, crisis and reference years,
  periods) as the warehouse publishes it; nothing here restates it.
* :mod:`analysis.series` – named yearly series (``almaty.arrivals.RUS``) for correlations on demand.
* :mod:`estimators` (``python/estimators``, beside this package: the dbt build imports it too, never ``analysis``)
  – one module per estimator, all returning the shared result type: DiD, placebo
  (permutation) inference, synthetic control, synthetic DiD, conformal and wild-bootstrap inference,
  sensitivity, correlations (the paper's pairs and any named pair), the Monte Carlo of their size.
* :mod:`analysis.causal` – the study's designs (the paper's and all regions) run through the estimators, and
  the headline and appendix tables built from their rows.
* :mod:`analysis.report` – the whole analysis as one self-contained ``report/index.html`` (its own map in
  ``analysis/report/__init__.py``).
* :mod:`analysis.__main__` – the thin CLI.

The claims' comparison rules and the replication table are the package ``claims`` (``python/claims``), which
the dbt Python models import too; the ensemble runner is ``reference_data.run_ensemble``.

CLI: ``python -m analysis report [--warehouse PATH] [--out report/]``, ``python -m analysis causal`` and
``python -m analysis correlate SERIES_A SERIES_B``.
"""

# Before anything loads numpy: the estimators' single-threaded BLAS default (estimators/__init__.py).
import estimators as _estimators  # noqa: F401
