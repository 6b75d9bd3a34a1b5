"""Exercises of chapter 2, part A; each reference is an independent route (autograd, torch.logsumexp)."""

import torch

from edl.exercises.core import exercise

_X = [[1.0, 2.0, 0.5], [0.0, -1.0, 3.0], [2.0, 0.5, -1.0], [1.5, 1.0, 1.0]]
_Y = [1.0, -2.0, 0.5, 3.0]


@exercise("ch02.ex.lsq-gradient", function="lsq_gradient",
          cases=[(_X, _Y, [0.0, 0.0, 0.0]), (_X, _Y, [1.0, -1.0, 0.5]),
                 ([[1.0, 0.0], [0.0, 1.0]], [3.0, -4.0], [1.0, 1.0])],
          atol=1e-10, rtol=1e-10,
          hint="h(w) = ‖Xw − y‖² / (2s) averages over the s rows of X; its gradient is (XᵀXw − Xᵀy) / s")
def _lsq_gradient(X, y, w):
    X, y = torch.tensor(X, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
    w = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    ((X @ w - y) ** 2).mean().div(2).backward()
    return w.grad


@exercise("ch02.ex.log-sum-exp", function="stable_log_sum_exp",
          cases=[([0.0, 0.0],), ([1.0, 2.0, 3.0],), ([1000.0, 1000.5, 999.0],), ([-1000.0, -1001.0],),
                 ([710.0, -710.0, 0.0],)],
          atol=1e-9, rtol=1e-12,
          hint="factor out e^m with m = max z before exponentiating, so that no exponential overflows")
def _log_sum_exp(z):
    return torch.logsumexp(torch.tensor(z, dtype=torch.float64), 0)


@exercise("ch02.ex.softmax-jacobian", function="softmax_jacobian_matrix",
          cases=[([0.0, 0.0],), ([1.0, 2.0, 3.0],), ([0.5, -1.0, 2.0, 0.0],), ([300.0, 301.0, 299.0],)],
          atol=1e-12, rtol=1e-9,
          hint="∂s_i/∂z_j = s_i(δ_ij − s_j): diag(s) − s sᵀ, with s the (stable) softmax of z")
def _softmax_jacobian(z):
    return torch.autograd.functional.jacobian(lambda u: torch.softmax(u, 0), torch.tensor(z, dtype=torch.float64))
