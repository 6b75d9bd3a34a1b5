"""Chapter 11's batched kernels against straightforward loops, on the same seeded data.

- **PGD**: 20 steps of ℓ∞ projected gradient ascent on a small tanh network's cross-entropy, for a batch of
  inputs. The library (:func:`edl.robustness.pgd.pgd`) takes one gradient of the summed loss per step for the
  whole batch (the loss of input i depends on input i only); the reference attacks one input at a time.
- **Shapley values**: exact SHAP of a nonlinear model with n features over a background sample. The library
  (:func:`edl.robustness.attribution.shap_values`) evaluates all 2ⁿ coalitions in one batched call of the
  value function and reuses each value in the n differences it enters; the reference follows the formula
  term by term, evaluating v(S ∪ {j}) and v(S) for each of the n·2ⁿ⁻¹ terms (each evaluation itself
  batched over the background sample, so the gain is mostly the n-fold reuse and the call overhead).

Both sides compute the same numbers; the results agree to rounding. Run directly, the module prints the
times and the largest difference of each case.
"""

import functools
import math
import time
from collections.abc import Callable

import numpy as np
import torch
import torch.nn.functional as F

from edl.core.device import single_threaded
from edl.robustness import attribution, pgd

BATCHES = (64, 256)
FEATURES = (8, 10)
D, HIDDEN, K, EPS, STEPS = 64, 32, 10, 0.1, 20


@functools.cache
def _net():
    g = torch.Generator().manual_seed(0)
    W1 = torch.randn(HIDDEN, D, generator=g, dtype=torch.float64) / math.sqrt(D)
    W2 = torch.randn(K, HIDDEN, generator=g, dtype=torch.float64) / math.sqrt(HIDDEN)
    return lambda x: torch.tanh(x @ W1.T) @ W2.T


@functools.cache
def _inputs(n: int):
    g = torch.Generator().manual_seed(n)
    X = torch.rand(n, D, generator=g, dtype=torch.float64)
    return X, _net()(X).argmax(-1)


def _loss(y):
    net = _net()
    return lambda z: F.cross_entropy(net(z), y, reduction="none")


def pgd_batched(n: int) -> np.ndarray:
    X, y = _inputs(n)
    with single_threaded():
        return pgd.pgd(_loss(y), X, EPS, steps=STEPS, lower=0.0, upper=1.0).numpy()


def pgd_loop(n: int) -> np.ndarray:
    X, y = _inputs(n)
    with single_threaded():
        return np.concatenate([pgd.pgd(_loss(y[i:i + 1]), X[i:i + 1], EPS, steps=STEPS, lower=0.0, upper=1.0).numpy()
                               for i in range(n)])


@functools.cache
def _shap_data(n: int):
    g = torch.Generator().manual_seed(n)
    w = torch.randn(n, generator=g, dtype=torch.float64)
    return w, torch.randn(n, generator=g, dtype=torch.float64), torch.randn(200, n, generator=g, dtype=torch.float64)


def _model(w):
    return lambda z: z @ w + 0.5 * z[..., 0] * z[..., 1] - torch.tanh(z[..., 2] * z[..., 3] * z[..., 4])


def shapley_batched(n: int) -> np.ndarray:
    w, x, Z = _shap_data(n)
    with single_threaded():
        return attribution.shap_values(_model(w), x, Z).numpy()


def shapley_loop(n: int) -> np.ndarray:
    """The definition term by term: for each feature j and coalition S ∌ j, evaluate v(S ∪ j) and v(S) with
    v(S) = mean_b f(x_S, z_b), and add weight(|S|) times their difference."""
    w, x, Z = _shap_data(n)
    f = _model(w)

    def v(mask):
        return float(f(torch.where(mask, x, Z)).mean())
    with single_threaded():
        phi = np.zeros(n)
        for j in range(n):
            for bits in range(2**n):
                if not (bits >> j) & 1:
                    S = torch.tensor([(bits >> i) & 1 == 1 for i in range(n)])
                    with_j = S.clone()
                    with_j[j] = True
                    s = int(S.sum())
                    weight = math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n)
                    phi[j] += weight * (v(with_j) - v(S))
    return phi


def cases() -> dict[str, tuple[Callable[[], np.ndarray], Callable[[], np.ndarray]]]:
    out = {}
    for n in BATCHES:
        out[f"PGD-ℓ∞ ×{STEPS}, batch {n} vs per-input loop"] = (functools.partial(pgd_batched, n),
                                                              functools.partial(pgd_loop, n))
    for n in FEATURES:
        out[f"exact SHAP, n = {n} ({2**n} coalitions) vs per-coalition loop"] = (
            functools.partial(shapley_batched, n), functools.partial(shapley_loop, n))
    return out


if __name__ == "__main__":
    torch.set_num_threads(1)
    for name, (lib, ref) in cases().items():
        t0 = time.perf_counter()
        a = lib()
        t1 = time.perf_counter()
        b = ref()
        t2 = time.perf_counter()
        print(f"{name:62s} library {t1 - t0:7.3f} s  loop {t2 - t1:7.3f} s  ×{(t2 - t1) / (t1 - t0):6.1f}"
              f"  max |diff| {np.abs(a - b).max():.2g}")
