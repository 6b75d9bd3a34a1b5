"""Edge cases of edl.tricks._common, the checks shared by chapter 8's formula modules, reached through the public
functions that use them: non-finite values named by argument, a strict positive by default, the generator's
full message, and a floating dtype required."""

import pytest
import torch

from edl.tricks import init, normalization as nm, residual as rs, weight_decay as wd


def test_tensor_names_a_non_finite_argument():
    """An infinite entry is refused with the argument's own name (x of residual_layer, H of layer_norm)."""
    with pytest.raises(ValueError, match=r"^x must be finite, got \[1\.0, inf\]$"):
        rs.residual_layer([1.0, float("inf")], [[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0])
    with pytest.raises(ValueError, match=r"^H must be finite, got \[\[1\.0, -inf\]\]$"):
        nm.layer_norm([[1.0, float("-inf")]])


def test_positive_is_strict_unless_told_otherwise():
    """lr = 0 is refused (strict by default) while weight_decay = 0 is allowed (strict=False)."""
    with pytest.raises(ValueError, match=r"^lr must be positive, got 0\.0$"):
        wd.weight_decay_step([1.0], [1.0], 0.0, 0.1)
    with pytest.raises(ValueError, match=r"^gain must be positive, got 0\.0$"):
        init.orthogonal(2, gain=0.0, generator=torch.Generator().manual_seed(0))
    assert wd.weight_decay_step([1.0], [1.0], 0.5, 0.0).tolist() == [0.5]


def test_require_gen_names_the_generator_and_its_value():
    """A seed in place of a generator is refused with the argument name and the value."""
    with pytest.raises(ValueError, match=r"^generator must be a torch\.Generator, got 0$"):
        rs.residual_growth(2, 1, 0.5, 1, generator=0)


def test_dtype_device_requires_a_floating_dtype_and_keeps_the_requested_one():
    """An integer dtype or a dtype's name as a string is refused with the full message; float16 is honoured."""
    with pytest.raises(ValueError, match=r"^dtype must be a floating torch dtype, got torch\.int32$"):
        init.orthogonal(2, generator=torch.Generator().manual_seed(0), dtype=torch.int32)
    with pytest.raises(ValueError, match=r"^dtype must be a torch\.dtype, got 'float32'$"):
        init.orthogonal(2, generator=torch.Generator().manual_seed(0), dtype="float32")
    w = init.sample_weights((3,), 1.0, generator=torch.Generator().manual_seed(0), dtype=torch.float16)
    assert w.dtype == torch.float16
