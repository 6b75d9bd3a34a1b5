"""Counting activation regions on a grid: all points as one tensor operation vs a per-point Python loop.

Both routes evaluate the same random ReLU net on the same 2-D grid and return the same summary:
the number of distinct activation patterns (a lower bound on the number of linear regions) and the
number of grid points in each of the five largest regions.
"""

import functools
from collections import Counter
from collections.abc import Callable

import numpy as np
import torch

from edl.feedforward import relu_regions as rr
from edl.core.device import single_threaded

RESOLUTION = 300  # 90 000 grid points on [-4, 4]²


@functools.cache
def _net(widths: tuple[int, ...]):
    layers = rr.random_relu_net(2, list(widths), generator=torch.Generator().manual_seed(0))
    grid = rr.grid_points(-4.0, 4.0, RESOLUTION)
    return layers, grid


def _summary(counts) -> np.ndarray:
    sizes = sorted(counts, reverse=True)[:5]
    return np.array([len(counts)] + sizes, dtype=np.float64)


def batched(widths: tuple[int, ...]) -> np.ndarray:
    layers, grid = _net(widths)
    # One thread, like the loop: on a shared 2-core machine OpenMP workers waiting for each other
    # made these few large operations several times slower.
    with single_threaded():
        patterns = rr.deep_activation_patterns(layers, grid)  # (N, Σ m_l), all points at once
        _, counts = torch.unique(rr.pattern_codes(patterns), return_counts=True)  # one integer per pattern
    return _summary(counts.tolist())


def loop(widths: tuple[int, ...]) -> np.ndarray:
    layers, grid = _net(widths)
    weights = [(W.numpy(), b.numpy()) for W, b in layers]
    seen = Counter()
    for point in grid.numpy():  # one point at a time
        h, pattern = point, []
        for W, b in weights:
            pre = W @ h + b
            pattern.extend(bool(p > 0) for p in pre)
            h = np.maximum(pre, 0.0)
        seen[tuple(pattern)] += 1
    return _summary(list(seen.values()))


def cases() -> dict[str, tuple[Callable[[], np.ndarray], Callable[[], np.ndarray]]]:
    return {
        "one layer, width 12": (lambda: batched((12,)), lambda: loop((12,))),
        "three layers, width 6": (lambda: batched((6, 6, 6)), lambda: loop((6, 6, 6))),
    }
