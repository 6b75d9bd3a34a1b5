"""Checks of ``edl.optimization.stochastic`` (book labels ``sgd.*``) and of the seeds' errata there.

Unbiased stochastic gradients, their variance and minibatches, Robbins–Monro steps, the strongly convex
bound, Polyak averaging, SVRG and signSGD. Each check takes the formula under test as a keyword argument
(default: the library function) and compares it with a route that does not share its code: autograd,
exact enumeration over the examples, closed forms, ``torch.optim`` run step for step, or Monte Carlo
within a stated number of standard errors. Claims (rates, floors, stability ranges) are tested by running
the methods. All randomness is seeded; verdicts state tolerances and 3-significant-digit numbers, so they
print the same everywhere. The test problems defined here are shared with the momentum and adaptive checks.
"""

import math

import numpy as np
import scipy.stats
import torch

from edl.optimization import stochastic as st
from edl.core.checking import CheckResult, check_close, check_monte_carlo, f64, holds, to_numpy
from edl.core.ledger import erratum, formula

F64 = torch.float64


def _g(x: float) -> str:
    return f"{x:.3g}"


# --- helpers and test problems, shared with the momentum and adaptive checks ----------------------

def _ratio_leq(lhs, rhs, *, what: str) -> CheckResult:
    """Pass if lhs ≤ rhs everywhere (rhs > 0); report the largest ratio lhs/rhs to 2 significant digits."""
    ratio = to_numpy(lhs) / to_numpy(rhs)
    worst = float(np.nan_to_num(ratio, nan=np.inf).max())
    ok = worst <= 1.0
    return CheckResult(ok, f"{what}: max ratio {worst:.2g}" + ("" if ok else " > 1"), 0.0 if ok else worst - 1)


def least_squares_problem(seed: int = 0, n: int = 50, d: int = 5, noise: float = 1.0):
    """A seeded least-squares problem ``(A, b)`` with Gaussian rows and noisy targets."""
    g = torch.Generator().manual_seed(seed)
    A = torch.randn(n, d, generator=g, dtype=F64)
    b = A @ torch.randn(d, generator=g, dtype=F64) + noise * torch.randn(n, generator=g, dtype=F64)
    return A, b


def _quadratic(seed: int, d: int = 6, kappa: float = 20.0):
    """A random SPD Hessian with condition number ``kappa`` and a starting point."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    H = Q @ np.diag(np.logspace(0, np.log10(kappa), d)) @ Q.T
    return H, rng.normal(size=d)


def _torch_trajectory(make_optimizer, H: np.ndarray, x0: np.ndarray, steps: int) -> np.ndarray:
    """Iterates of a ``torch.optim`` optimizer on f = ½xᵀHx, gradients by autograd."""
    p = torch.nn.Parameter(f64(x0))
    opt = make_optimizer([p])
    Ht, out = f64(H), []
    for _ in range(steps):
        opt.zero_grad()
        (0.5 * p @ Ht @ p).backward()
        opt.step()
        out.append(p.detach().clone())
    return torch.stack(out).numpy()


# --- stochastic gradient descent ------------------------------------------------------------------

@formula("sgd.update-unbiased", reference="autograd of f; exact enumeration of I; Monte Carlo (4 SE)")
def check_update_unbiased(total=st.empirical_risk) -> CheckResult:
    A, b = least_squares_problem(0, n=100)
    x = torch.randn(5, generator=torch.Generator().manual_seed(1), dtype=F64)
    per_example = st.least_squares_gradients(A, b, x)  # (n, d)
    xp = x.clone().requires_grad_(True)
    (grad_f,) = torch.autograd.grad(total(0.5 * (A @ xp - b) ** 2), xp)  # ∇f by autograd, f as defined
    exact = check_close(st.full_gradient(per_example), grad_f, atol=1e-12, what="mean over all I of ∇f_I and autograd ∇f")
    idx = np.random.default_rng(2).integers(0, 100, size=200_000)
    draws = to_numpy(per_example)[idx]  # ∇f_I for I uniform
    mc = [check_monte_carlo(draws[:, j], float(grad_f[j]), what=f"coordinate {j}") for j in range(2)]
    # one SGD step with every I: on average it is the gradient step x − η∇f
    steps = st.sgd_step(x.expand_as(per_example), per_example, 0.1)  # (n, d): the step with every I
    step = check_close(steps.mean(0), x - 0.1 * grad_f, atol=1e-12, what="mean over I of x − η∇f_I and x − η∇f")
    return exact & holds(all(r.passed for r in mc), "sample mean of ∇f_I within 4 SE of ∇f (200,000 draws)",
                          "; ".join(r.detail for r in mc if not r.passed)) & step


@formula("sgd.variance", reference="second-moment form in numpy; Monte Carlo (4 SE)")
def check_variance(variance=st.gradient_variance) -> CheckResult:
    A, b = least_squares_problem(0, n=100)
    x_star = st.least_squares_noise(A, b)[0]
    points = torch.stack([torch.zeros(5, dtype=F64), x_star])
    g = to_numpy(st.least_squares_gradients(A, b, points))  # (2, n, d)
    second = (g**2).sum(-1).mean(-1) - (g.mean(-2) ** 2).sum(-1)  # (1/n)Σ‖∇f_i‖² − ‖∇f‖²
    V = variance(f64(g))
    identity = check_close(V, second, atol=1e-12, what="V(x) and (1/n)Σ‖∇f_i‖² − ‖∇f‖² at x = 0 and x*")
    idx = np.random.default_rng(3).integers(0, 100, size=100_000)
    dev = ((g[1][idx] - g[1].mean(0)) ** 2).sum(-1)
    mc = check_monte_carlo(dev, float(V[1]), what="E‖∇f_I − ∇f‖² at x*")
    floor = holds(float(V[1]) > 0, f"σ² = V(x*) = {_g(float(V[1]))} > 0", f"σ² = V(x*) = {_g(float(V[1]))} is not positive")
    return identity & mc & floor


@formula("sgd.minibatch", reference="Monte Carlo of minibatch draws (4 SE); fitted log-log slope")
def check_minibatch(variance=st.minibatch_variance) -> CheckResult:
    A, b = least_squares_problem(1, n=40, d=3)
    g = to_numpy(st.least_squares_gradients(A, b, torch.zeros(3, dtype=F64)))  # (40, 3)
    full, V = g.mean(0), float(st.gradient_variance(f64(g)))
    rng = np.random.default_rng(4)
    draws, r = 200_000, 8
    with_rep = g[rng.integers(0, 40, size=(draws, r))].mean(1)
    without = g[np.argsort(rng.random((draws, 40)), axis=1)[:, :r]].mean(1)
    results = [check_monte_carlo(((est - full) ** 2).sum(-1), float(variance(V, 40, r, replace=rep)),
                                 what=f"r = 8, {name}")
               for est, rep, name in ((with_rep, True, "with replacement"), (without, False, "without"))]
    drawn = [to_numpy(st.minibatch_gradients(f64(g), r, 50_000, replace=rep, generator=torch.Generator().manual_seed(15)))
             for rep in (True, False)]
    library = [check_monte_carlo(((est - full) ** 2).sum(-1), float(variance(V, 40, r, replace=rep)),
                                 what=f"minibatch_gradients, r = 8, {name}")
               for est, rep, name in ((drawn[0], True, "with replacement"), (drawn[1], False, "without"))]
    sizes = np.array([1, 2, 4, 8, 16, 32])
    measured = [((g[rng.integers(0, 40, size=(20_000, s))].mean(1) - full) ** 2).sum(-1).mean() for s in sizes]
    predicted = [float(variance(V, 40, int(s))) for s in sizes]
    slope_measured = np.polyfit(np.log(sizes), np.log(measured), 1)[0]
    slope_formula = np.polyfit(np.log(sizes), np.log(predicted), 1)[0]
    slope = holds(abs(slope_measured - slope_formula) <= 0.05,
                   f"log-log slope of the variance against r: measured {slope_measured:.2f}, formula {slope_formula:.2f} (±0.05)",
                   f"log-log slope of the variance against r: measured {slope_measured:.2f}, formula {slope_formula:.2f} (beyond ±0.05)")
    return results[0] & results[1] & library[0] & library[1] & slope


@formula("sgd.robbins-monro", reference="running mean (exact); Monte Carlo (4 SE) against 1/(6k) and ησ²/(2−η)")
def check_robbins_monro(steps=st.robbins_monro_steps) -> CheckResult:
    K, chains = 100, 2000
    eta = torch.as_tensor(steps(1.0, K), dtype=F64)
    a = torch.rand(chains, K, generator=torch.Generator().manual_seed(5), dtype=F64) * 2 - 1  # a ~ U[-1, 1]
    try:
        x = st.sgd_mean_estimation(a, eta)
    except ValueError as err:  # the simulation refuses the schedule: that is its verdict
        reason = str(err).split(", got")[0]  # what is wrong, without the echoed value
        return holds(False, "", f"SGD cannot run with these steps ({reason})")
    if not bool(torch.isfinite(x).all()):
        return holds(False, "", f"SGD run with these steps leaves {int((~torch.isfinite(x)).sum())} of "
                                        f"{x.numel()} iterates not finite")
    mean = check_close(x, torch.cumsum(a, 1) / torch.arange(1, K + 1, dtype=F64), atol=1e-12,
                       what="x_{k+1} with η_k = 1/k and the running mean of a_1..a_k")
    rate = check_monte_carlo(to_numpy(0.5 * x[:, -1] ** 2), 1 / (6 * K), what="E f(x_k) − f* = 1/(6k) at k = 100")
    const = st.sgd_mean_estimation(a[:, :K].repeat(1, 6), torch.full((6 * K,), 0.1, dtype=F64))
    plateau = (const[:, 2 * K:] ** 2).mean(1)  # per-chain time average over the plateau
    floor = check_monte_carlo(to_numpy(plateau), 0.1 * (1 / 3) / (2 - 0.1), what="constant η = 0.1: plateau ησ²/(2−η)")
    return mean & rate & floor


def _exact_sgd_second_moment(A: np.ndarray, b: np.ndarray, eta: float, e0: np.ndarray, steps: int) -> np.ndarray:
    """E‖x_k − x*‖², k = 0..steps, of single-example SGD on least squares, exactly: the expectation over the example
    drawn at each step, by enumerating all n of them (a deterministic recursion for the mean m and second moment S).

    With e = x − x* and rᵢ = bᵢ − aᵢᵀx*, one step is e ← (I − ηaaᵀ)e + ηra, so
    m ← (I − ηH)m and S ← S − η(HS + SH) + η²(E[aaᵀSaaᵀ] − 2E[r(aᵀm)aaᵀ] + E[r²aaᵀ])."""
    n, d = A.shape
    outer = A[:, :, None] * A[:, None, :]  # (n, d, d)
    r = b - A @ np.linalg.lstsq(A, b, rcond=None)[0]
    H, noise = outer.mean(0), (r[:, None, None] ** 2 * outer).mean(0)
    flat = outer.reshape(n, d * d)
    fourth = np.einsum("nij,nkl->ikjl", outer, outer).reshape(d * d, d * d) / n  # vec S -> vec E[aaᵀSaaᵀ]
    step = np.eye(d * d) - eta * (np.kron(H, np.eye(d)) + np.kron(np.eye(d), H)) + eta**2 * fourth
    cross = (r[:, None, None] * flat[:, :, None] * A[:, None, :]).mean(0)  # m -> vec E[r(aᵀm)aaᵀ]
    m, S, out = e0.copy(), np.outer(e0, e0).ravel(), [float(e0 @ e0)]
    for _ in range(steps):
        S = step @ S + eta**2 * (noise.ravel() - 2 * cross @ m)
        m = m - eta * H @ m
        out.append(float(S[:: d + 1].sum()))
    return np.array(out)


@formula("sgd.strongly-convex-bound", reference="the exact expectation over the drawn examples, with and without noise; "
                                                "the exact 1-D floor; 1000 Monte Carlo chains (4 SE)")
def check_strongly_convex_bound(bound=st.sgd_bound) -> CheckResult:
    A, b = least_squares_problem(0)
    x_star, H, Sigma = st.least_squares_noise(A, b)
    L, mu, sigma2 = float((A**2).sum(1).max()), float(torch.linalg.eigvalsh(H)[0]), float(torch.trace(Sigma))
    x0 = torch.zeros(5, dtype=F64)
    dist0 = float(((x0 - x_star) ** 2).sum())
    etas = [0.1 / L, 0.5 / L, 0.9 / L]
    k = torch.arange(0, 601, dtype=F64)
    exact = np.stack([_exact_sgd_second_moment(to_numpy(A), to_numpy(b), e, to_numpy(x0 - x_star), 600) for e in etas])
    bounds = torch.stack([torch.as_tensor(bound(k, e, mu, L, sigma2, dist0), dtype=F64) for e in etas])
    under = _ratio_leq(exact, bounds, what="E‖x_k − x*‖² (exact expectation)/bound for η = 0.1/L, 0.5/L, 0.9/L, k ≤ 600")
    # the contraction, two-sided: without noise (b = Ax_true) and from the μ-eigenvector the exact decay per step
    # lies between the bound's 1 − 2ημ(1 − ηL) and 1 − 2ημ; at η = 0.01/L its exponent is within 5% of the bound's
    v_mu = to_numpy(torch.linalg.eigh(H).eigenvectors[:, 0])
    eta0 = 0.01 / L
    clean = _exact_sgd_second_moment(to_numpy(A), to_numpy(A) @ to_numpy(x_star), eta0, v_mu, 600)
    noiseless = to_numpy(bound(k, eta0, mu, L, 0.0, 1.0))
    exponent = math.log(clean[-1]) / math.log(noiseless[-1])
    rate = holds(bool((clean <= noiseless * (1 + 1e-12)).all()) and 1 <= exponent <= 1.05,
                  f"noiseless, from the μ-eigenvector (η = 0.01/L): E‖x_k − x*‖² decays {exponent:.3f} times as fast as "
                  f"(1 − 2ημ(1 − ηL))^k (within [1, 1.05])",
                  f"noiseless, from the μ-eigenvector (η = 0.01/L): E‖x_k − x*‖² decays {exponent:.3g} times as fast as "
                  f"the bound's contraction (need within [1, 1.05], and below it)")
    # the floor, in 1-D where the exact floor is ησ²/(2μ − ηE[a⁴]): the bound's ησ²/(μ(1 − ηL)) is twice it as η → 0
    rng = np.random.default_rng(5)
    a1, b1 = rng.uniform(0.5, 1.5, size=50), rng.normal(size=50)
    A1 = f64(a1[:, None])
    _, H1, S1 = st.least_squares_noise(A1, f64(b1))
    mu1, s1, L1 = float(H1), float(S1), float((a1**2).max())
    eta1 = 1e-3 / L1
    floor_1d = eta1 * s1 / (2 * mu1 - eta1 * (a1**4).mean())
    twice = float(bound(1e9, eta1, mu1, L1, s1, 0.0)) / floor_1d
    floor = check_close(float(st.sgd_floor(A1, f64(b1), eta1)), floor_1d, rtol=1e-10,
                        what="1-D: the exact floor and ησ²/(2μ − ηE[a⁴])") & \
        holds(abs(twice - 2) <= 0.01, f"1-D, η = 0.001/L: the bound's floor is {twice:.3f} times the exact floor "
                                      "(→ 2 as η → 0)", f"1-D, η = 0.001/L: the bound's floor is {twice:.3g} times the "
                                      "exact floor, not 2 ± 0.01")
    sq = st.sgd_least_squares(A, b, x0, etas[1:], 600, 1000, record_every=10,
                              generator=torch.Generator().manual_seed(6))  # (2, chains, 61)
    floors = []
    for j in (0, 1):
        plateau = sq[j, :, 30:].mean(-1)  # per-chain average over k = 300..600
        floors.append(check_monte_carlo(to_numpy(plateau), float(st.sgd_floor(A, b, etas[j + 1])),
                                        what=f"plateau at η = {0.5 if j == 0 else 0.9}/L vs exact floor"))
    floors[1] = floors[1] & check_close(exact[1:, -1], [float(st.sgd_floor(A, b, e)) for e in etas[1:]], rtol=1e-4,
                                        what="the exact expectation at k = 600 and the exact floor (η = 0.5/L, 0.9/L)")
    eta_big = 0.5 / mu  # allowed by "η ≤ 1/μ", far beyond 1/L
    run = st.sgd_least_squares(A, b, x0, [eta_big], 100, 50, generator=torch.Generator().manual_seed(7))
    try:
        value = float(bound(100, eta_big, mu, L, sigma2, dist0))
        refused = not math.isfinite(value)
    except ValueError:
        refused = True
    diverges = holds(bool(run[0, :, -1].mean() > 1e6) and refused,
                      "η = 1/(2μ) > 1/L diverges and the bound excludes it",
                      "η = 1/(2μ) > 1/L diverges, yet the bound admits it with a finite value")
    return under & rate & floor & floors[0] & floors[1] & diverges


def _flat_subgradient(x: torch.Tensor, eps: float = 0.05) -> torch.Tensor:
    """Subgradient of f(x) = ε(2 − x) + (1 − ε)max(0, −1.9 − x): convex, 1-Lipschitz, minimised at x = 2."""
    return torch.where(x < -1.9, torch.full_like(x, -1.0), torch.full_like(x, -eps))


@formula("sgd.polyak-averaging-rates", reference="cumulative sums; closed-form E|x−a|; Monte Carlo (4 SE)")
def check_polyak_averaging_rates(schedule=st.averaging_steps) -> CheckResult:
    rng = np.random.default_rng(8)
    iterates = rng.normal(size=(50, 3))
    recursion = check_close(st.polyak_average(f64(iterates)), np.cumsum(iterates, 0) / np.arange(1, 51)[:, None],
                            atol=1e-12, what="recursion and running mean")
    # convex, G = 1, D = 4 on [-2, 2]: 200 chains of f = E|x − a|, a ~ N(0, 1), plus one flat deterministic problem
    T, chains = 5_000, 200
    a = torch.randn(T, chains, generator=torch.Generator().manual_seed(9), dtype=F64)
    a = torch.cat([a, torch.zeros(T, 1, dtype=F64)], 1)  # the last chain is the flat problem
    flat = torch.arange(chains + 1) == chains

    def subgradient(x, k):  # sign(x − a) for the stochastic chains, the flat problem's subgradient for the last
        return torch.where(flat, _flat_subgradient(x), torch.sign(x - a[k - 1]))

    x0 = torch.cat([torch.full((chains,), 2.0, dtype=F64), torch.tensor([-1.9], dtype=F64)])
    _, avg = st.projected_sgd(subgradient, x0, torch.as_tensor(schedule(4.0, 1.0, T), dtype=F64), -2.0, 2.0)
    checkpoints = [99, 999, 4999]
    xb = to_numpy(avg[:, checkpoints])
    f_abs = xb[:chains] * (2 * scipy.stats.norm.cdf(xb[:chains]) - 1) + 2 * scipy.stats.norm.pdf(xb[:chains])
    gap_stoch = f_abs.mean(0) + 4 * f_abs.std(0) / math.sqrt(chains) - 2 * scipy.stats.norm.pdf(0)
    gap_flat = 0.05 * (2 - xb[chains]) + 0.95 * np.maximum(0, -1.9 - xb[chains])
    bound = 3 * 1.0 * 4.0 / (2 * np.sqrt(np.array(checkpoints) + 1.0))
    convex = _ratio_leq(np.concatenate([gap_stoch, gap_flat]), np.concatenate([bound, bound]),
                        what="convex case (E f(x̄_T) − f*)/(3GD/(2√T)) at T = 10², 10³, 5·10³ (two problems)")
    # strongly convex: f = ½E(x − a)², a ~ U[-1, 1], μ = 1, η_k = 1/k, G = 3 on [-2, 2]
    Ts = 100
    u = torch.rand(4000, Ts, generator=torch.Generator().manual_seed(10), dtype=F64) * 2 - 1
    last, avg_sc = st.projected_sgd(lambda x, k: x - u[:, k - 1], torch.full((4000,), 2.0, dtype=F64),
                                    st.robbins_monro_steps(1.0, Ts), -2.0, 2.0)
    # note: x_{k+1} = x_k − (x_k − a_k)/k, so the last iterate x_{T+1} is the mean of T samples; here x_T
    gap_avg = 0.5 * (to_numpy(avg_sc[:, -1]) ** 2)
    strong = _ratio_leq(gap_avg.mean() + 4 * gap_avg.std() / math.sqrt(4000), 9 * (1 + math.log(Ts)) / (2 * Ts),
                        what="strongly convex (E f(x̄_T) − f*)/(G²(1 + ln T)/(2μT)), T = 100")
    last_gap = check_monte_carlo(0.5 * to_numpy(last[:, -1]) ** 2, 1 / (6 * (Ts - 1)), what="last iterate 1/(6k), k = 99")
    # the bound is the proof's (D²/(2η_T) + (G²/2)Σ_{k≤T}η_k)/T for these steps, which approaches 3GD/(2√T) from below
    T_big = 10**6
    eta_k = to_numpy(torch.as_tensor(schedule(4.0, 1.0, T_big), dtype=F64))
    Ts = np.array([100, 10**4, T_big])
    proof = (16 / (2 * eta_k[Ts - 1]) + 0.5 * np.cumsum(eta_k)[Ts - 1]) / Ts
    tight = proof / (3 * 4.0 / (2 * np.sqrt(Ts)))
    steps_ok = holds(bool((tight <= 1).all()) and tight[-1] >= 0.999,
                      f"with these steps the proof's (D²/(2η_T) + (G²/2)Ση_k)/T is {tight[-1]:.4f} × 3GD/(2√T) at T = 10⁶ "
                      "(≤ 1, → 1)",
                      f"with these steps the proof's (D²/(2η_T) + (G²/2)Ση_k)/T is {np.round(tight, 3).tolist()} × "
                      "3GD/(2√T) at T = 10², 10⁴, 10⁶ (need ≤ 1, → 1)")
    harmonic = np.cumsum(1 / np.arange(1, T_big + 1))[Ts - 1] / (1 + np.log(Ts))
    strong_proof = holds(bool((harmonic <= 1).all()) and harmonic[-1] >= 0.97,
                          f"with η_k = 1/(μk) the proof's G²Σ_{{k≤T}}(1/k)/(2μT) is {harmonic[-1]:.3f} × G²(1 + ln T)/(2μT) "
                          "at T = 10⁶ (≤ 1)", "Σ_{k≤T} 1/k exceeds 1 + ln T")
    return recursion & convex & steps_ok & strong & strong_proof & last_gap


@formula("sgd.svrg", reference="exact enumeration over i; plain SGD with the same gradient budget")
def check_svrg(estimate=st.svrg_gradient) -> CheckResult:
    A, b = least_squares_problem(3, n=100, d=10, noise=0.5)
    x_star = st.least_squares_noise(A, b)[0]
    g = torch.Generator().manual_seed(11)
    x, snap = torch.randn(10, generator=g, dtype=F64), torch.randn(10, generator=g, dtype=F64)
    gx, gs = st.least_squares_gradients(A, b, x), st.least_squares_gradients(A, b, snap)
    all_i = estimate(gx, gs, gs.mean(0).expand_as(gs))  # (n, d): the estimate for every i
    unbiased = check_close(all_i.mean(0), gx.mean(0), atol=1e-12, what="mean over i of the SVRG estimate and ∇f(x)")
    gstar = st.least_squares_gradients(A, b, x_star)
    at_opt = estimate(gstar, gstar, gstar.mean(0).expand_as(gstar))
    zero = check_close(((at_opt - at_opt.mean(0)) ** 2).sum(-1).mean(), 0.0, atol=1e-24,
                       what="variance at x = x̄ = x*")
    Lmax = float((A**2).sum(1).max())
    svrg = st.svrg_least_squares(A, b, torch.zeros(10, dtype=F64), 0.25 / Lmax, 15, 4,
                                 generator=torch.Generator().manual_seed(12))
    sgd = st.svrg_least_squares(A, b, torch.zeros(10, dtype=F64), 0.25 / Lmax, 15, 4, variance_reduced=False,
                                generator=torch.Generator().manual_seed(12))
    worst, floor = float(svrg[:, -1].max()), float(sgd[:, 5:].min())
    runs = holds(worst < 1e-6 and floor > 1e-2,
                  "η = 0.25/L_max, 4 seeds: SVRG ‖x − x*‖ < 1e-6 after 15 epochs; SGD with the same budget stays > 1e-2",
                  f"SVRG ends at {_g(worst)} (need < 1e-6), SGD floor {_g(floor)} (need > 1e-2)")
    return unbiased & zero & runs


@formula("sgd.signsgd", reference="torch.optim.Adam with betas = (0, 0), eps = 0")
def check_signsgd(step=st.sign_sgd_step, other=None) -> CheckResult:
    from edl.optimization import adaptive  # the same rule in the optimiser module (adaptive's checks import this one)
    other = adaptive.sign_step if other is None else other
    rng = np.random.default_rng(13)
    x, grad = rng.normal(size=50), rng.normal(size=50)
    moved = to_numpy(step(f64(x), f64(grad), 0.01)) - x
    magnitude = check_close(np.abs(moved), np.full(50, 0.01), atol=1e-15, what="|update| and η")
    H, x0 = _quadratic(14)
    ours, xx = [], f64(x0)
    for _ in range(20):
        xx = step(xx, f64(H) @ xx, 0.01)
        ours.append(xx)
    adam = _torch_trajectory(lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.0, 0.0), eps=0.0), H, x0, 20)
    same = check_close(torch.stack(ours), adam, atol=1e-13, what="20 steps and torch Adam(β₁ = β₂ = 0, ε = 0)")
    xa, theirs = f64(x0), []
    for _ in range(20):
        xa = other(xa, f64(H) @ xa, 0.01)
        theirs.append(xa)
    alias = check_close(torch.stack(theirs), adam, atol=1e-13, what="edl.optimization.adaptive.sign_step, 20 steps") & \
        check_close(_torch_trajectory(lambda p: adaptive.SignSGD(p, lr=0.01), H, x0, 20), adam, atol=1e-13,
                    what="edl.optimization.adaptive.SignSGD, 20 steps")
    return magnitude & same & alias


# --- the seeds' errata: the same checks, run on what the seed says ---------------------------------

@erratum("ch01-03:E41", wrong=r"f=\sum_i f_i,\ \mathbb E\nabla f_I=\nabla f", right=r"f=\tfrac1n\sum_i f_i,\ \mathbb E\nabla f_I=\nabla f",
         why="With f a sum, ∇fᵢ for a uniformly drawn i averages to ∇f/n, not ∇f, so each SGD step is on average a "
             "gradient step with η/n, and results stated for f do not carry over.")
def seed_update_unbiased() -> CheckResult:
    return check_update_unbiased(total=lambda losses: losses.sum(-1))


@erratum("ch01-03:E42", wrong=r"\sum_{k=0}^\infty 1/k^2\le\infty", right=r"\sum_{k=1}^\infty \eta_k^2<\infty,\ \eta_k=1/k",
         why="Starting at k = 0 makes the first step 1/0, so the schedule cannot even be run; and ≤ ∞ holds for every "
             "series, so the square-summability condition on the steps is lost.")
def seed_robbins_monro() -> CheckResult:
    return check_robbins_monro(steps=lambda c, K: st.robbins_monro_steps(c, K, start=0))


def _seed_sgd_bound(k, eta, mu, L, sigma2, dist0):
    """002: noise term ησ²/(μ − ηL), step condition η ≤ 1/μ."""
    if eta > 1 / mu:
        raise ValueError("eta > 1/mu")
    k = torch.as_tensor(k, dtype=F64)
    return (1 - 2 * eta * mu * (1 - eta * L)) ** k * dist0 + eta * sigma2 / (mu - eta * L)


@erratum("ch01-03:E43", wrong=r"B=\frac{\eta\sigma^2}{\mu-\eta L},\ \eta\le1/\mu", right=r"B=\frac{\eta\sigma^2}{\mu(1-\eta L)},\ \eta<1/L",
         why="The stated noise floor blows up as η nears μ/L and is negative beyond it, and η ≤ 1/μ admits steps far "
             "beyond 1/L at which SGD diverges while the bound still promises a finite error.")
def seed_strongly_convex_bound() -> CheckResult:
    return check_strongly_convex_bound(bound=_seed_sgd_bound)


@erratum("ch01-03:E44", wrong=r"\eta_k\propto 1/k\ \Rightarrow\ O(1/\sqrt t)", right=r"\eta_k=\frac{D}{G\sqrt k}\ \Rightarrow\ \frac{3GD}{2\sqrt T}",
         why="With ηₖ ∝ 1/k the steps shrink so fast that their sum grows only like log t; on a flat convex loss the "
             "iterate cannot travel far enough and the averaged error exceeds 3GD/(2√T).")
def seed_polyak_rates() -> CheckResult:
    return check_polyak_averaging_rates(schedule=lambda D, G, T: st.robbins_monro_steps(D / G, T))
