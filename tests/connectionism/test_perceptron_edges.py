"""Edges of edl.connectionism.perceptron: dtypes, batches, single points, zero arguments, messages and sampling."""

import math

import numpy as np
import pytest
import torch

from edl.connectionism import perceptron as pc

F32 = torch.float32


def f64(x):
    return torch.tensor(x, dtype=torch.float64)


def _gen(seed=0):
    return torch.Generator().manual_seed(seed)


# --- dtype: a Python number or list takes the dtype of the tensor it goes with ------------------------------

def test_float32_inputs_give_float32_results_with_python_arguments():
    x32 = torch.tensor([[1.0, 2.0], [-1.0, 0.5]], dtype=F32)
    assert pc.threshold_unit(x32, [1.0, 1.0], b=0.5).dtype == F32
    assert pc.signed_distance(x32, [3.0, 4.0], b=0.5).dtype == F32
    assert pc.margin(x32, [1.0, -1.0], [1.0, 1.0], b=0.5).dtype == F32
    assert pc.hyperplane_foot(torch.ones(2, 2, dtype=F32), [1.0, 2.0]).dtype == F32
    t32 = torch.tensor(4.0, dtype=F32)  # 0-d: a float64 0-d partner would promote it
    assert pc.norm_growth_bound(t32, 2.0).dtype == F32
    assert pc.novikoff_cosine_bound(t32, 0.5, 2.0).dtype == F32
    assert pc.novikoff_mistake_bound(torch.tensor(0.5, dtype=F32), 2.0).dtype == F32
    w = pc.perceptron_update(torch.zeros(2, dtype=F32), torch.tensor([1.0, 1.0], dtype=F32), -1.0)
    assert w.dtype == F32 and w.tolist() == [-1.0, -1.0]


def test_max_margin_classifier_and_trajectory_follow_the_dtype_of_x():
    x32 = torch.tensor([[1.0, 0.0], [-1.0, 0.0]], dtype=F32)
    w, b, gamma = pc.max_margin_classifier(x32, [1.0, -1.0])
    assert w.dtype == b.dtype == F32
    weights, used = pc.perceptron_trajectory(x32, [1.0, -1.0], max_epochs=1)  # max_epochs = 1 is allowed
    assert weights.dtype == F32 and used.dtype == torch.long and weights.tolist() == [[0.0, 0.0], [1.0, 0.0]]


# --- closed forms -----------------------------------------------------------------------------------------

def test_max_margin_classifier_matches_the_closed_form_tightly():
    """x₁' = 0.7 x₁ + 0.2: the support vectors x₁' = 0.9 (+) and −0.5 (−) give w = (1/0.7, 0),
    b = −0.2/0.7, γ = 0.7; the other points are farther. The solver's tolerances are tight enough for 1e-10."""
    x = f64([[1.0, 0.0], [-1.0, 0.0], [3.0, 5.0], [-3.0, 5.0], [2.0, -1.0]])
    x = x * f64([0.7, 1.3]) + f64([0.2, -0.1])
    w, b, gamma = pc.max_margin_classifier(x, [1.0, -1.0, 1.0, -1.0, 1.0])
    assert torch.allclose(w, f64([1 / 0.7, 0.0]), rtol=0, atol=1e-10)
    assert float(b) == pytest.approx(-0.2 / 0.7, abs=1e-10) and float(gamma) == pytest.approx(0.7, abs=1e-10)


def test_hyperplane_foot_values_and_batches():
    """The foot of w·x + b = 0 is −b w/‖w‖²: w = (3, 4), b = 10 gives (−1.2, −1.6); batches row by row."""
    assert torch.allclose(pc.hyperplane_foot([3.0, 4.0], 10.0), f64([-1.2, -1.6]))
    w = f64([[3.0, 4.0, 0.0], [0.0, 1.0, 0.0]])
    foot = pc.hyperplane_foot(w, [10.0, -2.0])
    assert torch.allclose(foot, f64([[-1.2, -1.6, 0.0], [0.0, 2.0, 0.0]]))
    assert torch.allclose(pc.hyperplane_foot(w, 10.0), f64([[-1.2, -1.6, 0.0], [0.0, -10.0, 0.0]]))
    W = torch.stack([w, w.flip(0)])  # (2, 2, 3) with b of shape (2, 2)
    B = f64([[10.0, -2.0], [1.0, 5.0]])
    foot = pc.hyperplane_foot(W, B)
    for i in range(2):
        for j in range(2):
            assert torch.allclose(foot[i, j], pc.hyperplane_foot(W[i, j], B[i, j]))


def test_single_points_give_0d_results():
    """A point of shape (n,) is one example: 0-d outputs, and augment appends one 1."""
    assert pc.augment([1.0, 2.0]).tolist() == [1.0, 2.0, 1.0]
    assert pc.threshold_unit([1.0, -3.0], [1.0, 1.0]).tolist() == -1.0
    d = pc.signed_distance([3.0, 4.0], [3.0, 4.0])
    assert d.shape == () and float(d) == pytest.approx(5.0)
    m = pc.margin([3.0, 4.0], -1.0, [3.0, 4.0], b=-5.0)
    assert m.shape == () and float(m) == pytest.approx(-4.0)


def test_signed_distance_default_bias_is_zero_and_batches_of_weights():
    x = f64([[3.0, 4.0], [1.0, 0.0]])
    assert torch.equal(pc.signed_distance(x, [0.0, 2.0]), pc.signed_distance(x, [0.0, 2.0], b=0.0))
    assert pc.signed_distance(x, [0.0, 2.0]).tolist() == [4.0, 0.0]
    w = f64([[0.0, 2.0], [3.0, 0.0]])  # one weight vector per point
    assert pc.signed_distance(x, w).tolist() == [4.0, 1.0]


def test_margins_of_a_two_level_batch_equal_the_single_data_sets():
    g = _gen(1)
    x = torch.randn(2, 3, 4, 2, generator=g, dtype=torch.float64)
    y = torch.randint(0, 2, (2, 3, 4), generator=g).double() * 2 - 1
    w = torch.randn(2, 3, 2, generator=g, dtype=torch.float64)
    b = torch.randn(2, 3, generator=g, dtype=torch.float64)
    m = pc.margin(x, y, w, b)
    for i in range(2):
        for j in range(3):
            assert torch.allclose(m[i, j], pc.margin(x[i, j], y[i, j], w[i, j], b[i, j]))
    gamma, R = pc.novikoff_quantities(x[0], y[0], w[0])
    for j in range(3):
        gj, Rj = pc.novikoff_quantities(x[0, j], y[0, j], w[0, j])
        assert float(gamma[j]) == pytest.approx(float(gj)) and float(R[j]) == pytest.approx(float(Rj))


def test_perceptron_update_batches_equal_single_steps():
    """Weights, points and labels batched in any of their combinations equal the steps one by one."""
    x = f64([[1.0, 2.0, 0.0], [0.0, -1.0, 1.0]])
    w = f64([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    y = f64([-1.0, 1.0])
    out = pc.perceptron_update(w, x, y)
    for i in range(2):
        assert torch.equal(out[i], pc.perceptron_update(w[i], x[i], y[i]))
    assert out.tolist() == [[-1.0, -1.0, 0.0], [1.0, -1.0, 1.0]]  # both were mistakes (≤ 0)
    one_x = pc.perceptron_update(w, x[0], y)  # one point, two weight vectors, a label each
    assert torch.equal(one_x[1], pc.perceptron_update(w[1], x[0], y[1]))
    one_w = pc.perceptron_update(w[0], x, y)  # one weight vector, two points
    assert torch.equal(one_w[1], pc.perceptron_update(w[0], x[1], y[1]))
    with pytest.raises(ValueError, match=r"^y must broadcast to the batch shape \(\), got shape \(2,\)"):
        pc.perceptron_update(w[0], x[0], y)


# --- zero arguments, defaults and messages ---------------------------------------------------------------

def test_bounds_at_zero():
    """t = 0 and R = 0 are allowed where documented: the bounds are then 0."""
    assert float(pc.norm_growth_bound(0.0, 2.0)) == 0.0 and float(pc.norm_growth_bound(4.0, 0.0)) == 0.0
    assert float(pc.novikoff_cosine_bound(0.0, 0.5, 2.0)) == 0.0
    assert float(pc.novikoff_mistake_bound(0.5, 0.0)) == 0.0


def test_messages_name_the_argument_and_the_shapes():
    with pytest.raises(ValueError, match=r"^x must have at least 1 dimension"):
        pc.mcp_neuron(1.0, [1.0], 1)
    with pytest.raises(ValueError, match=r"y must have shape x.shape\[:-1\] = \(2, 3\), got \(2, 2\)"):
        pc.margin(torch.ones(2, 3, 2), torch.ones(2, 2), [1.0, 1.0])


def test_mcp_neuron_with_inhibitory_inputs():
    """σ = (1, −1): fires at θ = 0 unless only the inhibitory input is on."""
    x = f64([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    assert pc.mcp_neuron(x, [1.0, -1.0], 0).tolist() == [1.0, 0.0, 1.0, 1.0]


# --- perceptron_train ------------------------------------------------------------------------------------

def test_train_refuses_empty_points_and_names_the_batch_shape():
    with pytest.raises(ValueError, match=r"^x must be a non-empty array of finite numbers, got shape \(0, 2\)"):
        pc.perceptron_train(torch.zeros(0, 2), torch.zeros(0))
    with pytest.raises(ValueError, match=r"shape x.shape\[:-1\] = \(2, 3\), got shape \(2, 2\)"):
        pc.perceptron_train(torch.ones(2, 3, 2), torch.ones(2, 2))


def test_train_on_one_point_in_one_dimension_and_with_labels_that_require_grad():
    run = pc.perceptron_train(torch.tensor([[2.0]]), [-1.0])
    assert run.w.tolist() == [-2.0] and int(run.mistakes) == 1 and bool(run.converged)
    y = torch.tensor([1.0, -1.0], requires_grad=True)
    assert bool(pc.perceptron_train(f64([[1.0, 0.0], [-1.0, 0.0]]), y).converged)


def test_train_with_no_update_allowed_returns_the_start_unconverged():
    """max_updates = 0: w stays w₀ = 0, where every point lies on the boundary: not converged."""
    run = pc.perceptron_train(f64([[1.0, 0.0], [0.0, 1.0]]), [1.0, 1.0], max_updates=0)
    assert run.w.tolist() == [0.0, 0.0] and int(run.mistakes) == 0 and not bool(run.converged)


def test_train_starts_from_w0_of_every_accepted_shape():
    """w0 of shape (n,), (1, n) or (B, n) is used; a separating start makes no update."""
    x = f64([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], [[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]])  # B = 2, s = 2, n = 3
    y = torch.ones(2, 2, dtype=torch.float64)
    good = f64([[1.0, 1.0, 0.0], [1.0, 0.0, 1.0]])
    run = pc.perceptron_train(x, y, w0=good)
    assert torch.equal(run.w, good) and run.mistakes.tolist() == [0, 0]
    for w0 in (f64([1.0, 1.0, 1.0]), f64([[1.0, 1.0, 1.0]])):
        run = pc.perceptron_train(x, y, w0=w0)
        assert run.w.tolist() == [[1.0, 1.0, 1.0]] * 2 and run.mistakes.tolist() == [0, 0]
    for bad in (torch.ones(3, 3), torch.ones(1, 1, 3)):
        with pytest.raises(ValueError, match=rf"^w0 must have shape \(n,\) or \(2, n\), one start per data set, "
                                             rf"got shape {re_shape(bad)}"):
            pc.perceptron_train(x, y, w0=bad)


def re_shape(t):
    return str(tuple(t.shape)).replace("(", r"\(").replace(")", r"\)")


# --- planted data ----------------------------------------------------------------------------------------

def test_planted_data_refuses_integer_dtypes_and_stays_finite_at_a_large_margin():
    with pytest.raises(ValueError, match=r"^dtype must be a floating dtype, got torch.int64$"):
        pc.planted_margin_data(1, 5, 2, 0.1, dtype=torch.int64)
    x, y, w = pc.planted_margin_data(2, 200, 3, 6.0, generator=_gen(2))
    assert torch.isfinite(x).all() and (pc.set_margin(x, y, w) >= 6.0 - 1e-6).all()


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_planted_data_at_a_margin_beyond_float64_rounding_of_its_cdf(dtype):
    """At γ = 10, Φ(γ) rounds to 1 in float64 (the lower-tail inversion gave infinite points): the points stay
    finite, every margin is at least γ, and the share beyond γ + 0.1 is the exact Φ(−γ − 0.1)/Φ(−γ) = 0.35."""
    gamma, t, B, s = 10.0, 0.1, 4, 2000
    x, y, w = pc.planted_margin_data(B, s, 3, gamma, generator=_gen(5), dtype=dtype)
    margins = (y * (x @ w.unsqueeze(-1)).squeeze(-1)).double()  # every point's margin, not the least
    assert x.dtype == dtype and torch.isfinite(x).all() and (margins >= gamma * (1 - 1e-6)).all()
    share = math.erfc((gamma + t) / math.sqrt(2)) / math.erfc(gamma / math.sqrt(2))
    assert abs(float((margins > gamma + t).double().mean()) - share) < 4 * math.sqrt(share * (1 - share) / (B * s))
    assert torch.isfinite(pc.planted_margin_data(1, 5, 2, 37.5)[0]).all()
    with pytest.raises(ValueError, match=r"^gamma must lie in \[0, 37.5\], got 37.6$"):
        pc.planted_margin_data(1, 5, 2, 37.6)


def test_planted_data_sets_are_independent_with_both_labels_and_the_conditioned_normal():
    """Across data sets the points are uncorrelated; labels are ±1 about half each; |x·w*| has the mean
    φ(γ)/Q(γ) of a standard normal conditioned on |c| > γ (inverse Mills ratio)."""
    B, s, n, gamma = 2, 4000, 3, 0.5
    x, y, w = pc.planted_margin_data(B, s, n, gamma, generator=_gen(3))
    corr = np.corrcoef(x[0].flatten().numpy(), x[1].flatten().numpy())[0, 1]
    assert abs(corr) < 4 / math.sqrt(s * n)
    along = (x @ w.unsqueeze(-1)).squeeze(-1)  # (B, s)
    assert not torch.allclose(along[0].abs(), along[1].abs())
    assert set(y.unique().tolist()) == {-1.0, 1.0} and abs(float(y.mean())) < 4 / math.sqrt(B * s)
    phi, Q = math.exp(-gamma**2 / 2) / math.sqrt(2 * math.pi), 0.5 * math.erfc(gamma / math.sqrt(2))
    mean, var = phi / Q, 1 + gamma * phi / Q - (phi / Q) ** 2
    assert abs(float(along.abs().mean()) - mean) < 4 * math.sqrt(var / (B * s))


def test_perceptron_loss_labels_one_point_or_one_per_point():
    """One point takes one label (in x's dtype); a set of points needs one label per point, not a scalar."""
    loss = pc.perceptron_loss([1.0, 1.0], torch.tensor([1.0, -2.0], dtype=F32), 1.0)
    assert loss.dtype == F32 and float(loss) == 1.0  # max(0, −1·(1 − 2)) = 1
    with pytest.raises(ValueError, match=r"^y must have shape x.shape\[:-1\] = \(2,\), got \(\)"):
        pc.perceptron_loss([1.0, 1.0], f64([[1.0, 0.0], [0.0, 1.0]]), 1.0)
    with pytest.raises(ValueError, match=r"^y must broadcast to the batch shape \(\), got shape \(2,\)"):
        pc.perceptron_loss([1.0, 1.0], f64([1.0, 0.0]), [1.0, 1.0])


def test_one_float32_point_with_a_python_bias_stays_float32():
    """For one point the sum is 0-d, so a float64 0-d bias would promote it: the bias takes x's dtype."""
    x32 = torch.tensor([1.0, 2.0], dtype=F32)
    assert pc.threshold_unit(x32, [1.0, 1.0], b=0.5).dtype == F32
    assert pc.signed_distance(x32, [3.0, 4.0], b=0.5).dtype == F32
    assert pc.margin(x32, 1.0, [3.0, 4.0], b=0.5).dtype == F32


def test_planted_data_draw_only_from_their_generator():
    """One seed gives bit-identical data whatever the global generator holds (every draw uses the generator)."""
    runs = []
    for global_seed in (0, 1):
        torch.manual_seed(global_seed)
        runs.append(pc.planted_margin_data(2, 5, 3, 0.1, generator=_gen(4)))
    for a, b in zip(*runs):
        assert torch.equal(a, b)
