r"""Attention among its neighbours: from convolution to non-local attention, the cost of each layer type,
attention in an RNN encoder–decoder, and contextual embeddings mixed over layers.

Chapter 6, "Attention and transformers" (book labels ``attn.nonlocal``, ``attn.complexity``,
``attn.seq2seq-attention``, ``attn.contextual-embeddings``). Positions are 0-based in the code, 1-based in
the formulas.
"""

import math

import torch

from edl.core import validate as v


def offset_convolution(x, g, k: int) -> torch.Tensor:
    r"""A convolution written with a kernel indexed by the *offset*, with zero padding at the borders.

    .. math:: h_i=\sum_{j=1-i}^{n-i}g(j)\,x_{i+j}=\sum_{m=1}^ng(m-i)\,x_m,\qquad g(j)=0\ \text{for}\ |j|>k

    Book label: ``attn.nonlocal``. ``x`` : (n, c), one token per row; ``g`` : (2k + 1, c_out, c), the
    matrix :math:`g(j)` for offsets :math:`j=-k,\dots,k` (entry ``k + j``); ``k`` : the half-width. The
    offsets run over every position that exists, so no index leaves :math:`1,\dots,n`. Letting
    :math:`g(j)` be any function of j removes the window; letting the weight depend on the tokens' values
    gives self-attention (:func:`nonlocal_attention`).

    >>> offset_convolution([[1.0], [2.0], [3.0]], [[[0.0]], [[1.0]], [[10.0]]], 1).tolist()
    [[21.0], [32.0], [3.0]]
    """
    x = v.as_float_tensor("x", x)
    v.require_ndim("x", x, 2)
    v.require_finite("x", x)
    k = v.require_int("k", k, minimum=0)
    g = v.as_float_tensor("g", g, like=x)
    v.require_finite("g", g)
    v.require_shape("g", g, (2 * k + 1, None, x.shape[1]), match="2k + 1 offsets and x's width")
    n = x.shape[0]
    h = torch.zeros(n, g.shape[1], dtype=x.dtype, device=x.device)
    for i in range(n):
        for j in range(max(-k, -i), min(k, n - 1 - i) + 1):           # offsets with 0 <= i + j < n
            h[i] = h[i] + g[k + j] @ x[i + j]
    return h


def nonlocal_attention(X) -> torch.Tensor:
    r"""Non-local (self-attention) weighting: every token mixes all tokens, with weights from their values.

    .. math:: h_i=\sum_{j=1}^n\alpha(x_i,x_j)\,x_j,\qquad \alpha(x_i,\cdot)=\mathrm{softmax}_j\big(x_i^\top x_j/\sqrt d\big)

    Book label: ``attn.nonlocal``. ``X`` : (..., n, d). Self-attention with :math:`Q=K=V=X`.

    >>> nonlocal_attention([[0.0, 0.0], [0.0, 0.0]]).tolist()
    [[0.0, 0.0], [0.0, 0.0]]
    """
    X = v.as_float_tensor("X", X)
    v.require_min_ndim("X", X, 2)
    v.require_finite("X", X)
    weights = torch.softmax(X @ X.transpose(-1, -2) / math.sqrt(X.shape[-1]), dim=-1)
    return weights @ X


# --- the cost of a layer ------------------------------------------------------------------------------

LAYER_KINDS = ("attention", "recurrent", "convolution")


def layer_flops(kind: str, n: int, d: int, k: int = 3) -> int:
    r"""Floating-point operations of the core of one layer on n tokens of width d (a multiply-add is 2).

    .. math:: \text{self-attention: }4n^2d\ (QK^\top\text{ and }AV);\qquad \text{recurrent: }4nd^2\
              (W_{ih}x_t+W_{hh}h_{t-1});\qquad \text{convolution: }2knd^2

    Book label: ``attn.complexity``. ``kind`` : ``"attention"``, ``"recurrent"`` or ``"convolution"``;
    ``k`` : kernel size. The projections of attention (another :math:`O(nd^2)`) are not counted. Attention
    is cheaper than a recurrent layer while :math:`n<d`.

    >>> layer_flops("attention", 10, 4), layer_flops("recurrent", 10, 4), layer_flops("convolution", 10, 4, k=3)
    (1600, 640, 960)
    """
    v.require_choice("kind", kind, LAYER_KINDS)
    n, d, k = v.require_int("n", n, minimum=1), v.require_int("d", d, minimum=1), v.require_int("k", k, minimum=1)
    return {"attention": 4 * n * n * d, "recurrent": 4 * n * d * d, "convolution": 2 * k * n * d * d}[kind]


def max_path_length(kind: str, n: int, k: int = 3) -> int:
    r"""The longest shortest path between two of n positions in a stack of such layers, and the sequential
    steps of one layer.

    .. math:: \text{attention: }1;\qquad\text{recurrent: }n-1;\qquad\text{convolution: }\Big\lceil\frac{n-1}{k-1}\Big\rceil\
              (\text{contiguous causal kernels; }O(\log_kn)\text{ dilated})

    Book label: ``attn.complexity``. ``k`` : kernel size, at least 2. A layer of attention connects every
    pair of positions directly; a recurrence passes information one step per time step; a stack of
    causal convolutions (output i reads inputs i − k + 1 … i) widens its reach by :math:`k-1` positions
    per layer.

    >>> [max_path_length(kind, 9) for kind in ("attention", "recurrent", "convolution")]
    [1, 8, 4]
    """
    v.require_choice("kind", kind, LAYER_KINDS)
    n, k = v.require_int("n", n, minimum=1), v.require_int("k", k, minimum=2)
    if n == 1:
        return 0
    return {"attention": 1, "recurrent": n - 1, "convolution": -(-(n - 1) // (k - 1))}[kind]


# --- attention in an encoder-decoder ---------------------------------------------------------------------

def attention_context(xi, H_enc) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The context vector an attentive decoder reads from the encoder's states.

    .. math:: c^i=\sum_{t=1}^s\alpha_{it}\,h^t_{\text{enc}},\qquad \alpha_{i\cdot}=\mathrm{softmax}_t\big(\xi^i\cdot h^t_{\text{enc}}\big)

    Book label: ``attn.seq2seq-attention``. ``xi`` : decoder states :math:`\xi^i`, (m, h) or (h,);
    ``H_enc`` : encoder states, (s, h). Returns ``(c, alpha)`` with ``c`` shaped like ``xi`` and ``alpha``
    (m, s) (or (s,)). Instead of one summary vector, every decoder step reads a fresh mixture of all
    encoder states, and the gradient reaches every input through one softmax.

    >>> c, alpha = attention_context([0.0, 0.0], [[1.0, 0.0], [3.0, 2.0]])
    >>> c.tolist(), alpha.tolist()
    ([2.0, 1.0], [0.5, 0.5])
    """
    xi = v.as_float_tensor("xi", xi)
    v.require_ndim("xi", xi, (1, 2))
    v.require_finite("xi", xi)
    H = v.as_float_tensor("H_enc", H_enc, like=xi)
    v.require_ndim("H_enc", H, 2)
    v.require_finite("H_enc", H)
    v.require_shape("H_enc", H, (None, xi.shape[-1]), match="xi's width")
    alpha = torch.softmax(xi @ H.T, dim=-1)
    return alpha @ H, alpha


def elmo_mix(layers, w, gamma: float = 1.0) -> torch.Tensor:
    r"""ELMo's task-specific mixture of a bidirectional language model's layers.

    .. math:: \mathrm{ELMo}_k=\gamma\sum_{j=0}^Ls_j\,h_{k,j},\qquad s=\mathrm{softmax}(w)

    Book label: ``attn.contextual-embeddings``. ``layers`` : (L + 1, ..., D), the token layer and the L
    layers, each :math:`h_{k,j}=[\overrightarrow h_{k,j};\overleftarrow h_{k,j}]` (the token layer
    repeated in both halves), :math:`2L+1` distinct vectors in all; ``w`` : (L + 1,) learned scores;
    ``gamma`` : a learned scale. :math:`\mathrm{ELMo}_k/\gamma` lies in the convex hull of the layers.

    >>> elmo_mix([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0], gamma=2.0).tolist()
    [1.0, 1.0]
    """
    layers = v.as_float_tensor("layers", layers)
    v.require_min_ndim("layers", layers, 2)
    v.require_finite("layers", layers)
    w = v.as_float_tensor("w", w, like=layers)
    v.require_finite("w", w)
    v.require_shape("w", w, (layers.shape[0],), match="layers' first axis")
    gamma = v.require_scalar("gamma", gamma)
    s = torch.softmax(w, 0)
    return gamma * torch.tensordot(s, layers, dims=1)
