r"""Statistical learning theory: risk decomposition, growth functions and VC dimension, VC and Rademacher
bounds, double descent and the implicit bias of gradient descent.

Chapter 9, part 1, "Statistical learning theory" (book labels ``slt.risk-decomposition`` …
``slt.implicit-bias-min-norm``). Symbols: :math:`\mathcal R` the population risk, :math:`\mathcal R_n`
(or :math:`\hat E_S`) the empirical risk on :math:`n` (or :math:`s`) examples, :math:`S_{\mathcal F}(n)`
the growth function, :math:`\mathfrak R_n` the Rademacher complexity, :math:`F^+` the Moore–Penrose
pseudo-inverse. A *labelling matrix* has one row per classifier and one column per point, entries 0/1.
Tensors keep their dtype and device; array-likes become float64.
"""

import itertools
import math

import numpy as np
import torch

from edl.core import validate as v


def _tensor(name, value, *, ndim=None, like=None):
    t = v.as_float_tensor(name, value, like=like)
    if ndim is not None:
        v.require_ndim(name, t, ndim)
    v.require_finite(name, t)
    return t


def _labelling(name, value):
    t = _tensor(name, value, ndim=2)
    if not ((t == 0) | (t == 1)).all():
        raise ValueError(f"{name} must hold 0/1 labels, got {v._show(t.tolist() if t.numel() < 20 else t)}")
    return t


def _generator(generator):
    v.require_generator("generator", generator)
    return generator


# --- risks ------------------------------------------------------------------------------------------

def risk_decomposition(risk_fit, risk_class, risk_bayes) -> torch.Tensor:
    r"""Excess risk split at the best predictor of the class :math:`f^*_{\mathcal H}`.

    .. math:: \underbrace{\mathcal R(\hat f_{\mathcal H})-\mathcal R(f^*)}_{\text{excess}}
       =\underbrace{\mathcal R(\hat f_{\mathcal H})-\mathcal R(f^*_{\mathcal H})}_{\text{estimation}}
       +\underbrace{\mathcal R(f^*_{\mathcal H})-\mathcal R(f^*)}_{\text{approximation}}

    Book label: ``slt.risk-decomposition``. ``risk_fit`` : :math:`\mathcal R(\hat f_{\mathcal H})`;
    ``risk_class`` : :math:`\mathcal R(f^*_{\mathcal H})`; ``risk_bayes`` : :math:`\mathcal R(f^*)` (same
    shapes). Returns ``(excess, estimation, approximation)`` stacked on a new first axis.

    >>> [round(r, 8) for r in risk_decomposition(0.30, 0.25, 0.01).tolist()]
    [0.29, 0.05, 0.24]
    """
    fit = _tensor("risk_fit", risk_fit)
    cls = _tensor("risk_class", risk_class, like=fit)
    bayes = _tensor("risk_bayes", risk_bayes, like=fit)
    v.require_same_shape("risk_fit", fit, "risk_class", cls)
    v.require_same_shape("risk_fit", fit, "risk_bayes", bayes)
    return torch.stack([fit - bayes, fit - cls, cls - bayes])


def polynomial_risks(degree: int, n: int, *, noise_std: float = 0.1, generator=None) -> torch.Tensor:
    r"""The three risks of least-squares polynomial regression of :math:`y=\sin3x+\varepsilon`, :math:`x\sim U[-1,1]`.

    Book label: ``slt.risk-decomposition``. :math:`\mathcal H` = polynomials of ``degree``;
    :math:`\hat f_{\mathcal H}` = least squares on ``n`` samples; :math:`f^*_{\mathcal H}` = the
    :math:`L^2[-1,1]` projection of :math:`\sin3x` on :math:`\mathcal H`; :math:`f^*=\sin3x`. Risks (squared
    loss, noise variance included) by 64-point Gauss–Legendre quadrature. Returns
    :math:`(\mathcal R(\hat f_{\mathcal H}),\mathcal R(f^*_{\mathcal H}),\mathcal R(f^*))`.

    >>> [round(r, 6) for r in polynomial_risks(3, 10**4, generator=torch.Generator().manual_seed(0)).tolist()][1:]
    [0.012968, 0.01]
    """
    degree = v.require_int("degree", degree, minimum=0)
    n = v.require_int("n", n, minimum=degree + 1)
    sd = v.require_positive_scalar("noise_std", noise_std, strict=False)
    g = _generator(generator)
    nodes, weights = np.polynomial.legendre.leggauss(64)
    target = np.sin(3 * nodes)
    proj = np.polynomial.legendre.Legendre.fit(nodes, target, degree, w=np.sqrt(weights))   # weighted L2 fit
    x = (torch.rand(n, generator=g, dtype=torch.float64) * 2 - 1).numpy()
    y = np.sin(3 * x) + sd * torch.randn(n, generator=g, dtype=torch.float64).numpy()
    fit = np.polynomial.Polynomial.fit(x, y, degree)

    def risk(values):
        return float(0.5 * weights @ (values - target) ** 2) + sd**2
    return torch.tensor([risk(fit(nodes)), risk(proj(nodes)), sd**2], dtype=torch.float64)


def generalization_gap(test_error, train_error) -> torch.Tensor:
    r"""The generalization gap :math:`\Delta(f)=\max\big(0,\,E(f)-\hat E_S(f)\big)`.

    Book label: ``slt.generalization-gap``. ``test_error`` : population error :math:`E(f)`;
    ``train_error`` : empirical error :math:`\hat E_S(f)` (broadcast together).

    >>> [round(g, 8) for g in generalization_gap([0.3, 0.1], [0.2, 0.15]).tolist()]
    [0.1, 0.0]
    """
    test = _tensor("test_error", test_error)
    train = _tensor("train_error", train_error, like=test)
    v.broadcast_shapes(test_error=test, train_error=train)
    return torch.clamp(test - train, min=0.0)


# --- growth function and VC dimension ---------------------------------------------------------------

def threshold_labellings(x) -> torch.Tensor:
    r"""All labellings of the points ``x`` by thresholds :math:`f_a(x)=\mathbb 1[x\le a]`, one per cut.

    Sweeps :math:`a` below all points, between consecutive sorted points and above all points.

    >>> threshold_labellings([0.2, 0.9, 0.5]).tolist()
    [[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [1.0, 0.0, 1.0], [1.0, 1.0, 1.0]]
    """
    x = _tensor("x", x, ndim=1)
    rank, cuts = _cuts(x)
    return (rank.unsqueeze(0) < cuts.unsqueeze(1)).to(x.dtype)


def interval_labellings(x) -> torch.Tensor:
    r"""All labellings of the points ``x`` by intervals :math:`\mathbb 1[a\le x\le b]`, sweeping both ends.

    >>> interval_labellings([0.0, 1.0]).shape
    torch.Size([6, 2])
    """
    x = _tensor("x", x, ndim=1)
    rank, cuts = _cuts(x)
    lo, hi = torch.meshgrid(cuts, cuts, indexing="ij")
    keep = lo <= hi
    lo, hi = lo[keep], hi[keep]
    return ((rank.unsqueeze(0) >= lo.unsqueeze(1)) & (rank.unsqueeze(0) < hi.unsqueeze(1))).to(x.dtype)


def _cuts(x):
    # Cut c lies between the c-th and (c+1)-th distinct values (c = 0 below all, c = m above all), so x is left of
    # cut c exactly when its rank among the distinct values is < c. Ranks, not midpoints: a midpoint of neighbouring
    # floats rounds onto one of them, and min - 1 rounds onto min for large values (1e8 in float32).
    values, rank = torch.unique(x, sorted=True, return_inverse=True)
    return rank, torch.arange(values.numel() + 1, device=x.device)


def growth_function(labellings) -> int:
    r"""The number of distinct labellings a class realises on a set of points,
    :math:`|\{(f(x_1),\dots,f(x_n)):f\in\mathcal F\}|\le2^n` (the growth function at that set).

    Book label: ``slt.shattering-coefficient``. ``labellings`` : 0/1 matrix, one row per classifier.
    The set is shattered when the count is :math:`2^n`.

    >>> growth_function(threshold_labellings([0.1, 0.4, 0.7]))
    4
    """
    lab = _labelling("labellings", labellings)
    return int(torch.unique(lab, dim=0).shape[0])


def vc_dimension(labellings) -> int:
    r"""The VC dimension of a class restricted to a finite set of points: the size of its largest shattered subset,

    .. math:: \mathrm{VCdim}(\mathcal F)=\max\{k:\ \exists\,S,\ |S|=k,\ |\mathcal F(S)|=2^k\}.

    Book label: ``slt.vc-dimension``. ``labellings`` : 0/1 matrix, one row per classifier, one column per
    point (a class of the whole domain is represented by its labellings of a grid). Brute force over subsets.

    >>> vc_dimension(interval_labellings(torch.arange(8.0)))
    2
    """
    lab = _labelling("labellings", labellings)
    rows = torch.unique(lab, dim=0)
    best = 0
    for k in range(1, lab.shape[1] + 1):
        if 2**k > rows.shape[0]:
            break
        if any(torch.unique(rows[:, list(S)], dim=0).shape[0] == 2**k
               for S in itertools.combinations(range(lab.shape[1]), k)):
            best = k
        else:
            break      # a shattered set of size k contains shattered sets of every smaller size
    return best


def cover_count(s: int, n: int) -> int:
    r"""Cover's count of the dichotomies of :math:`s` points in general position that a homogeneous halfspace
    :math:`\mathrm{sign}(\theta\cdot x)` in :math:`\mathbb R^n` realises:

    .. math:: C(s,n)=2\sum_{i=0}^{n-1}\binom{s-1}{i}\quad(=2^s\iff s\le n).

    Book label: ``slt.vc-linear-classifiers``. Hence :math:`\mathrm{VCdim}=n` (affine: :math:`n+1`).

    >>> cover_count(3, 3), cover_count(4, 3), cover_count(6, 3)
    (8, 14, 32)
    """
    s = v.require_int("s", s, minimum=1)
    n = v.require_int("n", n, minimum=1)
    return 2 * sum(math.comb(s - 1, i) for i in range(n))


# --- bounds -----------------------------------------------------------------------------------------

def vc_inequality_bound(s, epsilon, growth) -> torch.Tensor:
    r"""The VC inequality's bound on the probability of a uniform deviation larger than :math:`\epsilon`:

    .. math:: P\Big(\sup_{f\in\mathcal F}|E(f)-\hat E_s(f)|>\epsilon\Big)\le8\,S_{\mathcal F}(s)\,e^{-s\epsilon^2/32}.

    Book label: ``slt.vc-inequality``. ``s`` : sample size; ``epsilon`` : deviation; ``growth`` :
    :math:`S_{\mathcal F}(s)` (broadcast together). Not clipped at 1, so that one sees how vacuous it is.

    >>> round(float(vc_inequality_bound(2000, 0.05, 2001)), 2)
    13692.37
    """
    s = _tensor("s", s)
    v.require_positive("s", s)
    eps = _tensor("epsilon", epsilon, like=s)
    v.require_positive("epsilon", eps)
    growth = _tensor("growth", growth, like=s)
    v.require_positive("growth", growth)
    v.broadcast_shapes(s=s, epsilon=eps, growth=growth)
    return 8 * growth * torch.exp(-s * eps**2 / 32)


def vc_generalization_bound(train_error, n, growth_2n, delta) -> torch.Tensor:
    r"""The VC generalization bound, holding with probability at least :math:`1-\delta` for every :math:`f\in\mathcal F`:

    .. math:: \mathcal R(f)\le\mathcal R_n(f)+2\sqrt{2\,\frac{\log S_{\mathcal F}(2n)+\log\frac2\delta}{n}}.

    Book label: ``slt.vc-theorem``. ``train_error`` : :math:`\mathcal R_n(f)`; ``n`` : sample size;
    ``growth_2n`` : :math:`S_{\mathcal F}(2n)`; ``delta`` : failure probability in (0, 1).

    >>> round(float(vc_generalization_bound(0.1, 500, 1001, 0.05)), 6)
    0.511779
    """
    train = _tensor("train_error", train_error)
    n = _tensor("n", n, like=train)
    v.require_positive("n", n)
    growth = _tensor("growth_2n", growth_2n, like=train)
    v.require_in_range("growth_2n", growth, 1.0, math.inf)
    delta = v.require_probability("delta", delta, open_low=True, open_high=True)
    v.broadcast_shapes(train_error=train, n=n, growth_2n=growth)
    return train + 2 * torch.sqrt(2 * (torch.log(growth) + math.log(2 / delta)) / n)


def rademacher_finite(values, signs) -> torch.Tensor:
    r"""Empirical Rademacher complexity of a finite class, averaged over the given sign vectors:

    .. math:: \hat{\mathfrak R}_{D_n}(G)=\mathbb E_\sigma\Big[\sup_{g\in G}\frac1n\sum_{i=1}^n\sigma_ig(z_i)\Big].

    Book label: ``slt.rademacher-complexity``. ``values`` : (size of G, n) matrix of :math:`g(z_i)`; ``signs`` :
    (k, n) matrix of ±1 (all :math:`2^n` of them for the exact value, or a Monte Carlo sample).

    >>> signs = torch.tensor(list(itertools.product([-1.0, 1.0], repeat=3)))
    >>> float(rademacher_finite(signs, signs)), float(rademacher_finite(signs[:1], signs))
    (1.0, 0.0)
    """
    g = _tensor("values", values, ndim=2)
    sigma = _signs("signs", signs, like=g)
    v.require_shape("signs", sigma, (None, g.shape[1]), match="values")
    return (sigma @ g.T / g.shape[1]).max(dim=1).values.mean()


def _signs(name, value, like=None):
    t = _tensor(name, value, ndim=2, like=like)
    if not (t.abs() == 1).all():
        raise ValueError(f"{name} must hold ±1 entries, got {v._show(t.tolist() if t.numel() < 20 else t)}")
    return t


def rademacher_linear(X, B, signs) -> torch.Tensor:
    r"""Empirical Rademacher complexity of the linear class :math:`\{x\mapsto w^\top x:\|w\|_2\le B\}`, whose
    supremum has the closed form :math:`\frac Bn\|\sum_i\sigma_ix_i\|_2`:

    .. math:: \hat{\mathfrak R}=\frac Bn\,\mathbb E_\sigma\Big\|\sum_{i=1}^n\sigma_ix_i\Big\|_2
       \le\frac Bn\sqrt{\sum_i\|x_i\|_2^2}\quad(\text{Jensen; equality for orthogonal }x_i).

    Book label: ``slt.rademacher-complexity``. ``X`` : (n, d) points; ``B`` : norm bound; ``signs`` : (k, n) ±1.
    Returns the pair (complexity, Jensen bound).

    >>> [round(r, 6) for r in rademacher_linear(torch.eye(2), 1.0, [[1.0, 1.0], [1.0, -1.0]]).tolist()]
    [0.707107, 0.707107]
    """
    X = _tensor("X", X, ndim=2)
    B = v.require_positive_scalar("B", B)
    sigma = _signs("signs", signs, like=X)
    v.require_shape("signs", sigma, (None, X.shape[0]), match="X")
    n = X.shape[0]
    value = B / n * torch.linalg.vector_norm(sigma @ X, dim=1).mean()
    return torch.stack([value, B / n * torch.sqrt((X**2).sum())])


def rademacher_bound(rademacher, best_risk=0.0) -> torch.Tensor:
    r"""The symmetrization bounds, with the *expected* complexity :math:`\mathfrak R_n(G)=\mathbb E\hat{\mathfrak R}_{D_n}(G)`:

    .. math:: \mathbb E_{D_n}\Big[\sup_{h}\big(\mathcal R(h)-\mathcal R_{D_n}(h)\big)\Big]\le2\,\mathfrak R_n(G),
       \qquad\mathbb E\,\mathcal R(\hat h)\le\mathcal R(h^*_{\mathcal H})+2\,\mathfrak R_n(G).

    Book label: ``slt.rademacher-bound``. ``rademacher`` : :math:`\mathfrak R_n(G)` of the loss class;
    ``best_risk`` : :math:`\mathcal R(h^*_{\mathcal H})`. Returns (deviation bound, ERM risk bound).

    >>> rademacher_bound(0.05, 0.1).tolist()
    [0.1, 0.2]
    """
    r = _tensor("rademacher", rademacher)
    v.require_positive("rademacher", r, strict=False)
    best = _tensor("best_risk", best_risk, like=r)
    v.require_positive("best_risk", best, strict=False)
    v.require_same_shape("rademacher", r, "best_risk", best)
    return torch.stack([2 * r, best + 2 * r])


# --- double descent and the implicit bias -----------------------------------------------------------

def random_relu_features(X, W) -> torch.Tensor:
    r"""Random ReLU features :math:`F=\mathrm{relu}(XW^\top)/\sqrt p` for ``W`` of shape (p, d).

    Book label: ``slt.double-descent``.

    >>> random_relu_features([[1.0, -1.0]], [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 0.0]]).tolist()
    [[0.5, 0.0, 0.0, 1.0]]
    """
    X = _tensor("X", X, ndim=2)
    W = _tensor("W", W, ndim=2, like=X)
    v.require_shape("W", W, (None, X.shape[1]), match="X")
    return torch.relu(X @ W.T) / math.sqrt(W.shape[0])


def min_norm_fit(F, y) -> torch.Tensor:
    r"""The minimum-norm least-squares solution :math:`w=F^+y` (the interpolant of least norm when :math:`p\ge n`).

    Book labels: ``slt.double-descent``, ``slt.implicit-bias-min-norm``. ``F`` : (n, p); ``y`` : (n,).

    >>> [round(w, 8) for w in min_norm_fit([[1.0, 1.0]], [2.0]).tolist()]
    [1.0, 1.0]
    """
    F = _tensor("F", F, ndim=2)
    y = _tensor("y", y, ndim=1, like=F)
    v.require_shape("y", y, (F.shape[0],), match="F")
    return torch.linalg.pinv(F) @ y


def double_descent(ps, *, n: int = 100, d: int = 20, noise: float = 0.1, n_test: int = 2000, seeds: int = 20,
                   ridge: float = 0.0) -> torch.Tensor:
    r"""Median test MSE of min-norm (or ridge) regression on nested random ReLU features, one value per ``p``.

    Book label: ``slt.double-descent``. Data :math:`x\sim\mathcal N(0,I_d)`, :math:`y=x^\top\beta+\text{noise}\,
    \varepsilon`, :math:`\beta\sim\mathcal N(0,I/d)`; features from the first :math:`p` rows of one
    :math:`W\sim\mathcal N(0,I/d)`; ``ridge`` :math:`\lambda>0` fits :math:`(F^\top F+\lambda I)^{-1}F^\top y`.

    >>> [round(e, 3) for e in double_descent([10, 100, 400], seeds=3).tolist()]
    [0.574, 6.381, 0.038]
    """
    ps = v.require_int_list("ps", ps, minimum=1)
    n, d, n_test, seeds = (v.require_int(k, x, minimum=1) for k, x in
                           (("n", n), ("d", d), ("n_test", n_test), ("seeds", seeds)))
    noise = v.require_positive_scalar("noise", noise, strict=False)
    ridge = v.require_positive_scalar("ridge", ridge, strict=False)
    errors = torch.empty(seeds, len(ps), dtype=torch.float64)
    for seed in range(seeds):
        g = torch.Generator().manual_seed(seed)
        beta = torch.randn(d, generator=g, dtype=torch.float64) / math.sqrt(d)
        X, Xt = (torch.randn(k, d, generator=g, dtype=torch.float64) for k in (n, n_test))
        y = X @ beta + noise * torch.randn(n, generator=g, dtype=torch.float64)
        W = torch.randn(max(ps), d, generator=g, dtype=torch.float64) / math.sqrt(d)
        for j, p in enumerate(ps):
            F, Ft = random_relu_features(X, W[:p]), random_relu_features(Xt, W[:p])
            w = min_norm_fit(F, y) if ridge == 0 else torch.linalg.solve(
                F.T @ F + ridge * torch.eye(p, dtype=F.dtype), F.T @ y)
            errors[seed, j] = ((Ft @ w - Xt @ beta) ** 2).mean()
    return errors.median(dim=0).values


def gd_least_squares(X, y, w0, *, lr: float, steps: int) -> torch.Tensor:
    r"""Gradient descent on :math:`\frac12\|Xw-y\|^2` from ``w0``: :math:`w\leftarrow w-\eta X^\top(Xw-y)`.

    Book label: ``slt.implicit-bias-min-norm``. Every step adds a vector of the row space of :math:`X`, so
    the iterates stay in :math:`w_0+\mathrm{span}\{x_i\}`; converging to an interpolant, they reach
    :math:`X^+y+(I-X^+X)w_0` (:func:`min_norm_limit`).

    >>> gd_least_squares([[1.0, 1.0]], [2.0], [0.0, 0.0], lr=0.25, steps=60).tolist()
    [1.0, 1.0]
    """
    X = _tensor("X", X, ndim=2)
    y = _tensor("y", y, ndim=1, like=X)
    w = _tensor("w0", w0, ndim=1, like=X).clone()
    v.require_shape("y", y, (X.shape[0],), match="X")
    v.require_shape("w0", w, (X.shape[1],), match="X")
    lr = v.require_positive_scalar("lr", lr)
    steps = v.require_int("steps", steps, minimum=0)
    for _ in range(steps):
        w = w - lr * (X.T @ (X @ w - y))
    return w


def min_norm_limit(X, y, w0) -> torch.Tensor:
    r"""The interpolant gradient descent reaches from ``w0``: :math:`X^+y+(I-X^+X)w_0`
    (:math:`=\arg\min\{\|w\|_2:Xw=y\}` from :math:`w_0=0`).

    Book label: ``slt.implicit-bias-min-norm``.

    >>> [round(w, 8) + 0.0 for w in min_norm_limit([[1.0, 1.0]], [2.0], [1.0, -1.0]).tolist()]
    [2.0, 0.0]
    """
    X = _tensor("X", X, ndim=2)
    y = _tensor("y", y, ndim=1, like=X)
    w0 = _tensor("w0", w0, ndim=1, like=X)
    v.require_shape("y", y, (X.shape[0],), match="X")
    v.require_shape("w0", w0, (X.shape[1],), match="X")
    P = torch.linalg.pinv(X)
    return P @ y + w0 - P @ (X @ w0)
