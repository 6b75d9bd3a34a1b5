r"""Gated recurrent networks: the LSTM, its cell path and forget bias, and the GRU in two conventions.

Chapter 5, "Recurrent networks" (book labels ``rnn.lstm``, ``rnn.gated-identity-path``,
``rnn.lstm-forget-bias``, ``rnn.gru``). Weights follow ``torch.nn.LSTM``/``torch.nn.GRU``: ``W_ih``
stacks the input matrices of the gates ``(G·m, n)``, ``W_hh`` the recurrent ones ``(G·m, m)``, with
``G = 4`` blocks (i, f, g, o) for the LSTM and ``G = 3`` blocks (r, z, n) for the GRU; ``b_ih`` and
``b_hh`` are ``(G·m,)``. Sequences are ``(T, B, n)``; states start at zero.
"""

import math

import torch

from edl.core import validate as v


def _tensor(name: str, value, ndim, like=None) -> torch.Tensor:
    t = v.as_float_tensor(name, value, like=like)
    v.require_ndim(name, t, ndim)
    v.require_finite(name, t)
    return t


def _gate_weights(x: torch.Tensor, W_ih, W_hh, b_ih, b_hh, blocks: int):
    W_hh = _tensor("W_hh", W_hh, 2, like=x)
    m = W_hh.shape[1]
    v.require_shape("W_hh", W_hh, (blocks * m, m))
    W_ih = _tensor("W_ih", W_ih, 2, like=x)
    v.require_shape("W_ih", W_ih, (blocks * m, x.shape[-1]), match="W_hh and x")
    b_ih = _tensor("b_ih", b_ih, 1, like=x)
    v.require_shape("b_ih", b_ih, (blocks * m,), match="W_hh")
    b_hh = _tensor("b_hh", b_hh, 1, like=x)
    v.require_shape("b_hh", b_hh, (blocks * m,), match="W_hh")
    return W_ih, W_hh, b_ih, b_hh, m


def lstm_forward(x, W_ih, W_hh, b_ih, b_hh) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    r"""An LSTM over a batch of sequences: hidden states, cell states and forget gates.

    .. math:: i_t=\sigma(W_{xi}x_t+W_{hi}h_{t-1}+b_i),\ f_t=\sigma(\cdot),\ o_t=\sigma(\cdot),\
              \tilde C_t=\tanh(W_{xc}x_t+W_{hc}h_{t-1}+b_c),
    .. math:: C_t=f_t\odot C_{t-1}+i_t\odot\tilde C_t,\qquad h_t=o_t\odot\tanh(C_t)

    Book labels: ``rnn.lstm``, ``rnn.gated-identity-path``. ``x`` : ``(T, B, n)``. Returns ``h``, ``C``
    and ``f``, each ``(T, B, m)``.

    >>> h, C, f = lstm_forward([[[0.0]]], [[0.0]] * 4, [[0.0]] * 4, [0.0, 0.0, 1.0, 0.0], [0.0] * 4)
    >>> [round(float(t), 6) for t in (h[0, 0], C[0, 0], f[0, 0])]
    [0.1817, 0.380797, 0.5]
    """
    x = _tensor("x", x, 3)
    W_ih, W_hh, b_ih, b_hh, m = _gate_weights(x, W_ih, W_hh, b_ih, b_hh, 4)
    h = torch.zeros(x.shape[1], m, dtype=x.dtype, device=x.device)
    C = torch.zeros_like(h)
    hs, Cs, fs = [], [], []
    for x_t in x:                                                    # (B, n)
        a = x_t @ W_ih.T + b_ih + h @ W_hh.T + b_hh                  # (B, 4m): blocks i, f, g, o
        i, f, g, o = a.split(m, dim=-1)
        i, f, o, g = torch.sigmoid(i), torch.sigmoid(f), torch.sigmoid(o), torch.tanh(g)
        C = f * C + i * g                                            # the additive cell update
        h = o * torch.tanh(C)
        hs.append(h)
        Cs.append(C)
        fs.append(f)
    return torch.stack(hs), torch.stack(Cs), torch.stack(fs)


def cell_path_gain(f) -> torch.Tensor:
    r"""The gradient carried by the cell path alone: :math:`\partial C_t/\partial C_0=\prod_{s\le t}\mathrm{diag}(f_s)`.

    .. math:: \frac{\partial C_t}{\partial C_{t-1}}\Big|_{h_{t-1}\text{ fixed}}=\mathrm{diag}(f_t)
              \ \Rightarrow\ \frac{\partial C_T}{\partial C_0}\Big|_{\text{cell path}}=\prod_{t=1}^{T}\mathrm{diag}(f_t)

    Book label: ``rnn.gated-identity-path``. ``f`` : forget gates in [0, 1], ``(T, ...)``. Returns the
    diagonals for :math:`t=1..T`, same shape. With gates near 1 the product stays near 1: an identity path.

    >>> cell_path_gain([[0.5], [0.5], [1.0]]).flatten().tolist()
    [0.5, 0.25, 0.25]
    """
    f = _tensor("f", f, (1, 2, 3))
    v.require_in_range("f", f, 0.0, 1.0)
    return torch.cumprod(f, dim=0)


def forget_memory(b_f, T: int) -> torch.Tensor:
    r"""Memory of an LSTM cell whose forget gate sits at its bias: :math:`\partial C_t/\partial C_0=\sigma(b_f)^t`.

    .. math:: f_t=\sigma(b_f)\ \ (\text{weights }0),\qquad \frac{\partial C_t}{\partial C_0}=\sigma(b_f)^t,
              \quad t=0..T

    Book label: ``rnn.lstm-forget-bias``. ``b_f`` : the forget-gate bias; ``T`` : the last lag.

    >>> forget_memory(0.0, 3).tolist()
    [1.0, 0.5, 0.25, 0.125]
    """
    b = v.require_scalar("b_f", b_f)
    T = v.require_int("T", T, minimum=0)
    return torch.sigmoid(torch.tensor(b, dtype=torch.float64)) ** torch.arange(T + 1, dtype=torch.float64)


def memory_half_life(b_f) -> float:
    r"""Steps after which the cell keeps half its content: :math:`\ln2/(-\ln\sigma(b_f))`.

    Book label: ``rnn.lstm-forget-bias``. :math:`b_f=0` gives 1 step, :math:`b_f=1` gives 2.2 steps.

    >>> round(memory_half_life(0.0), 6), round(memory_half_life(1.0), 6)
    (1.0, 2.212678)
    """
    b = v.require_scalar("b_f", b_f)
    return math.log(2) / math.log1p(math.exp(-b))               # -ln σ(b) = ln(1 + e^{-b})


def gru_forward(x, W_ih, W_hh, b_ih, b_hh, reset: str = "after") -> torch.Tensor:
    r"""A GRU over a batch of sequences, with the reset gate applied after or before the recurrent matrix.

    .. math:: r_t=\sigma(W_{ir}x_t+b_{ir}+W_{hr}h_{t-1}+b_{hr}),\quad z_t=\sigma(W_{iz}x_t+b_{iz}+W_{hz}h_{t-1}+b_{hz}),
    .. math:: \text{after: }n_t=\tanh\big(W_{in}x_t+b_{in}+r_t\odot(W_{hn}h_{t-1}+b_{hn})\big),\qquad
              \text{before: }n_t=\tanh\big(W_{in}x_t+b_{in}+W_{hn}(r_t\odot h_{t-1})+b_{hn}\big),
    .. math:: h_t=(1-z_t)\odot n_t+z_t\odot h_{t-1}

    Book label: ``rnn.gru``. ``reset="after"`` is ``torch.nn.GRU``; ``"before"`` is the textbook form
    (with the update gate :math:`u_t=z_t`). Same parameters, different models. Returns ``(T, B, m)``.

    >>> gru_forward([[[1.0]]], [[0.0], [0.0], [1.0]], [[0.0]] * 3, [0.0] * 3, [0.0] * 3).numpy().round(6).tolist()
    [[[0.380797]]]
    """
    x = _tensor("x", x, 3)
    W_ih, W_hh, b_ih, b_hh, m = _gate_weights(x, W_ih, W_hh, b_ih, b_hh, 3)
    v.require_choice("reset", reset, ("after", "before"))
    Wr, Wz, Wn = W_hh.split(m)
    br, bz, bn = b_hh.split(m)
    h = torch.zeros(x.shape[1], m, dtype=x.dtype, device=x.device)
    out = []
    for x_t in x:
        ar, az, an = (x_t @ W_ih.T + b_ih).split(m, dim=-1)          # input parts of r, z, n: (B, m) each
        r = torch.sigmoid(ar + h @ Wr.T + br)
        z = torch.sigmoid(az + h @ Wz.T + bz)
        if reset == "after":
            n = torch.tanh(an + r * (h @ Wn.T + bn))
        else:
            n = torch.tanh(an + (r * h) @ Wn.T + bn)
        h = (1 - z) * n + z * h                                      # a convex combination, elementwise
        out.append(h)
    return torch.stack(out)
