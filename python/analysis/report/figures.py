"""What every figure of the report shares: the rendered result, the error for missing data, the axes' style.

The figures themselves are in :mod:`analysis.report.paper_figures` (the paper's nine, from the marts) and
:mod:`analysis.report.causal_figures` (event study, placebos, synthetic control, from the causal results).
Matplotlib runs on the Agg backend (no display needed).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

ARRIVAL_COLOUR, DEPARTURE_COLOUR, NET_COLOUR = "#1f77b4", "#d62728", "#2ca02c"
FIGSIZE = (8.0, 4.2)


class MissingFigureData(LookupError):
    """The marts lack the rows or columns a figure needs."""


@dataclass(frozen=True)
class RenderedFigure:
    name: str
    title: str
    png: bytes | None
    problem: str | None = None
    # The marts the figure was drawn from (the report links their exported files under it).
    sources: tuple[str, ...] = ()


def new_axes(title: str, ylabel: str, xlabel: str = "Year") -> tuple[Figure, plt.Axes]:
    figure, axes = plt.subplots(figsize=FIGSIZE, layout="constrained")
    axes.set_title(title)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.grid(True, alpha=0.3)
    return figure, axes


def mark_crisis(axes: plt.Axes, first_year: int, last_year: int) -> None:
    """Shade the crisis year (the design's crisis_start_year) and every year after it to the last one shown."""
    axes.axvspan(
        first_year - 0.5, last_year + 0.5, color="grey", alpha=0.12, label=f"crisis and after, {first_year}–{last_year}"
    )


def to_png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    plt.close(figure)
    return buffer.getvalue()


def render_figure(name: str, title: str, draw: Callable[[], Figure]) -> RenderedFigure:
    try:
        return RenderedFigure(name, title, to_png(draw()))
    except MissingFigureData as error:
        return RenderedFigure(name, title, None, str(error))
