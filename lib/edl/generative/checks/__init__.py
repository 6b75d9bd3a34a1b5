"""Registered checks and errata demonstrations of chapter 10, part 1, one module per topic."""

import functools

from threadpoolctl import threadpool_limits


def one_thread(check):
    """Run a check with one BLAS thread: its matrices are tiny, and a busy machine makes threaded BLAS crawl."""

    @functools.wraps(check)
    def wrapper(*args, **kwargs):
        with threadpool_limits(limits=1):
            return check(*args, **kwargs)

    return wrapper
