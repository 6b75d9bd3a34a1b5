r"""Gradient descent: the update, its rates, and the function classes the rates are proved for.

Chapter 3, "Gradient-based learning" (book labels ``gd.*``, ``convexity.*``, ``smooth.*``, ``pl.*``).
Functions take tensors (or array-likes, converted to float64) and return tensors whose dtype and
device follow the input. Runs are batched: a leading batch axis of starting points, step sizes or
problems is carried through every iteration. Symbols: :math:`\eta` step size (``eta``), :math:`L`
smoothness constant (``L``), :math:`\mu` strong-convexity or PL constant (``mu``),
:math:`\kappa=L/\mu` condition number (``kappa``).
"""

import math
from collections.abc import Callable

import torch

from edl.core import validate as v


def _float(name, value, like=None, ndim=0):
    t = v.as_float_tensor(name, value, like=like)
    v.require_finite(name, t)
    v.require_min_ndim(name, t, ndim)
    return t


def _pos(name, value, like=None, strict=True):
    """A finite positive (or non-negative) number or tensor."""
    t = _float(name, value, like=like)
    v.require_positive(name, t, strict=strict)
    return t


# --- the update -------------------------------------------------------------------------------------

def gradient_descent(grad: Callable, x0, eta, steps: int) -> torch.Tensor:
    r"""Iterates of gradient descent, for a batch of starting points and step sizes at once.

    .. math:: \boldsymbol\theta_{t+1}=\boldsymbol\theta_t-\eta\,\nabla h(\boldsymbol\theta_t)

    Book label: ``gd.update-flow``. ``grad`` : maps a batch of points ``(..., d)`` to their gradients;
    ``x0`` : starting points ``(..., d)``; ``eta`` : step size, a number or a tensor broadcasting against
    ``x0[..., :1]``; ``steps`` : number of updates. Returns the iterates, ``(steps + 1, ..., d)``.
    Iterates that overflow are kept as ``inf`` (no warning): divergence is a result, not an error.

    >>> xs = gradient_descent(lambda x: 2 * x, torch.tensor([[1.0]]).double(), 0.25, 3)
    >>> xs[:, 0, 0].tolist()   # x_{t+1} = (1 - 2η) x_t = x_t / 2
    [1.0, 0.5, 0.25, 0.125]
    """
    v.require_callable("grad", grad)
    x = _float("x0", x0, ndim=1)
    eta = _pos("eta", eta, like=x)
    if v.broadcast_shapes(eta=eta, x0=x[..., :1])[-1] != 1:
        raise ValueError(f"eta must broadcast against x0[..., :1] (one step per starting point), "
                         f"got shapes {tuple(eta.shape)} and {tuple(x.shape)}")
    steps = v.require_int("steps", steps, minimum=0)
    out = [x]
    for _ in range(steps):
        x = x - eta * grad(x)
        out.append(x)
    return torch.stack(out)


def gd_quadratic(eigenvalues, x0, eta, steps: int) -> torch.Tensor:
    r"""Gradient descent on :math:`f(\mathbf x)=\tfrac12\mathbf x^\top Q\mathbf x` in the eigenbasis of Q, in closed form.

    .. math:: \mathbf x_{t+1}=(I-\eta Q)\mathbf x_t\quad\Rightarrow\quad x_{t,i}=(1-\eta\lambda_i)^t\,x_{0,i}

    Book label: ``gd.quadratic-optimal-lr``. ``eigenvalues`` : :math:`\lambda_i` of Q, ``(..., d)``;
    ``x0`` : coordinates in the eigenbasis, ``(..., d)``; ``eta`` : step, broadcasting against ``(...)``
    (so a batch of condition numbers and a batch of steps run together). Returns ``(steps + 1, ..., d)``.

    >>> gd_quadratic([1.0, 10.0], [1.0, 1.0], 0.1, 2)[-1].tolist()
    [0.81, 0.0]
    """
    lam = _float("eigenvalues", eigenvalues, ndim=1)
    x0 = _float("x0", x0, like=lam, ndim=1)
    v.require_shape("x0", x0, (..., lam.shape[-1]), match="eigenvalues")
    eta = _pos("eta", eta, like=lam)
    steps = v.require_int("steps", steps, minimum=0)
    factor = 1 - eta[..., None] * lam  # (..., d): per-mode factor 1 − ηλ_i
    t = torch.arange(steps + 1, device=lam.device).reshape(-1, *[1] * factor.ndim)  # exact whole exponents
    with torch.no_grad():
        return factor**t * x0


def gradient_flow_quadratic(H, theta0, t) -> torch.Tensor:
    r"""Exact gradient flow on :math:`h(\boldsymbol\theta)=\tfrac12\boldsymbol\theta^\top H\boldsymbol\theta`.

    .. math:: \dot{\boldsymbol\theta}=-\nabla h(\boldsymbol\theta)=-H\boldsymbol\theta\quad\Rightarrow\quad
              \boldsymbol\theta(t)=e^{-Ht}\boldsymbol\theta_0,\qquad \frac{d}{dt}h(\boldsymbol\theta(t))=-\|\nabla h\|^2\le0

    Book label: ``gd.update-flow``. ``H`` : symmetric ``(d, d)``; ``theta0`` : ``(d,)``; ``t`` : times ``(k,)``
    or a number. Returns ``(k, d)`` (or ``(d,)``). Gradient descent is its explicit Euler discretisation.

    >>> gradient_flow_quadratic([[2.0]], [1.0], 0.5).round(decimals=6).tolist()   # e^{-1}
    [0.367879]
    """
    H = _float("H", H)
    theta0 = _float("theta0", theta0, like=H)
    t = _pos("t", t, like=H, strict=False)
    if H.ndim != 2 or H.shape[0] != H.shape[1] or not torch.allclose(H, H.T):
        raise ValueError(f"H must be a symmetric square matrix, got shape {tuple(H.shape)}")
    v.require_shape("theta0", theta0, (H.shape[0],), match="H (d, d)")
    lam, V = torch.linalg.eigh(H)
    decay = torch.exp(-t[..., None] * lam)  # (..., d)
    return (decay * (theta0 @ V)) @ V.T


def steepest_descent_direction(g) -> torch.Tensor:
    r"""The unit direction of steepest descent, :math:`-\nabla f/\|\nabla f\|` (rows of a batch separately).

    .. math:: \lim_{\eta\to0}\arg\min_{\|\boldsymbol\vartheta\|=1}f(\boldsymbol\theta+\eta\boldsymbol\vartheta)
              =-\frac{\nabla f(\boldsymbol\theta)}{\|\nabla f(\boldsymbol\theta)\|}

    Book label: ``gd.steepest-descent``. ``g`` : gradient ``(..., d)``, non-zero.

    >>> steepest_descent_direction([3.0, -4.0]).tolist()
    [-0.6, 0.8]
    """
    g = _float("g", g, ndim=1)
    norm = torch.linalg.vector_norm(g, dim=-1, keepdim=True)
    if (norm == 0).any():
        raise ValueError("g must be non-zero: a stationary point has no descent direction")
    return -g / norm


def newton_step(grad, hess) -> torch.Tensor:
    r"""Newton's step: the minimiser of the local quadratic model.

    .. math:: f(\mathbf x+\Delta)\approx f+\nabla f^\top\Delta+\tfrac12\Delta^\top\nabla^2f\,\Delta
              \quad\Rightarrow\quad\Delta=-[\nabla^2f(\mathbf x)]^{-1}\nabla f(\mathbf x)

    Book label: ``gd.newton``. ``grad`` : ``(..., d)``; ``hess`` : ``(..., d, d)``, invertible. With
    :math:`\nabla^2f:=I/\eta` the step is the gradient step :math:`-\eta\nabla f`.

    >>> newton_step([2.0, 2.0], [[2.0, 0.0], [0.0, 4.0]]).tolist()
    [-1.0, -0.5]
    """
    grad = _float("grad", grad, ndim=1)
    hess = _float("hess", hess, like=grad)
    if hess.shape[-2:] != (grad.shape[-1], grad.shape[-1]):
        raise ValueError(f"hess must have shape (..., d, d) with d = {grad.shape[-1]} the last axis of grad "
                         f"{tuple(grad.shape)}, got {tuple(hess.shape)}")
    return -torch.linalg.solve(hess, grad[..., None])[..., 0]


def quadratic_hessian(A) -> torch.Tensor:
    r"""Hessian of :math:`\mathbf x^\top A\mathbf x+\mathbf b^\top\mathbf x+c`: :math:`\nabla^2=A+A^\top`.

    Book label: ``gd.newton``.

    >>> quadratic_hessian([[1.0, 2.0], [0.0, 1.0]]).tolist()
    [[2.0, 2.0], [2.0, 2.0]]
    """
    A = _float("A", A)
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise ValueError(f"A must be square, got shape {tuple(A.shape)}")
    return A + A.transpose(-1, -2)


# --- step sizes on quadratics -----------------------------------------------------------------------

def gd_spectral_radius(eigenvalues, eta) -> torch.Tensor:
    r"""Contraction factor of gradient descent on a quadratic with Hessian eigenvalues :math:`\lambda_i`.

    .. math:: \rho(\eta)=\max_i|1-\eta\lambda_i|<1\iff0<\eta<\frac2{\lambda_{\max}}

    Book label: ``gd.quadratic-optimal-lr``. ``eigenvalues`` : ``(d,)`` (or ``(..., d)``);
    ``eta`` : steps ``(k,)`` or a number. Returns ρ for every step, shape ``eta.shape + eigenvalues.shape[:-1]``.

    >>> gd_spectral_radius([1.0, 100.0], [0.01, 2 / 101, 0.02]).round(decimals=6).tolist()  # 99/101 in the middle
    [0.99, 0.980198, 1.0]
    """
    lam = _float("eigenvalues", eigenvalues, ndim=1)
    eta = _pos("eta", eta, like=lam)
    return (1 - eta.reshape(*eta.shape, *[1] * lam.ndim) * lam).abs().amax(-1)


def stability_limit(lam_max) -> torch.Tensor:
    r"""The largest stable step is excluded: gradient descent on a quadratic converges iff :math:`\eta<2/\lambda_{\max}`.

    Book label: ``gd.quadratic-optimal-lr``. ``lam_max`` : the largest Hessian eigenvalue (> 0).

    >>> float(stability_limit(4.0))
    0.5
    """
    lam_max = _float("lam_max", lam_max)
    v.require_positive("lam_max", lam_max)
    return 2 / lam_max


def optimal_step(lam_min, lam_max) -> torch.Tensor:
    r"""The fixed step minimising :math:`\rho(\eta)`: it balances the slowest and the fastest eigen-direction.

    .. math:: \eta^*=\frac2{\lambda_{\max}+\lambda_{\min}}

    Book label: ``gd.quadratic-optimal-lr``.

    >>> float(optimal_step(1.0, 100.0)) == 2 / 101
    True
    """
    lam_min, lam_max = _float("lam_min", lam_min), _float("lam_max", lam_max)
    v.require_positive("lam_min", lam_min)
    if (lam_max < lam_min).any():
        raise ValueError(f"lam_max must be at least lam_min, got lam_min={lam_min.tolist()}, lam_max={lam_max.tolist()}")
    return 2 / (lam_max + lam_min)


def optimal_contraction(kappa) -> torch.Tensor:
    r"""Contraction factor at the optimal step: :math:`\rho(\eta^*)=\frac{\kappa-1}{\kappa+1}`, :math:`\kappa=\lambda_{\max}/\lambda_{\min}`.

    Book labels: ``gd.quadratic-optimal-lr`` and ``gd.rate-strongly-convex``.

    >>> float(optimal_contraction(100.0)) == 99 / 101
    True
    """
    kappa = _float("kappa", kappa)
    if (kappa < 1).any():
        raise ValueError(f"kappa must be at least 1, got {kappa.tolist()}")
    return (kappa - 1) / (kappa + 1)


# --- rates ----------------------------------------------------------------------------------------

def _t(t, like):
    t = _float("t", t, like=like)
    v.require_positive("t", t, strict=False)
    return t


def nonconvex_gradnorm_bound(f_gap0, eta, t) -> torch.Tensor:
    r"""Non-convex rate: the smallest squared gradient norm seen in t + 1 iterates.

    .. math:: f\ L\text{-smooth},\ \eta\le\tfrac1L:\qquad
              \min_{0\le i\le t}\|\nabla f(\mathbf x_i)\|^2\le\frac{2\,(f(\mathbf x_0)-f^*)}{\eta\,(t+1)}

    Book label: ``gd.rate-nonconvex``. ``f_gap0`` : :math:`f(\mathbf x_0)-f^*` (or an upper bound);
    ``eta`` : the step; ``t`` : iteration counts. Proof: sum the descent lemma
    :math:`f(\mathbf x_{i+1})\le f(\mathbf x_i)-\tfrac\eta2\|\nabla f(\mathbf x_i)\|^2` over i.

    >>> float(nonconvex_gradnorm_bound(1.0, 0.5, 3))
    1.0
    """
    gap = _pos("f_gap0", f_gap0, strict=False)
    eta = _pos("eta", eta, like=gap)
    return 2 * gap / (eta * (_t(t, gap) + 1))


def steps_to_stationarity(L, f_gap0, eps) -> torch.Tensor:
    r"""Steps of gradient descent with :math:`\eta=1/L` that suffice to reach :math:`\|\nabla f\|\le\varepsilon`.

    .. math:: T\le\frac{2L\,(f(\mathbf x_0)-f^*)}{\varepsilon^2}

    Book label: ``gd.rate-nonconvex``. ``L`` : smoothness constant; ``f_gap0`` : :math:`f(\mathbf x_0)-f^*`;
    ``eps`` : the target gradient norm ε.

    >>> round(float(steps_to_stationarity(2.0, 3.0, 0.1)), 9)
    1200.0
    """
    eps = _pos("eps", eps)
    L, f_gap0 = _pos("L", L, like=eps), _pos("f_gap0", f_gap0, like=eps, strict=False)
    return 2 * L * f_gap0 / eps**2


def convex_rate_bound(dist0_sq, eta, t) -> torch.Tensor:
    r"""Convex rate O(1/t) of gradient descent.

    .. math:: f\text{ convex, }L\text{-smooth},\ \eta\le\tfrac1L:\qquad
              f(\mathbf x_t)-f^*\le\frac{\|\mathbf x_0-\mathbf x^*\|^2}{2\eta t}

    Book label: ``gd.rate-convex``. ``dist0_sq`` : :math:`\|\mathbf x_0-\mathbf x^*\|^2`; ``t`` ≥ 1.
    With :math:`\eta=1/L` this is :math:`L\|\mathbf x_0-\mathbf x^*\|^2/(2t)`.

    >>> float(convex_rate_bound(4.0, 0.5, 2))
    2.0
    """
    d = _pos("dist0_sq", dist0_sq, strict=False)
    t = _t(t, d)
    eta = _pos("eta", eta, like=d)
    if (t < 1).any():
        raise ValueError(f"t must be at least 1, got {t.tolist()}")
    return d / (2 * eta * t)


def strongly_convex_rate_bound(dist0_sq, eta, mu, t) -> torch.Tensor:
    r"""Linear rate of the squared distance for μ-strongly convex, L-smooth f and :math:`0<\eta\le1/L`.

    .. math:: \|\mathbf x_t-\mathbf x^*\|^2\le(1-\eta\mu)^t\,\|\mathbf x_0-\mathbf x^*\|^2

    Book label: ``gd.rate-strongly-convex``. At :math:`\eta=2/(L+\mu)` the distance itself contracts by
    :func:`optimal_contraction` per step (Nesterov, Thm 2.1.15).

    >>> float(strongly_convex_rate_bound(1.0, 0.5, 1.0, 2))
    0.25
    """
    d = _pos("dist0_sq", dist0_sq, strict=False)
    eta, mu = _pos("eta", eta, like=d), _pos("mu", mu, like=d)
    return (1 - eta * mu) ** _t(t, d) * d


def pl_rate_bound(f_gap0, mu, L, t) -> torch.Tensor:
    r"""Linear rate under the Polyak–Łojasiewicz condition, proved for the step :math:`\eta=1/L`.

    .. math:: L\text{-smooth}+\mu\text{-PL},\ \eta=\tfrac1L:\qquad
              f(\mathbf x_t)-f^*\le\Big(1-\frac\mu L\Big)^t\big(f(\mathbf x_0)-f^*\big)

    Book label: ``gd.rate-pl``. Convexity is not needed. See :func:`pl_step_factor` for other steps.

    >>> float(pl_rate_bound(1.0, 1.0, 4.0, 2))
    0.5625
    """
    gap = _pos("f_gap0", f_gap0, strict=False)
    mu, L = _mu_L(mu, L, gap)
    return (1 - mu / L) ** _t(t, gap) * gap


def _mu_L(mu, L, like=None):
    mu, L = _pos("mu", mu, like=like), _pos("L", L, like=like)
    if (mu > L).any():
        raise ValueError(f"mu must not exceed L, got mu={mu.tolist()}, L={L.tolist()}")
    return mu, L


def pl_step(mu, L) -> float:
    r"""The step for which :func:`pl_rate_bound` is proved: :math:`\eta=1/L` (μ does not enter).

    Book label: ``gd.rate-pl``.

    >>> pl_step(0.1, 4.0)
    0.25
    """
    mu, L = v.require_positive_scalar("mu", mu), v.require_positive_scalar("L", L)
    if mu > L:
        raise ValueError(f"mu must not exceed L, got mu={mu}, L={L}")
    return 1.0 / L


def pl_step_factor(mu, L, eta) -> torch.Tensor:
    r"""Guaranteed per-step factor of the gap :math:`f-f^*` for an L-smooth, μ-PL function and step η.

    .. math:: f(\mathbf x_{t+1})-f^*\le\big(1-2\mu\eta(1-\tfrac{L\eta}2)\big)\,(f(\mathbf x_t)-f^*),
              \qquad 0<\eta\le\tfrac2L

    (descent lemma, then PL). It is smallest, :math:`1-\mu/L`, at :math:`\eta=1/L`. Book label: ``gd.rate-pl``.

    >>> round(float(pl_step_factor(1.0, 4.0, 0.25)), 12), round(float(pl_step_factor(1.0, 4.0, 0.4)), 12)
    (0.75, 0.84)
    """
    eta = _pos("eta", eta)
    mu, L = _mu_L(mu, L, eta)
    if (eta * L > 2).any():
        raise ValueError(f"eta must lie in (0, 2/L], got eta={eta.tolist()}, L={L.tolist()}")
    return 1 - 2 * mu * eta * (1 - L * eta / 2)


# --- function classes -----------------------------------------------------------------------------

def _pair(x, y, names=("x", "y"), *functions):
    x = _float(names[0], x, ndim=1)
    y = _float(names[1], y, like=x)
    v.require_same_shape(names[0], x, names[1], y)
    for name, fn in zip(("f", "grad"), functions):
        v.require_callable(name, fn)
    return x, y


def chord_gap(f: Callable, w, w_prime, lam) -> torch.Tensor:
    r"""How far the chord lies above the graph: non-negative for every pair iff f is convex.

    .. math:: \lambda f(\mathbf w)+(1-\lambda)f(\mathbf w')-f(\lambda\mathbf w+(1-\lambda)\mathbf w')\ \ge0,
              \qquad\lambda\in[0,1]

    Book labels: ``convexity.definition``, ``convexity.strict-vs-strong`` (strict: > 0 for
    :math:`\mathbf w\ne\mathbf w'`, :math:`\lambda\in(0,1)`). ``f`` : maps ``(..., d)`` to ``(...)``;
    ``w, w_prime`` : ``(..., d)``; ``lam`` : ``(...)`` or a number.

    >>> float(chord_gap(lambda z: (z**2).sum(-1), [[0.0]], [[2.0]], 0.5)[0])
    1.0
    """
    w, wp = _pair(w, w_prime, ("w", "w_prime"), f)
    lam = _float("lam", lam, like=w)
    v.require_in_range("lam", lam, 0.0, 1.0)
    v.require_broadcast("lam", lam, w.shape[:-1], to="the batch of w,")
    return lam * f(w) + (1 - lam) * f(wp) - f(lam[..., None] * w + (1 - lam[..., None]) * wp)


def tangent_gap(f: Callable, grad: Callable, w, w_prime) -> torch.Tensor:
    r"""How far the graph lies above the tangent at :math:`\mathbf w'` (first-order convexity).

    .. math:: f(\mathbf w)-f(\mathbf w')-\nabla f(\mathbf w')^\top(\mathbf w-\mathbf w')\ \ge0

    Book label: ``convexity.definition``.

    >>> float(tangent_gap(lambda z: (z**2).sum(-1), lambda z: 2 * z, [[3.0]], [[1.0]])[0])
    4.0
    """
    w, wp = _pair(w, w_prime, ("w", "w_prime"), f, grad)
    return f(w) - f(wp) - (grad(wp) * (w - wp)).sum(-1)


def strong_convexity_gap(f: Callable, grad: Callable, x, y, mu) -> torch.Tensor:
    r"""Slack in the strong-convexity lower bound: non-negative for all pairs iff f is μ-strongly convex.

    .. math:: f(\mathbf y)-\Big[f(\mathbf x)+\nabla f(\mathbf x)^\top(\mathbf y-\mathbf x)+\frac\mu2\|\mathbf y-\mathbf x\|^2\Big]\ \ge0

    Book label: ``convexity.strong``. For C² f this is :math:`\nabla^2f\succeq\mu I`.

    >>> float(strong_convexity_gap(lambda z: (z**2).sum(-1), lambda z: 2 * z, [[0.0]], [[1.0]], 2.0)[0])
    0.0
    """
    x, y = _pair(x, y, ("x", "y"), f, grad)
    mu = _pos("mu", mu, like=x, strict=False)
    v.require_broadcast("mu", mu, x.shape[:-1], to="the batch of x,")
    return f(y) - f(x) - (grad(x) * (y - x)).sum(-1) - mu / 2 * ((y - x) ** 2).sum(-1)


def smoothness_gap(f: Callable, grad: Callable, x, y, L) -> torch.Tensor:
    r"""Slack in the quadratic upper bound (descent lemma), implied by an L-Lipschitz gradient.

    .. math:: f(\mathbf x)+\nabla f(\mathbf x)^\top(\mathbf y-\mathbf x)+\frac L2\|\mathbf y-\mathbf x\|^2-f(\mathbf y)\ \ge0

    Book label: ``smooth.l-smooth``. The converse (upper bound ⇒ Lipschitz gradient) needs convexity.

    >>> float(smoothness_gap(lambda z: -(z**2).sum(-1), lambda z: -2 * z, [[0.0]], [[1.0]], 0.0)[0])
    1.0
    """
    x, y = _pair(x, y, ("x", "y"), f, grad)
    L = _pos("L", L, like=x, strict=False)
    v.require_broadcast("L", L, x.shape[:-1], to="the batch of x,")
    return f(x) + (grad(x) * (y - x)).sum(-1) + L / 2 * ((y - x) ** 2).sum(-1) - f(y)


def gradient_lipschitz_ratio(grad: Callable, x, y) -> torch.Tensor:
    r"""The ratio bounded by L in the definition of L-smoothness.

    .. math:: \frac{\|\nabla f(\mathbf x)-\nabla f(\mathbf y)\|}{\|\mathbf x-\mathbf y\|}\le L

    Book label: ``smooth.l-smooth``.

    >>> float(gradient_lipschitz_ratio(lambda z: -2 * z, [[0.0]], [[1.0]])[0])
    2.0
    """
    v.require_callable("grad", grad)
    x, y = _pair(x, y)
    dist = torch.linalg.vector_norm(x - y, dim=-1)
    if (dist == 0).any():
        raise ValueError("x and y must differ in every pair")
    return torch.linalg.vector_norm(grad(x) - grad(y), dim=-1) / dist


def gradnorm_gap_bound(grad_norm_sq, L) -> torch.Tensor:
    r"""Lower bound on the sub-optimality gap from the gradient norm.

    .. math:: f\ L\text{-smooth}:\qquad f(\mathbf x)-f^*\ge\frac1{2L}\|\nabla f(\mathbf x)\|^2

    Book label: ``smooth.gradnorm-gap``. Proof: the descent lemma at :math:`\mathbf y=\mathbf x-\nabla f/L`.

    >>> float(gradnorm_gap_bound(4.0, 2.0))
    1.0
    """
    g2 = _pos("grad_norm_sq", grad_norm_sq, strict=False)
    return g2 / (2 * _pos("L", L, like=g2))


def pl_ratio(grad_norm_sq, f_gap) -> torch.Tensor:
    r"""The ratio that the PL condition bounds below by μ.

    .. math:: \tfrac12\|\nabla f(\mathbf x)\|^2\ge\mu\,(f(\mathbf x)-f^*)\quad\forall\mathbf x
              \iff\inf_{\mathbf x\notin\arg\min f}\frac{\|\nabla f(\mathbf x)\|^2}{2(f(\mathbf x)-f^*)}\ge\mu

    Book label: ``pl.condition``. ``f_gap`` : :math:`f(\mathbf x)-f^*` > 0.

    >>> float(pl_ratio(4.0, 1.0))
    2.0
    """
    g2 = _pos("grad_norm_sq", grad_norm_sq, strict=False)
    gap = _float("f_gap", f_gap, like=g2)
    v.require_positive("f_gap", gap)
    return g2 / (2 * gap)


# --- test problems used by the checks and figures ------------------------------------------------------

def pl_example(x) -> torch.Tensor:
    r"""The non-convex PL function :math:`f(x)=x^2+3\sin^2x` (f* = 0 at x = 0; f'' ∈ [−4, 8], so L = 8).

    >>> float(pl_example(0.0))
    0.0
    """
    x = _float("x", x)
    return x**2 + 3 * torch.sin(x) ** 2


def pl_example_grad(x) -> torch.Tensor:
    r""":math:`f'(x)=2x+3\sin2x` for :func:`pl_example`.

    >>> float(pl_example_grad(0.0))
    0.0
    """
    x = _float("x", x)
    return 2 * x + 3 * torch.sin(2 * x)


def logistic_loss(w, X, y, lam: float = 0.0) -> torch.Tensor:
    r"""Mean logistic loss with labels ±1 and optional ridge term, for a batch of weight vectors.

    .. math:: f(\mathbf w)=\frac1s\sum_{i=1}^s\log\big(1+e^{-y_i\mathbf x_i^\top\mathbf w}\big)+\frac\lambda2\|\mathbf w\|^2,
              \qquad L=\frac{\lambda_{\max}(X^\top X)}{4s}+\lambda

    ``w`` : ``(..., n)``; ``X`` : ``(s, n)``; ``y`` : ``(s,)`` in {−1, +1}.

    >>> float(logistic_loss([0.0, 0.0], [[1.0, 0.0]], [1.0])) == math.log(2)
    True
    """
    w, X, y, lam = _logistic_args(w, X, y, lam)
    margins = y * (w @ X.T)  # (..., s)
    return torch.nn.functional.softplus(-margins).mean(-1) + lam / 2 * (w**2).sum(-1)


def _logistic_args(w, X, y, lam):
    w = _float("w", w, ndim=1)
    X, y = _float("X", X, like=w), _float("y", y, like=w)
    v.require_ndim("X", X, 2)
    v.require_shape("w", w, (..., X.shape[1]), match="X (s, n)")
    v.require_shape("y", y, (X.shape[0],), match="X (s, n)")
    if not ((y == 1) | (y == -1)).all():
        raise ValueError(f"y must hold labels -1 or +1, got {y.tolist()}")
    return w, X, y, v.require_positive_scalar("lam", lam, strict=False)


def logistic_grad(w, X, y, lam: float = 0.0) -> torch.Tensor:
    r"""Gradient of :func:`logistic_loss`: :math:`-\frac1s\sum_i\sigma(-y_i\mathbf x_i^\top\mathbf w)\,y_i\mathbf x_i+\lambda\mathbf w`.

    >>> logistic_grad([0.0, 0.0], [[1.0, 0.0]], [1.0]).tolist()
    [-0.5, 0.0]
    """
    w, X, y, lam = _logistic_args(w, X, y, lam)
    weights = torch.sigmoid(-y * (w @ X.T)) * y  # (..., s)
    return -(weights @ X) / X.shape[0] + lam * w


# --- measurements batched over many problems ------------------------------------------------------------

def _log_norm(factor: torch.Tensor, steps: int) -> torch.Tensor:
    """log ‖x_T‖ for x_0 = 1 and per-mode factors |1 − ηλ_i|, without overflow."""
    return torch.logsumexp(2 * steps * torch.log(factor.clamp_min(1e-300)), -1) / 2


def measured_contraction(eigenvalues, eta, steps: int = 200) -> torch.Tensor:
    r"""Per-step contraction actually observed: :math:`(\|\mathbf x_T\|/\|\mathbf x_0\|)^{1/T}` from :math:`\mathbf x_0=\mathbf 1`.

    Book label: ``gd.quadratic-optimal-lr`` (the measured counterpart of :func:`gd_spectral_radius`).
    ``eigenvalues`` : ``(..., d)`` for a batch of quadratics; ``eta`` : ``(...)``. Returns ``(...)``.

    >>> round(float(measured_contraction([1.0, 100.0], 2 / 101, 400)), 3)
    0.98
    """
    lam = _float("eigenvalues", eigenvalues, ndim=1)
    steps = v.require_int("steps", steps, minimum=1)
    eta = _pos("eta", eta, like=lam)
    factor = (1 - eta[..., None] * lam).abs()  # (..., d)
    return torch.exp((_log_norm(factor, steps) - 0.5 * math.log(lam.shape[-1])) / steps)


def empirical_stability_threshold(eigenvalues, steps: int = 2000, iters: int = 40) -> torch.Tensor:
    r"""The largest step for which gradient descent, actually run, still shrinks :math:`\|\mathbf x_T\|`.

    Bisection on η (batched over problems): a step counts as stable if the iterates still shrink at the end,
    :math:`\|\mathbf x_T\|<\|\mathbf x_{T/2}\|`, after ``steps`` iterations of :func:`gd_quadratic` from :math:`\mathbf x_0=\mathbf 1`. Theory:
    :math:`2/\lambda_{\max}`. ``eigenvalues`` : ``(..., d)``. Returns ``(...)``.

    >>> round(float(empirical_stability_threshold([1.0, 4.0])), 4)
    0.5
    """
    lam = _pos("eigenvalues", eigenvalues)
    v.require_min_ndim("eigenvalues", lam, 1)
    steps, iters = v.require_int("steps", steps, minimum=1), v.require_int("iters", iters, minimum=1)
    lo = torch.zeros(lam.shape[:-1], dtype=lam.dtype, device=lam.device)
    hi = 4 / lam.amax(-1)
    for _ in range(iters):
        mid = (lo + hi) / 2
        factor = (1 - mid[..., None] * lam).abs()
        shrinks = _log_norm(factor, steps) < _log_norm(factor, steps // 2)
        lo, hi = torch.where(shrinks, mid, lo), torch.where(shrinks, hi, mid)
    return lo
