"""Edges of edl.feedforward.approximation: defaults, the random units, smallest sizes, batches, dtype, messages."""

import math

import numpy as np
import pytest
import torch

from edl.feedforward import approximation as ap

F32, F64 = torch.float32, torch.float64
EPS = torch.finfo(F64).eps


def G(seed):
    return torch.Generator().manual_seed(seed)


# --- defaults -------------------------------------------------------------------------------------------

def test_defaults_are_the_documented_ones():
    """weight_scale = bias_range = 5 and repeats = 1: leaving them out equals passing them."""
    x = torch.tensor([[0.0, 1.0], [0.5, -0.5], [1.0, 0.25]], dtype=F64)
    y = torch.tensor([1.0, 0.0, -1.0], dtype=F64)
    close = dict(rtol=1e-12, atol=1e-12)
    default = dict(weight_scale=5.0, bias_range=5.0)
    torch.testing.assert_close(ap.random_features(x, 4, generator=G(0)),
                               ap.random_features(x, 4, "tanh", **default, generator=G(0)), **close)
    x_test = [[0.2, 0.3]]  # one unit and the constant on three points: a least-squares fit, not an interpolant
    fit = ap.random_feature_fit(x, y, 1, x_test=x_test, generator=G(1))
    torch.testing.assert_close(fit, ap.random_feature_fit(x, y, 1, "tanh", x_test=x_test, **default, generator=G(1)),
                               **close)
    torch.testing.assert_close(ap.maurey_cosine_mse(x, 3, generator=G(2)),
                               ap.maurey_cosine_mse(x, 3, 1, generator=G(2)), **close)


# --- the random units -------------------------------------------------------------------------------------

def test_random_units_are_the_seeded_normal_weights_and_uniform_biases():
    """tanh units read back by atanh at x = 0, e1, e2: b_j = atanh φ_j(0), θ_j = atanh φ_j(e_i) - b_j.

    The biases fill [-bias_range, bias_range] and the weights have standard deviation weight_scale; both are
    the generator's draws in the documented order (θ ~ N(0, s²) of shape (n, m), then b ~ U[-r, r]), so a
    seed gives the same units as the book's figures.
    """
    m, s, r = 400, 0.5, 0.8  # small enough that tanh stays well inside (-1, 1)
    x = torch.tensor([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]], dtype=F64)
    Phi = ap.random_features(x, m, "tanh", weight_scale=s, bias_range=r, generator=G(7))
    assert Phi.shape == (3, m + 1) and bool((Phi[:, -1] == 1).all())
    pre = torch.atanh(Phi[:, :m])
    b, theta = pre[0], pre[1:] - pre[0]
    assert float(b.min()) > -r and float(b.max()) < r and float(b.min()) < -0.9 * r and float(b.max()) > 0.9 * r
    assert abs(float(theta.std()) - s) < 0.05
    g = G(7)
    theta_ref = torch.randn(2, m, generator=g, dtype=F64) * s
    b_ref = (torch.rand(m, generator=g, dtype=F64) * 2 - 1) * r
    torch.testing.assert_close(b, b_ref, rtol=0, atol=1e-12)
    torch.testing.assert_close(theta, theta_ref, rtol=0, atol=1e-12)


def test_zero_bias_range_gives_units_through_the_origin():
    """bias_range = 0 is allowed: every b_j = 0, so every unit vanishes at x = 0."""
    Phi = ap.random_features(torch.zeros(2, 3, dtype=F64), 1, bias_range=0.0, generator=G(0))
    assert Phi.tolist() == [[0.0, 1.0], [0.0, 1.0]]


def test_fit_with_square_units_evaluates_exactly_elsewhere():
    """Three squared units and the constant span the quadratics in 1-D, so the fit of x² is x² at new points,
    for any weight_scale, bias_range and generator (the same units are drawn for x and x_test)."""
    x = torch.linspace(-1, 1, 9, dtype=F64)[:, None]
    x_test = torch.tensor([[-0.3], [0.45], [0.8]], dtype=F64)
    for kwargs in (dict(weight_scale=2.0, bias_range=1.0, generator=G(3)), dict(generator=G(4))):
        g = ap.random_feature_fit(x, x[:, 0] ** 2, 3, "square", x_test=x_test, **kwargs)
        torch.testing.assert_close(g, x_test[:, 0] ** 2, rtol=0, atol=1e-8)


def test_fit_without_a_generator_uses_the_same_units_for_x_test():
    """With the global generator, the units drawn for x_test are those fitted on x."""
    x = torch.linspace(-1, 1, 9, dtype=F64)[:, None]
    x_test = torch.tensor([[-0.3], [0.45]], dtype=F64)
    torch.manual_seed(0)
    g = ap.random_feature_fit(x, x[:, 0] ** 2, 3, "square", x_test=x_test)
    torch.testing.assert_close(g, x_test[:, 0] ** 2, rtol=0, atol=1e-8)


def test_polynomial_span_rank_counts_directions_above_a_relative_1e_minus_9():
    """Two points 1e-11 apart give nearly equal rows: rank 1 at rtol 1e-9 (2 at machine precision); a unit apart, 2."""
    assert ap.polynomial_span_rank([[0.0], [1e-11]], 2, 1, generator=G(0)) == 1
    assert ap.polynomial_span_rank([[0.0], [1.0]], 2, 1, generator=G(0)) == 2
    assert ap.polynomial_span_rank([[0.0], [1.0]], 1, 1, generator=G(0)) == 1


# --- smallest sizes by hand --------------------------------------------------------------------------------

def test_smallest_degrees_and_widths():
    x = torch.tensor([0.0, 0.25, 1.0], dtype=F64)
    # B_1 f = f(0)(1 - x) + f(1) x
    torch.testing.assert_close(ap.bernstein_polynomial(lambda t: t**2, 1, x), x, rtol=0, atol=1e-15)
    c = ap.chebyshev_interpolant(lambda t: t + 1, 0, [-1.0, 0.3, 1.0])  # one node, cos(π/2) ≈ 0: the constant f(x_0)
    torch.testing.assert_close(c, torch.ones(3, dtype=F64), rtol=0, atol=1e-15)
    assert ap.tent_map_power([0.2, 0.7], 0).tolist() == [0.2, 0.7]
    assert ap.maurey_cosine_mse(torch.zeros(2, 3, dtype=F64), 1, 1, generator=G(0)).tolist() == [0.0]
    assert ap.random_features(torch.ones(4, 2, dtype=F64), 1, generator=G(0)).shape == (4, 2)
    assert ap.barron_bound(1, 0.5, 1.0) == 1.0 and ap.barron_bound(4, 0.0, 2.0) == 0.0
    assert ap.barron_bound(2, 0.75, 2.0) == 4.5  # (2 · 2 · 0.75)² / 2


def test_chebyshev_at_a_node_and_off_the_nodes_together():
    """A node and a non-node in one call: both get the value of the cubic the degree-3 interpolant reproduces."""
    nodes = torch.cos((2 * torch.arange(4, dtype=F64) + 1) * math.pi / 8)
    x = torch.stack([nodes[1], torch.tensor(0.3, dtype=F64)])
    cubic = lambda t: t**3 - 2 * t + 0.5  # noqa: E731
    torch.testing.assert_close(ap.chebyshev_interpolant(cubic, 3, x), cubic(x), rtol=0, atol=1e-14)


# --- batches ------------------------------------------------------------------------------------------------

def test_batched_points_equal_the_flat_call():
    """2-D batches of points (shape (2, 3)) equal the flat call reshaped."""
    x = torch.tensor([[0.0, 0.1, 0.5], [0.6, 0.9, 1.0]], dtype=F64)
    for fn in (lambda t: ap.bernstein_polynomial(torch.sin, 4, t), lambda t: ap.chebyshev_interpolant(torch.exp, 4, t),
               lambda t: ap.tent_map_power(t, 2)):
        torch.testing.assert_close(fn(x), fn(x.reshape(-1)).reshape(2, 3), rtol=1e-14, atol=1e-15)
    f = torch.tensor([[0.0, 1.0, 2.0], [5.0, 5.0, 5.0]], dtype=F64)
    assert ap.sup_error(f, torch.zeros(2, 3, dtype=F64)).tolist() == [2.0, 5.0]


def test_maurey_variance_of_one_point_and_fourier_batches():
    """One point as a 1-D x: ½(1 - e^{-‖x‖²})²; i ω ĝ on a (2, 3) batch of frequencies and on a single one."""
    assert float(ap.maurey_variance([1.0, 1.0])) == pytest.approx((1 - math.exp(-2)) ** 2 / 2, rel=1e-15)
    omega = torch.arange(12, dtype=F64).reshape(2, 3, 2)
    ghat = torch.arange(6, dtype=F64).reshape(2, 3) * (1 - 2j)
    torch.testing.assert_close(ap.fourier_of_gradient(omega, ghat), 1j * omega * ghat[..., None])
    assert ap.fourier_of_gradient([2.0, 3.0], torch.tensor(1.0 + 0j)).tolist() == [2j, 3j]


# --- dtype ---------------------------------------------------------------------------------------------

def test_list_arguments_follow_float32_points():
    x = torch.tensor([[1.0, 2.0], [0.5, -1.0], [0.0, 0.5]], dtype=F32)
    assert ap.ridge_function(x, [0.5, -0.25]).dtype == F32
    assert ap.barron_network(x, [1.0, -1.0], [[1.0, 0.0], [0.0, 1.0]], [0.5, -0.5], 0.1).dtype == F32
    assert ap.barron_constant([0.5, 0.25], torch.tensor([[1.0], [2.0]], dtype=F32), [1.0, 1.0]).dtype == F32
    g = ap.random_feature_fit(x, [1.0, 0.0, 2.0], 2, x_test=[[0.0, 0.0]], generator=G(0))
    assert g.dtype == F32 and g.shape == (1,)


def test_barron_constant_accepts_zero_weights_and_amplitudes():
    """|f̂| and weights may be 0: Σ w ‖ω‖ |f̂| = 1 · 2 · 0.5 here."""
    assert float(ap.barron_constant([0.0, 0.5], [[1.0], [2.0]], [1.0, 1.0])) == 1.0
    assert float(ap.barron_constant([1.0, 0.5], [[1.0], [2.0]], [0.0, 1.0])) == 1.0


# --- least squares readout: the numpy lstsq cutoff --------------------------------------------------------

def test_readout_drops_singular_values_at_or_below_eps_max_shape_times_the_largest():
    """Like numpy.linalg.lstsq (rcond = eps max(N, p)): 2 eps is dropped at the cutoff, 1e-17 is small vs s_1."""
    y = np.array([1.0, 1.0])
    for Phi in (np.diag([1.0, 2 * EPS]), np.diag([1.0, 1e-17])):
        beta = ap.least_squares_readout(torch.from_numpy(Phi), torch.from_numpy(y)).numpy()
        np.testing.assert_array_equal(beta, np.linalg.lstsq(Phi, y, rcond=None)[0])
        np.testing.assert_array_equal(beta, [1.0, 0.0])


# --- fitted slope -------------------------------------------------------------------------------------------

def test_fitted_slope_needs_two_different_widths():
    assert ap.fitted_slope([10.0, 100.0], [1.0, 0.1]) == pytest.approx(-1.0, rel=1e-14)
    with pytest.raises(ValueError, match=r"^m must hold at least two different widths, got \[10\.0, 10\.0\]$"):
        ap.fitted_slope([10.0, 10.0], [1.0, 0.1])


# --- errors naming the argument ----------------------------------------------------------------------

@pytest.mark.parametrize("call, message", [
    (lambda: ap.fourier_of_gradient(2.0, 1.0), r"^omega must have at least 1 dimension"),
    (lambda: ap.sup_error(1.0, 2.0), r"^f_values must have at least 1 dimension"),
    (lambda: ap.barron_network([[1.0, 2.0]], [1.0, 1.0], [[1.0, 0.0], [0.0, 1.0]], [1.0], 0.0),
     r"^b must have shape \(2,\) to match theta, got shape \(1,\)$"),
    (lambda: ap.barron_constant([1.0, 1.0], [[1.0], [2.0]], [1.0]),
     r"^weights must have shape \(2,\) to match omega, got shape \(1,\)$"),
    (lambda: ap.barron_constant([1.0, 1.0], [[1.0], [2.0]], [1.0, -1.0]), r"^weights must be non-negative"),
    (lambda: ap.random_features([[1.0]], 1, generator=0), r"^generator must be a torch\.Generator or None"),
    (lambda: ap.polynomial_span_rank([[1.0]], 1, 1, generator=0), r"^generator must be a torch\.Generator or None"),
    (lambda: ap.maurey_cosine_mse([[1.0]], 1, generator=0), r"^generator must be a torch\.Generator or None"),
])
def test_errors_name_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()
