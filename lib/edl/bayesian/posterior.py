r"""Bayesian learning of a model's parameters: Bayes' rule, the Gaussian prior and likelihood, the energy,
the posterior predictive and ensembles weighted by their posterior density.

Chapter 9, part 2, "Bayesian networks" (book labels ``bayes.predictive`` … ``bayes.ensembling``). Symbols:
:math:`\theta` parameters, :math:`S` the training set, :math:`\sigma^2` the prior variance of each weight,
:math:`\epsilon^2` the noise variance of the observations, :math:`E(\theta)` the energy (negative log
posterior up to a constant).
"""

import math

import torch

from edl.core import validate as v


def _tensor(name, value, like=None, ndim=None):
    t = v.as_float_tensor(name, value, like=like)
    if ndim is not None:
        v.require_ndim(name, t, ndim)
    v.require_finite(name, t)
    return t


def grid_posterior(theta, prior, likelihood) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Bayes' rule on a grid of one parameter: the posterior density and the evidence.

    .. math:: p(\theta\mid S)=\frac{p(\theta)\,p(S\mid\theta)}{p(S)},\qquad p(S)=\int p(\theta)\,p(S\mid\theta)\,d\theta

    Book label: ``bayes.bayes-rule``. ``theta`` : increasing grid ``(G,)``; ``prior`` : prior density on
    the grid; ``likelihood`` : :math:`p(S\mid\theta)` on the grid. The evidence integral is the trapezoid rule.

    >>> th = torch.linspace(0, 1, 1001, dtype=torch.float64)
    >>> post, Z = grid_posterior(th, torch.ones_like(th), th**3 * (1 - th))   # 3 heads, 1 tail, flat prior
    >>> round(float(Z), 6), round(float(post[800]), 4)                          # B(4, 2) = 1/20; Beta(4, 2) pdf at 0.8
    (0.05, 2.048)
    """
    theta = _tensor("theta", theta, ndim=1)
    prior = _tensor("prior", prior, like=theta, ndim=1)
    likelihood = _tensor("likelihood", likelihood, like=theta, ndim=1)
    v.require_shape("prior", prior, tuple(theta.shape), match="theta")
    v.require_shape("likelihood", likelihood, tuple(theta.shape), match="theta")
    if len(theta) < 2 or not (theta[1:] > theta[:-1]).all():
        raise ValueError(f"theta must be an increasing grid of at least 2 points, got {theta.tolist()[:8]}")
    v.require_positive("prior", prior, strict=False)
    v.require_positive("likelihood", likelihood, strict=False)
    joint = prior * likelihood
    evidence = torch.trapezoid(joint, theta)
    if evidence <= 0:
        raise ValueError("prior times likelihood must not vanish on the whole grid, got evidence 0")
    return joint / evidence, evidence


def gaussian_prior_nll(theta, sigma) -> torch.Tensor:
    r"""Negative log density of independent Gaussian priors :math:`\theta_i\sim\mathcal N(0,\sigma_i^2)`.

    .. math:: -\log p(\theta)=\sum_i\frac{\theta_i^2}{2\sigma_i^2}+\frac12\sum_i\log(2\pi\sigma_i^2)
              \;\overset{\sigma_i\equiv\sigma}{=}\;\frac{\|\theta\|^2}{2\sigma^2}+\frac d2\log(2\pi\sigma^2)

    Book label: ``bayes.gaussian-prior-weight-decay``. ``theta`` : ``(..., d)``; ``sigma`` : prior standard
    deviation, a scalar or one per coordinate (broadcast to ``theta``). The quadratic term is weight decay
    with strength :math:`1/\sigma_i^2` per coordinate.

    >>> theta = [1.0, -2.0]
    >>> round(float(gaussian_prior_nll(theta, 1.0)), 6), round(float(gaussian_prior_nll(theta, [1.0, 2.0])), 6)
    (4.337877, 3.531024)
    """
    theta = _tensor("theta", theta)
    v.require_min_ndim("theta", theta, 1)
    sigma = _tensor("sigma", sigma, like=theta)
    v.require_positive("sigma", sigma)
    v.require_broadcast("sigma", sigma, theta.shape, to="theta's")
    sigma = sigma.expand_as(theta)
    return (theta**2 / (2 * sigma**2) + 0.5 * torch.log(2 * math.pi * sigma**2)).sum(-1)


def gaussian_nll(y, f, eps) -> torch.Tensor:
    r"""Negative log likelihood of observations :math:`y_i=f_i+\eta_i`, :math:`\eta_i\sim\mathcal N(0,\epsilon^2)`.

    .. math:: -\log p(S\mid\theta)=\frac1{2\epsilon^2}\|y-f(\theta)\|^2+\frac s2\log(2\pi\epsilon^2)

    Book label: ``bayes.gaussian-likelihood``. ``y``, ``f`` : ``(..., s)`` targets and predictions;
    ``eps`` : noise standard deviation :math:`\epsilon`.

    >>> round(float(gaussian_nll([1.0, 2.0], [0.0, 2.0], 0.5)), 6)
    2.451583
    """
    y = _tensor("y", y)
    v.require_min_ndim("y", y, 1)
    f = _tensor("f", f, like=y)
    v.require_shape("f", f, tuple(y.shape), match="y")
    eps = v.require_positive_scalar("eps", eps)
    s = y.shape[-1]
    return ((y - f) ** 2).sum(-1) / (2 * eps**2) + 0.5 * s * math.log(2 * math.pi * eps**2)


def posterior_energy(y, f, theta, eps, sigma) -> torch.Tensor:
    r"""The energy of a Gaussian likelihood and a Gaussian prior: squared loss plus weight decay.

    .. math:: E(\theta)=\frac1{2\epsilon^2}\|y-f(\theta)\|^2+\frac1{2\sigma^2}\|\theta\|^2,\qquad
              -\log p(\theta\mid S)=E(\theta)+\text{const}

    Book label: ``bayes.posterior-energy``. ``y``, ``f`` : ``(s,)``; ``theta`` : ``(d,)``; ``eps``,
    ``sigma`` : noise and prior standard deviations.

    >>> round(float(posterior_energy([1.0, 2.0], [0.0, 2.0], [1.0, 1.0], 0.5, 2.0)), 6)
    2.25
    """
    y = _tensor("y", y, ndim=1)
    f = _tensor("f", f, like=y, ndim=1)
    v.require_shape("f", f, tuple(y.shape), match="y")
    theta = _tensor("theta", theta, like=y, ndim=1)
    eps, sigma = v.require_positive_scalar("eps", eps), v.require_positive_scalar("sigma", sigma)
    return ((y - f) ** 2).sum() / (2 * eps**2) + (theta**2).sum() / (2 * sigma**2)


def map_linear(X, y, eps, sigma) -> torch.Tensor:
    r"""The MAP weights of a linear model :math:`f(\theta)=X\theta`: ridge regression with :math:`\lambda=\epsilon^2/\sigma^2`.

    .. math:: \theta_{MAP}=\arg\min_\theta E(\theta)=(X^\top X+\tfrac{\epsilon^2}{\sigma^2}I)^{-1}X^\top y

    Book label: ``bayes.posterior-energy``. ``X`` : ``(s, d)``; ``y`` : ``(s,)``.

    >>> [round(t, 6) for t in map_linear([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [1.0, 2.0, 3.0], 1.0, 1.0).tolist()]
    [0.875, 1.375]
    """
    X = _tensor("X", X, ndim=2)
    y = _tensor("y", y, like=X, ndim=1)
    v.require_shape("y", y, (X.shape[0],), match="X")
    eps, sigma = v.require_positive_scalar("eps", eps), v.require_positive_scalar("sigma", sigma)
    A = X.T @ X + (eps**2 / sigma**2) * torch.eye(X.shape[1], dtype=X.dtype, device=X.device)
    return torch.linalg.solve(A, X.T @ y)


def predictive_mean(predictions) -> torch.Tensor:
    r"""The Monte Carlo posterior predictive: the average prediction of posterior samples.

    .. math:: \bar f(x)=\int f(\theta)(x)\,p(\theta\mid S)\,d\theta\approx\frac1N\sum_{i=1}^Nf(\theta^{(i)})(x),
              \qquad\theta^{(i)}\sim p(\theta\mid S)

    Book label: ``bayes.predictive``. ``predictions`` : ``(N, ...)``, the predictions of :math:`N`
    posterior samples (first axis) at any number of inputs.

    >>> predictive_mean([[1.0, 2.0], [3.0, 6.0]]).tolist()
    [2.0, 4.0]
    """
    predictions = _tensor("predictions", predictions)
    v.require_min_ndim("predictions", predictions, 1)
    return predictions.mean(0)


def ensemble_weights(energies) -> torch.Tensor:
    r"""Self-normalised posterior weights of ensemble members from their energies.

    .. math:: w_i=\frac{\exp[-E(\theta_i)]}{\sum_j\exp[-E(\theta_j)]}

    Book label: ``bayes.ensembling``. ``energies`` : ``(n,)``. Computed stably (the smallest energy is
    subtracted first). Right for members spread evenly over parameter space (a uniform proposal); members
    drawn *from* the posterior get equal weights :math:`1/n` instead.

    >>> [round(w, 6) for w in ensemble_weights([0.0, 1.0, 1000.0]).tolist()]
    [0.731059, 0.268941, 0.0]
    """
    energies = _tensor("energies", energies, ndim=1)
    return torch.softmax(-energies, 0)


def ensemble_prediction(predictions, energies) -> torch.Tensor:
    r"""The posterior-weighted ensemble prediction :math:`\hat f(x)=\sum_iw_if(\theta_i)(x)`.

    Book label: ``bayes.ensembling``. ``predictions`` : ``(n, ...)``, one row per member; ``energies`` :
    ``(n,)``, with the weights of :func:`ensemble_weights`.

    >>> round(float(ensemble_prediction([1.0, 3.0], [0.0, 0.0])), 6)
    2.0
    """
    predictions = _tensor("predictions", predictions)
    v.require_min_ndim("predictions", predictions, 1)
    energies = _tensor("energies", energies, like=predictions, ndim=1)
    v.require_shape("energies", energies, (predictions.shape[0],), match="predictions")
    w = ensemble_weights(energies)
    return torch.tensordot(w, predictions, dims=1)
