"""Edge cases of edl.tricks.shrinkage that its mutation run exposed: a singular (semi-definite) Hessian, which
argument a refusal names and how, and a list minimiser taking a float32 Hessian's dtype."""

import pytest
import torch

from edl.tricks import shrinkage as sh

F32 = torch.float32
F64 = torch.float64


def test_gd_quadratic_accepts_a_singular_hessian():
    """H = diag(1, 0) is positive semi-definite, hence valid: the flat direction is never fitted, the other
    reaches 1 − (1 − η)^t of w* (η = ½, t = 3: 7/8)."""
    out = sh.gd_quadratic([[1.0, 0.0], [0.0, 0.0]], [2.0, 5.0], 0.5, 3)
    torch.testing.assert_close(out, torch.tensor([1.75, 0.0], dtype=F64))


def test_gd_quadratic_refuses_bad_ranks_and_names_H():
    """A vector H and a matrix w_star are refused for their rank; a w_star of the wrong length names H."""
    with pytest.raises(ValueError, match=r"^H must have 2 dimension\(s\), got shape \(2,\)$"):
        sh.gd_quadratic([1.0, 2.0], [1.0, 1.0], 0.5, 1)
    with pytest.raises(ValueError, match=r"^w_star must have 1 dimension\(s\), got shape \(1, 2\)$"):
        sh.gd_quadratic([[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]], 0.5, 1)
    with pytest.raises(ValueError, match=r"^w_star must have shape \(2,\) to match H, got shape \(3,\)$"):
        sh.gd_quadratic([[1.0, 0.0], [0.0, 1.0]], [1.0, 1.0, 1.0], 0.5, 1)


def test_gd_quadratic_list_minimiser_takes_a_float32_H_dtype():
    """float32 H with a list w_star gives float32, and equals two explicit gradient steps w ← w − ηH(w − w*)."""
    H = torch.tensor([[2.0, 1.0], [1.0, 2.0]], dtype=F32)
    out = sh.gd_quadratic(H, [1.0, -1.0], 0.25, 2)
    assert out.dtype == F32
    w, w_star = torch.zeros(2, dtype=F64), torch.tensor([1.0, -1.0], dtype=F64)
    for _ in range(2):
        w = w - 0.25 * H.double() @ (w - w_star)
    torch.testing.assert_close(out, w.float())


def test_diagonal_solutions_refuse_bad_curvatures_by_name():
    """h must be a vector of theta_star's length with positive entries: a matrix is refused for its rank, a
    wrong length names theta_star, a zero curvature is refused as h."""
    with pytest.raises(ValueError, match=r"^h must have 1 dimension\(s\), got shape \(1, 2\)$"):
        sh.l1_solution([1.0, 2.0], [[1.0, 1.0]], 0.5)
    with pytest.raises(ValueError, match=r"^h must have shape \(2,\) to match theta_star, got shape \(1,\)$"):
        sh.l2_solution([1.0, 2.0], [1.0], 0.5)
    with pytest.raises(ValueError, match=r"^h must be positive, got "):
        sh.l2_solution([1.0, 2.0], [1.0, 0.0], 0.5)


def test_diagonal_solutions_allow_zero_penalty_and_keep_float32():
    """λ = 0 leaves θ* unchanged (both penalties); float32 θ* with a list h gives float32: L1 moves by λ/h and
    stops at 0, L2 scales by h/(h + λ)."""
    assert sh.l1_solution([2.0, -1.0], [1.0, 4.0], 0.0).tolist() == [2.0, -1.0]
    assert sh.l2_solution([2.0, -1.0], [1.0, 4.0], 0.0).tolist() == [2.0, -1.0]
    t = torch.tensor([2.0, 0.3, -1.0], dtype=F32)
    l1, l2 = sh.l1_solution(t, [1.0, 1.0, 4.0], 0.5), sh.l2_solution(t, [1.0, 1.0, 4.0], 1.0)
    assert l1.dtype == F32 and l2.dtype == F32
    torch.testing.assert_close(l1, torch.tensor([1.5, 0.0, -0.875], dtype=F32))
    torch.testing.assert_close(l2, torch.tensor([1.0, 0.15, -0.8], dtype=F32))


def test_diagonal_solutions_refuse_a_matrix_minimiser_for_its_rank():
    """theta_star must be a vector: a (1, 2) matrix is refused for its number of axes."""
    with pytest.raises(ValueError, match=r"^theta_star must have 1 dimension\(s\), got shape \(1, 2\)$"):
        sh.l1_solution([[1.0, 2.0]], [[1.0, 1.0]], 0.5)
