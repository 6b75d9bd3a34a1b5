"""Timing for the ``__main__`` tables of ``benchmarks/compare_*.py``: the median wall time of repeated calls."""

import statistics
import time
from collections.abc import Callable


def median_time(fn: Callable, *args, repeats: int = 3, warm: bool = False) -> float:
    """Median seconds of ``repeats`` calls ``fn(*args)``; ``warm`` makes one untimed call first (caches, first-call
    costs)."""
    if warm:
        fn(*args)
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(*args)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)
