"""Edges of edl.robustness.attacks that its mutation run exposed: exact error messages, default arguments,
batches with more than one leading axis, float32 inputs, and the boundaries of each comparison."""

import math

import numpy as np
import pytest
import torch

from edl.robustness import attacks as at

T = lambda v: torch.tensor(v, dtype=torch.float64)  # noqa: E731
INF = math.inf


def _close(t, want, atol):
    return t.shape == T(want).shape and torch.allclose(t, T(want), rtol=0, atol=atol)


def _two(x):
    return torch.stack([-x[:, 0], x[:, 0]], -1)


# --- exponents -------------------------------------------------------------------------------------------

def test_exponent_messages_name_the_interval_and_the_value():
    """The refusal of an exponent names the argument, the interval (with ' or 0' where 0 is allowed) and p."""
    with pytest.raises(ValueError, match=r"^p must be a number in \[1, inf\], got 0\.5$"):
        at.dual_exponent(0.5)
    with pytest.raises(ValueError, match=r"^p must be a number in \[1, inf\], got True$"):
        at.dual_exponent(True)
    with pytest.raises(ValueError, match=r"^p must be a number in \[1, inf\], got '2'$"):
        at.dual_exponent("2")
    with pytest.raises(ValueError, match=r"^p must be a number in \[1, inf\], got nan$"):
        at.dual_exponent(math.nan)
    with pytest.raises(ValueError, match=r"^p must be a number in \[0\.001, inf\] or 0, got -1\.0$"):
        at.p_norm(T([1.0]), -1)
    with pytest.raises(ValueError, match=r"^p must be a number in \[1, inf\], got 0\.0$"):
        at.steepest_direction(T([1.0]), 0)                  # 0 is the l0 count, not an exponent here
    with pytest.raises(ValueError, match=r"^p must be a number in \[1, inf\] or 0, got 0\.5$"):
        at.is_adversarial(_two, T([[0.5]]), T([[0.1]]), [1], eps=1.0, p=0.5)


def test_dual_exponent_of_integers_and_just_above_one():
    """1/p + 1/p* = 1 for an integer p and near 1; p = 1 is the smallest valid exponent."""
    assert at.dual_exponent(4) == pytest.approx(4 / 3, rel=1e-15)
    assert at.dual_exponent(1.25) == pytest.approx(5.0, rel=1e-12)
    assert at.dual_exponent(1.0) == INF


# --- p_norm -----------------------------------------------------------------------------------------------

def test_p_norm_of_a_three_axis_batch_is_taken_along_the_last_axis_only():
    """(2, 3, 2) batch: every row's norm matches numpy's norm of that row, for p = 0, 1, 2, 3 and inf."""
    x = torch.arange(12, dtype=torch.float64).reshape(2, 3, 2) - 5.0
    for p in (0, 1, 2, 3, INF):
        want = np.linalg.norm(x.numpy(), ord=p, axis=-1) if p else (x != 0).sum(-1).double().numpy()
        got = at.p_norm(x, p)
        assert got.shape == (2, 3)
        assert got.numpy() == pytest.approx(want, rel=1e-13)


def test_p_norm_count_keeps_float32_and_counts_nonzeros():
    """The l0 count of a float32 input comes back as float32, and zeros (not ones) are left out."""
    out = at.p_norm(torch.tensor([[1.0, 0.0, -2.0], [0.0, 0.0, 1.0]]), 0)
    assert out.dtype == torch.float32 and out.tolist() == [2.0, 1.0]


def test_p_norm_is_scale_free_in_a_batch_of_different_sizes():
    """Each row is rescaled by its own maximum: rows of very different sizes keep their own norms."""
    x = T([[3.0, 4.0], [3e-200, 4e-200], [0.0, 0.0]])
    assert at.p_norm(x, 2).tolist() == pytest.approx([5.0, 5e-200, 0.0], rel=1e-14, abs=0)
    assert at.p_norm(x, 1).tolist() == pytest.approx([7.0, 7e-200, 0.0], rel=1e-14, abs=0)


# --- steepest direction -----------------------------------------------------------------------------------

@pytest.mark.parametrize("p", [1, 2, 3, INF])
def test_steepest_direction_of_a_three_axis_batch_matches_row_by_row(p):
    """Leading axes are a batch: the (2, 2, 3) answer equals the answer of each row alone."""
    z = T([[[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]], [[-4.0, 1.0, 1.0], [0.25, 0.5, -0.75]]])
    out = at.steepest_direction(z, p)
    rows = torch.stack([at.steepest_direction(r, p) for r in z.reshape(-1, 3)]).reshape(2, 2, 3)
    assert out.shape == z.shape and torch.allclose(out, rows, rtol=0, atol=1e-14)


def test_steepest_direction_of_rows_whose_largest_entry_is_one():
    """A row with max |z_i| = 1 is not the zero vector, and square batches are normalised row by row."""
    assert at.steepest_direction(T([1.0, 0.0]), 2).tolist() == [1.0, 0.0]
    z = T([[1.0, 2.0], [4.0, -1.0]])
    out = at.steepest_direction(z, 3)
    for row, v in zip(z, out):
        assert float(at.p_norm(v, 3)) == pytest.approx(1.0, abs=1e-14)
        assert float(v @ row) == pytest.approx(float(np.linalg.norm(row.numpy(), 1.5)), abs=1e-13)


def test_steepest_direction_rescales_each_row_by_its_own_maximum():
    """Rows of very different sizes, p = 1.5 (|z|^2 inside): the tiny row still gets a unit-norm direction."""
    out = at.steepest_direction(T([[1e-200, 2e-200], [1.0, 1.0]]), 1.5)
    assert at.p_norm(out, 1.5).tolist() == pytest.approx([1.0, 1.0], rel=1e-12, abs=0)
    assert out[0].tolist() == pytest.approx([1 / 9 ** (2 / 3), 4 / 9 ** (2 / 3)], rel=1e-12)     # |z|^2 / |z|_3^2


def test_steepest_direction_refuses_a_zero_row_of_a_three_axis_batch():
    """The zero-vector check runs along the last axis of every batch row, and the message shows z."""
    z = torch.ones(2, 2, 3, dtype=torch.float64)
    z[1, 0] = 0.0
    with pytest.raises(ValueError, match=r"^z must not be the zero vector \(every direction is then steepest\)"):
        at.steepest_direction(z, 2)
    assert at.steepest_direction(torch.ones(2, 2, 3, dtype=torch.float64), 1).sum(-1).tolist() == [[1.0, 1.0]] * 2


# --- is_adversarial and labels ----------------------------------------------------------------------------

def test_is_adversarial_at_zero_budget():
    """eps = 0 admits delta = 0 only: an input already misclassified is its own adversarial example."""
    x = T([[-0.5], [0.5]])
    zero = torch.zeros(2, 1, dtype=torch.float64)
    assert at.is_adversarial(_two, x, zero, [1, 1], eps=0.0, p=2).tolist() == [True, False]
    assert at.is_adversarial(_two, x, zero, [1, 1], eps=0.0, p=0).tolist() == [True, False]
    assert at.is_adversarial(_two, x, T([[1e-9], [0.0]]), [1, 1], eps=0.0, p=INF).tolist() == [False, False]


def test_is_adversarial_budget_messages():
    """A negative budget and a wrong delta shape are refused with messages naming them."""
    x, d = T([[0.5]]), T([[0.1]])
    with pytest.raises(ValueError, match=r"^eps must be non-negative, got -0\.1$"):
        at.is_adversarial(_two, x, d, [1], eps=-0.1, p=2)
    with pytest.raises(ValueError, match=r"^delta must have shape \(1, 1\) to match x, got shape \(1, 2\)$"):
        at.is_adversarial(_two, x, T([[0.1, 0.1]]), [1], eps=1.0, p=2)
    with pytest.raises(ValueError, match=r"^f must be callable"):
        at.is_adversarial("f", x, d, [1], eps=1.0, p=2)


def test_is_adversarial_shape_messages_and_the_dtype_of_delta():
    """x and delta must be (n, d) themselves; delta given as a list takes x's float32, where 0.6 + 1e-10 rounds
    to 0.6 and so lies within the budget 0.6 (in float64 it does not)."""
    with pytest.raises(ValueError, match=r"^x must have 2 dimension\(s\), got shape \(1,\)$"):
        at.is_adversarial(_two, T([0.5]), T([[0.1]]), [1], eps=1.0, p=2)
    with pytest.raises(ValueError, match=r"^delta must have 2 dimension\(s\), got shape \(1,\)$"):
        at.is_adversarial(_two, T([[0.5]]), T([0.1]), [1], eps=1.0, p=2)
    x32 = torch.tensor([[0.5]])
    assert at.is_adversarial(_two, x32, [[-0.6 - 1e-10]], [1], eps=0.6, p=2).tolist() == [True]
    assert at.is_adversarial(_two, T([[0.5]]), [[-0.6 - 1e-10]], [1], eps=0.6, p=2).tolist() == [False]


def test_label_messages():
    """Labels: negative floats, bools, wrong lengths and negative integers each get their own message."""
    x, d = T([[0.5], [0.5]]), T([[0.1], [0.1]])
    with pytest.raises(ValueError, match=r"^y must hold whole numbers >= 0, got \[1\.0, -1\.0\]$"):
        at.is_adversarial(_two, x, d, T([1.0, -1.0]), eps=1.0, p=2)
    with pytest.raises(ValueError, match=r"^y must hold whole numbers >= 0, got \[0\.5, 1\.0\]$"):
        at.is_adversarial(_two, x, d, T([0.5, 1.0]), eps=1.0, p=2)
    with pytest.raises(ValueError, match=r"^y must hold class indices, got \[True, False\]$"):
        at.is_adversarial(_two, x, d, [True, False], eps=1.0, p=2)
    with pytest.raises(ValueError, match=r"^y must hold class indices >= 0, got \[1, -1\]$"):
        at.is_adversarial(_two, x, d, [1, -1], eps=1.0, p=2)
    with pytest.raises(ValueError, match=r"^target must have shape \(2,\) to match x, got shape \(3,\)$"):
        at.is_adversarial(_two, x, d, [1, 1], eps=1.0, p=2, target=[0, 0, 0])
    with pytest.raises(ValueError, match=r"^y must hold class indices, got 'a'$"):
        at.is_adversarial(_two, x, d, "a", eps=1.0, p=2)
    assert at.is_adversarial(_two, x, d, T([0.0, 1.0]), eps=1.0, p=2).tolist() == [True, False]   # float 0 is a class


def test_is_adversarial_keeps_labels_given_as_a_tensor():
    """Integer label tensors are used as they are, float ones after the whole-number check."""
    x, d = T([[0.5], [-0.5]]), T([[0.0], [0.0]])
    assert at.is_adversarial(_two, x, d, torch.tensor([1, 1]), eps=0.0, p=2).tolist() == [False, True]
    assert at.is_adversarial(_two, x, d, torch.tensor([1, 1]), eps=0.0, p=2, target=torch.tensor([0, 0])).tolist() == \
        [False, True]


# --- linear classifiers -----------------------------------------------------------------------------------

def test_linear_flips_in_one_dimension_and_with_float32_weights():
    """d = 1 is valid; float32 weights with list inputs compute in float32 (x and delta take w's dtype)."""
    assert at.linear_flips(T([2.0]), 1.0, T([[1.0], [-1.0]]), T([1.0, -1.0]), T([[-2.0], [0.0]])).tolist() == \
        [True, False]
    w = torch.tensor([1.0, 1.0])
    assert at.linear_flips(w, -1.0, [1.0, 1.0], 1.0, [[-0.5, -0.5], [-0.4, -0.4]]).tolist() == [True, False]


def test_linear_flips_refuses_batches_that_do_not_broadcast():
    """x, delta and y are checked to broadcast together before the comparison."""
    w = T([1.0, 1.0])
    with pytest.raises(ValueError, match=r"^x and delta and y must broadcast together, got"
                                         r" shapes x \(2,\), delta \(3,\), y \(\)$"):
        at.linear_flips(w, 0.0, torch.zeros(2, 2, dtype=torch.float64), 1.0, torch.zeros(3, 2, dtype=torch.float64))
    with pytest.raises(ValueError, match=r"^x and delta and y must broadcast together"):
        at.linear_flips(w, 0.0, torch.zeros(2, 2, dtype=torch.float64), T([1.0, 1.0, 1.0]),
                        torch.zeros(2, 2, dtype=torch.float64))
    with pytest.raises(ValueError, match=r"^y must hold labels ±1, got \[1\.0, 0\.0\]$"):
        at.linear_flips(w, 0.0, T([1.0, 1.0]), T([1.0, 0.0]), T([0.0, 0.0]))


def test_linear_flips_shape_messages_name_w():
    """x and delta must end in w's length, and the message says so."""
    w = T([1.0, 1.0])
    with pytest.raises(ValueError, match=r"^x must have shape \(\.\.\., 2\) to match w, got shape \(3,\)$"):
        at.linear_flips(w, 0.0, T([1.0, 1.0, 1.0]), 1.0, T([0.0, 0.0]))
    with pytest.raises(ValueError, match=r"^delta must have shape \(\.\.\., 2\) to match w, got shape \(1, 3\)$"):
        at.linear_flips(w, 0.0, T([1.0, 1.0]), 1.0, T([[0.0, 0.0, 0.0]]))


def test_linear_minimal_perturbation_default_is_the_euclidean_one():
    """Without p the perturbation is the l2 one, -(w.x+b)/|w|^2 w, not the l3 one."""
    w, b, x = T([1.0, 2.0]), -1.0, T([1.0, 1.0])             # margin 2
    default = at.linear_minimal_perturbation(w, b, x)
    assert default.tolist() == pytest.approx([-0.4, -0.8], abs=1e-14)
    assert not torch.allclose(default, at.linear_minimal_perturbation(w, b, x, 3))


def test_linear_minimal_perturbation_batch_and_bias_sign():
    """A (2, 2, d) batch, each point moved exactly onto w.x + b = 0, with the bias added (not subtracted)."""
    w, b = T([1.0, -2.0, 2.0]), 3.0
    x = T([[[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]], [[-4.0, 0.0, 0.0], [2.0, 2.0, 2.0]]])
    for p in (1, 2, 3, INF):
        d = at.linear_minimal_perturbation(w, b, x, p)
        assert d.shape == x.shape
        assert ((x + d) @ w + b).abs().max() < 1e-12
        q = at.dual_exponent(p)
        want = ((x @ w + b).abs() / np.linalg.norm(w.numpy(), q)).numpy()
        assert at.p_norm(d, p).numpy() == pytest.approx(want, rel=1e-12)
    with pytest.raises(ValueError, match=r"^w must not be the zero vector \(there is no"
                                         r" boundary\), got \[0\.0, 0\.0\]$"):
        at.linear_minimal_perturbation(T([0.0, 0.0]), 1.0, T([1.0, 1.0]))
    assert at.linear_minimal_perturbation(T([1.0, 1.0]), -1.0, T([1.0, 1.0])).tolist() == pytest.approx([-0.5, -0.5])


def test_linear_multiclass_perturbation_with_two_classes_and_a_batch():
    """K = 2 is enough; each row of a batch moves onto its own boundary, and predicted class 1 is handled."""
    W, b = T([[1.0, 0.0], [0.0, 2.0]]), T([0.0, 1.0])
    x = T([[3.0, 0.0], [0.0, 3.0]])                     # scores (3, 1) and (0, 7): predicted 0 and 1
    delta, j = at.linear_multiclass_perturbation(W, b, x)
    assert j.tolist() == [1, 0]
    s = (x + delta) @ W.T + b
    assert (s[:, 0] - s[:, 1]).abs().max() < 1e-12
    # closed form: delta = (f_k - f_j) / |w_k - w_j|^2 (w_j - w_k)
    assert _close(delta, [[-0.4, 0.8], [1.4, -2.8]], 1e-14)
    with pytest.raises(ValueError, match=r"^W must have at least 2 rows \(classes\), got shape \(1, 2\)$"):
        at.linear_multiclass_perturbation(T([[1.0, 0.0]]), T([0.0]), T([[1.0, 1.0]]))
    with pytest.raises(ValueError, match=r"^W must have distinct rows, got \[\[1\.0, 0\.0\], \[1\.0, 0\.0\]\]$"):
        at.linear_multiclass_perturbation(T([[1.0, 0.0], [1.0, 0.0]]), T([0.0, -1.0]), T([[1.0, 1.0]]))
    with pytest.raises(ValueError, match=r"^overshoot must be non-negative, got -0\.1$"):
        at.linear_multiclass_perturbation(W, b, x, overshoot=-0.1)
    d0, _ = at.linear_multiclass_perturbation(W, b, x, overshoot=0)
    assert torch.equal(d0, delta)


def test_linear_multiclass_perturbation_in_one_dimension_and_three_classes():
    """d = 1, K = 3: the nearest boundary is chosen by distance, the predicted class itself is skipped."""
    W, b = T([[1.0], [2.0], [-1.0]]), T([0.0, -3.0, 0.0])
    delta, j = at.linear_multiclass_perturbation(W, b, T([[1.0], [2.5]]))
    # x = 1: scores (1, -1, -1), class 0; boundaries with 1 at x = 3 (distance 2), with 2 at x = 0 (distance 1)
    # x = 2.5: scores (2.5, 2, -2.5), class 0; boundary with class 1 at x = 3
    assert j.tolist() == [2, 1] and _close(delta, [[-1.0], [0.5]], 1e-14)


# --- DeepFool ---------------------------------------------------------------------------------------------

def test_deepfool_binary_step_three_axis_batch_and_message():
    """c broadcasts against grad's leading axes; the l2 step is -c g / |g|^2 for every batch entry."""
    g = T([[[3.0, 4.0], [1.0, 0.0]], [[0.0, 2.0], [1.0, 1.0]]])
    c = T([[5.0, 2.0], [4.0, -2.0]])
    r = at.deepfool_binary_step(c, g)
    want = -(c / (g**2).sum(-1))[..., None] * g
    assert r.shape == g.shape and torch.allclose(r, want, rtol=0, atol=1e-14)
    with pytest.raises(ValueError, match=r"^grad must not be the zero vector \(the linearisation has no boundary\)"):
        at.deepfool_binary_step(T([1.0, 1.0]), T([[1.0, 0.0], [0.0, 0.0]]))
    with pytest.raises(ValueError, match=r"^c and grad must broadcast together"):
        at.deepfool_binary_step(T([1.0, 1.0, 1.0]), T([[1.0, 0.0], [0.0, 1.0]]))
    assert at.deepfool_binary_step(1.0, T([1.0])).tolist() == [-1.0]
    assert at.deepfool_binary_step(2.0, T([1.0, 1.0])).tolist() == pytest.approx([-1.0, -1.0], abs=1e-15)


def test_deepfool_multiclass_step_default_p_is_two():
    """The default step is the l2 one: |h_l| / |g_l|^2 g_l for the nearest class, not the l3 one."""
    h, g = T([[0.0, -5.0, -9.0]]), T([[[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]]])
    r, l = at.deepfool_multiclass_step(h, g, [0])
    assert l.tolist() == [1] and _close(r, [[0.6, 0.8]], 1e-14)
    r3, _ = at.deepfool_multiclass_step(h, g, [0], 3)
    assert not torch.allclose(r, r3)


def test_deepfool_multiclass_step_with_two_classes_and_messages():
    """K = 2 is valid (the binary case); k = K is out of range; h needs at least two classes."""
    grads = T([[[2.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 1.0]]])
    r, l = at.deepfool_multiclass_step(T([[-2.0, 0.0], [0.0, -1.0]]), grads, [1, 0])
    assert l.tolist() == [0, 1] and _close(r, [[1.0, 0.0], [0.0, 1.0]], 1e-15)
    with pytest.raises(ValueError, match=r"^k must index the 2 classes of h, got \[2\]$"):
        at.deepfool_multiclass_step(T([[0.0, -1.0]]), T([[[0.0, 0.0, 0.0], [0.0, 2.0, 0.0]]]), [2])
    with pytest.raises(ValueError, match=r"^h must have at least 2 classes, got shape \(1, 1\)$"):
        at.deepfool_multiclass_step(T([[0.0]]), T([[[1.0, 1.0]]]), [0])
    with pytest.raises(ValueError, match=r"^grad_h must not vanish for a class other than k, got a zero gradient$"):
        at.deepfool_multiclass_step(T([[0.0, -1.0]]), T([[[0.0, 0.0], [0.0, 0.0]]]), [0])
    with pytest.raises(ValueError, match=r"^k must have shape \(1,\) to match x, got shape \(2,\)$"):
        at.deepfool_multiclass_step(T([[0.0, -1.0, -2.0]]), T([[[0.0, 0.0], [0.0, 2.0], [1.0, 1.0]]]), [0, 0])


def test_deepfool_multiclass_step_skips_the_predicted_class_even_with_a_zero_gradient():
    """Only the predicted class k may have a zero gradient (h_k = 0 always); a batch picks per row."""
    h = T([[0.0, -4.0, -1.0], [-3.0, -2.0, 0.0]])
    g = T([[[0.0, 0.0], [0.0, 2.0], [0.5, 0.0]], [[1.0, 0.0], [0.0, 4.0], [0.0, 0.0]]])
    r, l = at.deepfool_multiclass_step(h, g, [0, 2])
    assert l.tolist() == [1, 1]                     # ratios (2, 2) -> first; (3, 0.5) -> 1
    assert _close(r, [[0.0, 2.0], [0.0, 0.5]], 1e-14)


def _exp_model(x):
    """Class 0 always wins (h_1 = -exp(x_0) < 0), and each DeepFool step moves x_0 by exactly -1."""
    return torch.stack([torch.exp(x[:, 0]), torch.zeros(len(x), dtype=x.dtype)], -1)


def test_deepfool_defaults_fifty_steps_and_two_percent_overshoot():
    """A point that never flips takes max_iter steps of -1 each: r = -(1 + 0.02) 50, steps = 51 by default."""
    r, steps = at.deepfool(_exp_model, T([[0.0]]))
    assert steps.tolist() == [51] and _close(r, [[-51.0]], 1e-10)
    r, steps = at.deepfool(_exp_model, T([[0.0]]), max_iter=2, overshoot=0.0)
    assert steps.tolist() == [3] and _close(r, [[-2.0]], 1e-12)
    r, steps = at.deepfool(_exp_model, T([[0.0]]), max_iter=1, overshoot=0.5)
    assert steps.tolist() == [2] and _close(r, [[-1.5]], 1e-12)


def test_deepfool_default_norm_is_euclidean():
    """A linear two-class model with w_1 - w_0 = (1, 2): the default step is the l2 projection, 2% further."""
    W = T([[0.0, 0.0], [1.0, 2.0]])
    f = lambda x: x @ W.T  # noqa: E731
    x = T([[-1.0, -1.0]])                              # h = -3, predicted class 0
    r, steps = at.deepfool(f, x)
    assert steps.tolist() == [1]
    assert _close(r, [[1.02 * 0.6, 1.02 * 1.2]], 1e-12)
    r3, _ = at.deepfool(f, x, p=3)
    assert not torch.allclose(r, r3)
    r1, _ = at.deepfool(f, x, p=1)
    assert _close(r1, [[0.0, 1.02 * 1.5]], 1e-12)


def test_deepfool_multiclass_batch_needs_several_steps():
    """Three classes, a curved model: every point ends with a flipped label, and steps count the iterations."""
    def f(x):
        return torch.stack([x[:, 0] ** 2 + x[:, 1], 2.0 - x[:, 0], x[:, 1] ** 3], -1)
    x = T([[2.0, 1.0], [3.0, 0.5], [-1.0, 4.0]])
    r, steps = at.deepfool(f, x, overshoot=0.02)
    k0 = f(x).argmax(-1)
    assert (f(x + r).argmax(-1) != k0).all()
    assert (steps >= 1).all() and (steps <= 50).all()
    r1, s1 = at.deepfool(f, x[:1], overshoot=0.02)
    assert torch.allclose(r[:1], r1, atol=1e-12) and s1.tolist() == steps[:1].tolist()
    assert r.dtype == torch.float64 and not r.requires_grad


def test_deepfool_validates_its_settings():
    """Non-positive max_iter, negative overshoot and a non-callable model are refused by name."""
    with pytest.raises(ValueError, match=r"^max_iter must be at least 1, got 0$"):
        at.deepfool(_two, T([[1.0]]), max_iter=0)
    with pytest.raises(ValueError, match=r"^overshoot must be non-negative, got -0\.5$"):
        at.deepfool(_two, T([[1.0]]), overshoot=-0.5)
    r, steps = at.deepfool(_two, T([[1.0]]), max_iter=1)
    assert steps.tolist() == [1] and _close(r, [[-1.02]], 1e-12)


# --- robustness measure -----------------------------------------------------------------------------------

def test_robustness_measure_message_and_float32():
    """The zero-vector message shows x (small inputs in full); float32 inputs give a float32 mean."""
    with pytest.raises(ValueError, match=r"^x must not contain the zero vector, got"
                                         r" \[\[1\.0, 1\.0\], \[0\.0, 0\.0\]\]$"):
        at.robustness_measure(T([[1.0, 0.0], [1.0, 0.0]]), T([[1.0, 1.0], [0.0, 0.0]]))
    out = at.robustness_measure([[3.0, 4.0]], torch.tensor([[0.0, 10.0]]))
    assert out.dtype == torch.float32 and float(out) == pytest.approx(0.5)
    with pytest.raises(ValueError, match=r"^r must have shape \(1, 2\) to match x, got shape \(2, 2\)$"):
        at.robustness_measure(T([[1.0, 0.0], [1.0, 0.0]]), T([[1.0, 1.0]]))


# --- dtypes of array-like arguments and shape messages ----------------------------------------------------

def test_array_like_arguments_take_the_float32_of_the_leading_tensor():
    """Lists next to a float32 tensor become float32 too, so every result stays float32."""
    f32 = lambda v: torch.tensor(v, dtype=torch.float32)  # noqa: E731
    assert at.linear_minimal_perturbation(f32([3.0, 4.0]), -5.0, [3.0, 4.0]).dtype == torch.float32
    delta, _ = at.linear_multiclass_perturbation(f32([[1.0, 0.0], [0.0, 1.0]]), [0.0, 0.5], [[2.0, 1.0]])
    assert delta.dtype == torch.float32
    assert at.deepfool_binary_step([5.0], f32([[3.0, 4.0]])).dtype == torch.float32
    r, _ = at.deepfool_multiclass_step(f32([[0.0, -1.0]]), [[[0.0, 0.0], [0.0, 2.0]]], [0])
    assert r.dtype == torch.float32


def test_linear_multiclass_perturbation_shape_messages():
    """b must be (K,) and x (n, d): wrong ranks and lengths are named with the argument they must match."""
    W = T([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])
    with pytest.raises(ValueError, match=r"^b must have 1 dimension\(s\), got shape \(1, 3\)$"):
        at.linear_multiclass_perturbation(W, T([[0.0, 0.0, 0.0]]), T([[1.0, 1.0]]))
    with pytest.raises(ValueError, match=r"^b must have shape \(3,\) to match W, got shape \(2,\)$"):
        at.linear_multiclass_perturbation(W, T([0.0, 0.0]), T([[1.0, 1.0]]))
    with pytest.raises(ValueError, match=r"^x must have 2 dimension\(s\), got shape \(2,\)$"):
        at.linear_multiclass_perturbation(W, T([0.0, 0.0, 0.0]), T([1.0, 1.0]))
    with pytest.raises(ValueError, match=r"^x must have shape \(any, 2\) to match W, got shape \(1, 3\)$"):
        at.linear_multiclass_perturbation(W, T([0.0, 0.0, 0.0]), T([[1.0, 1.0, 1.0]]))


def test_linear_multiclass_perturbation_distance_rule_with_short_rows():
    """Rows of norm below 1: the nearest boundary is still chosen by gap / |w_k - w_j| (scale-free), so the
    scaled copy of the coefficient-vs-distance example picks class 2 as the unscaled one does."""
    W = T([[0.0, 0.0], [0.1, 0.0], [0.0, 0.3]])
    _, j = at.linear_multiclass_perturbation(W, T([0.0, 0.0, 0.0]), T([[-1.0, -0.9]]))
    assert j.tolist() == [2]


def test_deepfool_multiclass_step_shape_message():
    """grad_h must have three axes (n, K, d)."""
    with pytest.raises(ValueError, match=r"^grad_h must have 3 dimension\(s\), got shape \(1, 2\)$"):
        at.deepfool_multiclass_step(T([[0.0, -1.0]]), T([[0.0, 2.0]]), [0])


def test_robustness_measure_shape_messages():
    """x and r must both be (n, d); a long x is shown as a tensor in the zero-vector message, a short one as a list."""
    with pytest.raises(ValueError, match=r"^x must have 2 dimension\(s\), got shape \(2,\)$"):
        at.robustness_measure(T([[0.3, 0.4]]), T([3.0, 4.0]))
    with pytest.raises(ValueError, match=r"^r must have 2 dimension\(s\), got shape \(2,\)$"):
        at.robustness_measure(T([0.3, 0.4]), T([[3.0, 4.0]]))
    long = torch.ones(10, 2, dtype=torch.float64)
    long[3] = 0.0
    with pytest.raises(ValueError, match=r"^x must not contain the zero vector, got tensor\("):
        at.robustness_measure(torch.zeros(10, 2, dtype=torch.float64), long)
    short = torch.ones(9, 2, dtype=torch.float64)
    short[3] = 0.0
    with pytest.raises(ValueError, match=r"^x must not contain the zero vector, got \[\[1\.0, 1\.0\], "):
        at.robustness_measure(torch.zeros(9, 2, dtype=torch.float64), short)


def test_linear_flips_labels_take_the_float32_of_w():
    """y given as a list becomes float32 like w, where 1e39 overflows: it is refused as not finite."""
    with pytest.raises(ValueError, match=r"^y must be finite, got \[inf\]$"):
        at.linear_flips(torch.tensor([1.0, 1.0]), 0.0, [1.0, 1.0], [1e39], [0.0, 0.0])
