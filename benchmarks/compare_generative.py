"""Two batched experiments of chapter 10 (part 1) against a straightforward per-case loop on the same data.

1. *The ELBO-gap grid.* On a G × G grid of Gaussian encoders q = N(m, v) in the conjugate model
   (p(z) = N(0, 1), p(x|z) = N(z, ¼), x = 1.3), the gap log p(x) − ELBO(q): the library evaluates the
   closed-form ELBO on the whole grid in one broadcast (:func:`edl.generative.vae.conjugate_elbo`); the loop
   visits the encoders one at a time and computes KL(q ‖ p(z|x)) with ``torch.distributions``. They agree
   to rounding, because the gap *is* that KL.
2. *Flow log-determinants.* N points pushed through ten planar layers: the library accumulates the
   closed-form log-determinants 1 + h′uᵀw of every layer for the whole batch
   (:func:`edl.generative.flows.planar_flow`); the loop builds each point's full 2 × 2 Jacobian of the
   composed map by autograd and takes its log-determinant.

Run directly, the module prints the timings and the largest differences.
"""

import functools
import math
from collections.abc import Callable

import numpy as np
import torch

from edl.core.device import single_threaded
from edl.generative import flows, vae
from timing import median_time

X0, S2 = 1.3, 0.25
GRIDS = (20, 50)
POINTS = (50, 200)


@functools.cache
def _grid(G: int):
    m, lv = np.meshgrid(np.linspace(-1, 3, G), np.linspace(-4, 1, G))
    return torch.tensor(m.ravel()), torch.tensor(np.exp(lv.ravel()))


def gap_batched(G: int) -> np.ndarray:
    m, v = _grid(G)
    with single_threaded():
        return (vae.conjugate_log_evidence(X0, S2) - vae.conjugate_elbo(X0, m, v, S2)).numpy()


def gap_loop(G: int) -> np.ndarray:
    m, v = _grid(G)
    post = torch.distributions.Normal(torch.tensor(X0 / (1 + S2), dtype=torch.float64),
                                      torch.tensor(math.sqrt(S2 / (1 + S2)), dtype=torch.float64))
    out = np.empty(len(m))
    for i in range(len(m)):
        q = torch.distributions.Normal(m[i], v[i].sqrt())
        out[i] = float(torch.distributions.kl_divergence(q, post))
    return out


def _layers():
    rng = np.random.default_rng(0)
    out = []
    for _ in range(10):
        u, w = rng.normal(size=2), rng.normal(size=2)
        if w @ u < -1:
            u = -u
        out.append((torch.tensor(u), torch.tensor(w), float(rng.normal())))
    return out


@functools.cache
def _points(n: int):
    return torch.randn(n, 2, generator=torch.Generator().manual_seed(n), dtype=torch.float64)


def logdet_batched(n: int) -> np.ndarray:
    z, total = _points(n), torch.zeros(n, dtype=torch.float64)
    with single_threaded():
        for u, w, b in _layers():
            z, ld = flows.planar_flow(z, u, w, b)
            total = total + ld
    return total.numpy()


def logdet_loop(n: int) -> np.ndarray:
    layers = _layers()

    def F(p):
        z = p[None]
        for u, w, b in layers:
            z = z + torch.tanh(z @ w + b)[:, None] * u
        return z[0]

    pts = _points(n)
    return np.array([float(torch.linalg.slogdet(torch.autograd.functional.jacobian(F, pts[i]))[1]) for i in range(n)])


def cases() -> dict[str, tuple[Callable[[], np.ndarray], Callable[[], np.ndarray]]]:
    out = {}
    for G in GRIDS:
        out[f"ELBO gap on a {G}×{G} grid of encoders, batched vs per-encoder KL"] = (
            functools.partial(gap_batched, G), functools.partial(gap_loop, G))
    for n in POINTS:
        out[f"10 planar layers, {n} points: summed log-dets vs autograd Jacobians"] = (
            functools.partial(logdet_batched, n), functools.partial(logdet_loop, n))
    return out


if __name__ == "__main__":
    torch.set_num_threads(1)
    for name, (fast, slow) in cases().items():
        tf, ts = median_time(fast, repeats=3), median_time(slow, repeats=1)
        print(f"{name}: batched {tf * 1e3:.2f} ms, loop {ts * 1e3:.1f} ms, ×{ts / tf:.0f}, "
              f"max diff {np.abs(fast() - slow()).max():.1e}")
