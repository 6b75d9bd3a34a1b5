r"""Positional information: sinusoidal encodings and their rotations, learned and relative positions.

Chapter 6, "Attention and transformers" (book labels ``attn.pe-sinusoidal`` … ``attn.pe-relative-bias``).
Attention without a mask is blind to order; these functions put order back, either in the tokens
(absolute encodings added or concatenated) or in the scores (a bias indexed by the offset :math:`i-j`).
Rows are positions, columns are features.
"""

import math

import torch

from edl.core import validate as v


def _even_dim(d) -> int:
    d = v.require_int("d", d, minimum=2)
    if d % 2:
        raise ValueError(f"d must be even (sin/cos pairs), got {d}")
    return d


def sinusoidal_frequencies(d: int, C: float = 1e4, *, dtype=torch.float64, device=None) -> torch.Tensor:
    r"""The angular frequencies of the sinusoidal encoding, one per sin/cos pair.

    .. math:: \omega_j=C^{-2j/d},\qquad j=0,\dots,\tfrac d2-1

    Book label: ``attn.pe-sinusoidal``. Geometric, decreasing from 1 rad per step to
    :math:`C^{-(d-2)/d}`: the fastest pair tells neighbours apart, the slowest counts thousands of steps.

    >>> sinusoidal_frequencies(4, C=100.0).tolist()
    [1.0, 0.1]
    """
    d = _even_dim(d)
    C = v.require_positive_scalar("C", C)
    if C <= 1:
        raise ValueError(f"C must exceed 1, got {C!r}")
    j = torch.arange(d // 2, dtype=v.require_dtype("dtype", dtype), device=v.require_device("device", device))
    return C ** (-2.0 * j / d)


def sinusoidal_encoding(T: int, d: int, C: float = 1e4, *, dtype=torch.float64, device=None) -> torch.Tensor:
    r"""The sinusoidal positional encoding :math:`E\in\mathbb R^{T\times d}`.

    .. math:: E_{t,2j}=\sin(t\,\omega_j),\qquad E_{t,2j+1}=\cos(t\,\omega_j),\qquad \omega_j=C^{-2j/d}

    Book label: ``attn.pe-sinusoidal``. ``T`` : number of positions :math:`t=0,\dots,T-1`; ``d`` : even
    width. Sine and cosine of the *same* frequency sit side by side, which makes a shift a rotation
    (:func:`rotation_matrix`).

    >>> sinusoidal_encoding(2, 4, C=100.0).numpy().round(6).tolist()
    [[0.0, 1.0, 0.0, 1.0], [0.841471, 0.540302, 0.099833, 0.995004]]
    """
    T = v.require_int("T", T, minimum=1)
    omega = sinusoidal_frequencies(d, C, dtype=dtype, device=device)
    angles = torch.arange(T, dtype=omega.dtype, device=omega.device)[:, None] * omega   # (T, d/2)
    return torch.stack([torch.sin(angles), torch.cos(angles)], -1).reshape(T, -1)


def rotation_matrix(delta: float, d: int, C: float = 1e4, *, dtype=torch.float64, device=None) -> torch.Tensor:
    r"""The linear map that moves every sinusoidal encoding :math:`\Delta` positions on.

    .. math:: E_{t+\Delta}=R(\Delta)E_t,\qquad R(\Delta)=\bigoplus_j\begin{bmatrix}\cos\Delta\omega_j&\sin\Delta\omega_j\\
              -\sin\Delta\omega_j&\cos\Delta\omega_j\end{bmatrix}

    Book label: ``attn.pe-relative-rotation``. By the addition theorems,
    :math:`\sin((t+\Delta)\omega)=\cos\Delta\omega\sin t\omega+\sin\Delta\omega\cos t\omega` and
    :math:`\cos((t+\Delta)\omega)=-\sin\Delta\omega\sin t\omega+\cos\Delta\omega\cos t\omega`: each pair turns
    by the angle :math:`\Delta\omega_j`, whatever t is. Hence :math:`\langle E_t,E_{t+\Delta}\rangle=
    \sum_j\cos\Delta\omega_j` depends on :math:`\Delta` alone.

    >>> rotation_matrix(math.pi / 2, 2).numpy().round(6).tolist()
    [[0.0, 1.0], [-1.0, 0.0]]
    """
    delta = v.require_scalar("delta", delta)
    omega = sinusoidal_frequencies(d, C, dtype=dtype, device=device)
    c, s = torch.cos(delta * omega), torch.sin(delta * omega)
    blocks = torch.stack([torch.stack([c, s], -1), torch.stack([-s, c], -1)], -2)     # (d/2, 2, 2)
    return torch.block_diag(*blocks)


def add_positions(X, E, *, mode: str = "add") -> torch.Tensor:
    r"""Put positions into the tokens: add the encoding, or concatenate it.

    .. math:: X'=X+E\qquad\text{or}\qquad X'=[X\,\|\,E]

    Book label: ``attn.pe-add-concat``. ``X`` : (..., T, d); ``E`` : (T, d) to add, (T, e) to concatenate.
    After this, permuting the tokens changes more than their order, so attention can see order.

    >>> add_positions([[1.0], [2.0]], [[0.5], [0.0]]).tolist(), add_positions([[1.0]], [[9.0]], mode="concat").tolist()
    ([[1.5], [2.0]], [[1.0, 9.0]])
    """
    X = v.as_float_tensor("X", X)
    v.require_min_ndim("X", X, 2)
    v.require_finite("X", X)
    E = v.as_float_tensor("E", E, like=X)
    v.require_ndim("E", E, 2)
    v.require_finite("E", E)
    v.require_choice("mode", mode, ("add", "concat"))
    if mode == "add":
        v.require_shape("E", E, X.shape[-2:], match="X")
        return X + E
    v.require_shape("E", E, (X.shape[-2], None), match="X's rows")
    return torch.cat([X, E.expand(*X.shape[:-2], *E.shape)], -1)


def learned_positions(X, table) -> torch.Tensor:
    r"""Trainable absolute positions: one free vector per position, looked up and added.

    .. math:: E\in\mathbb R^{T_{\max}\times d}\ \text{(learned)},\qquad x'_t=x_t+E_t,\quad t<T\le T_{\max}

    Book label: ``attn.pe-trainable``. ``X`` : (..., T, d); ``table`` : (T_max, d), typically the weight of
    an ``nn.Embedding``. Rows :math:`t\ge T` are never read, so they receive no gradient; a sequence
    longer than :math:`T_{\max}` has no position vector at all.

    >>> learned_positions([[1.0, 1.0]], [[0.5, -0.5], [7.0, 7.0]]).tolist()
    [[1.5, 0.5]]
    """
    X = v.as_float_tensor("X", X)
    v.require_min_ndim("X", X, 2)
    v.require_finite("X", X)
    table = v.as_float_tensor("table", table, like=X)
    v.require_ndim("table", table, 2)
    v.require_finite("table", table)
    v.require_shape("table", table, (None, X.shape[-1]), match="X's width")
    if X.shape[-2] > table.shape[0]:
        raise ValueError(f"X must have at most T_max = {table.shape[0]} positions (the table's rows), "
                         f"got {X.shape[-2]}")
    return X + table[:X.shape[-2]]


def relative_bias(positions, b, *, clip: int | None = None) -> torch.Tensor:
    r"""The relative positional bias matrix :math:`B_{ij}=b_{p_i-p_j}`, constant along diagonals.

    .. math:: \alpha(x_i,x_j,i-j)=\frac{q_i^\top k_j}{\sqrt d}+b_{i-j},\qquad b\in\mathbb R^{2K+1},\
              \text{offsets clipped to }|i-j|\le K

    Book label: ``attn.pe-relative-bias``. ``positions`` : integer positions :math:`p_1,\dots,p_L`;
    ``b`` : biases for the offsets :math:`-K,\dots,K` (length :math:`2K+1`, entry :math:`K+o` for offset
    :math:`o`); ``clip`` : :math:`K`, by default ``(len(b) - 1) // 2``. Shifting every position by the
    same amount leaves B unchanged.

    >>> relative_bias([0, 1, 2], [-1.0, 0.0, 1.0]).tolist()
    [[0.0, -1.0, -1.0], [1.0, 0.0, -1.0], [1.0, 1.0, 0.0]]
    """
    p = v.as_tensor("positions", positions, dtype=torch.float64)
    v.require_ndim("positions", p, 1)
    v.require_integer_valued("positions", p)
    b = v.as_float_tensor("b", b)
    v.require_ndim("b", b, 1)
    v.require_finite("b", b)
    if len(b) % 2 == 0:
        raise ValueError(f"b must have odd length 2K + 1 (offsets -K..K), got length {len(b)}")
    K = (len(b) - 1) // 2
    clip = K if clip is None else v.require_int("clip", clip, minimum=0)
    if clip > K:
        raise ValueError(f"clip must be at most K = {K} (b has length {len(b)}), got {clip}")
    offset = (p[:, None] - p[None, :]).long().clamp(-clip, clip).to(b.device)
    return b[offset + K]


def relative_scores(Q, K_, positions, b) -> torch.Tensor:
    r"""Attention logits with a relative bias: :math:`QK^\top/\sqrt d+B`, :math:`B_{ij}=b_{p_i-p_j}`.

    Book label: ``attn.pe-relative-bias``. ``Q``, ``K_`` : (L, d); ``positions``, ``b`` as in
    :func:`relative_bias`. The logits depend on the contents and on the offsets only.

    >>> relative_scores([[0.0], [0.0]], [[1.0], [1.0]], [5, 6], [-1.0, 0.0, 1.0]).tolist()
    [[0.0, -1.0], [1.0, 0.0]]
    """
    Q = v.as_float_tensor("Q", Q)
    v.require_ndim("Q", Q, 2)
    v.require_finite("Q", Q)
    K_ = v.as_float_tensor("K_", K_, like=Q)
    v.require_ndim("K_", K_, 2)
    v.require_finite("K_", K_)
    v.require_shape("K_", K_, Q.shape, match="Q")
    B = relative_bias(positions, v.as_float_tensor("b", b, like=Q))
    v.require_shape("positions", B, (Q.shape[0], Q.shape[0]), match="Q's rows")
    return Q @ K_.T / math.sqrt(Q.shape[1]) + B
