r"""The end-to-end experiment of chapter 11: a small network on scikit-learn's digits, attacked with FGSM
and PGD in :math:`\ell_\infty`, then adversarially trained (``adv.robust-training``), with clean and robust
accuracy against the budget :math:`\epsilon`. Pixels are scaled to [0, 1] and attacks stay in that range.
"""

import torch
import torch.nn.functional as F

from edl.convolution.digits import load_digits
from edl.core import validate as v
from edl.robustness.defenses import adversarial_training
from edl.robustness.pgd import fgsm, pgd


def flat_digits(seed=0, *, dtype=torch.float32, device=None) -> tuple[torch.Tensor, ...]:
    """The digits as flat vectors: ``(X_train (1297, 64), y_train, X_test (500, 64), y_test)`` in [0, 1].

    >>> [tuple(t.shape) for t in flat_digits()]
    [(1297, 64), (1297,), (500, 64), (500,)]
    """
    Xtr, ytr, Xte, yte = load_digits(device=device, dtype=dtype, seed=seed)
    return Xtr.flatten(1), ytr, Xte.flatten(1), yte


def make_net(hidden=64, *, seed=0, dtype=torch.float32) -> torch.nn.Module:
    """A one-hidden-layer ReLU network 64 → ``hidden`` → 10, initialised from ``seed``.

    >>> sum(p.numel() for p in make_net(16).parameters())
    1210
    """
    hidden = v.require_int("hidden", hidden, minimum=1)
    seed = v.require_int("seed", seed, minimum=0)
    v.require_dtype("dtype", dtype)
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(64, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 10)).to(dtype)


def robust_accuracy(model, X, y, eps, *, attack="pgd", steps=10) -> float:
    r"""Accuracy on inputs attacked within :math:`\|\delta\|_\infty\le\epsilon` (FGSM or PGD), pixels in [0, 1].

    >>> net = make_net(8)
    >>> X, y = torch.zeros(3, 64), torch.tensor([0, 1, 2])
    >>> robust_accuracy(net, X, y, 0.0) == robust_accuracy(net, X, y, 0.0, attack="fgsm")
    True
    """
    if not isinstance(model, torch.nn.Module):
        raise ValueError(f"model must be a torch.nn.Module, got {model!r}")
    X = v.as_float_tensor("X", X)
    v.require_ndim("X", X, 2)
    v.require_finite("X", X)
    if not isinstance(y, torch.Tensor) or y.dtype != torch.long:
        raise ValueError(f"y must be a tensor of class indices (torch.long), got {y!r}")
    v.require_shape("y", y, (X.shape[0],), match="X")
    eps = v.require_positive_scalar("eps", eps, strict=False)
    v.require_choice("attack", attack, ("fgsm", "pgd"))
    steps = v.require_int("steps", steps, minimum=1)
    if eps > 0:
        loss = lambda z: F.cross_entropy(model(z), y, reduction="none")  # noqa: E731
        X = fgsm(loss, X, eps, lower=0.0, upper=1.0) if attack == "fgsm" else \
            pgd(loss, X, eps, steps=steps, lower=0.0, upper=1.0)
    with torch.no_grad():
        return float((model(X).argmax(-1) == y).float().mean())


def digits_experiment(eps_train=0.1, eps_grid=(0.0, 0.05, 0.1, 0.15, 0.2), *, epochs=15, seed=0) -> dict:
    r"""Train a standard and an adversarially trained network, and measure both against FGSM and PGD.

    Returns ``{"eps": [...], "standard": {"fgsm": [...], "pgd": [...]}, "robust": {...}}`` with the accuracy
    on the 500 test digits at each budget (``eps = 0``: clean accuracy).
    """
    eps_train = v.require_positive_scalar("eps_train", eps_train)
    grid_t = v.as_float_tensor("eps_grid", eps_grid)
    v.require_ndim("eps_grid", grid_t, 1)
    v.require_finite("eps_grid", grid_t)
    v.require_positive("eps_grid", grid_t, strict=False)
    grid = grid_t.tolist()
    epochs = v.require_int("epochs", epochs, minimum=1)
    Xtr, ytr, Xte, yte = flat_digits(seed)
    out = {"eps": grid}
    for name, eps in (("standard", 0.0), ("robust", eps_train)):
        net = make_net(seed=seed)
        adversarial_training(net, Xtr, ytr, eps, epochs=epochs, lr=0.01, attack_steps=5, seed=seed)
        out[name] = {a: [robust_accuracy(net, Xte, yte, e, attack=a) for e in grid] for a in ("fgsm", "pgd")}
    return out
