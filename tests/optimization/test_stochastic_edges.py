"""Edges of edl.optimization.stochastic: dtypes, smallest sizes, boundaries, defaults, exact tiny cases, errors."""

import math

import pytest
import torch

from edl.optimization import stochastic as st

F64, F32 = torch.float64, torch.float32
I2 = [[1.0, 0.0], [0.0, 1.0]]


# --- dtypes: a list or Python number takes the dtype of the tensor it goes with ---------------------

def test_lists_take_the_float32_of_the_tensor_they_go_with():
    A32 = torch.tensor([[1.0, 2.0], [0.0, 1.0]])
    assert st.least_squares_gradients(A32, [1.0, 0.0], [1.0, 1.0]).dtype == F32
    assert st.sgd_step(torch.ones(2), [1.0, 2.0], 0.5).dtype == F32
    assert st.sgd_step(torch.ones(2), [1.0, 2.0], [0.5, 0.25]).tolist() == [0.5, 0.5]
    assert st.sgd_step(torch.ones(2), [1.0, 2.0], [0.5, 0.25]).dtype == F32
    assert st.sign_sgd_step(torch.ones(2), [1.0, -2.0], [0.5, 0.25]).dtype == F32
    assert st.svrg_gradient(torch.tensor([3.0]), [2.0], [0.5]).dtype == F32
    assert st.polyak_update(torch.tensor([1.0]), [4.0], 2).dtype == F32
    assert st.sgd_mean_estimation(torch.tensor([[1.0, 2.0]]), [1.0, 0.5]).dtype == F32
    last, avg = st.projected_sgd(lambda x, k: torch.ones_like(x), torch.tensor([0.0]), [0.5, 0.5], -1.0, 1.0)
    assert last.dtype == avg.dtype == F32 and last.tolist() == [[0.0, -0.5]]
    assert st.sgd_least_squares(A32, [1.0, 0.0], [0.0, 0.0], [0.1], 2, 2).dtype == F32
    assert st.svrg_least_squares(A32, [1.0, 0.0], [0.0, 0.0], 0.1, 1, 1).dtype == F32


def test_float32_problem_gives_a_float32_floor_finite_or_infinite():
    A = torch.ones(2, 1)
    assert st.sgd_floor(A, [1.0, -1.0], 0.1).dtype == F32
    assert st.sgd_floor(A, [1.0, -1.0], 2.5).dtype == F32 and math.isinf(float(st.sgd_floor(A, [1.0, -1.0], 2.5)))
    assert st.least_squares_noise(A, [1.0, -1.0])[2].dtype == F32


def test_float32_floor_under_a_float64_default_dtype():
    previous = torch.get_default_dtype()
    torch.set_default_dtype(F64)
    try:
        assert st.sgd_floor(torch.ones(2, 1, dtype=F32), [1.0, -1.0], 0.1).dtype == F32
    finally:
        torch.set_default_dtype(previous)


# --- finite sums and minibatches ------------------------------------------------------------------

def test_least_squares_gradients_of_a_wide_matrix_name_its_row_count():
    """A is 2 × 3: the target count is the row count 2 (not the column count 3); x needs 3 coordinates."""
    A = [[1.0, 0.0, 2.0], [0.0, 1.0, 1.0]]
    assert st.least_squares_gradients(A, [1.0, 1.0], [1.0, 1.0, 1.0]).tolist() == [[2.0, 0.0, 4.0], [0.0, 1.0, 1.0]]
    with pytest.raises(ValueError, match=r"^b must hold one target per row of A \(2\), got shape \(3,\)$"):
        st.least_squares_gradients(A, [1.0, 1.0, 1.0], [1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match=r"^x must have 3 coordinates \(the columns of A\), got shape \(\)$"):
        st.least_squares_gradients(A, [1.0, 1.0], 1.0)


def test_empirical_risk_averages_the_last_axis_of_a_batch():
    assert st.empirical_risk([[1.0, 2.0, 6.0], [0.0, 0.0, 3.0]]).tolist() == [3.0, 1.0]


@pytest.mark.parametrize("fn", [st.full_gradient, st.gradient_variance])
def test_per_example_may_have_up_to_seven_axes(fn):
    assert fn(torch.ones((1,) * 7, dtype=F64)).shape == (1,) * (6 if fn is st.full_gradient else 5)
    with pytest.raises(ValueError, match=r"^per_example must have 2 or 3 or 4 or 5 or 6 or 7 dimension\(s\)"):
        fn(torch.ones((1,) * 8, dtype=F64))


def test_minibatch_variance_edges():
    """V = 0 is allowed; n = 1 (one example) gives V; n = 2 with both drawn without replacement gives 0;
    the i.i.d. formula V/r ignores n."""
    assert float(st.minibatch_variance(0.0, 5, 2)) == 0.0
    assert float(st.minibatch_variance(3.0, 1, 1, replace=False)) == 3.0
    assert float(st.minibatch_variance(3.0, 2, 2, replace=False)) == 0.0
    assert float(st.minibatch_variance(3.0, 2, 1, replace=False)) == 3.0
    assert float(st.minibatch_variance(3.0, 1, 3)) == 1.0
    with pytest.raises(ValueError, match=r"^n must be at least 1, got 0$"):
        st.minibatch_variance(1.0, 0, 1)


def test_minibatch_gradients_default_draws_with_replacement():
    """Batches larger than n are fine by default (i.i.d. draws); one draw of one example is one row of g;
    a seed fixes the draws and another seed changes them."""
    g = torch.arange(6, dtype=F64).reshape(3, 2)
    draws = st.minibatch_gradients(g, 5, 4, generator=torch.Generator().manual_seed(0))
    assert draws.shape == (4, 2) and bool((draws[:, 1] == draws[:, 0] + 1).all())
    one = st.minibatch_gradients(g, 1, 1, generator=torch.Generator().manual_seed(0))
    assert one.tolist()[0] in g.tolist()
    runs = [st.minibatch_gradients(g, 2, 20, generator=torch.Generator().manual_seed(s)) for s in (1, 1, 2)]
    assert torch.equal(runs[0], runs[1]) and not torch.equal(runs[0], runs[2])
    runs = [st.minibatch_gradients(g, 2, 20, replace=False, generator=torch.Generator().manual_seed(s))
            for s in (1, 1, 2)]
    assert torch.equal(runs[0], runs[1]) and not torch.equal(runs[0], runs[2])


def test_minibatch_without_replacement_is_a_uniform_subset():
    """Over 3000 seeded draws of 2 of 3 examples, each pair (mean of two rows) comes up about a third of the time."""
    g = torch.tensor([[0.0], [1.0], [2.0]], dtype=F64)
    draws = st.minibatch_gradients(g, 2, 3000, replace=False, generator=torch.Generator().manual_seed(0))[:, 0]
    counts = [int((draws == m).sum()) for m in (0.5, 1.0, 1.5)]
    assert sum(counts) == 3000 and all(abs(c - 1000) < 100 for c in counts)


# --- step sizes, mean estimation, the bound ---------------------------------------------------------

def test_robbins_monro_edges():
    assert st.robbins_monro_steps(2.0, 1).tolist() == [2.0]
    assert st.robbins_monro_steps(1.0, 2, start=0).tolist() == [math.inf, 1.0]
    assert st.robbins_monro_steps(1.0, 3, power=0.0).tolist() == [1.0, 1.0, 1.0]
    torch.testing.assert_close(st.robbins_monro_steps(1.0, 3), st.robbins_monro_steps(1.0, 3, start=1, power=1.0))


def test_averaging_steps_are_d_over_g_root_k():
    torch.testing.assert_close(st.averaging_steps(3.0, 2.0, 4),
                               1.5 / torch.arange(1, 5, dtype=F64).sqrt(), rtol=1e-15, atol=0)


def test_sgd_mean_estimation_default_start_and_zero_step():
    """x0 = 0 by default: a half step towards 2 gives 1 (1.5 from x0 = 1); a zero step stays at x0."""
    assert st.sgd_mean_estimation([[2.0]], [0.5]).tolist() == [[1.0]]
    assert st.sgd_mean_estimation([[2.0]], [0.5], x0=1.0).tolist() == [[1.5]]
    assert st.sgd_mean_estimation([[2.0, 4.0]], [0.0, 1.0], x0=3.0).tolist() == [[3.0, 4.0]]
    assert st.sgd_mean_estimation([[2.0]], [1]).dtype == F64
    assert st.sgd_mean_estimation([[2.0]], [0.0], x0=0.1).tolist() == [[0.1]]  # x0 held in float64, not rounded
    assert st.sgd_mean_estimation([[2.0]], [0.1]).tolist() == [[0.1 * 2.0]]  # a list step read in float64
    assert st.projected_sgd(lambda x, k: -torch.ones_like(x), [0.0], [0.1, 0.1], -1.0, 1.0)[0].tolist() == [[0.0, 0.1]]


def test_float32_runs_take_float64_steps_as_float32():
    """Steps given in float64 with a float32 problem run exactly as the same steps given in float32."""
    a = torch.tensor([[0.3, 1.7, -0.2, 2.9]])
    steps = torch.tensor([0.1, 0.7, 0.3, 0.9], dtype=F64)
    torch.testing.assert_close(st.sgd_mean_estimation(a, steps, 0.1), st.sgd_mean_estimation(a, steps.float(), 0.1),
                               rtol=0, atol=0)
    seen = []

    def grad(x, k):
        seen.append(x.dtype)
        return x - 0.3

    runs = [st.projected_sgd(grad, torch.tensor([0.7]), s, -5.0, 5.0) for s in (steps, steps.float())]
    torch.testing.assert_close(runs[0], runs[1], rtol=0, atol=0)
    assert set(seen) == {F32}


def test_sgd_bound_boundaries():
    """L = μ is allowed; η = 1/L is refused with (0, 1/L) in the message, and so is any η in [1/L, 2/L)."""
    assert float(st.sgd_bound(0, 0.5, 1.0, 1.0, 0.0, 2.0)) == 2.0
    for eta in (0.1, 0.15):
        with pytest.raises(ValueError, match=rf"^eta must lie in \(0, 1/L\) = \(0, 0\.1\), got {eta}$"):
            st.sgd_bound(1, eta, 1.0, 10.0, 1.0, 1.0)


# --- the exact floor ---------------------------------------------------------------------------------

def test_noise_free_problem_has_floor_zero_while_stable_and_inf_beyond():
    """A = I, any b: every residual at x* is 0, so Σ* = 0 and S = 0 (a singular, PSD solution). With r = 1 the
    diagonal of S evolves by 1 - η + η²/2, stable for η < 2; η = 2.5 gives 1.625, unstable, so inf."""
    assert float(st.sgd_floor(I2, [1.0, 2.0], 0.5)) == 0.0
    assert float(st.sgd_floor(I2, [1.0, 2.0], 1.9)) == 0.0
    assert math.isinf(float(st.sgd_floor(I2, [1.0, 2.0], 2.5)))
    assert st.sgd_floor(I2, [1.0, 2.0], 2.5).dtype == F64 == st.sgd_floor(I2, [1.0, 2.0], 0.5).dtype


def test_floor_with_noise_in_one_direction_only_is_the_one_dimensional_floor():
    """Rows e1, e1, e2 with b = (1, -1, 5): the e2 residual is 0 and e1 sees f_i = ½(x - b_i)² two times in three.
    S is diag(s, 0); s solves the scalar equation 2ηh s = η²(m4 s + σ²), h = m4 = 2/3, σ² = 2/3."""
    A = [[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]
    eta = 0.3
    h = m4 = sigma2 = 2 / 3
    s = eta**2 * sigma2 / (2 * eta * h - eta**2 * m4)
    assert float(st.sgd_floor(A, [1.0, -1.0, 5.0], eta)) == pytest.approx(s, rel=1e-10)


def test_least_squares_noise_of_an_exactly_fit_problem():
    x_star, H, Sigma = st.least_squares_noise([[2.0, 0.0], [0.0, 1.0]], [4.0, 3.0])
    assert x_star.tolist() == pytest.approx([2.0, 3.0], rel=1e-14)
    assert H.tolist() == [[2.0, 0.0], [0.0, 0.5]] and float(Sigma.abs().max()) < 1e-28


# --- simulations: tiny cases whose outcome is exact whatever is drawn --------------------------------

def test_sgd_least_squares_one_example():
    """n = 1, a = 2, b = 2 (x* = 1, e0 = 2 from x0 = 3): a batch of r copies of the one example averages to it, so
    e_k = (1 - 4η)^k e0 for any r; recorded at k = 0, 2, 4 for two rates and two chains."""
    out = st.sgd_least_squares([[2.0]], [2.0], [3.0], [0.1, 0.2], 4, 2, batch_size=3, record_every=2)
    k = torch.tensor([0, 2, 4])
    expected = torch.stack([4 * (1 - 4 * torch.tensor(eta, dtype=F64)) ** (2 * k) for eta in (0.1, 0.2)])
    assert out.shape == (2, 2, 3)
    torch.testing.assert_close(out, expected[:, None, :].expand(2, 2, 3), rtol=1e-12, atol=0)


def test_sgd_least_squares_unit_step_lands_on_the_drawn_target():
    """b = ±1 on a = 1 (x* = 0): a unit step sets x = b_i, so the distance is 1 whichever example is drawn."""
    out = st.sgd_least_squares([[1.0], [1.0]], [1.0, -1.0], [3.0], 1.0, 3, 1)
    torch.testing.assert_close(out, torch.tensor([[[9.0, 1.0, 1.0, 1.0]]], dtype=F64), rtol=1e-12, atol=1e-24)


def test_sgd_least_squares_starts_from_x0_per_chain():
    out = st.sgd_least_squares([[1.0], [1.0]], [1.0, -1.0], [[2.0], [-3.0]], [1.0], 1, 2)
    torch.testing.assert_close(out[0, :, 0], torch.tensor([4.0, 9.0], dtype=F64), rtol=1e-12, atol=1e-24)
    with pytest.raises(ValueError, match=r"^x0 must broadcast to the chains' shape \(1, 2, 1\), got shape \(3, 1\)$"):
        st.sgd_least_squares([[1.0], [2.0]], [1.0, 1.0], [[0.0], [0.0], [0.0]], [0.1], 1, 2)
    with pytest.raises(ValueError, match=r"^x0 must have shape \(\.\.\., 1\) to match A \(n, d\), got shape \(2,\)$"):
        st.sgd_least_squares([[1.0], [2.0]], [1.0, 1.0], [0.0, 0.0], [0.1], 1, 2)


def test_svrg_one_example_contracts_exactly_and_sgd_gets_n_plus_2m_steps():
    """n = 1, a = 1, b = 1 from x0 = 0 (x* = 1): SVRG steps x ← x - η(x - 1) m = 2 times per epoch (default 2n);
    plain SGD takes the same steps n + 2m = 5 times per epoch."""
    svrg = st.svrg_least_squares([[1.0]], [1.0], [0.0], 0.5, 2, 1)
    torch.testing.assert_close(svrg, torch.tensor([[1.0, 0.5**2, 0.5**4]], dtype=F64), rtol=1e-12, atol=0)
    sgd = st.svrg_least_squares([[1.0]], [1.0], [0.0], 0.5, 2, 1, variance_reduced=False)
    torch.testing.assert_close(sgd, torch.tensor([[1.0, 0.5**5, 0.5**10]], dtype=F64), rtol=1e-12, atol=0)
    one = st.svrg_least_squares([[1.0]], [1.0], [0.0], 0.5, 1, 1, epoch_length=1)
    torch.testing.assert_close(one, torch.tensor([[1.0, 0.5]], dtype=F64), rtol=1e-12, atol=0)


def test_svrg_measures_the_distance_to_x_star_per_chain():
    out = st.svrg_least_squares(I2, [1.0, 2.0], [[1.0, 2.0], [4.0, 6.0]], 0.5, 1, 2)
    assert out.shape == (2, 2) and out[:, 0].tolist() == [0.0, 5.0]
    assert float(out[0, 1]) == 0.0  # starting at x* stays there (every gradient is 0)


def test_svrg_seeds_both_variants():
    A, b = [[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]], [1.0, 0.0, 3.0]
    for vr in (True, False):
        runs = [st.svrg_least_squares(A, b, [0.0, 0.0], 0.1, 2, 2, variance_reduced=vr,
                                      generator=torch.Generator().manual_seed(s)) for s in (4, 4, 5)]
        torch.testing.assert_close(runs[0], runs[1], rtol=1e-12, atol=1e-14)  # threaded sums: last bits may differ
        assert float((runs[0] - runs[2]).abs().max()) > 1e-3


# --- averaging and projections -------------------------------------------------------------------------

def test_polyak_update_from_k_zero_is_the_new_iterate():
    assert st.polyak_update([5.0], [2.0], 0).tolist() == [2.0]
    assert st.polyak_average([[1.0, 2.0]]).tolist() == [[1.0, 2.0]]


def test_projected_sgd_clamps_at_both_ends_and_accepts_a_scalar_start():
    """Gradient -1 with unit steps climbs 0 → 1 → 1.5 (clamped at high); gradient +1 falls to low."""
    up, avg = st.projected_sgd(lambda x, k: -torch.ones_like(x), 0.0, [1.0, 1.0, 1.0], -1.5, 1.5)
    assert up.tolist() == [[0.0, 1.0, 1.5]]
    torch.testing.assert_close(avg, torch.tensor([[0.0, 0.5, 2.5 / 3]], dtype=F64), rtol=1e-15, atol=0)
    down, _ = st.projected_sgd(lambda x, k: torch.ones_like(x), [0.0], [1.0, 1.0, 1.0], -1.5, 1.5)
    assert down.tolist() == [[0.0, -1.0, -1.5]]


def test_projected_sgd_uses_step_k_at_step_k_and_calls_the_gradient_t_minus_one_times():
    calls = []

    def grad(x, k):
        calls.append(k)
        return -torch.ones_like(x)

    last, _ = st.projected_sgd(grad, [0.0], [0.25, 0.5, 1.0], -10.0, 10.0)
    assert last.tolist() == [[0.0, 0.25, 0.75]] and calls == [1, 2]
    still, _ = st.projected_sgd(grad, [0.0], [0.0, 0.0], -1.0, 1.0)
    assert still.tolist() == [[0.0, 0.0]]
    with pytest.raises(ValueError, match=r"^low must be below high, got low=1\.0, high=1\.0$"):
        st.projected_sgd(grad, [0.0], [0.1], 1.0, 1.0)


# --- SVRG's estimate ------------------------------------------------------------------------------------

def test_svrg_gradient_shape_errors_name_the_argument():
    with pytest.raises(ValueError, match=r"^grad_i must end in the dimension d = \? of grad_i, got shape \(\)$"):
        st.svrg_gradient(1.0, [1.0], [1.0])
    with pytest.raises(ValueError,
                       match=r"^grad_i_snapshot must end in the dimension d = 2 of grad_i, got shape \(1,\)$"):
        st.svrg_gradient([1.0, 2.0], [1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match=r"^grad_i and grad_i_snapshot and full_snapshot must broadcast together, got "
                                         r"shapes grad_i \(2, 2\), grad_i_snapshot \(3, 2\), full_snapshot \(2,\)$"):
        st.svrg_gradient([[1.0, 2.0]] * 2, [[1.0, 2.0]] * 3, [1.0, 2.0])
    assert st.svrg_gradient([[3.0], [1.0]], [2.0], [0.5]).tolist() == [[1.5], [-0.5]]


# --- step functions --------------------------------------------------------------------------------------

@pytest.mark.parametrize("fn", [st.sgd_step, st.sign_sgd_step])
def test_steps_accept_a_zero_rate_and_name_eta_when_it_does_not_broadcast(fn):
    assert fn([1.0, -2.0], [3.0, 4.0], 0.0).tolist() == [1.0, -2.0]
    with pytest.raises(ValueError, match=r"^eta must broadcast to x's shape \(2,\), got shape \(3,\)$"):
        fn([1.0, 2.0], [1.0, 1.0], [0.1, 0.2, 0.3])


def test_sgd_least_squares_accepts_a_scalar_rate_and_a_zero_step_count_is_refused():
    out = st.sgd_least_squares([[1.0], [1.0]], [1.0, -1.0], [3.0], 1.0, 1, 1)
    assert out.shape == (1, 1, 2)
    with pytest.raises(ValueError, match=r"^eta must have 0 or 1 dimension\(s\), got shape \(1, 1\)$"):
        st.sgd_least_squares([[1.0]], [1.0], [0.0], [[0.1]], 1, 1)
    with pytest.raises(ValueError, match=r"^num_chains must be at least 1, got 0$"):
        st.sgd_least_squares([[1.0]], [1.0], [0.0], [0.1], 1, 0)


@pytest.mark.parametrize("angle", [0.3, 1.1])
def test_rotated_one_direction_noise_keeps_its_exact_floor(angle):
    """The one-direction problem above in rotated coordinates and with b scaled by 10⁴: S is singular and large
    (about 1.8·10⁷), so rounding leaves its zero eigenvalue slightly off zero; the floor is still 10⁸ s, not inf."""
    c, s_ = math.cos(angle), math.sin(angle)
    e1, e2 = [c, s_], [-s_, c]
    eta, h = 0.3, 2 / 3
    s = eta**2 * h / (2 * eta * h - eta**2 * h)
    floor = st.sgd_floor([e1, e1, e2], [1e4, -1e4, 5e4], eta)
    assert float(floor) == pytest.approx(1e8 * s, rel=1e-10)


@pytest.mark.parametrize("call", [
    lambda g: st.sgd_least_squares([[1.0]], [1.0], [0.0], [0.1], 1, 1, generator=g),
    lambda g: st.svrg_least_squares([[1.0]], [1.0], [0.0], 0.1, 1, 1, generator=g),
    lambda g: st.minibatch_gradients([[1.0], [2.0]], 1, 1, generator=g),
], ids=["sgd_least_squares", "svrg_least_squares", "minibatch_gradients"])
def test_a_seed_in_place_of_a_generator_is_refused_naming_generator(call):
    with pytest.raises(ValueError, match=r"^generator must be a torch\.Generator or None, got 5$"):
        call(5)


def test_plain_sgd_variant_unit_steps_land_on_the_drawn_target_in_every_chain():
    """b = ±1 on a = 1 (x* = 0), η = 1: every plain SGD step sets a chain to the drawn b_i, at distance 1."""
    out = st.svrg_least_squares([[1.0], [1.0]], [1.0, -1.0], [[3.0], [-2.0]], 1.0, 2, 2, variance_reduced=False)
    torch.testing.assert_close(out, torch.tensor([[3.0, 1.0, 1.0], [2.0, 1.0, 1.0]], dtype=F64), rtol=1e-12, atol=1e-15)
