"""The report: the whole analysis as one self-contained ``report/index.html`` (``python -m analysis report``).

* :mod:`analysis.report.content` – :func:`~analysis.report.content.analyse`: every result the page shows,
  computed from the marts, in one :class:`~analysis.report.content.ReportContent`.
* :mod:`analysis.report.page` – the page's header and :func:`~analysis.report.page.write_report` (index.html,
  replication.csv, contradictions.csv, figures/*.png, each renamed into place only once complete).
* :mod:`analysis.report.sections` – the sections in page order (``REPORT_SECTIONS``) and the short ones;
  :mod:`~analysis.report.answers`, :mod:`~analysis.report.causal_section`,
  :mod:`~analysis.report.replication_section`, :mod:`~analysis.report.partner_mirror` and
  :mod:`~analysis.report.crossval_section` render one section each.
* :mod:`analysis.report.layout` – sections, the navigation bar, folding, style; :mod:`analysis.report.cells`
  – how a number, a year, a p-value, a table or a figure is written in HTML.
* :mod:`analysis.report.paper_figures` and :mod:`analysis.report.causal_figures` – the paper's nine figures and
  the causal plots (matplotlib, Agg), on what :mod:`analysis.report.figures` gives both.
"""
