r"""Change of variables and normalizing flows: composition, triangular Jacobians, autoregressive (MAF/IAF),
coupling and planar layers.

Chapter 10, "Normalizing flows" (book labels ``flow.*``). A *layer* is a pair of callables
``(forward, inverse)``; each maps a batch (N, d) to ``(output, log|det J|)`` with the log-determinant of
*that* map, shape (N,). Tensors in, tensors out; dtype and device follow the input.
"""

import math

import torch

from edl.core import validate as v
from edl.generative._util import fl, func, matrix, vector

LOG2PI = math.log(2 * math.pi)


def standard_normal_log_density(z) -> torch.Tensor:
    r""":math:`\log\mathcal N(\mathbf z;0,I)` summed over the last axis: the usual base density of a flow.

    >>> round(float(standard_normal_log_density([0.0, 0.0])), 6)
    -1.837877
    """
    z = fl("z", z)
    v.require_min_ndim("z", z, 1)
    return -0.5 * (z**2).sum(-1) - 0.5 * z.shape[-1] * LOG2PI


def change_of_variables(log_base, inverse, x) -> torch.Tensor:
    r"""Log-density of :math:`\mathbf x=T(\mathbf z)` for an invertible :math:`T`, from the inverse and its log-determinant.

    .. math:: p_x(\mathbf x)=p_z\big(T^{-1}(\mathbf x)\big)\,\big|\det J_{T^{-1}}(\mathbf x)\big|=p_z(\mathbf z)\,|\det J_T(\mathbf z)|^{-1}

    ``inverse(x)`` returns :math:`(T^{-1}(\mathbf x),\log|\det J_{T^{-1}}(\mathbf x)|)`; ``log_base(z)`` the
    base log-density. ``x`` : (N, d). Book label: ``flow.change-of-variables``.

    >>> inv = lambda x: (x / 2, torch.full(x.shape[:1], -math.log(2), dtype=x.dtype))   # x = 2z
    >>> round(float(change_of_variables(standard_normal_log_density, inv, [[0.0]])[0]), 6)   # log N(0; 0, 4)
    -1.612086
    """
    func("log_base", log_base)
    func("inverse", inverse)
    x = matrix("x", x)
    z, logdet = inverse(x)
    if z.shape != x.shape or logdet.shape != x.shape[:1]:
        raise ValueError(f"inverse must return z of shape {tuple(x.shape)} and one log-determinant per row, "
                         f"got {tuple(z.shape)} and {tuple(logdet.shape)}")
    return log_base(z) + logdet


def spherical_to_cartesian(r, theta, phi) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Spherical coordinates with latitude :math:`\theta` and their volume element.

    .. math:: (r,\theta,\phi)\mapsto(r\cos\theta\cos\phi,\ r\cos\theta\sin\phi,\ r\sin\theta),\qquad
              \Big|\det\frac{\partial(x,y,z)}{\partial(r,\theta,\phi)}\Big|=r^2\cos\theta

    so :math:`p(x,y,z)=p(r,\theta,\phi)/(r^2\cos\theta)`. Returns the points (..., 3) and :math:`\log(r^2\cos\theta)`.
    Book label: ``flow.spherical-example``.

    >>> p, logdet = spherical_to_cartesian(2.0, 0.0, 0.0)
    >>> p.tolist(), round(float(logdet), 6)
    ([2.0, 0.0, 0.0], 1.386294)
    """
    r = fl("r", r)
    v.require_positive("r", r)
    th, ph = fl("theta", theta, like=r), fl("phi", phi, like=r)
    v.require_in_range("theta", th, -math.pi / 2, math.pi / 2, closed=False)
    v.broadcast_shapes(r=r, theta=th, phi=ph)
    pts = torch.stack(torch.broadcast_tensors(r * torch.cos(th) * torch.cos(ph), r * torch.cos(th) * torch.sin(ph),
                                              r * torch.sin(th)), -1)
    return pts, 2 * torch.log(r) + torch.log(torch.cos(th))


def _check_layers(layers):
    if isinstance(layers, (str, bytes)) or not isinstance(layers, (list, tuple)) or not layers:
        raise ValueError(f"layers must be a non-empty list of (forward, inverse) pairs, got {layers!r}")
    for i, pair in enumerate(layers):
        if not (isinstance(pair, (list, tuple)) and len(pair) == 2 and all(callable(f) for f in pair)):
            raise ValueError(f"layers[{i}] must be a (forward, inverse) pair of callables, got {pair!r}")
    return layers


def flow_forward(z, layers) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Push base samples through :math:`F=F_L\circ\dots\circ F_1`; returns :math:`\mathbf x` and :math:`\sum_l\log|\det\partial F_l(\mathbf z_{l-1})|`.

    .. math:: \det\partial F(\mathbf z)=\prod_{l=1}^L\det\partial F_l(\mathbf z_{l-1}),\qquad\mathbf z_0=\mathbf z,\ \mathbf z_l=F_l(\mathbf z_{l-1})

    Book label: ``flow.composition``.

    >>> double = (lambda z: (2 * z, torch.full(z.shape[:1], math.log(2))), lambda x: (x / 2, torch.full(x.shape[:1], -math.log(2))))
    >>> x, ld = flow_forward([[1.0]], [double, double])
    >>> x.tolist(), round(float(ld[0]), 6)
    ([[4.0]], 1.386294)
    """
    z = matrix("z", z)
    total = torch.zeros(z.shape[0], dtype=z.dtype, device=z.device)
    for fwd, _ in _check_layers(layers):
        z, ld = fwd(z)
        total = total + ld
    return z, total


def flow_log_density(x, layers, log_base=standard_normal_log_density) -> torch.Tensor:
    r"""Log-density of a composed flow at ``x``: invert the layers last to first and add their log-determinants.

    .. math:: F^{-1}=F_1^{-1}\circ\dots\circ F_L^{-1},\qquad
              \log p_X(\mathbf x)=\log p_Z(\mathbf z_0)-\sum_{l=1}^L\log|\det\partial F_l(\mathbf z_{l-1})|

    Book label: ``flow.composition``.

    >>> double = (lambda z: (2 * z, torch.full(z.shape[:1], math.log(2))), lambda x: (x / 2, torch.full(x.shape[:1], -math.log(2))))
    >>> round(float(flow_log_density([[0.0]], [double, double])[0]), 6)   # log N(0; 0, 16)
    -2.305233
    """
    x = matrix("x", x)
    func("log_base", log_base)
    total = torch.zeros(x.shape[0], dtype=x.dtype, device=x.device)
    for _, inv in reversed(_check_layers(layers)):
        x, ld = inv(x)
        total = total + ld
    return log_base(x) + total


def triangular_log_det(J) -> torch.Tensor:
    r""":math:`\log|\det J|=\sum_i\log|J_{ii}|` for a lower-triangular Jacobian: :math:`O(d)` instead of :math:`O(d^3)`.

    A map whose output :math:`z'_i` depends only on :math:`z_{\le i}` has a lower-triangular Jacobian; a
    linear flow :math:`F(\mathbf z)=A\mathbf z+\mathbf b` with triangular :math:`A` has :math:`\det A=\prod_iA_{ii}`.
    ``J`` : (..., d, d), refused unless lower triangular. Book label: ``flow.triangular-jacobian``.

    >>> round(float(triangular_log_det([[2.0, 0.0], [5.0, -3.0]])), 6)   # log 6
    1.791759
    """
    J = fl("J", J)
    v.require_min_ndim("J", J, 2)
    if J.shape[-1] != J.shape[-2]:
        raise ValueError(f"J must be square, got shape {tuple(J.shape)}")
    if (torch.triu(J, 1) != 0).any():
        raise ValueError("J must be lower triangular (a map whose i-th output depends only on inputs ≤ i)")
    return torch.log(torch.diagonal(J, dim1=-2, dim2=-1).abs()).sum(-1)


def _conditioner_output(conditioner, x):
    out = conditioner(x)
    if not (isinstance(out, (tuple, list)) and len(out) == 2) or out[0].shape != x.shape or out[1].shape != x.shape:
        raise ValueError(f"conditioner must return (mu, log_sigma), each of shape {tuple(x.shape)}")
    return out


def maf_inverse(x, conditioner) -> tuple[torch.Tensor, torch.Tensor]:
    r"""MAF density direction in **one pass**: :math:`z_i=(x_i-\mu_i(\mathbf x_{<i}))/\sigma_i(\mathbf x_{<i})`.

    .. math:: \log p(\mathbf x)=\sum_i\big[\log p_z(z_i)-\log\sigma_i(\mathbf x_{<i})\big]

    ``conditioner(x)`` returns ``(mu, log_sigma)`` with output :math:`i` depending on :math:`\mathbf x_{<i}`
    only (a masked, autoregressive network). Returns :math:`\mathbf z` and :math:`\log|\det\partial\mathbf z/\partial\mathbf x|=-\sum_i\log\sigma_i`.
    The same function is the IAF's *sampling* pass with the roles of :math:`\mathbf x` and :math:`\mathbf z`
    exchanged. Book label: ``flow.maf-iaf``.

    >>> cond = lambda x: (torch.zeros_like(x), torch.zeros_like(x))
    >>> z, ld = maf_inverse([[1.0, 2.0]], cond)
    >>> z.tolist(), ld.abs().tolist()
    ([[1.0, 2.0]], [0.0])
    """
    x = matrix("x", x)
    func("conditioner", conditioner)
    mu, ls = _conditioner_output(conditioner, x)
    return (x - mu) * torch.exp(-ls), -ls.sum(-1)


def maf_sample(z, conditioner) -> tuple[torch.Tensor, int]:
    r"""MAF sampling: :math:`x_i=\mu_i(\mathbf x_{<i})+\sigma_i(\mathbf x_{<i})z_i`, which needs :math:`d` **sequential** passes.

    Returns the samples and the number of conditioner passes made (:math:`d`). The same loop inverts an
    IAF (density of an external point). Book label: ``flow.maf-iaf``.

    >>> cond = lambda x: (torch.ones_like(x), torch.zeros_like(x))
    >>> x, passes = maf_sample([[0.0, 0.0]], cond)
    >>> x.tolist(), passes
    ([[1.0, 1.0]], 2)
    """
    z = matrix("z", z)
    func("conditioner", conditioner)
    x = torch.zeros_like(z)
    for i in range(z.shape[1]):
        mu, ls = _conditioner_output(conditioner, x)
        x = x.clone()
        x[:, i] = mu[:, i] + torch.exp(ls[:, i]) * z[:, i]
    return x, z.shape[1]


def affine_coupling(x, scale, shift, d_a: int, inverse: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    r"""An affine coupling layer (RealNVP; NICE when ``scale`` is zero) and its inverse.

    .. math:: \mathbf y_A=\mathbf x_A,\quad\mathbf y_B=\mathbf x_B\odot e^{s(\mathbf x_A)}+t(\mathbf x_A);\qquad
              \mathbf x_B=(\mathbf y_B-t(\mathbf y_A))\odot e^{-s(\mathbf y_A)};\qquad\log|\det J|=\textstyle\sum s(\mathbf x_A)

    ``x`` : (N, d); the first ``d_a`` coordinates are :math:`A`. ``scale``, ``shift`` map (N, d_a) to
    (N, d − d_a). Returns the output and the log-determinant of the map applied (negative for the inverse).
    Book label: ``flow.coupling``.

    >>> y, ld = affine_coupling([[1.0, 2.0]], lambda a: a * 0 + math.log(3), lambda a: a, 1)
    >>> y.round(decimals=8).tolist(), round(float(ld[0]), 6)
    ([[1.0, 7.0]], 1.098612)
    """
    x = matrix("x", x)
    func("scale", scale)
    func("shift", shift)
    d_a = v.require_int("d_a", d_a, minimum=1)
    if d_a >= x.shape[1]:
        raise ValueError(f"d_a must be smaller than the dimension {x.shape[1]}, got {d_a}")
    inverse = v.require_bool("inverse", inverse)
    a, b = x[:, :d_a], x[:, d_a:]
    s, t = scale(a), shift(a)
    if s.shape != b.shape or t.shape != b.shape:
        raise ValueError(f"scale and shift must return shape {tuple(b.shape)}, got {tuple(s.shape)} and {tuple(t.shape)}")
    if inverse:
        return torch.cat([a, (b - t) * torch.exp(-s)], 1), -s.sum(1)
    return torch.cat([a, b * torch.exp(s) + t], 1), s.sum(1)


def planar_flow(z, u, w, b) -> tuple[torch.Tensor, torch.Tensor]:
    r"""A planar flow :math:`F(\mathbf z)=\mathbf z+\mathbf u\tanh(\mathbf w^\top\mathbf z+b)` and its log-determinant.

    .. math:: \det\partial F=1+h'(\mathbf w^\top\mathbf z+b)\,\mathbf u^\top\mathbf w\quad\text{(matrix determinant lemma)},

    invertible when :math:`\mathbf w^\top\mathbf u\ge-1` (refused otherwise). ``z`` : (N, d). Book label: ``flow.planar``.

    >>> y, ld = planar_flow([[0.0, 0.0]], [1.0, 0.0], [1.0, 0.0], 0.0)
    >>> y.tolist(), round(float(ld[0]), 6)
    ([[0.0, 0.0]], 0.693147)
    """
    z = matrix("z", z)
    u = vector("u", u, like=z, n=z.shape[1], match="z")
    w = vector("w", w, like=z, n=z.shape[1], match="z")
    b = v.require_scalar("b", b)
    if float(w @ u) < -1:
        raise ValueError(f"w and u must satisfy wᵀu ≥ −1 for the flow to be invertible, got wᵀu = {float(w @ u):.4g}")
    a = z @ w + b
    h = torch.tanh(a)
    return z + h[:, None] * u, torch.log(torch.abs(1 + (1 - h**2) * (u @ w)))
