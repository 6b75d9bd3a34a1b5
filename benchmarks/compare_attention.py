"""Attention over growing sequence lengths, four ways: a per-query loop (one key–value map per query,
:func:`edl.attention.mechanism.kv_attention`), the library's batched softmax attention
(:func:`edl.attention.mechanism.softmax_attention`), ``torch.nn.functional.scaled_dot_product_attention``,
and the library's linear attention (:func:`edl.attention.mechanism.linear_attention`) against its quadratic form.

Softmax attention is run on 4 heads of width 32 of one seeded sequence per length n. The loop and the
batched routine compute the same softmax attention, as does PyTorch's SDPA: results agree to rounding.
Linear attention is a different similarity; it is compared with the explicit n × n form of the same
kernel, which it must equal. Softmax attention forms the n × n weights, so its time grows like n²; linear
attention never forms them, so its time grows like n. Run directly, the module prints the times and the
fitted growth exponents (log–log slopes).
"""

import functools
from collections.abc import Callable

import numpy as np
import torch
import torch.nn.functional as F

from edl.attention import mechanism as ma
from edl.core.device import single_threaded
from timing import median_time

SIZES = (128, 256, 512, 1024, 2048)
HEADS, WIDTH = 4, 32


@functools.cache
def _data(n: int):
    g = torch.Generator().manual_seed(n)
    return tuple(torch.randn(HEADS, n, WIDTH, generator=g, dtype=torch.float64) for _ in range(3))


def loop(n: int) -> np.ndarray:
    """One query at a time: the key–value map F(ξ, (k_t, v_t)) for every head and every query."""
    Q, K, V = _data(n)
    with single_threaded():
        return torch.stack([torch.stack([ma.kv_attention(Q[h, i], K[h], V[h]) for i in range(n)])
                            for h in range(HEADS)]).numpy()


def library(n: int) -> np.ndarray:
    Q, K, V = _data(n)
    with single_threaded():
        return ma.softmax_attention(Q, K, V).numpy()


def pytorch(n: int) -> np.ndarray:
    Q, K, V = _data(n)
    with single_threaded():
        return F.scaled_dot_product_attention(Q, K, V).numpy()


def linear(n: int) -> np.ndarray:
    Q, K, V = _data(n)
    with single_threaded():
        return ma.linear_attention(Q, K, V).numpy()


def linear_quadratic(n: int) -> np.ndarray:
    """Linear attention's kernel written as an explicit n × n weight matrix."""
    Q, K, V = _data(n)
    with single_threaded():
        sim = (F.elu(Q) + 1) @ (F.elu(K) + 1).transpose(-1, -2)
        return (sim @ V / sim.sum(-1, keepdim=True)).numpy()


def cases() -> dict[str, tuple[Callable[[], np.ndarray], Callable[[], np.ndarray]]]:
    out = {}
    for n in SIZES:
        if n <= 512:                      # the Python loop is slow: n queries × 4 heads
            out[f"n = {n}, softmax attention: library vs per-query loop"] = (functools.partial(library, n),
                                                                               functools.partial(loop, n))
        out[f"n = {n}, softmax attention: SDPA vs library"] = (functools.partial(pytorch, n),
                                                               functools.partial(library, n))
        out[f"n = {n}, linear attention vs its quadratic form"] = (functools.partial(linear, n),
                                                                   functools.partial(linear_quadratic, n))
    return out


if __name__ == "__main__":
    names = ("loop", "library", "SDPA", "linear")
    rows = []
    print(f"{'n':>6} {'loop':>10} {'library':>10} {'SDPA':>10} {'linear':>10} {'loop/lib':>9} {'max diff':>9} "
          f"{'lin. diff':>9}")
    for n in SIZES:
        t = [(median_time(loop, n, repeats=1) if n <= 512 else float("nan")), median_time(library, n, repeats=5), median_time(pytorch, n, repeats=5), median_time(linear, n, repeats=5)]
        diff = np.abs(pytorch(n) - library(n)).max()
        if n <= 512:
            diff = max(diff, np.abs(loop(n) - library(n)).max())
        lin = np.abs(linear(n) - linear_quadratic(n)).max()
        rows.append(t)
        print(f"{n:>6} " + " ".join(f"{x * 1e3:>8.2f}ms" for x in t) + f" {t[0] / t[1]:>9.0f} {diff:>9.1e} {lin:>9.1e}")
    times = np.array(rows)
    big = np.array(SIZES) >= 512
    for j, name in enumerate(names[1:], 1):
        slope = np.polyfit(np.log(np.array(SIZES)[big]), np.log(times[big, j]), 1)[0]
        print(f"growth exponent of {name} time for n ≥ 512: {slope:.2f}")
