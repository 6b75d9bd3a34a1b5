"""edl.diffusion.graphical: edges, dtypes, seeding and error messages, each against an independent route."""

import itertools
import math

import pytest
import torch

from edl.diffusion import graphical as gr

F32 = torch.float32


def t32(values):
    return torch.tensor(values, dtype=F32)


def _under_two_global_seeds(call):
    """``call()`` with the global generator seeded twice differently: equal results mean it drew from its own."""
    torch.manual_seed(11)
    first = call()
    torch.manual_seed(12)
    return first, call()


# --- smallest sizes and defaults --------------------------------------------------------------------

def test_smallest_sizes_are_accepted():
    """d = 1, n = 1, k = 0 and iters = 1 are valid: each answer is worked out by hand."""
    assert gr.all_states(1).tolist() == [[0.0], [1.0]]
    assert gr.mrf_joint([], [], 1).tolist() == [0.5, 0.5]  # no factor: uniform over two states
    h, x = gr.sbn_sample(1, [0.0], [[1.0], [2.0]], [0.0, 0.0], torch.Generator().manual_seed(0))
    assert h.shape == (1, 1) and x.shape == (1, 2)
    vis = torch.tensor([[1.0, 0.0], [0.0, 1.0]], dtype=torch.float64)
    assert torch.equal(gr.rbm_gibbs(vis, [[1.0, 2.0]], [0.0], [0.0, 0.0], 0, torch.Generator()), vis)
    # one Newton step from w = 0 for features {0, 1}, target 3/4: w = (3/4 - 1/2) / (1/4 + 1e-12)
    w, _ = gr.maxent_fit([[0.0], [1.0]], [0.75], iters=1)
    assert float(w[0]) == pytest.approx(0.25 / (0.25 + 1e-12), rel=1e-14)


def test_mrf_without_edges_is_uniform_in_float64():
    """No potential: every one of the 2**n states has probability 2**-n, in float64 as documented."""
    p = gr.mrf_joint([], [], 2)
    assert p.dtype == torch.float64 and p.tolist() == [0.25] * 4


def test_maxent_default_iterations_are_100():
    """A target on the boundary of the features' range (mean 1 over {0, 1}) has no finite maximiser, so Newton
    keeps moving: the default must equal iters=100 exactly, and p puts all but a vanishing mass on state 1."""
    F = [[0.0], [1.0]]
    w, p = gr.maxent_fit(F, [1.0])
    w100, p100 = gr.maxent_fit(F, [1.0], iters=100)
    w101, _ = gr.maxent_fit(F, [1.0], iters=101)
    assert torch.equal(w, w100) and torch.equal(p, p100) and not torch.equal(w, w101)
    assert float(w[0]) > 20 and float(p[1]) > 1 - 1e-9


def test_maxent_one_newton_step_by_hand():
    """From w = 0 over three states the first step is (mu - mean) / (variance + 1e-12), p uniform: by hand, mean 4/3
    and variance 14/9 for features {0, 1, 3}."""
    w, _ = gr.maxent_fit([[0.0], [1.0], [3.0]], [1.5], iters=1)
    assert float(w[0]) == pytest.approx((1.5 - 4 / 3) / (14 / 9 + 1e-12), rel=1e-12)


def test_maxent_near_the_boundary_reaches_the_log_odds():
    """Two states {0, 1} with target mean 1 - 1e-12: the optimum is w = log(mu / (1 - mu)), where the curvature
    (1e-12) is as small as the ridge added to the Hessian; the ridge must damp the Newton steps, not reverse them."""
    mu = 1 - 1e-12
    w, p = gr.maxent_fit([[0.0], [1.0]], [mu], iters=1000)
    assert float(w[0]) == pytest.approx(math.log(mu / (1 - mu)), abs=1e-3)
    assert float(p[0]) == pytest.approx(1e-12, rel=1e-3)


# --- exact values by enumeration ------------------------------------------------------------------

def test_bn_log_joint_with_two_parents_matches_a_table_lookup():
    """Node 2 has parents (0, 1), the first most significant: its table is read at 2*x0 + x1."""
    cpts = [[0.3], [0.2, 0.6], [0.1, 0.5, 0.7, 0.9]]
    states = gr.all_states(3)
    got = gr.bn_log_joint(states, [[], [0], [0, 1]], cpts).exp()
    for row, p in zip(states.long().tolist(), got.tolist()):
        x0, x1, x2 = row
        q0 = 0.3 if x0 else 0.7
        q1 = cpts[1][x0] if x1 else 1 - cpts[1][x0]
        q2 = cpts[2][{(0, 0): 0, (0, 1): 1, (1, 0): 2, (1, 1): 3}[(x0, x1)]]
        assert p == pytest.approx(q0 * q1 * (q2 if x2 else 1 - q2), rel=1e-12)


def test_mrf_edge_to_variable_zero_and_to_the_last_variable():
    """Edges (1, 0) and (2, 1) are valid (j = 0, i = n - 1): the joint is the normalised product, by enumeration."""
    psi_a, psi_b = [[1.0, 3.0], [2.0, 5.0]], [[4.0, 1.0], [1.0, 2.0]]
    p = gr.mrf_joint([psi_a, psi_b], [(1, 0), (2, 1)], 3)
    raw = [psi_a[x1][x0] * psi_b[x2][x1] for x0, x1, x2 in itertools.product((0, 1), repeat=3)]
    assert p.tolist() == pytest.approx([r / sum(raw) for r in raw], rel=1e-12)


def test_rbm_gibbs_with_saturated_conditionals_is_deterministic():
    """With |a + Wv|, |b + W^T h| = 20 or more the conditionals are 0 or 1 to 2e-9: v = 1 keeps h = 1 and v = 1,
    v = 0 keeps h = 0 and v = 0 (a sign error in either conditional flips them)."""
    W, a, b = [[40.0]], [-20.0], [-20.0]
    vis = torch.tensor([[1.0], [0.0], [1.0]], dtype=torch.float64)
    out = gr.rbm_gibbs(vis, W, a, b, 3, torch.Generator().manual_seed(0))
    assert out.tolist() == [[1.0], [0.0], [1.0]]


def test_rbm_default_model_weights_are_uniform():
    """model_weights=None means 1/M for each of the M model rows."""
    data = torch.tensor([[1.0, 0.0]], dtype=torch.float64)
    model = torch.tensor([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0]], dtype=torch.float64)
    W, a, b = [[1.0, -0.5], [0.3, 0.2]], [0.0, 0.5], [0.1, 0.0]
    got = gr.rbm_loglik_gradient(data, W, a, b, model)
    want = gr.rbm_loglik_gradient(data, W, a, b, model, torch.full((3,), 1 / 3, dtype=torch.float64))
    for g, w in zip(got, want):
        assert torch.allclose(g, w, rtol=1e-14, atol=1e-15)


# --- dtypes ---------------------------------------------------------------------------------------

V32 = t32([[1.0, 0.0], [0.0, 1.0]])
W_, A_, B_ = [[1.0, -0.5], [0.3, 0.2]], [0.1, 0.5], [0.2, -0.3]


@pytest.mark.parametrize("call", [
    lambda: gr.fvsbn_conditionals(V32, [[0.0, 0.0], [0.3, 0.0]], [0.1, 0.2]),
    lambda: gr.rbm_energy(V32, V32, W_, A_, B_),
    lambda: gr.rbm_hidden_probs(V32, W_, A_),
    lambda: gr.rbm_visible_probs(V32, W_, B_),
    lambda: gr.rbm_free_energy(V32, W_, A_, B_),
    lambda: gr.rbm_gibbs(V32, W_, A_, B_, 1, torch.Generator().manual_seed(0)),
    lambda: gr.sbn_log_joint(t32([[1.0]]), V32[:1], [0.3], [[1.0], [2.0]], [0.1, 0.2]),
    lambda: gr.bn_log_joint(V32, [[], [0]], [[0.3], [0.2, 0.6]]),
    lambda: gr.maxent_fit(t32([[0.0], [1.0]]), [0.75])[0],
    lambda: gr.rbm_loglik_gradient(V32, W_, A_, B_, V32)[0],
    lambda: gr.sbn_sample(2, t32([0.3]), [[1.0], [2.0]], [0.1, 0.2], torch.Generator().manual_seed(0))[1],
], ids=["fvsbn", "rbm_energy", "hidden", "visible", "free_energy", "gibbs", "sbn_log_joint", "bn", "maxent",
        "rbm_grad", "sbn_sample"])
def test_python_parameters_take_the_float32_dtype_of_the_data(call):
    """Lists beside float32 data become float32 (mixing float64 in would fail a matmul or promote the result)."""
    assert call().dtype == F32


def test_ebm_converts_data_to_the_dtype_of_theta():
    """The energy sees data and model samples in theta's dtype."""
    seen = []

    def energy(x, th):
        seen.append(x.dtype)
        return th[0] * x**2

    g = gr.ebm_loglik_gradient(t32([0.5]), energy, [0.1, 0.2], [0.3, -0.7])
    assert seen == [F32, F32] and g.dtype == F32
    assert float(g[0]) == pytest.approx(-(0.01 + 0.04) / 2 + (0.09 + 0.49) / 2, rel=1e-6)


def test_float64_data_keeps_float64_with_a_float32_conditional():
    """ar_log_prob and bn_log_joint accumulate in x's dtype, even when the conditionals come in float32."""
    x = torch.tensor([[1.0, 0.0]], dtype=torch.float64)
    out = gr.ar_log_prob(x, lambda i, prefix: torch.full((prefix.shape[0],), 0.3, dtype=F32))
    assert out.dtype == torch.float64
    assert gr.bn_log_joint(x, [[], [0]], [t32([0.3]), t32([0.2, 0.6])]).dtype == torch.float64


def test_rbm_model_weights_are_checked_in_the_data_dtype():
    """Weights given as a list take float32 data's dtype before the sum-to-one check: these sum to 1 - 1.007e-6 in
    float64 (refused as a float64 tensor) but to within 1e-6 of 1 once rounded to float32 (accepted)."""
    model = t32([[0.0, 0.0], [1.0, 1.0]])
    weights = [0.8901533232552363, 0.1098456695292309]
    assert gr.rbm_loglik_gradient(V32[:1], W_, A_, B_, model, weights)[0].dtype == F32
    with pytest.raises(ValueError, match=r"^model_weights must sum to 1"):
        gr.rbm_loglik_gradient(V32[:1], W_, A_, B_, model, torch.tensor(weights, dtype=torch.float64))


# --- seeding: the draws come from the generator alone ------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda: gr.rbm_gibbs(torch.zeros(64, 3, dtype=torch.float64), [[0.5, -0.5, 0.2]], [0.0], [0.0, 0.1, 0.0], 3,
                         torch.Generator().manual_seed(5)),
    lambda: gr.sbn_sample(64, [0.0, 0.3], [[1.0, -1.0], [2.0, 0.5]], [0.0, 0.0], torch.Generator().manual_seed(5)),
], ids=["rbm_gibbs", "sbn_sample"])
def test_draws_do_not_depend_on_the_global_generator(call):
    first, second = _under_two_global_seeds(call)
    first, second = (first, second) if isinstance(first, tuple) else ((first,), (second,))
    assert all(torch.equal(p, q) for p, q in zip(first, second))


# --- error messages -------------------------------------------------------------------------------

@pytest.mark.parametrize("call, match", [
    (lambda: gr.all_states(0), r"^d must be at least 1, got 0$"),
    (lambda: gr.rbm_hidden_probs([[1.0, 0.0]], [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], [0.0]),
     r"^a must have shape \(2,\) and b \(3,\) for W of shape \(2, 3\)"),
    (lambda: gr.rbm_energy([[1.0, 0.0]], [[1.0, 0.0, 1.0]], W_, A_, B_),
     r"^hid must have 2 columns, one per row of W, got shape \(1, 3\)$"),
    (lambda: gr.rbm_energy([[1.0, 0.0, 1.0]], [[1.0, 0.0]], W_, A_, B_),
     r"^vis must have 2 columns, one per column of W, got shape \(1, 3\)$"),
    (lambda: gr.rbm_energy([[1.0, 0.0]], [[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]],
                           [0.0] * 3, [0.0] * 2), r"^vis and hid must have the same number of rows, got 1 and 2$"),
    (lambda: gr.rbm_hidden_probs([[1.0]], W_, A_), r"^vis must have 2 columns, one per column of W"),
    (lambda: gr.rbm_visible_probs([[1.0]], W_, B_), r"^hid must have 2 columns, one per row of W"),
    (lambda: gr.rbm_free_energy([[1.0]], W_, A_, B_), r"^vis must have 2 columns, one per column of W"),
    (lambda: gr.rbm_gibbs([[1.0]], W_, A_, B_, 1, torch.Generator()), r"^vis must have 2 columns, one per column of W"),
    (lambda: gr.rbm_loglik_gradient([[1.0]], W_, A_, B_, [[1.0, 0.0]]),
     r"^data must have 2 columns, one per column of W, got shape \(1, 1\)$"),
    (lambda: gr.rbm_loglik_gradient([[1.0, 0.0]], W_, A_, B_, [[1.0]]),
     r"^model must have 2 columns, one per column of W, got shape \(1, 1\)$"),
    (lambda: gr.rbm_loglik_gradient([[1.0, 0.0]], W_, A_, B_, [[1.0, 0.0], [0.0, 0.0], [1.0, 1.0]], [0.5, 0.5]),
     r"^model_weights must have shape \(3,\), one per row of model, got \(2,\)$"),
    (lambda: gr.rbm_gibbs([[1.0, 0.0]], W_, A_, B_, -1, torch.Generator()), r"^k must be at least 0, got -1$"),
    (lambda: gr.sbn_sample(0, [0.0], [[1.0]], [0.0], torch.Generator()), r"^n must be at least 1, got 0$"),
    (lambda: gr.sbn_log_joint([[1.0, 0.0]], [[1.0]], [0.0], [[1.0]], [0.0]),
     r"^h must have 1 columns, one per entry of c, got shape \(1, 2\)$"),
    (lambda: gr.sbn_log_joint([[1.0]], [[1.0, 0.0]], [0.0], [[1.0]], [0.0]),
     r"^x must have 1 columns, one per entry of b, got shape \(1, 2\)$"),
    (lambda: gr.sbn_log_joint([[1.0, 0.0, 1.0]], [[1.0], [0.0]], [0.0] * 3, [[1.0, 0.0, 0.0]], [0.0]),
     r"^h and x must have the same number of rows, got 1 and 2$"),
    (lambda: gr.bn_log_joint([[1.0, 0.0]], [[], [0], [1]], [[0.5], [0.2, 0.3]]),
     r"^parents and cpts must have one entry per node \(2\), got 3 and 2$"),
    (lambda: gr.bn_log_joint([[1.0, 0.0]], [[], [0]], [[0.5], [0.2, 0.3], [0.1]]),
     r"^parents and cpts must have one entry per node \(2\), got 2 and 3$"),
    (lambda: gr.bn_log_joint([[1.0, 0.0]], [[], [0]], [[0.5], [0.2, math.nan]]), r"^cpts\[1\] must not contain NaN"),
    (lambda: gr.bn_log_joint([[1.0, 0.0, 1.0, 0.0]], [[], [], [], [0, 1, 2]], [[0.5]] * 3 + [[0.5] * 7]),
     r"^cpts\[3\] must have 8 entries for 3 parents, got 7$"),
    (lambda: gr.mrf_joint([], [(0, 1)], 2), r"^potentials and edges must have the same length, got 0 and 1$"),
    (lambda: gr.mrf_joint([[[1.0, math.nan], [1.0, 1.0]]], [(0, 1)], 2), r"^potentials must not contain NaN"),
    (lambda: gr.mrf_joint([[1.0, 2.0, 3.0]], [(0, 1)], 2), r"^each potential must be a 2x2 table, got shape \(3,\)$"),
    (lambda: gr.mrf_joint([[[1.0, 0.0], [1.0, 1.0]]], [(0, 1)], 2), r"^potentials must be positive"),
    (lambda: gr.mrf_joint([[[1.0, 1.0], [1.0, 1.0]]], [(3, 0)], 3),
     r"^edges must join two different variables among 0\.\.2, got \(3, 0\)$"),
    (lambda: gr.mrf_joint([[[1.0, 1.0], [1.0, 1.0]]], [(0, 3)], 3),
     r"^edges must join two different variables among 0\.\.2, got \(0, 3\)$"),
    (lambda: gr.maxent_fit([[0.0], [1.0]], [0.5], iters=0), r"^iters must be at least 1, got 0$"),
])
def test_errors_name_the_argument_and_the_numbers(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_a_non_binary_x_is_shown_as_a_list_up_to_19_entries():
    """The message lists the values of a small x (under 20 entries) and shows a larger one as a tensor."""
    f = lambda i, prefix: torch.full((prefix.shape[0],), 0.5, dtype=torch.float64)  # noqa: E731
    with pytest.raises(ValueError, match=r"^x must hold 0/1 values, got \[\[0\.5, 0\.0"):
        gr.ar_log_prob([[0.5] + [0.0] * 18], f)
    with pytest.raises(ValueError, match=r"^x must hold 0/1 values, got tensor\(\[\[0\.5"):
        gr.ar_log_prob([[0.5] + [0.0] * 19], f)
