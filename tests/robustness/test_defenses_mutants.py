"""Edges of edl.robustness.defenses that its mutation run exposed: defaults of the training loops and of the
power iteration, float32 inputs, one-sided tolerances of the DRO reach, non-square layers, degenerate boxes
and the exact messages."""

import copy
import math

import numpy as np
import pytest
import torch

from edl.robustness import defenses as df

T = lambda v: torch.tensor(v, dtype=torch.float64)  # noqa: E731


# --- the robust logistic loss and linear training ----------------------------------------------------------

def test_robust_logistic_loss_keeps_float32_and_names_bad_labels():
    """float32 weights with list data compute in float32; labels and exponents are refused by name."""
    out = df.robust_logistic_loss(torch.tensor([1.0, -1.0]), 0.0, [[1.0, 0.0]], [1.0], 0.5)
    assert out.dtype == torch.float32 and float(out) == pytest.approx(math.log(2), abs=1e-6)
    with pytest.raises(ValueError, match=r"^y must hold labels ±1, got \[0\.0, 1\.0\]$"):
        df.robust_logistic_loss(T([1.0]), 0.0, T([[1.0], [2.0]]), T([0.0, 1.0]), 0.1)
    with pytest.raises(ValueError, match=r"^y must hold labels ±1, got \[1\.0(, 1\.0){17}, 2\.0\]$"):
        df.robust_logistic_loss(T([1.0]), 0.0, torch.ones(19, 1, dtype=torch.float64), T([1.0] * 18 + [2.0]), 0.1)
    with pytest.raises(ValueError, match=r"^y must hold labels ±1, got tensor\("):
        df.robust_logistic_loss(T([1.0]), 0.0, torch.ones(20, 1, dtype=torch.float64), T([1.0] * 19 + [2.0]), 0.1)
    with pytest.raises(ValueError, match=r"^y must have shape \(2,\) to match X, got shape \(1,\)$"):
        df.robust_logistic_loss(T([1.0]), 0.0, T([[1.0], [2.0]]), T([1.0]), 0.1)
    for bad in (0.5, True, "2", math.nan):
        with pytest.raises(ValueError, match=r"^p must be a number in \[1, inf\], got "):
            df.robust_logistic_loss(T([1.0]), 0.0, T([[1.0]]), T([1.0]), 0.1, p=bad)
    with pytest.raises(ValueError, match=r"^eps must be non-negative, got -0\.1$"):
        df.robust_logistic_loss(T([1.0]), 0.0, T([[1.0]]), T([1.0]), -0.1)


def test_robust_logistic_loss_uses_the_dual_norm_of_w():
    """w = (3, -4), x = (1, 1), y = 1, b = 2: margin 1 - eps |w|_q, for p = 1 (q = inf), 2 and inf (q = 1)."""
    w, X, y = T([3.0, -4.0]), T([[1.0, 1.0]]), T([1.0])
    for p, dual in ((1, 4.0), (2, 5.0), (math.inf, 7.0), (1.5, (3**3 + 4**3) ** (1 / 3))):
        got = float(df.robust_logistic_loss(w, 2.0, X, y, 0.5, p))
        assert got == pytest.approx(math.log1p(math.exp(-(1.0 - 0.5 * dual))), rel=1e-12)
    assert float(df.robust_logistic_loss(w, 2.0, X, y, 0.5)) == pytest.approx(math.log1p(math.exp(2.5)), rel=1e-12)


def test_train_linear_classifier_with_an_l2_budget_starts_from_the_zero_subgradient():
    """p = 2 (q = 2) with eps > 0: the dual norm has no gradient at w = 0; training must not turn w into NaN.
    At w = 0 the zero subgradient makes the first step the clean one (-lr times the gradient of the data term)."""
    X, y = T([[1.0, 0.5], [-1.0, 0.2], [0.3, -1.0]]), T([1.0, -1.0, 1.0])
    w1, b1 = df.train_linear_classifier(X, y, 0.1, p=2, steps=1, lr=1.0)
    assert w1.tolist() == pytest.approx((0.5 * (y[:, None] * X).mean(0)).tolist(), abs=1e-15)
    w, b = df.train_linear_classifier(X, y, 0.1, p=2, steps=50)
    assert torch.isfinite(w).all() and torch.isfinite(b)
    margins = y * (X @ w + b) - 0.1 * w.norm()
    assert (margins > 0).all()


def test_train_linear_classifier_defaults():
    """Default steps = 500, lr = 0.1 and p = inf: the same answer as passing them, not as 499 steps; with five
    steps, lr 0.2 or p = 1 change the answer too (so the defaults of lr and p matter)."""
    X, y = T([[1.0, 0.5], [-1.0, 0.2], [0.3, -1.0]]), T([1.0, -1.0, 1.0])
    w, b = df.train_linear_classifier(X, y, 0.1)
    w5, b5 = df.train_linear_classifier(X, y, 0.1, p=math.inf, steps=500, lr=0.1)
    assert torch.allclose(w, w5, rtol=0, atol=1e-14) and torch.allclose(b, b5, rtol=0, atol=1e-14)
    w_o, b_o = df.train_linear_classifier(X, y, 0.1, steps=499)
    assert not torch.allclose(torch.cat([w_o, b_o[None]]), torch.cat([w, b[None]]), rtol=0, atol=1e-9)
    five, _ = df.train_linear_classifier(X, y, 0.1, steps=5)
    for other in (dict(lr=0.2), dict(p=1)):
        w_o, _ = df.train_linear_classifier(X, y, 0.1, steps=5, **other)
        assert not torch.allclose(w_o, five, rtol=0, atol=1e-9), other


def test_train_linear_classifier_one_step_from_zero_and_float32():
    """From w = b = 0 one step of lr is -lr times the gradient (-mean(y x)/2 for w, -mean(y)/2 for b); float32 stays."""
    X, y = T([[1.0, 2.0], [3.0, -1.0], [0.0, 1.0]]), T([1.0, 1.0, -1.0])
    w, b = df.train_linear_classifier(X, y, 0.0, steps=1, lr=0.5)
    assert w.tolist() == pytest.approx((0.5 * (y[:, None] * X).mean(0) / 2).tolist(), abs=1e-15)
    assert float(b) == pytest.approx(0.5 * float(y.mean()) / 2, abs=1e-15)
    w32, b32 = df.train_linear_classifier(torch.tensor([[1.0], [-1.0]]), [1.0, -1.0], 0.0, steps=3)
    assert w32.dtype == torch.float32 and b32.dtype == torch.float32
    with pytest.raises(ValueError, match=r"^steps must be at least 1, got 0$"):
        df.train_linear_classifier(X, y, 0.0, steps=0)
    with pytest.raises(ValueError, match=r"^lr must be positive, got 0\.0$"):
        df.train_linear_classifier(X, y, 0.0, lr=0.0)
    with pytest.raises(ValueError, match=r"^p must be a number in \[1, inf\], got 0\.5$"):
        df.train_linear_classifier(X, y, 0.0, p=0.5)
    with pytest.raises(ValueError, match=r"^y must have shape \(3,\) to match X, got shape \(2,\)$"):
        df.train_linear_classifier(X, T([1.0, -1.0]), 0.0)


# --- adversarial training ---------------------------------------------------------------------------------

class _Quadratic(torch.nn.Module):
    """Logits (a (z_0 - 0.5)^2 + b, 0): the attack on class 0 pulls z_0 towards 0.5, inside the budget, so PGD
    oscillates there and its end point depends on the number and size of its steps."""

    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.tensor(1.0, dtype=torch.float64))
        self.b = torch.nn.Parameter(torch.tensor(0.0, dtype=torch.float64))

    def forward(self, z):
        return torch.stack([self.a * (z[:, 0] - 0.5) ** 2 + self.b, torch.zeros(len(z), dtype=z.dtype)], -1)


def _data(n):
    g = torch.Generator().manual_seed(0)
    X = 0.42 + 0.16 * torch.rand(n, 2, generator=g, dtype=torch.float64)
    return X, (X[:, 1] > 0.5).long()


def test_adversarial_training_defaults():
    """Defaults epochs = 30, lr = 0.01, batch_size = 128, attack_steps = 5, seed = 0 give the same history as
    passing them (129 points: batches of 128 and 1)."""
    X, y = _data(129)
    default = df.adversarial_training(_Quadratic(), X, y, 0.1)
    explicit = df.adversarial_training(_Quadratic(), X, y, 0.1, epochs=30, lr=0.01, batch_size=128, attack_steps=5,
                                       seed=0)
    assert len(default) == 30 and default == pytest.approx(explicit, abs=1e-12)


def test_adversarial_training_settings_each_change_the_history():
    """One epoch: another lr, batch size, number of attack steps or seed changes the loss (the defaults matter)."""
    X, y = _data(129)
    base = dict(epochs=1, lr=0.01, batch_size=128, attack_steps=5, seed=0)
    ref = df.adversarial_training(_Quadratic(), X, y, 0.1, **base)
    for change in (dict(lr=0.02), dict(batch_size=129), dict(attack_steps=6), dict(seed=1)):
        got = df.adversarial_training(_Quadratic(), X, y, 0.1, **{**base, **change})
        assert got != pytest.approx(ref, abs=1e-9), change


def test_adversarial_training_messages_and_boundaries():
    """X may touch 0 and 1 but not leave [0, 1]; labels must be a long tensor; the model must be a Module."""
    net = torch.nn.Linear(2, 2).double()
    y = torch.tensor([0, 1])
    with pytest.raises(ValueError, match=r"^X must lie in \[0, 1\], got values outside$"):
        df.adversarial_training(net, T([[0.0, 1.5], [0.5, 0.5]]), y, 0.1, epochs=1)
    with pytest.raises(ValueError, match=r"^X must lie in \[0, 1\], got values outside$"):
        df.adversarial_training(net, T([[0.0, -0.5], [0.5, 0.5]]), y, 0.1, epochs=1)
    with pytest.raises(ValueError, match=r"^y must be a tensor of class indices \(torch.long\), got tensor\("):
        df.adversarial_training(net, T([[0.0, 1.0], [1.0, 0.0]]), torch.tensor([0.0, 1.0]), 0.1, epochs=1)
    with pytest.raises(ValueError, match=r"^model must be a torch.nn.Module, got 'net'$"):
        df.adversarial_training("net", T([[0.0, 1.0], [1.0, 0.0]]), y, 0.1)
    out = df.adversarial_training(net, T([[0.0, 1.0], [1.0, 0.0]]), y, 0.0, epochs=2, batch_size=1)
    assert len(out) == 2 and all(math.isfinite(v) and v > 0 for v in out)


def test_adversarial_training_history_is_the_mean_loss_of_each_epoch():
    """With a fixed model (lr tiny) and one batch, each epoch's entry is the clean cross-entropy of the data."""
    X, y = T([[0.2, 0.9], [0.7, 0.1], [0.5, 0.5]]), torch.tensor([0, 1, 1])
    net = torch.nn.Linear(2, 2).double()
    with torch.no_grad():
        want = float(torch.nn.functional.cross_entropy(net(X), y))
    hist = df.adversarial_training(net, X, y, 0.0, epochs=1, lr=1e-12, batch_size=3)
    assert hist == pytest.approx([want], abs=1e-9)
    net2 = copy.deepcopy(net)
    per_point = df.adversarial_training(net2, X, y, 0.0, epochs=1, lr=1e-12, batch_size=1)
    assert per_point == pytest.approx([want], abs=1e-9)           # a weighted mean over batches of one


# --- DRO --------------------------------------------------------------------------------------------------

def test_dro_reach_is_the_closed_ball_with_a_tiny_tolerance():
    """A grid point exactly eps away is reachable, one at 1.5 eps is not; with eps = 0 only x itself."""
    loss = lambda t: t  # noqa: E731
    assert float(df.dro_worst_case(loss, T([0.0]), 2.0, T([2.0, 3.0, 1.0]))) == 2.0
    assert float(df.dro_worst_case(loss, T([1.0]), 0.0, T([1.0, 1.5, 2.0]))) == 1.0
    assert float(df.dro_worst_case(loss, T([0.0]), 0.0, T([1e-12, 0.5]))) == 1e-12
    with pytest.raises(ValueError, match=r"^grid must have a point within eps = 0\.0 of"
                                         r" every x, got none near some x$"):
        df.dro_worst_case(loss, T([0.0]), 0.0, T([0.5, 1.0]))
    assert float(df.dro_worst_case(loss, T([0.0, 10.0]), 1.0, T([-1.0, 1.0, 2.0, 9.0, 11.5]))) == 5.0


def test_dro_message_for_a_loss_of_the_wrong_kind():
    """A loss returning a number (not a tensor) is refused, not crashed on."""
    with pytest.raises(ValueError, match=r"^loss must map the grid to one value per point, got 1\.0$"):
        df.dro_worst_case(lambda t: 1.0, T([0.0]), 0.5, T([0.0, 1.0]))


# --- Jacobian, layer and operator norms -------------------------------------------------------------------

def test_jacobian_spectral_norm_defaults_fifty_iterations_from_seed_zero():
    """On diag(1, 0.97) the power iteration is not yet converged: the default equals iters=50, seed=0 and differs
    from 51 iterations or seed 1 (a different start)."""
    A = T([[1.0, 0.0], [0.0, 0.97]])
    f = lambda z: A @ z  # noqa: E731
    x = T([0.3, -0.2])
    got = float(df.jacobian_spectral_norm(f, x))
    assert got == float(df.jacobian_spectral_norm(f, x, iters=50, seed=0))
    assert got != float(df.jacobian_spectral_norm(f, x, iters=51, seed=0))
    assert got != float(df.jacobian_spectral_norm(f, x, iters=50, seed=1))
    assert 0.97 < got <= 1.0 + 1e-15


def test_jacobian_spectral_norm_messages():
    """f must return a one-axis tensor: a number or a matrix is refused with what it returned."""
    with pytest.raises(ValueError, match=r"^f must map x to a vector \(m,\), got 1\.0$"):
        df.jacobian_spectral_norm(lambda z: 1.0, T([1.0, 1.0]))
    with pytest.raises(ValueError, match=r"^f must map x to a vector \(m,\), got tensor\("):
        df.jacobian_spectral_norm(lambda z: z[:, None] * z, T([1.0, 1.0]))
    with pytest.raises(ValueError, match=r"^iters must be at least 1, got 0$"):
        df.jacobian_spectral_norm(lambda z: z, T([1.0]), iters=0)


def test_spectral_norm_bound_with_non_square_layers():
    """Layers (3, 2) then (1, 3): the product of the spectral norms; a wrong third layer names both indices."""
    W1, W2 = T([[1.0, 0.0], [0.0, 2.0], [0.0, 0.0]]), T([[1.0, 2.0, 2.0]])
    assert float(df.spectral_norm_bound([W1, W2])) == pytest.approx(2.0 * 3.0, rel=1e-14)
    assert float(df.spectral_norm_bound([T([[1.0, 2.0, 2.0]])])) == pytest.approx(3.0, rel=1e-14)
    with pytest.raises(ValueError, match=r"^weights\[2\] must have 1 columns to follow"
                                         r" weights\[1\], got shape \(1, 3\)$"):
        df.spectral_norm_bound([W1, W2, T([[1.0, 1.0, 1.0]])])
    mixed = df.spectral_norm_bound([torch.eye(2) * 2, T([[1.0, 0.0]])])
    assert mixed.dtype == torch.float32 and float(mixed) == 2.0


def test_operator_norm_messages_and_other_exponents():
    """p = 1 takes the largest column q-norm for any q; q = 3 with p = inf; unsupported pairs are named."""
    W = T([[1.0, 2.0], [3.0, -4.0]])
    assert float(df.operator_norm(W, 1, 3)) == pytest.approx((8 + 64) ** (1 / 3), rel=1e-14)
    assert float(df.operator_norm(W, math.inf, 3)) == pytest.approx((1 + 343) ** (1 / 3), rel=1e-14)  # s = (1, -1)
    with pytest.raises(ValueError, match=r"^p and q must be p = 1, p = inf, or p = q = 2, got p=3\.0, q=2\.0$"):
        df.operator_norm(W, 3, 2)
    with pytest.raises(ValueError, match=r"^p and q must be p = 1, p = inf, or p = q = 2, got p=2\.0, q=inf$"):
        df.operator_norm(W, 2, math.inf)
    with pytest.raises(ValueError, match=r"^W must have at most 20 columns for p = inf \(2\^d"
                                         r" sign vectors\), got shape \(1, 21\)$"):
        df.operator_norm(torch.ones(1, 21, dtype=torch.float64), math.inf, 1)
    with pytest.raises(ValueError, match=r"^q must be a number in \[1, inf\], got 0\.5$"):
        df.operator_norm(W, 1, 0.5)
    assert float(df.operator_norm(T([[2.0, 0.0, 0.0], [0.0, 0.0, 5.0]]), 2, 2)) == pytest.approx(5.0, rel=1e-12)


# --- certificates -----------------------------------------------------------------------------------------

def test_ibp_bounds_of_a_point_box_are_the_network_values():
    """lower = upper is a valid (degenerate) box: every bound is the exact pre-activation of that point."""
    W1, b1, W2, b2 = T([[1.0, -2.0], [0.5, 1.0]]), T([0.5, -3.0]), T([[2.0, -1.0]]), T([0.25])
    x = T([1.0, 0.5])
    B = df.ibp_bounds([W1, W2], [b1, b2], x, x)
    z1 = W1 @ x + b1
    z2 = W2 @ z1.clamp_min(0) + b2
    assert [(lo.tolist(), hi.tolist()) for lo, hi in B] == [(z1.tolist(), z1.tolist()), (z2.tolist(), z2.tolist())]


def test_ibp_bounds_contain_sampled_outputs_and_are_attained_for_one_layer():
    """Two layers on [-1, 2] x [0, 1]: sampled pre-activations lie inside; the first layer's bounds are attained."""
    W1, b1, W2, b2 = T([[1.0, -2.0], [0.5, 1.0]]), T([0.5, -1.0]), T([[2.0, -1.0], [1.0, 1.0]]), T([0.25, -0.5])
    lo, hi = T([-1.0, 0.0]), T([2.0, 1.0])
    B = df.ibp_bounds([W1, W2], [b1, b2], lo, hi)
    g = torch.Generator().manual_seed(0)
    xs = lo + (hi - lo) * torch.rand(500, 2, generator=g, dtype=torch.float64)
    corners = T([[-1.0, 0.0], [-1.0, 1.0], [2.0, 0.0], [2.0, 1.0]])
    xs = torch.cat([xs, corners])
    z1 = xs @ W1.T + b1
    z2 = z1.clamp_min(0) @ W2.T + b2
    for (l, u), z in zip(B, (z1, z2)):
        assert (z >= l - 1e-12).all() and (z <= u + 1e-12).all()
    assert torch.allclose(B[0][0], z1.amin(0)) and torch.allclose(B[0][1], z1.amax(0))
    with pytest.raises(ValueError, match=r"^lower must not exceed upper, got lower=\[1\.0\], upper=\[0\.0\]$"):
        df.ibp_bounds([T([[1.0]])], [T([0.0])], T([1.0]), T([0.0]))
    with pytest.raises(ValueError, match=r"^biases must have one entry per layer \(1\), got 2$"):
        df.ibp_bounds([T([[1.0]])], [T([0.0]), T([0.0])], T([0.0]), T([1.0]))


def test_smoothing_radius_broadcasts_and_keeps_float32():
    """p_a (2,) with p_b (): one radius each; shapes that do not broadcast are named; float32 stays float32."""
    r = df.smoothing_radius(T([0.8413447460685429, 0.5]), 0.15865525393145707, 2.0)
    assert r.tolist() == pytest.approx([2.0, 1.0], abs=1e-9)
    with pytest.raises(ValueError, match=r"^p_a and p_b must broadcast together"):
        df.smoothing_radius(T([0.9, 0.8]), T([0.1, 0.1, 0.1]), 1.0)
    with pytest.raises(ValueError, match=r"^p_b must not exceed p_a, got p_a=\[0\.5\], p_b=\[0\.6\]$"):
        df.smoothing_radius(T([0.5]), T([0.6]), 1.0)
    out = df.smoothing_radius(torch.tensor(0.9), 0.1, 1.0)
    assert out.dtype == torch.float32 and float(out) == pytest.approx(1.2815515655446004, abs=1e-5)
    with pytest.raises(ValueError, match=r"^sigma must be positive, got 0\.0$"):
        df.smoothing_radius(0.9, 0.1, 0.0)


def test_robust_logistic_loss_shape_messages():
    """X must be (n, d) with d = len(w), y must be (n,): each wrong rank or width is named."""
    w = T([1.0, 1.0])
    with pytest.raises(ValueError, match=r"^X must have 2 dimension\(s\), got shape \(2,\)$"):
        df.robust_logistic_loss(w, 0.0, T([1.0, 1.0]), T([1.0]), 0.1)
    with pytest.raises(ValueError, match=r"^X must have shape \(any, 2\) to match w, got shape \(1, 3\)$"):
        df.robust_logistic_loss(w, 0.0, T([[1.0, 1.0, 1.0]]), T([1.0]), 0.1)
    with pytest.raises(ValueError, match=r"^y must have 1 dimension\(s\), got shape \(1, 1\)$"):
        df.robust_logistic_loss(w, 0.0, T([[1.0, 1.0]]), T([[1.0]]), 0.1)


def test_robust_logistic_loss_bias_takes_the_float32_of_w():
    """b given as a number becomes float32 like w, where 1e39 overflows: it is refused as not finite."""
    with pytest.raises(ValueError, match=r"^b must be finite, got inf$"):
        df.robust_logistic_loss(torch.tensor([1.0, 1.0]), 1e39, [[1.0, 0.0]], [1.0], 0.1)


def test_training_label_messages():
    """Linear training: list labels take X's float32 (1e39 overflows and is refused as not finite); adversarial
    training names y when its length does not match X."""
    with pytest.raises(ValueError, match=r"^y must be finite, got \[1\.0, inf\]$"):
        df.train_linear_classifier(torch.tensor([[1.0], [-1.0]]), [1.0, 1e39], 0.0, steps=1)
    with pytest.raises(ValueError, match=r"^y must have shape \(2,\) to match X, got shape \(3,\)$"):
        df.adversarial_training(torch.nn.Linear(2, 2).double(), T([[0.0, 1.0], [1.0, 0.0]]), torch.tensor([0, 1, 1]),
                                0.1)


def test_dro_grid_takes_the_float32_of_x_and_every_point_needs_a_neighbour():
    """grid as a list becomes float32 like x (1e39 overflows and is refused); one unreachable x is enough to refuse."""
    with pytest.raises(ValueError, match=r"^grid must be finite, got \[0\.0, inf\]$"):
        df.dro_worst_case(lambda t: t, torch.tensor([0.0]), 0.5, [0.0, 1e39])
    with pytest.raises(ValueError, match=r"^grid must have a point within eps = 0\.5 of"
                                         r" every x, got none near some x$"):
        df.dro_worst_case(lambda t: t, T([0.0, 5.0]), 0.5, T([0.0, 1.0]))


def test_jacobian_spectral_norm_with_a_single_iteration():
    """iters = 1 is valid: one power step on diag(3, 1) from the seeded start, between 1 and 3."""
    A = T([[3.0, 0.0], [0.0, 1.0]])
    got = float(df.jacobian_spectral_norm(lambda z: A @ z, T([0.0, 0.0]), iters=1))
    assert 1.0 < got <= 3.0
    # the start is the seed's float64 normal draw u0: one step gives |A^3 u0| / |A^2 u0|
    u0 = torch.randn(2, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    assert got == pytest.approx(float((A @ A @ A @ u0).norm() / (A @ A @ u0).norm()), rel=1e-12)


def test_ibp_bounds_float32_and_messages():
    """float32 weights with list biases and bounds stay float32; wrong ranks and shapes are named."""
    B = df.ibp_bounds([torch.tensor([[1.0, -1.0]])], [[0.5]], [0.0, 0.0], [1.0, 1.0])
    assert B[0][0].dtype == torch.float32 and B[0][0].tolist() == [-0.5] and B[0][1].tolist() == [1.5]
    W, b = [T([[1.0, -1.0]])], [T([0.0])]
    with pytest.raises(ValueError, match=r"^lower must have 1 dimension\(s\), got shape \(1, 2\)$"):
        df.ibp_bounds(W, b, T([[0.0, 0.0]]), T([1.0, 1.0]))
    with pytest.raises(ValueError, match=r"^upper must have 1 dimension\(s\), got shape \(1, 2\)$"):
        df.ibp_bounds(W, b, T([0.0, 0.0]), T([[1.0, 1.0]]))
    with pytest.raises(ValueError, match=r"^weights\[1\] must have shape \(any, 1\) to match the"
                                         r" previous layer, got shape \(1, 3\)$"):
        df.ibp_bounds([T([[1.0, -1.0]]), T([[1.0, 1.0, 1.0]])], [T([0.0]), T([0.0])], T([0.0, 0.0]), T([1.0, 1.0]))
    with pytest.raises(ValueError, match=r"^biases\[0\] must have shape \(1,\) to match"
                                         r" weights\[0\], got shape \(2,\)$"):
        df.ibp_bounds(W, [T([0.0, 0.0])], T([0.0, 0.0]), T([1.0, 1.0]))


def test_smoothing_radius_probability_range_message():
    """p_b = 1 lies outside (0, 1) and is refused as such (not as exceeding p_a)."""
    with pytest.raises(ValueError, match=r"^p_b must lie in \(0\.0, 1\.0\), got tensor\(1\."):
        df.smoothing_radius(0.9, 1.0, 1.0)


def test_operator_norm_accepts_exactly_twenty_columns_for_p_inf():
    """20 columns is the documented limit (2^20 sign vectors): a single row w gives |w|_1 = 20."""
    w = torch.ones(1, 20, dtype=torch.float64)
    w[0, ::2] = -1.0
    assert float(df.operator_norm(w, math.inf, 1)) == 20.0
