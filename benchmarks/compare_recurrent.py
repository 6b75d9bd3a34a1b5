"""A linear recurrent unit two ways: the parallel (Hillis–Steele) scan of :func:`edl.recurrent.lru.parallel_scan`
and the sequential loop of :func:`edl.recurrent.lru.sequential_scan`, over growing sequence lengths.

Both compute every state :math:`\\zeta_t=\\lambda\\odot\\zeta_{t-1}+u_t` of a diagonal complex recurrence with
:math:`m=64` channels (eigenvalues ring-initialised, inputs seeded) and agree to rounding. The loop takes
:math:`T` sequential steps; the scan takes :math:`\\lceil\\log_2T\\rceil` rounds, each a vectorised operation on all
:math:`T` positions (:math:`O(T\\log T)` work, but few Python-level steps). Run directly, the module prints how
each cost grows with :math:`T`.
"""

import functools
from collections.abc import Callable

import numpy as np
import torch

from edl.core.device import single_threaded
from edl.recurrent import lru
from timing import median_time

LENGTHS = (64, 256, 1024, 4096)
M = 64


@functools.cache
def _data(T: int):
    g = torch.Generator().manual_seed(T)
    lam = lru.ring_init(M, 0.5, 0.99, g)
    u = torch.complex(torch.randn(T, M, generator=g, dtype=torch.float64), torch.randn(T, M, generator=g, dtype=torch.float64))
    return lam, u


def scan(T: int) -> np.ndarray:
    lam, u = _data(T)
    with single_threaded():
        return lru.parallel_scan(lam, u).numpy()


def loop(T: int) -> np.ndarray:
    lam, u = _data(T)
    with single_threaded():
        return lru.sequential_scan(lam, u).numpy()


def cases() -> dict[str, tuple[Callable[[], np.ndarray], Callable[[], np.ndarray]]]:
    return {f"T = {T}, parallel scan vs sequential loop": (functools.partial(scan, T), functools.partial(loop, T))
            for T in LENGTHS}


if __name__ == "__main__":
    print(f"{'T':>6} {'rounds':>7} {'loop':>10} {'scan':>10} {'loop/scan':>10} {'max diff':>9}")
    for T in LENGTHS:
        t_loop, t_scan = median_time(loop, T, repeats=3), median_time(scan, T, repeats=3)
        diff = np.abs(scan(T) - loop(T)).max()
        print(f"{T:>6} {int(np.ceil(np.log2(T))):>7} {t_loop * 1e3:>8.1f}ms {t_scan * 1e3:>8.2f}ms {t_loop / t_scan:>10.1f} {diff:>9.1e}")
