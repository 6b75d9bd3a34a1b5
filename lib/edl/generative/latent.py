r"""Latent-variable models: the marginal likelihood, Gaussian mixtures, factor analysis and probabilistic PCA.

Chapter 10, "Latent-variable models" (book labels ``lvm.marginal-likelihood``, ``mix.mixture-model``,
``fa.model``, ``fa.non-identifiability``, ``fa.posterior``, ``fa.mle``, ``ppca.pseudo-inverse-limit``,
``ppca.mle``). Data matrices hold one example per **row** here (``X`` : (N, n)), as in the rest of the
book's statistics; loadings ``W`` are (n, m). Tensors in, tensors out; dtype and device follow the input.
"""

import math

import numpy as np
import torch

from edl.core import validate as v
from edl.generative._util import fl, func, matrix, vector
from edl.generative._util import generator as _generator


def marginal_likelihood(log_lik, x, nodes: int = 64) -> torch.Tensor:
    r"""The marginal :math:`p(x)=\int p(x\mid z)\,\mathcal N(z;0,1)\,dz` of a model with one standard-normal latent.

    .. math:: p(x)=\int p(x\mid z)p(z)\,dz\approx\sum_k w_k\,p(x\mid z_k),\qquad p(z\mid x)=\frac{p(x\mid z)p(z)}{p(x)}

    Gauss–Hermite quadrature with ``nodes`` nodes (exact for polynomial integrands up to degree
    2·nodes − 1). ``log_lik(x, z)`` returns :math:`\log p(x\mid z)` for a batch of latents ``z`` (K,).
    Book label: ``lvm.marginal-likelihood``.

    >>> lik = lambda x, z: -0.5 * (x - 2 * z) ** 2 - 0.5 * math.log(2 * math.pi)   # x | z ~ N(2z, 1)
    >>> round(float(marginal_likelihood(lik, 0.0)), 8)                              # N(0; 0, 5)
    0.17841241
    """
    func("log_lik", log_lik)
    x = fl("x", x)
    nodes = v.require_int("nodes", nodes, minimum=1)
    z, w = np.polynomial.hermite_e.hermegauss(nodes)  # weight exp(−z²/2)
    z = torch.as_tensor(z, dtype=x.dtype, device=x.device)
    w = torch.as_tensor(w / math.sqrt(2 * math.pi), dtype=x.dtype, device=x.device)
    vals = torch.as_tensor(log_lik(x, z), dtype=x.dtype, device=x.device)
    if vals.shape != z.shape:
        raise ValueError(f"log_lik must return one value per latent node, shape {tuple(z.shape)}, got {tuple(vals.shape)}")
    return (w * torch.exp(vals)).sum()


def _gmm(X, weights, means, covs):
    X = matrix("X", X)
    mu = matrix("means", means, like=X, cols=X.shape[1], match="X (one column per feature)")
    pi = vector("weights", weights, like=X, n=mu.shape[0], match="means (one weight per component)")
    v.require_distribution("weights", pi)
    S = fl("covs", covs, like=X)
    v.require_shape("covs", S, (mu.shape[0], X.shape[1], X.shape[1]), match="means and X")
    for k in range(S.shape[0]):
        v.require_covariance(f"covs[{k}]", S[k])
    return X, pi, mu, S


def _component_logpdf(X, mu, S):
    L = torch.linalg.cholesky(S)                                           # (K, n, n)
    diff = (X[None] - mu[:, None]).transpose(1, 2)                         # (K, n, N)
    sol = torch.linalg.solve_triangular(L, diff, upper=False)
    logdet = 2 * torch.log(torch.diagonal(L, dim1=-2, dim2=-1)).sum(-1)
    return -0.5 * (sol**2).sum(1) - 0.5 * logdet[:, None] - 0.5 * X.shape[1] * math.log(2 * math.pi)  # (K, N)


def gmm_log_density(X, weights, means, covs) -> torch.Tensor:
    r"""Log-density of a Gaussian mixture at the rows of ``X``.

    .. math:: p(\mathbf x)=\sum_{k=1}^K\pi_k\,\mathcal N(\mathbf x;\boldsymbol\mu_k,\Sigma_k),\qquad p(z=k)=\pi_k

    Book label: ``mix.mixture-model``.

    >>> round(float(gmm_log_density([[0.0]], [0.5, 0.5], [[0.0], [0.0]], [[[1.0]], [[1.0]]])), 6)  # log N(0; 0, 1)
    -0.918939
    """
    X, pi, mu, S = _gmm(X, weights, means, covs)
    return torch.logsumexp(torch.log(pi)[:, None] + _component_logpdf(X, mu, S), 0)


def gmm_responsibilities(X, weights, means, covs) -> torch.Tensor:
    r"""Posterior class probabilities :math:`p(z=k\mid\mathbf x)=\pi_k\mathcal N_k(\mathbf x)/\sum_j\pi_j\mathcal N_j(\mathbf x)`, shape (N, K).

    Book label: ``mix.mixture-model``.

    >>> gmm_responsibilities([[0.0]], [0.25, 0.75], [[-1.0], [1.0]], [[[1.0]], [[1.0]]]).round(decimals=8).tolist()
    [[0.25, 0.75]]
    """
    X, pi, mu, S = _gmm(X, weights, means, covs)
    return torch.softmax(torch.log(pi)[:, None] + _component_logpdf(X, mu, S), 0).T


def gmm_em(X, weights, means, covs, iters: int = 50, ridge: float = 1e-6):
    r"""Expectation–maximisation for a Gaussian mixture; returns the parameters and the log-likelihood per iteration.

    E-step: responsibilities :math:`r_{ik}`; M-step: :math:`\pi_k=\frac1N\sum_ir_{ik}`, :math:`\boldsymbol\mu_k`
    and :math:`\Sigma_k` the :math:`r_{\cdot k}`-weighted mean and covariance (plus ``ridge``·I). The
    log-likelihood never decreases. Book label: ``mix.mixture-model``.

    >>> w, m, S, ll = gmm_em([[-1.0], [-1.2], [1.0], [1.2]], [0.5, 0.5], [[-0.5], [0.5]], [[[1.0]], [[1.0]]], iters=30)
    >>> [round(z, 4) for z in m[:, 0].tolist()]
    [-1.1, 1.1]
    """
    X, pi, mu, S = _gmm(X, weights, means, covs)
    iters = v.require_int("iters", iters, minimum=1)
    ridge = v.require_positive_scalar("ridge", ridge, strict=False)
    history = []
    eye = torch.eye(X.shape[1], dtype=X.dtype, device=X.device)
    for _ in range(iters):
        logp = torch.log(pi)[:, None] + _component_logpdf(X, mu, S)
        history.append(torch.logsumexp(logp, 0).sum())
        r = torch.softmax(logp, 0)                               # (K, N)
        nk = r.sum(1)
        pi = nk / X.shape[0]
        mu = (r @ X) / nk[:, None]
        diff = X[None] - mu[:, None]                            # (K, N, n)
        S = torch.einsum("kn,kni,knj->kij", r, diff, diff) / nk[:, None, None] + ridge * eye
    history.append(gmm_log_density(X, pi, mu, S).sum())
    return pi, mu, S, torch.stack(history)


def _loadings(W, psi):
    W = matrix("W", W)
    psi = vector("psi", psi, like=W, n=W.shape[0], match="W (one noise variance per row of W)")
    v.require_positive("psi", psi)
    return W, psi


def fa_covariance(W, psi) -> torch.Tensor:
    r"""The covariance of factor analysis, :math:`WW^\top+\Psi`.

    .. math:: \mathbf z\sim\mathcal N(0,I_m),\ \mathbf x=\boldsymbol\mu+W\mathbf z+\boldsymbol\eta,\ \boldsymbol\eta\sim\mathcal N(0,\Psi)
              \ \Rightarrow\ \mathbf x\sim\mathcal N(\boldsymbol\mu,WW^\top+\Psi)

    Book label: ``fa.model``.

    >>> fa_covariance([[1.0], [2.0]], [0.5, 0.5]).tolist()
    [[1.5, 2.0], [2.0, 4.5]]
    """
    W, psi = _loadings(W, psi)
    return W @ W.T + torch.diag(psi)


def fa_sample(n: int, mu, W, psi, generator: torch.Generator) -> torch.Tensor:
    r"""``n`` draws :math:`\mathbf x=\boldsymbol\mu+W\mathbf z+\boldsymbol\eta` of the factor-analysis model, shape (n, dim).

    Book label: ``fa.model``.

    >>> fa_sample(3, [0.0, 0.0], [[1.0], [1.0]], [0.1, 0.1], torch.Generator().manual_seed(0)).shape
    torch.Size([3, 2])
    """
    n = v.require_int("n", n, minimum=1)
    W, psi = _loadings(W, psi)
    mu = vector("mu", mu, like=W, n=W.shape[0], match="W")
    _generator("generator", generator)
    z = torch.randn(n, W.shape[1], generator=generator, dtype=W.dtype).to(W.device)
    eta = torch.randn(n, W.shape[0], generator=generator, dtype=W.dtype).to(W.device)
    return mu + z @ W.T + eta * torch.sqrt(psi)


def fa_log_likelihood(X, mu, W, psi) -> torch.Tensor:
    r"""Log-likelihood of the rows of ``X`` under factor analysis.

    .. math:: \log p(X)=-\frac s2\big[n\log2\pi+\log\det C+\operatorname{tr}(C^{-1}S)\big],\qquad C=WW^\top+\Psi

    (``S`` the scatter about ``mu`` divided by s). It depends on :math:`W` only through :math:`WW^\top`, so
    :math:`W` and :math:`WQ` (:math:`Q` orthogonal) fit equally well. Book labels: ``fa.non-identifiability``, ``fa.mle``.

    >>> round(float(fa_log_likelihood([[0.0, 0.0]], [0.0, 0.0], [[0.0], [0.0]], [1.0, 1.0])), 6)  # log N(0; 0, I₂)
    -1.837877
    """
    W, psi = _loadings(W, psi)
    X = matrix("X", X, like=W, cols=W.shape[0], match="W (one column per row of W)")
    mu = vector("mu", mu, like=W, n=W.shape[0], match="W")
    C = W @ W.T + torch.diag(psi)
    s, n = X.shape
    S = (X - mu).T @ (X - mu) / s
    return -0.5 * s * (n * math.log(2 * math.pi) + torch.logdet(C) + torch.trace(torch.linalg.solve(C, S)))


def fa_posterior(x, mu, W, psi) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Posterior mean and covariance of the factors given one observation ``x``.

    .. math:: \boldsymbol\mu_{z|x}=(I+W^\top\Psi^{-1}W)^{-1}W^\top\Psi^{-1}(\mathbf x-\boldsymbol\mu)=W^\top(WW^\top+\Psi)^{-1}(\mathbf x-\boldsymbol\mu),
              \qquad\Sigma_{z|x}=(I+W^\top\Psi^{-1}W)^{-1}

    Book label: ``fa.posterior``.

    >>> m, S = fa_posterior([2.0], [0.0], [[1.0]], [1.0])
    >>> m.tolist(), S.tolist()
    ([1.0], [[0.5]])
    """
    W, psi = _loadings(W, psi)
    x = vector("x", x, like=W, n=W.shape[0], match="W")
    mu = vector("mu", mu, like=W, n=W.shape[0], match="W")
    WtPi = W.T / psi
    Sigma = torch.linalg.inv(torch.eye(W.shape[1], dtype=W.dtype, device=W.device) + WtPi @ W)
    return Sigma @ (WtPi @ (x - mu)), Sigma


def fa_em(X, W, psi, iters: int = 100):
    r"""Maximum likelihood for factor analysis by EM, from the start ``W``, ``psi``; the mean is the sample mean.

    .. math:: \hat{\boldsymbol\mu}=\tfrac1s\textstyle\sum_i\mathbf x_i\ \text{(closed form)};\qquad
              W\leftarrow S\beta^\top(\beta S\beta^\top+\Sigma_{z|x})^{-1},\ \ \Psi\leftarrow\operatorname{diag}(S-WS_{zx})

    with :math:`\beta=W^\top(WW^\top+\Psi)^{-1}` and :math:`S_{zx}=\beta S`. Returns ``(mu, W, psi, history)``,
    the log-likelihood before each step and after the last; it never decreases. Book label: ``fa.mle``.

    >>> mu, W, psi, ll = fa_em([[1.0, 2.0], [-1.0, -2.0], [0.5, 0.0]], [[1.0], [1.0]], [1.0, 1.0], iters=5)
    >>> bool((ll[1:] >= ll[:-1] - 1e-12).all())
    True
    """
    W, psi = _loadings(W, psi)
    X = matrix("X", X, like=W, cols=W.shape[0], match="W (one column per row of W)")
    iters = v.require_int("iters", iters, minimum=1)
    mu = X.mean(0)
    S = (X - mu).T @ (X - mu) / X.shape[0]
    history = []
    I = torch.eye(W.shape[1], dtype=W.dtype, device=W.device)
    for _ in range(iters):
        history.append(fa_log_likelihood(X, mu, W, psi))
        beta = torch.linalg.solve(W @ W.T + torch.diag(psi), W).T     # W^T C^{-1}
        Ezz = I - beta @ W + beta @ S @ beta.T
        W = S @ beta.T @ torch.linalg.inv(Ezz)
        psi = torch.clamp(torch.diagonal(S - W @ beta @ S), min=1e-12)
    history.append(fa_log_likelihood(X, mu, W, psi))
    return mu, W, psi, torch.stack(history)


def ppca_posterior(x, mu, W, sigma2) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Posterior of probabilistic PCA (:math:`\Psi=\sigma^2I`), which tends to the pseudo-inverse projection as :math:`\sigma\to0`.

    .. math:: \boldsymbol\mu_{z|x}=(W^\top W+\sigma^2I)^{-1}W^\top(\mathbf x-\boldsymbol\mu)\xrightarrow{\sigma\to0}W^+(\mathbf x-\boldsymbol\mu),
              \qquad\Sigma_{z|x}=\sigma^2(W^\top W+\sigma^2I)^{-1}\to0

    (:math:`W` of full column rank). :math:`W^+=W^\top` only for orthonormal columns; for
    :math:`W=U_mL`, :math:`W^+=L^{-2}W^\top`. Book label: ``ppca.pseudo-inverse-limit``.

    >>> m, S = ppca_posterior([2.0, 0.0], [0.0, 0.0], [[2.0], [0.0]], 1e-8)
    >>> round(float(m[0]), 6), round(float(S[0, 0]), 6)
    (1.0, 0.0)
    """
    W = matrix("W", W)
    x = vector("x", x, like=W, n=W.shape[0], match="W")
    mu = vector("mu", mu, like=W, n=W.shape[0], match="W")
    s2 = v.require_positive_scalar("sigma2", sigma2)
    M = W.T @ W + s2 * torch.eye(W.shape[1], dtype=W.dtype, device=W.device)
    return torch.linalg.solve(M, W.T @ (x - mu)), s2 * torch.linalg.inv(M)


def ppca_mle(S, m: int, sigma2=None) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Maximum-likelihood loadings and noise of probabilistic PCA from a sample covariance ``S`` (Tipping–Bishop).

    .. math:: W_{ML}=U_m(\Lambda_m-\sigma^2I)^{1/2}R,\quad\rho_i=\sqrt{\max\{0,\lambda_i-\sigma^2\}},\qquad
              \sigma^2_{ML}=\frac1{n-m}\sum_{j>m}\lambda_j

    (:math:`R=I`). ``sigma2`` : a fixed noise variance instead of :math:`\sigma^2_{ML}` (then loadings whose
    eigenvalue lies below it are zero). Returns ``(W, sigma2)``. Book label: ``ppca.mle``.

    >>> W, s2 = ppca_mle([[5.5, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 1.0]], 1)   # ρ₁ = √(5.5 − 1.5)
    >>> W.abs().round(decimals=8).tolist(), float(s2)
    ([[2.0], [0.0], [0.0]], 1.5)
    """
    S = fl("S", S)
    v.require_covariance("S", S, strict=False)
    m = v.require_int("m", m, minimum=1)
    n = S.shape[0]
    if m >= n:
        raise ValueError(f"m must be smaller than the dimension {n}, got {m}")
    lam, U = torch.linalg.eigh(S)
    lam, U = lam.flip(0), U.flip(1)
    if sigma2 is None:
        s2 = lam[m:].mean()
    else:
        s2 = torch.as_tensor(v.require_positive_scalar("sigma2", sigma2), dtype=S.dtype, device=S.device)
    rho = torch.sqrt(torch.clamp(lam[:m] - s2, min=0))
    return U[:, :m] * rho, s2
