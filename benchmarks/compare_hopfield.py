"""Hopfield capacity sweeps: batched library recall against a straightforward per-set, per-probe loop.

Common data: n = 1000 neurons, 20 random pattern sets per load from a fixed seed. Both routes use the integer
Hebbian matrix Θ = nW and the tie rule sign(0) = +1, so their float32 arithmetic is exact and their final
states agree bit for bit; every summary is a sum of integer counts divided once, so the two summaries agree
exactly (max |diff| 0).

Case 1 (synchronous recall): 15 loads alpha = s/n from 0.04 to 0.32, the first 30 stored patterns of every
set as probes. x <- sign(Θx) starts at the stored pattern and stops at a fixed point or a 2-cycle (at most
30 steps); the summary is the mean overlap with the pattern at every load.

- library: ``edl.connectionism.hopfield.retrieve_sync`` on all 20 sets x 30 probes of a load at once, with the fields in
  low-rank form Θx = Xᵀ(Xx) - s x (never forming Θ).
- reference: for every set, build Θ with numpy, then for every probe iterate the matrix-vector update
  in a Python loop.

Case 2 measures the one-step unstable-bit fraction at every stored pattern (the crosstalk statistic behind
Φ(-1/√α)), 15 loads from 0.01 to 0.15: ``edl.connectionism.hopfield.unstable_fraction`` computes the fields of all
patterns of all sets as (XXᵀ)X in batched matrix products; the reference builds Θ per set and loops over
the patterns.

Case 3 (asynchronous recall, the network's defining dynamics and the one of the chapter's capacity
experiment): the loads of case 1, one probe per set, the first stored pattern with 10% of its bits flipped.
Each sweep visits the units in a random order (a fresh permutation per sweep, the same for all sets of a
load) and sets x_i <- sign(Θ_i · x); recall stops after a sweep without a flip, or after 50 sweeps. The
summary is the mean overlap with the pattern at every load.

- library: ``edl.connectionism.hopfield.retrieve_async`` on the 20 sets of a load at once. It forms Θ for all sets with a
  batched matrix product, draws the probes (``corrupt``) and one order per sweep from the generator, and
  runs ``run_async``: for every probe it jumps to the next unit of the sweep that would flip and updates
  the fields incrementally, h += 2 x_i Θ_{:,i}, so it works O(n) per flip.
- reference: for every set, build Θ with numpy, then for every probe loop over the sweeps and over the
  units in Python, computing each unit's field afresh as a length-n dot product Θ_i · x (O(n) per visit,
  no incremental fields). Its probes and orders come from the same generator calls as the library's
  (``corrupt``, then one ``randperm`` per sweep), drawn once before timing; the library draws them inside
  its timed call, which costs a few milliseconds.

Expect modest ratios on 2 shared cores (the timings swing by 2x from run to run there): about 2.5-7x for
case 1, about 8x for case 2 and only about 1.5-2x for case 3. In cases 1 and 2 every step of the reference is
a 1000 x 1000 matrix-vector product that numpy already runs in BLAS, so little Python overhead is left to
remove; the gain comes from the low-rank form (O(sn) instead of O(n²) per probe) and from fatter matrix
products. In case 3 both sides pay the same O(s n²) BLAS work per set to form Θ (about a third of the
library's time), and one visit of the reference costs only about 3.5 µs. Above alpha ≈ 0.14 the probes
wander for 20-50 sweeps with few flips in each, and each flip step of the library's loop works on the whole
batch of 20 (masks over (20, n), a strided gather of Θ's columns), which costs about 0.4 ms. ``run_async``
also checks that the Θ it is given is finite (about 0.17 s per load). Even with free dynamics the ratio
could not beat the reference time over the time of the shared Θ build, about 5-25x on this workload.
"""

import functools

import numpy as np
import torch

from edl.connectionism import hopfield as hop

N, TRIALS, PROBES, MAX_STEPS = 1000, 20, 30, 30
ALPHAS = tuple(round(0.04 + 0.02 * k, 2) for k in range(15))
ALPHAS_UNSTABLE = tuple(round(0.01 * (k + 1), 2) for k in range(15))  # 0.01 .. 0.15


@functools.cache
def data(alphas: tuple[float, ...] = ALPHAS) -> tuple[torch.Tensor, ...]:
    """One tensor of pattern sets (TRIALS, s, N) per load, float32, from a fixed seed."""
    g = torch.Generator().manual_seed(2024)
    return tuple(hop.random_patterns(round(a * N), N, trials=TRIALS, generator=g) for a in alphas)


def library() -> np.ndarray:
    counts = [float((hop.retrieve_sync(X, probes=PROBES, max_steps=MAX_STEPS).double() * N).round().sum())
              for X in data()]  # sums of the integers x·ξ (overlap times N): exact
    return np.array(counts) / (TRIALS * PROBES * N)


def _recall(theta: np.ndarray, x: np.ndarray) -> np.ndarray:
    previous = np.zeros_like(x)
    for _ in range(MAX_STEPS):
        new = np.where(theta @ x >= 0, 1.0, -1.0).astype(x.dtype)
        if np.array_equal(new, x) or np.array_equal(new, previous):
            return new
        previous, x = x, new
    return x


def reference() -> np.ndarray:
    means = []
    for X in data():
        count = 0
        for patterns in X.numpy():  # one pattern set at a time
            s = patterns.shape[0]
            theta = patterns.T @ patterns - s * np.eye(N, dtype=np.float32)
            for p in range(PROBES):
                final = _recall(theta, patterns[p].copy())
                count += int(final @ patterns[p])
        means.append(count / (TRIALS * PROBES * N))
    return np.array(means)


def library_unstable() -> np.ndarray:
    means = []
    for X in data(ALPHAS_UNSTABLE):
        bits = X.shape[1] * N  # bits per set: the fractions are integer counts / bits
        means.append(float((hop.unstable_fraction(X).double() * bits).round().sum()) / (TRIALS * bits))
    return np.array(means)


def reference_unstable() -> np.ndarray:
    means = []
    for X in data(ALPHAS_UNSTABLE):
        wrong = 0
        for patterns in X.numpy():  # one pattern set at a time
            s = patterns.shape[0]
            theta = patterns.T @ patterns - s * np.eye(N, dtype=np.float32)
            for x in patterns:  # one stored pattern at a time
                wrong += int((np.where(theta @ x >= 0, 1.0, -1.0) != x).sum())
        means.append(wrong / (TRIALS * X.shape[1] * N))
    return np.array(means)


ASYNC_PROBES, FLIP_FRACTION, MAX_SWEEPS = 1, 0.1, 50


def _generator(k: int) -> torch.Generator:
    """The generator of load ``k`` for the probe corruption and the sweep orders of the async case."""
    return torch.Generator().manual_seed(7000 + k)


def library_async() -> np.ndarray:
    counts = []
    for k, X in enumerate(data()):
        m = hop.retrieve_async(X, probes=ASYNC_PROBES, flip_fraction=FLIP_FRACTION, max_sweeps=MAX_SWEEPS,
                               generator=_generator(k))  # (TRIALS, ASYNC_PROBES) overlaps
        counts.append(float((m.double() * N).round().sum()))  # sum of the integers x·ξ: exact
    return np.array(counts) / (TRIALS * ASYNC_PROBES * N)


@functools.cache
def async_inputs() -> tuple[tuple[np.ndarray, list[list[int]]], ...]:
    """Per load: the corrupted probes (TRIALS, ASYNC_PROBES, N) and MAX_SWEEPS unit orders.

    Drawn exactly as ``retrieve_async`` draws them from ``_generator(k)``: first ``corrupt`` on the
    first ASYNC_PROBES patterns of every set, then one ``torch.randperm(N)`` per sweep (the same order
    for every set and probe of the load; the library stops drawing once every probe has converged,
    which leaves the orders it does use identical to the first ones here).
    """
    inputs = []
    for k, X in enumerate(data()):
        g = _generator(k)
        starts = hop.corrupt(X[:, :ASYNC_PROBES], FLIP_FRACTION, generator=g).numpy()
        orders = [torch.randperm(N, generator=g).tolist() for _ in range(MAX_SWEEPS)]
        inputs.append((starts, orders))
    return tuple(inputs)


def _recall_async(theta: np.ndarray, x: np.ndarray, orders: list[list[int]]) -> np.ndarray:
    for order in orders:  # at most MAX_SWEEPS sweeps
        changed = False
        for i in order:  # one unit at a time: x_i <- sign(Θ_i · x), sign(0) = +1
            new = 1.0 if theta[i] @ x >= 0 else -1.0
            if new != x[i]:
                x[i] = new
                changed = True
        if not changed:  # a whole sweep without a flip: fixed point
            break
    return x


def reference_async() -> np.ndarray:
    means = []
    for X, (starts, orders) in zip(data(), async_inputs()):
        count = 0
        for t, patterns in enumerate(X.numpy()):  # one pattern set at a time
            s = patterns.shape[0]
            theta = patterns.T @ patterns - s * np.eye(N, dtype=np.float32)
            for p in range(ASYNC_PROBES):
                final = _recall_async(theta, starts[t, p].copy(), orders)
                count += int(final @ patterns[p])
        means.append(count / (TRIALS * ASYNC_PROBES * N))
    return np.array(means)


def cases():
    data(), data(ALPHAS_UNSTABLE), async_inputs()  # generate the pattern sets and probes once, before any timing
    return {"hopfield capacity sweep (n=1000, 15 loads x 20 sets x 30 probes, sync recall)": (library, reference),
            "hopfield unstable bits (n=1000, 15 loads 0.01-0.15 x 20 sets, every stored pattern)":
                (library_unstable, reference_unstable),
            "hopfield capacity sweep (n=1000, 15 loads x 20 sets x 1 probe at 10% noise, async recall)":
                (library_async, reference_async)}
