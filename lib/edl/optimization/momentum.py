r"""Momentum and acceleration: heavy-ball and Nesterov steps, their tuning and rates, and an SGD look-alike.

Chapter 3, section "Momentum and acceleration" (``momentum.*``). Each update rule is a pure function
(state in, state out) whose docstring states the formula; the class :class:`SGD` wraps them behind the
``torch.optim.Optimizer`` interface and keeps PyTorch's argument names, so a test can run it side by
side with ``torch.optim.SGD``. The adaptive methods and their look-alikes are in
:mod:`edl.optimization.adaptive`.

Symbols → arguments: step size :math:`\eta` → ``lr``; momentum :math:`\beta` → ``momentum``.
"""

import math

import torch

from edl.core import validate as v


def _float(name, value, like=None):
    t = v.as_float_tensor(name, value, like=like)
    v.require_finite(name, t)
    return t


def _fraction(name, value):
    return v.require_probability(name, value, open_high=True)


def _state(theta_name, theta, **state):
    """``theta`` and tensors of its shape (its gradient, its optimizer state), in its dtype and device."""
    theta = _float(theta_name, theta)
    out = [theta]
    for name, value in state.items():
        t = _float(name, value, like=theta)
        v.require_same_shape(name, t, theta_name, theta)
        out.append(t)
    return out


def _lr(lr):
    return v.require_positive_scalar("lr", lr)


# --- momentum -------------------------------------------------------------------------------------

def heavy_ball_step(theta, theta_prev, grad, lr: float, momentum: float) -> torch.Tensor:
    r"""Polyak's heavy-ball step.

    .. math:: \boldsymbol\theta_{t+1}=\boldsymbol\theta_t-\eta\nabla h(\boldsymbol\theta_t)
              +\beta(\boldsymbol\theta_t-\boldsymbol\theta_{t-1})

    Book label: ``momentum.heavy-ball``. Equivalent to :math:`\mathbf v_{t+1}=\beta\mathbf v_t+\nabla h`,
    :math:`\boldsymbol\theta_{t+1}=\boldsymbol\theta_t-\eta\mathbf v_{t+1}` (``torch.optim.SGD`` with
    ``momentum``). ``grad`` : :math:`\nabla h(\boldsymbol\theta_t)`.

    >>> heavy_ball_step([1.0], [0.0], [2.0], 0.1, 0.5).tolist()  # 1 - 0.2 + 0.5
    [1.3]
    """
    theta, theta_prev, grad = _state("theta", theta, theta_prev=theta_prev, grad=grad)
    lr, momentum = _lr(lr), _fraction("momentum", momentum)
    return theta - lr * grad + momentum * (theta - theta_prev)


def nesterov_step(theta, theta_prev, gradient, lr: float, momentum: float) -> torch.Tensor:
    r"""Nesterov's accelerated step: extrapolate, then take the gradient step at the look-ahead point.

    .. math:: \tilde{\boldsymbol\theta}_{t+1}=\boldsymbol\theta_t+\beta(\boldsymbol\theta_t-\boldsymbol\theta_{t-1}),
              \qquad\boldsymbol\theta_{t+1}=\tilde{\boldsymbol\theta}_{t+1}-\eta\nabla h(\tilde{\boldsymbol\theta}_{t+1})

    Book label: ``momentum.nesterov``. ``gradient`` : a function returning :math:`\nabla h` at a point.

    >>> nesterov_step([1.0], [0.0], lambda p: 2 * p, 0.25, 0.5).tolist()  # look-ahead 1.5, minus 0.25·3
    [0.75]
    """
    theta, theta_prev = _state("theta", theta, theta_prev=theta_prev)
    v.require_callable("gradient", gradient)
    lr, momentum = _lr(lr), _fraction("momentum", momentum)
    ahead = theta + momentum * (theta - theta_prev)
    return ahead - lr * gradient(ahead)


def heavy_ball_optimal(mu: float, L: float) -> tuple[float, float, float]:
    r"""Polyak's tuning for quadratics with spectrum in :math:`[\mu,L]`: step, momentum and rate.

    .. math:: \eta=\frac4{(\sqrt L+\sqrt\mu)^2},\qquad\beta=\Big(\frac{\sqrt\kappa-1}{\sqrt\kappa+1}\Big)^2,
              \qquad\text{rate}=\frac{\sqrt\kappa-1}{\sqrt\kappa+1},\quad\kappa=\frac L\mu

    Book label: ``momentum.heavy-ball``. Returns ``(lr, momentum, rate)``.

    >>> [round(x, 6) for x in heavy_ball_optimal(1.0, 100.0)]
    [0.033058, 0.669421, 0.818182]
    """
    mu, L = v.require_scalar("mu", mu), v.require_scalar("L", L)
    v.require_positive("mu", mu)
    if L < mu:
        raise ValueError(f"L must be at least mu = {mu}, got {L}")
    q = (math.sqrt(L / mu) - 1) / (math.sqrt(L / mu) + 1)
    return 4 / (math.sqrt(L) + math.sqrt(mu)) ** 2, q**2, q


def momentum_matrix(lam, lr: float, momentum: float, lookahead: bool = False) -> torch.Tensor:
    r"""The 2x2 iteration matrix of heavy ball (or Nesterov) on the eigen-direction with curvature :math:`\lambda`.

    .. math:: \begin{pmatrix}e_{t+1}\\e_t\end{pmatrix}=\begin{pmatrix}1+\beta-\eta\lambda(1+\gamma\beta)&-\beta(1-\gamma\eta\lambda)\\1&0\end{pmatrix}
              \begin{pmatrix}e_t\\e_{t-1}\end{pmatrix},\qquad\gamma=1\text{ for Nesterov, }0\text{ for heavy ball}

    Book label: ``momentum.heavy-ball``. ``lam`` : curvature(s), shape (...). Returns shape (..., 2, 2).
    Its spectral radius is the asymptotic contraction factor per step.

    >>> momentum_matrix(1.0, 0.5, 0.0).tolist()  # gradient descent: e ← (1 - ηλ) e
    [[0.5, -0.0], [1.0, 0.0]]
    """
    lam = _float("lam", lam)
    lr, momentum = _lr(lr), _fraction("momentum", momentum)
    g = 1.0 if v.require_bool("lookahead", lookahead) else 0.0
    top = torch.stack([1 + momentum - lr * lam * (1 + g * momentum), -momentum * (1 - g * lr * lam)], -1)
    bottom = torch.stack([torch.ones_like(lam), torch.zeros_like(lam)], -1)
    return torch.stack([top, bottom], -2)


def nesterov_parameters(mu: float, L: float) -> tuple[float, float]:
    r"""Step and momentum of Nesterov's method for :math:`L`-smooth, :math:`\mu`-strongly convex functions.

    .. math:: \kappa=\frac L\mu,\qquad\beta=\frac{\sqrt\kappa-1}{\sqrt\kappa+1},\qquad\eta=\frac1L

    Book label: ``momentum.nesterov``. Returns ``(lr, momentum)``.

    >>> [round(v, 6) for v in nesterov_parameters(1.0, 100.0)]  # η = 1/L, β = 9/11
    [0.01, 0.818182]
    """
    mu, L = v.require_scalar("mu", mu), v.require_scalar("L", L)
    v.require_positive("mu", mu)
    if L < mu:
        raise ValueError(f"L must be at least mu = {mu}, got {L}")
    kappa = L / mu
    return 1 / L, (math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)


def nesterov_bound(k, mu: float, L: float, dist0: float) -> torch.Tensor:
    r"""Nesterov's guarantee for strongly convex functions.

    .. math:: f(\mathbf x^k)-f(\mathbf x^*)\le L\Big(1-\frac1{\sqrt\kappa}\Big)^k\|\mathbf x^0-\mathbf x^*\|^2

    Book label: ``momentum.nesterov``. ``dist0`` : :math:`\|\mathbf x^0-\mathbf x^*\|^2`. (The standard
    sharper constant is :math:`(L+\mu)/2` in place of :math:`L`.)

    >>> float(nesterov_bound(2, 1.0, 4.0, 1.0))  # 4 (1 - 1/2)²
    1.0
    """
    k = _float("k", k)
    v.require_positive("k", k, strict=False)
    mu, L = v.require_positive_scalar("mu", mu), v.require_positive_scalar("L", L)
    if L < mu:
        raise ValueError(f"L must be at least mu = {mu}, got {L}")
    return L * (1 - math.sqrt(mu / L)) ** k * v.require_positive_scalar("dist0", dist0, strict=False)


def iterations_to_tolerance(curvatures, x0, lr, momentum, *, lookahead: bool, tol: float,
                            max_iter: int = 100_000) -> torch.Tensor:
    r"""Iterations until :math:`\|\mathbf x_t-\mathbf x^*\|\le\text{tol}\cdot\|\mathbf x_0-\mathbf x^*\|` on diagonal quadratics, batched.

    :math:`f(\mathbf x)=\frac12\sum_j\lambda_jx_j^2` (so :math:`\mathbf x^*=0`); the method is
    :math:`\mathbf x_{t+1}=\mathbf x_t+\beta(\mathbf x_t-\mathbf x_{t-1})-\eta\nabla f(\mathbf x_t+\gamma\beta(\mathbf x_t-\mathbf x_{t-1}))`
    with :math:`\gamma=1` (Nesterov, ``lookahead=True``) or 0 (heavy ball; :math:`\beta=0` is gradient
    descent). ``curvatures`` : :math:`\lambda`, shape (B, d); ``x0`` : (d,) or (B, d); ``lr``,
    ``momentum`` : scalars or shape (B,). Returns the counts, shape (B,); ``max_iter`` where not reached.
    Book label: ``momentum.acceleration-optimality``.

    >>> int(iterations_to_tolerance([[1.0, 1.0]], [1.0, 1.0], 0.5, 0.0, lookahead=False, tol=0.1)[0])  # 0.5^t <= 0.1
    4
    """
    lam = _float("curvatures", curvatures)
    v.require_ndim("curvatures", lam, 2)
    v.require_positive("curvatures", lam)
    x = _float("x0", x0, like=lam)
    v.require_broadcast("x0", x, lam.shape, to="the curvatures'")
    x = x.expand_as(lam).clone()
    lr, beta = _float("lr", lr, like=lam), _float("momentum", momentum, like=lam)
    v.require_positive("lr", lr)
    if ((beta < 0) | (beta >= 1)).any():
        raise ValueError(f"momentum must lie in [0, 1), got {v._show(beta.tolist())}")
    for name, t in (("lr", lr), ("momentum", beta)):
        v.require_broadcast(name, t, lam.shape[:1], to="one per problem,")
    lr, beta = lr.reshape(-1, 1), beta.reshape(-1, 1)
    lookahead = v.require_bool("lookahead", lookahead)
    tol = v.require_positive_scalar("tol", tol)
    max_iter = v.require_int("max_iter", max_iter, minimum=1)
    gamma = 1.0 if lookahead else 0.0
    target = tol**2 * (x * x).sum(-1)
    count = torch.full(lam.shape[:1], max_iter, dtype=torch.long, device=lam.device)
    done = torch.zeros_like(count, dtype=torch.bool)
    prev = x.clone()
    for t in range(1, max_iter + 1):
        velocity = beta * (x - prev)
        prev, x = x, x + velocity - lr * lam * (x + gamma * velocity)
        reached = ((x * x).sum(-1) <= target) & ~done
        if reached.any():
            count[reached] = t
            done |= reached
            if done.all():
                break
    return count


# --- the torch.optim look-alikes ------------------------------------------------------------------

class PerParameter(torch.optim.Optimizer):
    """A ``torch.optim.Optimizer`` whose step applies one pure update rule to every parameter with a gradient.

    A subclass implements ``update(p, grad, state, group)``: the new value of ``p``, given its gradient,
    its state (a dict the rule reads and writes) and its parameter group's settings.
    """

    def __init__(self, params, defaults):
        if not isinstance(defaults, dict):
            raise ValueError(f"defaults must be a dict of hyperparameters, got {v._show(defaults)}")
        super().__init__(v.require_params("params", params), defaults)

    def update(self, p, grad, state, group):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    @torch.no_grad()
    def step(self, closure=None):
        loss = None if closure is None else _closure(closure)
        for group in self.param_groups:
            for p in (p for p in group["params"] if p.grad is not None):
                p.copy_(self.update(p, p.grad, self.state[p], group))
        return loss


class SGD(PerParameter):
    r"""SGD with heavy-ball or Nesterov momentum, as ``torch.optim.SGD`` (dampening 0).

    :math:`\mathbf b_t=\beta\mathbf b_{t-1}+\mathbf g_t` (with :math:`\mathbf b_1=\mathbf g_1`); the step is
    :math:`-\eta\mathbf b_t` (heavy ball) or :math:`-\eta(\mathbf g_t+\beta\mathbf b_t)` (``nesterov=True``,
    Nesterov's method written at the look-ahead point). ``lr`` :math:`\eta`, ``momentum`` :math:`\beta`,
    ``weight_decay`` adds :math:`\lambda\boldsymbol\theta` to the gradient.
    Book labels: ``momentum.heavy-ball``, ``momentum.nesterov``.
    """

    def __init__(self, params, lr: float = 1e-3, momentum: float = 0.0, nesterov: bool = False,
                 weight_decay: float = 0.0):
        lr, momentum = _lr(lr), _fraction("momentum", momentum)
        nesterov, weight_decay = v.require_bool("nesterov", nesterov), _decay(weight_decay)
        if nesterov and momentum == 0:
            raise ValueError("nesterov=True needs momentum > 0, got momentum=0")
        super().__init__(params, dict(lr=lr, momentum=momentum, nesterov=nesterov, weight_decay=weight_decay))

    def update(self, p, grad, state, group):
        g = grad + group["weight_decay"] * p
        beta = group["momentum"]
        if beta:
            buf = state.get("momentum_buffer")
            buf = g.clone() if buf is None else beta * buf + g
            state["momentum_buffer"] = buf
            g = g + beta * buf if group["nesterov"] else buf
        return p - group["lr"] * g


def _decay(weight_decay):
    return v.require_positive_scalar("weight_decay", weight_decay, strict=False)


def _closure(closure):
    with torch.enable_grad():
        return closure()
