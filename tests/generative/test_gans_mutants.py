"""Tests of edl.generative.gans that pin what its mutants change: list arguments take the dtype of the
probability vectors, and shape messages name the argument they must match."""

import math

import pytest
import torch

from edl.generative import gans as ga

F32 = torch.float32


def test_discriminator_log_likelihood_reads_a_list_D_in_the_dtype_of_p_data():
    """float32 p, q make a list D float32: the docstring's example −½ log(1/0.9)·2 = log 0.9 in float32."""
    p, q = torch.tensor([1.0, 0.0], dtype=F32), torch.tensor([0.0, 1.0], dtype=F32)
    out = ga.discriminator_log_likelihood(p, q, [0.9, 0.1])
    assert out.dtype == F32 and float(out) == pytest.approx(math.log(0.9), rel=1e-6)


def test_discriminator_log_likelihood_message_names_p_data():
    """D must have one entry per atom of p_data; the message names both."""
    with pytest.raises(ValueError, match=r"^D must have shape \(2,\) to match p_data, got shape \(3,\)$"):
        ga.discriminator_log_likelihood([0.5, 0.5], [0.5, 0.5], [0.5, 0.5, 0.5])
