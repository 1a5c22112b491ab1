"""Confidence sets by root-finding (estimators.inversion) against brute-force inversions on a fine grid."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis.causal.run import studentised_set
from estimators.inversion import ConfidenceSet, describe, invert_test
from estimators.studentised import studentised_placebo_in_space

from .conftest import make_panel


def _grid_set(p_values, grid: np.ndarray, alpha: float) -> tuple[float, float]:
    accepted = grid[p_values(grid) > alpha]
    return float(accepted.min()), float(accepted.max())


def test_a_rank_test_set_matches_the_closed_form_and_a_fine_grid():
    # Studentised rank test with 19 placebos: not rejected at 10% while |est - theta| / sd is below the
    # second-largest |placebo| (p = (1 + #{|placebo| >= stat}) / 20 > 0.1 needs at least 2 placebos as extreme).
    placebos = np.linspace(-2.0, 2.5, 19)
    estimate, sd = 5.0, 3.0
    ordered = np.sort(np.abs(placebos))[::-1]

    def p_values(theta: np.ndarray) -> np.ndarray:
        stat = np.abs(estimate - np.asarray(theta)) / sd
        return (1 + (np.abs(placebos)[None, :] >= stat[:, None]).sum(axis=1)) / 20

    result = invert_test(p_values, estimate, sd, confidence=0.90)
    expected = (estimate - sd * ordered[1], estimate + sd * ordered[1])
    assert (result.low, result.high) == pytest.approx(expected, abs=1e-8)
    low, high = _grid_set(p_values, np.linspace(-10, 20, 300_001), 0.10)
    assert result.low <= low < result.low + 1e-4 and result.high - 1e-4 < high <= result.high
    assert result.is_interval and result.contains(estimate)


def test_the_search_is_not_limited_by_a_grid_edge():
    # The set is 500 scales wide: a grid of ±12 scales (the old search) would stop at its own edge.
    def p_values(theta: np.ndarray) -> np.ndarray:
        return np.where(np.abs(np.asarray(theta) - 1.0) < 500.0, 0.5, 0.01)

    result = invert_test(p_values, 1.0, 1.0)
    assert (result.low, result.high) == pytest.approx((-499.0, 501.0), abs=1e-6)


def test_a_test_that_cannot_reject_gives_an_unbounded_set_and_says_so():
    result = invert_test(lambda theta: np.full(np.shape(theta), 1 / 3), 2.0, 1.0)
    assert result.low == -math.inf and result.high == math.inf and not result.bounded
    assert "unbounded" in describe(result, str)


def test_a_set_with_a_hole_is_flagged():
    def p_values(theta: np.ndarray) -> np.ndarray:
        theta = np.asarray(theta)
        inside = (np.abs(theta) < 10) & ~((theta > 3) & (theta < 4))
        return np.where(inside | ((theta > 15) & (theta < 16)), 0.5, 0.01)

    result = invert_test(p_values, 0.0, 1.0)
    assert not result.is_interval
    assert "not an interval" in describe(result, lambda v: f"{v:.1f}")


def test_a_rejected_estimate_gives_no_set_around_it():
    result = invert_test(lambda theta: np.full(np.shape(theta), 0.01), 0.0, 1.0)
    assert isinstance(result, ConfidenceSet) and not result.estimate_accepted


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_studentised_placebo_set_contains_its_estimate_and_agrees_with_a_grid(seed):
    panel = make_panel(seed, n_regions=20, effect=3.0)
    test = studentised_placebo_in_space(panel, "net")
    result = studentised_set(test, confidence=0.90)
    assert result.bounded and result.contains(test.estimate)
    # Brute force: every unit's DiD over its own pre-period SD, recomputed with pandas, on a fine grid.
    grid = np.linspace(result.low - 5, result.high + 5, 200_001)
    spacing = grid[1] - grid[0]
    placebo = np.abs(test.placebos["estimate"] / test.placebos["noise_sd"]).to_numpy()
    stat = np.abs(test.estimate - grid) / test.treated_sd
    p = (1 + (placebo[None, :] >= stat[:, None]).sum(axis=1)) / (1 + placebo.size)
    accepted = grid[p > 0.10]
    assert abs(accepted.min() - result.low) <= spacing and abs(accepted.max() - result.high) <= spacing
