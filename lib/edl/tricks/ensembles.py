r"""Data augmentation, input noise, bagging and ensembles: more (virtual) data, or more models averaged.

Chapter 8, "Tricks of the trade" (book labels ``tricks.data-augmentation`` … ``tricks.ensemble-variance``).
Data are a design matrix :math:`X\in\mathbb R^{s\times d}` (:math:`s` examples) and targets :math:`y\in\mathbb R^s`.
"""

import torch

from edl.core import validate as v
from edl.tricks._common import positive, require_gen, tensor


def _data(X, y):
    X = tensor("X", X, 2)
    y = tensor("y", y, 1, like=X)
    v.require_shape("y", y, (X.shape[0],), match="X")
    return X, y


def cyclic_augment(X, y):
    r"""Every example under every cyclic shift of its coordinates (the group :math:`G=\mathbb Z_d` acting on :math:`\mathbb R^d`).

    .. math:: (x,y)\mapsto(\tau(x),y),\quad \tau\in\mathcal T=\{x\mapsto S^gx: g=0,\dots,d-1\}

    Book label: ``tricks.data-augmentation``. Returns ``(X_aug (d·s, d), y_aug (d·s,))``, shift by shift.

    >>> Xa, ya = cyclic_augment([[1.0, 2.0, 3.0]], [5.0])
    >>> Xa.tolist(), ya.tolist()
    ([[1.0, 2.0, 3.0], [3.0, 1.0, 2.0], [2.0, 3.0, 1.0]], [5.0, 5.0, 5.0])
    """
    X, y = _data(X, y)
    d = X.shape[1]
    return torch.cat([torch.roll(X, g, dims=1) for g in range(d)]), y.repeat(d)


def augmented_least_squares(X, y) -> torch.Tensor:
    r"""Least squares on the cyclically augmented data; the minimum-norm solution.

    .. math:: \hat w=\arg\min_w\sum_{g\in G}\sum_i(y_i-w^\top gx_i)^2\ \Rightarrow\ \hat w=g^\top\hat w\ \ \forall g
              \ \Rightarrow\ f(gx)=f(x)

    The augmented objective is unchanged when :math:`w` is replaced by :math:`g^\top w`, so its minimum-norm
    minimiser is a fixed point of every shift: a constant vector, and the predictor is shift invariant.
    Book label: ``tricks.data-augmentation``.

    >>> [round(w, 6) for w in augmented_least_squares([[1.0, 0.0, 0.0], [0.0, 2.0, 1.0]], [1.0, 2.0]).tolist()]
    [0.7, 0.7, 0.7]
    """
    Xa, ya = cyclic_augment(X, y)
    return torch.linalg.pinv(Xa) @ ya


def expected_noisy_loss(X, y, w, sigma: float) -> torch.Tensor:
    r"""The squared error of a linear model averaged over Gaussian noise on its inputs: a ridge penalty.

    .. math:: \mathbb E_E\big\|y-(X+\sigma E)w\big\|^2=\|y-Xw\|^2+s\,\sigma^2\|w\|^2,\qquad E_{ij}\sim\mathcal N(0,1)\ \text{i.i.d.}

    Book label: ``tricks.noise-injection-ridge``. ``w`` : ``(d,)``; ``sigma`` : the noise level. The cross term
    has mean 0 and :math:`\mathbb E\|Ew\|^2=s\|w\|^2`, so training with input noise is weight decay with
    :math:`\lambda=s\sigma^2` (in the convention :math:`\lambda\|w\|^2`).

    >>> float(expected_noisy_loss([[1.0, 0.0], [0.0, 1.0]], [1.0, 1.0], [1.0, 0.0], 0.5))
    1.5
    """
    X, y = _data(X, y)
    w = tensor("w", w, 1, like=X)
    v.require_shape("w", w, (X.shape[1],), match="X's columns")
    sigma = positive("sigma", sigma, strict=False)
    return ((y - X @ w) ** 2).sum() + X.shape[0] * sigma ** 2 * (w ** 2).sum()


def bootstrap_indices(n: int, K: int, *, size: int | None = None, generator=None) -> torch.Tensor:
    r"""``K`` bootstrap samples of the indices :math:`0,\dots,n-1`: ``size`` draws with replacement each (default :math:`n`).

    .. math:: S^k_r:\ r\ \text{draws with replacement from }S,\qquad k=1,\dots,K

    Book label: ``tricks.bagging``. Returns ``(K, size)`` long indices.

    >>> bootstrap_indices(5, 2, generator=torch.Generator().manual_seed(0)).shape
    torch.Size([2, 5])
    """
    n, K = v.require_int("n", n, minimum=1), v.require_int("K", K, minimum=1)
    size = n if size is None else v.require_int("size", size, minimum=1)
    g = require_gen("generator", generator)
    return torch.randint(0, n, (K, size), generator=g)


def bagged_average(predictions) -> torch.Tensor:
    r"""The bagged prediction: the average of the :math:`K` members' predicted probabilities (or values).

    .. math:: p(y\mid x)=\frac1K\sum_{k=1}^{K}p(y\mid x;\theta^k)

    Book label: ``tricks.bagging``. ``predictions`` : ``(K, ...)``, member first.

    >>> bagged_average([[0.2, 0.8], [0.6, 0.4]]).round(decimals=8).tolist()
    [0.4, 0.6]
    """
    predictions = tensor("predictions", predictions)
    v.require_min_ndim("predictions", predictions, 1)
    return predictions.mean(0)


def bootstrap_distinct_fraction(n: int) -> float:
    r"""The expected fraction of distinct examples in a bootstrap sample of size :math:`n`.

    .. math:: \frac{\mathbb E[\#\text{distinct}]}{n}=1-\Big(1-\frac1n\Big)^n\ \xrightarrow{n\to\infty}\ 1-e^{-1}\approx0.632

    Each example is missed by all :math:`n` draws with probability :math:`(1-1/n)^n`. Book label:
    ``tricks.bootstrap-fraction``.

    >>> bootstrap_distinct_fraction(4), round(bootstrap_distinct_fraction(1000), 5)
    (0.68359375, 0.6323)
    """
    n = v.require_int("n", n, minimum=1)
    return 1 - (1 - 1 / n) ** n


def ensemble_error(K: int, var: float, cov: float) -> float:
    r"""The expected squared error of the average of :math:`K` members with correlated errors.

    .. math:: \mathbb E\epsilon_k^2=v,\ \ \mathbb E\epsilon_k\epsilon_l=c\ (k\ne l)\ \Rightarrow\
              \mathbb E\Big(\frac1K\sum_k\epsilon_k\Big)^2=\frac vK+\frac{K-1}Kc

    Book label: ``tricks.ensemble-variance``. ``var`` : :math:`v>0`; ``cov`` : :math:`c`, with
    :math:`-v/(K-1)\le c\le v` (a valid covariance). Averaging helps unless :math:`c=v`.

    >>> round(ensemble_error(5, 1.0, 0.3), 6), ensemble_error(5, 1.0, 1.0)
    (0.44, 1.0)
    """
    K = v.require_int("K", K, minimum=1)
    var = positive("var", var)
    cov = v.require_scalar("cov", cov)
    low = -var / (K - 1) if K > 1 else -var
    if not low - 1e-12 <= cov <= var + 1e-12:
        raise ValueError(f"cov must lie in [-var/(K-1), var] = [{low:.4g}, {var:.4g}] (a valid covariance), got {cov!r}")
    return var / K + (K - 1) / K * cov
