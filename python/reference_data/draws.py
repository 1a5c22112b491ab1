"""One ensemble member's assumptions: every modeled input drawn from the range in ``priors/ensemble_ranges.csv``.

Published figures are never drawn: the constraints stay as they are (except a press-rounded ``target``,
which moves inside its rounding interval), so every member satisfies every hard figure exactly. A draw
is a pure function of the seed (NumPy's PCG64 via ``default_rng``): the same seed gives the same member.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Context, Decimal

import numpy as np
import pandas as pd

from reference_data.frames import each_row
from reference_data.inputs import ALMATY, InputError, read_csv
from reference_data.paths import Paths

RANGE_COLUMNS = ["prior", "columns", "grain", "where", "kind", "low", "high", "basis"]
KINDS = {"log_uniform_factor", "uniform_factor", "uniform_int_shift", "add_uniform", "uniform"}


@dataclass(frozen=True)
class Draw:
    priors: dict[str, pd.DataFrame]
    constraints: pd.DataFrame
    part_year_scale: float


def load_ranges(paths: Paths) -> pd.DataFrame:
    path = paths.priors_dir / "ensemble_ranges.csv"
    ranges = read_csv(path, RANGE_COLUMNS, ("low", "high"))
    for number, row in enumerate(each_row(ranges), start=2):
        if row.kind not in KINDS:
            raise InputError(f"{path}: row {number}: unknown kind {row.kind!r} (known: {sorted(KINDS)})")
        if float(row.low) > float(row.high):
            raise InputError(f"{path}: row {number}: low {row.low} above high {row.high}")
    return ranges


def _selected(frame: pd.DataFrame, where: str) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for condition in where.split():
        if "!=" in condition:
            column, value = condition.split("!=")
            mask &= frame[column].astype(str) != value
        else:
            column, value = condition.split("=")
            mask &= frame[column].astype(str) == value
    return mask


# Correctly rounded in software (mpdecimal), so the same on every CPU. NumPy's exp and log pick a SIMD
# kernel at run time (AVX-512 differs from AVX2 in the last bit), which changed members' tables by machine.
_EXACT = Context(prec=40)


def _ln(value: float) -> float:
    return float(_EXACT.ln(Decimal(value)))


def _exp(values: np.ndarray) -> np.ndarray:
    return np.array([float(_EXACT.exp(Decimal(float(v)))) for v in values], dtype=float)


def _values(rng: np.random.Generator, kind: str, low: float, high: float, size: int) -> np.ndarray:
    if kind == "log_uniform_factor":
        return _exp(rng.uniform(_ln(low), _ln(high), size))
    if kind == "uniform_int_shift":
        return rng.integers(int(low), int(high) + 1, size).astype(float)
    return rng.uniform(low, high, size)


def _apply(frame: pd.DataFrame, spec, rng: np.random.Generator) -> pd.DataFrame:
    frame = frame.copy()
    mask = _selected(frame, spec.where)
    rows = frame.index[mask]
    if spec.grain == "row":
        groups = np.arange(len(rows))
    else:
        keys = frame.loc[rows, spec.grain.split()].astype(str).agg("|".join, axis=1)
        groups = pd.factorize(keys, sort=True)[0]
    drawn = _values(rng, spec.kind, float(spec.low), float(spec.high), int(groups.max()) + 1 if len(rows) else 0)
    for column in spec.columns.split():
        values = frame.loc[rows, column].astype(float).to_numpy()
        if spec.kind in ("log_uniform_factor", "uniform_factor"):
            values = values * drawn[groups]
        else:
            values = values + drawn[groups]
        frame[column] = frame[column].astype(float)
        frame.loc[rows, column] = values
    return frame


def _almaty_fixed_totals(constraints: pd.DataFrame) -> dict[tuple[int, str], tuple[str, int]]:
    """(year, direction) -> ("exact" | "at_least", persons) for Almaty's all-ages totals."""
    rows = constraints[(constraints.region_code == ALMATY) & (constraints.population == "all_ages")
                       & (constraints.country_code == "_T")]
    fixed: dict[tuple[int, str], tuple[str, int]] = {}
    hard = rows[(rows.use == "hard") & (rows.months == "01-12")]
    known = {(int(c.year), c.direction_code): int(c.value) for c in each_row(hard)}
    for (year, direction), value in known.items():
        if direction == "net":
            if (year, "arrival") in known:
                fixed[(year, "departure")] = ("exact", known[(year, "arrival")] - value)
            elif (year, "departure") in known:
                fixed[(year, "arrival")] = ("exact", known[(year, "departure")] + value)
        else:
            fixed[(year, direction)] = ("exact", value)
    for c in each_row(rows[rows.use == "lower_bound"]):
        key = (int(c.year), c.direction_code)
        slack = 50 if c.comparison.startswith("rounded_100") else 0
        if key not in fixed or fixed[key][0] != "exact":
            fixed[key] = ("at_least", max(fixed.get(key, ("", 0))[1], int(c.value) - slack))
    return fixed


def _keep_almaty_feasible(series: pd.DataFrame, base: pd.DataFrame, constraints: pd.DataFrame) -> pd.DataFrame:
    """Scaling Almaty's year as a whole must not break its published totals: a year whose total is fixed
    keeps the fixed total (its working age at most 97% of it), a bounded one stays above the bound."""
    fixed = _almaty_fixed_totals(constraints)
    series = series.copy()
    for index, row in series.iterrows():
        key = (int(row.year), row.direction_code)
        if key not in fixed:
            continue
        kind, value = fixed[key]
        total = float(row.all_ages)
        if kind == "at_least" and total < value:
            series.loc[index, ["all_ages", "working_age", "higher", "secondary_vocational"]] = (
                row[["all_ages", "working_age", "higher", "secondary_vocational"]].astype(float) * value / total)
        elif kind == "exact":
            ceiling = 0.97 * value
            if float(row.working_age) > ceiling:
                scale = ceiling / float(row.working_age)
                series.loc[index, ["working_age", "higher", "secondary_vocational"]] = (
                    row[["working_age", "higher", "secondary_vocational"]].astype(float) * scale)
    for column in ("all_ages", "working_age", "higher", "secondary_vocational"):
        series[column] = np.ceil(series[column].astype(float) - 1e-9).astype(int)
    series["general_secondary_share"] = series.general_secondary_share.astype(float).clip(0.05, 0.95)
    return series


def draw(priors: dict[str, pd.DataFrame], constraints: pd.DataFrame, ranges: pd.DataFrame,
         rng: np.random.Generator) -> Draw:
    """One member's priors, constraints (rounded targets moved within their unit) and part-year scale."""
    drawn = {name: frame.copy() for name, frame in priors.items()}
    drawn_constraints = constraints.copy()
    scale = 1.0
    for spec in each_row(ranges):
        if spec.prior == "part_year_scale":
            scale = float(_values(rng, spec.kind, float(spec.low), float(spec.high), 1)[0])
        elif spec.prior == "constraints.csv":
            drawn_constraints = _apply(drawn_constraints, spec, rng)
            drawn_constraints["value"] = drawn_constraints.value.round().astype(int)
        elif spec.prior in drawn:
            drawn[spec.prior] = _apply(drawn[spec.prior], spec, rng)
        else:
            raise InputError(f"priors/ensemble_ranges.csv: no prior file {spec.prior!r}")
    cycles = drawn["region_cycles.csv"]
    cycles["amplitude"] = cycles.amplitude.astype(float).clip(0, 0.95)
    shares = drawn["national_shares.csv"]
    shares["share"] = shares.share.astype(float).clip(0.01, 0.95)
    drawn["almaty_series.csv"] = _keep_almaty_feasible(drawn["almaty_series.csv"], priors["almaty_series.csv"],
                                                       drawn_constraints)
    return Draw(priors=drawn, constraints=drawn_constraints, part_year_scale=scale)
