"""Unit tests of edl.generative.latent."""

import math

import numpy as np
import pytest
import scipy.stats
import torch

from edl.core.checking import f64
from edl.generative import latent as la
from edl.generative.checks import latent as ch


def test_marginal_likelihood_of_a_linear_gaussian_model():
    lik = lambda x, z: -0.5 * (x - 2 * z) ** 2 - 0.5 * math.log(2 * math.pi)  # noqa: E731
    assert float(la.marginal_likelihood(lik, 0.7)) == pytest.approx(scipy.stats.norm.pdf(0.7, 0, math.sqrt(5)), abs=1e-11)
    with pytest.raises(ValueError, match="log_lik"):
        la.marginal_likelihood(lambda x, z: z[:2], 0.0)


def test_gmm_density_responsibilities_and_em():
    X = f64([[0.0, 0.0], [1.0, 2.0]])
    w, mu = f64([0.3, 0.7]), f64([[0.0, 0.0], [1.0, 1.0]])
    S = f64([np.eye(2), [[2.0, 0.5], [0.5, 1.0]]])
    comp = np.stack([w[k].item() * scipy.stats.multivariate_normal(mu[k].numpy(), S[k].numpy()).pdf(X.numpy()) for k in range(2)], 1)
    assert np.allclose(np.exp(la.gmm_log_density(X, w, mu, S).numpy()), comp.sum(1), rtol=1e-13)
    assert np.allclose(la.gmm_responsibilities(X, w, mu, S).numpy(), comp / comp.sum(1, keepdims=True), atol=1e-14)
    pi, m, Sf, ll = la.gmm_em([[-1.0], [-1.2], [1.0], [1.2]], [0.5, 0.5], [[-0.5], [0.5]], [[[1.0]], [[1.0]]], iters=40)
    assert m[:, 0].tolist() == pytest.approx([-1.1, 1.1], abs=1e-6) and pi.tolist() == pytest.approx([0.5, 0.5], abs=1e-6)
    assert float(Sf[0, 0, 0]) == pytest.approx(0.01 + 1e-6, abs=1e-6)
    assert ll.shape == (41,) and bool((ll[1:] >= ll[:-1] - 1e-12).all())
    with pytest.raises(ValueError, match="covs"):
        la.gmm_log_density(X, w, mu, f64([np.eye(2), -np.eye(2)]))


def test_factor_analysis_model_likelihood_and_posterior():
    W, psi = f64([[1.0], [2.0]]), f64([0.5, 0.5])
    assert la.fa_covariance(W, psi).tolist() == [[1.5, 2.0], [2.0, 4.5]]
    X = f64([[0.3, -0.2], [1.0, 2.0]])
    ref = scipy.stats.multivariate_normal([0.1, 0.0], [[1.5, 2.0], [2.0, 4.5]]).logpdf(X.numpy()).sum()
    assert float(la.fa_log_likelihood(X, [0.1, 0.0], W, psi)) == pytest.approx(ref, rel=1e-13)
    m, S = la.fa_posterior([2.0], [0.0], [[1.0]], [1.0])
    assert m.tolist() == [1.0] and S.tolist() == [[0.5]]
    m, S = la.fa_posterior([1.0, 1.0], [0.0, 0.0], W, psi)
    C = np.array([[1.5, 2.0], [2.0, 4.5]])
    assert m.numpy() == pytest.approx(np.array([[1.0, 2.0]]) @ np.linalg.solve(C, [1.0, 1.0]), abs=1e-13)
    assert float(S[0, 0]) == pytest.approx(1 - np.array([1.0, 2.0]) @ np.linalg.solve(C, [1.0, 2.0]), abs=1e-13)


def test_fa_sample_moments_and_em():
    x = la.fa_sample(50_000, [1.0, -1.0], [[1.0], [0.5]], [0.2, 0.3], torch.Generator().manual_seed(0))
    assert x.shape == (50_000, 2)
    assert np.allclose(x.mean(0).numpy(), [1.0, -1.0], atol=0.03)
    assert np.allclose(np.cov(x.numpy().T), [[1.2, 0.5], [0.5, 0.55]], atol=0.03)
    mu, W, psi, ll = la.fa_em(x[:2000], [[0.3], [0.1]], [1.0, 1.0], iters=80)
    assert np.allclose(mu.numpy(), x[:2000].mean(0).numpy(), atol=1e-14)
    assert ll.shape == (81,) and bool((ll[1:] >= ll[:-1] - 1e-9).all())
    assert np.allclose((W @ W.T + torch.diag(psi)).numpy(), np.cov(x[:2000].numpy().T, bias=True), atol=0.02)


def test_ppca_posterior_limit_and_mle():
    m, S = la.ppca_posterior([2.0, 0.0], [0.0, 0.0], [[2.0], [0.0]], 0.5)
    assert float(m[0]) == pytest.approx(4.0 / 4.5, abs=1e-14) and float(S[0, 0]) == pytest.approx(0.5 / 4.5, abs=1e-14)
    W, s2 = la.ppca_mle(np.diag([5.5, 2.0, 1.0]), 1)
    assert float(s2) == 1.5 and W.abs()[:, 0].tolist() == pytest.approx([2.0, 0.0, 0.0], abs=1e-12)
    W, s2 = la.ppca_mle(np.diag([5.0, 2.0, 1.0]), 2, sigma2=3.0)
    assert float(s2) == 3.0 and W.abs().sum(0).tolist() == pytest.approx([math.sqrt(2.0), 0.0], abs=1e-12)
    with pytest.raises(ValueError, match="m must be smaller"):
        la.ppca_mle(np.eye(3), 3)


def test_the_checks_fail_on_wrong_formulas():
    assert not ch.check_marginal_likelihood(marginal=lambda f, x: 2 * la.marginal_likelihood(f, x)).passed
    assert not ch.check_fa_model(cov=lambda W, psi: W @ W.T).passed
    assert not ch.check_fa_rotation(loglik=lambda X, mu, W, psi: 2 * la.fa_log_likelihood(X, mu, W, psi)).passed
    assert not ch.check_fa_posterior(posterior=lambda x, mu, W, psi: (W.T @ (x - mu), torch.eye(2, dtype=x.dtype))).passed
    assert not ch.check_mixture(resp=lambda X, w, m, S: torch.full((X.shape[0], 3), 1 / 3, dtype=X.dtype)).passed


def test_quadrature_nodes_and_em_ridge():
    lik = lambda x, z: -0.5 * (x - z) ** 2 - 0.5 * math.log(2 * math.pi)  # noqa: E731
    assert float(la.marginal_likelihood(lik, 0.5, nodes=1)) == pytest.approx(scipy.stats.norm.pdf(0.5), abs=1e-15)  # z = 0 only
    _, _, S, _ = la.gmm_em([[0.0], [2.0]], [1.0], [[1.0]], [[[1.0]]], iters=3, ridge=0.5)
    assert float(S[0, 0, 0]) == pytest.approx(1.0 + 0.5, abs=1e-14)


def test_ppca_posterior_equals_fa_posterior_with_isotropic_noise():
    W, x = f64([[1.0, 0.2], [0.3, -0.5], [0.4, 0.9]]), f64([0.3, -1.0, 0.5])
    m1, S1 = la.ppca_posterior(x, f64([0.1, 0.0, 0.0]), W, 0.3)
    m2, S2 = la.fa_posterior(x, f64([0.1, 0.0, 0.0]), W, f64([0.3, 0.3, 0.3]))
    assert torch.allclose(m1, m2, atol=1e-14) and torch.allclose(S1, S2, atol=1e-14)
