r"""ReLU networks as piecewise-linear functions: activations, linear regions, depth, hinges.

Chapter 2, section "ReLU networks and piecewise-linear functions" (book labels ``relu.*``).

Counting regions. A width-:math:`m` ReLU layer :math:`\mathbf x\mapsto(W\mathbf x+\mathbf b)_+` on
:math:`\mathbb R^n` is linear on each cell of the arrangement of the :math:`m` hyperplanes
:math:`\mathbf w_i\cdot\mathbf x+b_i=0`, and the cell is named by its activation pattern
:math:`H(W\mathbf x+\mathbf b)\in\{0,1\}^m`. Three counts appear here, and only two are exact:

* :func:`count_regions_lp` tests every one of the :math:`2^m` sign patterns with a linear program
  (is the open cell non-empty?): exact, in any dimension, for small m;
* :func:`count_regions_plane` counts a line arrangement in the plane from its crossing points
  (Euler's formula): exact, vectorised, any m;
* :func:`count_regions_grid` collects the distinct patterns on a grid of points: a *lower bound*,
  since thin or far-away regions can fall between grid points.
"""

import math

import numpy as np
import scipy.optimize
import torch

from edl.core import validate as v
from edl.connectionism.cover import cover_count  # noqa: F401  (re-exported: a bias-free layer has Cover's C(m, n) regions)


def _float(name, value, like=None):
    t = v.as_float_tensor(name, value, like=like)
    v.require_finite(name, t)
    return t


def _layer(W, b, x=..., names=("W", "b")):
    """A layer's weights (m, n) and biases (m,), and points (..., n) if given."""
    W = _float(names[0], W)
    v.require_ndim(names[0], W, 2)
    b = _float(names[1], b, like=W)
    v.require_shape(names[1], b, (W.shape[0],), match=names[0])
    if x is ...:
        return W, b
    x = _float("x", x, like=W)
    v.require_shape("x", x, (..., W.shape[1]), match=names[0])
    return W, b, x


def _knots(name, t, like=None, *, increasing=False):
    t = _float(name, t, like=like)
    v.require_ndim(name, t, 1)
    if increasing and (torch.diff(t) <= 0).any():
        raise ValueError(f"{name} must be strictly increasing, got {t.tolist()}")
    return t


# --- the activation family --------------------------------------------------------------------------

def relu_identities(z) -> dict[str, torch.Tensor]:
    r"""ReLU, the absolute value and their interconversions, evaluated on ``z``.

    .. math:: (z)_+=\max\{0,z\}=\frac{z+|z|}2,\qquad |z|=2(z)_+-z=(z)_++(-z)_+

    Book label: ``relu.activation-family``. Returns the right-hand sides, keyed by formula.

    >>> out = relu_identities(torch.tensor([-2.0, 0.0, 3.0]))
    >>> out["(z+|z|)/2"].tolist(), out["(z)+ + (-z)+"].tolist()
    ([0.0, 0.0, 3.0], [2.0, 0.0, 3.0])
    """
    z = _float("z", z)
    return {"(z+|z|)/2": (z + z.abs()) / 2, "2(z)+ - z": 2 * torch.relu(z) - z, "(z)+ + (-z)+": torch.relu(z) + torch.relu(-z)}


def relu_subdifferential(z) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The subdifferential of ReLU as an interval [low, high] at each point.

    .. math:: \partial(z)_+=\begin{cases}\{1\}&z>0\\ [0,1]&z=0\\ \{0\}&z<0\end{cases},\qquad
              \partial f(z_0)=\{c: f(z)-f(z_0)\ge c(z-z_0)\ \forall z\}

    Book label: ``relu.activation-family``.

    >>> low, high = relu_subdifferential(torch.tensor([-1.0, 0.0, 2.0]))
    >>> low.tolist(), high.tolist()
    ([0.0, 0.0, 1.0], [0.0, 1.0, 1.0])
    """
    z = _float("z", z)
    return (z > 0).to(z.dtype), (z >= 0).to(z.dtype)


def leaky_relu(z, epsilon: float = 0.01) -> torch.Tensor:
    r"""Leaky ReLU: :math:`z` for :math:`z\ge0`, :math:`\epsilon z` otherwise. Book label: ``relu.activation-family``.

    >>> [round(v, 6) for v in leaky_relu(torch.tensor([-2.0, 3.0]), 0.1).tolist()]  # float32 in, float32 out
    [-0.2, 3.0]
    """
    z = _float("z", z)
    epsilon = v.require_positive_scalar("epsilon", epsilon, strict=False)
    return torch.where(z >= 0, z, epsilon * z)


def elu(z) -> torch.Tensor:
    r"""ELU: :math:`z` for :math:`z\ge0`, :math:`e^z-1` otherwise. Book label: ``relu.activation-family``.

    >>> elu(torch.tensor([0.0, 1.0])).tolist()
    [0.0, 1.0]
    """
    z = _float("z", z)
    return torch.where(z >= 0, z, torch.expm1(torch.clamp(z, max=0)))


def softplus(z) -> torch.Tensor:
    r"""Softplus :math:`\log(1+e^z)`, a smooth ReLU whose derivative is the logistic :math:`\sigma(z)`.

    Book label: ``relu.activation-family``. Computed as :math:`(z)_++\log(1+e^{-|z|})`, stable for any z.

    >>> round(float(softplus(torch.tensor(0.0, dtype=torch.float64))), 12) == round(math.log(2), 12)
    True
    """
    z = _float("z", z)
    return torch.relu(z) + torch.log1p(torch.exp(-z.abs()))


def relu_layer_jacobian(W, b, x) -> torch.Tensor:
    r"""Input Jacobian of a ReLU layer, batched over points.

    .. math:: \frac{\partial}{\partial x_j}\big(W\mathbf x+\mathbf b\big)_{+,i}=H(\mathbf w_i\cdot\mathbf x+b_i)\,W_{ij},
              \qquad\partial_{\mathbf x}(W\mathbf x+\mathbf b)_+=\operatorname{diag}\big(H(W\mathbf x+\mathbf b)\big)\,W

    Book labels: ``relu.activation-family``, ``relu.jacobian-sparsity`` (rows of inactive units are 0).
    ``W`` : ``(m, n)``; ``b`` : ``(m,)``; ``x`` : ``(..., n)``; returns ``(..., m, n)``.

    >>> W = torch.tensor([[1.0, 2.0], [-1.0, 1.0]], dtype=torch.float64)
    >>> relu_layer_jacobian(W, torch.zeros(2, dtype=torch.float64), torch.tensor([1.0, 0.0], dtype=torch.float64)).tolist()
    [[1.0, 2.0], [0.0, 0.0]]
    """
    W, b, x = _layer(W, b, x)
    active = x @ W.T + b > 0  # (..., m)
    return torch.where(active.unsqueeze(-1), W, torch.zeros((), dtype=W.dtype, device=W.device))


# --- counting linear regions ------------------------------------------------------------------------

def zaslavsky_bound(m: int, n: int) -> int:
    r"""Number of regions of :math:`m` affine hyperplanes in general position in :math:`\mathbb R^n` (and the maximum for any arrangement).

    .. math:: r(m,n)=\sum_{i=0}^{\min(n,m)}\binom mi\ \le 2^m

    Book label: ``relu.zaslavsky``.

    >>> zaslavsky_bound(6, 2), zaslavsky_bound(4, 4)
    (22, 16)
    """
    m, n = v.require_int("m", m, minimum=0), v.require_int("n", n, minimum=0)
    return sum(math.comb(m, i) for i in range(min(n, m) + 1))


def activation_patterns(W, b, x) -> torch.Tensor:
    r"""Activation patterns :math:`H(W\mathbf x+\mathbf b)\in\{0,1\}^m` of all points at once.

    Book label: ``relu.zaslavsky``. ``W`` : ``(m, n)``; ``b`` : ``(m,)``; ``x`` : ``(N, n)``; returns
    bool ``(N, m)``.

    >>> activation_patterns(torch.eye(2), torch.zeros(2), torch.tensor([[1.0, -1.0]])).tolist()
    [[True, False]]
    """
    W, b, x = _layer(W, b, x)
    return x @ W.T + b > 0


def pattern_codes(patterns) -> torch.Tensor:
    r"""Each boolean pattern as one integer :math:`\sum_i 2^i p_i` (for m ≤ 62), so patterns can be counted with ``unique``.

    >>> pattern_codes(torch.tensor([[True, False, True]])).tolist()
    [5]
    """
    patterns = v.as_tensor("patterns", patterns)  # bool or 0/1 numbers
    if patterns.ndim == 0 or not ((patterns == 0) | (patterns == 1)).all():
        raise ValueError(f"patterns must hold 0/1 (or bool) entries along a last axis, got {v._show(patterns)}")
    if patterns.shape[-1] > 62:
        raise ValueError(f"patterns must have at most 62 units, got {patterns.shape[-1]}")
    powers = 2 ** torch.arange(patterns.shape[-1], device=patterns.device, dtype=torch.int64)
    return (patterns.to(torch.int64) * powers).sum(-1)


def grid_points(lo: float, hi: float, resolution: int, *, dtype=torch.float64, device=None) -> torch.Tensor:
    """The ``resolution``² points of a square grid on [lo, hi]², shape ``(resolution², 2)``.

    >>> grid_points(0.0, 1.0, 2).tolist()
    [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]
    """
    resolution = v.require_int("resolution", resolution, minimum=2)
    lo, hi = v.require_scalar("lo", lo), v.require_scalar("hi", hi)
    if not lo < hi:
        raise ValueError(f"lo must be below hi, got lo={lo}, hi={hi}")
    if not v.require_dtype("dtype", dtype).is_floating_point:
        raise ValueError(f"dtype must be a floating dtype, got {dtype}")
    device = v.require_device("device", device)
    t = torch.linspace(lo, hi, resolution, dtype=dtype, device=device)
    yy, xx = torch.meshgrid(t, t, indexing="ij")
    return torch.stack([xx.ravel(), yy.ravel()], dim=-1)


def count_regions_grid(W, b, lo: float = -10.0, hi: float = 10.0, resolution: int = 400) -> int:
    r"""Number of distinct activation patterns on a 2-D grid: a **lower bound** on the number of regions.

    Book label: ``relu.zaslavsky``. All grid points are evaluated as one tensor operation.

    >>> count_regions_grid(torch.eye(2, dtype=torch.float64), torch.zeros(2, dtype=torch.float64), resolution=11)
    4
    """
    W, b = _layer(W, b)
    v.require_shape("W", W, (None, 2))
    x = grid_points(lo, hi, resolution, dtype=W.dtype, device=W.device)
    return int(torch.unique(pattern_codes(activation_patterns(W, b, x))).numel())


def count_regions_plane(W, b, tol: float = 1e-9) -> int:
    r"""Exact number of regions of the line arrangement :math:`\{\mathbf w_i\cdot\mathbf x+b_i=0\}` in the plane.

    .. math:: r = 1 + m + \sum_{p}\big(t_p-1\big)

    where p runs over the distinct crossing points and :math:`t_p` lines pass through p (Euler's
    formula for the planar graph of the arrangement; parallel lines never cross). Lines must be
    distinct. Book label: ``relu.zaslavsky``. ``W`` : ``(m, 2)``; ``b`` : ``(m,)``.

    >>> W = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], dtype=torch.float64)
    >>> count_regions_plane(W, torch.zeros(3, dtype=torch.float64)), count_regions_plane(W, torch.tensor([0.0, 0.0, 1.0]))
    (6, 7)
    """
    W = _float("W", W).double()
    v.require_ndim("W", W, 2)
    if W.shape[1] != 2:
        raise ValueError(f"W must have 2 columns (lines in the plane), got shape {tuple(W.shape)}")
    b = _float("b", b, like=W).double()
    v.require_shape("b", b, (W.shape[0],), match="W")
    tol = v.require_positive_scalar("tol", tol, strict=False)
    m = W.shape[0]
    i, j = torch.triu_indices(m, m, offset=1)
    det = W[i, 0] * W[j, 1] - W[i, 1] * W[j, 0]  # (pairs,)
    crossing = det.abs() > tol * W[i].norm(dim=1) * W[j].norm(dim=1)
    i, j, det = i[crossing], j[crossing], det[crossing]
    # Cramer's rule for w_i.x = -b_i, w_j.x = -b_j
    px = (-b[i] * W[j, 1] + b[j] * W[i, 1]) / det
    py = (-W[i, 0] * b[j] + W[j, 0] * b[i]) / det
    if px.numel() == 0:
        return 1 + m
    points = torch.stack([px, py], -1)
    scale = 1e-7 * (1 + points.abs().max())
    keys = torch.round(points / scale)
    _, inverse = torch.unique(keys, dim=0, return_inverse=True)
    # lines through each distinct point: t(t-1)/2 = number of pairs meeting there
    pairs_at = torch.bincount(inverse).double()
    t = (1 + torch.sqrt(1 + 8 * pairs_at)) / 2
    return int(1 + m + torch.round(t - 1).sum())


def count_regions_lp(W, b, box: float = 1e4, margin: float = 1e-9) -> int:
    r"""Exact number of non-empty activation regions, by testing all :math:`2^m` sign patterns with an LP.

    For signs :math:`s\in\{\pm1\}^m`, the open cell :math:`\{s_i(\mathbf w_i\cdot\mathbf x+b_i)>0\}` is
    non-empty iff :math:`\max\{t: s_i(\mathbf w_i\cdot\mathbf x+b_i)\ge t,\ \|\mathbf x\|_\infty\le\text{box},\ t\le1\}>\text{margin}`.
    Book label: ``relu.zaslavsky``. Feasible for :math:`m\lesssim 12`.

    >>> count_regions_lp(torch.eye(2, dtype=torch.float64), torch.zeros(2, dtype=torch.float64))
    4
    """
    W, b = _layer(W, b)
    box, margin = v.require_positive_scalar("box", box), v.require_positive_scalar("margin", margin, strict=False)
    if margin >= 1:
        raise ValueError(f"margin must be below 1, the cap on t (every cell would be dropped), got {margin}")
    Wn, bn = W.detach().cpu().double().numpy(), b.detach().cpu().double().numpy()
    m, n = Wn.shape
    if m > 16:
        raise ValueError(f"W must have at most 16 rows for exhaustive enumeration, got {m}")
    c = np.zeros(n + 1)
    c[-1] = -1.0  # maximise t
    bounds = [(-box, box)] * n + [(None, 1.0)]
    count = 0
    for code in range(2**m):
        s = np.where((code >> np.arange(m)) & 1, 1.0, -1.0)
        # -s_i (w_i.x + b_i) + t <= 0
        A = np.hstack([-s[:, None] * Wn, np.ones((m, 1))])
        res = scipy.optimize.linprog(c, A_ub=A, b_ub=s * bn, bounds=bounds, method="highs")
        count += bool(res.status == 0 and -res.fun > margin)
    return count


def deep_relu_upper_bound(m: int, n: int, L: int) -> int:
    r"""An upper bound on the regions of a ReLU net with L hidden layers of width m on :math:`\mathbb R^n`: :math:`\prod_{l=1}^L\sum_{j\le\min(n,m)}\binom mj`.

    Each layer can at most split every region of the previous layers by an arrangement of m
    hyperplanes in an (at most) n-dimensional region (Montúfar 2017; Serra et al. 2018).

    >>> deep_relu_upper_bound(4, 2, 2)
    121
    """
    L = v.require_int("L", L, minimum=1)
    return zaslavsky_bound(m, n) ** L


def random_relu_net(n: int, widths: list[int], *, generator: torch.Generator | None = None,
                    dtype=torch.float64) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Gaussian weights and biases for the hidden layers of a ReLU net with input dimension n (He scaling)."""
    layers, fan_in = [], v.require_int("n", n, minimum=1)
    widths = v.require_int_list("widths", widths, minimum=1)
    v.require_generator("generator", generator)
    if not v.require_dtype("dtype", dtype).is_floating_point:
        raise ValueError(f"dtype must be a floating dtype, got {dtype}")
    for m in widths:
        W = torch.randn(m, fan_in, generator=generator, dtype=dtype) * math.sqrt(2 / fan_in)
        layers.append((W, torch.randn(m, generator=generator, dtype=dtype)))
        fan_in = m
    return layers


def deep_activation_patterns(layers, x) -> torch.Tensor:
    r"""Concatenated activation patterns of every hidden layer at every point, ``(N, Σ m_l)``; a deep net is linear where this is constant.

    >>> layers = [(torch.eye(2, dtype=torch.float64), torch.zeros(2, dtype=torch.float64))]
    >>> deep_activation_patterns(layers, torch.tensor([[1.0, -1.0]], dtype=torch.float64)).tolist()
    [[True, False]]
    """
    patterns = []
    if isinstance(layers, (str, bytes, torch.Tensor)) or not isinstance(layers, (list, tuple)) or not layers:
        raise ValueError(f"layers must be a non-empty list of (W, b) pairs, got {v._show(layers)}")
    for l, layer in enumerate(layers):
        if not (isinstance(layer, (list, tuple)) and len(layer) == 2):
            raise ValueError(f"layers[{l}] must be a pair (W, b), got {v._show(layer)}")
        W, b = _layer(*layer, names=(f"layers[{l}][0]", f"layers[{l}][1]"))
        if l == 0:
            h = _float("x", x, like=W)  # a list or array of points takes the dtype of the first layer
        if h.ndim == 0 or h.shape[-1] != W.shape[1]:
            what = "x" if l == 0 else f"the output of layers[{l - 1}]"
            raise ValueError(f"layers[{l}][0] must have {h.shape[-1] if h.ndim else '?'} columns to take {what}, "
                             f"got shape {tuple(W.shape)}")
        pre = h @ W.T + b
        patterns.append(pre > 0)
        h = torch.relu(pre)
    return torch.cat(patterns, dim=-1)


# --- depth: Montufar's zig-zag construction ----------------------------------------------------------

def zigzag_layer(z, m: int) -> torch.Tensor:
    r"""One zig-zag layer of m ReLUs, mapping [0, 1] onto [0, 1] m times (slopes ±m).

    .. math:: h(z)=m(z)_++\sum_{j=1}^{m-1}2m(-1)^j\big(z-\tfrac jm\big)_+

    Book label: ``relu.montufar``. For m = 2 this is the tent map.

    >>> zigzag_layer(torch.tensor([0.0, 0.25, 0.5, 0.75, 1.0], dtype=torch.float64), 2).tolist()
    [0.0, 0.5, 1.0, 0.5, 0.0]
    """
    z = _float("z", z)
    m = v.require_int("m", m, minimum=1)
    j = torch.arange(1, m, dtype=z.dtype, device=z.device)
    coef = 2 * m * (-1.0) ** j
    return m * torch.relu(z) + (coef * torch.relu(z.unsqueeze(-1) - j / m)).sum(-1)


def montufar_net(x, m: int, L: int, *, generator: torch.Generator | None = None) -> torch.Tensor:
    r"""A ReLU net on [0, 1] with L hidden layers of width m: L − 1 zig-zag layers, then m random hinges.

    The last hidden layer has units :math:`(z-b_j)_+` with :math:`b_j\sim U(0.05,0.95)`; the output is
    :math:`\sum_j c_j(z-b_j)_++0.3z` with :math:`c\sim N(0,1)`. It has :math:`(m+1)m^{L-1}` linear pieces.
    Book label: ``relu.montufar``.

    >>> x = torch.linspace(0, 1, 5, dtype=torch.float64)
    >>> tuple(montufar_net(x, 3, 2, generator=torch.Generator().manual_seed(0)).shape)
    (5,)
    """
    z = _float("x", x)
    L = v.require_int("L", L, minimum=1)
    for _ in range(L - 1):
        z = zigzag_layer(z, m)
    knots = 0.05 + 0.9 * torch.rand(m, generator=generator, dtype=z.dtype).to(z.device)
    c = torch.randn(m, generator=generator, dtype=z.dtype).to(z.device)
    return (c * torch.relu(z.unsqueeze(-1) - knots)).sum(-1) + 0.3 * z


def montufar_lower_bound(m: int, n: int, L: int) -> int:
    r"""Montúfar et al.'s lower bound on the maximal number of regions of a deep ReLU net.

    .. math:: R(m,L)\ge\Big\lfloor\frac mn\Big\rfloor^{n(L-1)}\sum_{j=0}^n\binom mj

    Book label: ``relu.montufar``. ``m`` : width (≥ n); ``n`` : input dimension; ``L`` : hidden layers.

    >>> montufar_lower_bound(4, 1, 3)
    80
    """
    m, n, L = (v.require_int(k, val, minimum=1) for k, val in (("m", m), ("n", n), ("L", L)))
    if m < n:
        raise ValueError(f"m must be at least n={n}, got {m}")
    return (m // n) ** (n * (L - 1)) * zaslavsky_bound(m, n)


def count_pieces_1d(x, y, rtol: float = 1e-6) -> int:
    r"""Number of linear pieces of a sampled 1-D function: 1 + the number of slope changes, adjacent detections merged.

    A kink between two grid points perturbs two consecutive slope differences; such runs count once.
    Pieces narrower than the grid spacing are missed, so this is a lower bound in general.

    >>> x = torch.linspace(-1, 1, 2001, dtype=torch.float64)
    >>> count_pieces_1d(x, torch.relu(x) + torch.relu(x - 0.5))
    3
    """
    x = _knots("x", x, increasing=True)
    y = _float("y", y)
    v.require_same_shape("x", x, "y", y)
    if x.numel() < 2:
        raise ValueError(f"x must hold at least 2 points, got {x.tolist()}")
    rtol = v.require_positive_scalar("rtol", rtol, strict=False)
    slope = torch.diff(y) / torch.diff(x)
    scale = slope.abs().max().clamp(min=1.0)
    kink = (torch.diff(slope).abs() > rtol * scale).to(torch.int8)
    starts = torch.diff(torch.cat([kink.new_zeros(1), kink])) == 1
    return 1 + int(starts.sum())


# --- hinges, Lebesgue's representation, maxout, DC ---------------------------------------------------

def hinge_coefficients(knots, values) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    r"""Coefficients of Lebesgue's hinge representation of the piecewise-linear interpolant of (knots, values).

    .. math:: g(x)=ax+b+\sum_{i=1}^{m-1}c_i(x-x_i)_+\quad\text{on }[x_0,x_m]

    :math:`a` is the first slope, :math:`c_i` the slope jump at the interior knot :math:`x_i`, and
    :math:`b=g(x_0)-ax_0`. Book label: ``relu.pwl-lebesgue``. ``knots`` : increasing
    :math:`x_0<\dots<x_m`; ``values`` : :math:`g(x_i)`. Returns ``(a, b, c)``, ``c`` of shape ``(m-1,)``.

    >>> a, b, c = hinge_coefficients(torch.tensor([0.0, 1.0, 2.0]), torch.tensor([0.0, 1.0, 0.0]))
    >>> float(a), float(b), c.tolist()
    (1.0, 0.0, [-2.0])
    """
    knots, values = _float("knots", knots), _float("values", values)
    v.require_same_shape("knots", knots, "values", values)
    if knots.numel() < 2 or (torch.diff(knots) <= 0).any():
        raise ValueError(f"knots must be strictly increasing with at least 2 entries, got {knots.tolist()}")
    slopes = torch.diff(values) / torch.diff(knots)
    a = slopes[0]
    return a, values[0] - a * knots[0], torch.diff(slopes)


def hinge_evaluate(x, a, b, c, interior_knots) -> torch.Tensor:
    r"""Evaluate :math:`ax+b+\sum_i c_i(x-x_i)_+`: one hidden layer of ReLUs with fixed knots. Book label: ``relu.pwl-lebesgue``.

    >>> hinge_evaluate(torch.tensor([0.5, 1.5]), 1.0, 0.0, torch.tensor([-2.0]), torch.tensor([1.0])).tolist()
    [0.5, 0.5]
    """
    x = _float("x", x)
    c, interior_knots = _knots("c", c, like=x), _knots("interior_knots", interior_knots, like=x)
    v.require_same_shape("c", c, "interior_knots", interior_knots)
    a, b = v.require_scalar("a", a), v.require_scalar("b", b)
    return a * x + b + (c * torch.relu(x.unsqueeze(-1) - interior_knots)).sum(-1)


def interpolation_error_bound(m: int, f2_max: float, length: float = 1.0) -> float:
    r"""Sup error bound of the piecewise-linear interpolant with m equal pieces: :math:`\frac{h^2}8\max|f''|`, :math:`h=\text{length}/m`.

    Book label: ``relu.pwl-lebesgue``.

    >>> interpolation_error_bound(4, 8.0)
    0.0625
    """
    m = v.require_int("m", m, minimum=1)
    f2_max, length = v.require_positive_scalar("f2_max", f2_max, strict=False), v.require_positive_scalar("length", length)
    return (length / m) ** 2 / 8 * f2_max


def maxout(x, theta, b) -> torch.Tensor:
    r"""A k-hinge (maxout unit): :math:`g(\mathbf x)=\max_{j\le k}\{\boldsymbol\theta_j\cdot\mathbf x+b_j\}`.

    Book label: ``relu.hinge-maxout-dc``. ``x`` : ``(..., n)``; ``theta`` : ``(k, n)``; ``b`` : ``(k,)``.
    ReLU is the 2-hinge with pieces 0 and z.

    >>> z = torch.tensor([[-1.0], [2.0]])
    >>> maxout(z, torch.tensor([[0.0], [1.0]]), torch.zeros(2)).tolist()
    [0.0, 2.0]
    """
    x = _float("x", x)
    theta, b = _layer(theta, b, names=("theta", "b"))
    theta, b = theta.to(x.dtype), b.to(x.dtype)
    v.require_shape("x", x, (..., theta.shape[1]), match="theta")
    return (x @ theta.T + b).amax(-1)


def dc_split(a, b, c, interior_knots) -> tuple[tuple[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor]]:
    r"""Write a 1-D CPWL :math:`g=ax+b+\sum c_i(x-x_i)_+` as a difference of two convex maxima of affine pieces.

    .. math:: g=f_1-f_2,\quad f_1=ax+b+\sum_{c_i>0}c_i(x-x_i)_+,\quad f_2=\sum_{c_i<0}|c_i|(x-x_i)_+,

    and a convex CPWL with sorted knots equals the max of its affine pieces. Returns the pieces
    ``((slopes_1, intercepts_1), (slopes_2, intercepts_2))`` so that :math:`f_k(x)=\max_j(s_jx+t_j)`.
    Book label: ``relu.hinge-maxout-dc``.

    >>> knots = torch.tensor([0.0, 1.0])  # g = (x)+ - (x - 1)+ : a ramp clipped at 1
    >>> (s1, t1), (s2, t2) = dc_split(0.0, 0.0, torch.tensor([1.0, -1.0]), knots)
    >>> x = torch.tensor([-1.0, 0.5, 3.0])
    >>> ((s1 * x[:, None] + t1).amax(-1) - (s2 * x[:, None] + t2).amax(-1)).tolist()
    [0.0, 0.5, 1.0]
    """
    c = _knots("c", c)
    knots = _knots("interior_knots", interior_knots, like=c, increasing=True)
    v.require_same_shape("c", c, "interior_knots", knots)
    a, b = (torch.as_tensor(v.require_scalar(n, t), dtype=c.dtype) for n, t in (("a", a), ("b", b)))

    def pieces(first_slope, first_intercept, jumps):
        # piece k (k = 0..K): slope first + sum of jumps up to k; intercept adjusted by -jump * knot
        slopes = torch.cat([first_slope.reshape(1), first_slope + torch.cumsum(jumps, 0)])
        intercepts = torch.cat([first_intercept.reshape(1), first_intercept - torch.cumsum(jumps * knots, 0)])
        return slopes, intercepts

    zero = torch.zeros((), dtype=c.dtype)
    return pieces(a, b, torch.clamp(c, min=0)), pieces(zero, zero, torch.clamp(-c, min=0))
