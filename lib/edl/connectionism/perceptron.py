"""Threshold units: McCulloch–Pitts neurons, Turing's NAND units, the perceptron and Novikoff's bound.

Chapter 1 (book labels ``mcp.*`` and ``perceptron.*``). Boolean units take inputs in {0, 1};
perceptrons take points :math:`\\mathbf x\\in\\mathbb R^n` with labels :math:`y\\in\\{-1,+1\\}`, a
weight vector ``w`` and a bias ``b`` (the homogeneous unit has ``b = 0``; append a constant 1 with
:func:`augment` to turn an affine unit into a homogeneous one). Data sets are batched along the
leading axis: points ``(B, s, n)``, labels ``(B, s)``. Tensors in, tensors out; dtype and device
follow ``x`` (non-tensor input becomes float64); randomness only through a ``generator``.
"""

import itertools
from typing import NamedTuple

import numpy as np
import torch
from scipy.optimize import minimize

from edl.core import validate as v


def _float(name, value, like=None, ndim=0):
    t = v.as_float_tensor(name, value, like=like)
    v.require_finite(name, t)
    v.require_min_ndim(name, t, ndim)
    return t


def _bits(name, value):
    t = _float(name, value)
    if not ((t == 0) | (t == 1)).all():
        raise ValueError(f"{name} must hold bits 0 or 1, got {t.unique().tolist()}")
    return t


def _labels(y, x, batch=None):
    y = _float("y", y, like=x)
    if batch is None and y.shape != x.shape[:-1]:
        raise ValueError(f"y must have shape x.shape[:-1] = {tuple(x.shape[:-1])}, got {tuple(y.shape)}")
    if not ((y == 1) | (y == -1)).all():
        raise ValueError(f"y must hold labels -1 or +1, got {y.unique().tolist()}")
    if batch is not None:
        v.require_broadcast("y", y, batch[:-1], to="the batch")
    return y


def _weights(w, x, name="w"):
    w = _float(name, w, like=x)
    if w.ndim == 0 or w.shape[-1] != x.shape[-1]:
        raise ValueError(f"{name} must end in the input dimension {x.shape[-1]} of x, got shape {tuple(w.shape)}")
    return w


def _bit_args(**named):
    bits = {name: _bits(name, value) for name, value in named.items()}
    v.broadcast_shapes(**bits)
    return bits.values()


# --- McCulloch–Pitts and Turing units -------------------------------------------------------------

def mcp_neuron(x, sigma, theta) -> torch.Tensor:
    r"""McCulloch–Pitts neuron: a Boolean threshold unit with excitatory and inhibitory inputs.

    .. math:: f(\mathbf x;\boldsymbol\sigma,\theta)=\begin{cases}1,&\sum_{i=1}^n\sigma_ix_i\ge\theta\\
              0,&\text{else}\end{cases},\qquad \mathbf x\in\{0,1\}^n,\ \sigma_i\in\{\pm1\},\ \theta\in\mathbb Z

    Book label: ``mcp.threshold-neuron``. ``x`` : input bits, shape ``(..., n)``; ``sigma`` : signs
    (+1 excitatory, -1 inhibitory), shape ``(n,)``; ``theta`` : integer threshold. Returns bits,
    shape ``x.shape[:-1]``.

    >>> x = torch.tensor([[0, 0], [0, 1], [1, 0], [1, 1]])
    >>> mcp_neuron(x, [1, 1], 2).tolist(), mcp_neuron(x, [1, 1], 1).tolist()  # AND, OR
    ([0.0, 0.0, 0.0, 1.0], [0.0, 1.0, 1.0, 1.0])
    """
    x = _bits("x", x)
    v.require_min_ndim("x", x, 1)
    sigma = _float("sigma", sigma)  # ±1, exact in any dtype; the sum is cast back to x's dtype
    if sigma.ndim != 1 or sigma.shape[0] != x.shape[-1] or not ((sigma == 1) | (sigma == -1)).all():
        raise ValueError(f"sigma must be a vector of signs +1/-1, one per input (the last axis of x, "
                         f"shape {tuple(x.shape)}), got {sigma.tolist()}")
    theta = v.require_int("theta", theta)
    return ((x * sigma).sum(-1) >= theta).to(x.dtype)


def mcp_minterms(sigma, theta) -> list[frozenset[int]]:
    r"""The index sets :math:`\mathcal I` of the disjunctive normal form of a McCulloch–Pitts neuron.

    .. math:: f(\mathbf x)=\bigvee_{I\in\mathcal I}\Big(\bigwedge_{i\in I}x_i\wedge\bigwedge_{i\notin I}\bar x_i\Big),
              \qquad\mathcal I=\Big\{I\subseteq[n]:\sum_{i\in I}\sigma_i\ge\theta\Big\}

    Book label: ``mcp.threshold-neuron``. ``sigma`` : signs, length n; ``theta`` : threshold.
    Returns the sets :math:`I` (0-based indices); the minterm of :math:`I` is true exactly at the
    input whose ones are :math:`I`, so the neuron is the OR of these minterms.

    >>> sorted(sorted(I) for I in mcp_minterms([1, 1, -1], 1))  # fires when a 1-input beats the 0-input
    [[0], [0, 1], [0, 1, 2], [1]]
    """
    sigma = _float("sigma", sigma)
    v.require_ndim("sigma", sigma, 1)
    sigma = [int(s) for s in sigma.tolist()]
    if any(s not in (1, -1) for s in sigma):
        raise ValueError(f"sigma must hold signs +1/-1, got {sigma}")
    theta = v.require_int("theta", theta)
    subsets = itertools.chain.from_iterable(itertools.combinations(range(len(sigma)), k)
                                            for k in range(len(sigma) + 1))
    return [frozenset(I) for I in subsets if sum(sigma[i] for i in I) >= theta]


def nand(*inputs) -> torch.Tensor:
    r"""Turing's type-A unit: NOT-AND of its inputs (bits).

    .. math:: \mathrm{NAND}(x_1,\dots,x_k)=1-\prod_{i=1}^kx_i,\qquad y(t+1)=1-x_1(t)\,x_2(t)

    Book label: ``mcp.turing-nand``. ``inputs`` : bits (numbers or broadcastable tensors). A 1
    among the inputs changes nothing: :math:`\mathrm{NAND}(1,x_2,..,x_k)=\mathrm{NAND}(x_2,..,x_k)`.

    >>> [int(nand(a, b)) for a in (0, 1) for b in (0, 1)]
    [1, 1, 1, 0]
    """
    if not inputs:
        raise ValueError("inputs must hold at least one bit, got none")
    bits = list(_bit_args(**{f"inputs[{i}]": x for i, x in enumerate(inputs)}))
    product = bits[0]
    for b in bits[1:]:
        product = product * b
    return 1 - product


def not_gate(x) -> torch.Tensor:
    r"""NOT from one NAND unit: :math:`\bar x=\mathrm{NAND}(x,x)`. Book label: ``mcp.turing-nand``.

    >>> not_gate(torch.tensor([0.0, 1.0])).tolist()
    [1.0, 0.0]
    """
    x = _bits("x", x)
    return nand(x, x)


def and_gate(a, b) -> torch.Tensor:
    r"""AND from two NAND units: :math:`a\wedge b=\mathrm{NAND}(\mathrm{NAND}(a,b),\mathrm{NAND}(a,b))`.

    Book label: ``mcp.turing-nand``.

    >>> [int(and_gate(a, b)) for a in (0, 1) for b in (0, 1)]
    [0, 0, 0, 1]
    """
    a, b = _bit_args(a=a, b=b)
    return not_gate(nand(a, b))


def or_gate(a, b) -> torch.Tensor:
    r"""OR from three NAND units (De Morgan): :math:`a\vee b=\mathrm{NAND}(\bar a,\bar b)`.

    Book label: ``mcp.turing-nand``.

    >>> [int(or_gate(a, b)) for a in (0, 1) for b in (0, 1)]
    [0, 1, 1, 1]
    """
    a, b = _bit_args(a=a, b=b)
    return nand(not_gate(a), not_gate(b))


def b_type_link(c, x) -> torch.Tensor:
    r"""Turing's B-type link: a NAND sub-circuit whose control bit ``c`` opens or blocks a connection.

    .. math:: A(c,z)=\mathrm{NAND}(c,z),\quad z=\mathrm{NAND}(x,x):\qquad A(1,z)=x\ \text{(passes)},\quad
              A(0,z)=1\ \text{(blocked)}

    Book label: ``mcp.turing-nand``. ``c`` : control bit; ``x`` : the signal bit.

    >>> [int(b_type_link(1, x)) for x in (0, 1)], [int(b_type_link(0, x)) for x in (0, 1)]
    ([0, 1], [1, 1])
    """
    c, x = _bit_args(c=c, x=x)
    return nand(c, nand(x, x))


# --- the perceptron as a linear classifier ---------------------------------------------------------

def augment(x) -> torch.Tensor:
    r"""Append a constant 1 to every point, so that an affine unit becomes a homogeneous one.

    .. math:: \tilde{\mathbf x}=\begin{bmatrix}\mathbf x\\1\end{bmatrix},\qquad
              \mathbf x\cdot\mathbf w+b=\tilde{\mathbf x}\cdot\tilde{\mathbf w},\ \ \tilde{\mathbf w}=(\mathbf w,b)

    Book label: ``perceptron.threshold-unit``. ``x`` : points, shape ``(..., n)``; returns ``(..., n+1)``.

    >>> augment([[2.0, 3.0]]).tolist()
    [[2.0, 3.0, 1.0]]
    """
    x = _float("x", x)
    return torch.cat([x, torch.ones_like(x[..., :1])], -1)


def threshold_unit(x, w, b=0.0) -> torch.Tensor:
    r"""Output of a linear threshold unit (Rosenblatt's perceptron as a classifier).

    .. math:: f[\mathbf w,b](\mathbf x)=\operatorname{sign}(\mathbf x\cdot\mathbf w+b)

    Book label: ``perceptron.threshold-unit``. ``x`` : points, shape ``(..., n)``; ``w`` : weights,
    shape ``(n,)`` or batched ``(..., n)``; ``b`` : bias (number or batched). Returns -1, 0 or +1
    (0 exactly on the decision boundary), shape ``x.shape[:-1]``.

    >>> threshold_unit([[1.0, 2.0], [-3.0, 0.0]], [1.0, -1.0], 0.5).tolist()
    [-1.0, -1.0]
    """
    x = _float("x", x)
    w = _weights(w, x)
    b = _float("b", b, like=x)
    return torch.sign((x * w).sum(-1) + b)


def signed_distance(x, w, b=0.0) -> torch.Tensor:
    r"""Signed Euclidean distance of points to the hyperplane :math:`\mathcal H=\{\mathbf x:\mathbf x\cdot\mathbf w+b=0\}`.

    .. math:: d(\mathbf x,\mathcal H)=\frac{\mathbf x\cdot\mathbf w+b}{\|\mathbf w\|}

    Book label: ``perceptron.decision-boundary``. ``x`` : points ``(..., n)``; ``w`` : normal,
    ``(n,)``, nonzero; ``b`` : offset. Positive on the side :math:`\mathbf w` points to.

    >>> signed_distance([[3.0, 4.0]], [3.0, 4.0], -5.0).tolist()  # (25 - 5) / 5
    [4.0]
    """
    x = _float("x", x)
    w = _weights(w, x)
    norm = w.norm(dim=-1)
    if (norm == 0).any():
        raise ValueError(f"w must be nonzero, got {w.tolist()}")
    return ((x * w).sum(-1) + _float("b", b, like=x)) / norm


def hyperplane_foot(w, b) -> torch.Tensor:
    r"""The point of :math:`\mathcal H=\{\mathbf x\cdot\mathbf w+b=0\}` closest to the origin.

    .. math:: \mathbf x_0=-\frac{b}{\|\mathbf w\|^2}\,\mathbf w,\qquad
              \mathbf x_0\cdot\frac{\mathbf w}{\|\mathbf w\|}=-\frac{b}{\|\mathbf w\|}

    Book label: ``perceptron.decision-boundary``. ``w`` : normal, ``(n,)``; ``b`` : offset. The
    hyperplane lies at signed distance :math:`-b/\|\mathbf w\|` from 0 along the unit normal.

    >>> hyperplane_foot([0.0, 2.0], -4.0).tolist()  # the line y = 2
    [0.0, 2.0]
    """
    w = _float("w", w)
    b = _float("b", b, like=w)
    sq = (w * w).sum(-1, keepdim=True)
    if (sq == 0).any():
        raise ValueError(f"w must be nonzero, got {w.tolist()}")
    return -b.unsqueeze(-1) / sq * w  # a 0-d b becomes (1,), which broadcasts like the scalar


def margin(x, y, w, b=0.0) -> torch.Tensor:
    r"""Geometric margin of labelled points: signed distance times label, positive iff correctly classified.

    .. math:: \gamma[\mathbf w,b](\mathbf x,y)=\frac{y\,(\mathbf x\cdot\mathbf w+b)}{\|\mathbf w\|}

    Book label: ``perceptron.geometric-margin``. ``x`` : points ``(..., s, n)``; ``y`` : labels
    ``(..., s)``; ``w`` : weights ``(n,)`` or ``(..., n)``; ``b`` : bias. Returns ``(..., s)``.

    >>> margin([[1.0, 0.0], [0.0, 1.0]], [1, -1], [1.0, 1.0]).round(decimals=6).tolist()  # ±1/√2: second wrong
    [0.707107, -0.707107]
    """
    return _margin(x, y, w, b)


def _margin(x, y, w, b, name="w"):
    x = _float("x", x)
    y = _labels(y, x)
    w = _weights(w, x, name)
    if w.ndim > 1:
        w = w.unsqueeze(-2)  # (..., 1, n): one weight vector per data set
    norm = w.norm(dim=-1)
    if (norm == 0).any():
        raise ValueError(f"{name} must be nonzero, got {w.tolist()}")
    b = _float("b", b, like=x)
    b = b.unsqueeze(-1) if b.ndim else b
    return y * ((x * w).sum(-1) + b) / norm


def set_margin(x, y, w, b=0.0) -> torch.Tensor:
    r"""Margin of a labelled set: the worst point's margin.

    .. math:: \gamma[\mathbf w,b](\mathcal S)=\min_{(\mathbf x,y)\in\mathcal S}\gamma[\mathbf w,b](\mathbf x,y)

    Book label: ``perceptron.geometric-margin``. Same arguments as :func:`margin`; returns
    shape ``x.shape[:-2]``. :math:`\mathcal S` is separated by ``(w, b)`` iff this is positive.

    >>> round(float(set_margin([[2.0, 0.0], [0.0, -1.0]], [1, -1], [1.0, 1.0])), 4)
    0.7071
    """
    return margin(x, y, w, b).amin(-1)


def max_margin_classifier(x, y) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    r"""Maximum-margin (hard-margin SVM) separator of a linearly separable data set.

    .. math:: (\mathbf w^*,b^*)=\arg\min_{\mathbf w,b}\tfrac12\|\mathbf w\|^2\ \ \text{s.t.}\ \
              y_i(\mathbf w\cdot\mathbf x_i+b)\ge1\ \forall i,\qquad
              \gamma^*=\max_{\mathbf w,b}\gamma[\mathbf w,b](\mathcal S)=\frac1{\|\mathbf w^*\|}

    Book label: ``perceptron.max-margin``. ``x`` : points ``(s, n)``; ``y`` : labels ``(s,)``.
    Solves the quadratic program with ``scipy.optimize.minimize(method="SLSQP")``. Returns
    ``(w, b, gamma)``; raises ``ValueError`` if the data are not separable.

    >>> w, b, g = max_margin_classifier([[1.0, 1.0], [2.0, 0.0], [-1.0, -1.0]], [1, 1, -1])
    >>> round(float(g), 4), round(float(set_margin(torch.tensor([[1.0, 1.0], [2.0, 0.0], [-1.0, -1.0]]),
    ...                                          torch.tensor([1.0, 1.0, -1.0]), w, b)), 4)
    (1.4142, 1.4142)
    """
    x = _float("x", x)
    v.require_ndim("x", x, 2)
    y = _labels(y, x)
    X, Y = x.detach().cpu().double().numpy(), y.detach().cpu().double().numpy()
    n = X.shape[1]
    A = Y[:, None] * np.hstack([X, np.ones((len(X), 1))])  # rows y_i (x_i, 1)
    guess = np.linalg.lstsq(A, np.ones(len(X)), rcond=None)[0]
    res = minimize(lambda t: 0.5 * t[:n] @ t[:n], guess, jac=lambda t: np.r_[t[:n], 0.0], method="SLSQP",
                   constraints=[{"type": "ineq", "fun": lambda t: A @ t - 1, "jac": lambda t: A}],
                   options={"ftol": 1e-14, "maxiter": 1000})
    if not res.success or (A @ res.x).min() < 1 - 1e-6:
        raise ValueError("x, y must be linearly separable (the hard-margin program is infeasible)")
    w = torch.as_tensor(res.x[:n], dtype=x.dtype, device=x.device)
    b = torch.as_tensor(res.x[n], dtype=x.dtype, device=x.device)
    return w, b, 1 / w.norm()


# --- perceptron learning ---------------------------------------------------------------------------

def perceptron_loss(theta, x, y) -> torch.Tensor:
    r"""The perceptron loss, whose stochastic gradient step (step size 1) is the perceptron update.

    .. math:: \ell(\mathbf x,y;\boldsymbol\theta)=\max\{0,-y\,\mathbf x\cdot\boldsymbol\theta\}

    Book label: ``perceptron.update-rule``. ``theta`` : weights ``(n,)``; ``x`` : point(s)
    ``(..., n)``; ``y`` : label(s) ``(...)``.

    >>> float(perceptron_loss([1.0, -1.0], [2.0, 3.0], 1))
    1.0
    """
    x = _float("x", x, ndim=1)
    theta = _weights(theta, x, "theta")
    y = _labels(y, x) if x.ndim > 1 else _labels(y, x, x.shape)
    return torch.clamp(-y * (x * theta).sum(-1), min=0)


def perceptron_update(w, x, y) -> torch.Tensor:
    r"""One perceptron step on the example ``(x, y)``: add it to the weights if it is not strictly right.

    .. math:: \mathbf w\leftarrow\begin{cases}\mathbf w+y\,\mathbf x,&y\,\mathbf x\cdot\mathbf w\le0\\
              \mathbf w,&y\,\mathbf x\cdot\mathbf w>0\end{cases}

    Book label: ``perceptron.update-rule``. ``w`` : weights ``(..., n)``; ``x`` : the example
    ``(..., n)``; ``y`` : its label (broadcast over the batch). The update condition includes
    equality, so the rule moves from :math:`\mathbf w=0`. For a bias, use :func:`augment`.

    >>> perceptron_update([0.0, 0.0], [1.0, 2.0], -1).tolist()  # y x.w = 0: a mistake
    [-1.0, -2.0]
    """
    x = _float("x", x, ndim=1)
    w = _weights(w, x)
    y = _labels(y, x, v.broadcast_shapes(w=w, x=x))
    mistake = (y * (x * w).sum(-1) <= 0).unsqueeze(-1)
    return torch.where(mistake, w + y.unsqueeze(-1) * x, w)  # a 0-d y becomes (1,), as good as the scalar


class _Run(NamedTuple):
    w: torch.Tensor
    mistakes: torch.Tensor
    converged: torch.Tensor


class PerceptronRun(_Run):
    """Result of perceptron training: final weights, number of updates (mistakes), converged flags."""

    __slots__ = ()

    def __new__(cls, w, mistakes, converged):
        if not (isinstance(w, torch.Tensor) and w.is_floating_point() and w.ndim and w.numel() and torch.isfinite(w).all()):
            raise ValueError(f"w must be a non-empty finite floating tensor (..., n), got {v._show(w)}")
        for name, t, kind in (("mistakes", mistakes, "integer"), ("converged", converged, "bool")):
            if not (isinstance(t, torch.Tensor) and (t.dtype == torch.bool) == (kind == "bool")
                    and not t.is_floating_point() and t.shape == w.shape[:-1] and (t >= 0).all()):
                raise ValueError(f"{name} must be a non-negative {kind} tensor of shape w.shape[:-1] = "
                                 f"{tuple(w.shape[:-1])}, got {v._show(t)}")
        return super().__new__(cls, w, mistakes, converged)


def perceptron_train(x, y, *, w0=None, max_updates: int = 100_000) -> PerceptronRun:
    r"""Cyclic perceptron learning on many data sets at once, until every point is strictly right.

    .. math:: \text{for } i=1,2,\dots,s,1,2,\dots:\quad
              y_i\,\mathbf x_i\cdot\mathbf w\le0\ \Rightarrow\ \mathbf w\leftarrow\mathbf w+y_i\mathbf x_i

    Book label: ``perceptron.update-rule``. ``x`` : points ``(B, s, n)`` or ``(s, n)``; ``y`` :
    labels ``(B, s)`` or ``(s,)``; ``w0`` : initial weights (default 0); ``max_updates`` : cap on
    the number of updates per data set. Homogeneous; for a bias, pass :func:`augment` (x).

    Batched and exact: visiting points in cyclic order and skipping the correctly classified ones
    leaves :math:`\mathbf w` unchanged, so each loop iteration jumps, in every data set at once, to
    the next misclassified point after the last update (margins of all points in one batched
    product). The loop therefore runs once per update, not once per visited point, and produces
    the same weights as the point-by-point loop of :func:`perceptron_trajectory`. It runs in NumPy
    float64 on the CPU (many small steps are faster there); results follow the dtype and device of
    ``x``. Returns
    :class:`PerceptronRun` with ``mistakes`` (updates made) and ``converged`` (all margins > 0).

    >>> x = torch.tensor([[1.0, 0.2], [-0.5, 1.0], [-1.0, -0.3]], dtype=torch.float64)
    >>> run = perceptron_train(x, torch.tensor([1.0, 1.0, -1.0], dtype=torch.float64))
    >>> run.w.tolist(), int(run.mistakes), bool(run.converged)
    ([0.5, 1.2], 2, True)
    """
    if not (isinstance(x, torch.Tensor) and x.is_floating_point()):
        x = _float("x", x)
    X = x.detach().cpu().double().numpy()  # validated in NumPy: cheap for large batches
    if X.size == 0 or not np.isfinite(X).all():
        raise ValueError(f"x must be a non-empty array of finite numbers, got shape {X.shape}")
    if X.ndim not in (2, 3):
        raise ValueError(f"x must have 2 or 3 dimension(s), got shape {tuple(X.shape)}")
    Y = y.detach().cpu().double().numpy() if isinstance(y, torch.Tensor) else _float("y", y).numpy()
    if Y.shape != X.shape[:-1] or not (np.abs(Y) == 1).all():
        raise ValueError(f"y must hold labels -1 or +1 with shape x.shape[:-1] = {X.shape[:-1]}, "
                         f"got shape {Y.shape}")
    max_updates = v.require_int("max_updates", max_updates, minimum=0)
    single = X.ndim == 2
    if single:
        X, Y = X[None], Y[None]
    B, s, n = X.shape
    z = Y[..., None] * X  # (B, s, n): point i is right iff z_i . w > 0
    w0 = None if w0 is None else _weights(w0, x, "w0")
    if w0 is not None and (w0.ndim > 2 or (w0.ndim == 2 and w0.shape[0] not in (1, B))):
        raise ValueError(f"w0 must have shape (n,) or ({B}, n), one start per data set, got shape {tuple(w0.shape)}")
    w = np.zeros((B, n)) if w0 is None else np.broadcast_to(w0.detach().cpu().double().numpy(), (B, n)).copy()
    cursor = np.zeros(B, dtype=np.int64)  # the next point the cyclic loop visits
    mistakes = np.zeros(B, dtype=np.int64)
    index, rows = np.arange(s), np.arange(B)
    while True:
        wrong = (z @ w[:, :, None])[..., 0] <= 0  # (B, s)
        todo = wrong.any(1) & (mistakes < max_updates)
        if not todo.any():
            break
        # cyclic distance from the cursor; the first wrong point at or after it is the next update
        j = np.where(wrong, (index - cursor[:, None]) % s, s).argmin(1)
        w += np.where(todo[:, None], z[rows, j], 0.0)
        cursor = np.where(todo, (j + 1) % s, cursor)
        mistakes += todo
    converged = ((z @ w[:, :, None])[..., 0] > 0).all(1)
    out = PerceptronRun(torch.as_tensor(w, dtype=x.dtype, device=x.device),
                        torch.as_tensor(mistakes, device=x.device), torch.as_tensor(converged, device=x.device))
    return PerceptronRun(*(t[0] for t in out)) if single else out


def perceptron_trajectory(x, y, *, max_epochs: int = 10_000) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The cyclic perceptron on one data set, point by point, recording the weights after every mistake.

    .. math:: \mathbf w_0=\mathbf 0,\qquad \mathbf w_t=\mathbf w_{t-1}+y^t\mathbf x^t\quad
              \text{(the }t\text{-th mistake is the example }(\mathbf x^t,y^t))

    Book label: ``perceptron.norm-growth``. ``x`` : points ``(s, n)``; ``y`` : labels ``(s,)``;
    ``max_epochs`` : passes over the data at most. Stops after the first pass without a mistake.
    Returns the weights :math:`\mathbf w_0..\mathbf w_T`, shape ``(T+1, n)``, and the index of the
    example behind each mistake, shape ``(T,)``. The straightforward loop that
    :func:`perceptron_train` batches.

    >>> x = torch.tensor([[1.0, 0.2], [-0.5, 1.0], [-1.0, -0.3]], dtype=torch.float64)
    >>> ws, idx = perceptron_trajectory(x, torch.tensor([1.0, 1.0, -1.0], dtype=torch.float64))
    >>> ws.tolist(), idx.tolist()
    ([[0.0, 0.0], [1.0, 0.2], [0.5, 1.2]], [0, 1])
    """
    x = _float("x", x)
    v.require_ndim("x", x, 2)
    y = _labels(y, x)
    max_epochs = v.require_int("max_epochs", max_epochs, minimum=1)
    X, Y = x.detach().cpu().double().numpy(), y.detach().cpu().double().numpy()
    w = np.zeros(X.shape[1])
    weights, used = [w], []
    for _ in range(max_epochs):
        clean = True
        for i in range(X.shape[0]):
            if Y[i] * (X[i] @ w) <= 0:
                w = w + Y[i] * X[i]
                weights.append(w)
                used.append(i)
                clean = False
        if clean:
            break
    return (torch.as_tensor(np.stack(weights), dtype=x.dtype, device=x.device),
            torch.tensor(used, dtype=torch.long, device=x.device))


# --- Novikoff's theorem ------------------------------------------------------------------------------

def planted_margin_data(batch: int, s: int, n: int, gamma: float, *, generator: torch.Generator | None = None,
                        dtype=torch.float64) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    r"""Random data sets separable with margin at least ``gamma`` by a planted unit vector.

    .. math:: \mathbf x_i\sim\mathcal N(0,I_n)\ \text{conditioned on}\ |\mathbf x_i\cdot\mathbf w^*|>\gamma,
              \qquad y_i=\operatorname{sign}(\mathbf x_i\cdot\mathbf w^*),\quad\|\mathbf w^*\|=1

    ``batch`` : data sets B; ``s`` : points each; ``n`` : dimension; ``gamma`` : the margin, in (0, 37.5] (where
    Φ(−γ) is a normal float64); ``generator`` : randomness. Exact sampling: the part along :math:`\mathbf w^*`
    inverts the upper tail, Φ(−c) = (1 − u) Φ(−γ) in float64 (the lower tail rounds Φ(γ) to 1 past γ = 8.3), the
    rest is a Gaussian orthogonal to it. Returns ``x`` ``(B, s, n)``, ``y`` ``(B, s)``, ``w_star`` ``(B, n)``.

    >>> x, y, w = planted_margin_data(3, 50, 4, 0.2, generator=torch.Generator().manual_seed(0))
    >>> bool((set_margin(x, y, w) > 0.2).all())
    True
    """
    batch, s, n = (v.require_int(k, val, minimum=1) for k, val in (("batch", batch), ("s", s), ("n", n)))
    gamma = v.require_positive_scalar("gamma", gamma)
    v.require_in_range("gamma", gamma, 0, 37.5)  # Φ(-γ) underflows float64 past 37.5
    v.require_generator("generator", generator)
    if not v.require_dtype("dtype", dtype).is_floating_point:
        raise ValueError(f"dtype must be a floating dtype, got {dtype}")
    device = generator.device if generator is not None else None
    w_star = torch.randn(batch, n, generator=generator, dtype=dtype, device=device)
    w_star = w_star / w_star.norm(dim=-1, keepdim=True)
    g = torch.randn(batch, s, n, generator=generator, dtype=dtype, device=device)
    g = g - (g @ w_star.unsqueeze(-1)) * w_star.unsqueeze(1)  # the part orthogonal to w*: N(0, I - w* w*^T)
    u = torch.rand(batch, s, generator=generator, dtype=dtype, device=device)
    tail = torch.special.log_ndtr(torch.tensor(-gamma, dtype=torch.float64, device=g.device)).exp()  # ndtr(-γ): 0
    c = (-torch.special.ndtri(tail * (1 - u.double()))).to(dtype)
    sign = torch.randint(0, 2, (batch, s), generator=generator, device=g.device).to(dtype) * 2 - 1
    x = g + (sign * c).unsqueeze(-1) * w_star.unsqueeze(1)
    y = torch.sign((x @ w_star.unsqueeze(-1)).squeeze(-1))
    return x, y, w_star


def novikoff_quantities(x, y, w_star) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The margin :math:`\gamma` of a unit separator and the radius :math:`R` of the data.

    .. math:: \gamma=\min_i y_i\,\mathbf x_i\cdot\frac{\mathbf w^*}{\|\mathbf w^*\|},\qquad R=\max_i\|\mathbf x_i\|

    Book label: ``perceptron.novikoff-bound``. ``x`` : points ``(..., s, n)``; ``y`` : labels
    ``(..., s)``; ``w_star`` : a separator ``(..., n)``. Returns ``(gamma, R)``, shape ``x.shape[:-2]``.

    >>> g, R = novikoff_quantities([[3.0, 4.0], [-1.0, 0.0]], [1, -1], [1.0, 0.0])
    >>> float(g), float(R)
    (1.0, 5.0)
    """
    x = _float("x", x)
    v.require_ndim("x", x, (2, 3))
    return _margin(x, y, w_star, 0.0, "w_star").amin(-1), x.norm(dim=-1).amax(-1)


def norm_growth_bound(t, R) -> torch.Tensor:
    r"""Norm growth of the perceptron: after :math:`t` mistakes from :math:`\mathbf w_0=0`, the weights are short.

    .. math:: \|\mathbf w_t\|^2\le\sum_{k=1}^t\|\mathbf x^k\|^2\le tR^2\ \Rightarrow\ \|\mathbf w_t\|\le R\sqrt t,
              \qquad\text{since}\ \|\mathbf w+y\mathbf x\|^2=\|\mathbf w\|^2+2y\,\mathbf x\cdot\mathbf w+\|\mathbf x\|^2

    Book label: ``perceptron.norm-growth``. ``t`` : number of mistakes; ``R`` : radius of the data.
    The middle term of the expansion is :math:`\le0` at a mistake.

    >>> float(norm_growth_bound(16, 2.0))
    8.0
    """
    t = _float("t", t)
    v.require_positive("t", t, strict=False)
    R = _float("R", R, like=t)
    v.require_positive("R", R, strict=False)
    return R * torch.sqrt(t)


def novikoff_cosine_bound(t, gamma, R) -> torch.Tensor:
    r"""Lower bound on the cosine between the perceptron's weights after :math:`t` mistakes and a unit separator.

    .. math:: 1\ge\cos\angle(\mathbf w^*,\mathbf w_t)=\frac{\mathbf w^*\cdot\mathbf w_t}{\|\mathbf w_t\|}
              \ge\frac{t\gamma}{R\sqrt t}=\frac{\sqrt t\,\gamma}{R}

    Book label: ``perceptron.novikoff-bound``. ``t`` : mistakes; ``gamma`` : margin of
    :math:`\mathbf w^*`; ``R`` : radius. The numerator bound :math:`\mathbf w_t\cdot\mathbf w^*\ge t\gamma`
    holds because each mistake adds :math:`y\,\mathbf x\cdot\mathbf w^*\ge\gamma`; the denominator
    bound is :func:`norm_growth_bound`. The bound grows with :math:`t` and must stay :math:`\le1`.

    >>> float(novikoff_cosine_bound(25, 0.1, 1.0))
    0.5
    """
    t = _float("t", t)
    gamma, R = _float("gamma", gamma, like=t), _float("R", R, like=t)
    v.require_positive("t", t, strict=False), v.require_positive("gamma", gamma), v.require_positive("R", R)
    return torch.sqrt(t) * gamma / R


def novikoff_mistake_bound(gamma, R) -> torch.Tensor:
    r"""Novikoff's theorem (1962): the perceptron makes at most :math:`(R/\gamma)^2` mistakes.

    .. math:: \frac{\sqrt t\,\gamma}{R}\le1\ \Longrightarrow\ t\le\frac{R^2}{\gamma^2}

    Book label: ``perceptron.novikoff-bound``. ``gamma`` : margin of a unit separator, > 0;
    ``R`` : radius of the data (homogeneous unit, :math:`\mathbf w_0=0`). Independent of the
    dimension and of the number of points.

    >>> float(novikoff_mistake_bound(0.1, 1.0))
    100.0
    """
    gamma = _float("gamma", gamma)
    v.require_positive("gamma", gamma)
    R = _float("R", R, like=gamma)
    v.require_positive("R", R, strict=False)
    return (R / gamma) ** 2
