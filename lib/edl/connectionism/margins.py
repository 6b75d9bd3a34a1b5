"""The largest margin of a homogeneous separator, the γ of Novikoff's theorem at its best.

Chapter 1 (section "Experiment: Novikoff's bound on many random data sets"). Novikoff's bound
:math:`(R/\\gamma)^2` holds for every unit vector that separates the data with margin :math:`\\gamma`, so
the tightest bound uses the largest such margin, that of the homogeneous hard-margin program

.. math:: \\gamma^*=\\max_{\\|\\boldsymbol\\theta\\|=1}\\min_i y_i\\,\\mathbf x_i\\cdot\\boldsymbol\\theta
          =\\frac1{\\|\\mathbf w^*\\|},\\qquad
          \\mathbf w^*=\\arg\\min_{\\mathbf w}\\tfrac12\\|\\mathbf w\\|^2\\ \\ \\text{s.t.}\\ \\
          y_i\\,\\mathbf x_i\\cdot\\mathbf w\\ge1\\ \\forall i .

(:func:`edl.connectionism.perceptron.max_margin_classifier` solves the affine program, with a bias.)
The program is a *least-distance program*, which Lawson and Hanson reduce to one non-negative least
squares problem; ``scipy.optimize.nnls`` solves that exactly by an active-set method, far faster than a
general quadratic-programming solver. Tensors in, tensors out; dtype and device follow ``x``.
"""

import numpy as np
import torch
from scipy.optimize import nnls

from edl.core import validate as v


def _ldp(z: np.ndarray) -> np.ndarray | None:
    """The shortest w with z_i · w >= 1 for every row z_i, or None where no w exists.

    Lawson and Hanson's reduction: with E = [zᵀ; 1ᵀ] and f = (0, …, 0, 1), solve min ‖E u − f‖ over u ≥ 0;
    the residual r = E u − f is zero exactly when the constraints are infeasible, and otherwise
    w = −r[:n] / r[n]. Only r[n] is tested: |r[n]| ≤ ‖r‖, so a small ‖r‖ makes r[n] small too.
    """
    s, n = z.shape
    E = np.vstack([z.T, np.ones((1, s))])
    f = np.zeros(n + 1)
    f[n] = 1.0
    u, _ = nnls(E, f, maxiter=50 * (n + s))
    r = E @ u - f
    if abs(r[n]) < 1e-12:
        return None
    return -r[:n] / r[n]


def homogeneous_max_margin(x, y) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The maximum-margin direction through the origin and its margin :math:`\gamma^*` (batched).

    .. math:: \gamma^*=\max_{\|\boldsymbol\theta\|=1}\min_i y_i\,\mathbf x_i\cdot\boldsymbol\theta
              =\min_{\boldsymbol\lambda\in\Delta_s}\Big\|\sum_i\lambda_iy_i\mathbf x_i\Big\|

    The second form (the distance from the origin to the convex hull of the points :math:`y_i\mathbf x_i`)
    is the dual program; both are attained, and they are equal whenever the data are separable.

    ``x`` : points ``(..., s, n)``; ``y`` : labels ±1, ``(..., s)``. Returns ``(theta, gamma)``: the unit
    vector :math:`\boldsymbol\theta^*`, shape ``(..., n)``, and :math:`\gamma^*`, shape ``x.shape[:-2]``.
    Raises ``ValueError`` when a data set is not separable by a hyperplane through the origin, or only
    with :math:`\gamma^*` below about :math:`10^{-6}` times the largest coordinate of ``y x`` (the
    solver's resolution). Every
    unit separator has margin at most :math:`\gamma^*`, so :math:`(R/\gamma^*)^2` is the smallest of
    Novikoff's bounds for the data.

    >>> theta, gamma = homogeneous_max_margin([[1.0, 0.0], [0.0, 1.0]], [1, 1])
    >>> [round(t, 4) for t in theta.tolist()], round(float(gamma), 4)   # θ* = (1, 1)/√2, γ* = 1/√2
    ([0.7071, 0.7071], 0.7071)
    >>> round(float(homogeneous_max_margin([[2.0, 1.0], [-2.0, 1.0]], [1, -1])[1]), 4)  # γ* = 2, not 1/√…
    2.0
    """
    x = v.as_float_tensor("x", x)
    v.require_finite("x", x)
    v.require_ndim("x", x, (2, 3))
    y = v.as_float_tensor("y", y)
    if y.shape != x.shape[:-1]:
        raise ValueError(f"y must have shape x.shape[:-1] = {tuple(x.shape[:-1])}, got {tuple(y.shape)}")
    if not ((y == 1) | (y == -1)).all():
        raise ValueError(f"y must hold labels -1 or +1, got {y.unique().tolist()}")
    z = y.detach().cpu().double().numpy()[..., None] * x.detach().cpu().double().numpy()
    single = z.ndim == 2
    z = z[None] if single else z
    thetas, gammas = [], []
    for k, zk in enumerate(z):
        scale = np.abs(zk).max()  # the program in units of the largest coordinate: the tolerance is relative
        w = None if scale == 0 else _ldp(zk / scale)
        if w is None or (zk @ w).min() <= 0:
            where = "" if single else f" (data set {k})"
            raise ValueError(f"x, y must be separable by a hyperplane through the origin{where}: "
                             f"the hard-margin program is infeasible")
        norm = np.linalg.norm(w)
        thetas.append(w / norm)
        gammas.append((zk @ w).min() / norm)  # = 1/‖w‖ at the optimum, computed from the data
    theta = torch.as_tensor(np.stack(thetas), dtype=x.dtype, device=x.device)
    gamma = torch.as_tensor(np.array(gammas), dtype=x.dtype, device=x.device)
    return (theta[0], gamma[0]) if single else (theta, gamma)
