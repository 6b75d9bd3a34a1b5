"""Edge cases of edl.optimization.descent: dtypes, batches, boundaries, closed forms and the wording of its errors."""

import numpy as np
import pytest
import torch

from edl.optimization import descent as gd

F64, F32 = torch.float64, torch.float32
S32 = lambda x: torch.tensor(x, dtype=F32)  # noqa: E731
sq = lambda z: (z**2).sum(-1)  # noqa: E731
sq_grad = lambda z: 2 * z  # noqa: E731

# Every call has one float32 tensor; the other numbers come as Python numbers or lists, which must take float32.
FLOAT32_CALLS = {
    "gradient_descent": lambda: gd.gradient_descent(sq_grad, S32([[1.0], [2.0]]), [[0.1], [0.2]], 2),
    "gd_quadratic": lambda: gd.gd_quadratic(S32([1.0, 10.0]), [2.0, -0.5], [0.1, 0.05], 2),
    "gradient_flow_quadratic": lambda: gd.gradient_flow_quadratic(S32([[2.0, 0.5], [0.5, 1.0]]), [1.0, 0.5], [0.5, 1.0]),
    "newton_step": lambda: gd.newton_step(S32([2.0, 2.0]), [[2.0, 0.0], [0.0, 4.0]]),
    "gd_spectral_radius": lambda: gd.gd_spectral_radius(S32([1.0, 100.0]), [0.01, 0.02]),
    "nonconvex_gradnorm_bound": lambda: gd.nonconvex_gradnorm_bound(S32(1.0), 0.5, 3.0),
    "steps_to_stationarity": lambda: gd.steps_to_stationarity(2.0, 3.0, S32(0.1)),
    "convex_rate_bound": lambda: gd.convex_rate_bound(S32(4.0), 0.5, 2.0),
    "strongly_convex_rate_bound": lambda: gd.strongly_convex_rate_bound(S32(1.0), 0.5, 1.0, 2.0),
    "pl_rate_bound": lambda: gd.pl_rate_bound(S32(1.0), 1.0, 4.0, 2.0),
    "pl_step_factor": lambda: gd.pl_step_factor(1.0, 4.0, S32(0.25)),
    "chord_gap": lambda: gd.chord_gap(sq, S32([[0.0, 1.0]]), [[2.0, 0.0]], [0.5]),
    "tangent_gap": lambda: gd.tangent_gap(sq, sq_grad, S32([[3.0, 1.0]]), [[1.0, 0.0]]),
    "strong_convexity_gap": lambda: gd.strong_convexity_gap(sq, sq_grad, S32([[0.0, 1.0]]), [[1.0, 0.0]], [2.0]),
    "smoothness_gap": lambda: gd.smoothness_gap(sq, sq_grad, S32([[0.0, 1.0]]), [[1.0, 0.0]], [2.0]),
    "gradnorm_gap_bound": lambda: gd.gradnorm_gap_bound(S32(4.0), 2.0),
    "pl_ratio": lambda: gd.pl_ratio(S32(4.0), 1.0),
    "logistic_loss": lambda: gd.logistic_loss(S32([0.0, 0.5]), [[1.0, 0.0], [0.5, 1.0]], [1.0, -1.0], 0.1),
    "logistic_grad": lambda: gd.logistic_grad(S32([0.0, 0.5]), [[1.0, 0.0], [0.5, 1.0]], [1.0, -1.0], 0.1),
    "measured_contraction": lambda: gd.measured_contraction(S32([1.0, 100.0]), 0.0198, 20),
}


@pytest.mark.parametrize("name", FLOAT32_CALLS)
def test_python_numbers_take_the_dtype_of_the_tensor(name):
    assert FLOAT32_CALLS[name]().dtype == F32


def test_stability_threshold_keeps_a_low_precision_dtype():
    assert gd.empirical_stability_threshold(torch.tensor([1.0, 4.0], dtype=torch.bfloat16), 20, 5).dtype == torch.bfloat16


# --- closed forms, batches and boundaries ------------------------------------------------------------

def test_gd_quadratic_closed_form_with_a_general_start_and_zero_steps():
    """x_t = (1 - ηλ)^t x0 for x0 other than ±1; steps = 0 returns x0 alone."""
    out = gd.gd_quadratic([1.0, 4.0], [2.0, -0.5], 0.25, 3)
    np.testing.assert_allclose(out.numpy(), [[2.0, -0.5], [1.5, 0.0], [1.125, 0.0], [0.84375, 0.0]], rtol=1e-15, atol=0)
    assert gd.gd_quadratic([1.0, 4.0], [2.0, -0.5], 0.25, 0).tolist() == [[2.0, -0.5]]
    assert gd.gradient_descent(sq_grad, [[2.0, -0.5]], 0.25, 0).tolist() == [[[2.0, -0.5]]]


def test_row_batches_equal_single_calls():
    """Rows of a batch are separate problems: a stacked call equals the calls one row (or matrix) at a time."""
    g = torch.Generator().manual_seed(7)
    G = torch.randn(3, 4, generator=g, dtype=F64)
    torch.testing.assert_close(gd.steepest_descent_direction(G), torch.stack([gd.steepest_descent_direction(r) for r in G]))
    H = torch.stack([torch.diag(torch.tensor(d, dtype=F64)) for d in ([2.0, 4.0], [1.0, 8.0])])
    grad = torch.tensor([[2.0, 2.0], [1.0, -4.0]], dtype=F64)
    torch.testing.assert_close(gd.newton_step(grad, H), torch.tensor([[-1.0, -0.5], [-1.0, 0.5]], dtype=F64))
    A = torch.randn(3, 2, 2, generator=g, dtype=F64)
    torch.testing.assert_close(gd.quadratic_hessian(A), torch.stack([a + a.T for a in A]))
    W = torch.randn(3, 2, generator=g, dtype=F64)
    X, y = torch.tensor([[1.0, 0.0], [0.5, 1.0]], dtype=F64), torch.tensor([1.0, -1.0], dtype=F64)
    torch.testing.assert_close(gd.logistic_loss(W, X, y, 0.3), torch.stack([gd.logistic_loss(w, X, y, 0.3) for w in W]))


def test_function_class_gaps_of_the_squared_norm_on_a_two_axis_batch():
    """For f = ‖z‖² (gradient 2z), over a (2, 3) batch of pairs in R²: the chord gap is λ(1-λ)‖w-w'‖², the tangent
    gap ‖w-w'‖², the strong-convexity slack (1-μ/2)‖y-x‖², the smoothness slack (L/2-1)‖y-x‖²; the gradient
    ratio of z ↦ Dz is ‖D(x-y)‖/‖x-y‖."""
    g = torch.Generator().manual_seed(8)
    x, y = torch.randn(2, 3, 2, generator=g, dtype=F64), torch.randn(2, 3, 2, generator=g, dtype=F64)
    coef = torch.rand(2, 3, generator=g, dtype=F64)
    d2 = ((x - y) ** 2).sum(-1)
    torch.testing.assert_close(gd.chord_gap(sq, x, y, coef), coef * (1 - coef) * d2)
    torch.testing.assert_close(gd.tangent_gap(sq, sq_grad, x, y), d2)
    torch.testing.assert_close(gd.strong_convexity_gap(sq, sq_grad, x, y, coef), (1 - coef / 2) * d2)
    torch.testing.assert_close(gd.smoothness_gap(sq, sq_grad, x, y, 3 * coef), (1.5 * coef - 1) * d2)
    torch.testing.assert_close(gd.strong_convexity_gap(sq, sq_grad, x, y, 0.0), d2)
    torch.testing.assert_close(gd.smoothness_gap(sq, sq_grad, x, y, 0.0), -d2)
    D = torch.tensor([1.0, 3.0], dtype=F64)
    want = np.linalg.norm((D * (x - y)).numpy(), axis=-1) / np.linalg.norm((x - y).numpy(), axis=-1)
    np.testing.assert_allclose(gd.gradient_lipschitz_ratio(lambda z: D * z, x, y).numpy(), want, rtol=1e-12)


def test_a_single_pair_may_be_a_vector():
    """One pair need not be batched: vectors w, w' give a scalar gap (here ‖(2, 1)‖² = 5)."""
    assert float(gd.tangent_gap(sq, sq_grad, [3.0, 1.0], [1.0, 0.0])) == 5.0


@pytest.mark.parametrize("call, value", [
    (lambda: gd.optimal_contraction(1.0), 0.0),
    (lambda: gd.optimal_step(3.0, 3.0), 1 / 3),
    (lambda: gd.nonconvex_gradnorm_bound(0.0, 0.5, 3), 0.0),
    (lambda: gd.steps_to_stationarity(2.0, 0.0, 0.1), 0.0),
    (lambda: gd.convex_rate_bound(0.0, 0.5, 2), 0.0),
    (lambda: gd.strongly_convex_rate_bound(0.0, 0.5, 1.0, 2), 0.0),
    (lambda: gd.strongly_convex_rate_bound(1.0, 0.25, 2.0, 3), 0.125),
    (lambda: gd.pl_rate_bound(1.0, 2.0, 2.0, 1), 0.0),
    (lambda: gd.pl_step(2.0, 2.0), 0.5),
    (lambda: gd.pl_step_factor(1.0, 4.0, 0.5), 1.0),
    (lambda: gd.pl_ratio(0.0, 1.0), 0.0),
    (lambda: gd.gradnorm_gap_bound(0.0, 2.0), 0.0),
], ids=["kappa-one", "lam-equal", "gap0-zero", "stationarity-gap-zero", "convex-dist-zero", "strong-dist-zero",
        "strong-mu-two", "pl-mu-equals-L", "pl-step-mu-equals-L", "pl-factor-eta-2-over-L", "pl-ratio-zero",
        "gradnorm-zero"])
def test_boundary_values_are_accepted(call, value):
    """Each range's closed end is accepted, with the value its formula gives there (κ = 1, λ_min = λ_max, zero
    gaps, μ = L, η = 2/L, μ ≠ 1 in (1 - ημ)^t)."""
    assert float(call()) == pytest.approx(value, abs=1e-15)


# --- measurements ---------------------------------------------------------------------------------

def test_measured_contraction_against_its_closed_form():
    """From x0 = 1: ((Σ_i (1-ηλ_i)^{2T}) / d)^{1/(2T)}, with the default T = 200 and with T = 1."""
    f = np.array([0.9, 0.7])
    for steps, got in ((200, gd.measured_contraction([1.0, 3.0], 0.1)), (1, gd.measured_contraction([1.0, 3.0], 0.1, 1))):
        assert float(got) == pytest.approx((np.sum(f ** (2 * steps)) / 2) ** (1 / (2 * steps)), rel=1e-12)


def _bisect(lam, steps, iters):
    """The bisection of empirical_stability_threshold, with the iterates of gd_quadratic and their norms."""
    lo, hi = 0.0, 4 / max(lam)
    for _ in range(iters):
        mid = (lo + hi) / 2
        xs = gd.gd_quadratic(lam, [1.0] * len(lam), mid, steps)
        if float(xs[steps].norm()) < float(xs[steps // 2].norm()):
            lo = mid
        else:
            hi = mid
    return lo


@pytest.mark.parametrize("steps, iters", [(5, 12), (1, 1), (2, 3)])
def test_stability_threshold_equals_the_bisection_on_real_iterates(steps, iters):
    """Against ‖x_T‖ < ‖x_{⌊T/2⌋}‖ measured on gd_quadratic's iterates (an odd T makes ⌊T/2⌋ matter)."""
    lam = [1.0, 3.0]
    assert float(gd.empirical_stability_threshold(lam, steps, iters)) == _bisect(lam, steps, iters)


def test_stability_threshold_defaults_and_batches():
    """One eigenvalue λ = 2: the first midpoint is η = 2/λ = 1, where |1 - ηλ| = 1 does not shrink, and every later
    midpoint below 1 does, so the default 40 halvings end at 1 - 2^-39 exactly. A (2, 3) batch of problems
    equals the single calls."""
    assert float(gd.empirical_stability_threshold([2.0])) == 1 - 2.0**-39
    lam = torch.tensor([[[1.0, 2.0], [1.0, 4.0], [2.0, 3.0]], [[1.0, 5.0], [0.5, 1.0], [1.0, 1.0]]], dtype=F64)
    got = gd.empirical_stability_threshold(lam, 10, 8)
    assert got.shape == (2, 3)
    assert got.tolist() == [[float(gd.empirical_stability_threshold(r, 10, 8)) for r in row] for row in lam]


# --- errors -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("call, message", [
    (lambda: gd.gradient_descent(sq_grad, 1.0, 0.1, 1), r"^x0 must have at least 1 dimension"),
    (lambda: gd.gd_quadratic([1.0, 10.0], 1.0, 0.1, 2), r"^x0 must have at least 1 dimension"),
    (lambda: gd.tangent_gap(sq, sq_grad, 3.0, 1.0), r"^w must have at least 1 dimension"),
    (lambda: gd.logistic_loss(0.5, [[1.0]], [1.0]), r"^w must have at least 1 dimension"),
    (lambda: gd.gradient_flow_quadratic([[2.0, 0.0], [0.0, 1.0]], [1.0, 1.0, 1.0], 0.5),
     r"^theta0 must have shape \(2,\) to match H \(d, d\), got shape \(3,\)$"),
    (lambda: gd.logistic_grad([0.0, 0.5, 1.0], [[1.0, 0.0], [0.5, 1.0]], [1.0, -1.0]),
     r"^w must have shape \(\.\.\., 2\) to match X \(s, n\), got shape \(3,\)$"),
    (lambda: gd.logistic_grad([0.0, 0.5], [[1.0, 0.0], [0.5, 1.0]], [1.0, -1.0, 1.0]),
     r"^y must have shape \(2,\) to match X \(s, n\), got shape \(3,\)$"),
    (lambda: gd.chord_gap(sq, [[0.0, 1.0]], [[1.0, 0.0]], [0.5, 0.5]),
     r"^lam must broadcast to the batch of w, shape \(1,\), got shape \(2,\)$"),
    (lambda: gd.strong_convexity_gap(sq, sq_grad, [[0.0, 1.0]], [[1.0, 0.0]], [1.0, 1.0]),
     r"^mu must broadcast to the batch of x, shape \(1,\), got shape \(2,\)$"),
    (lambda: gd.smoothness_gap(sq, sq_grad, [[0.0, 1.0]], [[1.0, 0.0]], [1.0, 1.0]),
     r"^L must broadcast to the batch of x, shape \(1,\), got shape \(2,\)$"),
], ids=["gd-x0-scalar", "quadratic-x0-scalar", "pair-scalar", "logistic-w-scalar", "flow-theta0", "logistic-w", "logistic-y", "chord-lam",
        "strong-mu", "smooth-L"])
def test_error_messages(call, message):
    with pytest.raises(ValueError, match=message):
        call()
