"""Exercises of chapter 1, part A (threshold units, perceptron, Cover); each reference is an independent route."""

import numpy as np

from edl.cover import cover_count_table, separable_dichotomies
from edl.exercises.core import exercise


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

