"""Unit tests of edl.robustness.attacks: exact values, limits and branches."""

import math

import numpy as np
import pytest
import torch

from edl.robustness import attacks as at

T = lambda v: torch.tensor(v, dtype=torch.float64)  # noqa: E731
INF = math.inf


def test_p_norm_values_and_l0():
    x = T([3.0, -4.0, 0.0])
    assert [float(at.p_norm(x, p)) for p in (0, 1, 2, INF)] == [2.0, 7.0, 5.0, 4.0]
    assert float(at.p_norm(x, 3)) == pytest.approx((27 + 64) ** (1 / 3), rel=1e-14)
    assert float(at.p_norm(x, 0.5)) == pytest.approx((3**0.5 + 2) ** 2, rel=1e-14)
    assert float(at.p_norm(T([0.0, 0.0]), 2)) == 0.0
    assert at.p_norm(T([[1e-200, 1e-200]]), 2).item() == pytest.approx(math.sqrt(2) * 1e-200, rel=1e-12)   # no underflow
    assert at.p_norm(T([[3.0, 4.0], [1.0, 0.0]]), 2).tolist() == [5.0, 1.0]
    assert at.p_norm(torch.tensor([1.0, 2.0], dtype=torch.float32), 2).dtype == torch.float32


def test_dual_exponent_limits_and_values():
    assert at.dual_exponent(1) == INF and at.dual_exponent(INF) == 1.0
    assert at.dual_exponent(2) == 2.0 and at.dual_exponent(3) == 1.5 and at.dual_exponent(1.5) == pytest.approx(3.0)
    with pytest.raises(ValueError, match="p must"):
        at.dual_exponent(0.5)


@pytest.mark.parametrize("p", [1, 1.5, 2, 3, INF])
def test_steepest_direction_is_on_the_sphere_and_attains_the_dual_norm(p):
    z = T([0.5, -2.0, 1.0, 0.0])
    v = at.steepest_direction(z, p)
    q = at.dual_exponent(p)
    assert float(at.p_norm(v, p)) == pytest.approx(1.0, abs=1e-14)
    assert float(v @ z) == pytest.approx(float(np.linalg.norm(z.numpy(), q)), abs=1e-13)


def test_steepest_direction_special_cases_and_batch():
    assert at.steepest_direction(T([3.0, -4.0]), 1).tolist() == [0.0, -1.0]
    assert at.steepest_direction(T([3.0, -4.0]), INF).tolist() == [1.0, -1.0]
    assert at.steepest_direction(T([[3.0, 4.0], [0.0, -2.0]]), 2).round(decimals=12).tolist() == [[0.6, 0.8], [0.0, -1.0]]
    assert at.steepest_direction(T([1e-300, 2e-300]), 3).abs().sum() > 0
    with pytest.raises(ValueError, match="z must not be the zero vector"):
        at.steepest_direction(T([[1.0, 0.0], [0.0, 0.0]]), 2)


def _two(x):
    return torch.stack([-x[:, 0], x[:, 0]], -1)


def test_is_adversarial_budget_and_target():
    x, y = T([[0.5], [0.5], [0.5]]), [1, 1, 1]
    d = T([[-0.6], [-0.4], [-0.7]])
    assert at.is_adversarial(_two, x, d, y, eps=0.6, p=2).tolist() == [True, False, False]
    assert at.is_adversarial(_two, x, d, y, eps=0.6, p=2, target=[0, 0, 0]).tolist() == [True, False, False]
    assert at.is_adversarial(_two, x, d, y, eps=0.6, p=2, target=[1, 1, 1]).tolist() == [False, True, False]
    assert at.is_adversarial(_two, x, d, T([1, 1, 1]), eps=1.0, p=0).tolist() == [True, False, True]
    with pytest.raises(ValueError, match="y must hold class indices"):
        at.is_adversarial(_two, x, d, [1, -1, 1], eps=1.0, p=2)
    with pytest.raises(ValueError, match="y must"):
        at.is_adversarial(_two, x, d, [True, True, True], eps=1.0, p=2)


def test_linear_flips_is_the_sign_condition():
    w, b, x = T([1.0, 1.0]), -1.0, T([1.0, 1.0])          # margin +1
    assert at.linear_flips(w, b, x, 1.0, T([[-0.5, -0.5], [-0.4, -0.4], [-0.6, -0.6]])).tolist() == [True, False, True]
    assert bool(at.linear_flips(w, b, T([0.0, 0.0]), -1.0, T([2.0, 0.0])))          # y = −1 at margin −1: crossing
    assert not bool(at.linear_flips(w, b, T([0.0, 0.0]), -1.0, T([0.5, 0.0])))
    with pytest.raises(ValueError, match="y must hold labels"):
        at.linear_flips(w, b, x, 0.5, T([0.0, 0.0]))


def test_linear_minimal_perturbation_values():
    w, b, x = T([3.0, 4.0]), -5.0, T([3.0, 4.0])
    assert at.linear_minimal_perturbation(w, b, x, 2).round(decimals=12).tolist() == [-2.4, -3.2]
    d = at.linear_minimal_perturbation(w, b, x, INF)
    assert d.tolist() == pytest.approx([-20 / 7, -20 / 7], abs=1e-14)
    d1 = at.linear_minimal_perturbation(w, b, x, 1)
    assert d1.tolist() == pytest.approx([0.0, -5.0], abs=1e-14)
    d3 = at.linear_minimal_perturbation(w, b, x, 3)
    assert float(w @ d3 + w @ x + b) == pytest.approx(0.0, abs=1e-12)
    neg = at.linear_minimal_perturbation(w, b, T([-3.0, -4.0]), 2)           # margin −30: moves up
    assert neg.round(decimals=12).tolist() == [3.6, 4.8]
    with pytest.raises(ValueError, match="w must not be the zero vector"):
        at.linear_minimal_perturbation(T([0.0, 0.0]), 1.0, x)


def test_linear_multiclass_perturbation_picks_the_nearest_boundary():
    W, b = T([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]]), T([0.0, 0.0, 0.0])
    delta, j = at.linear_multiclass_perturbation(W, b, T([[2.0, 1.0], [-3.0, 0.5]]))
    assert j.tolist() == [1, 1]
    assert delta.round(decimals=12).tolist() == [[-0.5, 0.5], [1.25, 1.25]]
    d2, _ = at.linear_multiclass_perturbation(W, b, T([[2.0, 1.0]]), overshoot=0.5)
    assert d2.round(decimals=12).tolist() == [[-0.75, 0.75]]
    # a case where the coefficient rule and the distance rule disagree
    W = T([[0.0, 0.0], [1.0, 0.0], [0.0, 3.0]])
    _, j = at.linear_multiclass_perturbation(W, T([0.0, 0.0, 0.0]), T([[-1.0, -1.0]]))
    assert j.tolist() == [1]                                      # distances 1 vs 1: first; coefficient would be 1 vs 1/3
    _, j = at.linear_multiclass_perturbation(W, T([0.0, 0.0, 0.0]), T([[-1.0, -0.9]]))
    assert j.tolist() == [2]                                      # distance 0.9 < 1
    with pytest.raises(ValueError, match="W must have distinct rows"):
        at.linear_multiclass_perturbation(T([[1.0, 0.0], [1.0, 0.0]]), T([0.0, -1.0]), T([[1.0, 1.0]]))
    with pytest.raises(ValueError, match="at least 2 rows"):
        at.linear_multiclass_perturbation(T([[1.0, 0.0]]), T([0.0]), T([[1.0, 1.0]]))


def test_deepfool_steps_exact_values():
    assert at.deepfool_binary_step(5.0, T([3.0, 4.0])).round(decimals=12).tolist() == [-0.6, -0.8]
    assert at.deepfool_binary_step(7.0, T([3.0, 4.0]), INF).round(decimals=12).tolist() == [-1.0, -1.0]
    r = at.deepfool_binary_step(T([5.0, 10.0]), T([[3.0, 4.0], [3.0, 4.0]]), 1)
    assert r.round(decimals=12).tolist() == [[0.0, -1.25], [0.0, -2.5]]
    with pytest.raises(ValueError, match="grad must not be the zero vector"):
        at.deepfool_binary_step(1.0, T([0.0, 0.0]))
    r, l = at.deepfool_multiclass_step(T([[-1.0, 0.0, -3.0]]), T([[[0.0, 2.0], [5.0, 5.0], [1.0, 0.0]]]), [1])
    assert l.tolist() == [0] and r.round(decimals=12).tolist() == [[0.0, 0.5]]
    r, l = at.deepfool_multiclass_step(T([[0.0, -4.0, -3.0]]), T([[[0.0, 0.0], [0.0, 2.0], [1.0, 0.0]]]), [0], INF)
    assert l.tolist() == [1] and r.round(decimals=12).tolist() == [[0.0, 2.0]]
    with pytest.raises(ValueError, match="k must index"):
        at.deepfool_multiclass_step(T([[0.0, -1.0]]), T([[[0.0, 0.0], [0.0, 2.0]]]), [2])
    with pytest.raises(ValueError, match="grad_h must not vanish"):
        at.deepfool_multiclass_step(T([[0.0, -1.0]]), T([[[0.0, 0.0], [0.0, 0.0]]]), [0])


def test_deepfool_on_linear_and_unflippable_models():
    f = lambda x: x @ torch.eye(2, dtype=x.dtype)  # noqa: E731
    r, steps = at.deepfool(f, T([[2.0, 1.0], [0.0, 3.0]]), overshoot=0.0, max_iter=5)
    assert r.round(decimals=12).tolist() == [[-0.5, 0.5], [1.5, -1.5]]
    assert steps.tolist() == [6, 1]     # on the boundary: a tie goes to the first class, so only the second flips
    r, steps = at.deepfool(f, T([[2.0, 1.0]]), overshoot=0.1)
    assert steps.tolist() == [1] and r.round(decimals=12).tolist() == [[-0.55, 0.55]]
    flat = lambda x: torch.stack([x[:, 0] ** 2 + 1.0, torch.zeros(len(x), dtype=x.dtype)], -1)  # noqa: E731
    r, steps = at.deepfool(flat, T([[1.0]]), max_iter=3)
    assert steps.tolist() == [4]                              # never flips: max_iter + 1


def test_robustness_measure():
    assert float(at.robustness_measure(T([[0.3, 0.4], [0.0, 1.0]]), T([[3.0, 4.0], [0.0, 2.0]]))) == pytest.approx(0.3, abs=1e-15)
    assert float(at.robustness_measure(T([[1.0, 0.0]]), T([[0.0, 4.0]]))) == 0.25
    with pytest.raises(ValueError, match="x must not contain the zero vector"):
        at.robustness_measure(T([[1.0, 0.0]]), T([[0.0, 0.0]]))
