"""Tests of edl.probability.conditioning and edl.probability.limits against independent routes."""

import math
from fractions import Fraction

import numpy as np
import pytest
import torch
from scipy import special, stats

from edl.probability import conditioning as cond
from edl.probability import limits


def f64(x):
    return torch.tensor(x, dtype=torch.float64)


# --- Bayes' rule and mutual information ---------------------------------------------------------------

def test_bayes_posterior_matches_exact_fractions_of_the_diagnostic_test():
    prior, sens, false_pos = Fraction(1, 100), Fraction(95, 100), Fraction(10, 100)
    exact = sens * prior / (sens * prior + false_pos * (1 - prior))  # 95/1085
    post = cond.bayes_posterior([0.01, 0.99], [0.95, 0.10])
    assert float(post[0]) == pytest.approx(float(exact), rel=1e-14)
    assert float(post.sum()) == pytest.approx(1.0, abs=1e-15)
    # two independent positive tests: the posterior of the first is the prior of the second
    twice = cond.bayes_posterior(post, [0.95, 0.10])
    assert float(twice[0]) == pytest.approx(float(sens**2 * prior / (sens**2 * prior + false_pos**2 * (1 - prior))))


def test_bayes_posterior_refuses_bad_input():
    with pytest.raises(ValueError, match="prior"):
        cond.bayes_posterior([0.5, 0.6], [0.1, 0.2])
    with pytest.raises(ValueError, match="likelihood"):
        cond.bayes_posterior([0.5, 0.5], [0.1, 1.2])
    with pytest.raises(ValueError, match="likelihood must end"):
        cond.bayes_posterior([0.5, 0.5], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="positive probability"):
        cond.bayes_posterior([1.0, 0.0], [0.0, 0.5])


def test_mutual_information_is_the_entropy_identity_and_zero_for_products():
    rng = np.random.default_rng(0)
    for _ in range(20):
        joint = rng.dirichlet(np.ones(12)).reshape(3, 4)
        by_entropies = (stats.entropy(joint.sum(1)) + stats.entropy(joint.sum(0)) - stats.entropy(joint.ravel()))
        assert float(cond.mutual_information(joint)) == pytest.approx(by_entropies, abs=1e-12)
        product = np.outer(joint.sum(1), joint.sum(0))
        assert abs(float(cond.mutual_information(product))) < 1e-14
    with pytest.raises(ValueError, match="joint"):
        cond.mutual_information([0.5, 0.5])


def test_xor_of_two_fair_bits_is_pairwise_independent_of_each_but_not_of_both():
    # outcomes (a, b, c = a xor b), each of the four (a, b) with probability 1/4
    joint_ac = np.zeros((2, 2))
    joint_abc = np.zeros((4, 2))
    for a in (0, 1):
        for b in (0, 1):
            joint_ac[a, a ^ b] += 0.25
            joint_abc[2 * a + b, a ^ b] += 0.25
    assert abs(float(cond.mutual_information(joint_ac))) < 1e-15
    assert float(cond.mutual_information(joint_abc)) == pytest.approx(math.log(2), abs=1e-15)


# --- the softmax and change of variables -------------------------------------------------------------

def test_softmax_agrees_with_torch_and_survives_large_logits():
    z = torch.randn(5, 7, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    assert torch.allclose(cond.softmax(z), torch.softmax(z, -1), atol=1e-15)
    assert torch.allclose(cond.softmax(z, 0.3), torch.softmax(z / 0.3, -1), atol=1e-15)
    big = cond.softmax([1000.0, 1001.0])
    assert torch.isfinite(big).all() and float(big[1]) == pytest.approx(1 / (1 + math.exp(-1)))
    with pytest.raises(ValueError, match="temperature"):
        cond.softmax([1.0, 2.0], 0.0)


def test_the_cross_entropy_gradient_of_the_softmax_is_p_minus_the_label():
    z = f64([0.5, -1.0, 2.0]).requires_grad_(True)
    loss = -torch.log(cond.softmax(z)[2])
    (grad,) = torch.autograd.grad(loss, z)
    assert torch.allclose(grad, cond.softmax(z.detach()) - f64([0, 0, 1]), atol=1e-15)


def test_pushforward_density_is_the_lognormal_and_integrates_to_one():
    std_normal = lambda x: -x**2 / 2 - 0.5 * math.log(2 * math.pi)  # noqa: E731
    y = torch.linspace(0.05, 6.0, 50, dtype=torch.float64)
    ours = cond.pushforward_density(std_normal, torch.log, y)
    assert np.allclose(ours.numpy(), stats.lognorm(s=1.0).pdf(y.numpy()), rtol=1e-12)
    # Y = tanh X (monotone, not affine): P(Y ≤ tanh 1) = P(X ≤ 1), by integrating the density
    grid = torch.linspace(-1.0, math.tanh(1.0), 200_001, dtype=torch.float64)[1:]
    dens = cond.pushforward_density(std_normal, torch.atanh, grid)
    assert float(torch.trapezoid(dens, grid)) == pytest.approx(stats.norm.cdf(1.0), abs=1e-8)
    with pytest.raises(ValueError, match="inverse"):
        cond.pushforward_density(std_normal, "log", 1.0)


def test_affine_pushforward_of_a_standard_normal_is_the_normal_with_covariance_a_at():
    A, b = f64([[2.0, 0.5], [-0.3, 1.0]]), f64([1.0, -2.0])
    log_p = lambda x: -(x**2).sum(-1) / 2 - math.log(2 * math.pi)  # noqa: E731
    y = torch.randn(20, 2, generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    ours = cond.affine_pushforward_log_density(log_p, A, b, y)
    ref = stats.multivariate_normal(mean=b.numpy(), cov=(A @ A.T).numpy()).logpdf(y.numpy())
    assert np.allclose(ours.numpy(), ref, atol=1e-12)
    with pytest.raises(ValueError, match="invertible"):
        cond.affine_pushforward_log_density(log_p, [[1.0, 2.0], [2.0, 4.0]], [0.0, 0.0], [0.0, 0.0])


# --- limits and the lemmas of the proofs ---------------------------------------------------------------

def test_chebyshev_mean_bound_holds_for_exact_binomial_tails_and_is_tight_for_a_three_point_law():
    for n, t in ((10, 0.2), (100, 0.1), (1000, 0.03)):
        k = np.arange(n + 1)
        tail = stats.binom.pmf(k, n, 0.5)[np.abs(k / n - 0.5) >= t - 1e-12].sum()
        assert tail <= float(limits.chebyshev_mean_bound(0.25, n, t))
    # n = 1: X = ±t with probability σ²/(2t²) each, 0 otherwise, has P(|X| ≥ t) = σ²/t² exactly
    assert float(limits.chebyshev_mean_bound(0.02, 1, 0.5)) == pytest.approx(2 * 0.02 / (2 * 0.25))


def test_clt_distance_by_a_fine_grid_and_under_berry_esseen():
    for n, p in ((10, 0.5), (100, 0.3), (1000, 0.5)):
        sd = math.sqrt(n * p * (1 - p))
        z = np.linspace(-6, 6, 400_001)
        grid = np.abs(stats.binom.cdf(np.floor(n * p + z * sd + 1e-12), n, p) - stats.norm.cdf(z)).max()
        d = limits.clt_distance(n, p)
        assert grid <= d + 1e-12 and d == pytest.approx(grid, abs=2e-4)
        assert d <= limits.berry_esseen_bound(n, p)
    assert limits.clt_distance(1000, 0.5) < limits.clt_distance(100, 0.5) < limits.clt_distance(10, 0.5)


def test_hoeffding_lemma_holds_and_is_tight_for_a_fair_coin_at_small_lambda():
    lam = torch.linspace(-20, 20, 2001, dtype=torch.float64)
    for p in (0.0, 0.01, 0.3, 0.5, 0.9, 1.0):
        psi = limits.centered_bernoulli_log_mgf(lam, p)
        direct = -lam * p + torch.log(1 - p + p * torch.exp(lam))
        assert torch.allclose(psi, direct, atol=1e-12)
        assert (psi <= lam**2 / 8 + 1e-12).all()
    small = f64([1e-3, 1e-2])
    assert torch.allclose(limits.centered_bernoulli_log_mgf(small, 0.5) / (small**2 / 8), f64([1.0, 1.0]), rtol=1e-4)
    assert torch.isfinite(limits.centered_bernoulli_log_mgf(f64([800.0]), 0.5)).all()


def test_bernoulli_kl_agrees_with_scipy_and_the_two_point_pinsker_is_tight_near_a_fair_coin():
    q, p = np.meshgrid(np.linspace(0.001, 0.999, 101), np.linspace(0.001, 0.999, 101))
    ours = limits.bernoulli_kl(torch.from_numpy(q), torch.from_numpy(p)).numpy()
    ref = special.rel_entr(q, p) + special.rel_entr(1 - q, 1 - p)
    assert np.allclose(ours, ref, atol=1e-12)
    assert (ours - 2 * (q - p) ** 2 >= -1e-12).all()
    eps = 1e-3
    assert float(limits.bernoulli_kl(0.5 + eps, 0.5)) / (2 * eps**2) == pytest.approx(1.0, rel=1e-5)
    assert math.isinf(float(limits.bernoulli_kl(0.5, 0.0)))
