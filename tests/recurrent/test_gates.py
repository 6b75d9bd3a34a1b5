"""Tests of edl.recurrent.gates and edl.recurrent.stacked against torch's LSTM, GRU and RNN modules."""

import math

import numpy as np
import pytest
import torch
from torch import nn

from edl.recurrent import gates as ga
from edl.recurrent import stacked as st

F64 = torch.float64


def _x(seed, shape=(5, 3, 2)):
    return torch.tensor(np.random.default_rng(seed).normal(size=shape))


def _params(module, suffix="_l0"):
    return [getattr(module, f"{k}{suffix}").detach() for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]


def test_lstm_matches_torch_and_returns_gates():
    torch.manual_seed(0)
    lstm = nn.LSTM(2, 4).double()
    x = _x(1)
    with torch.no_grad():
        want, (h, c) = lstm(x)
    H, C, f = ga.lstm_forward(x, *_params(lstm))
    torch.testing.assert_close(H, want, atol=1e-13, rtol=0)
    torch.testing.assert_close(C[-1], c[0], atol=1e-13, rtol=0)
    W_ih, W_hh, b_ih, b_hh = _params(lstm)
    f0 = torch.sigmoid((x[0] @ W_ih.T + b_ih + b_hh)[:, 4:8])
    torch.testing.assert_close(f[0], f0, atol=1e-14, rtol=0)


def test_lstm_one_step_by_hand():
    h, C, f = ga.lstm_forward([[[1.0]]], [[1.0], [2.0], [3.0], [4.0]], [[0.0]] * 4, [0.0] * 4, [0.0, 0.0, 0.0, 0.5])
    s = lambda a: 1 / (1 + math.exp(-a))  # noqa: E731
    c = s(1.0) * math.tanh(3.0)
    assert float(C[0, 0, 0]) == pytest.approx(c, abs=1e-15)
    assert float(h[0, 0, 0]) == pytest.approx(s(4.5) * math.tanh(c), abs=1e-15)
    assert float(f[0, 0, 0]) == pytest.approx(s(2.0), abs=1e-15)


def test_cell_path_gain_and_forget_memory():
    assert ga.cell_path_gain([0.5, 0.5, 0.2]).tolist() == pytest.approx([0.5, 0.25, 0.05])
    assert ga.cell_path_gain([[1.0, 0.5], [1.0, 0.5]]).tolist() == [[1.0, 0.5], [1.0, 0.25]]
    with pytest.raises(ValueError, match="f"):
        ga.cell_path_gain([1.5])
    assert ga.forget_memory(0.0, 2).tolist() == [1.0, 0.5, 0.25]
    assert float(ga.forget_memory(5.0, 100)[-1]) == pytest.approx(0.5109238, abs=1e-7)
    assert float(ga.forget_memory(1.0, 20)[-1]) == pytest.approx(1 / (1 + math.exp(-1)) ** 20, rel=1e-12)
    assert float(ga.forget_memory(-1.0, 1)[1]) == pytest.approx(1 / (1 + math.e), rel=1e-12)


def test_memory_half_life():
    for b in (-2.0, 0.0, 1.0, 4.0):
        t = ga.memory_half_life(b)
        assert (1 / (1 + math.exp(-b))) ** t == pytest.approx(0.5, rel=1e-12)
    assert ga.memory_half_life(0.0) == pytest.approx(1.0, rel=1e-14)


@pytest.mark.parametrize("seed", [0, 1])
def test_gru_after_matches_torch_and_before_differs(seed):
    torch.manual_seed(seed)
    gru = nn.GRU(2, 3).double()
    x = _x(seed + 2)
    with torch.no_grad():
        want, _ = gru(x)
    p = _params(gru)
    torch.testing.assert_close(ga.gru_forward(x, *p), want, atol=1e-13, rtol=0)
    assert float((ga.gru_forward(x, *p, reset="before") - want).abs().max()) > 1e-3
    with torch.no_grad():
        gru.weight_hh_l0[6:] = torch.diag(torch.tensor([0.5, -1.0, 2.0]))
        gru.bias_hh_l0[6:] = 0.0
        want2, _ = gru(x)
    torch.testing.assert_close(ga.gru_forward(x, *_params(gru), reset="before"), want2, atol=1e-13, rtol=0)


def test_gru_one_step_by_hand():
    out = ga.gru_forward([[[1.0]]], [[1.0], [2.0], [3.0]], [[0.0]] * 3, [0.0, 0.0, 0.0], [0.0, 0.0, 0.5])
    s = lambda a: 1 / (1 + math.exp(-a))  # noqa: E731
    n = math.tanh(3.0 + s(1.0) * 0.5)
    assert float(out[0, 0, 0]) == pytest.approx((1 - s(2.0)) * n, abs=1e-15)
    with pytest.raises(ValueError, match="reset"):
        ga.gru_forward([[[1.0]]], [[1.0]] * 3, [[0.0]] * 3, [0.0] * 3, [0.0] * 3, reset="middle")
    with pytest.raises(ValueError, match="W_hh"):
        ga.gru_forward([[[1.0]]], [[1.0]] * 3, [[0.0]] * 4, [0.0] * 3, [0.0] * 3)


def test_deep_and_bidirectional_match_torch():
    torch.manual_seed(3)
    deep = nn.RNN(2, 3, num_layers=2).double()
    x = _x(4)
    with torch.no_grad():
        want, _ = deep(x)
    ps = [_params(deep, f"_l{k}") for k in (0, 1)]
    got = st.deep_rnn_forward(x, [p[0] for p in ps], [p[1] for p in ps], [p[2] + p[3] for p in ps])
    torch.testing.assert_close(got, want, atol=1e-13, rtol=0)
    bi = nn.RNN(2, 3, bidirectional=True).double()
    with torch.no_grad():
        want_bi, _ = bi(x)
    f, r = _params(bi), _params(bi, "_l0_reverse")
    torch.testing.assert_close(st.bidirectional_forward(x, f[0], f[1], f[2] + f[3], r[0], r[1], r[2] + r[3]), want_bi,
                               atol=1e-13, rtol=0)


def test_deep_shapes_and_errors():
    assert st.deep_rnn_shapes(3, 4, 3) == [((3, 4), (4, 4)), ((4, 4), (4, 4)), ((4, 4), (4, 4))]
    assert st.deep_rnn_shapes(5, 2, 1) == [((5, 2), (2, 2))]
    with pytest.raises(ValueError, match="one entry per layer"):
        st.deep_rnn_forward(torch.zeros(2, 1, 1), [[[1.0]]], [[[1.0]], [[1.0]]], [[0.0]])
    with pytest.raises(ValueError, match=r"weights_ih\[1\]"):
        st.deep_rnn_forward(torch.zeros(2, 1, 1), [[[1.0]], [[1.0, 2.0]]], [[[1.0]], [[1.0]]], [[0.0], [0.0]])
    with pytest.raises(ValueError, match="W_hh_rev"):
        st.bidirectional_forward(torch.zeros(2, 1, 1), [[1.0]], [[1.0]], [0.0], [[1.0]], [[1.0, 0.0]], [0.0])
