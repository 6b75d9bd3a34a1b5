"""Exercises of chapter 3 (backpropagation and gradient descent; SGD, momentum and adaptive methods);
each reference is an independent route."""

import numpy as np
import scipy.optimize
import torch

from edl.core.exercises import exercise
from edl.optimization.descent import nonconvex_gradnorm_bound


_W1 = [[0.5, -1.0, 0.25], [1.5, 0.3, -0.7]]
_W2 = [[1.0, -2.0], [0.4, 0.9]]


@exercise("ch03.ex.backprop-two-layer", function="two_layer_weight_gradient",
          cases=[(_W1, [0.1, -0.2], _W2, [0.0, 0.3], [1.0, 2.0, -1.0], [0.5, -0.5]),
                 (_W1, [0.0, 0.0], _W2, [0.0, 0.0], [0.0, 0.0, 0.0], [1.0, 1.0]),
                 ([[2.0, -1.0]], [0.5], [[1.0], [-3.0]], [0.2, 0.1], [0.3, 0.8], [0.0, 1.0])],
          atol=1e-10, rtol=1e-8,
          hint="δ² = 2(ŷ − y) (linear output), δ¹ = (W²ᵀδ²) ⊙ (1 − h²); ∂L/∂W¹ = δ¹ xᵀ")
def _two_layer_weight_gradient(W1, b1, W2, b2, x, y):
    W1 = torch.tensor(W1, dtype=torch.float64, requires_grad=True)
    h = torch.tanh(W1 @ torch.tensor(x, dtype=torch.float64) + torch.tensor(b1, dtype=torch.float64))
    y_hat = torch.tensor(W2, dtype=torch.float64) @ h + torch.tensor(b2, dtype=torch.float64)
    loss = ((y_hat - torch.tensor(y, dtype=torch.float64)) ** 2).sum()
    return torch.autograd.grad(loss, W1)[0].numpy()


@exercise("ch03.ex.gd-optimal-step", function="optimal_step_and_rate",
          cases=[([[2.0, 0.0], [0.0, 18.0]],), ([[3.0, 1.0], [1.0, 3.0]],), ([[1.0, 0.0, 0.0], [0.0, 5.0, 2.0], [0.0, 2.0, 5.0]],),
                 ([[4.0]],)],
          atol=1e-6, rtol=1e-6,
          hint="η* = 2/(λ_max + λ_min) and ρ* = (κ − 1)/(κ + 1) with κ = λ_max/λ_min (eigenvalues of Q)")
def _optimal_step_and_rate(Q):
    Q = np.asarray(Q, dtype=np.float64)
    radius = lambda eta: np.abs(np.linalg.eigvals(np.eye(len(Q)) - eta * Q)).max()  # noqa: E731
    upper = 2 / np.abs(np.linalg.eigvals(Q)).max()
    res = scipy.optimize.minimize_scalar(radius, bounds=(0, upper), method="bounded", options={"xatol": 1e-12})
    return np.array([res.x, radius(res.x)])


@exercise("ch03.ex.gd-stationarity-steps", function="stationarity_steps",
          cases=[(1.0, 1.0, 0.1), (10.0, 2.5, 0.01), (4.0, 0.5, 1.0), (2.0, 3.0, 0.05), (8.0, 0.0, 0.1)], atol=0, rtol=0,
          hint="after t steps, min ‖∇f‖² ≤ 2L(f₀ − f*)/(t + 1); find the smallest whole t that makes this ≤ ε²")
def _stationarity_steps(L, f_gap, eps):
    # Independent of the closed form: doubling, then bisection, on the bound itself.
    def enough(t):
        return float(nonconvex_gradnorm_bound(f_gap, 1 / L, t)) <= eps**2 * (1 + 1e-12)
    if enough(0):
        return 0
    hi = 1
    while not enough(hi):
        hi *= 2
    lo = hi // 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if enough(mid) else (mid, hi)
    return hi


@exercise("ch03.ex.adam-step", function="adam_update",
          cases=[([0.0], [3.0], [0.0], [0.0], 1, 0.1, 0.9, 0.999, 1e-8),
                 ([1.0, -2.0], [0.5, -0.1], [0.2, 0.0], [0.01, 0.3], 2, 0.01, 0.9, 0.999, 1e-8),
                 ([0.3, 0.3, 0.3], [1.0, -1.0, 2.0], [0.1, -0.2, 0.4], [0.5, 0.5, 0.5], 10, 0.05, 0.8, 0.99, 1e-8),
                 ([2.0], [-4.0], [1.0], [2.0], 100, 0.001, 0.5, 0.9, 0.0)],
          atol=1e-12, rtol=1e-9,
          hint="update m and v first, then divide them by 1 - beta1**t and 1 - beta2**t; eps goes outside the square root")
def _adam_update(theta, grad, m, v, t, lr, beta1, beta2, eps):
    # Independent route: torch.optim.Adam, started from the given state (m_{t-1}, v_{t-1}, t - 1 steps done).
    p = torch.nn.Parameter(torch.tensor(theta, dtype=torch.float64))
    opt = torch.optim.Adam([p], lr=lr, betas=(beta1, beta2), eps=eps)
    opt.state[p] = {"step": torch.tensor(float(t - 1)), "exp_avg": torch.tensor(m, dtype=torch.float64),
                    "exp_avg_sq": torch.tensor(v, dtype=torch.float64)}
    p.grad = torch.tensor(grad, dtype=torch.float64)
    opt.step()
    return p.detach().numpy()


@exercise("ch03.ex.sgd-noise-floor", function="sgd_floor_mean",
          cases=[(0.1, 1 / 3), (0.5, 1.0), (1.0, 2.0), (1.5, 0.2), (0.01, 4.0)], atol=1e-12, rtol=1e-9,
          hint="write x_{k+1} - E a = (1 - eta)(x_k - E a) + eta (E a - a_k), take E of the square, and set "
               "the variance at step k + 1 equal to the variance at step k")
def _sgd_floor_mean(eta, sigma2):
    # Independent route: iterate the variance recursion v <- (1 - eta)^2 v + eta^2 sigma^2 to its fixed point.
    v = 0.0
    for _ in range(200_000):
        new = (1 - eta) ** 2 * v + eta**2 * sigma2
        if abs(new - v) <= 1e-16 * max(1.0, new):
            return new
        v = new
    return v
