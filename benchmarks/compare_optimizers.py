"""The library's optimizers (edl.optimization.momentum, .adaptive) against torch.optim on one least-squares problem.

Each case trains the same linear model W (8 x 16) on the same data (256 examples, full batch) for 500
steps from the same start, once with the library's optimizer and once with torch's, and returns the
final W. The harness checks that the two agree and compares their times. Run directly for a table.

The step sizes keep every run in a regime where the two implementations agree to rounding (~1e-15).
Adaptive methods with large steps near convergence take almost sign-like steps, and there the last-bit
differences between the library's arithmetic and torch's fused kernels grow (RMSprop at lr = 1e-2 ends
1e-2 apart after 500 steps): a property of the dynamics, not a disagreement of the formulas.
"""

from collections.abc import Callable
from functools import cache

import numpy as np
import torch

from edl.optimization import adaptive, momentum

STEPS = 500


@cache
def _data():
    g = torch.Generator().manual_seed(0)
    X = torch.randn(256, 16, generator=g, dtype=torch.float64)
    W_true = torch.randn(8, 16, generator=g, dtype=torch.float64)
    Y = X @ W_true.T + 0.1 * torch.randn(256, 8, generator=g, dtype=torch.float64)
    W0 = torch.randn(8, 16, generator=g, dtype=torch.float64)
    return X, Y, W0


def _train(make_optimizer) -> np.ndarray:
    X, Y, W0 = _data()
    W = torch.nn.Parameter(W0.clone())
    opt = make_optimizer([W])
    for _ in range(STEPS):
        opt.zero_grad()
        ((X @ W.T - Y) ** 2).mean().backward()
        opt.step()
    return W.detach().numpy()


CONFIGS = {
    "sgd_momentum": (momentum.SGD, dict(lr=0.01, momentum=0.9)),
    "sgd_nesterov": (momentum.SGD, dict(lr=0.01, momentum=0.9, nesterov=True)),
    "adam": (adaptive.Adam, dict(lr=1e-2)),
    "rmsprop": (adaptive.RMSprop, dict(lr=1e-3, alpha=0.99)),
    "adagrad": (adaptive.Adagrad, dict(lr=0.1)),
}


def cases() -> dict[str, tuple[Callable[[], np.ndarray], Callable[[], np.ndarray]]]:
    """Case name -> (library run, torch.optim run); both return the final weights, shape (8, 16)."""
    out = {}
    for name, (ours, kwargs) in CONFIGS.items():
        theirs = getattr(torch.optim, ours.__name__)  # the look-alikes keep torch's class names
        out[name] = (lambda ours=ours, kwargs=kwargs: _train(lambda p: ours(p, **kwargs)),
                     lambda theirs=theirs, kwargs=kwargs: _train(lambda p: theirs(p, **kwargs)))
    return out
