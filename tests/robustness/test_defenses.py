"""Unit tests of edl.robustness.defenses."""

import math

import numpy as np
import pytest
import torch

from edl.robustness import defenses as df

T = lambda v: torch.tensor(v, dtype=torch.float64)  # noqa: E731


def test_robust_logistic_loss_values():
    assert float(df.robust_logistic_loss(T([1.0, -1.0]), 0.0, T([[1.0, 0.0]]), T([1.0]), 0.5)) == pytest.approx(math.log(2), abs=1e-15)
    assert float(df.robust_logistic_loss(T([1.0, -1.0]), 0.5, T([[1.0, 0.0]]), T([1.0]), 0.0)) == pytest.approx(math.log1p(math.exp(-1.5)), abs=1e-15)
    assert float(df.robust_logistic_loss(T([3.0, 4.0]), 0.0, T([[1.0, 1.0]]), T([-1.0]), 0.2, 2)) == pytest.approx(math.log1p(math.exp(8.0)), abs=1e-12)
    two = df.robust_logistic_loss(T([1.0, 0.0]), 0.0, T([[1.0, 0.0], [2.0, 0.0]]), T([1.0, 1.0]), 0.0, 1)
    assert float(two) == pytest.approx((math.log1p(math.exp(-1)) + math.log1p(math.exp(-2))) / 2, abs=1e-15)
    with pytest.raises(ValueError, match="y must hold labels"):
        df.robust_logistic_loss(T([1.0]), 0.0, T([[1.0]]), T([0.0]), 0.1)


def test_train_linear_classifier():
    w, b = df.train_linear_classifier(T([[1.0], [-1.0]]), T([1.0, -1.0]), 0.0, steps=100)
    assert round(float(w[0]), 4) == 2.1855 and float(b) == 0.0
    w1, _ = df.train_linear_classifier(T([[1.0], [-1.0]]), T([1.0, -1.0]), 0.0, steps=1, lr=1.0)
    assert float(w1[0]) == pytest.approx(0.5, abs=1e-15)            # gradient at 0 is −mean(y x)/2 = −1/2
    wr, _ = df.train_linear_classifier(T([[1.0], [-1.0]]), T([1.0, -1.0]), 0.5, steps=100)
    assert float(wr[0]) < float(w[0])


def test_adversarial_training_lowers_the_loss_and_refuses_bad_labels():
    torch.manual_seed(0)
    net = torch.nn.Linear(2, 2).double()
    X, y = T([[0.0, 1.0], [1.0, 0.0]]), torch.tensor([0, 1])
    losses = df.adversarial_training(net, X, y, 0.1, epochs=15, lr=0.1)
    assert len(losses) == 15 and losses[-1] < losses[0]
    clean = df.adversarial_training(torch.nn.Linear(2, 2).double(), X, y, 0.0, epochs=2, lr=0.1)
    assert len(clean) == 2
    with pytest.raises(ValueError, match="y must be a tensor of class indices"):
        df.adversarial_training(net, X, [0, 1], 0.1)
    with pytest.raises(ValueError, match="model must be"):
        df.adversarial_training("net", X, y, 0.1)


def test_dro_worst_case():
    grid = torch.linspace(-2, 2, 41, dtype=torch.float64)
    assert float(df.dro_worst_case(lambda t: t.abs(), T([0.0, 1.0]), 0.5, grid)) == pytest.approx(1.0, abs=1e-12)
    assert float(df.dro_worst_case(lambda t: t.abs(), T([0.0, 1.0]), 0.0, grid)) == pytest.approx(0.5, abs=1e-12)
    assert float(df.dro_worst_case(lambda t: -t.abs(), T([0.0, 1.0]), 0.5, grid)) == pytest.approx(-0.25, abs=1e-12)
    with pytest.raises(ValueError, match="grid must have a point within eps"):
        df.dro_worst_case(lambda t: t, T([5.0]), 0.1, grid)
    with pytest.raises(ValueError, match="loss must map the grid"):
        df.dro_worst_case(lambda t: t.sum(), T([0.0]), 0.1, grid)


def test_jacobian_spectral_norm():
    A = T([[3.0, 0.0], [0.0, -1.0], [1.0, 1.0]])
    assert float(df.jacobian_spectral_norm(lambda z: A @ z, T([1.0, 1.0]))) == pytest.approx(np.linalg.svd(A.numpy())[1][0], rel=1e-10)
    assert float(df.jacobian_spectral_norm(lambda z: 0 * z, T([1.0, 1.0]))) == 0.0
    f = lambda z: torch.tanh(z)  # noqa: E731
    assert float(df.jacobian_spectral_norm(f, T([0.0, 2.0]), iters=30)) == pytest.approx(1.0, rel=1e-10)
    with pytest.raises(ValueError, match="f must map x to a vector"):
        df.jacobian_spectral_norm(lambda z: z.sum(), T([1.0, 1.0]))


def test_spectral_norm_bound():
    assert float(df.spectral_norm_bound([torch.eye(2, dtype=torch.float64) * 3, T([[0.0, 2.0]])])) == pytest.approx(6.0, abs=1e-12)
    assert float(df.spectral_norm_bound([T([[1.0, 1.0], [1.0, 1.0]])])) == pytest.approx(2.0, abs=1e-12)
    with pytest.raises(ValueError, match=r"weights\[1\] must have 2 columns"):
        df.spectral_norm_bound([torch.eye(2, dtype=torch.float64), T([[1.0, 2.0, 3.0]])])


def test_operator_norm_every_branch():
    W = T([[1.0, 2.0], [3.0, -4.0]])
    assert float(df.operator_norm(W, 1, 1)) == 6.0
    assert float(df.operator_norm(W, 1, math.inf)) == 4.0
    assert float(df.operator_norm(W, 1, 2)) == pytest.approx(math.sqrt(20), abs=1e-14)
    assert float(df.operator_norm(W, math.inf, 1)) == 8.0
    assert float(df.operator_norm(W, math.inf, math.inf)) == 7.0
    assert float(df.operator_norm(W, 2, 2)) == pytest.approx(np.linalg.svd(W.numpy())[1][0], rel=1e-12)
    assert float(df.operator_norm(T([[0.0, 0.0]]), 2, 2)) == 0.0
    with pytest.raises(ValueError, match="p and q must be"):
        df.operator_norm(W, 2, 1)
    with pytest.raises(ValueError, match="at most 20 columns"):
        df.operator_norm(torch.ones(1, 21, dtype=torch.float64), math.inf, 1)


def test_ibp_bounds_and_smoothing_radius():
    B = df.ibp_bounds([T([[1.0, -1.0]]), T([[2.0], [-1.0]])], [T([0.5]), T([0.0, 1.0])], T([0.0, 0.0]), T([1.0, 1.0]))
    assert [(lo.tolist(), hi.tolist()) for lo, hi in B] == [([-0.5], [1.5]), ([0.0, -0.5], [3.0, 1.0])]
    with pytest.raises(ValueError, match="lower must not exceed upper"):
        df.ibp_bounds([T([[1.0]])], [T([0.0])], T([1.0]), T([0.0]))
    with pytest.raises(ValueError, match="biases must have one entry per layer"):
        df.ibp_bounds([T([[1.0]])], [T([0.0]), T([0.0])], T([0.0]), T([1.0]))
    assert float(df.smoothing_radius(0.8413447460685429, 0.15865525393145707, 0.5)) == pytest.approx(0.5, abs=1e-12)
    assert float(df.smoothing_radius(0.5, 0.5, 1.0)) == 0.0
    assert float(df.smoothing_radius(0.9, 0.05, 2.0)) == pytest.approx((1.2815515655446004 + 1.6448536269514722), abs=1e-9)
    with pytest.raises(ValueError, match="p_b must not exceed p_a"):
        df.smoothing_radius(0.4, 0.6, 1.0)


def test_adversarial_training_history_is_pinned():
    """Seeded: the batches, PGD's inner steps and Adam's updates fix every loss of the history."""
    X = T([[0.0, 1.0, 0.5], [1.0, 0.0, 0.5], [0.2, 0.3, 0.9], [0.8, 0.6, 0.1]])
    y = torch.tensor([0, 1, 0, 1])
    torch.manual_seed(0)
    net = torch.nn.Linear(3, 2).double()
    robust = df.adversarial_training(net, X, y, 0.1, epochs=3, lr=0.1, batch_size=3, attack_steps=2, seed=1)
    assert robust == pytest.approx([0.93858845, 0.76506302, 0.63377011], abs=1e-7)
    assert net.bias.detach().tolist() == pytest.approx([0.08439862, 0.36193718], abs=1e-7)
    torch.manual_seed(0)
    clean = df.adversarial_training(torch.nn.Linear(3, 2).double(), X, y, 0.0, epochs=3, lr=0.1, batch_size=3,
                                    attack_steps=2, seed=1)
    assert clean == pytest.approx([0.86433159, 0.72621895, 0.58694762], abs=1e-7)
