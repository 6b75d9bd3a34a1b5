"""Unit tests of edl.theory.ntk and edl.theory.lazy: exact values, edge cases, branches; checks failing on wrong versions."""

import math

import numpy as np
import pytest
import torch

from edl.theory import lazy, ntk
from edl.theory.checks import ntk as checks

F64 = torch.float64
THETA = torch.tensor([1.0, 0.0, 0.0, 1.0, 2.0, -1.0], dtype=F64)     # m = 2, d = 2: W = I, v = (2, −1)


def t(x):
    return torch.tensor(x, dtype=F64)


def test_forward_scalings_and_activations():
    X = t([[1.0, 1.0], [1.0, -1.0]])
    u = 1 / math.sqrt(2)
    assert ntk.two_layer(THETA, X, activation="relu").tolist() == pytest.approx([(2 * u - u) / math.sqrt(2), 2 * u / math.sqrt(2)])
    assert ntk.two_layer(THETA, X, activation="relu", scale="mean-field").tolist() == pytest.approx([u / 2, u])
    assert ntk.two_layer(THETA, X).tolist() == pytest.approx([math.tanh(u) / math.sqrt(2), 3 * math.tanh(u) / math.sqrt(2)])
    assert ntk.init_two_layer(3, 2, generator=torch.Generator().manual_seed(0)).shape == (9,)
    assert ntk.init_two_layer(3, 2, dtype=torch.float32).dtype == torch.float32
    with pytest.raises(ValueError, match="theta"):
        ntk.two_layer(t([1.0, 2.0]), X)
    with pytest.raises(ValueError, match="activation"):
        ntk.two_layer(THETA, X, activation="gelu")


def test_jacobian_kernel_and_linearisation_exact():
    x = t([[1.0, 1.0]])
    J = ntk.param_jacobian(THETA, x, activation="relu")
    assert J.tolist()[0] == pytest.approx([1.0, 1.0, -0.5, -0.5, 0.5, 0.5])
    assert ntk.empirical_ntk(THETA, x, activation="relu").tolist()[0] == pytest.approx([3.0])
    assert ntk.empirical_ntk(THETA, x, t([[1.0, 1.0], [0.0, 0.0]]), activation="relu").tolist()[0] == pytest.approx([3.0, 0.0])
    mf = ntk.empirical_ntk(THETA, x, activation="relu", scale="mean-field")
    assert float(mf) == pytest.approx(1.5)
    assert ntk.linearized(THETA, torch.full((6,), 0.1, dtype=F64), x, activation="relu").tolist() == pytest.approx([0.7])
    assert ntk.linearized(THETA, torch.zeros(6, dtype=F64), x).tolist() == pytest.approx(ntk.two_layer(THETA, x).tolist())
    assert np.allclose(checks._jacobian_by_hand(THETA, x, relu=True), J.numpy())


def test_dual_and_kernel_regression():
    assert ntk.dual_predict(t([1.0, -1.0]), t([[2.0, 1.0], [0.0, 3.0]]), t([0.5, 0.0])).tolist() == [1.5, -3.0]
    assert float(ntk.dual_loss(t([0.5, 0.0]), t([[2.0, 0.0], [0.0, 1.0]]), t([0.0, 0.0]), t([1.0, 1.0]))) == 0.25
    assert float(ntk.dual_loss(t([1.0, 1.0]), t([[1.0, 0.0], [0.0, 1.0]]), t([1.0, 1.0]), t([1.0, 1.0]))) == 0.5
    K = t([[2.0, 0.5], [0.5, 1.0]])
    y, f0 = t([1.0, -1.0]), t([0.3, 0.1])
    assert ntk.kernel_regression(K, K, y, f0, f0).tolist() == pytest.approx([1.0, -1.0])
    assert ntk.kernel_regression(t([[2.0]]), t([[1.0]]), t([1.0]), t([0.5]), t([0.2])).tolist() == pytest.approx([0.45])
    singular = t([[1.0, 1.0], [1.0, 1.0]])                      # pinv: the least-squares fit of the mean
    assert ntk.kernel_regression(singular, singular, t([1.0, 3.0]), t([0.0, 0.0]), t([0.0, 0.0])).tolist() == pytest.approx([2.0, 2.0])
    with pytest.raises(ValueError, match="K must be a square"):
        ntk.kernel_regression(t([[1.0, 0.0]]), t([[1.0, 0.0]]), t([1.0]), t([0.0]), t([0.0]))


def test_flows_and_ode():
    assert ntk.functional_gradient_flow(t([[2.0, 1.0], [1.0, 2.0]]), t([1.0, 0.0]), t([0.0, 1.0])).tolist() == [1.0, -1.0]
    x = t([[1.0, 1.0]])
    flow = ntk.param_gradient_flow(THETA, x, t([1.5]), activation="relu")
    assert flow.tolist() == pytest.approx([1.0, 1.0, -0.5, -0.5, 0.5, 0.5])           # residual 1 times the gradient
    K, y, f0 = t([[1.0, 0.0], [0.0, 2.0]]), t([1.0, 1.0]), t([0.0, 0.0])
    assert ntk.linear_ode_solution(K, y, f0, 1.0).tolist() == pytest.approx([1 - math.exp(-1), 1 - math.exp(-2)])
    assert ntk.linear_ode_solution(K, y, f0, 0.0).tolist() == pytest.approx([0.0, 0.0])
    Kc, f0c = t([[1.0, 1.0]]), t([0.5])
    want = 0.5 + (1 - math.exp(-1)) + (1 - math.exp(-2)) / 2
    assert ntk.linear_ode_solution(K, y, f0, 1.0, Kc, f0c).tolist() == pytest.approx([want])
    zero = t([[1.0, 0.0], [0.0, 0.0]])          # a zero eigenvalue: the test output follows that residual linearly in t
    assert ntk.linear_ode_solution(zero, y, f0, 2.0, t([[0.0, 1.0]]), t([0.0])).tolist() == pytest.approx([2.0])
    assert ntk.linear_ode_solution(zero, y, f0, 2.0, t([[1.0, 0.0]]), t([0.0])).tolist() == pytest.approx([1 - math.exp(-2)])
    with pytest.raises(ValueError, match="together"):
        ntk.linear_ode_solution(K, y, f0, 1.0, Kc)


def test_relu_ntk_infinite_values():
    k = ntk.relu_ntk_infinite(t([[1.0, 0.0], [0.0, 2.0], [-1.0, 0.0]]))
    assert k[0, 0].item() == pytest.approx(1 / (2 * math.pi * 2) * math.pi + 0.5 / 2, rel=1e-12)
    assert k[0, 1].item() == pytest.approx(2 / (4 * math.pi), rel=1e-12)
    assert k[0, 2].item() == pytest.approx(0.0, abs=1e-15)                       # opposite inputs: ψ = π
    assert k[1, 1].item() == pytest.approx(4 * k[0, 0].item(), rel=1e-12)
    with pytest.raises(ValueError, match="zero vector"):
        ntk.relu_ntk_infinite(t([[0.0, 0.0]]))


def test_lazy_helpers():
    X, y = lazy.kernel_data(5, 3, seed=2)
    assert X.norm(dim=1).tolist() == pytest.approx([math.sqrt(3)] * 5) and torch.equal(y, torch.sin(X[:, 0]))
    assert lazy.linearized_gd_prediction(t([[2.0]]), t([[1.0]]), t([1.0]), t([0.0]), t([0.0]), lr=0.25, steps=2).tolist() == \
        pytest.approx([0.375])
    assert lazy.linearized_gd_prediction(t([[2.0]]), t([[1.0]]), t([1.0]), t([0.0]), t([0.0]), lr=0.25, steps=0).tolist() == [0.0]
    zero = t([[1.0, 0.0], [0.0, 0.0]])
    assert lazy.linearized_gd_prediction(zero, t([[0.0, 1.0]]), t([1.0, 1.0]), t([0.0, 0.0]), t([0.0]), lr=0.5, steps=3).tolist() == \
        pytest.approx([1.5])
    assert float(lazy.relative_kernel_change(t([[3.0, 0.0], [0.0, 4.0]]), t([[3.0, 0.0], [0.0, 4.0]]))) == 0.0
    assert float(lazy.relative_kernel_change(t([[3.0, 0.0], [0.0, 4.0]]), t([[0.0, 0.0], [0.0, 0.0]]))) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="K0"):
        lazy.relative_kernel_change(t([[0.0]]), t([[1.0]]))


def test_train_gd_matches_autograd_for_every_branch():
    X, y = lazy.kernel_data(4, 2, seed=1)
    theta = ntk.init_two_layer(5, 2, generator=torch.Generator().manual_seed(3))
    for activation in ("tanh", "relu"):
        for scale in ("ntk", "mean-field"):
            step = lazy.train_gd(theta, X, y, lr=0.05, steps=1, activation=activation, scale=scale)
            flow = ntk.param_gradient_flow(theta, X, y, activation=activation, scale=scale)
            assert torch.allclose(step, theta + 0.05 * flow, atol=1e-13), (activation, scale)
    assert torch.equal(lazy.train_gd(theta, X, y, lr=0.1, steps=0), theta)


def test_kernel_gradient_and_curvature():
    assert lazy.kernel_gradient(torch.ones(3, dtype=F64), t([0.0, 0.0]), t([1.0, 0.0]), activation="relu").tolist() == [0.0] * 3
    theta = ntk.init_two_layer(3, 2, generator=torch.Generator().manual_seed(4))
    g = lazy.kernel_gradient(theta, t([1.0, 0.5]), t([-0.3, 0.8]))
    assert g.shape == (9,) and torch.allclose(g, lazy.kernel_gradient(theta, t([-0.3, 0.8]), t([1.0, 0.5])))
    with pytest.raises(ValueError, match="theta"):
        lazy.kernel_gradient(t([1.0, 0.0]), t([1.0, 0.5]), t([0.0, 1.0]))
    one = t([0.0, 0.0, 1.0])                         # m = 1, w = 0: φ'(0) = 1, φ''(0) = 0, ∇f = (v x/√2, tanh 0) = (x/√2, 0)
    x = t([1.0, 1.0])
    # Hessian block: [[0, a bᵀ], [a b, 0]], a = 1, b = x/√2 (norm 1): spectral norm 1; ‖∇f‖² = ‖b‖² = 1
    assert float(lazy.relative_curvature(one, x)) == pytest.approx(1.0, rel=1e-12)


def test_experiments_small():
    assert lazy.kernel_change_experiment([8], n=4, d=2, T=1.0).shape == (1,)
    catapult = lazy.kernel_change_experiment([8], regime="catapult", n=4, d=2, T=1.0)
    mean_field = lazy.kernel_change_experiment([8], regime="mean-field", n=4, d=2, T=1.0)
    assert float(catapult) > 0 and float(mean_field) > 0
    assert lazy.constancy_experiment([8], n=4, n_test=2, d=2, T=1.0).shape == (1,)
    assert lazy.infinite_width_error([8, 8], seeds=1, n=3, d=2)[0] == lazy.infinite_width_error([8], seeds=1, n=3, d=2)[0]


@pytest.mark.parametrize("check, kwargs", [
    (checks.check_linearization, dict(linear=lambda th, dl, X: ntk.two_layer(th + dl, X))),
    (checks.check_kernel, dict(kernel=lambda th, X1, X2=None: 2 * ntk.empirical_ntk(th, X1, X2))),
    (checks.check_dual, dict(predict=lambda a, Kc, f0: torch.as_tensor(Kc) @ torch.as_tensor(a))),
    (checks.check_param_flow, dict(flow=lambda th, X, y, **k: -ntk.param_gradient_flow(th, X, y, **k))),
    (checks.check_functional_flow, dict(flow=lambda K, y, f: torch.as_tensor(y) - torch.as_tensor(f))),
    (checks.check_linear_ode, dict(solution=lambda K, y, f0, t, Kc=None, f0c=None: ntk.linear_ode_solution(
        K, y, f0, 2 * t, Kc, f0c))),
    (checks.check_infinite_width, dict(limit=lambda X: 2 * ntk.relu_ntk_infinite(X))),
    (checks.check_constancy, dict(predict=lambda *a, lr, steps: lazy.linearized_gd_prediction(*a, lr=lr, steps=steps + 1))),
    (checks.check_kernel_gradient, dict(gradient=lambda th, x, z: 2 * lazy.kernel_gradient(th, x, z))),
    (checks.check_curvature, dict(curvature=lambda th, x: 2 * lazy.relative_curvature(th, x))),
    (checks.check_kernel_change, dict(change=lambda A, B: torch.linalg.matrix_norm(B - A))),
    (checks.check_lazy_vs_rich, dict(experiment=lambda w, regime="lazy", seeds=1: lazy.kernel_change_experiment(
        w, regime="lazy", seeds=seeds))),
])
def test_checks_fail_on_wrong_versions(check, kwargs):
    assert not check(**kwargs).passed


def test_experiments_pinned():
    assert lazy.kernel_change_experiment([8], n=4, d=2, T=1.0).tolist() == pytest.approx([0.0836565], abs=1e-6)
    assert lazy.kernel_change_experiment([8], regime="catapult", n=4, d=2, T=1.0).tolist() == pytest.approx([0.0939239], abs=1e-6)
    assert lazy.kernel_change_experiment([8], regime="mean-field", n=4, d=2, T=1.0).tolist() == pytest.approx([0.2687801],
                                                                                                              abs=1e-6)
    assert lazy.constancy_experiment([8], n=4, n_test=2, d=2, T=1.0).tolist() == pytest.approx([0.00252077], abs=1e-7)
    assert lazy.infinite_width_error([8, 32], seeds=2, n=3, d=2).tolist() == pytest.approx([0.6624527, 0.3455631], abs=1e-6)


def test_relative_curvature_matches_the_full_hessian():
    x = t([0.7, -1.1, 0.4])
    for seed in range(3):
        theta = ntk.init_two_layer(3, 3, generator=torch.Generator().manual_seed(seed))
        H = torch.autograd.functional.hessian(lambda th: ntk.two_layer(th, x[None])[0], theta)
        g2 = ntk.param_jacobian(theta, x[None])[0].pow(2).sum()
        assert float(lazy.relative_curvature(theta, x)) == pytest.approx(float(torch.linalg.eigvalsh(H).abs().max() / g2),
                                                                         rel=1e-10)


def test_dtype_follows_the_input():
    theta = ntk.init_two_layer(4, 2, dtype=torch.float32, generator=torch.Generator().manual_seed(0))
    X = torch.randn(3, 2, generator=torch.Generator().manual_seed(1))
    assert ntk.empirical_ntk(theta, X).dtype == torch.float32
    assert ntk.linearized(theta, torch.zeros_like(theta), X).dtype == torch.float32
    assert ntk.relu_ntk_infinite(X).dtype == torch.float32
    assert lazy.train_gd(theta, X, torch.zeros(3), lr=0.1, steps=2).dtype == torch.float32
