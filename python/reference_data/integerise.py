"""Rounding real-valued allocations to integers without changing their totals.

Both functions are deterministic: ties are broken by position, never at random.
"""

from __future__ import annotations

import numpy as np


def largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    """Integers proportional to ``weights`` that add up to ``total`` exactly (Hamilton's method)."""
    weights = np.asarray(weights, dtype=float)
    if total < 0:
        raise ValueError(f"cannot split a negative total {total}")
    if (weights < 0).any():
        raise ValueError("weights must be non-negative")
    if total == 0:
        return np.zeros(weights.shape, dtype=np.int64)
    weight_sum = weights.sum()
    if weight_sum <= 0:
        raise ValueError(f"cannot split {total} over weights that are all zero")
    quotas = weights * (total / weight_sum)
    result = np.floor(quotas + 1e-9).astype(np.int64)
    shortfall = int(total - result.sum())
    if shortfall > 0:
        remainders = quotas - result
        # Stable sort on the negated remainder: equal remainders keep their order.
        order = np.argsort(-remainders, kind="stable")
        result[order[:shortfall]] += 1
    elif shortfall < 0:
        raise AssertionError("floor of quotas exceeds the total")
    return result


def ipf(seed: np.ndarray, row_totals: np.ndarray, col_totals: np.ndarray,
        max_iterations: int = 5000, tolerance: float = 1e-9) -> np.ndarray:
    """Iterative proportional fitting of a non-negative seed matrix to row and column totals."""
    fitted = np.asarray(seed, dtype=float).copy()
    rows = np.asarray(row_totals, dtype=float)
    cols = np.asarray(col_totals, dtype=float)
    if abs(rows.sum() - cols.sum()) > 1e-6 * max(1.0, rows.sum()):
        raise ValueError(f"row totals {rows.sum()} and column totals {cols.sum()} differ")
    for label, totals, axis in (("row", rows, 1), ("column", cols, 0)):
        support = fitted.sum(axis=axis)
        impossible = np.flatnonzero((support <= 0) & (totals > 0))
        if impossible.size:
            raise ValueError(f"{label} {impossible.tolist()} has a positive total but an all-zero seed")
    for _ in range(max_iterations):
        row_sums = fitted.sum(axis=1)
        fitted *= np.divide(rows, row_sums, out=np.zeros_like(rows), where=row_sums > 0)[:, None]
        col_sums = fitted.sum(axis=0)
        fitted *= np.divide(cols, col_sums, out=np.zeros_like(cols), where=col_sums > 0)[None, :]
        if np.abs(fitted.sum(axis=1) - rows).max() <= tolerance * max(1.0, rows.max()):
            return fitted
    raise ValueError("IPF did not converge: the margins cannot be met with this seed's zero pattern")


def controlled_round(matrix: np.ndarray, row_totals: np.ndarray, col_totals: np.ndarray) -> np.ndarray:
    """Round a real matrix whose margins are integers to an integer matrix with the same margins.

    Each cell moves by less than one. Floors first; the leftover units form a 0/1 transport
    problem that a Gale-Ryser greedy always solves: rows with most units first, each taking the
    columns with most units still owed (larger fractional part breaking ties).
    """
    matrix = np.asarray(matrix, dtype=float)
    rows = np.asarray(row_totals, dtype=np.int64)
    cols = np.asarray(col_totals, dtype=np.int64)
    if rows.sum() != cols.sum():
        raise ValueError(f"row totals {rows.sum()} and column totals {cols.sum()} differ")
    floors = np.floor(matrix + 1e-9).astype(np.int64)
    floors = np.maximum(floors, 0)
    fractions = matrix - floors
    row_owed = rows - floors.sum(axis=1)
    col_owed = cols - floors.sum(axis=0)
    if (row_owed < 0).any() or (col_owed < 0).any():
        raise ValueError("matrix margins exceed the integer totals; fit the matrix first")
    result = floors.copy()
    for i in sorted(range(len(rows)), key=lambda r: (-row_owed[r], r)):
        need = int(row_owed[i])
        if need == 0:
            continue
        candidates = sorted(range(len(cols)), key=lambda c: (-col_owed[c], -fractions[i, c], c))
        chosen = [c for c in candidates if col_owed[c] > 0][:need]
        if len(chosen) < need:
            raise ValueError(f"controlled rounding failed on row {i}: margins are inconsistent")
        for c in chosen:
            result[i, c] += 1
            col_owed[c] -= 1
    if (col_owed != 0).any():
        raise ValueError("controlled rounding left column totals unmet")
    return result
