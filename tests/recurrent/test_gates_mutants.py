"""Edge cases of edl.recurrent.gates that its mutation run exposed: 3-D forget gates, lag 0 of the forget
memory, the recurrent bias of the candidate in the textbook ("before") GRU, list weights in the float32 of x, and
the arguments named in shape messages."""

import math

import pytest
import torch
from torch import nn

from edl.recurrent import gates as ga


def test_cell_path_gain_of_three_dimensional_gates_multiplies_along_time():
    """f (T, B, m) = (2, 1, 2) is valid: the gain is the running product over the first axis only."""
    out = ga.cell_path_gain([[[0.5, 1.0]], [[0.5, 0.25]]])
    assert out.tolist() == [[[0.5, 1.0]], [[0.25, 0.25]]]


def test_forget_memory_at_lag_zero_is_one():
    """T = 0 is the smallest lag: dC_0/dC_0 = 1, whatever the bias."""
    assert ga.forget_memory(-3.0, 0).tolist() == [1.0]


def test_gru_before_adds_the_recurrent_bias_of_the_candidate_unscaled():
    """Textbook GRU, one scalar step from h_0 = 0, W_hh = 0, W_ih = (0, 0, 1), x = 1, b_hh = (0, 0, 0.5):
    n = tanh(1 + W_hn (r h_0) + 0.5) = tanh(1.5) and z = sigmoid(0) = 1/2, so h_1 = tanh(1.5) / 2; the second
    step (x = 0) gives r = z = 1/2, n = tanh(0 + 0 + 0.5), h_2 = n / 2 + h_1 / 2."""
    out = ga.gru_forward([[[1.0]], [[0.0]]], [[0.0], [0.0], [1.0]], [[0.0]] * 3, [0.0] * 3, [0.0, 0.0, 0.5],
                         reset="before")
    h1 = math.tanh(1.5) / 2
    h2 = math.tanh(0.5) / 2 + h1 / 2
    assert out.flatten().tolist() == pytest.approx([h1, h2], abs=1e-15)


def _gate_params(blocks, m=2, n=3, seed=0):
    """Random float64 W_ih (blocks m, n), W_hh (blocks m, m), b_ih, b_hh (blocks m,)."""
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(*s, generator=g, dtype=torch.float64)
            for s in ((blocks * m, n), (blocks * m, m), (blocks * m,), (blocks * m,))]


def test_list_weights_take_the_float32_of_x():
    """W_ih, W_hh, b_ih and b_hh given as lists take x's float32: the LSTM and GRU outputs are float32 and equal
    torch's own nn.LSTM / nn.GRU in float64 to float32 precision."""
    x = torch.randn(4, 2, 3, generator=torch.Generator().manual_seed(5))
    for cls, blocks, run in ((nn.LSTM, 4, lambda *a: ga.lstm_forward(*a)[0]), (nn.GRU, 3, ga.gru_forward)):
        params = _gate_params(blocks)
        got = run(x, *(p.tolist() for p in params))
        assert got.dtype == torch.float32
        ref = cls(3, 2).double()
        with torch.no_grad():
            for name, p in zip(("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"), params):
                getattr(ref, name).copy_(p)
            want = ref(x.double())[0]
        torch.testing.assert_close(got.double(), want, atol=1e-5, rtol=0)


def test_gate_weight_shape_messages_name_what_they_match():
    """W_ih's shape comes from W_hh and x, both biases' from W_hh, and the messages say so."""
    x = torch.zeros(2, 1, 3, dtype=torch.float64)
    W_ih, W_hh, b_ih, b_hh = _gate_params(4)
    with pytest.raises(ValueError, match=r"^W_ih must have shape \(8, 3\) to match W_hh and x, got shape \(8, 2\)$"):
        ga.lstm_forward(x, W_ih[:, :2], W_hh, b_ih, b_hh)
    with pytest.raises(ValueError, match=r"^b_ih must have shape \(8,\) to match W_hh, got shape \(7,\)$"):
        ga.lstm_forward(x, W_ih, W_hh, b_ih[:7], b_hh)
    with pytest.raises(ValueError, match=r"^b_hh must have shape \(8,\) to match W_hh, got shape \(7,\)$"):
        ga.lstm_forward(x, W_ih, W_hh, b_ih, b_hh[:7])
