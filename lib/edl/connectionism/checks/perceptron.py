"""Checks of chapter 1, part A: threshold units, the perceptron, Novikoff's bound and Cover's theorem.

Book labels ``mcp.*``, ``perceptron.*`` and ``cover.*``. Each check takes the formula under test as
a keyword argument (default: the library function) and compares it with an independent route:
exhaustive truth tables in plain Python booleans, NumPy on augmented vectors, least-squares
projections, autograd, ``scipy.optimize.linprog`` for separability, exact integers and fractions
for counting, and Monte Carlo within a stated tolerance. All randomness is seeded and verdicts
state tolerances and rounded numbers, so they print the same everywhere. The errata at the end run
the same checks on the seeds' versions, which must fail.
"""

import itertools
import math
from fractions import Fraction

import numpy as np
import torch
import scipy.linalg
from scipy.optimize import linprog

from edl.core.checking import CheckResult, check_close, f64, holds, to_numpy
from edl.connectionism.cover import (
    cover_count, cover_count_table, lift_features, random_separability, separability_probability,
    separable_dichotomies,
)
from edl.core.ledger import erratum, formula
from edl.connectionism.perceptron import (
    and_gate, augment, b_type_link, hyperplane_foot, margin, max_margin_classifier, mcp_minterms, mcp_neuron, nand,
    norm_growth_bound, not_gate, novikoff_cosine_bound, novikoff_mistake_bound, novikoff_quantities, or_gate,
    perceptron_loss, perceptron_train, perceptron_trajectory, perceptron_update, planted_margin_data, set_margin,
    signed_distance, threshold_unit,
)



def _lp_feasible(z: np.ndarray) -> bool:
    """scipy's HiGHS on: exists w with z_i . w >= 1 for every row z_i (homogeneous separability)."""
    res = linprog(np.zeros(z.shape[1]), A_ub=-z, b_ub=-np.ones(len(z)), bounds=[(None, None)] * z.shape[1],
                  method="highs")
    return res.status == 0


def _g(x: float) -> str:
    return f"{x:.3g}"


def _leq(lhs, rhs, *, what: str, tol: float = 0.0) -> CheckResult:
    """Pass if lhs <= rhs + tol everywhere; the verdict states the tolerance, not rounding-level slacks."""
    gap = to_numpy(rhs) - to_numpy(lhs)
    cases = f"{gap.size} case{'s' if gap.size != 1 else ''}"
    bound = f" (tolerance {tol:.0e})" if tol else ""
    if np.isnan(gap).any() or gap.min() < -tol:
        return CheckResult(False, f"{what} violated{bound}: worst excess {_g(-float(np.nanmin(gap)))}", float("inf"))
    return CheckResult(True, f"{what} on {cases}{bound}")


# --- McCulloch–Pitts and Turing units -------------------------------------------------------------

@formula("mcp.threshold-neuron", reference="disjunctive normal form in Python booleans, all 2^n inputs; LP for XOR")
def check_threshold_neuron(neuron=mcp_neuron) -> CheckResult:
    rng = np.random.default_rng(0)
    n = 6
    inputs = list(itertools.product([0, 1], repeat=n))
    mismatches = 0
    for _ in range(20):
        sigma, theta = rng.choice([-1, 1], size=n).tolist(), int(rng.integers(-3, 4))
        fires = [I for k in range(n + 1) for I in itertools.combinations(range(n), k)
                 if sum(sigma[i] for i in I) >= theta]
        dnf = [int(any(all(x[i] if i in I else not x[i] for i in range(n)) for I in fires)) for x in inputs]
        mismatches += int((to_numpy(neuron(f64(inputs), sigma, theta)) != dnf).sum())
        mismatches += int({frozenset(I) for I in fires} != set(mcp_minterms(sigma, theta)))
    dnf_ok = holds(mismatches == 0, f"unit = OR of its minterms on all {len(inputs)} inputs, 20 units",
                    f"unit and its DNF disagree in {mismatches} places")
    pairs = list(itertools.product([0, 1], repeat=2))
    gates = [[int(a and b) for a, b in pairs], [int(a or b) for a, b in pairs], [1, 0]]
    ours = [to_numpy(neuron(f64(pairs), [1, 1], 2)).tolist(), to_numpy(neuron(f64(pairs), [1, 1], 1)).tolist(),
            to_numpy(neuron(f64([[0], [1]]), [-1], 0)).tolist()]
    gates_ok = holds(ours == gates, "AND, OR, NOT as units", f"gates wrong: {ours} != {gates}")
    xor = [a ^ b for a, b in pairs]
    mp_xor = any(to_numpy(neuron(f64(pairs), list(sg), th)).tolist() == xor
                 for sg in itertools.product([-1, 1], repeat=2) for th in range(-3, 4))
    z = (2 * np.array(xor) - 1)[:, None] * np.hstack([np.array(pairs, float), np.ones((4, 1))])
    xor_ok = holds(not mp_xor and not _lp_feasible(z), "XOR is no threshold unit (no (σ,θ); LP infeasible)",
                    "a threshold unit computes XOR")
    return dnf_ok & gates_ok & xor_ok


@formula("mcp.turing-nand", reference="Python boolean operators on exhaustive truth tables")
def check_turing_nand(nand=nand) -> CheckResult:
    def N(*bits):
        return int(nand(*[f64(b) for b in bits]))

    bits2 = list(itertools.product([0, 1], repeat=2))
    table = all(N(a, b) == int(not (a and b)) for a, b in bits2)
    k_ary = all(N(*x) == int(not all(x)) for k in (1, 3, 4) for x in itertools.product([0, 1], repeat=k))
    absorb = all(N(1, *x) == N(*x) for k in (1, 2, 3) for x in itertools.product([0, 1], repeat=k))
    basic = holds(table and k_ary and absorb, "NAND tables for 1–4 inputs, NAND(1, x…) = NAND(x…)",
                   "NAND differs from not-and")

    def NOT(a):
        return N(a, a)

    def AND(a, b):
        return NOT(N(a, b))

    def OR(a, b):
        return N(NOT(a), NOT(b))

    built = all(NOT(a) == int(not a) and AND(a, b) == int(a and b) and OR(a, b) == int(a or b) for a, b in bits2)
    # universality: each of the 16 Boolean functions of two inputs as an OR of NAND-built minterms
    universal = 0
    for values in itertools.product([0, 1], repeat=4):
        def f(a, b, values=values):
            out = 0
            for (p, q), v in zip(bits2, values):
                if v:
                    out = OR(out, AND(a if p else NOT(a), b if q else NOT(b)))
            return out
        universal += all(f(a, b) == v for (a, b), v in zip(bits2, values))
    link = all(int(b_type_link(1, x)) == x and int(b_type_link(0, x)) == 1 for x in (0, 1))
    gates = [(int(not_gate(f64(a))), int(and_gate(f64(a), f64(b))), int(or_gate(f64(a), f64(b)))) for a, b in bits2]
    library = holds(gates == [(int(not a), int(a and b), int(a or b)) for a, b in bits2],
                     "the library's NOT, AND, OR gates match Python's not, and, or",
                     f"library gates (NOT, AND, OR) give {gates}")
    return basic & holds(built and universal == 16 and link,
                          "NOT, AND, OR, all 16 two-input functions and the B-type link from NAND",
                          f"NAND circuits wrong ({universal}/16 functions)") & library


# --- the perceptron as a classifier ---------------------------------------------------------------

@formula("perceptron.threshold-unit", reference="points placed at a known signed offset t from the hyperplane "
                                              "(x = (c + t)u + v, v ⊥ u); integer points on it")
def check_threshold_unit(unit=threshold_unit) -> CheckResult:
    rng = np.random.default_rng(1)
    m, n = 1000, 5
    u = rng.normal(size=(m, n))
    u /= np.linalg.norm(u, axis=1, keepdims=True)  # unit normal of 𝓗 = {x : u·x = c}
    c, k = rng.normal(size=m), rng.uniform(0.1, 10.0, size=m)  # (w, b) = k(u, −c) for any k > 0
    t = rng.choice([-1.0, 1.0], size=m) * rng.uniform(0.01, 3.0, size=m)  # signed offset from 𝓗
    v = rng.normal(size=(m, n))
    v -= (v * u).sum(1, keepdims=True) * u  # a move within 𝓗
    x = (c + t)[:, None] * u + 3 * v
    ours = to_numpy(unit(f64(x), f64(k[:, None] * u), f64(-k * c)))
    sides = holds(np.array_equal(ours, np.sign(t)), "output = sign of the offset t of x = (c+t)u + v from 𝓗 = {u·x = c}, "
                   "1000 random units", f"output differs from the side of 𝓗 on {int((ours != np.sign(t)).sum())} of 1000 points")
    wi = rng.integers(-5, 6, size=(200, n)).astype(float)
    wi[:, 0] = rng.choice([-3.0, 3.0], size=200)  # nonzero
    xi = rng.integers(-5, 6, size=(200, n)).astype(float)
    bi = -(xi * wi).sum(1)  # integers: x·w + b = 0 exactly
    on = to_numpy(unit(f64(xi), f64(wi), f64(bi)))
    boundary = holds(bool((on == 0).all()), "0 on 𝓗 (200 integer points with x·w + b = 0)",
                      f"{int((on != 0).sum())} of 200 points on 𝓗 get {sorted(set(on.tolist()))}, not 0")
    hom = to_numpy(unit(augment(f64(x)), f64(np.hstack([k[:, None] * u, -k[:, None] * c[:, None]])), 0.0))
    aug = holds(bool((to_numpy(augment(f64(x)))[:, -1] == 1).all()) and np.array_equal(hom, ours),
                 "x̃ = (x, 1) and w̃ = (w, b) give the same outputs with b = 0",
                 "the augmented (homogeneous) unit differs from the affine one")
    return sides & boundary & aug


@formula("perceptron.decision-boundary", reference="orthogonal projection onto the hyperplane by numpy.linalg.lstsq")
def check_decision_boundary(distance=signed_distance, foot=hyperplane_foot) -> CheckResult:
    rng = np.random.default_rng(2)
    errors_foot, ours, projected = [], [], []
    for _ in range(50):
        w, b, x = rng.normal(size=4), rng.normal(), rng.normal(size=(20, 4))
        x0 = to_numpy(foot(f64(w), b))
        errors_foot += [abs(w @ x0 + b), abs(x0 @ w / np.linalg.norm(w) + b / np.linalg.norm(w))]
        # closest point of H to x: the least-norm solution d of w·d = -(w·x + b), then p = x + d
        d = np.stack([np.linalg.lstsq(w[None, :], [-(w @ xi + b)], rcond=None)[0] for xi in x])
        projected.append(np.sign(w @ x.T + b) * np.linalg.norm(d, axis=1))
        ours.append(to_numpy(distance(f64(x), f64(w), b)))
    on_plane = _leq(errors_foot, np.zeros(len(errors_foot)), tol=1e-12,
                         what="x₀ on 𝓗 and x₀·w/‖w‖ = −b/‖w‖")
    return on_plane & check_close(np.concatenate(ours), np.concatenate(projected), atol=1e-12,
                                  what="(x·w+b)/‖w‖ and ±‖x − proj(x)‖")


@formula("perceptron.geometric-margin", reference="NumPy predictions; rescaling")
def check_geometric_margin(margin=margin) -> CheckResult:
    rng = np.random.default_rng(3)
    agree, invariant_err = 0, 0.0
    for k in range(100):
        x, w, b = rng.normal(size=(15, 3)), rng.normal(size=3), rng.normal()
        y = np.sign(x @ w + b) * (rng.random(15) > (0.1 if k % 2 else 0.0))  # half: some labels flipped
        y[y == 0] = -1
        gamma = to_numpy(margin(f64(x), f64(y), f64(w), b))
        worst = float(set_margin(f64(x), f64(y), f64(w), b))
        distance = np.abs(x @ w + b).min() / np.linalg.norm(w)  # the closest point's distance to 𝓗
        agree += (worst > 0) == bool((np.sign(x @ w + b) == y).all()) and \
            (worst <= 0 or abs(worst - distance) < 1e-12) and worst == gamma.min()
        for c in (0.1, 7.0):
            invariant_err = max(invariant_err, np.abs(to_numpy(margin(f64(x), f64(y), f64(c * w), c * b)) - gamma).max())
    direct = to_numpy(margin(f64([[3.0, 4.0], [0.0, 1.0]]), f64([1.0, -1.0]), f64([0.6, 0.8]), -1.0))
    return holds(agree == 100, "γ(S) > 0 iff every prediction is right, and then it is the least distance to 𝓗 "
                               "(numpy), 100 sets",
                  f"γ(S) > 0 and correctness disagree on {100 - agree} sets") & \
        check_close(invariant_err, 0.0, atol=1e-12, what="γ[cw, cb] − γ[w, b]") & \
        check_close(direct, [4.0, 0.2], atol=1e-12, what="worked example")


@formula("perceptron.max-margin", reference="10⁴ directions with their best bias; KKT active set; the perceptron's margin")
def check_max_margin(solve=max_margin_classifier) -> CheckResult:
    rng = np.random.default_rng(4)
    normal = rng.normal(size=2)
    normal /= np.linalg.norm(normal)
    x = rng.uniform(-2, 2, size=(200, 2))
    offset = 0.3
    x = x[np.abs(x @ normal - offset) >= 0.2][:40]
    y = np.sign(x @ normal - offset)
    w, b, gamma = (float(t) if t.ndim == 0 else to_numpy(t) for t in solve(f64(x), f64(y)))
    # every unit direction u with its best bias: margin (min_{y=+1} u·x − max_{y=−1} u·x) / 2
    angles = np.linspace(0, 2 * np.pi, 10_000, endpoint=False)
    proj = x @ np.stack([np.cos(angles), np.sin(angles)])  # (40, 10^4)
    best = (np.where(y[:, None] > 0, proj, np.inf).min(0) - np.where(y[:, None] < 0, proj, -np.inf).max(0)) / 2
    upper = _leq(best.max(), gamma, tol=1e-6, what="γ* ≥ best of 10⁴ directions")
    near = check_close(gamma, best.max(), atol=1e-3, what="γ* and the direction search")
    run = perceptron_train(augment(f64(x)), f64(y))
    perceptron_gamma = float(set_margin(f64(x), f64(y), run.w[:2], run.w[2]))
    beats = _leq(perceptron_gamma, gamma, tol=1e-6, what="γ* ≥ perceptron's margin")
    active = int((np.abs(y * (x @ w + b) - 1) < 1e-6).sum())
    kkt = holds(active >= 2 and abs(gamma - 1 / np.linalg.norm(w)) < 1e-12,
                 f"{active} active constraints, γ* = 1/‖w*‖", f"only {active} active constraints")
    return upper & near & beats & kkt


# --- perceptron learning and Novikoff's theorem -----------------------------------------------------

def _train(update, x: torch.Tensor, y: torch.Tensor, max_epochs: int = 1000):
    """Cyclic perceptron with the given update rule, from w = 0; returns w and the (θ, Δθ) of each update."""
    w = torch.zeros(x.shape[1], dtype=x.dtype)
    steps = []
    for _ in range(max_epochs):
        moved = False
        for xi, yi in zip(x, y):
            new = update(w, xi, yi)
            if not torch.equal(new, w):
                steps.append((w, new - w))
                w, moved = new, True
        if not moved:
            break
    return w, steps


@formula("perceptron.update-rule", reference="torch.autograd gradient of max{0, −y x·θ}; least-squares projection onto the data's row space")
def check_update_rule(update=perceptron_update) -> CheckResult:
    g = torch.Generator().manual_seed(5)
    theta, x = torch.randn(200, 4, generator=g, dtype=torch.float64), torch.randn(200, 4, generator=g,
                                                                                   dtype=torch.float64)
    y = -torch.sign((theta * x).sum(1))  # every example misclassified: y x·θ < 0
    grads = []
    for th, xi, yi in zip(theta, x, y):
        th = th.clone().requires_grad_(True)
        (grad,) = torch.autograd.grad(perceptron_loss(th, xi, yi), th)
        grads.append(-grad)
    sgd = check_close(torch.stack([update(th, xi, yi) - th for th, xi, yi in zip(theta, x, y)]),
                      torch.stack(grads), atol=1e-15, what="Δθ and −∇ℓ (autograd of the perceptron loss)")
    loss = check_close(perceptron_loss(theta[0], x, y), torch.nn.functional.relu(-y * (x @ theta[0])), atol=1e-15,
                       what="ℓ and torch relu(−y x·θ)")
    X = torch.randn(20, 50, generator=g, dtype=torch.float64)  # s = 20 points in n = 50 dimensions
    labels = torch.randint(0, 2, (20,), generator=g).double() * 2 - 1
    w, steps = _train(update, X, labels)
    batched = perceptron_train(X, labels)
    same = holds(torch.equal(batched.w, w) and int(batched.mistakes) == len(steps),
                  "perceptron_train (batched) ends at the same θ after the same number of updates",
                  f"perceptron_train ends after {int(batched.mistakes)} updates, the rule after {len(steps)}, "
                  f"at θ {'equal' if torch.equal(batched.w, w) else 'different'}")
    solved = bool((labels * (X @ w) > 0).all())
    trained = holds(solved, f"from θ₀ = 0: {len(steps)} updates separate the data",
                     f"from θ₀ = 0 the rule made {len(steps)} updates and does not separate the data")
    coef = np.linalg.lstsq(to_numpy(X).T, to_numpy(w), rcond=None)[0]
    span = _leq(np.linalg.norm(to_numpy(X).T @ coef - to_numpy(w)), 1e-10, what="residual of w off span(x₁..x_s) ≤ 1e-10")
    zigzag = _leq([float(d @ th) for th, d in steps], 0.0, what="Δθ·θ ≤ 0 at every update") if steps else \
        holds(False, "", "Δθ·θ ≤ 0 cannot be tested: the rule made no update")
    return sgd & loss & trained & same & span & zigzag


def _novikoff_data():
    return planted_margin_data(50, 500, 20, 0.1, generator=torch.Generator().manual_seed(6))


def _orthogonal_data(n: int = 16, seed: int = 16):
    """The worst case of Novikoff's theorem: the n rows of a Hadamard matrix, halved (orthogonal, norm R = √n/2),
    with random labels.

    From w = 0 every point is a mistake at its first visit (x·w = 0 exactly: the entries are ±½), so
    the perceptron makes exactly n = (R/γ)² mistakes, where the unit vector w* = Σ yₖxₖ/(nR/√n)
    separates with margin γ = ½; and ‖w_t‖ = R√t."""
    y = np.random.default_rng(seed).choice([-1.0, 1.0], size=n)
    x = scipy.linalg.hadamard(n).astype(float) / 2
    return f64(x), f64(y), f64((y[:, None] * x).sum(0) / (n / 2))


@formula("perceptron.norm-growth", reference="recorded trajectory: running Σ‖x^t‖², exact expansion of ‖θ+yx‖²; "
                                             "equality ‖w_t‖ = R√t on orthogonal points of norm R")
def check_norm_growth(bound=norm_growth_bound) -> CheckResult:
    x, y, w_star = _novikoff_data()
    ws, used = perceptron_trajectory(x[0], y[0])
    steps = y[0, used].unsqueeze(1) * x[0, used]  # (T, n): y^t x^t
    sq = (ws[1:] ** 2).sum(1)
    running = torch.cumsum((x[0, used] ** 2).sum(1), 0)
    R = float(x[0].norm(dim=1).max())
    t = torch.arange(1, len(used) + 1, dtype=torch.float64)
    lemma = _leq(sq, running, tol=1e-9, what=f"‖w_t‖² ≤ Σ‖x^k‖² over {len(used)} mistakes")
    expansion = check_close(sq, (ws[:-1] ** 2).sum(1) + 2 * (ws[:-1] * steps).sum(1) + (steps ** 2).sum(1),
                            rtol=1e-12, what="‖θ+yx‖² = ‖θ‖²+2y x·θ+‖x‖²")
    corollary = _leq(ws[1:].norm(dim=1), bound(t, R), what="‖w_t‖ ≤ bound(t, R)")
    xo, yo, _ = _orthogonal_data()
    wo, _ = perceptron_trajectory(xo, yo)
    to = torch.arange(1, len(wo), dtype=torch.float64)
    tight = check_close(bound(to, 2.0), wo[1:].norm(dim=1), rtol=1e-12,
                        what=f"bound(t, R) and ‖w_t‖ over {len(wo) - 1} mistakes on orthogonal points of norm R = 2 (equality)")
    return lemma & expansion & corollary & tight


@formula("perceptron.novikoff-bound", reference="perceptron on 50 planted-margin data sets; both ingredients "
                                                "along the run; the orthogonal worst case, which attains it")
def check_novikoff_bound(cosine_bound=novikoff_cosine_bound, norm_bound=norm_growth_bound,
                         mistake_bound=novikoff_mistake_bound) -> CheckResult:
    x, y, w_star = _novikoff_data()  # n = 20, s = 500, |x·w*| > 0.1
    gamma, R = novikoff_quantities(x, y, w_star)
    run = perceptron_train(x, y)
    limit = mistake_bound(gamma, R)
    ratio = float((run.mistakes / limit).max())
    theorem = holds(bool(run.converged.all()) and ratio <= 1,
                     f"mistakes ≤ (R/γ)² on 50 data sets (max ratio {_g(ratio)})",
                     f"mistakes exceed (R/γ)² (max ratio {_g(ratio)})")
    # the proof's chain along one run: t γ ≤ w_t·w* ≤ ‖w_t‖ cos-bound, ‖w_t‖ ≤ norm_bound(t, R)
    g0, R0 = float(gamma[0]), float(R[0])
    ws, _ = perceptron_trajectory(x[0], y[0])
    t = torch.arange(1, len(ws), dtype=torch.float64)
    along = ws[1:] @ w_star[0]
    norms = ws[1:].norm(dim=1)
    chain = _leq(t * g0, along, tol=1e-9, what="w_t·w* ≥ tγ") & \
        _leq(norms, norm_bound(t, R0), tol=1e-9, what="‖w_t‖ ≤ norm bound") & \
        _leq(cosine_bound(t, g0, R0), along / norms, tol=1e-12, what="cos∠(w*, w_t) ≥ cosine bound")
    # the worst case: n orthogonal points of norm R, where every inequality of the proof is an equality
    xo, yo, wo_star = _orthogonal_data()
    go, Ro = (float(q) for q in novikoff_quantities(xo, yo, wo_star))
    wo, _ = perceptron_trajectory(xo, yo)
    to = torch.arange(1, len(wo), dtype=torch.float64)
    mistakes_o = int(perceptron_train(xo, yo).mistakes)
    tight = check_close([mistakes_o], [float(mistake_bound(go, Ro))], rtol=1e-9,
                        what=f"worst case (16 orthogonal points): {mistakes_o} mistakes and (R/γ)²") & \
        check_close(torch.cat([norm_bound(to, Ro), cosine_bound(to, go, Ro)]),
                    torch.cat([wo[1:].norm(dim=1), (wo[1:] @ wo_star) / wo[1:].norm(dim=1)]), rtol=1e-9,
                    what="there, the norm and cosine bounds and the run's ‖w_t‖, cos∠(w*, w_t)")
    # the conclusion: which t are compatible with the chain? exactly t ≤ (R/γ)²
    cap = math.floor(float(mistake_bound(g0, R0)))
    ts = torch.arange(1, 4 * cap + 1, dtype=torch.float64)
    by_cosine = int((cosine_bound(ts, g0, R0) <= 1).sum())
    by_norm = int((ts * g0 <= norm_bound(ts, R0)).sum())
    conclusion = holds(by_cosine == cap and by_norm == cap,
                        "cos-bound ≤ 1 and tγ ≤ norm bound both mean t ≤ ⌊(R/γ)²⌋",
                        f"the chain does not cap t at ⌊(R/γ)²⌋ = {cap}: cos-bound ≤ 1 allows {by_cosine} "
                        f"and tγ ≤ norm bound allows {by_norm} of t = 1..{4 * cap}")
    return theorem & chain & tight & conclusion


# --- Cover's theorem --------------------------------------------------------------------------------

ENUMERATED = [(6, 3, 32), (7, 2, 14), (8, 4, 128), (5, 2, 10), (9, 3, 74)]  # (s, n, C(s, n))


def _enumerate(s: int, n: int, seed: int) -> int:
    x = torch.randn(s, n, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    return int(separable_dichotomies(x)[1].sum())


@formula("cover.function-counting", reference="LP feasibility of every dichotomy of Gaussian points (scipy linprog and the batched simplex)")
def check_function_counting(count=cover_count) -> CheckResult:
    # Cover's counting argument from scratch: a new point in general position splits exactly the dichotomies of the
    # old s points that are realisable through it, C(s+1, n) = C(s, n) + C(s, n−1), with C(1, n) = 2, C(s, 0) = 0
    inductive = {(1, k): 2 for k in range(1, 31)} | {(t, 0): 0 for t in range(1, 61)}
    for t in range(1, 60):
        for k in range(1, 31):
            inductive[t + 1, k] = inductive[t, k] + inductive[t, k - 1]
    off = [(t, k) for t in range(1, 61) for k in range(1, 31) if count(t, k) != inductive[t, k]]
    same_forms = holds(not off, "C(s, n) and Cover's induction C(s+1, n) = C(s, n) + C(s, n−1) from C(1, n) = 2 "
                        "agree for s ≤ 60, n ≤ 30 (exact integers)",
                        f"C(s, n) differs from Cover's induction at {len(off)} of 1800 (s, n), first {off[:3]}")
    counted = [_enumerate(s, n, seed) for seed, (s, n, _) in enumerate(ENUMERATED)]
    formula_values = [count(s, n) for s, n, _ in ENUMERATED]
    # one case once more, one scipy LP per dichotomy, as an oracle for the batched enumeration
    x = to_numpy(torch.randn(7, 2, generator=torch.Generator().manual_seed(1), dtype=torch.float64))
    by_scipy = sum(_lp_feasible(np.array(lab)[:, None] * x) for lab in itertools.product([1, -1], repeat=7))
    shown = ", ".join(f"C({s},{n}) = {c}" for (s, n, _), c in zip(ENUMERATED, counted))
    enum = holds(counted == formula_values and by_scipy == counted[1],
                  f"LP enumeration: {shown}",
                  f"LP enumeration {counted} (scipy {by_scipy}) != formula {formula_values}")
    return same_forms & enum


@formula("cover.recurrence", reference="closed form 2Σ binom(s−1, i) in exact integers")
def check_recurrence(table=cover_count_table) -> CheckResult:
    T = table(60, 30)
    bad = [(s, n) for s in range(1, 61) for n in range(1, 31) if T[s][n] != 2 * sum(math.comb(s - 1, i)
                                                                                    for i in range(n))]
    return holds(not bad, "recurrence table = closed form for s ≤ 60, n ≤ 30 (exact integers)",
                  f"recurrence table differs from the closed form at {len(bad)} cells, first {bad[:3]}")


@formula("cover.shattering", reference="2^s in exact integers; LP enumeration of all dichotomies")
def check_shattering(count=cover_count) -> CheckResult:
    all_labels = all(count(s, n) == 2**s for n in range(1, 31) for s in range(1, n + 1))
    one_more = all(count(n + 1, n) == 2 ** (n + 1) - 2 for n in range(1, 31))
    exact = holds(all_labels and one_more, "C(s,n) = 2^s for s ≤ n ≤ 30 and C(n+1,n) = 2^(n+1) − 2",
                   "C(s,n) ≠ 2^s for some s ≤ n, or C(n+1,n) ≠ 2^(n+1) − 2")
    lp = [_enumerate(4, 4, 7), _enumerate(5, 4, 8)]
    shattered = holds(lp == [count(4, 4), count(5, 4)] == [16, 30],
                       "LP: 4 points in ℝ⁴ shattered (16), 5 points not (30 of 32)",
                       f"LP enumeration {lp} != formula {[count(4, 4), count(5, 4)]}")
    return exact & shattered


PHASE_S = [10, 15, 20, 25, 30, 40]


def _separable_is_majority(s: int, n: int) -> bool:
    """The book's claim: a random labelling is separable w.h.p. (an empty version space is the exception) iff s < 2n."""
    return s < 2 * n


@formula("cover.phase-transition", reference="exact fractions C(s,n)/2^s; Monte Carlo of separability (200 trials per s)")
def check_phase_transition(probability=separability_probability, exception=_separable_is_majority) -> CheckResult:
    half = all(Fraction(cover_count(2 * n, n), 2 ** (2 * n)) == Fraction(1, 2) for n in range(1, 61))
    grid = [(s, n) for n in (1, 3, 10, 40) for s in range(1, 5 * n + 1)]
    exact = [float(Fraction(cover_count(s, n), 2**s)) for s, n in grid]
    ours = probability(f64([s for s, _ in grid]), f64([n for _, n in grid]))
    closed = check_close(ours, exact, atol=1e-12, what="P(s,n) and exact C(s,n)/2^s") & \
        holds(half, "P(2n,n) = 1/2 exactly for n ≤ 60", "P(2n,n) ≠ 1/2")
    n = 10
    freq = to_numpy(random_separability(PHASE_S, n, 200, generator=torch.Generator().manual_seed(9)))
    p = to_numpy(probability(f64(PHASE_S), n))
    mc = check_close(freq, p, atol=0.1, what=f"Monte Carlo frequencies {[round(float(f), 2) for f in freq]} and P")
    claims = [(s, m) for m in (5, 10, 20, 40) for s in range(1, 5 * m + 1) if s != 2 * m]
    exact_side = all((float(Fraction(cover_count(s, m), 2**s)) > 0.5) == exception(s, m) for s, m in claims)
    mc_side = all((f > 0.5) == exception(s, n) for s, f in zip(PHASE_S, freq) if s != 2 * n)
    rule = holds(exact_side and mc_side, "separable w.h.p. exactly when s < 2n (exact and Monte Carlo)",
                  "the stated side of s = 2n where an empty version space is the exception is wrong")
    return closed & mc & rule


@formula("cover.nonlinear-lifting", reference="exact fractions C(s,n)/2^s; scipy linprog on XOR before and after lifting")
def check_nonlinear_lifting(lift=lift_features) -> CheckResult:
    more = all(Fraction(cover_count(s, n + 1), 2**s) >= Fraction(cover_count(s, n), 2**s)
               for s in range(1, 61) for n in range(1, 60))
    full = all(cover_count(s, N) == 2**s for s in range(1, 31) for N in range(s, 31))
    monotone = holds(more and full, "P(s,n+1) ≥ P(s,n) for s ≤ 60, n < 60; P(s,N) = 1 for N ≥ s",
                      "more dimensions made separability less likely")
    pts = np.array([[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]])
    y = pts[:, 0] * pts[:, 1]
    plane = _lp_feasible(y[:, None] * np.hstack([pts, np.ones((4, 1))]))
    lifted = _lp_feasible(y[:, None] * to_numpy(lift(f64(pts))))
    xor = holds(not plane and lifted, "XOR: affine LP in ℝ² infeasible, homogeneous LP on (x₁,x₂,x₁x₂) feasible",
                 f"XOR separable in the plane: {plane}, after lifting: {lifted}")
    return monotone & xor


# --- the seeds' errata --------------------------------------------------------------------------------

def _seed_update(w, x, y):
    """Seed 002: Δθ = 0 if y(x·θ) ≥ 0, else yx."""
    w, x = torch.as_tensor(w, dtype=torch.float64), torch.as_tensor(x, dtype=torch.float64)
    return w + y * x if y * (x @ w) < 0 else w


@erratum("ch01-03:E1", wrong=r"\Delta\boldsymbol\theta=\mathbf 0\ \text{if}\ y(\mathbf x\cdot\boldsymbol\theta)\ge0",
         right=r"\Delta\boldsymbol\theta=\mathbf 0\ \text{if}\ y(\mathbf x\cdot\boldsymbol\theta)>0,\ "
               r"\text{else}\ y\mathbf x",
         why="From θ₀ = 0 every point has y(x·θ) = 0, which this rule counts as correct, so the perceptron never "
             "updates and returns θ = 0, which separates nothing.")
def seed_update_rule() -> CheckResult:
    return check_update_rule(update=_seed_update)


@erratum("ch01-03:E2", wrong=r"\cos\angle(\mathbf u,\mathbf w_t)\ge\frac{\sqrt t\gamma}{tR}=\frac{\gamma}{R\sqrt t}",
         right=r"\cos\angle(\mathbf u,\mathbf w_t)\ge\frac{t\gamma}{\sqrt tR}=\frac{\sqrt t\gamma}{R}",
         why="With the ratio inverted the lower bound on the cosine falls like 1/√t, so cos ≤ 1 never limits t and the "
             "proof gives no mistake bound at all instead of t ≤ (R/γ)².")
def seed_novikoff_cosine() -> CheckResult:
    return check_novikoff_bound(cosine_bound=lambda t, gamma, R: gamma / (R * torch.sqrt(torch.as_tensor(t))))


@erratum("ch01-03:E3", wrong=r"\gamma s\le s", right=r"\gamma s\le\boldsymbol\theta^s\cdot\boldsymbol\theta^*"
                                                      r"\le\|\boldsymbol\theta^s\|\le\sqrt s",
         why="Bounding ‖θˢ‖ by s instead of √s reduces the chain to γ ≤ 1 (R = 1), which always holds, so the argument "
             "no longer caps the number of mistakes.")
def seed_novikoff_chain() -> CheckResult:
    # the seed's last link bounds ‖θ^s‖ by s (times R; the seed has R = 1) instead of √s
    return check_novikoff_bound(norm_bound=lambda t, R: R * torch.as_tensor(t, dtype=torch.float64))


@erratum("ch01-03:E4", wrong=r"C(s,n)=2s\ \ (s\le n)", right=r"C(s,n)=2^s\ \ (s\le n)",
         why="With 2s instead of 2ˢ one would conclude that s ≤ n points in general position admit few separable "
             "labelings (8 of 16 for 4 points in ℝ⁴), when every labeling is separable.")
def seed_shattering() -> CheckResult:
    return check_shattering(count=lambda s, n: 2 * s if s <= n else cover_count(s, n))


@erratum("ch01-03:E5", wrong=r"s>2n:\ \text{empty version space is the exception}",
         right=r"s<2n:\ \text{empty version space is the exception};\ s>2n:\ \text{the rule}",
         why="One would expect random labels on more than 2n points to be linearly separable as a rule, when such "
             "labelings are almost never separable; separability is typical only for s < 2n.")
def seed_phase_transition() -> CheckResult:
    return check_phase_transition(exception=lambda s, n: s > 2 * n)
