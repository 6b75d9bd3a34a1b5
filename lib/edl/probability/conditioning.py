"""Conditioning and dependence: Bayes' rule, mutual information, the softmax, and change of variables.

Appendix A, sections "Conditioning, independence and Bayes' rule", "The categorical distribution and
the softmax", "Mutual information" and "Change of variables". Discrete distributions are probability
vectors (a joint distribution is a matrix ``p[x, y]``); logarithms are natural. Tensors in, tensors out;
dtype and device follow the first tensor argument (other input becomes float64).
"""

import math  # noqa: F401 - used by the doctests
from collections.abc import Callable

import torch

from edl.core import validate as v
from edl.probability.basics import _float


def _dist(name, p, like=None):
    p = _float(name, p, like=like)
    v.require_distribution(name, p.reshape(-1) if name == "joint" else p)
    return p


def bayes_posterior(prior, likelihood) -> torch.Tensor:
    r"""Bayes' rule over a finite set of hypotheses.

    .. math:: P(H_k\mid E)=\frac{P(E\mid H_k)\,P(H_k)}{\sum_jP(E\mid H_j)\,P(H_j)}

    ``prior`` : :math:`P(H_k)`, a probability vector ``(k,)``; ``likelihood`` : :math:`P(E\mid H_k)`, each in
    [0, 1], shape ``(..., k)`` (one row per piece of evidence). Returns the posterior, ``(..., k)``.

    >>> [round(p, 4) for p in bayes_posterior([0.01, 0.99], [0.95, 0.10]).tolist()]  # a positive test
    [0.0876, 0.9124]
    """
    prior = _dist("prior", prior)
    v.require_ndim("prior", prior, 1)
    likelihood = _float("likelihood", likelihood, like=prior)
    v.require_in_range("likelihood", likelihood, 0.0, 1.0)
    if likelihood.ndim == 0 or likelihood.shape[-1] != prior.shape[0]:
        raise ValueError(f"likelihood must end in the number of hypotheses {prior.shape[0]}, "
                         f"got shape {tuple(likelihood.shape)}")
    joint = likelihood * prior
    evidence = joint.sum(-1, keepdim=True)
    if (evidence == 0).any():
        raise ValueError(f"likelihood must give the evidence positive probability, got {likelihood.tolist()}")
    return joint / evidence


def mutual_information(joint) -> torch.Tensor:
    r"""Mutual information of two discrete variables from their joint distribution, in nats.

    .. math:: I(X;Y)=\sum_{x,y}p(x,y)\log\frac{p(x,y)}{p(x)\,p(y)}=\mathrm{KL}\big(p_{XY}\,\Vert\,p_Xp_Y\big)
              =H(X)+H(Y)-H(X,Y)\;\ge\;0

    ``joint`` : the matrix :math:`p(x,y)`, shape ``(|X|, |Y|)``, entries summing to 1. Zero exactly when
    :math:`X` and :math:`Y` are independent.

    >>> round(float(mutual_information([[0.5, 0.0], [0.0, 0.5]])), 6)  # Y = X, a fair bit: log 2
    0.693147
    >>> round(float(mutual_information([[0.12, 0.28], [0.18, 0.42]])), 12)  # a product: independent
    0.0
    """
    joint = _dist("joint", joint)
    v.require_ndim("joint", joint, 2)
    product = joint.sum(1, keepdim=True) * joint.sum(0, keepdim=True)
    return (torch.xlogy(joint, joint) - torch.xlogy(joint, product)).sum()


def softmax(logits, temperature: float = 1.0) -> torch.Tensor:
    r"""The softmax: the categorical distribution with the given logits, computed without overflow.

    .. math:: \mathrm{softmax}(\mathbf z)_k=\frac{e^{z_k/T}}{\sum_je^{z_j/T}}
              =\frac{e^{(z_k-\max_jz_j)/T}}{\sum_je^{(z_j-\max_jz_j)/T}}

    ``logits`` : :math:`\mathbf z`, shape ``(..., k)``; ``temperature`` : :math:`T>0`. Subtracting the largest
    logit changes nothing (numerator and denominator share the factor) and keeps every exponent
    :math:`\le0`, so no term overflows.

    >>> [round(p, 4) for p in softmax([1000.0, 1001.0, 1002.0]).tolist()]  # exp(1000) would overflow
    [0.09, 0.2447, 0.6652]
    """
    z = _float("logits", logits)
    if z.ndim == 0:
        raise ValueError(f"logits must have at least one dimension (the classes), got the number {float(z)}")
    T = v.require_scalar("temperature", temperature)
    v.require_positive("temperature", T)
    z = z / T
    e = torch.exp(z - z.amax(-1, keepdim=True))
    return e / e.sum(-1, keepdim=True)


def pushforward_density(log_density: Callable, inverse: Callable, y) -> torch.Tensor:
    r"""Density of :math:`Y=g(X)` for a smooth strictly monotone :math:`g`, by the change-of-variables formula.

    .. math:: p_Y(y)=p_X\big(g^{-1}(y)\big)\,\Big|\frac{d g^{-1}}{dy}(y)\Big|

    ``log_density`` : :math:`\log p_X`, a function of a tensor; ``inverse`` : :math:`g^{-1}`, a function of a
    tensor, applied elementwise; ``y`` : points, any shape. The derivative of :math:`g^{-1}` is taken by
    autograd.

    >>> std_normal = lambda x: -x**2 / 2 - 0.5 * math.log(2 * math.pi)
    >>> round(float(pushforward_density(std_normal, torch.log, 1.0)), 6)  # log-normal at 1: 1/√(2π)
    0.398942
    """
    if not callable(log_density):
        raise ValueError(f"log_density must be a function, got {log_density!r}")
    if not callable(inverse):
        raise ValueError(f"inverse must be a function, got {inverse!r}")
    y = _float("y", y).detach().clone().requires_grad_(True)
    x = inverse(y)
    (slope,) = torch.autograd.grad(x.sum(), y)  # elementwise: d g⁻¹/dy
    with torch.no_grad():
        density = torch.exp(log_density(x.detach())) * slope.abs()
    if not torch.isfinite(density).all():
        raise ValueError(f"y must lie where inverse and log_density are defined, got y = {v._show(y.tolist())}")
    return density


def affine_pushforward_log_density(log_density: Callable, A, b, y) -> torch.Tensor:
    r"""Log-density of :math:`Y=A\mathbf X+\mathbf b` for an invertible matrix :math:`A`.

    .. math:: \log p_Y(\mathbf y)=\log p_X\big(A^{-1}(\mathbf y-\mathbf b)\big)-\log|\det A|

    ``log_density`` : :math:`\log p_X` of points ``(..., d)``; ``A`` : ``(d, d)``, invertible; ``b`` : ``(d,)``;
    ``y`` : points ``(..., d)``. The Jacobian of :math:`\mathbf y\mapsto A^{-1}(\mathbf y-\mathbf b)` is
    :math:`A^{-1}`, whose determinant is :math:`1/\det A`.

    >>> log_p = lambda x: -(x**2).sum(-1) / 2 - math.log(2 * math.pi)   # N(0, I) in the plane
    >>> round(float(affine_pushforward_log_density(log_p, [[2.0, 0.0], [0.0, 0.5]], [0.0, 0.0], [0.0, 0.0])), 6)
    -1.837877
    """
    if not callable(log_density):
        raise ValueError(f"log_density must be a function, got {log_density!r}")
    A = _float("A", A)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"A must be a square matrix, got shape {tuple(A.shape)}")
    sign, logabsdet = torch.linalg.slogdet(A)
    if sign == 0:
        raise ValueError(f"A must be invertible, got {A.tolist()}")
    b = _float("b", b, like=A)
    y = _float("y", y, like=A)
    if b.shape != A.shape[:1] or y.shape[-1] != A.shape[0]:
        raise ValueError(f"b must have shape ({A.shape[0]},) and y end in {A.shape[0]}, "
                         f"got {tuple(b.shape)} and {tuple(y.shape)}")
    x = torch.linalg.solve(A, (y - b).unsqueeze(-1)).squeeze(-1)
    return log_density(x) - logabsdet

