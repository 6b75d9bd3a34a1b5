r"""Gaussian conditioning and Gaussian processes: sampling, kernels, and GP regression.

Chapter 9, part 2, "Gaussian processes" (book labels ``gauss.marginal-conditional``, ``gp.definition``,
``gp.mean-covariance``, ``gp.example-kernels``, ``gp.kernel-regression``). Inputs are rows: ``X`` is
``(n, d)``; a kernel matrix has entries :math:`K_{ij}=k(x_i,x_j)`.
"""

import torch

from edl.core import validate as v


def _tensor(name, value, like=None, ndim=None):
    t = v.as_float_tensor(name, value, like=like)
    if ndim is not None:
        v.require_ndim(name, t, ndim)
    v.require_finite(name, t)
    return t


def condition_gaussian(mu, Sigma, A, x_A) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The conditional law of the other coordinates of a Gaussian vector given the coordinates ``A``.

    .. math:: X_B\mid X_A=x_A\sim\mathcal N\big(\mu_B+\Sigma_{BA}\Sigma_{AA}^{-1}(x_A-\mu_A),\
              \Sigma_{BB}-\Sigma_{BA}\Sigma_{AA}^{-1}\Sigma_{AB}\big),\qquad X_A\sim\mathcal N(\mu_A,\Sigma_{AA})

    Book label: ``gauss.marginal-conditional``. ``mu`` : ``(n,)``; ``Sigma`` : ``(n, n)`` positive definite;
    ``A`` : indices of the observed coordinates (a non-empty proper subset); ``x_A`` : their values. ``B``
    is the rest, in increasing order. Returns the conditional mean ``(|B|,)`` and covariance (the Schur
    complement of :math:`\Sigma_{AA}`).

    >>> m, S = condition_gaussian([0.0, 0.0], [[1.0, 0.5], [0.5, 1.0]], [0], [2.0])
    >>> m.tolist(), S.tolist()
    ([1.0], [[0.75]])
    """
    mu = _tensor("mu", mu, ndim=1)
    Sigma = _tensor("Sigma", Sigma, like=mu, ndim=2)
    v.require_shape("Sigma", Sigma, (len(mu), len(mu)), match="mu")
    v.require_covariance("Sigma", Sigma)
    A = v.require_int_list("A", A, minimum=0)
    if len(set(A)) != len(A) or max(A) >= len(mu) or len(A) >= len(mu):
        raise ValueError(f"A must list distinct indices of a proper subset of the {len(mu)} coordinates, got {A}")
    x_A = _tensor("x_A", x_A, like=mu, ndim=1)
    v.require_shape("x_A", x_A, (len(A),), match="A")
    B = [i for i in range(len(mu)) if i not in A]
    S_AA, S_BA, S_BB = Sigma[A][:, A], Sigma[B][:, A], Sigma[B][:, B]
    gain = torch.linalg.solve(S_AA, S_BA.T).T                         # Σ_BA Σ_AA^{-1}, (|B|, |A|)
    return mu[B] + gain @ (x_A - mu[A]), S_BB - gain @ S_BA.T


def linear_kernel(X, Y, Sigma=None) -> torch.Tensor:
    r"""The linear kernel :math:`k(x,y)=x^\top\Sigma y` (:math:`\Sigma=I` by default); rank at most :math:`d`.

    Book label: ``gp.example-kernels``. ``X`` : ``(n, d)``; ``Y`` : ``(m, d)``; ``Sigma`` : ``(d, d)``
    positive semi-definite. Returns ``(n, m)``.

    >>> linear_kernel([[1.0, 2.0]], [[3.0, 4.0], [1.0, 0.0]]).tolist()
    [[11.0, 1.0]]
    """
    X = _tensor("X", X, ndim=2)
    Y = _tensor("Y", Y, like=X, ndim=2)
    v.require_shape("Y", Y, (None, X.shape[1]), match="X")
    if Sigma is None:
        return X @ Y.T
    Sigma = _tensor("Sigma", Sigma, like=X, ndim=2)
    v.require_shape("Sigma", Sigma, (X.shape[1], X.shape[1]), match="X")
    v.require_covariance("Sigma", Sigma, strict=False)
    return X @ Sigma @ Y.T


def rbf_kernel(X, Y, eps: float = 1.0) -> torch.Tensor:
    r"""The squared-exponential (RBF) kernel :math:`k(x,y)=e^{-\epsilon\|x-y\|^2}`; strictly positive definite
    on distinct points. (With a length scale :math:`\ell`: :math:`\epsilon=1/(2\ell^2)`.)

    Book label: ``gp.example-kernels``. ``X`` : ``(n, d)``; ``Y`` : ``(m, d)``. Returns ``(n, m)``.

    >>> [round(k, 6) for k in rbf_kernel([[0.0]], [[0.0], [1.0], [2.0]], 0.5)[0].tolist()]
    [1.0, 0.606531, 0.135335]
    """
    X = _tensor("X", X, ndim=2)
    Y = _tensor("Y", Y, like=X, ndim=2)
    v.require_shape("Y", Y, (None, X.shape[1]), match="X")
    eps = v.require_positive_scalar("eps", eps)
    sq = (X[:, None, :] - Y[None, :, :]).pow(2).sum(-1)               # (n, m) squared distances
    return torch.exp(-eps * sq)


def sample_gp(mean, K, n_samples: int, generator: torch.Generator, jitter: float = 1e-10) -> torch.Tensor:
    r"""Draws of a Gaussian process at finitely many inputs: :math:`f=\mu+Lz`, :math:`LL^\top=K+\text{jitter}\,I`.

    .. math:: f\sim\mathcal{GP}(\mu,k)\iff(f(x_1),\dots,f(x_s))\sim\mathcal N(\mu,K)\ \forall x_{1:s}
              \iff\textstyle\sum_i\alpha_if(x_i)\ \text{is Gaussian}\ \forall\alpha

    Book label: ``gp.definition``. ``mean`` : ``(s,)``; ``K`` : ``(s, s)`` kernel matrix. Returns
    ``(n_samples, s)``, one function per row. A singular ``K`` (jitter 0) is factorised by its eigenvectors.

    >>> f = sample_gp([0.0, 1.0], [[1.0, 0.0], [0.0, 4.0]], 100000, torch.Generator().manual_seed(0))
    >>> [round(t, 1) + 0.0 for t in f.mean(0).tolist()], [round(t, 1) for t in f.var(0).tolist()]
    ([0.0, 1.0], [1.0, 4.0])
    """
    mean = _tensor("mean", mean, ndim=1)
    K = _tensor("K", K, like=mean, ndim=2)
    v.require_shape("K", K, (len(mean), len(mean)), match="mean")
    v.require_covariance("K", K, strict=False)
    n_samples = v.require_int("n_samples", n_samples, minimum=1)
    jitter = v.require_positive_scalar("jitter", jitter, strict=False)
    if not isinstance(generator, torch.Generator):
        raise ValueError(f"generator must be a torch.Generator, got {generator!r}")
    K = K + jitter * torch.eye(len(mean), dtype=K.dtype, device=K.device)
    L, info = torch.linalg.cholesky_ex(K)
    if info != 0:                                                          # singular K: a symmetric square root
        lam, V = torch.linalg.eigh((K + K.T) / 2)
        L = V * lam.clamp_min(0).sqrt()
    z = torch.randn((n_samples, len(mean)), generator=generator, dtype=K.dtype).to(K.device)
    return mean + z @ L.T


def empirical_mean_covariance(samples) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The mean and covariance functions of a random function, estimated at fixed inputs from draws of :math:`f`.

    .. math:: \mu(x)=\mathbb E_f[f(x)],\qquad k(x,y)=\mathbb E_f[f(x)f(y)]-\mu(x)\mu(y)

    Book label: ``gp.mean-covariance``. The expectation runs over the random function (the rows of
    ``samples``, ``(N, s)``), never over the inputs (the columns). Returns :math:`\hat\mu` ``(s,)`` and
    :math:`\hat K` ``(s, s)`` (divided by :math:`N`), which is positive semi-definite.

    >>> m, K = empirical_mean_covariance([[0.0, 1.0], [2.0, 1.0]])
    >>> m.tolist(), K.tolist()
    ([1.0, 1.0], [[1.0, 0.0], [0.0, 0.0]])
    """
    f = _tensor("samples", samples, ndim=2)
    mu = f.mean(0)
    return mu, (f.T @ f) / f.shape[0] - mu[:, None] * mu[None, :]


def gp_posterior(K, k_star, k_star_star, y, noise: float = 0.0) -> tuple[torch.Tensor, torch.Tensor]:
    r"""GP regression: the posterior mean (kernel regression) and variance at test inputs.

    .. math:: \mathbb E[f(x)\mid y]=k(x)^\top(K+\sigma^2I)^{+}y,\qquad
              \mathrm{Var}[f(x)\mid y]=k(x,x)-k(x)^\top(K+\sigma^2I)^{+}k(x)

    Book label: ``gp.kernel-regression``. ``K`` : ``(n, n)`` training kernel; ``k_star`` : ``(n, m)``,
    column :math:`j` is :math:`k(x_j^*)`; ``k_star_star`` : ``(m,)`` prior variances :math:`k(x^*,x^*)`;
    ``y`` : ``(n,)``; ``noise`` : :math:`\sigma^2\ge0` (0: noise-free interpolation, with the
    pseudo-inverse). Add :math:`\sigma^2` to the variance for a new noisy observation.

    >>> m, s2 = gp_posterior([[1.0]], [[0.5]], [1.0], [2.0], noise=1.0)
    >>> round(float(m), 6), round(float(s2), 6)
    (0.5, 0.875)
    """
    K = _tensor("K", K, ndim=2)
    v.require_covariance("K", K, strict=False)
    k_star = _tensor("k_star", k_star, like=K, ndim=2)
    v.require_shape("k_star", k_star, (K.shape[0], None), match="K")
    k_star_star = _tensor("k_star_star", k_star_star, like=K, ndim=1)
    v.require_shape("k_star_star", k_star_star, (k_star.shape[1],), match="k_star")
    y = _tensor("y", y, like=K, ndim=1)
    v.require_shape("y", y, (K.shape[0],), match="K")
    noise = v.require_positive_scalar("noise", noise, strict=False)
    A = K + noise * torch.eye(K.shape[0], dtype=K.dtype, device=K.device)
    solve = torch.linalg.solve(A, k_star) if noise > 0 else torch.linalg.pinv(A, hermitian=True) @ k_star  # (n, m)
    return solve.T @ y, k_star_star - (k_star * solve).sum(0)
