"""Cells, tables and figures as HTML: how a number, a year or a p-value is written on the page."""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Iterable

import pandas as pd

from analysis.causal.formatting import format_p_value
from analysis.report.figures import RenderedFigure
from analysis.report.layout import human_header


def format_number(value: object, digits: int = 3) -> str:
    # pd.NA is how a nullable integer column (a BIGINT count with empty rows) holds an empty cell.
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, tuple):
        return "[" + ", ".join(format_number(v, digits) for v in value) + "]"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return ""
        # Whole within 1e-9, not bit for bit: a least-squares estimate of exactly 4,838 comes out as
        # 4838.000000000001 under some CPUs' BLAS kernels, and the page must not change with the CPU.
        if isinstance(value, float) and abs(value - round(value)) > 1e-9 * max(1.0, abs(value)):
            return f"{value:,.{digits}f}" if abs(value) < 1000 else f"{value:,.1f}"
        return f"{round(value):,}"
    return str(value)


def is_p_value_column(column: object) -> bool:
    """Columns holding p-values: ``p``, ``p_value``, ``*_p``, ``*_p_value`` (e.g. pearson_p, synthetic_min_p)."""
    name = str(column)
    return name in ("p", "p_value") or name.endswith(("_p", "_p_value"))


def format_cell(column: object, value: object) -> str:
    """A year is shown as 2023, not 2,023; a p-value below 0.001 as ``< 0.001``, never ``0.000``."""
    is_year = str(column) == "year" or str(column).endswith((" year", "_year"))
    if is_year and isinstance(value, (int, float)) and not pd.isna(value):
        return str(int(value))
    if is_p_value_column(column) and isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_p_value(float(value))
    return format_number(value)


def html_table(
    frame: pd.DataFrame, text_columns: Iterable[str] = (), row_class: str | None = None, css_class: str | None = None
) -> str:
    """An HTML table with every cell escaped; ``row_class`` names a column whose value styles the row."""
    if frame is None or frame.empty:
        return '<p class="note">No rows.</p>'
    text = set(text_columns)
    shown = [c for c in frame.columns if c != "_class"]
    head = "".join(f'<th class="{"text" if c in text else ""}">{html.escape(human_header(c))}</th>' for c in shown)
    body = []
    for _, row in frame.iterrows():
        css = f' class="{html.escape(str(row[row_class]))}"' if row_class else ""
        cells = "".join(
            f'<td class="{"text" if c in text else ""}">{html.escape(format_cell(c, row[c]))}</td>' for c in shown
        )
        body.append(f"<tr{css}>{cells}</tr>")
    opening = f'<table class="{html.escape(css_class)}">' if css_class else "<table>"
    table = f"{opening}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    # A table wider than the page scrolls inside its own box instead of widening the whole page.
    return table if css_class == "headline" else f'<div class="scroll">{table}</div>'


def figure_html(rendered: RenderedFigure) -> str:
    if rendered.png is None:
        return (
            f'<p class="missing">{html.escape(rendered.title)}: not drawn — {html.escape(rendered.problem or "")}</p>'
        )
    encoded = base64.b64encode(rendered.png).decode("ascii")
    return (
        f'<figure id="{html.escape(rendered.name)}"><img alt="{html.escape(rendered.title)}" '
        f'src="data:image/png;base64,{encoded}"><figcaption>{html.escape(rendered.title)}</figcaption></figure>'
    )
