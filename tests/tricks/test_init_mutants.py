"""Edge cases of edl.tricks.init (and the checks it shares through edl.tricks._common) that its mutation run
exposed: full error messages, weight stacks of the wrong shape, a float32 input with list weights, and a
low-precision dtype kept."""

import pytest
import torch

from edl.tricks import init

F32 = torch.float32
F64 = torch.float64


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


def test_sample_weights_refuses_a_non_floating_dtype_and_a_missing_generator_with_full_messages():
    """An integer dtype and a missing generator are refused with messages naming the argument and the value;
    a long repr is cut to 200 characters exactly."""
    with pytest.raises(ValueError, match=r"^dtype must be a floating torch dtype, got torch\.int64$"):
        init.sample_weights((2,), 1.0, generator=gen(), dtype=torch.int64)
    with pytest.raises(ValueError, match=r"^generator must be a torch\.Generator, got None$"):
        init.sample_weights((2,), 1.0)
    with pytest.raises(ValueError) as err:
        init.orthogonal(2, generator="g" * 300)
    assert str(err.value) == ("generator must be a torch.Generator, got '" + "g" * 300)[:200]


@pytest.mark.parametrize("shape", [(1, 3, 3), (1, 3, 2), (1, 2, 3)])
def test_second_moments_refuses_every_wrong_weight_shape(shape):
    """With n = 2 inputs, weights must be (L, 2, 2): square but too wide, non-square with the right last axis,
    and non-square with the wrong last axis are all refused with the full message."""
    x = torch.ones(2, 2, dtype=F64)
    with pytest.raises(ValueError, match=r"^weights must have shape \(L, n, n\) with n = x\.shape\[1\] = 2, "
                                         rf"got shape \({shape[0]}, {shape[1]}, {shape[2]}\)$"):
        init.second_moments(x, torch.ones(shape, dtype=F64))


def test_second_moments_refuses_a_zero_input_with_the_full_message():
    """All-zero x has no second moment to divide by."""
    with pytest.raises(ValueError, match=r"^x must not be all zeros \(its second moment is the denominator\)$"):
        init.second_moments(torch.zeros(2, 2, dtype=F64), torch.eye(2, dtype=F64)[None])


def test_second_moments_list_weights_take_a_float32_input_dtype():
    """float32 x with list weights: float32 ratios, 1 then 4 for W = 2I (linear)."""
    out = init.second_moments(torch.ones(1, 2, dtype=F32), [[[2.0, 0.0], [0.0, 2.0]]])
    assert out.dtype == F32
    assert out.tolist() == [1.0, 4.0]


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16])
def test_second_moments_keeps_a_low_precision_dtype(dtype):
    """The leading ratio r_0 = 1 has x's dtype, so a bfloat16 or float16 input gives a result of that dtype;
    with W = 2I the ratios 1, 4, 16 are exact in it."""
    out = init.second_moments(torch.ones(1, 2, dtype=dtype), (2 * torch.eye(2, dtype=dtype)).repeat(2, 1, 1))
    assert out.dtype == dtype
    assert out.float().tolist() == [1.0, 4.0, 16.0]
