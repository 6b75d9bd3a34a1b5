"""Exercises of chapter 2 (linear and logistic models; expressivity); each reference is an
independent route (autograd, torch.logsumexp, scipy.optimize)."""

import numpy as np
import scipy.optimize
import torch

from edl.core.exercises import exercise
from edl.feedforward.relu_regions import zigzag_layer


_X = [[1.0, 2.0, 0.5], [0.0, -1.0, 3.0], [2.0, 0.5, -1.0], [1.5, 1.0, 1.0]]
_Y = [1.0, -2.0, 0.5, 3.0]


@exercise("ch02.ex.lsq-gradient", function="lsq_gradient", kind="implement", title="The least-squares gradient",
          cases=[(_X, _Y, [0.0, 0.0, 0.0]), (_X, _Y, [1.0, -1.0, 0.5]),
                 ([[1.0, 0.0], [0.0, 1.0]], [3.0, -4.0], [1.0, 1.0])],
          atol=1e-10, rtol=1e-10,
          hint="h(w) = ‖Xw − y‖² / (2s) averages over the s rows of X; its gradient is (XᵀXw − Xᵀy) / s")
def _lsq_gradient(X, y, w):
    X, y = torch.tensor(X, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
    w = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    ((X @ w - y) ** 2).mean().div(2).backward()
    return w.grad


@exercise("ch02.ex.log-sum-exp", function="stable_log_sum_exp", kind="implement", title="A stable log-sum-exp",
          cases=[([0.0, 0.0],), ([1.0, 2.0, 3.0],), ([1000.0, 1000.5, 999.0],), ([-1000.0, -1001.0],),
                 ([710.0, -710.0, 0.0],)],
          atol=1e-9, rtol=1e-12,
          hint="factor out e^m with m = max z before exponentiating, so that no exponential overflows")
def _log_sum_exp(z):
    return torch.logsumexp(torch.tensor(z, dtype=torch.float64), 0)


@exercise("ch02.ex.softmax-jacobian", function="softmax_jacobian_matrix", kind="implement",
          title="The softmax Jacobian",
          cases=[([0.0, 0.0],), ([1.0, 2.0, 3.0],), ([0.5, -1.0, 2.0, 0.0],), ([300.0, 301.0, 299.0],)],
          atol=1e-12, rtol=1e-9,
          hint="∂s_i/∂z_j = s_i(δ_ij − s_j): diag(s) − s sᵀ, with s the (stable) softmax of z")
def _softmax_jacobian(z):
    return torch.autograd.functional.jacobian(lambda u: torch.softmax(u, 0), torch.tensor(z, dtype=torch.float64))


def _lp_region_count(m: int, n: int, seed: int) -> int:
    """Regions of m random affine hyperplanes in R^n, by testing every sign pattern with an LP."""
    rng = np.random.default_rng(seed)
    W, b = rng.normal(size=(m, n)), rng.normal(size=m)
    count = 0
    for code in range(2**m):
        s = np.where((code >> np.arange(m)) & 1, 1.0, -1.0)
        res = scipy.optimize.linprog(np.r_[np.zeros(n), -1.0], A_ub=np.hstack([-s[:, None] * W, np.ones((m, 1))]),
                                     b_ub=s * b, bounds=[(-1e4, 1e4)] * n + [(None, 1.0)], method="highs")
        count += bool(res.status == 0 and -res.fun > 1e-9)
    return count


@exercise("ch02.ex.relu-zaslavsky", function="max_regions", kind="implement",
          title="Regions of a hyperplane arrangement",
          cases=[(3, 1), (4, 2), (6, 2), (5, 3), (6, 3), (2, 4)], atol=0, rtol=0,
          hint="count the subsets of at most n hyperplanes: sum over i <= min(n, m) of binom(m, i)")
def _max_regions(m, n):
    # Independent of the formula: enumerate the regions of a random (general-position) arrangement.
    return _lp_region_count(m, n, seed=m * 10 + n)


@exercise("ch02.ex.relu-hinge", function="hinge_coefficients_of", kind="implement",
          title="Hinge coefficients of an interpolant",
          cases=[([0.0, 1.0, 2.0], [0.0, 1.0, 0.0]), ([0.0, 0.5, 1.0, 2.0], [1.0, 2.0, 0.0, 3.0]),
                 ([-1.0, 0.0, 1.0], [1.0, 0.0, 1.0])],
          hint="a = first slope, b = g(x0) - a x0, c_i = slope after knot i minus slope before it")
def _hinge_coefficients(knots, values):
    # Independent route: least squares on the basis [x, 1, (x - x_i)+] sampled densely.
    knots, values = np.asarray(knots, float), np.asarray(values, float)
    x = np.linspace(knots[0], knots[-1], 2001)
    basis = np.column_stack([x, np.ones_like(x)] + [np.maximum(x - k, 0) for k in knots[1:-1]])
    coef = np.linalg.lstsq(basis, np.interp(x, knots, values), rcond=None)[0]
    return coef


@exercise("ch02.ex.relu-zigzag-pieces", function="zigzag_pieces", kind="implement",
          title="Pieces of composed zig-zags",
          cases=[(2, 1), (2, 3), (3, 2), (4, 2), (3, 3), (5, 1)], atol=0, rtol=0,
          hint="each zig-zag layer maps every piece of [0, 1] onto [0, 1] m times")
def _zigzag_pieces(m, L):
    # Independent route: count slope changes of the composed map at the exact breakpoints' midpoints.
    x = torch.linspace(0, 1, m**L * 8 + 1, dtype=torch.float64)
    z = x
    for _ in range(L):
        z = zigzag_layer(z, m)
    slope = torch.diff(z) / torch.diff(x)
    return 1 + int((torch.diff(slope).abs() > 1e-6).sum())


@exercise("ch02.ex.ae-optimal-loss", function="linear_ae_min_loss", kind="implement",
          title="The loss of the best linear autoencoder",
          cases=[([[3.0, 0.0], [0.0, 1.0]], 1), ([[1.0, 2.0, 0.5], [0.0, 1.0, -1.0], [2.0, 0.0, 1.0]], 1),
                 ([[1.0, 2.0, 0.5], [0.0, 1.0, -1.0], [2.0, 0.0, 1.0]], 2)],
          hint="Eckart–Young: the sum of the squared singular values you cannot keep")
def _ae_min_loss(X, k):
    # Independent route: the residual of projecting X onto the top-k eigenvectors of X Xᵀ.
    X = np.asarray(X, float)
    _, U = np.linalg.eigh(X @ X.T)
    Uk = U[:, ::-1][:, :k]
    return float(((X - Uk @ Uk.T @ X) ** 2).sum())
