"""Cover's Monte Carlo sweep: the fraction of separable random labellings over a grid of s at fixed n.

Library route: :func:`edl.connectionism.cover.linearly_separable`, one batched phase-1 simplex run per s deciding
all trials at once (each answer certified by a separating w or a convex combination equal to 0).
Reference route: the straightforward loop, one ``scipy.optimize.linprog`` (HiGHS) feasibility
problem y_i x_i·w >= 1 per trial. Both decide the same data exactly and return the same summary:
the separable fraction for each s.
"""

from collections.abc import Callable
from functools import cache

import numpy as np
import torch

from edl.connectionism import cover

N, S_VALUES, TRIALS = 10, (5, 10, 15, 20, 25, 30, 35, 40), 200


@cache
def _data() -> tuple[tuple[torch.Tensor, torch.Tensor], ...]:
    gen = torch.Generator().manual_seed(0)
    out = []
    for s in S_VALUES:  # Gaussian points in general position, uniform random labels
        x = torch.randn(TRIALS, s, N, generator=gen, dtype=torch.float64)
        y = torch.randint(0, 2, (TRIALS, s), generator=gen).double() * 2 - 1
        out.append((x, y))
    return tuple(out)


def batched() -> np.ndarray:
    return np.array([float(cover.linearly_separable(x, y).double().mean()) for x, y in _data()])


def loop() -> np.ndarray:
    return np.array([np.mean([cover.separable_lp(x[k], y[k]) for k in range(TRIALS)]) for x, y in _data()])


def cases() -> dict[str, tuple[Callable[[], np.ndarray], Callable[[], np.ndarray]]]:
    _data()  # generate once, outside the timed calls
    return {f"cover separability sweep (n={N}, {len(S_VALUES)} values of s x {TRIALS} trials)": (batched, loop)}
