"""Exercises of chapter 2, part B (expressivity); each reference is an independent route."""

import numpy as np
import scipy.optimize
import torch

from edl.exercises.core import exercise
from edl.relu_regions import zigzag_layer


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


@exercise("ch02.ex.relu-zaslavsky", function="max_regions",
          cases=[(3, 1), (4, 2), (6, 2), (5, 3), (6, 3), (2, 4)], atol=0, rtol=0,
          hint="count the subsets of at most n hyperplanes: sum over i <= min(n, m) of binom(m, i)")
def _max_regions(m, n):
    # Independent of the formula: enumerate the regions of a random (general-position) arrangement.
    return _lp_region_count(m, n, seed=m * 10 + n)


@exercise("ch02.ex.relu-hinge", function="hinge_coefficients_of",
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


@exercise("ch02.ex.relu-zigzag-pieces", function="zigzag_pieces",
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


@exercise("ch02.ex.ae-optimal-loss", function="linear_ae_min_loss",
          cases=[([[3.0, 0.0], [0.0, 1.0]], 1), ([[1.0, 2.0, 0.5], [0.0, 1.0, -1.0], [2.0, 0.0, 1.0]], 1),
                 ([[1.0, 2.0, 0.5], [0.0, 1.0, -1.0], [2.0, 0.0, 1.0]], 2)],
          hint="Eckart–Young: the sum of the squared singular values you cannot keep")
def _ae_min_loss(X, k):
    # Independent route: the residual of projecting X onto the top-k eigenvectors of X Xᵀ.
    X = np.asarray(X, float)
    _, U = np.linalg.eigh(X @ X.T)
    Uk = U[:, ::-1][:, :k]
    return float(((X - Uk @ Uk.T @ X) ** 2).sum())
