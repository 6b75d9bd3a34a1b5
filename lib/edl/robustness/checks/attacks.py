"""Checks of ``edl.robustness.attacks`` (book labels ``adv.definition`` … ``adv.robustness-measure``) and of
the errata there.

Independent routes: ``numpy.linalg.norm``; exhaustive search over grids on the ε-sphere; ``scipy.optimize``
(SLSQP for the smallest perturbation, ``linprog`` for the ℓ∞ one); autograd Jacobians of a small tanh
network. Each check takes the formula under test as keyword arguments, so that an erratum runs the same
check on the mistaken version.
"""

import math

import numpy as np
import scipy.optimize
import torch

from edl.core.checking import CheckResult, all_of, check_close, f64, holds, to_numpy
from edl.core.ledger import erratum, formula
from edl.robustness import attacks as at

INF = math.inf


def _logits_2(w, b):
    """A binary linear classifier as two logits (0, w·x + b): class 1 iff w·x + b > 0."""
    w = f64(w)
    return lambda x: torch.stack([torch.zeros(len(x), dtype=x.dtype), x @ w + b], -1)


def _sphere(eps: float, p: float, n: int = 2000) -> np.ndarray:
    """n points on the 2-D ℓp sphere of radius eps (ℓ2: a circle; ℓ∞: the square's perimeter, corners included)."""
    if p == 2:
        t = np.linspace(0, 2 * np.pi, n, endpoint=False)
        return eps * np.stack([np.cos(t), np.sin(t)], 1)
    s = np.linspace(-1, 1, n // 4 + 1)
    sides = [np.stack([s, np.full_like(s, c)], 1) for c in (-1, 1)] + [np.stack([np.full_like(s, c), s], 1) for c in (-1, 1)]
    return eps * np.concatenate(sides)


@formula("adv.definition", reference="exhaustive search over the ε-sphere: an adversarial point exists iff ε ≥ margin / dual norm")
def check_definition(adversarial=at.is_adversarial) -> CheckResult:
    w, b, x = np.array([1.5, -2.0]), 0.4, np.array([1.0, -0.5])            # class 1, margin 2.9
    f = _logits_2(w, b)
    parts = []
    for p, dual in ((2, 2), (INF, 1)):
        dist = abs(w @ x + b) / np.linalg.norm(w, dual)
        found = {}
        for scale in (1 - 1e-3, 1 + 1e-3):
            eps = dist * scale
            D = _sphere(eps, p)
            hits = adversarial(f, f64(np.tile(x, (len(D), 1))), f64(D), torch.ones(len(D), dtype=torch.long), eps=eps, p=p)
            target = adversarial(f, f64(np.tile(x, (len(D), 1))), f64(D), torch.ones(len(D), dtype=torch.long), eps=eps, p=p,
                                 target=torch.zeros(len(D), dtype=torch.long))
            found[scale] = (int(hits.sum()), bool((hits == target).all()))
        step = -1.01 * dist * (w / np.linalg.norm(w) if p == 2 else np.sign(w))      # flips, but twice the budget
        too_far = adversarial(f, f64([x]), f64([step]), torch.ones(1, dtype=torch.long), eps=0.5 * dist, p=p)
        name = "ℓ2" if p == 2 else "ℓ∞"
        parts.append(holds(found[1 - 1e-3][0] == 0 < found[1 + 1e-3][0] and found[1 + 1e-3][1] and not bool(too_far),
                           f"{name}: 2,000 points on the sphere: none adversarial at radius 0.999·dist, some at 1.001·dist; over budget: no",
                           f"{name}: adversarial points at 0.999·dist / 1.001·dist: {found[1 - 1e-3][0]} / {found[1 + 1e-3][0]}"))
    return all_of(*parts)


@formula("adv.p-norms", reference="numpy.linalg.norm; the chain ‖x‖∞ ≤ ‖x‖₂ ≤ ‖x‖₁ ≤ √d‖x‖₂ ≤ d‖x‖∞ and its equality cases")
def check_p_norms(norm=at.p_norm, dual=at.dual_exponent) -> CheckResult:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(10_000, 8)) * rng.exponential(size=(10_000, 1))
    X[::7, ::3] = 0.0
    parts = [check_close(norm(f64(X), p), np.linalg.norm(X, ord=p, axis=1), rtol=1e-12, what=f"p = {p}")
             for p in (1, 1.5, 2, 3, INF)]
    parts.append(check_close(norm(f64(X), 0), np.count_nonzero(X, axis=1), atol=0.5, what="ℓ0 vs count_nonzero"))
    n = {p: to_numpy(norm(f64(X), p)) for p in (1, 2, INF)}
    d = X.shape[1]
    chain = (n[INF] <= n[2] * (1 + 1e-12)).all() and (n[2] <= n[1] * (1 + 1e-12)).all() and \
        (n[1] <= math.sqrt(d) * n[2] * (1 + 1e-12)).all() and (math.sqrt(d) * n[2] <= d * n[INF] * (1 + 1e-12)).all()
    e1, ones = f64(np.eye(d)[0]), f64(np.ones(d))
    tight = [float(norm(e1, p)) for p in (INF, 2, 1)] + [float(norm(ones, 1)), math.sqrt(d) * float(norm(ones, 2)),
                                                         d * float(norm(ones, INF))]
    parts.append(holds(chain, "the chain holds on 10,000 vectors (d = 8)", "the norm chain is violated"))
    parts.append(check_close(tight, [1, 1, 1, d, d, d], rtol=1e-12, what="equality: e₁ (first three), 𝟏 (last three)"))
    x = f64([0.0, 3.0, -1.0])
    parts.append(holds(float(norm(2 * x, 0)) == float(norm(x, 0)) == 2.0, "‖2x‖₀ = ‖x‖₀ = 2 ≠ 2‖x‖₀: not homogeneous",
                       "ℓ0 scaled with its argument"))
    q = [dual(p) for p in (1.5, 2, 3, 4)]
    parts.append(check_close([1 / p + 1 / qq for p, qq in zip((1.5, 2, 3, 4), q)], [1.0] * 4, atol=1e-14,
                             what="1/p + 1/p* = 1 (p = 1.5, 2, 3, 4)"))
    parts.append(holds(dual(1) == INF and dual(INF) == 1, "1* = ∞, ∞* = 1", "the limits of p* are wrong"))
    return all_of(*parts)


def _slsqp_max_linear(z: np.ndarray, p: float) -> float:
    best = -np.inf
    rng = np.random.default_rng(1)
    for _ in range(3):
        v0 = rng.normal(size=len(z))
        v0 /= np.linalg.norm(v0, p) * 1.01
        cons = {"type": "ineq", "fun": lambda v: 1 - np.sum(np.abs(v) ** p) ** (1 / p)}
        res = scipy.optimize.minimize(lambda v: -v @ z, v0, constraints=[cons], method="SLSQP",
                                      options={"ftol": 1e-12, "maxiter": 500})
        if np.sum(np.abs(res.x) ** p) ** (1 / p) <= 1 + 1e-8:
            best = max(best, -res.fun)
    return best


@formula("adv.dual-norm-steepest", reference="numpy.linalg.norm of the dual; SLSQP maximisation over the unit ball finds nothing better")
def check_dual_norm_steepest(direction=at.steepest_direction) -> CheckResult:
    rng = np.random.default_rng(2)
    z = rng.normal(size=10)
    parts = []
    for p in (1, 1.5, 2, 3, INF):
        q = INF if p == 1 else 1.0 if p == INF else p / (p - 1)
        vstar = to_numpy(direction(f64(z), p))
        parts.append(check_close([np.linalg.norm(vstar, p), vstar @ z], [1.0, np.linalg.norm(z, q)], atol=1e-12,
                                 what=f"p = {p}: ‖v*‖_p = 1 and v*ᵀz = ‖z‖_p*"))
    better = [_slsqp_max_linear(z, p) - np.linalg.norm(z, p / (p - 1)) for p in (1.5, 3)]
    parts.append(holds(max(better) <= 1e-7, "SLSQP on the ball (p = 1.5, 3) finds no larger vᵀz",
                       f"SLSQP beats v* by {max(better):.2g}"))
    return all_of(*parts)


@erratum("ch09-11:E61", wrong=r"v^*=\frac{\mathrm{sign}(z)\,|z|^{p^*-1}}{z^2}",
         right=r"v^*=\frac{\mathrm{sign}(z)\odot|z|^{p^*-1}}{\|z\|_{p^*}^{p^*-1}}",
         why="Divided by the squared length instead of the dual norm to the power p*−1, the direction leaves the unit "
             "ball (or stops short of it), so the attack's step is not of size ε.")
def seed_garbled_direction() -> CheckResult:
    def garbled(z, p):
        q = INF if p == 1 else 1.0 if p == INF else p / (p - 1)
        if math.isinf(q):
            return at.steepest_direction(z, p)
        return torch.sign(z) * z.abs() ** (q - 1) / (z**2).sum()
    return check_dual_norm_steepest(direction=garbled)


# --- linear classifiers --------------------------------------------------------------------------

def _min_flip_norm(w, b, x, p) -> float:
    """The smallest ‖δ‖_p reaching the boundary, by optimisation (ℓ2: SLSQP, ℓ∞: linprog)."""
    c = w @ x + b
    if p == 2:
        res = scipy.optimize.minimize(lambda d: d @ d, np.zeros_like(x), jac=lambda d: 2 * d, method="SLSQP",
                                      constraints=[{"type": "eq", "fun": lambda d: w @ d + c, "jac": lambda d: w}],
                                      options={"ftol": 1e-15, "maxiter": 200})
        return float(np.sqrt(res.fun))   # SLSQP on ‖δ‖² subject to wᵀδ = −c
    n = len(x)          # variables (δ, t): min t, -t ≤ δ_i ≤ t, w·δ = -c
    A_ub = np.block([[np.eye(n), -np.ones((n, 1))], [-np.eye(n), -np.ones((n, 1))]])
    res = scipy.optimize.linprog(np.r_[np.zeros(n), 1.0], A_ub=A_ub, b_ub=np.zeros(2 * n), A_eq=np.r_[w, 0.0][None],
                                 b_eq=[-c], bounds=[(None, None)] * n + [(0, None)], method="highs")
    return float(res.fun)


@formula("adv.linear-binary", reference="SLSQP and linprog: the smallest ℓ2 / ℓ∞ step to the boundary; the flip tested on x + (1 ± 10⁻⁶)δ*")
def check_linear_binary(perturb=at.linear_minimal_perturbation, flips=at.linear_flips) -> CheckResult:
    rng = np.random.default_rng(3)
    parts = []
    for trial in range(3):
        w, b, x = rng.normal(size=20), rng.normal(), rng.normal(size=20)
        y = 1.0 if w @ x + b > 0 else -1.0
        for p, name in ((2, "ℓ2"), (INF, "ℓ∞")):
            d = to_numpy(perturb(f64(w), b, f64(x), p))
            beyond, short = x + (1 + 1e-6) * d, x + (1 - 1e-6) * d
            sign_flip = np.sign(w @ beyond + b) != y and np.sign(w @ short + b) == y
            lib_flip = bool(flips(f64(w), b, f64(x), y, f64((1 + 1e-6) * d))) and \
                not bool(flips(f64(w), b, f64(x), y, f64((1 - 1e-6) * d)))
            parts.append(holds(sign_flip and lib_flip, "", f"trial {trial}, {name}: (1 ± 10⁻⁶)δ* does not straddle the boundary"))
            parts.append(check_close(np.linalg.norm(d, p), _min_flip_norm(w, b, x, p), rtol=1e-6,
                                     what=f"trial {trial}, {name}: ‖δ*‖ vs the optimiser's"))
    ok = all(part.passed for part in parts)
    failures = [part.detail for part in parts if not part.passed]
    return holds(ok, "3 instances (d = 20), ℓ2 and ℓ∞: (1+10⁻⁶)δ* flips, (1−10⁻⁶)δ* does not; ‖δ*‖ is the minimum (1e-06)",
                 "; ".join(failures[:2]))


@erratum("ch09-11:E62", wrong=r"\text{flipped iff }|y\,w^\top\delta|\le-y(w^\top x+b)",
         right=r"\text{flipped iff }y\,w^\top\delta\le-y(w^\top x+b)",
         why="For a correctly classified point the right-hand side is negative, so the condition with the absolute "
             "value never holds: no perturbation would ever count as adversarial.")
def seed_flip_absolute() -> CheckResult:
    def flips(w, b, x, y, delta):
        return (y * (delta @ w)).abs() <= -y * (x @ w + b)
    return check_linear_binary(flips=flips)


@erratum("ch09-11:E63", wrong=r"\delta^*=\frac{-w^\top x+b}{\|w\|_2^2}\,w", right=r"\delta^*=-\frac{w^\top x+b}{\|w\|_2^2}\,w",
         why="With the bias on the wrong side the step lands on the hyperplane w·x = b instead of w·x = −b: whenever "
             "b ≠ 0 it stops short of the boundary or overshoots it.")
def seed_bias_sign() -> CheckResult:
    def perturb(w, b, x, p):
        if p == 2:
            return (-(x @ w) + b) / (w @ w) * w
        return at.linear_minimal_perturbation(w, b, x, p)
    return check_linear_binary(perturb=perturb)


def _random_multiclass(rng, n_inst: int, K: int = 10, d: int = 20):
    return rng.normal(size=(n_inst, K, d)), rng.normal(size=(n_inst, K)), rng.normal(size=(n_inst, d))


def _exact_multiclass_min(W, b, x) -> tuple[float, int]:
    """The smallest ‖δ‖₂ with f_j(x+δ) = f_k(x+δ) for some j ≠ k: the minimum-norm solution of each
    one-equation system (w_j − w_k)ᵀδ = f_k − f_j by numpy.linalg.lstsq (an SVD), minimised over j."""
    f = W @ x + b
    k = int(np.argmax(f))
    best = (np.inf, -1)
    for j in range(len(W)):
        if j != k:
            d = np.linalg.lstsq((W[j] - W[k])[None], [f[k] - f[j]], rcond=None)[0]
            best = min(best, (float(np.linalg.norm(d)), j))
    return best


@formula("adv.linear-multiclass", reference="minimum-norm solutions (numpy lstsq) of every pairwise boundary, 40 random 10-class problems")
def check_linear_multiclass(perturb=at.linear_multiclass_perturbation) -> CheckResult:
    rng = np.random.default_rng(4)
    Ws, bs, xs = _random_multiclass(rng, 40)
    bad_norm, bad_flip = 0, 0
    for W, b, x in zip(Ws, bs, xs):
        delta, j = perturb(f64(W), f64(b), f64(x[None]), overshoot=1e-9)
        delta = to_numpy(delta)[0]
        exact, _ = _exact_multiclass_min(W, b, x)
        bad_norm += not abs(np.linalg.norm(delta) - exact) <= 1e-6 * exact
        bad_flip += int(np.argmax(W @ (x + delta) + b)) != int(j[0])
    return holds(bad_norm == 0 and bad_flip == 0,
                 "40 problems: δ reaches class j* (overshoot 10⁻⁹), ‖δ‖₂ is the minimum within 1e-06",
                 f"{bad_norm} of 40 perturbations are not minimal, {bad_flip} do not reach j*")


def _coefficient_rule(W, b, x, *, overshoot=0.0):
    """The class chosen by (f_k − f_j)/‖w_k − w_j‖² (the coefficient) instead of the distance."""
    scores = x @ W.T + b
    k = scores.argmax(-1)
    diff = W[k][:, None, :] - W[None]
    gap = scores.gather(-1, k[:, None]) - scores
    coef = gap / (diff**2).sum(-1).clamp_min(1e-300)
    coef[torch.arange(len(x)), k] = math.inf
    j = coef.argmin(-1)
    rows = torch.arange(len(x))
    return (1 + overshoot) * coef[rows, j][:, None] * -diff[rows, j], j


@erratum("ch09-11:E64", wrong=r"\arg\min_{i>1}\frac{f_1(x)-f_i(x)}{\|w_1-w_i\|_2^2}(w_i-w_1)",
         right=r"j^*=\arg\min_{j\ne\hat k}\frac{f_{\hat k}(x)-f_j(x)}{\|w_{\hat k}-w_j\|_2}",
         why="Ranking classes by the step's coefficient (squared norm) instead of the distance to each boundary picks "
             "a farther class in about one random problem in nine, and the perturbation is then larger than needed.")
def seed_coefficient_rule() -> CheckResult:
    return check_linear_multiclass(perturb=_coefficient_rule)


@erratum("ch09-11:E65", wrong=r"m_j(x)=(w_j-w_j^*)^\top x+(b_j-b_j^*),\quad\mathrm{dist}=\frac{m_j(x)}{\|w_j\|_2}",
         right=r"m_j(x)=(w_{\hat k}-w_j)^\top x+(b_{\hat k}-b_j),\quad\mathrm{dist}=\frac{m_j(x)}{\|w_{\hat k}-w_j\|_2}",
         why="Dividing the margin by the norm of one class's weights instead of the difference measures the wrong "
             "distance: the boundary between two classes depends only on w_k − w_j.")
def seed_margin_norm() -> CheckResult:
    def perturb(W, b, x, *, overshoot=0.0):
        scores = x @ W.T + b
        k = scores.argmax(-1)
        gap = scores.gather(-1, k[:, None]) - scores
        dist = gap / W.norm(dim=-1)[None]
        dist[torch.arange(len(x)), k] = math.inf
        j = dist.argmin(-1)
        rows = torch.arange(len(x))
        diff = W[k] - W[j]
        return (1 + overshoot) * (gap[rows, j] / (diff**2).sum(-1))[:, None] * -diff, j
    return check_linear_multiclass(perturb=perturb)


# --- DeepFool ---------------------------------------------------------------------------------------

def _tanh_net(seed: int = 5, d: int = 10, hidden: int = 32, K: int = 2):
    g = torch.Generator().manual_seed(seed)
    W1 = torch.randn(hidden, d, generator=g, dtype=torch.float64) / math.sqrt(d)
    b1 = 0.1 * torch.randn(hidden, generator=g, dtype=torch.float64)
    W2 = 3 * torch.randn(K, hidden, generator=g, dtype=torch.float64) / math.sqrt(hidden)
    return lambda x: torch.tanh(x @ W1.T + b1) @ W2.T


def _slsqp_flip(net, x: np.ndarray, k: int) -> float:
    """The smallest ‖r‖₂ that makes the other logit win, by SLSQP from two starts."""
    def margin(r):
        z = net(f64(x + r)[None])[0].numpy()
        return z[1 - k] - z[k]
    best = np.inf
    for start in (np.zeros_like(x), 0.01 * np.random.default_rng(0).normal(size=len(x))):
        res = scipy.optimize.minimize(lambda r: r @ r, start, jac=lambda r: 2 * r, method="SLSQP",
                                      constraints=[{"type": "ineq", "fun": margin}], options={"ftol": 1e-12, "maxiter": 300})
        if margin(res.x) >= -1e-9:
            best = min(best, float(np.sqrt(res.x @ res.x)))
    return best


@formula("adv.deepfool-binary", reference="linear f: the step lands on the boundary, ‖r‖_p = c/‖w‖_q; tanh net: SLSQP minimal flips")
def check_deepfool_binary(step=at.deepfool_binary_step, attack=at.deepfool) -> CheckResult:
    rng = np.random.default_rng(6)
    w, c = rng.normal(size=12), 2.5
    parts = []
    for p in (2, 3, INF):
        q = 2.0 if p == 2 else 1.5 if p == 3 else 1.0
        r = to_numpy(step(c, f64(w), p))
        parts.append(check_close([c + w @ r, np.linalg.norm(r, p)], [0.0, c / np.linalg.norm(w, q)], atol=1e-10,
                                 what=f"p = {p}: c + wᵀr* = 0 and ‖r*‖_p = c/‖w‖_q"))
    net = _tanh_net()
    X = f64(rng.normal(size=(30, 10)))
    r, steps = attack(net, X, p=2, overshoot=0.02)
    k = net(X).argmax(-1)
    flipped = (net(X + r).argmax(-1) != k).all()
    ratios = np.array([np.linalg.norm(to_numpy(r[i])) / _slsqp_flip(net, to_numpy(X[i]), int(k[i])) for i in range(30)])
    parts.append(holds(bool(flipped) and int(steps.max()) <= 3, f"tanh net, 30 inputs: every label flips within "
                       f"{int(steps.max())} ≤ 3 steps", f"DeepFool flipped {bool(flipped)}, steps up to {int(steps.max())}"))
    parts.append(holds(ratios.min() >= 1 - 1e-6 and np.median(ratios) <= 1.1,
                       f"‖r‖ / SLSQP minimum: never below 1, median {np.median(ratios):.2f} ≤ 1.1",
                       f"‖r‖ / SLSQP minimum: min {ratios.min():.3g}, median {np.median(ratios):.3g}"))
    return all_of(*parts)


@erratum("ch09-11:E66", wrong=r"(\nabla f_1(x)-\nabla f_2(x))^\top\delta<f_1(x)-f_2(x)",
         right=r"(\nabla f_1(x)-\nabla f_2(x))^\top\delta<-(f_1(x)-f_2(x))",
         why="With this sign δ = 0 already satisfies the linearised constraint whenever f₁ > f₂, so the smallest "
             "step is no step at all and DeepFool never moves.")
def seed_constraint_sign() -> CheckResult:
    def step(c, grad, p=2):
        return torch.zeros_like(f64(grad))       # the minimiser of ‖r‖ under the mis-signed constraint
    return check_deepfool_binary(step=step)


@erratum("ch09-11:E67", wrong=r"r^*=\frac{f_1-f_2}{\|w\|_{p^*}^{p^*}}|w|^{p^*-1}\odot\mathrm{sgn}(w)^{p^*-1}",
         right=r"r^*=-\frac{f_1-f_2}{\|w\|_{p^*}^{p^*}}|w|^{p^*-1}\odot\mathrm{sgn}(w)",
         why="Without the minus sign the step climbs away from the boundary, doubling the margin instead of "
             "closing it; the exponent on the sign is meaningless for p* − 1 not an integer.")
def seed_step_sign() -> CheckResult:
    def step(c, grad, p=2):
        return -at.deepfool_binary_step(c, grad, p)
    return check_deepfool_binary(step=step)


@formula("adv.deepfool-multiclass", reference="minimum-norm solutions (numpy lstsq) of the pairwise boundaries of 40 linear 10-class problems")
def check_deepfool_multiclass(step=at.deepfool_multiclass_step) -> CheckResult:
    rng = np.random.default_rng(7)
    Ws, bs, xs = _random_multiclass(rng, 40)
    worst, wrong_class = 0.0, 0
    for W, b, x in zip(Ws, bs, xs):
        f = W @ x + b
        k = int(np.argmax(f))
        h, grad_h = f - f[k], W - W[k]
        r, l_hat = step(f64(h[None]), f64(grad_h[None]), torch.tensor([k]), 2)
        exact, j = _exact_multiclass_min(W, b, x)
        worst = max(worst, abs(np.linalg.norm(to_numpy(r)) - exact) / exact)
        f_new = W @ (x + to_numpy(r)[0]) + b
        wrong_class += int(l_hat[0]) != j or abs(f_new[j] - f_new[k]) > 1e-9
    W, b, x = Ws[0], bs[0], xs[0]
    r, steps = at.deepfool(lambda z: z @ f64(W).T + f64(b), f64(x[None]), overshoot=1e-9)
    exact, j = _exact_multiclass_min(W, b, x)
    return all_of(holds(worst <= 1e-6 and wrong_class == 0,
                        "40 linear problems: one step lands on the nearest boundary with the minimal ‖r‖₂ (rtol 1e-06)",
                        f"relative error up to {worst:.2g}; {wrong_class} steps aim at another class or miss the boundary"),
                  holds(int(steps[0]) == 1 and abs(float(r.norm()) - exact) <= 1e-6 * exact,
                        "deepfool on a linear model: one iteration, the minimal norm",
                        f"deepfool on a linear model: {int(steps[0])} iterations, ‖r‖ = {float(r.norm()):.6g} vs {exact:.6g}"))


@erratum("ch09-11:E68", wrong=r"\hat l=\arg\min_j\frac{\|h_j\|_{p^*}^p}{\|\nabla h_j\|_{p^*}^p}",
         right=r"\hat l=\arg\min_{j\ne\hat k}\frac{|h_j|}{\|\nabla h_j\|_q},\ r=\frac{|h_{\hat l}|}{\|\nabla h_{\hat l}\|_q^q}|\nabla h_{\hat l}|^{q-1}\odot\mathrm{sign}(\nabla h_{\hat l})",
         why="Powers on the ratio change which boundary counts as nearest and how far the step goes, so a single "
             "step no longer lands on the nearest boundary of a linear model.")
def seed_garbled_deepfool() -> CheckResult:
    def step(h, grad_h, k, p=2):
        norms = grad_h.norm(dim=-1)
        ratio = h.abs() ** p / norms.clamp_min(1e-300) ** p
        ratio[torch.arange(len(h)), k] = math.inf
        l_hat = ratio.argmin(-1)
        rows = torch.arange(len(h))
        g = grad_h[rows, l_hat]
        return (h[rows, l_hat].abs() ** p / (g**2).sum(-1))[:, None] * g, l_hat
    return check_deepfool_multiclass(step=step)


@formula("adv.robustness-measure", reference="closed form |wᵀx + b| / (‖w‖‖x‖) averaged; DeepFool on a linear model")
def check_robustness_measure(measure=at.robustness_measure) -> CheckResult:
    rng = np.random.default_rng(8)
    w, b, X = rng.normal(size=5), 0.7, rng.normal(size=(200, 5))
    r = to_numpy(at.linear_minimal_perturbation(f64(w), b, f64(X)))
    exact = np.mean(np.abs(X @ w + b) / (np.linalg.norm(w) * np.linalg.norm(X, axis=1)))
    r_df, _ = at.deepfool(_logits_2(w, b), f64(X), overshoot=1e-9)
    return all_of(check_close(measure(f64(r), f64(X)), exact, rtol=1e-12, what="ρ̂ with exact r vs closed form (n = 200)"),
                  check_close(measure(r_df, f64(X)), exact, rtol=1e-7, what="ρ̂ with DeepFool's r"))
