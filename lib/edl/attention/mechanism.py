r"""Attention as a mechanism: convex mixing, query–key matching, softmax attention, its scaling and masks.

Chapter 6, "Attention and transformers" (book labels ``attn.mixing`` … ``attn.causal-mask``,
``attn.linear-attention``). Two conventions appear, as in the literature. The *column* convention of the
mixing view stores tokens as the columns of :math:`X\in\mathbb R^{n\times T}`; the *row* convention of
transformer code stores them as rows, :math:`Q\in\mathbb R^{T\times d_k}`, :math:`K\in\mathbb R^{S\times
d_k}`, :math:`V\in\mathbb R^{S\times d_v}` (leading batch axes allowed), and computes
:math:`\mathrm{softmax}(QK^\top/\sqrt{d_k})V` row by row. Device and dtype follow the input.
"""

import math

import torch

from edl.core import validate as v


def _matrix(name: str, value, ndim=2, like=None, batch: bool = False) -> torch.Tensor:
    t = v.as_float_tensor(name, value, like=like)
    if batch:
        v.require_min_ndim(name, t, ndim)
    else:
        v.require_ndim(name, t, ndim)
    v.require_finite(name, t)
    return t


def _qkv(Q, K, V):
    Q = _matrix("Q", Q, batch=True)
    K = _matrix("K", K, like=Q, batch=True)
    V = _matrix("V", V, like=Q, batch=True)
    if K.shape[-1] != Q.shape[-1]:
        raise ValueError(f"K must have as many columns as Q (d_k = {Q.shape[-1]}), got shape {tuple(K.shape)}")
    if V.shape[-2] != K.shape[-2]:
        raise ValueError(f"V must have one row per row of K ({K.shape[-2]}), got shape {tuple(V.shape)}")
    v.broadcast_shapes(Q=Q[..., 0, 0], K=K[..., 0, 0], V=V[..., 0, 0])
    return Q, K, V


# --- attention as mixing -------------------------------------------------------------------------------

def mix(X, A, W) -> torch.Tensor:
    r"""Attention as convex mixing of transformed inputs (column convention).

    .. math:: y_s=\sum_{t}a_{st}\,Wx_t,\quad a_{st}\ge0,\ \sum_ta_{st}=1;\qquad Y=WXA^\top

    Book label: ``attn.mixing``. ``X`` : :math:`n\times T`, one token per column; ``A`` : :math:`T'\times T`,
    row-stochastic; ``W`` : :math:`m\times n`. Returns :math:`Y\in\mathbb R^{m\times T'}`: column :math:`s`
    is a convex combination of the columns of :math:`WX`, with the barycentric weights of row :math:`s` of A.

    >>> mix([[0.0, 2.0], [1.0, 3.0]], [[0.5, 0.5], [1.0, 0.0]], [[1.0, 0.0], [0.0, 1.0]]).tolist()
    [[1.0, 0.0], [2.0, 1.0]]
    """
    X = _matrix("X", X)
    A = _matrix("A", A, like=X)
    W = _matrix("W", W, like=X)
    v.require_shape("A", A, (None, X.shape[1]), match="X's columns")
    v.require_shape("W", W, (None, X.shape[0]), match="X's rows")
    v.require_distribution("A", A, atol=1e-9)
    return W @ X @ A.T


def query_key_scores(X, U_Q, U_K) -> torch.Tensor:
    r"""The bilinear similarity of every query with every key (column convention); its rank is at most q.

    .. math:: Q=U_QX,\ K=U_KX;\qquad Q^\top K=X^\top\,U_Q^\top U_K\,X\in\mathbb R^{T\times T},\quad
              \operatorname{rank}\le q

    Book label: ``attn.query-key``. ``X`` : :math:`n\times T`; ``U_Q``, ``U_K`` : :math:`q\times n`.
    Entry :math:`(s,t)` is :math:`q_s\cdot k_t`: how well token :math:`t` answers the question of token :math:`s`.

    >>> query_key_scores([[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]], [[1.0, -1.0]]).tolist()
    [[1.0, -1.0], [1.0, -1.0]]
    """
    X = _matrix("X", X)
    U_Q = _matrix("U_Q", U_Q, like=X)
    U_K = _matrix("U_K", U_K, like=X)
    v.require_shape("U_Q", U_Q, (None, X.shape[0]), match="X's rows")
    v.require_shape("U_K", U_K, U_Q.shape, match="U_Q")
    return (U_Q @ X).T @ (U_K @ X)


# --- softmax attention ---------------------------------------------------------------------------------

def attention_weights(Q, K, *, beta=None, mask=None) -> torch.Tensor:
    r"""The row-stochastic attention matrix :math:`A=\mathrm{softmax}_{\text{row}}(\beta QK^\top+M)`.

    Book label: ``attn.softmax-attention``. ``beta`` : inverse temperature :math:`\beta`, by default
    :math:`1/\sqrt{d_k}`; ``mask`` : an additive mask :math:`M` of shape :math:`T\times S` (0 or
    :math:`-\infty`), broadcast over batch axes. Every row must keep at least one finite entry.

    >>> attention_weights([[0.0, 0.0]], [[1.0, 0.0], [0.0, 1.0]]).tolist()
    [[0.5, 0.5]]
    """
    Q = _matrix("Q", Q, batch=True)
    K = _matrix("K", K, like=Q, batch=True)
    if K.shape[-1] != Q.shape[-1]:
        raise ValueError(f"K must have as many columns as Q (d_k = {Q.shape[-1]}), got shape {tuple(K.shape)}")
    beta = 1.0 / math.sqrt(Q.shape[-1]) if beta is None else v.require_positive_scalar("beta", beta)
    logits = beta * (Q @ K.transpose(-1, -2))                                     # (..., T, S)
    if mask is not None:
        mask = v.as_float_tensor("mask", mask, like=Q)
        v.require_shape("mask", mask, (Q.shape[-2], K.shape[-2]), match="Q and K")
        if (mask == float("inf")).any():
            raise ValueError("mask must hold 0 and -inf (or finite offsets), not +inf")
        if (mask == -float("inf")).all(-1).any():
            raise ValueError("mask must leave every row at least one finite entry, got a row of -inf")
        logits = logits + mask
    return torch.softmax(logits, dim=-1)


def softmax_attention(Q, K, V, *, beta=None, mask=None) -> torch.Tensor:
    r"""Scaled dot-product attention.

    .. math:: \mathrm{Attention}(Q,K,V)=\mathrm{softmax}\Big(\frac{QK^\top}{\sqrt{d_k}}+M\Big)V

    Book labels: ``attn.softmax-attention``, ``attn.causal-mask`` (with ``mask=causal_mask(T)``). ``Q`` :
    :math:`(\dots,T,d_k)`; ``K`` : :math:`(\dots,S,d_k)`; ``V`` : :math:`(\dots,S,d_v)`; ``beta``, ``mask``
    as in :func:`attention_weights`. Each output row is a convex combination of the rows of V.

    >>> softmax_attention([[0.0, 0.0]], [[1.0, 0.0], [0.0, 1.0]], [[2.0], [4.0]]).tolist()
    [[3.0]]
    """
    Q, K, V = _qkv(Q, K, V)
    return attention_weights(Q, K, beta=beta, mask=mask) @ V


def kv_attention(xi, keys, values) -> torch.Tensor:
    r"""The key–value attention map of one query: keys decide where to look, values what to read.

    .. math:: F\big(\xi,((x_1,z_1),\dots,(x_s,z_s))\big)=\sum_tz_t\,f_t,\qquad
              f_t=\frac{e^{\phi(\xi,x_t)}}{\sum_je^{\phi(\xi,x_j)}},\quad \phi(\xi,x)=\frac{\xi\cdot x}{\sqrt n}

    Book label: ``attn.kv-map``. ``xi`` : the query, shape (n,); ``keys`` : (s, n); ``values`` : (s, d_v).
    Returns the value mixture, shape (d_v,).

    >>> kv_attention([0.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], [[2.0, 0.0], [0.0, 2.0]]).tolist()
    [1.0, 1.0]
    """
    xi = _matrix("xi", xi, 1)
    keys = _matrix("keys", keys, 2, like=xi)
    values = _matrix("values", values, 2, like=xi)
    v.require_shape("keys", keys, (None, xi.shape[0]), match="xi")
    v.require_shape("values", values, (keys.shape[0], None), match="keys")
    phi = keys @ xi / math.sqrt(xi.shape[0])                                    # (s,)
    return values.T @ torch.softmax(phi, dim=0)


# --- why 1/sqrt(d) ------------------------------------------------------------------------------------

def dot_logits(q, k, *, scaled: bool = True) -> torch.Tensor:
    r"""Dot products of paired rows, :math:`q\cdot k` or :math:`q\cdot k/\sqrt d`.

    .. math:: q,k\sim\mathcal N(0,I_d)\ \Rightarrow\ \mathrm{Var}(q\cdot k)=d,\qquad \mathrm{Var}(q\cdot k/\sqrt d)=1

    Book label: ``attn.scaling``. ``q``, ``k`` : shape (..., d), same shape. Each term :math:`q_ik_i` has
    mean 0 and variance :math:`E q_i^2\,E k_i^2=1`; the d terms are independent, so the variances add.

    >>> dot_logits([[1.0, 2.0, 3.0, 4.0]], [[1.0, 1.0, 1.0, 1.0]]).tolist()
    [5.0]
    >>> dot_logits([2.0], [3.0], scaled=False).item()
    6.0
    """
    q = _matrix("q", q, 1, batch=True)
    k = _matrix("k", k, 1, like=q, batch=True)
    v.require_same_shape("q", q, "k", k)
    v.require_bool("scaled", scaled)
    dots = (q * k).sum(-1)
    return dots / math.sqrt(q.shape[-1]) if scaled else dots


def softmax_jacobian(s) -> torch.Tensor:
    r"""The Jacobian of the softmax at the point where it returns :math:`s`.

    .. math:: \frac{\partial\,\mathrm{softmax}(z)_i}{\partial z_j}=s_i(\delta_{ij}-s_j),\qquad J=\mathrm{diag}(s)-ss^\top

    Book label: ``attn.scaling``. ``s`` : a probability vector, shape (..., T). As one weight tends to 1
    (large logits) every entry of J tends to 0: a saturated softmax passes no gradient.

    >>> softmax_jacobian([0.5, 0.5]).tolist()
    [[0.25, -0.25], [-0.25, 0.25]]
    """
    s = _matrix("s", s, 1, batch=True)
    v.require_distribution("s", s, atol=1e-9)
    return torch.diag_embed(s) - s[..., :, None] * s[..., None, :]


# --- masks ---------------------------------------------------------------------------------------------

def causal_mask(T: int, *, dtype=torch.float64, device=None) -> torch.Tensor:
    r"""The additive causal mask: position i may attend to positions :math:`j\le i` only.

    .. math:: M_{ij}=\begin{cases}0&j\le i\\-\infty&j>i\end{cases},\qquad
              H=\mathrm{softmax}\Big(\frac{QK^\top}{\sqrt{d_k}}+M\Big)V

    Book label: ``attn.causal-mask``. ``T`` : sequence length. Adding :math:`-\infty` gives the future
    weight :math:`e^{-\infty}=0` exactly, so row i of the output does not depend on tokens after i.

    >>> causal_mask(3).tolist()
    [[0.0, -inf, -inf], [0.0, 0.0, -inf], [0.0, 0.0, 0.0]]
    """
    T = v.require_int("T", T, minimum=1)
    dtype, device = v.require_dtype("dtype", dtype), v.require_device("device", device)
    upper = torch.ones(T, T, dtype=torch.bool, device=device).triu(1)
    return torch.zeros(T, T, dtype=dtype, device=device).masked_fill(upper, -float("inf"))


# --- linear attention ----------------------------------------------------------------------------------

def elu_feature(x) -> torch.Tensor:
    r"""The positive feature map of linear attention, :math:`\phi(x)=\mathrm{elu}(x)+1>0`.

    Book label: ``attn.linear-attention``.

    >>> elu_feature([-1.0, 0.0, 2.0]).numpy().round(6).tolist()
    [0.367879, 1.0, 3.0]
    """
    x = _matrix("x", x, 1, batch=True)
    return torch.nn.functional.elu(x) + 1.0


def linear_attention(Q, K, V, *, causal: bool = False) -> torch.Tensor:
    r"""Linear (kernelised) attention, with the feature map :math:`\phi=\mathrm{elu}+1`.

    .. math:: h_i=\frac{\phi(q_i)^\top S}{\phi(q_i)^\top z},\quad S=\sum_j\phi(k_j)v_j^\top,\ z=\sum_j\phi(k_j);
              \qquad\text{causal: }S_i=S_{i-1}+\phi(k_i)v_i^\top,\ z_i=z_{i-1}+\phi(k_i)

    Book label: ``attn.linear-attention``. ``Q`` : (..., T, r); ``K`` : (..., T, r); ``V`` : (..., T, d_v).
    The sums are formed once, so the cost is :math:`O(T\,r\,d_v)` instead of :math:`O(T^2)`; the causal
    version runs the recursion of :func:`linear_attention_step`, an RNN whose state :math:`(S_i,z_i)` has a
    size independent of T.

    >>> linear_attention([[0.0], [0.0]], [[0.0], [0.0]], [[1.0], [3.0]], causal=True).tolist()
    [[1.0], [2.0]]
    """
    Q, K, V = _qkv(Q, K, V)
    v.require_bool("causal", causal)
    if K.shape[-2] != Q.shape[-2] and causal:
        raise ValueError(f"K must have as many rows as Q for causal attention, got {tuple(Q.shape)} and "
                         f"{tuple(K.shape)}")
    fq, fk = elu_feature(Q), elu_feature(K)
    if not causal:
        S = fk.transpose(-1, -2) @ V                                             # (..., r, d_v)
        z = fk.sum(-2)                                                           # (..., r)
        return (fq @ S) / (fq * z[..., None, :]).sum(-1, keepdim=True)
    batch = torch.broadcast_shapes(Q.shape[:-2], K.shape[:-2], V.shape[:-2])
    S = torch.zeros(*batch, Q.shape[-1], V.shape[-1], dtype=Q.dtype, device=Q.device)
    z = torch.zeros(*batch, Q.shape[-1], dtype=Q.dtype, device=Q.device)
    rows = []
    for i in range(Q.shape[-2]):
        h, S, z = _step(S, z, fq[..., i, :], fk[..., i, :], V[..., i, :])
        rows.append(h)
    return torch.stack(rows, -2)


def _step(S, z, fq, fk, v_):
    S = S + fk[..., :, None] * v_[..., None, :]
    z = z + fk
    h = (fq[..., None, :] @ S)[..., 0, :] / (fq * z).sum(-1, keepdim=True)
    return h, S, z


def linear_attention_step(S, z, q, k, v_) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    r"""One step of causal linear attention as a recurrent cell with a matrix state.

    .. math:: S_i=S_{i-1}+\phi(k_i)v_i^\top,\quad z_i=z_{i-1}+\phi(k_i),\quad h_i=\frac{\phi(q_i)^\top S_i}{\phi(q_i)^\top z_i}

    Book label: ``attn.linear-attention``. ``S`` : (r, d_v); ``z`` : (r,), non-negative; ``q``, ``k`` : (r,);
    ``v_`` : (d_v,). Returns ``(h, S, z)``. Each generated token costs :math:`O(r\,d_v)`, whatever its position.

    >>> h, S, z = linear_attention_step([[0.0]], [0.0], [0.0], [0.0], [5.0])
    >>> h.tolist(), S.tolist(), z.tolist()
    ([5.0], [[5.0]], [1.0])
    """
    S = _matrix("S", S, 2)
    z = _matrix("z", z, 1, like=S)
    q, k, v_ = (_matrix(n, x, 1, like=S) for n, x in (("q", q), ("k", k), ("v_", v_)))
    v.require_positive("z", z, strict=False)
    v.require_shape("z", z, (S.shape[0],), match="S's rows")
    v.require_shape("q", q, (S.shape[0],), match="S's rows")
    v.require_shape("k", k, (S.shape[0],), match="S's rows")
    v.require_shape("v_", v_, (S.shape[1],), match="S's columns")
    return _step(S, z, elu_feature(q), elu_feature(k), v_)
