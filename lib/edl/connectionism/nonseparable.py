"""The perceptron when no separator exists: it cycles, and two repairs (the pocket and the average).

Chapter 1, section "When the data are not separable". The cyclic perceptron (:func:`edl.connectionism.
perceptron.perceptron_train`) never stops on such data: by the perceptron cycling theorem its weights
stay bounded, and on integer data they take finitely many values, so the state at the start of an
epoch must eventually repeat and the run is periodic. Gallant's *pocket* algorithm keeps the best
weights seen so far; the *averaged* perceptron (Freund and Schapire) predicts with the running mean of
the weights. Points ``(s, n)``, labels ``(s,)``, homogeneous (use :func:`~edl.connectionism.perceptron.augment`
for a bias). Tensors in, tensors out; dtype and device follow ``x``.
"""

from typing import NamedTuple

import numpy as np
import torch

from edl.core import validate as v


def _data(x, y) -> tuple[np.ndarray, np.ndarray, torch.Tensor]:
    x = v.as_float_tensor("x", x)
    v.require_finite("x", x)
    v.require_ndim("x", x, 2)
    y = v.as_float_tensor("y", y)  # read in float64 on the CPU below, whatever x is
    if y.shape != x.shape[:1]:
        raise ValueError(f"y must have shape ({x.shape[0]},), one label per point of x, got {tuple(y.shape)}")
    if not ((y == 1) | (y == -1)).all():
        raise ValueError(f"y must hold labels -1 or +1, got {y.unique().tolist()}")
    return x.detach().cpu().double().numpy(), y.detach().cpu().double().numpy(), x


# Result records (returned, not built by users, hence not part of the validated public surface).
_EpochRun = NamedTuple("EpochRun", [("weights", torch.Tensor), ("mistakes", torch.Tensor), ("errors", torch.Tensor),
                                    ("repeat_at", int), ("period", int)])
_EpochRun.__doc__ = """The cyclic perceptron epoch by epoch: weights at the start of each epoch ``(E+1, n)``, mistakes
made in each epoch ``(E,)``, training errors of the weights at each epoch start ``(E+1,)``, and the first
epoch at which the start-of-epoch weights repeat an earlier one with the period of the repeat (``-1, 0`` if
no repeat within the epochs run)."""


def perceptron_epochs(x, y, epochs: int) -> _EpochRun:
    r"""The cyclic perceptron for a fixed number of epochs, recording each epoch and detecting a cycle.

    .. math:: \text{for } i=1..s:\ \ y_i\,\mathbf x_i\cdot\mathbf w\le0\ \Rightarrow\ \mathbf w\leftarrow\mathbf w+y_i\mathbf x_i,
              \qquad \mathbf w_{e+1}=F(\mathbf w_e),\quad
              \mathbf w_{e}=\mathbf w_{e'}\ (e'<e)\ \Rightarrow\ \mathbf w_{e+k}=\mathbf w_{e'+k}\ \forall k

    ``x`` : points ``(s, n)``; ``y`` : labels ±1 ``(s,)``; ``epochs`` : passes over the data. One epoch is
    a deterministic map :math:`F` of the start-of-epoch weights, so a repeated start repeats forever. The
    repeat is detected exactly (equal float64 vectors), which is reliable for integer data, where every
    weight vector is an integer vector.

    >>> xor = torch.tensor([[0., 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]])   # XOR, augmented by 1
    >>> run = perceptron_epochs(xor, torch.tensor([-1., 1, 1, -1]), 20)
    >>> run.repeat_at, run.period, run.mistakes[:3].tolist()  # the four y x sum to 0: back to w = 0
    (1, 1, [4, 4, 4])
    """
    X, Y, x = _data(x, y)
    epochs = v.require_int("epochs", epochs, minimum=1)
    z = Y[:, None] * X
    w = np.zeros(X.shape[1])
    starts, mistakes = [w.copy()], []
    seen = {w.tobytes(): 0}
    repeat_at, period = -1, 0
    for e in range(1, epochs + 1):
        made = 0
        for zi in z:
            if zi @ w <= 0:
                w = w + zi
                made += 1
        mistakes.append(made)
        starts.append(w.copy())
        key = w.tobytes()
        if repeat_at < 0 and key in seen:
            repeat_at, period = e, e - seen[key]
        seen.setdefault(key, e)
    W = np.stack(starts)
    errors = ((z @ W.T) <= 0).sum(0)
    as_t = lambda a, **kw: torch.as_tensor(a, device=x.device, **kw)  # noqa: E731
    return _EpochRun(as_t(W, dtype=x.dtype), as_t(np.array(mistakes)), as_t(errors), repeat_at, period)


_Repaired = NamedTuple("Repaired", [("last", torch.Tensor), ("pocket", torch.Tensor), ("averaged", torch.Tensor)])
_Repaired.__doc__ = "Weights of the last, the pocket and the averaged perceptron after the same updates, ``(n,)`` each."


def pocket_and_average(x, y, epochs: int) -> _Repaired:
    r"""Two ways to get a useful classifier out of a perceptron that never converges.

    .. math:: \mathbf w_{\text{pocket}}=\arg\min_{\mathbf w_t}\ \#\{i:y_i\,\mathbf x_i\cdot\mathbf w_t\le0\},
              \qquad
              \bar{\mathbf w}=\frac1{T}\sum_{t=1}^{T}\mathbf w_t

    over the weights :math:`\mathbf w_t` held after each of the :math:`T=s\cdot` ``epochs`` visits of the
    cyclic perceptron (the pocket keeps the first of the best ones: Gallant's "pocket with ratchet", which
    counts training errors over the whole set; the average is over visits, so weights that survive many
    visits count more). ``x`` : points ``(s, n)``; ``y`` : labels ``(s,)``; ``epochs`` : passes.

    >>> xor = torch.tensor([[0., 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    >>> r = pocket_and_average(xor, torch.tensor([-1., 1, 1, -1]), 30)
    >>> r.pocket.tolist(), int(training_errors(xor, [-1., 1, 1, -1], r.pocket))  # a line can do 1
    ([0.0, 0.0, -1.0], 2)
    """
    X, Y, x = _data(x, y)
    epochs = v.require_int("epochs", epochs, minimum=1)
    z = Y[:, None] * X
    w = np.zeros(X.shape[1])
    total = np.zeros_like(w)
    best, best_errors = w.copy(), len(z) + 1
    for _ in range(epochs):
        for zi in z:
            if zi @ w <= 0:
                w = w + zi
                errors = int(((z @ w) <= 0).sum())
                if errors < best_errors:
                    best, best_errors = w.copy(), errors
            total += w
    out = (w, best, total / (epochs * len(z)))
    return _Repaired(*(torch.as_tensor(a, dtype=x.dtype, device=x.device) for a in out))


def training_errors(x, y, w) -> torch.Tensor:
    r"""Number of training points a homogeneous unit gets wrong (a point on the boundary counts as wrong).

    .. math:: \#\{i:\ y_i\,\mathbf x_i\cdot\mathbf w\le0\}

    ``x`` : ``(s, n)``; ``y`` : ``(s,)``; ``w`` : ``(n,)`` or a batch ``(..., n)``. Returns an integer
    tensor of shape ``w.shape[:-1]``.

    >>> int(training_errors([[1.0, 0.0], [0.0, 1.0]], [1, -1], [1.0, 1.0]))
    1
    """
    X, Y, x = _data(x, y)
    w = v.as_float_tensor("w", w, like=x)
    v.require_finite("w", w)
    if w.ndim == 0 or w.shape[-1] != X.shape[1]:
        raise ValueError(f"w must end in the input dimension {X.shape[1]} of x, got shape {tuple(w.shape)}")
    z = torch.as_tensor(Y[:, None] * X, dtype=w.dtype, device=w.device)
    return ((w @ z.T) <= 0).sum(-1)
