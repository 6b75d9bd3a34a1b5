r"""Variational inference, sparse coding and ISTA, latent Dirichlet allocation, k-means, and total
correlation as a measure of disentanglement.

Chapter 10, "Other generative models" (book labels ``vi.variational-inference``, ``sparse.sparse-coding``,
``sparse.ista``, ``lda.generative-process``, ``kmeans.objective``, ``repr.disentanglement``). Tensors in,
tensors out; dtype and device follow the input.
"""

import math

import torch

from edl.core import validate as v
from edl.diffusion.forward import _float
from edl.diffusion.graphical import _generator


# --- variational inference ------------------------------------------------------------------------

def vi_objective(q, log_joint) -> torch.Tensor:
    r"""The variational objective over a discrete latent: negative entropy minus expected log joint.

    .. math:: \mathrm{KL}(q\,\|\,p(\cdot\mid x))=\underbrace{-H(q)-\mathbb E_q\log p(x,z)}_{\text{this function}}+\log p(x),
              \qquad\log p(x)=\max_q\big[H(q)+\mathbb E_q\log p(x,z)\big]

    so minimising it over :math:`q` is minimising the KL to the posterior, and its minimum is
    :math:`-\log p(x)`, attained at :math:`q=p(z\mid x)`; minus the objective is the ELBO. Book label:
    ``vi.variational-inference``. ``q`` : probabilities over the states of :math:`z`, shape (..., K);
    ``log_joint`` : :math:`\log p(x,z)` for each state, (K,).

    >>> round(float(vi_objective([0.5, 0.5], [math.log(0.1), math.log(0.1)])), 6)  # −log p(x) = −log 0.2
    1.609438
    """
    q = _float("q", q)
    lj = _float("log_joint", log_joint, like=q)
    v.require_distribution("q", q)
    if lj.ndim == 0 or lj.shape[-1] != q.shape[-1]:
        raise ValueError(f"log_joint must have one entry per state ({q.shape[-1]}), got shape {tuple(lj.shape)}")
    safe = torch.where(q > 0, q, torch.ones_like(q))
    return (q * torch.log(safe)).sum(-1) - (q * lj).sum(-1)


def cavi_gaussian(mu, precision, iters: int = 50, start=None) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Coordinate-ascent mean-field VI for a 2-D Gaussian target :math:`\mathcal N(\boldsymbol\mu,\Lambda^{-1})`.

    .. math:: q_j\propto\exp\big(\mathbb E_{-j}\log p\big)\ \Rightarrow\
              q_1=\mathcal N\big(\mu_1-\Lambda_{11}^{-1}\Lambda_{12}(m_2-\mu_2),\ \Lambda_{11}^{-1}\big),\ \text{and likewise for }q_2

    Book label: ``vi.variational-inference``. Returns the factor means (after ``iters`` sweeps) and the
    factor variances :math:`1/\Lambda_{jj}` — smaller than the true marginal variances: reverse KL
    under-covers.

    >>> m, s2 = cavi_gaussian([1.0, -1.0], [[2.0, 0.5], [0.5, 1.0]])
    >>> [round(z, 6) for z in m.tolist()], [round(z, 6) for z in s2.tolist()]
    ([1.0, -1.0], [0.5, 1.0])
    """
    mu = _float("mu", mu)
    L = _float("precision", precision, like=mu)
    if mu.shape != (2,):
        raise ValueError(f"mu must have shape (2,), got {tuple(mu.shape)}")
    v.require_covariance("precision", L)
    iters = v.require_int("iters", iters, minimum=1)
    m = torch.zeros_like(mu) if start is None else _float("start", start, like=mu).clone()
    if m.shape != (2,):
        raise ValueError(f"start must have shape (2,), got {tuple(m.shape)}")
    for _ in range(iters):
        m[0] = mu[0] - L[0, 1] / L[0, 0] * (m[1] - mu[1])
        m[1] = mu[1] - L[1, 0] / L[1, 1] * (m[0] - mu[0])
    return m, 1 / torch.diagonal(L)


# --- sparse coding ---------------------------------------------------------------------------------

def soft_threshold(u, tau) -> torch.Tensor:
    r""":math:`S_\tau(u)=\operatorname{sign}(u)\max(|u|-\tau,0)`, the proximal map of :math:`\tau\|\cdot\|_1`. Book label: ``sparse.ista``.

    >>> soft_threshold([-2.0, 0.5, 3.0], 1.0).tolist()
    [-1.0, 0.0, 2.0]
    """
    u = _float("u", u)
    tau = _float("tau", tau, like=u)
    v.require_positive("tau", tau, strict=False)
    return torch.sign(u) * torch.clamp(u.abs() - tau, min=0)


def lasso_objective(h, D, x, lam) -> torch.Tensor:
    r"""The inner sparse-coding problem :math:`\frac12\|\mathbf x-D\mathbf h\|_2^2+\lambda\|\mathbf h\|_1`, for codes ``h`` (..., k).

    Book label: ``sparse.sparse-coding``; averaged over the inputs :math:`\mathbf x^{(t)}` and minimised
    over a norm-bounded dictionary :math:`D` (d, k) as well, it is the sparse-coding objective.

    >>> float(lasso_objective([1.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], [1.0, 1.0], 0.5))
    1.0
    """
    h = _float("h", h)
    D, x = _float("D", D, like=h), _float("x", x, like=h)
    v.require_ndim("D", D, 2)
    if h.ndim == 0 or h.shape[-1] != D.shape[1]:
        raise ValueError(f"h must have {D.shape[1]} entries per row, one per column of D, got shape {tuple(h.shape)}")
    if x.ndim == 0 or x.shape[-1] != D.shape[0]:
        raise ValueError(f"x must have {D.shape[0]} entries per row, one per row of D, got shape {tuple(x.shape)}")
    lam = _float("lam", lam, like=h)
    v.require_positive("lam", lam, strict=False)
    r = x - h @ D.T
    return 0.5 * (r**2).sum(-1) + lam * h.abs().sum(-1)


def ista(D, x, lam, iters: int, eta=None) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The iterative shrinkage-thresholding algorithm for the lasso (batched over rows of ``x``).

    .. math:: \mathbf h^{k+1}=S_{\lambda\eta}\big(\mathbf h^k-\eta D^\top(D\mathbf h^k-\mathbf x)\big),\qquad\eta\le1/\|D\|_2^2

    Book label: ``sparse.ista``. The objective never increases and falls as :math:`O(1/k)`. ``D`` : (d, k);
    ``x`` : (d,) or (N, d); ``eta`` : default :math:`1/\|D\|_2^2`. Returns the code and the objective at
    every iterate, shape (iters + 1, ...).

    >>> h, f = ista([[1.0, 0.0], [0.0, 1.0]], [3.0, 0.2], 0.5, 1)
    >>> h.tolist()
    [2.5, 0.0]
    """
    D = _float("D", D)
    v.require_ndim("D", D, 2)
    x = _float("x", x, like=D)
    if x.ndim == 0 or x.shape[-1] != D.shape[0]:
        raise ValueError(f"x must have {D.shape[0]} entries per row for D of shape {tuple(D.shape)}, got {tuple(x.shape)}")
    lam = v.require_scalar("lam", lam)
    v.require_positive("lam", lam, strict=False)
    iters = v.require_int("iters", iters, minimum=0)
    L = float(torch.linalg.matrix_norm(D, ord=2)) ** 2
    eta = 1 / L if eta is None else v.require_scalar("eta", eta)
    v.require_positive("eta", eta)
    h = torch.zeros(*x.shape[:-1], D.shape[1], dtype=D.dtype, device=D.device)
    history = [lasso_objective(h, D, x, lam)]
    for _ in range(iters):
        h = soft_threshold(h - eta * ((h @ D.T - x) @ D), lam * eta)
        history.append(lasso_objective(h, D, x, lam))
    return h, torch.stack(history)


# --- latent Dirichlet allocation ----------------------------------------------------------------

def lda_sample(n_docs: int, n_words: int, alpha, beta, generator: torch.Generator) -> torch.Tensor:
    r"""Word counts of documents drawn from LDA's generative process.

    .. math:: \boldsymbol\theta\sim\mathrm{Dir}(\boldsymbol\alpha);\quad\text{for each word: }z\sim\mathrm{Cat}(\boldsymbol\theta),\ w\sim\mathrm{Cat}(\boldsymbol\beta_{:,z})

    Book label: ``lda.generative-process``. ``alpha`` : (K,) positive; ``beta`` : (N, K), columns are word
    distributions. Returns counts (n_docs, N). Dirichlet draws are normalised Gamma draws (made with
    ``torch._standard_gamma`` under the generator's seed, on CPU).

    >>> c = lda_sample(2, 10, [1.0, 1.0], [[1.0, 0.0], [0.0, 1.0]], torch.Generator().manual_seed(0))
    >>> c.sum(-1).tolist()
    [10.0, 10.0]
    """
    n_docs, n_words = v.require_int("n_docs", n_docs, minimum=1), v.require_int("n_words", n_words, minimum=1)
    alpha = _float("alpha", alpha)
    beta = _float("beta", beta, like=alpha)
    v.require_positive("alpha", alpha)
    v.require_ndim("alpha", alpha, 1)
    _generator(generator)
    if beta.ndim != 2 or beta.shape[1] != alpha.numel():
        raise ValueError(f"beta must have shape (N, {alpha.numel()}), one column per entry of alpha, got {tuple(beta.shape)}")
    v.require_distribution("beta", beta.T)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(torch.randint(0, 2**62, (1,), generator=generator)))
        gam = torch._standard_gamma(alpha.cpu().expand(n_docs, -1).contiguous())
    theta = (gam / gam.sum(-1, keepdim=True)).to(alpha.device)
    z = torch.multinomial(theta, n_words, replacement=True, generator=generator)            # (docs, words)
    word_probs = beta.T[z]                                                                    # (docs, words, N)
    w = torch.multinomial(word_probs.reshape(-1, beta.shape[0]), 1, generator=generator).reshape(n_docs, n_words)
    return torch.nn.functional.one_hot(w, beta.shape[0]).sum(1).to(alpha.dtype)


def lda_word_marginal(alpha, beta) -> torch.Tensor:
    r"""The marginal word distribution of LDA, :math:`p(w)=\sum_k\frac{\alpha_k}{\sum_j\alpha_j}\beta_{wk}`, shape (N,).

    Book label: ``lda.generative-process``.

    >>> lda_word_marginal([1.0, 3.0], [[1.0, 0.0], [0.0, 1.0]]).tolist()
    [0.25, 0.75]
    """
    alpha = _float("alpha", alpha)
    beta = _float("beta", beta, like=alpha)
    v.require_positive("alpha", alpha)
    v.require_ndim("alpha", alpha, 1)
    if beta.ndim != 2 or beta.shape[1] != alpha.numel():
        raise ValueError(f"beta must have shape (N, {alpha.numel()}), one column per entry of alpha, got {tuple(beta.shape)}")
    v.require_in_range("beta", beta, 0.0, 1.0)
    v.require_distribution("beta", beta.T)
    return beta @ (alpha / alpha.sum())


# --- k-means ---------------------------------------------------------------------------------------

def kmeans_objective(X, centres, assign) -> torch.Tensor:
    r""":math:`\sum_i\|\mathbf x_i-\boldsymbol\mu_{c(i)}\|^2`. Book label: ``kmeans.objective``.

    >>> float(kmeans_objective([[0.0], [2.0]], [[1.0]], [0, 0]))
    2.0
    """
    X = _float("X", X)
    mu = _float("centres", centres, like=X)
    v.require_ndim("X", X, 2)
    v.require_ndim("centres", mu, 2)
    if mu.shape[1] != X.shape[1]:
        raise ValueError(f"centres must have {X.shape[1]} columns like X, got shape {tuple(mu.shape)}")
    try:
        a = torch.as_tensor(assign, device=X.device)
    except (TypeError, ValueError, RuntimeError) as err:
        raise ValueError(f"assign must hold one centre index per row of X, got {assign!r}") from err
    if a.dtype.is_floating_point or a.shape != X.shape[:1] or (a < 0).any() or (a >= mu.shape[0]).any():
        raise ValueError(f"assign must hold one centre index (0..{mu.shape[0] - 1}) per row of X, got {a.tolist()}")
    a = a.long()
    return ((X - mu[a]) ** 2).sum()


def lloyd(X, init, iters: int = 100) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    r"""Lloyd's algorithm for k-means: assign each point to its nearest centre, move each centre to its cluster's mean.

    .. math:: \min_{c,\boldsymbol\mu}\sum_i\|\mathbf x_i-\boldsymbol\mu_{c(i)}\|^2;\qquad
              c(i)=\arg\min_k\|\mathbf x_i-\boldsymbol\mu_k\|^2,\quad\boldsymbol\mu_k=\operatorname{mean}\{\mathbf x_i:c(i)=k\}

    Book label: ``kmeans.objective``. The objective never increases and the assignments settle after
    finitely many steps, at a local optimum. ``X`` : (N, d); ``init`` : (K, d); an empty cluster keeps its
    centre. Returns ``(centres, assignments, objective per iteration)``.

    >>> mu, a, f = lloyd([[0.0], [0.2], [4.0], [4.4]], [[0.0], [1.0]])
    >>> [round(z, 6) for z in mu[:, 0].tolist()], a.tolist()
    ([0.1, 4.2], [0, 0, 1, 1])
    """
    X = _float("X", X)
    v.require_ndim("X", X, 2)
    mu = _float("init", init, like=X).clone()
    if mu.ndim != 2 or mu.shape[1] != X.shape[1]:
        raise ValueError(f"init must have shape (K, {X.shape[1]}), one column per column of X, got {tuple(mu.shape)}")
    iters = v.require_int("iters", iters, minimum=1)
    history, assign = [], None
    for _ in range(iters):
        new = torch.cdist(X, mu).argmin(-1)
        history.append(kmeans_objective(X, mu, new))
        if assign is not None and torch.equal(new, assign):
            break
        assign = new
        for k in range(mu.shape[0]):
            members = X[assign == k]
            if len(members):
                mu[k] = members.mean(0)
    return mu, assign, torch.stack(history)


# --- disentanglement -------------------------------------------------------------------------------

def gaussian_total_correlation(Sigma) -> torch.Tensor:
    r"""Total correlation of a Gaussian: how far its joint is from the product of its marginals.

    .. math:: \mathrm{TC}(q)=\mathrm{KL}\Big(q(\mathbf z)\,\Big\|\,\prod_iq(z_i)\Big)=\frac12\Big(\sum_i\log\Sigma_{ii}-\log\det\Sigma\Big)\ge0

    Zero exactly when :math:`\Sigma` is diagonal (a factorised, "disentangled" aggregate posterior).
    Book label: ``repr.disentanglement``.

    >>> round(float(gaussian_total_correlation([[1.0, 0.5], [0.5, 1.0]])), 6)  # −½ log(1 − ρ²)
    0.143841
    """
    S = _float("Sigma", Sigma)
    v.require_covariance("Sigma", S)
    return 0.5 * (torch.log(torch.diagonal(S)).sum() - torch.logdet(S))
