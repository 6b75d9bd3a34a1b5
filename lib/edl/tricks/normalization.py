r"""Normalisation: of the inputs, of a layer's units over the batch (batch norm) or over the units (layer norm),
and of the weights (weight norm); and the scale invariance they share.

Chapter 8, "Tricks of the trade" (book labels ``tricks.data-standardization`` … ``tricks.norm-scale-invariance``).
A batch of pre-activations is :math:`H\in\mathbb R^{b\times f}` (:math:`b` examples, :math:`f` units); the learned
scale and shift are :math:`\alpha,\beta\in\mathbb R^f`; :math:`\varepsilon` guards the division.
"""

import torch

from edl.core import validate as v
from edl.tricks._common import positive, tensor

KINDS = ("batch", "layer")


def _affine(name_a, alpha, name_b, beta, f, like):
    alpha = torch.ones(f, dtype=like.dtype, device=like.device) if alpha is None else tensor(name_a, alpha, 1, like=like)
    beta = torch.zeros(f, dtype=like.dtype, device=like.device) if beta is None else tensor(name_b, beta, 1, like=like)
    v.require_shape(name_a, alpha, (f,), match="H")
    v.require_shape(name_b, beta, (f,), match="H")
    return alpha, beta


def standardize(X) -> torch.Tensor:
    r"""Z-scoring of the columns of a data matrix (as scikit-learn's ``StandardScaler``).

    .. math:: X'_{ij}=\frac{X_{ij}-\mu_j}{\sigma_j},\qquad \mu_j=\frac1n\sum_iX_{ij},\qquad \sigma_j^2=\frac1n\sum_i(X_{ij}-\mu_j)^2

    Book label: ``tricks.data-standardization``. ``X`` : ``(n, d)``, no constant column. Every column of the
    result has mean 0 and (population) variance 1.

    >>> standardize([[1.0, 10.0], [3.0, 30.0]]).tolist()
    [[-1.0, -1.0], [1.0, 1.0]]
    """
    X = tensor("X", X, 2)
    mu = X.mean(0)
    sigma = ((X - mu) ** 2).mean(0).sqrt()
    if (sigma == 0).any():
        raise ValueError(f"X must not have a constant column (zero variance), got columns {torch.nonzero(sigma == 0).flatten().tolist()}")
    return (X - mu) / sigma


def batch_norm(H, alpha=None, beta=None, eps: float = 1e-5) -> torch.Tensor:
    r"""Batch normalisation of a fully connected layer (training mode: the mini-batch's own statistics).

    .. math:: \tilde\mu_j=\frac1b\sum_iH_{ij},\quad \tilde\sigma_j^2=\frac1b\sum_i(H_{ij}-\tilde\mu_j)^2,\quad
              \mathrm{BN}(H)_{ij}=\alpha_j\frac{H_{ij}-\tilde\mu_j}{\sqrt{\tilde\sigma_j^2+\varepsilon}}+\beta_j

    Book label: ``tricks.batchnorm``. ``H`` : ``(b, f)`` with :math:`b\ge2`; ``alpha``, ``beta`` : ``(f,)``
    (default 1 and 0). The statistics are functions of the weights that produce ``H``, and a bias before
    the layer cancels in :math:`H-\tilde\mu`.

    >>> [round(x, 6) for x in batch_norm([[1.0], [3.0]], eps=0.0).flatten().tolist()]
    [-1.0, 1.0]
    """
    H = tensor("H", H, 2)
    if H.shape[0] < 2:
        raise ValueError(f"H must hold at least 2 examples (a batch statistic of one is degenerate), got shape {tuple(H.shape)}")
    alpha, beta = _affine("alpha", alpha, "beta", beta, H.shape[1], H)
    eps = positive("eps", eps, strict=False)
    mu = H.mean(0)
    var = ((H - mu) ** 2).mean(0)
    if eps == 0 and (var == 0).any():
        raise ValueError("eps must be positive when a unit is constant over the batch, got 0")
    return alpha * (H - mu) / torch.sqrt(var + eps) + beta


def batch_norm_backward(H, grad_out, alpha=None, eps: float = 1e-5) -> torch.Tensor:
    r"""The gradient of a loss with respect to the input of batch norm, through the batch statistics.

    .. math:: \hat H=\frac{H-\tilde\mu}{\sqrt{\tilde\sigma^2+\varepsilon}},\quad G=\alpha\odot\frac{\partial L}{\partial\mathrm{BN}}:\qquad
              \frac{\partial L}{\partial H_{ij}}=\frac{1}{\sqrt{\tilde\sigma_j^2+\varepsilon}}\Big(G_{ij}-\frac1b\sum_kG_{kj}
              -\hat H_{ij}\,\frac1b\sum_kG_{kj}\hat H_{kj}\Big)

    Book label: ``tricks.batchnorm``. The two subtracted terms are the paths through :math:`\tilde\mu` and
    :math:`\tilde\sigma^2`: the gradient has zero mean over the batch and is orthogonal to :math:`\hat H`
    in every column.

    >>> batch_norm_backward([[1.0], [3.0]], [[1.0], [1.0]], eps=0.0).flatten().tolist()
    [0.0, 0.0]
    """
    H = tensor("H", H, 2)
    grad_out = tensor("grad_out", grad_out, 2, like=H)
    v.require_shape("grad_out", grad_out, tuple(H.shape), match="H")
    if H.shape[0] < 2:
        raise ValueError(f"H must hold at least 2 examples, got shape {tuple(H.shape)}")
    alpha, _ = _affine("alpha", alpha, "beta", None, H.shape[1], H)
    eps = positive("eps", eps, strict=False)
    mu = H.mean(0)
    std = torch.sqrt(((H - mu) ** 2).mean(0) + eps)
    if (std == 0).any():
        raise ValueError("eps must be positive when a unit is constant over the batch, got 0")
    Hhat = (H - mu) / std
    G = alpha * grad_out
    return (G - G.mean(0) - Hhat * (G * Hhat).mean(0)) / std


def batch_norm2d(H, alpha=None, beta=None, eps: float = 1e-5) -> torch.Tensor:
    r"""Batch normalisation of a convolutional layer: one mean and variance per channel, pooled over the batch
    and every position.

    .. math:: \tilde\mu_z=\frac1{bhw}\sum_{i,j,k}H_{i,z,j,k},\qquad \tilde\sigma_z^2=\frac1{bhw}\sum_{i,j,k}(H_{i,z,j,k}-\tilde\mu_z)^2

    Book label: ``tricks.batchnorm-conv``. ``H`` : ``(b, C, h, w)`` (PyTorch's layout); ``alpha``, ``beta`` : ``(C,)``.

    >>> [round(x, 6) for x in batch_norm2d(torch.tensor([[[[1.0, 3.0]]]]).double(), eps=0.0).flatten().tolist()]
    [-1.0, 1.0]
    """
    H = tensor("H", H, 4)
    if H.shape[0] * H.shape[2] * H.shape[3] < 2:
        raise ValueError(f"H must hold at least 2 values per channel, got shape {tuple(H.shape)}")
    flat = H.transpose(0, 1).reshape(H.shape[1], -1).T                     # (b·h·w, C)
    out = batch_norm(flat, alpha, beta, eps)
    return out.T.reshape(H.shape[1], H.shape[0], H.shape[2], H.shape[3]).transpose(0, 1)


def update_running_stats(running_mean, running_var, H, momentum: float = 0.1):
    r"""The running estimates batch norm keeps for test time, after one training batch.

    .. math:: \mu\leftarrow(1-m)\mu+m\tilde\mu,\qquad \sigma^2\leftarrow(1-m)\sigma^2+m\,\frac{b}{b-1}\tilde\sigma^2

    (the unbiased batch variance; PyTorch's default :math:`m=0.1`). Book label: ``tricks.batchnorm-inference``.
    Returns the new ``(running_mean, running_var)``.

    >>> [t.tolist() for t in update_running_stats([0.0], [1.0], [[1.0], [3.0]])]
    [[0.2], [1.1]]
    """
    H = tensor("H", H, 2)
    if H.shape[0] < 2:
        raise ValueError(f"H must hold at least 2 examples (the unbiased variance divides by b - 1), got shape {tuple(H.shape)}")
    running_mean = tensor("running_mean", running_mean, 1, like=H)
    running_var = tensor("running_var", running_var, 1, like=H)
    v.require_shape("running_mean", running_mean, (H.shape[1],), match="H")
    v.require_shape("running_var", running_var, (H.shape[1],), match="H")
    v.require_positive("running_var", running_var, strict=False)
    m = v.require_probability("momentum", momentum)
    b = H.shape[0]
    mu = H.mean(0)
    unbiased = ((H - mu) ** 2).sum(0) / (b - 1)
    return (1 - m) * running_mean + m * mu, (1 - m) * running_var + m * unbiased


def batch_norm_eval(H, running_mean, running_var, alpha=None, beta=None, eps: float = 1e-5) -> torch.Tensor:
    r"""Batch norm at test time: the running statistics replace the batch's, so each output depends on its own input only.

    .. math:: y=\alpha\frac{x-\mu_{\text{run}}}{\sqrt{\sigma^2_{\text{run}}+\varepsilon}}+\beta

    Book label: ``tricks.batchnorm-inference``. ``H`` : ``(b, f)``, any :math:`b\ge1`.

    >>> batch_norm_eval([[2.0]], [1.0], [4.0], eps=0.0).tolist()
    [[0.5]]
    """
    H = tensor("H", H, 2)
    running_mean = tensor("running_mean", running_mean, 1, like=H)
    running_var = tensor("running_var", running_var, 1, like=H)
    v.require_shape("running_mean", running_mean, (H.shape[1],), match="H")
    v.require_shape("running_var", running_var, (H.shape[1],), match="H")
    v.require_positive("running_var", running_var, strict=False)
    alpha, beta = _affine("alpha", alpha, "beta", beta, H.shape[1], H)
    eps = positive("eps", eps, strict=False)
    if eps == 0 and (running_var == 0).any():
        raise ValueError("eps must be positive when a running variance is 0, got 0")
    return alpha * (H - running_mean) / torch.sqrt(running_var + eps) + beta


def layer_norm(H, alpha=None, beta=None, eps: float = 1e-5) -> torch.Tensor:
    r"""Layer normalisation: statistics per example, over its units.

    .. math:: \tilde\mu_i=\frac1f\sum_jH_{ij},\quad\tilde\sigma_i^2=\frac1f\sum_j(H_{ij}-\tilde\mu_i)^2,\quad
              \mathrm{LN}(H)_{ij}=\alpha_j\frac{H_{ij}-\tilde\mu_i}{\sqrt{\tilde\sigma_i^2+\varepsilon}}+\beta_j

    Book label: ``tricks.layernorm``. ``H`` : ``(..., f)``; each row is normalised on its own, so the output
    does not depend on the rest of the batch (batch size 1 works; the rule of transformers and RNNs).

    >>> [round(x, 6) for x in layer_norm([[1.0, 3.0]], eps=0.0).flatten().tolist()]
    [-1.0, 1.0]
    """
    H = tensor("H", H)
    v.require_min_ndim("H", H, 1)
    f = H.shape[-1]
    if f < 2:
        raise ValueError(f"H must have at least 2 units along its last axis, got shape {tuple(H.shape)}")
    alpha, beta = _affine("alpha", alpha, "beta", beta, f, H)
    eps = positive("eps", eps, strict=False)
    mu = H.mean(-1, keepdim=True)
    var = ((H - mu) ** 2).mean(-1, keepdim=True)
    if eps == 0 and (var == 0).any():
        raise ValueError("eps must be positive when an example's units are all equal, got 0")
    return alpha * (H - mu) / torch.sqrt(var + eps) + beta


def group_norm(H, groups: int, alpha=None, beta=None, eps: float = 1e-5) -> torch.Tensor:
    r"""Group normalisation: layer norm within groups of channels, one mean and variance per example and group.

    .. math:: \tilde\mu_{i,G}=\frac1{|G|\,hw}\sum_{z\in G}\sum_{j,k}H_{i,z,j,k},\qquad
              \mathrm{GN}(H)_{i,z,j,k}=\alpha_z\frac{H_{i,z,j,k}-\tilde\mu_{i,G(z)}}{\sqrt{\tilde\sigma^2_{i,G(z)}+\varepsilon}}+\beta_z

    Book label: ``tricks.layernorm`` (its generalisation to feature maps). ``H`` : ``(b, C, ...)``; ``groups`` must
    divide :math:`C`. One group is layer norm over all of an example's channels and positions; :math:`C` groups
    normalise each channel of each example on its own (instance norm). No batch statistics are involved.

    >>> [round(x, 6) for x in group_norm(torch.tensor([[[1.0], [3.0]]]).double(), 1, eps=0.0).flatten().tolist()]
    [-1.0, 1.0]
    """
    H = tensor("H", H)
    v.require_min_ndim("H", H, 2)
    groups = v.require_int("groups", groups, minimum=1)
    C = H.shape[1]
    if C % groups:
        raise ValueError(f"groups must divide the {C} channels of H, got {groups}")
    alpha, beta = _affine("alpha", alpha, "beta", beta, C, H)
    eps = positive("eps", eps, strict=False)
    grouped = H.reshape(H.shape[0], groups, -1)                             # (b, groups, C/groups · positions)
    if grouped.shape[-1] < 2:
        raise ValueError(f"H must hold at least 2 values per group, got shape {tuple(H.shape)} with {groups} groups")
    mu = grouped.mean(-1, keepdim=True)
    var = ((grouped - mu) ** 2).mean(-1, keepdim=True)
    if eps == 0 and (var == 0).any():
        raise ValueError("eps must be positive when a group is constant, got 0")
    out = ((grouped - mu) / torch.sqrt(var + eps)).reshape(H.shape)
    shape = (1, C) + (1,) * (H.ndim - 2)
    return alpha.reshape(shape) * out + beta.reshape(shape)


def _vg(v_, g):
    v_ = tensor("v_", v_, 2)
    g = tensor("g", g, 1, like=v_)
    v.require_shape("g", g, (v_.shape[0],), match="v_'s rows")
    norms = torch.linalg.vector_norm(v_, dim=1)
    if (norms == 0).any():
        raise ValueError("v_ must have no zero row (its direction is undefined)")
    return v_, g, norms


def weight_norm(v_, g) -> torch.Tensor:
    r"""Weight normalisation: each unit's weight vector as a length times a direction.

    .. math:: w=\frac{g}{\|v\|_2}\,v\ \Rightarrow\ \|w\|=|g|,\qquad w(cv,g)=w(v,g)\ (c>0)

    Book label: ``tricks.weightnorm``. ``v_`` : ``(m, n)``, one direction per row (unit); ``g`` : ``(m,)``.

    >>> weight_norm([[3.0, 4.0]], [2.0]).tolist()
    [[1.2, 1.6]]
    """
    v_, g, norms = _vg(v_, g)
    return g[:, None] * v_ / norms[:, None]


def weight_norm_grads(v_, g, grad_w):
    r"""The gradients with respect to :math:`g` and :math:`v` of a loss whose gradient in :math:`w` is known.

    .. math:: \partial_gE=\nabla_wE\cdot\frac{v}{\|v\|},\qquad
              \nabla_vE=\frac{g}{\|v\|}\Big(I-\frac{ww^\top}{\|w\|^2}\Big)\nabla_wE
              \ \Rightarrow\ v\cdot\nabla_vE=0,\quad \|v-\eta\nabla_vE\|^2=\|v\|^2+\eta^2\|\nabla_vE\|^2

    Book label: ``tricks.weightnorm-gradients``. Row by row; returns ``(grad_g (m,), grad_v (m, n))``. The
    :math:`v`-gradient is orthogonal to :math:`v`, so gradient descent can only lengthen :math:`v`, which
    shrinks the effective step :math:`\eta g^2/\|v\|^2` on the direction.

    >>> [t.tolist() for t in weight_norm_grads([[1.0, 0.0]], [2.0], [[3.0, 5.0]])]
    [[3.0], [[0.0, 10.0]]]
    """
    v_, g, norms = _vg(v_, g)
    grad_w = tensor("grad_w", grad_w, 2, like=v_)
    v.require_shape("grad_w", grad_w, tuple(v_.shape), match="v_")
    u = v_ / norms[:, None]                                                 # unit directions
    grad_g = (grad_w * u).sum(1)
    grad_v = (g / norms)[:, None] * (grad_w - grad_g[:, None] * u)          # projection orthogonal to w (∥ u)
    return grad_g, grad_v


def normalized_preactivation(X, W, kind: str = "batch", eps: float = 1e-5) -> torch.Tensor:
    r"""A linear layer followed by batch or layer normalisation (no affine part), the object whose scale invariance matters.

    .. math:: \mathrm{BN}\big(X(cW)^\top\big)=\mathrm{BN}(XW^\top)\ (c>0,\ \text{also one }c_i\text{ per unit}),\qquad
              \mathrm{LN}\big(X(cW)^\top\big)=\mathrm{LN}(XW^\top);\qquad \langle\nabla_{w_i}L,w_i\rangle=0

    Book label: ``tricks.norm-scale-invariance``. ``X`` : ``(b, n)``; ``W`` : ``(f, n)``; ``kind`` :
    ``"batch"`` or ``"layer"``. Invariance (exact for :math:`\varepsilon=0`) makes every loss constant along
    rays :math:`cW`, so its gradient is orthogonal to :math:`W` (per row for batch norm, as a whole for layer
    norm), and the effective step size falls like :math:`1/\|W\|^2`.

    >>> X = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]).double()
    >>> bool(torch.allclose(normalized_preactivation(X, [[1.0, 2.0]]), normalized_preactivation(X, [[3.0, 6.0]])))
    True
    """
    X = tensor("X", X, 2)
    W = tensor("W", W, 2, like=X)
    v.require_shape("W", W, (None, X.shape[1]), match="X's columns")
    v.require_choice("kind", kind, KINDS)
    eps = positive("eps", eps, strict=False)
    Z = X @ W.T                                                            # (b, f)
    return batch_norm(Z, eps=eps) if kind == "batch" else layer_norm(Z, eps=eps)
