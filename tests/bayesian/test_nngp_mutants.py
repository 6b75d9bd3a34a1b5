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


def test_mc_gp_regression_refuses_test_features_of_another_width():
    """Phi_star with 2 features against Phi with 1 is refused naming Phi."""
    with pytest.raises(ValueError, match=r"^Phi_star must have shape \(any, 1\) to match Phi, got shape \(1, 2\)$"):
        nngp.mc_gp_regression([[1.0], [1.0]], [[1.0, 2.0]], [1.0, 3.0], 1.0)


def test_relu_expectation_list_arguments_take_the_float32_of_k11():
    """k12, k22 as lists take k11's float32; arc-cosine values: equal arguments k/2, orthogonal 1/(2π)."""
    out = nngp.relu_expectation(torch.tensor([1.0, 1.0], dtype=F32), [1.0, 0.0], [1.0, 1.0])
    assert out.dtype == F32
    assert out.tolist() == pytest.approx([0.5, 1 / (2 * 3.141592653589793)], rel=1e-6)


def test_kernels_keep_float32_inputs():
    """float32 inputs give float32 kernels: one hidden layer (k(e₁, e₁) = ½), the NNGP recursion and its finite-width
    counterpart, and random networks."""
    X = torch.tensor([[1.0, 0.0], [0.0, 1.0]], dtype=F32)
    K = nngp.one_hidden_layer_kernel(X)
    assert K.dtype == F32 and float(K[0, 0]) == pytest.approx(0.5, rel=1e-6)
    assert all(k.dtype == F32 for k in nngp.nngp_kernel(X, 2, 2.0, 0.1))
    assert all(k.dtype == F32 for k in nngp.nngp_kernel(X, 1, 2.0, 0.1, "tanh"))
    assert all(k.dtype == F32 for k in nngp.random_network_kernels(X, 4, 2, 2.0, 0.1, torch.Generator()))
    assert nngp.random_one_hidden_layer(X, 3, 2, torch.Generator()).dtype == F32
    assert nngp.mc_features(torch.ones(4, 2, dtype=F32)).dtype == F32


@pytest.mark.parametrize("call, message", [
    (lambda: nngp.one_hidden_layer_kernel([1.0, 0.0]), r"^X must have 2 dimension\(s\), got shape \(2,\)$"),
    (lambda: nngp.nngp_kernel([1.0, 0.0], 1, 1.0, 0.0), r"^X must have 2 dimension\(s\), got shape \(2,\)$"),
    (lambda: nngp.mc_features([1.0, 2.0]), r"^outputs must have 2 dimension\(s\), got shape \(2,\)$"),
])
def test_kernel_refusals_name_the_argument(call, message):
    """A 1-D input matrix is refused naming the argument."""
    with pytest.raises(ValueError, match=message):
        call()
