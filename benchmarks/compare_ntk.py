"""The empirical neural tangent kernel two ways: the library's batched routine (one ``torch.func.jacrev`` of the
network over all parameters, ``vmap``-ed over all inputs, then :math:`K=JJ^\\top`,
:func:`edl.theory.ntk.empirical_ntk`) and a per-pair loop that calls ``torch.autograd.grad`` once per input and
takes the dot product of the two gradients for every pair :math:`(x_i,x_j)`.

Both compute the same Gram matrix of parameter gradients of a two-layer tanh network in NTK scaling
(:math:`d=5`, width :math:`m`, :math:`n` seeded inputs) and agree to rounding. The loop makes :math:`n`
backward passes and :math:`n^2` dot products in Python; the batched routine makes one vectorised Jacobian and
one matrix product. Run directly, the module prints how each cost grows with the number of inputs.
"""

import functools
from collections.abc import Callable

import numpy as np
import torch

from edl.core.device import single_threaded
from edl.theory import ntk
from timing import median_time

SIZES = ((16, 256), (32, 256), (64, 512), (128, 512))      # (inputs n, width m)
D = 5


@functools.cache
def _data(n: int, m: int):
    g = torch.Generator().manual_seed(n * 1000 + m)
    theta = ntk.init_two_layer(m, D, generator=g)
    X = torch.randn(n, D, generator=g, dtype=torch.float64)
    return theta, X


def per_pair(n: int, m: int) -> np.ndarray:
    """One autograd backward pass per input, then one dot product per pair of inputs."""
    theta, X = _data(n, m)
    with single_threaded():
        t = theta.clone().requires_grad_()
        grads = [torch.autograd.grad(ntk.two_layer(t, X[i:i + 1])[0], t)[0] for i in range(n)]
        K = np.empty((n, n))
        for i in range(n):
            for j in range(n):
                K[i, j] = float(grads[i] @ grads[j])
    return K


def library(n: int, m: int) -> np.ndarray:
    theta, X = _data(n, m)
    with single_threaded():
        return ntk.empirical_ntk(theta, X).numpy()


def cases() -> dict[str, tuple[Callable[[], np.ndarray], Callable[[], np.ndarray]]]:
    return {f"n = {n} inputs, m = {m}: batched jacrev/vmap vs per-pair autograd":
            (functools.partial(library, n, m), functools.partial(per_pair, n, m)) for n, m in SIZES}


if __name__ == "__main__":
    print(f"{'n':>4} {'m':>5} {'per-pair loop':>14} {'batched':>10} {'speed-up':>9} {'max diff':>9}")
    for n, m in SIZES:
        t_loop, t_lib = median_time(per_pair, *(n, m), repeats=3), median_time(library, *(n, m), repeats=3)
        diff = np.abs(per_pair(n, m) - library(n, m)).max()
        print(f"{n:>4} {m:>5} {t_loop * 1e3:>12.1f}ms {t_lib * 1e3:>8.2f}ms {t_loop / t_lib:>9.1f} {diff:>9.1e}")
