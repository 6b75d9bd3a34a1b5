"""Unit tests of ``edl.tricks.shrinkage``."""

import pytest
import torch

from edl.tricks import shrinkage as sh


def test_soft_threshold_exact():
    assert sh.soft_threshold([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0], 1.0).tolist() == [-2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0]
    assert sh.soft_threshold([2.0], 0.0).tolist() == [2.0]
    with pytest.raises(ValueError, match="beta"):
        sh.soft_threshold([1.0], -1.0)


def test_l1_and_l2_solutions_exact():
    assert sh.l1_solution([3.0, -3.0, 0.4], [2.0, 2.0, 2.0], 1.0).tolist() == [2.5, -2.5, 0.0]
    assert sh.l1_solution([3.0, 0.5], [1.0, 1.0], 0.5).tolist() == [2.5, 0.0]
    assert sh.l2_solution([3.0, -3.0], [2.0, 1.0], 1.0).tolist() == pytest.approx([2.0, -1.5])
    assert sh.l2_solution([3.0], [2.0], 0.0).tolist() == [3.0]
    with pytest.raises(ValueError, match="h"):
        sh.l1_solution([1.0, 2.0], [1.0, 0.0], 1.0)
    with pytest.raises(ValueError, match="h"):
        sh.l2_solution([1.0, 2.0], [1.0], 1.0)


def test_gd_quadratic_closed_form():
    H = [[2.0, 0.0], [0.0, 0.5]]
    assert sh.gd_quadratic(H, [1.0, 2.0], 0.25, 0).tolist() == [0.0, 0.0]
    assert sh.gd_quadratic(H, [1.0, 2.0], 0.25, 1).tolist() == pytest.approx([0.5, 0.25])
    assert sh.gd_quadratic(H, [1.0, 2.0], 0.25, 3).tolist() == pytest.approx([1 - 0.5 ** 3, 2 * (1 - 0.875 ** 3)])
    w, Hm, ws = torch.zeros(2, dtype=torch.float64), torch.tensor(H, dtype=torch.float64), torch.tensor([1.0, 2.0], dtype=torch.float64)
    for _ in range(7):
        w = w - 0.25 * Hm @ (w - ws)
    assert sh.gd_quadratic(H, [1.0, 2.0], 0.25, 7).tolist() == pytest.approx(w.tolist())


def test_filter_factors_and_equivalent_steps():
    assert sh.early_stopping_factors([0.5, 0.0], 1.0, 2).tolist() == [0.75, 0.0]
    assert sh.early_stopping_factors(2.0, 0.5, 1).tolist() == 1.0
    assert sh.l2_factors([1.0, 3.0, 0.0], 1.0).tolist() == [0.5, 0.75, 0.0]
    assert sh.equivalent_steps(0.1, 0.5) == 20
    assert sh.equivalent_steps(0.009, 0.5) == 222
    assert sh.equivalent_steps(10.0, 10.0) == 1                           # never zero steps
    assert sh.equivalent_steps(0.3, 1.0) == 3


def test_zero_penalties_change_nothing_and_negative_ones_are_refused():
    assert sh.l1_solution([2.0, -0.1], [1.0, 3.0], 0.0).tolist() == [2.0, -0.1]
    assert sh.early_stopping_factors([0.3], 0.5, 0).tolist() == [0.0]
    with pytest.raises(ValueError, match="lam"):
        sh.l1_solution([2.0], [1.0], -0.5)
    with pytest.raises(ValueError, match="lam"):
        sh.early_stopping_factors([-0.1], 0.1, 3)
    with pytest.raises(ValueError, match="mu"):
        sh.l2_factors([0.1], 0.0)
    with pytest.raises(ValueError, match="H"):
        sh.gd_quadratic([[1.0, 0.0], [0.0, -1.0]], [1.0, 1.0], 0.1, 2)
