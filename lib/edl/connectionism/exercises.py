"""Exercises of chapter 1 (threshold units, the perceptron, Cover; Hopfield and Willshaw memories);
each reference is an independent route (explicit loops, enumeration)."""

import numpy as np
import torch

from edl.connectionism.cover import separable_dichotomies
from edl.core.exercises import exercise


@exercise("ch01.ex.perceptron-update", function="perceptron_step", kind="implement", title="One perceptron step",
          cases=[([0.0, 0.0], [1.0, 2.0], 1), ([1.0, -1.0], [2.0, 1.0], -1), ([1.0, 1.0], [1.0, 1.0], 1),
                 ([0.5, -2.0, 1.0], [1.0, 0.0, -1.0], -1), ([1.0, 0.0], [0.0, 3.0], -1)],
          hint="update when y·(x·w) <= 0 (including 0, or nothing ever moves from w = 0), and return a new list")
def _perceptron_step(w, x, y):
    # reference: SGD with step 1 on max(0, -y x.w), whose subgradient at y x.w <= 0 is taken as -y x
    w, x = np.asarray(w, float), np.asarray(x, float)
    return w + y * x * (y * (x @ w) <= 0)


@exercise("ch01.ex.xor-from-nand", function="xor_from_nand", kind="implement", title="XOR from NAND gates",
          cases=[(0, 0), (0, 1), (1, 0), (1, 1)], atol=0, rtol=0,
          hint="XOR is (a OR b) AND NOT (a AND b); build each part from NAND, then look for a circuit of four "
               "gates that shares nand(a, b)")
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


@exercise("ch01.ex.novikoff-tight", function="orthogonal_mistake_ratio", kind="derive",
          title="Data that reach Novikoff's bound",
          tight=[([1.0, 1.0, 1.0],), ([2.0, 2.0, 2.0, 2.0, 2.0],)],
          cases=[([1.0, 2.0],), ([1.0, 1.0, 3.0],), ([0.5, 1.0, 1.5, 2.0],), ([1.0] * 9 + [10.0],)],
          atol=1e-9, rtol=1e-7,
          hint="the updates are orthogonal, so no update undoes another; for γ*, look for w with y_k x_k·w = 1 "
               "for every k and use that γ* = 1/‖w‖ at the shortest such w",
          explanation="Each point is a mistake exactly once: at the start w·x_k = 0 (the other updates are "
                      "orthogonal to x_k), and after its update y_k x_k·w = r_k² > 0 for good. So the perceptron "
                      "makes s mistakes. The shortest w with y_k x_k·w ≥ 1 has w_k = y_k/r_k, so "
                      "γ* = (Σ r_k⁻²)^(−1/2), R = max r_k, and the ratio is s / (R² Σ r_k⁻²). It is 1, the bound "
                      "met with equality, exactly when all lengths are equal; one long point makes R large and the "
                      "bound loose. Novikoff's bound cannot be improved, and the worst case is data with no "
                      "direction in common.")
def _orthogonal_mistake_ratio(radii):
    # Independent route: build the points r_k e_k with alternating labels, run the perceptron and solve the
    # maximum-margin program numerically; nothing of the closed form is used.
    from edl.connectionism.margins import homogeneous_max_margin
    from edl.connectionism.perceptron import perceptron_train

    r = np.asarray(radii, dtype=float)
    x = torch.as_tensor(np.diag(r))
    y = torch.as_tensor(np.where(np.arange(len(r)) % 2 == 0, 1.0, -1.0))
    mistakes = int(perceptron_train(x, y).mistakes)
    _, gamma = homogeneous_max_margin(x, y)
    return mistakes / (r.max() / float(gamma)) ** 2


NONSEPARABLE_CHOICES = {
    "a": "it settles on a line that makes the fewest possible errors and stops",
    "b": "the weights grow without bound, turning ever more slowly",
    "c": "after a few epochs the weights at the start of an epoch repeat, and the run cycles for ever",
    "d": "the weights shrink to zero",
}


@exercise("ch01.ex.nonseparable", function="nonseparable_prediction", kind="predict",
          title="The perceptron on data no line separates", choices=NONSEPARABLE_CHOICES,
          cases=[(1,), (2,), (3,)],
          hint="the points have integer coordinates, and an epoch is a deterministic function of the weights it "
               "starts from; can ‖w‖ grow if every update is a mistake, y x·w ≤ 0?",
          explanation="No epoch is free of mistakes, so the perceptron never stops (not a). A mistake adds "
                      "‖x‖² + 2y x·w ≤ ‖x‖² to ‖w‖², and the perceptron cycling theorem shows that the weights stay "
                      "in a bounded set (not b). With integer data every w is an integer vector, so only finitely "
                      "many occur; an epoch maps its starting weights deterministically to the next, so the "
                      "first repeated start repeats for ever (c). The weights never settle at 0 (not d): from "
                      "w = 0 the first point is always a mistake.")
def _nonseparable_prediction(data_set):
    # Independent route: run the data set of the section (same construction) epoch by epoch, with a
    # dictionary of the start-of-epoch weights, and classify what happened.
    rng = np.random.default_rng(data_set)
    x = rng.integers(-4, 5, size=(40, 2)).astype(float)
    y = np.sign(x @ [1.0, 0.6] + 0.5)
    y[rng.choice(40, 4, replace=False)] *= -1
    z = y[:, None] * np.hstack([x, np.ones((40, 1))])
    w, seen, norms = np.zeros(3), set(), []
    for _ in range(500):
        key = tuple(w)
        if key in seen:
            return "c"
        seen.add(key)
        for zi in z:
            if zi @ w <= 0:
                w = w + zi
        norms.append(np.linalg.norm(w))
        if (z @ w > 0).all():
            return "a"
    return "b" if norms[-1] > 2 * max(norms[:50]) else "d"


HEBBIAN_BUGGY = """def hebbian_matrix(patterns):
    "Hebbian weights (1/n) sum_t x^t x^t^T for a Hopfield network."
    X = np.asarray(patterns, dtype=float)
    s, n = X.shape
    return X.T @ X / n
"""


@exercise("ch01.ex.hebbian-diagonal", function="hebbian_matrix", kind="debug",
          title="A Hebbian matrix with a self-coupling", buggy=HEBBIAN_BUGGY,
          cases=[([[1, -1, 1]],), ([[1, 1, -1, -1], [1, -1, 1, -1]],),
                 ([[1, -1, -1, 1, 1], [-1, -1, 1, 1, -1], [1, 1, 1, -1, -1]],), (_patterns(6, 12, 0).tolist(),)],
          hint="write W for one pattern and look at its diagonal; then compute the field of unit i at a state x "
               "and find the term that does not depend on the other units",
          explanation="Each outer product x xᵀ has ones on its diagonal, so the buggy W has w_ii = s/n. The energy "
                      "still never rises (w_ii ≥ 0 is enough), so nothing visibly breaks, but the field "
                      "h_i = Σ_{j≠i} w_ij x_j + (s/n) x_i now pulls every unit towards its own current value, "
                      "against a crosstalk of typical size √(s/n). At high load the pull wins: with n = 200 and "
                      "s = 400 one synchronous step from a random state flips 8% of its bits instead of half, "
                      "and a probe with a fifth of its bits flipped stays frozen where it started. Subtract (s/n)·I.")
def _hebbian_matrix_debugged(patterns):
    x = np.asarray(patterns, dtype=float)
    s, n = x.shape
    W = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i != j:
                W[i, j] = sum(x[t, i] * x[t, j] for t in range(s)) / n
    return W


COLLAPSE_CHOICES = {
    "a": "at loads α = s/n below 0.05: a few patterns already disturb each other",
    "b": "at loads between 0.1 and 0.3: about a seventh of n patterns",
    "c": "at loads between 0.5 and 1: about as many patterns as neurons",
    "d": "at about α = 2, the separability limit of Cover's theorem",
}


@exercise("ch01.ex.recall-collapse", function="collapse_prediction", kind="predict",
          title="Where Hebbian recall collapses", choices=COLLAPSE_CHOICES,
          cases=[(100,), (200,), (400,)],
          hint="the crosstalk at a stored bit has variance about α; the signal is 1. How large must α be before "
               "a few percent of bits are unstable, and what do those errors do to the other fields?",
          explanation="The one-step error rate Φ(−1/√α) is already 1% at α ≈ 0.18, and every flipped bit adds to "
                      "the crosstalk of all others, so errors feed on errors: the retrieval state disappears near "
                      "α_c ≈ 0.138, a little higher at these small n. The answer does not move with n, because "
                      "the capacity is proportional to n. Cover's 2n (d) is the limit for learned weights; "
                      "Hebb's rule, a one-shot formula, reaches only a fourteenth of it.")
def _collapse_prediction(n):
    # Independent route: asynchronous recall from stored patterns at loads on a grid, 4 pattern sets of
    # size n, 2 probes each: the first load at which the mean overlap falls below 0.9.
    from edl.connectionism import hopfield as hop

    g = torch.Generator().manual_seed(n)
    for alpha in (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0, 2.0):
        X = hop.random_patterns(max(2, round(alpha * n)), n, trials=4, generator=g)
        if float(hop.retrieve_async(X, probes=2, generator=g).mean()) < 0.9:
            return "a" if alpha <= 0.05 else "b" if alpha <= 0.3 else "c" if alpha <= 1.0 else "d"
    return "d"
