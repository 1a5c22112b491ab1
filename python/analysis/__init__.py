"""Statistical analysis of the kz-migration marts.

One module per job:

* :mod:`analysis.estimators` – every estimator (DiD, placebo tests, synthetic control, synthetic DiD, conformal,
  wild bootstrap, sensitivity, correlations), each returning one result type with ``tidy()``.
* :mod:`analysis.claim_rules` – parse a reported claim value and compare a computed value with it (run by dbt).
* :mod:`analysis.marts` – read the marts from the published warehouse, read-only.
* :mod:`analysis.series` – named yearly series (``almaty.arrivals.RUS``) for correlations on demand.
* :mod:`analysis.causal` – the paper's DiD design and the all-regions designs run on the marts, and the report's
  causal tables.
* :mod:`analysis.replication` – read the ``fct_claim_replication`` mart (claims computed in SQL by dbt).
* :mod:`analysis.figures` – the paper's nine figures and the causal plots (matplotlib, Agg).
* :mod:`analysis.report` – the whole analysis into one self-contained ``report/index.html``.

CLI: ``python -m analysis report [--warehouse PATH] [--out report/]`` and
``python -m analysis correlate SERIES_A SERIES_B``.

Every function takes DataFrames (or plain sequences) and returns small result objects, so the
CLI / report layer only wires marts to functions.
"""

import os

# The estimators run thousands of small least-squares problems; OpenBLAS's thread pool makes each one
# 10-30x slower than a single thread on this size (measured: 20 ms against 2 ms for 360 × 60).
# Only a default: takes effect when numpy has not been imported yet and the caller set nothing.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
