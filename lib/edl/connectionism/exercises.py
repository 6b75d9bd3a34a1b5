"""Exercises of chapter 1 (threshold units, the perceptron, Cover; Hopfield and Willshaw memories);
each reference is an independent route (explicit loops, enumeration)."""

import numpy as np
import torch

from edl.connectionism.cover import cover_count_table, separable_dichotomies
from edl.core.exercises import exercise


@exercise("ch01.ex.perceptron-update", function="perceptron_step", kind="implement", title="One perceptron step",
          cases=[([0.0, 0.0], [1.0, 2.0], 1), ([1.0, -1.0], [2.0, 1.0], -1), ([1.0, 1.0], [1.0, 1.0], 1),
                 ([0.5, -2.0, 1.0], [1.0, 0.0, -1.0], -1), ([1.0, 0.0], [0.0, 3.0], -1)],
          hint="update when y·(x·w) <= 0 (including 0, or nothing ever moves from w = 0), and return a new list")
def _perceptron_step(w, x, y):
    # reference: SGD with step 1 on max(0, -y x.w), whose subgradient at y x.w <= 0 is taken as -y x
    w, x = np.asarray(w, float), np.asarray(x, float)
    return w + y * x * (y * (x @ w) <= 0)


@exercise("ch01.ex.cover-count", function="count_dichotomies", kind="implement", title="Cover's count",
          cases=[(3, 2), (4, 4), (5, 4), (8, 4), (20, 10), (60, 30), (1, 5)], atol=0, rtol=0,
          hint="C(s, n) = 2 * sum over i = 0..n-1 of binom(s-1, i); math.comb helps")
def _count_dichotomies(s, n):
    return cover_count_table(s, n)[s][n]  # the recurrence, not the closed form


@exercise("ch01.ex.xor-from-nand", function="xor_from_nand", kind="implement", title="XOR from NAND gates",
          cases=[(0, 0), (0, 1), (1, 0), (1, 1)], atol=0, rtol=0,
          hint="four NAND gates suffice: m = nand(a, b); xor = nand(nand(a, m), nand(b, m))")
def _xor(a, b):
    return int(a != b)


@exercise("ch01.ex.count-separable", function="count_separable_labellings", kind="implement",
          title="Separable labellings by brute force",
          cases=[(((1.0, 0.2), (-0.3, 1.0), (-1.0, -0.8)),), (((1.0, 0.0), (0.0, 1.0), (1.0, 1.0), (-1.0, 0.5)),),
                 (((1.0,), (-2.0,), (0.5,)),)],  # on a line through 0 only the labellings of a sign split
          atol=0, rtol=0,
          hint="try every labelling (itertools.product) and test it, e.g. with scipy.optimize.linprog on y_i x_i·w >= 1")
def _count_separable(points):
    return int(separable_dichotomies(np.array(points, float))[1].sum())


def _patterns(s: int, n: int, seed: int) -> torch.Tensor:
    rng = np.random.default_rng(seed)
    return torch.as_tensor(rng.choice([-1.0, 1.0], size=(s, n)))


@exercise("ch01.ex.hopfield-hebbian-weights", function="hebbian_matrix", kind="implement",
          title="The Hebbian weight matrix",
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


@exercise("ch01.ex.hopfield-unstable-fraction", function="unstable_bits", kind="implement",
          title="Unstable bits after one update",
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


@exercise("ch01.ex.willshaw-recall", function="willshaw_recall", kind="implement", title="Recall from a Willshaw memory",
          cases=[([[1, 1, 0, 0], [0, 1, 1, 0]], [[1, 0, 0, 1], [0, 1, 0, 1]], [1, 1, 0, 0]),
                 ([[1, 0, 1, 0, 0], [0, 1, 0, 1, 0], [1, 1, 0, 0, 0]], [[1, 0, 0, 0, 1], [0, 1, 1, 0, 0],
                                                                        [0, 0, 1, 1, 0]], [1, 1, 0, 0, 0]),
                 ([[1, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 1]], [[1, 0, 0], [0, 0, 1], [0, 0, 1]], [1, 1, 0, 0])],
          # the last case recalls a spurious one: two other pairs switched on both synapses of output 3
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


@exercise("ch01.ex.novikoff-bias", function="novikoff_bias_bound", kind="derive",
          title="Novikoff's bound with a bias",
          tight=[(1.0, 0.1, 0.0), (2.0, 0.5, 0.0)],
          cases=[(1.0, 0.1, 0.5), (2.0, 0.25, -1.0), (3.0, 0.5, 0.5), (1.0, 0.2, 1.0)], atol=1e-9, rtol=1e-7,
          hint="with x̃ = (x, c) and w̃ = (w*, b*/c), the augmented data have radius √(R² + c²) and the unit "
               "vector w̃/‖w̃‖ has margin γ/‖w̃‖; multiply out the bound and minimise over c² > 0",
          explanation="With x̃ = (x, c) the bound is (R² + c²)(1 + b²/c²)/γ² = (R² + b² + c² + R²b²/c²)/γ², "
                      "smallest at c² = R|b|, where it equals (R + |b|)²/γ². The usual choice c = 1 is optimal "
                      "only when R|b| = 1; for b = 0 the bias costs nothing and Novikoff's (R/γ)² is recovered.")
def _novikoff_bias_bound(R, gamma, b):
    # Independent of the closed form: Novikoff's homogeneous bound (R̃/γ̃)² (the library's, already checked)
    # applied to the data augmented with the constant c, minimised over c numerically (on log c).
    import scipy.optimize

    from edl.connectionism.perceptron import novikoff_mistake_bound

    def bound(log_c):
        c = np.exp(log_c)
        w_tilde = np.array([1.0, b / c])  # (‖w*‖ = 1, b*/c): its norm is all that matters
        return float(novikoff_mistake_bound(gamma / np.linalg.norm(w_tilde), np.hypot(R, c)))

    res = scipy.optimize.minimize_scalar(bound, bounds=(-25.0, 25.0), method="bounded", options={"xatol": 1e-12})
    return res.fun


RECALL_EXPLORER = "edl.connectionism.figures.hopfield.recall_explorer"


@exercise("ch01.ex.hopfield-recall-load", function="recall_fails_at", kind="explore",
          title="How many patterns before recall fails?", explorer=RECALL_EXPLORER,
          cases=[(0.0,), (0.1,), (0.2,), (0.35,)], atol=0, rtol=0,
          hint="at each corruption level start from the smallest load and move the load slider up; s is the "
               "number in the first panel's title plus one (the picture itself)",
          explanation="Started at the stored picture itself, recall survives loads near the capacity "
                      "0.138 n ≈ 35 patterns; a corrupted start fails earlier, because the corrupted copy can "
                      "fall into a spurious state's basin. One picture is one random draw, so near the capacity "
                      "its fate is partly luck (the answers need not fall as the corruption grows); the mean "
                      "overlap on the right, over six sets of random patterns, is the steadier measure.")
def _recall_fails_at(noise):
    # The explorer's own runs (what its frames show), read programmatically: the first load on its grid at
    # which the recalled picture differs from the stored one in at least one pixel.
    from edl.connectionism import hopfield as hop
    from edl.connectionism.figures import hopfield as plots

    _, examples = plots._recall_data()
    stored = plots.picture("H", 16)
    for alpha in plots.RECALL_ALPHAS:
        if float(hop.overlap(examples[(alpha, noise)][1], stored)) < 1.0:
            return max(1, round(alpha * plots.RECALL_N))
    raise ValueError(f"recall never fails at corruption {noise} on the explorer's grid: the question has no answer")
