"""Hamiltonian Monte Carlo chains in one batch against one chain at a time, on the same random numbers.

The target is the chapter's exact Gaussian posterior of Bayesian linear regression (d = 3, n = 50, σ² = 0.25),
HMC with the leapfrog integrator, step 0.3/√λ_max(∇²E) and L ~ Unif{5, …, 24}. Every random number is drawn up
front by :func:`edl.bayesian.dynamics.hmc_random_numbers`; the batched run (:func:`edl.bayesian.dynamics.hmc_chains`
on all C chains) and the loop (the same function on chain c alone, with chain c's slice of the numbers) therefore
produce the same samples, up to rounding. The batch pays Python's per-step overhead once for all chains; the
loop pays it C times. Run directly, the module prints how the cost grows with the number of chains.
"""

import functools
import math
from collections.abc import Callable

import numpy as np
import torch

from edl.bayesian import dynamics as dy
from edl.bayesian.checks.dynamics import blr_posterior_problem
from edl.core.device import single_threaded
from timing import median_time

CHAINS = (8, 32, 128)
N_ITER = 100


@functools.cache
def _setup(n_chains: int):
    A, mu = blr_posterior_problem()
    At, mut = torch.as_tensor(A), torch.as_tensor(mu)
    randoms = dy.hmc_random_numbers(N_ITER, n_chains, 3, (5, 24), torch.Generator().manual_seed(n_chains))
    start = mut + 0.3 * torch.randn(n_chains, 3, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    return At, mut, randoms, start, 0.3 / math.sqrt(np.linalg.eigvalsh(A).max())


def _energy(At, mut):
    return (lambda t: 0.5 * (((t - mut) @ At) * (t - mut)).sum(-1)), (lambda t: (t - mut) @ At)


def batched(n_chains: int) -> np.ndarray:
    """All chains at once: samples ``(N_ITER, C, 3)``."""
    At, mut, randoms, start, eta = _setup(n_chains)
    E, grad = _energy(At, mut)
    with single_threaded():
        return dy.hmc_chains(E, grad, start, eta, randoms)[0].numpy()


def one_at_a_time(n_chains: int) -> np.ndarray:
    """A loop over chains, each run alone on its own slice of the random numbers."""
    At, mut, randoms, start, eta = _setup(n_chains)
    E, grad = _energy(At, mut)
    out = []
    with single_threaded():
        for c in range(n_chains):
            one = {k: v[:, c:c + 1] for k, v in randoms.items()}
            out.append(dy.hmc_chains(E, grad, start[c:c + 1], eta, one)[0].numpy())
    return np.concatenate(out, axis=1)


def cases() -> dict[str, tuple[Callable[[], np.ndarray], Callable[[], np.ndarray]]]:
    return {f"{c} HMC chains × {N_ITER} iterations, batch vs one at a time": (functools.partial(batched, c),
                                                                           functools.partial(one_at_a_time, c))
            for c in CHAINS}


if __name__ == "__main__":
    torch.set_num_threads(1)
    print(f"{'chains':>7} {'one at a time':>14} {'batched':>10} {'speed-up':>9} {'max diff':>9}")
    for c in CHAINS:
        t_loop, t_batch = median_time(one_at_a_time, c, repeats=1), median_time(batched, c, repeats=3)
        diff = np.abs(one_at_a_time(c) - batched(c)).max()
        print(f"{c:>7} {t_loop * 1e3:>12.0f}ms {t_batch * 1e3:>8.0f}ms {t_loop / t_batch:>9.1f} {diff:>9.1e}")
