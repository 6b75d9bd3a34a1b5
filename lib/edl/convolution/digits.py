r"""End to end: a small CNN against an MLP with the same number of parameters, on handwritten digits.

Chapter 4, "Convolutional networks". The data are scikit-learn's bundled 8×8 digits (1,797 images, shipped
inside the package: nothing is downloaded), scaled to [0, 1] and split once, by a seeded permutation,
into 1,297 training and 500 test images. The CNN is conv 3×3 (8 channels, same padding) → ReLU →
max-pool 2 → conv 3×3 (16 channels) → ReLU → max-pool 2 → linear 64 → 10: 1,898 parameters. The MLP
64 → 25 → 10 has 1,885. Shapes and counts follow ``conv.architecture``.
"""

from dataclasses import dataclass

import torch
from torch import nn

from edl.convolution import layers
from edl.core import validate as v

N_TEST = 500


def _module(name: str, model, kind=nn.Module):
    if not isinstance(model, kind):
        raise ValueError(f"{name} must be a {kind.__name__}, got {type(model).__name__}")
    return model


def _images(name: str, X, like: nn.Module) -> torch.Tensor:
    p = next(like.parameters(), None)
    X = v.as_float_tensor(name, X, like=p)
    v.require_finite(name, X)
    if X.ndim < 2:
        raise ValueError(f"{name} must be a batch of inputs (2 or more dimensions), got shape {tuple(X.shape)}")
    return X


def _labels(name: str, y, n: int) -> torch.Tensor:
    if not isinstance(y, torch.Tensor) or y.dtype != torch.long or y.ndim != 1 or len(y) != n:
        raise ValueError(f"{name} must be a 1-D tensor of {n} integer class labels, got {y!r}"[:200])
    return y


def load_digits(device=None, dtype=torch.float32, seed: int = 0):
    r"""The digits as ``(X_train, y_train, X_test, y_test)``, images ``(N, 1, 8, 8)`` in [0, 1].

    ``seed`` : the permutation that splits off the 500 test images.

    >>> Xtr, ytr, Xte, yte = load_digits()
    >>> tuple(Xtr.shape), tuple(Xte.shape), float(Xtr.max())
    ((1297, 1, 8, 8), (500, 1, 8, 8), 1.0)
    """
    from sklearn.datasets import load_digits as _load   # bundled with scikit-learn: no download

    seed = v.require_int("seed", seed, minimum=0)
    device = v.require_device("device", device)
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise ValueError(f"dtype must be a floating torch dtype, got {dtype!r}")
    data = _load()
    X = torch.tensor(data.images, dtype=dtype, device=device)[:, None] / 16.0
    y = torch.tensor(data.target, dtype=torch.long, device=device)
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(seed)).to(X.device)
    test, train = order[:N_TEST], order[N_TEST:]
    return X[train], y[train], X[test], y[test]


class SmallCNN(nn.Module):
    """conv(1→c1, 3×3, same) → ReLU → pool 2 → conv(c1→c2, 3×3, same) → ReLU → pool 2 → linear."""

    def __init__(self, c1: int = 8, c2: int = 16):
        super().__init__()
        c1, c2 = v.require_int("c1", c1, minimum=1), v.require_int("c2", c2, minimum=1)
        self.conv1 = nn.Conv2d(1, c1, 3, padding=1)
        self.conv2 = nn.Conv2d(c1, c2, 3, padding=1)
        self.fc = nn.Linear(c2 * 2 * 2, 10)

    def features(self, x):
        """The first layer's feature maps after the ReLU, ``(B, c1, 8, 8)``."""
        return torch.relu(self.conv1(x))

    def forward(self, x):
        h = nn.functional.max_pool2d(self.features(x), 2)                 # (B, c1, 4, 4)
        h = nn.functional.max_pool2d(torch.relu(self.conv2(h)), 2)        # (B, c2, 2, 2)
        return self.fc(h.flatten(1))                                      # (B, 10)


def cnn_stages(c1: int = 8, c2: int = 16) -> list[dict]:
    """The CNN's stages, for :func:`edl.convolution.layers.architecture_shapes`."""
    c1, c2 = v.require_int("c1", c1, minimum=1), v.require_int("c2", c2, minimum=1)
    return [{"conv": c1, "k": 3, "p": 1}, {"pool": 2}, {"conv": c2, "k": 3, "p": 1}, {"pool": 2},
            {"flatten": True}, {"fc": 10}]


def make_mlp(hidden: int) -> nn.Module:
    """The MLP 64 → hidden → 10 with a ReLU, on flattened images."""
    hidden = v.require_int("hidden", hidden, minimum=1)
    return nn.Sequential(nn.Flatten(), nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, 10))


def matching_hidden_width(budget: int) -> int:
    r"""The MLP width whose parameter count :math:`64h+h+10h+10` comes closest to ``budget`` from below.

    >>> matching_hidden_width(1898)
    25
    """
    budget = v.require_int("budget", budget, minimum=85)
    return (budget - 10) // 75


def n_params(model: nn.Module) -> int:
    """The number of trainable parameters."""
    _module("model", model)
    return sum(p.numel() for p in model.parameters())


def accuracy(model: nn.Module, X, y) -> float:
    """Fraction of ``X`` classified as ``y``."""
    _module("model", model)
    X = _images("X", X, model)
    y = _labels("y", y, len(X))
    with torch.no_grad():
        try:
            scores = model(X)
        except RuntimeError as err:
            raise ValueError(f"X must fit the model's input, got shape {tuple(X.shape)}: {err}") from err
        return float((scores.argmax(1) == y).double().mean())


@dataclass
class Run:
    """A trained model and its test accuracy after every epoch."""

    model: nn.Module
    test_accuracy: list[float]

    def __post_init__(self):
        _module("model", self.model)
        if not isinstance(self.test_accuracy, list) or not all(
                isinstance(a, float) and 0.0 <= a <= 1.0 for a in self.test_accuracy):
            raise ValueError(f"test_accuracy must be a list of accuracies in [0, 1], got {self.test_accuracy!r}"[:200])


def train(model: nn.Module, data, *, epochs: int = 30, lr: float = 3e-3, batch_size: int = 64, seed: int = 0) -> Run:
    """Adam on the cross-entropy, mini-batches in a seeded order; the test accuracy is recorded per epoch."""
    epochs = v.require_int("epochs", epochs, minimum=1)
    batch_size = v.require_int("batch_size", batch_size, minimum=1)
    lr = v.require_scalar("lr", lr)
    v.require_positive("lr", lr)
    _module("model", model)
    if not isinstance(data, tuple) or len(data) != 4:
        raise ValueError(f"data must be (X_train, y_train, X_test, y_test), got {type(data).__name__}")
    Xtr, Xte = _images("data", data[0], model), _images("data", data[2], model)
    ytr, yte = _labels("data", data[1], len(Xtr)), _labels("data", data[3], len(Xte))
    g = torch.Generator().manual_seed(v.require_int("seed", seed, minimum=0))
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    for _ in range(epochs):
        order = torch.randperm(len(ytr), generator=g).to(ytr.device)
        for start in range(0, len(ytr), batch_size):
            idx = order[start:start + batch_size]
            opt.zero_grad()
            nn.functional.cross_entropy(model(Xtr[idx]), ytr[idx]).backward()
            opt.step()
        history.append(accuracy(model, Xte, yte))
    return Run(model, history)


def compare(epochs: int = 30, seed: int = 0, device=None) -> dict:
    """Train the CNN and the MLP of (almost) the same size on the same split, from seeded initialisations.

    Returns ``{"cnn": Run, "mlp": Run, "params": (cnn, mlp), "data": (X_train, y_train, X_test, y_test)}``.
    """
    seed = v.require_int("seed", seed, minimum=0)
    epochs = v.require_int("epochs", epochs, minimum=1)
    data = load_digits(device=device)
    torch.manual_seed(seed)
    cnn = SmallCNN().to(data[0].device)
    mlp = make_mlp(matching_hidden_width(n_params(cnn))).to(data[0].device)
    return {"cnn": train(cnn, data, epochs=epochs, seed=seed), "mlp": train(mlp, data, epochs=epochs, seed=seed),
            "params": (n_params(cnn), n_params(mlp)), "data": data}


def input_receptive_field(model: SmallCNN, x, channel: int, row: int, col: int) -> torch.Tensor:
    r"""Which input pixels a unit of the second conv layer depends on: the support of :math:`\partial y/\partial x`.

    ``x`` : one image ``(1, 8, 8)``; the unit is ``conv2``'s output at ``(channel, row, col)`` (4×4 grid).
    Returns a boolean ``(8, 8)`` mask. By ``conv.receptive-field`` (kernels 3, 2, 3 with strides 1, 2, 1)
    an interior unit sees a 3 + 1 + 2·2 = 8-pixel wide square, cut by the image's border.
    """
    _module("model", model, SmallCNN)
    x = v.as_float_tensor("x", x, like=next(model.parameters()))
    v.require_ndim("x", x, 3)
    v.require_finite("x", x)
    channel = v.require_int("channel", channel, minimum=0)
    row, col = v.require_int("row", row, minimum=0), v.require_int("col", col, minimum=0)
    if channel >= model.conv2.out_channels:
        raise ValueError(f"channel must index conv2's {model.conv2.out_channels} channels, got {channel}")
    side = x.shape[-1] // 2
    if row >= x.shape[-2] // 2 or col >= side:
        raise ValueError(f"row and col must index the {x.shape[-2] // 2}×{side} grid of conv2, got row={row}, col={col}")
    x = x[None].clone().requires_grad_(True)
    # The receptive field is a property of the wiring, not of the current activations: the linear parts
    # (conv1, an average pool over the same windows, conv2) carry a gradient to every pixel in it, where a
    # ReLU or a max-pool could block some.
    h = nn.functional.avg_pool2d(model.conv1(x), 2)
    y = model.conv2(h)[0, channel, row, col]
    (grad,) = torch.autograd.grad(y, x)
    return grad[0, 0] != 0


def receptive_field_side() -> int:
    """The side of an interior second-layer unit's receptive field, by ``conv.receptive-field``."""
    return layers.receptive_field([3, 2, 3], [1, 2, 1])
