"""Training a small network on data: why hidden layers are needed, the δ-recursion by hand, and overfitting.

Chapter 2, "Training a network end to end". A network is a list of weight matrices ``weights[l]`` of
shape ``(n_l, n_{l-1})`` and biases ``biases[l]`` of shape ``(n_l,)``; hidden layers apply tanh and the
last layer returns one logit per example, read as :math:`P(y=1\\mid\\mathbf x)=\\sigma(z)`. Inputs are
batches ``(s, n_0)``, labels are 0/1. The loss is the mean binary cross-entropy on the logits.
Dtype and device follow the weights. Chapter 3 derives the δ-recursion in general.
"""

import math
from collections.abc import Sequence

import torch

from edl.core import validate as v


# --- data ---------------------------------------------------------------------------------------------

def xor_data() -> tuple[torch.Tensor, torch.Tensor]:
    """The four XOR points: inputs :math:`\\{0,1\\}^2` and labels :math:`y=x_1\\oplus x_2`.

    >>> X, y = xor_data()
    >>> X.tolist(), y.tolist()
    ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0.0, 1.0, 1.0, 0.0])
    """
    X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype=torch.float64)
    return X, (X[:, 0] != X[:, 1]).to(torch.float64)


def xor_relu_network() -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    r"""Weights of a 2-2-1 ReLU network that computes XOR exactly on :math:`\{0,1\}^2`:

    .. math:: h_1=(x_1+x_2)_+,\quad h_2=(x_1+x_2-1)_+,\quad \hat y=h_1-2h_2 .

    >>> W, b = xor_relu_network()
    >>> X, y = xor_data()
    >>> h = torch.relu(X @ W[0].T + b[0])
    >>> (h @ W[1].T + b[1]).squeeze(1).tolist()
    [0.0, 1.0, 1.0, 0.0]
    """
    W = [torch.tensor([[1.0, 1.0], [1.0, 1.0]], dtype=torch.float64), torch.tensor([[1.0, -2.0]], dtype=torch.float64)]
    b = [torch.tensor([0.0, -1.0], dtype=torch.float64), torch.tensor([0.0], dtype=torch.float64)]
    return W, b


def xor_linear_fit() -> torch.Tensor:
    r"""Predictions of the least-squares affine fit :math:`\mathbf w^\top\mathbf x+b` to XOR: 1/2 at every point.

    The two points labelled 1 and the two labelled 0 have the same sum, (0,1)+(1,0) = (0,0)+(1,1), so every
    affine score has the same total on both classes and cannot put both 1s above both 0s.

    >>> xor_linear_fit().tolist()
    [0.5, 0.5, 0.5, 0.5]
    """
    X, y = xor_data()
    design = torch.cat([X, torch.ones(4, 1, dtype=X.dtype)], 1)
    coef = torch.linalg.lstsq(design, y[:, None]).solution
    return (design @ coef).squeeze(1).round(decimals=12) + 0.0


def two_moons(s: int, noise: float = 0.2, *, generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    r"""``s`` points of two interleaved half circles (labels 0 and 1, alternating), with Gaussian noise.

    Class 0 lies on :math:`(\cos\tau,\sin\tau)`, class 1 on :math:`(1-\cos\tau,\tfrac12-\sin\tau)`,
    :math:`\tau\sim\mathcal U[0,\pi]`; then :math:`\mathcal N(0,\text{noise}^2I)` is added.

    >>> X, y = two_moons(6, generator=torch.Generator().manual_seed(0))
    >>> tuple(X.shape), y.tolist()
    ((6, 2), [0.0, 1.0, 0.0, 1.0, 0.0, 1.0])
    """
    s = v.require_int("s", s, minimum=1)
    v.require_positive("noise", v.require_scalar("noise", noise), strict=False)
    generator = _generator(generator)
    dtype = torch.float64
    tau = torch.rand(s, generator=generator, dtype=dtype) * math.pi
    y = (torch.arange(s) % 2).to(dtype)
    X = torch.stack([torch.cos(tau), torch.sin(tau)], 1)
    X = torch.where(y[:, None] == 1, torch.stack([1 - X[:, 0], 0.5 - X[:, 1]], 1), X)
    return X + noise * torch.randn(s, 2, generator=generator, dtype=dtype), y


# --- the network ----------------------------------------------------------------------------------------

def init_network(widths: Sequence[int], *, generator: torch.Generator | None = None) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    r"""Weights :math:`W^l_{ij}\sim\mathcal N(0,1/n_{l-1})` and zero biases, for widths :math:`(n_0,\dots,n_L)`.

    The variance :math:`1/n_{l-1}` keeps every pre-activation of order one at the start (chapter 8
    derives this scaling, and its Xavier and He variants).

    >>> W, b = init_network([2, 8, 1], generator=torch.Generator().manual_seed(0))
    >>> [tuple(w.shape) for w in W], [tuple(c.shape) for c in b]
    ([(8, 2), (1, 8)], [(8,), (1,)])
    """
    if not isinstance(widths, (list, tuple)) or len(widths) < 2:
        raise ValueError(f"widths must list at least an input and an output width, got {widths!r}")
    widths = [v.require_int("widths", n, minimum=1) for n in widths]
    generator = _generator(generator)
    weights = [torch.randn(m, n, generator=generator, dtype=torch.float64) / math.sqrt(n) for n, m in zip(widths, widths[1:])]
    return weights, [torch.zeros(m, dtype=torch.float64) for m in widths[1:]]


def _generator(generator):
    if generator is not None and not isinstance(generator, torch.Generator):
        raise ValueError(f"generator must be a torch.Generator or None, got {generator!r}")
    return generator


def _params(weights, biases):
    """The weights and biases as lists of finite float tensors of chaining shapes, ending in one logit."""
    for name, arrays in (("weights", weights), ("biases", biases)):
        if not isinstance(arrays, (list, tuple)) or len(arrays) == 0:
            raise ValueError(f"{name} must be a non-empty list of arrays, got {arrays!r}")
    if len(weights) != len(biases):
        raise ValueError(f"weights and biases must have the same length, got {len(weights)} and {len(biases)}")
    Ws, bs = [], []
    for l, (W, b) in enumerate(zip(weights, biases)):
        W = v.as_float_tensor(f"weights[{l}]", W)
        b = v.as_float_tensor(f"biases[{l}]", b, like=W)
        v.require_finite(f"weights[{l}]", W)
        v.require_finite(f"biases[{l}]", b)
        if W.ndim != 2 or (l > 0 and W.shape[1] != Ws[-1].shape[0]):
            raise ValueError(f"weights[{l}] must be a matrix taking the previous layer's outputs, got shape {tuple(W.shape)}")
        if b.shape != (W.shape[0],):
            raise ValueError(f"biases[{l}] must have shape ({W.shape[0]},), got {tuple(b.shape)}")
        Ws.append(W)
        bs.append(b)
    if Ws[-1].shape[0] != 1:
        raise ValueError(f"weights[-1] must have one output (a logit), got shape {tuple(Ws[-1].shape)}")
    return Ws, bs


def _check(X, weights, biases, y=None, names=("X", "y"), labelled=True):
    weights, biases = _params(weights, biases)
    X = v.as_float_tensor(names[0], X, like=weights[0])
    v.require_ndim(names[0], X, 2)
    v.require_finite(names[0], X)
    if X.shape[1] != weights[0].shape[1]:
        raise ValueError(f"{names[0]} must have {weights[0].shape[1]} columns (the input width), got shape {tuple(X.shape)}")
    if y is None and not labelled:
        return X, weights, biases
    if y is None:
        raise ValueError(f"{names[1]} must hold one 0/1 label per row of {names[0]}, got None")
    y = v.as_float_tensor(names[1], y, like=X)
    if y.shape != (X.shape[0],) or not ((y == 0) | (y == 1)).all():
        raise ValueError(f"{names[1]} must hold one 0/1 label per row of {names[0]} ({X.shape[0]}), "
                         f"got {y.tolist() if y.numel() < 20 else y}")
    return X, y, weights, biases


def forward(X, weights, biases) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    r"""The forward pass, keeping what the backward pass needs: pre-activations :math:`\mathbf a^l=W^l\mathbf x^{l-1}+\mathbf b^l`
    and activations :math:`\mathbf x^l=\tanh\mathbf a^l` (the last layer stays linear: its output is the logit).

    Returns ``(pre, post)`` with ``post[0] = X`` and ``post[-1]`` the logits, shape ``(s, 1)``.
    """
    X, weights, biases = _check(X, weights, biases, labelled=False)
    pre, post = [], [X]
    for l, (W, b) in enumerate(zip(weights, biases)):
        pre.append(post[-1] @ W.T + b)  # (s, n_l)
        post.append(pre[-1] if l == len(weights) - 1 else torch.tanh(pre[-1]))
    return pre, post


def logits(X, weights, biases) -> torch.Tensor:
    """The network's logit for every row of ``X``, shape ``(s,)``."""
    return forward(X, weights, biases)[1][-1][:, 0]


def loss(X, y, weights, biases) -> torch.Tensor:
    r"""Mean binary cross-entropy :math:`\frac1s\sum_i\log(1+e^{-(2y_i-1)z_i})` of the logits."""
    X, y, weights, biases = _check(X, weights, biases, y)
    z = logits(X, weights, biases)
    return torch.nn.functional.softplus(-(2 * y - 1) * z).mean()


def accuracy(X, y, weights, biases) -> float:
    """Fraction of rows whose logit has the sign of the label (z > 0 predicts 1)."""
    X, y, weights, biases = _check(X, weights, biases, y)
    return float(((logits(X, weights, biases) > 0).to(y.dtype) == y).to(torch.float64).mean())


def backward(X, y, weights, biases) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    r"""Gradients of :func:`loss` by the δ-recursion, with :math:`\boldsymbol\delta^l=\partial\mathcal L/\partial\mathbf a^l`:

    .. math:: \boldsymbol\delta^L=\tfrac1s(\sigma(\mathbf z)-\mathbf y),\qquad
              \boldsymbol\delta^{l}=\big((W^{l+1})^\top\boldsymbol\delta^{l+1}\big)\odot(1-\tanh^2\mathbf a^l),\qquad
              \frac{\partial\mathcal L}{\partial W^l}=\boldsymbol\delta^l(\mathbf x^{l-1})^\top,\quad
              \frac{\partial\mathcal L}{\partial\mathbf b^l}=\boldsymbol\delta^l,

    summed over the batch (rows). The first line is chapter 2's logistic gradient, "prediction minus target".
    """
    X, y, weights, biases = _check(X, weights, biases, y)
    pre, post = forward(X, weights, biases)
    delta = (torch.sigmoid(post[-1]) - y[:, None]) / X.shape[0]  # (s, 1): δ of the output logit
    grads_W, grads_b = [None] * len(weights), [None] * len(weights)
    for l in reversed(range(len(weights))):
        grads_W[l] = delta.T @ post[l]  # Σ_i δ_i (x_i^{l-1})ᵀ: (n_l, n_{l-1})
        grads_b[l] = delta.sum(0)
        if l > 0:
            delta = (delta @ weights[l]) * (1 - post[l] ** 2)  # rows: (W^l)ᵀδ^l, then through tanh
    return grads_W, grads_b


def train_by_hand(X, y, weights, biases, lr: float, steps: int, *, X_test=None, y_test=None,
                  record_every: int = 1) -> dict:
    """Full-batch gradient descent with :func:`backward`; returns the final weights and the loss curves.

    ``{"weights", "biases", "steps", "train", "test"}``: the step numbers 0, ``record_every``, … (and
    ``steps``) and the training and held-out losses there (``test`` is None without ``X_test``).
    """
    X, y, weights, biases = _check(X, weights, biases, y)
    v.require_positive("lr", v.require_scalar("lr", lr))
    steps = v.require_int("steps", steps, minimum=0)
    record_every = v.require_int("record_every", record_every, minimum=1)
    has_test = X_test is not None or y_test is not None
    if has_test:
        if X_test is None or y_test is None:
            raise ValueError(f"X_test and y_test must be given together, got {'X_test' if y_test is None else 'y_test'} "
                             f"alone")
        X_test, y_test, _, _ = _check(X_test, weights, biases, y_test, names=("X_test", "y_test"))
    W, b = [w.clone() for w in weights], [c.clone() for c in biases]
    at, train, test = [], [], []
    for k in range(steps + 1):
        if k % record_every == 0 or k == steps:
            at.append(k)
            train.append(float(loss(X, y, W, b)))
            if has_test:
                test.append(float(loss(X_test, y_test, W, b)))
        if k == steps:
            break
        gW, gb = backward(X, y, W, b)
        W = [w - lr * g for w, g in zip(W, gW)]
        b = [c - lr * g for c, g in zip(b, gb)]
    return {"weights": W, "biases": b, "steps": torch.tensor(at), "train": torch.tensor(train, dtype=torch.float64),
            "test": torch.tensor(test, dtype=torch.float64) if has_test else None}


def as_torch_module(weights, biases) -> torch.nn.Sequential:
    """The same network as ``torch.nn.Sequential(Linear, Tanh, …, Linear)``, holding copies of the weights."""
    weights, biases = _params(weights, biases)
    layers = []
    for l, (W, b) in enumerate(zip(weights, biases)):
        lin = torch.nn.Linear(W.shape[1], W.shape[0], dtype=W.dtype)
        with torch.no_grad():
            lin.weight.copy_(W)
            lin.bias.copy_(b)
        layers.append(lin)
        if l < len(weights) - 1:
            layers.append(torch.nn.Tanh())
    return torch.nn.Sequential(*layers)


def train_with_torch(X, y, weights, biases, lr: float, steps: int) -> tuple[torch.nn.Sequential, torch.Tensor]:
    """The same training as :func:`train_by_hand`, written the usual PyTorch way: a module, autograd and
    ``torch.optim.SGD``. Returns the trained module and the training loss before every step and after the last."""
    X, y, weights, biases = _check(X, weights, biases, y)
    v.require_positive("lr", v.require_scalar("lr", lr))
    steps = v.require_int("steps", steps, minimum=0)
    net = as_torch_module(weights, biases)
    opt = torch.optim.SGD(net.parameters(), lr=lr)
    bce = torch.nn.BCEWithLogitsLoss()
    curve = []
    for _ in range(steps):
        opt.zero_grad()
        value = bce(net(X)[:, 0], y)
        curve.append(float(value.detach()))
        value.backward()
        opt.step()
    with torch.no_grad():
        curve.append(float(bce(net(X)[:, 0], y)))
    return net, torch.tensor(curve, dtype=torch.float64)


_OVERFIT_CACHE: dict = {}


def overfitting_experiment(sizes: Sequence[int] = (20, 200), width: int = 32, steps: int = 3000,
                           record_every: int = 25, noise: float = 0.3) -> dict:
    """The chapter's overfitting experiment: a 2-``width``-``width``-1 network trained by :func:`train_by_hand`
    (step 1) on ``s`` two-moons points for each ``s`` in ``sizes``, watched on 1000 held-out points.

    Returns ``{s: train_by_hand result}``; the same weights start every run, and the result is cached.
    """
    if not isinstance(sizes, (list, tuple)) or len(sizes) == 0:
        raise ValueError(f"sizes must list at least one training-set size, got {sizes!r}")
    sizes = tuple(v.require_int("sizes", s, minimum=1) for s in sizes)
    v.require_positive("noise", v.require_scalar("noise", noise), strict=False)
    key = (sizes, v.require_int("width", width, minimum=1), v.require_int("steps", steps, minimum=1),
           v.require_int("record_every", record_every, minimum=1), v.require_scalar("noise", noise))
    if key not in _OVERFIT_CACHE:
        X_test, y_test = two_moons(1000, noise, generator=torch.Generator().manual_seed(3))
        runs = {}
        for s in sizes:
            X, y = two_moons(s, noise, generator=torch.Generator().manual_seed(2))
            W, b = init_network([2, width, width, 1], generator=torch.Generator().manual_seed(4))
            runs[s] = train_by_hand(X, y, W, b, 1.0, steps, X_test=X_test, y_test=y_test, record_every=record_every)
        _OVERFIT_CACHE[key] = runs
    return _OVERFIT_CACHE[key]
