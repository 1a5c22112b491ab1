"""The method note: size and power of every test measured by Monte Carlo (``data/benchmarks/inference_mc.csv``,
written by ``bench/bench_inference_mc.py``) and Almaty's measured noise ratios."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from statistics import NormalDist
from typing import Any, cast

import numpy as np
import pandas as pd

from analysis.causal.formatting import SHORT_OUTCOMES, TableRenderer
from analysis.causal.labels import design_short, treated_name
from analysis.causal.results import DesignResult
from analysis.design import and_join
from analysis.marts import REPO_ROOT
from estimators.monte_carlo import METHODS, wide_table

MONTE_CARLO_CSV = REPO_ROOT / "data" / "benchmarks" / "inference_mc.csv"
HEADLINE_METHODS = ("placebo_space_studentised", "conformal", "synthetic_control", "pretrend_placebo")


def _read_monte_carlo(path: Path) -> pd.DataFrame | None:
    """The committed Monte Carlo output, None when absent or written by an older bench (no post_years)."""
    if not Path(path).is_file():
        return None
    table = pd.read_csv(path)
    return table if {"post_years", "noise_ratio"} <= set(table.columns) else None


@dataclass(frozen=True)
class SimulatedDesigns:
    """What the method note says of the Monte Carlo's designs, counted from its output."""

    controls: str = ""  # " (2, 8 or 15)"
    post_years: str = "2 or 4"
    exceedances: str = ""  # " (with 48 designs and levels, about one exceedance is expected by chance)"
    rank_floors: str = ""  # " A rank test with 15 placebos can never reject at 5% (its smallest p is 1/16), ..."

    @classmethod
    def read(cls, path: Path = MONTE_CARLO_CSV) -> SimulatedDesigns:
        table = _read_monte_carlo(path)
        if table is None:
            return cls()
        controls = sorted(int(n) for n in table["n_controls"].unique())
        cells = len(table[["n_controls", "post_years", "noise_ratio", "alpha"]].drop_duplicates())
        floors = []
        for level in sorted(table["alpha"].unique()):
            # a rank among n placebos and the treated unit has smallest p 1/(n+1)
            never = [n for n in controls if 1 / (n + 1) > level]
            if never:
                floors.append((max(never), float(level)))
        rank_floors = ", ".join(
            f"with {n} never at {level:.0%} (1/{n + 1})" if index else
            f" A rank test with {n} placebos can never reject at {level:.0%} (its smallest p is 1/{n + 1})"
            for index, (n, level) in enumerate(floors)
        )
        # a test that holds size exceeds level + 2 Monte Carlo SEs by chance with the normal tail above 2
        expected = round(cells * (1 - NormalDist().cdf(2)))
        verb = "is" if expected == 1 else "are"
        return cls(
            controls=f" ({and_join(controls, 'or')})",
            post_years=and_join(sorted(int(n) for n in table["post_years"].unique()), "or"),
            exceedances=(f" (with {cells} designs and levels, about {expected} exceedance"
                         f"{'' if expected == 1 else 's'} {verb} expected by chance)"),
            rank_floors=rank_floors + ("." if rank_floors else ""),
        )


def method_size_range(method: str, path: Path = MONTE_CARLO_CSV, alpha: float = 0.10) -> str:
    """``size 0.04–0.44 at 10%``: the range of a method's measured size over every simulated design."""
    table = _read_monte_carlo(path)
    if table is None:
        return "size not measured"
    rows = table[(table["method_code"] == method) & (table["effect_sd"] == 0.0) & (table["alpha"] == alpha)]
    if rows.empty:
        return "size not measured"
    low, high = float(rows["rejection_rate"].min()), float(rows["rejection_rate"].max())
    return f"measured size {low:.3f}–{high:.3f} at {alpha:.0%}"


def headline_size_verdict(path: Path = MONTE_CARLO_CSV) -> str:
    """One sentence from the Monte Carlo file: do the headline tests hold their size, in which designs?"""
    table = _read_monte_carlo(path)
    if table is None:
        return "The Monte Carlo output is missing, so the headline tests' size is not measured here."
    wide = wide_table(table)
    parts = []
    for method in HEADLINE_METHODS:
        rows = wide[wide["method"] == method]
        failing = rows[~rows["holds_size"]]
        label = METHODS[method].split(",")[0].split(" (")[0]
        if rows.empty:
            parts.append(f"{label} is not in the Monte Carlo output (rerun bench/bench_inference_mc.py)")
        elif failing.empty:
            parts.append(f"{label} holds its size in every design measured")
        else:
            where = "; ".join(
                f"{int(r.controls)} controls, {int(r.post_years)} post years, noise ratio {r.noise_ratio:g}, "
                f"level {r.alpha:g}: {r.size:.3f}"
                for r in cast(Any, failing).itertuples()
            )
            parts.append(f"{label} over-rejects where {where}")
    return "Measured size of the headline tests: " + "; ".join(parts) + "."


def monte_carlo_table(path: Path = MONTE_CARLO_CSV) -> pd.DataFrame | None:
    """The committed Monte Carlo output as the report shows it (None when the file is absent)."""
    table = _read_monte_carlo(path)
    if table is None:
        return None
    wide = wide_table(table)
    shown = wide.assign(
        method=wide["method"].map(METHODS).fillna(wide["method"]),
        size=[f"{s:.3f} ± {e:.3f}" for s, e in zip(wide["size"], wide["size_mc_se"], strict=True)],
        power_1sd=wide["power_1sd"].map(lambda v: f"{v:.3f}"),
        power_2sd=wide["power_2sd"].map(lambda v: f"{v:.3f}"),
        holds_size=wide["holds_size"].map({True: "yes", False: "NO"}),
    )
    return shown.drop(columns=["size_mc_se"]).rename(
        columns={
            "post_years": "post years",
            "noise_ratio": "noise ratio",
            "alpha": "level",
            "size": "size (± MC SE)",
            "power_1sd": "power, 1 SD",
            "power_2sd": "power, 2 SD",
            "holds_size": "holds size",
        }
    )


def measured_size_table(results: list[DesignResult], path: Path = MONTE_CARLO_CSV, alpha: float = 0.10) -> pd.DataFrame:
    """Size at ``alpha`` of every method at Almaty's measured noise ratios: one column per design and outcome
    (controls, measured ratio), each cell ``size with 2 post years / with 4``; NO where it does not hold."""
    table = _read_monte_carlo(path)
    if table is None:
        return pd.DataFrame()
    wide = wide_table(table)
    wide = wide[np.isclose(wide["alpha"], alpha)]
    columns: dict[str, dict[str, str]] = {}
    for result in results:
        test = result.studentised
        if test is None:
            continue
        ratio = round(test.noise_ratio, 2)
        here = wide[(wide["controls"] == test.n_placebos) & np.isclose(wide["noise_ratio"], ratio)]
        if here.empty:
            continue
        label = f"{test.n_placebos} controls, ratio {ratio:.2f} ({SHORT_OUTCOMES.get(result.outcome, result.outcome)})"
        cells: dict[str, str] = {}
        for method, rows in here.groupby("method", sort=False):
            by_post = rows.set_index("post_years")
            cells[str(method)] = " / ".join(
                f"{float(by_post.loc[post, 'size']):.3f}{'' if bool(by_post.loc[post, 'holds_size']) else ' NO'}"
                for post in sorted(by_post.index)
            )
        columns[label] = cells
    frame = pd.DataFrame(columns)
    frame.index = [METHODS.get(str(m), str(m)) for m in frame.index]
    return frame.reset_index(names="method")


def noise_ratio_sentence(results: list[DesignResult]) -> str:
    """Almaty's measured noise ratio in each design and outcome (printed in the method note)."""
    parts = [
        f"{design_short(r)}, {SHORT_OUTCOMES.get(r.outcome, r.outcome)}: {r.studentised.noise_ratio:.2f}"
        for r in results
        if r.studentised is not None
    ]
    if not parts:
        return ""
    return (
        f"{treated_name(results)}'s noise ratio (the SD of its pre-period gap to the controls over the median "
        "control's SD of its gap to the other controls), measured on these marts: " + "; ".join(parts) + "."
    )


def method_note_html(
    table: TableRenderer, path: Path = MONTE_CARLO_CSV, results: list[DesignResult] | None = None
) -> str:
    """Almaty's measured noise ratios, the size of every method at them, and the whole Monte Carlo table."""
    mc = monte_carlo_table(path)
    simulated = SimulatedDesigns.read(path)
    treated = html.escape(treated_name(results or []))
    parts = [
        "<h3 id='method-note'>Method note: size and power, measured</h3>",
        "<p>Monte Carlo with panels shaped like this one: one treated unit and each design's number of controls"
        f"{simulated.controls}, 22 pre-period years and {simulated.post_years} post-period years, AR(1) errors "
        "with rho 0.5, the controls' noise unequal in every draw (SDs uniform on 0.5–2) and the treated unit's SD "
        f"the noise ratio times the median control's: {treated}'s measured ratio in each design and outcome, and 1 "
        "and 2. Size is the rejection rate with no effect (with its Monte Carlo standard error); power with an "
        "effect of 1 or 2 of the treated unit's pre-period SDs (for the two pre-trend tests: a linear pre-trend in "
        "the treated unit rising by 1 or 2 SDs over the pre-period). A test “holds size” when its size is at most the "
        f"level plus two Monte Carlo SEs{simulated.exceedances}.{simulated.rank_floors} Source: "
        "<code>bench/bench_inference_mc.py --measured</code>, output "
        "<code>data/benchmarks/inference_mc.csv</code> (modeled data, not migration figures).</p>",
    ]
    ratios = noise_ratio_sentence(results or [])
    if ratios:
        parts.append(f"<p>{html.escape(ratios)}</p>")
    if mc is None:
        parts.append('<p class="missing">No Monte Carlo output: run <code>bench/bench_inference_mc.py</code>.</p>')
    else:
        parts.append(f"<p><strong>{headline_size_verdict(path)}</strong></p>")
        measured = measured_size_table(results or [], path)
        if not measured.empty:
            parts.append(
                f"<p>Size at 10% at {treated}'s measured noise ratios (2 post years / 4 post years; NO: does not hold "
                "its size):</p>"
            )
            parts.append(table(measured, text_columns=measured.columns))
        parts.append(
            "<details><summary>Every simulated design, level and method</summary>"
            + table(mc, text_columns=("method", "size (± MC SE)", "holds size"))
            + "</details>"
        )
    return "\n".join(parts)
