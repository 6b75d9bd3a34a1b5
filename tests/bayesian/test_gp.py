"""Tests of edl.bayesian.gp and edl.bayesian.regression: exact values, special cases and refusals."""

import math

import numpy as np
import pytest
import torch

from edl.bayesian import gp
from edl.bayesian import regression as rg
from edl.bayesian.checks import gp as gp_checks
from edl.bayesian.checks import regression as rg_checks

T = lambda v: torch.tensor(v, dtype=torch.float64)  # noqa: E731


def close(a, b, atol=1e-13):
    np.testing.assert_allclose(np.asarray(a.tolist() if hasattr(a, "tolist") else a, float), np.asarray(b, float), rtol=0, atol=atol)


def test_condition_gaussian_exact():
    m, S = gp.condition_gaussian([1.0, 2.0, 3.0], [[2.0, 1.0, 0.0], [1.0, 2.0, 0.0], [0.0, 0.0, 5.0]], [1], [4.0])
    close(m, [2.0, 3.0])                                                   # A = {1}: B = {0, 2}, gain ½ and 0
    close(S, [[1.5, 0.0], [0.0, 5.0]])
    m, S = gp.condition_gaussian([0.0, 0.0, 0.0], np.eye(3) + 0.5, [0, 2], [1.0, 1.0])
    close(m, [0.5])                                                        # (1, 1) is an eigenvector of Σ_AA (eigenvalue 2)
    for A in ([0, 0], [3], [0, 1, 2]):
        with pytest.raises(ValueError, match="A must"):
            gp.condition_gaussian([0.0, 0.0, 0.0], np.eye(3), A, [0.0] * len(A))
    with pytest.raises(ValueError, match="x_A must have shape"):
        gp.condition_gaussian([0.0, 0.0], np.eye(2), [0], [1.0, 2.0])


def test_kernels_exact():
    close(gp.linear_kernel([[1.0, 2.0]], [[3.0, 4.0], [1.0, 0.0]]), [[11.0, 1.0]])
    close(gp.linear_kernel([[1.0, 2.0]], [[3.0, 4.0]], [[2.0, 0.0], [0.0, 0.5]]), [[10.0]])
    close(gp.rbf_kernel([[0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]], 0.25), [[math.exp(-0.5), 1.0]])
    close(gp.rbf_kernel([[0.0]], [[3.0]]), [[math.exp(-9.0)]])
    with pytest.raises(ValueError, match="Y must have shape"):
        gp.rbf_kernel([[0.0, 0.0]], [[1.0]])


def test_sample_gp_and_moments():
    f = gp.sample_gp([1.0, -1.0], [[0.0, 0.0], [0.0, 0.0]], 3, torch.Generator().manual_seed(0), jitter=0.0)
    close(f, [[1.0, -1.0]] * 3)                                            # zero kernel: the mean itself
    g1 = gp.sample_gp([0.0, 0.0], [[1.0, 1.0], [1.0, 1.0]], 4, torch.Generator().manual_seed(0), jitter=1e-12)
    close(g1[:, 0], g1[:, 1], atol=1e-5)                                   # perfectly correlated
    m, K = gp.empirical_mean_covariance([[1.0, 0.0], [3.0, 2.0]])
    close(m, [2.0, 1.0])
    close(K, [[1.0, 1.0], [1.0, 1.0]])
    with pytest.raises(ValueError, match="K must be positive semi-definite"):
        gp.sample_gp([0.0, 0.0], [[1.0, 2.0], [2.0, 1.0]], 2, torch.Generator())


def test_gp_posterior_exact():
    m, v = gp.gp_posterior([[1.0]], [[0.5]], [1.0], [2.0], noise=1.0)
    assert (float(m), float(v)) == (0.5, 0.875)
    m, v = gp.gp_posterior([[2.0, 0.0], [0.0, 2.0]], [[2.0], [0.0]], [2.0], [3.0, 5.0])   # noise-free at a training input
    close(m, [3.0])
    close(v, [0.0])
    m, v = gp.gp_posterior([[1.0, 1.0], [1.0, 1.0]], [[1.0], [1.0]], [1.0], [2.0, 2.0])  # singular K: pseudo-inverse
    close(m, [2.0])
    close(v, [0.0])
    with pytest.raises(ValueError, match="k_star_star must have shape"):
        gp.gp_posterior([[1.0]], [[0.5, 0.2]], [1.0], [2.0])


def test_regression_exact():
    close(rg.least_squares([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]], [1.0, 3.0, 5.0]), [1.0, 2.0])
    with pytest.raises(ValueError, match="full column rank"):
        rg.least_squares([[1.0, 1.0], [2.0, 2.0]], [1.0, 2.0])
    m, S = rg.posterior_ridge([[1.0], [1.0]], [1.0, 3.0], 1.0)
    close(m, [4 / 3])
    close(S, [[1 / 3]])
    m, S = rg.posterior_general([[1.0], [1.0]], [1.0, 3.0], 1.0, [[2.0]])
    close(m, [1.6])
    close(S, [[0.4]])
    mean, vf, vy = rg.predictive([[2.0], [0.0]], [1.5], [[0.25]], 1.0)
    close(mean, [3.0, 0.0])
    close(vf, [1.0, 0.0])
    close(vy, [2.0, 1.0])
    m, C = rg.function_space_posterior([[1.0], [1.0]], [1.0, 3.0], 1.0)
    close(m, [4 / 3, 4 / 3])
    close(C, [[1 / 3, 1 / 3], [1 / 3, 1 / 3]])
    m2, _ = rg.function_space_posterior([[1.0], [1.0]], [1.0, 3.0], 1.0, [[2.0]])
    close(m2, [1.6, 1.6])
    close(rg.linear_layer_kernel([[1.0, 1.0], [2.0, 0.0]], 2.0), [[2.0, 2.0], [2.0, 4.0]])
    close(rg.linear_layer_kernel([[1.0, 1.0, 1.0]], 3.0), [[3.0]])


@pytest.mark.parametrize("check, wrong", [
    (gp_checks.check_conditional, dict(condition=lambda mu, S, A, x: (gp.condition_gaussian(mu, S, A, x)[0],
                                                                      S[2:, 2:]))),            # marginal, not conditional
    (gp_checks.check_definition, dict(sampler=lambda m, K, n, g: gp.sample_gp(m, K @ K, n, g))),   # K² not K
    (gp_checks.check_mean_covariance, dict(moments=lambda f: (f.mean(0), f.T @ f / f.shape[0]))),  # raw second moment
    (gp_checks.check_kernels, dict(rbf=lambda X, Y, e: gp.rbf_kernel(X, Y, e / 2))),
    (gp_checks.check_kernel_regression, dict(posterior=lambda K, ks, kss, y, noise: gp.gp_posterior(K, ks, kss, y, 2 * noise))),
    (rg_checks.check_least_squares, dict(solve=lambda X, y: rg.posterior_ridge(X, y, 1.0)[0])),
    (rg_checks.check_posterior_ridge, dict(post=lambda X, y, s2: rg.posterior_ridge(X, y, s2**2))),
    (rg_checks.check_predictive, dict(predict=lambda x, m, C, s2: rg.predictive(x, m, C, 2 * s2))),
    (rg_checks.check_linear_kernel_equivalence, dict(post=lambda P, y, s2, S=None: rg.function_space_posterior(P, y, s2 / 2, S))),
    (rg_checks.check_linear_layer_kernel, dict(kernel=lambda X, s2: s2 * gp.linear_kernel(X, X))),    # no 1/d
])
def test_checks_fail_on_wrong_variants(check, wrong):
    assert not check(**wrong).passed
