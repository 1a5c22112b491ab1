"""Statistical analysis of the kz-migration marts.

One module per job:

* :mod:`analysis.correlation` – Pearson (Fisher-z CI) and Spearman correlation of two series.
* :mod:`analysis.did` – two-way fixed-effects difference-in-differences, event study, pre-trend check.
* :mod:`analysis.permutation` – placebo-in-space and placebo-in-time inference for the DiD.
* :mod:`analysis.synthetic_control` – synthetic control (scipy SLSQP) with permutation inference.
* :mod:`analysis.marts` – read the marts from the published warehouse, read-only.
* :mod:`analysis.design` – the study's design as the warehouse publishes it (``dim_study_design``).
* :mod:`analysis.series` – named yearly series (``almaty.arrivals.RUS``) for correlations on demand.
* :mod:`analysis.paper_correlations` – the paper's correlation pairs and any named pair.
* :mod:`analysis.causal` – the paper's DiD design and the all-regions design with permutation inference.
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
