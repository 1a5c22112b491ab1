"""The causal plots: the event study with its design-based band, the placebos in space, the synthetic controls.

Each ``figure_*`` function takes one :class:`~analysis.causal.DesignResult` and returns a matplotlib Figure,
or raises :class:`~analysis.report.figures.MissingFigureData`; :func:`render_causal_figures` turns them into PNG bytes.
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.causal.formatting import format_p_value
from analysis.causal.labels import DesignNames
from analysis.causal.results import DesignResult
from analysis.report.figures import (
    ARRIVAL_COLOUR,
    DEPARTURE_COLOUR,
    NET_COLOUR,
    MissingFigureData,
    RenderedFigure,
    mark_crisis,
    new_axes,
    render_figure,
)

# Fewer placebos than this cannot estimate a spread: the event study is then drawn without a band (the paper
# design's two controls give two placebo coefficients a year).
MIN_BAND_PLACEBOS = 10


def event_study_band(result: DesignResult, z: float = 1.96) -> pd.DataFrame:
    """Design-based 95% band per event-study year, on Almaty's own noise scale: ± z × Almaty's pre-period noise
    × the root mean square of the placebo units' coefficients for that year, each over its own pre-period noise
    (the studentised placebo of the headline; the controls' raw spread understates a noisier Almaty's).
    ``low``/``high`` are NaN when there are fewer than :data:`MIN_BAND_PLACEBOS` placebos.
    """
    if result.event_study is None or result.placebo_events is None:
        raise MissingFigureData(f"no event study with placebos for {result.design} / {result.outcome}")
    coefficients = result.event_study.coefficients.set_index("year")
    reference = result.event_study.reference_year
    test = result.studentised
    noise = (
        test.placebos["noise_sd"].reindex(result.placebo_events.index.astype(str)).to_numpy(dtype=float)
        if test is not None
        else np.full(len(result.placebo_events), np.nan)
    )
    rows = []
    year: Any
    for year, row in coefficients.iterrows():
        placebo = result.placebo_events[year].to_numpy(dtype=float) if year in result.placebo_events else np.array([])
        scaled = placebo / noise if placebo.size else placebo
        scaled = scaled[np.isfinite(scaled)]
        half = math.nan
        if test is not None and scaled.size >= MIN_BAND_PLACEBOS:
            half = z * test.treated_sd * float(np.sqrt(np.mean(scaled**2))) if int(year) != reference else 0.0
        rows.append(
            {
                "year": int(year),
                "estimate": float(row["estimate"]),
                "low": row["estimate"] - half,
                "high": row["estimate"] + half,
            }
        )
    return pd.DataFrame(rows)


def figure_event_study(result: DesignResult) -> Figure:
    """Event-study coefficients (treated − control, relative to 2021) with the design-based band and the
    placebo units' coefficients."""
    if result.event_study is None:
        raise MissingFigureData(f"no event study for {result.design} / {result.outcome}")
    band = event_study_band(result)
    figure, axes = new_axes(
        f"Event study: {result.treated_name} vs {DesignNames.of(result).versus}",
        f"Effect on net working-age migration ({result.unit})",
    )
    if result.placebo_events is not None:
        for k, (_, placebo) in enumerate(result.placebo_events.iterrows()):
            axes.plot(
                placebo.index,
                placebo.to_numpy(dtype=float),
                color="#bbbbbb",
                linewidth=0.8,
                label="placebo units (each control treated)" if k == 0 else None,
            )
    if band["low"].notna().any():
        axes.fill_between(
            band["year"],
            band["low"],
            band["high"],
            color=NET_COLOUR,
            alpha=0.2,
            label="design-based 95% band (studentised placebo spread)",
        )
    axes.plot(band["year"], band["estimate"], marker="o", color=NET_COLOUR, label=f"{result.treated_name} coefficient")
    axes.axhline(0, color="black", linewidth=0.8)
    axes.axvline(
        result.event_study.reference_year,
        color="grey",
        linestyle=":",
        label=f"reference year {result.event_study.reference_year}",
    )
    mark_crisis(axes, result.post_years[0], int(band["year"].max()))
    axes.legend(fontsize="small")
    return figure


def figure_synthetic_control(result: DesignResult, demeaned: bool = False) -> Figure:
    """Almaty against its synthetic control (top) and its gap against every placebo's gap (bottom)."""
    synthetic = result.synthetic_demeaned if demeaned else result.synthetic
    if synthetic is None:
        raise MissingFigureData(f"no synthetic control for {result.design} / {result.outcome}")
    gap = synthetic.fit.gap
    last = int(gap["year"].max())
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(8.0, 6.5), sharex=True, layout="constrained")
    kind = "demeaned synthetic control" if demeaned else "synthetic control"
    top.set_title(f"{result.treated_name} and its {kind} ({result.unit})")
    top.plot(gap["year"], gap["treated"], marker="o", color="black", label=result.treated_name)
    top.plot(
        gap["year"], gap["synthetic"], linestyle="--", color=ARRIVAL_COLOUR, label=f"synthetic {result.treated_name}"
    )
    top.set_ylabel(f"Net migration\n({result.unit})")
    top.grid(True, alpha=0.3)
    mark_crisis(top, result.post_years[0], last)
    top.legend(fontsize="small")
    if synthetic.placebo_gaps is not None:
        for k, code in enumerate(synthetic.placebo_gaps.columns):
            bottom.plot(
                synthetic.placebo_gaps.index,
                synthetic.placebo_gaps[code],
                color="#bbbbbb",
                linewidth=0.8,
                label="placebo gaps (each donor as if treated)" if k == 0 else None,
            )
    bottom.plot(
        gap["year"],
        gap["gap"],
        color=DEPARTURE_COLOUR,
        linewidth=2,
        marker="o",
        label=f"{result.treated_name} − synthetic",
    )
    bottom.axhline(0, color="black", linewidth=0.8)
    mark_crisis(bottom, result.post_years[0], last)
    bottom.set_ylabel(f"Gap\n({result.unit})")
    bottom.set_xlabel("Year")
    bottom.set_title(
        f"post/pre RMSPE ratio {synthetic.fit.rmspe_ratio:.2f}, permutation p = {format_p_value(synthetic.p_value)} "
        f"(smallest attainable {format_p_value(synthetic.min_attainable_p)})",
        fontsize="medium",
    )
    bottom.grid(True, alpha=0.3)
    bottom.legend(fontsize="small")
    return figure


def figure_placebo_space(result: DesignResult) -> Figure:
    """Placebo-in-space DiD estimates, labelled by region name, with Almaty's estimate marked."""
    placebo = result.placebo_space
    if placebo is None:
        raise MissingFigureData(f"no placebo-in-space for {result.design} / {result.outcome}")
    figure, axes = plt.subplots(figsize=(8.0, 5.5), layout="constrained")
    axes.set_title(f"Placebo in space: DiD with each control treated ({result.unit})")
    axes.set_xlabel(f"DiD estimate ({result.unit})")
    axes.grid(True, axis="x", alpha=0.3)
    # Undefined placebo estimates are left out of the p-value; the report lists them.
    ordered = placebo.placebo_estimates.dropna(subset=["estimate"]).sort_values("estimate", kind="stable")
    labels = [result.name(code) for code in ordered["region_code"]]
    axes.barh(labels, ordered["estimate"], color="#7f7f7f", label="placebo (control treated)")
    # The treated unit by its full name, as the placebo bars are named (the one region that is no placebo).
    placebos = set(placebo.placebo_estimates["region_code"].astype(str))
    treated = next((result.name(code) for code in result.regions if code not in placebos), result.treated_name)
    axes.barh([f"{treated} (treated)"], [placebo.estimate], color=DEPARTURE_COLOUR, label=result.treated_name)
    axes.axvline(0, color="black", linewidth=0.8)
    axes.legend(fontsize="small")
    return figure


def render_causal_figures(results: list[DesignResult]) -> list[RenderedFigure]:
    """Event study for each design and outcome; placebo and synthetic-control plots for all regions."""
    rendered = []
    for result in (r for r in results if r.design in ("paper", "all_regions")):
        suffix = f"{result.design}_{'per_1000' if 'per_1000' in result.outcome else 'persons'}"
        label = f"{result.design.replace('_', ' ')}, {result.unit}"
        rendered.append(
            render_figure(f"event_study_{suffix}", f"Event study ({label})", partial(figure_event_study, result))
        )
        rendered.append(
            render_figure(
                f"placebo_space_{suffix}", f"Placebo in space ({label})", partial(figure_placebo_space, result)
            )
        )
        if result.design == "all_regions":
            rendered.append(
                render_figure(
                    f"synthetic_control_{suffix}",
                    f"Synthetic control ({label})",
                    partial(figure_synthetic_control, result),
                )
            )
            rendered.append(
                render_figure(
                    f"synthetic_control_demeaned_{suffix}",
                    f"Demeaned synthetic control ({label})",
                    partial(figure_synthetic_control, result, demeaned=True),
                )
            )
    return rendered
