r"""Tractable autoregressive models: FVSBN, NADE, MADE's masks, PixelCNN's masked convolutions, and the
RNN language model.

Chapter 5, "Recurrent networks" (book labels ``rnn.fvsbn-nade``, ``rnn.rnn-lm``). Binary data ``x`` are
``(N, n)`` in {0, 1}; a conditional :math:`p(x_i=1\mid x_{<i})` may look only at earlier coordinates, which is
what makes the product of the conditionals a normalised distribution.
"""

import torch

from edl.core import validate as v


def _tensor(name: str, value, ndim, like=None) -> torch.Tensor:
    t = v.as_float_tensor(name, value, like=like)
    v.require_ndim(name, t, ndim)
    v.require_finite(name, t)
    return t


def _binary(x) -> torch.Tensor:
    x = _tensor("x", x, 2)
    if not ((x == 0) | (x == 1)).all():
        raise ValueError(f"x must hold 0s and 1s, got {x.tolist() if x.numel() < 20 else x}")
    return x


def fvsbn_conditionals(x, A, c) -> torch.Tensor:
    r"""FVSBN conditionals: a logistic regression on the earlier coordinates.

    .. math:: p(x_i=1\mid x_{<i})=\sigma\Big(\sum_{j<i}A_{ij}x_j+c_i\Big)

    Book label: ``rnn.fvsbn-nade``. ``x`` ``(N, n)`` binary, ``A`` ``(n, n)`` (only its strictly lower
    triangle is used), ``c`` ``(n,)``. Returns ``(N, n)``.

    >>> fvsbn_conditionals([[1.0, 1.0]], [[5.0, 0.0], [2.0, 5.0]], [0.0, 0.0]).numpy().round(6).tolist()
    [[0.5, 0.880797]]
    """
    x = _binary(x)
    n = x.shape[1]
    A = _tensor("A", A, 2, like=x)
    v.require_shape("A", A, (n, n), match="x")
    c = _tensor("c", c, 1, like=x)
    v.require_shape("c", c, (n,), match="x")
    return torch.sigmoid(x @ torch.tril(A, -1).T + c)                 # row i of tril(A, -1): j < i only


def nade_conditionals(x, W, c, V, b) -> torch.Tensor:
    r"""NADE conditionals: a hidden layer on the earlier coordinates, with weights shared across positions.

    .. math:: h_i=\sigma(W_{:,<i}x_{<i}+c),\qquad p(x_i=1\mid x_{<i})=\sigma(V_i\cdot h_i+b_i)

    Book label: ``rnn.fvsbn-nade``. ``x`` ``(N, n)``, ``W`` ``(H, n)``, ``c`` ``(H,)``, ``V`` ``(n, H)``,
    ``b`` ``(n,)``. Returns ``(N, n)``.

    >>> nade_conditionals([[1.0, 0.0]], [[0.0, 0.0]], [0.0], [[0.0], [2.0]], [0.0, 0.0]).numpy().round(6).tolist()
    [[0.5, 0.731059]]
    """
    x = _binary(x)
    n = x.shape[1]
    W = _tensor("W", W, 2, like=x)
    v.require_shape("W", W, (None, n), match="x")
    H = W.shape[0]
    c = _tensor("c", c, 1, like=x)
    v.require_shape("c", c, (H,), match="W")
    V = _tensor("V", V, 2, like=x)
    v.require_shape("V", V, (n, H), match="x and W")
    b = _tensor("b", b, 1, like=x)
    v.require_shape("b", b, (n,), match="x")
    prefix = torch.cumsum(x[:, :, None] * W.T[None], dim=1)           # (N, n, H): Σ_{j≤i} W_{:,j} x_j
    before = torch.cat([torch.zeros_like(prefix[:, :1]), prefix[:, :-1]], dim=1)   # Σ_{j<i}
    h = torch.sigmoid(before + c)                                     # (N, n, H): h_i
    return torch.sigmoid((h * V).sum(-1) + b)


def bernoulli_log_likelihood(x, p) -> torch.Tensor:
    r"""The log-probability :math:`\sum_i x_i\log p_i+(1-x_i)\log(1-p_i)` of each binary row under its conditionals.

    Book label: ``rnn.fvsbn-nade``. ``x`` and ``p`` ``(N, n)``; returns ``(N,)``. Summing the exponential over
    all :math:`2^n` rows gives 1 exactly when each :math:`p_i` depends on :math:`x_{<i}` only.

    >>> bernoulli_log_likelihood([[1.0, 0.0]], [[0.5, 0.5]]).exp().tolist()
    [0.25]
    """
    x = _binary(x)
    p = _tensor("p", p, 2, like=x)
    v.require_same_shape("x", x, "p", p)
    v.require_in_range("p", p, 0.0, 1.0)
    return torch.where(x == 1, torch.log(p), torch.log1p(-p)).sum(1)


def made_masks(n: int, degrees) -> tuple[torch.Tensor, torch.Tensor]:
    r"""MADE's masks for one hidden layer: unit :math:`k` with degree :math:`d_k` sees inputs :math:`1..d_k`,
    and output :math:`i` sees the units of degree below :math:`i`.

    .. math:: M^{(1)}_{kj}=[d_k\ge j],\qquad M^{(2)}_{ik}=[i>d_k]

    Book label: ``rnn.fvsbn-nade``. ``n`` : inputs; ``degrees`` : one degree in :math:`1..n-1` per hidden
    unit. Returns ``(H, n)`` and ``(n, H)``: output :math:`i` then depends on :math:`x_{<i}` only.

    >>> [m.int().tolist() for m in made_masks(3, [1, 2])]
    [[[1, 0, 0], [1, 1, 0]], [[0, 0], [1, 0], [1, 1]]]
    """
    n = v.require_int("n", n, minimum=2)
    d = v.require_int_list("degrees", degrees, minimum=1)
    if max(d) > n - 1:
        raise ValueError(f"degrees must lie in 1..{n - 1}, got {degrees!r}")
    deg = torch.tensor(d)
    j = torch.arange(1, n + 1)
    return (deg[:, None] >= j[None, :]).double(), (j[:, None] > deg[None, :]).double()


def causal_mask(k: int, kind: str) -> torch.Tensor:
    r"""The mask of a centred 1-D kernel of odd size :math:`k` in a PixelCNN-style causal convolution.

    Book label: ``rnn.fvsbn-nade``. ``kind`` ``"A"`` (first layer) excludes the current position and the
    future; ``"B"`` (every later layer) excludes only the future. Every layer must be masked.

    >>> causal_mask(3, "A").tolist(), causal_mask(3, "B").tolist()
    ([1.0, 0.0, 0.0], [1.0, 1.0, 0.0])
    """
    k = v.require_int("k", k, minimum=1)
    if k % 2 == 0:
        raise ValueError(f"k must be odd (a centred kernel), got {k}")
    v.require_choice("kind", kind, ("A", "B"))
    offset = torch.arange(k) - k // 2                                 # tap j reads x_{i + offset_j}
    return ((offset < 0) | ((offset == 0) & (kind == "B"))).double()


def masked_conv1d(x, w, kind: str) -> torch.Tensor:
    r"""A causal 1-D convolution: :math:`y_i=\sum_jm_jw_jx_{i+j-\lfloor k/2\rfloor}` with the mask :math:`m` of
    :func:`causal_mask` (zero padding).

    Book label: ``rnn.fvsbn-nade``. ``x`` ``(N, L)``, ``w`` ``(k,)``. Returns ``(N, L)``.

    >>> masked_conv1d([[1.0, 2.0, 3.0]], [1.0, 1.0, 1.0], "A").tolist()
    [[0.0, 1.0, 2.0]]
    """
    x = _tensor("x", x, 2)
    w = _tensor("w", w, 1, like=x)
    if len(w) % 2 == 0:
        raise ValueError(f"w must have an odd length (a centred kernel), got length {len(w)}")
    mask = causal_mask(len(w), kind).to(x)
    half = len(w) // 2
    padded = torch.nn.functional.pad(x, (half, half))
    return sum(mask[j] * w[j] * padded[:, j:j + x.shape[1]] for j in range(len(w)))


def rnn_lm_log_prob(tokens, W_xh, W_hh, W_hy) -> float:
    r"""Log-probability of a token sequence under an RNN language model.

    .. math:: h_i=\tanh(W_{hh}h_{i-1}+W_{xh}x_i),\quad o_i=W_{hy}h_i,\quad p(x_{i+1}\mid x_{\le i})=\mathrm{softmax}(o_i)

    Book label: ``rnn.rnn-lm``. ``tokens`` : indices in :math:`0..V-1`; ``W_xh`` ``(m, V)`` reads one-hot
    tokens, ``W_hh`` ``(m, m)``, ``W_hy`` ``(V, m)``. The first token is predicted from :math:`h_0=0` after a
    zero (begin-of-sequence) input. The state after reading :math:`x_i` predicts the *next* token.

    >>> round(rnn_lm_log_prob([0, 1], [[1.0, 0.0]], [[0.0]], [[0.0], [0.0]]), 6)
    -1.386294
    """
    W_xh = _tensor("W_xh", W_xh, 2)
    m, V = W_xh.shape
    W_hh = _tensor("W_hh", W_hh, 2, like=W_xh)
    v.require_shape("W_hh", W_hh, (m, m), match="W_xh")
    W_hy = _tensor("W_hy", W_hy, 2, like=W_xh)
    v.require_shape("W_hy", W_hy, (V, m), match="W_xh")
    seq = v.require_int_list("tokens", tokens, minimum=0)
    if max(seq) >= V:
        raise ValueError(f"tokens must lie in 0..{V - 1}, got {tokens!r}")
    h = torch.tanh(torch.zeros(m, dtype=W_xh.dtype, device=W_xh.device))   # h_0 after the zero BOS input
    total = torch.zeros((), dtype=W_xh.dtype, device=W_xh.device)
    for token in seq:
        total = total + torch.log_softmax(W_hy @ h, 0)[token]              # p(x_{i+1} | x_≤i) from h_i
        h = torch.tanh(W_hh @ h + W_xh[:, token])                          # then read x_{i+1}
    return float(total)
