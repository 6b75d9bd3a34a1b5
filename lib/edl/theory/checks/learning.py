"""Checks of ``edl.theory.learning`` (book labels ``slt.*``) and of the errata there.

Independent routes: projections and risks by ``scipy.integrate.quad``, closed-form error rates of linear
classifiers on Gaussian classes (``scipy.stats.norm``), closed-form growth functions, linear programs
(``scipy.optimize.linprog``), the Kolmogorov distribution (``scipy.stats.kstwo``), exact enumeration of sign
vectors, ``numpy.linalg.lstsq``/``pinv`` and ``scipy.linalg.null_space``. Each check takes the formula under
test as a keyword argument, so that an erratum runs the same check on the mistaken version.
"""

import itertools
import math

import numpy as np
import scipy.integrate
import scipy.linalg
import scipy.optimize
import scipy.stats
import torch

from edl.core.checking import CheckResult, all_of, check_close, check_leq, f64, holds, to_numpy
from edl.core.ledger import erratum, formula
from edl.theory import learning as lr

# --- risks ------------------------------------------------------------------------------------------


def _cubic_approximation_error() -> float:
    """½∫(sin 3x − p*)² dx over [−1, 1], p* the L²(U[−1, 1]) projection on cubics, by quadrature of moments."""
    gram = np.array([[(1 + (-1) ** (i + j)) / (2 * (i + j + 1)) for j in range(4)] for i in range(4)])
    rhs = np.array([scipy.integrate.quad(lambda x, i=i: 0.5 * x**i * math.sin(3 * x), -1, 1)[0] for i in range(4)])
    c = np.linalg.solve(gram, rhs)
    return scipy.integrate.quad(lambda x: 0.5 * (math.sin(3 * x) - np.polyval(c[::-1], x)) ** 2, -1, 1,
                                epsabs=1e-14)[0]


@formula("slt.risk-decomposition", reference="approximation error by quad of the L² projection; 1/n decay of the estimation error")
def check_risk_decomposition(decompose=lr.risk_decomposition) -> CheckResult:
    ns = [20, 200, 2000]
    terms = np.array([[to_numpy(decompose(*lr.polynomial_risks(3, n, generator=torch.Generator().manual_seed(s))))
                       for s in range(20)] for n in ns])                    # (n, seed, term)
    excess, estimation, approximation = terms[..., 0], terms[..., 1], terms[..., 2]
    median = np.median(estimation, axis=1)
    slope = np.polyfit(np.log(ns), np.log(np.maximum(median, 1e-300)), 1)[0] if (median > 0).all() else float("nan")
    return all_of(
        check_close(approximation, np.full_like(approximation, _cubic_approximation_error()), atol=1e-10,
                    what="approximation term vs ½∫(sin 3x − p*)² by quad, 60 fits"),
        check_close(estimation + approximation, excess, atol=1e-12, what="estimation + approximation vs excess"),
        holds(bool((estimation >= -1e-12).all()), "estimation term ≥ 0 in all 60 fits",
              f"negative estimation term {estimation.min():.3g}"),
        holds(-1.3 <= slope <= -0.7, f"median estimation term decays like n^{slope:.1f} (n = 20, 200, 2000)",
              f"median estimation term {np.round(median, 6).tolist()} does not decay like 1/n (slope {slope:.2f})"))


@erratum("ch09-11:E01", wrong=r"\mathcal R(\hat f_H)-\mathcal R(\hat f_H)\ \text{(estimation)},\quad\mathcal R(\hat f_H)-\mathcal R(f^*)\ \text{(approximation)}",
         right=r"\mathcal R(\hat f_{\mathcal H})-\mathcal R(f^*_{\mathcal H}),\quad\mathcal R(f^*_{\mathcal H})-\mathcal R(f^*)",
         why="With the learned predictor as pivot the estimation error is identically zero and the 'approximation error' "
             "is the whole excess risk: it shrinks with more data, which no property of the class can do.")
def seed_wrong_pivot() -> CheckResult:
    def wrong(fit, cls, bayes):
        fit, bayes = f64(fit), f64(bayes)
        return torch.stack([fit - bayes, fit - fit, fit - bayes])
    return check_risk_decomposition(decompose=wrong)


def _logistic_fit(X, y, steps=300, lr=0.5):
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(X @ w + b)))
        w -= lr * X.T @ (p - y) / len(y)
        b -= lr * float(np.mean(p - y))
    return w, b


@formula("slt.generalization-gap", reference="closed-form test error Φ(·) of a linear rule on Gaussian classes")
def check_generalization_gap(gap=lr.generalization_gap) -> CheckResult:
    d, mu = 20, np.full(20, 0.25)
    medians, gaps = [], []
    for s in (50, 500):
        per_seed = []
        for seed in range(10):
            rng = np.random.default_rng(seed)
            y = rng.integers(0, 2, s)
            X = rng.normal(size=(s, d)) + np.where(y[:, None] == 1, mu, -mu)
            w, b = _logistic_fit(X, y)
            train = float(np.mean(((X @ w + b) > 0) != (y == 1)))
            norm = np.linalg.norm(w)
            test = 0.5 * (scipy.stats.norm.cdf(-(w @ mu + b) / norm) + scipy.stats.norm.cdf(-(w @ mu - b) / norm))
            per_seed.append(float(gap(test, train)))
            gaps.append((test, train, per_seed[-1]))
        medians.append(float(np.median(per_seed)))
    test, train, got = (np.array(c) for c in zip(*gaps))
    return all_of(check_close(got, np.where(test > train, test - train, 0.0), atol=1e-12,
                              what="Δ vs the positive part of E − Ê on 20 fits"),
                  holds(bool((got >= 0).all()) and medians[1] < medians[0],
                        f"median gap {medians[0]:.3f} (s = 50) > {medians[1]:.3f} (s = 500)",
                        f"median gaps {medians[0]:.3f} (s = 50), {medians[1]:.3f} (s = 500): no decrease"))


# --- growth function and VC dimension ---------------------------------------------------------------

@formula("slt.shattering-coefficient", reference="closed forms n + 1 (thresholds) and C(n+1, 2) + 1 (intervals)")
def check_shattering(growth=lr.growth_function) -> CheckResult:
    rng = np.random.default_rng(0)
    thr, itv = [], []
    for n in range(1, 13):
        x = f64(rng.random(n))
        thr.append(growth(lr.threshold_labellings(x)))
        itv.append(growth(lr.interval_labellings(x)))
    ns = np.arange(1, 13)
    return all_of(check_close(thr, ns + 1, atol=0.5, what="thresholds, n = 1..12"),
                  check_close(itv, ns * (ns + 1) / 2 + 1, atol=0.5, what="intervals, n = 1..12"),
                  holds(thr[0] == 2 and itv[1] == 4 and thr[1] < 4 and itv[2] < 8,
                        "shattered: 1 point by thresholds, 2 by intervals, and no more",
                        f"counts {thr[:3]}, {itv[:3]} disagree with 2^n at the VC dimension"))


def _class_on_first_three(N=8):
    """All 8 labellings of points 0, 1, 2, constant 0 on the rest: VC dimension exactly 3, yet most 3-sets fail."""
    rows = [list(bits) + [0] * (N - 3) for bits in itertools.product([0.0, 1.0], repeat=3)]
    return f64(rows)


@formula("slt.vc-dimension", reference="brute force over subsets: thresholds 1, intervals 2, a class shattering one 3-set 3")
def check_vc_dimension(vc=lr.vc_dimension) -> CheckResult:
    grid = f64(np.arange(8.0))
    rng = np.random.default_rng(1)
    finite = f64(rng.integers(0, 2, size=(64, 10)))
    full5 = f64(list(itertools.product([0.0, 1.0], repeat=5)))
    got = [vc(lr.threshold_labellings(grid)), vc(lr.interval_labellings(grid)), vc(_class_on_first_three())]
    return all_of(check_close(got, [1, 2, 3], atol=0.5, what="VC dimension of thresholds, intervals, the 3-set class"),
                  holds(vc(finite) <= 6, f"64 random labellings of 10 points: VCdim {vc(finite)} ≤ log₂ 64 = 6",
                        f"64 labellings gave VC dimension {vc(finite)} > 6"),
                  holds(vc(full5) == 5, "all 32 labellings of 5 points: VCdim = log₂ 32 = 5 (tight)",
                        f"all labellings of 5 points gave {vc(full5)}"))


@erratum("ch09-11:E02", wrong=r"\max_s\sup_{|S|=s}\mathbb E\big[|\mathcal F(S)|=2^s\big]",
         right=r"\max\{s:\ \max_{|S|=s}|\mathcal F(S)|=2^s\}",
         why="An expectation of an equation has no meaning; read as 'shattered on average over sets of size s' it asks "
             "every set to be shattered, and a class that shatters one 3-set but not the others gets VC dimension 1.")
def seed_vc_in_expectation() -> CheckResult:
    def every_subset(labellings):
        lab = torch.unique(f64(labellings), dim=0)
        best = 0
        for k in range(1, lab.shape[1] + 1):
            if all(torch.unique(lab[:, list(S)], dim=0).shape[0] == 2**k
                   for S in itertools.combinations(range(lab.shape[1]), k)):
                best = k
        return best
    return check_vc_dimension(vc=every_subset)


@erratum("ch09-11:E03", wrong=r"L_t=-\|m(x_t,x_{0,t})-m_\theta(x_t,t)\|^2/(2\sigma_t^2)+\text{const}\ \text{(under VC theory)}",
         right=r"\mathrm{VCdim}(\mathcal F)=\max\{s:\ S_{\mathcal F}(s)=2^s\}",
         why="A diffusion model's training loss placed under the VC-dimension heading is not a capacity measure: it does "
             "not depend on the class's labellings, so it cannot tell thresholds (VC 1) from intervals (VC 2).")
def seed_diffusion_loss_as_capacity() -> CheckResult:
    def diffusion_loss(labellings, sigma_t=1.0):
        m = m_theta = torch.zeros(4, dtype=torch.float64)      # whatever the class, the loss ignores it
        return float(-((m - m_theta) ** 2).sum() / (2 * sigma_t**2))
    return check_vc_dimension(vc=diffusion_loss)


def _separable(X, y) -> bool:
    """Is y_i θ·x_i ≥ 1 feasible? A linear program with zero objective."""
    res = scipy.optimize.linprog(np.zeros(X.shape[1]), A_ub=-(y[:, None] * X), b_ub=-np.ones(len(y)),
                                 bounds=[(None, None)] * X.shape[1], method="highs")
    return res.status == 0


@formula("slt.vc-linear-classifiers", reference="a linear program for each of the 2^s labellings (scipy linprog)")
def check_vc_linear(count=lr.cover_count) -> CheckResult:
    rng = np.random.default_rng(2)
    found, want = [], []
    for s in (2, 3, 4, 5, 6):
        X = rng.normal(size=(s, 3))
        labellings = [np.array(y) for y in itertools.product([-1.0, 1.0], repeat=s) if y[0] > 0]   # y and −y alike
        found.append(2 * sum(_separable(X, y) for y in labellings))
        want.append(count(s, 3))
    return all_of(check_close(want, found, atol=0.5, what="C(s, 3) vs separable labellings by LP, s = 2..6"),
                  holds(found[:2] == [4, 8] and found[2] < 16, "3 points shattered in ℝ³, 4 points not: VCdim = 3",
                        f"separable counts {found} contradict VCdim = 3"))


# --- bounds -----------------------------------------------------------------------------------------

@formula("slt.vc-inequality", reference="Kolmogorov–Smirnov statistic of thresholds (scipy kstwo); vacuous until s ≈ 1.82e5")
def check_vc_inequality(bound=lr.vc_inequality_bound) -> CheckResult:
    s, eps, reps = 2000, 0.05, 2000
    rng = np.random.default_rng(3)
    u = np.sort(rng.random((reps, s)), axis=1)
    i = np.arange(1, s + 1)
    D = np.maximum(i / s - u, u - (i - 1) / s).max(axis=1)          # sup_a |F_n(a) − a| over thresholds
    freq = float(np.mean(D > eps))
    exact = float(scipy.stats.kstwo.sf(eps, s))
    value = float(bound(s, eps, s + 1))
    cross = scipy.optimize.brentq(lambda t: float(bound(t, eps, t + 1)) - 1, 1e4, 1e6)
    return all_of(check_close(freq, exact, atol=4 * math.sqrt(exact * (1 - exact) / reps) + 1e-3,
                              what="P(D_s > 0.05), Monte Carlo vs kstwo"),
                  check_leq(exact, value, what="exact tail ≤ VC bound at s = 2000"),
                  holds(1.81e5 < cross < 1.83e5, f"bound = 1 at s ≈ {cross:.3g} (the sample size where it stops being vacuous)",
                        f"bound crosses 1 at s = {cross:.4g}, not 1.82e5"))


def _threshold_deviation(n, datasets, rng, noise=0.1, grid=np.linspace(0, 1, 101)):
    x = rng.random((datasets, n))
    y = (x <= 0.5) ^ (rng.random((datasets, n)) < noise)
    emp = ((x[:, None, :] <= grid[None, :, None]) != y[:, None, :]).mean(2)           # (datasets, grid)
    risk = noise + (1 - 2 * noise) * np.abs(grid - 0.5)
    return (risk[None] - emp).max(1), emp


@formula("slt.vc-theorem", reference="1,000 noisy threshold samples with the true risk in closed form; the tail it inverts")
def check_vc_theorem(bound=lr.vc_generalization_bound) -> CheckResult:
    n, delta = 500, 0.05
    dev, emp = _threshold_deviation(n, 1000, np.random.default_rng(4))
    width = float(bound(0.0, n, 2 * n + 1, delta))
    return all_of(holds(float(np.mean(dev > width)) <= delta,
                        f"no sample has sup(R − R_n) above the bound width {width:.3f} (n = 500)",
                        f"{np.mean(dev > width):.3f} of samples exceed the width {width:.3f}"),
                  check_close(bound(emp[:5, 50], n, 2 * n + 1, delta), emp[:5, 50] + width, atol=1e-12,
                              what="bound = R_n + width"),
                  check_close([2 * (2 * k + 1) * math.exp(-k * float(bound(0.0, k, 2 * k + 1, d)) ** 2 / 8)
                               for k, d in ((500, 0.05), (10_000, 0.01), (50, 0.5))], [0.05, 0.01, 0.5], rtol=1e-10,
                              what="width ε solves the symmetrised tail 2 S(2n) e^{−nε²/8} = δ"))


@formula("slt.rademacher-complexity", reference="exact enumeration of 2^10 sign vectors; equality for orthogonal points")
def check_rademacher_complexity(finite=lr.rademacher_finite, linear=lr.rademacher_linear) -> CheckResult:
    signs = f64(list(itertools.product([-1.0, 1.0], repeat=10)))
    rng = np.random.default_rng(5)
    X = rng.normal(size=(10, 3))
    value, jensen = (float(t) for t in linear(f64(X), 2.0, signs))
    w = rng.normal(size=(20000, 3))
    w = 2.0 * w / np.linalg.norm(w, axis=1, keepdims=True)              # many w on the sphere of radius B = 2
    by_search = float(np.mean((to_numpy(signs) @ X @ w.T).max(1) / 10))
    ortho, ortho_bound = (float(t) for t in linear(f64(np.eye(10) * np.arange(1, 11)[:, None]), 1.0, signs))
    return all_of(check_close(float(finite(signs, signs)), 1.0, atol=1e-12, what="all ±1 functions on 10 points"),
                  check_close(float(finite(signs[:1], signs)), 0.0, atol=1e-12, what="a singleton class"),
                  check_close(value, by_search, rtol=2e-3, what="‖w‖ ≤ 2 in ℝ³: closed-form sup vs 20,000 directions"),
                  check_leq(by_search, value, what="the search never beats the closed form", tol=1e-12),
                  check_close(ortho, ortho_bound, rtol=1e-12, what="orthogonal points: Jensen bound attained"),
                  holds(value < 0.99 * jensen, f"Gaussian points: {value:.4f} < Jensen bound {jensen:.4f}",
                        f"{value:.4f} vs bound {jensen:.4f}"))


def _atom_data(n, datasets, rng, noise=0.1):
    """x = 0 with probability ½, else U[0, 1]; label 1[x ≤ ½] flipped with probability 0.1."""
    x = np.where(rng.random((datasets, n)) < 0.5, 0.0, rng.random((datasets, n)))
    y = (x <= 0.5) ^ (rng.random((datasets, n)) < noise)
    return x, y


@formula("slt.rademacher-bound", reference="2,000 samples with true risks in closed form; exact sign enumeration")
def check_rademacher_bound(bound=lr.rademacher_bound, complexity=np.mean) -> CheckResult:
    n, grid, noise = 6, np.linspace(0, 1, 41), 0.1
    x, y = _atom_data(n, 2000, np.random.default_rng(6))
    loss = ((x[:, None, :] <= grid[None, :, None]) != y[:, None, :]).astype(float)     # (data, class, n)
    emp = loss.mean(2)
    risk = 0.5 * noise + 0.5 * (noise + (1 - 2 * noise) * np.abs(grid - 0.5))
    dev = (risk[None] - emp).max(1)
    signs = np.array(list(itertools.product([-1.0, 1.0], repeat=n)))
    rad_hat = np.einsum("kn,dgn->dkg", signs, loss).max(2).mean(1) / n                    # exact per sample
    R = complexity(rad_hat)
    dev_bound, erm_bound = (to_numpy(b) for b in bound(f64(R), f64(np.full_like(R, risk.min()))))
    erm = risk[emp.argmin(1)]
    se = dev.std() / math.sqrt(len(dev))
    return all_of(check_leq(np.full_like(dev_bound, dev.mean() - 3 * se), dev_bound,
                            what="E sup(R − R_n) − 3 SE ≤ 2 ℜ_n (n = 6)"),
                  check_leq(np.full_like(erm_bound, erm.mean()), erm_bound, what="E R(ERM) ≤ R(h*) + 2 ℜ_n"),
                  holds(float(np.max(dev_bound)) < 2.5 * dev.mean(),
                        "the factor 2 is within 2.5× of the deviation it bounds",
                        f"bound {np.max(dev_bound):.3g} is more than 2.5× the deviation {dev.mean():.3g}"))


@erratum("ch09-11:E04", wrong=r"\mathbb E\big[\sup_h(\mathcal R(h)-\mathcal R_{D_n}(h))\big]\le2\,\hat{\mathfrak R}_{D_n}(G)",
         right=r"\mathbb E\big[\sup_h(\mathcal R(h)-\mathcal R_{D_n}(h))\big]\le2\,\mathfrak R_n(G),\ \mathfrak R_n=\mathbb E\hat{\mathfrak R}_{D_n}",
         why="The empirical complexity is a random variable: on a sample where every point is the same, all hypotheses "
             "agree, it is 0, and the 'bound' says the expected deviation is 0 although it is not.")
def seed_empirical_complexity() -> CheckResult:
    return check_rademacher_bound(complexity=lambda r: r)


# --- double descent and the implicit bias -----------------------------------------------------------

@formula("slt.double-descent", reference="numpy lstsq min-norm fit; peak at p = n and a second descent below the first")
def check_double_descent(curve=lr.double_descent, fit=lr.min_norm_fit) -> CheckResult:
    ps = [10, 40, 80, 90, 100, 110, 120, 400, 3000]
    err = to_numpy(curve(ps, seeds=5, n_test=1000))
    rng = np.random.default_rng(7)
    F, y = rng.normal(size=(30, 80)), rng.normal(size=30)
    under = [e for p, e in zip(ps, err) if p < 100]
    return all_of(check_close(fit(f64(F), f64(y)), np.linalg.lstsq(F, y, rcond=None)[0], atol=1e-10,
                              what="F⁺y vs numpy lstsq (n = 30, p = 80)"),
                  holds(ps[int(np.argmax(err))] == 100, f"test MSE peaks at p = n = 100 ({err.max():.3g})",
                        f"test MSE peaks at p = {ps[int(np.argmax(err))]}, not at n = 100"),
                  holds(err[-1] < min(under), f"p = 3000: {err[-1]:.3f} < best under-parameterised {min(under):.3f}",
                        f"p = 3000 gives {err[-1]:.3f}, best p < n gives {min(under):.3f}"))


@formula("slt.implicit-bias-min-norm", reference="numpy pinv and the null-space projector (scipy null_space)")
def check_implicit_bias(descend=lr.gd_least_squares, limit=lr.min_norm_limit, fit=lr.min_norm_fit) -> CheckResult:
    rng = np.random.default_rng(8)
    X, y, w0 = rng.normal(size=(20, 100)), rng.normal(size=20), rng.normal(size=100)
    lr_ = 1 / np.linalg.eigvalsh(X @ X.T).max()
    N = scipy.linalg.null_space(X)
    from_zero = descend(f64(X), f64(y), f64(np.zeros(100)), lr=lr_, steps=600)
    from_w0 = descend(f64(X), f64(y), f64(w0), lr=lr_, steps=600)
    other = np.linalg.pinv(X) @ y + N @ rng.normal(size=N.shape[1])         # another interpolant
    return all_of(check_close(from_zero, np.linalg.pinv(X) @ y, atol=1e-8, what="GD from 0 vs pinv(X) y"),
                  check_close(fit(f64(X), f64(y)), from_zero, atol=1e-8, what="X⁺y vs GD from 0"),
                  check_close(from_w0, np.linalg.pinv(X) @ y + N @ (N.T @ w0), atol=1e-8,
                              what="GD from w₀ vs X⁺y + (null-space part of w₀)"),
                  check_close(limit(f64(X), f64(y), f64(w0)), from_w0, atol=1e-8, what="the stated limit vs GD"),
                  holds(np.linalg.norm(to_numpy(from_zero)) < np.linalg.norm(other),
                        "the GD limit has smaller norm than another interpolant",
                        "another interpolant has smaller norm than the GD limit"))
