"""Tests of edl.theory.lazy that kill surviving mutants: kernel_gradient's checks of its single inputs (one
dimension each, named ``x`` and ``z``) and the dtype a list ``z`` takes from ``x``."""

import pytest
import torch

from edl.theory import lazy, ntk

F32, F64 = torch.float32, torch.float64


def test_kernel_gradient_x_must_be_one_input():
    """A batch of inputs (1, d) for ``x`` is refused as ``x`` with its shape, not later as a shape mismatch."""
    with pytest.raises(ValueError, match=r"^x must have 1 dimension\(s\), got shape \(1, 2\)$"):
        lazy.kernel_gradient(torch.ones(6, dtype=F64), torch.ones(1, 2, dtype=F64), torch.ones(2, dtype=F64))


def test_kernel_gradient_z_must_be_one_input():
    """A batch of inputs (1, d) for ``z`` is refused as ``z`` with its shape."""
    with pytest.raises(ValueError, match=r"^z must have 1 dimension\(s\), got shape \(1, 2\)$"):
        lazy.kernel_gradient(torch.ones(6, dtype=F64), torch.ones(2, dtype=F64), torch.ones(1, 2, dtype=F64))


def test_kernel_gradient_theta_length_message_names_x():
    """``theta`` of a length that is no multiple of d + 1 is refused against ``x`` (lower case, the argument's name)."""
    with pytest.raises(ValueError, match=r"^theta must have length m·\(d \+ 1\) = m·3 to match x, got length 2$"):
        lazy.kernel_gradient(torch.ones(2, dtype=F64), torch.ones(2, dtype=F64), torch.ones(2, dtype=F64))


def test_kernel_gradient_list_z_takes_the_dtype_of_x():
    """With float32 ``theta`` and ``x`` a list ``z`` becomes float32: the result is float32 and matches float64,
    which is symmetric in (x, z) and equals the finite-difference gradient of k(x, z) in float64."""
    theta = ntk.init_two_layer(3, 2, generator=torch.Generator().manual_seed(4))
    x, z = [1.0, 0.5], [-0.3, 0.8]
    g32 = lazy.kernel_gradient(theta.float(), torch.tensor(x, dtype=F32), z)
    g64 = lazy.kernel_gradient(theta, torch.tensor(x, dtype=F64), torch.tensor(z, dtype=F64))
    assert g32.dtype == F32 and torch.allclose(g32.double(), g64, atol=1e-5)
    X, Z = torch.tensor([x], dtype=F64), torch.tensor([z], dtype=F64)
    h = 1e-6
    fd = torch.stack([(ntk.empirical_ntk(theta + h * e, X, Z) - ntk.empirical_ntk(theta - h * e, X, Z))[0, 0] / (2 * h)
                      for e in torch.eye(theta.shape[0], dtype=F64)])
    assert torch.allclose(g64, fd, atol=1e-7)
