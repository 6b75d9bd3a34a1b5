"""Unit tests of edl.robustness.pgd: projections, FGSM, PGD and the exact linear worst case."""

import math

import pytest
import torch

from edl.robustness import pgd as pg

T = lambda v: torch.tensor(v, dtype=torch.float64)  # noqa: E731


def _margin(x):
    return -(x @ T([1.0, -2.0]))


def test_projections():
    assert pg.project_l2(T([[3.0, 4.0], [0.3, 0.4], [0.6, 0.8]]), 1.0).round(decimals=12).tolist() == [[0.6, 0.8], [0.3, 0.4], [0.6, 0.8]]
    assert pg.project_l2(T([0.0, 0.0]), 0.0).tolist() == [0.0, 0.0]
    assert pg.project_l2(T([3.0, 4.0]), 0.0).tolist() == [0.0, 0.0]
    assert pg.project_linf(T([2.0, 0.5, -3.0]), 1.0).tolist() == [1.0, 0.5, -1.0]
    assert pg.project_linf(T([[0.2, -0.2]]), 0.1).tolist() == [[0.1, -0.1]]


def test_fgsm_step_and_clipping():
    assert pg.fgsm(_margin, T([[0.5, 0.5]]), 0.1).round(decimals=12).tolist() == [[0.4, 0.6]]
    assert pg.fgsm(_margin, T([[0.05, 0.95]]), 0.1, lower=0.0, upper=1.0).round(decimals=12).tolist() == [[0.0, 1.0]]
    assert pg.fgsm(_margin, T([[0.5, 0.5]]), 0.0).tolist() == [[0.5, 0.5]]
    with pytest.raises(ValueError, match="x must lie in"):
        pg.fgsm(_margin, T([[2.0, 0.5]]), 0.1, lower=0.0, upper=1.0)
    with pytest.raises(ValueError, match="lower must be below upper"):
        pg.fgsm(_margin, T([[0.5, 0.5]]), 0.1, lower=1.0, upper=0.0)
    with pytest.raises(ValueError, match="loss must return one value per input"):
        pg.fgsm(lambda x: x.sum(), T([[0.5, 0.5]]), 0.1)


def test_pgd_linf_and_l2_reach_the_linear_optimum():
    x = T([[0.5, 0.5]])
    assert pg.pgd(_margin, x, 0.1, steps=5).round(decimals=12).tolist() == [[0.4, 0.6]]
    assert pg.pgd(_margin, x, 0.1, steps=1, alpha=0.04).round(decimals=12).tolist() == [[0.46, 0.54]]
    l2 = pg.pgd(_margin, x, 0.1, norm="2", steps=5)
    assert (l2 - x).norm().item() == pytest.approx(0.1, abs=1e-12)
    assert (l2 - x).tolist()[0] == pytest.approx([-0.1 / math.sqrt(5), 0.2 / math.sqrt(5)], abs=1e-12)
    small = pg.pgd(_margin, x, 0.1, norm="2", steps=1, alpha=0.05)
    assert (small - x).norm().item() == pytest.approx(0.05, abs=1e-12)       # one short step: inside the ball
    assert pg.pgd(_margin, T([[0.95, 0.05]]), 0.1, steps=3, lower=0.0, upper=1.0).round(decimals=12).tolist() == [[0.85, 0.15]]
    assert pg.pgd(lambda z: (z * 0).sum(-1), x, 0.1, norm="2", steps=3).tolist() == [[0.5, 0.5]]   # zero gradient


def test_pgd_random_start_stays_in_the_ball():
    g = torch.Generator().manual_seed(0)
    x = torch.zeros(200, 3, dtype=torch.float64)
    flat = lambda z: (z * 0).sum(-1)  # noqa: E731
    inf = pg.pgd(flat, x, 0.3, steps=1, random_start=True, generator=g)
    assert inf.abs().max() <= 0.3 and inf.abs().max() > 0.25 and inf.std() > 0.1
    two = pg.pgd(flat, x, 0.3, norm="2", steps=1, random_start=True, generator=g)
    assert two.norm(dim=1).max() <= 0.3 + 1e-12 and two.norm(dim=1).max() > 0.25
    clipped = pg.pgd(flat, x, 0.3, steps=1, random_start=True, generator=g, lower=0.0, upper=1.0)
    assert clipped.min() >= 0.0


def test_linear_robust_accuracy_values():
    mu = lambda d: torch.full((d,), 2 / math.sqrt(d), dtype=torch.float64)  # noqa: E731
    assert [round(float(pg.linear_robust_accuracy(mu(d), 0.05, math.inf)), 4) for d in (10, 100, 1000, 10_000)] == \
        [0.9673, 0.9332, 0.6623, 0.0013]
    assert round(float(pg.linear_robust_accuracy(mu(100), 0.05, 2)), 4) == 0.9744
    assert float(pg.linear_robust_accuracy(mu(7), 0.0, 2)) == pytest.approx(0.9772498680518208, abs=1e-14)
    assert float(pg.linear_robust_accuracy(T([1.0, 0.0]), 1.0, 1)) == pytest.approx(0.5, abs=1e-15)
    with pytest.raises(ValueError, match="mu must not be the zero vector"):
        pg.linear_robust_accuracy(T([0.0, 0.0]), 0.1, 2)


def test_default_step_is_two_and_a_half_budgets_over_the_steps():
    loss = lambda z: -(z - 0.03).abs().sum(-1)  # noqa: E731     PGD oscillates around 0.03 with the step α
    x = torch.zeros(1, 1, dtype=torch.float64)
    assert pg.pgd(loss, x, 0.1, steps=3).item() == pytest.approx(2.5 * 0.1 / 3, abs=1e-15)
    assert pg.pgd(loss, x, 0.1, steps=3, alpha=0.02).item() == pytest.approx(0.02, abs=1e-15)   # 0.02, 0.04, 0.02


def test_random_start_in_the_l2_ball_is_uniform():
    g = torch.Generator().manual_seed(1)
    flat = lambda z: (z * 0).sum(-1)  # noqa: E731
    r = pg.pgd(flat, torch.zeros(4000, 3, dtype=torch.float64), 1.0, norm="2", steps=1, random_start=True,
               generator=g).norm(dim=1)
    assert float(r.mean()) == pytest.approx(0.75, abs=0.01)          # E‖u‖ = d/(d+1) for the uniform 3-ball
    assert float((r <= 0.5).double().mean()) == pytest.approx(0.125, abs=0.02)


def test_exponent_and_budget_validation():
    import math as m
    from edl.robustness import attacks as at
    with pytest.raises(ValueError, match="p must be a number"):
        at.p_norm(T([1.0]), 0.0001)
    assert float(at.p_norm(T([3.0, 4.0]), 0.001)) > 1e100
    with pytest.raises(ValueError, match="p must be a number"):
        at.dual_exponent(0)
    assert bool(at.is_adversarial(lambda z: torch.stack([-z[:, 0], z[:, 0]], -1), T([[0.5]]), T([[-0.6]]), [1],
                                  eps=0.6, p=m.inf))                  # ‖δ‖ = ε exactly: inside the budget
