"""The reconstruction measured out of sample: K-fold cross-validation over the published figures.

Every published figure the generator can hold (``constraints.csv``, ``use`` in :data:`TRAINABLE`) except the
Taldau national totals (the frame of every table, never held out) and the paper's own figures (not official)
is put in a group; figures derived from one another share a group: a region-year (its arrivals, departures,
the balance derived from them and its part-year figures) or, for the Republic, a year (a release's totals,
its parts by country, education or specialty). The groups are dealt to K folds in a fixed order (sha256 of
the group key, so the split does not depend on the platform). For each fold the reconstruction is refit
(:func:`reference_data.generate.build`) without the fold's figures and every held-out figure is predicted
from the refit tables. ``validation`` figures are never read by the generator: they are scored on the fit
with every figure (their fold is ``validation``).

Annual figures are scored by the absolute % error and whether the prediction lies within the figure's
rounding; part-year figures are held out as bounds (the modeled year must be at least the part-year figure,
less half its rounding unit; a part-year balance bounds the year's balance from above).

Kinds (:func:`kind_of`): ``national_by_country`` (the Republic by country or CIS / non-CIS group),
``education_specialty`` (by education level or specialty, and working-age totals), ``regional_total``
(a region's arrivals, departures or balance, Almaty city apart), ``almaty`` (Almaty city), ``national_total``
(a national balance other than Taldau's) and ``part_year`` (any part-year figure, as a bound).

    python -m reference_data.crossval [--folds K] [--out data/reference/crossval]

writes ``predictions.csv`` (one row per held-out figure and model variant), ``members.csv`` (each ensemble
member's prediction of each held-out figure, refit without its fold) and ``summary.csv`` (one row per
kind and variant). ``--variants`` also runs the model before issue 21 (no memory of real figures, the regions'
propensities as written) beside the bundled one.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from reference_data.cells import CellIndex
from reference_data.checks import GROUP_CIS, cell_value
from reference_data.draws import draw, load_ranges
from reference_data.ensemble import BASE_SEED, MAX_DRAWS
from reference_data.frames import each_row
from reference_data.generate import build, load_priors
from reference_data.inputs import REPUBLIC, InputError, load_constraints, load_seeds
from reference_data.paths import REPO_ROOT, Paths, default_paths

TRAINABLE = ("hard", "lower_bound", "target", "check", "signed_part_year")
NOT_OFFICIAL = ("sagandykova_2025",)
KINDS = ("national_by_country", "education_specialty", "regional_total", "regional_balance", "almaty", "national_total",
         "part_year")
DEFAULT_FOLDS = 10
DEFAULT_MEMBERS = 6
BUNDLED = "bundled"  # the model as committed
BEFORE = "before_issue_21"  # without memory and with the propensities as written, for comparison
LEVEL = 0.8  # the stated interval: 80% of held-out figures should fall inside it
OUT_DIR = REPO_ROOT / "data" / "reference" / "crossval"
PREDICTION_COLUMNS = ["model_variant", "constraint_id", "source_id", "fold", "kind", "region_code", "year", "months",
                      "population", "direction_code", "country_code", "education_code", "specialty_code", "use",
                      "comparison", "published", "tolerance", "predicted", "is_bound", "abs_pct_error",
                      "is_within_rounding", "is_bound_respected", "interval_low", "interval_high", "is_in_interval"]
SUMMARY_COLUMNS = ["model_variant", "kind", "figures", "annual_figures", "median_abs_pct_error",
                   "share_within_10_pct", "share_within_rounding", "bounds", "share_bounds_respected",
                   "interval_coverage", "interval_coverage_uncalibrated", "interval_widening"]


def tolerance(comparison: str) -> int:
    """Half the rounding unit of a figure, in persons (0 for an exact figure)."""
    if comparison.startswith("rounded_1000"):
        return 500
    if comparison.startswith("rounded_100"):
        return 50
    if match := re.fullmatch(r"within_(\d+)", comparison):
        return int(match.group(1))
    return 0


def kind_of(c) -> str:
    if c.months != "01-12":
        return "part_year"
    if c.region_code == "75":
        return "almaty"
    if c.region_code != REPUBLIC:
        # A balance is a small difference of two large flows: its % error is not comparable with a total's.
        return "regional_balance" if c.direction_code == "net" else "regional_total"
    if c.population != "all_ages" or c.education_code != "_T" or c.specialty_code != "_T":
        return "education_specialty"
    if c.country_code != "_T":
        return "national_by_country"
    return "national_total"


def is_taldau_total(c) -> bool:
    return (c.region_code == REPUBLIC and c.country_code == "_T" and c.population == "all_ages"
            and c.education_code == "_T" and c.specialty_code == "_T" and c.months == "01-12"
            and c.direction_code != "net")


def scored_figures(constraints: pd.DataFrame) -> pd.DataFrame:
    """The figures the cross-validation holds out, with their kind and group."""
    rows = constraints[constraints.use.isin((*TRAINABLE, "validation"))
                       & ~constraints.source_id.isin(NOT_OFFICIAL)].copy()
    rows = rows[[not is_taldau_total(c) for c in each_row(rows)]]
    rows["kind"] = [kind_of(c) for c in each_row(rows)]
    rows["group_key"] = rows.region_code + "|" + rows.year.astype(str)
    return rows


def assign_folds(groups: pd.Series, folds: int) -> dict[str, int]:
    """Group key -> fold 1..K, dealt in the order of each key's sha256 (the same on every platform)."""
    keys = sorted(set(groups), key=lambda key: hashlib.sha256(key.encode()).hexdigest())
    return {key: index % folds + 1 for index, key in enumerate(keys)}


def predict(tables: dict[str, pd.DataFrame], c, index: dict[str, CellIndex]) -> int:
    """The annual value of the tables for the quantity a figure speaks about."""
    if c.country_code.startswith("group:"):
        frame = tables["by_country"]
        cis = frame.country_code.isin(GROUP_CIS)
        directions = ("arrival", "departure") if c.direction_code == "net" else (c.direction_code,)
        values = []
        for direction in directions:
            mask = ((frame.year == c.year) & (frame.region_code == c.region_code)
                    & (frame.direction_code == direction) & (frame.country_code != "_T")
                    & (cis if c.country_code == "group:CIS" else ~cis))
            values.append(int(frame.loc[mask, "persons"].sum()))
        return values[0] - values[1] if len(values) == 2 else values[0]
    if c.direction_code == "net":
        return cell_value(tables, c, "arrival", index) - cell_value(tables, c, "departure", index)
    return cell_value(tables, c, c.direction_code, index)


def score(c, predicted: int) -> dict:
    slack = tolerance(c.comparison)
    is_bound = c.months != "01-12" or c.use in ("lower_bound", "signed_part_year")
    row = {"published": int(c.value), "tolerance": slack, "predicted": predicted, "is_bound": is_bound,
           "abs_pct_error": None, "is_within_rounding": None, "is_bound_respected": None}
    if is_bound:
        row["is_bound_respected"] = (predicted <= c.value if c.use == "signed_part_year"
                                     else predicted >= c.value - slack)
    else:
        row["abs_pct_error"] = round(100 * abs(predicted - c.value) / abs(c.value), 4) if c.value else None
        row["is_within_rounding"] = abs(predicted - c.value) <= slack
    return row


Builder = Callable[[pd.DataFrame], dict[str, pd.DataFrame]]


def default_builder(paths: Paths, bundled: bool = True) -> Builder:
    """The generator as a function of the training figures; ``bundled = False`` is the model before issue 21
    (no memory of real figures in neighbouring years, the regions' propensities as written)."""
    priors = load_priors(paths)
    if not bundled:
        priors = {**priors, "memory.csv": priors["memory.csv"].assign(decay=0.0),
                  "region_concentration.csv": priors["region_concentration.csv"].assign(power=1.0)}

    def fit(constraints: pd.DataFrame) -> dict[str, pd.DataFrame]:
        frames, _ = build(paths, priors=priors, constraints=constraints)
        return frames
    return fit


def cross_validate(constraints: pd.DataFrame, fit: Builder, folds: int = DEFAULT_FOLDS,
                   only_folds: list[int] | None = None, progress: bool = False) -> pd.DataFrame:
    """One row per held-out figure: the published value, the prediction of the fit without its fold, the score."""
    figures = figure_folds(constraints, folds)
    rows = []
    plan = ["validation"] + [str(k) for k in range(1, folds + 1) if only_folds is None or k in only_folds]
    for fold in plan:
        held = figures[figures.fold == fold]
        if held.empty:
            continue
        started = time.perf_counter()
        train = constraints[~constraints.constraint_id.isin(held.constraint_id)]
        try:
            tables = fit(train)
        except InputError as error:
            raise InputError(f"cross-validation fold {fold}: the fit without its {len(held)} figures failed: "
                             f"{str(error).splitlines()[0]}") from None
        index = {code: CellIndex(frame) for code, frame in tables.items()}
        for c in each_row(held):
            rows.append({"constraint_id": c.constraint_id, "source_id": c.source_id, "fold": fold, "kind": c.kind,
                         "region_code": c.region_code, "year": int(c.year), "months": c.months,
                         "population": c.population, "direction_code": c.direction_code,
                         "country_code": c.country_code, "education_code": c.education_code,
                         "specialty_code": c.specialty_code, "use": c.use, "comparison": c.comparison,
                         **score(c, predict(tables, c, index))})
        if progress:
            print(f"  fold {fold}: {len(held)} figures held out, refit in {time.perf_counter() - started:.1f} s",
                  file=sys.stderr)
    return pd.DataFrame(rows)


def coverage(annual: pd.DataFrame) -> float | None:
    """Share of annual figures inside their interval (None where no interval was computed)."""
    if "is_in_interval" not in annual:
        return None
    inside = annual.is_in_interval.dropna()
    return round(float(inside.astype(bool).mean()), 4) if len(inside) else None


def figure_folds(constraints: pd.DataFrame, folds: int) -> pd.DataFrame:
    """The scored figures with their fold (``validation`` for figures the generator never reads)."""
    figures = scored_figures(constraints)
    fold_of = assign_folds(figures.group_key[figures.use != "validation"], folds)
    figures["fold"] = [("validation" if c.use == "validation" else str(fold_of[c.group_key]))
                       for c in each_row(figures)]
    return figures


def member_predictions(constraints: pd.DataFrame, paths: Paths, folds: int, members: int,
                       ranges: pd.DataFrame, progress: bool = False) -> pd.DataFrame:
    """(constraint_id, member, predicted): ensemble members drawn from ``ranges`` and refit without each fold.

    Member m of fold f draws with the seed ``BASE_SEED + 1000 * f + m`` (validation: f = 0); a draw the
    training figures reject is drawn again from the same stream, as in the ensemble."""
    figures = figure_folds(constraints, folds)
    priors = load_priors(paths)
    rows = []
    for fold in ["validation"] + [str(k) for k in range(1, folds + 1)]:
        held = figures[figures.fold == fold]
        if held.empty:
            continue
        started = time.perf_counter()
        train = constraints[~constraints.constraint_id.isin(held.constraint_id)]
        number = 0 if fold == "validation" else int(fold)
        for member in range(1, members + 1):
            rng = np.random.default_rng(BASE_SEED + 1000 * number + member)
            for _ in range(MAX_DRAWS):
                drawn = draw(priors, train, ranges, rng)
                try:
                    tables, _ = build(paths, drawn.priors, drawn.constraints, drawn.part_year_scale)
                    break
                except InputError:
                    continue
            else:
                raise InputError(f"cross-validation fold {fold}: member {member}: no draw of {MAX_DRAWS} fits")
            index = {code: CellIndex(frame) for code, frame in tables.items()}
            rows += [(c.constraint_id, member, predict(tables, c, index)) for c in each_row(held)]
        if progress:
            print(f"  fold {fold}: {members} members in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return pd.DataFrame(rows, columns=["constraint_id", "member", "predicted"])


def intervals(predictions: pd.DataFrame, members: pd.DataFrame, level: float = LEVEL,
              factor_of: dict[str, float] | None = None) -> pd.DataFrame:
    """The central ``level`` interval of each figure's prediction over the members (member 0, the refit
    itself, included), widened around the prediction by ``factor_of[kind]`` (1 by default), and whether the
    published figure lies inside it (widened by the figure's rounding; annual figures only)."""
    spread = members.groupby("constraint_id").predicted.apply(list)
    tail = (1 - level) / 2
    frame = predictions.copy()
    lows, highs, inside = [], [], []
    for row in each_row(frame):
        values = np.array([row.predicted, *spread.get(row.constraint_id, [])], dtype=float)
        low, high = np.quantile(values, [tail, 1 - tail])
        # The interval holds the prediction itself (members may all fall on one side of it).
        low, high = min(low, row.predicted), max(high, row.predicted)
        factor = (factor_of or {}).get(row.kind, 1.0)
        low = row.predicted - factor * (row.predicted - low)
        high = row.predicted + factor * (high - row.predicted)
        if getattr(row, "direction_code", "net") != "net":
            low = max(low, 0.0)  # a count of people is never negative; a balance may be
        lows.append(math.floor(low))
        highs.append(math.ceil(high))
        inside.append(None if row.is_bound else bool(low - row.tolerance <= row.published <= high + row.tolerance))
    frame["interval_low"], frame["interval_high"], frame["is_in_interval"] = lows, highs, inside
    return frame


def calibration_factors(with_intervals: pd.DataFrame, members: pd.DataFrame, level: float = LEVEL
                        ) -> dict[str, float]:
    """Per kind, the smallest widening of the members' interval (steps of 0.25, up to 40) under which at least
    ``level`` of the kind's annual figures fall inside it: the factor the kind's prior ranges are widened by."""
    factors = {}
    annual = with_intervals[~with_intervals.is_bound.astype(bool)]
    for kind_key, part in annual.groupby("kind"):
        kind = str(kind_key)
        for factor in np.arange(0.25, 40.25, 0.25):
            widened = intervals(part.drop(columns=["interval_low", "interval_high", "is_in_interval"]),
                                members, level, {kind: float(factor)})
            if widened.is_in_interval.astype(bool).mean() >= level:
                factors[kind] = float(factor)
                break
        else:
            factors[kind] = 40.0
    return factors


def cross_fitted_intervals(predictions: pd.DataFrame, members: pd.DataFrame, level: float = LEVEL
                           ) -> tuple[pd.DataFrame, dict[str, float]]:
    """Intervals widened per kind by the factor that brings the *other* folds' figures of the kind to ``level``
    (so a figure's own fold never sets its interval's width: the coverage stays out of sample), and the factor
    fitted on every fold (what the kind's prior ranges should be widened by)."""
    plain = intervals(predictions, members, level)
    pooled = calibration_factors(plain, members, level)
    parts = []
    for fold, part in plain.groupby("fold", sort=False):
        others = calibration_factors(plain[plain.fold != fold], members, level)
        parts.append(intervals(part.drop(columns=["interval_low", "interval_high", "is_in_interval"]),
                               members, level, {kind: others.get(kind, pooled.get(kind, 1.0))
                                                for kind in part.kind.unique()}))
    widened = pd.concat(parts).loc[plain.index]
    return widened, pooled


def summarise(predictions: pd.DataFrame) -> pd.DataFrame:
    """Per model variant and kind: median absolute % error of annual figures, shares within 10% and within
    the rounding, and the share of part-year bounds respected. ``all`` pools every kind."""
    rows = []
    for variant, frame in predictions.groupby("model_variant", sort=False):
        for kind in (*KINDS, "all"):
            part = frame if kind == "all" else frame[frame.kind == kind]
            if part.empty:
                continue
            annual = part[~part.is_bound.astype(bool)]
            errors = annual.abs_pct_error.dropna().astype(float)
            bounds = part[part.is_bound.astype(bool)]
            rows.append({
                "model_variant": variant, "kind": kind, "figures": len(part), "annual_figures": len(annual),
                "median_abs_pct_error": round(float(np.median(errors)), 2) if len(errors) else None,
                "share_within_10_pct": round(float((errors <= 10).mean()), 4) if len(errors) else None,
                "share_within_rounding": (round(float(annual.is_within_rounding.astype(bool).mean()), 4)
                                          if len(annual) else None),
                "bounds": len(bounds),
                "share_bounds_respected": (round(float(bounds.is_bound_respected.astype(bool).mean()), 4)
                                           if len(bounds) else None),
                "interval_coverage": coverage(annual),
            })
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame = frame.copy()
    for column in ("interval_low", "interval_high", "predicted", "published", "tolerance"):
        if column in frame:
            frame[column] = frame[column].astype("Int64")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    frame.to_csv(tmp, index=False, lineterminator="\n", float_format="%.4f")
    tmp.replace(path)


def run(paths: Paths, folds: int, variants: bool, members: int, progress: bool = True
        ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, float], pd.DataFrame]:
    """The cross-validation of the bundled model (with its 80% intervals from ``members`` ensemble members per
    fold, widened per kind as the other folds require: :func:`cross_fitted_intervals`), and of the model before
    issue 21 when ``variants``; the widening factor per kind fitted on every fold (1 = the committed ranges are
    calibrated); and every member's prediction of every held-out figure."""
    constraints = load_constraints(paths, load_seeds(paths))
    plan = [(BUNDLED, True)] + ([(BEFORE, False)] if variants else [])
    frames = []
    spreads: list[pd.DataFrame] = []
    factors: dict[str, float] = {}
    for variant, bundled in plan:
        if progress:
            print(f"model variant {variant}: {folds} folds", file=sys.stderr)
        predictions = cross_validate(constraints, default_builder(paths, bundled), folds, progress=progress)
        if bundled and members:
            if progress:
                print(f"calibrated 80% intervals: {members} members per fold", file=sys.stderr)
            spread = member_predictions(constraints, paths, folds, members, load_ranges(paths), progress)
            predictions, factors = cross_fitted_intervals(predictions, spread)
            spreads.append(spread)
        frames.append(predictions.assign(model_variant=variant))
    predictions = pd.concat(frames, ignore_index=True).reindex(columns=PREDICTION_COLUMNS)
    members_frame = spreads[0] if spreads else pd.DataFrame(columns=["constraint_id", "member", "predicted"])
    return predictions, summary_with_intervals(predictions, members_frame, factors), factors, members_frame


def summary_with_intervals(predictions: pd.DataFrame, members: pd.DataFrame, factors: dict[str, float]
                           ) -> pd.DataFrame:
    """:func:`summarise`, with the bundled model's coverage of the members' plain (unwidened) intervals and the
    widening per kind fitted on every fold beside the calibrated coverage."""
    summary = summarise(predictions)
    if members.empty:
        return summary
    bundled = predictions[predictions.model_variant == BUNDLED]
    raw = intervals(bundled.drop(columns=["interval_low", "interval_high", "is_in_interval"]), members)
    annual = raw[~raw.is_bound.astype(bool)]
    plain = {str(kind): coverage(part) for kind, part in annual.groupby("kind")} | {"all": coverage(annual)}
    rows = summary.model_variant == BUNDLED
    summary.loc[rows, "interval_coverage_uncalibrated"] = summary.loc[rows, "kind"].map(plain)
    summary.loc[rows, "interval_widening"] = summary.loc[rows, "kind"].map(factors)
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=DEFAULT_FOLDS)
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    parser.add_argument("--variants", action="store_true",
                        help="also run the model before issue 21 (no memory, propensities as written) for comparison")
    parser.add_argument("--members", type=int, default=DEFAULT_MEMBERS,
                        help="ensemble members per fold for the intervals (0: no intervals)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        predictions, summary, factors, members = run(default_paths(), args.folds, args.variants, args.members)
    except InputError as error:
        print(f"reference_data.crossval: {error}", file=sys.stderr)
        return 1
    write_csv(predictions, args.out / "predictions.csv")
    write_csv(summary, args.out / "summary.csv")
    write_csv(members, args.out / "members.csv")
    print(summary.to_string(index=False))
    if factors:
        print("widening of each kind's members' interval that covers 80% of its held-out annual figures: "
              + ", ".join(f"{kind} {factor:g}" for kind, factor in sorted(factors.items())))
    print(f"cross-validation in {time.perf_counter() - started:.0f} s -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

