r"""The transformer's parts: multi-head attention, the position-wise network, GELU, layer normalisation, the
block (post- and pre-LN), the ViT patch embedding and the classification token.

Chapter 6, "Attention and transformers" (book labels ``attn.multihead`` … ``attn.cls-token``). Tokens are
rows, :math:`X\in\mathbb R^{T\times d}` (leading batch axes allowed), and weights follow ``torch.nn``:
a linear map is :math:`x\mapsto xW^\top+b` with ``W`` of shape (out, in), and multi-head attention takes
``in_proj_weight`` :math:`=[W_Q;W_K;W_V]\in\mathbb R^{3d\times d}` and ``out_proj`` :math:`W_O\in\mathbb R^{d\times d}`,
so that the functions can be compared with ``nn.MultiheadAttention`` and ``nn.TransformerEncoderLayer``.
"""

import math

import torch

from edl.attention.mechanism import softmax_attention
from edl.core import validate as v


def _tokens(name: str, value, like=None) -> torch.Tensor:
    t = v.as_float_tensor(name, value, like=like)
    v.require_min_ndim(name, t, 2)
    v.require_finite(name, t)
    return t


def _weight(name: str, value, shape, like, match: str) -> torch.Tensor:
    t = v.as_float_tensor(name, value, like=like)
    v.require_finite(name, t)
    v.require_shape(name, t, shape, match=match)
    return t


def permutation_gap(f, X, perm) -> float:
    r"""How far a map of token sequences is from permutation equivariance: :math:`\max|f(PX)-Pf(X)|`.

    .. math:: \mathrm{MHA}(PX)=P\,\mathrm{MHA}(X)\quad\text{for every permutation matrix }P

    Book label: ``attn.permutation-equivariance``. ``f`` : maps (T, d) to (T, d'); ``X`` : (T, d);
    ``perm`` : a permutation of ``range(T)`` (row i of PX is row ``perm[i]`` of X). Zero for unmasked
    attention and position-wise maps; of order one once a causal mask or positions are added.

    >>> permutation_gap(lambda x: x.cumsum(0), [[1.0], [2.0]], [1, 0])
    2.0
    """
    v.require_callable("f", f)
    X = _tokens("X", X)
    perm_list = v.require_int_list("perm", perm, minimum=0)
    if sorted(perm_list) != list(range(X.shape[-2])):
        raise ValueError(f"perm must be a permutation of range({X.shape[-2]}), got {perm!r}")
    idx = torch.tensor(perm_list, device=X.device)
    return float((f(X[..., idx, :]) - f(X)[..., idx, :]).abs().max().detach())


def multihead_attention(X, in_proj_weight, out_proj_weight, heads: int, *, in_proj_bias=None, out_proj_bias=None,
                        memory=None, mask=None) -> torch.Tensor:
    r"""Multi-head (self- or cross-) attention.

    .. math:: \mathrm{MHA}(X)=[H_1\|\cdots\|H_h]\,W_O^\top,\qquad
              H_j=\mathrm{softmax}\Big(\frac{XW_{Q,j}^\top(ZW_{K,j}^\top)^\top}{\sqrt{d_k}}+M\Big)ZW_{V,j}^\top

    Book labels: ``attn.multihead``, ``attn.self-cross``, ``attn.permutation-equivariance``. ``X`` : the
    queries' tokens (..., T, d); ``memory`` : :math:`Z`, the tokens that keys and values come from, (..., S, d)
    (``None``: :math:`Z=X`, self-attention; an encoder's output: cross-attention, output still T × d);
    ``in_proj_weight`` : :math:`[W_Q;W_K;W_V]`, (3d, d); ``out_proj_weight`` : :math:`W_O`, (d, d);
    ``heads`` : h, which must divide d (each head has :math:`d_k=d_v=d/h`); ``mask`` : additive (T, S).

    >>> I = torch.eye(2, dtype=torch.float64)
    >>> multihead_attention([[1.0, 0.0], [0.0, 1.0]], torch.cat([0 * I, 0 * I, I]), I, 2).tolist()
    [[0.5, 0.5], [0.5, 0.5]]
    """
    X = _tokens("X", X)
    d = X.shape[-1]
    heads = v.require_int("heads", heads, minimum=1)
    if d % heads:
        raise ValueError(f"heads must divide the width d = {d} of X, got {heads}")
    Z = X if memory is None else _tokens("memory", memory, like=X)
    v.require_shape("memory", Z, (..., d), match="X's width")
    W_in = _weight("in_proj_weight", in_proj_weight, (3 * d, d), X, "3d × d for X's width")
    W_out = _weight("out_proj_weight", out_proj_weight, (d, d), X, "X's width")
    b_in = torch.zeros(3 * d, dtype=X.dtype, device=X.device) if in_proj_bias is None else \
        _weight("in_proj_bias", in_proj_bias, (3 * d,), X, "in_proj_weight")
    b_out = torch.zeros(d, dtype=X.dtype, device=X.device) if out_proj_bias is None else \
        _weight("out_proj_bias", out_proj_bias, (d,), X, "out_proj_weight")
    q = X @ W_in[:d].T + b_in[:d]                                                 # (..., T, d)
    k = Z @ W_in[d:2 * d].T + b_in[d:2 * d]                                       # (..., S, d)
    val = Z @ W_in[2 * d:].T + b_in[2 * d:]                                       # (..., S, d)
    if mask is not None:
        mask = v.as_float_tensor("mask", mask, like=X)
        if tuple(mask.shape) != (X.shape[-2], Z.shape[-2]):
            raise ValueError(f"mask must have shape (T, S) = {(X.shape[-2], Z.shape[-2])} from X and memory, "
                             f"got {tuple(mask.shape)}")
    split = lambda t: t.unflatten(-1, (heads, d // heads)).transpose(-3, -2)    # noqa: E731  (..., h, n, d/h)
    H = softmax_attention(split(q), split(k), split(val), mask=mask)               # (..., h, T, d/h)
    return H.transpose(-3, -2).flatten(-2) @ W_out.T + b_out


def position_wise_ffn(Y, W1, b1, W2, b2, *, activation: str = "relu") -> torch.Tensor:
    r"""The position-wise feed-forward network: one MLP applied to every token on its own.

    .. math:: F(y)=W_2\,\varphi(W_1y+b_1)+b_2,\qquad F(Y)=(F(y_1),\dots,F(y_T))

    Book label: ``attn.ffn``. ``Y`` : (..., T, d); ``W1`` : (d_ff, d); ``b1`` : (d_ff,); ``W2`` : (d, d_ff);
    ``b2`` : (d,); ``activation`` : ``"relu"`` or ``"gelu"``. The same weights at every position: a
    convolution with kernel size 1, and permutation-equivariant.

    >>> position_wise_ffn([[1.0], [-1.0]], [[1.0]], [0.0], [[2.0]], [0.5]).tolist()
    [[2.5], [0.5]]
    """
    Y = _tokens("Y", Y)
    W1 = v.as_float_tensor("W1", W1, like=Y)
    v.require_ndim("W1", W1, 2)
    v.require_finite("W1", W1)
    v.require_shape("W1", W1, (None, Y.shape[-1]), match="Y's width")
    b1 = _weight("b1", b1, (W1.shape[0],), Y, "W1's rows")
    W2 = _weight("W2", W2, (None, W1.shape[0]), Y, "W1's rows")
    b2 = _weight("b2", b2, (W2.shape[0],), Y, "W2's rows")
    v.require_choice("activation", activation, ("relu", "gelu"))
    hidden = Y @ W1.T + b1
    hidden = torch.relu(hidden) if activation == "relu" else gelu(hidden)
    return hidden @ W2.T + b2


def gelu(z) -> torch.Tensor:
    r"""The Gaussian error linear unit: the input weighted by the probability that a standard normal is below it.

    .. math:: \mathrm{GELU}(z)=z\,\Phi(z)=z\Pr(Z\le z)=\frac z2\Big(1+\mathrm{erf}\frac z{\sqrt2}\Big),\quad Z\sim\mathcal N(0,1)

    Book label: ``attn.gelu``. Close to 0 for very negative z and to z for very positive z, like a ReLU,
    but smooth, with a small dip (minimum about −0.17 near z = −0.75).

    >>> gelu([-1.0, 0.0, 1.0, 3.0]).numpy().round(6).tolist()
    [-0.158655, 0.0, 0.841345, 2.99595]
    """
    z = v.as_float_tensor("z", z)
    v.require_finite("z", z)
    return 0.5 * z * (1.0 + torch.erf(z / math.sqrt(2.0)))


def gelu_tanh(z) -> torch.Tensor:
    r"""The tanh approximation of GELU, :math:`\frac z2\big(1+\tanh(\sqrt{2/\pi}(z+0.044715z^3))\big)`.

    Book label: ``attn.gelu``. It differs from :func:`gelu` by less than :math:`5\cdot10^{-4}`.

    >>> gelu_tanh([1.0]).numpy().round(6).tolist()
    [0.841192]
    """
    z = v.as_float_tensor("z", z)
    v.require_finite("z", z)
    return 0.5 * z * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (z + 0.044715 * z**3)))


def layer_norm(X, weight, bias, *, eps: float = 1e-5) -> torch.Tensor:
    r"""Layer normalisation of every token over its features.

    .. math:: \mathrm{LN}(x)=\gamma\odot\frac{x-\bar x}{\sqrt{\sigma^2(x)+\epsilon}}+\beta,\qquad
              \bar x=\frac1d\sum_ix_i,\ \sigma^2(x)=\frac1d\sum_i(x_i-\bar x)^2

    Book label: ``attn.transformer-block``. ``X`` : (..., d); ``weight`` :math:`\gamma`, ``bias``
    :math:`\beta` : (d,); ``eps`` : :math:`\epsilon`. The variance is the biased one (divide by d).

    >>> layer_norm([[1.0, 3.0]], [1.0, 1.0], [0.0, 0.0], eps=0.0).tolist()
    [[-1.0, 1.0]]
    """
    X = v.as_float_tensor("X", X)
    v.require_min_ndim("X", X, 1)
    v.require_finite("X", X)
    weight = _weight("weight", weight, (X.shape[-1],), X, "X's width")
    bias = _weight("bias", bias, (X.shape[-1],), X, "X's width")
    eps = v.require_positive_scalar("eps", eps, strict=False)
    centred = X - X.mean(-1, keepdim=True)
    return weight * centred / torch.sqrt((centred**2).mean(-1, keepdim=True) + eps) + bias


def transformer_block(X, attention, ffn, norm1, norm2, *, norm_first: bool = False) -> torch.Tensor:
    r"""A transformer block: attention and a position-wise network, each inside a residual connection and LN.

    .. math:: \text{post-LN: }H=\mathrm{LN}_1(X+\mathrm{MHA}(X)),\ \ \mathrm{Out}=\mathrm{LN}_2(H+g(H));\qquad
              \text{pre-LN: }H=X+\mathrm{MHA}(\mathrm{LN}_1(X)),\ \ \mathrm{Out}=H+g(\mathrm{LN}_2(H))

    Book label: ``attn.transformer-block``. ``X`` : (..., T, d); ``attention``, ``ffn``, ``norm1``,
    ``norm2`` : functions of (..., T, d) returning the same shape (for instance :func:`multihead_attention`,
    :func:`position_wise_ffn` and :func:`layer_norm` with fixed weights); ``norm_first`` : pre-LN.

    >>> X = torch.tensor([[1.0, 2.0]], dtype=torch.float64)
    >>> transformer_block(X, lambda x: 0 * x, lambda x: x, lambda x: x, lambda x: x, norm_first=True).tolist()
    [[2.0, 4.0]]
    """
    X = _tokens("X", X)
    for name, fn in (("attention", attention), ("ffn", ffn), ("norm1", norm1), ("norm2", norm2)):
        v.require_callable(name, fn)
    v.require_bool("norm_first", norm_first)
    if norm_first:
        H = X + attention(norm1(X))
        return H + ffn(norm2(H))
    H = norm1(X + attention(X))
    return norm2(H + ffn(H))


def patch_embed(images, V, p: int) -> torch.Tensor:
    r"""The ViT patch embedding: cut an image into p × p patches and map each, flattened, linearly to a token.

    .. math:: x_t=V\,\mathrm{vec}(\mathrm{patch}_t)\in\mathbb R^n,\quad V\in\mathbb R^{n\times qp^2},\qquad
              T=\frac{HW}{p^2}\ \text{tokens}

    Book label: ``attn.vit-patch``. ``images`` : (q, H, W) or (B, q, H, W), with p dividing H and W; ``V`` :
    (n, q p²), the patch flattened channel-major (``vec`` orders channel, row, column). Tokens run over the
    patch grid row by row. The same as ``Conv2d(q, n, kernel_size=p, stride=p)``.

    >>> patch_embed(torch.arange(16.0).reshape(1, 4, 4), torch.ones(1, 4), 2).tolist()
    [[10.0], [18.0], [42.0], [50.0]]
    """
    x = v.as_float_tensor("images", images)
    v.require_ndim("images", x, (3, 4))
    v.require_finite("images", x)
    p = v.require_int("p", p, minimum=1)
    single = x.ndim == 3
    x = x[None] if single else x
    B, q, H, W = x.shape
    if H % p or W % p:
        raise ValueError(f"p must divide the height and width of images, got p={p} for {H}×{W}")
    V = _weight("V", V, (None, q * p * p), x, f"q p² = {q * p * p} of images and p")
    patches = x.reshape(B, q, H // p, p, W // p, p).permute(0, 2, 4, 1, 3, 5)     # (B, H/p, W/p, q, p, p)
    tokens = patches.reshape(B, (H // p) * (W // p), q * p * p) @ V.T              # (B, T, n)
    return tokens[0] if single else tokens


def prepend_cls(X, c) -> torch.Tensor:
    r"""Prepend a classification token: :math:`X'=[c;X]`, and read the class from the output row of c.

    Book label: ``attn.cls-token``. ``X`` : (..., T, d); ``c`` : (d,), a learned vector. Without positional
    encodings the output at c is invariant to any permutation of the other tokens (the row of a
    permutation-equivariant map that the permutation fixes).

    >>> prepend_cls([[1.0, 2.0]], [0.0, 0.0]).tolist()
    [[0.0, 0.0], [1.0, 2.0]]
    """
    X = _tokens("X", X)
    c = _weight("c", c, (X.shape[-1],), X, "X's width")
    return torch.cat([c.expand(*X.shape[:-2], 1, X.shape[-1]), X], -2)
