r"""Initialisation: random weights whose variance keeps the signal's second moment constant through depth.

Chapter 8, "Tricks of the trade" (book labels ``tricks.init-random`` … ``tricks.init-orthogonal``). A layer
maps :math:`x\in\mathbb R^n` (fan-in :math:`n`) to :math:`Wx\in\mathbb R^m` (fan-out :math:`m`). Every rule
below fixes a *standard deviation* :math:`\sigma`; its uniform version draws from
:math:`\mathcal U[-\sqrt3\sigma,\sqrt3\sigma]`, whose variance is the same :math:`\sigma^2`.
"""

import math

import torch

from edl.core import validate as v
from edl.tricks._common import dtype_device, positive, require_gen, tensor

ACTIVATIONS = ("linear", "relu", "tanh")


def uniform_bound(sigma):
    r"""The half-width :math:`a` of the uniform law with standard deviation :math:`\sigma`.

    .. math:: \mathrm{Var}\,\mathcal U[-a,a]=\int_{-a}^{a}\frac{x^2}{2a}\,dx=\frac{a^2}3
              \quad\Longrightarrow\quad a=\sqrt3\,\sigma

    Book label: ``tricks.init-random``. ``sigma`` : the standard deviation (a number or a tensor).

    >>> round(float(uniform_bound(1.0)), 6), round(float(uniform_bound(0.5)), 6)
    (1.732051, 0.866025)
    """
    sigma = tensor("sigma", sigma)
    v.require_positive("sigma", sigma)
    return math.sqrt(3.0) * sigma


def sample_weights(shape, sigma: float, distribution: str = "normal", *, generator=None,
                   dtype=torch.float64, device=None) -> torch.Tensor:
    r"""Weights drawn i.i.d. with mean 0 and standard deviation :math:`\sigma`.

    .. math:: \theta_i\sim\mathcal N(0,\sigma^2)\quad\text{or}\quad\theta_i\sim\mathcal U[-\sqrt3\sigma,\sqrt3\sigma]

    Book label: ``tricks.init-random``. ``shape`` : a tuple of sizes; ``distribution`` : ``"normal"`` or
    ``"uniform"``; ``generator`` : a ``torch.Generator`` (the only source of randomness).

    >>> w = sample_weights((400, 500), 0.1, "uniform", generator=torch.Generator().manual_seed(0))
    >>> round(float(w.abs().max()), 2), round(float(w.std()), 2)
    (0.17, 0.1)
    """
    shape = tuple(v.require_int_list("shape", shape, minimum=1))
    sigma = positive("sigma", sigma)
    v.require_choice("distribution", distribution, ("normal", "uniform"))
    g = require_gen("generator", generator)
    dtype, device = dtype_device(dtype, device)
    if distribution == "normal":
        return sigma * torch.randn(shape, generator=g, dtype=dtype).to(device)
    a = math.sqrt(3.0) * sigma
    return (2 * torch.rand(shape, generator=g, dtype=dtype) - 1).mul(a).to(device)


def lecun_std(n: int) -> float:
    r"""LeCun initialisation: :math:`\mathrm{Var}(w_{ij})=1/n`, so that :math:`\mathbb E\|Wx\|^2=\tfrac mn\|x\|^2`.

    .. math:: w_{ij}\sim\mathcal N\big(0,\tfrac1n\big)\quad\text{or}\quad\mathcal U\big[-\sqrt{3/n},\sqrt{3/n}\big],\qquad b_i=0

    Book label: ``tricks.init-lecun``. ``n`` : fan-in. With :math:`m=n` the second moment of the signal is
    preserved through linear (and near-linear tanh) layers.

    >>> round(lecun_std(256), 6), round(float(uniform_bound(lecun_std(256))), 6)
    (0.0625, 0.108253)
    """
    n = v.require_int("n", n, minimum=1)
    return 1.0 / math.sqrt(n)


def glorot_std(n: int, m: int) -> float:
    r"""Glorot (Xavier) initialisation: the compromise :math:`\mathrm{Var}(w_{ij})=2/(n+m)`.

    .. math:: w_{ij}\sim\mathcal U\Big[-\sqrt{\tfrac6{n+m}},\sqrt{\tfrac6{n+m}}\Big]=\mathcal U[-\sqrt3\epsilon,\sqrt3\epsilon],
              \qquad\epsilon=\sqrt{\tfrac2{n+m}}

    Book label: ``tricks.init-glorot``. ``n`` : fan-in; ``m`` : fan-out. :math:`1/n` preserves the forward
    variance, :math:`1/m` the backward one; :math:`2/(n+m)` is their harmonic mean.

    >>> round(glorot_std(256, 256) ** 2, 8), round(float(uniform_bound(glorot_std(64, 256))), 6)
    (0.00390625, 0.136931)
    """
    n, m = v.require_int("n", n, minimum=1), v.require_int("m", m, minimum=1)
    return math.sqrt(2.0 / (n + m))


def he_std(n: int) -> float:
    r"""He (Kaiming) initialisation for ReLU layers: :math:`\mathrm{Var}(w_{ij})=2/n`.

    .. math:: w_{ij}\sim\mathcal N\big(0,\tfrac2n\big)\ \text{or}\ \mathcal U\big[-\sqrt{6/n},\sqrt{6/n}\big];\qquad
              z\sim\mathcal N(0,s^2)\Rightarrow\mathbb E[\mathrm{ReLU}(z)^2]=\tfrac{s^2}2

    Book label: ``tricks.init-he``. ``n`` : fan-in. The ReLU keeps half of the second moment, so the variance
    is doubled to compensate (see :func:`relu_second_moment`).

    >>> round(he_std(128) ** 2, 8), round(float(uniform_bound(he_std(256))), 6)
    (0.015625, 0.153093)
    """
    n = v.require_int("n", n, minimum=1)
    return math.sqrt(2.0 / n)


def relu_second_moment(s2):
    r""":math:`\mathbb E[\mathrm{ReLU}(z)^2]=s^2/2` for :math:`z\sim\mathcal N(0,s^2)` (by symmetry: half of
    :math:`\mathbb Ez^2`). Book label: ``tricks.init-he``. ``s2`` : the variance :math:`s^2`.

    >>> float(relu_second_moment(3.0))
    1.5
    """
    s2 = tensor("s2", s2)
    v.require_positive("s2", s2, strict=False)
    return s2 / 2


def orthogonal(m: int, *, count: int = 1, gain: float = 1.0, generator=None, dtype=torch.float64,
               device=None) -> torch.Tensor:
    r"""Haar-distributed orthogonal matrices: QR of a Gaussian matrix, with the signs of :math:`R`'s diagonal moved into :math:`Q`.

    .. math:: W\sim\mathrm{Haar}(O(m)),\qquad W^\top W=WW^\top=I\ \Rightarrow\ \|Wx\|=\|x\|,\qquad W\leftarrow g\,W

    Book label: ``tricks.init-orthogonal``. ``m`` : the size; ``count`` : how many (shape ``(count, m, m)``);
    ``gain`` : :math:`g`. Entries have variance :math:`1/m`, as in LeCun's rule, but every singular value
    is exactly 1, so norms are preserved at any depth, not only on average.

    >>> W = orthogonal(4, generator=torch.Generator().manual_seed(0))[0]
    >>> float((W.T @ W - torch.eye(4, dtype=W.dtype)).abs().max()) < 1e-14
    True
    """
    m, count = v.require_int("m", m, minimum=1), v.require_int("count", count, minimum=1)
    gain = positive("gain", gain)
    g = require_gen("generator", generator)
    dtype, device = dtype_device(dtype, device)
    A = torch.randn(count, m, m, generator=g, dtype=torch.float64)
    Q, R = torch.linalg.qr(A)
    signs = torch.sign(torch.diagonal(R, dim1=-2, dim2=-1))           # (count, m); never 0 almost surely
    return (gain * Q * signs[:, None, :]).to(dtype=dtype, device=device)


def second_moments(x, weights, activation: str = "linear") -> torch.Tensor:
    r"""The signal's second moment after each layer, relative to the input's.

    .. math:: x_l=\phi(W_lx_{l-1}),\qquad r_l=\frac{\tfrac1B\sum_b\|x_l^{(b)}\|^2}{\tfrac1B\sum_b\|x_0^{(b)}\|^2},\quad l=0,\dots,L

    ``x`` : a batch ``(B, n)``; ``weights`` : ``(L, n, n)`` (equal widths); ``activation`` : ``"linear"``,
    ``"relu"`` or ``"tanh"``. Returns :math:`(r_0=1,r_1,\dots,r_L)`. The measure of every rule of this section.

    >>> second_moments(torch.ones(1, 2), torch.eye(2).repeat(3, 1, 1) * 2).tolist()
    [1.0, 4.0, 16.0, 64.0]
    """
    x = tensor("x", x, 2)
    weights = tensor("weights", weights, 3, like=x)
    if weights.shape[1] != weights.shape[2] or weights.shape[2] != x.shape[1]:
        raise ValueError(f"weights must have shape (L, n, n) with n = x.shape[1] = {x.shape[1]}, "
                         f"got shape {tuple(weights.shape)}")
    v.require_choice("activation", activation, ACTIVATIONS)
    phi = {"linear": lambda z: z, "relu": torch.relu, "tanh": torch.tanh}[activation]
    base = (x ** 2).sum(1).mean()
    if base == 0:
        raise ValueError("x must not be all zeros (its second moment is the denominator)")
    out = [torch.ones((), dtype=x.dtype, device=x.device)]
    h = x
    for W in weights:
        h = phi(h @ W.T)                                                    # (B, n)
        out.append((h ** 2).sum(1).mean() / base)
    return torch.stack(out)
