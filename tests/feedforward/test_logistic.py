"""Tests of edl.feedforward.logistic: the logistic unit, tanh, softmax and cross-entropy losses."""

import math
import re

import numpy as np
import pytest
import scipy.special
import torch
import torch.nn.functional as F

from edl.feedforward import logistic as lg

NAN = float("nan")


def test_sigmoid_is_stable_and_matches_torch():
    z = torch.linspace(-800, 800, 1601, dtype=torch.float64)
    s = lg.sigmoid(z)
    assert torch.isfinite(s).all()
    assert torch.allclose(s, torch.sigmoid(z), atol=1e-15)
    assert torch.allclose(s + lg.sigmoid(-z), torch.ones_like(z), atol=1e-15)


def test_sigmoid_derivatives_match_autograd():
    z = torch.linspace(-8, 8, 101, dtype=torch.float64, requires_grad=True)
    (d1,) = torch.autograd.grad(torch.sigmoid(z).sum(), z, create_graph=True)
    (d2,) = torch.autograd.grad(d1.sum(), z)
    assert torch.allclose(lg.sigmoid_derivative(z.detach()), d1.detach(), atol=1e-14)
    assert torch.allclose(lg.sigmoid_second_derivative(z.detach()), d2, atol=1e-14)
    t = torch.linspace(0.01, 0.99, 50, dtype=torch.float64)
    assert torch.allclose(lg.sigmoid(lg.logit(t)), t, atol=1e-14)


def test_tanh_forms():
    z = torch.linspace(-20, 20, 401, dtype=torch.float64)
    assert torch.allclose(lg.tanh_via_sigmoid(z), torch.tanh(z), atol=1e-14)
    assert torch.allclose(lg.tanh_derivative(z), 1 / torch.cosh(z) ** 2, atol=1e-14)


def test_binary_cross_entropy_forms_and_gradient():
    z = torch.linspace(-50, 50, 201, dtype=torch.float64, requires_grad=True)
    for y in (0.0, 1.0):
        target = torch.full_like(z, y)
        ours = lg.binary_cross_entropy_logits(z, y)
        assert torch.allclose(ours, F.binary_cross_entropy_with_logits(z, target, reduction="none"), atol=1e-12)
        (grad,) = torch.autograd.grad(ours.sum(), z)
        assert torch.allclose(grad, torch.sigmoid(z) - y, atol=1e-14)  # d/dz = σ(z) − y


def test_logistic_gradient_hessian_match_autograd():
    g = torch.Generator().manual_seed(0)
    X = torch.randn(30, 3, generator=g, dtype=torch.float64)
    y = (torch.rand(30, generator=g) < 0.5).double()
    w = torch.randn(3, generator=g, dtype=torch.float64)
    auto = torch.func.grad(lambda u: lg.logistic_risk(X, y, u))(w)
    assert torch.allclose(lg.logistic_gradient(X, y, w), auto, rtol=1e-12)
    H = torch.autograd.functional.hessian(lambda u: lg.logistic_risk(X, y, u), w)
    assert torch.allclose(lg.logistic_hessian(X, w), H, rtol=1e-10)
    assert float(torch.linalg.eigvalsh(H).max()) <= float(lg.logistic_smoothness(X))


def test_soft_cross_entropy_gibbs():
    rng = np.random.default_rng(1)
    p, q = (torch.from_numpy(rng.dirichlet(np.ones(6), size=50)) for _ in range(2))
    ce = lg.soft_cross_entropy(p, q)
    assert ce.shape == (50,)
    assert bool((ce >= lg.soft_cross_entropy(p, p) - 1e-12).all())


def test_exponential_family_losses():
    v = torch.linspace(-3, 3, 13, dtype=torch.float64)
    assert torch.allclose(lg.exponential_family_nll(1.0, v, "bernoulli"), lg.binary_cross_entropy_logits(v, 1.0))
    square = (0.5 - v) ** 2 / 2 + 0.5 * math.log(2 * math.pi)
    assert torch.allclose(lg.exponential_family_nll(0.5, v, "gaussian"), square)
    pois = -torch.distributions.Poisson(torch.exp(v)).log_prob(torch.tensor(3.0, dtype=torch.float64))
    assert torch.allclose(lg.exponential_family_nll(3.0, v, "poisson"), pois)


def test_softmax_log_sum_exp_and_jacobian():
    z = torch.randn(4, 6, dtype=torch.float64) * 50
    assert torch.allclose(lg.softmax(z), torch.softmax(z, -1), atol=1e-15)
    assert torch.allclose(lg.softmax(z, dim=0), torch.softmax(z, 0), atol=1e-15)
    assert torch.allclose(lg.log_sum_exp(z * 100), torch.logsumexp(z * 100, -1), rtol=1e-14)
    J = lg.softmax_jacobian(z / 50)
    assert J.shape == (4, 6, 6)
    for zi, Ji in zip(z / 50, J):  # batched == loop over autograd
        assert torch.allclose(Ji, torch.autograd.functional.jacobian(lambda u: torch.softmax(u, -1), zi), atol=1e-14)
    assert torch.allclose(J.sum(-1), torch.zeros(4, 6, dtype=torch.float64), atol=1e-15)  # J1 = 0


def test_softmax_cross_entropy_and_regression():
    z = torch.randn(8, 5, dtype=torch.float64)
    y = torch.tensor([0, 1, 2, 3, 4, 0, 1, 2])
    assert torch.allclose(lg.softmax_cross_entropy(z, y), F.cross_entropy(z, y, reduction="none"), atol=1e-14)
    assert torch.allclose(lg.softmax_cross_entropy(z, y.double()), F.cross_entropy(z, y, reduction="none"), atol=1e-14)
    x, Theta = torch.randn(3, dtype=torch.float64), torch.randn(5, 3, dtype=torch.float64, requires_grad=True)
    target = F.one_hot(torch.tensor(2), 5).double()
    lg.softmax_regression_loss(x, target, Theta).backward()
    assert torch.allclose(lg.softmax_regression_gradient(x, target, Theta.detach()), Theta.grad, atol=1e-14)
    big = torch.tensor([1000.0, -1000.0], dtype=torch.float64)
    assert float(lg.softmax_cross_entropy(big, 1)) == 2000.0


def test_dtype_follows_input():
    z32 = torch.randn(3, 4)
    assert lg.softmax(z32).dtype == torch.float32
    assert lg.softmax_jacobian(z32).dtype == torch.float32
    assert lg.binary_cross_entropy_logits(z32, 1.0).dtype == torch.float32
    assert lg.sigmoid([0.0, 1.0]).dtype == torch.float64


def test_agrees_with_scipy_log_expit_far_out():
    z = np.array([-745.0, -40.0, 40.0, 745.0])
    assert np.allclose(lg.binary_cross_entropy_logits(torch.from_numpy(z), 1.0).numpy(), -scipy.special.log_expit(z))


BAD = [
    (lg.sigmoid, ([NAN],), {}, "z"),
    (lg.logit, (1.0,), {}, "t"),
    (lg.binary_cross_entropy_logits, (0.0, 0.5), {}, "y"),
    (lg.logistic_risk, (np.ones((3, 2)), [0.0, 1.0], [0.0, 0.0]), {}, "X and y"),
    (lg.logistic_gradient, (np.ones((2, 2)), [0.0, 1.0], [0.0]), {}, "w"),
    (lg.soft_cross_entropy, ([0.5, 0.6], [0.5, 0.5]), {}, "y"),
    (lg.soft_cross_entropy, ([0.5, 0.5], [0.2, 0.3, 0.5]), {}, "y and q"),
    (lg.log_partition, (0.0, "gamma"), {}, "family"),
    (lg.exponential_family_nll, (1.5, 0.0, "poisson"), {}, "y"),
    (lg.softmax_cross_entropy, ([0.0, 1.0], 2), {}, "y"),
    (lg.softmax_cross_entropy, ([0.0, 1.0], 0.5), {}, "y"),
    (lg.softmax_regression_loss, ([1.0], [1.0, 0.0], np.ones(2)), {}, "Theta"),
]


@pytest.mark.parametrize("fn, args, kwargs, name", BAD, ids=[f"{c[0].__name__}-{c[3]}-{i}" for i, c in enumerate(BAD)])
def test_bad_input_raises_value_error_naming_the_argument(fn, args, kwargs, name):
    with pytest.raises(ValueError, match=rf"(?<![\w.]){re.escape(name)}(?![\w.])"):
        fn(*args, **kwargs)
