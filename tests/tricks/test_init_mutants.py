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


def test_scalar_rules_name_their_argument_and_keep_float32():
    """uniform_bound refuses σ = 0 and relu_second_moment a negative variance, each by name; a float32 σ or s²
    gives a float32 result (√3σ and s²/2)."""
    with pytest.raises(ValueError, match=r"^sigma must be positive, got tensor\(0\."):
        init.uniform_bound(0.0)
    with pytest.raises(ValueError, match=r"^s2 must be non-negative, got tensor\(-1\."):
        init.relu_second_moment(-1.0)
    a = init.uniform_bound(torch.tensor([1.0, 2.0], dtype=F32))
    assert a.dtype == F32
    torch.testing.assert_close(a, torch.tensor([3 ** 0.5, 2 * 3 ** 0.5], dtype=F32))
    assert init.relu_second_moment(torch.tensor([3.0], dtype=F32)).dtype == F32


def test_sample_weights_argument_messages():
    """A zero size, σ = 0 and an unknown distribution are refused with the argument's name and value."""
    with pytest.raises(ValueError, match=r"^shape must be at least 1, got 0$"):
        init.sample_weights((2, 0), 1.0, generator=gen())
    with pytest.raises(ValueError, match=r"^sigma must be positive, got 0\.0$"):
        init.sample_weights((2,), 0.0, generator=gen())
    with pytest.raises(ValueError, match=r"^distribution must be one of 'normal', 'uniform', got 'cauchy'$"):
        init.sample_weights((2,), 1.0, "cauchy", generator=gen())


@pytest.mark.parametrize("dtype", [F32, F64])
def test_sample_weights_uniform_fills_the_symmetric_interval_in_the_requested_dtype(dtype):
    """Uniform weights lie in [−√3σ, √3σ], reach within 1% of both ends over 20000 draws, and have the
    requested dtype; normal weights too."""
    w = init.sample_weights((20000,), 2.0, "uniform", generator=gen(4), dtype=dtype)
    a = 2.0 * 3 ** 0.5
    assert w.dtype == dtype
    assert float(w.min()) >= -a and float(w.max()) <= a
    assert float(w.min()) < -0.99 * a and float(w.max()) > 0.99 * a
    assert init.sample_weights((3,), 2.0, generator=gen(4), dtype=dtype).dtype == dtype


def test_orthogonal_argument_messages_and_float32_orthogonality():
    """m and count below 1 are refused by name; a float32 stack of two 3×3 matrices is orthogonal to float32
    rounding."""
    with pytest.raises(ValueError, match=r"^m must be at least 1, got 0$"):
        init.orthogonal(0, generator=gen())
    with pytest.raises(ValueError, match=r"^count must be at least 1, got 0$"):
        init.orthogonal(2, count=0, generator=gen())
    W = init.orthogonal(3, count=2, gain=0.5, generator=gen(1), dtype=F32)
    assert W.shape == (2, 3, 3) and W.dtype == F32
    torch.testing.assert_close(W @ W.transpose(1, 2), 0.25 * torch.eye(3).expand(2, 3, 3), atol=1e-6, rtol=0)


def test_orthogonal_default_is_one_matrix_and_size_one_is_a_sign():
    """count defaults to 1: shape (1, m, m); m = 1 is valid and gives ±gain."""
    assert init.orthogonal(3, generator=gen()).shape == (1, 3, 3)
    W = init.orthogonal(1, count=4, gain=2.0, generator=gen(2))
    assert W.shape == (4, 1, 1) and sorted(set(W.abs().flatten().tolist())) == [2.0]


@pytest.mark.parametrize("distribution", ["normal", "uniform"])
def test_sample_weights_are_placed_on_the_requested_device(distribution):
    """The weights end on the device asked for: PyTorch's "meta" device (shapes without data) exists on every
    machine, so a forgotten placement shows as a CPU tensor; a single weight (shape (1,)) is valid."""
    w = init.sample_weights((2, 3), 1.0, distribution, generator=gen(), device="meta")
    assert w.device.type == "meta" and w.shape == (2, 3) and w.dtype == F64
    assert init.sample_weights((1,), 1.0, distribution, generator=gen()).shape == (1,)
