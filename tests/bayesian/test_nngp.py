"""Tests of edl.bayesian.nngp: the arc-cosine kernel at special angles, the recursion, the Monte Carlo kernels."""

import math

import numpy as np
import pytest
import torch

from edl.bayesian import nngp as ng
from edl.bayesian.checks import nngp as checks

T = lambda v: torch.tensor(v, dtype=torch.float64)  # noqa: E731


def close(a, b, atol=1e-13):
    np.testing.assert_allclose(np.asarray(a.tolist() if hasattr(a, "tolist") else a, float), np.asarray(b, float), rtol=0, atol=atol)


def test_relu_expectation_special_angles():
    close(ng.relu_expectation([1.0, 1.0, 4.0, 2.0], [1.0, 0.0, -2.0, 0.0], [1.0, 1.0, 1.0, 8.0]),
          [0.5, 1 / (2 * math.pi), 0.0, 4 / (2 * math.pi)])
    rho = 0.5                                                              # ψ = π/3
    close(ng.relu_expectation(1.0, rho, 1.0), [(math.sin(math.pi / 3) + (2 * math.pi / 3) * 0.5) / (2 * math.pi)])
    with pytest.raises(ValueError, match="k12"):
        ng.relu_expectation(1.0, 1.5, 1.0)


def test_one_hidden_layer_kernel_and_random_nets():
    K = ng.one_hidden_layer_kernel([[1.0, 0.0], [0.0, 2.0]], 0.5, 2.0)
    close(K, [[1.5, 0.5 + 2 * 2 / (2 * math.pi)], [0.5 + 2 * 2 / (2 * math.pi), 4.5]])
    with pytest.raises(ValueError, match="zero input"):
        ng.one_hidden_layer_kernel([[0.0, 0.0]])
    f = ng.random_one_hidden_layer([[1.0, 0.0], [0.0, 1.0]], 1, 3, torch.Generator().manual_seed(0))
    assert f.shape == (3, 2)
    big = ng.random_one_hidden_layer([[1.0, 0.0]], 7, 5000, torch.Generator().manual_seed(1), 0.0, 4.0)
    assert float(big.var()) == pytest.approx(2.0, rel=0.1)                 # σ_v² ‖x‖²/2
    z = ng.random_one_hidden_layer([[1.0, 0.0]], 2, 4000, torch.Generator().manual_seed(2), 9.0, 1e-12)
    assert float(z.var()) == pytest.approx(9.0, rel=0.1)                   # the output bias alone


def test_nngp_kernel_recursion_values():
    Ks = ng.nngp_kernel([[1.0, 0.0], [0.0, 1.0]], 2, 2.0, 0.0)
    close(Ks[0], [[1.0, 0.0], [0.0, 1.0]])
    close(Ks[1], [[1.0, 1 / math.pi], [1 / math.pi, 1.0]])                # σ_w² = 2 keeps the diagonal at 1
    Kb = ng.nngp_kernel([[2.0]], 1, 1.0, 0.5)
    close(Kb[0], [[4.5]])
    close(Kb[1], [[0.5 + 4.5 / 2]])
    Kt = ng.nngp_kernel([[1.0]], 1, 1.0, 0.0, "tanh")[1]
    assert float(Kt) == pytest.approx(0.3942945, abs=1e-5)                 # E tanh(z)², z ~ N(0, 1) (scipy quad)
    assert len(ng.nngp_kernel([[1.0]], 0, 1.0, 0.0)) == 1
    with pytest.raises(ValueError, match="zero input"):
        ng.nngp_kernel([[0.0, 0.0]], 1, 1.0, 0.0)
    emp = ng.random_network_kernels([[1.0, 0.0], [0.0, 1.0]], 3, 2, 2.0, 0.1, torch.Generator().manual_seed(0))
    assert len(emp) == 3 and all(k.shape == (2, 2) for k in emp)
    close(emp[0], Ks[0] + 0.1)


def test_finite_width_moments_and_samples():
    assert ng.relu_moments() == (0.5, 1.5)
    assert ng.finite_width_kurtosis(1) == 15.0 and ng.finite_width_kurtosis(30) == 0.5
    assert ng.finite_width_kurtosis(2, 1.0, 3.0) == 3.0                    # φ = identity: 3·2/(2·1) = 3
    with pytest.raises(ValueError, match="fourth_moment"):
        ng.finite_width_kurtosis(2, 1.0, 0.5)
    z = ng.second_layer_samples(1, 200_000, torch.Generator().manual_seed(0))
    assert float(z.var()) == pytest.approx(0.5, rel=0.05)


def test_mc_features_and_regression():
    close(ng.mc_features([[1.0, 2.0], [3.0, 0.0], [1.0, 2.0], [3.0, 0.0]]), [[0.5, 1.5, 0.5, 1.5], [1.0, 0.0, 1.0, 0.0]])
    m, v = ng.mc_gp_regression([[1.0], [1.0]], [[1.0], [0.0]], [1.0, 3.0], 1.0)
    close(m, [4 / 3, 0.0])
    close(v, [1 / 3, 0.0])
    m, v = ng.mc_gp_regression([[2.0, 0.0]], [[1.0, 1.0]], [4.0], 0.5)
    close(m, [(2 * 4) / (4 + 0.5)])
    close(v, [0.5 * (1 / 4.5 + 1 / 0.5)])
    with pytest.raises(ValueError, match="Phi_star must have shape"):
        ng.mc_gp_regression([[1.0]], [[1.0, 2.0]], [1.0], 1.0)


@pytest.mark.parametrize("check, wrong", [
    (checks.check_one_hidden_layer, dict(kernel=lambda X, s0, sv: ng.one_hidden_layer_kernel(X, s0, 2 * sv))),
    (checks.check_one_hidden_layer, dict(kernel=lambda X, s0, sv: ng.one_hidden_layer_kernel(X, 0.0, sv))),
    (checks.check_kernel_recursion, dict(kernel=lambda X, depth, sigma_w2, sigma_b2, activation="relu":
                                         ng.nngp_kernel(X, depth, sigma_w2, 0.0 * sigma_b2 + 1e-12, activation))),
    (checks.check_finite_width, dict(kurtosis=lambda m: 3.0 / m)),
    (checks.check_mc_features, dict(features=lambda out: out.T / out.shape[0] ** 0.25)),
    (checks.check_mc_gp_regression, dict(regress=lambda P, Ps, y, s2: ng.mc_gp_regression(P, Ps, y, 2 * s2))),
])
def test_checks_fail_on_wrong_variants(check, wrong):
    assert not check(**wrong).passed
