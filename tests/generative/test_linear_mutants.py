"""Edge cases of edl.generative.linear that its mutation run exposed: the largest rank and width allowed, and
list arguments taking Gamma's float32 in the deep-linear gradients."""

import pytest
import torch

from edl.generative import linear as li

F32 = torch.float32


def test_truncated_svd_of_full_rank_returns_x_itself():
    """r = min(X.shape) = 2 is allowed (not only r < 2): the full-rank truncation of a 2x3 X is X."""
    X = torch.tensor([[3.0, 0.0, 1.0], [0.0, 2.0, 0.0]], dtype=torch.float64)
    assert torch.allclose(li.truncated_svd(X, 2), X, rtol=0, atol=1e-14)


def test_lae_optimum_of_full_width_is_the_identity_on_the_rows():
    """m = min(X.shape) = 2 is allowed: for a 2x3 X of rank 2 the top-2 projector D C is the 2x2 identity."""
    C, D = li.lae_optimum([[3.0, 0.0, 1.0], [0.0, 2.0, 0.0]], 2)
    assert C.shape == (2, 2) and D.shape == (2, 2)
    assert torch.allclose(D @ C, torch.eye(2, dtype=torch.float64), rtol=0, atol=1e-14)


def test_deep_linear_gradients_list_encoder_and_decoder_take_the_float32_of_gamma():
    """C and D as lists take Gamma's float32; D C = [[2, 0]], Θ - Γ = [[1, -1]]: ∂C = Dᵀ(Θ - Γ) = [[2, -2]],
    ∂D = (Θ - Γ)Cᵀ = [[1]] (the docstring example)."""
    gC, gD = li.deep_linear_gradients([[1.0, 0.0]], [[2.0]], torch.tensor([[1.0, 1.0]], dtype=F32))
    assert gC.dtype == F32 and gD.dtype == F32
    assert gC.tolist() == [[2.0, -2.0]] and gD.tolist() == [[1.0]]


def test_deep_linear_gradients_name_gamma_in_the_shape_messages():
    """A C with the wrong number of columns names Gamma as the source of the expected shape."""
    with pytest.raises(ValueError, match=r"^C must have shape \(any, 2\) to match Gamma "
                                         r"\(one column per column of Gamma\), got shape \(1, 3\)$"):
        li.deep_linear_gradients([[1.0, 0.0, 0.0]], [[2.0]], [[1.0, 1.0]])
