"""Tests of edl.feedforward.approximation and the approx.* checks (edl.feedforward.checks.approximation)."""

import math

import numpy as np
import pytest
import torch

from edl.feedforward import approximation as ap
from edl.core.ledger import catalogue, errata_entries, formula_entries

IDS = sorted(i for i in catalogue.formulas() if i.startswith("approx."))
ERRATA = sorted(k for k, e in catalogue.errata().items() if e.id.startswith("approx."))
F64 = torch.float64


def test_every_approx_formula_and_erratum_is_registered():
    assert len(IDS) == 5 and set(IDS) <= set(formula_entries())
    assert set(ERRATA) == {"ch01-03:E21", "ch01-03:E22", "ch01-03:E23"} <= set(errata_entries())
    assert all(formula_entries()[i].notebook == "ch02_feedforward" for i in IDS)


def test_ridge_gradient_matches_autograd_and_follows_dtype():
    x = torch.randn(7, 3, dtype=torch.float32, requires_grad=True)
    theta = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float32)
    f = ap.ridge_function(x, theta)
    (g,) = torch.autograd.grad(f.sum(), x)
    norm = ap.ridge_gradient_norm(x.detach(), theta)
    assert norm.dtype == torch.float32
    torch.testing.assert_close(norm, g.norm(dim=1))


def test_bernstein_reproduces_linear_functions_and_converges():
    x = torch.linspace(0, 1, 101, dtype=F64)
    torch.testing.assert_close(ap.bernstein_polynomial(lambda t: 2 * t - 1, 7, x), 2 * x - 1)
    errs = [float(ap.sup_error(torch.sin(5 * x), ap.bernstein_polynomial(lambda t: torch.sin(5 * t), m, x)))
            for m in (10, 100, 1000)]
    assert errs[0] > errs[1] > errs[2]


def test_chebyshev_is_exact_on_polynomials_and_at_nodes():
    x = torch.linspace(-1, 1, 301, dtype=F64)
    poly = lambda t: 3 * t**4 - t**2 + 0.5
    torch.testing.assert_close(ap.chebyshev_interpolant(poly, 4, x), poly(x))
    nodes = torch.cos((2 * torch.arange(6, dtype=F64) + 1) * math.pi / 12)
    torch.testing.assert_close(ap.chebyshev_interpolant(torch.abs, 5, nodes), nodes.abs())


def test_least_squares_readout_matches_numpy():
    rng = np.random.default_rng(0)
    Phi, y = rng.normal(size=(50, 8)), rng.normal(size=50)
    beta = ap.least_squares_readout(torch.as_tensor(Phi), torch.as_tensor(y))
    np.testing.assert_allclose(beta.numpy(), np.linalg.lstsq(Phi, y, rcond=None)[0], atol=1e-10)


def test_random_feature_fit_is_reproducible_and_evaluates_elsewhere():
    x = torch.linspace(-1, 1, 200, dtype=F64)[:, None]
    y = torch.sin(3 * x[:, 0])
    a = ap.random_feature_fit(x, y, 20, generator=torch.Generator().manual_seed(1))
    b = ap.random_feature_fit(x, y, 20, x_test=x.clone(), generator=torch.Generator().manual_seed(1))
    torch.testing.assert_close(a, b)  # same units on the test points
    assert float(ap.sup_error(y, a)) < 0.05


def test_polynomial_activation_spans_only_polynomials():
    x = torch.randn(100, 2, generator=torch.Generator().manual_seed(0), dtype=F64)
    assert ap.polynomial_span_rank(x, 50, 3, generator=torch.Generator().manual_seed(1)) == math.comb(5, 3)


def test_barron_network_batched_equals_loop():
    g = torch.Generator().manual_seed(2)
    x, theta = torch.randn(9, 3, generator=g, dtype=F64), torch.randn(4, 3, generator=g, dtype=F64)
    b, beta = torch.randn(4, generator=g, dtype=F64), torch.randn(4, generator=g, dtype=F64)
    out = ap.barron_network(x, beta, theta, b, 0.7)
    loop = [sum(float(beta[j] * torch.sigmoid(theta[j] @ x[i] + b[j])) for j in range(4)) + 0.7 for i in range(9)]
    np.testing.assert_allclose(out.numpy(), loop, atol=1e-12)


def test_barron_constant_gaussian_grows_like_sqrt_d():
    assert ap.barron_constant_gaussian(2) == pytest.approx(math.sqrt(math.pi / 2))
    assert ap.barron_constant_gaussian(400) / math.sqrt(400) == pytest.approx(1.0, rel=1e-3)
    assert ap.barron_bound(10, 1.0) == pytest.approx(0.4)


def test_maurey_mse_matches_theory_and_loop():
    g = torch.Generator().manual_seed(3)
    x = torch.randn(200, 5, generator=g, dtype=F64) * 0.7
    mse = ap.maurey_cosine_mse(x, 40, 200, generator=torch.Generator().manual_seed(4))
    assert mse.shape == (200,)
    assert float(mse.mean()) * 40 == pytest.approx(float(ap.maurey_variance(x).mean()), rel=0.1)
    # batched over repeats equals one repeat at a time with the same draws
    omega = torch.randn(3, 40, 5, generator=torch.Generator().manual_seed(5), dtype=F64)
    batched = ap.maurey_cosine_mse(x, 40, 3, generator=torch.Generator().manual_seed(5))
    f = torch.exp(-(x**2).sum(1) / 2)
    loop = [float(((f - torch.cos(x @ omega[r].T).mean(1)) ** 2).mean()) for r in range(3)]
    np.testing.assert_allclose(batched.numpy(), loop, atol=1e-12)


def test_fourier_of_gradient_and_slope():
    out = ap.fourier_of_gradient(torch.tensor([[1.0, 2.0]], dtype=F64), torch.tensor([2.0 + 0j]))
    assert out.tolist() == [[2j, 4j]]
    assert ap.fitted_slope([1, 10, 100], [1.0, 0.1, 0.01]) == pytest.approx(-1.0)


def test_tent_map_power_pieces():
    from edl.feedforward.relu_regions import count_pieces_1d
    x = torch.linspace(0, 1, 4097, dtype=F64)
    assert [count_pieces_1d(x, ap.tent_map_power(x, L)) for L in (1, 3, 5)] == [2, 8, 32]


@pytest.mark.parametrize("call, name", [
    (lambda: ap.ridge_function(torch.ones(3, 2), torch.ones(3)), "x"),
    (lambda: ap.bernstein_polynomial(torch.abs, 0, [0.5]), "m"),
    (lambda: ap.bernstein_polynomial(torch.abs, 3, [1.5]), "x"),
    (lambda: ap.random_features(torch.ones(3, 2), 4, "sine"), "activation"),
    (lambda: ap.random_features(torch.ones(3), 4), "x"),
    (lambda: ap.barron_bound(0, 1.0), "m"),
    (lambda: ap.maurey_cosine_mse(torch.ones(3, 2), 4, 0), "repeats"),
    (lambda: ap.tent_map_power([0.5], -1), "L"),
    (lambda: ap.sup_error([float("nan")], [1.0]), "f_values"),
])
def test_bad_inputs_raise_value_error_naming_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()
