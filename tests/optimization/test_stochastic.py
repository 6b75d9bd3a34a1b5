"""Tests of edl.optimization.stochastic and of the registered sgd.* checks (edl.optimization.checks.stochastic)."""

import math

import numpy as np
import pytest
import torch

from edl.optimization import stochastic as st
from edl.optimization.checks.stochastic import least_squares_problem
from edl.core.ledger import catalogue, errata_entries, formula_entries

F64 = torch.float64
SGD_IDS = sorted(i for i in catalogue.formulas() if i.startswith("sgd."))
SGD_ERRATA = sorted(k for k, e in catalogue.errata().items() if e.id.startswith("sgd."))
NAN = float("nan")


def test_every_sgd_formula_and_erratum_is_registered():
    assert len(SGD_IDS) == 8
    assert set(SGD_IDS) <= set(formula_entries())
    assert set(SGD_ERRATA) == {f"ch01-03:E{n}" for n in range(41, 45)} <= set(errata_entries())
    assert all(formula_entries()[i].notebook == "ch03_gradient_learning" for i in SGD_IDS)


# --- values against independent routes ------------------------------------------------------------

def test_per_example_gradients_match_autograd():
    A, b = least_squares_problem(0, n=12, d=3)
    x = torch.randn(3, generator=torch.Generator().manual_seed(0), dtype=F64)
    ours = st.least_squares_gradients(A, b, x)
    for i in range(12):
        xp = x.clone().requires_grad_(True)
        (g,) = torch.autograd.grad(0.5 * (A[i] @ xp - b[i]) ** 2, xp)
        torch.testing.assert_close(ours[i], g, atol=1e-12, rtol=0)


def test_full_gradient_is_gradient_of_empirical_risk():
    A, b = least_squares_problem(1, n=20, d=4)
    x = torch.randn(4, generator=torch.Generator().manual_seed(1), dtype=F64, requires_grad=True)
    (g,) = torch.autograd.grad(st.empirical_risk(0.5 * (A @ x - b) ** 2), x)
    torch.testing.assert_close(st.full_gradient(st.least_squares_gradients(A, b, x.detach())), g, atol=1e-12, rtol=0)


def test_batched_points_equal_loop():
    A, b = least_squares_problem(2, n=10, d=3)
    X = torch.randn(4, 3, generator=torch.Generator().manual_seed(2), dtype=F64)
    batched = st.least_squares_gradients(A, b, X)
    assert batched.shape == (4, 10, 3)
    for j in range(4):
        torch.testing.assert_close(batched[j], st.least_squares_gradients(A, b, X[j]))
    torch.testing.assert_close(st.gradient_variance(batched),
                               torch.stack([st.gradient_variance(batched[j]) for j in range(4)]))


def test_gradient_variance_against_numpy():
    g = np.random.default_rng(3).normal(size=(30, 4))
    expected = np.mean(np.sum((g - g.mean(0)) ** 2, axis=1))
    assert math.isclose(float(st.gradient_variance(torch.as_tensor(g))), expected, rel_tol=1e-12)


def test_minibatch_variance_limits():
    assert float(st.minibatch_variance(3.0, 10, 1, replace=False)) == pytest.approx(3.0)
    assert float(st.minibatch_variance(3.0, 10, 10, replace=False)) == 0.0
    assert float(st.minibatch_variance(3.0, 10, 3)) == pytest.approx(1.0)


def test_minibatch_without_replacement_has_distinct_examples():
    g = torch.arange(10, dtype=F64).reshape(10, 1) * torch.ones(10, 2, dtype=F64)
    draws = st.minibatch_gradients(g, 10, 5, replace=False, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(draws, torch.full((5, 2), 4.5, dtype=F64))


def test_sgd_floor_matches_mean_estimation_formula():
    A = torch.ones(4, 1, dtype=F64)
    b = torch.tensor([1.0, -1.0, 2.0, -2.0], dtype=F64)  # σ² = Var b = 2.5
    for eta in (0.1, 0.5, 1.5):
        assert float(st.sgd_floor(A, b, eta)) == pytest.approx(eta * 2.5 / (2 - eta), rel=1e-10)
    assert math.isinf(float(st.sgd_floor(A, b, 2.5)))  # unstable step
    # a batch of r i.i.d. examples divides the noise by r
    assert float(st.sgd_floor(A, b, 0.5, batch_size=5)) == pytest.approx(0.5 * 2.5 / 5 / (2 - 0.5), rel=1e-10)


def test_sgd_floor_small_step_limit():
    A, b = least_squares_problem(0)
    _, H, Sigma = st.least_squares_noise(A, b)
    eta = 1e-4
    approx = eta / 2 * torch.trace(torch.linalg.solve(H, Sigma))  # η tr(H⁻¹Σ)/2
    assert float(st.sgd_floor(A, b, eta)) == pytest.approx(float(approx), rel=1e-3)


def test_sgd_bound_at_zero_is_distance_plus_floor():
    assert float(st.sgd_bound(0, 0.05, 1.0, 10.0, 2.0, 3.0)) == pytest.approx(3.0 + 0.05 * 2.0 / 0.5)


def test_polyak_average_equals_cumulative_mean():
    x = torch.randn(25, 3, generator=torch.Generator().manual_seed(4), dtype=F64)
    torch.testing.assert_close(st.polyak_average(x), torch.cumsum(x, 0) / torch.arange(1, 26, dtype=F64)[:, None])


def test_svrg_gradient_unbiased_by_enumeration():
    A, b = least_squares_problem(5, n=30, d=4)
    x, snap = torch.randn(2, 4, generator=torch.Generator().manual_seed(5), dtype=F64)
    gx, gs = st.least_squares_gradients(A, b, x), st.least_squares_gradients(A, b, snap)
    torch.testing.assert_close(st.svrg_gradient(gx, gs, gs.mean(0)).mean(0), gx.mean(0), atol=1e-12, rtol=0)


def test_sign_sgd_moves_each_coordinate_by_eta():
    out = st.sign_sgd_step(torch.zeros(4, dtype=torch.float32), torch.tensor([1.0, -2.0, 3.0, -4.0]), 0.25)
    assert out.dtype == torch.float32
    assert out.tolist() == [-0.25, 0.25, -0.25, 0.25]


def test_dtype_follows_input():
    A = torch.randn(6, 2, dtype=torch.float32)
    b = torch.randn(6, dtype=torch.float32)
    assert st.least_squares_gradients(A, b, torch.zeros(2)).dtype == torch.float32
    assert st.gradient_variance(torch.ones(3, 2, dtype=torch.float32)).dtype == torch.float32
    assert st.least_squares_gradients([[1.0]], [0.0], [1.0]).dtype == F64


def test_simulations_are_seeded():
    A, b = least_squares_problem(0)
    runs = [st.sgd_least_squares(A, b, torch.zeros(5, dtype=F64), [0.02], 20, 8,
                                 generator=torch.Generator().manual_seed(9)) for _ in range(2)]
    torch.testing.assert_close(runs[0], runs[1], atol=1e-12, rtol=0)  # same draws (threaded sums may differ in the last bit)


# --- bad inputs -----------------------------------------------------------------------------------

BAD_INPUTS = [
    (st.least_squares_gradients, ([[1.0, 2.0]], [1.0, 2.0], [0.0, 0.0]), {}, "b"),
    (st.least_squares_gradients, ([[1.0, 2.0]], [1.0], [0.0]), {}, "x"),
    (st.least_squares_gradients, ([[NAN, 2.0]], [1.0], [0.0, 0.0]), {}, "A"),
    (st.full_gradient, ([1.0, 2.0],), {}, "per_example"),
    (st.gradient_variance, ([[NAN, 1.0]],), {}, "per_example"),
    (st.minibatch_variance, (1.0, 5, 0), {}, "batch_size"),
    (st.minibatch_variance, (1.0, 5, 6), {"replace": False}, "batch_size"),
    (st.minibatch_variance, (-1.0, 5, 2), {}, "V"),
    (st.robbins_monro_steps, (1.0, 0), {}, "num_steps"),
    (st.robbins_monro_steps, (-1.0, 3), {}, "c"),
    (st.sgd_mean_estimation, ([[1.0, 2.0]], [1.0]), {}, "steps"),
    (st.sgd_bound, (1, 0.2, 1.0, 10.0, 1.0, 1.0), {}, "eta"),
    (st.sgd_bound, (1, 0.01, 2.0, 1.0, 1.0, 1.0), {}, "L"),
    (st.sgd_floor, ([[1.0]], [1.0], -0.1), {}, "eta"),
    (st.sgd_least_squares, ([[1.0]], [1.0], [0.0], [0.1], 0, 1), {}, "num_steps"),
    (st.polyak_update, ([1.0], [1.0], -1), {}, "k"),
    (st.projected_sgd, (lambda x, k: x, [0.0], [0.1], 1.0, -1.0), {}, "low"),
    (st.sign_sgd_step, ([0.0], [1.0], -0.1), {}, "eta"),
]


@pytest.mark.parametrize("fn, args, kwargs, name", BAD_INPUTS, ids=lambda x: getattr(x, "__name__", None))
def test_bad_inputs_raise_value_error_naming_the_argument(fn, args, kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        fn(*args, **kwargs)
