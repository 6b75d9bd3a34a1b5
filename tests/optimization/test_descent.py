"""Tests of edl.optimization.descent, of the chapter 3 part A checks (edl.optimization.checks.backprop and
.descent), figures and exercises.
"""

import math
import re

import numpy as np
import pytest
import scipy.linalg
import torch

from edl.optimization import descent as gd
from edl.core.ledger import catalogue, errata_entries, formula_entries

PREFIXES = ("backprop.", "autodiff.", "gradients.", "gd.", "convexity.", "smooth.", "pl.")
IDS = sorted(i for i in catalogue.formulas() if i.startswith(PREFIXES))
ERRATA = sorted(k for k, e in catalogue.errata().items() if e.id in IDS)
NAN = float("nan")


def test_every_id_and_erratum_is_registered():
    assert len(IDS) == 21 and len(ERRATA) == 12
    assert set(IDS) <= set(formula_entries())
    assert all(formula_entries()[i].notebook == "ch03_gradient_learning" for i in IDS)
    assert set(ERRATA) <= set(errata_entries())


def test_gd_quadratic_closed_form_equals_the_iteration():
    lam = torch.tensor([[1.0, 5.0, 20.0], [2.0, 3.0, 4.0]], dtype=torch.float64)
    eta = torch.tensor([0.05, 0.3], dtype=torch.float64)
    x0 = torch.ones(2, 3, dtype=torch.float64)
    closed = gd.gd_quadratic(lam, x0, eta, 30)
    looped = gd.gradient_descent(lambda x: lam * x, x0, eta[:, None], 30)
    torch.testing.assert_close(closed, looped, atol=1e-12, rtol=1e-12)
    assert closed.shape == (31, 2, 3)


def test_gradient_flow_matches_expm_and_decreases():
    H = np.array([[3.0, 1.0], [1.0, 2.0]])
    theta0 = np.array([1.0, -2.0])
    flow = gd.gradient_flow_quadratic(H, theta0, [0.0, 0.5, 1.0]).numpy()
    np.testing.assert_allclose(flow[2], scipy.linalg.expm(-H) @ theta0, atol=1e-12)
    values = [0.5 * f @ H @ f for f in flow]
    assert values[0] > values[1] > values[2]


def test_step_size_formulas():
    lam = torch.tensor([1.0, 100.0], dtype=torch.float64)
    rho = gd.gd_spectral_radius(lam, torch.linspace(0.001, 0.03, 3001, dtype=torch.float64))
    assert abs(float(torch.linspace(0.001, 0.03, 3001)[rho.argmin()]) - 2 / 101) < 1e-5
    assert float(gd.optimal_contraction(100.0)) == pytest.approx(99 / 101, abs=1e-15)
    assert float(gd.stability_limit(100.0)) == 0.02
    threshold = gd.empirical_stability_threshold(torch.tensor([[1.0, 10.0], [1.0, 50.0]], dtype=torch.float64))
    torch.testing.assert_close(threshold, torch.tensor([0.2, 0.04], dtype=torch.float64), atol=1e-6, rtol=0)


def test_newton_and_hessian():
    A = torch.tensor([[1.0, 2.0], [0.0, 3.0]], dtype=torch.float64)
    f = lambda x: x @ A @ x  # noqa: E731
    torch.testing.assert_close(gd.quadratic_hessian(A), torch.autograd.functional.hessian(f, torch.zeros(2).double()))
    g = torch.tensor([1.0, -1.0], dtype=torch.float64)
    torch.testing.assert_close(gd.newton_step(g, 4 * torch.eye(2).double()), -g / 4)


def test_rate_bounds_values():
    assert float(gd.convex_rate_bound(2.0, 0.25, 4)) == 1.0
    assert float(gd.pl_rate_bound(1.0, 1.0, 8.0, 1)) == 0.875
    assert float(gd.pl_step_factor(1.0, 8.0, gd.pl_step(1.0, 8.0))) == pytest.approx(1 - 1 / 8, abs=1e-15)
    assert float(gd.nonconvex_gradnorm_bound(1.0, 0.1, 9)) == pytest.approx(2.0)
    assert float(gd.steps_to_stationarity(1.0, 1.0, 0.5)) == 8.0


def test_pl_rate_holds_on_the_nonconvex_example():
    x0 = torch.linspace(-6, 6, 13, dtype=torch.float64)
    xs = gd.gradient_descent(gd.pl_example_grad, x0, 1 / 8, 100)
    t = torch.arange(101, dtype=torch.float64)[:, None]
    assert bool((gd.pl_example(xs) <= gd.pl_rate_bound(gd.pl_example(x0), 1 / 32, 8.0, t) * (1 + 1e-12)).all())


def test_function_class_gaps():
    f = lambda w: (w**2).sum(-1)  # noqa: E731
    grad = lambda w: 2 * w  # noqa: E731
    x, y = torch.randn(100, 3, dtype=torch.float64), torch.randn(100, 3, dtype=torch.float64)
    assert bool((gd.chord_gap(f, x, y, torch.rand(100, dtype=torch.float64)) >= -1e-12).all())
    torch.testing.assert_close(gd.strong_convexity_gap(f, grad, x, y, 2.0), torch.zeros(100, dtype=torch.float64),
                               atol=1e-12, rtol=0)
    torch.testing.assert_close(gd.smoothness_gap(f, grad, x, y, 2.0), torch.zeros(100, dtype=torch.float64),
                               atol=1e-12, rtol=0)
    torch.testing.assert_close(gd.gradient_lipschitz_ratio(grad, x, y), torch.full((100,), 2.0, dtype=torch.float64))
    assert float(gd.pl_ratio(gd.pl_example_grad(2.2) ** 2, gd.pl_example(2.2))) == pytest.approx(0.1755, abs=1e-3)


def test_logistic_gradient_matches_autograd():
    g = torch.Generator().manual_seed(0)
    X = torch.randn(20, 3, generator=g, dtype=torch.float64)
    y = torch.sign(torch.randn(20, generator=g, dtype=torch.float64))
    w = torch.randn(3, dtype=torch.float64, requires_grad=True)
    (auto,) = torch.autograd.grad(gd.logistic_loss(w, X, y, 0.1), w)
    torch.testing.assert_close(gd.logistic_grad(w.detach(), X, y, 0.1), auto, atol=1e-12, rtol=0)


def test_dtype_and_batching():
    x32 = torch.ones(4, 2, dtype=torch.float32)
    assert gd.gradient_descent(lambda x: x, x32, 0.1, 2).dtype == torch.float32
    assert gd.steepest_descent_direction(x32).shape == (4, 2)
    assert gd.gd_spectral_radius([1.0, 2.0], [0.1, 0.2, 0.3]).shape == (3,)
    assert gd.measured_contraction(torch.ones(5, 3, dtype=torch.float64), torch.full((5,), 0.5)).shape == (5,)


def test_explorer_survives_divergent_steps():
    import warnings

    from edl.optimization.figures.descent import plot_gd_quadratic
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plot_gd_quadratic(eta=2.4, kappa=50.0, steps=60)
        plot_gd_quadratic(eta=2.0, kappa=2.0)


BAD = [
    (gd.gradient_descent, (lambda x: x, [NAN], 0.1, 3), {}, "x0"),
    (gd.gradient_descent, (lambda x: x, [1.0], 0.1, -1), {}, "steps"),
    (gd.gd_quadratic, ([1.0, NAN], [1.0, 1.0], 0.1, 3), {}, "eigenvalues"),
    (gd.gradient_flow_quadratic, ([[1.0, 2.0], [0.0, 1.0]], [1.0, 1.0], 1.0), {}, "H"),
    (gd.steepest_descent_direction, ([0.0, 0.0],), {}, "g"),
    (gd.newton_step, ([1.0, 2.0], [[1.0]]), {}, "hess"),
    (gd.quadratic_hessian, ([1.0, 2.0],), {}, "A"),
    (gd.stability_limit, (0.0,), {}, "lam_max"),
    (gd.optimal_step, (2.0, 1.0), {}, "lam_max"),
    (gd.optimal_contraction, (0.5,), {}, "kappa"),
    (gd.nonconvex_gradnorm_bound, (1.0, 0.0, 3), {}, "eta"),
    (gd.steps_to_stationarity, (1.0, 1.0, 0.0), {}, "eps"),
    (gd.convex_rate_bound, (1.0, 0.5, 0), {}, "t"),
    (gd.strongly_convex_rate_bound, (1.0, 0.5, -1.0, 2), {}, "mu"),
    (gd.pl_rate_bound, (1.0, 2.0, 1.0, 2), {}, "mu"),
    (gd.pl_step, (1.0, 0.0), {}, "L"),
    (gd.chord_gap, (lambda w: w.sum(-1), [[1.0]], [[1.0]], 1.5), {}, "lam"),
    (gd.tangent_gap, (lambda w: w.sum(-1), lambda w: w, [[1.0]], [[1.0, 2.0]]), {}, "w and w_prime"),
    (gd.gradient_lipschitz_ratio, (lambda w: w, [[1.0]], [[1.0]]), {}, "x and y"),
    (gd.gradnorm_gap_bound, (-1.0, 1.0), {}, "grad_norm_sq"),
    (gd.pl_ratio, (1.0, 0.0), {}, "f_gap"),
    (gd.empirical_stability_threshold, ([0.0, 1.0],), {}, "eigenvalues"),
]


@pytest.mark.parametrize("fn, args, kwargs, name", BAD, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(BAD)])
def test_bad_input_raises_value_error_naming_the_argument(fn, args, kwargs, name):
    with pytest.raises(ValueError, match=rf"(?<![\w.]){re.escape(name)}(?![\w.])"):
        fn(*args, **kwargs)


def test_error_message_echoes_the_value():
    with pytest.raises(ValueError, match=r"kappa must be at least 1, got 0\.5"):
        gd.optimal_contraction(0.5)
    assert math.isfinite(float(gd.pl_example(1.0)))
