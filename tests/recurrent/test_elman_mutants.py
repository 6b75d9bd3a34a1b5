"""Edge cases of edl.recurrent.elman that its mutation run exposed: array-like arguments taking the float32 of
the sequence (in elman_forward, bptt_state_grads and per_step_param_grads too), and shape errors that name the
argument the expected shape comes from."""

import pytest
import torch
from torch import nn

from edl.recurrent import elman as el

F32 = torch.float32


def test_unroll_with_a_list_z0_keeps_the_float32_of_x():
    """A list z0 takes x's float32, so z_t = z_{t-1} / 2 + x_t stays float32: (1.5, 1.75) from z0 = 1."""
    out = el.unroll(lambda z, x_t: 0.5 * z + x_t, torch.tensor([[1.0], [1.0]], dtype=F32), [1.0])
    assert out.dtype == F32
    assert out.flatten().tolist() == [1.5, 1.75]


def test_elman_step_with_list_weights_matches_torch_rnn_cell_in_float32():
    """List z, U, V, b take x_t's float32: the step equals torch.nn.RNNCell (tanh) with weight_hh = U,
    weight_ih = V, bias_ih = b, bias_hh = 0, and stays float32."""
    z, U = [[0.5, -0.25]], [[0.5, -0.2], [0.1, 0.3]]
    V, b = [[1.0, 0.0, 2.0], [0.5, -0.5, 1.0]], [0.0, 0.1]
    x_t = torch.tensor([[1.0, 0.5, -1.0]], dtype=F32)
    out = el.elman_step(z, x_t, U, V, b)
    assert out.dtype == F32
    cell = nn.RNNCell(3, 2)
    with torch.no_grad():
        cell.weight_hh.copy_(torch.tensor(U))
        cell.weight_ih.copy_(torch.tensor(V))
        cell.bias_ih.copy_(torch.tensor(b))
        cell.bias_hh.zero_()
        want = cell(x_t, torch.tensor(z, dtype=F32))
    torch.testing.assert_close(out, want, atol=1e-6, rtol=0)


@pytest.mark.parametrize("args, message", [
    (([0.0, 0.0], [1.0], [[0.5, 0.0, 1.0], [0.0, 0.5, 1.0]], [[1.0], [1.0]], [0.0, 0.0]),
     r"^U must have shape \(2, 2\), got shape \(2, 3\)$"),
    (([0.0, 0.0, 0.0], [1.0], [[0.5, 0.0], [0.0, 0.5]], [[1.0], [1.0]], [0.0, 0.0]),
     r"^z must have shape \(\.\.\., 2\) to match U, got shape \(3,\)$"),
    (([0.0, 0.0], [1.0], [[0.5, 0.0], [0.0, 0.5]], [[1.0], [1.0], [1.0]], [0.0, 0.0]),
     r"^V must have shape \(2, any\) to match U, got shape \(3, 1\)$"),
    (([0.0, 0.0], [1.0], [[0.5, 0.0], [0.0, 0.5]], [[1.0], [1.0]], [0.0, 0.0, 0.0]),
     r"^b must have shape \(2,\) to match U, got shape \(3,\)$"),
])
def test_elman_step_shape_errors_name_the_argument_and_where_its_size_comes_from(args, message):
    """U must be square; z, V and b take their size m from U, and the message says so."""
    with pytest.raises(ValueError, match=message):
        el.elman_step(*args)


def test_bptt_path_contributions_with_a_list_c_keeps_the_float32_of_x():
    """A list c takes x's float32. Scalar case by hand (U = V = theta = 1, x = (1, 0), c = (0, 1)): the only
    nonzero term is (t=2, i=2) = (1 - tanh(tanh 1)^2) tanh 1 = 0.447678."""
    out = el.bptt_path_contributions(torch.tensor([[1.0], [0.0]], dtype=F32), [[1.0]], [[1.0]], 1.0, [[0.0], [1.0]])
    assert out.dtype == F32
    h1 = torch.tanh(torch.tensor(1.0, dtype=torch.float64))
    want = (1 - torch.tanh(h1) ** 2) * h1
    torch.testing.assert_close(out[1, 1].double(), want, atol=1e-6, rtol=0)
    assert out[0].tolist() == [0.0, 0.0] and float(out[1, 0]) == 0.0


def test_bptt_path_contributions_names_x_and_U_for_a_wrong_c():
    """c must be (T, m) with T from x and m from U: the message names both."""
    with pytest.raises(ValueError, match=r"^c must have shape \(2, 2\) to match x and U, got shape \(2, 1\)$"):
        el.bptt_path_contributions([[1.0], [0.0]], [[0.5, 0.0], [0.0, 0.5]], [[1.0], [1.0]], 1.0, [[0.0], [1.0]])


def _elman_params(seed=0, m=2, n=3, q=2):
    """Random float64 U (m, m), V (m, n), b (m,), W (q, m)."""
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(*s, generator=g, dtype=torch.float64) / 2 for s in ((m, m), (m, n), (m,), (q, m))]


def test_list_parameters_take_the_float32_of_the_sequence():
    """elman_forward's b, bptt_state_grads' W and delta, and per_step_param_grads' gbar given as lists take x's
    float32: the results are float32 and equal the float64 ones to float32 precision."""
    U, V, b, W = _elman_params()
    g = torch.Generator().manual_seed(1)
    x3 = torch.randn(4, 2, 3, generator=g)
    got = el.elman_forward(x3, U.float(), V.float(), b.tolist())
    assert got.dtype == F32
    torch.testing.assert_close(got.double(), el.elman_forward(x3.double(), U, V, b), atol=1e-5, rtol=0)
    x, delta, gbar = torch.randn(4, 3, generator=g), torch.randn(4, 2, generator=g), torch.randn(4, 2, generator=g)
    got = el.bptt_state_grads(x, U.float(), V.float(), W.tolist(), delta.double().tolist())
    assert got.dtype == F32
    want = el.bptt_state_grads(x.double(), U, V, W, delta.double())
    torch.testing.assert_close(got.double(), want, atol=1e-5, rtol=0)
    got = el.per_step_param_grads(x, U.float(), V.float(), gbar.double().tolist())
    want = el.per_step_param_grads(x.double(), U, V, gbar.double())
    for a, w in zip(got, want):
        assert a.dtype == F32
        torch.testing.assert_close(a.double(), w, atol=1e-5, rtol=0)


def test_shape_messages_name_the_arguments_they_match():
    """A non-square U asks for (rows, rows); V's shape comes from U and x; b's and W's from U; delta's from x and
    W; gbar's from x and U: each message says so."""
    U, V, b, W = _elman_params()
    x3, x = torch.zeros(4, 1, 3, dtype=torch.float64), torch.zeros(4, 3, dtype=torch.float64)
    with pytest.raises(ValueError, match=r"^U must have shape \(2, 2\), got shape \(2, 3\)$"):
        el.elman_forward(x3, torch.zeros(2, 3, dtype=torch.float64), V, b)
    with pytest.raises(ValueError, match=r"^V must have shape \(2, 3\) to match U and x, got shape \(2, 2\)$"):
        el.elman_forward(x3, U, V[:, :2], b)
    with pytest.raises(ValueError, match=r"^b must have shape \(2,\) to match U, got shape \(1,\)$"):
        el.elman_forward(x3, U, V, b[:1])
    with pytest.raises(ValueError, match=r"^W must have shape \(any, 2\) to match U, got shape \(2, 1\)$"):
        el.bptt_state_grads(x, U, V, W[:, :1], torch.zeros(4, 2, dtype=torch.float64))
    with pytest.raises(ValueError, match=r"^delta must have shape \(4, 2\) to match x and W, got shape \(4, 3\)$"):
        el.bptt_state_grads(x, U, V, W, torch.zeros(4, 3, dtype=torch.float64))
    with pytest.raises(ValueError, match=r"^gbar must have shape \(4, 2\) to match x and U, got shape \(3, 2\)$"):
        el.per_step_param_grads(x, U, V, torch.zeros(3, 2, dtype=torch.float64))
