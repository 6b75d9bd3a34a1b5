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
