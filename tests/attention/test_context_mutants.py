"""Tests of edl.attention.context that pin what its mutants change: list kernels and scores take the
dtype of the tokens, and the kernel's shape message names its source."""

import pytest
import torch

from edl.attention import context as cx

D, F32 = torch.float64, torch.float32


def test_offset_convolution_reads_a_list_kernel_in_the_dtype_of_x():
    """A float32 x makes a list g float32: the docstring's 3-token example, in float32."""
    out = cx.offset_convolution(torch.tensor([[1.0], [2.0], [3.0]], dtype=F32), [[[0.0]], [[1.0]], [[10.0]]], 1)
    assert out.dtype == F32 and out.tolist() == [[21.0], [32.0], [3.0]]


def test_offset_convolution_message_names_offsets_and_width():
    """k = 1 needs 3 offsets over x's width 2; the message states both sources."""
    with pytest.raises(ValueError, match=r"^g must have shape \(3, any, 2\) to match 2k \+ 1 offsets and x's width, "
                                         r"got shape \(2, 1, 2\)$"):
        cx.offset_convolution(torch.zeros(3, 2, dtype=D), torch.zeros(2, 1, 2, dtype=D), 1)


def test_elmo_mix_reads_list_scores_in_the_dtype_of_the_layers():
    """float32 layers make list scores w float32: equal scores average [1, 0] and [0, 1], times gamma = 2."""
    out = cx.elmo_mix(torch.tensor([[1.0, 0.0], [0.0, 1.0]], dtype=F32), [0.0, 0.0], gamma=2.0)
    assert out.dtype == F32 and out.tolist() == [1.0, 1.0]


def test_attention_context_reads_list_encoder_states_in_the_dtype_of_xi():
    """A float32 query makes list encoder states float32: the docstring's equal-weight example in float32."""
    c, alpha = cx.attention_context(torch.tensor([0.0, 0.0], dtype=F32), [[1.0, 0.0], [3.0, 2.0]])
    assert (c.dtype, alpha.dtype) == (F32, F32)
    assert (c.tolist(), alpha.tolist()) == ([2.0, 1.0], [0.5, 0.5])


def test_layer_flops_accept_the_smallest_sizes():
    """n = d = k = 1 are allowed: 4 n^2 d = 4, 4 n d^2 = 4 and 2 k n d^2 = 2 multiply-adds."""
    assert cx.layer_flops("attention", 1, 1) == 4
    assert cx.layer_flops("recurrent", 1, 1) == 4
    assert cx.layer_flops("convolution", 1, 1, k=1) == 2
