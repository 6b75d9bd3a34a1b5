r"""Residual and dense connections: blocks around the identity, the Jacobians that let gradients through,
the :math:`1/\sqrt n` scaling of residual branches, and DenseNet's concatenation.

Chapter 8, "Tricks of the trade" (book labels ``tricks.residual-layer`` … ``tricks.dense-connectivity``).
Vectors are rows: ``x`` is ``(d,)`` or a batch ``(B, d)``, and a layer computes :math:`Wx` as ``x @ W.T``.
"""

from collections.abc import Callable, Sequence

import torch

from edl.core import validate as v
from edl.tricks._common import positive, require_gen, tensor

ACTIVATIONS = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}


def residual_layer(x, W, b, activation: str = "sigmoid", Ws=None) -> torch.Tensor:
    r"""A residual layer: the input plus a correction that vanishes at zero weights.

    .. math:: F[W,b](x)=x+\big[\varphi(Wx+b)-\varphi(0)\big]\ \Rightarrow\ F[0,0]=\mathrm{id};\qquad
              \text{other width: }F(x)=W_sx+\big[\varphi(Wx+b)-\varphi(0)\big]

    Book label: ``tricks.residual-layer``. ``x`` : ``(d,)`` or ``(B, d)``; ``W`` : ``(m, d)``; ``b`` : ``(m,)``;
    ``activation`` : ``"sigmoid"``, ``"tanh"`` or ``"relu"``; ``Ws`` : ``(m, d)`` projection of the shortcut,
    required when :math:`m\ne d` (a 1×1 convolution for images). Residual connections *add*; skip
    connections (DenseNet) *concatenate*.

    >>> residual_layer([1.0, 2.0], [[0.0, 0.0], [0.0, 0.0]], [0.0, 0.0]).tolist()
    [1.0, 2.0]
    """
    x = tensor("x", x, (1, 2))
    W = tensor("W", W, 2, like=x)
    v.require_shape("W", W, (None, x.shape[-1]), match="x")
    b = tensor("b", b, 1, like=x)
    v.require_shape("b", b, (W.shape[0],), match="W's rows")
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(map(repr, ACTIVATIONS))}, got {activation!r}")
    phi = ACTIVATIONS[activation]
    if Ws is None:
        if W.shape[0] != x.shape[-1]:
            raise ValueError(f"Ws must be given when W changes the width ({x.shape[-1]} → {W.shape[0]}), got None")
        shortcut = x
    else:
        Ws = tensor("Ws", Ws, 2, like=x)
        v.require_shape("Ws", Ws, tuple(W.shape), match="W")
        shortcut = x @ Ws.T
    return shortcut + (phi(x @ W.T + b) - phi(torch.zeros((), dtype=x.dtype, device=x.device)))


def residual_jacobian(x, W) -> torch.Tensor:
    r"""The Jacobian of the residual map :math:`r(x)=x+\tanh(Wx)`: the identity plus the branch's Jacobian.

    .. math:: J_r=I+J_f=I+\mathrm{diag}\big(1-\tanh^2(Wx)\big)W,\qquad v^\top J_r=v^\top J_f+v

    Book label: ``tricks.residual-jacobian``. ``x`` : ``(d,)``; ``W`` : ``(d, d)``. At initialisation
    :math:`J_f\approx0` and :math:`J_r\approx I`: the identity term passes every gradient through unchanged.

    >>> residual_jacobian([0.0, 0.0], [[1.0, 2.0], [3.0, 4.0]]).tolist()
    [[2.0, 2.0], [3.0, 5.0]]
    """
    x = tensor("x", x, 1)
    W = tensor("W", W, 2, like=x)
    v.require_shape("W", W, (len(x), len(x)), match="x")
    s = 1 - torch.tanh(W @ x) ** 2
    return torch.eye(len(x), dtype=x.dtype, device=x.device) + s[:, None] * W


def gradient_norms(x, weights, residual: bool = True, alpha: float = 1.0) -> torch.Tensor:
    r"""How much gradient reaches each layer of a tanh stack: :math:`\|\partial(\sum_iy_{L,i})/\partial y_l\|` for :math:`l=0,\dots,L`.

    .. math:: y_l=\alpha\tanh(W_ly_{l-1})+[y_{l-1}]_{\text{residual}},\qquad
              \frac{\partial y_L}{\partial y_l}=\prod_{k>l}\Big([I]+\alpha\,\mathrm{diag}\big(1-\tanh^2(W_ky_{k-1})\big)W_k\Big)

    Book label: ``tricks.residual-jacobian``. ``x`` : ``(d,)``; ``weights`` : ``(L, d, d)``. The product is
    accumulated backwards, as backpropagation does; expanding the residual product gives :math:`2^L` paths.

    >>> [round(g, 6) for g in gradient_norms([0.0, 0.0], torch.zeros(3, 2, 2).double()).tolist()]
    [1.414214, 1.414214, 1.414214, 1.414214]
    """
    x = tensor("x", x, 1)
    weights = tensor("weights", weights, 3, like=x)
    v.require_shape("weights", weights, (None, len(x), len(x)), match="x")
    residual = v.require_bool("residual", residual)
    alpha = positive("alpha", alpha)
    ys = [x]
    for W in weights:
        ys.append(alpha * torch.tanh(W @ ys[-1]) + (ys[-1] if residual else 0))
    g = torch.ones_like(x)                                                  # ∂(Σ y_L)/∂y_L
    norms = [torch.linalg.vector_norm(g)]
    for W, y in zip(reversed(weights), reversed(ys[:-1])):
        g = alpha * W.T @ ((1 - torch.tanh(W @ y) ** 2) * g) + (g if residual else 0)   # vᵀJ = vᵀJ_f (+ v)
        norms.append(torch.linalg.vector_norm(g))
    return torch.stack(norms[::-1])


def residual_growth(d: int, n: int, alpha: float, reps: int, *, generator=None) -> torch.Tensor:
    r"""The norm growth :math:`\|y_n\|^2/\|x\|^2` of linear residual stacks with random branches, one value per repetition.

    .. math:: y_i=\alpha\,\Theta_iy_{i-1}+y_{i-1},\quad (\Theta_i)_{jk}\sim\mathcal N(0,\tfrac1d)\ \text{i.i.d.}

    Book label: ``tricks.residual-depth-scaling``. ``d`` : width; ``n`` : depth; ``alpha`` : branch scale;
    ``reps`` : independent stacks (and inputs), evaluated as one batch. Compare with :func:`expected_growth`.

    >>> residual_growth(4, 3, 0.5, 2, generator=torch.Generator().manual_seed(0)).shape
    torch.Size([2])
    """
    d, n, reps = v.require_int("d", d, minimum=1), v.require_int("n", n, minimum=1), v.require_int("reps", reps, minimum=1)
    alpha = positive("alpha", alpha, strict=False)
    g = require_gen("generator", generator)
    x = torch.randn(reps, d, 1, generator=g, dtype=torch.float64)
    y = x
    for _ in range(n):
        theta = torch.randn(reps, d, d, generator=g, dtype=torch.float64) / d ** 0.5      # (reps, d, d)
        y = alpha * theta @ y + y
    return (y ** 2).sum((1, 2)) / (x ** 2).sum((1, 2))


def expected_growth(n: int, a: float) -> float:
    r"""The expected norm growth of an :math:`n`-block linear residual stack with :math:`\alpha^2=a/n`.

    .. math:: \mathbb E\|y_n\|^2=\Big(1+\frac an\Big)^n\|x\|^2\ \xrightarrow{n\to\infty}\ e^a\|x\|^2
              \qquad(\alpha=1:\ 2^n)

    since :math:`\mathbb E\|y+\alpha\Theta y\|^2=(1+\alpha^2)\|y\|^2` when :math:`\Theta` has i.i.d.
    :math:`\mathcal N(0,1/d)` entries. Book label: ``tricks.residual-depth-scaling``. ``a`` : the numerator
    of :math:`\alpha^2=a/n`; :math:`a=n` gives the unscaled stack.

    >>> round(expected_growth(10, 1.0), 6), round(expected_growth(100, 1.0), 6), expected_growth(3, 3.0)
    (2.593742, 2.704814, 8.0)
    """
    n = v.require_int("n", n, minimum=1)
    a = positive("a", a, strict=False)
    return (1 + a / n) ** n


def residual_step_jacobians(y_prev, theta, alpha: float):
    r"""The two Jacobians of one scaled residual block :math:`y_k=\alpha f(y_{k-1},\Theta_k)+y_{k-1}` with :math:`f=\Theta y`.

    .. math:: \frac{\partial y_k}{\partial y_{k-1}}=\alpha\frac{\partial f}{\partial y_{k-1}}+I_d=\alpha\Theta_k+I_d,\qquad
              \frac{\partial y_k}{\partial\Theta_k}=\alpha\frac{\partial f}{\partial\Theta_k},\quad
              \Big(\frac{\partial y_k}{\partial\Theta_k}\Big)_{i,(j,l)}=\alpha\,\delta_{ij}\,(y_{k-1})_l

    and the chain rule :math:`\frac{\partial L}{\partial\Theta_k}=\frac{\partial L}{\partial y_n}\frac{\partial y_n}{\partial y_{n-1}}
    \cdots\frac{\partial y_{k+1}}{\partial y_k}\,\alpha\frac{\partial f}{\partial\Theta_k}`. Book label:
    ``tricks.residual-depth-scaling``. Returns ``(J_y (d, d), J_theta (d, d, d))``.

    >>> [t.tolist() for t in residual_step_jacobians([1.0], [[2.0]], 0.5)]
    [[[2.0]], [[[0.5]]]]
    """
    y_prev = tensor("y_prev", y_prev, 1)
    theta = tensor("theta", theta, 2, like=y_prev)
    v.require_shape("theta", theta, (len(y_prev), len(y_prev)), match="y_prev")
    alpha = positive("alpha", alpha, strict=False)
    d = len(y_prev)
    eye = torch.eye(d, dtype=y_prev.dtype, device=y_prev.device)
    return alpha * theta + eye, alpha * eye[:, :, None] * y_prev[None, None, :]


def dense_channels(k0: int, k: int, L: int) -> tuple[list[int], int]:
    r"""Channel bookkeeping of a dense block with growth rate :math:`k`.

    .. math:: x_l=H_l\big([x_0,x_1,\dots,x_{l-1}]\big):\qquad \#\text{in-channels of layer }l=k_0+(l-1)k,\qquad
              \text{block output }k_0+Lk

    Book label: ``tricks.dense-connectivity``. Returns ``([in-channels of layers 1..L], out-channels)``.

    >>> dense_channels(4, 3, 4)
    ([4, 7, 10, 13], 16)
    """
    k0, k, L = v.require_int("k0", k0, minimum=1), v.require_int("k", k, minimum=1), v.require_int("L", L, minimum=1)
    return [k0 + (l - 1) * k for l in range(1, L + 1)], k0 + L * k


def dense_block(x, layers: Sequence[Callable]) -> torch.Tensor:
    r"""A dense block: every layer reads the concatenation of the input and all earlier outputs (channel axis 1).

    .. math:: x_l=H_l\big([x_0,x_1,\dots,x_{l-1}]\big),\qquad \text{output }[x_0,x_1,\dots,x_L]

    Book label: ``tricks.dense-connectivity``. ``x`` : ``(B, k0, ...)``; ``layers`` : callables :math:`H_l`,
    each mapping its concatenated input to :math:`k` new channels.

    >>> dense_block(torch.ones(1, 2).double(), [lambda z: z.sum(1, keepdim=True)]).tolist()
    [[1.0, 1.0, 2.0]]
    """
    x = tensor("x", x)
    v.require_min_ndim("x", x, 2)
    if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence) or not layers:
        raise ValueError(f"layers must be a non-empty list of callables, got {layers!r}"[:200])
    features = [x]
    for i, H in enumerate(layers):
        v.require_callable(f"layers[{i}]", H)
        out = H(torch.cat(features, 1))
        if not isinstance(out, torch.Tensor) or out.ndim != x.ndim or out.shape[0] != x.shape[0] or out.shape[2:] != x.shape[2:]:
            raise ValueError(f"layers[{i}] must return a (B, k, ...) tensor matching x's batch and spatial shape, "
                             f"got {getattr(out, 'shape', type(out))}")
        features.append(out)
    return torch.cat(features, 1)
