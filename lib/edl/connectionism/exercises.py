"""Exercises of chapter 1 (threshold units, the perceptron, Cover; Hopfield and Willshaw memories);
each reference is an independent route (explicit loops, enumeration)."""

import numpy as np
import torch

from edl.connectionism.cover import cover_count_table, separable_dichotomies
from edl.core.exercises import exercise


@exercise("ch01.ex.perceptron-update", function="perceptron_step",
          cases=[([0.0, 0.0], [1.0, 2.0], 1), ([1.0, -1.0], [2.0, 1.0], -1), ([1.0, 1.0], [1.0, 1.0], 1),
                 ([0.5, -2.0, 1.0], [1.0, 0.0, -1.0], -1), ([1.0, 0.0], [0.0, 3.0], -1)],
          hint="update when y·(x·w) <= 0 (including 0, or nothing ever moves from w = 0), and return a new list")
def _perceptron_step(w, x, y):
    # reference: SGD with step 1 on max(0, -y x.w), whose subgradient at y x.w <= 0 is taken as -y x
    w, x = np.asarray(w, float), np.asarray(x, float)
    return w + y * x * (y * (x @ w) <= 0)


@exercise("ch01.ex.cover-count", function="count_dichotomies",
          cases=[(3, 2), (4, 4), (5, 4), (8, 4), (20, 10), (60, 30), (1, 5)], atol=0, rtol=0,
          hint="C(s, n) = 2 * sum over i = 0..n-1 of binom(s-1, i); math.comb helps")
def _count_dichotomies(s, n):
    return cover_count_table(s, n)[s][n]  # the recurrence, not the closed form


@exercise("ch01.ex.xor-from-nand", function="xor_from_nand",
          cases=[(0, 0), (0, 1), (1, 0), (1, 1)], atol=0, rtol=0,
          hint="four NAND gates suffice: m = nand(a, b); xor = nand(nand(a, m), nand(b, m))")
def _xor(a, b):
    return int(a != b)


@exercise("ch01.ex.count-separable", function="count_separable_labellings",
          cases=[(((1.0, 0.2), (-0.3, 1.0), (-1.0, -0.8)),), (((1.0, 0.0), (0.0, 1.0), (1.0, 1.0), (-1.0, 0.5)),)],
          atol=0, rtol=0,
          hint="try every labelling (itertools.product) and test it, e.g. with scipy.optimize.linprog on y_i x_i·w >= 1")
def _count_separable(points):
    return int(separable_dichotomies(np.array(points, float))[1].sum())


def _patterns(s: int, n: int, seed: int) -> torch.Tensor:
    rng = np.random.default_rng(seed)
    return torch.as_tensor(rng.choice([-1.0, 1.0], size=(s, n)))


@exercise("ch01.ex.hopfield-hebbian-weights", function="hebbian_matrix",
          cases=[([[1, -1, 1]],), ([[1, 1, -1, -1], [1, -1, 1, -1]],), ([[1, -1, -1, 1, 1], [-1, -1, 1, 1, -1],
                                                                          [1, 1, 1, -1, -1]],),
                 (_patterns(6, 12, 0).tolist(),)],
          hint="w_ij = (1/n) Σ_t x_i^t x_j^t for i ≠ j, and the diagonal must be 0")
def _hebbian_matrix(patterns):
    x = np.asarray(patterns, dtype=float)
    s, n = x.shape
    W = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i != j:
                W[i, j] = sum(x[t, i] * x[t, j] for t in range(s)) / n
    return W


@exercise("ch01.ex.hopfield-unstable-fraction", function="unstable_bits",
          cases=[(_patterns(3, 40, 1),), (_patterns(10, 60, 2),), (_patterns(30, 100, 3),), (_patterns(60, 100, 4),)],
          hint="build the Hebbian W (zero diagonal), compute the fields W x for every stored x, and count the bits "
               "where sign(h) differs from x, with sign(0) = +1; compute with n·W (integers) so that a field of "
               "exactly 0 is not turned into ±1e-17 by rounding")
def _unstable_bits(patterns):
    x = np.asarray(patterns, dtype=np.int64)
    s, n = x.shape
    W = x.T @ x - s * np.eye(n, dtype=np.int64)  # n·W in exact integers: ties h = 0 stay exactly 0
    wrong = 0
    for t in range(s):
        h = W @ x[t]
        for i in range(n):
            wrong += (1.0 if h[i] >= 0 else -1.0) != x[t, i]
    return wrong / (s * n)


@exercise("ch01.ex.willshaw-recall", function="willshaw_recall",
          cases=[([[1, 1, 0, 0], [0, 1, 1, 0]], [[1, 0, 0, 1], [0, 1, 0, 1]], [1, 1, 0, 0]),
                 ([[1, 0, 1, 0, 0], [0, 1, 0, 1, 0], [1, 1, 0, 0, 0]], [[1, 0, 0, 0, 1], [0, 1, 1, 0, 0],
                                                                        [0, 0, 1, 1, 0]], [1, 1, 0, 0, 0])],
          atol=0, rtol=0,
          hint="Θ_ji = 1 if some stored pair has y_j = x_i = 1; output unit j fires if Θx reaches the number "
               "of ones of x")
def _willshaw_recall(xs, ys, cue):
    xs, ys, cue = (np.asarray(a, dtype=int) for a in (xs, ys, cue))
    theta = np.zeros((ys.shape[1], xs.shape[1]), dtype=int)
    for x, y in zip(xs, ys):
        for j in range(len(y)):
            for i in range(len(x)):
                if y[j] and x[i]:
                    theta[j, i] = 1
    return (theta @ cue >= cue.sum()).astype(float)
