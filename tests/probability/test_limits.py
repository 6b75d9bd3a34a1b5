"""edl.probability.limits beyond its checks: the smallest accepted arguments, the open range of p, and
the CLT distance against an independent float64 computation."""

import math
import re

import numpy as np
import pytest
import torch
from scipy import stats

from edl.probability import limits


def names(arg):
    return pytest.raises(ValueError, match=rf"(?<![\w.]){re.escape(arg)}(?![\w.])")


def test_chebyshev_takes_a_zero_variance_and_one_sample():
    assert float(limits.chebyshev_mean_bound(0.0, 1, 0.5)) == 0.0
    assert float(limits.chebyshev_mean_bound(2.0, 1, 1.0)) == 2.0
    assert limits.chebyshev_mean_bound(torch.tensor(2.0, dtype=torch.float32), 3, 1.0).dtype == torch.float32
    with names("variance"):
        limits.chebyshev_mean_bound(-1.0, 1, 0.5)
    with names("n"):
        limits.chebyshev_mean_bound(1.0, 0, 0.5)
    with names("t"):
        limits.chebyshev_mean_bound(1.0, 1, 0.0)


@pytest.mark.parametrize("n, p", [(1, 0.5), (2, 0.3), (7, 0.9)])
def test_clt_distance_equals_the_largest_gap_at_a_jump(n, p):
    k = np.arange(n + 1, dtype=np.float64)
    z = (k - n * p) / math.sqrt(n * p * (1 - p))
    right = stats.binom.cdf(k, n, p)
    gaps = np.concatenate([right - stats.norm.cdf(z), right - stats.binom.pmf(k, n, p) - stats.norm.cdf(z)])
    assert limits.clt_distance(n, p) == pytest.approx(np.abs(gaps).max(), rel=1e-13, abs=0)


@pytest.mark.parametrize("f", [limits.clt_distance, limits.berry_esseen_bound])
def test_n_is_at_least_one_and_p_strictly_inside_the_unit_interval(f):
    assert f(1, 0.5) > 0
    for p in (0.0, 1.0, 1.5):
        with names("p"):
            f(3, p)
    with names("n"):
        f(0, 0.5)


def test_berry_esseen_bound_at_one_summand():
    assert limits.berry_esseen_bound(1, 0.5) == pytest.approx(limits.BERRY_ESSEEN_C * 0.5 / 0.5)


def test_bernoulli_log_mgf_and_kl_at_the_ends_of_p():
    assert float(limits.centered_bernoulli_log_mgf(1.0, 0.0)) == 0.0
    assert float(limits.centered_bernoulli_log_mgf(1.0, 1.0)) == pytest.approx(0.0, abs=1e-15)
    assert float(limits.bernoulli_kl(1.0, 0.5)) == pytest.approx(math.log(2))
    assert float(limits.bernoulli_kl(0.0, 1.0)) == math.inf
    f32 = torch.tensor(0.3, dtype=torch.float32)
    assert limits.centered_bernoulli_log_mgf(f32, 0.5).dtype == torch.float32
    assert limits.bernoulli_kl(f32, 0.5).dtype == torch.float32
    with names("p"):
        limits.centered_bernoulli_log_mgf(1.0, 1.5)
    with names("lam"):
        limits.centered_bernoulli_log_mgf(float("nan"), 0.5)
    with names("q"):
        limits.bernoulli_kl(1.5, 0.5)
    with names("p"):
        limits.bernoulli_kl(0.5, 1.5)
