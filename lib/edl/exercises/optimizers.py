"""Exercises of chapter 3's sections on SGD, momentum and adaptive methods; each reference is an independent route."""

import torch

from edl.exercises.core import exercise


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
