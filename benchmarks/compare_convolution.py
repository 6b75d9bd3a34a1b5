"""A 2-D convolutional layer three ways: a direct loop over output pixels, the library's layer (one batched
product per kernel tap, :func:`edl.convolution.layers.conv2d`) and ``torch.nn.functional.conv2d``.

All three compute the same multi-channel cross-correlation (3 input channels, 8 output channels, a 5×5
kernel, a bias) of one seeded image per size; their results agree to rounding. The direct loop costs
:math:`O(C_{out}\\,o^2)` Python steps, each a small dot product of :math:`C_{in}k^2` numbers; the library
does :math:`k^2` tensor products of the whole image; PyTorch calls an optimised kernel. Run directly,
the module prints how each cost grows with the image side.
"""

import functools
from collections.abc import Callable

import numpy as np
import torch
import torch.nn.functional as F

from edl.convolution import layers
from edl.core.device import single_threaded
from timing import median_time

SIZES = (16, 32, 64, 128)
C_IN, C_OUT, K = 3, 8, 5


@functools.cache
def _data(n: int):
    g = torch.Generator().manual_seed(n)
    x = torch.randn(1, C_IN, n, n, generator=g, dtype=torch.float64)
    w = torch.randn(C_OUT, C_IN, K, K, generator=g, dtype=torch.float64)
    b = torch.randn(C_OUT, generator=g, dtype=torch.float64)
    return x, w, b


def direct(n: int) -> np.ndarray:
    """One output pixel at a time: y[r, i, j] = b[r] + Σ w[r] · x[:, i:i+K, j:j+K]."""
    x, w, b = (t.numpy() for t in _data(n))
    o = n - K + 1
    y = np.empty((C_OUT, o, o))
    for r in range(C_OUT):
        for i in range(o):
            for j in range(o):
                y[r, i, j] = b[r] + np.sum(w[r] * x[0, :, i:i + K, j:j + K])
    return y


def library(n: int) -> np.ndarray:
    x, w, b = _data(n)
    with single_threaded():
        return layers.conv2d(x, w, b)[0].numpy()


def pytorch(n: int) -> np.ndarray:
    x, w, b = _data(n)
    with single_threaded():
        return F.conv2d(x, w, b)[0].numpy()


def cases() -> dict[str, tuple[Callable[[], np.ndarray], Callable[[], np.ndarray]]]:
    out = {}
    for n in SIZES:
        out[f"{n}×{n}, library vs direct loop"] = (functools.partial(library, n), functools.partial(direct, n))
        out[f"{n}×{n}, F.conv2d vs library"] = (functools.partial(pytorch, n), functools.partial(library, n))
    return out


if __name__ == "__main__":
    print(f"{'side':>5} {'direct loop':>12} {'library':>10} {'F.conv2d':>10} {'loop/lib':>9} {'lib/torch':>9} {'max diff':>9}")
    for n in SIZES:
        t = [median_time(f, n, repeats=1 if f is direct else 5) for f in (direct, library, pytorch)]
        diff = max(np.abs(direct(n) - library(n)).max(), np.abs(pytorch(n) - library(n)).max())
        print(f"{n:>5} {t[0] * 1e3:>10.1f}ms {t[1] * 1e3:>8.2f}ms {t[2] * 1e3:>8.2f}ms {t[0] / t[1]:>9.0f} "
              f"{t[1] / t[2]:>9.1f} {diff:>9.1e}")
