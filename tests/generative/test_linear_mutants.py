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


def test_lae_loss_list_encoder_and_decoder_take_the_float32_of_x():
    """C and D as lists take X's float32: keeping row 1 of [[1, 2], [3, 4]] loses (9 + 16)/(2·2) = 6.25."""
    loss = li.lae_loss([[1.0, 0.0]], [[1.0], [0.0]], torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=F32))
    assert loss.dtype == F32 and float(loss) == 6.25


def test_lae_loss_messages_name_x_and_c():
    """C with the wrong number of columns names X; D with the wrong shape names C and X."""
    X = [[1.0, 2.0], [3.0, 4.0]]
    with pytest.raises(ValueError, match=r"^C must have shape \(any, 2\) to match X \(one column per row of X\), "
                                         r"got shape \(1, 3\)$"):
        li.lae_loss([[1.0, 0.0, 0.0]], [[1.0], [0.0]], X)
    with pytest.raises(ValueError, match=r"^D must have shape \(2, 1\) to match C and X, got shape \(2, 2\)$"):
        li.lae_loss([[1.0, 0.0]], [[1.0, 0.0], [0.0, 1.0]], X)


def test_whitened_target_list_y_takes_the_float32_of_x_and_names_x():
    """Y as a list takes X's float32 (Γ = YXᵀ/2 = [[1, 1]]); a Y with the wrong number of columns names X."""
    G = li.whitened_target([[2.0, 0.0]], torch.tensor([[1.0, 1.0], [1.0, -1.0]], dtype=F32))
    assert G.dtype == F32 and G.tolist() == [[1.0, 1.0]]
    with pytest.raises(ValueError, match=r"^Y must have shape \(any, 2\) to match X \(one column per example\), "
                                         r"got shape \(1, 3\)$"):
        li.whitened_target([[2.0, 0.0, 1.0]], [[1.0, 1.0], [1.0, -1.0]])


def test_mode_decomposition_list_arguments_take_the_float32_of_dt():
    """Ct and sigma as lists take Dt's float32; the docstring example: cooperative 1, competitive ½."""
    coop, comp = li.mode_decomposition(torch.tensor([[1.0], [0.0]], dtype=F32), [[2.0, 1.0]], [3.0, 1.0])
    assert coop.dtype == F32 and comp.dtype == F32
    assert (float(coop), float(comp)) == (1.0, 0.5)


def test_mode_decomposition_messages_name_dt_and_the_sigma_length():
    """Ct with the wrong number of rows names Dt; sigma of the wrong length names the min(rows, columns) rule."""
    with pytest.raises(ValueError, match=r"^Ct must have shape \(1, any\) to match Dt \(one row per column of Dt\), "
                                         r"got shape \(2, 2\)$"):
        li.mode_decomposition([[1.0], [0.0]], [[2.0, 1.0], [0.0, 0.0]], [3.0, 1.0])
    with pytest.raises(ValueError, match=r"^sigma must have shape \(2,\) to match min\(rows of Dt, columns of Ct\), "
                                         r"got shape \(3,\)$"):
        li.mode_decomposition([[1.0], [0.0]], [[2.0, 1.0]], [3.0, 1.0, 0.5])


def test_mode_decomposition_accepts_a_zero_singular_value():
    """Singular values may be 0 (Γ of lower rank): σ = (3, 0), D̃C̃ = [[2, 1], [0, 0]] gives cooperative
    ½(2 - 3)² = ½ and competitive ½·1² = ½."""
    coop, comp = li.mode_decomposition([[1.0], [0.0]], [[2.0, 1.0]], [3.0, 0.0])
    assert (float(coop), float(comp)) == (0.5, 0.5)
