r"""Knowledge distillation: a student trained on a teacher's softened class probabilities.

Chapter 8, "Tricks of the trade" (book labels ``tricks.distill-tempered-softmax``, ``tricks.distill-gradient``).
:math:`F` are the teacher's logits, :math:`G` the student's, :math:`T>0` the temperature, :math:`K` classes.
"""

import torch

from edl.core import validate as v
from edl.tricks._common import positive, tensor


def _pair(F, G):
    F = tensor("F", F)
    v.require_min_ndim("F", F, 1)
    G = tensor("G", G, like=F)
    v.require_shape("G", G, tuple(F.shape), match="F")
    return F, G


def tempered_softmax(z, T: float) -> torch.Tensor:
    r"""The softmax at temperature :math:`T` along the last axis: :math:`T\to\infty` gives the uniform law,
    :math:`T\to0` the arg-max.

    .. math:: p^T_y=\frac{e^{z_y/T}}{\sum_\nu e^{z_\nu/T}}

    Book label: ``tricks.distill-tempered-softmax``.

    >>> [round(p, 6) for p in tempered_softmax([2.0, 0.0], 1.0).tolist()], tempered_softmax([2.0, 0.0], 1e6).tolist()[0] < 0.5 + 1e-5
    ([0.880797, 0.119203], True)
    """
    z = tensor("z", z)
    v.require_min_ndim("z", z, 1)
    T = positive("T", T)
    return torch.softmax(z / T, dim=-1)


def distillation_loss(F, G, T: float) -> torch.Tensor:
    r"""The tempered cross-entropy of the student's distribution against the teacher's.

    .. math:: \ell=-\sum_{y=1}^{K}p^T_y\Big[\frac{G_y}T-\ln\sum_\nu e^{G_\nu/T}\Big]=-\sum_yp^T_y\log q^T_y,\qquad
              p^T=\mathrm{softmax}(F/T),\ q^T=\mathrm{softmax}(G/T)

    Book label: ``tricks.distill-tempered-softmax``. ``F``, ``G`` : ``(..., K)``; returns one loss per row. It
    equals :math:`\mathrm{KL}(p^T\|q^T)+H(p^T)`, so only the KL part depends on the student.

    >>> round(float(distillation_loss([0.0, 0.0], [1.0, -1.0], 1.0)), 6)
    1.126928
    """
    F, G = _pair(F, G)
    T = positive("T", T)
    return -(torch.softmax(F / T, -1) * torch.log_softmax(G / T, -1)).sum(-1)


def distillation_grad(F, G, T: float) -> torch.Tensor:
    r"""The gradient of the distillation loss with respect to the student's logits.

    .. math:: \frac{\partial\ell}{\partial G_y}=\frac1T\big(q^T_y-p^T_y\big)

    Book label: ``tricks.distill-gradient``. It shrinks like :math:`1/T^2` at high temperature (see
    :func:`logit_matching_grad`), which is why the soft loss is multiplied by :math:`T^2` when it is added to
    the ordinary cross-entropy on the labels.

    >>> [round(g, 6) for g in distillation_grad([0.0, 0.0], [1.0, -1.0], 1.0).tolist()]
    [0.380797, -0.380797]
    """
    F, G = _pair(F, G)
    T = positive("T", T)
    return (torch.softmax(G / T, -1) - torch.softmax(F / T, -1)) / T


def logit_matching_grad(F, G, T: float) -> torch.Tensor:
    r"""The high-temperature limit of :func:`distillation_grad` for logits centred to mean zero: matching logits.

    .. math:: T\gg|F|,|G|,\ \textstyle\sum_yF_y=\sum_yG_y=0:\qquad \frac{\partial\ell}{\partial G_y}\approx\frac{G_y-F_y}{K\,T^2}

    from :math:`e^{z/T}\approx1+z/T`, so that :math:`q^T_y-p^T_y\approx(G_y-F_y)/(KT)`. Book label:
    ``tricks.distill-gradient``. The relative error of the approximation falls like :math:`1/T`.

    >>> logit_matching_grad([1.0, -1.0], [0.0, 0.0], 2.0).tolist()
    [-0.125, 0.125]
    """
    F, G = _pair(F, G)
    T = positive("T", T)
    return (G - F) / (F.shape[-1] * T ** 2)
