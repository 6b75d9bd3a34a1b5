"""The exact dropout ensemble two ways: every sub-network in one batched product
(:func:`edl.tricks.dropout.ensemble_mean`) against a loop that evaluates the :math:`2^R` sub-networks one by one.

A softmax layer with :math:`R` inputs (dropped with keep probabilities :math:`\\phi_i`) and 10 classes has
:math:`2^R` sub-networks; its exact prediction is :math:`\\sum_bp(b)\\,\\mathrm{softmax}(W(b\\odot x))`. The loop
costs :math:`2^R` Python steps, each a small matrix-vector product and a product of :math:`R` Bernoulli
factors; the library builds the :math:`2^R\\times R` mask matrix once and does one matrix product. Both give
the same class probabilities to rounding. Run directly, the module prints the times for R = 8 … 14.
"""

import functools
import itertools
from collections.abc import Callable

import numpy as np
import torch

from edl.core.device import single_threaded
from edl.tricks import dropout
from timing import median_time

UNITS = (8, 10, 12, 14)
CLASSES = 10


@functools.cache
def _layer(R: int):
    g = torch.Generator().manual_seed(R)
    x = torch.randn(R, generator=g, dtype=torch.float64)
    W = torch.randn(CLASSES, R, generator=g, dtype=torch.float64)
    keep = 0.3 + 0.6 * torch.rand(R, generator=g, dtype=torch.float64)
    return x, W, keep


def loop(R: int) -> np.ndarray:
    """One sub-network at a time: p(b) as a product of Bernoulli factors, softmax(W(b ⊙ x))."""
    x, W, keep = (t.numpy() for t in _layer(R))
    total = np.zeros(CLASSES)
    for bits in itertools.product((0.0, 1.0), repeat=R):
        b = np.array(bits)
        p = float(np.prod(np.where(b == 1, keep, 1 - keep)))
        z = W @ (b * x)
        e = np.exp(z - z.max())
        total += p * e / e.sum()
    return total


def batched(R: int) -> np.ndarray:
    x, W, keep = _layer(R)
    with single_threaded():
        return dropout.ensemble_mean(x, W, keep, "softmax").numpy()


def cases() -> dict[str, tuple[Callable[[], np.ndarray], Callable[[], np.ndarray]]]:
    return {f"R = {R} ({2 ** R:,} masks), batched vs loop": (functools.partial(batched, R), functools.partial(loop, R))
            for R in UNITS}


if __name__ == "__main__":
    torch.set_num_threads(1)
    print(f"{'R':>3} {'masks':>7} {'loop':>10} {'batched':>10} {'speed-up':>9} {'max diff':>9}")
    for R in UNITS:
        t_loop, t_batch = median_time(loop, R, repeats=1), median_time(batched, R, repeats=5)
        diff = np.abs(loop(R) - batched(R)).max()
        print(f"{R:>3} {2 ** R:>7,} {t_loop * 1e3:>8.1f}ms {t_batch * 1e3:>8.2f}ms {t_loop / t_batch:>9.0f} {diff:>9.1e}")
