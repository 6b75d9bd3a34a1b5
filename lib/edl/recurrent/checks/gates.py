"""Checks of ``edl.recurrent.gates`` and ``edl.recurrent.stacked`` (book labels ``rnn.lstm``,
``rnn.gated-identity-path``, ``rnn.lstm-forget-bias``, ``rnn.gru``, ``rnn.deep``, ``rnn.bidirectional``) and
of the errata there.

Independent routes: ``torch.nn.LSTM``, ``torch.nn.LSTMCell``, ``torch.nn.GRU``, ``torch.nn.RNN`` (stacked
and bidirectional) with their own parameters, and ``torch.autograd`` Jacobians of the cell state.
"""

import numpy as np
import torch
from torch import nn

from edl.core.checking import CheckResult, all_of, check_close, f64, holds
from edl.core.ledger import erratum, formula
from edl.recurrent import gates as ga
from edl.recurrent import stacked as st


def _x(seed: int, shape=(7, 2, 3)) -> torch.Tensor:
    return f64(np.random.default_rng(seed).normal(size=shape))


def _params(module, suffix: str = "_l0") -> list[torch.Tensor]:
    return [getattr(module, f"{k}{suffix}").detach() for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]


@formula("rnn.lstm", reference="torch.nn.LSTM with its own weights split into the (i, f, g, o) blocks")
def check_lstm(forward=ga.lstm_forward) -> CheckResult:
    torch.manual_seed(1)
    lstm = nn.LSTM(3, 5).double()
    x = _x(20)
    with torch.no_grad():
        want, (h_T, c_T) = lstm(x)
    h, C, f = forward(x, *_params(lstm))
    return all_of(check_close(h, want, atol=1e-12, what="nn.LSTM(3, 5), T = 7, B = 2: hidden states"),
                  check_close(C[-1], c_T[0], atol=1e-12, what="final cell state"),
                  holds(bool(((f > 0) & (f < 1)).all()), "forget gates in (0, 1)", "a forget gate outside (0, 1)"))


@formula("rnn.gated-identity-path", reference="torch.autograd Jacobians of nn.LSTMCell's cell state")
def check_gated_identity_path(forward=ga.lstm_forward, gain=ga.cell_path_gain) -> CheckResult:
    torch.manual_seed(2)
    cell = nn.LSTMCell(3, 4).double()
    x, h0, c0 = _x(21, (1, 3)), _x(22, (1, 4)), _x(23, (1, 4))
    J = torch.autograd.functional.jacobian(lambda c: cell(x, (h0, c))[1], c0)[0, :, 0, :]
    a = x @ cell.weight_ih.T + cell.bias_ih + h0 @ cell.weight_hh.T + cell.bias_hh
    f_cell = torch.sigmoid(a[0, 4:8]).detach()                         # torch's forget block
    lstm = nn.LSTM(3, 4).double()
    with torch.no_grad():
        for p in lstm.parameters():
            p.zero_()
        lstm.bias_ih_l0[4:8] = 5.0                                     # forget bias 5, everything else 0
    c_start = torch.ones(1, 1, 4, dtype=torch.float64, requires_grad=True)
    seq = torch.zeros(100, 1, 3, dtype=torch.float64)
    _, (_, c100) = lstm(seq, (torch.zeros(1, 1, 4, dtype=torch.float64), c_start))
    (grad,) = torch.autograd.grad(c100[0, 0, 0], c_start)
    _, _, f = forward(seq, *_params(lstm))
    return all_of(check_close(J, torch.diag(f_cell), atol=1e-12, what="nn.LSTMCell: ∂C_t/∂C_{t-1} (h fixed) = diag(f_t)"),
                  check_close(gain(f[:, 0, :])[-1, 0], grad[0, 0, 0], atol=1e-12,
                              what="b_f = 5, weights 0: Π f_t over 100 steps vs autograd"),
                  check_close(grad[0, 0, 0], 0.5109, atol=1e-4, what="= σ(5)¹⁰⁰ ≈ 0.5109"))


@formula("rnn.lstm-forget-bias", reference="torch.autograd through nn.LSTM with zero weights and forget bias b")
def check_lstm_forget_bias(memory=ga.forget_memory, half_life=ga.memory_half_life) -> CheckResult:
    parts = []
    for b, expected in ((0.0, 9.5e-7), (1.0, 1.9e-3), (5.0, 0.874)):
        lstm = nn.LSTM(1, 1).double()
        with torch.no_grad():
            for p in lstm.parameters():
                p.zero_()
            lstm.bias_hh_l0[1] = b
        c0 = torch.ones(1, 1, 1, dtype=torch.float64, requires_grad=True)
        outs = []
        _, (_, c) = lstm(torch.zeros(20, 1, 1, dtype=torch.float64), (torch.zeros(1, 1, 1, dtype=torch.float64), c0))
        (g,) = torch.autograd.grad(c[0, 0, 0], c0)
        outs.append(float(g))
        parts.append(check_close(memory(b, 20)[-1], g[0, 0, 0], rtol=1e-12,
                                 what=f"b_f = {b:g}: ∂C₂₀/∂C₀ (≈ {expected:.2g})"))
    # the half-life: the memory crosses ½ between the floor and the ceiling of it
    crossing = []
    for b in (0.0, 1.0, 3.0):
        t = half_life(b)
        m = memory(b, int(np.ceil(t)) + 1)
        crossing.append(float(m[int(np.floor(t))]) >= 0.5 >= float(m[int(np.ceil(t))]))
    return all_of(*parts, check_close(half_life(0.0), 1.0, atol=1e-12, what="half-life at b_f = 0: 1 step"),
                  holds(all(crossing), "b_f = 0, 1, 3: σ(b_f)^t crosses ½ at the half-life",
                        f"crossings {crossing}"))


@formula("rnn.gru", reference="torch.nn.GRU (reset after); reset before = torch when W_hn is diagonal and b_hn = 0")
def check_gru(forward=ga.gru_forward) -> CheckResult:
    torch.manual_seed(3)
    gru = nn.GRU(3, 5).double()
    x = _x(24)
    with torch.no_grad():
        want, _ = gru(x)
    params = _params(gru)
    after, before = forward(x, *params, reset="after"), forward(x, *params, reset="before")
    diag = nn.GRU(3, 5).double()
    with torch.no_grad():
        diag.weight_hh_l0[10:] = torch.diag(torch.diag(diag.weight_hh_l0[10:]))   # W_hn diagonal: r ⊙ W h = W (r ⊙ h)
        diag.bias_hh_l0[10:] = 0.0
        want_diag, _ = diag(x)
    gap = float((before - want).abs().max())
    # convex combination: h_t between h_{t-1} and the candidate n_t, elementwise
    h_prev = torch.cat([torch.zeros_like(after[:1]), after[:-1]])
    W_ih, W_hh, b_ih, b_hh = params
    n = torch.tanh((x @ W_ih.T + b_ih)[..., 10:] +
                   torch.sigmoid((x @ W_ih.T + b_ih)[..., :5] + h_prev @ W_hh[:5].T + b_hh[:5]) *
                   (h_prev @ W_hh[10:].T + b_hh[10:]))
    between = bool(((after >= torch.minimum(h_prev, n) - 1e-15) & (after <= torch.maximum(h_prev, n) + 1e-15)).all())
    return all_of(check_close(after, want, atol=1e-12, what="nn.GRU(3, 5), T 7, B 2: reset-after equations"),
                  check_close(forward(x, *_params(diag), reset="before"), want_diag, atol=1e-12,
                              what="W_hn diagonal, b_hn = 0: reset-before = nn.GRU"),
                  holds(gap > 0.01, f"general weights: reset-before differs from nn.GRU by {gap:.2f}",
                        f"reset-before differs by only {gap:.2g}"),
                  holds(between, "min(h_{t-1}, n_t) ≤ h_t ≤ max(h_{t-1}, n_t) everywhere", "h_t leaves the segment"))


def _circular_gru(x, W_ih, W_hh, b_ih, b_hh, reset="after"):
    """The reset gate computed from the candidate: resolve the circle by a candidate without reset first."""
    m = W_hh.shape[1]
    h, out = torch.zeros(x.shape[1], m, dtype=x.dtype), []
    for x_t in x:
        ar, az, an = (x_t @ W_ih.T + b_ih).split(m, -1)
        z = torch.sigmoid(az + h @ W_hh[m:2 * m].T + b_hh[m:2 * m])
        candidate = torch.tanh(an + h @ W_hh[2 * m:].T + b_hh[2 * m:])        # z̃ with ℓ = 1
        r = torch.sigmoid(ar + candidate @ W_hh[:m].T + b_hh[:m])             # ℓ_t = σ(H z̃_t)
        n = torch.tanh(an + r * (h @ W_hh[2 * m:].T + b_hh[2 * m:]))
        h = (1 - z) * n + z * h
        out.append(h)
    return torch.stack(out)


@erratum("ch04-08:ERR-16", wrong=r"\tilde z_t:=\tanh(V[\ell_t\odot z_{t-1},x_t]),\quad\ell_t:=\sigma(H\tilde z_t)",
         right=r"\ell_t=\sigma(H[x_t,z_{t-1}]),\quad\tilde z_t=\tanh(V[\ell_t\odot z_{t-1},x_t])",
         why="The reset gate is defined from the candidate that needs the reset gate; any way of breaking the "
             "circle (here: a candidate without reset first) is a different model from every GRU library.")
def seed_circular_reset() -> CheckResult:
    return check_gru(forward=_circular_gru)


@formula("rnn.deep", reference="torch.nn.RNN(3, 4, num_layers=2) and its parameter shapes")
def check_deep(forward=st.deep_rnn_forward, shapes=st.deep_rnn_shapes) -> CheckResult:
    torch.manual_seed(4)
    rnn = nn.RNN(3, 4, num_layers=3).double()
    x = _x(25)
    with torch.no_grad():
        want, _ = rnn(x)
    Wi, Wh, b = [], [], []
    for layer in range(3):
        W_ih, W_hh, b_ih, b_hh = _params(rnn, f"_l{layer}")
        Wi.append(W_ih)
        Wh.append(W_hh)
        b.append(b_ih + b_hh)
    torch_shapes = [(tuple(getattr(rnn, f"weight_ih_l{k}").T.shape), tuple(getattr(rnn, f"weight_hh_l{k}").T.shape))
                    for k in range(3)]
    got = [tuple(map(tuple, s)) for s in shapes(3, 4, 3)]
    return all_of(check_close(forward(x, Wi, Wh, b), want, atol=1e-12, what="3 layers, T 7, B 2: top states"),
                  holds(got == torch_shapes, "W_xh, W_hh per layer (row form): (3×4, 4×4), then (4×4, 4×4), as torch",
                        f"shapes {got}, torch (transposed) {torch_shapes}"))


@erratum("ch04-08:ERR-24", wrong=r"\mathbf W_{xh}^{(l)},\mathbf W_{hh}^{(l)}\in\mathbb R^{h\times h}\ \text{for all }l",
         right=r"\mathbf W_{xh}^{(1)}\in\mathbb R^{d\times h},\quad\mathbf W_{xh}^{(l\ge2)},\mathbf W_{hh}^{(l)}\in\mathbb R^{h\times h}",
         why="With an h×h input matrix the first layer cannot read an input of d ≠ h features: the network "
             "fails at its first multiplication, or silently requires the input to be as wide as the state.")
def seed_square_first_layer() -> CheckResult:
    return check_deep(shapes=lambda d, h, L: [((h, h), (h, h)) for _ in range(L)])


@formula("rnn.bidirectional", reference="torch.nn.RNN(bidirectional=True) with the _reverse parameters")
def check_bidirectional(forward=st.bidirectional_forward) -> CheckResult:
    torch.manual_seed(5)
    rnn = nn.RNN(3, 4, bidirectional=True).double()
    x = _x(26)
    with torch.no_grad():
        want, _ = rnn(x)
    f, r = _params(rnn), _params(rnn, "_l0_reverse")
    got = forward(x, f[0], f[1], f[2] + f[3], r[0], r[1], r[2] + r[3])
    return all_of(check_close(got, want, atol=1e-12, what="T 7, B 2: [z_t; z̃_t] vs nn.RNN(bidirectional=True)"),
                  check_close(got[-1, :, 4:], torch.tanh(x[-1] @ r[0].T + r[2] + r[3]), atol=1e-12,
                              what="the backward state at t = T has read only x_T"))
