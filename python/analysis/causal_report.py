"""The causal part of the report: what a reader sees first, the details under it, the invalid appendix.

Order of evidence, on purpose: design-based inference (placebo in space, conformal, synthetic control) and
sensitivity lead; the robust interval is the conformal one; conventional and cluster-robust results are
in an appendix labelled as not valid with one treated unit. Every table here is a DataFrame of display
strings built from :class:`analysis.causal.DesignResult` (tested), and the HTML only lays them out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple, cast

import pandas as pd

from analysis.causal import DESIGNS, DesignResult, format_p_value, p_phrase
from analysis.marts import REPO_ROOT, Tables
from analysis.monte_carlo import METHODS, wide_table
from analysis.permutation import PRE_TREND_ALPHA

MONTE_CARLO_CSV = REPO_ROOT / "data" / "benchmarks" / "inference_mc.csv"
ENSEMBLE_MART = "fct_reconstruction_ensemble_estimates"
SHORT_DESIGNS = {"paper": "Paper: Almaty vs Zhambyl, West Kazakhstan", "all_regions": "All 15 other territories"}
SHORT_OUTCOMES = {
    "net_migration_working_age": "persons",
    "net_migration_working_age_per_1000_residents": "per 1,000 residents",
}
# The ensemble's outcome codes (CONTRACTS.md) for each panel column.
ENSEMBLE_OUTCOMES = {
    "net_migration_working_age": ("net_migration_working_age", "net_working_age"),
    "net_migration_working_age_per_1000_residents": (
        "net_migration_working_age_per_1000_residents",
        "net_working_age_per_1000",
    ),
}


class PreTrendSpread(NamedTuple):
    """The design-based pre-trend test across the reconstruction ensemble (:func:`ensemble_pre_trend`)."""

    rejected: int
    members: int
    p_min: float
    p_max: float


def _value(value: float | None, per_1000: bool) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return f"{value:,.2f}" if per_1000 else f"{value:,.0f}"


def _interval(ci: tuple[float, float] | None, per_1000: bool) -> str:
    if ci is None or not all(math.isfinite(v) for v in ci):
        return "–"
    return f"[{_value(ci[0], per_1000)}, {_value(ci[1], per_1000)}]"


def _p_with_min(p: float | None, minimum: float | None) -> str:
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "–"
    return f"{format_p_value(p)} (min {format_p_value(minimum)})"


def _is_per_1000(result: DesignResult) -> bool:
    return "per_1000" in result.outcome


def short_verdict(result: DesignResult) -> str:
    """The design-based pre-trend verdict, short: ``not rejected (p 0.938, min 0.062)``.

    ``rejected`` / ``not rejected`` at the test's level (10%), or ``not testable`` when even the most extreme
    rank cannot reach it (the paper's two controls: min 1/3). ``–`` when the test could not run.
    """
    test = result.placebo_pre_trend
    if test is None:
        return "–"
    p = f"p {format_p_value(test.p_value)}, min {format_p_value(test.min_attainable_p)}"
    if not test.can_reject:
        return f"not testable ({p})"
    return f"{'rejected' if test.parallel_trends_rejected else 'not rejected'} ({p})"


def conventional_verdict(result: DesignResult) -> str:
    """The event study's F and slope tests (conventional variance: not valid with one treated unit)."""
    if result.event_study is None:
        return "–"
    pre = result.event_study.pre_trend
    tests = ", ".join(
        f"{name} p {p_phrase(p)}" for name, p in (("joint", pre.joint_p), ("slope", pre.slope_p)) if p_phrase(p)
    )
    return f"{'rejected' if pre.parallel_trends_rejected else 'not rejected'} ({tests})"


def verdict_implication(result: DesignResult) -> str:
    """What the design-based pre-trend verdict means for the estimate, in one sentence."""
    test = result.placebo_pre_trend
    if test is None:
        return "no design-based pre-trend test: parallel trends cannot be checked"
    if not test.can_reject:
        return (
            f"With {test.n_units - 1} controls the placebo test cannot reject at {test.alpha:.0%} whatever the "
            "data (its smallest p is "
            f"{format_p_value(test.min_attainable_p)}): parallel trends are untested, so the estimate is "
            "credible only as far as the sensitivity breakdown allows."
        )
    if test.parallel_trends_rejected:
        return (
            "Almaty's pre-2022 path departs from its controls' more than nearly every control's does, so the DiD "
            "is not a credible causal effect on its own; only the sensitivity intervals (which allow for the "
            "trend to continue) can carry a claim."
        )
    return (
        "Parallel trends are not rejected, which is consistent with the design but not proof of it (the "
        "test has low power with one treated unit); the estimate is credible only as far as the "
        "sensitivity breakdown allows."
    )


def pre_trend_components(result: DesignResult) -> str:
    """The design-based pre-trend test's two statistics for Almaty, with their ranks, and the pool."""
    test = result.placebo_pre_trend
    if test is None:
        return "–"
    per_1000 = _is_per_1000(result)
    slope = f"{test.slope_difference:,.3f}" if per_1000 else f"{test.slope_difference:,.1f}"
    return (
        f"slope {slope}/year (rank p {format_p_value(test.slope_p)}), persistence {test.persistence:.2f} "
        f"(rank p {format_p_value(test.persistence_p)}); {test.n_units} units, {test.pre_years} pre-years"
    )


def pre_trend_detail(result: DesignResult) -> str:
    """The design-based pre-trend test: its p with the smallest attainable, then its components."""
    test = result.placebo_pre_trend
    if test is None:
        return "–"
    return f"{_p_with_min(test.p_value, test.min_attainable_p)}; {pre_trend_components(result)}"


def outcome_label(result: DesignResult) -> str:
    """``persons, 2000–2025, post 2022–2025``: the outcome and the years the code used for it."""
    label = SHORT_OUTCOMES.get(result.outcome, result.outcome)
    return f"{label}, {result.window}" if result.window else label


def _ensemble_groups(tables: Tables, keep: Callable[[pd.Series], pd.Series]) -> Iterator[tuple[str, str, pd.DataFrame]]:
    """(design, panel outcome, rows) of the ensemble mart's rows that `keep` selects (a mask of estimator
    codes), for every design and outcome that has some; nothing when the mart is absent or empty."""
    frame = tables.get(ENSEMBLE_MART)
    if frame is None or frame.empty:
        return
    frame = frame[keep(frame["estimator_code"].astype(str))]
    for outcome, codes in ENSEMBLE_OUTCOMES.items():
        for design in DESIGNS:
            rows = frame[(frame["design_code"] == design) & frame["outcome_code"].isin(codes)]
            if not rows.empty:
                yield design, outcome, rows


def ensemble_spread(tables: Tables) -> dict[tuple[str, str], str]:
    """(design, outcome) → "min / median / max (N members)" of the DiD estimate across reconstructions.

    Empty when the ensemble mart is absent or has no rows: the report then says "no ensemble".
    """
    frame = tables.get(ENSEMBLE_MART)
    if frame is None or frame.empty:
        return {}

    def is_did(codes: pd.Series) -> pd.Series:
        return codes.str.lower().isin(("did", "twfe", "twfe_did"))

    # A mart without DiD rows (an older ensemble) has its one estimate per row under another code.
    has_did = bool(is_did(frame["estimator_code"].astype(str)).any())
    spreads = {}
    for design, outcome, rows in _ensemble_groups(tables, is_did if has_did else lambda codes: codes.notna()):
        values = pd.to_numeric(rows["estimate"], errors="coerce").dropna()
        if values.empty:
            continue
        per_1000 = "per_1000" in outcome
        spreads[(design, outcome)] = (
            f"{_value(float(values.min()), per_1000)} / {_value(float(values.median()), per_1000)} / "
            f"{_value(float(values.max()), per_1000)} ({rows['member_id'].nunique()} members)"
        )
    return spreads


def ensemble_pre_trend(tables: Tables, alpha: float = PRE_TREND_ALPHA) -> dict[tuple[str, str], PreTrendSpread]:
    """(design, outcome) → the design-based pre-trend test across the reconstructions: on how many of them it
    rejects at ``alpha``, and the range of its p.

    Reads the ensemble's ``pretrend_placebo`` rows (p of :func:`analysis.permutation.placebo_pre_trend` on
    each member); empty when the mart is absent or holds none, and the headline then shows the bundled
    tables' verdict alone.
    """
    spreads = {}
    for design, outcome, rows in _ensemble_groups(tables, lambda codes: codes == "pretrend_placebo"):
        p = pd.to_numeric(rows["p_value"], errors="coerce").dropna()
        if not p.empty:
            spreads[(design, outcome)] = PreTrendSpread(int((p <= alpha).sum()), len(p), float(p.min()), float(p.max()))
    return spreads


def _pre_trend_cell(result: DesignResult, spread: PreTrendSpread | None) -> str:
    """The headline's pre-trend verdict, then the same test across the reconstructions when there are any."""
    verdict = short_verdict(result)
    if spread is None:
        return verdict
    span = format_p_value(spread.p_min)
    if spread.p_max > spread.p_min:
        span += f"–{format_p_value(spread.p_max)}"
    test = result.placebo_pre_trend
    if test is not None and not test.can_reject:  # the same pool on every member: untestable on all of them
        return f"{verdict}; {spread.members} reconstructions: p {span}"
    return f"{verdict}; {spread.rejected} of {spread.members} reconstructions reject (p {span})"


def headline_table(
    results: list[DesignResult],
    spreads: dict[tuple[str, str], str] | None = None,
    pre_trends: dict[tuple[str, str], PreTrendSpread] | None = None,
) -> pd.DataFrame:
    """The summary a reader sees first: one row per design × outcome, design-based evidence only.

    ``spreads`` and ``pre_trends`` carry the reconstruction ensemble (:func:`ensemble_spread`,
    :func:`ensemble_pre_trend`): the estimate's spread, and how often the pre-trend verdict would differ."""
    spreads, pre_trends = spreads or {}, pre_trends or {}
    rows = []
    for result in results:
        per_1000 = _is_per_1000(result)
        space, conformal, synth, sens = result.placebo_space, result.conformal, result.synthetic, result.sensitivity
        breakdown = "–"
        if sens is not None:
            breakdown = f"RM M̄ = {sens.rm_breakdown:.2f}; SD M = {_value(sens.sd_breakdown, True)}"
        rows.append(
            {
                "design": SHORT_DESIGNS.get(result.design, result.design),
                "outcome, years": outcome_label(result),
                "DiD estimate, post years pooled": _value(result.did.estimate if result.did else None, per_1000),
                "placebo in space p": _p_with_min(
                    space.p_value if space else None, space.min_attainable_p if space else None
                ),
                "conformal p": _p_with_min(
                    conformal.p_value if conformal else None, conformal.min_attainable_p if conformal else None
                ),
                "synthetic control p": _p_with_min(
                    synth.p_value if synth else None, synth.min_attainable_p if synth else None
                )
                if synth
                else "not run (2 donors)",
                "robust 95% interval (conformal)": _interval(conformal.ci if conformal else None, per_1000)
                + (" *" if conformal is not None and conformal.ci_is_hull else ""),
                "pre-trend (placebo test, 10%)": _pre_trend_cell(
                    result, pre_trends.get((result.design, result.outcome))
                ),
                "sensitivity breakdown": breakdown,
                "reconstruction spread (min / median / max)": spreads.get(
                    (result.design, result.outcome), "no ensemble"
                ),
            }
        )
    return pd.DataFrame(rows)


def outcome_verdicts(results: list[DesignResult]) -> pd.DataFrame:
    """Both outcomes side by side per design: pre-trend verdict and what it implies."""
    rows = []
    for design in DESIGNS:
        row = {"design": SHORT_DESIGNS[design]}
        for result in (r for r in results if r.design == design):
            label = SHORT_OUTCOMES.get(result.outcome, result.outcome)
            row[f"{label}: pre-trend"] = short_verdict(result)
            row[f"{label}: what it implies"] = verdict_implication(result)
        rows.append(row)
    return pd.DataFrame(rows)


def design_based_table(results: list[DesignResult]) -> pd.DataFrame:
    """Every design-based method per design × outcome, with placebo counts and the window lengths."""
    rows = []
    for result in results:
        per_1000 = _is_per_1000(result)
        space, time, synth = result.placebo_space, result.placebo_time, result.synthetic
        wild, sdid = result.wild_bootstrap, result.sdid
        window = "–"
        if time is not None:
            lengths = time.placebo_estimates["pre_years"]
            window = (
                f"{_p_with_min(time.p_value, time.min_attainable_p)}; {time.n_placebos} fake crisis years, "
                f"{int(lengths.min())}–{int(lengths.max())} pre-years each (real estimate: {time.actual_pre_years}), "
                f"{time.post_length}-year post windows"
            )
        filters = "–"
        if synth is not None and synth.prefit_filtered is not None:
            filters = "; ".join(
                f"≤{row.mspe_multiple:g}× MSPE: {format_p_value(row.p_value)} (n {row.n_placebos})"
                for row in cast(Any, synth.prefit_filtered).itertuples()
            )
        rows.append(
            {
                "design": SHORT_DESIGNS.get(result.design, result.design),
                "outcome": SHORT_OUTCOMES.get(result.outcome, result.outcome),
                "placebo in space": f"{_p_with_min(space.p_value, space.min_attainable_p)}; {space.n_placebos} placebos"
                if space
                else "–",
                "placebo in time": window,
                "pre-trend, placebo in space (slope and persistence)": pre_trend_detail(result),
                "synthetic control (ADH pre-fit filters)": filters,
                "wild cluster restricted bootstrap": (
                    f"{format_p_value(wild.p_value)}; {wild.weights}, {wild.n_clusters} clusters, "
                    f"{'all ' + str(wild.n_draws) + ' patterns' if wild.enumerated else str(wild.n_draws) + ' draws'}"
                )
                if wild
                else "–",
                "synthetic DiD (placebo SE)": (
                    f"{_value(sdid.fit.estimate, per_1000)} ± {_value(sdid.se, per_1000)}; "
                    f"95% {_interval(sdid.ci, per_1000)}; {sdid.n_placebos} placebos"
                )
                if sdid
                else "–",
            }
        )
    return pd.DataFrame(rows)


def per_year_table(results: list[DesignResult]) -> pd.DataFrame:
    """Each post year separately (2022, 2023 and any later year the marts hold)."""
    rows = []
    for result in results:
        if result.per_year is None:
            continue
        per_1000 = _is_per_1000(result)
        row: Any
        for row in result.per_year.itertuples():
            rows.append(
                {
                    "design": SHORT_DESIGNS.get(result.design, result.design),
                    "outcome": SHORT_OUTCOMES.get(result.outcome, result.outcome),
                    "year": int(row.year),
                    "DiD of that year": _value(row.estimate, per_1000),
                    "placebo in space p": _p_with_min(row.placebo_space_p, row.placebo_space_min_p),
                    "conformal p": _p_with_min(
                        getattr(row, "conformal_p", None), getattr(row, "conformal_min_p", None)
                    ),
                    "conformal 95% interval": _interval(getattr(row, "conformal_ci", None), per_1000),
                }
            )
    return pd.DataFrame(rows)


def sensitivity_table(results: list[DesignResult]) -> pd.DataFrame:
    """Rambachan–Roth intervals per restriction and parameter, with the breakdown values."""
    rows = []
    for result in results:
        sens = result.sensitivity
        if sens is None:
            continue
        per_1000 = _is_per_1000(result)
        for restriction, label, breakdown in (
            ("relative_magnitudes", "relative magnitudes, M̄", sens.rm_breakdown),
            ("smoothness", "smoothness, M", sens.sd_breakdown),
        ):
            grid = sens.grid[sens.grid["restriction"] == restriction]
            intervals = "; ".join(
                f"{_value(r.parameter, True)}: {_interval((r.ci_low, r.ci_high), per_1000)}"
                for r in cast(Any, grid).itertuples()
            )
            rows.append(
                {
                    "design": SHORT_DESIGNS.get(result.design, result.design),
                    "outcome": SHORT_OUTCOMES.get(result.outcome, result.outcome),
                    "restriction": label,
                    "breakdown": _value(breakdown, True),
                    "95% intervals by parameter": intervals,
                }
            )
    return pd.DataFrame(rows)


def appendix_table(results: list[DesignResult]) -> pd.DataFrame:
    """Conventional and cluster-robust results: NOT valid with one treated unit (kept for comparison)."""
    rows = []
    for result in results:
        did = result.did
        if did is None:
            continue
        per_1000 = _is_per_1000(result)
        rows.append(
            {
                "design": SHORT_DESIGNS.get(result.design, result.design),
                "outcome": SHORT_OUTCOMES.get(result.outcome, result.outcome),
                "DiD estimate": _value(did.estimate, per_1000),
                "conventional 95% CI (not valid)": _interval(did.ci_conventional, per_1000),
                "conventional p (not valid)": format_p_value(did.p_conventional),
                # One column for both designs (a header naming the count split it in two); the count in the cell.
                "cluster-robust 95% CI (not valid)": f"{_interval(did.ci_cluster, per_1000)}, {did.n_regions} clusters",
                "cluster-robust p (not valid)": format_p_value(did.p_cluster),
                "conventional pre-trend F and slope tests, 5% (not valid)": conventional_verdict(result),
            }
        )
    return pd.DataFrame(rows)


HEADLINE_METHODS = ("placebo_space", "conformal", "synthetic_control", "pretrend_placebo")


def headline_size_verdict(path: Path = MONTE_CARLO_CSV) -> str:
    """One sentence from the Monte Carlo file: do the headline tests hold their size, in which designs?"""
    if not Path(path).is_file():
        return "The Monte Carlo output is missing, so the headline tests' size is not measured here."
    wide = wide_table(pd.read_csv(path))
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
                f"{int(r.controls)} controls, treated SD ×{r.treated_sd_x:g}, level {r.alpha:g}: {r.size:.3f}"
                for r in cast(Any, failing).itertuples()
            )
            parts.append(f"{label} over-rejects where {where}")
    return "Measured size of the headline tests: " + "; ".join(parts) + "."


def monte_carlo_table(path: Path = MONTE_CARLO_CSV) -> pd.DataFrame | None:
    """The committed Monte Carlo output as the report shows it (None when the file is absent)."""
    if not Path(path).is_file():
        return None
    table = pd.read_csv(path)
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
            "controls": "controls",
            "treated_sd_x": "treated SD ×",
            "alpha": "level",
            "size": "size (± MC SE)",
            "power_1sd": "power, 1 SD",
            "power_2sd": "power, 2 SD",
            "holds_size": "holds size",
        }
    )


TableRenderer = Callable[..., str]


def causal_headline_html(
    results: list[DesignResult],
    spreads: dict[tuple[str, str], str],
    table: TableRenderer,
    pre_trends: dict[tuple[str, str], PreTrendSpread] | None = None,
) -> str:
    """The section right after the banner: the headline table and how to read it."""
    frame = headline_table(results, spreads, pre_trends)
    return "\n".join(
        [
            "<h2 id='headline'>Causal evidence at a glance</h2>",
            "<p>Did the 2022 crisis raise Almaty's net working-age migration relative to comparable regions? "
            "Each row is one design and one outcome. With a single treated region only design-based inference "
            "is valid: every p-value below is a rank among placebos (or permutations) and is shown with the "
            "smallest value its number of placebos allows. The interval is conformal (Chernozhukov, Wüthrich "
            "&amp; Zhu 2021). The sensitivity breakdown is how large a violation of parallel trends "
            "(Rambachan &amp; Roth 2023) the effect survives: M̄ is relative to the largest pre-2022 "
            "year-to-year deviation, M a change in slope per year; 0 means the interval already includes zero. "
            "The pre-trend verdict is design-based too: Almaty's pre-2022 gap to the other units (its slope, "
            "and how much it drifts against its year-to-year noise) ranked among the same statistics of every "
            "control, at 10% (at 5% a rank among 16 units could never reject). "
            "Conventional and cluster-robust intervals and the conventional pre-trend tests are not valid here "
            "and are only in the <a href='#appendix'>appendix</a>.</p>",
            table(frame, text_columns=frame.columns, css_class="headline"),
            "<p class='note'>* the set of effects not rejected is not an interval; its hull is shown. "
            "“min” = smallest attainable p. Years: every year Almaty has the outcome, post = 2022 onwards, "
            "pooled; per 1,000 residents stops in 2023, the last year with a published population. So the "
            "persons rows pool the crisis years 2022–2023 with the follow-up years 2024–2025, which the "
            "year-by-year table separates; the paper's own window, 2000–2023, is kept by its claim C64 "
            "(Replication). Placebo in space and the synthetic control assume Almaty is no "
            f"noisier than its controls. {headline_size_verdict()} Details, per-year effects and the "
            "Monte Carlo are in <a href='#method-note'>the method note</a>.</p>",
        ]
    )


def follow_up_sentence(results: list[DesignResult]) -> str:
    """Which post years are the paper's crisis years and which the follow-up, from the years the code used."""
    last = max((r.post_years[1] for r in results if r.post_years[0]), default=0)
    if last <= 2023:
        return "2022 and 2023 are the crisis years the paper studies."
    shorter = sorted({SHORT_OUTCOMES.get(r.outcome, r.outcome) for r in results if 0 < r.post_years[1] < last})
    stops = f" ({', '.join(shorter)}: to 2023 only, the last year with a published population)" if shorter else ""
    return (
        f"2022 and 2023 are the crisis years the paper studies; 2024–{last} are the follow-up the study leaves "
        f"open: did the reversal last?{stops}"
    )


def causal_details_html(results: list[DesignResult], table: TableRenderer) -> str:
    """Design-based details, both outcomes side by side, per-year effects, sensitivity."""
    verdicts = outcome_verdicts(results)
    design_based = design_based_table(results)
    per_year = per_year_table(results)
    sens = sensitivity_table(results)
    return "\n".join(
        [
            "<h3>Both outcomes, side by side</h3>",
            "<p>The pre-trend test (the design-based placebo test of the headline) is run on each outcome, "
            "and the two can disagree: Almaty's population grew much faster than its controls', so a level "
            "trend in persons can be flat per resident (or the other way round). Each verdict applies to its "
            "own outcome only.</p>",
            table(verdicts, text_columns=verdicts.columns),
            "<h3>Design-based inference, every method</h3>",
            "<p>Placebo in time uses fake crisis years inside the pre-period, each with fewer pre-years than the "
            "real estimate (the window lengths are stated); it also assumes no pre-trend, so it is not a "
            "headline test. The synthetic-control p is recomputed leaving out placebos whose pre-period MSPE is "
            "more than 20, 5 and 2 times Almaty's (Abadie, Diamond &amp; Hainmueller 2010). The wild cluster "
            "restricted bootstrap is known to under-reject with one treated cluster (MacKinnon &amp; Webb "
            "2018); the synthetic DiD uses the placebo variance of Arkhangelsky et al. (2021), which assumes "
            "the treated unit is as noisy as the controls. Their measured size is in the method note.</p>",
            table(design_based, text_columns=design_based.columns),
            "<h3>Effects year by year</h3>",
            "<p>The DiD of each post year against the whole pre-period, with its own placebo and conformal "
            f"inference. {follow_up_sentence(results)}</p>",
            table(per_year, text_columns=[c for c in per_year.columns if c != "year"]),
            "<h3>Sensitivity to violations of parallel trends (Rambachan &amp; Roth 2023)</h3>",
            "<p>Average post-period effect. Relative magnitudes: post-2021 changes in the trend gap up to M̄ "
            "times the largest pre-period one. Smoothness: the slope of the trend gap may change by up to M per "
            "year (M = 0 extrapolates the last pre-period slope). The standard error is design-based (the larger "
            "of the placebo-in-space and placebo-in-time spreads). Breakdown: the smallest parameter at which "
            "the 95% interval includes zero.</p>",
            table(sens, text_columns=sens.columns),
        ]
    )


def method_note_html(table: TableRenderer, path: Path = MONTE_CARLO_CSV) -> str:
    """The Monte Carlo size and power table (committed output of bench/bench_inference_mc.py)."""
    mc = monte_carlo_table(path)
    parts = [
        "<h3 id='method-note'>Method note: size and power, measured</h3>",
        "<p>Monte Carlo with panels shaped like this one: one treated unit and 2 or 15 controls, 22 pre- and "
        "2 post-period years, AR(1) errors with rho 0.5 and unequal unit variances (each unit's SD drawn "
        "from 0.5–2; “treated SD × 2”: the treated unit twice as noisy as the noisiest control, as Almaty "
        "is). Size is the rejection rate with no effect (with its Monte Carlo standard error); power with an "
        "effect of 1 or 2 of the treated unit's pre-period SDs (for the two pre-trend tests: a linear pre-trend "
        "in the treated unit rising by 1 or 2 SDs over the pre-period, no post-period effect). A test “holds "
        "size” when its size is at most the level plus two Monte Carlo SEs. At 5% a rank test with 15 "
        "placebos can never reject (its smallest p is 1/16): hence the 10% rows. Source: "
        "<code>bench/bench_inference_mc.py</code>, output <code>data/benchmarks/inference_mc.csv</code> "
        "(modeled data, not migration figures).</p>",
    ]
    if mc is None:
        parts.append('<p class="missing">No Monte Carlo output: run <code>bench/bench_inference_mc.py</code>.</p>')
    else:
        parts.append(f"<p><strong>{headline_size_verdict(path)}</strong></p>")
        parts.append(table(mc, text_columns=("method", "size (± MC SE)", "holds size")))
    return "\n".join(parts)


def appendix_html(results: list[DesignResult], table: TableRenderer) -> str:
    frame = appendix_table(results)
    return "\n".join(
        [
            "<h2 id='appendix'>Appendix: conventional and cluster-robust results — not valid with one treated "
            "unit</h2>",
            "<p><strong>Do not read these as evidence.</strong> With one treated region the regression variance "
            "comes from the controls alone (in the event study Almaty's residuals are exactly zero, every year "
            "having its own coefficient), serial correlation is ignored, and Almaty's pre-period year-to-year "
            "variability is about "
            "twice its controls'. The Monte Carlo in the method note shows how far these tests over-reject. "
            "The same holds for the event study's pre-trend tests (joint F test of the pre-period coefficients "
            "and the linear slope difference): the report's verdict is the placebo test of the headline table. "
            "Claim C64 of the replication keeps the conventional tests, on the paper's 2000–2023 window, "
            "because that is what the paper reports.</p>",
            table(frame, text_columns=frame.columns),
        ]
    )
