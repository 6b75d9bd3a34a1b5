"""Edge cases of edl.bayesian.nngp that its mutation run exposed: list arguments of mc_gp_regression take the
features' dtype, and its refusals name the argument at fault (dimension before shape, the argument matched)."""

import pytest
import torch

from edl.bayesian import nngp

F32 = torch.float32


@pytest.mark.parametrize("Phi_star, y", [([[1.0]], torch.tensor([1.0, 3.0], dtype=F32)),
                                         (torch.tensor([[1.0]], dtype=F32), [1.0, 3.0])])
def test_mc_gp_regression_list_arguments_take_the_float32_of_Phi(Phi_star, y):
    """Test features or targets given as lists take Phi's float32. One feature of value 1 at two points, noise 1:
    A = 1 + 1 + 1 = 3, mean (1 + 3)/3 = 4/3, variance 1/3."""
    mean, var = nngp.mc_gp_regression(torch.tensor([[1.0], [1.0]], dtype=F32), Phi_star, y, 1.0)
    assert mean.dtype == F32 and var.dtype == F32
    assert mean.tolist() == pytest.approx([4 / 3], rel=1e-6)
    assert var.tolist() == pytest.approx([1 / 3], rel=1e-6)


@pytest.mark.parametrize("Phi_star, y, message", [
    ([1.0], [1.0, 3.0], r"^Phi_star must have 2 dimension\(s\), got shape \(1,\)$"),
    ([[1.0]], [[1.0], [3.0]], r"^y must have 1 dimension\(s\), got shape \(2, 1\)$"),
    ([[1.0]], [1.0, 3.0, 4.0], r"^y must have shape \(2,\) to match Phi, got shape \(3,\)$"),
])
def test_mc_gp_regression_refusals_name_the_argument(Phi_star, y, message):
    """A 1-D Phi_star or a 2-D y is refused for its dimension; a y of the wrong length names Phi."""
    with pytest.raises(ValueError, match=message):
        nngp.mc_gp_regression([[1.0], [1.0]], Phi_star, y, 1.0)
