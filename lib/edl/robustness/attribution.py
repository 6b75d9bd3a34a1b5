r"""Attributions: gradients and one-feature sweeps, missing information, conditional mutual information,
exact Shapley values (SHAP for a prediction, SAGE for the risk).

Chapter 11, "Robustness, interpretability and fairness" (book labels ``interp.sensitivity`` …
``interp.sage``). A coalition :math:`S\subseteq\{1,\dots,n\}` is a boolean mask of length :math:`n`; a
*value function* maps a batch of masks ``(m, n)`` to ``(m,)`` values, so that all :math:`2^n` coalitions
are evaluated in one call. Shapley values then combine the values with the weights
:math:`|S|!(n-|S|-1)!/n!`.
"""

import math

import torch

from edl.core import validate as v


def _tensor(name: str, value, *, ndim=None, like=None) -> torch.Tensor:
    t = v.as_float_tensor(name, value, like=like)
    if ndim is not None:
        v.require_ndim(name, t, ndim)
    v.require_finite(name, t)
    return t


# --- local explanations -----------------------------------------------------------------------------

def sensitivity(f, x) -> torch.Tensor:
    r"""Local sensitivities: the gradient of the model's output with respect to each input feature.

    .. math:: s_j(x)=\frac{\partial f(x)}{\partial x_j}

    Book label: ``interp.sensitivity``. ``f`` : a differentiable model ``(n, d) → (n,)``; ``x`` : ``(n, d)``.
    Returns ``(n, d)``.

    >>> sensitivity(lambda x: x[:, 0] * x[:, 1] ** 2, [[1.0, 2.0]]).tolist()
    [[4.0, 4.0]]
    """
    v.require_callable("f", f)
    x = _tensor("x", x, ndim=2).detach().requires_grad_(True)
    out = f(x)
    if not isinstance(out, torch.Tensor) or out.shape != x.shape[:1]:
        raise ValueError(f"f must return one value per row of x, got {out!r}")
    return torch.autograd.grad(out.sum(), x)[0]


def ceteris_paribus(f, x, j, t) -> torch.Tensor:
    r"""The ceteris-paribus (individual conditional expectation) curve: vary feature :math:`j` alone.

    .. math:: t\mapsto f(x_{-j},x_j=t)

    Its slope at :math:`t=x_j` is the sensitivity :math:`s_j(x)`. Book label: ``interp.sensitivity``.
    ``f`` : ``(n, d) → (n,)``; ``x`` : ``(d,)``; ``j`` : a feature index; ``t`` : ``(m,)`` values.

    >>> ceteris_paribus(lambda x: x[:, 0] * x[:, 1], [1.0, 2.0], 1, [0.0, 1.0, 3.0]).tolist()
    [0.0, 1.0, 3.0]
    """
    v.require_callable("f", f)
    x = _tensor("x", x, ndim=1)
    j = v.require_int("j", j, minimum=0)
    if j >= x.shape[0]:
        raise ValueError(f"j must index the {x.shape[0]} features of x, got {j}")
    t = _tensor("t", t, ndim=1, like=x)
    X = x.repeat(len(t), 1)
    X[:, j] = t
    return f(X)


# --- missing information -----------------------------------------------------------------------------

def missing_information(w, mu, Sigma, x) -> torch.Tensor:
    r"""The prediction change when feature :math:`j` is marginalised out, for a linear model of Gaussian inputs.

    .. math:: \Delta_j(x)=f(x)-\mathbb E[f(X)\mid X_{-j}=x_{-j}]=w_j\big(x_j-\mathbb E[X_j\mid X_{-j}=x_{-j}]\big),

    with :math:`f(x)=w^\top x+b` and :math:`X\sim\mathcal N(\mu,\Sigma)`, whose conditional mean is
    :math:`\mathbb E[X_j\mid x_{-j}]=\mu_j+\Sigma_{j,-j}\Sigma_{-j,-j}^{-1}(x_{-j}-\mu_{-j})`. For independent
    features it is :math:`w_j(x_j-\mu_j)`. Book label: ``interp.missing-information``. ``w``, ``mu``, ``x`` :
    ``(d,)``; ``Sigma`` : ``(d, d)`` positive definite.

    >>> missing_information([1.0, 1.0], [0.0, 0.0], [[1.0, 0.5], [0.5, 1.0]], [1.0, 0.0]).tolist()
    [1.0, -0.5]
    """
    w = _tensor("w", w, ndim=1)
    mu = _tensor("mu", mu, ndim=1, like=w)
    x = _tensor("x", x, ndim=1, like=w)
    Sigma = _tensor("Sigma", Sigma, ndim=2, like=w)
    d = w.shape[0]
    v.require_shape("mu", mu, (d,), match="w")
    v.require_shape("x", x, (d,), match="w")
    v.require_shape("Sigma", Sigma, (d, d), match="w")
    v.require_covariance("Sigma", Sigma)
    out = torch.empty_like(w)
    for j in range(d):
        rest = [i for i in range(d) if i != j]
        if rest:
            coef = torch.linalg.solve(Sigma[rest][:, rest], Sigma[rest, j])
            cond = mu[j] + coef @ (x[rest] - mu[rest])
        else:
            cond = mu[j]
        out[j] = w[j] * (x[j] - cond)
    return out


def conditional_mutual_information(p, j) -> torch.Tensor:
    r"""The conditional mutual information :math:`I(X_j;Y\mid X_{-j})` of a joint pmf of two features and a label.

    .. math:: I(X_j;Y\mid X_{-j})=\sum_{x_j,x_{-j},y}p(x_j,x_{-j},y)\log\frac{p(x_j,y\mid x_{-j})}
              {p(x_j\mid x_{-j})\,p(y\mid x_{-j})}
              =\mathbb E[-\log p(Y\mid X_{-j})]-\mathbb E[-\log p(Y\mid X)]

    the second form being feature :math:`j`'s *predictive utility* under log loss for Bayes-optimal
    predictors. Book label: ``interp.conditional-mutual-information``. ``p`` : ``(n_1, n_2, n_y)``, a pmf
    over :math:`(X_1,X_2,Y)`; ``j`` : 0 or 1 (the feature whose information is measured). In nats.

    >>> p = torch.zeros(2, 2, 2, dtype=torch.float64); p[0, 0, 0] = p[1, 0, 1] = p[0, 1, 0] = p[1, 1, 1] = 0.25
    >>> round(float(conditional_mutual_information(p, 0)), 8), round(float(conditional_mutual_information(p, 1)), 8)
    (0.69314718, 0.0)
    """
    p = _tensor("p", p, ndim=3)
    v.require_distribution("p", p.reshape(-1), atol=1e-9)
    j = v.require_int("j", j, minimum=0)
    if j > 1:
        raise ValueError(f"j must be 0 or 1, got {j}")
    if j == 1:
        p = p.transpose(0, 1)                                       # (x_j, x_rest, y)
    p_rest = p.sum((0, 2), keepdim=True)                            # p(x_rest)
    p_jr = p.sum(2, keepdim=True)                                   # p(x_j, x_rest)
    p_ry = p.sum(0, keepdim=True)                                   # p(x_rest, y)
    ratio = p * p_rest / (p_jr * p_ry).clamp_min(1e-300)
    return torch.where(p > 0, p * torch.log(ratio.clamp_min(1e-300)), torch.zeros_like(p)).sum()


# --- Shapley values ------------------------------------------------------------------------------------

def coalitions(n, *, device=None) -> torch.Tensor:
    r"""All :math:`2^n` coalitions of :math:`n` players as boolean masks ``(2^n, n)``, the empty one first.

    Book label: ``interp.shap``. ``n`` : 1 to 20.

    >>> coalitions(2).int().tolist()
    [[0, 0], [1, 0], [0, 1], [1, 1]]
    """
    n = v.require_int("n", n, minimum=1)
    if n > 20:
        raise ValueError(f"n must be at most 20 (2^n coalitions are enumerated), got {n}")
    device = v.require_device("device", device)
    bits = torch.arange(2**n, device=device)[:, None] >> torch.arange(n, device=device)
    return (bits & 1).bool()


def shapley_values(value, n) -> torch.Tensor:
    r"""Exact Shapley values of the game ``value`` by enumerating all :math:`2^n` coalitions at once.

    .. math:: \phi_j=\sum_{S\subseteq N\setminus\{j\}}\frac{|S|!\,(n-|S|-1)!}{n!}\big[v(S\cup\{j\})-v(S)\big],
              \qquad\sum_j\phi_j=v(N)-v(\emptyset)\ \text{(efficiency)}

    Book labels: ``interp.shap``, ``interp.sage``. ``value`` : a function of masks ``(m, n)`` returning
    ``(m,)`` values, called once on all coalitions; ``n`` : the number of players, 1 to 20.

    >>> shapley_values(lambda S: (S[:, 0] & S[:, 1]).double(), 2).tolist()      # a pure interaction: split
    [0.5, 0.5]
    """
    v.require_callable("value", value)
    masks = coalitions(n)
    vals = value(masks)
    if not isinstance(vals, torch.Tensor) or vals.shape != (2**n,):
        raise ValueError(f"value must map the ({2**n}, {n}) masks to ({2**n},) values, got {vals!r}")
    v.require_finite("value(S)", vals)
    size = masks.sum(1)                                             # |S| of every coalition
    fact = torch.tensor([math.factorial(k) for k in range(n + 1)], dtype=vals.dtype, device=vals.device)
    index = torch.arange(2**n, device=vals.device)
    phi = torch.zeros(n, dtype=vals.dtype, device=vals.device)
    for j in range(n):
        without = ~masks[:, j]                                      # S not containing j
        S = index[without]
        k = size[S]
        weight = fact[k] * fact[n - k - 1] / fact[n]
        phi[j] = (weight * (vals[S + 2**j] - vals[S])).sum()        # S ∪ {j} sets bit j
    return phi


def interventional_value(f, x, background):
    r"""The interventional value function of SHAP: features outside :math:`S` are drawn from the background.

    .. math:: v(S)=\frac1B\sum_{b=1}^Bf(x_S,\ z^{(b)}_{\bar S})

    Book label: ``interp.shap``. ``f`` : a model ``(..., n) → (...)``; ``x`` : ``(n,)``; ``background`` :
    ``(B, n)`` samples. Returns the value function (masks ``(m, n)`` → ``(m,)``), batched over coalitions.

    >>> v_ = interventional_value(lambda z: z.sum(-1), [1.0, 2.0], [[0.0, 0.0], [2.0, 2.0]])
    >>> v_(coalitions(2)).tolist()
    [2.0, 2.0, 3.0, 3.0]
    """
    v.require_callable("f", f)
    x = _tensor("x", x, ndim=1)
    Z = _tensor("background", background, ndim=2, like=x)
    v.require_shape("background", Z, (None, x.shape[0]), match="x")

    def value(masks: torch.Tensor) -> torch.Tensor:
        mixed = torch.where(masks[:, None, :], x, Z[None])          # (m, B, n)
        return f(mixed).mean(1)
    return value


def shap_values(f, x, background) -> torch.Tensor:
    r"""SHAP: the Shapley values of the interventional value function, which split :math:`f(x)-\mathbb Ef`.

    .. math:: \phi_j(x)\ \text{with}\ v(S)=\mathbb E_{Z}f(x_S,Z_{\bar S}),\qquad
              \sum_j\phi_j=f(x)-\mathbb E_Zf(Z);\quad f(x)=w^\top x+b\Rightarrow\phi_j=w_j(x_j-\bar z_j)

    Book label: ``interp.shap``. ``f`` : ``(..., n) → (...)``; ``x`` : ``(n,)``; ``background`` : ``(B, n)``.

    >>> f = lambda z: z @ torch.tensor([1.0, -2.0], dtype=z.dtype)
    >>> shap_values(f, [1.0, 1.0], [[0.0, 0.0], [1.0, 3.0]]).tolist()
    [0.5, 1.0]
    """
    x = _tensor("x", x, ndim=1)
    return shapley_values(interventional_value(f, x, background), x.shape[0])


def sage_values(f, X, Y, background) -> torch.Tensor:
    r"""SAGE: Shapley values of the risk reduction, a global importance of each feature (squared error).

    .. math:: v(S)=\mathbb E\big[(Y-f_\emptyset)^2\big]-\mathbb E\big[(Y-f_S(X_S))^2\big],\qquad
              f_S(x_S)=\mathbb E_Zf(x_S,Z_{\bar S}),\qquad\sum_j\phi_j=v(N)

    estimated on the sample ``(X, Y)`` with ``background`` for the marginalisation. For a linear target
    with independent features and the true model, :math:`\phi_j=w_j^2\mathrm{Var}X_j`. Book label:
    ``interp.sage``. ``f`` : ``(..., n) → (...)``; ``X`` : ``(N, n)``; ``Y`` : ``(N,)``;
    ``background`` : ``(B, n)``.

    >>> f = lambda z: z @ torch.tensor([1.0, 2.0], dtype=z.dtype)
    >>> X = torch.tensor([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]], dtype=torch.float64)
    >>> sage_values(f, X, f(X), X).tolist()
    [1.0, 4.0]
    """
    v.require_callable("f", f)
    X = _tensor("X", X, ndim=2)
    Y = _tensor("Y", Y, ndim=1, like=X)
    v.require_shape("Y", Y, (X.shape[0],), match="X")
    Z = _tensor("background", background, ndim=2, like=X)
    v.require_shape("background", Z, (None, X.shape[1]), match="X")

    def value(masks: torch.Tensor) -> torch.Tensor:
        mixed = torch.where(masks[:, None, None, :], X[None, :, None, :], Z[None, None])   # (m, N, B, n)
        f_S = f(mixed).mean(-1)                                                           # (m, N)
        risk = ((Y - f_S) ** 2).mean(-1)                                                  # (m,)
        return risk[0] - risk
    return shapley_values(value, X.shape[1])

