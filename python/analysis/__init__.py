"""Statistical analysis of the kz-migration marts: read the published warehouse, estimate, write the report.

A newcomer's map (each function takes a connection or DataFrames and returns a small result object):

* :mod:`analysis.marts` – read the marts from the published warehouse, read-only.
* :mod:`analysis.design` – the study's design (treated region, controls, crisis and reference years,
  periods) as the warehouse publishes it; nothing here restates it.
* :mod:`analysis.series` – named yearly series (``almaty.arrivals.RUS``) for correlations on demand.
* :mod:`analysis.estimators` – one module per estimator, all returning the shared result type: DiD, placebo
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

import os

# The estimators run thousands of small least-squares problems; OpenBLAS's thread pool makes each one
# 10-30x slower than a single thread on this size (measured: 20 ms against 2 ms for 360 × 60).
# Only a default: takes effect when numpy has not been imported yet and the caller set nothing.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
