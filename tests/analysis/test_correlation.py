import math
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest

from estimators.correlation import correlate

X = np.array([3.0, 7.0, 1.0, 9.0, 4.0, 6.0, 2.0, 8.0, 5.0, 10.0])
Y = np.array([2.5, 6.0, 2.0, 9.5, 3.0, 7.5, 1.0, 6.5, 5.5, 9.0])


def _hand_pearson(x: np.ndarray, y: np.ndarray) -> float:
    dx, dy = x - x.mean(), y - y.mean()
    return float((dx * dy).sum() / math.sqrt((dx**2).sum() * (dy**2).sum()))


def test_pearson_and_fisher_interval_match_hand_computation():
    result = correlate(X, Y)
    r = _hand_pearson(X, Y)
    z, se = math.atanh(r), 1 / math.sqrt(len(X) - 3)
    z_crit = NormalDist().inv_cdf(0.975)
    assert result.n == 10 and result.n_dropped == 0
    assert result.estimate == pytest.approx(r, abs=1e-12)
    assert result.interval.low == pytest.approx(math.tanh(z - z_crit * se), abs=1e-12)
    assert result.interval.high == pytest.approx(math.tanh(z + z_crit * se), abs=1e-12)


def _hand_fisher_interval(r: float, n: int, confidence: float) -> tuple[float, float]:
    z, se = math.atanh(r), 1 / math.sqrt(n - 3)
    z_crit = NormalDist().inv_cdf(0.5 + confidence / 2)
    return math.tanh(z - z_crit * se), math.tanh(z + z_crit * se)


@pytest.mark.parametrize("confidence", [0.8, 0.9, 0.99])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_interval_is_fisher_z_at_any_confidence(confidence: float, seed: int):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=23)
    y = 0.6 * x + rng.normal(size=23)
    result = correlate(x, y, confidence=confidence)
    low, high = _hand_fisher_interval(_hand_pearson(x, y), 23, confidence)
    assert result.interval.low == pytest.approx(low, abs=1e-12)
    assert result.interval.high == pytest.approx(high, abs=1e-12)
    assert result.interval.level == confidence


def test_interval_limits_three_pairs_and_perfect_correlation():
    # With 3 pairs the standard error 1/sqrt(n - 3) is infinite: the interval is the whole range.
    three = correlate([1.0, 2.0, 3.0], [1.0, 3.0, 2.0])
    assert (three.interval.low, three.interval.high) == (-1.0, 1.0)
    perfect = correlate([1.0, 2.0, 3.0, 4.0, 5.0], [-2.0, -4.0, -6.0, -8.0, -10.0])
    assert perfect.estimate == pytest.approx(-1.0)
    assert perfect.interval.low == pytest.approx(-1.0) and perfect.interval.high == pytest.approx(-1.0)


def test_pearson_p_value_equals_slope_t_test():
    # The Pearson test is the t test of the OLS slope: t = r sqrt((n-2)/(1-r^2)), n-2 df.
    import statsmodels.api as sm

    slope_p = sm.OLS(Y, sm.add_constant(X)).fit().pvalues[1]
    assert correlate(X, Y).p_value == pytest.approx(slope_p, rel=1e-9)


def test_spearman_is_pearson_of_ranks():
    ranks_x, ranks_y = X.argsort().argsort().astype(float), Y.argsort().argsort().astype(float)
    assert correlate(X, Y).spearman_rho == pytest.approx(_hand_pearson(ranks_x, ranks_y), abs=1e-12)


def test_missing_pairs_dropped_and_series_aligned_on_index():
    x = pd.Series([1.0, 2.0, 4.0, 3.0, 5.0, np.nan], index=range(2000, 2006))
    y = pd.Series([2.0, 1.0, 3.0, 5.0, 4.0, 6.0, 7.0], index=range(2001, 2008))
    result = correlate(x, y)
    # Common years with both values: 2001-2004 -> x = [2, 4, 3, 5], y = [2, 1, 3, 5].
    assert result.n == 4
    assert result.n_dropped == 4  # 2000, 2005 (x missing), 2006, 2007
    assert result.estimate == pytest.approx(_hand_pearson(np.array([2, 4, 3, 5.0]), np.array([2, 1, 3, 5.0])))


def test_undefined_correlations_raise():
    with pytest.raises(ValueError, match="constant"):
        correlate([1, 1, 1, 1], [1, 2, 3, 4])
    with pytest.raises(ValueError, match="at least 3"):
        correlate([1, 2, np.nan], [1, 2, 3])
