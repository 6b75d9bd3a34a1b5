"""edl.probability.basics beyond its checks: batch axes, accepted edge values, defaults, the dtype rule and
the validation boundaries, each against an independent value (numpy, scipy, a closed form)."""

import math
import re

import numpy as np
import pytest
import torch
from scipy import stats

from edl.probability import basics as b

F32, F64 = torch.float32, torch.float64


def names(arg):
    """A ValueError whose message names ``arg`` as a word."""
    return pytest.raises(ValueError, match=rf"(?<![\w.]){re.escape(arg)}(?![\w.])")


def test_variance_and_covariance_centre_each_variable_along_the_sample_axis():
    rng = np.random.default_rng(0)
    x, y = rng.normal(3.0, 2.0, (50, 2)), rng.normal(-1.0, 1.0, (50, 3))  # means far from 0
    np.testing.assert_allclose(b.variance(x), x.var(0), rtol=1e-12)
    full = np.cov(np.hstack([x, y]).T, bias=True)
    np.testing.assert_allclose(b.covariance(x, y), full[:2, 2:], rtol=1e-12)
    np.testing.assert_allclose(b.covariance(x[:, 0], y), full[0, 2:], rtol=1e-12)
    assert b.covariance(x[:, 0], y[:, 1]).shape == ()
    with names("x"):
        b.covariance(np.zeros((2, 2, 2)), y[:2])
    with names("y"):
        b.covariance(x[:2], np.zeros((2, 2, 2)))


def test_covariance_stays_accurate_far_from_the_origin():
    # centring both factors keeps the products small; a shifted factor cancels only after losing digits
    rng = np.random.default_rng(2)
    x = rng.normal(size=(400, 2)) + np.array([1e8, 0.0])
    y = rng.normal(size=(400, 2)) + np.array([0.0, -1e8])
    xc, yc = x - x.mean(0), y - y.mean(0)
    np.testing.assert_allclose(b.covariance(x, y), xc.T @ yc / 400, rtol=1e-9)


def test_integration_by_parts_uses_64_gauss_nodes_by_default_and_accepts_one():
    f, g = torch.sin, torch.exp
    default = b.integrate_by_parts(f, g, 0.0, 2.0)
    assert torch.equal(default, b.integrate_by_parts(f, g, 0.0, 2.0, num_nodes=64))
    # one Gauss node is the midpoint rule: [fg] - 2·(f'g)(1) = 4 - 2, where the exact value is 4 - 8/3
    one = b.integrate_by_parts(lambda x: x**2 / 2, lambda x: x, 0.0, 2.0, num_nodes=1)
    assert float(one) == pytest.approx(2.0, abs=1e-12)
    with names("num_nodes"):
        b.integrate_by_parts(f, g, 0.0, 1.0, num_nodes=0)
    with names("f"):
        b.integrate_by_parts(1.0, g, 0.0, 1.0)
    with names("b"):
        b.integrate_by_parts(f, g, 0.0, "one")


def test_geometric_sum_at_ratio_one_and_the_infinite_series_boundary():
    assert float(b.geometric_sum(3.0, 1.0, n=4)) == 15.0  # five terms of 3
    assert float(b.geometric_sum(1.0, -1.0, n=3)) == 0.0  # 1 - 1 + 1 - 1
    assert float(b.geometric_sum(1.0, 0.5)) == 2.0
    with names("r"):
        b.geometric_sum(1.0, 1.0)
    with names("r"):
        b.geometric_sum(1.0, -1.0)


def test_log1p_series_range_and_orders():
    assert float(b.log1p_series(1.0, order=4)) == pytest.approx(1 - 1 / 2 + 1 / 3 - 1 / 4)
    assert float(b.log1p_series(0.5)) == 0.5  # order 1 by default
    with names("x"):
        b.log1p_series(-1.0)
    with names("x"):
        b.log1p_series(-1.5)
    with names("x"):
        b.log1p_series(1.5)
    with names("order"):
        b.log1p_series(0.5, order=0)


def test_leibniz_det_on_batches_and_at_the_size_limit():
    rng = np.random.default_rng(1)
    A = rng.normal(size=(2, 5, 3, 3))  # batch axes longer than the matrix
    np.testing.assert_allclose(b.leibniz_det(A), np.linalg.det(A), rtol=1e-10)
    A9 = rng.normal(size=(1, 9, 2, 2))  # nine matrices of size 2: the size limit is on the matrix, not the batch
    np.testing.assert_allclose(b.leibniz_det(A9), np.linalg.det(A9), rtol=1e-10)
    A8 = rng.normal(size=(8, 8))
    assert float(b.leibniz_det(A8)) == pytest.approx(np.linalg.det(A8), rel=1e-9)
    with names("A"):
        b.leibniz_det(np.eye(9))
    with names("A"):
        b.leibniz_det(np.zeros((2, 9, 3, 3))[..., :2])  # (2, 9, 3, 2): not square


def test_hoeffding_bound_at_zero_deviation_and_with_unequal_ranges():
    assert float(b.hoeffding_bound(5, 0.0)) == 1.0
    expected = math.exp(-2 * 3**2 * 0.5**2 / (1 + 4 + 9))
    assert float(b.hoeffding_bound(3, 0.5, ranges=[1.0, 2.0, 3.0])) == pytest.approx(expected, rel=1e-12)
    t = torch.tensor(0.5, dtype=F32)
    assert b.hoeffding_bound(3, t).dtype == F32 and b.hoeffding_bound(3, t, ranges=[1.0, 2.0, 3.0]).dtype == F32
    with names("t"):
        b.hoeffding_bound(3, -0.1)
    with names("ranges"):
        b.hoeffding_bound(3, 0.5, ranges=[1.0, 2.0])


def test_union_bound_sums_along_the_last_axis_only():
    probs = torch.tensor([[0.1, 0.2], [0.3, 0.0]], dtype=F64)
    assert torch.allclose(b.union_bound(probs), torch.tensor([0.3, 0.3], dtype=F64))
    with names("probs"):
        b.union_bound(torch.tensor(0.5))
    with names("probs"):
        b.union_bound([0.5, 1.5])


def test_norm_bounds_refuse_scalars_and_mismatched_shapes():
    for bound in (b.cauchy_schwarz_bound, lambda v_, u: b.holder_bound(v_, u, 3.0)):
        with names("v_"):
            bound(1.0, 1.0)
        with names("u"):
            bound([1.0, 2.0], [1.0, float("nan")])
        with names("v_"):
            bound([1.0, float("inf")], [1.0, 2.0])


def test_jensen_gap_with_weights_and_its_validation():
    x = np.array([0.0, 1.0, 3.0])
    w = np.array([0.5, 0.25, 0.25])
    expected = (w * x**2).sum() - (w * x).sum() ** 2
    assert float(b.jensen_gap(torch.square, x, w)) == pytest.approx(expected, rel=1e-12)
    assert b.jensen_gap(torch.square, torch.tensor(x, dtype=F32), w).dtype == F32
    with names("x"):
        b.jensen_gap(torch.square, [1.0, float("nan")])
    with names("weights"):
        b.jensen_gap(torch.square, x, [0.5, 0.5])


def test_markov_bound_allows_a_zero_mean():
    assert float(b.markov_bound(0.0, 2.0)) == 0.0
    assert b.markov_bound(torch.tensor(1.0, dtype=F32), 2.0).dtype == F32
    with names("mean"):
        b.markov_bound(-1.0, 2.0)
    with names("a"):
        b.markov_bound(1.0, float("nan"))


def test_densities_are_zero_at_infinity_and_follow_the_dtype_of_x():
    assert float(b.normal_pdf(math.inf)) == 0.0 and float(b.normal_pdf(-math.inf, 1.0, 2.0)) == 0.0
    assert float(b.exponential_pdf(math.inf, 2.0)) == 0.0 and float(b.exponential_pdf(-math.inf, 2.0)) == 0.0
    x = torch.tensor(0.3, dtype=F32)  # 0-d, so that a float64 parameter would promote the result
    assert b.normal_pdf(x, 0.5, 2.0).dtype == F32 and b.exponential_pdf(x, 2.0).dtype == F32
    assert float(b.normal_pdf(0.3, 0.5, 2.0)) == pytest.approx(stats.norm.pdf(0.3, 0.5, math.sqrt(2.0)), rel=1e-12)
    with names("mu"):
        b.normal_pdf(0.0, float("nan"))
    with names("sigma2"):
        b.normal_pdf(0.0, 0.0, float("inf"))


def test_mvn_arguments_are_named_and_follow_the_dtype_of_x():
    x = torch.zeros(2, dtype=F32)
    assert b.mvn_pdf(x, [0.0, 0.0], np.eye(2)).dtype == F32
    assert b.gaussian_mgf(x, [0.0, 0.0], np.eye(2)).dtype == F32
    with names("mu"):
        b.mvn_pdf([0.0, 0.0], [0.0, float("nan")], np.eye(2))
    with names("Sigma"):
        b.mvn_pdf([0.0, 0.0], [0.0, 0.0], np.full((2, 2), float("nan")))
    with names("x"):
        b.mvn_pdf(0.0, [0.0], np.eye(1))


def test_pmfs_accept_the_ends_of_their_ranges():
    assert float(b.bernoulli_pmf(1.0, 1.0)) == 1.0 and float(b.bernoulli_pmf(1.0, 0.0)) == 0.0
    assert float(b.binomial_pmf(0.0, 1, 0.3)) == pytest.approx(0.7)
    assert float(b.binomial_pmf(2.0, 2, 1.0)) == pytest.approx(1.0, abs=1e-12)
    assert float(b.poisson_pmf(0.0, 2.0)) == pytest.approx(math.exp(-2.0))
    x = torch.tensor(1.0, dtype=F32)
    for pmf in (b.bernoulli_pmf(x, 0.3), b.binomial_pmf(x, 3, 0.3), b.poisson_pmf(x, 2.0)):
        assert pmf.dtype == F32
    with names("x"):
        b.bernoulli_pmf(0.5, 0.3)
    with names("p"):
        b.bernoulli_pmf(1.0, 1.5)
    with names("n"):
        b.binomial_pmf(0.0, 0, 0.5)
    with names("x"):
        b.binomial_pmf(-1.0, 3, 0.5)
    with names("x"):
        b.binomial_pmf(4.0, 3, 0.5)
    with names("p"):
        b.binomial_pmf(1.0, 3, 1.5)
    with names("lam"):
        b.poisson_pmf(1.0, 0.0)


@pytest.mark.parametrize("size, listed", [(19, True), (20, False)])
def test_a_bad_input_of_20_entries_or_more_is_echoed_as_a_tensor(size, listed):
    with pytest.raises(ValueError, match=re.escape("got [0.5, " if listed else "got tensor(")):
        b.bernoulli_pmf([0.5] * size, 0.3)
    with pytest.raises(ValueError, match=re.escape("got [4.0, " if listed else "got tensor(")):
        b.binomial_pmf([4.0] * size, 3, 0.3)
